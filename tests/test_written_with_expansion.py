"""One meaning of "written with its expansion": the introduction (`course.defining`) and the
`acronymNotExpanded` rule answer the same for every form."""

from __future__ import annotations

import pytest
from course_helpers import build, write_course

from glossary_lsp.course.defining import defines, written_with_expansion
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings
from glossary_lsp.glossary.model import Term

EXPANSION = "time to first token"
GLOSSARY = """\
version: 1
terms:
  - term: TTFT
    expansion: Time to First Token
"""

WRITTEN_WITH_IT = [
    "**TTFT** (time to first token) is what users feel.",
    "TTFT (Time-To-First-Token) is what users feel.",
    "TTFT: Time to First Token, is what users feel.",
    "TTFT - time to first token - is what users feel.",
    "TTFT — time to first token — is what users feel.",
    "Time to First Token (TTFT) is what users feel.",
    "**Time-to-first-token (TTFT)** is what users feel.",
    "We measure the time to first\ntoken (TTFT) that users feel.",
    "We measure TTFT (time to\nfirst token) that users feel.",
    "We measure TTFT\n(time to first token) that users feel.",
    "We measure [time to first token](https://example.org/ttft-explained) (TTFT) first.",
    "We measure `TTFT` (time to first token) first.",
]
NOT_WRITTEN_WITH_IT = [
    "We track TTFT closely.",
    "TTFT (see the chapter on serving) matters.",
    "Time to first token is long. Then (TTFT) appears.",
    "TTFT is low; the time to first token of the next model is not.",
]


def occurrence(text: str) -> tuple[int, int]:
    start = text.index("TTFT")
    return start, start + 4


@pytest.mark.parametrize("text", WRITTEN_WITH_IT)
def test_written_with_its_expansion(text):
    assert written_with_expansion(text, *occurrence(text), EXPANSION)
    assert defines(text, *occurrence(text), Term("TTFT", expansion=EXPANSION))


def test_the_plural_of_the_expansion_before_the_plural_acronym():
    text = "Large language models (LLMs) predict tokens."
    start = text.index("LLMs")
    assert written_with_expansion(text, start, start + 4, "large language model")


@pytest.mark.parametrize("text", NOT_WRITTEN_WITH_IT)
def test_not_written_with_its_expansion(text):
    assert not written_with_expansion(text, *occurrence(text), EXPANSION)


@pytest.mark.parametrize("sentence", WRITTEN_WITH_IT)
def test_acronym_not_expanded_agrees_with_the_introduction(tmp_path, sentence):
    root = write_course(tmp_path, {"01-a.md": f"# A\n\n{sentence}\n"}, glossary=GLOSSARY)
    version, index = build(root)
    results = CourseDiagnostics().workspace(version, index, RuleSettings.from_settings())
    rules = [finding.rule for findings in results.values() for finding in findings]
    assert "acronymNotExpanded" not in rules


def test_a_bare_first_use_is_still_reported(tmp_path):
    root = write_course(
        tmp_path,
        {"01-a.md": "# A\n\nWe track TTFT closely.\n\nLater: Time to First Token (TTFT).\n"},
        glossary=GLOSSARY,
    )
    version, index = build(root)
    results = CourseDiagnostics().workspace(version, index, RuleSettings.from_settings())
    rules = [finding.rule for findings in results.values() for finding in findings]
    assert rules.count("acronymNotExpanded") == 1


def test_the_head_noun_written_after_the_parenthesis():
    text = "Sparse layers instead of dense feed-forward (FFN) layers."
    start = text.index("FFN")
    assert written_with_expansion(text, start, start + 3, "Feed-Forward Network")
    assert not written_with_expansion("Use the forward (FFN) pass.", 13, 16, "Feed-Forward Network")

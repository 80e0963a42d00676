"""Finding a term's introduction asks only the modules that use it (issue 17, bad input: a
10,000-acronym glossary made every hover ask every module once per tier), and answers as asking
every module in every tier did."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from course_helpers import build, notebook, write_course

from glossary_lsp.course import workspace as workspace_module
from glossary_lsp.course.introduction import TIERS, find_introduction
from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.glossary.model import Term

GLOSSARY = """\
version: 1
terms:
  - term: TTFT
    expansion: time to first token
  - term: KV cache
    definition: Keys and values kept between decoding steps.
  - term: Tokenizer
    definition: Splits text into tokens.
  - term: Beam search
    definition: Keeps the best few partial outputs.
  - term: LoRA
    expansion: low-rank adaptation
"""

FILLER = "# Lesson {n}\n\nThis lesson is about something else entirely.\n"

LESSONS = {
    "01-intro.md": "# Intro\n\n- [Serving](03-serving.md): the KV cache and TTFT\n",
    "02-tokens.ipynb": notebook(("markdown", "# Tokens\n\nA Tokenizer splits text.\n")),
    "03-serving.md": "# Serving\n\nThe KV cache grows. TTFT (time to first token) matters.\n",
    "04-kv-cache.md": "# KV cache\n\nMore on it. We tune TTFT here too.\n",
    "05-decoding.md": "# Decoding\n\nBeam search is defined as keeping a few outputs. KV cache.\n",
    "06-later.md": "# Later\n\nTTFT again, and a Tokenizer.\n",
}


def course(root: Path, fillers: int = 20) -> Path:
    files = dict(LESSONS)
    for n in range(fillers):
        files[f"{10 + n:02d}-filler-{n}.md"] = FILLER.format(n=n)
    return write_course(root, files, GLOSSARY)


def unindexed(root: Path) -> tuple[GlossaryVersion, WorkspaceIndex]:
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, str(root / "glossary.yaml")))
    index = WorkspaceIndex([root], matcher=version.matcher)
    index.list_modules()
    assert not any(module.terms_known for module in index.modules())
    return version, index


def terms_of(version: GlossaryVersion) -> list[Term]:
    return list(version.glossary.terms)


def counting_asks(index: WorkspaceIndex, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    asked: Counter[str] = Counter()
    real = index.may_introduce

    def may_introduce(module: ModuleFile, term: Term, kind: str) -> bool:
        asked[module.path.name] += 1
        return real(module, term, kind)

    monkeypatch.setattr(index, "may_introduce", may_introduce)
    return asked


def test_an_indexed_course_asks_only_the_modules_that_use_the_term(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version, index = build(course(tmp_path))
    term = version.glossary.lookup("Beam search")
    assert term is not None
    asked = counting_asks(index, monkeypatch)
    found = find_introduction(index, term)
    assert found is not None and found.module.path.name == "05-decoding.md"
    assert set(asked) == {"05-decoding.md"}


def test_an_unused_term_asks_no_indexed_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version, index = build(course(tmp_path))
    term = version.glossary.lookup("LoRA")
    assert term is not None
    asked = counting_asks(index, monkeypatch)
    assert find_introduction(index, term) is None
    assert not asked


def test_an_unindexed_module_is_looked_at_once_per_introduction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version, index = unindexed(course(tmp_path))
    term = version.glossary.lookup("LoRA")
    assert term is not None
    stamps: Counter[str] = Counter()
    real_stamp = workspace_module.file_stamp

    def counting_stamp(path: Path) -> object:
        stamps[path.name] += 1
        return real_stamp(path)

    monkeypatch.setattr(workspace_module, "file_stamp", counting_stamp)
    assert find_introduction(index, term) is None
    assert stamps and max(stamps.values()) == 1  # was once per tier: four times


def reference(index: WorkspaceIndex, term: Term) -> tuple[str, str, tuple[int, int]] | None:
    """The tiers as they were: every module of the course asked in every tier."""
    course = index.course()
    for reason, kind in TIERS:
        for module in course.modules:
            if index.may_introduce(module, term, kind):
                occurrence = index.first_occurrence(term, module, kind)
                if occurrence is not None:
                    return module.path.name, reason, occurrence.source_range()
    return None


def answer(index: WorkspaceIndex, term: Term) -> tuple[str, str, tuple[int, int]] | None:
    found = find_introduction(index, term)
    if found is None:
        return None
    return found.module.path.name, found.reason, found.source_range()


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "unindexed"])
def test_every_tier_answers_as_asking_every_module(tmp_path: Path, indexed: bool) -> None:
    version, index = build(course(tmp_path)) if indexed else unindexed(course(tmp_path))
    answers = {term.term: answer(index, term) for term in terms_of(version)}
    assert answers == {term.term: reference(index, term) for term in terms_of(version)}
    assert answers["TTFT"] is not None and answers["TTFT"][:2] == ("03-serving.md", "defined")
    assert answers["KV cache"] is not None and answers["KV cache"][:2] == (
        "04-kv-cache.md",
        "heading",
    )
    assert answers["Tokenizer"] is not None and answers["Tokenizer"][:2] == (
        "02-tokens.ipynb",
        "first use",
    )
    assert answers["LoRA"] is None


def test_a_module_whose_kinds_were_recorded_apart_still_introduces(tmp_path: Path) -> None:
    """`record_terms` keeps the kinds from its own matches: a module whose kinds say it defines
    the term is the introducing module even when the term set given does not hold it."""
    version, index = build(course(tmp_path))
    term = version.glossary.lookup("TTFT")
    assert term is not None
    serving = next(m for m in index.modules() if m.path.name == "03-serving.md")
    serving.terms = frozenset(key for key in serving.terms if key != term.key)
    found = find_introduction(index, term, locate=False)
    assert found is not None and (found.module.path.name, found.reason) == (
        "03-serving.md",
        "defined",
    )

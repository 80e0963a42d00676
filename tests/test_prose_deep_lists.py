"""A very deep run of bullets (`- - - … item`) is read with its middle lists taken out (four
parser events per two bytes otherwise): the prose, roles and offsets must be those of the text
as it is. Checked with small limits, so random Markdown reaches them, against no collapsing."""

from __future__ import annotations

import random

import pytest

from glossary_lsp.text import prose
from glossary_lsp.text.prose import analyse_markdown

RUN_LINES = [
    "- - - - - - - item FSDP",
    "* * * * * * * * starred {term}`gradient`",
    "+ + + + + + + + plus",
    "- - - - - - - - ```python\n  code",
    "- - - - - - - - <div>html text</div>",
    "- - - - - - - - > quoted",
    "- - - - - - - - ",
    "- - - - - - - -",
    "- - - - - - - -     indented code",
    "- - - - - - - - [a](b) and https://x.y/z",
    "- - - - - - - - - - - - - - - - - - - - deeper 注意力",
    "- - - - - - - * mixed",
]
OTHER_LINES = [
    "text",
    "",
    " one space",
    "  two spaces",
    "    four spaces",
    "       seven spaces",
    "\tone tab",
    "- item",
    "  - nested",
    "> quote",
    "```",
    "<div>",
    "| a | b |\n|---|---|",
    "1. one",
    "lazy continuation",
    "{term}`x` role",
]


def _markdown(rng: random.Random) -> str:
    lines = [rng.choice(RUN_LINES if rng.random() < 0.3 else OTHER_LINES) for _ in range(12)]
    return "\n".join(lines) + rng.choice(["", "\n"])


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prose, "_DEEP_LIST", (5, 3, 1))


@pytest.mark.slow  # 600 seeded random documents, each read twice
def test_collapsed_runs_read_as_the_text_as_it_is(
    small_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    collapsed = 0
    for seed in range(600):
        document = _markdown(random.Random(seed))
        found = analyse_markdown(document)
        with monkeypatch.context() as unlimited:
            unlimited.setattr(prose, "_DEEP_LIST", (10_000, 3, 1))
            expected = analyse_markdown(document)
        assert (found.spans, found.roles) == (expected.spans, expected.roles), (seed, document)
        collapsed += bool(prose._collapse_deep_lists(document.encode())[1])
    assert collapsed > 100  # the random text reaches the collapsing


def test_a_later_line_indented_deeper_keeps_more_lists(small_limits: None) -> None:
    deep = "- - - - - - - - - - item\n"  # 10 bullets: 3 kept first, 1 last
    assert prose._collapse_deep_lists(deep.encode())[1] == [(6, 12)]
    # a line 10 columns in continues 5 lists: 6 are kept first
    assert prose._collapse_deep_lists((deep + "\n          inside\n").encode())[1] == [(12, 6)]
    assert not prose._collapse_deep_lists((deep + "\n\t\t\t\tinside\n").encode())[1]


def test_a_500000_deep_item_is_prose() -> None:
    text = "- " * 500_000 + "item RLHF\n"
    assert analyse_markdown(text).spans == [(1_000_000, 1_000_009)]

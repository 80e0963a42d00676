"""The quick rejections in `course.defining` answer as the searches they stand in front of.

`defines` asks of every match in a module whether it opens a line and whether the sentence
names it (`this is called …`); those were regex searches over up to 200 and 80 characters
before the match, now a look at the characters right before it first. Seeded random texts
written for this test, built of the pieces those patterns read, compared with the searches.
"""

from __future__ import annotations

import random
import re

import pytest

from glossary_lsp.course import defining

_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+|#{1,6}[ \t]+|>[ \t]*)*$")
_PIECES = [
    "\n", "\n\n", " ", "\t", "  ", "- ", "* ", "+ ", "1. ", "12) ", "# ", "### ", "> ", ">",
    "called ", "named", "termed  ", "known as ", "referred to as\t", "is called ", "are named ",
    "was also termed ", "CALLED ", "As ", "aſ ", "has ", '"', "“", "'", "|", " | ", "word",
    "Prose", ".", ",", "ed ", "x" * 90,
]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(_PIECES, k=rng.randint(1, 30))) for _ in range(count)]


@pytest.mark.slow  # every offset of 600 seeded random texts
def test_a_line_start_is_what_the_search_found() -> None:
    edges = [" " * n + "- word" for n in range(190, 210)]  # where the search's reach ends
    edges += ["x\n" + " " * n + "> word" for n in range(190, 210)]
    for text in _texts(1, 600) + edges:
        for before in range(len(text) + 1):
            searched = _LINE_START.search(text, max(0, before - 200), before) is not None
            assert defining._at_line_start(text, before) == searched, (text, before)


def test_a_name_given_by_the_sentence_is_what_the_search_found() -> None:
    for text in _texts(2, 600):
        for before in range(len(text) + 1):
            searched = (
                before > 0
                and text[before - 1] in " \t\"“'"
                and defining._NAMED_BEFORE.search(text, max(0, before - 80), before) is not None
            )
            assert defining._named_here(text, before) == searched, (text, before)


def test_the_searches_find_what_they_look_for() -> None:
    """The texts above reach both answers (else the comparisons would prove little)."""
    texts = _texts(2, 600)
    found = {
        defining._named_here(text, before) for text in texts for before in range(len(text) + 1)
    }
    assert found == {True, False}
    starts = {
        defining._at_line_start(text, before)
        for text in _texts(1, 300)
        for before in range(len(text) + 1)
    }
    assert starts == {True, False}

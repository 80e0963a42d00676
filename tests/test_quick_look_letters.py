"""The definition quick look's letter tables (`course/defining.py`): a word after an occurrence
ruled out by its first one or two ASCII letters, an `ed`/`as` ending before it by the letter
before the blank. Compared with the full readings on every such start, whatever follows it
(including the characters case-insensitive matching reads as ASCII letters)."""

from __future__ import annotations

import itertools
import string

from glossary_lsp.course import defining
from glossary_lsp.glossary.model import Term

TERM = Term("TTFT", expansion="time to first token")
_TAILS = ["", " ", "ſ", "ſhort for", "s short for", ".e. x", "ı", "K", "é", " for x"]
_TAILS += [tail + " time to first token" for tail in ("", ".e.", "ſ", "s short for")]
# every letter, and two letters where the first opens a word a reading reads on from (the
# others are ruled out by their first letter already)
_WORD_STARTS = [*string.ascii_letters] + [
    first + second for first in "iasroIASRO" for second in string.ascii_letters
]


def _agrees(text: str, start: int, end: int) -> bool:
    read = defining._read_as_defined(text, start, end, TERM)
    return defining.defines(text, start, end, TERM) == read and (
        not defining._nothing_defines_here(text, start, end) or not read
    )


def test_a_word_after_an_occurrence_is_ruled_out_only_when_no_reading_holds() -> None:
    for opening in (" ", ", "):
        for word, tail in itertools.product(_WORD_STARTS, _TAILS):
            text = "We use TTFT" + opening + word + tail
            assert _agrees(text, 7, 11), text


def test_an_ending_before_an_occurrence_is_ruled_out_only_when_no_reading_holds() -> None:
    letters = string.ascii_letters + "ſĳé"
    for base in ("call", "nam", "known ", "referred to ", "abbreviat", "We "):
        for ending in (a + b for a in "eEaAſé" for b in letters):
            for after in (" and more", ", is short for time to first token", ": x", "\n"):
                text = "We " + base + ending + " TTFT" + after
                start = len("We " + base + ending + " ")
                assert _agrees(text, start, start + 4), text

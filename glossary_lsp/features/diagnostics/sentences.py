"""The sentence around an offset: where an expansion may stand, the context of a finding."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(
    r"(?<!\n\d)(?<!\n\d\d)[.!?](?=\s)"  # a full stop, but not a list item's `3.`
    r"|\n[ \t]*\r?\n"  # a blank line
    r"|\n(?=[ \t]*(?:[-*+>#|]|\d+[.)])[ \t])"  # a list item, a heading, a quote, a table row
)
_BLOCK_MARKER = re.compile(r"^(?:#{1,6}|[-*+>|]|\d+[.)])\s+")
MAX_CONTEXT = 300
_SENTENCE_REACH = 2000


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """Where the sentence containing `offset` starts and ends (2,000 characters each way at
    most: a table or a wall of text has no sentence end)."""
    start = max(0, offset - _SENTENCE_REACH)
    for boundary in _SENTENCE_END.finditer(text, start, offset):
        start = boundary.end()
    end_match = _SENTENCE_END.search(text, offset, offset + _SENTENCE_REACH)
    end = end_match.end() if end_match is not None else min(len(text), offset + _SENTENCE_REACH)
    return start, end


def sentence_around(text: str, offset: int) -> str:
    """The sentence containing `offset`, on one line, at most `MAX_CONTEXT` characters."""
    start, end = sentence_span(text, offset)
    sentence = _BLOCK_MARKER.sub("", " ".join(text[start:end].split()))
    if len(sentence) > MAX_CONTEXT:
        cut = sentence[:MAX_CONTEXT].rsplit(" ", 1)[0]
        sentence = cut + " …"
    return sentence

"""How a term's use is written: in a heading, a list item's label, a product's or a library's
name, a title quoted as a link's text, explained by an apposition or by the paragraph under its
heading. Each a plain function of the text and offsets."""

from __future__ import annotations

import re

from glossary_lsp.course.defining import squash
from glossary_lsp.glossary.model import Term

_VERSION_AFTER = re.compile(r"-?\d")
_LINK_TEXT_END = re.compile(r"[^\[\]\n]*\]\(")
_HEADING_BODY = 600


def names_something_else(text: str, start: int, end: int) -> bool:
    """An acronym that is part of a product's name (`GPT-4`, `GPT3`) or of a title quoted as a
    link's text (a book, a paper): not the place to expand it."""
    if _VERSION_AFTER.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    opening = text.rfind("[", line_start, start)
    if opening >= 0 and "]" not in text[opening:start] and _LINK_TEXT_END.match(text, end):
        return True
    anchor = text.rfind("<a ", line_start, start)
    closing = text.find("</a>", end, end + 300)
    return anchor >= 0 and "</a>" not in text[anchor:start] and closing >= 0


_HUGGING_FACE = "\N{HUGGING FACE}"
_LIBRARY_AFTER = re.compile(r"[*_`]*[ \t]+(?:library|libraries|package)\b")


def names_a_library(text: str, start: int, end: int, term: Term) -> bool:
    """`🤗 Transformers`, `the Transformers library`: a library named after a concept (the term
    in the plural, capitalised) is not a use of the concept."""
    if text[max(0, start - 3) : start].strip().endswith(_HUGGING_FACE):
        return True
    surface = text[start:end]
    plural = surface.endswith("s") and not term.term.endswith("s")
    return plural and surface[0].isupper() and _LIBRARY_AFTER.match(text, end) is not None


_APPOSITION = re.compile(r"[*_`]*,[ \t]+(?:an?|the)[ \t]+[^\W\d_][\w-]*[ \t]+[^\W\d_]", re.I)


_LABEL_BEFORE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\*\*|__)")
_LABEL_AFTER = re.compile(r"(?:[ \t]+[^\W\d_]+){0,2}(?:\*\*|__)[ \t]*:[ \t]*\S+[ \t]+\S+[ \t]+\S")


def explained_by_apposition(text: str, end: int) -> bool:
    """`CUDA, an optimized C library for GPUs`: an apposition says what the acronym is."""
    return text[end : end + 1] in _APPOSITION_OPENS and _APPOSITION.match(text, end) is not None


_APPOSITION_OPENS = ("*", "_", "`", ",")  # what `_APPOSITION` opens with


def opens_a_label(text: str, start: int, end: int) -> bool:
    """`2. **Temperature Control**: like a dial …`: a list item's bold label that opens with
    the term, explained after the colon: the use explains itself (but is not the course's
    introduction of the term: the label may be about something else named after it)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = _LABEL_BEFORE.fullmatch(text, line_start, start)
    return before is not None and _LABEL_AFTER.match(text, end) is not None


def in_heading(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return text.startswith("#", line_start)


def expanded_below_heading(text: str, start: int, expansion: str) -> bool:
    """An acronym in a heading ("## Implementing RoPE") that the paragraph under it expands."""
    if not in_heading(text, start):
        return False
    line_end = text.find("\n", start)
    if line_end < 0:
        return False
    wanted = squash(expansion)
    return len(wanted) >= 6 and wanted in squash(text[line_end : line_end + _HEADING_BODY])

"""Completion of term names: prefix matches first, then fuzzy ones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.hover import describe_term, introduction_line
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.documents import DocumentView

_WORD_CHAR = re.compile(r"[\w\-@.+/&]")
MAX_WORD = 80
LIMIT = 15  # an editor shows about a dozen; the list is asked again at every keystroke


@dataclass(frozen=True, slots=True)
class CompletionEntry:
    name: str
    term: Term
    detail: str
    prefix_match: bool


@dataclass(frozen=True, slots=True)
class CompletionResult:
    entries: list[CompletionEntry]
    start: int  # source offsets of the typed word the completion replaces
    end: int
    typed: str


def word_around(text: str, offset: int) -> tuple[int, int]:
    """The word the cursor is in or right after: (start, end) in `text`."""
    start = offset
    while start > 0 and offset - start < MAX_WORD and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    end = offset
    while end < len(text) and end - offset < MAX_WORD and _WORD_CHAR.match(text[end]):
        end += 1
    while start < offset and not text[start].isalnum():
        start += 1
    return start, end


def complete(
    version: GlossaryVersion, view: DocumentView, source_offset: int
) -> CompletionResult | None:
    located = view.locate(source_offset)
    if located is None:
        return None
    region, offset = located
    start, end = word_around(region.text, offset)
    typed = region.text[start:offset]
    if not typed:
        return None
    entries = [
        CompletionEntry(
            name=candidate.name,
            term=candidate.term,
            detail=candidate.term.expansion,
            prefix_match=candidate.prefix,
        )
        for candidate in version.matcher.complete(typed, LIMIT)
    ]
    return CompletionResult(entries, region.to_source(start), region.to_source(end), typed)


def documentation(
    version: GlossaryVersion, name: str, index: WorkspaceIndex | None = None
) -> str | None:
    """The Markdown a completion item shows once the editor asks for it (resolve); with an
    index, where the course introduces the term."""
    term = version.glossary.lookup(name)
    if term is None:
        return None
    introduced = None
    if index is not None:
        introduced = introduction_line(version.glossary, index, index.course(), term, None, None)
    return describe_term(version.glossary, term, introduced)

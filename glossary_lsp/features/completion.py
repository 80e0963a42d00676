"""Completion of term names: one entry per term, prefix matches first, then near misses.

An alias that matches what was typed completes to its canonical term (the glossary's spelling is
the one a course should use); the entry says which alias matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.introduction import Budget
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.hover import describe_term, hover_text
from glossary_lsp.glossary.model import Term, fold
from glossary_lsp.matching import Candidate
from glossary_lsp.text.views import DocumentView

_WORD_CHAR = re.compile(r"[\w\-@.+/&]")
MAX_WORD = 80
LIMIT = 15  # an editor shows about a dozen; the list is asked again at every keystroke
_NEAR_MISS_WEIGHT = 100.0  # how much a near miss of the typed word's start outweighs the score


@dataclass(frozen=True, slots=True)
class CompletionEntry:
    term: Term
    matched: str  # the name that matched what was typed: the term itself or one of its aliases
    detail: str
    prefix_match: bool

    @property
    def insert_text(self) -> str:
        return self.term.term

    @property
    def via_alias(self) -> bool:
        return self.matched != self.term.term


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
    entries = rank_entries(typed, version.matcher.complete(typed, LIMIT))
    return CompletionResult(entries, region.to_source(start), region.to_source(end), typed)


def rank_entries(typed: str, candidates: list[Candidate]) -> list[CompletionEntry]:
    """One entry per term, in the order a user expects: prefix matches as the matcher ranked them,
    then fuzzy ones, those whose start is a near miss of the typed word (a transposed or
    mistyped letter: `GPRO` for GRPO) first."""
    prefix = [candidate for candidate in candidates if candidate.prefix]
    fuzzy = [candidate for candidate in candidates if not candidate.prefix]
    fuzzy.sort(key=lambda candidate: -_near_miss_score(typed, candidate))
    entries: list[CompletionEntry] = []
    seen: set[int] = set()
    for candidate in prefix + fuzzy:
        if id(candidate.term) in seen:
            continue
        seen.add(id(candidate.term))
        entries.append(
            CompletionEntry(
                term=candidate.term,
                matched=candidate.name,
                detail=candidate.term.expansion,
                prefix_match=candidate.prefix,
            )
        )
    return entries


def _near_miss_score(typed: str, candidate: Candidate) -> float:
    from rapidfuzz.distance import OSA  # a transposition costs one edit, as a typo does

    key = fold(typed)
    start = fold(candidate.name)[: len(key)]
    return candidate.score + _NEAR_MISS_WEIGHT * OSA.normalized_similarity(key, start)


def documentation(
    version: GlossaryVersion,
    name: str,
    index: WorkspaceIndex | None = None,
    path: Path | None = None,
    budget: Budget | None = None,
) -> str | None:
    """The Markdown a completion item shows once the editor asks for it (resolve); with an
    index, where the course of the document at `path` (another language's file: that
    language's course) introduces the term, as a hover says it (with a `budget`, while the
    course is indexed: as far as it reaches, see `hover.hover_text`)."""
    term = version.glossary.lookup(name)
    if term is None:
        return None
    if index is None:
        return describe_term(version.glossary, term)
    return hover_text(version.glossary, index, term, path, None, budget)

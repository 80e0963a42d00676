"""Go to the first introduction of a term, and to its glossary entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.introduction import Introduction, find_introduction
from glossary_lsp.course.modules import Occurrence
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion, term_at
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView


@dataclass(frozen=True, slots=True)
class Target:
    """A place to jump to: a file, its text's line index and a span of source offsets."""

    path: Path
    lines: LineIndex
    start: int
    end: int
    occurrence: Occurrence | None = None


def first_introduction(
    version: GlossaryVersion, index: WorkspaceIndex, term: Term, from_path: Path | None = None
) -> Target | None:
    """Where the term is introduced in the course of `from_path` (the course language's when
    None), else its glossary entry."""
    introduction = find_introduction(index, term, index.course(from_path))
    target = introduction_target(index, introduction) if introduction is not None else None
    return target or glossary_entry(term)


def introduction_target(index: WorkspaceIndex, introduction: Introduction) -> Target | None:
    """The introduction's occurrence, or the top of the glossary's module that never uses it."""
    occurrence = introduction.occurrence
    if occurrence is not None:
        start, end = occurrence.source_range()
        return Target(occurrence.module.path, occurrence.view.lines, start, end, occurrence)
    view = index.view(introduction.module)
    return Target(introduction.module.path, view.lines, 0, 0) if view is not None else None


ReadText = Callable[[Path], "str | None"]


def read_from_disk(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def glossary_entry(term: Term, read_text: ReadText = read_from_disk) -> Target | None:
    """The `term:` value of the term's entry in its glossary file."""
    if term.location is None:
        return None
    path = Path(term.location.path)
    text = read_text(path)
    if text is None:
        return None
    lines = LineIndex(text)
    span = term_value_span(lines, term)
    return Target(path, lines, *span) if span is not None else None


_TERM_KEY = re.compile(
    r"""term \s* : [ \t]*
        (?P<value> "(?:[^"\\]|\\.)*" | '(?:[^']|'')*' | [^#\n\r]*? )
        [ \t]* (?:\#.*)? $""",
    re.VERBOSE,
)


def term_value_span(lines: LineIndex, term: Term) -> tuple[int, int] | None:
    """Source offsets of the `term:` value of a term's entry (quotes excluded), or of the term's
    name written at its location (a glossary source: a MyST or Sphinx term line, an
    abbreviation, a Contextive `name:`)."""
    location = term.location
    if location is None or location.line - 1 >= lines.line_count:
        return None
    line_number = location.line - 1
    line_start = lines.line_start(line_number)
    line = lines.line(line_number)
    column = max(0, location.column - 1)
    found = _TERM_KEY.search(line, column)
    if found is None or not found.group("value"):
        if line.startswith(term.term, column):
            return line_start + column, line_start + column + len(term.term)
        return None
    start, end = found.span("value")
    if found.group("value")[0] in "\"'":
        start, end = start + 1, end - 1
    return line_start + start, line_start + end


def definition(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    view: DocumentView,
    source_offset: int,
    path: Path | None = None,
) -> Target | None:
    """The first introduction of the term at an offset of the document at `path`."""
    found = term_at(version, view, source_offset)
    return first_introduction(version, index, found.match.term, path) if found else None


def declaration(version: GlossaryVersion, view: DocumentView, source_offset: int) -> Target | None:
    found = term_at(version, view, source_offset)
    return glossary_entry(found.match.term) if found else None

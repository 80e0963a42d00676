"""Go to the first introduction of a term, and to its glossary entry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.documents import DocumentView
from glossary_lsp.features.base import GlossaryVersion, term_at
from glossary_lsp.model import Term
from glossary_lsp.positions import LineIndex
from glossary_lsp.workspace import Occurrence, WorkspaceIndex


@dataclass(frozen=True, slots=True)
class Target:
    """A place to jump to: a file, its text's line index and a span of source offsets."""

    path: Path
    lines: LineIndex
    start: int
    end: int
    occurrence: Occurrence | None = None


def first_introduction(
    version: GlossaryVersion, index: WorkspaceIndex, term: Term
) -> Target | None:
    """The glossary's module if it is in the workspace, else the earliest module, else the entry."""
    home = index.module_by_id(term.module) if term.module else None
    occurrence = index.first_occurrence(term, home) if home is not None else None
    if occurrence is None:
        occurrence = index.first_occurrence(term)
    if occurrence is not None:
        start, end = occurrence.source_range()
        return Target(occurrence.module.path, occurrence.view.lines, start, end, occurrence)
    return glossary_entry(term)


def glossary_entry(term: Term) -> Target | None:
    """The term's entry in its glossary file."""
    location = term.location
    if location is None:
        return None
    path = Path(location.path)
    try:
        lines = LineIndex(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    start = lines.offset(location.line - 1, location.column - 1)
    end = lines.offset(location.line - 1, len(lines.text))
    if start is None or end is None:
        return None
    return Target(path, lines, start, end)


def definition(
    version: GlossaryVersion, index: WorkspaceIndex, view: DocumentView, source_offset: int
) -> Target | None:
    found = term_at(version, view, source_offset)
    return first_introduction(version, index, found.match.term) if found else None


def declaration(version: GlossaryVersion, view: DocumentView, source_offset: int) -> Target | None:
    found = term_at(version, view, source_offset)
    return glossary_entry(found.match.term) if found else None

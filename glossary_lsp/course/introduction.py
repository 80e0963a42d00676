"""Where a term is introduced in a course: the one answer definition, hover and the course
diagnostics (`usedBeforeIntroduced`, `acronymNotExpanded`) all give.

1. the module the glossary names (`module:` an id, path or title), if it is in this course: at
   its first occurrence written with the expansion or defined there, else its first occurrence,
   else the module's top;
2. else the first occurrence in course order written with its expansion or defined
   (see `course.defining`);
3. else the first occurrence in course order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.workspace import Course, ModuleFile, Occurrence, WorkspaceIndex
from glossary_lsp.glossary.model import Term

GLOSSARY = "glossary"  # the module the glossary names
DEFINED = "defined"  # the first occurrence written with its expansion or defined
FIRST_USE = "first use"  # the first occurrence in course order


@dataclass(frozen=True, slots=True)
class Introduction:
    module: ModuleFile
    occurrence: Occurrence | None  # None: the glossary's module, which does not use the term
    reason: str  # GLOSSARY, DEFINED or FIRST_USE
    rank: int  # the module's place in the course

    @property
    def defined(self) -> bool:
        return self.occurrence is not None and self.occurrence.defined

    def source_range(self) -> tuple[int, int]:
        return self.occurrence.source_range() if self.occurrence is not None else (0, 0)


def find_introduction(
    index: WorkspaceIndex, term: Term, course: Course | None = None, locate: bool = True
) -> Introduction | None:
    """Where `term` is introduced in `course` (default: the course language's course).

    `locate=False` only says which module (no module text is read when the index knows its
    terms).
    """
    course = course or index.course()
    home = course.resolve(term.module) if term.module else None
    if home is not None:
        occurrence = None
        if locate:
            occurrence = index.first_occurrence(term, home, defined=True)
            occurrence = occurrence or index.first_occurrence(term, home)
        return Introduction(home, occurrence, GLOSSARY, course.rank[home.path])
    for reason, defined in ((DEFINED, True), (FIRST_USE, False)):
        found = _first(index, term, course, defined, locate)
        if found is not None:
            module, occurrence = found
            return Introduction(module, occurrence, reason, course.rank[module.path])
    return None


def _first(
    index: WorkspaceIndex, term: Term, course: Course, defined: bool, locate: bool
) -> tuple[ModuleFile, Occurrence | None] | None:
    for module in course.modules:
        if not locate and module.terms_known:
            keys = module.defines if defined else module.terms
            if term.key in keys:
                return module, None
            continue
        if defined and not index.may_define(module, term):
            continue
        occurrence = index.first_occurrence(term, module, defined=defined)
        if occurrence is not None:
            return module, occurrence
    return None


def comes_before(
    introduction: Introduction, course: Course, path: Path | None, offset: int | None
) -> bool:
    """Whether a place (a file of the course, a source offset in it) comes before the
    introduction: an earlier module, or earlier in the introducing module."""
    if path is None or path not in course.rank:
        return False
    here = course.rank[path]
    if here != introduction.rank:
        return here < introduction.rank
    if offset is None or introduction.occurrence is None:
        return False
    return offset < introduction.source_range()[0]

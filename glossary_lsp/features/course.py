"""What the server understood of the course: its outline, and the findings on its structure.

`course_outline` is the answer of `glossary-lsp course --format json` and (with `uri` and
`introduces` per module) of the `glossaryLsp/course` request. `toc_findings` are the problems of
the TOC files (a listed file that is missing, a cycle, broken YAML), published on those files;
`module_name_findings` are glossary entries whose `module:` names several modules, or none.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from glossary_lsp.course.introduction import find_introduction
from glossary_lsp.course.modules import Course
from glossary_lsp.course.structure import CourseStructure
from glossary_lsp.course.toc import MAX_TOC_BYTES, TocProblem
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import ReadText, read_from_disk, term_value_span
from glossary_lsp.features.diagnostics import Finding, terms_defined_in
from glossary_lsp.glossary.model import Term
from glossary_lsp.glossary.schema import closest_name
from glossary_lsp.text.positions import LineIndex

TOC_PROBLEM = "courseStructure"
# One rule for a `module:` that does not name exactly one module (several, or none).
AMBIGUOUS_MODULE = "ambiguousModule"


def course_outline(
    version: GlossaryVersion | None,
    index: WorkspaceIndex,
    root: Path | None = None,
    editor: bool = False,
) -> dict[str, Any]:
    """The course at `root` (default: the first root): root, order source, language, skipped
    folders, problems, and its modules in course order. `editor` adds per module its `uri` and
    `introduces`, the terms whose introduction is there (needs `version`)."""
    course = index.course()
    structure = _structure_at(course, root)
    if structure is None:
        return {"root": str(root or ""), "order_source": None, "language": None, "modules": []}
    prefix = structure.root
    modules = [m for m in course.modules if m.path.is_relative_to(prefix)]
    introduces = _introductions(version, index, course) if editor and version else {}
    entries = []
    for module in modules:
        entry: dict[str, Any] = {
            "path": module.path.relative_to(prefix).as_posix(),
            "id": module.id,
            "title": module.title,
        }
        if editor:
            entry["uri"] = module.uri
            entry["introduces"] = introduces.get(module.path, [])
        entries.append(entry)
    return {
        "root": str(structure.root),
        "order_source": structure.order_source,
        "toc": str(structure.toc.file) if structure.toc is not None else None,
        "language": structure.language,
        "languages": index.languages(structure.root),
        "skipped": [f for f in index.skipped_folders() if (structure.root / f).exists()],
        "problems": [str(problem) for problem in structure.problems],
        "notes": [*structure.notes, *index.listing_notes()],
        "modules": entries,
    }


def _structure_at(course: Course, root: Path | None) -> CourseStructure | None:
    for structure in course.structures:
        if root is None or structure.root == root:
            return structure
    return None


def _introductions(
    version: GlossaryVersion, index: WorkspaceIndex, course: Course
) -> dict[Path, list[str]]:
    """Module path → names of the terms the course introduces there, in glossary order."""
    index.index_terms()  # the modules not indexed yet (a request before the index is done)
    used = set().union(*(module.terms for module in course.modules)) if course.modules else set()
    found: dict[Path, list[str]] = defaultdict(list)
    for term in version.glossary.terms:
        if term.key not in used and not (term.module and course.resolve(term.module)):
            continue
        introduction = find_introduction(index, term, course, locate=False)
        if introduction is not None:
            found[introduction.module.path].append(term.term)
    return found


def toc_findings(
    index: WorkspaceIndex, read_text: ReadText = read_from_disk
) -> dict[Path, tuple[LineIndex, list[Finding]]]:
    """The problems of the course's TOC files (and toctree documents), on their lines."""
    problems: dict[Path, list[TocProblem]] = defaultdict(list)
    for course in index.courses():
        for structure in course.structures:
            for problem in structure.problems:
                if problem not in problems[problem.file]:
                    problems[problem.file].append(problem)
    found: dict[Path, tuple[LineIndex, list[Finding]]] = {}
    for path, listed in problems.items():
        text = read_text(path)
        lines = LineIndex(text if text is not None and len(text) <= MAX_TOC_BYTES else "")
        findings = []
        for problem in listed:
            line = min(max(problem.line - 1, 0), max(lines.line_count - 1, 0))
            start = lines.line_start(line) if lines.line_count else 0
            end = start + len(lines.line(line).rstrip("\r\n")) if lines.line_count else 0
            severity = "error" if problem.message.startswith("broken YAML") else "warning"
            findings.append(Finding(TOC_PROBLEM, severity, problem.message, start, end))
        found[path] = (lines, findings)
    return found


def module_name_findings(
    version: GlossaryVersion, index: WorkspaceIndex, path: Path, lines: LineIndex
) -> list[Finding]:
    """On a glossary file: each entry whose `module:` names several modules of the course, or
    none while no glossary declares it either (checked once the course has modules)."""
    course = index.course()
    findings = []
    for term in terms_defined_in(version, path):
        if not term.module:
            continue
        candidates = course.names.candidates(term.module)
        if len(candidates) > 1:
            names = ", ".join(candidate.relative for candidate in candidates[:5])
            message = (
                f"module '{term.module}' names {len(candidates)} modules of the course ({names}): "
                "write a module id or path"
            )
        elif not candidates and course.modules and version.glossary.module(term.module) is None:
            message = (
                f"module '{term.module}' is no module of the course and no glossary declares it"
            )
            known = [*version.glossary.modules, *(module.id for module in course.modules)]
            closest = closest_name(term.module, known)
            message += f"; did you mean '{closest}'?" if closest else ""
        else:
            continue
        span = module_value_span(lines, term) or term_value_span(lines, term)
        if span is not None:
            findings.append(Finding(AMBIGUOUS_MODULE, "warning", message, *span))
    return findings


_MODULE_KEY = re.compile(
    r"^(?P<indent>[ \t]*(?:-[ \t]+)?)module[ \t]*:[ \t]*(?P<value>\S[^#\r\n]*?)[ \t]*(?:#.*)?$"
)
_ENTRY_START = re.compile(r"^[ \t]*-[ \t]")
MODULE_KEY_LINES = 60


def module_value_span(lines: LineIndex, term: Term) -> tuple[int, int] | None:
    """Source offsets of the `module:` value of a term's entry in a glossary YAML file (quotes
    excluded): searched from the entry's line to the next entry."""
    location = term.location
    if location is None:
        return None
    first = location.line - 1
    for number in range(first, min(first + MODULE_KEY_LINES, lines.line_count)):
        line = lines.line(number)
        if number > first and _ENTRY_START.match(line):
            return None
        found = _MODULE_KEY.match(line.rstrip("\r\n"))
        if found is not None:
            start, end = found.span("value")
            if found.group("value")[:1] in "\"'" and end - start >= 2:
                start, end = start + 1, end - 1
            return lines.line_start(number) + start, lines.line_start(number) + end
    return None

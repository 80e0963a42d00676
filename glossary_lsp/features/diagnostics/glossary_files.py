"""Findings on glossary files: load problems, terms no module uses."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import term_value_span
from glossary_lsp.features.diagnostics.findings import GLOSSARY_SCHEMA, UNUSED_TERM, Finding
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.positions import LineIndex


def glossary_findings(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    path: Path,
    lines: LineIndex,
    problems: Collection,
    rules: RuleSettings,
) -> list[Finding]:
    """Findings on a glossary file: its load problems, and terms no module of the course uses.

    `problems` are the loader's `LoadProblem`s for this file (1-based line and column).
    """
    findings: list[Finding] = []
    schema = rules.severity(GLOSSARY_SCHEMA)
    if schema is not None:
        for problem in problems:
            offset = lines.offset(max(problem.line - 1, 0), max(problem.column - 1, 0)) or 0
            findings.append(Finding(GLOSSARY_SCHEMA, schema, problem.message, offset, offset))
    unused = rules.severity(UNUSED_TERM)
    modules = index.modules()
    if unused is not None and modules:
        used = set().union(*(module.terms for module in modules))
        for term in terms_defined_in(version, path):
            if term.key in used:
                continue
            span = term_value_span(lines, term)
            if span is None:
                continue
            findings.append(
                Finding(
                    UNUSED_TERM,
                    unused,
                    f"'{term.term}' is not used in any module of the course",
                    *span,
                )
            )
    findings.sort(key=lambda finding: (finding.start, finding.rule))
    return findings


def terms_defined_in(version: GlossaryVersion, path: Path) -> list[Term]:
    """The terms of the served glossary whose entry is in the file at `path`."""
    wanted = _resolved(path)
    return [
        term
        for term in version.glossary.terms
        if term.location is not None and _resolved(Path(term.location.path)) == wanted
    ]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()

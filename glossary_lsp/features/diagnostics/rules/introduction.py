"""`usedBeforeIntroduced`: a term used before the module introducing it."""

from __future__ import annotations

import re

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import Target
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
from glossary_lsp.features.diagnostics.expansion import needs_expansion
from glossary_lsp.features.diagnostics.facts import CourseFacts, Introduction
from glossary_lsp.features.diagnostics.findings import USED_BEFORE_INTRODUCED, Finding, Related
from glossary_lsp.features.diagnostics.labels import module_label, relative_name
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.glossary.model import Term


def used_before_introduced(
    version: GlossaryVersion,
    facts: CourseFacts,
    module: ModuleFile,
    analysis: ModuleAnalysis,
    rules: RuleSettings,
) -> list[Finding]:
    severity = rules.severity(USED_BEFORE_INTRODUCED)
    if severity is None:
        return []
    findings = []
    here = facts.rank[module.path]
    # A use written with its expansion, or as the expansion itself ("large language model"),
    # explains itself wherever it stands: only a bare use comes before its introduction, and
    # only an introduction that says what the term means (not a section title, not a first use)
    # is one a reader can be sent to; a term the course spelled out before is known already.
    for use in analysis.first_bare_use.values():
        introduction = facts.introduction(use.term)
        if introduction is None or facts.rank.get(introduction.module.path, -1) <= here:
            continue
        if not introduction.explains or facts.explained_before(use.term, module, use.start):
            continue
        if not needs_expansion(use.term):
            continue  # an everyday acronym (JSON, GPU) needs no introduction
        if announces(facts, module, introduction.module):
            continue
        where = relative_name(facts.index, introduction.module.path)
        label = module_label(version, introduction.module)
        findings.append(
            Finding(
                USED_BEFORE_INTRODUCED,
                severity,
                f"'{use.term.term}' is used before {label} ({where}) introduces it",
                use.start,
                use.end,
                _introduction_related(facts, introduction, use.term, label),
            )
        )
    return findings


_FRONT_PAGE_NAMES = frozenset(("readme", "index", "introduction", "intro", "welcome", "overview"))
_UNIT_ZERO = re.compile(r"(?:unit|chapter|module|part|lesson|week)?[-_ ]?0+", re.IGNORECASE)


def announces(facts: CourseFacts, module: ModuleFile, introducing: ModuleFile) -> bool:
    """Whether `module` is a front page announcing what comes: the course's first module when it
    is a README, index, introduction or welcome page or opens a unit 0 (announcing the whole
    course), or such a page of a unit (announcing what its own folder teaches)."""
    front = module.path.stem.lower() in _FRONT_PAGE_NAMES
    if facts.rank.get(module.path) == 0:
        return front or _UNIT_ZERO.fullmatch(module.path.parent.name) is not None
    return front and introducing.path.is_relative_to(module.path.parent)


def _introduction_related(
    facts: CourseFacts, introduction: Introduction, term: Term, label: str
) -> tuple[Related, ...]:
    lines = facts.lines_of(introduction.module)
    if lines is None:
        return ()
    use = introduction.use
    start, end = (use.start, use.end) if use is not None else (0, 0)
    message = f"'{term.term}' is introduced in {label}"
    return (Related(Target(introduction.module.path, lines, start, end), message),)

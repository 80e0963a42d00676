"""`usedBeforeIntroduced`: a term used before the module introducing it."""

from __future__ import annotations

from glossary_lsp.course.workspace import ModuleFile
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import Target
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
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
    # explains itself wherever it stands: only a bare use comes before its introduction.
    for use in analysis.first_bare_use.values():
        introduction = facts.introduction(use.term)
        if introduction is None or facts.rank.get(introduction.module.path, -1) <= here:
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

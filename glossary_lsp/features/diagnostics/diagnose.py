"""The rules run over one module's analysis, in order, bounded."""

from __future__ import annotations

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
from glossary_lsp.features.diagnostics.bounding import capped, one_per_place
from glossary_lsp.features.diagnostics.facts import CourseFacts
from glossary_lsp.features.diagnostics.findings import Finding
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.features.diagnostics.rules.acronyms import acronyms_not_expanded, unknown_acronyms
from glossary_lsp.features.diagnostics.rules.document import document_error
from glossary_lsp.features.diagnostics.rules.introduction import used_before_introduced
from glossary_lsp.features.diagnostics.rules.spelling import noncanonical_spellings


def diagnose(
    version: GlossaryVersion,
    facts: CourseFacts,
    module: ModuleFile | None,
    analysis: ModuleAnalysis,
    rules: RuleSettings,
) -> list[Finding]:
    findings: list[Finding] = []
    findings += document_error(analysis, rules)
    if module is not None and module.path in facts.rank:
        findings += used_before_introduced(version, facts, module, analysis, rules)
        findings += acronyms_not_expanded(facts, module, analysis, rules)
    findings += unknown_acronyms(analysis, rules)
    findings += noncanonical_spellings(analysis, rules)
    findings.sort(key=lambda finding: (finding.start, finding.end, finding.rule))
    return capped(one_per_place(findings))

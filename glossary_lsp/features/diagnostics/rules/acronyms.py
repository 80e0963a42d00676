"""`acronymNotExpanded` and `unknownAcronym`."""

from __future__ import annotations

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
from glossary_lsp.features.diagnostics.expansion import expansion_for, needs_expansion
from glossary_lsp.features.diagnostics.facts import CourseFacts
from glossary_lsp.features.diagnostics.findings import (
    ACRONYM_NOT_EXPANDED,
    UNKNOWN_ACRONYM,
    Finding,
)
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings

_MIN_ACRONYM_USES = 2


def acronyms_not_expanded(
    facts: CourseFacts, module: ModuleFile, analysis: ModuleAnalysis, rules: RuleSettings
) -> list[Finding]:
    severity = rules.severity(ACRONYM_NOT_EXPANDED)
    if severity is None:
        return []
    findings = []
    for use in analysis.first_acronym_use.values():
        if use.heading and not use.expanded:
            # a title ("## Implementing RoPE"): its expansion belongs in the text below it
            use = analysis.first_body_acronym_use.get(use.term.key, use)
        term = use.term
        if not term.expansion or use.expanded or not needs_expansion(term):
            continue
        introduction = facts.introduction(term)
        if introduction is None or introduction.module.path != module.path:
            continue
        introduced = introduction.use
        if introduced is not None and introduced.expanded and introduced.start <= use.start:
            continue
        expansion = expansion_for(use.surface, term)
        findings.append(
            Finding(
                ACRONYM_NOT_EXPANDED,
                severity,
                f"First use of '{use.surface}' in the course without its expansion: "
                f"write '{use.surface} ({expansion})'",
                use.start,
                use.end,
                data={"insert": f" ({expansion})", "insertAt": use.end},
            )
        )
    return findings


def unknown_acronyms(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
    severity = rules.severity(UNKNOWN_ACRONYM)
    if severity is None:
        return []
    findings: list[Finding] = []
    for singular, word in analysis.acronyms.items():
        if rules.ignores(word.text) or analysis.acronym_uses.get(singular, 0) < _MIN_ACRONYM_USES:
            continue  # one mention in a module (a conference, a company, a label) is in passing
        if singular not in analysis.acronyms_alone:
            continue  # always the first word of a name (`LM Studio`): a product's name
        findings.append(
            Finding(
                UNKNOWN_ACRONYM,
                severity,
                f"'{word.text}' is not in the glossary",
                word.start,
                word.end,
                data={"acronym": singular, "context": word.context},
            )
        )
    return findings

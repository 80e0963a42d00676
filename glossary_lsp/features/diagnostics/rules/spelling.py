"""`nonCanonicalSpelling`: a known term written another way."""

from __future__ import annotations

from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
from glossary_lsp.features.diagnostics.findings import NON_CANONICAL_SPELLING, Finding
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.glossary.model import fold


def noncanonical_spellings(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
    severity = rules.severity(NON_CANONICAL_SPELLING)
    if severity is None:
        return []
    findings = []
    for misspelling in analysis.misspellings:
        word = misspelling.word
        if rules.ignores(word.text):
            continue
        canonical = misspelling.term.term
        also = (
            ""
            if fold(misspelling.replacement) == fold(canonical)
            else f" (a name of '{canonical}')"
        )
        findings.append(
            Finding(
                NON_CANONICAL_SPELLING,
                severity,
                f"'{word.text}' is spelled '{misspelling.replacement}'{also} in the glossary",
                word.start,
                word.end,
                data={"replacement": misspelling.replacement},
            )
        )
    return findings

"""`documentError`: a module that cannot be read."""

from __future__ import annotations

from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis
from glossary_lsp.features.diagnostics.findings import DOCUMENT_ERROR, Finding
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings


def document_error(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
    severity = rules.severity(DOCUMENT_ERROR)
    if severity is None or analysis.error is None:
        return []
    message, offset = analysis.error
    return [Finding(DOCUMENT_ERROR, severity, message, offset, offset)]

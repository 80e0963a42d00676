"""Which rules run at which severity, and the everyday words in capitals no rule reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from glossary_lsp.features.diagnostics.findings import RULE_DEFAULTS
from glossary_lsp.settings import Settings

# Everyday capitalised words that are not worth a glossary entry in an LLM course. A glossary
# entry always wins over this list; `glossaryLsp.ignore` and `.glossary-ignore` extend it.
_EVERYDAY = """
OK PDF URL URI API HTML CSS JSON YAML XML CSV TSV HTTP HTTPS SQL REST CPU GPU RAM SSD HDD USB
OS PC IO ID IDE CLI GUI UI UX SDK SSH DNS IP TCP UDP ASCII UTF ISO UTC GMT USA US UK EU UN
FAQ TODO FIXME NB PS AKA FYI ETA ASAP TL DR QA PR CEO CTO MIT IEEE KB MB GB TB PB AM PM BC AD
TBD TBA SSL TLS WIP README CUDA AWS GCP GCS IAM WSL ISBN
AI II III IV VI VII VIII IX XI XII
"""
EVERYDAY_ACRONYMS = frozenset(_EVERYDAY.split())


@dataclass(frozen=True)
class RuleSettings:
    """Which rules run at which severity, and the words `unknownAcronym` never reports."""

    severities: dict[str, str]
    ignore: frozenset[str]
    code_comments: bool = False

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, extra_ignore: Iterable[str] = ()
    ) -> RuleSettings:
        settings = settings or Settings()
        severities = {**RULE_DEFAULTS, **settings.diagnostics}
        ignore = frozenset(word.strip() for word in (*settings.ignore, *extra_ignore))
        return cls(severities, ignore - {""}, settings.code_comments)

    def severity(self, rule: str) -> str | None:
        value = self.severities.get(rule, RULE_DEFAULTS.get(rule, "off"))
        return None if value == "off" else value

    def ignores(self, word: str) -> bool:
        if word in self.ignore or word in EVERYDAY_ACRONYMS:
            return True
        singular = word[:-1] if word.endswith("s") else None
        return singular is not None and (singular in self.ignore or singular in EVERYDAY_ACRONYMS)

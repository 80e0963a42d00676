"""Course diagnostics: what a reader of the course would stumble over, found in prose only.

Rules (the diagnostic `code`; severities come from `glossaryLsp.diagnostics.<rule>`):

- `usedBeforeIntroduced`: a term's first use in a module that comes, in course order, before
  the module introducing it (`course.introduction.find_introduction`, the answer definition and
  hover give too). One finding per term and module.
- `acronymNotExpanded`: in the module introducing an acronym that has an expansion, its first
  use is not written as "Expansion (ACR)" or "ACR (Expansion)" and comes before (or is) the
  introduction.
- `unknownAcronym`: a word of two or more capitals that no glossary knows and no ignore list
  names, used twice or more in the module; reported once per word and module.
- `nonCanonicalSpelling`: a known term written another way (`Pytorch`, `Flash Attention`,
  `FlashAtention`); every occurrence, each with its replacement.

Plus, not configurable from settings: `documentError` (a module that cannot be read, or a
notebook whose JSON is broken), and on glossary files `glossarySchema` (a load problem) and
`unusedTerm` (a term no module uses, hint).

The work is split in two so that an edit costs one document: `analysis.analyse_view` finds
everything a single module says (its term uses, which of them are expanded, unknown acronyms,
misspellings); `course_pass.CourseDiagnostics` caches those analyses per module version and
derives the course-wide facts (`facts.CourseFacts`: which module introduces a term, where an
acronym is first used) from them lazily, per term. `diagnose` runs the rules (`rules/`, one
module per family) over one module and bounds the result (`bounding`: one finding per place, a
cap per rule and module).

Where things are: `findings` (rule ids, defaults, help, `Finding`), `rule_settings`
(`RuleSettings`, the everyday acronyms), `acronyms` (which words in capitals may be acronyms),
`expansion` (written with its expansion; the expansion a fix writes), `spelling` (other
spellings and near misses of names), `sentences`, `labels` (module names in messages),
`glossary_files` (findings on glossary files). This package re-exports the names the rest of
the project uses.
"""

from glossary_lsp.features.diagnostics.acronyms import (
    acronym_tokens,
    is_acronym_candidate,
    part_of_a_name,
)
from glossary_lsp.features.diagnostics.analysis import (
    ModuleAnalysis,
    TermUse,
    analyse_view,
    unmatched_spans,
)
from glossary_lsp.features.diagnostics.bounding import capped, one_per_place
from glossary_lsp.features.diagnostics.course_pass import CourseDiagnostics, module_view
from glossary_lsp.features.diagnostics.diagnose import diagnose
from glossary_lsp.features.diagnostics.expansion import (
    expansion_for,
    is_acronym_like,
    needs_expansion,
    plural_noun,
)
from glossary_lsp.features.diagnostics.facts import CourseFacts, Introduction
from glossary_lsp.features.diagnostics.findings import (
    ACRONYM_NOT_EXPANDED,
    DOCUMENT_ERROR,
    GLOSSARY_SCHEMA,
    MAX_FINDINGS_PER_RULE,
    NON_CANONICAL_SPELLING,
    RULE_DEFAULTS,
    RULE_HELP,
    SEVERITY_RANK,
    SOURCE,
    UNKNOWN_ACRONYM,
    UNUSED_TERM,
    USED_BEFORE_INTRODUCED,
    Finding,
    Related,
)
from glossary_lsp.features.diagnostics.glossary_files import glossary_findings, terms_defined_in
from glossary_lsp.features.diagnostics.labels import module_label, plain_title, relative_name
from glossary_lsp.features.diagnostics.rule_settings import EVERYDAY_ACRONYMS, RuleSettings
from glossary_lsp.features.diagnostics.sentences import sentence_around, sentence_span
from glossary_lsp.features.diagnostics.spelling import SpellingIndex, spelling_index
from glossary_lsp.matching import at_sentence_start

__all__ = [
    "ACRONYM_NOT_EXPANDED",
    "DOCUMENT_ERROR",
    "EVERYDAY_ACRONYMS",
    "GLOSSARY_SCHEMA",
    "MAX_FINDINGS_PER_RULE",
    "NON_CANONICAL_SPELLING",
    "RULE_DEFAULTS",
    "RULE_HELP",
    "SEVERITY_RANK",
    "SOURCE",
    "UNKNOWN_ACRONYM",
    "UNUSED_TERM",
    "USED_BEFORE_INTRODUCED",
    "CourseDiagnostics",
    "CourseFacts",
    "Finding",
    "Introduction",
    "ModuleAnalysis",
    "Related",
    "RuleSettings",
    "SpellingIndex",
    "TermUse",
    "acronym_tokens",
    "analyse_view",
    "at_sentence_start",
    "capped",
    "diagnose",
    "expansion_for",
    "glossary_findings",
    "is_acronym_candidate",
    "is_acronym_like",
    "module_label",
    "module_view",
    "needs_expansion",
    "one_per_place",
    "part_of_a_name",
    "plain_title",
    "plural_noun",
    "relative_name",
    "sentence_around",
    "sentence_span",
    "spelling_index",
    "terms_defined_in",
    "unmatched_spans",
]

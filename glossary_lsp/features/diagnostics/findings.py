"""The findings diagnostics report: rule ids, their default severities and help, `Finding`."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary_lsp.features.definition import Target
from glossary_lsp.settings import DIAGNOSTIC_DEFAULTS

SOURCE = "glossary-lsp"
USED_BEFORE_INTRODUCED = "usedBeforeIntroduced"
ACRONYM_NOT_EXPANDED = "acronymNotExpanded"
UNKNOWN_ACRONYM = "unknownAcronym"
NON_CANONICAL_SPELLING = "nonCanonicalSpelling"
DOCUMENT_ERROR = "documentError"
GLOSSARY_SCHEMA = "glossarySchema"
UNUSED_TERM = "unusedTerm"
RULE_DEFAULTS = {
    **DIAGNOSTIC_DEFAULTS,
    DOCUMENT_ERROR: "error",
    GLOSSARY_SCHEMA: "error",
    UNUSED_TERM: "hint",
    "ambiguousModule": "warning",
    "courseStructure": "warning",
}
SEVERITY_RANK = {"error": 1, "warning": 2, "information": 3, "hint": 4}
# What each rule reports, in one sentence: the help text of CI reports (SARIF). The long form,
# with the quick fixes, is the table in docs/diagnostics.md; a test keeps both naming one set.
RULE_HELP = {
    USED_BEFORE_INTRODUCED: "A term is used in a module that comes, in course order, before the "
    "module introducing it (the glossary's module, else the first module that writes it with "
    "its expansion).",
    ACRONYM_NOT_EXPANDED: "The course's first use of an acronym is not written with its "
    "expansion, as 'Fully Sharded Data Parallel (FSDP)' or 'FSDP (Fully Sharded Data Parallel)'.",
    UNKNOWN_ACRONYM: "A word of two or more capitals that no glossary knows and no ignore list "
    "names.",
    NON_CANONICAL_SPELLING: "A known term written another way than the glossary spells it "
    "(Pytorch, Flash Attention, a near miss).",
    DOCUMENT_ERROR: "A module that cannot be read, or a notebook whose JSON is broken.",
    GLOSSARY_SCHEMA: "A glossary file that fails to load: a problem with its YAML or with "
    "schema v1.",
    UNUSED_TERM: "A glossary term that no module of the course uses.",
    # the course structure's rules (features/course.py)
    "ambiguousModule": "A glossary entry whose 'module:' names several modules of the course "
    "(by title or short name).",
    "courseStructure": "A problem of the course's table of contents, at its line: a listed file "
    "that is missing, a file listed twice, a toctree cycle, broken YAML, a TOC over 1 MB.",
}

# Findings of one rule in one module beyond this are summed up in one finding: a generated table
# of identifiers must not bury the editor (or `check`'s report) under thousands of them.
MAX_FINDINGS_PER_RULE = 100


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding refers to."""

    target: Target
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic, in source offsets of its document.

    `data` says how to fix it, in JSON-able values: `replacement` (nonCanonicalSpelling),
    `insert` and `insertAt` (acronymNotExpanded), `acronym` (unknownAcronym).
    """

    rule: str
    severity: str
    message: str
    start: int
    end: int
    related: tuple[Related, ...] = ()
    data: dict = field(default_factory=dict, hash=False, compare=False)

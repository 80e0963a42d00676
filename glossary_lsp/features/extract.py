"""Glossary candidates: words of a course that look like terms and that the glossary lacks.

Three shapes are proposed, found in prose only and outside every glossary match:

- acronyms: two or more capitals, digits allowed, plural `s` folded (`SRAM`, `GEMMs` → `GEMM`);
- mixed-case or versioned names: `NVLink`, `InfiniBand`, `GPT-4`, `Llama-2`;
- capitalised names inside a sentence (`Adam`, `Megatron`) used at least twice and never written
  in lowercase anywhere in the course (that rules out ordinary words in headings), except
  everyday ones (languages, days, months: `English`, `Monday`).

Everyday acronyms and the ignore lists are left out. Candidates come most frequent first, each
with the module and the sentence of its first use, as schema-v1 YAML for a person to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.workspace import ModuleFile, WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import term_entry_lines
from glossary_lsp.features.diagnostics import (
    RuleSettings,
    at_sentence_start,
    module_view,
    sentence_around,
    unmatched_spans,
)
from glossary_lsp.glossary.model import singular_forms
from glossary_lsp.text.views import Region

_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?")
_MIXED_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
_MIN_PROPER_NAME_USES = 2
# Capitalised words of everyday English that are never a course's terms.
_EVERYDAY_NAMES = """
English French German Spanish Italian Portuguese Dutch Russian Chinese Japanese Korean Arabic
Hindi Latin Greek European American British Asian African Western Eastern Internet
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
July August September October November December
"""
_EVERYDAY_PROPER_NAMES = frozenset(_EVERYDAY_NAMES.split())


@dataclass
class Candidate:
    name: str
    kind: str  # "acronym" | "name" | "proper name"
    count: int = 0
    modules: list[ModuleFile] = field(default_factory=list)
    context: str = ""
    order: int = 0  # first appearance, in course order


def extract_candidates(
    version: GlossaryVersion, index: WorkspaceIndex, rules: RuleSettings
) -> list[Candidate]:
    """The candidates of the whole course, most frequent first."""
    found: dict[str, Candidate] = {}
    lowercase_words: set[str] = set()
    for module in index.modules():
        view = module_view(index, module, rules)
        if view is None:
            continue
        for region in view.regions:
            for start, end in region.prose:
                matches = version.matcher.find_all(region.text, start, end)
                for gap_start, gap_end in unmatched_spans(matches, start, end):
                    _scan(version, rules, module, region, gap_start, gap_end, found)
                for word in _WORD.finditer(region.text, start, end):
                    if word.group(0).islower():
                        lowercase_words.add(word.group(0))
                        lowercase_words.update(singular_forms(word.group(0)))
    candidates = [
        candidate
        for candidate in found.values()
        if candidate.kind != "proper name"
        or (
            candidate.count >= _MIN_PROPER_NAME_USES
            and candidate.name.casefold() not in lowercase_words
        )
    ]
    candidates.sort(key=lambda c: (-c.count, c.order, c.name))
    return candidates


def classify(text: str, word: re.Match[str]) -> tuple[str, str] | None:
    """(name, kind) of a word that looks like a term, or None."""
    surface = word.group(0).rstrip(".")
    if _ACRONYM.fullmatch(surface):
        return (surface[:-1] if surface.endswith("s") else surface), "acronym"
    letters = sum(char.isalpha() for char in surface)
    if letters < 2 or not surface[0].isalpha():
        return None
    has_digit = any(char.isdigit() for char in surface)
    if _MIXED_CASE.search(surface) or (has_digit and any(c.isupper() for c in surface)):
        return surface, "name"
    if (
        surface[0].isupper()
        and surface[1:].islower()
        and len(surface) >= 3
        and surface not in _EVERYDAY_PROPER_NAMES
        and "-" not in surface
        and not at_sentence_start(text, word.start())
        and not _in_heading(text, word.start())
    ):
        return surface, "proper name"
    return None


def _in_heading(text: str, offset: int) -> bool:
    """Whether `offset` is on an ATX heading line (Title Case there says nothing)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text[line_start:offset].lstrip().startswith("#")


def _scan(
    version: GlossaryVersion,
    rules: RuleSettings,
    module: ModuleFile,
    region: Region,
    start: int,
    end: int,
    found: dict[str, Candidate],
) -> None:
    text = region.text
    for word in _WORD.finditer(text, start, end):
        classified = classify(text, word)
        if classified is None:
            continue
        name, kind = classified
        if rules.ignores(name) or version.glossary.lookup(name) is not None:
            continue
        candidate = found.get(name)
        if candidate is None:
            candidate = found[name] = Candidate(
                name, kind, context=sentence_around(text, word.start()), order=len(found)
            )
        candidate.count += 1
        if not candidate.modules or candidate.modules[-1] is not module:
            candidate.modules.append(module)


def candidates_yaml(
    version: GlossaryVersion, candidates: list[Candidate], source: str = "the course"
) -> str:
    """Schema-v1 YAML of the candidates, to review before merging into a glossary."""
    lines = [
        f"# Glossary candidates found by `glossary-lsp extract` in {source}: "
        f"{len(candidates)} terms, most frequent first.",
        "# Review each entry: add an expansion and a definition, or delete it.",
        "version: 1",
        "terms:" if candidates else "terms: []",
    ]
    for candidate in candidates:
        first = candidate.modules[0]
        described = glossary_module_of(version.glossary, first)
        module_id = described.id if described is not None else None
        entry = term_entry_lines(candidate.name, module_id, candidate.context or None)
        uses = f"{candidate.count} use{'s' if candidate.count != 1 else ''}"
        spread = f"{len(candidate.modules)} module{'s' if len(candidate.modules) != 1 else ''}"
        entry[0] += f"  # {uses} in {spread}, first in {first.path.name}"
        lines += [f"  {line}" for line in entry]
    return "\n".join(lines) + "\n"

"""Glossary candidates: words of a course that look like terms and that the glossary lacks.

Three shapes are proposed, found in prose only and outside every glossary match:

- acronyms: two or more capitals, digits allowed, plural `s` folded (`SRAM`, `GEMMs` → `GEMM`),
  unless `unknownAcronym` would not report them either (English in capitals such as `TIP` or
  `WARNING`, Roman numerals, math, Markdown alerts, shouted lines, identifiers);
- mixed-case or versioned names: `NVLink`, `InfiniBand`, `GPT-4`, `Llama-2`;
- capitalised names inside a sentence (`Adam`, `Megatron`) used at least twice and never written
  in lowercase anywhere in the course (that rules out ordinary words in headings), except
  ordinary English words (`Windows`, `Python`, `Air`) and everyday names (languages, days,
  months, the everyday software, tools and vendors: `English`, `Monday`, `GitHub`, `PyPI`).

Left out as well: everything inside identifiers (`Org/Model-7B`, `file.py`), mixed-case names the
course writes as code somewhere (`TransformerBlock`), class names (`Qwen3Model`) and component
tags (`<CourseBanner`), model codes in capitals (`PROMETHEUS-7B`), words only ever seen as part
of a longer name (`VICUNA Bench`, `Qwen3 Coder`, a person's first name), words seen only in
boilerplate (the same sentence in three modules or more: a notebook banner with the author's
name), the ignore lists. The versions and variants of one model (`Qwen3`, `Qwen3.5`,
`Qwen3-Next`) are one candidate, its most used name; none when the glossary knows the family
(`Llama` for `Llama3Model`). An expansion is proposed when the course writes one: "Model FLOPS
Utilization (MFU)" or "MFU (Model FLOPS Utilization)", the initials spelling the acronym.

Candidates are ranked by a score shown beside each entry:

    score = log2(1 + uses) + log2(1 + modules using it)
            + shape (acronym 2, mixed-case or versioned name 1, capitalised name 0)
            + 2 when the course writes its expansion

so a word spread over the course, shaped like a term and explained somewhere comes first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import term_entry_lines
from glossary_lsp.features.diagnostics import (
    RuleSettings,
    is_acronym_candidate,
    module_view,
    part_of_a_name,
    relative_name,
    sentence_around,
    unmatched_spans,
)
from glossary_lsp.glossary.english import is_english_word, is_known_name
from glossary_lsp.glossary.model import singular_forms
from glossary_lsp.matching import at_sentence_start, is_code_like
from glossary_lsp.text.views import Region

_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?")
_MIXED_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLASS_STATEMENT = re.compile(
    r"^[ \t]*(?:class[ \t]+([A-Za-z_]\w*)|from[ \t]+[\w.]+[ \t]+import[ \t]+\(?([\w, \t]+))",
    re.MULTILINE,
)
_SHOUTED_NAME = re.compile(r"[A-Z]{5,}")
_VERSIONED = re.compile(r"([A-Za-z]+)[-.]?\d")
_CLASS_NAME = re.compile(r"\d[A-Z][a-z]")  # `Qwen3Model`, `Gemma3Config`
_PREVIOUS_WORD = re.compile(r"([^\W_][\w.-]*)[ \t]+$")
_MIN_PROPER_NAME_USES = 2
_BOILERPLATE_MODULES = 3
_BOILERPLATE_SHARE = 0.8
_LINES_KEPT = 8
_SHAPE_SCORE = {"acronym": 2.0, "name": 1.0, "proper name": 0.0}
_EXPANSION_SCORE = 2.0
# Capitalised words of everyday English and everyday software that are never a course's terms.
_EVERYDAY_NAMES = """
English French German Spanish Italian Portuguese Dutch Russian Chinese Japanese Korean Arabic
Hindi Latin Greek European American British Asian African Western Eastern Internet
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
July August September October November December
GitHub GitLab Google Microsoft Apple Linux macOS Mac MacBook Ubuntu Colab Jupyter JupyterLab
YouTube Twitter LinkedIn Discord Slack Reddit Medium Substack Kaggle OpenAI Anthropic Azure
README CHANGELOG CONTRIBUTING WIP
VSCode PyPI PyPy DevContainer Docker Conda Anaconda Miniconda Homebrew PowerShell BibTeX
SageMaker CloudFormation
PhD MSc BSc
"""
_EVERYDAY_PROPER_NAMES = frozenset(_EVERYDAY_NAMES.split())
# "Long Form (ACR)" and "ACR (Long Form)": up to eight words before the parenthesis
_BEFORE_PARENTHESIS = re.compile(r"((?:[^\W\d_][\w'’-]*[ \t]+){0,7}[^\W\d_][\w'’-]*)[ \t]*$")
_INSIDE_PARENTHESIS = re.compile(r"[ \t]*\(([^()\n]{3,120})\)")
_SMALL_WORDS = frozenset(("of", "and", "the", "for", "to", "in", "with", "on", "a", "an", "&"))


@dataclass
class Candidate:
    name: str
    kind: str  # "acronym" | "name" | "proper name"
    count: int = 0
    modules: list[ModuleFile] = field(default_factory=list)
    context: str = ""
    order: int = 0  # first appearance, in course order
    expansion: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # uses per line, a few distinct lines
    alone: int = 0  # uses on its own, not inside a longer name (`LM Studio`, `Qwen3 Coder`)

    @property
    def score(self) -> float:
        """See the module docstring: spread over the course, shape, an expansion written out."""
        bonus = _EXPANSION_SCORE if self.expansion else 0.0
        spread = math.log2(1 + self.count) + math.log2(1 + len(self.modules))
        return round(spread + _SHAPE_SCORE[self.kind] + bonus, 1)

    def explain(self) -> str:
        uses = f"{self.count} use{'s' if self.count != 1 else ''}"
        spread = f"{len(self.modules)} module{'s' if len(self.modules) != 1 else ''}"
        parts = [f"score {self.score}: {uses} in {spread}", self.kind]
        if self.expansion:
            parts.append("expansion found")
        return ", ".join(parts)


def extract_candidates(
    version: GlossaryVersion, index: WorkspaceIndex, rules: RuleSettings
) -> list[Candidate]:
    """The candidates of the whole course, best score first."""
    found: dict[str, Candidate] = {}
    lowercase_words: set[str] = set()
    expansions: dict[str, str] = {}
    in_code: set[str] = set()
    for module in index.modules():
        view = module_view(index, module, rules)
        if view is None:
            continue
        for region in view.regions:
            _collect_identifiers(region, in_code)
            for start, end in region.prose:
                matches = version.matcher.find_all(region.text, start, end)
                for gap_start, gap_end in unmatched_spans(matches, start, end):
                    _scan(version, rules, module, region, gap_start, gap_end, found)
                for word in _WORD.finditer(region.text, start, end):
                    if word.group(0).islower():
                        lowercase_words.add(word.group(0))
                        lowercase_words.update(singular_forms(word.group(0)))
                _collect_expansions(region.text, start, end, expansions)
    _fold_plurals(found)
    _fold_versions(version, found)
    mentioned = _glossary_words(version)
    candidates = [
        candidate
        for candidate in found.values()
        if _kept(candidate, lowercase_words, mentioned) and candidate.name not in in_code
    ]
    for candidate in candidates:
        if candidate.kind == "acronym":
            candidate.expansion = expansions.get(candidate.name, "")
    candidates.sort(key=lambda c: (-c.score, -c.count, c.order, c.name))
    return candidates


def _collect_identifiers(region: Region, found: set[str]) -> None:
    """The classes the course's code defines (`class TransformerBlock`) or imports (`from trl
    import SFTTrainer`), outside prose: such a name in prose is the code's, not a term."""
    position = 0
    for start, end in [*region.prose, (len(region.text), len(region.text))]:
        for statement in _CLASS_STATEMENT.finditer(region.text, position, start):
            names = statement.group(1) or statement.group(2)
            found.update(name for name in _IDENTIFIER.findall(names) if _MIXED_CASE.search(name))
        position = end


def _fold_plurals(found: dict[str, Candidate]) -> None:
    """`DevContainers` counts as `DevContainer` when both are candidates."""
    for name in [name for name in found if name.endswith("s")]:
        singular = found.get(name[:-1])
        if singular is None or singular.kind != found[name].kind:
            continue
        plural = found.pop(name)
        singular.count += plural.count
        singular.modules += [m for m in plural.modules if m not in singular.modules]
        for line, count in plural.lines.items():
            singular.lines[line] = singular.lines.get(line, 0) + count


def family(name: str) -> str | None:
    """The family of a versioned name, its letters before the first digit (`Qwen3.5`,
    `Qwen3-Next`, `Qwen3Model` → `qwen`), or None for a name without a version."""
    found = _VERSIONED.match(name)
    return found.group(1).casefold() if found is not None else None


def _fold_versions(version: GlossaryVersion, found: dict[str, Candidate]) -> None:
    """One candidate per family: the versions, variants and classes of a model (`Qwen3`,
    `Qwen3.5`, `Qwen3-Next`, `Qwen3Model`) count as its most used name; a family the glossary
    knows (`Llama` for `Llama3Model`, `LLAMA2-CHAT`) is no candidate at all."""
    families: dict[str, list[str]] = {}
    for name in found:
        key = family(name)
        if key is not None:
            families.setdefault(key, []).append(name)
    for key, names in families.items():
        prefix = _VERSIONED.match(names[0])
        assert prefix is not None
        if version.glossary.lookup(prefix.group(1)) is not None:
            for name in names:
                found.pop(name)
            continue
        members = [found[name] for name in names]
        members += [c for n, c in found.items() if n.casefold() == key and c not in members]
        best = max(members, key=lambda c: (c.count, -c.order))
        for other in members:
            if other is best:
                continue
            found.pop(other.name)
            best.count += other.count
            best.modules += [m for m in other.modules if m not in best.modules]
            best.order = min(best.order, other.order)
            best.alone += other.alone
            for line, count in other.lines.items():
                best.lines[line] = best.lines.get(line, 0) + count


def _glossary_words(version: GlossaryVersion) -> set[str]:
    """The words the glossary's definitions use: a technical name is likely among them."""
    words: set[str] = set()
    for term in version.glossary.terms:
        words.update(_WORD.findall(term.definition))
    return words


def _kept(candidate: Candidate, lowercase_words: set[str], mentioned: set[str]) -> bool:
    if len(candidate.modules) >= _BOILERPLATE_MODULES and _boilerplate(candidate):
        return False  # one line repeated in every module: a banner, not teaching
    if candidate.kind == "acronym" and not candidate.alone:
        return False  # always the first word of a longer name: `VICUNA Bench`
    if candidate.kind == "proper name" and 2 * candidate.alone < candidate.count:
        return False  # mostly inside a longer name: `Qwen3 Coder`, `Jane Doe`
    if candidate.kind == "acronym":
        # a name shouted once (`THOMAS`) is no acronym
        return candidate.count > 1 or not is_known_name(candidate.name.title())
    if candidate.kind != "proper name":
        return True
    return (
        candidate.count >= _MIN_PROPER_NAME_USES
        and candidate.name.casefold() not in lowercase_words
        and not is_english_word(candidate.name)
        # a person's or a place's name (`Alfred`, `Apache`), unless the glossary speaks of it
        and (not is_known_name(candidate.name) or candidate.name in mentioned)
    )


def classify(text: str, word: re.Match[str]) -> tuple[str, str] | None:
    """(name, kind) of a word that looks like a term, or None."""
    surface = word.group(0).rstrip(".")
    if surface in _EVERYDAY_PROPER_NAMES or surface.removesuffix("s") in _EVERYDAY_PROPER_NAMES:
        return None
    if _ACRONYM.fullmatch(surface):
        singular = surface[:-1] if surface.endswith("s") else surface
        if not is_acronym_candidate(text, word.start(), word.end(), singular):
            return None
        return singular, "acronym"
    letters = sum(char.isalpha() for char in surface)
    if letters < 2 or not surface[0].isalpha():
        return None
    has_digit = any(char.isdigit() for char in surface)
    if _CLASS_NAME.search(surface) or text[max(0, word.start() - 2) : word.start()].endswith("<"):
        return None  # `Qwen3Model`, `<CourseFloatingBanner`: a class or a component, code
    if has_digit and _SHOUTED_NAME.search(surface):
        return None  # `PROMETHEUS-7B`: a model's code in capitals, from a table of results
    if _MIXED_CASE.search(surface) or (has_digit and any(c.isupper() for c in surface)):
        return surface, "name"
    if (
        surface[0].isupper()
        and surface[1:].islower()
        and len(surface) >= 3
        and "-" not in surface
        and not at_sentence_start(text, word.start())
        and not _in_heading(text, word.start())
    ):
        return surface, "proper name"
    return None


def _boilerplate(candidate: Candidate) -> bool:
    """Whether nearly all uses are on one and the same line (a banner copied into modules)."""
    return max(candidate.lines.values(), default=0) >= _BOILERPLATE_SHARE * candidate.count


def _line_at(text: str, offset: int) -> str:
    """The line around `offset`, its spacing normalised (a table row aligned another way in a
    copy is the same row)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return " ".join(text[start : end if end >= 0 else len(text)].split())


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
        if is_code_like(text, word.start(), word.end()):
            continue
        classified = classify(text, word)
        if classified is None:
            continue
        name, kind = classified
        if rules.ignores(name) or version.glossary.lookup(name) is not None:
            continue
        sentence = sentence_around(text, word.start())
        candidate = found.get(name)
        if candidate is None:
            candidate = found[name] = Candidate(name, kind, context=sentence, order=len(found))
        candidate.count += 1
        candidate.alone += _alone(text, word, kind)
        line = _line_at(text, word.start())
        if line in candidate.lines or len(candidate.lines) < _LINES_KEPT:
            candidate.lines[line] = candidate.lines.get(line, 0) + 1
        if not candidate.modules or candidate.modules[-1] is not module:
            candidate.modules.append(module)


def _alone(text: str, word: re.Match[str], kind: str) -> bool:
    """Whether a use stands on its own: an acronym not followed by a capitalised word or another
    acronym (`LM Studio`), a capitalised name not right after a capitalised name that is no
    English word (`Qwen3 Coder`, `Sylvain Gugger`)."""
    if kind == "acronym":
        return not part_of_a_name(text, word.end())
    previous = _PREVIOUS_WORD.search(text, max(0, word.start() - 60), word.start())
    if previous is None or not previous.group(1)[0].isupper():
        return True
    return is_english_word(previous.group(1).casefold())


# -------------------------------------------------------------------------------- expansions


def _collect_expansions(text: str, start: int, end: int, expansions: dict[str, str]) -> None:
    """Record "Long Form (ACR)" and "ACR (Long Form)" written in `text[start:end]`."""
    for inside in _INSIDE_PARENTHESIS.finditer(text, start, end):
        content = inside.group(1).strip().strip("*_`")
        before = _BEFORE_PARENTHESIS.search(text, max(start, inside.start() - 200), inside.start())
        if _ACRONYM.fullmatch(content) and before is not None:
            acronym = content[:-1] if content.endswith("s") and len(content) > 2 else content
            long_form = spelled_by_initials(before.group(1), acronym)
            if long_form:
                expansions.setdefault(acronym, long_form)
            continue
        head = re.search(r"([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)s?[*_`]*$", text[start : inside.start()])
        if head is not None:
            words = re.split(r"[,;:]| - | – ", content)[0]
            long_form = spelled_by_initials(words, head.group(1), anchored_end=True)
            if long_form:
                expansions.setdefault(head.group(1), long_form)


def spelled_by_initials(words: str, acronym: str, anchored_end: bool = False) -> str:
    """The shortest run of `words` whose initials spell `acronym`: the run ending the text for
    "Long Form (ACR)", the whole text for "ACR (Long Form)" (`anchored_end`); else ""."""
    letters = [char for char in acronym.upper() if char.isalpha()]
    tokens = words.split()
    if anchored_end:
        return " ".join(tokens) if _initials_match(tokens, letters) else ""
    for count in range(1, min(len(tokens), 2 * len(letters) + 2) + 1):
        run = tokens[-count:]
        if run[0].lower() in _SMALL_WORDS:
            continue
        if _initials_match(run, letters):
            return " ".join(run)
    return ""


def _initials_match(tokens: list[str], letters: list[str]) -> bool:
    """Whether the initials of the words (each part of a hyphenated word, small words optional,
    an all-capitals word giving all its letters or its first) spell `letters`."""

    def match(position: int, wanted: int) -> bool:
        if position == len(tokens):
            return wanted == len(letters)
        token = tokens[position].strip("*_`\"'“”")
        if not token:
            return match(position + 1, wanted)
        if token.lower() in _SMALL_WORDS and match(position + 1, wanted):
            return True
        options = [[part[0].upper() for part in token.split("-") if part[:1].isalpha()]]
        if token.isupper() and len(token) > 1:
            options.append([char for char in token if char.isalpha()])
        for initials in options:
            end = wanted + len(initials)
            if initials and letters[wanted:end] == initials and match(position + 1, end):
                return True
        return False

    return bool(letters) and len(tokens) <= 12 and match(0, 0)


# ------------------------------------------------------------------------------------- YAML


def candidates_yaml(
    version: GlossaryVersion,
    candidates: list[Candidate],
    source: str = "the course",
    index: WorkspaceIndex | None = None,
) -> str:
    """Schema-v1 YAML of the candidates, to review before merging into a glossary."""
    lines = [
        f"# Glossary candidates found by `glossary-lsp extract` in {source}: "
        f"{len(candidates)} terms, best score first (score = log2(1 + uses) + log2(1 + modules)"
        " + shape:"
        " acronym 2, name 1, capitalised 0 + 2 when the course writes the expansion).",
        "# Review each entry: add an expansion and a definition, or delete it.",
        "version: 1",
        "terms:" if candidates else "terms: []",
    ]
    for candidate in candidates:
        first = candidate.modules[0]
        described = glossary_module_of(version.glossary, first)
        module_id = described.id if described is not None else None
        entry = term_entry_lines(
            candidate.name, module_id, candidate.context or None, expansion=candidate.expansion
        )
        where = relative_name(index, first.path) if index is not None else first.path.name
        entry[0] += f"  # {candidate.explain()}; first in {where}"
        lines += [f"  {line}" for line in entry]
    return "\n".join(lines) + "\n"

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

The work is split in two so that an edit costs one document: `analyse_view` finds everything a
single module says (its term uses, which of them are expanded, unknown acronyms, misspellings);
`CourseDiagnostics` caches those analyses per module version and derives the course-wide facts
(which module introduces a term, where an acronym is first used) from them lazily, per term.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.introduction import find_introduction
from glossary_lsp.course.workspace import ModuleFile, WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import Target, term_value_span
from glossary_lsp.glossary.english import is_english_in_capitals, is_english_word
from glossary_lsp.glossary.model import Term, fold, is_acronym, singular_forms
from glossary_lsp.matching import (
    Match,
    TermMatcher,
    at_sentence_start,
    code_like_token,
    is_code_like,
)
from glossary_lsp.settings import DIAGNOSTIC_DEFAULTS, Settings
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView, Region

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

# Everyday capitalised words that are not worth a glossary entry in an LLM course. A glossary
# entry always wins over this list; `glossaryLsp.ignore` and `.glossary-ignore` extend it.
_EVERYDAY = """
OK PDF URL URI API HTML CSS JSON YAML XML CSV TSV HTTP HTTPS SQL REST CPU GPU RAM SSD HDD USB
OS PC IO ID IDE CLI GUI UI UX SDK SSH DNS IP TCP UDP ASCII UTF ISO UTC GMT USA US UK EU UN
FAQ TODO FIXME NB PS AKA FYI ETA ASAP TL DR QA PR CEO CTO MIT IEEE KB MB GB TB PB AM PM BC AD
TBD TBA SSL TLS WIP README
AI II III IV VI VII VIII IX XI XII
"""
EVERYDAY_ACRONYMS = frozenset(_EVERYDAY.split())

_ACRONYM_TOKEN = re.compile(r"(?<![\w@#$.\\-])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(s?)(?![\w@\\])")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_DIGIT = re.compile(r"\d")
_NON_ALNUM = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")
_LINE_NUMBER = re.compile(r"^line (\d+)(?::(\d+))?:\s*")
_WORD_RUN = re.compile(r"[^\W\d_]+")
_PARENTHESIS_AFTER = re.compile(r"[*_]*\s*\(\s*([^()\n]{1,200}?)\s*\)")
_MAX_NGRAM = 3
_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF = 90.0
# Findings of one rule in one module beyond this are summed up in one finding: a generated table
# of identifiers must not bury the editor (or `check`'s report) under thousands of them.
MAX_FINDINGS_PER_RULE = 100
_FUZZY_MAX_EDITS = 2
_MIN_ACRONYM_USES = 2
_ROMAN_NUMERAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_MATH_DELIMITER = "$"


# ------------------------------------------------------------------------------- results


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


# ------------------------------------------------------------------------- module analysis


@dataclass(frozen=True, slots=True)
class TermUse:
    """A glossary term in prose, in source offsets; `surface` is the text as written."""

    start: int
    end: int
    surface: str
    term: Term
    name: str
    expanded: bool
    acronym: bool  # written as the acronym itself (not as an alias that spells it out)


@dataclass(frozen=True, slots=True)
class Word:
    """A word of prose no glossary name covers, in source offsets, with its sentence."""

    start: int
    end: int
    text: str
    context: str = ""


@dataclass(frozen=True, slots=True)
class Misspelling:
    word: Word
    replacement: str
    term: Term


@dataclass(slots=True)
class ModuleAnalysis:
    """Everything one module's prose says, independent of the rest of the course.

    Only offsets and short strings are kept, so analyses of a large course stay small.
    """

    first_use: dict[str, TermUse] = field(default_factory=dict)
    first_acronym_use: dict[str, TermUse] = field(default_factory=dict)
    first_expanded: dict[str, TermUse] = field(default_factory=dict)
    # the first use that does not explain itself: not expanded and not the expansion spelled out
    first_bare_use: dict[str, TermUse] = field(default_factory=dict)
    acronyms: dict[str, Word] = field(default_factory=dict)  # first use of each, by singular
    acronym_uses: dict[str, int] = field(default_factory=dict)  # uses of each, by singular
    misspellings: list[Misspelling] = field(default_factory=list)
    error: tuple[str, int] | None = None  # why the document cannot be read, and where


def analyse_view(version: GlossaryVersion, view: DocumentView) -> ModuleAnalysis:
    """One pass over a document's prose: term uses, unknown acronyms, misspellings."""
    analysis = ModuleAnalysis()
    if view.error:
        analysis.error = (view.error, _error_offset(view.lines, view.error))
    spelling = spelling_index(version.matcher)
    for region in view.regions:
        for start, end in region.prose:
            matches = version.matcher.find_all(region.text, start, end)
            sentence: list = []
            for match in matches:
                _record_use(analysis, region, match, spelling, sentence)
            for gap_start, gap_end in unmatched_spans(matches, start, end):
                _scan_gap(version, spelling, analysis, region, gap_start, gap_end)
    return analysis


def _record_use(
    analysis: ModuleAnalysis,
    region: Region,
    match: Match,
    spelling: SpellingIndex,
    sentence: list | None = None,
) -> None:
    if is_code_like(region.text, match.start, match.end):
        return  # `torch.nn.MultiheadAttention`, `Org/Model-7B`: an identifier, not the term
    term = match.term
    key = term.key
    text = region.text
    acronym = (
        is_acronym_like(match.name)
        and is_acronym_like(term.term)
        and not _names_something_else(text, match.start, match.end)
    )
    expanded = bool(term.expansion) and (
        is_expanded(text, match.start, match.end, term.expansion)
        or (
            acronym
            and key not in analysis.first_acronym_use  # once per term and module: it costs
            and (
                expanded_in_sentence(text, match.start, term.expansion, sentence)
                or _expanded_below_heading(text, match.start, term.expansion)
            )
        )
    )
    surface = region.text[match.start : match.end]
    bare = not expanded and not (term.expansion and _spells_out(squash(surface), term.expansion))
    needed = (
        key not in analysis.first_use
        or (acronym and key not in analysis.first_acronym_use)
        or (expanded and key not in analysis.first_expanded)
        or (bare and key not in analysis.first_bare_use)
    )
    if needed:
        start, end = region.to_source(match.start), region.to_source(match.end)
        use = TermUse(start, end, surface, term, match.name, expanded, acronym)
        analysis.first_use.setdefault(key, use)
        if acronym:
            analysis.first_acronym_use.setdefault(key, use)
        if expanded:
            analysis.first_expanded.setdefault(key, use)
        if bare:
            analysis.first_bare_use.setdefault(key, use)
    replacement = spelling.noncanonical_match(surface, match)
    if (
        replacement is not None
        and not _in_package_name(text, match)
        and not (surface.isupper() and _shouted(_line_around(text, match.start)))
    ):
        word = Word(region.to_source(match.start), region.to_source(match.end), surface)
        analysis.misspellings.append(Misspelling(word, replacement, term))


_VERSION_AFTER = re.compile(r"-?\d")
_LINK_TEXT_END = re.compile(r"[^\[\]\n]*\]\(")
_HEADING_BODY = 600


def _names_something_else(text: str, start: int, end: int) -> bool:
    """An acronym that is part of a product's name (`GPT-4`, `GPT3`) or of a title quoted as a
    link's text (a book, a paper): not the place to expand it."""
    if _VERSION_AFTER.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    opening = text.rfind("[", line_start, start)
    if opening >= 0 and "]" not in text[opening:start] and _LINK_TEXT_END.match(text, end):
        return True
    anchor = text.rfind("<a ", line_start, start)
    closing = text.find("</a>", end, end + 300)
    return anchor >= 0 and "</a>" not in text[anchor:start] and closing >= 0


def _expanded_below_heading(text: str, start: int, expansion: str) -> bool:
    """An acronym in a heading ("## Implementing RoPE") that the paragraph under it expands."""
    line_start = text.rfind("\n", 0, start) + 1
    if not text.startswith("#", line_start):
        return False
    line_end = text.find("\n", start)
    if line_end < 0:
        return False
    wanted = squash(expansion)
    return len(wanted) >= 6 and wanted in squash(text[line_end : line_end + _HEADING_BODY])


def unmatched_spans(matches: list[Match], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The stretches of [start, end) that no match covers."""
    position = start
    for match in matches:
        if match.start > position:
            yield position, match.start
        position = max(position, match.end)
    if position < end:
        yield position, end


def _scan_gap(
    version: GlossaryVersion,
    spelling: SpellingIndex,
    analysis: ModuleAnalysis,
    region: Region,
    start: int,
    end: int,
) -> None:
    text = region.text
    for token in acronym_tokens(text, start, end):
        word = token.group(0)
        singular = word[:-1] if token.group(2) else word
        if singular in analysis.acronyms:
            analysis.acronym_uses[singular] += 1
            continue
        if version.glossary.lookup(word) is not None:
            continue
        if not is_acronym_candidate(text, token.start(), token.end(), singular):
            continue
        # the sentence goes into a quick fix's glossary entry: only findings shown need it
        shown = len(analysis.acronyms) < 2 * MAX_FINDINGS_PER_RULE
        analysis.acronym_uses[singular] = 1
        analysis.acronyms[singular] = Word(
            region.to_source(token.start()),
            region.to_source(token.end()),
            word,
            sentence_around(text, token.start()) if shown else "",
        )
    words = list(_WORD.finditer(text, start, end))
    taken_until = start
    for position, first in enumerate(words):
        if first.start() < taken_until:
            continue
        if first.group(0).isdigit() or is_code_like(text, first.start(), first.end()):
            continue
        found = spelling.near_miss(text, words, position)
        if found is not None:
            word_end, replacement, term = found
            misspelled = Word(
                region.to_source(first.start()),
                region.to_source(word_end),
                text[first.start() : word_end],
            )
            analysis.misspellings.append(Misspelling(misspelled, replacement, term))
            taken_until = word_end


def acronym_tokens(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Words of two or more capitals (digits allowed, optional plural `s`) in `text[start:end]`."""
    return _ACRONYM_TOKEN.finditer(text, start, end)


def is_acronym_candidate(text: str, start: int, end: int, singular: str) -> bool:
    """Whether a word in capitals at `text[start:end]` may be an acronym worth a glossary entry.

    Not when it is English written in capitals (`READ`, `WARNING`, `DNA`: SCOWL's common words
    and its acronyms of everyday English), a Roman numeral (`XIV`), inside an identifier
    (`LICENSE.txt`) or inline math (`$AB$`), a Markdown alert (`[!TIP]`), or on a line shouted
    in capitals (a banner, a heading in capitals): there capitals say nothing.
    """
    if is_english_in_capitals(singular) or _ROMAN_NUMERAL.fullmatch(singular):
        return False
    if text.startswith("[!", start - 2) or is_code_like(text, start, end):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line = _line_around(text, start)
    if line.count(_MATH_DELIMITER, 0, start - line_start) % 2 == 1:
        return False  # between `$` and `$`: a variable
    return not _shouted(line)


def _line_around(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    return text[line_start : line_end if line_end >= 0 else len(text)]


def _shouted(line: str) -> bool:
    """A line whose words are all in capitals, three or more of them."""
    words = [word for word in _WORD.findall(line) if any(char.isalpha() for char in word)]
    return len(words) >= 3 and all(not any(char.islower() for char in word) for word in words)


def _in_package_name(text: str, match: Match) -> bool:
    """`pytorch-lightning`, `vllm-gaudi`: a lower-case term joined by hyphens to more lower-case
    words is a package's name, not the term misspelled."""
    surface = text[match.start : match.end]
    token = code_like_token(text, match.start, match.end)
    return surface.islower() and "-" in token and token.islower() and len(token) > len(surface)


# -------------------------------------------------------------------------------- expansion


def is_acronym_like(name: str) -> bool:
    """An acronym (`FSDP`, `LLMs`) or a short mixed-case one (`MoE`, `ZeRO`, `RoPE`)."""
    if is_acronym(name):
        return True
    return " " not in name and len(name) <= 8 and sum(char.isupper() for char in name) >= 2


def squash(text: str) -> str:
    """Case, spacing, hyphens and markup removed: `Flash-Attention` → `flashattention`."""
    return _NON_ALNUM.sub("", text.casefold())


def _spells_out(candidate: str, expansion: str) -> bool:
    wanted = squash(expansion)
    return bool(wanted) and any(
        candidate.endswith(form) for form in (wanted, wanted + "s", wanted + "es")
    )


def is_expanded(text: str, start: int, end: int, expansion: str) -> bool:
    """Whether `text[start:end]` is written as "ACR (Expansion)" or "Expansion (ACR)"."""
    after = _PARENTHESIS_AFTER.match(text, end)
    if after is not None:
        inside = squash(after.group(1))
        wanted = squash(expansion)
        if wanted and inside.startswith(wanted):
            return True
    opening = start
    while opening > 0 and text[opening - 1] in "*_ \t":
        opening -= 1
    if opening == 0 or text[opening - 1] != "(":
        return False
    closing = end
    while closing < len(text) and text[closing] in "*_ \t":
        closing += 1
    if closing >= len(text) or text[closing] != ")":
        return False
    window = text[max(0, opening - 1 - 3 * len(expansion) - 200) : opening - 1]
    window = _LINK_TARGET.sub("", window)  # `[Multi-Query Attention](https://…) (MQA)`
    return _spells_out(squash(window[-3 * len(expansion) - 20 :]), expansion)


_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")


def expanded_in_sentence(text: str, start: int, expansion: str, last: list | None = None) -> bool:
    """Whether the sentence around `start` spells the expansion out anywhere: "OOM is short for
    out of memory", `MMLU ("Measuring Massive Multitask Language Understanding")`.

    `last` keeps the last sentence seen, `[start, end, squashed]`, for the next call.
    """
    wanted = squash(expansion)
    if len(wanted) < 6:
        return False
    if last and last[0] <= start < last[1]:
        squashed = last[2]
    else:
        low, high = sentence_span(text, start)
        squashed = squash(text[low:high])
        if last is not None:
            last[:] = [low, high, squashed]
    return wanted in squashed


# ---------------------------------------------------------------------------------- spelling


def _loose(text: str) -> str:
    """A spelling with runs of whitespace made one space and word-initial letters folded.

    Capitalising the first letter of a word (sentence starts, Title Case headings) is never a
    misspelling; changing a letter inside a word (`Pytorch` for `PyTorch`) is. A hyphen for a
    space is none either: `function-calling agent` is how English joins a compound adjective.
    """
    text = _SPACES.sub(" ", text.strip().replace("-", " "))
    chars = list(text)
    for index, char in enumerate(chars):
        if index == 0 or not chars[index - 1].isalnum():
            chars[index] = char.casefold()
    return "".join(chars)


class SpellingIndex:
    """Every glossary name by its squashed form, and names by length for fuzzy comparison."""

    def __init__(self, matcher: TermMatcher) -> None:
        glossary = matcher.glossary
        self.glossary = glossary
        self.by_squash: dict[str, tuple[str, Term]] = {}
        for term in glossary.terms:  # canonical spellings first, then aliases
            key = squash(term.term)
            if key:
                self.by_squash.setdefault(key, (term.term, term))
        for name, term in glossary.all_names():
            key = squash(name)
            if key:
                self.by_squash.setdefault(key, (name, term))
        self.expansions = {squash(term.expansion) for term in glossary.terms if term.expansion}
        # Every prefix of every squashed name: a run of words whose first word's squash is not
        # one of these cannot spell a name, which rules out nearly every word at once.
        self.prefixes = {key[:end] for key in self.by_squash for end in range(1, len(key) + 1)}
        self.by_length: dict[int, list[str]] = {}
        for key in self.by_squash:
            if len(key) >= _FUZZY_MIN_LENGTH - 1:
                self.by_length.setdefault(len(key), []).append(key)
        self._fuzzy_memo: dict[str, tuple[str, Term] | None] = {}

    def noncanonical_match(self, surface: str, match: Match) -> str | None:
        """The spelling to use instead of a matched surface, or None if it is written right."""
        loose = _loose(surface)
        for name in match.term.names:
            wanted = _loose(name)
            if loose == wanted or any(_loose(s) == wanted for s in singular_forms(surface)):
                return None
        name = match.name
        suffix = surface[len(name) :] if surface.casefold().startswith(name.casefold()) else ""
        return name + suffix if suffix.isalpha() or not suffix else name

    def near_miss(self, text: str, words: list[re.Match[str]], position: int):
        """(end, replacement, term) for a word or a run of words starting at `position` that
        spells a known name another way, or None."""
        first = words[position]
        runs = []
        key = ""
        for count in range(1, min(_MAX_NGRAM, len(words) - position) + 1):
            key += squash(words[position + count - 1].group(0))
            if key not in self.prefixes and key[:-1] not in self.by_squash:
                break
            if count > 1 and not _joined(text, words, position, count):
                break
            runs.append(count)
        for count in reversed(runs):
            last = words[position + count - 1]
            surface = text[first.start() : last.end()]
            hit = self._squash_hit(surface, single=count == 1)
            if hit is not None:
                return last.end(), hit[0], hit[1]
        surface = first.group(0)
        if _looks_technical(text, first):
            hit = self._fuzzy_hit(surface)
            if hit is not None:
                return first.end(), hit[0], hit[1]
        return None

    def _squash_hit(self, surface: str, single: bool) -> tuple[str, Term] | None:
        if single and "-" not in surface and (surface.islower() or surface.istitle()):
            return None  # `ram`, `Zero`, `Rope`: ordinary words that squash to `RAM`, `ZeRO`…
        key = squash(surface)
        if key in self.expansions:
            return None  # a term's expansion written out is never a misspelling of a name
        hit = self.by_squash.get(key)
        suffix = ""
        if hit is None and key.endswith("s"):
            hit = self.by_squash.get(key[:-1])
            suffix = "s"
        if hit is None:
            return None
        name, term = hit
        if surface in (name, name + suffix) or _loose(surface) in (
            _loose(name + suffix),
            _loose(name),
        ):
            return None
        if surface.islower() and all(is_english_word(word) for word in _WORD_RUN.findall(surface)):
            return None  # `query engine` is English, not the class `QueryEngine` misspelled
        if suffix and surface.isupper():
            return None  # `TPS` is an acronym of its own, not the plural of `TP` misspelled
        if not any(char.isupper() for char in surface) and not _CAMEL.search(name):
            return None  # `multi head attention`: plain words, maybe not meant as the term
        return name + suffix, term

    def _fuzzy_hit(self, surface: str) -> tuple[str, Term] | None:
        if surface in self._fuzzy_memo:
            return self._fuzzy_memo[surface]
        key = squash(surface)
        found = None
        if (
            len(key) >= _FUZZY_MIN_LENGTH
            and self.glossary.lookup(surface) is None
            and not is_english_word(surface)
        ):
            choices = [
                choice
                for length in range(len(key) - 2, len(key) + 3)
                for choice in self.by_length.get(length, ())
                if choice[0] == key[0]  # a misspelling keeps the first letter
            ]
            from rapidfuzz import fuzz, process  # on first use: keeps it off the server's startup
            from rapidfuzz.distance import Levenshtein

            best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if (
                best is not None
                and not _is_inflection(key, best[0])
                and not _one_inside_the_other(key, best[0])
                and Levenshtein.distance(key, best[0]) <= _FUZZY_MAX_EDITS
            ):
                found = self.by_squash[best[0]]
        self._fuzzy_memo[surface] = found
        return found


def _one_inside_the_other(word: str, name: str) -> bool:
    """`ollama` holds `llama`, `pflops` holds `flops`: another word built on the name, not it
    misspelled."""
    return word in name or name in word


def _is_inflection(word: str, name: str) -> bool:
    """`transformers`/`transformer`, `tokenizer`/`tokenizers`: a plural is no misspelling."""
    longer, shorter = (word, name) if len(word) > len(name) else (name, word)
    return longer.startswith(shorter) and longer[len(shorter) :] in ("s", "es", "ed", "d")


def _joined(text: str, words: list[re.Match[str]], position: int, count: int) -> bool:
    """Whether consecutive words are separated by spaces only (one line break at most)."""
    for index in range(position, position + count - 1):
        gap = text[words[index].end() : words[index + 1].start()]
        if not gap or gap.strip() or gap.count("\n") > 1:
            return False
    return True


def _looks_technical(text: str, word: re.Match[str]) -> bool:
    """camelCase, letters mixed with digits, or a capitalised word inside a sentence."""
    surface = word.group(0)
    if len(surface) < _FUZZY_MIN_LENGTH:
        return False
    if surface.isdigit():
        return False
    if _CAMEL.search(surface) or _DIGIT.search(surface):
        return True
    return surface[0].isupper() and not at_sentence_start(text, word.start())


_SPELLING_CACHE: list[tuple[TermMatcher, SpellingIndex]] = []


def spelling_index(matcher: TermMatcher) -> SpellingIndex:
    """The spelling index of a matcher, built once per glossary version."""
    for cached_matcher, index in _SPELLING_CACHE:
        if cached_matcher is matcher:
            return index
    index = SpellingIndex(matcher)
    _SPELLING_CACHE.insert(0, (matcher, index))
    del _SPELLING_CACHE[3:]
    return index


# ---------------------------------------------------------------------------- course facts


class CourseDiagnostics:
    """Diagnostics of documents and of the whole course, with analyses cached per module.

    A cached analysis is reused while the index holds the same `ModuleFile` object (the index
    makes a new one whenever it reads a file again) and the glossary version is the same.
    Safe to share between the event loop and a background thread: entries are replaced whole.
    """

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[ModuleFile, TermMatcher, bool, ModuleAnalysis]] = {}

    def analysis(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        module: ModuleFile,
        rules: RuleSettings,
    ) -> ModuleAnalysis:
        cached = self._cache.get(module.path)
        if (
            cached is not None
            and cached[0] is module
            and cached[1] is version.matcher
            and cached[2] == rules.code_comments
        ):
            return cached[3]
        view = module_view(index, module, rules)
        if view is None:
            analysis = ModuleAnalysis(error=(module.error or "cannot be read", 0))
        else:
            analysis = analyse_view(version, view)
            if analysis.error is None and module.error:
                analysis.error = (module.error, _error_offset(view.lines, module.error))
        self._cache[module.path] = (module, version.matcher, rules.code_comments, analysis)
        return analysis

    def forget(self, keep: Collection[Path]) -> None:
        """Drop the analyses of modules that are no longer in the course."""
        for path in list(self._cache):
            if path not in keep:
                self._cache.pop(path, None)

    def document(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        path: Path | None,
        view: DocumentView,
        rules: RuleSettings,
    ) -> list[Finding]:
        """The findings of one document; `view` is its current (maybe unsaved) text."""
        module = index.module_at(path) if path is not None else None
        if module is not None and (known := index.view(module)) and known.source != view.source:
            index.update(module.path, view.source)  # the introduction is found in this text too
            module = index.module_at(module.path)
        if rules.code_comments and any(region.kind == "code" for region in view.regions):
            view = view_document(str(path or ""), view.source, code_comments=True)
        analysis = analyse_view(version, view)
        if analysis.error is None and module is not None and module.error:
            analysis.error = (module.error, _error_offset(view.lines, module.error))
        facts = CourseFacts(self, version, index, rules)
        if module is not None:
            facts.override(module, analysis, view)
        return diagnose(version, facts, module, analysis, rules)

    def workspace(
        self, version: GlossaryVersion, index: WorkspaceIndex, rules: RuleSettings
    ) -> dict[Path, list[Finding]]:
        """The findings of every module, in course order."""
        facts = CourseFacts(self, version, index, rules)
        modules = index.modules()
        self.forget({module.path for module in modules})
        return {
            module.path: diagnose(
                version, facts, module, self.analysis(version, index, module, rules), rules
            )
            for module in modules
        }


def module_view(
    index: WorkspaceIndex, module: ModuleFile, rules: RuleSettings
) -> DocumentView | None:
    """A module's view as the index reads it, with code comments as prose when configured."""
    view = index.view(module)
    if view is not None and rules.code_comments and any(r.kind == "code" for r in view.regions):
        view = view_document(str(module.path), view.source, code_comments=True)
    return view


@dataclass(frozen=True, slots=True)
class Introduction:
    module: ModuleFile
    use: TermUse | None  # the first use there, when the module uses the term at all


class CourseFacts:
    """Course-wide facts about terms, computed on demand from module analyses, per request."""

    def __init__(
        self,
        analyses: CourseDiagnostics,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        rules: RuleSettings,
    ) -> None:
        self.analyses = analyses
        self.version = version
        self.index = index
        self.rules = rules
        self.course = index.course()
        self.modules = self.course.modules
        self.rank = self.course.rank
        self._overrides: dict[Path, tuple[ModuleAnalysis, DocumentView]] = {}
        self._introductions: dict[str, Introduction | None] = {}
        self._lines: dict[Path, LineIndex | None] = {}

    def override(self, module: ModuleFile, analysis: ModuleAnalysis, view: DocumentView) -> None:
        """Use a document's current text for its module (it may be ahead of the index)."""
        self._overrides[module.path] = (analysis, view)

    def analysis_of(self, module: ModuleFile) -> ModuleAnalysis:
        override = self._overrides.get(module.path)
        if override is not None:
            return override[0]
        return self.analyses.analysis(self.version, self.index, module, self.rules)

    def lines_of(self, module: ModuleFile) -> LineIndex | None:
        override = self._overrides.get(module.path)
        if override is not None:
            return override[1].lines
        if module.path not in self._lines:
            view = self.index.view(module)
            self._lines[module.path] = view.lines if view is not None else None
        return self._lines[module.path]

    def _users(self, key: str) -> Iterator[tuple[ModuleFile, ModuleAnalysis]]:
        for module in self.modules:
            if key in module.terms or module.path in self._overrides:
                yield module, self.analysis_of(module)

    def introduction(self, term: Term) -> Introduction | None:
        """Where the course introduces the term (`find_introduction`), with its use there."""
        key = term.key
        if key not in self._introductions:
            self._introductions[key] = self._find_introduction(term)
        return self._introductions[key]

    def _find_introduction(self, term: Term) -> Introduction | None:
        found = find_introduction(self.index, term, self.course, indexed_only=True)
        if found is None:
            return None
        occurrence = found.occurrence
        if occurrence is None:
            return Introduction(found.module, None)
        start, end = occurrence.source_range()
        surface = occurrence.region.text[occurrence.start : occurrence.end]
        acronym = is_acronym_like(surface) and is_acronym_like(term.term)
        use = TermUse(start, end, surface, term, surface, occurrence.defined, acronym)
        return Introduction(found.module, use)


# -------------------------------------------------------------------------------- the rules


def diagnose(
    version: GlossaryVersion,
    facts: CourseFacts,
    module: ModuleFile | None,
    analysis: ModuleAnalysis,
    rules: RuleSettings,
) -> list[Finding]:
    findings: list[Finding] = []
    findings += _document_error(analysis, rules)
    if module is not None and module.path in facts.rank:
        findings += _used_before_introduced(version, facts, module, analysis, rules)
        findings += _acronyms_not_expanded(facts, module, analysis, rules)
    findings += _unknown_acronyms(analysis, rules)
    findings += _noncanonical_spellings(analysis, rules)
    findings.sort(key=lambda finding: (finding.start, finding.end, finding.rule))
    return capped(one_per_place(findings))


# Which finding a place keeps when several rules report it: the most severe, then this order.
_RULE_PRIORITY = (
    DOCUMENT_ERROR,
    USED_BEFORE_INTRODUCED,
    NON_CANONICAL_SPELLING,
    ACRONYM_NOT_EXPANDED,
    UNKNOWN_ACRONYM,
)
_FIX_KEYS = ("replacement", "insert", "insertAt")


def _usefulness(finding: Finding) -> tuple[int, int]:
    priority = _RULE_PRIORITY.index(finding.rule) if finding.rule in _RULE_PRIORITY else 99
    return SEVERITY_RANK.get(finding.severity, 9), priority


def one_per_place(findings: list[Finding]) -> list[Finding]:
    """One finding for each place (findings sorted by start): of those whose spans overlap, the
    most useful one, carrying the others' fixes in its `data` and their messages in its own."""
    kept: list[Finding] = []
    for finding in findings:
        previous = kept[-1] if kept else None
        if previous is None or finding.start >= previous.end or finding.start == finding.end:
            kept.append(finding)
            continue
        best, other = sorted((previous, finding), key=_usefulness)
        data = {**{k: v for k, v in other.data.items() if k in _FIX_KEYS}, **best.data}
        kept[-1] = Finding(
            best.rule,
            best.severity,
            f"{best.message}. Also: {other.message}",
            best.start,
            best.end,
            best.related + other.related,
            data,
        )
    return kept


def capped(findings: list[Finding], limit: int | None = None) -> list[Finding]:
    """At most `limit` findings of each rule; the rest of a rule summed up in one finding, at the
    first one left out."""
    limit = MAX_FINDINGS_PER_RULE if limit is None else limit
    counts: dict[str, int] = {}
    kept: list[Finding] = []
    left_out: dict[str, Finding] = {}
    for finding in findings:
        count = counts[finding.rule] = counts.get(finding.rule, 0) + 1
        if count <= limit:
            kept.append(finding)
        else:
            left_out.setdefault(finding.rule, finding)
    for rule, first in left_out.items():
        more = counts[rule] - limit
        kept.append(
            Finding(
                rule,
                first.severity,
                f"{more} more {rule} finding{'s' if more != 1 else ''} in this module are not "
                f"shown (at most {limit} per rule and module)",
                first.start,
                first.end,
                data={"summary": more},
            )
        )
    kept.sort(key=lambda finding: (finding.start, finding.end, finding.rule))
    return kept


def _document_error(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
    severity = rules.severity(DOCUMENT_ERROR)
    if severity is None or analysis.error is None:
        return []
    message, offset = analysis.error
    return [Finding(DOCUMENT_ERROR, severity, message, offset, offset)]


def _error_offset(lines: LineIndex, message: str) -> int:
    found = _LINE_NUMBER.match(message)
    if found is None:
        return 0
    column = int(found.group(2) or 1)
    offset = lines.offset(int(found.group(1)) - 1, column - 1)
    return offset if offset is not None else 0


def module_label(version: GlossaryVersion, module: ModuleFile) -> str:
    """How a module is named in messages: the glossary's `EMOJI Title`, else the module title."""
    known = glossary_module_of(version.glossary, module)
    return plain_title(known.label if known is not None else module.title)


_MDX_ANCHOR = re.compile(r"\s*\[\[[^\]\n]*\]\]")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|~~)(?=\S)(.+?)(?<=\S)\1")


def plain_title(title: str) -> str:
    """A module title as plain text: no MDX anchors (`[[slug]]`), links, tags or emphasis."""
    title = _MDX_ANCHOR.sub("", title)
    title = _MARKDOWN_LINK.sub(r"\1", title)
    title = _HTML_TAG.sub("", title)
    title = _EMPHASIS.sub(r"\2", title)
    return " ".join(title.replace("\\", "").split())


def relative_name(index: WorkspaceIndex, path: Path) -> str:
    for root in index.roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


def _used_before_introduced(
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


def _acronyms_not_expanded(
    facts: CourseFacts, module: ModuleFile, analysis: ModuleAnalysis, rules: RuleSettings
) -> list[Finding]:
    severity = rules.severity(ACRONYM_NOT_EXPANDED)
    if severity is None:
        return []
    findings = []
    for use in analysis.first_acronym_use.values():
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


def needs_expansion(term: Term) -> bool:
    """Everyday acronyms (API, GPU, URL: the list `unknownAcronym` never reports) need no
    expansion, unless the glossary entry says `expand_first_use: true`."""
    return term.expand_first_use or (
        term.term not in EVERYDAY_ACRONYMS and not any(n in EVERYDAY_ACRONYMS for n in term.aliases)
    )


_PREPOSITIONS = frozenset(("of", "for", "from", "with", "in", "on", "to", "over", "by", "via"))


def expansion_for(surface: str, term: Term) -> str:
    """The term's expansion, in the plural when the text wrote the acronym's plural (LLMs).

    The head noun takes the plural (`Large Language Models`, `Mixtures of Experts`,
    `Gaussian Processes`, `Proximal Policies`); when its plural is doubtful (`Multiply`,
    `Learning`) the singular is given.
    """
    expansion = term.expansion
    plural = surface.endswith("s") and not term.term.endswith("s")
    if not plural:
        return expansion
    words = expansion.split(" ")
    head = len(words) - 1
    for position, word in enumerate(words[1:], start=1):
        if word.lower() in _PREPOSITIONS:
            head = position - 1
            break
    noun = plural_noun(words[head])
    if noun is None:
        return expansion
    words[head] = noun
    return " ".join(words)


def plural_noun(word: str) -> str | None:
    """The plural of a noun that ends an expansion, or None when it is doubtful."""
    lower = word.lower()
    if not lower[-1:].isalpha():
        return None
    if lower.endswith(("ing", "ply", "ware", "data", "ous", "ive", "al", "ed")):
        return None  # `Learning`, `Multiply`, `Hardware`, `Generative`: no honest plural
    if lower.endswith(("ss", "sh", "ch", "x", "z")):
        return word + "es"
    if lower.endswith("s"):
        return word  # already a plural (`Experts`) or one unchanged (`Series`)
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _unknown_acronyms(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
    severity = rules.severity(UNKNOWN_ACRONYM)
    if severity is None:
        return []
    findings: list[Finding] = []
    for singular, word in analysis.acronyms.items():
        if rules.ignores(word.text) or analysis.acronym_uses.get(singular, 0) < _MIN_ACRONYM_USES:
            continue  # one mention in a module (a conference, a company, a label) is in passing
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


def _noncanonical_spellings(analysis: ModuleAnalysis, rules: RuleSettings) -> list[Finding]:
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


# ---------------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(
    r"(?<!\n\d)(?<!\n\d\d)[.!?](?=\s)"  # a full stop, but not a list item's `3.`
    r"|\n[ \t]*\r?\n"  # a blank line
    r"|\n(?=[ \t]*(?:[-*+>#|]|\d+[.)])[ \t])"  # a list item, a heading, a quote, a table row
)
_BLOCK_MARKER = re.compile(r"^(?:#{1,6}|[-*+>|]|\d+[.)])\s+")
MAX_CONTEXT = 300
_SENTENCE_REACH = 2000


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """Where the sentence containing `offset` starts and ends (2,000 characters each way at
    most: a table or a wall of text has no sentence end)."""
    start = max(0, offset - _SENTENCE_REACH)
    for boundary in _SENTENCE_END.finditer(text, start, offset):
        start = boundary.end()
    end_match = _SENTENCE_END.search(text, offset, offset + _SENTENCE_REACH)
    end = end_match.end() if end_match is not None else min(len(text), offset + _SENTENCE_REACH)
    return start, end


def sentence_around(text: str, offset: int) -> str:
    """The sentence containing `offset`, on one line, at most `MAX_CONTEXT` characters."""
    start, end = sentence_span(text, offset)
    sentence = _BLOCK_MARKER.sub("", " ".join(text[start:end].split()))
    if len(sentence) > MAX_CONTEXT:
        cut = sentence[:MAX_CONTEXT].rsplit(" ", 1)[0]
        sentence = cut + " …"
    return sentence


# ----------------------------------------------------------------------------- glossary files


def glossary_findings(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    path: Path,
    lines: LineIndex,
    problems: Collection,
    rules: RuleSettings,
) -> list[Finding]:
    """Findings on a glossary file: its load problems, and terms no module of the course uses.

    `problems` are the loader's `LoadProblem`s for this file (1-based line and column).
    """
    findings: list[Finding] = []
    schema = rules.severity(GLOSSARY_SCHEMA)
    if schema is not None:
        for problem in problems:
            offset = lines.offset(max(problem.line - 1, 0), max(problem.column - 1, 0)) or 0
            findings.append(Finding(GLOSSARY_SCHEMA, schema, problem.message, offset, offset))
    unused = rules.severity(UNUSED_TERM)
    modules = index.modules()
    if unused is not None and modules:
        used = set().union(*(module.terms for module in modules))
        for term in terms_defined_in(version, path):
            if term.key in used:
                continue
            span = term_value_span(lines, term)
            if span is None:
                continue
            findings.append(
                Finding(
                    UNUSED_TERM,
                    unused,
                    f"'{term.term}' is not used in any module of the course",
                    *span,
                )
            )
    findings.sort(key=lambda finding: (finding.start, finding.rule))
    return findings


def terms_defined_in(version: GlossaryVersion, path: Path) -> list[Term]:
    """The terms of the served glossary whose entry is in the file at `path`."""
    wanted = _resolved(path)
    return [
        term
        for term in version.glossary.terms
        if term.location is not None and _resolved(Path(term.location.path)) == wanted
    ]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()

"""One module's analysis: what its prose says, independent of the rest of the course."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from glossary_lsp.course.defining import link_text, spells_out, squash, written_with_expansion
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics.acronyms import (
    WORD,
    acronym_tokens,
    is_acronym_candidate,
    line_around,
    part_of_a_name,
    shouted,
)
from glossary_lsp.features.diagnostics.expansion import (
    expanded_in_sentence,
    is_acronym_like,
)
from glossary_lsp.features.diagnostics.findings import MAX_FINDINGS_PER_RULE
from glossary_lsp.features.diagnostics.sentences import sentence_around
from glossary_lsp.features.diagnostics.spelling import (
    SpellingIndex,
    SurfaceFacts,
    in_package_name,
    spelling_index,
)
from glossary_lsp.features.diagnostics.use_forms import (
    expanded_below_heading,
    explained_by_apposition,
    in_heading,
    names_a_library,
    names_something_else,
    opens_a_label,
)
from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import Match, is_code_like
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView, Region

_LINE_NUMBER = re.compile(r"^line (\d+)(?::(\d+))?:\s*")


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
    heading: bool = False  # in a heading: a title, whose expansion belongs in the text below


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
    first_body_acronym_use: dict[str, TermUse] = field(default_factory=dict)  # not in a heading
    # the first use that explains itself: written with its expansion, or the expansion itself
    first_explained: dict[str, TermUse] = field(default_factory=dict)
    # the first use that does not explain itself and is not a link's text (a reference to where
    # the term is taught, as in a course's list of lessons)
    first_bare_use: dict[str, TermUse] = field(default_factory=dict)
    acronyms: dict[str, Word] = field(default_factory=dict)  # first use of each, by singular
    acronym_uses: dict[str, int] = field(default_factory=dict)  # uses of each, by singular
    # those used at least once on their own, not as the first word of a name (`LM Studio`)
    acronyms_alone: set[str] = field(default_factory=set)
    misspellings: list[Misspelling] = field(default_factory=list)
    error: tuple[str, int] | None = None  # why the document cannot be read, and where


def analyse_view(version: GlossaryVersion, view: DocumentView) -> ModuleAnalysis:
    """One pass over a document's prose: term uses, unknown acronyms, misspellings."""
    analysis = ModuleAnalysis()
    if view.error:
        analysis.error = (view.error, error_offset(view.lines, view.error))
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
    text = region.text
    surface = text[match.start : match.end]
    facts = spelling.surface_facts(surface, match, _facts_of_surface)
    if _nothing_to_record(analysis, facts):
        return
    if is_code_like(text, match.start, match.end):
        return  # `torch.nn.MultiheadAttention`, `Org/Model-7B`: an identifier, not the term
    if names_a_library(text, match.start, match.end, match.term):
        return
    term = match.term
    key = facts.key
    acronym = facts.acronym_like and not names_something_else(text, match.start, match.end)
    expanded = bool(term.expansion) and (
        written_with_expansion(text, match.start, match.end, term.expansion)
        or (
            acronym
            and key not in analysis.first_acronym_use  # once per term and module: it costs
            and (
                expanded_in_sentence(text, match.start, term.expansion, sentence)
                or expanded_below_heading(text, match.start, term.expansion)
            )
        )
        or (acronym and explained_by_apposition(text, match.end))
    )
    explained = expanded or facts.spelled_out
    bare = (
        not explained
        and key not in analysis.first_bare_use
        and link_text(text, match.start, match.end) is None
        and not opens_a_label(text, match.start, match.end)
    )
    heading = acronym and in_heading(text, match.start)
    needed = (
        key not in analysis.first_use
        or (acronym and key not in analysis.first_acronym_use)
        or (acronym and not heading and key not in analysis.first_body_acronym_use)
        or (explained and key not in analysis.first_explained)
        or bare
    )
    if needed:
        start, end = region.to_source(match.start), region.to_source(match.end)
        use = TermUse(start, end, surface, term, match.name, expanded, acronym, heading)
        analysis.first_use.setdefault(key, use)
        if acronym:
            analysis.first_acronym_use.setdefault(key, use)
            if not heading:
                analysis.first_body_acronym_use.setdefault(key, use)
        if explained:
            analysis.first_explained.setdefault(key, use)
        if bare:
            analysis.first_bare_use.setdefault(key, use)
    replacement = facts.replacement
    if (
        replacement is not None
        and not in_package_name(text, match)
        and not (surface.isupper() and shouted(line_around(text, match.start)))
    ):
        word = Word(region.to_source(match.start), region.to_source(match.end), surface)
        analysis.misspellings.append(Misspelling(word, replacement, term))


def _nothing_to_record(analysis: ModuleAnalysis, facts: SurfaceFacts) -> bool:
    """Whether a use with these facts can add nothing, wherever it is: every first use it could
    be is known already, and its spelling is right."""
    key = facts.key
    return (
        facts.replacement is None
        and key in analysis.first_use
        and key in analysis.first_explained
        and key in analysis.first_bare_use
        and (
            not facts.acronym_like
            or (key in analysis.first_acronym_use and key in analysis.first_body_acronym_use)
        )
    )


def _facts_of_surface(spelling: SpellingIndex, surface: str, match: Match) -> SurfaceFacts:
    term = match.term
    return SurfaceFacts(
        term,
        term.key,
        is_acronym_like(match.name) and is_acronym_like(term.term),
        bool(term.expansion and spells_out(squash(surface), term.expansion)),
        spelling.noncanonical_match(surface, match),
    )


_TRAILING_NUMBER = re.compile(r"(?<=[A-Z])\d+$")


def _known_name_numbered(version: GlossaryVersion, word: str) -> bool:
    """`GPT2`, `LLM360`: a known name with a number run into it names a model or a project."""
    number = _TRAILING_NUMBER.search(word)
    return number is not None and version.glossary.lookup(word[: number.start()]) is not None


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
            if not part_of_a_name(text, token.end()):
                analysis.acronyms_alone.add(singular)
            continue
        if version.glossary.lookup(word) is not None or _known_name_numbered(version, singular):
            continue
        if not is_acronym_candidate(text, token.start(), token.end(), singular):
            continue
        # the sentence goes into a quick fix's glossary entry: only findings shown need it
        shown = len(analysis.acronyms) < 2 * MAX_FINDINGS_PER_RULE
        analysis.acronym_uses[singular] = 1
        if not part_of_a_name(text, token.end()):
            analysis.acronyms_alone.add(singular)
        analysis.acronyms[singular] = Word(
            region.to_source(token.start()),
            region.to_source(token.end()),
            word,
            sentence_around(text, token.start()) if shown else "",
        )
    if spelling.quiet(text[start:end]):
        return
    words = list(WORD.finditer(text, start, end))
    taken_until = start
    for position, first in enumerate(words):
        if first.start() < taken_until or not spelling.may_miss(text, first):
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


def error_offset(lines: LineIndex, message: str) -> int:
    found = _LINE_NUMBER.match(message)
    if found is None:
        return 0
    column = int(found.group(2) or 1)
    offset = lines.offset(int(found.group(1)) - 1, column - 1)
    return offset if offset is not None else 0

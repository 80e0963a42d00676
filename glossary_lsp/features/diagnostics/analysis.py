"""One module's analysis: what its prose says, independent of the rest of the course."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

from glossary_lsp.course.defining import link_text, spells_out, squash, written_with_expansion
from glossary_lsp.course.module_terms import SpanClassifier
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics.acronyms import (
    WORD,
    acronym_tokens,
    has_acronym_token,
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
from glossary_lsp.matching import (
    Match,
    TermMatcher,
    ends_code_tokens,
    is_code_like,
    remembers_spans,
    span_context_keys,
)
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


def analyse_view(
    version: GlossaryVersion, view: DocumentView, remember: bool = False
) -> ModuleAnalysis:
    """One pass over a document's prose: term uses, unknown acronyms, misspellings.

    Each prose span is read on its own (`_span_analysis`: what it holds that may count, whatever
    came before it), and the spans are merged in order (`_merge`: what counts once per module).
    In a large text (`remember`: open in the editor, so edited) the spans' readings are
    remembered by their context, so that after an edit only the spans it changed are read again.
    """
    analysis = ModuleAnalysis()
    if view.error:
        analysis.error = (view.error, error_offset(view.lines, view.error))
    spelling = spelling_index(version.matcher)
    named = _Named(version.matcher)
    for region in view.regions:
        if remembers_spans(region.text):
            # another reading of the same text waits for one that remembers, then finds its spans
            with version.matcher.reading(region.text) if remember else nullcontext():
                _analyse_large(version, spelling, view, region, analysis, named, remember)
        else:
            for start, end in region.prose:
                found = _span_analysis(version, spelling, region, start, end)
                _merge(analysis, region, start, found, named)
    return analysis


def _analyse_large(
    version: GlossaryVersion,
    spelling: SpellingIndex,
    view: DocumentView,
    region: Region,
    analysis: ModuleAnalysis,
    named: _Named,
    remember: bool,
) -> None:
    """`analyse_view` of a large region: each span's reading looked up by its context, and,
    `remember`ing (an edited text), the readings made remembered, with the index's reading of
    each span (`first_classified`) done from the same matches, as the index reads them next."""
    remembered = version.matcher.remembered(_REMEMBERED)
    keys = span_context_keys(region.text, region.prose)
    classifier = SpanClassifier(version.matcher, view, region) if remember else None
    for (start, end), context in zip(region.prose, keys, strict=True):
        key = hash((context[0], region.kind))
        found = remembered.get(key)
        if not isinstance(found, SpanAnalysis):
            found = _span_analysis(
                version, spelling, region, start, end, remember, classifier, context
            )
            if remember:
                remembered[key] = found
        _merge(analysis, region, start, found, named)


class _Named:
    """The term, name and term key of a packed use's place (`TermMatcher.place_of`): a term's
    key is computed each time it is read, a use's is asked at every merge."""

    __slots__ = ("_matcher", "_known")

    def __init__(self, matcher: TermMatcher) -> None:
        self._matcher = matcher
        self._known: dict[int, tuple[Term, str, str]] = {}

    def __call__(self, place: int) -> tuple[Term, str, str]:
        found = self._known.get(place)
        if found is None:
            term, name = self._matcher.named(place)
            found = self._known[place] = (term, name, term.key)
        return found


_REMEMBERED = "diagnostics.analysis"

# What a use may be the first of in its span (bits), and, when the span's first acronym use may
# be expanded in its sentence (then it is not bare, as the module's first such use), whether
# the next bare one is needed and found.
_USE, _ACRONYM, _BODY, _EXPLAINED, _BARE, _NEXT_BARE_NEEDED, _NEXT_BARE = (1 << n for n in range(7))


# A use that may be the module's first of a kind, in `SpanAnalysis.uses`: its start and end
# from its span's start, its term and name (`TermMatcher.place_of`), and these facts (bits):
# written as the acronym, in a heading, spelling the expansion out, written with the expansion
# (not counting the sentence's and the heading's body, read in `_merge` only when it counts),
# which may be in its sentence, and not a link's text nor a list item's label.
_AS_ACRONYM, _IN_HEADING, _SPELLED_OUT, _WITH_EXPANSION, _MAY_EXPAND, _MAY_BE_BARE = (
    1 << n for n in range(6)
)
_USE_FIELDS = 4


@dataclass(frozen=True, slots=True)
class SpanToken:
    """A word in capitals no term covers, offsets from its span's start; `candidate`: worth an
    entry the first time (known only for the span's first ones: later ones count as uses)."""

    start: int
    end: int
    word: str
    singular: str
    candidate: bool
    alone: bool


@dataclass(frozen=True, slots=True)
class SpanAnalysis:
    """What one prose span holds that may count, whatever came before it in its module."""

    uses: array  # `_USE_FIELDS` ints per use (packed: a large document's spans hold millions)
    tokens: tuple[SpanToken, ...]
    misspellings: tuple[tuple[int, int, str, str, Term], ...]  # start, end, text, replacement


def _span_analysis(
    version: GlossaryVersion,
    spelling: SpellingIndex,
    region: Region,
    start: int,
    end: int,
    remember: bool = False,
    classifier: SpanClassifier | None = None,
    context: tuple[int, int, int] = (0, 0, 0),
) -> SpanAnalysis:
    """A span's reading (and the index's, by `classifier`, of the span in its `context`)."""
    matcher = version.matcher
    matches = matcher.find_all(region.text, start, end, remember)
    if classifier is not None:
        classifier.classify((start, end), context, matches)
    uses = array("i")
    misspellings: list[tuple[int, int, str, str, Term]] = []
    filled: dict[str, int] = {}
    text = region.text
    surface_facts, known_facts = spelling.surface_facts, spelling.surface_memo
    for match in matches:
        match_start, match_end, term, name = match
        surface = text[match_start:match_end]
        facts = known_facts.get((surface, name, id(term)))
        if facts is None or facts.term is not term:
            facts = surface_facts(surface, match, _facts_of_surface)
        if facts.replacement is None:
            # what it may still be the first of in its span (nothing: nor misspelled, it adds
            # nothing)
            known = filled.get(facts.key, 0)
            missing = _WANTED_OF_ACRONYM if facts.acronym_like else _WANTED
            if known & _NEXT_BARE_NEEDED:
                missing |= _NEXT_BARE
            missing &= ~known
            if not missing or (missing == _EXPLAINED and not _may_explain(text, match, facts)):
                continue  # nothing it may be the first of, or only explained and it is not
        found = _read_use(text, start, match, surface, facts, filled, misspellings)
        if found is not None:
            place = matcher.place_of(term, name)
            uses.extend((match_start - start, match_end - start, place, found))
    tokens: list[SpanToken] = []
    candidates: set[str] = set()
    quiet = spelling.quiet_memo
    for gap_start, gap_end in unmatched_spans(matches, start, end):
        gap = text[gap_start:gap_end]
        # no capital in it, or no word of two: no word in capitals
        if not gap.islower() and has_acronym_token(text, gap_start, gap_end):
            _scan_gap(version, spelling, text, start, (gap_start, gap_end), candidates, tokens)
        if not quiet.get(gap, False):  # (`_scan_spelling` asks `quiet` of a gap not known)
            _scan_spelling(spelling, text, start, gap_start, gap_end, misspellings, gap)
    return SpanAnalysis(uses, tuple(tokens), tuple(misspellings))


# what a use may be the first of (see `_read_use`), written as an acronym or not
_WANTED = _USE | _EXPLAINED | _BARE
_WANTED_OF_ACRONYM = _WANTED | _ACRONYM | _BODY


def _may_explain(text: str, match: Match, facts: SurfaceFacts) -> bool:
    """Whether a use may be explained (see `_read_use`): a superset, read before the rest."""
    if facts.spelled_out:
        return True
    expansion = match.term.expansion
    return bool(expansion) and (
        written_with_expansion(text, match.start, match.end, expansion)
        or (facts.acronym_like and explained_by_apposition(text, match.end))
    )


def _read_use(
    text: str,
    base: int,
    match: Match,
    surface: str,
    facts: SurfaceFacts,
    filled: dict[str, int],
    misspellings: list[tuple[int, int, str, str, Term]],
) -> int | None:
    """A match's facts (bits), when it may be the module's first use of a kind; a misspelling
    added to `misspellings`. (`surface`: its text; `facts`: its `surface_facts`; asked when it
    may be misspelled or may be the first of something in its span, see `_span_analysis`.)"""
    key = facts.key
    known = filled.get(key, 0)
    if is_code_like(text, match.start, match.end):
        return None  # `torch.nn.MultiheadAttention`, `Org/Model-7B`: an identifier, not the term
    if names_a_library(text, match.start, match.end, match.term):
        return None
    term = match.term
    acronym = facts.acronym_like and not names_something_else(text, match.start, match.end)
    expanded = bool(term.expansion) and (
        written_with_expansion(text, match.start, match.end, term.expansion)
        or (acronym and explained_by_apposition(text, match.end))
    )
    may_expand = bool(term.expansion) and acronym and not expanded
    explained = expanded or facts.spelled_out
    may_be_bare = link_text(text, match.start, match.end) is None and not opens_a_label(
        text, match.start, match.end
    )
    heading = acronym and in_heading(text, match.start)
    kinds = _USE
    if acronym:
        kinds |= _ACRONYM if heading else _ACRONYM | _BODY
    if explained:
        kinds |= _EXPLAINED
    bare = not explained and may_be_bare
    if bare:
        kinds |= _BARE
    gained = kinds & ~known
    first_acronym = acronym and not known & _ACRONYM
    if gained & _BARE and first_acronym and may_expand:
        gained |= _NEXT_BARE_NEEDED  # expanded in its sentence, this one is not bare
    elif bare and known & _NEXT_BARE_NEEDED and not known & _NEXT_BARE:
        gained |= _NEXT_BARE
    replacement = facts.replacement
    if (
        replacement is not None
        and not in_package_name(text, match)
        and not (surface.isupper() and shouted(line_around(text, match.start)))
    ):
        misspellings.append((match.start - base, match.end - base, surface, replacement, term))
    if not gained:
        return None
    filled[key] = known | gained
    return (
        (_AS_ACRONYM if acronym else 0)
        | (_IN_HEADING if heading else 0)
        | (_SPELLED_OUT if facts.spelled_out else 0)
        | (_WITH_EXPANSION if expanded else 0)
        | (_MAY_EXPAND if may_expand else 0)
        | (_MAY_BE_BARE if may_be_bare else 0)
    )


def _merge(
    analysis: ModuleAnalysis, region: Region, base: int, span: SpanAnalysis, named: _Named
) -> None:
    """Add a span's reading to the module's analysis of the spans before it: what counts once
    per module is decided here, as if the module were read use by use."""
    text = region.text
    sentence: list = []
    fields = iter(span.uses)
    for start, end, place, facts in zip(*[fields] * _USE_FIELDS, strict=True):
        _record_use(analysis, region, base + start, base + end, named(place), facts, sentence)
    for start, end, surface, replacement, term in span.misspellings:
        word = Word(region.to_source(base + start), region.to_source(base + end), surface)
        analysis.misspellings.append(Misspelling(word, replacement, term))
    for token in span.tokens:
        singular = token.singular
        if singular in analysis.acronyms:
            analysis.acronym_uses[singular] += 1
            if token.alone:
                analysis.acronyms_alone.add(singular)
            continue
        if not token.candidate:
            continue
        # the sentence goes into a quick fix's glossary entry: only findings shown need it
        shown = len(analysis.acronyms) < 2 * MAX_FINDINGS_PER_RULE
        start = base + token.start
        analysis.acronym_uses[singular] = 1
        if token.alone:
            analysis.acronyms_alone.add(singular)
        analysis.acronyms[singular] = Word(
            region.to_source(start),
            region.to_source(base + token.end),
            token.word,
            sentence_around(text, start) if shown else "",
        )


def _record_use(
    analysis: ModuleAnalysis,
    region: Region,
    start: int,
    end: int,
    named: tuple[Term, str, str],
    facts: int,
    sentence: list,
) -> None:
    text = region.text
    term, name, key = named
    acronym = bool(facts & _AS_ACRONYM)
    expanded = bool(facts & _WITH_EXPANSION) or (
        bool(facts & _MAY_EXPAND)
        and key not in analysis.first_acronym_use  # once per term and module: it costs
        and (
            expanded_in_sentence(text, start, term.expansion, sentence)
            or expanded_below_heading(text, start, term.expansion)
        )
    )
    explained = expanded or bool(facts & _SPELLED_OUT)
    bare = not explained and key not in analysis.first_bare_use and bool(facts & _MAY_BE_BARE)
    heading = bool(facts & _IN_HEADING)
    needed = (
        key not in analysis.first_use
        or (acronym and key not in analysis.first_acronym_use)
        or (acronym and not heading and key not in analysis.first_body_acronym_use)
        or (explained and key not in analysis.first_explained)
        or bare
    )
    if not needed:
        return
    source_start, source_end = region.to_source(start), region.to_source(end)
    found = TermUse(
        source_start, source_end, text[start:end], term, name, expanded, acronym, heading
    )
    analysis.first_use.setdefault(key, found)
    if acronym:
        analysis.first_acronym_use.setdefault(key, found)
        if not heading:
            analysis.first_body_acronym_use.setdefault(key, found)
    if explained:
        analysis.first_explained.setdefault(key, found)
    if bare:
        analysis.first_bare_use.setdefault(key, found)


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
    text: str,
    base: int,
    gap: tuple[int, int],
    candidates: set[str],
    tokens: list[SpanToken],
) -> None:
    """The words in capitals of a gap between matches; `candidates`: the span's singulars found
    worth an entry so far (a later use of one counts as a use, whatever its context)."""
    for token in acronym_tokens(text, *gap):
        word = token.group(0)
        singular = word[:-1] if token.group(2) else word
        alone = not part_of_a_name(text, token.end())
        candidate = singular in candidates or (
            version.glossary.lookup(word) is None
            and not _known_name_numbered(version, singular)
            and is_acronym_candidate(text, token.start(), token.end(), singular)
        )
        if candidate:
            candidates.add(singular)
        tokens.append(
            SpanToken(token.start() - base, token.end() - base, word, singular, candidate, alone)
        )


def _scan_spelling(
    spelling: SpellingIndex,
    text: str,
    base: int,
    start: int,
    end: int,
    misspellings: list[tuple[int, int, str, str, Term]],
    gap: str,
) -> None:
    """The misspellings of `gap`, `text[start:end]`."""
    if spelling.quiet(gap):
        return
    if not _read_alone(text, start, end):
        _find_misspellings(spelling, text, base, start, end, misspellings)
        return
    memo = _gap_memo(spelling)
    found = memo.get(gap)
    if found is None:
        read: list[tuple[int, int, str, str, Term]] = []
        _find_misspellings(spelling, text, start, start, end, read)
        found = tuple(read)
        if len(memo) >= _MAX_REMEMBERED_GAPS:
            memo.clear()
        memo[gap] = found
    shift = start - base
    misspellings += [(low + shift, high + shift, *rest) for low, high, *rest in found]


def _read_alone(text: str, start: int, end: int) -> bool:
    """Whether `_find_misspellings` over a gap reads nothing outside it: it opens and closes
    with what ends a code-like token (`is_code_like` of its words stays inside) and follows a
    letter or digit (`at_sentence_start` of its words stops there at the latest: the line
    before a line break in the gap is not blank when it reaches out of it)."""
    return (
        start > 0
        and text[start - 1].isalnum()
        and ends_code_tokens(text[start])
        and ends_code_tokens(text[end - 1])
    )


# Misspellings found in gaps read alone (`_read_alone`), by the gap's text, for one spelling
# index (one glossary version): the same words between the same terms are read once.
_GAP_MEMO: list[tuple[SpellingIndex, dict[str, tuple]]] = []
_MAX_REMEMBERED_GAPS = 50_000


def _gap_memo(spelling: SpellingIndex) -> dict[str, tuple]:
    kept = _GAP_MEMO[0] if _GAP_MEMO else None
    if kept is None or kept[0] is not spelling:
        kept = (spelling, {})
        _GAP_MEMO[:] = [kept]
    return kept[1]


def _find_misspellings(
    spelling: SpellingIndex,
    text: str,
    base: int,
    start: int,
    end: int,
    misspellings: list[tuple[int, int, str, str, Term]],
) -> None:
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
            surface = text[first.start() : word_end]
            misspellings.append((first.start() - base, word_end - base, surface, replacement, term))
            taken_until = word_end


def error_offset(lines: LineIndex, message: str) -> int:
    found = _LINE_NUMBER.match(message)
    if found is None:
        return 0
    column = int(found.group(2) or 1)
    offset = lines.offset(int(found.group(1)) - 1, column - 1)
    return offset if offset is not None else 0

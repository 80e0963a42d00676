"""What the index keeps of a module's matches: each match classified (written as its
introduction, a section about it, a link's text), the terms of a module and each term's first
sighting of each kind, packed; for a large module, read span by span and remembered per span."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from glossary_lsp.course.defining import (
    defines,
    describes_linked_lesson,
    first_heading_line,
    link_text,
    may_open_heading,
    opens_heading,
)
from glossary_lsp.course.module_text import view_module
from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import Match, TermMatcher, remembers_spans, span_context_keys
from glossary_lsp.text.views import DocumentView, Region


class Sighting(NamedTuple):
    """An occurrence as the index keeps it, without the text: source offsets, the text there,
    and whether it is written with its expansion or defined there."""

    start: int
    end: int
    surface: str
    defined: bool


KINDS = ("use", "plain", "defined", "heading")  # the kinds of `may_introduce`
_FIELDS = 3  # per kind: source start (-1: none of that kind), end, surface code (see below)


@dataclass(frozen=True, slots=True)
class FirstSightings:
    """Each term's first occurrence in a module of each of `KINDS`, packed: a course of
    thousands of modules with hundreds of terms each keeps them in little memory, and they are
    sent between processes as bytes. A surface that is one of the term's names is kept as its
    place among them; another (a plural, another case) in `odd`."""

    keys: tuple[str, ...]  # term keys, sorted: the row of `packed` of each (a dict costs more)
    packed: array  # per row, per kind: start, end, surface code * 2 + defined
    odd: tuple[str, ...]  # surfaces that are not one of the term's names (code -1 - place)

    def get(self, term: Term, kind: str) -> Sighting | None:
        row = bisect_left(self.keys, term.key)
        if row == len(self.keys) or self.keys[row] != term.key:
            return None
        at = (row * len(KINDS) + KINDS.index(kind)) * _FIELDS
        start, end, code = self.packed[at : at + _FIELDS]
        if start < 0:
            return None
        place = code >> 1
        surface = term.names[place] if place >= 0 else self.odd[-1 - place]
        return Sighting(start, end, surface, bool(code & 1))


# A match with what it is: (region, start, end, term, written as its introduction, a section about
# it, a link's text)
Classified = tuple[Region, int, int, Term, bool, bool, bool]


@dataclass(frozen=True, slots=True)
class ModuleTerms:
    """What the index keeps of one module's matches: plain, small (sent between processes)."""

    terms: frozenset[str]
    defines: frozenset[str]
    headings: frozenset[str]
    plain: frozenset[str]
    firsts: FirstSightings | None = field(default=None, compare=False)

    @classmethod
    def none(cls) -> ModuleTerms:
        return cls(frozenset(), frozenset(), frozenset(), frozenset())

    @classmethod
    def of(cls, matches: Sequence[Classified]) -> ModuleTerms:
        # one key object per term: the sets and `firsts` share it, in memory and in a pickle
        by_term: dict[int, str] = {}
        keys = [by_term.get(id(m[3])) or by_term.setdefault(id(m[3]), m[3].key) for m in matches]
        return cls(
            frozenset(keys),
            frozenset(key for key, m in zip(keys, matches, strict=True) if m[4]),
            frozenset(key for key, m in zip(keys, matches, strict=True) if m[5]),
            frozenset(key for key, m in zip(keys, matches, strict=True) if not m[6]),
            first_sightings(matches, keys),
        )


def first_sightings(matches: Sequence[Classified], keys: Sequence[str]) -> FirstSightings:
    """Per term, its first match of each of `KINDS`, in document order (`keys`: each match's
    term key)."""
    found: dict[str, list[int]] = {}  # per term, per kind: start, end, surface code
    filled: dict[str, int] = {}  # per term, a bit per kind of `KINDS` found already
    odd: dict[str, int] = {}
    for (region, start, end, term, defined, heading, link), key in zip(matches, keys, strict=True):
        kinds = 1 | (0 if link else 2) | (4 if defined else 0) | (8 if heading else 0)
        done = filled.get(key, 0)
        if not kinds & ~done:
            continue  # the common case: a term seen before, nothing new about it
        filled[key] = done | kinds
        fields = found.setdefault(key, [-1, 0, 0] * len(KINDS))
        surface = region.text[start:end]
        place = term.names.index(surface) if surface in term.names else None
        if place is None:
            place = -1 - odd.setdefault(surface, len(odd))
        sighting = [region.to_source(start), region.to_source(end), place * 2 + defined]
        for kind in range(len(KINDS)):
            if kinds & ~done & (1 << kind):
                fields[kind * _FIELDS : (kind + 1) * _FIELDS] = sighting
    ordered_keys = sorted(found)
    packed = array("i")  # a module is at most `MAX_MODULE_BYTES`: offsets fit in 31 bits
    for key in ordered_keys:
        packed.extend(found[key])
    return FirstSightings(tuple(ordered_keys), packed, tuple(odd))


def classified_matches(matcher: TermMatcher, view: DocumentView) -> list[Classified]:
    """Every prose match of a view, classified (see `Classified`)."""
    title = title_line(view)
    return [
        classify_match(region, start, end, term, title)
        for region in view.regions
        for start, end, term in prose_matches(matcher, region)
    ]


def module_terms(matcher: TermMatcher, path: Path, source: str) -> ModuleTerms:
    """The terms a module's text uses, as the index records them (`WorkspaceIndex.adopt_terms`)."""
    view = view_module(path, source)
    if is_large(view):
        return ModuleTerms.of(first_classified(matcher, view, remember=False))
    return ModuleTerms.of(classified_matches(matcher, view))


def is_large(view: DocumentView) -> bool:
    """A view whose prose spans the matcher remembers (see `first_classified`)."""
    return any(remembers_spans(region.text) for region in view.regions)


_REMEMBERED = "workspace.first_classified"
# Per span, its first matches of each kind per term, packed (a large document's spans hold
# tens of thousands): per match its start and end from the span's start, the place of its term
# and name (`TermMatcher.place_of`) and bits: written as its introduction, a section about it,
# a link's text.
_DEFINED, _HEADING, _LINK = 1, 2, 4
_FIRST_FIELDS = 4


class Overtaken(Exception):
    """A reading of a large module stopped between spans: a newer text of it came (see
    `WorkspaceIndex._overtaken`); the spans read so far stay remembered."""


# spans classified between two looks at whether the text is still current (each look is where a
# server's analysis thread may wait for a request: 16 spans of 1 MB of terms were 50 ms of CPU)
_CHECK_EVERY = 1


def first_classified(
    matcher: TermMatcher,
    view: DocumentView,
    remember: bool = True,
    overtaken: Callable[[], bool] | None = None,
) -> list[Classified]:
    """Per prose span, each term's first match of each kind (of `ModuleTerms.of`: a use, not a
    link's text, defined, a heading), classified: `ModuleTerms.of` of these is that of every
    match. Each span's are remembered (`remember`: a text open in the editor, so edited) by the
    text around it (`span_context_keys`) and the place of the module's title in it, so after an
    edit only the spans it changed are classified. `overtaken` is asked between spans: when it
    says so, `Overtaken` is raised (what was classified stays remembered)."""
    title = title_line(view)
    found: list[Classified] = []
    read = 0
    for region in view.regions:
        # remembering, after the analysis of the same text if under way
        with matcher.reading(region.text) if remember else nullcontext():
            read = _classify_region(matcher, region, title, remember, overtaken, found, read)
    return found


def _classify_region(
    matcher: TermMatcher,
    region: Region,
    title: tuple[int, int] | None,
    remember: bool,
    overtaken: Callable[[], bool] | None,
    found: list[Classified],
    read: int,
) -> int:
    """`first_classified` of one region, added to `found`; how many spans it has read so far
    (`read` before it)."""
    remembered = matcher.remembered(_REMEMBERED)
    named = matcher.named
    keys = span_context_keys(region.text, region.prose)
    for (start, end), context in zip(region.prose, keys, strict=True):
        key = _firsts_key(region, context, title)
        firsts = remembered.get(key)
        if not isinstance(firsts, array):
            read += 1
            if overtaken is not None and read % _CHECK_EVERY == 0 and overtaken():
                raise Overtaken()
            firsts = _span_firsts(matcher, region, (start, end), title, remember)
            if remember:
                remembered[key] = firsts
        fields = iter(firsts)
        found += [
            (
                region,
                start + first,
                start + last,
                named(place)[0],
                bool(bits & _DEFINED),
                bool(bits & _HEADING),
                bool(bits & _LINK),
            )
            for first, last, place, bits in zip(*[fields] * _FIRST_FIELDS, strict=True)
        ]
    return read


def _firsts_key(
    region: Region, context: tuple[int, int, int], title: tuple[int, int] | None
) -> int:
    """What a span's firsts are remembered by: its context (`span_context_keys`), the region's
    kind and the place of the module's title in the context."""
    key, low, high = context
    at_title = title is not None and title[0] == region.index and low <= title[1] < high
    return hash((key, region.kind, title[1] - low if at_title and title else None))


class SpanClassifier:
    """The index's reading of a large open module's spans (`first_classified`) done by another
    reading of the same spans (the analysis), from the matches it has at hand: the index then
    finds each span remembered instead of matching and reading it again."""

    __slots__ = ("_matcher", "_region", "_remembered", "_title")

    def __init__(self, matcher: TermMatcher, view: DocumentView, region: Region) -> None:
        self._matcher = matcher
        self._region = region
        self._title = title_line(view)
        self._remembered = matcher.remembered(_REMEMBERED)

    def classify(
        self, span: tuple[int, int], context: tuple[int, int, int], matches: list[Match]
    ) -> None:
        """A span's firsts from its matches (`find_all` of it), remembered unless they are."""
        key = _firsts_key(self._region, context, self._title)
        if not isinstance(self._remembered.get(key), array):
            self._remembered[key] = _span_firsts(
                self._matcher, self._region, span, self._title, True, matches
            )


def _span_firsts(
    matcher: TermMatcher,
    region: Region,
    span: tuple[int, int],
    title: tuple[int, int] | None,
    remember: bool,
    matches: list[Match] | None = None,
) -> array:
    """A span's first matches of each kind per term, packed (see `_FIRST_FIELDS`)."""
    start, end = span
    if matches is None:
        matches = matcher.find_all(region.text, start, end, remember)
    text = region.text
    filled: dict[int, int] = {}  # by the term's id: its key is computed each time it is read
    firsts = array("i")
    # no line of the span opens with `#`: no match in it opens a heading
    headings = region.kind == "markdown" and "#" in text[text.rfind("\n", 0, start) + 1 : end]
    for match_start, match_end, term, name in matches:
        if filled.get(id(term), 0) & 3 == 3 and not (
            (headings and may_open_heading(text, match_start))
            or defines(text, match_start, match_end, term)
        ):
            continue  # a use and a plain use seen: only a definition or a heading adds
        _, _, _, term, defined, heading, link = classify_match(
            region, match_start, match_end, term, title
        )
        kinds = 1 | (0 if link else 2) | (4 if defined else 0) | (8 if heading else 0)
        done = filled.get(id(term), 0)
        if kinds & ~done:
            filled[id(term)] = done | kinds
            bits = (
                (_DEFINED if defined else 0) | (_HEADING if heading else 0) | (_LINK if link else 0)
            )
            place = matcher.place_of(term, name)
            firsts.extend((match_start - start, match_end - start, place, bits))
    return firsts


def prose_matches(matcher: TermMatcher, region: Region) -> Iterable[tuple[int, int, Term]]:
    for start, end in region.prose:
        for match in matcher.find_all(region.text, start, end):
            yield match.start, match.end, match.term


def classify_match(
    region: Region, start: int, end: int, term: Term, title: tuple[int, int] | None
) -> Classified:
    """A match with what it is: (…, written as its introduction, a section about it, a link's
    text or the description of a linked lesson: a reference to where it is taught)."""
    text = region.text
    link = link_text(text, start, end)
    is_title = (region.index, text.rfind("\n", 0, start) + 1) == title
    heading = region.kind == "markdown" and opens_heading(text, start, end, is_title)
    defined = link != "part" and defines(text, start, end, term)
    reference = link is not None or describes_linked_lesson(text, start)
    return region, start, end, term, defined, heading, reference


def title_line(view: DocumentView) -> tuple[int, int] | None:
    """(region index, line offset) of a module's title: its first Markdown heading."""
    for region in view.regions:
        if region.kind == "markdown":
            line = first_heading_line(region.text)
            if line is not None:
                return region.index, line
    return None

"""Spellings of known terms: another way of writing a name, and near misses of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from glossary_lsp.course.defining import squash
from glossary_lsp.features.diagnostics.acronyms import WORD
from glossary_lsp.glossary.english import is_english_word
from glossary_lsp.glossary.model import Term, singular_forms
from glossary_lsp.matching import Match, TermMatcher, at_sentence_start, code_like_token

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_WORD_RUN = re.compile(r"[^\W\d_]+")
_MAX_NGRAM = 3
_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF = 90.0
_FUZZY_MAX_EDITS = 2
_APOSTROPHES = "'\u2019"


def in_package_name(text: str, match: Match) -> bool:
    """`pytorch-lightning`, `vllm-gaudi`: a lower-case term joined by hyphens to more lower-case
    words is a package's name, not the term misspelled."""
    surface = text[match.start : match.end]
    token = code_like_token(text, match.start, match.end)
    return surface.islower() and "-" in token and token.islower() and len(token) > len(surface)


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


# Entries of a spelling index's memos (by surface, by word); cleared when this full.
_MAX_REMEMBERED = 100_000
_MAX_REMEMBERED_GAP = 200  # characters: a longer gap is rare, and would cost memory
# gaps remembered: the short ones that repeat; a large document's (most of them unique) would
# otherwise keep megabytes of its text after it closed
_MAX_REMEMBERED_GAPS = 20_000

K = TypeVar("K")
V = TypeVar("V")


def _remember(memo: dict[K, V], key: K, value: V, bound: int = _MAX_REMEMBERED) -> V:
    """`value`, remembered by `key`; a memo at its bound is forgotten at once."""
    if len(memo) >= bound:
        memo.clear()
    memo[key] = value
    return value


@dataclass(frozen=True, slots=True)
class SurfaceFacts:
    """What a term use's surface says whatever its context: the same for every occurrence of
    one spelling of one name, so computed once per glossary version (`surface_facts`)."""

    term: Term
    key: str
    acronym_like: bool  # the name and the term are written like acronyms
    spelled_out: bool  # the surface ends with the term's expansion
    replacement: str | None  # `SpellingIndex.noncanonical_match`


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
        # read by the analysis's loop before it calls `surface_facts` and `quiet`: per match
        self.surface_memo: dict[tuple[str, str, int], SurfaceFacts] = {}
        self._squash_memo: dict[str, str] = {}
        self._start_memo: dict[str, bool] = {}
        self.quiet_memo: dict[str, bool] = {}

    def surface_facts(
        self,
        surface: str,
        match: Match,
        compute: Callable[[SpellingIndex, str, Match], SurfaceFacts],
    ) -> SurfaceFacts:
        """`compute(self, surface, match)`, remembered by surface, name and term."""
        memo_key = (surface, match.name, id(match.term))
        facts = self.surface_memo.get(memo_key)
        if facts is None or facts.term is not match.term:  # an id may be reused by another term
            facts = _remember(self.surface_memo, memo_key, compute(self, surface, match))
        return facts

    def quiet(self, gap: str) -> bool:
        """Whether no word of `gap` (prose between term uses) may be a near miss, wherever the
        gap is: no word starts a name's spelling and none may look technical. Remembered."""
        quiet = self.quiet_memo.get(gap)
        if quiet is None:
            quiet = not any(
                self._may_start(word) or _may_look_technical(word) for word in WORD.findall(gap)
            )
            if len(gap) > _MAX_REMEMBERED_GAP:
                return quiet
            _remember(self.quiet_memo, gap, quiet, _MAX_REMEMBERED_GAPS)
        return quiet

    def _may_start(self, word: str) -> bool:
        """Whether a run of words starting with `word` may spell a name (see `near_miss`)."""
        starts = self._start_memo.get(word)
        if starts is None:
            key = self._squash(word)
            starts = _remember(
                self._start_memo, word, key in self.prefixes or key[:-1] in self.by_squash
            )
        return starts

    def _squash(self, word: str) -> str:
        squashed = self._squash_memo.get(word)
        if squashed is None:
            squashed = _remember(self._squash_memo, word, squash(word))
        return squashed

    def may_miss(self, text: str, word: re.Match[str]) -> bool:
        """False when `near_miss` at this word is certainly None: its squash starts no name
        and it does not look technical (a cheap test for the commonest case, plain words)."""
        surface = word.group(0)
        return self._may_start(surface) or (
            len(surface) >= _FUZZY_MIN_LENGTH and _looks_technical(text, word)
        )

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
        if first.start() > 0 and text[first.start() - 1] in _APOSTROPHES:
            return None  # `laptop's RAM`: the `s` of a possessive or a contraction is no word
        runs = []
        key = ""
        for count in range(1, min(_MAX_NGRAM, len(words) - position) + 1):
            key += self._squash(words[position + count - 1].group(0))
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
        if single and _CAMEL.search(surface) and any(mark in name for mark in " -"):
            return None  # `SelfAttention` for `self-attention`: a class's name, not a misspelling
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


def _may_look_technical(surface: str) -> bool:
    """Whether `_looks_technical` may say yes of this word somewhere."""
    return (
        len(surface) >= _FUZZY_MIN_LENGTH
        and not surface.isdigit()
        and (surface[0].isupper() or bool(_CAMEL.search(surface) or _DIGIT.search(surface)))
    )


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

"""Finding glossary terms in text: every occurrence, the term at an offset, completion.

`TermMatcher` is built once per glossary version. The text is split into tokens by one compiled
regex: runs of letters and digits, single CJK characters, and single punctuation characters.
A glossary name is tokenized the same way and stored in a dictionary under every prefix of its
token sequence, so finding the longest name that starts at a token costs one dictionary lookup
per token of that name, whatever the size of the glossary. Because runs of letters and digits
are whole tokens, a name never matches inside a larger word (`ANN` is not in `ANNOUNCE`), while
Markdown punctuation around a word (`**FSDP**`, `[FSDP](…)`, `FSDP's`) is a boundary.
"""

from __future__ import annotations

import bisect
import heapq
import re
import sys
import threading
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import NamedTuple, cast

from glossary_lsp.glossary.english import is_english_word
from glossary_lsp.glossary.model import Glossary, Term, fold
from glossary_lsp.term_scan import CJK as _CJK
from glossary_lsp.term_scan import StartScanner

# A token: one CJK character (those scripts don't separate words with spaces), a run of other
# letters and digits, or one other visible character.
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|\S")
_WORD_CHAR = re.compile(rf"[^\W_{_CJK}]")
_SIMPLE_NAME = re.compile(rf"[^\W_{_CJK}]+(?: [^\W_{_CJK}]+)*")
# Where words start in a name, for the fuzzy buckets: after a non-word character or a camel hump.
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]|(?<=[a-z])[A-Z]")
_UNDERSCORES = re.compile(r"_+")
_LINE_BREAK = re.compile(r"\r\n?|\n")

# Between the tokens of a name, a key part starting with a space means "whitespace here".
_SEP = "\x00"
# Matches never continue over a blank line: a paragraph break ends a multi-word name.
_MAX_LINE_BREAKS_IN_GAP = 1
# Single-token outcomes remembered per matcher (see `_single_token`); cleared when this full.
_MAX_REMEMBERED_TOKENS = 100_000
# Phrase readings remembered per matcher (see `_phrase_at`); all forgotten when this many; and
# how many lengths of reading are tried per starting token (more are not remembered).
_MAX_REMEMBERED_PHRASES = 20_000
_MAX_PHRASE_LENGTHS_PER_TOKEN = 24
# A reading that depends on where the span ends
_UNBOUNDED = sys.maxsize
_FUZZY_MIN_QUERY = 3
_FUZZY_CUTOFF = 70.0


class Match(NamedTuple):
    """An occurrence of a glossary name: `text[start:end]`; `name` is the glossary spelling.

    A named tuple: a large document's reading makes millions, and a tuple is built in a
    third of a frozen dataclass's time."""

    start: int
    end: int
    term: Term
    name: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A completion candidate: a canonical term or an alias, with its score (0–100)."""

    name: str
    term: Term
    score: float
    prefix: bool


@dataclass(frozen=True, slots=True)
class _TokenOutcome:
    """What a token matches alone, outside and at the start of a sentence (the same object
    when that makes no difference), and whether a longer name may start with it."""

    plain: Match | None
    at_sentence: Match | None
    longer: bool
    # whether it starts a case-sensitive name when its capital is lowered (`Perplexity`), and
    # whether some name may start with it (`TermMatcher._may_start`): read by `_phrase_at`
    capitalised: bool = False
    may_start: bool = False


@dataclass(frozen=True, slots=True)
class _PhraseReading:
    """What the walk at a token that may start a longer name read: whether the next token may
    continue one (`_continuation`), and the names found, as (length, exact, case rank, entry)
    (None: no token starts there)."""

    continues: bool
    candidates: tuple[tuple[int, int, int, _Entry], ...] | None
    # the first of the candidates ranked highest (longest, exact, case-sensitive): the match
    # wherever it is bounded (`_bounded`), as it nearly always is
    best: tuple[int, _Entry] | None = None


class _Alone:
    """`_phrase_at`'s answer when no longer name continues: the token's own outcome holds."""


_ALONE = _Alone()


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    term: Term
    plural_ok: bool


def _is_word_char(char: str) -> bool:
    return bool(_WORD_CHAR.match(char))


def _name_keys(name: str, case_sensitive: bool) -> list[str]:
    """The dictionary key parts of a name: one per token, `" tok"` when whitespace precedes."""
    if name.isascii() and name.isalnum():  # one ASCII word, the commonest name
        return [name if case_sensitive else name.lower()]
    if _SIMPLE_NAME.fullmatch(name):
        return (name if case_sensitive else name.casefold()).replace(" ", _SEP + " ").split(_SEP)
    keys: list[str] = []
    previous_end = None
    for token in _TOKEN.finditer(name):
        part = token.group() if case_sensitive else token.group().casefold()
        if previous_end is not None and token.start() > previous_end:
            part = " " + part
        keys.append(part)
        previous_end = token.end()
    return keys


def _plural_stems(token: str, case_sensitive: bool) -> Iterator[str]:
    """Singular spellings of a token that may be a plural: `GPUs` → `GPU`, `policies` → `policy`.

    Case-sensitive names (acronyms) only take a lowercase `s`; other words are folded and take
    `-s`, `-es` and `-ies`.
    """
    if len(token) < 2 or not token.endswith("s"):
        return
    if case_sensitive:
        yield token[:-1]
        return
    yield token[:-1]
    if len(token) > 2 and token.endswith("es"):
        yield token[:-2]
    if len(token) > 3 and token.endswith("ies"):
        yield token[:-3] + "y"


class _Trie:
    """Names stored under every prefix of their key sequence (joined by `_SEP`).

    A value is the tuple of entries whose full key ends there, best first; `()` marks a prefix
    that only continues.
    """

    def __init__(self) -> None:
        self.table: dict[str, tuple[_Entry, ...]] = {}
        self.max_tokens = 0

    def add(self, keys: list[str], entry: _Entry) -> None:
        table = self.table
        path = keys[0]
        for part in keys[1:]:
            table.setdefault(path, ())
            path = path + _SEP + part
        table[path] = table.get(path, ()) + (entry,)
        if len(keys) > self.max_tokens:
            self.max_tokens = len(keys)


class TermMatcher:
    """Every glossary name (terms and aliases) compiled for matching and completion."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._sensitive = _Trie()
        self._insensitive = _Trie()
        self._max_name_length = 0
        self._completion: _CompletionIndex | None = None
        self._completion_lock = threading.Lock()
        for _, name, term in _ranked_names(glossary):
            if name.strip():
                self._add_name(name, term)
        self._sensitive_starts, self._insensitive_starts = self._starting_tokens()
        self._sensitive_longer = _first_keys_of_longer_names(self._sensitive)
        self._insensitive_longer = _first_keys_of_longer_names(self._insensitive)
        self._lookahead = max(self._sensitive.max_tokens, self._insensitive.max_tokens) + 1
        self._single_tokens: dict[str, _TokenOutcome] = {}
        # per (starting token, opens a sentence): the lengths of text read, and the readings by
        # the text read
        self._phrases: dict[tuple[str, bool], tuple[list[int], dict[str, _PhraseReading]]] = {}
        self._remembered_phrases = 0
        # Remembered spans of large texts, shared by every text (the index's copy of a document
        # and the editor's, versions before and after an edit; threads match concurrently):
        # per span, its matches packed (start and end from the span's start, the place of the
        # term and name in `_named`): a large document's half a million matches in little memory.
        self._spans: dict[_SpanKey, tuple[array, array]] = {}
        self._remembered_chars = 0
        self._named: list[tuple[Term, str]] = []
        self._named_places: dict[tuple[int, str], int] = {}
        self._named_lock = threading.Lock()
        # What layers above derive from a large text's spans (an analysis, the index's
        # classification), by kind, keyed by `span_context_keys`: valid for this glossary only.
        self._derived: dict[str, dict[int, object]] = {}
        # The large texts whose spans a thread reads now (see `reading`), by length and hash:
        # the text, the lock its readings take in turn, how many readings hold or wait for it.
        self._readings: dict[tuple[int, int], tuple[str, threading.RLock, list[int]]] = {}
        self._readings_lock = threading.Lock()
        self._scanner = (
            StartScanner(
                self._sensitive_starts,
                [key for key in self._sensitive_starts if _decapitalised(key) == key],
                self._insensitive_starts,
            )
            if StartScanner.available()
            else None
        )

    def _starting_tokens(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every token that can begin a match, singular or plural: one set lookup per token."""
        sensitive: set[str] = set()
        for key in self._sensitive.table:
            if _SEP not in key:
                sensitive.update((key, key + "s"))
        insensitive: set[str] = set()
        for key in self._insensitive.table:
            if _SEP not in key:
                insensitive.update((key, key + "s", key + "es"))
                if key.endswith("y"):
                    insensitive.add(key[:-1] + "ies")
        return frozenset(sensitive), frozenset(insensitive)

    # ----------------------------------------------------------------------------- building

    def _add_name(self, name: str, term: Term) -> None:
        case_sensitive = term.is_case_sensitive(name)
        keys = _name_keys(name, case_sensitive)
        if not keys:
            return
        plural_ok = name[-1].isalpha()
        trie = self._sensitive if case_sensitive else self._insensitive
        trie.add(keys, _Entry(name, term, plural_ok))
        if len(name) > self._max_name_length:
            self._max_name_length = len(name)

    def prepare_completion(self) -> None:
        """Build the completion index now (it is otherwise built by the first `complete`).

        Thread-safe and idempotent: a server may call it from a background thread right after
        building the matcher, so that the first completion request does not pay for it.
        """
        self._completion_index()

    def _completion_index(self) -> _CompletionIndex:
        index = self._completion
        if index is None:
            with self._completion_lock:
                index = self._completion
                if index is None:
                    index = _CompletionIndex(self.glossary)
                    self._completion = index
        return index

    # ----------------------------------------------------------------------------- matching

    def find_all(
        self, text: str, start: int = 0, end: int | None = None, remember: bool = True
    ) -> list[Match]:
        """Every occurrence in `text[start:end]`, left to right, non-overlapping, longest first.

        Offsets are into `text`. A word cut by `start` or `end` is not matched. In a large text
        the matches of a span are remembered by the span and the context they depend on
        (`_span_key`), so that matching a large document again after an edit only matches the
        spans the edit changed; the others' matches are moved by how far the edit moved them.
        `remember=False` (a text the editor does not have open: it is not edited) only reads
        what is remembered.
        """
        end = len(text) if end is None else min(end, len(text))
        start = max(0, start)
        if len(text) < _REMEMBER_SPANS_OF_TEXTS_FROM or end - start < _MIN_REMEMBERED_SPAN:
            return list(self.iter_matches(text, start, end))
        key = _span_key(text, start, end)
        if key is None:
            return list(self.iter_matches(text, start, end))
        remembered = self._spans.get(key)
        if remembered is not None:
            offsets, places = remembered
            named = self._named
            return [
                Match(start + offsets[2 * n], start + offsets[2 * n + 1], *named[place])
                for n, place in enumerate(places)
            ]
        found = list(self.iter_matches(text, start, end))
        if not remember:
            return found
        if self._remembered_chars + key[5] > _MAX_REMEMBERED_SPAN_CHARS:
            self._spans.clear()
            self._remembered_chars = 0
        known, place_of = self._named_places.get, self.place_of
        looked_up = [known((id(term), name)) for _, _, term, name in found]
        if None in looked_up:  # a name matched for the first time
            looked_up = [place_of(term, name) for _, _, term, name in found]
        self._spans[key] = (
            array("i", [offset - start for match in found for offset in match[:2]]),
            array("i", cast("list[int]", looked_up)),
        )
        self._remembered_chars += key[5]
        return found

    def named(self, place: int) -> tuple[Term, str]:
        """The term and name at a place `place_of` gave."""
        return self._named[place]

    def place_of(self, term: Term, name: str) -> int:
        """A number for (term, name), the same for this matcher's life (packed matches and span
        readings keep it instead of the two)."""
        place = self._named_places.get((id(term), name))
        if place is None:
            with self._named_lock:
                place = self._named_places.get((id(term), name))
                if place is None:
                    place = len(self._named)
                    self._named.append((term, name))
                    self._named_places[(id(term), name)] = place
        return place

    def remembered(self, kind: str) -> dict[int, object]:
        """The results of `kind` derived from spans of large texts, by `span_context_keys`:
        a dict the caller reads and fills (forgotten at once when it holds too many)."""
        found = self._derived.get(kind)
        if found is None or len(found) > _MAX_REMEMBERED_DERIVED:
            found = self._derived[kind] = {}
        return found

    @contextmanager
    def reading(self, text: str) -> Iterator[None]:
        """Read a large text's spans (matching them, and what layers above derive from them and
        remember) one reading at a time: a second reading of the same text (the index's terms
        of an open document beside its analysis, the document's analysis beside the course
        pass's of the file on disk, the same text) waits for the one under way and then finds
        its spans remembered, instead of reading them at the same time. Readings of other texts
        (another version) go on meanwhile."""
        key = (len(text), hash(text))  # a str's hash is computed once
        with self._readings_lock:
            entry = self._readings.get(key)
            if entry is None:
                entry = self._readings[key] = (text, threading.RLock(), [0])
            elif entry[0] is not text and entry[0] != text:
                entry = None  # another text of the same hash: read meanwhile
            if entry is not None:
                entry[2][0] += 1
        if entry is None:
            yield
            return
        try:
            with entry[1]:
                yield
        finally:
            with self._readings_lock:
                entry[2][0] -= 1
                if not entry[2][0]:
                    del self._readings[key]  # the text is not kept alive here

    def forget_spans(self) -> None:
        """Forget every remembered span, what was derived from spans and the phrases read (a
        large document closed: nothing of it is kept alive)."""
        self._spans = {}
        self._remembered_chars = 0
        self._derived = {}
        self._phrases = {}
        self._remembered_phrases = 0

    def iter_matches(
        self, text: str, start: int = 0, end: int | None = None, keep: bool = True
    ) -> Iterator[Match]:
        """`find_all`, one match at a time: a caller may stop early (`keep=False`: a window
        asked once, see `StartScanner.candidates`).

        The tokens where a name may start come from the scanner's automata; each is decided by
        the rules of `_longest_at`, from a remembered answer when the token can only be a
        one-token name (the answer then depends on the token and on whether it opens a
        sentence, nothing else), by a walk over the following tokens otherwise.
        """
        end = len(text) if end is None else min(end, len(text))
        start = max(0, start)
        if start >= end or (not self._sensitive.table and not self._insensitive.table):
            return
        if self._scanner is None:
            yield from self.iter_matches_tokenwise(text, start, end)
            return
        position = start
        for token_start, token_end in self._scanner.candidates(text, start, end, keep):
            if token_start < position or token_end > end:
                continue
            if (
                token_end < 0
                or (token_start and text[token_start - 1] == "_")
                or (token_end < len(text) and text[token_end] == "_")
            ):
                match = self._walk_at(text, token_start, start, end)
            else:
                match = self._single_token_match(text, token_start, token_end, start, end)
            if match is not None:
                yield match
                position = match.end

    def _single_token_match(
        self, text: str, token_start: int, token_end: int, start: int, end: int
    ) -> Match | None:
        word = text[token_start:token_end]
        outcome = self._single_tokens.get(word)
        if outcome is None:
            outcome = self._single_token(word)
        if outcome.longer:
            phrase = self._phrase_at(text, word, outcome, token_start, token_end, start, end)
            if not isinstance(phrase, _Alone):
                return phrase
        found = outcome.plain
        if outcome.at_sentence is not found and at_sentence_start(text, token_start):
            found = outcome.at_sentence
        return None if found is None else Match(token_start, token_end, found.term, found.name)

    def _single_token(self, word: str) -> _TokenOutcome:
        """What `word` matches as a whole token with plain boundaries, remembered."""
        window = deque(islice(_TOKEN.finditer(word), 2))
        if len(window) != 1 or window[0].end() != len(word):
            raise ValueError(f"not one token: {word!r}")
        plain = _match_of(self._best_at(word, window, len(word), None))
        at_sentence = plain
        lowered = _decapitalised(word)
        if lowered != word and lowered in self._sensitive_starts:
            capitalised = _match_of(self._best_at(word, window, len(word), lowered))
            if capitalised != plain:
                at_sentence = capitalised
        longer = (
            word in self._sensitive_longer
            or word.casefold() in self._insensitive_longer
            or lowered in self._sensitive_longer
        )
        sentence_cased = lowered != word and lowered in self._sensitive_starts
        outcome = _TokenOutcome(plain, at_sentence, longer, sentence_cased, self._may_start(word))
        if len(self._single_tokens) >= _MAX_REMEMBERED_TOKENS:
            self._single_tokens.clear()
        self._single_tokens[word] = outcome
        return outcome

    def _phrase_at(
        self,
        text: str,
        word: str,
        outcome: _TokenOutcome,
        token_start: int,
        token_end: int,
        start: int,
        end: int,
    ) -> Match | None | _Alone:
        """What `_walk_at` finds at a token that may start a longer name, or `_ALONE` when the
        token after it continues no name (the token's own outcome then holds).

        The walk's reading is remembered by the text it read (`_PhraseReading`): a phrase
        written again in the same words is not walked again. Only the checks that read around
        that text (a word cut at `start`, `_bounded`) are made each time. (`outcome`: the
        token's `_TokenOutcome`; no `_` comes right before the token.)"""
        sentence = outcome.capitalised and at_sentence_start(text, token_start)
        reading = None
        remembered = self._phrases.get((word, sentence))
        if remembered is not None:
            lengths, readings = remembered
            for length in lengths:
                stop = token_start + length
                if stop <= end:
                    reading = readings.get(text[token_start:stop])
                    if reading is not None:
                        break
        if reading is None:
            reading = self._read_phrase(text, word, sentence, token_start, token_end, end)
        if not reading.continues:
            return _ALONE
        if reading.candidates is None or not outcome.may_start:
            return None
        if token_start == start and start > 0 and _joins(text, start - 1, token_start):
            return None  # `start` cut a word
        length_of_text = len(text)
        if reading.best is not None:
            length, entry = reading.best
            match_end = token_start + length
            if (
                match_end != end and (match_end >= length_of_text or text[match_end] != "_")
            ) or self._bounded(text, token_start, match_end, end):
                return Match(token_start, match_end, entry.term, entry.name)
        best: tuple[tuple[int, int, int], _Entry, int] | None = None
        for length, exact, case_rank, entry in reading.candidates:
            match_end = token_start + length
            if (
                match_end == end or (match_end < length_of_text and text[match_end] == "_")
            ) and not self._bounded(text, token_start, match_end, end):
                continue  # (else `_bounded` holds: no `_` either side, not at `end`)
            rank = (match_end, exact, case_rank)
            if best is None or rank > best[0]:
                best = (rank, entry, match_end)
        return None if best is None else Match(token_start, best[2], best[1].term, best[1].name)

    def _read_phrase(
        self, text: str, word: str, sentence: bool, token_start: int, token_end: int, end: int
    ) -> _PhraseReading:
        """The walk at `token_start` (`_continues`, then `_walk_at`'s), remembered by the text
        it read when that lies before `end` (a token cut by `end` depends on `end`)."""
        continues, read_to = self._continuation(text, word, token_end, end)
        candidates: tuple[tuple[int, int, int, _Entry], ...] | None = None
        if continues:
            window = deque(islice(_TOKEN.finditer(text, token_start, end), self._lookahead))
            if window and window[0].start() == token_start:
                sentence_case = _decapitalised(word) if sentence else None
                found, walked_to = self._candidates(text, window, sentence_case)
                read_to = max(read_to, walked_to)
                candidates = tuple(
                    (window[count - 1].end() - token_start, exact, case_rank, entry)
                    for exact, count, case_rank, entry in found
                )
            else:
                read_to = _UNBOUNDED
        ranked = None
        for length, exact, case_rank, entry in candidates or ():
            if ranked is None or (length, exact, case_rank) > ranked[0]:
                ranked = ((length, exact, case_rank), (length, entry))
        reading = _PhraseReading(continues, candidates, None if ranked is None else ranked[1])
        if read_to <= end:
            self._remember_phrase(word, sentence, text[token_start:read_to], reading)
        return reading

    def _remember_phrase(
        self, word: str, sentence: bool, read: str, reading: _PhraseReading
    ) -> None:
        if self._remembered_phrases >= _MAX_REMEMBERED_PHRASES:
            self._phrases = {}
            self._remembered_phrases = 0
        lengths, readings = self._phrases.setdefault((word, sentence), ([], {}))
        if len(read) not in lengths:
            if len(lengths) >= _MAX_PHRASE_LENGTHS_PER_TOKEN:
                return
            lengths.append(len(read))
        readings[read] = reading
        self._remembered_phrases += 1

    def _continuation(self, text: str, word: str, word_end: int, end: int) -> tuple[bool, int]:
        """Whether the token after `word` may continue a name that starts with `word` (the
        second step of `_walk`, or a superset of it: the walk then decides), and the offset
        up to which the answer read the text (`_UNBOUNDED`: it depends on `end`)."""
        following = _TOKEN.search(text, word_end, end)
        if following is None:
            return False, _UNBOUNDED
        gap = following.start() > word_end
        if following.start() > word_end + 1 and _too_wide(text, word_end, following.start()):
            return False, following.start() + 1
        read_to = following.end() + 1  # the character after a token ends it
        joint = _SEP + " " if gap else _SEP
        second = following.group()
        tries = (
            (self._sensitive, word, second, True),
            (self._insensitive, word.casefold(), second.casefold(), False),
            (self._sensitive, _decapitalised(word), second, True),
        )
        for trie, first, part, case_sensitive in tries:
            table = trie.table
            prefix = first + joint
            if prefix + part in table:
                return True, read_to
            if any(prefix + stem in table for stem in _plural_stems(part, case_sensitive)):
                return True, read_to
        return False, read_to

    def _walk_at(self, text: str, token_start: int, start: int, end: int) -> Match | None:
        window = deque(islice(_TOKEN.finditer(text, token_start, end), self._lookahead))
        if not window or window[0].start() != token_start:
            return None
        found = self._longest_at(text, window, start, end)
        return None if found is None else found[0]

    def iter_matches_tokenwise(
        self, text: str, start: int = 0, end: int | None = None
    ) -> Iterator[Match]:
        """`iter_matches` without the scanner: every token is looked at (the reference)."""
        end = len(text) if end is None else min(end, len(text))
        start = max(0, start)
        if start >= end or (not self._sensitive.table and not self._insensitive.table):
            return
        lookahead = self._lookahead
        sensitive_starts, insensitive_starts = self._sensitive_starts, self._insensitive_starts
        tokens = _TOKEN.finditer(text, start, end)
        window: deque[re.Match[str]] = deque()
        exhausted = False
        while True:
            while not exhausted and len(window) < lookahead:
                token = next(tokens, None)
                if token is None:
                    exhausted = True
                else:
                    window.append(token)
            if not window:
                return
            word = window[0].group()
            if (
                word not in sensitive_starts
                and word.casefold() not in insensitive_starts
                and _decapitalised(word) not in sensitive_starts
            ):
                window.popleft()  # most tokens start no name: skip the walk
                continue
            found = self._longest_at(text, window, start, end)
            if found is None:
                window.popleft()
                continue
            match, token_count = found
            yield match
            for _ in range(token_count):
                window.popleft()

    def match_at(self, text: str, offset: int, keep: bool = True) -> Match | None:
        """The occurrence covering `offset`, or ending at it when none covers it.

        Only a window around the offset is examined, so this is fast on huge texts
        (`keep=False`: a text asked about once, whose candidates are not worth finding whole).
        """
        if offset < 0 or offset > len(text):
            return None
        reach = 2 * self._max_name_length + 40
        window_start = max(0, offset - reach)
        window_end = min(len(text), offset + reach)
        ending_here = None
        # no match reaching the offset starts before the window, whichever way it is scanned
        for match in self.iter_matches(text, window_start, window_end, keep):
            if match.start <= offset < match.end:
                return match
            if match.end == offset:
                ending_here = match
            elif match.start > offset:
                break
        return ending_here

    def _longest_at(
        self, text: str, window: deque[re.Match[str]], start: int, end: int
    ) -> tuple[Match, int] | None:
        """The longest match starting at `window[0]`, and how many tokens it spans."""
        first = window[0]
        if not self._may_start(first.group()):
            return None
        if first.start() == start and start > 0 and _joins(text, start - 1, first.start()):
            return None  # `start` cut a word
        word = first.group()
        lowered = _decapitalised(word)
        if (
            lowered != word
            and lowered in self._sensitive_starts
            and at_sentence_start(text, first.start())
        ):  # "Perplexity" opening a sentence or a heading is the case-sensitive `perplexity`
            return self._best_at(text, window, end, lowered)
        return self._best_at(text, window, end, None)

    def _best_at(
        self, text: str, window: deque[re.Match[str]], end: int, sentence_case: str | None
    ) -> tuple[Match, int] | None:
        """The longest name starting at `window[0]`; `sentence_case` is its first token with
        the sentence-initial capital lowered, when that spelling is to be tried too."""
        first = window[0]
        best: tuple[tuple[int, int, int], Match, int] | None = None
        for exact, token_count, case_rank, entry in self._candidates(text, window, sentence_case)[
            0
        ]:
            match_end = window[token_count - 1].end()
            if not self._bounded(text, first.start(), match_end, end):
                continue
            rank = (match_end, exact, case_rank)
            if best is None or rank > best[0]:
                best = (rank, Match(first.start(), match_end, entry.term, entry.name), token_count)
        return None if best is None else (best[1], best[2])

    def _candidates(
        self, text: str, window: deque[re.Match[str]], sentence_case: str | None
    ) -> tuple[list[tuple[int, int, int, _Entry]], int]:
        """(exact, token count, case rank, entry) of every name that starts at `window[0]`, in
        the order `_best_at` weighs them, and the offset up to which they read the text."""
        word = window[0].group()
        # a trie none of whose names starts with this token is not walked
        walks: list[tuple[int, _Trie, bool, str | None]] = []
        if word in self._sensitive_starts:
            walks.append((1, self._sensitive, True, None))
        if word.casefold() in self._insensitive_starts:
            walks.append((0, self._insensitive, False, None))
        if sentence_case is not None:
            walks.append((1, self._sensitive, True, sentence_case))
        found: list[tuple[int, int, int, _Entry]] = []
        read_to = window[0].end() + 1
        for case_rank, trie, case_sensitive, first in walks:
            walked, walked_to = self._walk(text, window, trie, case_sensitive, first)
            found += [(exact, count, case_rank, entry) for exact, count, entry in walked]
            read_to = max(read_to, walked_to)
        return found, read_to

    def _may_start(self, word: str) -> bool:
        """Whether some name may start with this token (a cheap test before the full walk)."""
        return (
            word in self._sensitive_starts
            or word.casefold() in self._insensitive_starts
            or _decapitalised(word) in self._sensitive_starts
        )

    def _walk(
        self,
        text: str,
        window: deque[re.Match[str]],
        trie: _Trie,
        case_sensitive: bool,
        first: str | None = None,
    ) -> tuple[list[tuple[int, int, _Entry]], int]:
        """(exact, token count, entry) for every name of `trie` that starts at `window[0]`;
        `first` replaces the first token's text (its sentence-initial capital lowered). And
        the offset up to which the walk read the text: the character after the last token it
        looked at (which ends that token), `_UNBOUNDED` when it ran out of tokens."""
        table = trie.table
        found: list[tuple[int, int, _Entry]] = []
        path = ""
        for depth, token in enumerate(window):
            if depth >= trie.max_tokens:
                return found, window[depth - 1].end() + 1 if depth else token.start() + 1
            part = token.group() if case_sensitive else token.group().casefold()
            if depth == 0 and first is not None:
                part = first
            if depth:
                gap = token.start() - window[depth - 1].end()
                if gap > 1 and _too_wide(text, window[depth - 1].end(), token.start()):
                    return found, token.start() + 1
                prefix = path + _SEP + (" " if gap else "")
            else:
                prefix = ""
            for stem in _plural_stems(part, case_sensitive):
                for entry in table.get(prefix + stem, ()):
                    if entry.plural_ok:
                        found.append((0, depth + 1, entry))
                        break
            path = prefix + part
            entries = table.get(path)
            if entries is None:
                return found, token.end() + 1
            if entries:
                found.append((1, depth + 1, entries[0]))
        return found, _UNBOUNDED

    @staticmethod
    def _bounded(text: str, match_start: int, match_end: int, end: int) -> bool:
        """Whether the match is a whole word: not cut by `end`, not part of a snake_case word."""
        if match_end == end and end < len(text) and _joins(text, match_end - 1, match_end):
            return False
        if match_end < len(text) and text[match_end] == "_":
            underscores = _UNDERSCORES.match(text, match_end)
            after = underscores.end() if underscores is not None else match_end
            if after < len(text) and _is_word_char(text[after]):
                return False
        if match_start > 0 and text[match_start - 1] == "_":
            before = match_start - 1
            while before > 0 and text[before - 1] == "_" and match_start - before < 64:
                before -= 1
            if before > 0 and _is_word_char(text[before - 1]):
                return False
        return True

    # ---------------------------------------------------------------------------- completion

    def complete(self, prefix: str, limit: int = 50) -> list[Candidate]:
        """Names for a typed prefix: prefix matches first (shorter, canonical first), then fuzzy."""
        if limit <= 0:
            return []
        return self._completion_index().complete(prefix, limit)


def _first_keys_of_longer_names(trie: _Trie) -> frozenset[str]:
    """The first key part of every name of more than one token."""
    return frozenset(key.split(_SEP, 1)[0] for key in trie.table if _SEP in key)


def _match_of(found: tuple[Match, int] | None) -> Match | None:
    return None if found is None else found[0]


def _ranked_names(glossary: Glossary) -> Iterator[tuple[int, str, Term]]:
    """(is alias, name, term) for every name, best first: canonical spellings in glossary order,
    then aliases in glossary order. An earlier name wins ties in matching and completion."""
    terms = glossary.terms
    for term in terms:
        name = term.term
        yield 0, name, term
        for alias in term.aliases:
            if alias == name:
                yield 0, alias, term
    for term in terms:
        name = term.term
        for alias in term.aliases:
            if alias != name:
                yield 1, alias, term


class _CompletionIndex:
    """Every name sorted for prefix search and bucketed for fuzzy search.

    Built by the first completion rather than with the matcher: matching does not need it.
    """

    def __init__(self, glossary: Glossary) -> None:
        completion: dict[str, tuple[int, int, str, Term]] = {}
        for rank, (alias, name, term) in enumerate(_ranked_names(glossary)):
            if name.strip():
                completion.setdefault(name, (alias, rank, name, term))
        # In rank order: `alias` never decreases along it, so a stable sort on one more key
        # breaks its ties by (alias, rank) for free.
        by_rank = [
            (fold(name), alias, rank, name, term) for alias, rank, name, term in completion.values()
        ]
        # Prefix search: folded names sorted, searched with bisect.
        by_key = sorted(by_rank, key=itemgetter(0))
        self._prefix_keys = [item[0] for item in by_key]
        self._prefix_items = [
            (len(key), alias, rank, name, term) for key, alias, rank, name, term in by_key
        ]
        self._default_items = [(name, term) for _, alias, _, name, term in by_key if not alias]
        # Fuzzy search: names bucketed by the first letters of their words (a query is compared
        # with the names that have a word starting like it); shorter and canonical names first,
        # so rapidfuzz's ties favour them.
        by_length = sorted(by_rank, key=lambda item: len(item[3]))
        self._fuzzy_items = [(name, term) for _, _, _, name, term in by_length]
        buckets: dict[str, tuple[list[str], list[int]]] = {}
        for index, (key, _, _, name, _) in enumerate(by_length):
            for initial in {start.casefold()[:1] for start in _WORD_START.findall(name)}:
                choices, indexes = buckets.setdefault(initial, ([], []))
                choices.append(key)
                indexes.append(index)
        self._fuzzy_buckets = buckets

    def complete(self, prefix: str, limit: int) -> list[Candidate]:
        key = fold(prefix)
        if not key:
            return [
                Candidate(name, term, 100.0, True) for name, term in self._default_items[:limit]
            ]
        low = bisect.bisect_left(self._prefix_keys, key)
        high = bisect.bisect_left(self._prefix_keys, key + "\U0010ffff", low)
        best = heapq.nsmallest(limit, self._prefix_items[low:high]) if high > low else []
        candidates = [Candidate(name, term, 100.0, True) for _, _, _, name, term in best]
        if len(candidates) < limit and len(key) >= _FUZZY_MIN_QUERY:
            seen = {candidate.name for candidate in candidates}
            candidates.extend(self._fuzzy(key, limit - len(candidates), seen))
        return candidates

    def _fuzzy(self, key: str, limit: int, seen: set[str]) -> list[Candidate]:
        from rapidfuzz import fuzz, process  # on first use: keeps it off the server's startup

        choices, indexes = self._fuzzy_buckets.get(key[0], ([], []))
        found = process.extract(
            key,
            choices,
            scorer=fuzz.partial_ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=limit * 3 + len(seen),
        )
        scored = []
        for choice, partial, position in found:
            index = indexes[position]
            name, term = self._fuzzy_items[index]
            if name in seen or len(choice) < len(key) - 1:
                continue  # a short name inside the query is no answer to it
            score = (2 * partial + fuzz.ratio(key, choice)) / 3
            scored.append((-score, index, name, term))
        scored.sort()
        return [Candidate(name, term, -score, False) for score, _, name, term in scored[:limit]]


# ------------------------------------------------------------------------ remembered spans

# Spans are remembered only in texts this long (a large document edited: smaller ones are
# matched again faster than they would be looked up) and only spans this long.
_REMEMBER_SPANS_OF_TEXTS_FROM = 200_000
_MIN_REMEMBERED_SPAN = 64
# Characters of remembered spans (with their context) per matcher; all forgotten when more.
_MAX_REMEMBERED_SPAN_CHARS = 40_000_000
# How far before a span matching reads: `_bounded` looks back over 64 underscores and one more
# character; `at_sentence_start` back to the nearest letter, digit or sentence punctuation,
# which is looked for this far at most (the span is not remembered when it is farther).
_CONTEXT_BEFORE = 65
_MAX_CONTEXT_BEFORE = 1_000
# (characters of context before the span, the span's length, whether the context reaches the
# text's start, whether it reaches its end, the hash of context + span + context, its length):
# the text itself is not kept (two texts with one hash among the remembered: 1 in 10^9)
_SpanKey = tuple[int, int, bool, bool, int, int]


def _span_key(text: str, start: int, end: int) -> _SpanKey | None:
    """`text[start:end]` with all the text around it that its matches depend on, or None when
    that reaches too far back.

    Matching a span reads outside it only: before it, up to 65 characters (`_bounded`'s
    underscores, `_joins`, a token's previous character) and, from `at_sentence_start`, back to
    the nearest letter, digit or `.!?:` (the previous line is tested for being blank, which
    the character found answers); after it, its first character and, when that is `_`, the run
    of underscores and the character after it. And whether the text starts or ends there.
    """
    low = max(0, start - _CONTEXT_BEFORE)
    stop = start - 1
    limit = max(-1, start - _MAX_CONTEXT_BEFORE)
    while stop > limit and not (text[stop].isalnum() or text[stop] in ".!?:"):
        stop -= 1
    if stop == limit and limit >= 0:
        return None
    low = min(low, max(stop, 0))
    high = end
    if high < len(text) and text[high] == "_":
        underscores = _UNDERSCORES.match(text, high)
        high = underscores.end() if underscores is not None else high
    high = min(high + 1, len(text))
    return (start - low, end - start, low == 0, high == len(text), hash(text[low:high]), high - low)


# Results derived from spans (per kind) kept per matcher; all forgotten when more.
_MAX_REMEMBERED_DERIVED = 400_000
# How far around a span the results derived from it may read (whole lines beyond this): the
# sentence around a use (2,000 characters each way), a quotation's lines (8,000 characters)
# above a definition, the matcher's context (1,000 before).
CONTEXT_MARGIN = 8_200


def remembers_spans(text: str) -> bool:
    """Whether spans of this text are remembered (a large document: see `find_all`)."""
    return len(text) >= _REMEMBER_SPANS_OF_TEXTS_FROM


def span_context_keys(
    text: str, spans: Sequence[tuple[int, int]], margin: int = CONTEXT_MARGIN
) -> list[tuple[int, int, int]]:
    """Per span of `text`, (a key, the start and end of its context): the span's text and all
    the text within `margin` of it, widened to whole lines and to the spans and gaps between
    spans that hold it, with the span's place in it. Two spans with the same key have the same
    text around them that far (up to a 64-bit hash collision among the remembered keys), so what
    is derived from a span by reading no farther than that is the same for both, relative to the
    span's start. Each piece of text is hashed once, whatever the margin."""
    cuts = sorted({0, len(text), *(offset for span in spans for offset in span)})
    hashes = [hash(text[low:high]) for low, high in zip(cuts, cuts[1:], strict=False)]
    last = len(cuts) - 1
    keys = []
    for start, end in spans:
        low = text.rfind("\n", 0, max(0, start - margin)) + 1
        line_end = text.find("\n", min(len(text), end + margin))
        high = len(text) if line_end < 0 else line_end + 1
        first = bisect.bisect_right(cuts, low) - 1
        after = max(bisect.bisect_left(cuts, high), first + 1)
        context = (start - cuts[first], end - start, first == 0, after == last)
        keys.append((hash((context, tuple(hashes[first:after]))), cuts[first], cuts[after]))
    return keys


def _decapitalised(word: str) -> str:
    """`Perplexity` → `perplexity`; a word with other capitals (`PyTorch`, `FSDP`) unchanged."""
    if word[:1].isupper() and word[1:].islower():
        return word[0].lower() + word[1:]
    return word


def at_sentence_start(text: str, offset: int) -> bool:
    """Whether only markup, emoji or sentence punctuation come before `offset` in its sentence."""
    index = offset
    while index > 0:
        char = text[index - 1]
        if char in ".!?:":
            return True
        if char.isalnum():
            return False
        if char == "\n":
            line_rest = text[index:offset].lstrip()
            if line_rest[:1] in ("#", "-", "*", "+", ">", "|") or line_rest[:1].isdigit():
                return True
            previous = text.rfind("\n", 0, index - 1)
            if not text[previous + 1 : index - 1].strip():
                return True
        index -= 1
    return True


# ------------------------------------------------------------------------- code-like tokens

# What ends a token for `is_code_like`: white space, brackets, quotes and Markdown emphasis,
# so that `[DDP-script.py](…)` is the token `DDP-script.py` and `**Org/Model**` is `Org/Model`.
_CHUNK_BREAKS = frozenset(" \t\r\n[](){}<>\"'`|,;!?*")
_MAX_CHUNK = 200


def ends_code_tokens(char: str) -> bool:
    """Whether `char` ends the token `is_code_like` judges: a word beyond it is judged apart."""
    return char in _CHUNK_BREAKS


def code_like_token(text: str, start: int, end: int) -> str:
    """The token around `text[start:end]` that `is_code_like` judges, sentence punctuation cut."""
    low = start
    while low > 0 and text[low - 1] not in _CHUNK_BREAKS and start - low < _MAX_CHUNK:
        low -= 1
    high = end
    while high < len(text) and text[high] not in _CHUNK_BREAKS and high - end < _MAX_CHUNK:
        high += 1
    return text[low:high].rstrip(".:")


def is_code_like(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` belongs to an identifier written outside backticks.

    Hub ids and paths (`Org/Model-135M`, `huggingface.co/new`), dotted names and file names
    (`torch.nn.MultiheadAttention`, `DDP-script.py`), snake_case, `a=b`, `x::y`, `user@host`
    and LaTeX commands. A name found inside one is not a use of the term, not a misspelling and
    not an unknown acronym. Abbreviations (`e.g.`), versions (`GPT-3.5`) and prose slashes
    (`encoder/decoder`, `TP/PP`) are not code.
    """
    token = code_like_token(text, start, end)
    verdict = _CODE_LIKE_VERDICTS.get(token)
    if verdict is None:
        verdict = looks_like_code(token)
        if len(_CODE_LIKE_VERDICTS) >= _MAX_REMEMBERED_TOKENS:
            _CODE_LIKE_VERDICTS.clear()
        _CODE_LIKE_VERDICTS[token] = verdict
    return verdict


# `looks_like_code` by token: a document repeats its words, and the verdict depends on nothing else
_CODE_LIKE_VERDICTS: dict[str, bool] = {}


def looks_like_code(token: str) -> bool:
    if any(mark in token for mark in ("::", "=", "@", "\\")):
        return True
    if "_" in token.strip("_") and _SNAKE.search(token):
        return True
    if "." in token and _DOTTED.search(token):
        return True
    if "/" in token:
        return _code_like_path(token)
    return False


_SNAKE = re.compile(r"[^\W_]_+[^\W_]")
# `torch.nn`, `pytorch.org`, `model.safetensors`: two parts of two characters or more
_DOTTED = re.compile(r"[^\W_]{2}\.[A-Za-z][^\W_]")


def _code_like_path(token: str) -> bool:
    if token.startswith(("/", "~", "./", "../")):
        return True
    parts = [part for part in token.split("/") if part]
    if len(parts) < 2:
        return False
    if len(parts) >= 3:
        return True
    for part in parts:
        if any(char.isdigit() or char in "-." for char in part):
            return True
        if part.islower() and not is_english_word(part):
            return True  # `openai/whisper`
    return False


def _joins(text: str, left: int, right: int) -> bool:
    """Whether the characters at `left` and `right` belong to the same run of letters/digits."""
    return _is_word_char(text[left]) and _is_word_char(text[right])


def _too_wide(text: str, gap_start: int, gap_end: int) -> bool:
    """Whether a whitespace gap contains a blank line (a paragraph break)."""
    for count, _ in enumerate(_LINE_BREAK.finditer(text, gap_start, gap_end), start=1):
        if count > _MAX_LINE_BREAKS_IN_GAP:
            return True
    return False

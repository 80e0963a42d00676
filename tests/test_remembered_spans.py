"""The matches `find_all` remembers for the spans of a large text are the matches it would find.

Seeded random texts written for this test (terms next to underscores, markup, sentence starts,
paragraph breaks, long runs of punctuation) are edited again and again; after each edit every
prose span of the Markdown view and random spans of the text, some cutting words, are matched
by a matcher that remembers spans (its thresholds lowered so that small texts count as large)
and by a reference that matches from scratch. They must agree, offsets included.
"""

from __future__ import annotations

import random

import pytest

from glossary_lsp import matching
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import Match, TermMatcher
from glossary_lsp.text.documents import view_document

TERMS = [
    Term("FSDP", expansion="Fully Sharded Data Parallel", aliases=("Fully Sharded Data Parallel",)),
    Term("KV cache"),
    Term("prefill phase"),
    Term("perplexity", case_sensitive=True),
    Term("Triton", case_sensitive=True),
    Term("GPU"),
    Term("policy"),
    Term("FlashAttention-2"),
    Term("pass@k"),
    Term("注意力"),
]
PIECES = [
    "FSDP", "KV cache", "KV\ncache", "KV\n\ncache", "prefill phase", "Perplexity", "perplexity",
    "Triton", "GPUs", "policies", "FlashAttention-2", "pass@k", "注意力", "Fully Sharded Data",
    "Parallel", "the", "of", "a", "model", "_", "__", "_FSDP", "FSDP_", "snake_case", ".", ". ",
    ": ", "! ", "? ", ",", "**", "*", "`", "[", "](x)", "# ", "- ", "> ", "1. ", "\n", "\n\n",
    " ", "  ", "-" * 1_200, "*" * 70, "_" * 80,
]  # fmt: skip


def random_text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(("", " ", " ", "\n")) for _ in range(pieces))


def as_tuples(matches: list[Match]) -> list[tuple[int, int, str, str]]:
    return [(match.start, match.end, match.term.term, match.name) for match in matches]


@pytest.fixture
def remembering(monkeypatch: pytest.MonkeyPatch) -> TermMatcher:
    monkeypatch.setattr(matching, "_REMEMBER_SPANS_OF_TEXTS_FROM", 0)
    monkeypatch.setattr(matching, "_MIN_REMEMBERED_SPAN", 1)
    return TermMatcher(Glossary(terms=TERMS))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_remembered_spans_match_as_matching_from_scratch(
    remembering: TermMatcher, seed: int
) -> None:
    rng = random.Random(seed)
    reference = TermMatcher(Glossary(terms=TERMS))
    text = random_text(rng, 400)
    spans: list[tuple[int, int]] = []
    for _ in range(25):
        view = view_document("file:///c/01.md", text, "markdown")
        spans = [span for region in view.regions for span in region.prose]
        for _ in range(40):
            low = rng.randrange(len(text) + 1)
            spans.append((low, min(len(text), low + rng.randrange(1, 400))))
        for start, end in spans:
            for _ in range(2):  # the second time from memory, as the index and the analysis do
                remembered = remembering.find_all(text, start, end)
                assert as_tuples(remembered) == as_tuples(
                    list(reference.iter_matches(text, start, end))
                ), (seed, start, end, text[max(0, start - 20) : end + 20])
        at = rng.randrange(len(text) + 1)
        if rng.random() < 0.5:
            text = text[:at] + random_text(rng, rng.randint(1, 4)) + text[at:]
        else:
            text = text[:at] + text[at + rng.randint(1, 30) :]


def test_memory_is_bounded(remembering: TermMatcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "_MAX_REMEMBERED_SPAN_CHARS", 1_000)
    text = random_text(random.Random(1), 2_000)
    for start in range(0, len(text) - 100, 50):
        remembering.find_all(text, start, start + 100)
    assert remembering._remembered_chars <= 1_000


# longer than the context a span is remembered with, so that only the contexts differ
SEPARATOR = " |" + " filler" * 12 + " "


BODIES = ["FSDP", "Perplexity is low", "_FSDP and FSDP", "KV cache of the FSDP", "KV", "Triton"]
CONTEXTS = ["", " ", "x", "_", "__", "a_", "a__", ". ", ".", "\n\n", "\n- ", "word ", "**"]
CONTEXTS += ["_" * 70, "a" + "_" * 64, "-" * 1_100, "." + "*" * 900, "a" + "*" * 900]


@pytest.mark.parametrize("body", BODIES)
def test_the_same_span_in_other_contexts(remembering: TermMatcher, body: str) -> None:
    """A span remembered in one context is not taken for the same span in another: what comes
    before it (underscores, a sentence's end, a line's start) and after it (underscores, a
    letter running on) decide its matches too."""
    reference = TermMatcher(Glossary(terms=TERMS))
    pieces, spans = [SEPARATOR], []
    length = len(SEPARATOR)
    for before in CONTEXTS:
        for after in CONTEXTS:
            spans.append((length + len(before), length + len(before) + len(body)))
            pieces.append(before + body + after + SEPARATOR)
            length += len(pieces[-1])
    text = "".join(pieces)
    for start, end in spans:
        assert text[start:end] == body
        assert as_tuples(remembering.find_all(text, start, end)) == as_tuples(
            list(reference.iter_matches(text, start, end))
        ), text[max(0, start - 20) : end + 20]

"""A phrase's walk remembered by the text it read (`TermMatcher._phrase_at`) finds what the
token-by-token matcher finds, whatever stands around the phrase the next time: a span's end
cutting it or the word after it, underscores, a sentence start, a paragraph break, plurals."""

from __future__ import annotations

import random

import pytest

from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.term_scan import StartScanner

pytestmark = pytest.mark.skipif(not StartScanner.available(), reason="ahocorasick_rs missing")

TERMS = [
    Term("KV cache"),
    Term("KV"),
    Term("FSDP", aliases=("Fully Sharded Data Parallel",)),
    Term("prefill phase"),
    Term("perplexity score", case_sensitive=True),
    Term("perplexity", case_sensitive=True),
    Term("mixture of experts", aliases=("MoE", "mixtures of experts")),
    Term("tensor parallel"),
    Term("tensor"),
    Term("sparse tensor parallel attention"),
    Term("policy gradient"),
]
PHRASES = [
    "KV cache",
    "KV caches",
    "KV\ncache",
    "KV\n\ncache",
    "KV  cache",
    "kv cache",
    "Perplexity score",
    "perplexity score",
    "Perplexity scores",
    "mixture of experts",
    "Mixtures of Experts",
    "mixture of\nexperts",
    "tensor parallel",
    "Tensor parallel attention",
    "sparse tensor parallel attention",
    "sparse tensor parallel",
    "policy gradients",
    "policies gradient",
    "prefill phase",
    "prefill phases",
    "Fully Sharded Data Parallel",
    "Fully Sharded Data",
]
BEFORE = ["", " ", "_", "x", "a_", "__", ". ", "\n\n", "# ", "- ", "**", "[", "(", "word "]
AFTER = ["", " ", "_", "_x", "__y", "s", "es", ".", ",", "!", " word", "\n\n", "**", "](x)", "x"]


def _text(rng: random.Random, pieces: int) -> str:
    return "".join(
        rng.choice(BEFORE) + rng.choice(PHRASES) + rng.choice(AFTER) + rng.choice(" \n")
        for _ in range(pieces)
    )


def _expected(matcher: TermMatcher, text: str, start: int, end: int) -> list:
    return list(matcher.iter_matches_tokenwise(text, start, end))


@pytest.mark.parametrize(
    "seed", [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 6))]
)
def test_remembered_readings_match_the_walk_in_every_context(seed: int) -> None:
    rng = random.Random(seed)
    matcher = TermMatcher(Glossary(terms=TERMS))
    for _ in range(30):  # texts read one after the other: readings of one used in the next
        text = _text(rng, 40)
        assert list(matcher.iter_matches(text)) == _expected(matcher, text, 0, len(text))
        for _ in range(10):  # spans that end inside a phrase or the word after it
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randrange(1, 120))
            found = list(matcher.iter_matches(text, start, end))
            assert found == _expected(matcher, text, start, end)
    assert matcher._phrases  # the readings were remembered


def test_readings_are_bounded_and_forgotten_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    from glossary_lsp import matching

    monkeypatch.setattr(matching, "_MAX_REMEMBERED_PHRASES", 5)
    matcher = TermMatcher(Glossary(terms=TERMS))
    rng = random.Random(1)
    for _ in range(20):
        text = _text(rng, 20)
        assert list(matcher.iter_matches(text)) == _expected(matcher, text, 0, len(text))
        assert matcher._remembered_phrases <= 5

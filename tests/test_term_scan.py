"""The scanner's matcher finds exactly what the token-by-token matcher finds (a differential
test on the test corpus and on fuzzed text), and its list of special characters is complete."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary_lsp import term_scan
from glossary_lsp.glossary.loader import bundled_glossary_path, load_glossaries, load_glossary_file
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.term_scan import _SPECIAL, StartScanner, special_characters
from glossary_lsp.text.documents import view_document

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not StartScanner.available(), reason="ahocorasick_rs missing")

# Names in every shape the tokenizer knows: acronyms and their plurals, mixed case, English
# words (sentence-initial capitals), hyphens and dots, punctuation first, CJK, characters whose
# lower case is not their case fold, several words, a name inside a longer one.
EXTRA_TERMS = [
    Term("FSDP", aliases=("Fully Sharded Data Parallel",)),
    Term("GPU"),
    Term("KV cache"),
    Term("KV"),
    Term("RoPE"),
    Term("ZeRO"),
    Term("perplexity", case_sensitive=True),
    Term("Triton", case_sensitive=True),
    Term("policy"),
    Term("batch"),
    Term("FlashAttention-2"),
    Term("FlashAttention"),
    Term("DeepSeek-R1"),
    Term("pass@k"),
    Term("CLAUDE.md"),
    Term(".NET"),
    Term("C++"),
    Term("#hashtag"),
    Term("注意力"),
    Term("注意"),
    Term("Straße"),
    Term("ΟΔΟΣ"),
    Term("İstanbul"),
    Term("Kelvin"),
    Term("ﬁne-tuning"),
    Term("mixture of experts", aliases=("MoE", "mixtures of experts")),
    Term("tensor parallel"),
    Term("tensor"),
    Term("data parallel"),
    Term("sparse tensor parallel attention"),
]
DECORATION = ["**", "_", "`", "[", "](x)", "'s", "'", '"', "(", ")", ",", ".", ":", "!", "?", "-"]
NOISE = ["the", "a", "and", "Tensor", "tensors", "of", "🧠", "🖥️", "é", "中文", "x_y", "GPUs"]
GAPS = [" ", " ", " ", "  ", "\n", "\n  ", "\n\n", "\r\n", "\t", "", "\u00a0"]


def _glossaries() -> dict[str, Glossary]:
    return {
        "bundled": load_glossary_file(bundled_glossary_path()),
        "example": load_glossaries([ROOT / "examples" / "course" / "glossary.yaml"])[0],
        "shapes": Glossary(terms=EXTRA_TERMS),
    }


GLOSSARIES = _glossaries()
MATCHERS = {name: TermMatcher(glossary) for name, glossary in GLOSSARIES.items()}


def _spelling(name: str, rng: random.Random) -> str:
    """A name as prose writes it: case changed, pluralised, words on the next line."""
    roll = rng.random()
    if roll < 0.15:
        name = name.upper()
    elif roll < 0.3:
        name = name.lower()
    elif roll < 0.4:
        name = name[:1].upper() + name[1:]
    elif roll < 0.45:
        name = name.swapcase()
    if rng.random() < 0.2:
        name += rng.choice(["s", "es", "'s"])
    if name.endswith("y") and rng.random() < 0.2:
        name = name[:-1] + "ies"
    return "".join(rng.choice(GAPS) if char == " " else char for char in name)


def fuzzed_text(names: list[str], seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    pieces = []
    for _ in range(words):
        piece = _spelling(rng.choice(names), rng) if rng.random() < 0.5 else rng.choice(NOISE)
        if rng.random() < 0.3:
            piece = rng.choice(DECORATION) + piece
        if rng.random() < 0.3:
            piece += rng.choice(DECORATION)
        pieces.append(piece)
        pieces.append(rng.choice(GAPS))
    return "".join(pieces)


def _names(glossary: Glossary) -> list[str]:
    return [name for term in glossary.terms for name in term.names if name.strip()]


def assert_same(matcher: TermMatcher, text: str, start: int = 0, end: int | None = None) -> None:
    expected = list(matcher.iter_matches_tokenwise(text, start, end))
    assert matcher.find_all(text, start, end) == expected


def _corpus() -> list[Path]:
    paths = sorted((ROOT / "examples").rglob("*.md")) + sorted((ROOT / "examples").rglob("*.ipynb"))
    paths += sorted((ROOT / "tests").rglob("*.md")) + sorted((ROOT / "tests").rglob("*.ipynb"))
    paths += sorted((ROOT / "tests" / "data").glob("*.txt")) + [ROOT / "README.md"]
    return [path for path in paths if path.is_file()]


@pytest.mark.parametrize("glossary", sorted(GLOSSARIES))
@pytest.mark.parametrize("path", _corpus(), ids=lambda path: str(path.relative_to(ROOT)))
def test_corpus_prose_spans_and_whole_text(glossary: str, path: Path) -> None:
    matcher = MATCHERS[glossary]
    source = path.read_text(encoding="utf-8")
    assert_same(matcher, source)
    view = view_document(str(path), source)
    for region in view.regions:
        for start, end in region.prose:
            assert_same(matcher, region.text, start, end)


@pytest.mark.slow
@pytest.mark.parametrize("glossary", sorted(GLOSSARIES))
@pytest.mark.parametrize("seed", range(12))
def test_fuzzed_text_and_cut_windows(glossary: str, seed: int) -> None:
    matcher = MATCHERS[glossary]
    names = _names(GLOSSARIES[glossary])
    rng = random.Random(seed)
    if glossary != "shapes":  # keep the shapes in every text
        names = rng.sample(names, min(200, len(names))) + _names(GLOSSARIES["shapes"])
    text = fuzzed_text(names, seed)
    assert_same(matcher, text)
    for _ in range(40):  # windows that cut words, as prose spans and match_at do
        start = rng.randrange(len(text))
        assert_same(matcher, text, start, start + rng.randrange(1, 400))
    for offset in rng.sample(range(len(text)), 40):
        assert matcher.match_at(text, offset) == _match_at_tokenwise(matcher, text, offset)


def _match_at_tokenwise(matcher: TermMatcher, text: str, offset: int):
    reach = 2 * matcher._max_name_length + 40
    low, high = max(0, offset - reach), min(len(text), offset + reach)
    ending_here = None
    for match in matcher.iter_matches_tokenwise(text, low, high):
        if match.start <= offset < match.end:
            return match
        if match.end == offset:
            ending_here = match
        elif match.start > offset:
            break
    return ending_here


_PIECES = st.sampled_from(
    _names(GLOSSARIES["shapes"]) + NOISE + DECORATION + GAPS + ["ss", "SS", "İ", "K", "σ", "ς"]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.integers(0, 50), st.integers(0, 400))
def test_hypothesis_texts(pieces: list[str], start: int, length: int) -> None:
    text = "".join(pieces)
    assert_same(MATCHERS["shapes"], text)
    assert_same(MATCHERS["shapes"], text, start, start + length)


def test_a_scanned_text_is_reused_across_its_spans() -> None:
    matcher = MATCHERS["shapes"]
    text = fuzzed_text(_names(GLOSSARIES["shapes"]), 99)
    whole = matcher.find_all(text)
    halves = matcher.find_all(text, 0, len(text) // 2) + matcher.find_all(
        text, len(text) // 2, len(text)
    )
    assert {match.start for match in halves} <= {match.start for match in whole}
    assert whole == list(matcher.iter_matches_tokenwise(text))


def test_texts_asked_in_turn_are_scanned_once_each(monkeypatch) -> None:
    """Requests alternate between open documents: each text is scanned whole once, and the
    least recently used is forgotten when more texts are asked than are remembered."""
    scanner = StartScanner(["FSDP", "GPU"], [], ["policy"])
    scanned: list[str] = []
    scan = scanner._scan
    monkeypatch.setattr(
        scanner, "_scan", lambda text, s, e: scanned.append(text) or scan(text, s, e)
    )
    texts = [f"FSDP on GPU {number}, a policy." for number in range(term_scan._REMEMBERED_TEXTS)]
    for _ in range(3):
        for text in texts:
            assert scanner.candidates(text, 0, len(text)) == scan(text, 0, len(text))
    assert scanned == texts
    one_more = "one more GPU"
    scanner.candidates(one_more, 0, len(one_more))
    scanner.candidates(texts[-1], 0, 4)
    scanner.candidates(texts[0], 0, 4)  # the least recently used: forgotten, scanned again
    assert scanned == [*texts, one_more, texts[0]]


def test_remembered_texts_are_bounded_by_characters(monkeypatch) -> None:
    monkeypatch.setattr(term_scan, "_REMEMBERED_CHARS", 100)
    scanner = StartScanner(["GPU"], [], [])
    texts = [f"GPU {'x' * 40} {number}" for number in range(4)]
    for text in texts:
        scanner.candidates(text, 0, len(text))
    remembered = [text for text, _found in scanner._remembered().values()]
    assert remembered == texts[-2:]  # two texts of ~47 characters fit in 100


def test_special_characters_are_all_listed() -> None:
    missing = sorted(char for char in special_characters() if not _SPECIAL.match(char))
    assert missing == [], [hex(ord(char)) for char in missing]


def test_without_the_automata_the_matcher_scans_token_by_token(monkeypatch) -> None:
    monkeypatch.setattr(StartScanner, "available", staticmethod(lambda: False))
    plain = TermMatcher(GLOSSARIES["shapes"])
    text = fuzzed_text(_names(GLOSSARIES["shapes"]), 7)
    assert plain._scanner is None
    assert plain.find_all(text) == MATCHERS["shapes"].find_all(text)
    assert plain.find_all(text)

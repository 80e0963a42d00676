"""TermMatcher: boundaries, case rules, plurals, longest match, multi-word names, completion."""

from __future__ import annotations

import pytest

from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher

TERMS = [
    Term("FSDP", expansion="Fully Sharded Data Parallel", aliases=("Fully Sharded Data Parallel",)),
    Term("ANN", expansion="Approximate Nearest Neighbour"),
    Term("KL", expansion="Kullback–Leibler"),
    Term("FLOPS"),
    Term("FLOP"),
    Term("GPU"),
    Term("LLM"),
    Term("FlashAttention"),
    Term("FlashAttention-2"),
    Term("DeepSeek"),
    Term("DeepSeek-R1"),
    Term("KV cache"),
    Term("Multi-Head Latent Attention", aliases=("MLA",)),
    Term("PyTorch"),
    Term("JAX", case_sensitive=False),
    Term("Triton", case_sensitive=True),
    Term("embedding"),
    Term("policy"),
    Term("batch"),
    Term("MT-Bench"),
    Term("TF-IDF"),
    Term("pass@k"),
    Term("CLAUDE.md"),
    Term("A2A"),
    Term("o1"),
    Term("注意力"),
]


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher(Glossary(terms=TERMS))


def found(matcher: TermMatcher, text: str) -> list[tuple[str, str]]:
    """(matched text, glossary name) of every match."""
    return [(text[m.start : m.end], m.name) for m in matcher.find_all(text)]


@pytest.mark.parametrize(
    "text",
    [
        "**FSDP**",
        "(FSDP)",
        "FSDP's",
        "FSDP’s",
        "[FSDP](https://example.com)",
        "`FSDP`",
        "_FSDP_",
        "__FSDP__",
        "FSDP.",
        "FSDP,",
        "FSDP:",
        "FSDP",
        "> FSDP",
        "用FSDP训练",
    ],
)
def test_markdown_punctuation_is_a_boundary(matcher: TermMatcher, text: str) -> None:
    assert found(matcher, text) == [("FSDP", "FSDP")]


@pytest.mark.parametrize(
    "text", ["ANNOUNCE", "PLANNING", "KLM", "FSDPs2", "my_FSDP_wrapper", "xFSDP", "FSDP2"]
)
def test_no_match_inside_a_larger_word(matcher: TermMatcher, text: str) -> None:
    assert found(matcher, text) == []


def test_acronyms_match_only_in_their_own_case(matcher: TermMatcher) -> None:
    assert found(matcher, "ann Ann aNN ANN") == [("ANN", "ANN")]
    assert found(matcher, "fsdp Fsdp") == []


def test_other_names_match_in_any_case_unless_the_entry_says_so(matcher: TermMatcher) -> None:
    assert found(matcher, "pytorch PYTORCH Pytorch") == [
        ("pytorch", "PyTorch"),
        ("PYTORCH", "PyTorch"),
        ("Pytorch", "PyTorch"),
    ]
    assert found(matcher, "jax Jax") == [("jax", "JAX"), ("Jax", "JAX")]
    assert found(matcher, "triton Triton") == [("Triton", "Triton")]


def test_plurals(matcher: TermMatcher) -> None:
    assert found(matcher, "GPUs LLMs embeddings policies batches KV caches") == [
        ("GPUs", "GPU"),
        ("LLMs", "LLM"),
        ("embeddings", "embedding"),
        ("policies", "policy"),
        ("batches", "batch"),
        ("KV caches", "KV cache"),
    ]


def test_acronym_plural_takes_only_a_lowercase_s(matcher: TermMatcher) -> None:
    assert found(matcher, "GPUS GPUes") == []


def test_an_explicit_entry_wins_over_a_plural(matcher: TermMatcher) -> None:
    assert found(matcher, "FLOPS FLOPs FLOP") == [
        ("FLOPS", "FLOPS"),
        ("FLOPs", "FLOP"),
        ("FLOP", "FLOP"),
    ]


def test_longest_match_first_and_hyphen_boundaries(matcher: TermMatcher) -> None:
    assert found(matcher, "FlashAttention-2, FlashAttention-3 and FlashAttention") == [
        ("FlashAttention-2", "FlashAttention-2"),
        ("FlashAttention", "FlashAttention"),
        ("FlashAttention", "FlashAttention"),
    ]
    assert found(matcher, "DeepSeek-R1 DeepSeek-V3") == [
        ("DeepSeek-R1", "DeepSeek-R1"),
        ("DeepSeek", "DeepSeek"),
    ]


def test_multi_word_names_across_whitespace_and_line_breaks(matcher: TermMatcher) -> None:
    text = "the KV\n  cache and Fully   Sharded\nData Parallel and Multi-Head Latent\r\nAttention"
    assert [name for _, name in found(matcher, text)] == [
        "KV cache",
        "Fully Sharded Data Parallel",
        "Multi-Head Latent Attention",
    ]


def test_multi_word_names_stop_at_a_paragraph_break(matcher: TermMatcher) -> None:
    assert found(matcher, "KV\n\ncache") == []


def test_the_alias_is_reported_with_its_term(matcher: TermMatcher) -> None:
    (match,) = matcher.find_all("uses MLA")
    assert (match.name, match.term.term) == ("MLA", "Multi-Head Latent Attention")


@pytest.mark.parametrize("name", ["MT-Bench", "TF-IDF", "pass@k", "CLAUDE.md", "A2A", "o1"])
def test_names_with_punctuation_and_digits(matcher: TermMatcher, name: str) -> None:
    assert found(matcher, f"see {name}, then") == [(name, name)]


def test_pass_at_k_needs_its_k(matcher: TermMatcher) -> None:
    assert found(matcher, "pass@1 and o1-preview") == [("o1", "o1")]


def test_cjk_and_emoji_text(matcher: TermMatcher) -> None:
    text = "🖥️ Distributed Training: 使用注意力机制 and FSDP 🚀"
    assert found(matcher, text) == [("注意力", "注意力"), ("FSDP", "FSDP")]
    assert text[matcher.find_all(text)[1].start :].startswith("FSDP")


def test_find_all_in_a_range_does_not_match_a_cut_word(matcher: TermMatcher) -> None:
    text = "xFSDP FSDP FSDPx"
    assert [(m.start, m.end) for m in matcher.find_all(text, 1, 5)] == []
    assert [(m.start, m.end) for m in matcher.find_all(text, 6, 10)] == [(6, 10)]
    assert [(m.start, m.end) for m in matcher.find_all(text, 11, 15)] == []


def test_match_at_covers_the_offset_and_the_end_of_a_word(matcher: TermMatcher) -> None:
    text = "Use FSDP now"
    assert matcher.match_at(text, 3) is None
    for offset in range(4, 9):
        match = matcher.match_at(text, offset)
        assert match is not None and (match.start, match.end) == (4, 8)
    assert matcher.match_at(text, 9) is None
    assert matcher.match_at(text, -1) is None and matcher.match_at(text, 99) is None


def test_match_at_prefers_the_word_starting_at_the_offset(matcher: TermMatcher) -> None:
    text = "FSDP/ANN"
    assert matcher.match_at(text, 4).name == "FSDP"
    assert matcher.match_at(text, 5).name == "ANN"


def test_match_at_on_a_multi_line_name(matcher: TermMatcher) -> None:
    text = "with the Fully Sharded\nData Parallel strategy"
    match = matcher.match_at(text, text.index("Parallel"))
    assert match is not None and match.name == "Fully Sharded Data Parallel"
    assert match.start == text.index("Fully")


def test_match_at_in_a_huge_line(matcher: TermMatcher) -> None:
    text = "filler " * 20_000 + "FSDP " + "filler " * 20_000
    offset = text.index("FSDP") + 2
    assert matcher.match_at(text, offset).name == "FSDP"
    assert matcher.match_at(text, 7 * 10_000) is None


def test_empty_glossary() -> None:
    matcher = TermMatcher(Glossary())
    assert matcher.find_all("FSDP") == []
    assert matcher.match_at("FSDP", 0) is None
    assert matcher.complete("F") == []


def test_complete_prefix_matches_shorter_and_canonical_first(matcher: TermMatcher) -> None:
    names = [c.name for c in matcher.complete("fl")]
    assert names[:4] == ["FLOP", "FLOPS", "FlashAttention", "FlashAttention-2"]
    assert all(c.prefix for c in matcher.complete("fl"))


def test_complete_is_case_insensitive_and_includes_aliases(matcher: TermMatcher) -> None:
    assert [c.name for c in matcher.complete("fully")] == ["Fully Sharded Data Parallel"]
    assert matcher.complete("ml")[0].term.term == "Multi-Head Latent Attention"


def test_complete_fuzzy_after_prefix_without_duplicates(matcher: TermMatcher) -> None:
    candidates = matcher.complete("flashatention")
    assert candidates and candidates[0].name == "FlashAttention"
    assert not candidates[0].prefix
    names = [c.name for c in candidates]
    assert len(names) == len(set(names))
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)


def test_complete_respects_the_limit(matcher: TermMatcher) -> None:
    assert len(matcher.complete("", limit=3)) == 3
    assert len(matcher.complete("f", limit=2)) == 2
    assert matcher.complete("f", limit=0) == []


def test_a_name_shared_by_two_terms_prefers_the_canonical_one() -> None:
    glossary = Glossary(terms=[Term("RL", aliases=("PPO",)), Term("PPO")])
    matcher = TermMatcher(glossary)
    assert matcher.find_all("PPO")[0].term.term == "PPO"
    assert [c.term.term for c in matcher.complete("PPO")] == ["PPO"]

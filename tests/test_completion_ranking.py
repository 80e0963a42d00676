"""Completion entries in the order a user expects, and items shaped so that the editors' own
filter and sort keep it (VS Code and Neovim are driven for real in tests/test_neovim.py and
editors/vscode/test/e2e/)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from glossary_lsp.features.completion import LIMIT, rank_entries
from glossary_lsp.glossary.loader import bundled_glossary_path, load_glossary_file
from glossary_lsp.lsp.convert import completion_item
from glossary_lsp.matching import TermMatcher


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    loaded = load_glossary_file(bundled_glossary_path())
    glossary = loaded[0] if isinstance(loaded, tuple) else loaded
    return TermMatcher(glossary)


def ranked(matcher: TermMatcher, typed: str) -> list[tuple[str, str]]:
    return [(e.term.term, e.matched) for e in rank_entries(typed, matcher.complete(typed, LIMIT))]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("GRP", ("GRPO", "GRPO")),  # a prefix, above fuzzy GPT, GPU, GPTQ
        ("grp", ("GRPO", "GRPO")),  # an acronym typed in lower case
        ("contin", ("continuous batching", "continuous batching")),  # a multi-word term's start
        ("GPRO", ("GRPO", "GRPO")),  # a transposition beats GDPR's two edits
        ("grouped-q", ("GQA", "grouped-query attention")),  # an alias: its canonical term
    ],
)
def test_the_expected_term_comes_first(matcher: TermMatcher, typed: str, first: tuple) -> None:
    assert ranked(matcher, typed)[0] == first


def test_one_entry_per_term_even_when_several_of_its_names_match(matcher: TermMatcher) -> None:
    terms = [term for term, _ in ranked(matcher, "kv")]
    assert terms.count("KV cache") == 1
    assert len(terms) == len(set(terms))


def test_items_share_the_typed_word_as_filter_text_and_carry_the_rank(
    matcher: TermMatcher,
) -> None:
    replace = types.Range(types.Position(0, 4), types.Position(0, 13))
    entries = rank_entries("grouped-q", matcher.complete("grouped-q", LIMIT))
    item = completion_item(entries[0], 0, "grouped-q", replace)
    assert item.label == "GQA"
    assert item.filter_text == "grouped-q"
    assert item.sort_text == "0000"
    assert item.text_edit == types.TextEdit(range=replace, new_text="GQA")
    assert item.label_details is not None
    assert item.label_details.description == "alias: grouped-query attention"
    canonical = completion_item(
        rank_entries("GRP", matcher.complete("GRP", LIMIT))[0], 1, "GRP", replace
    )
    assert (canonical.filter_text, canonical.sort_text, canonical.label_details) == (
        "GRP",
        "0001",
        None,
    )

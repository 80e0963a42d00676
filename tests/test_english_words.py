"""The English word list answers the same whether it is still searched as text (its first
lookups, at a session's start) or already a set."""

from __future__ import annotations

import pytest

from glossary_lsp.glossary import english

ASKED = ("read", "rope", "zero", "Thomas", "Paris", "DNA", "NASA", "READ", "zorblax", "")
ASKED += ("# English words", "read\nrope", "read\n", "\nread", " read", "GitHub", "github")


def listed() -> frozenset[str]:
    text = english._PATH.read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@pytest.fixture
def fresh_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(english, "_TEXT", None)
    monkeypatch.setattr(english, "_WORDS", None)
    monkeypatch.setattr(english, "_searches", 0)


def test_searched_and_set_answers_are_the_lists(fresh_list: None) -> None:
    words = listed()
    sample = sorted(words)[:: len(words) // 40]
    asked = [*ASKED, *sample, *(word.upper() for word in sample)]
    searched = [english._contains(word) for word in asked[: english.SEARCHES_BEFORE_SET]]
    assert english._WORDS is None  # still searched as text
    assert searched == [word in words for word in asked[: english.SEARCHES_BEFORE_SET]]
    for word in asked:
        english._contains(word)
    assert words == english._WORDS
    assert [english._contains(word) for word in asked] == [word in words for word in asked]

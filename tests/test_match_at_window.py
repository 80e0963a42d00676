"""The term under a cursor is found by scanning a window around it, not the whole text: during
an edit burst every hover meets a new version's text once (issue 17, bad input). Other callers
(one term's occurrences, many per text) still scan a text whole once."""

from __future__ import annotations

import pytest

from glossary_lsp.features.base import GlossaryVersion, term_at
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.term_scan import StartScanner
from glossary_lsp.text.documents import view_document

pytestmark = pytest.mark.skipif(not StartScanner.available(), reason="ahocorasick_rs missing")

TERMS = [Term("KV cache"), Term("TTFT"), Term("Tokenizer"), Term("beam search")]
SENTENCE = "The KV cache grows while TTFT stays low; a Tokenizer and beam search help. "


def test_match_at_scans_a_window_of_a_text_seen_once(monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = TermMatcher(Glossary(terms=TERMS))
    text = SENTENCE * 2000  # ~150 KB: a whole scan would cover it all
    offset = len(text) // 2 + SENTENCE.index("TTFT") - (len(text) // 2) % len(SENTENCE)
    scanned: list[tuple[int, int]] = []
    real_scan = StartScanner._scan

    def spy(self: StartScanner, text: str, start: int, end: int):  # noqa: ANN202
        scanned.append((start, end))
        return real_scan(self, text, start, end)

    monkeypatch.setattr(StartScanner, "_scan", spy)
    found = matcher.match_at(text, offset, keep=False)
    assert found is not None and found.term.term == "TTFT"
    assert scanned and all(end - start < 1000 for start, end in scanned)
    assert matcher.find_all(text)  # a whole-text query still scans (and keeps) the whole text
    assert scanned[-1] == (0, len(text))
    copy = text.encode().decode()
    assert matcher.match_at(copy, offset) == found  # kept for the calls that follow
    assert scanned[-1] == (0, len(copy))


def test_term_at_scans_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    version = GlossaryVersion(Glossary(terms=TERMS), TermMatcher(Glossary(terms=TERMS)))
    text = SENTENCE * 2000
    scanned: list[tuple[int, int]] = []
    real_scan = StartScanner._scan

    def spy(self: StartScanner, text: str, start: int, end: int):  # noqa: ANN202
        scanned.append((start, end))
        return real_scan(self, text, start, end)

    monkeypatch.setattr(StartScanner, "_scan", spy)
    found = term_at(version, view_document("lesson.md", text), len(SENTENCE) * 1000 + 5)
    assert found is not None and found.match.term.term == "KV cache"
    assert scanned and all(end - start < 1000 for start, end in scanned)


def test_match_at_on_a_new_text_answers_as_on_a_scanned_one() -> None:
    matcher = TermMatcher(Glossary(terms=TERMS))
    text = SENTENCE * 50
    matcher.find_all(text)  # the whole text's candidates are kept
    kept = [matcher.match_at(text, offset) for offset in range(0, len(text), 7)]
    copy = text.encode().decode()  # the same text, another object: never scanned whole
    assert copy is not text
    fresh = [matcher.match_at(copy, offset, keep=False) for offset in range(0, len(text), 7)]
    assert fresh == kept and any(kept)

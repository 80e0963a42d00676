"""A large open document's spans are read once for both the analysis and the index's terms.

The analysis classifies each span it reads for the index (`SpanClassifier`), from the matches
it has at hand, so the index's `first_classified` of the same text finds every span remembered;
and two readings of one text on two threads go one after the other (`TermMatcher.reading`), the
second finding the first's spans remembered, instead of both reading them at once.
"""

from __future__ import annotations

import threading

import pytest

from glossary_lsp import matching
from glossary_lsp.course import module_terms
from glossary_lsp.course.module_terms import ModuleTerms, classified_matches, first_classified
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import analyse_view
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.text.documents import view_document

GLOSSARY = Glossary(
    terms=[
        Term("FSDP", expansion="Fully Sharded Data Parallel"),
        Term("KV cache", expansion="Key Value cache"),
        Term("prefill phase", aliases=("prefill",)),
    ]
)
LINE = "Some prose about FSDP and the KV cache, with a prefill phase. " * 4
TEXT = (
    "# Large\n\n## FSDP\n\nFSDP (Fully Sharded Data Parallel) shards.\n\n"
    + "".join(f"Paragraph {n}. {LINE}\n\n" for n in range(120))
    + "- **KV cache**: the keys and values kept\n\n[prefill](x.md) is linked\n"
)


@pytest.fixture(autouse=True)
def _small_texts_count_as_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "_REMEMBER_SPANS_OF_TEXTS_FROM", 1_000)


def _terms(terms: ModuleTerms) -> tuple:
    return (terms.terms, terms.defines, terms.headings, terms.plain, terms.firsts)


def _counting_span_firsts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = module_terms._span_firsts

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module_terms, "_span_firsts", counted)
    return calls


def test_the_index_finds_the_spans_the_analysis_read(monkeypatch: pytest.MonkeyPatch) -> None:
    version = GlossaryVersion.build(GLOSSARY)
    view = view_document("file:///c/01-large.md", TEXT, "markdown")
    calls = _counting_span_firsts(monkeypatch)
    analyse_view(version, view, remember=True)
    spans = sum(len(region.prose) for region in view.regions)
    assert len(calls) == spans  # each span classified once, by the analysis
    terms = ModuleTerms.of(first_classified(version.matcher, view))
    assert len(calls) == spans  # the index read none again
    fresh = GlossaryVersion.build(GLOSSARY)
    assert _terms(terms) == _terms(ModuleTerms.of(classified_matches(fresh.matcher, view)))


def test_an_analysis_not_remembering_classifies_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module on disk read by a course pass (`remember=False`) leaves nothing behind."""
    version = GlossaryVersion.build(GLOSSARY)
    view = view_document("file:///c/01-large.md", TEXT, "markdown")
    calls = _counting_span_firsts(monkeypatch)
    analyse_view(version, view)
    assert calls == []
    assert not version.matcher.remembered("workspace.first_classified")


def test_two_readings_of_one_text_on_two_threads_read_each_span_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    version = GlossaryVersion.build(GLOSSARY)
    view = view_document("file:///c/01-large.md", TEXT, "markdown")
    calls = _counting_span_firsts(monkeypatch)
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def analyse() -> None:
        barrier.wait()
        results["analysis"] = analyse_view(version, view, remember=True)

    def classify() -> None:
        barrier.wait()
        results["terms"] = ModuleTerms.of(first_classified(version.matcher, view))

    threads = [threading.Thread(target=analyse), threading.Thread(target=classify)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == sum(len(region.prose) for region in view.regions)
    fresh = GlossaryVersion.build(GLOSSARY)
    assert _terms(results["terms"]) == _terms(  # type: ignore[arg-type]
        ModuleTerms.of(classified_matches(fresh.matcher, view))
    )
    assert version.matcher._readings == {}  # no text kept alive by its readings


def test_a_reading_waits_for_the_one_of_the_same_text_only() -> None:
    """The same text: the same characters, as the editor's and the file's on disk are."""
    matcher = GlossaryVersion.build(GLOSSARY).matcher
    text, other = "a" * 10 + "b", "c" * 10 + "d"
    holding, release = threading.Event(), threading.Event()
    entered: list[str] = []

    def hold() -> None:
        with matcher.reading(text):
            holding.set()
            release.wait()
            entered.append("first")

    def read(which: str, source: str) -> None:
        with matcher.reading(source):
            entered.append(which)

    first = threading.Thread(target=hold)
    first.start()
    holding.wait()
    copy = text[:5] + text[5:]  # the same text, another object (the file on disk)
    assert copy is not text
    second = threading.Thread(target=read, args=("second", copy))
    second.start()
    elsewhere = threading.Thread(target=read, args=("other text", other))
    elsewhere.start()
    elsewhere.join()
    second.join(timeout=0.05)  # a reading that did not wait would be in by now
    assert entered == ["other text"]  # the same text's second reading still waits
    release.set()
    first.join()
    second.join()
    assert entered == ["other text", "first", "second"]
    with matcher.reading(text), matcher.reading(text):  # the same thread may read it again
        pass
    assert matcher._readings == {}

"""The index keeps where each term first occurs in a module, per kind (issue 17: an edit's own
diagnostics find every term's introduction without reading other modules again)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from course_helpers import build, notebook, write_course

from glossary_lsp.course.introduction import find_introduction
from glossary_lsp.course.module_terms import KINDS, Sighting
from glossary_lsp.course.pool import CoursePool, index_chunk
from glossary_lsp.course.workspace import WorkspaceIndex

MODULES = {
    "01-intro.md": "# Intro\n\nSee [the KV cache](03-serving.md) later. We train with FSDP "
    "here, and PyTorch.\n\n## LayerNorm\n\nLayerNorm is everywhere.\n",
    "02-training.md": "# Training\n\nFSDP shards the model.\n\nFSDP (Fully Sharded Data "
    "Parallel) is a way to train. A KV cache too.\n",
    "03-serving.md": "# Serving\n\nThe KV cache (key-value cache) grows; in-flight batching "
    "helps.\n\n## Continuous batching\n",
    "04-nb.ipynb": notebook(
        ("markdown", '# Notebook\n\nLayerNorm and "FlashAttention".'),
        ("code", "x = 1"),
        ("markdown", "## FlashAttention\n\nFlashAttention: a fused kernel."),
    ),
}


def expected(index: WorkspaceIndex, term, module, kind: str) -> Sighting | None:
    occurrence = index.first_occurrence(term, module, kind)
    if occurrence is None:
        return None
    start, end = occurrence.source_range()
    surface = occurrence.region.text[occurrence.start : occurrence.end]
    return Sighting(start, end, surface, occurrence.defined)


def every_case(version, index):
    for module in index.modules():
        for term in version.glossary.terms:
            for kind in KINDS:
                yield term, module, kind


@pytest.fixture
def course(tmp_path):
    root = write_course(tmp_path / "course", MODULES)
    return root, *build(root)


def no_reading(index: WorkspaceIndex, monkeypatch) -> None:
    def fail(path):
        raise AssertionError(f"read {path.name}")

    index._views.clear()
    monkeypatch.setattr(index, "_source", fail)


def test_each_kind_first_occurrence_is_kept_as_the_text_gives_it(course, monkeypatch):
    _root, version, index = course
    wanted = [(case, expected(index, *case)) for case in every_case(version, index)]
    assert any(s is not None and s.defined for _case, s in wanted)
    assert any(s is not None and s.start > 0 for _case, s in wanted)
    by_case = {(t.key, m.path, kind): s for (t, m, kind), s in wanted}
    link_only = [
        k for k in by_case if k[2] == "use" and by_case[k] and not by_case[(*k[:2], "plain")]
    ]
    assert link_only  # a link's text is a use, not a plain one
    no_reading(index, monkeypatch)
    for case, sighting in wanted:
        assert index.first_sighting(*case) == sighting, case


def test_introductions_are_found_without_reading_a_module(course, monkeypatch):
    _root, version, index = course
    located = {t.key: find_introduction(index, t) for t in version.glossary.terms}
    no_reading(index, monkeypatch)
    for term in version.glossary.terms:
        light = find_introduction(index, term, locate="sighting", indexed_only=True)
        full = located[term.key]
        if full is None:
            assert light is None
            continue
        assert light is not None and light.occurrence is None, term.key
        assert (light.module, light.reason, light.rank) == (full.module, full.reason, full.rank)
        assert (light.source_range(), light.defined) == (full.source_range(), full.defined)
        assert light.located == (full.occurrence is not None)


def test_a_module_changed_since_it_was_indexed_is_read_again(course):
    root, version, index = course
    path = root / "02-training.md"
    path.write_text("# Training\n\nMuch longer text first, then FSDP (Fully Sharded Data).\n")
    module = index.module_at(path)
    fsdp = next(t for t in version.glossary.terms if t.term == "FSDP")
    assert module is not None and not index._firsts_fresh(module)
    for kind in KINDS:
        assert index.first_sighting(fsdp, module, kind) == expected(index, fsdp, module, kind)
    assert index.first_sighting(fsdp, module).start == path.read_text().index("FSDP")


def test_an_open_document_is_indexed_with_its_text(course, monkeypatch):
    root, version, index = course
    path = root / "01-intro.md"
    index.update(path, "# Intro\n\nNo terms until here: PyTorch, then FSDP.\n")
    module = index.module_at(path)
    assert module is not None and index._firsts_fresh(module)
    wanted = [(case, expected(index, *case)) for case in every_case(version, index)]
    no_reading(index, monkeypatch)
    for case, sighting in wanted:
        assert index.first_sighting(*case) == sighting, case


def test_workers_return_the_first_occurrences_the_index_keeps(course):
    root, version, index = course
    executor = ThreadPoolExecutor(1)
    pool = CoursePool(executor, workers=1)  # writes the glossary for workers: read here
    try:
        glossary = pool.share_glossary(version.glossary)
        fresh = build(root)[1]
        fresh.set_matcher(version.matcher, index=False)
        for path, stamp, terms in index_chunk(glossary, fresh.pending_terms()):
            assert terms is not None and terms.firsts == index.module_at(path).firsts
            assert fresh.adopt_terms(path, stamp, terms)
        for case in every_case(version, index):
            term, module, kind = case
            assert fresh.first_sighting(term, fresh.module_at(module.path), kind) == (
                index.first_sighting(*case)
            )
    finally:
        pool.close()
        executor.shutdown(wait=False)

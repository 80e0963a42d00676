"""A large module read from disk gives its memory back when the course pass that read it ends
(issue 13: memory returned after close; the close's own release runs before that pass)."""

from __future__ import annotations

import pytest
from course_helpers import session_on
from lsp_helpers import copy_course

from glossary_lsp import matching
from glossary_lsp.features.diagnostics import CourseFacts
from glossary_lsp.lsp import course_pass


def test_a_course_pass_that_read_a_large_module_gives_memory_back(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = session_on(copy_course(tmp_path))
    session.index.scan()
    snapshot = session.snapshot()
    facts = CourseFacts(session.analyses, snapshot.glossary, snapshot.index, snapshot.rules())
    paths = course_pass.closed_modules(snapshot)
    released: list[bool] = []
    monkeypatch.setattr(course_pass, "release_freed_memory", lambda: released.append(True))
    expected = course_pass.diagnose_modules(snapshot, facts, paths)
    assert released == []  # small modules: no full collection, which holds the interpreter
    largest = max(path.stat().st_size for path in paths)
    monkeypatch.setattr(course_pass, "STALE_TERMS_TRUSTED_FROM", largest - 1)
    assert course_pass.diagnose_modules(snapshot, facts, paths) == expected
    assert released == [True]  # once, when the pass ends


@pytest.mark.slow
def test_a_large_documents_remembered_span_readings_are_packed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each span's reading is remembered while a large document is open: its uses are packed
    ints, not an object (with its own surface string) per use, which took about a byte per
    character of the document (issue 13: RSS ≤ 3× the open documents plus 100 MB). The
    analysis also reads each span for the index (`first_classified`): those firsts are packed
    too (a tuple per first took about 0.4 bytes per character here, packed 0.23)."""
    import gc
    import tracemalloc

    from glossary_lsp.course.module_terms import first_classified
    from glossary_lsp.features.base import GlossaryVersion
    from glossary_lsp.features.diagnostics import analyse_view
    from glossary_lsp.glossary.model import Glossary, Term
    from glossary_lsp.text.documents import view_document

    monkeypatch.setattr(matching, "_REMEMBER_SPANS_OF_TEXTS_FROM", 1_000)
    glossary = Glossary(
        terms=[
            Term("FSDP", expansion="Fully Sharded Data Parallel"),
            Term("KV cache", expansion="Key Value cache"),
            Term("prefill phase", aliases=("prefill",)),
        ]
    )
    line = "Some prose about FSDP and the KV cache, with a prefill phase. " * 16
    text = "# Large\n\n" + "".join(f"Paragraph {n}. {line}\n\n" for n in range(200))
    view = view_document("file:///course/01-large.md", text, "markdown")
    version = GlossaryVersion.build(glossary)
    for region in view.regions:  # matches remembered, memos warm: only the readings are new
        for start, end in region.prose:
            version.matcher.find_all(region.text, start, end)
    analyse_view(version, view)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        first_classified(version.matcher, view)
        gc.collect()
        classified = tracemalloc.get_traced_memory()[0] - before
        kept = analyse_view(version, view, remember=True)
        del kept
        gc.collect()
        remembered = tracemalloc.get_traced_memory()[0] - before - classified
    finally:
        tracemalloc.stop()
    assert version.matcher.remembered("diagnostics.analysis")
    assert remembered < 0.5 * len(text), remembered / len(text)
    assert classified < 0.3 * len(text), classified / len(text)

"""A large module read from disk gives its memory back when the course pass that read it ends
(issue 13: memory returned after close; the close's own release runs before that pass)."""

from __future__ import annotations

import pytest
from lsp_helpers import copy_course

from glossary_lsp.features.diagnostics import CourseFacts
from glossary_lsp.lsp import course_pass
from glossary_lsp.lsp.session import Session


def test_a_course_pass_that_read_a_large_module_gives_memory_back(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = Session()
    session.roots = [copy_course(tmp_path)]
    session.take_settings({}, force=True)
    session.reload_glossary(force=True)
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

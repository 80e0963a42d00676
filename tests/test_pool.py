"""The worker pool for course-wide work (issue 17): same results as in-thread, cancellation,
fallback, and no process left behind."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from course_helpers import build, notebook, session_on, write_course
from lsp_helpers import copy_course

from glossary_lsp.course import pool as pool_module
from glossary_lsp.course.module_terms import ModuleTerms
from glossary_lsp.course.pool import CoursePool, chunks, index_chunk, shared, worker_count
from glossary_lsp.features.diagnostics import CourseFacts
from glossary_lsp.lsp import course_pass
from glossary_lsp.lsp.diagnostics import Diagnostics, changed_terms
from glossary_lsp.lsp.publisher import DiagnosticsPublisher
from glossary_lsp.lsp.session import Session

MODULES = {
    "01-intro.md": "# Intro\n\nWe train with FSDP here. A KV cache and PyTorch.\n",
    "02-training.md": "# FSDP\n\nFSDP (Fully Sharded Data Parallel) shards the model. See "
    "[the KV cache](03-serving.md).\n",
    "03-serving.md": "# Serving\n\nThe KV cache (key-value cache) grows with the sequence; "
    "in-flight batching helps.\n",
    "04-nb.ipynb": notebook(("markdown", "# Notebook\n\nLayerNorm and FlashAttention.")),
}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture
def fallback():
    executor = ThreadPoolExecutor(1)
    yield executor
    executor.shutdown(wait=False)


def test_worker_count_is_a_worker_per_core_up_to_two():
    assert [worker_count(cores) for cores in (1, 2, 3, 8)] == [1, 2, 2, 2]
    assert chunks(list(range(45)), 20) == [
        list(range(20)),
        list(range(20, 40)),
        [40, 41, 42, 43, 44],
    ]


def test_workers_index_modules_as_the_index_does(tmp_path, fallback):
    root = write_course(tmp_path / "course", MODULES)
    version, index = build(root)
    pool = CoursePool(fallback, workers=1)
    try:
        glossary = pool.share_glossary(version.glossary)
        fresh = build(root)[1]
        fresh.set_matcher(version.matcher, index=False)
        pending = fresh.pending_terms()
        assert [path.name for path, _stamp, _text in pending] == sorted(MODULES)
        found = asyncio.run(pool.run(index_chunk, glossary, pending))
        assert pool.processes() and not pool.in_thread  # it ran in another process
        for path, stamp, terms in found:
            assert terms == index.terms_of(path), path.name
            assert fresh.adopt_terms(path, stamp, terms)
            assert not fresh.adopt_terms(path, stamp, terms)  # already indexed
        assert all(module.terms_known for module in fresh.modules())
        assert ModuleTerms.of([]) == ModuleTerms.none()
    finally:
        pool.close()


def test_a_module_changed_since_it_was_read_is_not_adopted(tmp_path):
    root = write_course(tmp_path / "course", MODULES)
    version, index = build(root)
    index.set_matcher(version.matcher, index=False)
    path, _stamp, _text = next(
        item for item in index.pending_terms() if item[0].name == "01-intro.md"
    )
    path.write_text("# Intro\n\nNothing here any more, not even a longer sentence.\n")
    stale = ModuleTerms(frozenset({"fsdp"}), frozenset(), frozenset(), frozenset())
    assert not index.adopt_terms(path, ("old", 0), stale)
    assert not index.adopt_terms(path, None, stale)
    assert index.terms_of(path) is None


def test_the_replica_travels_and_orders_the_course_alike(tmp_path):
    root = write_course(tmp_path / "course", MODULES)
    _version, index = build(root)
    open_path = root / "03-serving.md"
    copy = pickle.loads(pickle.dumps(index.replica({open_path: "# Serving\n\nEdited.\n"})))
    assert [m.id for m in copy.modules()] == [m.id for m in index.modules()]
    assert copy.terms_of(root / "01-intro.md") == index.terms_of(root / "01-intro.md")
    assert copy.view(copy.module_at(open_path)).source == "# Serving\n\nEdited.\n"
    assert copy.matcher is None


def test_the_course_pass_in_a_worker_publishes_what_the_thread_does(tmp_path, fallback):
    course = copy_course(tmp_path)
    session = session_on(course)
    session.index.scan()
    snapshot = session.snapshot()
    facts = CourseFacts(session.analyses, snapshot.glossary, snapshot.index, snapshot.rules())
    paths = course_pass.closed_modules(snapshot)
    assert len(paths) == 6
    expected = course_pass.diagnose_modules(snapshot, facts, paths)
    assert any(diagnostics for _uri, diagnostics, _version in expected)
    pool = CoursePool(fallback, workers=1)
    try:
        glossary = pool.share_glossary(snapshot.glossary.glossary)
        context = course_pass.share_course(pool, snapshot)
        found, explained = asyncio.run(
            pool.run(course_pass.diagnose_chunk, context, glossary, paths)
        )
        assert not pool.in_thread
        assert found == expected
        assert {path.name for path, _stamp, keys in explained if "fsdp" in keys} == {
            "05-distributed-training.md"
        }
    finally:
        pool.close()
        session.close()


def test_without_processes_the_work_runs_in_thread(tmp_path, fallback, monkeypatch):
    root = write_course(tmp_path / "course", MODULES)
    version, index = build(root)

    class NoProcesses:
        def __getattr__(self, name):
            raise OSError("no processes here")

    monkeypatch.setattr(pool_module, "_context", lambda: NoProcesses())
    pool = CoursePool(fallback, workers=1)
    glossary = pool.share_glossary(version.glossary)
    index.set_matcher(version.matcher, index=False)
    found = asyncio.run(pool.run(index_chunk, glossary, index.pending_terms()))
    assert pool.in_thread and len(found) == len(MODULES)
    handle = pool.share("course", {"plain": "data"})  # now kept in this process
    assert shared(handle) == {"plain": "data"}
    pool.close()


def test_closing_the_pool_ends_its_workers_even_mid_task(tmp_path, fallback):
    pool = CoursePool(fallback, workers=1)

    async def start_and_close() -> list[int]:
        running = asyncio.ensure_future(pool.run(time.sleep, 30))
        await asyncio.sleep(0)
        pids = []
        for _ in range(100):
            pids = pool.processes()
            if pids:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the task is running in the worker
        pool.close()
        with pytest.raises((asyncio.CancelledError, Exception)):
            await asyncio.wait_for(running, 10)
        return pids

    pids = asyncio.run(start_and_close())
    assert pids
    assert wait_gone(pids) == []


def test_workers_end_when_the_server_dies_without_closing(tmp_path):
    script = textwrap.dedent(
        """
        import asyncio, os, sys, time
        from concurrent.futures import ThreadPoolExecutor
        from glossary_lsp.course.pool import CoursePool

        pool = CoursePool(ThreadPoolExecutor(1), workers=1)
        print(asyncio.run(pool.run(os.getpid)), flush=True)
        os._exit(0)  # killed: no shutdown, no atexit
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    worker = int(done.stdout.split()[0])
    assert worker != os.getpid()
    assert wait_gone([worker]) == []


def test_only_the_terms_whose_place_changed_reach_other_modules():
    def terms(used, defines=(), headings=(), plain=None):
        plain = used if plain is None else plain
        return ModuleTerms(
            frozenset(used), frozenset(defines), frozenset(headings), frozenset(plain)
        )

    before = terms({"fsdp", "kv"}, {"fsdp"})
    assert changed_terms(before, before) == set()
    assert changed_terms(before, terms({"fsdp", "kv", "hbm"}, {"fsdp"})) == {"hbm"}
    assert changed_terms(before, terms({"fsdp", "kv"})) == {"fsdp"}  # no longer defined here
    assert changed_terms(before, terms({"fsdp", "kv"}, {"fsdp"}, {"kv"})) == {"kv"}
    assert changed_terms(before, terms({"fsdp", "kv"}, {"fsdp"}, plain={"kv"})) == {"fsdp"}


def course_session(root: Path) -> Session:
    session = session_on(root)
    session.index.scan()
    return session


def test_an_edit_rediagnoses_only_the_modules_using_a_term_whose_place_changed(tmp_path):
    root = write_course(tmp_path / "course", MODULES)
    session = course_session(root)
    sent: list = []
    diagnostics = Diagnostics(session, DiagnosticsPublisher(sent.append, lambda uri: None))
    index = session.index
    edited = root / "03-serving.md"

    async def scenario() -> list[set[Path] | None]:
        scopes = []
        before = index.terms_of(edited)
        edited.write_text(edited.read_text() + "\nA longer sentence, no new term.\n")
        index.refresh(edited)
        diagnostics.module_changed(edited, before, index.terms_of(edited))
        scopes.append(diagnostics._scope)  # nothing can change elsewhere: no pass
        before = index.terms_of(edited)
        edited.write_text(edited.read_text() + "\nFSDP (Fully Sharded Data Parallel) here.\n")
        index.refresh(edited)
        diagnostics.module_changed(edited, before, index.terms_of(edited))
        scopes.append(set(diagnostics._scope or ()))
        diagnostics.cancel_all()
        return scopes

    nothing, fsdp = asyncio.run(scenario())
    assert nothing == set()
    # FSDP is now defined in 03 as well: 01 and 02 use it; 04 (no FSDP) is not diagnosed again
    assert fsdp == {root / "01-intro.md", root / "02-training.md", edited}
    session.close()


def test_a_course_pass_on_the_pool_publishes_every_closed_module(tmp_path, monkeypatch):
    files = {f"{n:02d}-m.md": f"# M{n}\n\nWe use the KV cache in {n}.\n" for n in range(1, 45)}
    files["45-m.md"] = "# M45\n\nThe KV cache (key-value cache) is introduced here.\n"
    root = write_course(tmp_path / "course", files)
    session = course_session(root)
    sent: list = []
    diagnostics = Diagnostics(session, DiagnosticsPublisher(sent.append, lambda uri: None))
    session.indexed.set()

    async def scenario() -> None:
        diagnostics.schedule_workspace_pass(delay=0)
        await asyncio.sleep(0.05)
        await asyncio.wait_for(diagnostics._current_pass, 60)

    asyncio.run(scenario())
    assert session.pool.processes(), "the pass ran in worker processes"
    published = {Path(params.uri.removeprefix("file://")).name for params in sent}
    assert {f"{n:02d}-m.md" for n in range(1, 45)} <= published  # used before 45 introduces it
    codes = {d.code for params in sent if params.uri.endswith("-m.md") for d in params.diagnostics}
    assert codes == {"usedBeforeIntroduced"}
    session.close()


NOTEBOOKS = [
    notebook(
        ("markdown", '---\ntitle: Serving\norder: 3\n---\n# The \\"KV\\" cache\n'),
        ("code", "x = 1"),
    ),
    notebook(("raw", "---\nid: raw-first\n---\n"), ("markdown", "Intro.\n\n# Heading later\n")),
    notebook(
        ("code", "# not a heading: code\n"), ("markdown", "# Caf\u00e9 \u00e9t\u00e9 \U0001f9e0\n")
    ),
    notebook(("markdown", "No heading at all, but LayerNorm\nsplit across lines.")),
    notebook(),
]


@pytest.mark.parametrize("source", NOTEBOOKS)
def test_a_notebook_is_described_without_reading_its_prose_alike(tmp_path, source):
    from glossary_lsp.course.module_text import heading_of, notebook_header, view_module

    view = view_module(tmp_path / "n.ipynb", source)
    assert notebook_header(source) == (view.front_matter, heading_of(view))


def test_a_notebook_not_in_plain_nbformat_4_is_left_to_the_notebook_reader():
    from glossary_lsp.course.module_text import notebook_header, notebook_text

    v3 = '{"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "heading", "source": "x"}]}]}'
    for source in ("{not json", "[]", v3, '{"nbformat": 4, "cells": [{"source": 3}]}'):
        assert notebook_header(source) is None and notebook_text(source) is None
    assert "LayerNorm\nsplit" in notebook_text(NOTEBOOKS[3])


def test_an_unindexed_notebook_is_searched_in_its_cells_text(tmp_path):
    files = {
        "01-a.md": "# A\n\nNothing.\n",
        "02-nb.ipynb": notebook(("markdown", "# NB\n\nThe KV\ncache, split by a line break.")),
        "03-c.md": "# C\n\nThe KV cache again.\n",
    }
    root = write_course(tmp_path / "course", files)
    version, index = build(root)
    index.set_matcher(version.matcher, index=False)  # nothing indexed: searched in the text
    term = version.glossary.lookup("KV cache")
    found = index.first_occurrence(term)
    assert found is not None and found.module.path.name == "02-nb.ipynb"
    assert index.first_occurrence(version.glossary.lookup("HBM")) is None


def test_a_whole_course_pass_overtaken_still_has_the_open_documents_analysed_again(tmp_path):
    """Documents opened while the course indexed were analysed without the modules not indexed
    yet: the pass over every module analyses them again, even when a pass for an edit cancels
    it before its end (their stale first-use findings stayed published until the next edit)."""
    from lsprotocol import types

    root = write_course(tmp_path / "course", MODULES)
    session = course_session(root)
    opened = root / "03-serving.md"
    session.documents.open_text(
        types.TextDocumentItem(opened.as_uri(), "markdown", 1, opened.read_text())
    )
    diagnostics = Diagnostics(session, DiagnosticsPublisher(lambda params: None, lambda u: None))
    settled: list[str] = []
    diagnostics.document_settled = settled.append  # type: ignore[method-assign]
    slow = diagnostics._workspace

    def first_slow(*args):
        if not settled and not getattr(first_slow, "ran", False):
            first_slow.ran = True  # type: ignore[attr-defined]
            time.sleep(0.3)  # the whole-course pass is still running when the edit's comes
        return slow(*args)

    diagnostics._workspace = first_slow  # type: ignore[method-assign]

    async def scenario() -> list[str]:
        diagnostics.schedule_workspace_pass(delay=0)  # after indexing: every module
        await asyncio.sleep(0.1)
        whole = diagnostics._current_pass
        diagnostics.schedule_workspace_pass(delay=0, only={root / "01-intro.md"})  # an edit's
        await asyncio.sleep(0.05)
        assert whole is not None and whole.cancelled()
        await asyncio.wait_for(diagnostics._current_pass, 30)
        return settled

    assert asyncio.run(scenario()) == [opened.as_uri()]
    session.close()


def test_a_documents_diagnostics_take_what_workers_found_of_the_other_modules(tmp_path):
    """After a pass in the workers, an edited document's diagnostics need no analysis of the
    other modules in this process (each earlier user of its terms was analysed again, in-thread:
    30 s of CPU in the middle of 840 modules), and are the same as with their full analyses."""
    from glossary_lsp.features.diagnostics import CourseDiagnostics
    from glossary_lsp.lsp.analyses import SessionAnalyses
    from glossary_lsp.text.documents import view_document

    course = copy_course(tmp_path)
    session = course_session(course)
    snapshot = session.snapshot()
    rules = snapshot.rules()
    explained: list = []
    workers = CourseDiagnostics()  # what a worker holds
    facts = CourseFacts(workers, snapshot.glossary, snapshot.index, rules)
    course_pass.diagnose_modules(snapshot, facts, course_pass.closed_modules(snapshot), explained)
    analyses = SessionAnalyses()
    analyses.adopt_explained(snapshot.glossary.matcher, rules.code_comments, explained)
    diagnosed: set[Path] = set()
    rules_found: set[str] = set()
    for name in ("03-self-attention.md", "06-serving.ipynb", "04-high-level-overview.md"):
        path = course / name
        diagnosed.add(path)
        source = path.read_text(encoding="utf-8")
        edited = source if path.suffix == ".ipynb" else source + "\nFSDP again, and the KV cache.\n"
        view = view_document(str(path), edited)
        light = analyses.document(snapshot.glossary, snapshot.index, path, view, rules)
        full = CourseDiagnostics().document(snapshot.glossary, snapshot.index, path, view, rules)
        assert light == full, name
        assert set(analyses._cache) <= diagnosed, "no other module analysed here"
        rules_found |= {finding.rule for finding in light}
    assert "usedBeforeIntroduced" in rules_found
    session.close()


def test_a_document_diagnosed_before_any_pass_leaves_out_the_modules_not_analysed(tmp_path):
    """Before a pass analysed the other modules (the first one runs for seconds in the workers),
    a document's diagnostics leave them out rather than analyse them all here, say so
    (`incomplete`), and are complete the next time (after the pass, or asked to be)."""
    from glossary_lsp.features.diagnostics import CourseDiagnostics
    from glossary_lsp.lsp.analyses import SessionAnalyses
    from glossary_lsp.text.documents import view_document

    course = copy_course(tmp_path)
    session = course_session(course)
    snapshot = session.snapshot()
    rules = snapshot.rules()
    path = course / "03-self-attention.md"
    view = view_document(str(path), path.read_text(encoding="utf-8") + "\nFSDP again.\n")
    analyses = SessionAnalyses()
    analyses.document(snapshot.glossary, snapshot.index, path, view, rules)
    assert analyses.incomplete[path] and path not in analyses.incomplete[path]
    assert set(analyses._cache) <= {path}, "nothing else analysed"
    analyses.diagnose_completely(path)
    complete = analyses.document(snapshot.glossary, snapshot.index, path, view, rules)
    assert path not in analyses.incomplete
    assert complete == CourseDiagnostics().document(
        snapshot.glossary, snapshot.index, path, view, rules
    )
    session.close()

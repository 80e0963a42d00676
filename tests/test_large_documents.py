"""Large documents: a superseded analysis stops between chunks of prose; a view is shared by
source, and let go with its document."""

from __future__ import annotations

import gc
import weakref

import pytest

from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import analyse_view
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.lsp.diagnostics import Superseded, cancellable
from glossary_lsp.text.documents import view_document

GLOSSARY = """\
version: 1
terms:
  - term: KV cache
    definition: Keys and values kept between decoding steps.
"""
PARAGRAPH = "The KV cache grows with every token of the prompt.\n\n"


def test_a_superseded_analysis_stops_between_chunks_of_prose() -> None:
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, "glossary.yaml"))
    view = view_document("file:///c/01.md", "# Title\n\n" + PARAGRAPH * 1000, "markdown")
    checks = []

    def superseded() -> bool:
        checks.append(1)
        return len(checks) > 3  # the document moves on while the analysis runs

    with pytest.raises(Superseded):
        analyse_view(version, cancellable(view, superseded))
    assert len(checks) == 4
    whole = analyse_view(version, cancellable(view, lambda: False))  # not superseded: the same
    assert whole.first_use.keys() == analyse_view(version, view).first_use.keys()


def test_views_are_shared_by_source_and_let_go_with_it() -> None:
    text = "# Title\n\n" + PARAGRAPH * 10
    view = view_document("file:///c/01.md", text, "markdown")
    assert view_document("/c/01.md", text) is view  # the index's view of the same text
    alive = weakref.ref(view)
    del view
    gc.collect()
    assert alive() is None  # the shared views keep no closed document's view alive


@pytest.mark.slow
def test_a_large_module_answers_from_its_indexed_terms_only(tmp_path) -> None:  # noqa: ANN001
    from glossary_lsp.course.workspace import STALE_TERMS_TRUSTED_FROM, WorkspaceIndex

    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, "glossary.yaml"))
    text = "# Large\n\n" + PARAGRAPH * (STALE_TERMS_TRUSTED_FROM // len(PARAGRAPH) + 1)
    path = tmp_path / "01-large.md"
    path.write_text(text, encoding="utf-8")
    index = WorkspaceIndex([tmp_path], matcher=version.matcher)
    index.list_modules()
    module = index.module_at(path)
    term = version.glossary.lookup("KV cache")
    assert module is not None and term is not None and not module.terms_known
    assert not index.may_introduce(module, term, "defined")  # not searched per request
    index.index_terms()
    module = index.module_at(path)
    assert module is not None and module.terms_known
    assert index.may_introduce(module, term, "use")
    first = index.first_occurrence(term, module)
    assert first is not None and first.source_range()[0] == text.index("KV cache")
    view = index.view(module)
    assert view is not None
    alive = weakref.ref(view)
    del view, first
    gc.collect()
    assert alive() is None  # a huge file on disk is read again when needed, not kept


def test_edits_settling_during_a_refresh_coalesce_into_one_more(tmp_path) -> None:  # noqa: ANN001
    import asyncio
    from types import SimpleNamespace

    from glossary_lsp.lsp import lifecycle
    from glossary_lsp.lsp.session import Session

    path = tmp_path / "01-module.md"
    path.write_text("# A module\n", encoding="utf-8")
    uri = path.as_uri()
    refreshed: list[tuple] = []
    settled: list[str] = []
    changed: list[object] = []

    async def scenario() -> None:
        session = Session()
        session.roots = [tmp_path]
        session.take_settings({}, force=True)
        gate = asyncio.Event()

        async def run(work, *args):  # noqa: ANN001, ANN202 - the executor, held at a gate
            refreshed.append(args)
            await gate.wait()

        session.run = run  # type: ignore[method-assign]

        async def analysed(uri: str) -> None:
            return None

        diagnostics = SimpleNamespace(
            document_settled=lambda uri, edited=False: settled.append(uri),
            analysed=analysed,
            module_changed=lambda path, before, after: changed.append(path),
        )
        ls = SimpleNamespace(session=session, pending_edits={}, diagnostics=diagnostics)
        first = asyncio.create_task(lifecycle.settle_document(ls, uri))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        more = [  # three more edits settle while the first refresh runs
            asyncio.create_task(lifecycle.settle_document(ls, uri))  # type: ignore[arg-type]
            for _ in range(3)
        ]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(first, *more)

    asyncio.run(scenario())
    assert len(refreshed) == 2  # the running refresh, then one for the newest text
    assert settled == [uri] * 4  # each settle has its own analysis looked at (they coalesce)
    assert changed == [path]  # the course hears once, after the newest text's refresh


def test_background_work_after_the_session_closes_is_cancelled_not_an_error() -> None:
    import asyncio

    from glossary_lsp.lsp.session import Session

    session = Session()
    session.close()

    async def scenario() -> None:
        with pytest.raises(asyncio.CancelledError):
            await session.run(len, "text")
        with pytest.raises(asyncio.CancelledError):
            await session.run_for_request(len, "text")

    asyncio.run(scenario())

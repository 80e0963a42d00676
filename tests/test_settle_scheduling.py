"""What runs between an edit and its diagnostics (issue 13 item 5): an analysis superseded while
it runs publishes nothing, one already reading the version an edit's settle asks for is not run
again, and a refresh of the index is not run again for a text it already read."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from course_helpers import session_on
from lsprotocol import types

from glossary_lsp.lsp import documents, lifecycle
from glossary_lsp.lsp.diagnostics import Diagnostics
from glossary_lsp.lsp.publisher import DiagnosticsPublisher
from glossary_lsp.lsp.session import Session

TEXT = "# Serving\n\n" + "".join(
    f"We use FSDP and the KV cache in part {n}.\n\n" for n in range(40)
)


def open_session(root: Path) -> tuple[Session, str]:
    session = session_on(root)
    path = root / "01-serving.md"
    path.write_text(TEXT, encoding="utf-8")
    session.index.scan()
    uri = path.as_uri()
    session.documents.open_text(types.TextDocumentItem(uri, "markdown", 1, TEXT))
    return session, uri


def edit(session: Session, uri: str, version: int) -> None:
    at = types.Position(line=2, character=0)
    session.documents.change_text(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangePartial(range=types.Range(at, at), text="Edited. ")],
        "utf-16",
    )


def test_a_superseded_analysis_publishes_nothing_and_the_newest_version_is_analysed(tmp_path):
    session, uri = open_session(tmp_path)
    sent: list[types.PublishDiagnosticsParams] = []
    current = lambda uri: session.snapshot().version_of(uri)  # noqa: E731
    diagnostics = Diagnostics(session, DiagnosticsPublisher(sent.append, current))
    gate = session.gate
    gate.cap = 60.0  # nothing lapses: the analysis waits at its first span until released

    async def scenario() -> None:
        gate.hold(("request", 1))
        diagnostics.document_settled(uri)  # version 1: waits at the gate
        await asyncio.sleep(0.1)
        edit(session, uri, 2)
        diagnostics.document_settled(uri, edited=True)  # version 2 settles meanwhile
        gate.release(("request", 1))
        await asyncio.wait_for(diagnostics.analysed(uri), 60)

    asyncio.run(scenario())
    session.close()
    assert [params.version for params in sent] == [2]
    assert sent[0].diagnostics, "the newest version's findings are published"


def test_an_edits_settle_does_not_analyse_again_the_version_being_analysed(tmp_path):
    session, uri = open_session(tmp_path)
    diagnostics = Diagnostics(session, DiagnosticsPublisher(lambda params: None, lambda u: None))
    analysed: list[int | None] = []
    release = asyncio.Event()

    async def run(work, snapshot, *args):  # noqa: ANN001, ANN202 - the executor, held
        analysed.append(snapshot.version_of(uri))
        await release.wait()
        return []

    session.run = run  # type: ignore[method-assign]

    async def scenario() -> None:
        diagnostics.document_settled(uri)
        await asyncio.sleep(0)
        diagnostics.document_settled(uri, edited=True)  # the edits of version 1: being read
        release.set()
        await diagnostics.analysed(uri)
        release.clear()
        diagnostics.document_settled(uri)
        await asyncio.sleep(0)
        edit(session, uri, 2)
        diagnostics.document_settled(uri, edited=True)  # a newer version: analysed after
        diagnostics.document_settled(uri, edited=True)
        release.set()
        await diagnostics.analysed(uri)
        release.clear()
        diagnostics.document_settled(uri)
        await asyncio.sleep(0)
        diagnostics.document_settled(uri)  # not an edit (the index changed): analysed again
        release.set()
        await diagnostics.analysed(uri)

    asyncio.run(scenario())
    session.close()
    assert analysed == [1, 1, 2, 2, 2]


def test_a_refresh_asked_for_while_one_reads_the_same_text_is_not_run_again(tmp_path):
    session, uri = open_session(tmp_path)
    path = tmp_path / "01-serving.md"
    refreshed: list[str | None] = []
    release = asyncio.Event()

    async def run(work, *args):  # noqa: ANN001, ANN202 - the executor, held
        refreshed.append(session.documents.current().source_of(path))
        await release.wait()

    session.run = run  # type: ignore[method-assign]

    async def scenario() -> list[bool]:
        first = asyncio.create_task(lifecycle.refresh_module(session, path))
        await asyncio.sleep(0)
        same = asyncio.create_task(lifecycle.refresh_module(session, path))
        await asyncio.sleep(0)
        release.set()
        results = list(await asyncio.gather(first, same))
        release.clear()
        first = asyncio.create_task(lifecycle.refresh_module(session, path))
        await asyncio.sleep(0)
        edit(session, uri, 2)
        newer = asyncio.create_task(lifecycle.refresh_module(session, path))
        await asyncio.sleep(0)
        release.set()
        return results + list(await asyncio.gather(first, newer))

    results = asyncio.run(scenario())
    session.close()
    assert results == [True, False, True, False]  # a call that joined returns when it ended
    assert len(refreshed) == 3  # once for version 1, then the running one once more for 2
    assert refreshed[1] is refreshed[0] and refreshed[2] is not refreshed[1]


def test_a_large_documents_index_entry_is_refreshed_before_its_one_analysis(tmp_path, monkeypatch):
    session, uri = open_session(tmp_path)
    monkeypatch.setattr(documents, "LARGE_DOCUMENT_CHARS", len(TEXT))
    order: list[str] = []

    async def run(work, *args):  # noqa: ANN001, ANN202
        order.append("refresh")

    session.run = run  # type: ignore[method-assign]
    changed: list[bool] = []
    diagnostics = SimpleNamespace(
        document_settled=lambda uri, edited=False: order.append(f"analysis (edited: {edited})"),
        module_changed=lambda path, before, after, analysed_after=False: changed.append(
            analysed_after
        ),
    )
    ls = SimpleNamespace(session=session, pending_edits={}, diagnostics=diagnostics)
    asyncio.run(lifecycle.settle_document(ls, uri))  # type: ignore[arg-type]
    session.close()
    # an analysis that began before the refresh ended is run again after it
    assert order == ["refresh", "analysis (edited: False)"]
    assert changed == [True]  # the module itself is not analysed again for its new terms

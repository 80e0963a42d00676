"""A request on a small open document takes its new version's view on the event loop: during
an edit burst it answers from the version the editor has now, without a trip to the request
thread that the next edit overtakes ("content modified"); a large one's view is still built
off the loop (issue 17, bad input)."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from glossary_lsp.lsp import requests
from glossary_lsp.lsp.session import Session

URI = "file:///course/01-serving.md"
TEXT = "# Serving\n\nThe KV cache grows with the prompt.\n"


def edited(session: Session, text: str) -> None:
    session.documents.open_text(types.TextDocumentItem(URI, "markdown", 1, text))
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(2, 0), types.Position(2, 0)), text="Now "
    )
    session.documents.change_text(
        types.VersionedTextDocumentIdentifier(version=2, uri=URI), [change], session.client.codec
    )


def test_a_small_edited_document_is_viewed_on_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = Session()
    try:
        edited(session, TEXT)

        async def off_the_loop(work, *args):  # noqa: ANN001, ANN202
            raise AssertionError("the request thread was used")

        monkeypatch.setattr(session, "run_for_request", off_the_loop)
        params = types.HoverParams(types.TextDocumentIdentifier(URI), types.Position(2, 8))
        assert requests.ready_at_position(session, params)
        found = asyncio.run(requests.view_at(session, URI, types.Position(2, 8)))
        assert found is not None
        _snapshot, view, offset = found
        assert view.source.startswith("# Serving\n\nNow The KV cache")
        assert view.source[offset : offset + 2] == "KV"
    finally:
        session.close()


def test_a_large_edited_document_is_viewed_off_the_event_loop() -> None:
    session = Session()
    try:
        edited(session, TEXT + "More prose. " * (requests.INLINE_VIEW_CHARS // 10))
        params = types.HoverParams(types.TextDocumentIdentifier(URI), types.Position(2, 8))
        assert not requests.ready_at_position(session, params)
        found = asyncio.run(requests.view_at(session, URI, types.Position(2, 8)))
        assert found is not None and found[1].source.startswith("# Serving\n\nNow The KV")
    finally:
        session.close()

"""The pygls server and protocol: the object pygls drives, holding the session.

`GlossaryProtocol` keeps pygls' message handling but owns document synchronisation (the open
documents live in `Session.documents`, applied to the spec by `lsp/sync.py`) and answers every
request it cannot read with a JSON-RPC error. `GlossaryServer` logs errors instead of showing
them in a message box: a message box is only for what the user must act on.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Generator
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from glossary_lsp import __version__
from glossary_lsp.lsp.diagnostics import Diagnostics
from glossary_lsp.lsp.gate import READING
from glossary_lsp.lsp.publisher import DiagnosticsPublisher
from glossary_lsp.lsp.session import Session
from glossary_lsp.lsp.stdio import loop_can_read, serve_on_loop

log = logging.getLogger(__name__)

NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(
            notebook="jupyter-notebook",
            cells=[
                types.NotebookCellLanguage(language="markdown"),
                types.NotebookCellLanguage(language="python"),
            ],
        )
    ],
    save=True,
)


class GlossaryProtocol(LanguageServerProtocol):
    """pygls' protocol with the document store of the session and readable errors.

    JSON-RPC allows a request without `params` (vscode-languageclient sends custom requests
    so); pygls would fail to read it and never answer.

    A message read holds the session's request gate until it is handled, a request until its
    answer is written (`lsp.gate`: the analyses wait meanwhile).
    """

    _server: GlossaryServer

    def handle_message(self, message: Any) -> None:
        gate = self._server.session.gate
        if _is_request(message) and not self._shutdown:
            gate.hold(("request", message.id))
        try:
            super().handle_message(message)
        finally:
            gate.release(READING)

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        try:
            super()._send_response(msg_id, result, error)
        finally:
            self._server.session.gate.release(("request", msg_id))

    def structure_message(self, data: dict[str, Any]) -> Any:
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data  # a nested object of the message being read
        if "method" in data and "params" not in data:
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            log.warning("unreadable %s message: %s", data.get("method", "?"), error)
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
            raise

    # pygls would apply changes to its own workspace, line by line over `str.splitlines()`;
    # these replace its built-in handlers and keep the documents in the session instead.

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.session.documents.open_text(params.text_document)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        session = self._server.session
        session.documents.change_text(
            params.text_document, list(params.content_changes), session.client.codec
        )
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.session.documents.close_text(params.text_document.uri)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def lsp_notebook_document__did_open(
        self, params: types.DidOpenNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.session.documents.open_notebook(params)
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: types.DidChangeNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        session = self._server.session
        session.documents.change_notebook(params, session.client.codec)
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def lsp_notebook_document__did_close(
        self, params: types.DidCloseNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_CLOSE, params)
        # after the handler: it reads the notebook's cells before they go
        self._server.session.documents.close_notebook(params)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        self._server.stop_background_work()
        return (yield from super().lsp_shutdown(*args))


def _is_request(message: Any) -> bool:
    return getattr(message, "method", None) is not None and getattr(message, "id", None) is not None


class GlossaryServer(LanguageServer):
    """The pygls server of one session; `handlers.register` adds every LSP method."""

    def __init__(self) -> None:
        super().__init__(
            "glossary-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=NOTEBOOK_SYNC,
            protocol_cls=GlossaryProtocol,
        )
        self.session = Session()
        self.publisher = DiagnosticsPublisher(
            self.text_document_publish_diagnostics,
            lambda uri: self.session.snapshot().version_of(uri),
        )
        self.diagnostics = Diagnostics(self.session, self.publisher)
        self.shutdown_requested = False
        self.pending_edits: dict[str, asyncio.TimerHandle] = {}  # URI key -> settle timer
        self.shown_messages: set[str] = set()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls' stdio server, standard input read by the event loop (`lsp.stdio`)."""
        stdin = stdin or sys.stdin.buffer
        if not loop_can_read(stdin):
            super().start_io(stdin, stdout)
            return
        gate = self.session.gate
        serve_on_loop(self, stdin, stdout or sys.stdout.buffer, lambda: gate.hold(READING))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log it; pygls' default also pops a message box in the editor for each one.

        A request's error already went to the client as its answer (unexpected failures are
        logged with their traceback by `handlers.guarded`): it is logged at info level.
        """
        name = getattr(source, "__name__", str(source))
        level = logging.INFO if name == "FeatureRequestError" else logging.ERROR
        log.log(level, "%s: %s", name, error)

    def stop_background_work(self) -> None:
        self.shutdown_requested = True
        for timer in self.pending_edits.values():
            timer.cancel()
        self.pending_edits.clear()
        self.diagnostics.cancel_all()
        self.session.close()

    def show_message(self, message: str, kind: types.MessageType) -> None:
        """A message box, for what the user must act on; logged too."""
        log.warning("%s", message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception as error:  # before initialization there is no client
            log.info("message not shown: %s", error)

    @property
    def exit_code(self) -> int:
        """0 after `shutdown`, else 1, as the spec asks of `exit`."""
        return 0 if self.shutdown_requested else 1

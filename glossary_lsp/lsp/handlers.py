"""Every LSP method and command the server answers, registered in one function.

`register(server)` is the table of contents of the server: a method missing here is not
served, and a handler module that fails to import fails the server's start, loudly. To add a
request: write `async def my_request(session, params)` in `requests.py` (snapshot → feature →
`convert`), then add one `request(...)` line below; its `ready` tells when it can answer
without waiting (the default: always; `None`: never).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from glossary_lsp.features import code_actions
from glossary_lsp.lsp import lifecycle, requests
from glossary_lsp.lsp.documents import return_large_blocks
from glossary_lsp.lsp.server import GlossaryServer
from glossary_lsp.lsp.session import Session

log = logging.getLogger(__name__)

TERMS_REQUEST = "glossaryLsp/terms"
COURSE_REQUEST = "glossaryLsp/course"
FIRST_INTRODUCTION_COMMAND = "glossaryLsp.firstIntroduction"

Handler = Callable[..., Coroutine[Any, Any, Any]]
Ready = Callable[[Session, Any], bool]


def create_server() -> GlossaryServer:
    return_large_blocks()  # a closed large document's memory goes back to the system
    server = GlossaryServer()
    register(server)
    return server


def guarded(handler: Handler, fallback: Callable[..., Any] = lambda *args: None) -> Handler:
    """Bad input never kills the server: an unexpected error is logged and answered with the
    fallback (a JSON-RPC error the handler raised on purpose goes to the client)."""

    @functools.wraps(handler)
    async def answer(*args: Any) -> Any:
        try:
            return await handler(*args)
        except JsonRpcException:
            raise
        except Exception:
            log.exception("%s failed", getattr(handler, "__name__", handler))
            return fallback(*args)

    return answer


def answer_now_or_later(
    session: Session, handler: Handler, ready: Ready | None, fallback: Callable[..., Any]
) -> Callable[[Any], Generator[Any, Any, Any]]:
    """A pygls generator handler: answered at once when `ready(session, params)` says nothing
    needs waiting for (no event-loop round trip), else on the event loop as a task."""
    later = guarded(functools.partial(handler, session), fallback)

    def answer(params: Any) -> Generator[Any, Any, Any]:
        if ready is not None and ready(session, params):
            coroutine = handler(session, params)
            try:
                coroutine.send(None)
            except StopIteration as done:
                return done.value
            except JsonRpcException:
                raise
            except Exception:
                log.exception("%s failed", handler.__name__)
                return fallback(params)
            coroutine.close()  # it had to wait after all: answer it on the event loop
        return (yield later, (params,), None)

    answer.__name__ = handler.__name__
    return answer


def register(server: GlossaryServer) -> None:
    session = server.session

    def request(
        method: str,
        handler: Handler,
        options: Any = None,
        fallback: Callable[..., Any] | None = None,
        ready: Ready | None = requests.ready_always,
    ) -> None:
        answer = answer_now_or_later(session, handler, ready, fallback or (lambda *a: None))
        server.feature(method, options)(answer)

    def command(name: str, handler: Handler) -> None:
        async def run(*args: Any) -> Any:
            return await handler(session, *args)

        run.__name__ = handler.__name__
        server.command(name)(guarded(run))

    register_lifecycle(server)
    register_documents(server)

    # -- requests on a document position -----------------------------------------------------
    at_position = requests.ready_at_position
    indexed = requests.ready_indexed
    request(types.TEXT_DOCUMENT_HOVER, requests.hover, ready=at_position)
    request(types.TEXT_DOCUMENT_DEFINITION, requests.definition, ready=requests.ready_to_define)
    request(types.TEXT_DOCUMENT_DECLARATION, requests.declaration, ready=at_position)
    request(
        types.TEXT_DOCUMENT_COMPLETION,
        requests.completion,
        types.CompletionOptions(trigger_characters=[], resolve_provider=True),
        fallback=lambda *args: types.CompletionList(is_incomplete=True, items=[]),
        ready=at_position,
    )
    request(types.COMPLETION_ITEM_RESOLVE, requests.resolve_completion, fallback=lambda i: i)
    request(types.TEXT_DOCUMENT_REFERENCES, requests.find_references, ready=indexed)
    request(types.TEXT_DOCUMENT_PREPARE_RENAME, requests.prepare_rename)
    request(
        types.TEXT_DOCUMENT_RENAME,
        requests.rename,
        types.RenameOptions(prepare_provider=True),
        ready=indexed,
    )
    request(
        types.TEXT_DOCUMENT_CODE_ACTION,
        requests.code_action,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
        ready=None,  # analyses the document off the event loop
    )

    # -- symbols and lenses ------------------------------------------------------------------
    request(
        types.WORKSPACE_SYMBOL, requests.workspace_symbols, fallback=lambda *a: [], ready=indexed
    )
    request(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, requests.document_symbols)
    request(
        types.TEXT_DOCUMENT_CODE_LENS,
        requests.code_lenses,
        types.CodeLensOptions(resolve_provider=True),
    )
    request(
        types.CODE_LENS_RESOLVE,
        requests.resolve_code_lens,
        fallback=lambda lens: lens,
        ready=indexed,
    )

    # -- glossary-lsp's own requests and commands --------------------------------------------
    request(TERMS_REQUEST, requests.terms, fallback=lambda *a: [])
    request(COURSE_REQUEST, requests.course, ready=None, fallback=lambda *a: None)
    command(FIRST_INTRODUCTION_COMMAND, requests.first_introduction)
    command(requests.SHOW_REFERENCES, requests.show_references)
    command(code_actions.IGNORE_COMMAND, _ignore_word(server))


def _ignore_word(server: GlossaryServer) -> Handler:
    async def ignore_word(session: Session, *args: Any) -> None:
        words = [arg.strip() for arg in args if isinstance(arg, str) and arg.strip()]
        if words:
            session.session_ignore = session.session_ignore.union(words)
            server.diagnostics.schedule_workspace_pass(delay=0)

    return ignore_word


def register_lifecycle(server: GlossaryServer) -> None:
    server.feature(types.INITIALIZE)(lambda params: lifecycle.initialize(server, params))

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        await lifecycle.initialized(server, params)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        await lifecycle.did_change_configuration(server, params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        await lifecycle.did_change_workspace_folders(server, params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        lifecycle.did_change_watched_files(server, params)


def register_documents(server: GlossaryServer) -> None:
    """The store already holds each change (`GlossaryProtocol`); these schedule what follows."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        lifecycle.document_changed(server, params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        lifecycle.document_changed(server, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        lifecycle.document_saved(server, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        lifecycle.document_closed(server, params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_opened(params: types.DidOpenNotebookDocumentParams) -> None:
        lifecycle.document_changed(server, params.notebook_document.uri, delay=0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_edited(params: types.DidChangeNotebookDocumentParams) -> None:
        lifecycle.document_changed(server, params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_closed(params: types.DidCloseNotebookDocumentParams) -> None:
        notebook = server.session.documents.current().notebook(params.notebook_document.uri)
        cells = [cell.uri for cell in notebook.cells] if notebook is not None else []
        cells += [c.uri for c in params.cell_text_documents if c.uri not in cells]
        lifecycle.document_closed(server, params.notebook_document.uri, cells)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_saved(params: types.DidSaveNotebookDocumentParams) -> None:
        lifecycle.document_saved(server, params.notebook_document.uri)

"""The pygls wiring: LSP handlers call features; positions are converted here, at the edge."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from glossary_lsp import __version__
from glossary_lsp.course.workspace import MODULE_SUFFIXES, WorkspaceIndex, read_module_text
from glossary_lsp.features import completion as completion_feature
from glossary_lsp.features import definition as definition_feature
from glossary_lsp.features import hover as hover_feature
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import Target
from glossary_lsp.glossary.loader import LoadProblem
from glossary_lsp.glossary.store import WORKSPACE_GLOSSARY, GlossaryStore, glossary_paths
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import DocumentView, notebook_json, view_document
from glossary_lsp.text.positions import LineIndex, codec_for

log = logging.getLogger(__name__)

SECTION = "glossaryLsp"
TERMS_REQUEST = "glossaryLsp/terms"
FIRST_INTRODUCTION_COMMAND = "glossaryLsp.firstIntroduction"
COURSE_CHANGED_NOTIFICATION = (
    "glossaryLsp/courseChanged"  # after indexing: ask for the course again
)
PARENT_POLL_SECONDS = 3.0
GLOSSARY_POLL_SECONDS = 2.0
INDEX_WAIT_SECONDS = 5.0
EDIT_DEBOUNCE_SECONDS = 0.3
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
R = TypeVar("R")


class GlossaryProtocol(LanguageServerProtocol):
    """pygls' protocol, answering every request it cannot read instead of leaving it hanging.

    JSON-RPC allows a request without `params` (vscode-languageclient sends custom requests so);
    pygls would fail to read it and never answer.
    """

    def structure_message(self, data: dict[str, Any]) -> Any:
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data  # a nested object of the message being read
        if "method" in data and "params" not in data:
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
            raise


class GlossaryServer(LanguageServer):
    """The language server and the state features read: glossary version, index, settings."""

    def __init__(self) -> None:
        super().__init__(
            "glossary-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=NOTEBOOK_SYNC,
            protocol_cls=GlossaryProtocol,
        )
        self.settings = Settings()
        self.store = GlossaryStore()
        self.version = GlossaryVersion.build(self.store.merged)
        self.index = WorkspaceIndex(roots=[])
        self.roots: list[Path] = []
        self.initialization_options: dict[str, Any] = {}
        self.raw_settings: Any = None
        self.indexed = asyncio.Event()
        self._views: dict[str, tuple[Any, DocumentView]] = {}
        self._published_problems: set[Path] = set()
        self._pending_edits: dict[str, asyncio.TimerHandle] = {}
        # Async callables run after a document's edits settle (argument: its URI) and after the
        # whole workspace was (re)indexed (no argument): diagnostics hang on these.
        self.document_listeners: list[Callable[[str], Awaitable[None]]] = []
        self.index_listeners: list[Callable[[], Awaitable[None]]] = []
        # Called when a notebook document closes (arguments: its URI, its cells' URIs).
        self.notebook_close_listeners: list[Callable[[str, list[str]], None]] = []

    # -- state accessors for features' wiring -----------------------------------------------

    @property
    def codec(self) -> PositionCodec:
        return codec_for(self.workspace.position_encoding)

    def view_for(self, uri: str) -> DocumentView | None:
        """The view of a document: its open text, else its file on disk; None if neither."""
        document = self.workspace.text_documents.get(unquote(uri))
        if document is not None:
            cached = self._views.get(uri)
            if cached is not None and cached[0] == document.version:
                return cached[1]
            view = view_document(uri, document.source, document.language_id, self._cell_kind(uri))
            self._views[uri] = (document.version, view)
            return view
        path = uri_to_path(uri)
        if path is None or path.suffix not in MODULE_SUFFIXES:
            return None
        source, _problem = read_module_text(path)
        return view_document(str(path), source) if source is not None else None

    def document_closed(self, uri: str, view_uris: list[str]) -> None:
        """A document (or a notebook, with its cells' views) closed: its file counts as on disk
        again."""
        for view_uri in view_uris:
            self._views.pop(view_uri, None)
        path = uri_to_path(uri)
        if path is not None:
            self.safely(self.index.close)(path)

    def edit_pending(self, uri: str) -> bool:
        """Whether edits of the document at `uri` are waiting to settle."""
        return uri in self._pending_edits

    def document_source(self, uri: str) -> str | None:
        """An open document's text; for a notebook open as a notebook document, its cells as
        the `.ipynb` JSON the index reads."""
        document = self.workspace.text_documents.get(unquote(uri))
        if document is not None:
            return document.source
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return None
        cells, language = [], "python"
        for cell in notebook.cells:
            cell_document = self.workspace.text_documents.get(unquote(cell.document))
            text = cell_document.source if cell_document is not None else ""
            kind = cell_kind(cell)
            cells.append((kind, text))
            if kind == "code" and cell_document is not None and cell_document.language_id:
                language = cell_document.language_id
        return notebook_json(cells, language)

    def _cell_kind(self, uri: str) -> str | None:
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is None:
            return None
        for cell in notebook.cells:
            if unquote(cell.document) == unquote(uri):
                return cell_kind(cell)
        return None

    def offset_of(self, view: DocumentView, position: types.Position) -> int | None:
        return view.lines.from_lsp(position, self.codec)

    def to_lsp_location(self, target: Target) -> types.Location:
        """A target as a Location, inside an open notebook's cell document when there is one."""
        cell_location = self._cell_location(target)
        if cell_location is not None:
            return cell_location
        uri = from_fs_path(str(target.path)) or target.path.as_uri()
        return types.Location(uri, target.lines.range_to_lsp(target.start, target.end, self.codec))

    def _cell_location(self, target: Target) -> types.Location | None:
        occurrence = target.occurrence
        if occurrence is None or target.path.suffix != ".ipynb":
            return None
        notebook_uri = from_fs_path(str(target.path))
        notebook = self.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None or occurrence.region.index >= len(notebook.cells):
            return None
        cell_uri = notebook.cells[occurrence.region.index].document
        lines = LineIndex(occurrence.region.text)
        return types.Location(
            cell_uri, lines.range_to_lsp(occurrence.start, occurrence.end, self.codec)
        )

    # -- glossary and index lifecycle --------------------------------------------------------

    def apply_settings(self, raw: Any, force: bool = False) -> bool:
        """Take new settings; False (and nothing done) when they equal the ones in force."""
        settings = Settings.from_dict(raw)
        if settings == self.settings and self.store.paths and not force:
            return False
        self.raw_settings = raw
        self.settings = settings
        for problem in self.settings.problems:
            self.show_message(problem, types.MessageType.Warning)
        self.index = WorkspaceIndex(
            roots=self.roots,
            include=self.settings.modules_include,
            exclude=self.settings.modules_exclude,
            toc=self.settings.course_toc,
            language=self.settings.course_language,
        )
        self.store.discover(self.roots, self.settings.source_kinds)
        self.reload_glossary(force=True)
        return True

    def reload_glossary(self, force: bool = False) -> None:
        """Load what changed among the glossaries the roots and settings name (files may come
        and go: a workspace `glossary.yaml` created or deleted)."""
        self.store.configure(
            glossary_paths(
                self.roots,
                self.settings.glossaries,
                self.settings.include_bundled,
                self.store.sources,
            )
        )
        changed = self.store.reload(force=force)
        self.publish_glossary_problems()
        if changed or force:
            self.version = GlossaryVersion.build(self.store.merged, self.version.number + 1)
            self.index.matcher = self.version.matcher
            threading.Thread(
                target=self.version.matcher.prepare_completion, name="completion-index", daemon=True
            ).start()
            log.info(
                "glossary version %d: %d terms from %s",
                self.version.number,
                len(self.version.glossary),
                ", ".join(self.version.glossary.sources),
            )
            if self.indexed.is_set():
                asyncio.get_running_loop().create_task(self._rematch_workspace())
        elif self.indexed.is_set():
            # same glossary, new problems: listeners publish their fuller findings again
            asyncio.get_running_loop().create_task(self._notify_index_listeners())

    def publish_glossary_problems(self) -> None:
        for path, problems in self.store.problems.items():
            self._publish_problems(path, problems + self.store.notes.get(path, []))
            self.show_message(
                f"{problems[0]} (the last good glossary keeps serving)", types.MessageType.Error
            )
        for path, notes in self.store.notes.items():
            if path not in self.store.problems:
                self._publish_problems(path, notes)
        for path in self._published_problems - set(self.store.problems) - set(self.store.notes):
            self._publish_problems(path, [])

    def _publish_problems(self, path: Path, problems: list[LoadProblem]) -> None:
        diagnostics = [problem_diagnostic(problem) for problem in problems]
        uri = from_fs_path(str(path)) or path.as_uri()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )
        if problems:
            self._published_problems.add(path)
        else:
            self._published_problems.discard(path)

    def document_changed(self, uri: str, delay: float = EDIT_DEBOUNCE_SECONDS) -> None:
        """After an edit settles: index the document's text, then tell the listeners.

        Edits arrive per keystroke; only the last one within `delay` is worked on, off the event
        loop, so typing in a 10 MB file never blocks hover.
        """
        pending = self._pending_edits.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending_edits[uri] = loop.call_later(
            delay, lambda: loop.create_task(self._settle_document(uri))
        )

    async def _settle_document(self, uri: str) -> None:
        self._pending_edits.pop(uri, None)
        path = uri_to_path(uri)
        source = self.document_source(uri)
        if source is None:
            return
        if path is not None and not self.is_glossary_path(path):
            await asyncio.get_running_loop().run_in_executor(
                None, self.safely(self.index.update), path, source
            )
        for listener in self.document_listeners:
            await self.safely_async(listener)(uri)

    def safely_async(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        async def guarded(*args: Any) -> Any:
            try:
                return await handler(*args)
            except Exception:
                log.exception("%s failed", getattr(handler, "__name__", handler))
                return None

        return guarded

    def is_glossary_path(self, path: Path) -> bool:
        """A glossary file; a Markdown glossary source is a module page as well, not this."""
        if path.name == WORKSPACE_GLOSSARY:
            return True
        return path.resolve() in self.store.paths and path.suffix not in MODULE_SUFFIXES

    def glossary_file_changed(self, path: Path) -> bool:
        """Reload when a saved, created or deleted file is (or has become, or stopped being) a
        glossary; True when it was one."""
        if self.is_glossary_path(path) or self.store.recheck(path) or self.store.is_source(path):
            self.reload_glossary()
            return True
        return False

    async def index_workspace(self) -> None:
        """Index every module in the background, with work-done progress when offered."""
        token = f"glossary-lsp-index-{time.monotonic_ns()}"
        progress = await self._begin_progress(token)
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:
            if progress:
                loop.call_soon_threadsafe(self._report_progress, token, done, total)

        self.index.matcher = self.version.matcher
        await loop.run_in_executor(None, self.index.list_modules)
        self.indexed.set()  # modules known: definition can answer, searching as it goes
        await loop.run_in_executor(None, self.index.index_terms, report)
        if progress:
            self.work_done_progress.end(
                token, types.WorkDoneProgressEnd(message=f"{len(self.index.modules())} modules")
            )
        log.info("indexed %d modules", len(self.index.modules()))
        await self._notify_index_listeners()

    async def _rematch_workspace(self) -> None:
        """A new glossary version: find every module's terms again, then tell the listeners."""
        await asyncio.get_running_loop().run_in_executor(
            None, self.index.set_matcher, self.version.matcher
        )
        await self._notify_index_listeners()

    async def _notify_index_listeners(self) -> None:
        for listener in self.index_listeners:
            await self.safely_async(listener)()

    async def wait_for_index(self, timeout: float = INDEX_WAIT_SECONDS) -> None:
        """Let a request that needs the course's modules wait a little for the first listing."""
        if self.indexed.is_set():
            return
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(self.indexed.wait(), timeout)

    async def _begin_progress(self, token: str) -> bool:
        if not client_supports(self, "window.work_done_progress"):
            return False
        try:
            await self.work_done_progress.create_async(token)
        except Exception as error:  # the client may refuse; indexing goes on regardless
            log.info("no progress: %s", error)
            return False
        self.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="Indexing the course", percentage=0)
        )
        return True

    def _report_progress(self, token: str, done: int, total: int) -> None:
        self.work_done_progress.report(
            token,
            types.WorkDoneProgressReport(
                message=f"{done}/{total} modules", percentage=int(100 * done / max(total, 1))
            ),
        )

    def run_in_background(self, work: Callable[[], Any]) -> None:
        asyncio.get_running_loop().run_in_executor(None, work)

    def show_message(self, message: str, kind: types.MessageType) -> None:
        log.warning("%s", message)
        with contextlib.suppress(Exception):  # before initialization there is no client
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def safely(self, handler: Callable[..., R | None]) -> Callable[..., R | None]:
        """A handler that logs and answers None instead of failing on unexpected input."""

        def guarded(*args: Any, **kwargs: Any) -> R | None:
            try:
                return handler(*args, **kwargs)
            except Exception:
                log.exception("%s failed", handler.__name__)
                return None

        guarded.__name__ = handler.__name__
        return guarded


def client_supports(server: LanguageServer, dotted: str) -> bool:
    value: Any = server.client_capabilities
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return False
    return bool(value)


def uri_to_path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


PROBLEM_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "hint": types.DiagnosticSeverity.Hint,
}


def problem_diagnostic(problem: LoadProblem) -> types.Diagnostic:
    position = types.Position(line=max(problem.line - 1, 0), character=max(problem.column - 1, 0))
    return types.Diagnostic(
        range=types.Range(start=position, end=position),
        message=problem.message,
        severity=PROBLEM_SEVERITIES.get(problem.severity, types.DiagnosticSeverity.Error),
        source="glossary-lsp",
        code="glossarySchema",
    )


def watch_parent(process_id: int | None) -> None:
    """End the server when the editor process that started it dies."""
    if not process_id:
        return

    def poll() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            try:
                os.kill(process_id, 0)
            except ProcessLookupError:
                log.info("editor process %d is gone; exiting", process_id)
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=poll, name="parent-watch", daemon=True).start()


def create_server() -> GlossaryServer:
    server = GlossaryServer()
    register_lifecycle(server)
    register_documents(server)
    register_features(server)
    try:
        from glossary_lsp.lsp import wiring_course
    except ImportError:
        pass
    else:
        wiring_course.register(server)
    return server


def register_lifecycle(server: GlossaryServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: GlossaryServer, params: types.InitializeParams) -> None:
        ls.roots = workspace_roots(params)
        options = params.initialization_options
        if isinstance(options, dict) and SECTION in options:
            options = options[SECTION]
        ls.initialization_options = options if isinstance(options, dict) else {}
        ls.apply_settings(options)
        watch_parent(params.process_id)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GlossaryServer, params: types.InitializedParams) -> None:
        await pull_configuration(ls)
        await register_watchers(ls)
        await ls.index_workspace()
        if not client_supports(ls, "workspace.did_change_watched_files.dynamic_registration"):
            asyncio.get_running_loop().create_task(poll_glossaries(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: GlossaryServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and SECTION in settings:
            changed = ls.apply_settings(overlay(ls.initialization_options, settings[SECTION]))
        else:
            changed = await pull_configuration(ls)
        if changed:
            await ls.index_workspace()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(
        ls: GlossaryServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        # pygls has already updated its folders; the course and its glossaries follow them
        uris = [folder.uri for folder in ls.workspace.folders.values()]
        ls.roots = [path for path in (uri_to_path(uri) for uri in uris) if path is not None]
        ls.apply_settings(ls.raw_settings, force=True)
        await ls.index_workspace()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: GlossaryServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        for change in params.changes:
            path = uri_to_path(change.uri)
            if path is None:
                continue
            if ls.glossary_file_changed(path) and ls.is_glossary_path(path):
                continue
            if change.type == types.FileChangeType.Deleted:
                ls.index.remove(path)
            elif ls.index.is_module_path(path) and path.as_posix() not in open_paths(ls):
                ls.run_in_background(lambda p=path: ls.index.refresh(p))


def workspace_roots(params: types.InitializeParams) -> list[Path]:
    uris = [folder.uri for folder in params.workspace_folders or []]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    if not uris and params.root_path:
        return [Path(params.root_path)]
    return [path for path in (uri_to_path(uri) for uri in uris) if path is not None]


async def pull_configuration(ls: GlossaryServer) -> bool:
    """Ask the client for the settings; True when they changed what is in force."""
    if not client_supports(ls, "workspace.configuration"):
        return False
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            timeout=5,
        )
    except Exception as error:
        log.info("workspace/configuration failed: %s", error)
        return False
    if not result or not isinstance(result[0], dict):
        return False
    return ls.apply_settings(overlay(ls.initialization_options, result[0]))


def overlay(base: Any, override: Any) -> Any:
    """Settings from the client's configuration over those from initializationOptions."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    merged = dict(base)
    for key, value in override.items():
        merged[key] = overlay(base.get(key), value)
    return merged


async def register_watchers(ls: GlossaryServer) -> None:
    if not client_supports(ls, "workspace.did_change_watched_files.dynamic_registration"):
        return
    patterns = ["**/*.{md,markdown,mdx,ipynb}", f"**/{WORKSPACE_GLOSSARY}"]
    patterns += ["**/*.rst", "**/myst.yml", "**/*.glossary.{yml,yaml}"]  # glossary sources
    patterns += [str(path) for path in ls.store.paths]
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
    )
    registration = types.Registration(
        id="glossary-lsp-watch",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as error:
        log.info("file watching not registered: %s", error)


async def poll_glossaries(ls: GlossaryServer) -> None:
    """Without file watching, glossaries reload when their modification time changes."""
    while True:
        await asyncio.sleep(GLOSSARY_POLL_SECONDS)
        if ls.store.stale():
            ls.reload_glossary()


def open_paths(ls: GlossaryServer) -> set[str]:
    return {
        path.as_posix()
        for path in (uri_to_path(uri) for uri in ls.workspace.text_documents)
        if path is not None
    }


def cell_kind(cell: types.NotebookCell) -> str:
    """A notebook cell's kind as document views name it: "markdown" or "code"."""
    return "markdown" if cell.kind == types.NotebookCellKind.Markup else "code"


def register_documents(server: GlossaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GlossaryServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GlossaryServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GlossaryServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is None or ls.glossary_file_changed(path):
            pass
        elif ls.index.is_structure_file(path):
            ls.index.rebuild()  # a TOC saved: the course order, ids and titles again
            asyncio.get_running_loop().create_task(ls._notify_index_listeners())

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GlossaryServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.document_closed(params.text_document.uri, [params.text_document.uri])

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_opened(ls: GlossaryServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.document_changed(params.notebook_document.uri, delay=0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_edited(ls: GlossaryServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.document_changed(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_closed(ls: GlossaryServer, params: types.DidCloseNotebookDocumentParams) -> None:
        cells = [cell.uri for cell in params.cell_text_documents]
        for listener in ls.notebook_close_listeners:
            listener(params.notebook_document.uri, cells)
        ls.document_closed(params.notebook_document.uri, cells)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_saved(ls: GlossaryServer, params: types.DidSaveNotebookDocumentParams) -> None:
        path = uri_to_path(params.notebook_document.uri)
        if path is not None and ls.index.is_module_path(path):
            ls.run_in_background(lambda: ls.index.refresh(path))


def register_features(server: GlossaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: GlossaryServer, params: types.HoverParams) -> types.Hover | None:
        await ls.wait_for_index()  # the module listing: which module of this course introduces it
        return ls.safely(answer_hover)(ls, params)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(
        ls: GlossaryServer, params: types.DefinitionParams
    ) -> types.Location | None:
        await ls.wait_for_index()
        return ls.safely(answer_definition)(ls, params, first_introduction=True)

    @server.feature(types.TEXT_DOCUMENT_DECLARATION)
    def declaration(ls: GlossaryServer, params: types.DeclarationParams) -> types.Location | None:
        return ls.safely(answer_definition)(ls, params, first_introduction=False)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[], resolve_provider=True),
    )
    def completion(ls: GlossaryServer, params: types.CompletionParams) -> types.CompletionList:
        answer = ls.safely(answer_completion)(ls, params)
        return answer or types.CompletionList(is_incomplete=True, items=[])

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve_completion(
        ls: GlossaryServer, item: types.CompletionItem
    ) -> types.CompletionItem:
        await ls.wait_for_index()  # the module listing: where this course introduces the term
        text = ls.safely(completion_feature.documentation)(ls.version, item.label, ls.index)
        if text is not None:
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item

    @server.feature(TERMS_REQUEST)
    def terms(ls: GlossaryServer, params: Any) -> list[dict[str, Any]]:
        glossary = ls.version.glossary
        return [
            {
                "term": term.term,
                "expansion": term.expansion,
                "module": module.label if (module := glossary.module(term.module)) else None,
                "aliases": list(term.aliases),
            }
            for term in glossary
        ]

    async def course_changed() -> None:
        server.protocol.notify(COURSE_CHANGED_NOTIFICATION, {})

    server.index_listeners.append(course_changed)

    @server.command(FIRST_INTRODUCTION_COMMAND)
    async def first_introduction(ls: GlossaryServer, *args: Any) -> types.Location | None:
        await ls.wait_for_index()
        name = args[0] if args and isinstance(args[0], str) else None
        term = ls.version.glossary.lookup(name) if name else None
        if term is None:
            return None
        target = definition_feature.first_introduction(ls.version, ls.index, term)
        return ls.to_lsp_location(target) if target else None


def _view_and_offset(
    ls: GlossaryServer, uri: str, position: types.Position
) -> tuple[DocumentView, int] | None:
    view = ls.view_for(uri)
    if view is None:
        return None
    offset = ls.offset_of(view, position)
    return (view, offset) if offset is not None else None


def answer_hover(ls: GlossaryServer, params: types.HoverParams) -> types.Hover | None:
    found = _view_and_offset(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    view, offset = found
    path = uri_to_path(params.text_document.uri)
    result = hover_feature.hover(ls.version, view, offset, ls.index, path)
    if result is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=result.markdown),
        range=view.lines.range_to_lsp(result.start, result.end, ls.codec),
    )


def answer_definition(
    ls: GlossaryServer, params: types.TextDocumentPositionParams, first_introduction: bool
) -> types.Location | None:
    found = _view_and_offset(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    view, offset = found
    if first_introduction:
        path = uri_to_path(params.text_document.uri)
        target = definition_feature.definition(ls.version, ls.index, view, offset, path)
    else:
        target = definition_feature.declaration(ls.version, view, offset)
    return ls.to_lsp_location(target) if target is not None else None


def answer_completion(
    ls: GlossaryServer, params: types.CompletionParams
) -> types.CompletionList | None:
    found = _view_and_offset(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    view, offset = found
    result = completion_feature.complete(ls.version, view, offset)
    if result is None:
        return None
    replace = view.lines.range_to_lsp(result.start, result.end, ls.codec)
    items = [
        completion_item(entry, rank, result.typed, replace)
        for rank, entry in enumerate(result.entries)
    ]
    return types.CompletionList(is_incomplete=True, items=items)


def completion_item(
    entry: completion_feature.CompletionEntry, rank: int, typed: str, replace: types.Range
) -> types.CompletionItem:
    """The item for one entry, shaped so that the editors' own filter and sort keep our order.

    `filterText` is the typed word on every item: VS Code fuzzy-scores it against the typed word
    and would rank an item whose filterText equals it above a real prefix match, and Neovim keeps
    an item only when its filterText starts with the typed word; with all items alike both fall
    back to `sortText`, our rank. The label is the term that is inserted, also for an alias.
    """
    text = entry.insert_text
    return types.CompletionItem(
        label=text,
        kind=types.CompletionItemKind.Text,
        detail=entry.detail or None,
        sort_text=f"{rank:04d}",
        filter_text=typed,
        text_edit=types.TextEdit(range=replace, new_text=text),
        label_details=types.CompletionItemLabelDetails(description=f"alias: {entry.matched}")
        if entry.via_alias
        else None,
    )

"""The session's life: initialize, settings, glossary reloads, indexing, document events.

Every function takes the `GlossaryServer` and runs on the event loop; slow work goes to the
session's executor with a snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.glossary.store import WORKSPACE_GLOSSARY
from glossary_lsp.lsp import course_pass
from glossary_lsp.lsp.capabilities import ClientFeatures
from glossary_lsp.lsp.documents import release_freed_memory
from glossary_lsp.lsp.server import GlossaryServer
from glossary_lsp.lsp.session import ModuleRefresh, Session, tune_collector_for_requests
from glossary_lsp.text.uris import uri_key, uri_to_path

log = logging.getLogger(__name__)

COURSE_CHANGED_NOTIFICATION = "glossaryLsp/courseChanged"  # after indexing: ask again

SECTION = "glossaryLsp"
PARENT_POLL_SECONDS = 3.0
GLOSSARY_POLL_SECONDS = 2.0
EDIT_DEBOUNCE_SECONDS = 0.3
CONFIGURATION_TIMEOUT = 5.0


# ------------------------------------------------------------------------------- lifecycle


def initialize(ls: GlossaryServer, params: types.InitializeParams) -> None:
    tune_collector_for_requests()
    session = ls.session
    session.client = ClientFeatures.resolve(params.capabilities, ls.workspace.position_encoding)
    session.roots = workspace_roots(params)
    options = params.initialization_options
    if isinstance(options, dict) and SECTION in options:
        options = options[SECTION]
    session.initialization_options = options if isinstance(options, dict) else {}
    apply_settings(ls, options)
    watch_parent(params.process_id)


async def initialized(ls: GlossaryServer, params: types.InitializedParams) -> None:
    await pull_configuration(ls)
    await register_watchers(ls)
    ls.diagnostics.glossaries_changed()  # load problems at once; unused terms after indexing
    await index_workspace(ls)
    if not ls.session.client.watched_files_dynamic:
        asyncio.get_running_loop().create_task(poll_glossaries(ls))


def apply_settings(ls: GlossaryServer, raw: Any, force: bool = False) -> bool:
    """Take new settings; False (and nothing done) when they equal the ones in force."""
    if not ls.session.take_settings(raw, force):
        return False
    for problem in ls.session.settings.problems:
        show_once(ls, problem, types.MessageType.Warning)
    reload_glossary(ls, force=True)
    return True


def reload_glossary(ls: GlossaryServer, force: bool = False) -> None:
    """Load what changed among the glossaries the roots and settings name (files may come and
    go: a workspace `glossary.yaml` created or deleted)."""
    session = ls.session
    changed = session.reload_glossary(force=force)
    for problems in session.store.problems.values():
        show_once(
            ls, f"{problems[0]} (the last good glossary keeps serving)", types.MessageType.Error
        )
    if not session.indexed.is_set():
        return  # before `initialized` (or while indexing): the index's pass publishes
    ls.diagnostics.glossaries_changed()
    if changed or force:
        asyncio.get_running_loop().create_task(rematch_workspace(ls))
    else:
        ls.diagnostics.schedule_workspace_pass(delay=0)


def show_once(ls: GlossaryServer, message: str, kind: types.MessageType) -> None:
    """A message box for a problem the user must act on, once per distinct message."""
    shown = ls.shown_messages
    if message not in shown:
        shown.add(message)
        ls.show_message(message, kind)


async def index_workspace(ls: GlossaryServer) -> None:
    """Index every module in the background, with work-done progress when offered."""
    session = ls.session
    token = f"glossary-lsp-index-{time.monotonic_ns()}"
    progress = await begin_progress(ls, token)
    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        if progress:
            loop.call_soon_threadsafe(report_progress, ls, token, done, total)

    index = session.index
    index.matcher = session.glossary.matcher
    await session.run(index.list_modules)
    session.indexed.set()
    if session.index is index:
        session.listed.set()  # modules known: definition can answer, searching as it goes
    if not await course_pass.index_terms(session, index, report):
        return  # superseded by a new index or glossary version, which indexes again
    if progress:
        ls.work_done_progress.end(
            token, types.WorkDoneProgressEnd(message=f"{len(index.modules())} modules")
        )
    log.info("indexed %d modules", len(index.modules()))
    notify_course_changed(ls)
    ls.diagnostics.schedule_workspace_pass(delay=0)


def notify_course_changed(ls: GlossaryServer) -> None:
    """Tell the editor's course view to ask `glossaryLsp/course` again."""
    ls.protocol.notify(COURSE_CHANGED_NOTIFICATION, {})


async def rematch_workspace(ls: GlossaryServer) -> None:
    """A new glossary version: find every module's terms again, then the course's findings."""
    session = ls.session
    index = session.index
    index.set_matcher(session.glossary.matcher, index=False)
    if await course_pass.index_terms(session, index):
        ls.diagnostics.schedule_workspace_pass(delay=0)


async def begin_progress(ls: GlossaryServer, token: str) -> bool:
    if not ls.session.client.work_done_progress:
        return False
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as error:  # the client may refuse; indexing goes on regardless
        log.info("no progress: %s", error)
        return False
    ls.work_done_progress.begin(
        token, types.WorkDoneProgressBegin(title="Indexing the course", percentage=0)
    )
    return True


def report_progress(ls: GlossaryServer, token: str, done: int, total: int) -> None:
    ls.work_done_progress.report(
        token,
        types.WorkDoneProgressReport(
            message=f"{done}/{total} modules", percentage=int(100 * done / max(total, 1))
        ),
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


def workspace_roots(params: types.InitializeParams) -> list[Path]:
    uris = [folder.uri for folder in params.workspace_folders or []]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    if not uris and params.root_path:
        return [Path(params.root_path)]
    return [path for path in (uri_to_path(uri) for uri in uris) if path is not None]


# ------------------------------------------------------------------------ workspace events


async def did_change_configuration(
    ls: GlossaryServer, params: types.DidChangeConfigurationParams
) -> None:
    settings = params.settings
    if isinstance(settings, dict) and SECTION in settings:
        changed = apply_settings(ls, overlay(ls.session.initialization_options, settings[SECTION]))
    else:
        changed = await pull_configuration(ls)
    if changed:
        await index_workspace(ls)


async def did_change_workspace_folders(
    ls: GlossaryServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    # pygls has already updated its folders; the course and its glossaries follow them
    uris = [folder.uri for folder in ls.workspace.folders.values()]
    ls.session.roots = [path for path in (uri_to_path(uri) for uri in uris) if path is not None]
    apply_settings(ls, ls.session.raw_settings, force=True)
    await index_workspace(ls)


def did_change_watched_files(ls: GlossaryServer, params: types.DidChangeWatchedFilesParams) -> None:
    session = ls.session
    open_now = session.documents.current()
    structure = False
    refreshing = []
    for change in params.changes:
        path = uri_to_path(change.uri)
        if path is None:
            continue
        structure = structure or session.index.is_structure_file(path)
        if session.affects_glossary(path):
            reload_glossary(ls)
            if session.is_glossary_path(path):
                continue
        if change.type == types.FileChangeType.Deleted:
            session.index.remove(path)
            ls.publisher.clear(change.uri)
        elif session.index.is_module_path(path) and open_now.source_of(path) is None:
            refreshing.append(session.executor.submit(session.index.refresh, path))
    if structure:
        asyncio.get_running_loop().create_task(course_structure_changed(ls, refreshing))


async def course_structure_changed(ls: GlossaryServer, after: list | None = None) -> None:
    """A TOC file (or the README that orders the course) was saved, created, changed on disk or
    deleted: the course order, ids and titles again (once the files `after` are read), the TOC's
    diagnostics, the course view."""
    await asyncio.gather(*(asyncio.wrap_future(f) for f in after or ()), return_exceptions=True)
    await ls.session.run(ls.session.index.rebuild)
    notify_course_changed(ls)
    ls.diagnostics.schedule_workspace_pass()


async def pull_configuration(ls: GlossaryServer) -> bool:
    """Ask the client for the settings; True when they changed what is in force."""
    if not ls.session.client.configuration:
        return False
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            timeout=CONFIGURATION_TIMEOUT,
        )
    except Exception as error:
        log.info("workspace/configuration failed: %s", error)
        return False
    if not result or not isinstance(result[0], dict):
        return False
    return apply_settings(ls, overlay(ls.session.initialization_options, result[0]))


def overlay(base: Any, override: Any) -> Any:
    """Settings from the client's configuration over those from initializationOptions."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    merged = dict(base)
    for key, value in override.items():
        merged[key] = overlay(base.get(key), value)
    return merged


async def register_watchers(ls: GlossaryServer) -> None:
    if not ls.session.client.watched_files_dynamic:
        return
    patterns = ["**/*.{md,markdown,mdx,ipynb}", f"**/{WORKSPACE_GLOSSARY}"]
    patterns += ["**/*.rst", "**/myst.yml", "**/*.glossary.{yml,yaml}"]  # glossary sources
    patterns += ["**/{_toc,_toctree,mkdocs,_quarto}.yml", "**/book.toml"]  # course order files
    toc = ls.session.settings.course_toc
    patterns += [str(root / toc) for root in ls.session.roots] if toc else []
    patterns += [str(path) for path in ls.session.store.paths]
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
    while not ls.session.shutting_down.is_set():
        await asyncio.sleep(GLOSSARY_POLL_SECONDS)
        if ls.session.store.stale():
            reload_glossary(ls)


# ------------------------------------------------------------------------- document events


def document_changed(ls: GlossaryServer, uri: str, delay: float = EDIT_DEBOUNCE_SECONDS) -> None:
    """An edit: the snapshot already has it (requests answer from it at once); the index's
    terms of the module and the diagnostics follow once the edits settle for `delay`."""
    pending = ls.pending_edits
    key = uri_key(uri)
    timer = pending.pop(key, None)
    if timer is not None:
        timer.cancel()
    loop = asyncio.get_running_loop()
    pending[key] = loop.call_later(delay, lambda: loop.create_task(settle_document(ls, uri)))


async def settle_document(ls: GlossaryServer, uri: str) -> None:
    """The edits settled: the document's own findings first, then the index's terms of the
    module, then (only if a term's place in it changed) the modules that can change with it.

    A large module's terms are read first instead: its own analysis asks the index about the
    module itself (which terms it introduces and where), and analysed before the index had
    them it was analysed again once they came (10 MB: 1.5 s of CPU more after the last edit)."""
    ls.pending_edits.pop(uri_key(uri), None)
    session = ls.session
    path = uri_to_path(uri)
    if path is None or session.is_glossary_path(path) or not session.index.is_module_path(path):
        ls.diagnostics.document_settled(uri, edited=True)
        return
    index = session.index
    before = index.terms_of(path)
    document = session.documents.current().text(uri)
    if document is not None and document.is_large:
        refreshed = await refresh_module(session, path)
        # not `edited`: an analysis that began before this refresh ended is run again after
        ls.diagnostics.document_settled(uri)
        if refreshed and index is session.index:
            ls.diagnostics.module_changed(path, before, index.terms_of(path), analysed_after=True)
        return
    ls.diagnostics.document_settled(uri, edited=True)
    await ls.diagnostics.analysed(uri)  # the own analysis has the interpreter first
    if not await refresh_module(session, path):
        return  # a refresh of this module was running: it reports
    if index is session.index:
        ls.diagnostics.module_changed(path, before, index.terms_of(path))


async def refresh_module(session: Session, path: Path) -> bool:
    """The index re-reads a module's terms, one refresh per module at a time: asked while one
    runs, that one runs once more after if the module's text changed since it read it (False:
    this call joined it, and returns when it ended)."""
    running = session.refreshing.get(path)
    if running is not None:
        text = session.documents.current().source_of(path)
        if text is None or text is not running.read:  # a file on disk may have changed
            running.again = True
        await running.done.wait()
        return False
    refresh = session.refreshing[path] = ModuleRefresh(session.documents.current().source_of(path))
    try:
        while True:
            await session.run(session.index.refresh, path)
            if not refresh.again:
                return True
            refresh.again = False
            refresh.read = session.documents.current().source_of(path)
    finally:
        session.refreshing.pop(path, None)
        refresh.done.set()


def document_closed(ls: GlossaryServer, uri: str, cell_uris: list[str] | None = None) -> None:
    """Its file counts as on disk again: the index reads it there, the course pass diagnoses
    it as a closed module; a document that is no module loses its diagnostics."""
    timer = ls.pending_edits.pop(uri_key(uri), None)
    if timer is not None:
        timer.cancel()
    session = ls.session
    path = uri_to_path(uri)
    if cell_uris is not None:
        ls.diagnostics.notebook_closed(cell_uris)
    if path is not None and session.index.module_at(path) is not None:
        session.executor.submit(_close_module, session.index, path)
        ls.diagnostics.schedule_workspace_pass()
    elif path is not None and session.is_glossary_path(path):
        ls.diagnostics.glossaries_changed()
    else:
        ls.publisher.clear(uri)
        if path is not None:
            session.executor.submit(session.index.close, path)


def _close_module(index: WorkspaceIndex, path: Path) -> None:
    """Off the event loop: the index reads the module on disk again; what a large document's
    text held is given back (a full collection holds the interpreter lock: only then)."""
    if index.close(path):
        release_freed_memory()


def document_saved(ls: GlossaryServer, uri: str) -> None:
    session = ls.session
    path = uri_to_path(uri)
    if path is None:
        return
    if session.affects_glossary(path):
        reload_glossary(ls)
    elif session.index.is_structure_file(path):
        asyncio.get_running_loop().create_task(course_structure_changed(ls))
    if session.index.is_module_path(path) and not session.is_glossary_path(path):
        asyncio.get_running_loop().create_task(refresh_module(session, path))

"""When diagnostics are computed and published (`textDocument/publishDiagnostics`).

- An open document: after its edits settle, off the event loop, from a snapshot. At most one
  analysis per document runs at a time; edits that arrive meanwhile mark it dirty, and when it
  ends its (stale) result is dropped and the newest version is analysed instead, so a burst of
  edits costs at most two analyses, never one per edit.
- Every module of the course: after (re)indexing and, debounced, after each settled edit (an
  edit in one module can change another's findings). A pass overtaken by a newer one is dropped
  before it starts or when it ends. Open documents keep their own, fresher, results.
- Glossary files: schema problems and unused terms, computed on the file's current text.

A notebook open as a notebook document gets its findings on its cells' URIs. Nothing here waits
for the executor at shutdown: queued analyses are cancelled and running ones are abandoned.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from glossary_lsp.course.module_terms import ModuleTerms
from glossary_lsp.course.pool import chunks
from glossary_lsp.features.course import module_name_findings, toc_findings
from glossary_lsp.features.diagnostics import (
    CourseFacts,
    glossary_findings,
)
from glossary_lsp.lsp import convert, course_pass
from glossary_lsp.lsp.convert import Publication
from glossary_lsp.lsp.course_pass import problem_findings, source_findings
from glossary_lsp.lsp.gate import never_wait
from glossary_lsp.lsp.publisher import DiagnosticsPublisher
from glossary_lsp.lsp.session import Session, Snapshot, resolved_path
from glossary_lsp.text.uris import path_to_uri, uri_key, uri_to_path
from glossary_lsp.text.views import DocumentView

log = logging.getLogger(__name__)

WORKSPACE_PASS_DELAY = 1.0
COURSE = "course"  # publisher source of module findings
GLOSSARY = "glossary"  # publisher source of glossary-file findings
STRUCTURE = "structure"  # publisher source of the course structure's (TOC files') findings


class Diagnostics:
    def __init__(self, session: Session, publisher: DiagnosticsPublisher) -> None:
        self.session = session
        self.publisher = publisher
        self.analyses = session.analyses
        self._running: dict[str, asyncio.Task] = {}
        self._analysing: dict[str, int | None] = {}  # the version a running analysis reads
        self._dirty: set[str] = set()
        self._generation = 0
        self._pending_pass: asyncio.TimerHandle | None = None
        self._current_pass: asyncio.Task | None = None
        self._scope: set[Path] | None = set()  # the modules the next pass diagnoses; None: all
        # a pass over every module ran or was asked for: the open documents are analysed again
        # when a pass next ends (one overtaken before its end leaves this to the next)
        self._open_again = False
        self._tasks: set[asyncio.Task] = set()

    # -- scheduling ------------------------------------------------------------------------------

    def document_settled(self, uri: str, edited: bool = False) -> None:
        """Analyse an open document (a notebook: the whole notebook) as it is now; `edited`:
        because its edits settled (an analysis already reading this version covers them)."""
        key = uri_key(uri)
        if key in self._running:
            reading = self._analysing.get(key)
            if edited and reading is not None and reading == self._version_now(uri):
                return  # the running analysis reads the text these edits made
            self._dirty.add(key)
            return
        self._running[key] = self._spawn(self._document_loop(uri, key))

    async def analysed(self, uri: str) -> None:
        """When the open document's analysis (if one runs) has ended."""
        task = self._running.get(uri_key(uri))
        if task is not None:
            await asyncio.wait({task})

    def schedule_workspace_pass(
        self, delay: float = WORKSPACE_PASS_DELAY, only: set[Path] | None = None
    ) -> None:
        """A course pass after `delay`: over every module, or (`only`) over some, joining what
        is already scheduled; a pass already running is overtaken."""
        if self._pending_pass is not None:
            self._pending_pass.cancel()
        self._widen_scope(only)
        self._generation += 1  # a pass already running (in-thread) is overtaken
        loop = asyncio.get_running_loop()
        self._pending_pass = loop.call_later(delay, lambda: self._spawn(self.workspace_pass()))

    def notebook_closed(self, cell_uris: list[str]) -> None:
        """Its cells are gone: their findings go; the course pass puts the file's on the file."""
        for cell in cell_uris:
            self.publisher.clear(cell)
        self.schedule_workspace_pass()

    def glossaries_changed(self) -> None:
        """A glossary (re)load: its files' findings at once, the course's after the pass."""
        self._spawn(self._publish_glossaries())

    def cancel_all(self) -> None:
        """Shutdown: nothing queued starts, nothing running is waited for."""
        if self._pending_pass is not None:
            self._pending_pass.cancel()
        self._generation += 1
        for task in list(self._tasks):
            task.cancel()

    def _spawn(self, work) -> asyncio.Task:  # noqa: ANN001 - a coroutine
        task = asyncio.get_running_loop().create_task(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, work) -> None:  # noqa: ANN001 - a coroutine
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("diagnostics failed")

    # -- open documents ----------------------------------------------------------------------

    async def _document_loop(self, uri: str, key: str) -> None:
        try:
            while not self.session.shutting_down.is_set():
                self._dirty.discard(key)
                await self._diagnose_open(uri)
                if key not in self._dirty:
                    break
        finally:
            self._running.pop(key, None)
            self._analysing.pop(key, None)

    def _version_now(self, uri: str) -> int | None:
        document = self.session.documents.current().text(uri)
        return document.version if document is not None else None

    async def _diagnose_open(self, uri: str) -> None:
        snapshot = self.session.snapshot()
        documents = snapshot.documents
        self._analysing[uri_key(uri)] = snapshot.version_of(uri)
        notebook = documents.notebook(uri) or documents.notebook_of_cell(uri)
        if notebook is not None:
            path = notebook.path
            if path is not None and snapshot.index.module_at(path) is not None:
                publications = await self.session.run(self._notebook_module, snapshot, path)
            else:
                cells = [cell.uri for cell in notebook.cells]
                publications = await self.session.run(self._texts, snapshot, cells)
        elif documents.text(uri) is not None:
            publications = await self.session.run(self._texts, snapshot, [uri])
        else:
            return
        self._publish(publications, source_for=lambda u: self._source_of(snapshot, u))
        self._complete_later(uri)

    def _complete_later(self, uri: str) -> None:
        """The document was diagnosed without modules no pass had analysed yet: a pass over
        them, unless one is coming (the end of each pass diagnoses such documents again; the
        indexing ends with a pass over every module)."""
        path = uri_to_path(uri)
        skipped = self.analyses.incomplete.get(path) if path is not None else None
        running = self._current_pass is not None and not self._current_pass.done()
        if not skipped or self._pending_pass is not None or running:
            return
        if any(not module.terms_known for module in self.session.index.modules()):
            return  # still indexing
        self.schedule_workspace_pass(delay=0, only=set(skipped))

    def _texts(self, snapshot: Snapshot, uris: list[str]) -> list[Publication]:
        """Runs off the event loop."""
        publications: list[Publication] = []
        for uri in uris:
            document = snapshot.open_document(uri)
            if document is None:
                continue
            path = uri_to_path(uri)
            if path is not None and snapshot.is_glossary_path(path):
                publications += self._glossary(snapshot, path)
                continue
            view = document.view()
            superseded = self._superseded(uri, document.version)
            if superseded():
                continue  # the loop analyses the newest version next
            try:
                findings = self.analyses.document(
                    snapshot.glossary,
                    snapshot.index,
                    path,
                    cancellable(view, superseded, self.session.gate.checkpoint),
                    snapshot.rules(),
                )
            except Superseded:
                continue
            findings += source_findings(snapshot, path, view)
            diagnostics = [convert.diagnostic(snapshot, view.lines, f) for f in findings]
            publications.append((uri, diagnostics, document.version))
        return publications

    def _superseded(self, uri: str, version: int) -> Callable[[], bool]:
        """Whether the document moved past `version` (or the server is stopping): read from a
        worker thread, between chunks of an analysis."""
        documents, stopping = self.session.documents, self.session.shutting_down

        def superseded() -> bool:
            current = documents.current().text(uri)
            return stopping.is_set() or current is None or current.version != version

        return superseded

    def _notebook_module(self, snapshot: Snapshot, path: Path) -> list[Publication]:
        """Runs off the event loop: the index reads the notebook's cells as the editor has them."""
        module = snapshot.index.module_at(path)
        view = snapshot.index.view(module) if module is not None else None
        if view is None:
            return []
        findings = self.analyses.document(
            snapshot.glossary, snapshot.index, path, view, snapshot.rules()
        )
        return convert.module_publications(snapshot, path, view, findings)

    # -- glossary files ----------------------------------------------------------------------

    def _glossary(self, snapshot: Snapshot, path: Path) -> list[Publication]:
        found = snapshot.glossary_file(path)
        if found is None:
            return [(path_to_uri(path), [], None)]
        findings = glossary_findings(
            found.version, snapshot.index, path, found.lines, found.problems, snapshot.rules()
        )
        notes = snapshot.load_notes.get(resolved_path(path), ())
        findings += problem_findings(notes, found.lines)
        findings += module_name_findings(found.version, snapshot.index, path, found.lines)
        uri = path_to_uri(path)
        diagnostics = [convert.diagnostic(snapshot, found.lines, f) for f in findings]
        return [(uri, diagnostics, snapshot.version_of(uri))]

    def _workspace_glossaries(self, snapshot: Snapshot) -> list[Path]:
        """Glossary files in the workspace; a Markdown glossary source is a module page, whose
        problems join its module findings (`source_findings`)."""
        paths = [
            path
            for path in snapshot.glossary_paths
            if snapshot.root_of(path) is not None and snapshot.is_glossary_path(path)
        ]
        return paths + [path for path in snapshot.load_problems if path not in paths]

    async def _publish_glossaries(self) -> None:
        snapshot = self.session.snapshot()

        def compute() -> list[Publication]:
            found: list[Publication] = []
            for path in self._workspace_glossaries(snapshot):
                found += self._glossary(snapshot, path)
            return found

        publications = await self.session.run(compute)
        self._publish(publications, source_for=lambda _uri: GLOSSARY)
        for uri in self.publisher.published(GLOSSARY):
            path = uri_to_path(uri)
            if path is not None and path not in self._workspace_glossaries(snapshot):
                self.publisher.publish(GLOSSARY, uri, [])

    # -- the course --------------------------------------------------------------------------

    async def workspace_pass(self) -> None:
        """Findings of the modules in scope (every module, or those an edit can change), the
        workspace glossaries and the TOC files. A pass still running is cancelled first, and what
        it had not published yet joins this pass's scope."""
        self._pending_pass = None
        previous, self._current_pass = self._current_pass, asyncio.current_task()
        if previous is not None and not previous.done():
            previous.cancel()
            await asyncio.wait({previous})
        scope, self._scope = self._scope, set()
        self._open_again = self._open_again or scope is None
        if scope is not None and not scope and not self._open_again:
            return
        generation = self._generation
        snapshot = self.session.snapshot()
        small = len(course_pass.closed_modules(snapshot, scope)) <= course_pass.IN_THREAD_MODULES
        if small or self.session.pool.in_thread:  # in-thread: sooner than a process starts
            ended = await self._workspace_in_thread(snapshot, generation, scope)
        else:
            ended = await self._workspace_in_pool(snapshot, scope)
        if not ended:
            return
        every, self._open_again = self._open_again, False  # introductions may have moved
        documents = self.session.documents.current()
        for uri in {uri_key(n) for n in documents.notebooks} | set(documents.texts):
            path = uri_to_path(uri)
            incomplete = path is not None and path in self.analyses.incomplete
            if incomplete and path is not None:
                self.analyses.diagnose_completely(path)  # once: then whatever it takes
            if (every or incomplete) and documents.notebook_of_cell(uri) is None:
                self.document_settled(uri)

    async def _workspace_in_pool(self, snapshot: Snapshot, scope: set[Path] | None) -> bool:
        session = self.session
        remaining = set(course_pass.closed_modules(snapshot, scope))
        tasks: list[asyncio.Future] = []
        try:
            glossary = await session.shared_glossary(snapshot.glossary)
            context = await session.run(course_pass.share_course, session.pool, snapshot)
            tasks = [
                asyncio.ensure_future(
                    session.pool.run(course_pass.diagnose_chunk, context, glossary, chunk)
                )
                for chunk in chunks(course_pass.closed_modules(snapshot, scope))
            ]
            matcher, code_comments = snapshot.glossary.matcher, snapshot.rules().code_comments
            for next_done in asyncio.as_completed(tasks):
                publications, explained = await next_done
                remaining.difference_update(uri_to_path(p[0]) for p in publications)
                self._publish_closed(snapshot, publications)
                self.analyses.adopt_explained(matcher, code_comments, explained)
            found = await session.run(self._course_files, snapshot)
            self._publish_closed(snapshot, found[0])
            self._publish_structure(found[1])
            return True
        except asyncio.CancelledError:
            self._widen_scope(remaining)  # overtaken: the next pass does the rest
            raise
        finally:
            for task in tasks:
                task.cancel()

    async def _workspace_in_thread(
        self, snapshot: Snapshot, generation: int, scope: set[Path] | None
    ) -> bool:
        """False when overtaken (its scope joins the next pass's)."""
        found = await self.session.run(self._workspace, snapshot, generation, scope)
        if generation != self._generation or found is None:
            self._widen_scope(scope)
            return False
        publications, (glossaries, structure) = found
        self._publish_closed(snapshot, publications + glossaries)
        self._publish_structure(structure)
        return True

    def _widen_scope(self, paths: set[Path] | None) -> None:
        if self._scope is not None:
            self._scope = None if paths is None else self._scope | paths

    def _publish_closed(self, snapshot: Snapshot, publications: list[Publication]) -> None:
        """Publications of files not open now (an open one has its own, fresher, analysis)."""
        documents = self.session.documents.current()
        open_uris = {uri_key(uri) for uri in documents.texts}
        closed = [p for p in publications if uri_key(p[0]) not in open_uris]
        self._publish(closed, source_for=lambda u: self._source_of(snapshot, u))

    def module_changed(
        self,
        path: Path,
        before: ModuleTerms | None,
        after: ModuleTerms | None,
        analysed_after: bool = False,
    ) -> None:
        """A module's terms were indexed again (an edit settled): the other modules whose
        findings can change are those using a term whose place in this module changed (used,
        defined, a heading, a link's text only); only they are diagnosed again, and the module
        itself unless its own analysis comes after this (`analysed_after`)."""
        if after is None:
            return  # not indexed (yet): the indexing's pass diagnoses the course
        keys = changed_terms(before or ModuleTerms.none(), after)
        if not keys:
            return
        index = self.session.index
        users = {m.path for m in index.modules() if m.path != path and not keys.isdisjoint(m.terms)}
        documents = self.session.documents.current()
        for uri in {uri_key(n) for n in documents.notebooks} | set(documents.texts):
            other = uri_to_path(uri)
            itself = other == path and not analysed_after
            if (other in users or itself) and documents.notebook_of_cell(uri) is None:
                self.document_settled(uri)  # an open module (this one too): analysed again
        self.schedule_workspace_pass(only=users | {path})

    def _workspace(
        self, snapshot: Snapshot, generation: int, only: set[Path] | None = None
    ) -> tuple[list[Publication], tuple[list[Publication], list[Publication]]] | None:
        """Runs off the event loop: the modules' publications (those of `only`, when given), the
        glossaries' and the TOC files'; None when overtaken before it could start."""
        if generation != self._generation or self.session.shutting_down.is_set():
            return None
        index = snapshot.index
        if only is None:
            self.analyses.forget({module.path for module in index.modules()})
        facts = CourseFacts(self.analyses, snapshot.glossary, index, snapshot.rules())
        paths = course_pass.closed_modules(snapshot, only)
        publications = course_pass.diagnose_modules(snapshot, facts, paths)
        return publications, self._course_files(snapshot)

    def _course_files(self, snapshot: Snapshot) -> tuple[list[Publication], list[Publication]]:
        """Runs off the event loop: the workspace glossaries' publications and the TOC files'."""
        open_uris = {uri_key(uri) for uri in snapshot.documents.open_uris()}
        index = snapshot.index
        publications: list[Publication] = []
        for path in self._workspace_glossaries(snapshot):
            if uri_key(path_to_uri(path)) not in open_uris:
                publications += self._glossary(snapshot, path)
        structure: list[Publication] = [
            (path_to_uri(path), [convert.diagnostic(snapshot, lines, f) for f in findings], None)
            for path, (lines, findings) in toc_findings(index, snapshot.read_text).items()
        ]
        return publications, structure

    # -- publishing --------------------------------------------------------------------------

    def _source_of(self, snapshot: Snapshot, uri: str) -> str:
        path = uri_to_path(uri)
        return GLOSSARY if path is not None and snapshot.is_glossary_path(path) else COURSE

    def _publish(self, publications: list[Publication], source_for: Callable[[str], str]) -> None:
        for uri, diagnostics, version in publications:
            self.publisher.publish(source_for(uri), uri, diagnostics, version)

    def _publish_structure(self, structure: list[Publication]) -> None:
        """The TOC files' problems (a listed file that is missing, a cycle, broken YAML); a file
        whose problems went away is cleared."""
        current = {uri for uri, _diagnostics, _version in structure}
        for uri in self.publisher.published(STRUCTURE):
            if uri not in current:
                self.publisher.publish(STRUCTURE, uri, [])
        for uri, diagnostics, version in structure:
            self.publisher.publish(STRUCTURE, uri, diagnostics, version)


class Superseded(Exception):
    """The document changed while its analysis ran: the analysis stops."""


class _CheckedSpans(list):
    """Prose spans that, as an analysis reads them, wait while a request is handled (before
    each span: `checkpoint`) and stop it once its document has moved on (every `EVERY`)."""

    __slots__ = ("_checkpoint", "_superseded")
    EVERY = 16

    def __init__(
        self,
        spans: list[tuple[int, int]],
        superseded: Callable[[], bool],
        checkpoint: Callable[[], None],
    ) -> None:
        super().__init__(spans)
        self._superseded = superseded
        self._checkpoint = checkpoint

    def __iter__(self) -> Iterator[tuple[int, int]]:
        checkpoint = self._checkpoint
        for number, span in enumerate(super().__iter__()):
            checkpoint()
            if number % self.EVERY == 0 and self._superseded():
                raise Superseded()
            yield span


def cancellable(
    view: DocumentView,
    superseded: Callable[[], bool],
    checkpoint: Callable[[], None] = never_wait,
) -> DocumentView:
    """The view, its prose read span by span, between which the analysis waits while a request
    is handled and stops once superseded (the rules read prose span by span: cancellation at
    the view, the rules unchanged)."""
    regions = [
        replace(r, prose=_CheckedSpans(r.prose, superseded, checkpoint)) for r in view.regions
    ]
    return replace(view, regions=regions)


def changed_terms(before: ModuleTerms, after: ModuleTerms) -> set[str]:
    """The terms whose place in a module changed: used or not, defined, a heading, plain."""
    changed: set[str] = set()
    for old, new in zip(
        (before.terms, before.defines, before.headings, before.plain),
        (after.terms, after.defines, after.headings, after.plain),
        strict=True,
    ):
        changed |= old ^ new
    return changed

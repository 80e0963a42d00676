"""A session's state, and the immutable snapshots requests and workers are answered from.

`Session` holds what lives as long as the connection: settings, the glossary store and the
glossary version in service, the course index, the open documents and the executor that runs
analyses. `Session.snapshot()` freezes what one request (or one background analysis) needs —
the open documents as the client has them now, the glossary version, the settings — so code off
the event loop never reads state the event loop is changing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from glossary_lsp.course.pool import CoursePool, Shared
from glossary_lsp.course.workspace import MODULE_SUFFIXES, WorkspaceIndex, read_module_text
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import IGNORE_FILE, parse_ignore_file
from glossary_lsp.features.definition import read_from_disk
from glossary_lsp.features.diagnostics import RuleSettings
from glossary_lsp.glossary.loader import GlossaryLoadError, LoadProblem, load_glossary_text
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.glossary.sources import read_source
from glossary_lsp.glossary.sources.result import unique_terms
from glossary_lsp.glossary.store import WORKSPACE_GLOSSARY, GlossaryStore, glossary_paths
from glossary_lsp.lsp.analyses import SessionAnalyses
from glossary_lsp.lsp.capabilities import ClientFeatures
from glossary_lsp.lsp.documents import DocumentsSnapshot, OpenDocuments, TextSnapshot
from glossary_lsp.lsp.gate import RequestGate, never_wait
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import DocumentView, view_document
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.uris import path_to_uri, uri_to_path

log = logging.getLogger(__name__)

ANALYSIS_WORKERS = 2
# seconds, while the session's threads work: how long the event loop, woken by a message, waits
# for the interpreter lock an analysis holds (then it waits at its next checkpoint while the
# message is handled, `RequestGate`). Hover while a 1 MB module was analysed, median ratio to
# the floor over three alternating runs: 3.1/3.7/6.3× at 1 ms, 1.3/2.2/2.4× at 0.2 ms (0.25 ms
# here: the interpreter keeps whole microseconds, and 0.25 ms reads back as itself).
SWITCH_INTERVAL = 0.00025
IDLE_SWITCH_INTERVAL = sys.getswitchinterval()  # the interpreter's own (5 ms), otherwise
# The collector while the server answers requests. A collection holds the interpreter lock for
# as long as it walks its generation, so the young generations' sizes bound the pause a request
# can wait behind: at the CLI's (100,000, 50, 1,000), built for a glossary's burst of objects, a
# 1 MB module's analysis (every word a term) paused for up to 25-28 ms of CPU per collection; at
# these, 5-8 ms, for 40-80 ms more collecting in all (of 1.3-2 s), and the 10,000-term glossary
# loads no slower. A full collection still comes after 1,000 of the second generation once
# long-lived objects grew by a quarter (CPython's rule): memory held by cycles stays bounded;
# nothing is frozen.
SERVING_COLLECTOR_THRESHOLDS = (3_000, 5, 1_000)


def tune_collector_for_requests() -> None:
    gc.set_threshold(*SERVING_COLLECTOR_THRESHOLDS)


class _ThreadsAtWork:
    """Counts the session's threads running work: while any does, the interpreter hands its
    lock from one thread to another every `SWITCH_INTERVAL` instead of every 5 ms, so that a
    document's analysis holds the event loop for at most that long. Only then: with nothing but
    the event loop and pygls' reader threads running, the shorter interval made every request's
    thread hops switch more often (hover 2–4% slower than at 5 ms on the latency benchmark)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0

    def run(self, work, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        with self._lock:
            self._running += 1
            if self._running == 1:
                sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            return work(*args, **kwargs)
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    sys.setswitchinterval(IDLE_SWITCH_INTERVAL)


_THREADS_AT_WORK = _ThreadsAtWork()


class SessionExecutor(ThreadPoolExecutor):
    """A thread pool whose work lowers the switch interval while it runs (`_ThreadsAtWork`)."""

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return super().submit(_THREADS_AT_WORK.run, fn, *args, **kwargs)


class EditorTexts:
    """The index's `open_source`: the editor's text of a file, and a generation number that
    changes with the open documents (see `course.introduction.EditorTexts`).

    The index asks it between the units of its work (a large module's prose spans, each term
    whose introduction is looked for): there, on the session's analysis threads, the work
    waits while a request is handled (`RequestGate.checkpoint`)."""

    def __init__(self, documents: OpenDocuments, gate: RequestGate | None = None) -> None:
        self._documents = documents
        self._checkpoint = gate.checkpoint if gate is not None else never_wait
        self._seen: DocumentsSnapshot | None = None  # held: no other snapshot gets its id
        self._generation = 0
        self._lock = threading.Lock()  # asked from the event loop and the analyses' threads

    def __call__(self, path: Path) -> str | None:
        self._checkpoint()
        return self._documents.current().source_of(path)

    def generation(self) -> int:
        self._checkpoint()
        # each open, edit and close replaces the documents' snapshot whole
        with self._lock:
            now = self._documents.current()
            if now is not self._seen:
                self._seen = now
                self._generation += 1
            return self._generation


@dataclass(frozen=True)
class GlossaryFile:
    """A glossary file as its text is now (open or on disk): its terms located in that text.

    Symbols, code lenses, rename and schema diagnostics of the file use these locations, not
    those of the version last loaded (the text may have been edited since).
    """

    path: Path
    lines: LineIndex
    version: GlossaryVersion  # this file's glossary, with the matcher in service
    problems: tuple[LoadProblem, ...]


def is_glossary_file(path: Path, glossary_paths: Collection[Path]) -> bool:
    """A glossary file; a Markdown glossary source is a module page as well, not this."""
    if path.name == WORKSPACE_GLOSSARY:
        return True
    return resolved_path(path) in glossary_paths and path.suffix not in MODULE_SUFFIXES


@dataclass(frozen=True)
class ServedFiles:
    """The glossary store's files as snapshots see them; one object shared by every snapshot
    until the store changes (`Session.snapshot`)."""

    paths: frozenset[Path]
    problems: Mapping[Path, tuple[LoadProblem, ...]]
    notes: Mapping[Path, tuple[LoadProblem, ...]]  # hints of glossary sources (see store)
    sources: frozenset[Path]  # glossaries read from course files (MyST, abbr, …)

    @classmethod
    def of(cls, store: GlossaryStore) -> ServedFiles:
        return cls(
            paths=frozenset(store.paths),
            problems=MappingProxyType(
                {path: tuple(found) for path, found in store.problems.items()}
            ),
            notes=MappingProxyType({path: tuple(found) for path, found in store.notes.items()}),
            sources=frozenset(store.sources),
        )


@dataclass(frozen=True)
class Snapshot:
    """What one request or analysis is computed from; never changes."""

    documents: DocumentsSnapshot
    glossary: GlossaryVersion
    index: WorkspaceIndex
    settings: Settings
    client: ClientFeatures
    roots: tuple[Path, ...]
    files: ServedFiles
    session_ignore: frozenset[str]
    _glossary_files: dict[tuple[Path, int], GlossaryFile] = field(repr=False, compare=False)

    @property
    def glossary_paths(self) -> frozenset[Path]:
        return self.files.paths

    @property
    def load_problems(self) -> Mapping[Path, tuple[LoadProblem, ...]]:
        return self.files.problems

    @property
    def load_notes(self) -> Mapping[Path, tuple[LoadProblem, ...]]:
        return self.files.notes

    @property
    def glossary_sources(self) -> frozenset[Path]:
        return self.files.sources

    @property
    def codec(self) -> str:
        """The negotiated position encoding ("utf-16", "utf-8" or "utf-32")."""
        return self.client.codec

    # -- text --------------------------------------------------------------------------------

    def read_text(self, path: Path) -> str | None:
        """A file's text: the editor's when it is open, else the disk's."""
        source = self.documents.source_of(path)
        return source if source is not None else read_from_disk(path)

    def view(self, uri: str) -> DocumentView | None:
        """The view of a document: its open text, else its file on disk; None if neither."""
        document = self.documents.text(uri)
        if document is not None:
            return document.view()
        path = uri_to_path(uri)
        if path is None or path.suffix not in MODULE_SUFFIXES:
            return None
        source, _problem = read_module_text(path)
        return view_document(str(path), source) if source is not None else None

    def open_document(self, uri: str) -> TextSnapshot | None:
        return self.documents.text(uri)

    def version_of(self, uri: str) -> int | None:
        document = self.documents.text(uri)
        return document.version if document is not None else None

    # -- the course --------------------------------------------------------------------------

    def is_glossary_path(self, path: Path) -> bool:
        return is_glossary_file(path, self.glossary_paths)

    def root_of(self, path: Path | None) -> Path | None:
        if path is None:
            return self.roots[0] if len(self.roots) == 1 else None
        for root in self.roots:
            try:
                path.relative_to(root)
            except ValueError:
                continue
            return root
        return None

    def rules(self) -> RuleSettings:
        words = set(self.session_ignore)
        for root in self.roots:
            text = self.read_text(root / IGNORE_FILE)
            if text is not None:
                words.update(parse_ignore_file(text))
        return RuleSettings.from_settings(self.settings, words)

    def glossary_file(self, path: Path) -> GlossaryFile | None:
        """The glossary file at `path` as its text is now; None when it cannot be read."""
        text = self.read_text(path)
        if text is None:
            return None
        key = (path, hash(text))
        cached = self._glossary_files.get(key)
        if cached is not None and cached.lines.text == text:
            return cached
        glossary, problems = self._read_glossary(path, text)
        version = GlossaryVersion(glossary, self.glossary.matcher, self.glossary.number)
        found = GlossaryFile(path, LineIndex(text), version, problems)
        self._glossary_files.clear()  # one file's text at a time is worth keeping
        self._glossary_files[key] = found
        return found

    def _read_glossary(self, path: Path, text: str) -> tuple[Glossary, tuple[LoadProblem, ...]]:
        """The glossary a file's text holds (a glossary source by its own format's reader),
        and its problems (those of a source: its errors; its hints come with `load_notes`)."""
        if resolved_path(path) in self.glossary_sources:
            read = read_source(str(path), text, self.settings.source_kinds)
            errors = tuple(problem for problem in read.problems if problem.severity == "error")
            return Glossary(terms=unique_terms(read.terms)[0], sources=[str(path)]), errors
        try:
            return load_glossary_text(text, str(path), self.glossary.glossary.modules), ()
        except GlossaryLoadError as error:
            return Glossary(), tuple(error.problems)

    def located(self, term: Term) -> Term:
        """The term with its location in its glossary file's current text (which may have
        been edited since it was loaded); without a location when that text no longer has it.
        The term is the served glossary's (its spelling is what the course's text is matched
        with), also when `term` comes from a glossary file's current text."""
        served = self.glossary.glossary.lookup(term.term)
        if served is not None and served.key == term.key:
            term = served
        if term.location is None:
            return term
        path = Path(term.location.path)
        if self.documents.source_of(path) is None:
            return term  # not open: the loaded version is the file's text
        found = self.glossary_file(path)
        current = found.version.glossary.lookup(term.term) if found is not None else None
        if current is not None and current.key == term.key:
            return term._replace(location=current.location)
        return term._replace(location=None)


@dataclass
class ModuleRefresh:
    """A refresh of a module's index entry that runs (`lifecycle.refresh_module`)."""

    read: str | None  # the editor's text of the module as the refresh began; None: the disk's
    again: bool = False  # changed since: the refresh runs once more
    done: asyncio.Event = field(default_factory=asyncio.Event)


def resolved_path(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


class Session:
    """The state of one connection. Changed only on the event loop."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.store = GlossaryStore()
        self.glossary = GlossaryVersion.build(self.store.merged)
        self.documents = OpenDocuments()
        # Held while the event loop handles a message: the analyses wait at their checkpoints.
        self.gate = RequestGate()
        self.index = self._new_index([])
        self.client = ClientFeatures()
        self.roots: list[Path] = []
        self.initialization_options: dict = {}
        self.raw_settings: object = None
        self.session_ignore: frozenset[str] = frozenset()  # replaced whole: snapshots share it
        self.analyses = SessionAnalyses()  # module analyses cached per glossary version
        self.indexed = asyncio.Event()  # the course was listed once: indexing has begun
        # the current index's modules are listed (a new index for new settings is not, until
        # its own listing): requests that need the modules wait for it, or say they could not
        self.listed = asyncio.Event()
        self.shutting_down = threading.Event()
        # Analyses and indexing; requests have their own thread so they never queue behind them.
        # What still runs on those threads (a document's own analysis) hands the interpreter
        # lock back to the event loop every 0.25 ms instead of every 5 (`SessionExecutor`), and
        # waits at its checkpoints while a request is handled (`RequestGate`).
        self.executor = SessionExecutor(
            ANALYSIS_WORKERS, thread_name_prefix="glossary-lsp", initializer=self.gate.enter
        )
        self.request_executor = SessionExecutor(1, thread_name_prefix="glossary-lsp-request")
        # Course-wide passes (the term index, the course's diagnostics): worker processes, so
        # that they never hold this process's interpreter lock; in-thread when they cannot start.
        self.pool = CoursePool(self.executor)
        self._shared_glossary: tuple[GlossaryVersion, Shared] | None = None
        self._glossary_files: dict[tuple[Path, int], GlossaryFile] = {}
        self._files: tuple[GlossaryStore, int, ServedFiles] | None = None
        self._last_snapshot: Snapshot | None = None
        # Modules whose index entry is being refreshed after an edit (superseded refreshes of a
        # large module never pile up on the workers; see `lifecycle.refresh_module`).
        self.refreshing: dict[Path, ModuleRefresh] = {}

    def _new_index(self, roots: list[Path]) -> WorkspaceIndex:
        return WorkspaceIndex(
            roots=roots,
            include=self.settings.modules_include,
            exclude=self.settings.modules_exclude,
            matcher=self.glossary.matcher,
            open_source=EditorTexts(self.documents, self.gate),
            toc=self.settings.course_toc,
            language=self.settings.course_language,
        )

    def snapshot(self) -> Snapshot:
        """The state as of now: the last snapshot again when none of its parts was replaced
        since (building one, a frozen dataclass of nine fields, was most of its cost)."""
        documents, files, roots = self.documents.current(), self.served_files(), tuple(self.roots)
        last = self._last_snapshot
        if (
            last is not None
            and last.documents is documents
            and last.files is files
            and last.glossary is self.glossary
            and last.index is self.index
            and last.settings is self.settings
            and last.client is self.client
            and last.session_ignore is self.session_ignore
            and last.roots == roots
        ):
            return last
        self._last_snapshot = Snapshot(
            documents=documents,
            glossary=self.glossary,
            index=self.index,
            settings=self.settings,
            client=self.client,
            roots=roots,
            files=files,
            session_ignore=self.session_ignore,
            _glossary_files=self._glossary_files,
        )
        return self._last_snapshot

    def served_files(self) -> ServedFiles:
        """The store's files as of now: the object the last snapshot got, unless the store
        changed since (copying them was a tenth of a hover's instructions)."""
        store, version = self.store, self.store.version
        kept = self._files
        if kept is None or kept[0] is not store or kept[1] != version:
            kept = (store, version, ServedFiles.of(store))
            self._files = kept
        return kept[2]

    # -- settings and glossaries ---------------------------------------------------------------

    def take_settings(self, raw: object, force: bool = False) -> bool:
        """Take new settings (and a new index for them); False when nothing changed."""
        settings = Settings.from_dict(raw)
        if settings == self.settings and self.store.paths and not force:
            return False
        self.raw_settings = raw
        self.settings = settings
        self.index = self._new_index(self.roots)
        self.listed.clear()
        self.store.discover(self.roots, self.settings.source_kinds)
        return True

    def reload_glossary(self, force: bool = False) -> bool:
        """Load what changed among the glossaries the roots and settings name; True when a new
        glossary version is in service."""
        paths = glossary_paths(
            self.roots, self.settings.glossaries, self.settings.include_bundled, self.store.sources
        )
        self.store.configure(paths)
        changed = self.store.reload(force=force)
        if changed or force:
            self.glossary = GlossaryVersion.build(self.store.merged, self.glossary.number + 1)
            self.index.matcher = self.glossary.matcher
            self.executor.submit(self.glossary.matcher.prepare_completion)
            log.info(
                "glossary version %d: %d terms from %s",
                self.glossary.number,
                len(self.glossary.glossary),
                ", ".join(self.glossary.glossary.sources),
            )
            return True
        return False

    def is_glossary_path(self, path: Path) -> bool:
        return is_glossary_file(path, self.store.paths)

    def affects_glossary(self, path: Path) -> bool:
        """Whether a saved, created or deleted file is (or has become, or stopped being) a
        glossary or a glossary source: then the glossaries reload."""
        return self.is_glossary_path(path) or self.store.recheck(path) or self.store.is_source(path)

    def glossary_uris(self) -> dict[str, Path]:
        return {path_to_uri(path): path for path in self.store.paths}

    # -- work off the event loop ---------------------------------------------------------------

    async def run(self, work, *args):  # noqa: ANN001, ANN201 - any callable and its result
        """Run background work `work(*args)` (an analysis, indexing) on the session's executor;
        after `close` the work is cancelled instead (`asyncio.CancelledError`)."""
        return await self._run_on(self.executor, work, *args)

    async def run_for_request(self, work, *args):  # noqa: ANN001, ANN201
        """Run a request's slow step (building a view) off the event loop, ahead of analyses."""
        return await self._run_on(self.request_executor, work, *args)

    async def _run_on(self, executor, work, *args):  # noqa: ANN001, ANN202
        if self.shutting_down.is_set():
            raise asyncio.CancelledError("the session is closed")
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, work, *args)
        except RuntimeError:
            if self.shutting_down.is_set():  # "cannot schedule new futures after shutdown"
                raise asyncio.CancelledError("the session is closed") from None
            raise

    async def shared_glossary(self, version: GlossaryVersion) -> Shared:
        """The glossary of a version as the pool's workers load it, written once per version."""
        if self._shared_glossary is None or self._shared_glossary[0] is not version:
            handle = await self.run(self.pool.share_glossary, version.glossary)
            self._shared_glossary = (version, handle)
        return self._shared_glossary[1]

    def close(self) -> None:
        """The connection ends: running analyses see `shutting_down`, queued ones never start,
        the worker processes end."""
        self.shutting_down.set()
        self.pool.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.request_executor.shutdown(wait=False, cancel_futures=True)

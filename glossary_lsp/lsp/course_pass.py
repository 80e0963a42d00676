"""Course-wide work on the session's worker pool (`course.pool`): the term index of every
module, and the diagnostics of every (or some) module(s) of the course.

The event loop only sends plain data and takes small results: each module's term keys, each
module's publications. Workers build their own glossary version (once per version) and a
replica of the index (once per pass) from what `CoursePool.share` wrote.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.pool import (
    CHUNK,
    CoursePool,
    Shared,
    chunks,
    index_chunk,
    matcher_of,
    shared,
)
from glossary_lsp.course.workspace import STALE_TERMS_TRUSTED_FROM, WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import (
    GLOSSARY_SCHEMA,
    SEVERITY_RANK,
    CourseDiagnostics,
    CourseFacts,
    Finding,
    ModuleAnalysis,
    RuleSettings,
    diagnose,
)
from glossary_lsp.glossary.problems import LoadProblem
from glossary_lsp.lsp import convert
from glossary_lsp.lsp.analyses import Explained, explained_of
from glossary_lsp.lsp.capabilities import ClientFeatures
from glossary_lsp.lsp.convert import Publication
from glossary_lsp.lsp.documents import DocumentsSnapshot, release_freed_memory
from glossary_lsp.lsp.session import ServedFiles, Session, Snapshot, resolved_path
from glossary_lsp.matching import TermMatcher
from glossary_lsp.settings import Settings
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.uris import path_to_uri, uri_key, uri_to_path
from glossary_lsp.text.views import DocumentView

WORKER_VIEW_CACHE = 128
# A pass over this many modules or fewer runs in-thread: it ends before a worker could start.
IN_THREAD_MODULES = 2 * CHUNK  # a worker reads introducing modules again and again


# -- the term index ----------------------------------------------------------------------------


async def index_terms(
    session: Session, index: WorkspaceIndex, progress: Callable[[int, int], None] | None = None
) -> bool:
    """Find the terms of every module not indexed yet, in the pool; False when superseded (a new
    index or glossary version) before the end. Modules the pool could not settle (changed while
    read) are indexed in-thread at the end."""
    version = session.glossary
    pending = index.pending_terms()
    if len(pending) <= IN_THREAD_MODULES or session.pool.in_thread:
        await session.run(index.index_terms, progress)  # sooner than a process starts
        return session.index is index and session.glossary is version
    session.pool.warm()  # the workers start while the glossary is written for them
    glossary = await session.shared_glossary(version)
    tasks = [
        asyncio.ensure_future(session.pool.run(index_chunk, glossary, chunk))
        for chunk in chunks(pending)
    ]
    done = 0
    try:
        for next_done in asyncio.as_completed(tasks):
            found = await next_done
            if session.index is not index or session.glossary is not version:
                return False
            for path, stamp, terms in found:
                if terms is not None:
                    index.adopt_terms(path, stamp, terms)
            done += len(found)
            if progress is not None:
                progress(done, len(pending))
    finally:
        for task in tasks:
            task.cancel()
    await session.run(index.index_terms)
    return True


# -- the course's diagnostics --------------------------------------------------------------------


@dataclass(frozen=True)
class CourseContext:
    """What a worker diagnoses modules from: a snapshot without its open documents (their
    texts are in the replica index), as plain data."""

    index: WorkspaceIndex
    settings: Settings
    client: ClientFeatures
    roots: tuple[Path, ...]
    glossary_paths: frozenset[Path]
    load_problems: dict
    load_notes: dict
    glossary_sources: frozenset[Path]
    session_ignore: frozenset[str]


def course_context(snapshot: Snapshot) -> CourseContext:
    documents = snapshot.documents
    open_texts = {}
    for uri in documents.open_uris():
        path = uri_to_path(uri)
        source = documents.source_of(path) if path is not None else None
        if path is not None and source is not None and snapshot.index.module_at(path):
            open_texts[path] = source
    return CourseContext(
        snapshot.index.replica(open_texts),
        snapshot.settings,
        snapshot.client,
        snapshot.roots,
        snapshot.glossary_paths,
        dict(snapshot.load_problems),
        dict(snapshot.load_notes),
        snapshot.glossary_sources,
        snapshot.session_ignore,
    )


def share_course(pool: CoursePool, snapshot: Snapshot) -> Shared:
    """A pass's context for the workers, its modules pickled a slice at a time."""
    context = course_context(snapshot)
    modules = context.index.take_modules()
    return pool.share_sliced("course", context, list(modules.items()), _course_join)


def _course_join(context: CourseContext, modules: list) -> CourseContext:
    context.index.give_modules(dict(modules))
    return context


def closed_modules(snapshot: Snapshot, only: set[Path] | None = None) -> list[Path]:
    """The course's modules not open in the editor (those have their own analyses), in course
    order; only those of `only` when given."""
    open_uris = {uri_key(uri) for uri in snapshot.documents.open_uris()}
    return [
        module.path
        for module in snapshot.index.modules()
        if (only is None or module.path in only) and uri_key(module.uri) not in open_uris
    ]


class KeptAnalyses(CourseDiagnostics):
    """Module analyses kept across passes by the file text they were made of: each pass's
    replica has new `ModuleFile` objects, which the base class's cache would not recognise."""

    def __init__(self) -> None:
        super().__init__()
        self._kept: dict[Path, tuple[object, TermMatcher, bool, ModuleAnalysis]] = {}

    def analysis(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        module: ModuleFile,
        rules: RuleSettings,
    ) -> ModuleAnalysis:
        stamp = module.terms_stamp
        kept = self._kept.get(module.path)
        if (
            kept is not None
            and kept[0] == stamp
            and kept[1] is version.matcher
            and kept[2] == rules.code_comments
        ):
            return kept[3]
        if kept is not None and kept[1] is not version.matcher:
            self._kept.clear()  # a new glossary version: every analysis is made again
        analysis = super().analysis(version, index, module, rules)
        if isinstance(stamp, tuple):  # a file on disk (an open text's stamp is its id there)
            self._kept[module.path] = (stamp, version.matcher, rules.code_comments, analysis)
        return analysis


@dataclass
class _PassState:
    key: tuple[str, str]
    snapshot: Snapshot
    rules: RuleSettings
    facts: CourseFacts


_analyses = KeptAnalyses()
_state: _PassState | None = None


def _pass_state(context: Any, glossary: Any) -> _PassState:
    global _state
    key = (context.key, glossary.key)
    if _state is None or _state.key != key:
        course: CourseContext = shared(context)
        matcher: TermMatcher = shared(glossary, matcher_of)  # the one the index chunks use
        version = GlossaryVersion(matcher.glossary, matcher)
        index = course.index
        index.matcher, index.cache_size = version.matcher, WORKER_VIEW_CACHE
        snapshot = Snapshot(
            documents=DocumentsSnapshot(),
            glossary=version,
            index=index,
            settings=course.settings,
            client=course.client,
            roots=course.roots,
            files=ServedFiles(
                paths=course.glossary_paths,
                problems=MappingProxyType(course.load_problems),
                notes=MappingProxyType(course.load_notes),
                sources=course.glossary_sources,
            ),
            session_ignore=course.session_ignore,
            _glossary_files={},
        )
        rules = snapshot.rules()
        _state = _PassState(key, snapshot, rules, CourseFacts(_analyses, version, index, rules))
    return _state


def diagnose_chunk(
    context: Any, glossary: Any, paths: list[Path]
) -> tuple[list[Publication], list[Explained]]:
    """Runs in a worker: the publications of some modules of the course, and which terms each
    explains (for the server's own diagnostics of a document, `SessionAnalyses`)."""
    state = _pass_state(context, glossary)
    explained: list[Explained] = []
    return diagnose_modules(state.snapshot, state.facts, paths, explained), explained


def diagnose_modules(
    snapshot: Snapshot,
    facts: CourseFacts,
    paths: list[Path],
    explained: list[Explained] | None = None,
) -> list[Publication]:
    """The publications of some closed modules of the course (`facts` of the same snapshot);
    with `explained`, what each module on disk explains is added to it."""
    version, index = snapshot.glossary, snapshot.index
    publications: list[Publication] = []
    read_large = False
    for path in paths:
        module = index.module_at(path)
        if module is None or not facts.course.contains(module):
            continue
        analysis = facts.analyses.analysis(version, index, module, facts.rules)
        findings = diagnose(version, facts, module, analysis, facts.rules)
        publications += module_publications_of(snapshot, path, findings)
        if explained is not None and isinstance(module.terms_stamp, tuple):  # a file's stamp
            explained.append(explained_of(path, module.terms_stamp, analysis))
        read_large = read_large or _large_file(path)  # closed: read from disk
    if read_large:
        # a large module read from disk (the index keeps no view of it) left its reading freed
        # in the C heap: given back, as when a large document closes (a full collection holds
        # the interpreter lock: only then)
        release_freed_memory()
    return publications


def _large_file(path: Path) -> bool:
    """Whether a file is large (see `STALE_TERMS_TRUSTED_FROM`)."""
    try:
        return path.stat().st_size > STALE_TERMS_TRUSTED_FROM
    except OSError:
        return False


def module_publications_of(
    snapshot: Snapshot, path: Path, findings: list[Finding]
) -> list[Publication]:
    """A closed module's publications (a glossary page's problems as a source joined in)."""
    index = snapshot.index
    module = index.module_at(path)
    is_source = resolved_path(path) in snapshot.glossary_sources
    view = index.view(module) if module is not None and (findings or is_source) else None
    if view is not None and is_source:  # a glossary page: its problems as a source
        findings = [*findings, *source_findings(snapshot, path, view)]
    if view is None or not findings:
        return [(path_to_uri(path), [], None)]
    return convert.module_publications(snapshot, path, view, findings)


def source_findings(snapshot: Snapshot, path: Path | None, view: DocumentView) -> list[Finding]:
    """A Markdown glossary source is a module page too: its problems as a source join in."""
    if path is None or resolved_path(path) not in snapshot.glossary_sources:
        return []
    resolved = resolved_path(path)
    problems = [*snapshot.load_problems.get(resolved, ()), *snapshot.load_notes.get(resolved, ())]
    return problem_findings(problems, view.lines)


def problem_findings(problems: Iterable[LoadProblem], lines: LineIndex) -> list[Finding]:
    """A glossary source's problems and hints as findings, each with its own severity."""
    findings = []
    for problem in problems:
        offset = lines.offset(max(problem.line - 1, 0), max(problem.column - 1, 0)) or 0
        severity = problem.severity if problem.severity in SEVERITY_RANK else "error"
        findings.append(Finding(GLOSSARY_SCHEMA, severity, problem.message, offset, offset))
    return findings

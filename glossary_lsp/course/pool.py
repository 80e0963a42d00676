"""Worker processes for course-wide work, over plain data (issue 17).

A pass over every module of a course (finding the terms each uses, diagnosing each) takes
seconds of Python; on a thread it holds the interpreter lock that the event loop needs to answer
hover and completion. In another process it cannot. Work goes to a small pool of processes
(`worker_count`: one per core, at most two), started with `forkserver` (or `spawn`), at a lower
scheduling priority so that the event loop's process and the editor come first, each of them
ending itself when the server process is gone.

Workers never see the session. What they need is written once to a file (`CoursePool.share`:
the glossary of a version, a replica of the index for one pass) and loaded once per worker
(`shared`); a task names it and a chunk of modules, and returns small plain results (the term
keys of each module, publications). When processes cannot start, the same tasks run in-thread
on the fallback executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from glossary_lsp.course.module_terms import ModuleTerms, module_terms
from glossary_lsp.course.module_text import file_stamp
from glossary_lsp.course.workspace import read_module_text
from glossary_lsp.glossary.model import Glossary
from glossary_lsp.matching import TermMatcher

if TYPE_CHECKING:  # multiprocessing is imported when the first worker starts, not at startup
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

CHUNK = 20  # modules per task: a second or so of work, the unit of cancellation
PARENT_POLL_SECONDS = 1.0
WORKER_NICENESS = 5  # the event loop's process comes first on a busy machine
ITEMS_PER_SLICE = 100  # long lists are pickled in slices of ~10 ms (modules, terms): no long hold

T = TypeVar("T")


def worker_count(cores: int | None = None) -> int:
    """Workers for `cores` cores: one each, at most two. Two on two cores as well: niced, they
    leave the event loop its core when it needs it (840 modules indexed 1.9 -> 3.3 MB/s with hover
    during indexing at 1.03x the floor, p99 8 ms; `benchmarks/run.py --only workspace_scale
    background`)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, min(2, cores))


def chunks(items: Sequence[T], size: int = CHUNK) -> list[list[T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


@dataclass(frozen=True, slots=True)
class Shared:
    """Plain data written once to a file, loaded once by each worker that needs it."""

    key: str
    path: str


# -- in a worker -------------------------------------------------------------------------------

_LOADED_KEEP = 4
_loaded: OrderedDict[str, Any] = OrderedDict()
_loaded_lock = threading.Lock()


def shared(handle: Shared, build: Callable[[Any], Any] | None = None) -> Any:
    """The data a handle names (`build` of it, when given), loaded once and kept for the next
    tasks (a few handles at a time: a glossary version, a pass's replica)."""
    key = handle.key if build is None else f"{handle.key}\0{getattr(build, '__name__', '')}"
    with _loaded_lock:
        if key in _loaded:
            _loaded.move_to_end(key)
            return _loaded[key]
    value = _load(handle.path)
    if build is not None:
        value = build(value)
    with _loaded_lock:
        _loaded[key] = value
        while len(_loaded) > _LOADED_KEEP:
            _loaded.popitem(last=False)
    return value


def _load(path: str) -> Any:
    with open(path, "rb") as file:
        header = pickle.load(file)
        if not isinstance(header, _Sliced):
            return header
        items = [item for _ in range(header.slices) for item in pickle.load(file)]
        return header.rebuild(items)


def _worker_start(parent: int) -> None:
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)

    def watch() -> None:  # the server died without closing the pool: end with it
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def glossary_of(data: Any) -> Glossary:
    return data if isinstance(data, Glossary) else Glossary(*data)


def matcher_of(data: Any) -> TermMatcher:
    return TermMatcher(glossary_of(data))


def index_chunk(
    glossary: Shared, items: list[tuple[Path, object, str | None]]
) -> list[tuple[Path, object, ModuleTerms | None]]:
    """The terms of each module of a chunk: (path, the stamp of the text read, its terms; None
    when it cannot be read). A module without a stamp is read from disk, stamped first (a file
    changed while it is read is found stale by `WorkspaceIndex.adopt_terms`)."""
    matcher = shared(glossary, matcher_of)
    found: list[tuple[Path, object, ModuleTerms | None]] = []
    for path, stamp, text in items:
        if text is None:
            stamp = file_stamp(path)
            text, _problem = read_module_text(path)
        terms = module_terms(matcher, path, text) if text is not None else None
        found.append((path, stamp, terms))
    return found


# -- in the server -----------------------------------------------------------------------------


@dataclass
class _Sliced:
    """The head of a value pickled as slices of a list: `join(head, items)` in the worker."""

    slices: int
    head: Any
    join: Callable[[Any, list], Any]

    def rebuild(self, items: list) -> Any:
        return self.join(self.head, items)


def _glossary_join(head: tuple, terms: list) -> tuple:
    modules, unattributed, sources, version = head
    return modules, terms, unattributed, sources, version


class CoursePool:
    """The worker processes, or the fallback executor when they cannot start."""

    def __init__(self, fallback: Executor, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else worker_count()
        self.fallback = fallback
        self.in_thread = self.workers < 1
        self._pool: ProcessPoolExecutor | None = None
        self._folder: str | None = None
        self._counter = itertools.count()
        self._files: dict[str, list[str]] = {}
        self._closed = False

    # -- shared data ---------------------------------------------------------------------------

    def share(self, kind: str, value: Any) -> Shared:
        """Write `value` for the workers; the files of a kind before the last two go."""
        return self._write(kind, [value])

    def share_glossary(self, glossary: Glossary) -> Shared:
        """A glossary version for the workers, pickled slice by slice (a 10,000-term glossary is
        a few MB: one `dump` would hold the interpreter lock for most of 100 ms)."""
        head = (glossary.modules, glossary.unattributed, glossary.sources, glossary.version)
        return self.share_sliced("glossary", head, glossary.terms, _glossary_join)

    def share_sliced(
        self, kind: str, head: Any, items: Sequence[Any], join: Callable[[Any, list], Any]
    ) -> Shared:
        """`join(head, items)` for the workers, the items pickled a slice at a time (`join` is a
        module-level function: it travels by name)."""
        slices = [
            list(items[i : i + ITEMS_PER_SLICE]) for i in range(0, len(items), ITEMS_PER_SLICE)
        ]
        return self._write(kind, [_Sliced(len(slices), head, join), *slices])

    def _write(self, kind: str, parts: list[Any]) -> Shared:
        key = f"{kind}-{os.getpid()}-{next(self._counter)}"
        if self.in_thread:
            value = (
                parts[0]
                if len(parts) == 1
                else parts[0].rebuild([item for part in parts[1:] for item in part])
            )
            with _loaded_lock:
                _loaded[key] = value
                while len(_loaded) > _LOADED_KEEP:
                    _loaded.popitem(last=False)
            return Shared(key, "")
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="glossary-lsp-")
        path = os.path.join(self._folder, f"{key}.pickle")
        with open(path, "wb") as file:
            for part in parts:
                pickle.dump(part, file, protocol=pickle.HIGHEST_PROTOCOL)
                time.sleep(0)  # let the event loop in between slices
        files = self._files.setdefault(kind, [])
        files.append(path)
        while len(files) > 2:
            with contextlib.suppress(OSError):
                os.remove(files.pop(0))
        return Shared(key, path)

    # -- running -------------------------------------------------------------------------------

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in a worker process; in-thread when processes cannot start."""
        loop = asyncio.get_running_loop()
        if not self.in_thread and not self._closed:
            try:
                return await asyncio.wrap_future(self._submit(work, *args))
            except (BrokenExecutor, OSError, pickle.PicklingError) as error:
                if self._closed:
                    raise asyncio.CancelledError from error
                self._fall_back(error)
        return await loop.run_in_executor(self.fallback, work, *args)

    def warm(self) -> None:
        """Start the workers now (a process takes a moment to start and import)."""
        if self.in_thread or self._closed or self._pool is not None:
            return
        try:
            self._submit(os.getpid).add_done_callback(lambda future: future.exception())
        except (BrokenExecutor, OSError) as error:
            self._fall_back(error)

    def _submit(self, work: Callable[..., T], *args: Any) -> Future[T]:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=_context(),
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
        with _main_module_hidden():  # a worker needs only this package, not the host's script
            return self._pool.submit(work, *args)

    def _fall_back(self, error: BaseException) -> None:
        log.warning("worker processes unavailable (%s); course-wide work runs in-thread", error)
        self.in_thread = True
        self._stop_processes()

    def processes(self) -> list[int]:
        """The worker processes' ids (for tests)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return [process.pid for process in processes.values()]

    def close(self) -> None:
        """Queued tasks are cancelled, workers end (a running task is not waited for)."""
        self._closed = True
        self._stop_processes()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _stop_processes(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a task may be running: it is abandoned, not waited for
            with contextlib.suppress(Exception):
                process.terminate()


def _context() -> Any:
    # spawn: a fresh interpreter (never a fork of a process with threads), and the server is the
    # workers' parent, which lets them notice when it dies
    import multiprocessing

    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While workers start: `spawn` would run the host's `__main__` again in each of them (the
    server's entry point, a test runner, a user's script without a `__main__` guard)."""
    main = sys.modules.get("__main__")
    saved = {
        name: main.__dict__[name]
        for name in ("__file__", "__spec__")
        if main and name in main.__dict__
    }
    try:
        for name in saved:
            if name == "__spec__":
                main.__spec__ = None  # type: ignore[union-attr]
            else:
                delattr(main, name)
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)

"""The workspace index: a course's module files in course order and where terms occur in them.

The only module that walks the disk for course files. It keeps, per module, the set of terms that
occur in its prose (small); the text itself is read again when a feature needs exact positions,
so a course of thousands of files costs little memory.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wcmatch import glob as wcglob

from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.text.documents import (
    DocumentView,
    Region,
    front_matter_span,
    load_front_matter,
    view_document,
)
from glossary_lsp.text.uris import path_to_uri

log = logging.getLogger(__name__)

MODULE_SUFFIXES = (".md", ".markdown", ".mdx", ".ipynb")
MAX_MODULE_BYTES = 32 * 1024 * 1024
VIEW_CACHE_SIZE = 32
HEADING_SEARCH_CHARS = 20_000
_NUMERIC_PREFIX = re.compile(r"^(\d+)[-_. ]*")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


# `**` crosses folders, `{a,b}` alternates, `[0-9]` is a class, dot files match like any other
# (as in VS Code's `files.exclude`).
GLOB_FLAGS = wcglob.GLOBSTAR | wcglob.BRACE | wcglob.DOTGLOB


class PathFilter:
    """Include and exclude globs over paths relative to a workspace folder (POSIX form).

    No include pattern means every module file; no exclude pattern excludes nothing. The
    defaults are the settings' (`Settings.modules_include` / `modules_exclude`).
    """

    def __init__(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        self._include = wcglob.compile(list(include), flags=GLOB_FLAGS) if include else None
        self._exclude = wcglob.compile(list(exclude), flags=GLOB_FLAGS) if exclude else None

    def excludes_folder(self, relative: str) -> bool:
        return self._excluded(relative.rstrip("/") + "/x")

    def accepts(self, relative: str) -> bool:
        if self._excluded(relative):
            return False
        return self._include is None or bool(self._include.match(relative))

    def _excluded(self, relative: str) -> bool:
        return self._exclude is not None and bool(self._exclude.match(relative))


def module_id_for(path: Path, front_matter: dict) -> str:
    for key in ("id", "slug"):
        value = front_matter.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return _NUMERIC_PREFIX.sub("", path.stem) or path.stem


def course_order_for(path: Path, front_matter: dict) -> float:
    value = front_matter.get("order")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    prefix = _NUMERIC_PREFIX.match(path.name)
    return float(prefix.group(1)) if prefix else math.inf


def title_for(path: Path, view: DocumentView) -> str:
    title = view.front_matter.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for region in view.regions:
        if region.kind == "markdown":
            heading = _HEADING.search(region.text)
            if heading:
                return heading.group(1)
    return path.stem


def _natural_key(text: str) -> tuple:
    return tuple(
        int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)
    )


@dataclass(slots=True)
class ModuleFile:
    """One module of the course: a Markdown file or a notebook."""

    path: Path
    uri: str
    id: str
    title: str
    sort_key: tuple
    terms: frozenset[str] = frozenset()
    terms_known: bool = False
    error: str | None = None
    terms_stamp: object = None  # the text version `terms` were found in (see `_stamp`)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A term found in a module's prose. Offsets are logical offsets into `region.text`."""

    module: ModuleFile
    view: DocumentView
    region: Region
    start: int
    end: int
    term: Term

    def source_range(self) -> tuple[int, int]:
        return self.region.to_source(self.start), self.region.to_source(self.end)


def read_module_text(path: Path) -> tuple[str | None, str | None]:
    """(text, problem): the file's text, or None and why it cannot serve as a module."""
    try:
        size = path.stat().st_size
        if size > MAX_MODULE_BYTES:
            return None, f"skipped: {size} bytes is over the {MAX_MODULE_BYTES} byte limit"
        data = path.read_bytes()
    except OSError as error:
        return None, f"unreadable: {error.strerror or error}"
    if b"\0" in data[:8192]:
        return None, "skipped: binary file"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return data.decode("utf-8", errors="replace"), f"line {line}: invalid UTF-8"


@dataclass(slots=True)
class _CachedModule:
    stamp: object
    view: DocumentView
    matches: list[tuple[Region, int, int, Term]] | None = None


def markdown_header(source: str) -> tuple[dict, str | None]:
    """A Markdown module's front matter and first `# heading`, read without parsing the rest."""
    span = front_matter_span(source)
    front_matter = load_front_matter(source[span[0] : span[1]]) if span else {}
    body = span[2] if span else 0
    heading = _HEADING.search(source, body, body + HEADING_SEARCH_CHARS)
    return front_matter, heading.group(1) if heading else None


def prose_matches(matcher: TermMatcher, region: Region) -> Iterable[tuple[int, int, Term]]:
    for start, end in region.prose:
        for match in matcher.find_all(region.text, start, end):
            yield match.start, match.end, match.term


@dataclass
class WorkspaceIndex:
    """The modules under the workspace folders, in course order, with the terms each uses."""

    roots: Sequence[Path]
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    matcher: TermMatcher | None = None
    cache_size: int = VIEW_CACHE_SIZE
    # The editor's text of an open document (None when it is not open): it wins over the disk
    # at once, so positions are computed on the text the editor has now.
    open_source: Callable[[Path], str | None] | None = None
    _modules: dict[Path, ModuleFile] = field(default_factory=dict)
    _open: dict[Path, str] = field(default_factory=dict)
    _ordered: list[ModuleFile] | None = None
    _by_id: dict[str, ModuleFile] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _views: OrderedDict[Path, _CachedModule] = field(default_factory=OrderedDict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.roots = [Path(root) for root in self.roots]
        self._filter = PathFilter(self.include, self.exclude)

    # -- which files are modules -------------------------------------------------------------

    def _relative(self, path: Path) -> str | None:
        for root in self.roots:
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                continue
        return None

    def is_module_path(self, path: Path) -> bool:
        relative = self._relative(path)
        return relative is not None and self._filter.accepts(relative)

    def walk(self) -> list[Path]:
        """Every module file under the roots, pruning excluded folders as it goes."""
        found: list[Path] = []
        for root in self.roots:
            for folder, subfolders, files in os.walk(root, onerror=lambda e: log.warning("%s", e)):
                base = Path(folder)
                relative_folder = base.relative_to(root).as_posix()
                subfolders[:] = sorted(
                    name
                    for name in subfolders
                    if not self._filter.excludes_folder(_join(relative_folder, name))
                )
                for name in sorted(files):
                    if name.endswith(MODULE_SUFFIXES) and self._filter.accepts(
                        _join(relative_folder, name)
                    ):
                        found.append(base / name)
        return found

    # -- building ----------------------------------------------------------------------------

    def scan(self, progress: Callable[[int, int], None] | None = None) -> None:
        """List the modules, then find the terms each one uses."""
        self.list_modules()
        self.index_terms(progress)

    def list_modules(self) -> None:
        """Walk the roots and describe every module (id, title, order): fast, no matching."""
        fresh = {path: self._describe(path) for path in self.walk()}
        with self._lock:
            self._modules = fresh
            self._ordered = None

    def index_terms(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Find the terms of every module not yet indexed; `progress(done, total)` as it goes."""
        pending = [module for module in self.modules() if not module.terms_known]
        for done, module in enumerate(pending, 1):
            self._find_terms(module)
            if progress is not None and (done % 50 == 0 or done == len(pending)):
                progress(done, len(pending))

    def record_terms(self, module: ModuleFile, keys: Iterable[str]) -> None:
        """The terms another pass over the module's prose found (a caller's own analysis)."""
        module.terms = frozenset(keys)
        module.terms_known = True

    def set_matcher(self, matcher: TermMatcher) -> None:
        """A new glossary version: every module's terms are found again."""
        with self._lock:
            self.matcher = matcher
            self._views.clear()
            self._patterns.clear()
            for module in self._modules.values():
                module.terms_known = False
        self.index_terms()

    def refresh(self, path: Path) -> None:
        """Index one file again (after an edit, a save or a file event)."""
        if not path.exists() and self._open_text(path) is None:
            self.remove(path)
            return
        module = self._describe(path)
        self._find_terms(module)
        with self._lock:
            self._modules[path] = module
            self._ordered = None

    def update(self, path: Path, source: str) -> None:
        """An open document's text, which wins over the disk until it is closed."""
        if not self.is_module_path(path):
            return
        self._open[path] = source
        self.refresh(path)

    def close(self, path: Path) -> None:
        """The document closed: its file counts as on disk again; its cached view goes."""
        self._open.pop(path, None)
        with self._lock:
            self._views.pop(path, None)
        if self.is_module_path(path):
            self.refresh(path)

    def _open_text(self, path: Path) -> str | None:
        if self.open_source is not None:
            source = self.open_source(path)
            if source is not None:
                return source
        return self._open.get(path)

    def remove(self, path: Path) -> None:
        with self._lock:
            self._views.pop(path, None)
            if self._modules.pop(path, None) is not None:
                self._ordered = None

    def _describe(self, path: Path) -> ModuleFile:
        source, problem = self._source(path)
        if path.suffix == ".ipynb" and source is not None:
            view = view_document(str(path), source)
            front_matter, title = view.front_matter, title_for(path, view)
            problem = problem or view.error
        else:
            front_matter, heading = markdown_header(source or "")
            title = front_matter.get("title") or heading or path.stem
        relative = self._relative(path) or path.name
        return ModuleFile(
            path=path,
            uri=path_to_uri(path),
            id=module_id_for(path, front_matter),
            title=str(title).strip(),
            sort_key=(course_order_for(path, front_matter), _natural_key(relative)),
            error=problem,
        )

    def _find_terms(self, module: ModuleFile) -> None:
        stamp = self._stamp(module.path)
        matches = self._matches(module)
        module.terms = frozenset(term.key for _, _, _, term in matches)
        module.terms_known = self.matcher is not None
        module.terms_stamp = stamp

    def _source(self, path: Path) -> tuple[str | None, str | None]:
        source = self._open_text(path)
        return (source, None) if source is not None else read_module_text(path)

    def _stamp(self, path: Path) -> object:
        source = self._open_text(path)
        if source is not None:
            return id(source)
        try:
            stat = path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _cached(self, path: Path) -> _CachedModule | None:
        """The module's view and prose matches, reused while its text is unchanged."""
        stamp = self._stamp(path)
        with self._lock:
            cached = self._views.get(path)
            if cached is not None and cached.stamp == stamp:
                self._views.move_to_end(path)
                return cached
        source, _problem = self._source(path)
        if source is None:
            return None
        entry = _CachedModule(stamp, view_document(str(path), source))
        with self._lock:
            self._views[path] = entry
            while len(self._views) > self.cache_size:
                self._views.popitem(last=False)
        return entry

    def _matches(self, module: ModuleFile) -> list[tuple[Region, int, int, Term]]:
        entry = self._cached(module.path)
        if entry is None or self.matcher is None:
            return []
        if entry.matches is None:
            entry.matches = [
                (region, start, end, term)
                for region in entry.view.regions
                for start, end, term in prose_matches(self.matcher, region)
            ]
        return entry.matches

    def _may_use(self, module: ModuleFile, term: Term) -> bool:
        """Whether a module can use a term: its indexed terms, else a quick text search."""
        open_text = self._open_text(module.path) if self.open_source is not None else None
        if module.terms_known and (open_text is None or module.terms_stamp == id(open_text)):
            return term.key in module.terms
        if module.path.suffix == ".ipynb":
            return True  # names may be JSON-escaped there; the matcher decides
        source = open_text if open_text is not None else self._source(module.path)[0]
        return source is not None and self._pattern(term).search(source) is not None

    def _pattern(self, term: Term) -> re.Pattern[str]:
        pattern = self._patterns.get(term.key)
        if pattern is None:
            names = sorted(term.names, key=len, reverse=True)
            pattern = re.compile(
                "|".join(r"\s+".join(map(re.escape, name.split())) for name in names),
                re.IGNORECASE,
            )
            self._patterns[term.key] = pattern
        return pattern

    # -- queries -----------------------------------------------------------------------------

    def modules(self) -> list[ModuleFile]:
        """The modules in course order."""
        with self._lock:
            if self._ordered is None:
                self._ordered = sorted(self._modules.values(), key=lambda m: m.sort_key)
                self._by_id = None
            return self._ordered

    def module_by_id(self, module_id: str) -> ModuleFile | None:
        """The first module in course order with this id."""
        with self._lock:
            ordered = self.modules()
            if self._by_id is None:
                by_id: dict[str, ModuleFile] = {}
                for module in ordered:
                    by_id.setdefault(module.id, module)
                self._by_id = by_id
            return self._by_id.get(module_id)

    def module_at(self, path: Path) -> ModuleFile | None:
        return self._modules.get(path)

    def view(self, module: ModuleFile) -> DocumentView | None:
        entry = self._cached(module.path)
        return entry.view if entry is not None else None

    def occurrences_in(self, module: ModuleFile, term: Term) -> list[Occurrence]:
        """Every prose occurrence of `term` in one module, in document order."""
        entry = self._cached(module.path)
        if entry is None:
            return []
        name = term.term  # one glossary version: the canonical spelling identifies the term
        return [
            Occurrence(module, entry.view, region, start, end, found)
            for region, start, end, found in self._matches(module)
            if found.term == name
        ]

    def occurrences(self, term: Term) -> list[Occurrence]:
        """Every prose occurrence of `term` in the course, in course order."""
        return [
            occurrence
            for module in self.modules()
            if self._may_use(module, term)
            for occurrence in self.occurrences_in(module, term)
        ]

    def first_occurrence(self, term: Term, module: ModuleFile | None = None) -> Occurrence | None:
        """The first prose occurrence in `module`, or in the earliest module that uses the term.

        Answers before the terms of every module are indexed: a module not indexed yet is
        searched for the term's names first, and matched only when they occur in it.
        """
        candidates = [module] if module is not None else self.modules()
        for candidate in candidates:
            if self._may_use(candidate, term):
                found = self.occurrences_in(candidate, term)
                if found:
                    return found[0]
        return None


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"

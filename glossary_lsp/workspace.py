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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import from_fs_path

from glossary_lsp.documents import DocumentView, Region, view_document
from glossary_lsp.matching import TermMatcher
from glossary_lsp.model import Term

log = logging.getLogger(__name__)

MODULE_SUFFIXES = (".md", ".markdown", ".mdx", ".ipynb")
DEFAULT_INCLUDE = ("**/*.md", "**/*.markdown", "**/*.mdx", "**/*.ipynb")
DEFAULT_EXCLUDE = (
    "**/.git/**",
    "**/node_modules/**",
    "**/.venv/**",
    "**/venv/**",
    "**/env/**",
    "**/.tox/**",
    "**/__pycache__/**",
    "**/.ipynb_checkpoints/**",
    "**/build/**",
    "**/dist/**",
    "**/_build/**",
    "**/site/**",
)
MAX_MODULE_BYTES = 32 * 1024 * 1024
_NUMERIC_PREFIX = re.compile(r"^(\d+)[-_. ]*")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex for a path glob: `**` crosses folders, `*` and `?` do not."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


class PathFilter:
    """Include and exclude globs over paths relative to a workspace folder (POSIX form)."""

    def __init__(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        self._include = [glob_to_regex(p) for p in (include or DEFAULT_INCLUDE)]
        self._exclude = [glob_to_regex(p) for p in (exclude or DEFAULT_EXCLUDE)]

    def excludes_folder(self, relative: str) -> bool:
        probe = relative.rstrip("/") + "/x"
        return any(rx.match(probe) for rx in self._exclude)

    def accepts(self, relative: str) -> bool:
        if any(rx.match(relative) for rx in self._exclude):
            return False
        return any(rx.match(relative) for rx in self._include)


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
    error: str | None = None


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
    _modules: dict[Path, ModuleFile] = field(default_factory=dict)
    _open: dict[Path, str] = field(default_factory=dict)
    _ordered: list[ModuleFile] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)

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
        """Walk the roots and index every module file; `progress(done, total)` as it goes."""
        paths = self.walk()
        fresh: dict[Path, ModuleFile] = {}
        for done, path in enumerate(paths, 1):
            fresh[path] = self._index_file(path)
            if progress is not None and (done % 50 == 0 or done == len(paths)):
                progress(done, len(paths))
        with self._lock:
            self._modules = fresh
            self._ordered = None

    def set_matcher(self, matcher: TermMatcher) -> None:
        """A new glossary version: every module's terms are found again."""
        self.matcher = matcher
        with self._lock:
            paths = list(self._modules)
        for path in paths:
            self.refresh(path)

    def refresh(self, path: Path) -> None:
        """Index one file again (after an edit, a save or a file event)."""
        if not path.exists() and path not in self._open:
            self.remove(path)
            return
        module = self._index_file(path)
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
        if self._open.pop(path, None) is not None:
            self.refresh(path)

    def remove(self, path: Path) -> None:
        with self._lock:
            if self._modules.pop(path, None) is not None:
                self._ordered = None

    def _index_file(self, path: Path) -> ModuleFile:
        view, problem = self._load_view(path)
        front_matter = view.front_matter if view else {}
        relative = self._relative(path) or path.name
        module = ModuleFile(
            path=path,
            uri=from_fs_path(str(path)) or path.as_uri(),
            id=module_id_for(path, front_matter),
            title=title_for(path, view) if view else path.stem,
            sort_key=(course_order_for(path, front_matter), _natural_key(relative)),
            error=problem or (view.error if view else None),
        )
        if view is not None and self.matcher is not None:
            module.terms = frozenset(
                term.key
                for region in view.regions
                for _, _, term in prose_matches(self.matcher, region)
            )
        return module

    def _load_view(self, path: Path) -> tuple[DocumentView | None, str | None]:
        source = self._open.get(path)
        problem = None
        if source is None:
            source, problem = read_module_text(path)
        if source is None:
            return None, problem
        return view_document(str(path), source), problem

    # -- queries -----------------------------------------------------------------------------

    def modules(self) -> list[ModuleFile]:
        """The modules in course order."""
        with self._lock:
            if self._ordered is None:
                self._ordered = sorted(self._modules.values(), key=lambda m: m.sort_key)
            return self._ordered

    def module_by_id(self, module_id: str) -> ModuleFile | None:
        return next((m for m in self.modules() if m.id == module_id), None)

    def module_at(self, path: Path) -> ModuleFile | None:
        return self._modules.get(path)

    def view(self, module: ModuleFile) -> DocumentView | None:
        return self._load_view(module.path)[0]

    def occurrences_in(self, module: ModuleFile, term: Term) -> list[Occurrence]:
        """Every prose occurrence of `term` in one module, in document order."""
        view = self.view(module)
        if view is None or self.matcher is None:
            return []
        return [
            Occurrence(module, view, region, start, end, found)
            for region in view.regions
            for start, end, found in prose_matches(self.matcher, region)
            if found.key == term.key
        ]

    def occurrences(self, term: Term) -> list[Occurrence]:
        """Every prose occurrence of `term` in the course, in course order."""
        return [
            occurrence
            for module in self.modules()
            if term.key in module.terms
            for occurrence in self.occurrences_in(module, term)
        ]

    def first_occurrence(self, term: Term, module: ModuleFile | None = None) -> Occurrence | None:
        """The first prose occurrence in `module`, or in the earliest module that uses the term."""
        candidates = [module] if module is not None else self.modules()
        for candidate in candidates:
            if term.key in candidate.terms:
                found = self.occurrences_in(candidate, term)
                if found:
                    return found[0]
        return None


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"

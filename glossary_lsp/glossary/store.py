"""The glossaries a session serves: bundled, then the glossary sources found in the workspace
(MyST, Sphinx, abbreviations, Contextive), then each workspace's `glossary.yaml`, then configured
paths.

Each file is loaded on its own; when one fails, its last good version keeps serving and its
problems are kept for the editor to show. Reloads happen only when a file's modification time or
size changed. Sources are found by one bounded walk of the workspace (`discover_sources`), done
when the roots or settings change, not on every reload; a saved file is checked on its own
(`GlossaryStore.recheck`).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.glossary.loader import (
    GlossaryLoadError,
    LoadProblem,
    bundled_glossary_path,
    load_glossary_file,
    merge_glossaries,
    read_glossary_text,
)
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.glossary.sources import (
    KINDS,
    may_define_terms,
    read_source,
    source_kind,
    source_markers,
)
from glossary_lsp.glossary.sources.result import unique_terms

log = logging.getLogger(__name__)

WORKSPACE_GLOSSARY = "glossary.yaml"
# Folders no course keeps its glossary in: tools' caches, environments, build output.
SKIPPED_FOLDERS = frozenset(
    {"node_modules", "venv", "env", "__pycache__", "build", "dist", "_build", "site", "_site"}
)
MAX_SOURCE_BYTES = 16 * 1024 * 1024
MAX_WALKED_FILES = 100_000


def discover_sources(
    roots: Sequence[Path], kinds: Collection[str] = KINDS, max_files: int = MAX_WALKED_FILES
) -> list[Path]:
    """The files under `roots` that define terms in one of the enabled formats, sorted by path.

    One walk: hidden folders (`.git`, `.venv`, …) and `SKIPPED_FOLDERS` are pruned, only files a
    reader knows by name (`.md`, `.rst`, `myst.yml`, `*.glossary.yml`) are opened, none above
    `MAX_SOURCE_BYTES`, and the walk stops after `max_files` files seen.
    """
    if not kinds:
        return []
    found: list[Path] = []
    for path in _walk(roots, max_files):
        if is_source_file(path, kinds):
            found.append(path.resolve())
    return sorted(dict.fromkeys(found))


def _walk(roots: Sequence[Path], max_files: int) -> Iterator[Path]:
    seen = 0
    for root in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [
                name for name in subfolders if name[:1] != "." and name not in SKIPPED_FOLDERS
            ]
            for name in files:
                seen += 1
                if seen > max_files:
                    log.warning("looked for glossary sources in the first %d files only", max_files)
                    return
                if source_kind(name) is not None:
                    yield Path(folder, name)


# A file holding none of the strings its family's enabled tests ask for (`source_markers`,
# declared by each reader beside its test) is not decoded. A course's every Markdown file is
# read while sources are looked for, on the event loop as a session starts; decoding them was
# 60% of it (840 modules, 26 MB: 0.16 s).
@functools.cache
def _needed_bytes(family: str, kinds: frozenset[str]) -> tuple[bytes, ...] | None:
    markers = source_markers(family, kinds)
    return None if markers is None else tuple(marker.encode("ascii") for marker in markers)


def is_source_file(path: Path, kinds: Collection[str] = KINDS) -> bool:
    """Whether the file at `path` defines terms in one of the enabled formats (it is read)."""
    family = source_kind(path.name)
    if family is None or path.name == WORKSPACE_GLOSSARY:
        return False
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    needed = _needed_bytes(family, frozenset(kinds))
    if needed is not None and not any(marker in data for marker in needed):
        return False
    return may_define_terms(path.name, data.decode("utf-8", errors="replace"), kinds)


def glossary_paths(
    roots: Sequence[Path],
    configured: Sequence[str],
    include_bundled: bool,
    sources: Sequence[Path] = (),
) -> list[Path]:
    """The files to merge, in merge order: bundled, sources, workspace roots', configured ones."""
    paths: list[Path] = [bundled_glossary_path()] if include_bundled else []
    paths += sources
    paths += [root / WORKSPACE_GLOSSARY for root in roots if (root / WORKSPACE_GLOSSARY).is_file()]
    for entry in configured:
        path = Path(entry).expanduser()
        if not path.is_absolute() and roots:
            path = roots[0] / path
        paths.append(path)
    unique: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in unique:
            unique.append(resolved)
    return unique


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size


@dataclass
class GlossaryStore:
    """`problems` (per file) made a file fail: its last good version serves. `notes` (per
    source file) inform only: a term without definition, a term defined in two sources.
    `version` grows with each call that may change `paths`, `sources`, `problems` or `notes`:
    what is derived from them is rebuilt only when it changed (the session's snapshots)."""

    paths: list[Path] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
    kinds: tuple[str, ...] = KINDS
    _good: dict[Path, Glossary] = field(default_factory=dict)
    _stamps: dict[Path, tuple[float, int] | None] = field(default_factory=dict)
    problems: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    notes: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    _file_notes: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    merged: Glossary = field(default_factory=Glossary)
    version: int = 0

    def discover(self, roots: Sequence[Path], kinds: Collection[str] = KINDS) -> list[Path]:
        """Walk the roots once for glossary sources of the enabled kinds; returns them."""
        self.kinds = tuple(kind for kind in KINDS if kind in kinds)
        self.sources = discover_sources(roots, self.kinds)
        self.version += 1
        return self.sources

    def recheck(self, path: Path) -> bool:
        """After `path` was saved, created or deleted: True when it became, or stopped being, a
        glossary source (the caller then configures and reloads)."""
        resolved = path.resolve()
        now = is_source_file(resolved, self.kinds) if self.kinds else False
        if now == (resolved in self.sources):
            return False
        self.sources = sorted({*self.sources, resolved} if now else set(self.sources) - {resolved})
        self.version += 1
        return True

    def is_source(self, path: Path) -> bool:
        return path.resolve() in self.sources

    def configure(self, paths: Sequence[Path]) -> None:
        """Serve these files; one that stays keeps its stamp, so it reloads only if it changed."""
        self.paths = list(paths)
        for gone in set(self._stamps) - set(self.paths):
            del self._stamps[gone]
        for table in (self.problems, self._file_notes):
            for gone in set(table) - set(self.paths):
                del table[gone]
        self.version += 1

    def stale(self) -> bool:
        return any(_stamp(path) != self._stamps.get(path, ()) for path in self.paths)

    def reload(self, force: bool = False) -> bool:
        """Load what changed; True when the merged glossary changed."""
        changed = False
        known_modules: set[str] = set()
        for path in self.paths:
            stamp = _stamp(path)
            if force or stamp != self._stamps.get(path, ()):
                self._stamps[path] = stamp
                changed |= self._load(path, known_modules)
            if path in self._good:
                known_modules.update(self._good[path].modules)
        for path in list(self._good):
            if path not in self.paths:
                del self._good[path]
                changed = True
        if changed or not self.merged.sources:
            serving = [self._good[p] for p in self.paths if p in self._good]
            self.merged = merge_glossaries(serving)
            self.notes = _with_duplicates(self._file_notes, serving, set(self.sources))
        self.version += 1  # also when only `problems` changed (a file failed again)
        return changed

    def _load(self, path: Path, known_modules: set[str]) -> bool:
        try:
            if path in self.sources or source_kind(path.name) is not None:
                glossary = self._read_source(path)  # found, or configured by its path
            else:
                glossary = load_glossary_file(path, known_modules)
        except GlossaryLoadError as error:
            self.problems[path] = list(error.problems)
            log.warning("glossary %s failed to load; the last good version keeps serving", path)
            return False
        self.problems.pop(path, None)
        self._good[path] = glossary
        return True

    def _read_source(self, path: Path) -> Glossary:
        """A glossary source as a glossary; raises `GlossaryLoadError` when it has errors."""
        name = str(path)
        read = read_source(name, read_glossary_text(path), self.kinds)
        errors = [problem for problem in read.problems if problem.severity == "error"]
        if errors:
            raise GlossaryLoadError(errors)
        terms, repeated = unique_terms(read.terms)
        self._file_notes[path] = [p for p in read.problems if p.severity != "error"] + repeated
        return Glossary(terms=terms, sources=[name])


def _hint(term: Term, message: str) -> LoadProblem:
    location = term.location
    assert location is not None
    return LoadProblem(location.path, location.line, location.column, message, "hint")


def _with_duplicates(
    file_notes: dict[Path, list[LoadProblem]], serving: list[Glossary], sources: set[Path]
) -> dict[Path, list[LoadProblem]]:
    """The files' own notes, plus a hint on each source term another file defines too, saying
    where the other definition is and which one wins (the later file)."""
    notes = {path: list(found) for path, found in file_notes.items()}
    bundled = [str(bundled_glossary_path())]
    # overriding the bundled glossary is what a course's glossary is for: no hint for that
    course_glossaries = [glossary for glossary in serving if glossary.sources != bundled]
    if len(course_glossaries) < 2:
        return {path: found for path, found in notes.items() if found}
    seen: dict[str, Term] = {}
    for glossary in course_glossaries:
        for term in glossary.terms:
            earlier = seen.get(term.key)
            seen[term.key] = term
            if earlier is None or earlier.location is None or term.location is None:
                continue
            if earlier.location.path == term.location.path:
                continue
            _note(
                notes,
                sources,
                earlier,
                f"'{earlier.term}' is also defined at "
                f"{term.location}, which wins (it is read later)",
            )
            _note(
                notes,
                sources,
                term,
                f"'{term.term}' is also defined at {earlier.location}; "
                "this definition wins (it is read later)",
            )
    return {path: found for path, found in notes.items() if found}


def _note(notes: dict[Path, list[LoadProblem]], sources: set[Path], term: Term, message: str):
    path = Path(term.location.path) if term.location else None
    if path is not None and path in sources:
        notes.setdefault(path, []).append(_hint(term, message))

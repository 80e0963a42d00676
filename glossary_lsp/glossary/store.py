"""The glossaries a session serves: bundled, then each workspace's, then configured paths.

Each file is loaded on its own; when one fails, its last good version keeps serving and its
problems are kept for the editor to show. Reloads happen only when a file's modification time or
size changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.glossary.loader import (
    GlossaryLoadError,
    LoadProblem,
    bundled_glossary_path,
    load_glossary_file,
    merge_glossaries,
)
from glossary_lsp.glossary.model import Glossary

log = logging.getLogger(__name__)

WORKSPACE_GLOSSARY = "glossary.yaml"


def glossary_paths(
    roots: Sequence[Path], configured: Sequence[str], include_bundled: bool
) -> list[Path]:
    """The files to merge, in merge order: bundled, workspace roots', configured ones."""
    paths: list[Path] = [bundled_glossary_path()] if include_bundled else []
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
    paths: list[Path] = field(default_factory=list)
    _good: dict[Path, Glossary] = field(default_factory=dict)
    _stamps: dict[Path, tuple[float, int] | None] = field(default_factory=dict)
    problems: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    merged: Glossary = field(default_factory=Glossary)

    def configure(self, paths: Sequence[Path]) -> None:
        """Serve these files; one that stays keeps its stamp, so it reloads only if it changed."""
        self.paths = list(paths)
        for gone in set(self._stamps) - set(self.paths):
            del self._stamps[gone]
        for gone in set(self.problems) - set(self.paths):
            del self.problems[gone]

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
            self.merged = merge_glossaries([self._good[p] for p in self.paths if p in self._good])
        return changed

    def _load(self, path: Path, known_modules: set[str]) -> bool:
        try:
            glossary = load_glossary_file(path, known_modules)
        except GlossaryLoadError as error:
            self.problems[path] = list(error.problems)
            log.warning("glossary %s failed to load; the last good version keeps serving", path)
            return False
        self.problems.pop(path, None)
        self._good[path] = glossary
        return True

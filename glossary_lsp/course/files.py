"""Which files are course files: suffixes, ignore files, folders skipped by default, and reading.

`.gitignore` files (at the root and in subfolders) and a root `.glossaryignore` are read with
`pathspec`'s gitignore implementation. Hidden folders, virtualenvs, notebook checkpoints,
dependency and build output folders are skipped by default rules, and listed so the author can
see what was left out. A walk is bounded (folders visited, files listed) so a workspace that is a
home folder never stalls the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec
from wcmatch import glob as wcglob

from glossary_lsp.course.order import natural_key

log = logging.getLogger(__name__)

MODULE_SUFFIXES = (".md", ".markdown", ".mdx", ".ipynb", ".qmd")
GLOSSARY_IGNORE_FILE = ".glossaryignore"
SKIPPED_FOLDERS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "venv",
        "env",
        "site-packages",
        "build",
        "dist",
        "_build",
        "site",
        "_site",
        "target",
        "htmlcov",
    }
)
VIRTUALENV_MARKER = "pyvenv.cfg"
MAX_FOLDERS = 20_000
MAX_FILES = 20_000


@dataclass
class Listing:
    """The course files under a root, and what the walk left out."""

    root: Path
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # folders left out by default rules
    ignored: int = 0  # files and folders an ignore file left out
    truncated: str | None = None  # why the walk stopped early


def default_skip(folder: Path, name: str) -> bool:
    """Hidden folders (.git, .github, .ipynb_checkpoints, .venv…), dependency and build output
    folders, and any folder that is a virtualenv."""
    if name.startswith(".") or name in SKIPPED_FOLDERS:
        return True
    try:
        return (folder / name / VIRTUALENV_MARKER).is_file()
    except OSError:  # a folder we may not look into: not a course's
        return True


class IgnoreRules:
    """Gitignore-style rules: `.gitignore` files where they are found, a root `.glossaryignore`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: list[tuple[str, pathspec.PathSpec]] = []
        for name in (".gitignore", GLOSSARY_IGNORE_FILE):
            self.add_folder("", name)

    def add_folder(self, relative_folder: str, name: str = ".gitignore") -> None:
        path = self.root / relative_folder / name
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._specs.append((relative_folder, spec))

    def ignores(self, relative: str, is_folder: bool) -> bool:
        for folder, spec in self._specs:
            if folder and not relative.startswith(folder + "/"):
                continue
            inside = relative[len(folder) + 1 :] if folder else relative
            if spec.match_file(inside + "/" if is_folder else inside):
                return True
        return False


def list_course_files(
    root: Path,
    max_folders: int = MAX_FOLDERS,
    max_files: int = MAX_FILES,
    rules: IgnoreRules | None = None,
) -> Listing:
    """Every course file under `root`, in walk order, honouring ignore files and default skips.
    `rules` (the root's, fresh) learn the subfolders' `.gitignore` files as the walk meets them."""
    listing = Listing(root)
    rules = rules if rules is not None else IgnoreRules(root)
    folders = 0
    for folder, subfolders, files in os.walk(root, onerror=lambda e: log.warning("%s", e)):
        base = Path(folder)
        relative_folder = "" if base == root else base.relative_to(root).as_posix()
        folders += 1
        if relative_folder and ".gitignore" in files:
            rules.add_folder(relative_folder)
        kept = []
        for name in sorted(subfolders, key=natural_key):
            relative = _join(relative_folder, name)
            if default_skip(base, name):
                listing.skipped.append(relative)
            elif rules.ignores(relative, is_folder=True):
                listing.ignored += 1
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in sorted(files, key=natural_key):
            if not name.endswith(MODULE_SUFFIXES):
                continue
            if rules.ignores(_join(relative_folder, name), is_folder=False):
                listing.ignored += 1
                continue
            listing.files.append(base / name)
        if len(listing.files) >= max_files or folders >= max_folders:
            listing.truncated = (
                f"stopped after {folders} folders and {len(listing.files)} files "
                f"(limits {max_folders} and {max_files}): is {root} a course?"
            )
            subfolders[:] = []
            break
    if listing.truncated:
        log.warning("%s", listing.truncated)
    if listing.skipped:
        log.info("%s: skipped by default rules: %s", root, ", ".join(listing.skipped[:20]))
    return listing


def walk_would_list(root: Path, relative: str, rules: IgnoreRules | None = None) -> bool:
    """Whether `list_course_files(root)` lists the file at `relative` (a file the editor opens,
    or an event names, that the walk did not see): a module's suffix, no folder on its way
    skipped by default rules, nothing ignoring it. `rules`: the walk's; else read along the way."""
    if not relative.endswith(MODULE_SUFFIXES):
        return False
    parts = relative.split("/")
    if rules is None:
        rules = IgnoreRules(root)
        for depth in range(1, len(parts)):
            rules.add_folder("/".join(parts[:depth]))
    folder = root
    for depth, name in enumerate(parts[:-1], start=1):
        if default_skip(folder, name) or rules.ignores("/".join(parts[:depth]), is_folder=True):
            return False
        folder = folder / name
    return not rules.ignores(relative, is_folder=False)


def relative_to_any(path: Path, roots: Sequence[Path]) -> str | None:
    for root in roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return None


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


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

"""What the shell commands share: finding the course root, the settings, and the course.

`hover`, `definition`, `check`, `extract` and `course` all find the course root the same way
(`course_root`) and take the same `--config`, `--glossary` and `--no-bundled` options.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import IGNORE_FILE, parse_ignore_file
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings
from glossary_lsp.glossary.loader import LoadProblem
from glossary_lsp.glossary.store import GlossaryStore, glossary_paths
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import read_document as read_module_text
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView

SECTION = "glossaryLsp"
# A folder holding one of these is a course root: the workspace glossary, the repository, or a
# book's own configuration (a TOC inside a language tree, `_toctree.yml`, is not a root).
ROOT_MARKERS = (
    "glossary.yaml",
    ".git",
    "_toc.yml",
    "myst.yml",
    "mkdocs.yml",
    "book.toml",
    "_quarto.yml",
    ".glossaryignore",
)


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line, exit status 2."""


def course_root(path: Path) -> Path:
    """The course a file or folder belongs to: the nearest folder (itself included) holding a
    root marker; a folder without one is its own root, a file without one is in its folder."""
    start = path if path.is_dir() else path.parent
    for folder in [start, *start.parents]:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


find_root = course_root


def add_course_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary", action="append", default=[], metavar="FILE", help="an extra glossary YAML"
    )
    parser.add_argument("--no-bundled", action="store_true", help="leave out the bundled glossary")
    parser.add_argument(
        "--config",
        metavar="SETTINGS.json",
        help='glossaryLsp settings: {"glossaryLsp": {…}}, the section itself, or VS Code '
        'settings.json keys such as "glossaryLsp.diagnostics.unknownAcronym"',
    )


# ------------------------------------------------------------------------------- the course


@dataclass
class Course:
    """A course loaded from the command line: glossary, index and the rules to apply."""

    roots: list[Path]
    only: set[Path]
    settings: Settings
    version: GlossaryVersion
    index: WorkspaceIndex
    rules: RuleSettings
    analyses: CourseDiagnostics
    glossary_problems: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    glossary_files: list[Path] = field(default_factory=list)


def course_roots(paths: Sequence[str]) -> tuple[list[Path], set[Path]]:
    """(roots, files): a folder given is a course root; a file names its course's root and
    restricts reports to itself."""
    roots: list[Path] = []
    only: set[Path] = set()
    for given in paths:
        path = Path(given).resolve()
        if path.is_dir():
            root = path
        elif path.is_file():
            root = course_root(path)
            only.add(path)
        else:
            raise UsageError(f"{given}: no such file or folder")
        if root not in roots:
            roots.append(root)
    return roots, only


def open_course(
    paths: Sequence[str], args: argparse.Namespace, roots: list[Path] | None = None
) -> Course:
    """Settings, glossaries and the module listing for `paths` (or the given `roots`)."""
    found_roots, only = course_roots(paths)
    roots = roots or found_roots
    settings = load_settings(getattr(args, "config", None))
    if settings.problems:
        raise UsageError("; ".join(settings.problems))
    extra = [str(Path(name).resolve()) for name in args.glossary]
    for name, resolved in zip(args.glossary, extra, strict=True):
        if not Path(resolved).is_file():
            raise UsageError(f"{name}: no such glossary file")
    store = GlossaryStore()
    bundled = settings.include_bundled and not args.no_bundled
    sources = store.discover(roots, settings.source_kinds)
    glossaries = glossary_paths(roots, [*settings.glossaries, *extra], bundled, sources)
    store.configure(glossaries)
    store.reload(force=True)
    version = GlossaryVersion.build(store.merged)
    index = WorkspaceIndex(
        roots=roots,
        include=settings.modules_include,
        exclude=settings.modules_exclude,
        matcher=version.matcher,
        cache_size=sys.maxsize,  # one run over the course: keep every module read once
        toc=settings.course_toc,
        language=settings.course_language,
    )
    index.list_modules()
    rules = RuleSettings.from_settings(settings, ignore_words(roots))
    workspace_glossaries = [p for p in glossaries if any(p.is_relative_to(root) for root in roots)]
    return Course(
        roots,
        only,
        settings,
        version,
        index,
        rules,
        CourseDiagnostics(),
        dict(store.problems),
        workspace_glossaries,
    )


def load_settings(config: str | None) -> Settings:
    if not config:
        return Settings()
    try:
        raw = json.loads(Path(config).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{config}: {getattr(error, 'strerror', None) or error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{config}:{error.lineno}:{error.colno}: {error.msg}") from None
    return Settings.from_dict(settings_section(raw))


def settings_section(raw: Any) -> Any:
    """The `glossaryLsp` section of a settings object, in any of the accepted shapes."""
    if not isinstance(raw, dict):
        return raw
    if isinstance(raw.get(SECTION), dict):
        return raw[SECTION]
    dotted = {key: value for key, value in raw.items() if key.startswith(SECTION + ".")}
    if not dotted:
        return raw
    section: dict[str, Any] = {}
    for key, value in dotted.items():
        parts = key.split(".")[1:]
        target = section
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return section


def ignore_words(roots: list[Path]) -> list[str]:
    """The words of each root's `.glossary-ignore`."""
    words: list[str] = []
    for root in roots:
        try:
            words += parse_ignore_file((root / IGNORE_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return words


# ------------------------------------------------------------------------ one position


@dataclass
class Session:
    version: GlossaryVersion
    index: WorkspaceIndex
    view: DocumentView
    offset: int
    path: Path


def add_position_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("position", metavar="FILE:LINE:COL", help="1-based line and column")
    parser.add_argument("--root", help="the course folder (default: found from FILE)")
    add_course_arguments(parser)


def parse_position(text: str) -> tuple[Path, int, int]:
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise UsageError(f"expected FILE:LINE:COL (1-based), got {text!r}")
    line, column = int(parts[1]), int(parts[2])
    if line < 1 or column < 1:
        raise UsageError(f"LINE and COL are 1-based, got {line}:{column}")
    return Path(parts[0]), line, column


def open_session(args: argparse.Namespace) -> Session:
    path, line, column = parse_position(args.position)
    path = path.resolve()
    source, problem = read_module_text(path)
    if source is None:
        raise UsageError(f"{path}: {problem}")
    roots = [Path(args.root).resolve()] if args.root else [course_root(path)]
    course = open_course([str(path)], args, roots)
    for problems in course.glossary_problems.values():
        for item in problems:
            print(f"{item}", file=sys.stderr)
    course.index.index_terms()
    view = view_document(str(path), source)
    offset = LineIndex(source).offset(line - 1, column - 1)
    if offset is None:
        raise UsageError(f"{path} has no line {line}")
    return Session(course.version, course.index, view, offset, path)


def answer_at_position(
    args: argparse.Namespace, command: str, answer: Callable[[Session], str | None]
) -> int:
    """Run one feature at FILE:LINE:COL and print its answer: 0, 1 if none, 2 on bad input."""
    try:
        session = open_session(args)
    except UsageError as error:
        print(f"glossary-lsp {command}: {error}", file=sys.stderr)
        return 2
    text = answer(session)
    if text is None:
        print("no glossary term here", file=sys.stderr)
        return 1
    print(text)
    return 0

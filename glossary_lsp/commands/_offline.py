"""The server's features run once from the shell: glossary, index and a view of one file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.workspace import WorkspaceIndex, read_module_text
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.store import GlossaryStore, glossary_paths
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import DocumentView, view_document
from glossary_lsp.text.positions import LineIndex

ROOT_MARKERS = ("glossary.yaml", ".git")


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line, exit status 2."""


@dataclass
class Session:
    version: GlossaryVersion
    index: WorkspaceIndex
    view: DocumentView
    offset: int


def add_position_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("position", metavar="FILE:LINE:COL", help="1-based line and column")
    parser.add_argument("--root", help="the course folder (default: found from FILE)")
    parser.add_argument("--glossary", action="append", default=[], help="an extra glossary YAML")
    parser.add_argument("--no-bundled", action="store_true", help="leave out the bundled glossary")


def parse_position(text: str) -> tuple[Path, int, int]:
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise UsageError(f"expected FILE:LINE:COL (1-based), got {text!r}")
    line, column = int(parts[1]), int(parts[2])
    if line < 1 or column < 1:
        raise UsageError(f"LINE and COL are 1-based, got {line}:{column}")
    return Path(parts[0]), line, column


def find_root(path: Path) -> Path:
    for folder in [path.parent, *path.parent.parents]:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return path.parent


def open_session(args: argparse.Namespace) -> Session:
    path, line, column = parse_position(args.position)
    path = path.resolve()
    source, problem = read_module_text(path)
    if source is None:
        raise UsageError(f"{path}: {problem}")
    root = Path(args.root).resolve() if args.root else find_root(path)
    store = GlossaryStore()
    store.configure(glossary_paths([root], args.glossary, not args.no_bundled))
    store.reload(force=True)
    for problems in store.problems.values():
        for item in problems:
            print(f"{item}", file=sys.stderr)
    version = GlossaryVersion.build(store.merged)
    defaults = Settings()
    index = WorkspaceIndex(
        roots=[root],
        include=defaults.modules_include,
        exclude=defaults.modules_exclude,
        matcher=version.matcher,
    )
    index.scan()
    view = view_document(str(path), source)
    offset = LineIndex(source).offset(line - 1, column - 1)
    if offset is None:
        raise UsageError(f"{path} has no line {line}")
    return Session(version, index, view, offset)


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

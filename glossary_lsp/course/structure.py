"""A course's structure at one root: its language, its order source and its modules in order.

Built from the listed files, what each file's front matter states, the translation layout and the
TOC found by precedence. With a usable TOC only the files it lists are modules; without one,
every file of the course language is, in tree order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.course.languages import LanguageLayout, is_language_like
from glossary_lsp.course.order import tree_order
from glossary_lsp.course.toc import (
    README_NAMES,
    Toc,
    TocEntry,
    TocProblem,
    find_toc,
    read_readme_order,
)

FOLDERS = "folders"


@dataclass
class CourseStructure:
    root: Path
    language: str | None
    # a TOC format ("_toctree.yml", "mkdocs.yml", …, "toctree"), "README.md" or "folders"
    order_source: str
    modules: list[str]  # paths relative to the root, in course order
    toc: Toc | None = None
    toc_entries: dict[str, TocEntry] = field(default_factory=dict)  # by relative path
    problems: list[TocProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the author should know (log lines)


BOOK_FOLDERS = ("docs", "book", "lectures", "course", "content", "src", "website")
# Files whose appearance, change or removal may change where a course's order comes from.
ORDER_FILE_NAMES = frozenset(
    ("_toc.yml", "myst.yml", "_toctree.yml", "mkdocs.yml", "SUMMARY.md", "book.toml")
    + ("_quarto.yml", *README_NAMES, "index.rst")
)


def may_state_order(root: Path, path: Path, configured_toc: str | None) -> bool:
    """Whether a file at `path` under `root` may be (or become) what orders the course: the
    configured order file, a file named as a TOC format names it (at most four levels down:
    `chapters/en/_toctree.yml`), or a README / `index.md` of the root, a book folder or a
    translation tree."""
    if configured_toc and path == (root / configured_toc):
        return True
    if path.name not in ORDER_FILE_NAMES:
        return False
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if path.name not in README_NAMES:
        return len(parts) <= 4
    folder = parts[-2] if len(parts) > 1 else None
    return folder is None or folder in BOOK_FOLDERS or is_language_like(folder)


def search_folders(
    root: Path, layout: LanguageLayout, language: str | None, main: bool = True
) -> list[Path]:
    """Where a TOC is looked for: the root (for the main course), the language's tree, then the
    usual folders that hold a book (`docs/`, `book/`, `lectures/`…)."""
    trees = [root / tree for tree in layout.tree_of(language) if tree]
    if language is not None:
        return [root, *trees] if main else trees
    return [root, *(root / name for name in BOOK_FOLDERS if (root / name).is_dir())]


def build_structure(
    root: Path,
    files: Sequence[str],
    stated_orders: Mapping[str, float],
    layout: LanguageLayout,
    language: str | None,
    configured_toc: str | None = None,
    main: bool = True,
) -> CourseStructure:
    """The course of `language` at `root` (None: the untranslated tree); `main` for the course
    language, whose TOC may also be at the root."""
    mine = [path for path in files if layout.language_of(path) == language]
    configured = Path(configured_toc) if configured_toc else None
    toc = find_toc(root, search_folders(root, layout, language, main), configured if main else None)
    if toc is None:
        readme = _readme_toc(root, search_folders(root, layout, language, main), mine)
        if readme is not None:
            return readme_structure(root, language, readme, mine, stated_orders)
    if toc is None or not toc.usable:
        structure = CourseStructure(root, language, FOLDERS, tree_order(mine, stated_orders), toc)
        if toc is not None:
            structure.problems += toc.problems
            structure.notes.append(f"{toc.file}: not usable, course order from folders")
        return structure
    listed = set(files)
    order: list[str] = []
    entries: dict[str, TocEntry] = {}
    problems = list(toc.problems)
    for entry in toc.entries:
        if entry.path is None:
            continue
        if entry.path in entries:
            problems.append(TocProblem(entry.file, entry.line, f"'{entry.target}' is listed twice"))
            continue
        if entry.path not in listed:
            continue  # ignored, skipped, or over the size limit: not a module
        entries[entry.path] = entry
        order.append(entry.path)
    structure = CourseStructure(root, language, toc.source, order, toc, entries, problems)
    left_out = len(mine) - len([path for path in order if path in set(mine)])
    if left_out > 0:
        structure.notes.append(f"{left_out} files of the course are not in {toc.file.name}")
    for other in toc.ignored:
        structure.notes.append(f"{other} is ignored: {toc.file.name} comes first in precedence")
    return structure


def _readme_toc(root: Path, folders: Sequence[Path], mine: Sequence[str]) -> Toc | None:
    modules = frozenset(mine)
    for folder in folders:
        toc = read_readme_order(root, folder, modules)
        if toc is not None:
            return toc
    return None


def readme_structure(
    root: Path, language: str | None, readme: Toc, mine: Sequence[str], stated: Mapping[str, float]
) -> CourseStructure:
    """The order a README states: itself first, then its links in document order (a linked
    folder brings its modules in tree order, at that place), then the modules no link reaches,
    in tree order."""
    tree = tree_order(mine, stated)
    placed: dict[str, None] = {}
    own = readme.file.relative_to(root).as_posix() if readme.file.is_relative_to(root) else None
    if own in set(mine):
        placed[own] = None
    for entry in readme.entries:
        if entry.path is not None:
            placed.setdefault(entry.path)
        elif entry.folder is not None:
            inside = entry.folder + "/"
            for path in tree:
                if path.startswith(inside):
                    placed.setdefault(path)
    reached = len(placed)
    for path in tree:
        placed.setdefault(path)
    structure = CourseStructure(root, language, readme.source, list(placed), readme)
    structure.notes.append(
        f"course order from the links of {readme.file.name} ({len(readme.entries)} links to the "
        f"course reach {reached} modules; the other {len(tree) - reached} follow in tree order)"
    )
    return structure

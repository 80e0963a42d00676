"""Loading glossary files: bytes → safe YAML → schema v1 → `Glossary`; the bundled file.

The steps live one per module: `yaml_events` (safe YAML → nodes with marks), `schema` (nodes →
model, with problems), `merging`, `see_also`; `problems` holds `LoadProblem`. This module is the
public face: the names below stay importable from here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from glossary_lsp.glossary.merging import merge_glossaries
from glossary_lsp.glossary.model import Glossary
from glossary_lsp.glossary.problems import GlossaryLoadError, LoadProblem, ProblemCollector
from glossary_lsp.glossary.schema import GlossaryReader
from glossary_lsp.glossary.see_also import SeeAlsoItem, see_also_items
from glossary_lsp.glossary.yaml_events import C_LOADER, PURE_LOADER, compose, yaml_error_problem

__all__ = [
    "GlossaryLoadError",
    "LoadProblem",
    "SeeAlsoItem",
    "bundled_glossary_path",
    "decode_utf8",
    "load_glossaries",
    "load_glossary_file",
    "load_glossary_text",
    "merge_glossaries",
    "read_glossary_text",
    "see_also_items",
]


def bundled_glossary_path() -> Path:
    """The glossary shipped with glossary-lsp: inside the wheel, or the repository's `data/`."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "data" / "glossary.yaml"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "glossary.yaml"


def load_glossary_text(
    text: str,
    path: str,
    known_modules: Collection[str] = (),
    *,
    pure_python: bool = False,
) -> Glossary:
    """The glossary written in `text` (read from `path`, used in problems and locations).

    A term's `module` is not checked here: it may name a module of any glossary or of the
    course, which the course judges (`features/course.module_name_findings`). Raises
    `GlossaryLoadError` with every problem found. The text is parsed by libyaml, or by PyYAML's
    pure-Python parser with `pure_python`.
    """
    text = text.removeprefix("\ufeff")
    if len(text) > REMEMBERED_TEXT_LIMIT:
        return _parse(text, path, frozenset(known_modules), pure_python)
    return _remembered_parse(text, path, frozenset(known_modules), pure_python).copy()


# The same file is loaded again with every new session and every forced reload (settings,
# workspace folders): the bundled glossary took 11-14 ms each time.
REMEMBERED_TEXT_LIMIT = 2_000_000


def _parse(text: str, path: str, known_modules: frozenset[str], pure_python: bool) -> Glossary:
    loader_class = PURE_LOADER if pure_python or C_LOADER is None else C_LOADER
    problems = ProblemCollector(path)
    glossary = _read_glossary(text, loader_class, problems, known_modules)
    if problems.found or glossary is None:
        # A node reached through several aliases would repeat its problem: keep one.
        unique = dict.fromkeys(problems.found)
        raise GlossaryLoadError(sorted(unique, key=lambda problem: (problem.line, problem.column)))
    return glossary


_remembered_parse = lru_cache(maxsize=8)(_parse)  # a failed load is not remembered: it raises


def _read_glossary(
    text: str, loader_class: type, problems: ProblemCollector, known_modules: Collection[str]
) -> Glossary | None:
    """The glossary of `text`, or None with the reasons in `problems`."""
    if not text or text.isspace():  # not `text.strip()`: that copies a large file
        problems.add(0, 0, "the file is empty: a glossary starts with 'version: 1' and 'terms:'")
        return None
    try:
        root = compose(text, loader_class, problems)
    except yaml.YAMLError as error:
        problems.found.append(yaml_error_problem(error, text, problems.path, loader_class))
        return None
    if root is None:
        problems.add(0, 0, "the file holds only comments: a glossary starts with 'version: 1'")
        return None
    return GlossaryReader(problems.path, loader_class, problems, known_modules).read(root)


def decode_utf8(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        line = before.count(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        bad = data[error.start : error.end].hex(" ")
        message = f"the file is not valid UTF-8: byte {bad} cannot be decoded"
        raise GlossaryLoadError([LoadProblem(path, line, column, message)]) from None


def read_glossary_text(path: str | Path) -> str:
    """The text of a glossary file; raises `GlossaryLoadError` when it cannot be read or is not
    UTF-8."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise GlossaryLoadError(
            [LoadProblem(name, 1, 1, f"cannot read the file: {reason}")]
        ) from None
    return decode_utf8(data, name)


def load_glossary_file(path: str | Path, known_modules: Collection[str] = ()) -> Glossary:
    """The glossary in the file at `path`; raises `GlossaryLoadError` with every problem."""
    return load_glossary_text(read_glossary_text(path), str(path), known_modules)


def load_glossaries(
    paths: Sequence[str | Path], include_bundled: bool = True
) -> tuple[Glossary, list[LoadProblem]]:
    """The bundled glossary (unless excluded), then `paths` in order, merged.

    A file that fails to load is left out and its problems returned. Modules of the files
    loaded so far are known to the next ones, so a workspace glossary may use bundled modules.
    """
    candidates: list[str | Path] = [bundled_glossary_path()] if include_bundled else []
    candidates.extend(paths)
    loaded: list[Glossary] = []
    problems: list[LoadProblem] = []
    known_modules: set[str] = set()
    for path in candidates:
        try:
            glossary = load_glossary_file(path, known_modules)
        except GlossaryLoadError as error:
            problems.extend(error.problems)
            continue
        loaded.append(glossary)
        known_modules.update(glossary.modules)
    return merge_glossaries(loaded), problems

"""Module identity: a unique id per module, and the modules a glossary's `module:` names.

A module's id is its front matter `id`/`slug`, else its TOC id (`local:`, `file:` without
extension), else its path relative to the course root without extension. When two modules want
the same id, the first in course order keeps it and the others fall back to their path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from glossary_lsp.course.order import is_index_name, stem_of
from glossary_lsp.glossary.model import Glossary, Module

_NUMERIC_PREFIX = re.compile(r"^\d+(?:\.\d+)?[-_. ]*")


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def relative(self) -> str: ...
    @property
    def title(self) -> str: ...


N = TypeVar("N", bound=Named)


def stated_id(front_matter: Mapping) -> str | None:
    for key in ("id", "slug"):
        value = front_matter.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip().strip("/")
    return None


def path_id(relative: str) -> str:
    """`01-agentic-rag/README.md` → `01-agentic-rag/README`."""
    folder, _, name = relative.rpartition("/")
    stem = stem_of(name)
    return f"{folder}/{stem}" if folder else stem


def unique_ids(wanted: Sequence[tuple[str, str | None]]) -> list[str]:
    """One id per (relative path, wanted id), in course order: the wanted id if free, else the
    path without extension, else the path, else the path with a number."""
    taken: set[str] = set()
    ids: list[str] = []
    for relative, want in wanted:
        candidates = [c for c in (want, path_id(relative), relative) if c]
        chosen = next((c for c in candidates if c not in taken), None)
        number = 2
        while chosen is None or chosen in taken:
            chosen = f"{relative}#{number}"
            number += 1
        taken.add(chosen)
        ids.append(chosen)
    return ids


def short_names(relative: str) -> list[str]:
    """Names a glossary may use for a module besides its id, path and title: the file's stem
    without a numeric prefix (`02-embeddings.md` → `embeddings`), and for a folder's README or
    index the folder's name, with and without its prefix (`01-agentic-rag`, `agentic-rag`)."""
    folder, _, name = relative.rpartition("/")
    names = [stem_of(name), _NUMERIC_PREFIX.sub("", stem_of(name))]
    if folder and is_index_name(name):
        last = folder.rsplit("/", 1)[-1]
        names += [last, _NUMERIC_PREFIX.sub("", last)]
    return [n for n in dict.fromkeys(names) if n and not is_index_name(n + ".md")]


class ModuleNames:
    """Finds the modules a name stands for: an id first, then a path, then titles and short
    names (which may match several: an ambiguity the glossary should resolve)."""

    def __init__(self, modules: Iterable[N]) -> None:
        self._by_id: dict[str, Named] = {}
        self._by_path: dict[str, Named] = {}
        self._by_other: dict[str, list[Named]] = {}
        for module in modules:
            self._by_id.setdefault(module.id, module)
            self._by_path.setdefault(module.relative, module)
            self._by_path.setdefault(path_id(module.relative), module)
            for name in (module.title.casefold(), *short_names(module.relative)):
                found = self._by_other.setdefault(name, [])
                if module not in found:
                    found.append(module)

    def replace(self, before: Named, after: Named) -> None:
        """`after` wherever `before` was: a module read again with the same id, path and title
        (an edit), in place of building the names of every module again."""
        keys = (before.id, before.relative, path_id(before.relative))
        for table in (self._by_id, self._by_path):
            for key in keys:
                if table.get(key) is before:
                    table[key] = after
        for name in (before.title.casefold(), *short_names(before.relative)):
            found = self._by_other.get(name)
            if found and any(module is before for module in found):
                self._by_other[name] = [after if module is before else module for module in found]

    def candidates(self, name: str) -> list[Named]:
        name = name.strip().strip("/")
        if name in self._by_id:
            return [self._by_id[name]]
        if name in self._by_path:
            return [self._by_path[name]]
        found = self._by_other.get(name) or self._by_other.get(name.casefold()) or []
        return list(found)

    def resolve(self, name: str | None) -> Named | None:
        """The one module a name stands for; None when none or several match."""
        if not name:
            return None
        found = self.candidates(name)
        return found[0] if len(found) == 1 else None


def glossary_module_of(glossary: Glossary, module: Named) -> Module | None:
    """The glossary's module entry describing a course module: the one whose id is the module's
    id, its path without extension, or one of its short names (`02-embeddings.md` →
    `embeddings`)."""
    for name in (module.id, path_id(module.relative), *short_names(module.relative)):
        found = glossary.module(name)
        if found is not None:
            return found
    return None

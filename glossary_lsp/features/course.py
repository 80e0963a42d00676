"""The course as the server understood it: its modules in course order, each with the terms it
introduces (where go-to-definition jumps for them).

Plain data in, plain data out: where the order came from and which module introduces a term are
the caller's to say, so a richer course structure (tables of contents, languages) changes only the
inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from glossary_lsp.course.workspace import ModuleFile
from glossary_lsp.glossary.model import Term


@dataclass(frozen=True, slots=True)
class CourseModule:
    path: str  # relative to the course root, with forward slashes
    id: str
    title: str
    uri: str
    introduces: tuple[str, ...]  # canonical terms, in glossary order


@dataclass(frozen=True, slots=True)
class CourseOutline:
    root: str
    order_source: str  # what decided the order, e.g. "folders" or "_toc.yml"
    language: str | None
    modules: tuple[CourseModule, ...]

    def to_json(self) -> dict[str, Any]:
        """The `glossaryLsp/course` response."""
        return {
            "root": self.root,
            "order_source": self.order_source,
            "language": self.language,
            "modules": [
                {
                    "path": module.path,
                    "id": module.id,
                    "title": module.title,
                    "uri": module.uri,
                    "introduces": list(module.introduces),
                }
                for module in self.modules
            ],
        }


def course_outline(
    root: Path,
    order_source: str,
    language: str | None,
    modules: Sequence[ModuleFile],
    terms: Iterable[Term],
    introduced_in: Callable[[Term], Path | None],
) -> CourseOutline:
    """`modules` in course order; `introduced_in(term)` is the path of the module that introduces
    `term`, or None where no module uses it."""
    introduces: dict[Path, list[str]] = {module.path: [] for module in modules}
    for term in terms:
        home = introduced_in(term)
        if home is not None and home in introduces:
            introduces[home].append(term.term)
    return CourseOutline(
        root=str(root),
        order_source=order_source,
        language=language,
        modules=tuple(
            CourseModule(
                path=_relative(module.path, root),
                id=module.id,
                title=module.title,
                uri=module.uri,
                introduces=tuple(introduces[module.path]),
            )
            for module in modules
        ),
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return PurePath(path).relative_to(root).as_posix()
    except ValueError:
        return PurePath(path).as_posix()

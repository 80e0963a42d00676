"""A course's modules as the index describes them, a term found in one, one language's course."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.course.identity import ModuleNames
from glossary_lsp.course.module_terms import FirstSightings
from glossary_lsp.course.structure import CourseStructure
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.views import DocumentView, Region


@dataclass(slots=True)
class ModuleFile:
    """A course file: a module of a course when `rank` is set (its place in that course)."""

    path: Path
    uri: str
    id: str
    title: str
    sort_key: tuple
    terms: frozenset[str] = frozenset()
    terms_known: bool = False
    error: str | None = None
    relative: str = ""
    language: str | None = None
    defines: frozenset[str] = frozenset()  # terms written with their expansion or defined here
    headings: frozenset[str] = frozenset()  # terms a section here is about
    plain: frozenset[str] = frozenset()  # terms used here outside a link's text
    firsts: FirstSightings | None = None  # found with `terms`; None: not known
    heading: str | None = None
    front_matter: dict = field(default_factory=dict)
    described: bool = True  # False: a file of another language, not read yet

    def describes_same(self, other: ModuleFile) -> bool:
        """Whether what the course structure reads (id, order, title) is unchanged."""
        return (self.front_matter, self.heading) == (other.front_matter, other.heading)

    terms_stamp: object = None  # the text version `terms` were found in (see `_stamp`)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A term found in a module's prose. Offsets are logical offsets into `region.text`."""

    module: ModuleFile
    view: DocumentView
    region: Region
    start: int
    end: int
    term: Term
    defined: bool = False  # written with its expansion, or defined, here
    in_heading: bool = False
    in_link: bool = False  # a link's text: a reference to where it is taught, not a use

    def source_range(self) -> tuple[int, int]:
        return self.region.to_source(self.start), self.region.to_source(self.end)


@dataclass
class Course:
    """One language's course over the workspace roots: its modules in order, by name."""

    language: str | None
    structures: list[CourseStructure]
    modules: list[ModuleFile]
    rank: dict[Path, int]
    names: ModuleNames

    def resolve(self, name: str | None) -> ModuleFile | None:
        found = self.names.resolve(name)
        return found if isinstance(found, ModuleFile) else None

    def contains(self, module: ModuleFile | None) -> bool:
        return module is not None and module.path in self.rank

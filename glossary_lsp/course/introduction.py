"""Where a term is introduced in a course: the one answer definition, hover and the course
diagnostics (`usedBeforeIntroduced`, `acronymNotExpanded`) all give.

1. the module the glossary names (`module:` an id, path or title), if it is in this course and
   uses the term: at its first occurrence written with the expansion or defined there, else its
   first occurrence (a module of that name that never uses the term is another course's);
2. else the first occurrence in course order written with its expansion or defined
   (see `course.defining`);
3. else the first section about it: a module title it opens, or a heading it is;
4. else the first occurrence in course order (not a link's text, if there is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from glossary_lsp.course.module_terms import Sighting
from glossary_lsp.course.modules import Course, ModuleFile, Occurrence
from glossary_lsp.course.workspace import STALE_TERMS_TRUSTED_FROM, WorkspaceIndex
from glossary_lsp.glossary.model import Term

GLOSSARY = "glossary"  # the module the glossary names
DEFINED = "defined"  # the first occurrence written with its expansion or defined
HEADING = "heading"  # the first section about it
FIRST_USE = "first use"  # the first occurrence in course order
# (reason, kind of occurrence), in order; a link's text (a course's list of lessons) is a
# reference to where the term is taught, taken only when there is nothing else
TIERS = (
    (DEFINED, "defined"),
    (HEADING, "heading"),
    (FIRST_USE, "plain"),
    (FIRST_USE, "use"),
)


@dataclass(frozen=True, slots=True)
class Introduction:
    module: ModuleFile
    occurrence: Occurrence | None  # None when only the module was asked for (`locate=False`)
    reason: str  # GLOSSARY, DEFINED, HEADING or FIRST_USE
    rank: int  # the module's place in the course
    sighting: Sighting | None = None  # the occurrence without its text (`locate="sighting"`)

    @property
    def located(self) -> bool:
        return self.occurrence is not None or self.sighting is not None

    @property
    def defined(self) -> bool:
        if self.sighting is not None:
            return self.sighting.defined
        return self.occurrence is not None and self.occurrence.defined

    def source_range(self) -> tuple[int, int]:
        if self.sighting is not None:
            return self.sighting.start, self.sighting.end
        return self.occurrence.source_range() if self.occurrence is not None else (0, 0)


def find_introduction(
    index: WorkspaceIndex,
    term: Term,
    course: Course | None = None,
    locate: bool | str = True,
    indexed_only: bool = False,
) -> Introduction | None:
    """Where `term` is introduced in `course` (default: the course language's course).

    `locate=False` only says which module (no module text is read when the index knows its
    terms); `locate="sighting"` gives the occurrence as a `Sighting`, which the index answers
    without reading text when the modules asked are indexed and unchanged. `indexed_only`
    leaves out the modules whose terms are not indexed yet instead of reading them
    (diagnostics, computed again once the index is complete).

    An answer is remembered until the index changes (`WorkspaceIndex.changes`) or a module
    text it read does (`WorkspaceIndex.text_version`, asked again as each request did before).
    One that searched modules not indexed yet is remembered only while the editor's texts are
    all unchanged too (`editor_texts`): until the index has them, each request found it again,
    a search of every such module (840 of them: 2.4 ms a hover while a course is indexed).
    """
    course = course or index.course()
    return _find_remembering(index, term, course, locate, indexed_only, _Reads())[0]


def _find_remembering(
    index: WorkspaceIndex,
    term: Term,
    course: Course,
    locate: bool | str,
    indexed_only: bool,
    read: _Reads,
) -> tuple[Introduction | None, int | None]:
    """`find_introduction`'s answer, remembered or found (and remembered), and the place of the
    first module not indexed it left out (`_Reads.search_unindexed`; None: none was)."""
    key = (term.key, id(course), locate, indexed_only, read.search_unindexed)
    changes = index.changes  # before reading: a change meanwhile leaves this answer unused
    texts = editor_texts(index)
    store, bound = _STORES[locate is True]
    answer = remembered(index, store).get(key)
    if isinstance(answer, _Remembered) and answer.valid(index, term, course, changes, texts):
        return answer.introduction, answer.left_out
    found = _find(index, term, course, locate, indexed_only, read)
    if (not read.unindexed or texts is not None) and _rememberable(found):
        searched_with = texts if read.unindexed else None
        answer = _Remembered(
            changes, index.matcher, term, course, read.versions, found, searched_with, read.left_out
        )
        remember(index, store, key, answer, bound)
    return found, read.left_out


@dataclass(frozen=True, slots=True)
class Budget:
    """How much of a course not indexed yet one request searches for an introduction (see
    `find_introduction_so_far`): every module not indexed when there are at most `modules` of
    them, else none. `listed=False`: the course's modules are not listed yet."""

    modules: int = 16
    listed: bool = True

    def covers(self, course: Course) -> bool:
        """Whether this budget searches every module of `course` not indexed yet."""
        unindexed = 0
        for module in course.modules:
            unindexed += not module.terms_known
            if unindexed > self.modules:
                return False
        return True


@dataclass(frozen=True, slots=True)
class SoFar:
    """An introduction found within a `Budget`: `complete` when no module left out can change
    it (it is then `find_introduction`'s answer), else the first among the modules indexed."""

    introduction: Introduction | None
    complete: bool


def find_introduction_so_far(
    index: WorkspaceIndex, term: Term, course: Course, budget: Budget
) -> SoFar:
    """`find_introduction` (`locate=True`) for a request that answers at once while the course
    is indexed. A course with few modules not indexed has them searched (a quick text search
    each); a larger one is answered from the modules indexed (and the glossary's module for
    the term, searched), complete when the modules left out cannot change the answer: they all
    come after a module that defines the term."""
    if not budget.listed:
        return SoFar(None, False)
    read = _Reads(search_unindexed=budget.covers(course))
    found, left_out = _find_remembering(index, term, course, True, False, read)
    return SoFar(found, left_out is None or _decided_before(found, left_out))


def _decided_before(found: Introduction | None, left_out: int) -> bool:
    """Whether an answer stands whatever the modules from place `left_out` on hold: one the
    glossary's module gave, or a definition before them (the first tier)."""
    if found is None:
        return False
    return found.reason == GLOSSARY or (found.reason == DEFINED and found.rank < left_out)


class EditorTexts(Protocol):
    """An index's `open_source` that also says when the editor's texts changed."""

    def __call__(self, path: Path) -> str | None: ...

    def generation(self) -> int:
        """A number that changes whenever any open text does (an open, an edit, a close)."""
        ...


def editor_texts(index: WorkspaceIndex) -> int | None:
    """The generation of the editor's texts (see `EditorTexts`); None when the index's
    `open_source` cannot tell."""
    generation = getattr(index.open_source, "generation", None)
    return generation() if generation is not None else None


# (store, remembered answers before they are forgotten at once): an occurrence (`locate=True`:
# hover, definition) holds its module's view, so few of them are kept beyond the index's own
# views; the others are small
_STORES = {True: ("introductions located", 256), False: ("introductions", 20_000)}


def remembered(index: WorkspaceIndex, store: str) -> dict:
    """One of the index's stores of answers derived from it (`WorkspaceIndex.derived`, emptied
    when the index changes)."""
    answers: dict = index.derived.setdefault(store, {})
    return answers


def remember(index: WorkspaceIndex, store: str, key: object, answer: object, bound: int) -> None:
    answers = remembered(index, store)
    if len(answers) >= bound:
        answers.clear()
    answers[key] = answer


@dataclass(slots=True)
class _Reads:
    """The module texts an answer was read from, each one's version (`WorkspaceIndex.
    text_version`) noted before the index reads it; `unindexed`: a module not indexed yet was
    searched (see `find_introduction`)."""

    versions: dict[Path, object] = field(default_factory=dict)
    unindexed: bool = False
    search_unindexed: bool = True  # False: modules not indexed are left out (but the
    # glossary's module for the term), the first one's place noted in `left_out`
    left_out: int | None = None

    def may_search(self, rank: int) -> bool:
        """Whether the module at place `rank`, not indexed, is searched."""
        if not self.search_unindexed and self.left_out is None:
            self.left_out = rank
        return self.search_unindexed

    def of(self, index: WorkspaceIndex, module: ModuleFile) -> ModuleFile:
        """A module whose occurrences are read."""
        if not module.terms_known:
            self.unindexed = True
        if module.path not in self.versions:
            self.versions[module.path] = index.text_version(module.path)
        return module

    def searched(self, module: ModuleFile) -> ModuleFile:
        """A module not indexed yet, searched for the term (the index's own quick search,
        which keeps its answer until the index hears of the file: no version is noted)."""
        self.unindexed = True
        return module


@dataclass(frozen=True, slots=True)
class _Remembered:
    """An answer of `find_introduction` and what it was read from."""

    changes: int
    matcher: object
    term: Term
    course: Course
    read: dict[Path, object]
    introduction: Introduction | None
    texts: int | None  # the editor's texts' generation when modules not indexed were searched
    left_out: int | None  # see `_Reads.left_out`

    def valid(
        self, index: WorkspaceIndex, term: Term, course: Course, changes: int, texts: int | None
    ) -> bool:
        if self.changes != changes or self.matcher is not index.matcher:
            return False
        if self.texts is not None and self.texts != texts:
            return False
        if self.term is not term or self.course is not course:
            return False
        for path, version in self.read.items():
            now = index.text_version(path)
            if now is not version and (isinstance(version, str) or now != version):
                return False
        return True


def _rememberable(found: Introduction | None) -> bool:
    # an occurrence holds its module's view: a huge file's is not kept (the index does not)
    if found is None or found.occurrence is None:
        return True
    regions = found.occurrence.view.regions
    return sum(len(region.text) for region in regions) <= STALE_TERMS_TRUSTED_FROM


def _find(
    index: WorkspaceIndex,
    term: Term,
    course: Course,
    locate: bool | str,
    indexed_only: bool,
    read: _Reads,
) -> Introduction | None:
    home = course.resolve(term.module) if term.module else None
    if home is not None and (indexed_only and not home.terms_known):
        home = None
    if home is not None and not home.terms_known:
        read.of(index, home)  # not indexed: its text is searched
    if home is not None and index.may_introduce(home, term, "use"):
        found = _locate(index, term, home, "defined", locate, read) or _locate(
            index, term, home, "use", locate, read
        )
        return _introduction(home, found, GLOSSARY, course.rank[home.path])
    users = _modules_using(index, term, course, indexed_only, read)
    for reason, kind in TIERS:
        first = _first(index, term, users, kind, locate, read)
        if first is not None:
            module, found = first
            return _introduction(module, found, reason, course.rank[module.path])
    return None


def _introduction(
    module: ModuleFile, found: Occurrence | Sighting | None, reason: str, rank: int
) -> Introduction:
    if isinstance(found, Sighting):
        return Introduction(module, None, reason, rank, found)
    return Introduction(module, found, reason, rank)


def _locate(
    index: WorkspaceIndex,
    term: Term,
    module: ModuleFile,
    kind: str,
    locate: bool | str,
    read: _Reads,
) -> Occurrence | Sighting | None:
    if not locate:
        return None
    read.of(index, module)
    if locate == "sighting":
        return index.first_sighting(term, module, kind)
    return index.first_occurrence(term, module, kind)


Users = list[tuple[ModuleFile, frozenset[str]]]  # modules using a term, the kinds of its uses


def _modules_using(
    index: WorkspaceIndex, term: Term, course: Course, indexed_only: bool, read: _Reads
) -> Users:
    """The modules, in course order, that use the term at all (the only ones that can
    introduce it in any tier: an occurrence of each kind is a use), with the kinds of its
    occurrences there. An indexed module answers from its term sets, with the term's key
    computed once; another is asked once (a quick search of its text, then its occurrences),
    not once per tier, so a term few modules use costs little more than a look per module. One
    the reads leave out (`_Reads.may_search`) is not searched."""
    key = term.key
    users: Users = []
    for rank, module in enumerate(course.modules):
        if module.terms_known:
            kinds = _indexed_kinds(module, key)
            if kinds:
                users.append((module, kinds))
        elif indexed_only or not read.may_search(rank):
            continue
        elif index.may_introduce(read.searched(module), term, "use"):
            occurrences = index.occurrences_in(read.of(index, module), term)  # read again
            users.append((module, _kinds_of(occurrences)))
    return users


def _indexed_kinds(module: ModuleFile, key: str) -> frozenset[str]:
    # the kinds' sets are the term set's subsets, but one recorded from another pass over the
    # module (`record_terms`) keeps them from its own matches: each is asked, none assumed
    sets = (module.terms, module.defines, module.headings, module.plain)
    return frozenset(kind for kind, keys in zip(_KINDS, sets, strict=True) if key in keys)


def _kinds_of(occurrences: list[Occurrence]) -> frozenset[str]:
    kinds = set()
    for occurrence in occurrences:
        kinds.add("use")
        if occurrence.defined:
            kinds.add("defined")
        if occurrence.in_heading:
            kinds.add("heading")
        if not occurrence.in_link:
            kinds.add("plain")
    return frozenset(kinds)


_KINDS = ("use", "defined", "heading", "plain")  # in the order of `_indexed_kinds`' sets


def _first(
    index: WorkspaceIndex, term: Term, users: Users, kind: str, locate: bool | str, read: _Reads
) -> tuple[ModuleFile, Occurrence | Sighting | None] | None:
    for module, kinds in users:
        if kind not in kinds:
            continue
        if not locate:
            return module, None
        found = _locate(index, term, module, kind, locate, read)
        if found is not None:
            return module, found
    return None


def comes_before(
    introduction: Introduction, course: Course, path: Path | None, offset: int | None
) -> bool:
    """Whether a place (a file of the course, a source offset in it) comes before the
    introduction: an earlier module, or earlier in the introducing module."""
    if path is None or path not in course.rank:
        return False
    here = course.rank[path]
    if here != introduction.rank:
        return here < introduction.rank
    if offset is None or not introduction.located:
        return False
    return offset < introduction.source_range()[0]

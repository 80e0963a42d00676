"""The workspace index: a course's module files in course order and where terms occur in them.

The only module that walks the disk for course files. It keeps, per module, the set of terms that
occur in its prose (small); the text itself is read again when a feature needs exact positions,
so a course of thousands of files costs little memory.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.course.files import (
    MODULE_SUFFIXES,
    IgnoreRules,
    Listing,
    PathFilter,
    list_course_files,
    relative_to_any,
    walk_would_list,
)
from glossary_lsp.course.identity import ModuleNames, stated_id, unique_ids
from glossary_lsp.course.languages import LanguageLayout, course_language, detect_languages
from glossary_lsp.course.module_terms import (
    Classified,
    FirstSightings,
    ModuleTerms,
    Overtaken,
    Sighting,
    classified_matches,
    classify_match,
    first_classified,
    is_large,
    title_line,
)
from glossary_lsp.course.module_text import (
    file_stamp,
    heading_of,
    markdown_header,
    notebook_header,
    notebook_text,
    view_module,
)
from glossary_lsp.course.modules import Course, ModuleFile, Occurrence
from glossary_lsp.course.order import front_matter_order
from glossary_lsp.course.structure import CourseStructure, build_structure, may_state_order
from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import TermMatcher, remembers_spans
from glossary_lsp.text.documents import MAX_FILE_BYTES, Edit
from glossary_lsp.text.documents import read_document as read_module_text
from glossary_lsp.text.uris import path_to_uri
from glossary_lsp.text.views import DocumentView

log = logging.getLogger(__name__)

__all__ = [
    "MODULE_SUFFIXES",
    "read_module_text",
    "WorkspaceIndex",
]

MAX_MODULE_BYTES = MAX_FILE_BYTES
VIEW_CACHE_SIZE = 32
# A module this large answers from its indexed terms only: while its edits settle, from the
# terms of its settled text (the documented rule); before it is indexed, as using none.
# Searching its text per request (per keystroke) costs seconds.
STALE_TERMS_TRUSTED_FROM = 1_000_000
# Before a module is indexed, whether it can hold an occurrence of a kind: a superset of what
# `course.defining` recognises, searched in the raw text (the matcher then decides)
_KIND_PATTERNS = {
    "defined": r"\({name}|^[ \t>|*+-]*[*_`\[]*{name}|{name}[*_`\]]*(?:\([^)\n]*\))?[ \t]*"
    r"(?:\(|:|[-–—=][ \t]|,|\n[ \t]*:|[ \t]+(?:is|are|stand|refer))"
    r"|(?:called|named|termed|as)[ \t]+[\"“']?[*_`\[]*{name}",
    "heading": r"^[ ]{0,3}#{1,6}[ \t][^\n]*?{name}",
}


_SEARCHED_BOUND = 200_000  # remembered searches before they are forgotten at once
_UNHEARD = object()  # no stamp taken since the index last heard of the file


@dataclass(slots=True)
class _CachedModule:
    stamp: object
    view: DocumentView
    matches: list[Classified] | None = None
    by_term: dict[str, list[Classified]] = field(default_factory=dict)  # before `matches`
    by_key: dict[str, list[Classified]] | None = None  # `matches` by term key, once asked for
    firsts: FirstSightings | None = None  # of a large open text, once asked for (`first_sighting`)


_COMPARED = 1 << 16  # characters compared at a time by `edit_between`


def edit_between(old: str, new: str) -> Edit:
    """The edit that made `new` from `old`: the lengths of the prefix and the suffix they share
    (compared a block at a time from each end, then narrowed within the block that differs)."""
    shortest = min(len(old), len(new))
    prefix = _shared(lambda low, high: old[low:high] == new[low:high], shortest)
    last, length = len(old), len(new)
    suffix = _shared(
        lambda low, high: old[last - high : last - low] == new[length - high : length - low],
        shortest - prefix,
    )
    return Edit(prefix, suffix)


def _shared(same: Callable[[int, int], bool], limit: int) -> int:
    """The largest n <= limit such that characters [0, n) are the same, `same(low, high)`
    telling of [low, high) when those before `low` are."""
    low = 0
    while low < limit and same(low, min(limit, low + _COMPARED)):
        low = min(limit, low + _COMPARED)
    high = min(limit, low + _COMPARED)
    while low < high:  # [0, low) the same, something in [low, high) not
        middle = (low + high + 1) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass
class _RootState:
    listing: Listing
    layout: LanguageLayout
    language: str | None


@dataclass
class WorkspaceIndex:
    """The course files under the workspace folders; the course (the course language's modules
    in course order) and, on demand, the course of each other language; the terms each uses."""

    roots: Sequence[Path]
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    matcher: TermMatcher | None = None
    cache_size: int = VIEW_CACHE_SIZE
    toc: str | None = None  # glossaryLsp.course.toc
    language: str | None = None  # glossaryLsp.course.language
    # The editor's text of an open document (None when it is not open): it wins over the disk
    # at once, so positions are computed on the text the editor has now.
    open_source: Callable[[Path], str | None] | None = None
    _modules: dict[Path, ModuleFile] = field(default_factory=dict)
    _open: dict[Path, str] = field(default_factory=dict)
    _roots: dict[Path, _RootState] = field(default_factory=dict)
    _ignore_rules: dict[Path, IgnoreRules] = field(default_factory=dict)  # the last walk's
    _courses: dict[str | None, Course] = field(default_factory=dict)
    _main: Course | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _views: OrderedDict[Path, _CachedModule] = field(default_factory=OrderedDict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # (path, kind, term key) -> (the text's stamp, whether it may use the term): an unindexed
    # module is searched once per text, not read from disk again for every request
    _searched: dict[tuple[Path, str, str], tuple[object, bool]] = field(default_factory=dict)
    # an unopened file's stamp as the index last heard of it (see `_heard_stamp`)
    _heard: dict[Path, object] = field(default_factory=dict)
    _last_key: tuple[Term | None, str] = (None, "")  # see `_key_of`
    # one classification of a large module at a time: a second one (the refresh after an edit
    # beside the analysis's, or the first indexing) waits and finds the spans remembered
    _classifying: threading.Lock = field(default_factory=threading.Lock)
    remember_unopened: bool = True  # see `remembers_spans_of`
    _closed_large: set[Path] = field(default_factory=set)  # large documents once closed
    # Bumped by every change of what answers are read from (the modules, their order and
    # terms, the matcher, the open texts the index keeps): an answer derived from the index is
    # valid while it is unchanged and the texts it read are (`text_version`). `derived` holds
    # such answers (`course.introduction`), emptied at each change.
    changes: int = field(default=0, compare=False, repr=False)
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.roots = [Path(root) for root in self.roots]
        self._filter = PathFilter(self.include, self.exclude)

    def __setattr__(self, name: str, value: object) -> None:
        # a caller may rebind the matcher (a glossary reload) or a setting in place
        super().__setattr__(name, value)
        if name in _ANSWERS_READ_FROM:
            self._changed()

    def _changed(self) -> None:
        """After a change of what answers are read from (see `changes`)."""
        state = self.__dict__  # not through `__setattr__`, called before the fields exist
        state["changes"] = state.get("changes", 0) + 1
        derived = state.get("derived")
        if derived:
            derived.clear()

    def text_version(self, path: Path) -> object:
        """What says a module's text is unchanged: the editor's text itself while it is open
        (compare with `is`), else its file's stamp on disk (compare with `==`)."""
        source = self._open_text(path)
        return source if source is not None else file_stamp(path)

    # -- which files are modules -------------------------------------------------------------

    def _relative(self, path: Path) -> str | None:
        return relative_to_any(path, self.roots)

    def _root_of(self, path: Path) -> Path | None:
        for root in self.roots:
            try:
                path.relative_to(root)
            except ValueError:
                continue
            return root
        return None

    def is_module_path(self, path: Path) -> bool:
        """Whether a file is a course file (of any language; in a course's TOC or not): one the
        settings' globs accept and the walk of its folder lists, or would list once it exists
        (an open draft in a hidden folder, a checkpoint copy, an ignored file never is)."""
        root = self._root_of(path)
        if root is None:
            return False
        relative = path.relative_to(root).as_posix()
        return self._filter.accepts(relative) and walk_would_list(
            root, relative, self._ignore_rules.get(root)
        )

    def walk(self) -> list[Path]:
        """Every course file under the roots (ignore files and default skips honoured)."""
        return [path for listing in self._listings() for path in listing.files]

    def _listings(self) -> list[Listing]:
        listings = []
        for root in self.roots:
            rules = IgnoreRules(root)
            listing = list_course_files(root, rules=rules)
            self._ignore_rules[root] = rules  # for files the walk did not see (`is_module_path`)
            listing.files = [
                path
                for path in listing.files
                if self._filter.accepts(path.relative_to(root).as_posix())
            ]
            listings.append(listing)
        return listings

    # -- building ----------------------------------------------------------------------------

    def scan(self, progress: Callable[[int, int], None] | None = None) -> None:
        """List the modules, then find the terms each one uses."""
        self.list_modules()
        self.index_terms(progress)

    def list_modules(self) -> None:
        """Walk the roots, describe the course language's files, and build the course: fast, no
        matching. Files of other languages are described when their course is first asked for."""
        listings = self._listings()
        fresh: dict[Path, ModuleFile] = {}
        roots = {}
        for listing in listings:
            relatives = [path.relative_to(listing.root).as_posix() for path in listing.files]
            layout = detect_languages(relatives)
            has_untranslated = any(layout.language_of(rel) is None for rel in relatives)
            language = course_language(layout, self.language, has_untranslated)
            roots[listing.root] = _RootState(listing, layout, language)
            for path, relative in zip(listing.files, relatives, strict=True):
                of = layout.language_of(relative)
                module = self._describe(path) if of in (None, language) else _undescribed(path)
                module.relative, module.language = relative, of
                fresh[path] = module
        with self._lock:
            self._modules = fresh
            self._roots = roots
            self._heard.clear()
            self._rebuild()

    def _describe_language(self, language: str | None) -> None:
        for path, module in list(self._modules.items()):
            if not module.described and module.language == language:
                described = self._describe(path)
                described.language = language
                if module.terms_known and module.terms_stamp == self._stamp(path):
                    _keep_terms(module, described)  # found by a term pass before this course
                self._modules[path] = described

    def is_structure_file(self, path: Path) -> bool:
        """Whether a file is a TOC (or toctree document, or README) that the course structure was
        read from, one that lost precedence to it, or one that may come to order the course."""
        root = self._root_of(path)
        if root is not None and may_state_order(root, path, self.toc):
            return True
        with self._lock:
            for course in (self._main, *self._courses.values()):
                for structure in course.structures if course is not None else ():
                    toc = structure.toc
                    if toc is not None and (path == toc.file or path in toc.ignored):
                        return True
                    if any(entry.file == path for entry in structure.toc_entries.values()):
                        return True
        return False

    def rebuild(self) -> None:
        """Read the TOC files again (one was saved) and order the courses again."""
        with self._lock:
            self._rebuild()

    def _rebuild(self) -> None:
        """The courses again, from the files as described (no file is read but TOC files)."""
        self._courses = {}
        self._main = None
        self.course()
        self._changed()

    def _build_course(self, language: str | None, main: bool) -> Course:
        if not main:
            self._describe_language(language)
        structures = []
        ordered: list[ModuleFile] = []
        for root, state in self._roots.items():
            if not main and language not in state.layout.languages:
                continue
            mine = [p for p in state.listing.files if p in self._modules]
            relatives = [self._modules[p].relative for p in mine]
            stated = {}
            for path in mine:
                module = self._modules[path]
                value = front_matter_order(module.front_matter)
                if value is not None:
                    stated[module.relative] = value
            structure = build_structure(
                root,
                relatives,
                stated,
                state.layout,
                state.language if main else language,
                self.toc,
                main=main,
            )
            structures.append(structure)
            ordered += [self._modules[root / rel] for rel in structure.modules]
        ids = unique_ids(
            [
                (
                    module.relative,
                    stated_id(module.front_matter) or self._toc_id(structures, module),
                )
                for module in ordered
            ]
        )
        for module, module_id in zip(ordered, ids, strict=True):
            module.id = module_id
            module.title = self._title(structures, module)
        rank = {module.path: position for position, module in enumerate(ordered)}
        course_language_ = structures[0].language if structures and main else language
        return Course(course_language_, structures, ordered, rank, ModuleNames(ordered))

    @staticmethod
    def _toc_id(structures: list[CourseStructure], module: ModuleFile) -> str | None:
        for structure in structures:
            entry = structure.toc_entries.get(_relative_to(module.path, structure.root))
            if entry is not None:
                return entry.id
        return None

    @staticmethod
    def _title(structures: list[CourseStructure], module: ModuleFile) -> str:
        """The TOC's title, else the first heading, else front matter `title`, else the stem."""
        for structure in structures:
            entry = structure.toc_entries.get(_relative_to(module.path, structure.root))
            if entry is not None and entry.title:
                return entry.title
        title = module.heading or module.front_matter.get("title") or module.path.stem
        return str(title).strip()

    def index_terms(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Find the terms of every module not yet indexed, the course's first; `progress(done,
        total)` as it goes."""
        course = self.modules()
        in_course = {module.path for module in course}
        others = [m for m in self._modules.values() if m.path not in in_course]
        pending = [module for module in (*course, *others) if not module.terms_known]
        for done, module in enumerate(pending, 1):
            with suppress(Overtaken):  # opened or edited while read: indexed once it settles
                self._find_terms(module)
            if progress is not None and (done % 50 == 0 or done == len(pending)):
                progress(done, len(pending))

    def record_terms(self, module: ModuleFile, keys: Iterable[str]) -> None:
        """The terms another pass over the module's prose found (a caller's own analysis)."""
        _set_terms(module, self._module_terms(module))
        module.firsts = None  # these terms are another pass's: where they first occur is unknown
        module.terms = frozenset(keys)
        module.terms_known = True
        self._changed()

    # -- indexing in other processes (see `course.pool`) -----------------------------------------

    def pending_terms(self) -> list[tuple[Path, object, str | None]]:
        """The modules whose terms are not indexed yet, the course's first: (path, the stamp of
        the text to read, the editor's text when open, else None: read from disk)."""
        course = self.modules()
        in_course = {module.path for module in course}
        others = [m for m in self._modules.values() if m.path not in in_course]
        pending: list[tuple[Path, object, str | None]] = []
        self._heard.clear()  # a new pass: files are stamped again
        for module in (*course, *others):
            if not module.terms_known:
                text = self._open_text(module.path)
                stamp = id(text) if text is not None else None
                pending.append((module.path, stamp, text))
        return pending

    def adopt_terms(self, path: Path, stamp: object, terms: ModuleTerms) -> bool:
        """The terms another process found in a module's text of `stamp`; taken only when the
        module is still not indexed and its text is still that one."""
        with self._lock:
            module = self._modules.get(path)
            if module is None or module.terms_known or self.matcher is None:
                return False
            if stamp is None or self._stamp(path) != stamp:
                return False
            _set_terms(module, terms)
            module.terms_known = True
            module.terms_stamp = stamp
            self._changed()
            return True

    def terms_of(self, path: Path) -> ModuleTerms | None:
        """What the index knows of a module's terms (None: not indexed)."""
        module = self._modules.get(path)
        if module is None or not module.terms_known:
            return None
        return ModuleTerms(module.terms, module.defines, module.headings, module.plain)

    def replica(self, open_texts: dict[Path, str]) -> WorkspaceIndex:
        """A copy to send to another process: the modules and what is indexed of them, the
        editor's texts of open modules as they are now; no views, no matcher (the receiver sets
        its own), the courses ordered again when first asked for."""
        with self._lock:
            copy = WorkspaceIndex(
                roots=list(self.roots),
                include=list(self.include),
                exclude=list(self.exclude),
                cache_size=self.cache_size,
                toc=self.toc,
                language=self.language,
            )
            copy._modules = dict(self._modules)
            copy._roots = dict(self._roots)
            copy._open = dict(open_texts)
            copy.remember_unopened = False
            return copy

    def take_modules(self) -> dict[Path, ModuleFile]:
        """A replica's modules, taken out of it (to send them apart, see `give_modules`)."""
        modules, self._modules = self._modules, {}
        return modules

    def give_modules(self, modules: dict[Path, ModuleFile]) -> None:
        self._modules = modules  # a change (`__setattr__`)

    def __getstate__(self) -> dict:
        state = {name: getattr(self, name) for name in _PICKLED}
        state["_open"] = dict(self._open)
        return state

    def __setstate__(self, state: dict) -> None:
        fields = {name: state[name] for name in _PICKLED if not name.startswith("_")}
        self.__dict__.update(WorkspaceIndex(**fields).__dict__)
        self._modules = state["_modules"]
        self._roots = state["_roots"]
        self._open = state["_open"]
        self.remember_unopened = False  # a replica in another process

    def set_matcher(self, matcher: TermMatcher, index: bool = True) -> None:
        """A new glossary version: every module's terms are found again (now, or by whoever
        takes `pending_terms`)."""
        with self._lock:
            self.matcher = matcher
            self._views.clear()
            self._patterns.clear()
            self._searched.clear()
            self._heard.clear()
            for module in self._modules.values():
                module.terms_known = False
            self._changed()
        if index:
            self.index_terms()

    def refresh(self, path: Path) -> None:
        """Index one file again (after an edit, a save or a file event)."""
        self._heard.pop(path, None)
        if not path.exists() and self._open_text(path) is None:
            self.remove(path)
            return
        module = self._describe(path)
        try:
            self._find_terms(module)
        except Overtaken:
            return  # whoever brought the newer text refreshes the module again
        with self._lock:
            before = self._modules.get(path)
            if before is not None:
                module.language = before.language
                module.id, module.title = before.id, before.title
            self._modules[path] = module
            if before is None or not before.describes_same(module):
                self._add_to_listing(path)
                self._rebuild()
            else:
                self._replace(before, module)

    def _add_to_listing(self, path: Path) -> None:
        root = self._root_of(path)
        state = self._roots.get(root) if root is not None else None
        if state is not None and path not in state.listing.files:
            state.listing.files.append(path)
            self._modules[path].language = state.layout.language_of(self._modules[path].relative)
            self._changed()

    def _replace(self, before: ModuleFile, module: ModuleFile) -> None:
        for course in (self._main, *self._courses.values()):
            if course is not None and before.path in course.rank:
                place = course.rank[before.path]
                was, course.modules[place] = course.modules[place], module
                course.names.replace(was, module)  # the same id, path and title
        self._changed()

    def update(self, path: Path, source: str) -> None:
        """An open document's text, which wins over the disk until it is closed."""
        if not self.is_module_path(path):
            return
        self._open[path] = source
        self._changed()
        self._closed_large.discard(path)
        self.refresh(path)

    def close(self, path: Path) -> bool:
        """The document closed: its file counts as on disk again; its cached view goes, and
        when it was large, what the matcher remembers of large texts' spans (after the file on
        disk is indexed again, from them; another large open document is read again once).
        Whether it was large."""
        text = self._open.pop(path, None)
        self._changed()
        with self._lock:
            entry = self._views.pop(path, None)
        large = (text is not None and remembers_spans(text)) or (
            entry is not None and is_large(entry.view)
        )
        del text, entry  # the editor's text and its view go before the file's are read
        if self.is_module_path(path):
            self.refresh(path)
        if large:
            self._closed_large.add(path)
            if self.matcher is not None:
                self.matcher.forget_spans()
        return large

    def _open_text(self, path: Path) -> str | None:
        if self.open_source is not None:
            source = self.open_source(path)
            if source is not None:
                return source
        return self._open.get(path)

    def remove(self, path: Path) -> None:
        self._heard.pop(path, None)
        with self._lock:
            self._views.pop(path, None)
            if self._modules.pop(path, None) is not None:
                for state in self._roots.values():
                    if path in state.listing.files:
                        state.listing.files.remove(path)
                self._rebuild()  # a change

    def _describe(self, path: Path) -> ModuleFile:
        source, problem = self._source(path)
        header = notebook_header(source) if path.suffix == ".ipynb" and source else None
        if header is not None:
            front_matter, heading = header
        elif path.suffix == ".ipynb" and source is not None:
            view = view_module(path, source)  # not plain nbformat 4: the notebook reader decides
            front_matter, heading = view.front_matter, heading_of(view)
            problem = problem or view.error
        else:
            front_matter, heading = markdown_header(source or "")
        relative = self._relative(path) or path.name
        return ModuleFile(
            path=path,
            uri=path_to_uri(path),
            id=stated_id(front_matter) or _path_id(relative),
            title=str(heading or front_matter.get("title") or path.stem).strip(),
            sort_key=(relative,),
            error=problem,
            relative=relative,
            heading=heading,
            front_matter=front_matter,
        )

    def _find_terms(self, module: ModuleFile) -> None:
        stamp = self._stamp(module.path)
        _set_terms(module, self._module_terms(module))
        module.terms_known = self.matcher is not None
        module.terms_stamp = stamp
        self._changed()

    def _source(self, path: Path) -> tuple[str | None, str | None]:
        source = self._open_text(path)
        return (source, None) if source is not None else read_module_text(path)

    def _stamp(self, path: Path) -> object:
        source = self._open_text(path)
        if source is not None:
            return id(source)
        return file_stamp(path)

    def _cached(self, path: Path) -> _CachedModule | None:
        """The module's view and prose matches, reused while its text is unchanged."""
        stamp = self._stamp(path)
        with self._lock:
            cached = self._views.get(path)
            if cached is not None and cached.stamp == stamp:
                self._views.move_to_end(path)
                return cached
        source, _problem = self._source(path)
        if source is None:
            return None
        edited = None
        if cached is not None and remembers_spans(source) and self._open_text(path) is source:
            # a large open document edited: its view spliced from the one before, as the
            # editor's snapshot splices it (whichever asks first builds it, see `view_module`)
            edited = (cached.view, edit_between(cached.view.source, source))
        entry = _CachedModule(stamp, view_module(path, source, edited))
        if len(source) > STALE_TERMS_TRUSTED_FROM and self._open_text(path) is None:
            return entry  # a huge file on disk is read again when needed, not kept in memory
        with self._lock:
            self._views[path] = entry
            while len(self._views) > self.cache_size:
                self._views.popitem(last=False)
        return entry

    def _module_terms(self, module: ModuleFile) -> ModuleTerms:
        """What the index keeps of a module's matches; of a large one, found from each span's
        first matches (remembered), its matches not kept (occurrences are found per term)."""
        overtaken = self._overtaken(module.path)
        entry = self._cached(module.path)
        if entry is None or self.matcher is None:
            return ModuleTerms.of([])
        if entry.matches is None and is_large(entry.view):
            remember = self.remembers_spans_of(module.path)
            with self._classifying:
                return ModuleTerms.of(
                    first_classified(self.matcher, entry.view, remember, overtaken)
                )
        return ModuleTerms.of(self._matches(module, entry))

    def _overtaken(self, path: Path) -> Callable[[], bool]:
        """Whether the module's text read now is overtaken: the editor's text of it changed, or
        it was opened or closed. Whoever brought the newer text has the module indexed again
        (an edit settles, a close refreshes), so a large module's reading stops between spans
        rather than holding `_classifying` (and a worker thread) for a text nobody needs."""
        reading = self._open_text(path)
        return lambda: self._open_text(path) is not reading

    def remembers_spans_of(self, path: Path) -> bool:
        """Whether a large module's spans are remembered: while it is open (edited), and on
        disk until it was once closed (a large module indexed is soon opened, its text the
        same); never in a replica (a course pass reads the modules once)."""
        if self._open_text(path) is not None:
            return True
        return self.remember_unopened and path not in self._closed_large

    def _matches(self, module: ModuleFile, entry: _CachedModule | None = None) -> list[Classified]:
        entry = entry or self._cached(module.path)
        if entry is None or self.matcher is None:
            return []
        if entry.matches is None:
            entry.matches = classified_matches(self.matcher, entry.view)
        return entry.matches

    def _may_use(self, module: ModuleFile, term: Term, kind: str = "use") -> bool:
        """Whether a module can have an occurrence of a kind (see `may_introduce`): its indexed
        terms (found in the text it has now), else a quick text search (a superset: the matcher
        decides)."""
        open_text = None
        if self.open_source is not None:  # `_open_text`, one call less: asked for every module
            open_text = self.open_source(module.path)
            if open_text is None:
                open_text = self._open.get(module.path)
        if module.terms_known and (
            open_text is None
            or module.terms_stamp == id(open_text)
            or len(open_text) > STALE_TERMS_TRUSTED_FROM
        ):
            return term.key in module.terms
        if open_text is not None:
            return self._search(module, term, kind, open_text)
        stamp = self._heard.get(module.path, _UNHEARD)
        if stamp is _UNHEARD:
            stamp = self._heard_stamp(module.path)
        key = (module.path, kind, self._key_of(term))
        searched = self._searched.get(key)
        if searched is not None and stamp is not None and searched[0] == stamp:
            return searched[1]
        answer = self._search(module, term, kind, None)
        if len(self._searched) >= _SEARCHED_BOUND:
            self._searched.clear()
        self._searched[key] = (stamp, answer)
        return answer

    def _key_of(self, term: Term) -> str:
        """`term.key`, folded once for the many modules one request asks about the same term."""
        last = self._last_key
        if last[0] is term:
            return last[1]
        key = term.key
        self._last_key = (term, key)
        return key

    def _heard_stamp(self, path: Path) -> object:
        """An unopened file's stamp, taken when first asked and again only after the index
        heard of the file (`refresh`: a file event, a save, a close; a new listing or pass): a
        request asking every module not indexed yet costs no `stat` each. A file changed on disk
        without an event is searched as it was until then, as an indexed module's terms are."""
        stamp = self._heard.get(path, _UNHEARD)
        if stamp is _UNHEARD:
            stamp = self._heard[path] = file_stamp(path)
        return stamp

    def _search(self, module: ModuleFile, term: Term, kind: str, open_text: str | None) -> bool:
        """A quick text search of a module for a term's names (a superset: the matcher decides)."""
        source = open_text if open_text is not None else self._source(module.path)[0]
        if source is not None and len(source) > STALE_TERMS_TRUSTED_FROM:
            return False  # a module this large is not searched per request: once indexed
        if source is not None and module.path.suffix == ".ipynb":
            source = notebook_text(source)  # names may be JSON-escaped or split across lines
            if source is None:
                return True  # not plain nbformat 4: the matcher decides
        return source is not None and self._pattern(term, kind).search(source) is not None

    def _pattern(self, term: Term, kind: str = "use") -> re.Pattern[str]:
        pattern = self._patterns.get(f"{kind}\0{term.key}")
        if pattern is None:
            names = sorted(term.names, key=len, reverse=True)
            name = "(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + ")"
            text = _KIND_PATTERNS.get(kind, "{name}").replace("{name}", name)
            pattern = re.compile(text, re.IGNORECASE | re.MULTILINE)
            self._patterns[f"{kind}\0{term.key}"] = pattern
        return pattern

    # -- queries -----------------------------------------------------------------------------

    def course(self, path: Path | None = None) -> Course:
        """The course a file belongs to: the course language's, or (a file of another language)
        that language's own course, built when first asked for."""
        with self._lock:
            if self._main is None:
                self._main = self._build_course(None, main=True)
            main = self._main
            module = self._modules.get(path) if path is not None else None
            if module is None or module.language in (None, main.language):
                return main
            course = self._courses.get(module.language)
            if course is None:
                course = self._build_course(module.language, main=False)
                self._courses[module.language] = course
                self._changed()  # its modules were described and named
            return course

    def courses(self) -> list[Course]:
        """The courses built so far: the main one first."""
        with self._lock:
            main = self.course()
            return [main, *(c for c in self._courses.values() if c is not main)]

    def structures(self) -> list[CourseStructure]:
        return self.course().structures

    def skipped_folders(self) -> list[str]:
        """Folders left out by default rules, relative to their root."""
        return [folder for state in self._roots.values() for folder in state.listing.skipped]

    def languages(self, root: Path) -> list[str]:
        """The languages of the translation trees under a root."""
        state = self._roots.get(root)
        return state.layout.languages if state is not None else []

    def listing_notes(self) -> list[str]:
        notes = [state.listing.truncated for state in self._roots.values()]
        return [note for note in notes if note]

    def modules(self) -> list[ModuleFile]:
        """The modules of the course, in course order."""
        return self.course().modules

    def module_by_id(self, module_id: str) -> ModuleFile | None:
        """The module of the course a name (id, path, title) stands for, if exactly one."""
        return self.course().resolve(module_id)

    def module_at(self, path: Path) -> ModuleFile | None:
        """The course file at a path, whether a module of a course or not."""
        return self._modules.get(path)

    def view(self, module: ModuleFile) -> DocumentView | None:
        entry = self._cached(module.path)
        return entry.view if entry is not None else None

    def occurrences_in(self, module: ModuleFile, term: Term) -> list[Occurrence]:
        """Every prose occurrence of `term` in one module, in document order."""
        return list(self._iter_occurrences(module, term))

    def _iter_occurrences(self, module: ModuleFile, term: Term) -> Iterator[Occurrence]:
        """The occurrences, found as they are read: the first one costs no more than itself."""
        entry = self._cached(module.path)
        if entry is None:
            return
        if entry.matches is None and self.matcher is not None:
            matches: Iterable[Classified] | None = entry.by_term.get(term.key)
            if matches is None:  # not matched whole yet: this term's matches, kept when small
                matches = self._term_matches(entry.view, term)
                if _view_size(entry.view) <= STALE_TERMS_TRUSTED_FROM:
                    matches = entry.by_term[term.key] = list(matches)
        else:
            matches = self._matches_by_key(entry).get(term.key, ())
        for region, start, end, found, defined, heading, link in matches:
            yield Occurrence(module, entry.view, region, start, end, found, defined, heading, link)

    def _matches_by_key(self, entry: _CachedModule) -> dict[str, list[Classified]]:
        """A module's matches grouped by term key: a request looks up one term, and folding the
        key of every match of the module for it cost more than the rest of a hover."""
        if entry.by_key is None:
            if entry.matches is None:  # no glossary yet (`_iter_occurrences` matched otherwise)
                return {}
            by_key: dict[str, list[Classified]] = {}
            keys: dict[int, str] = {}  # one fold per term, not per match
            for match in entry.matches:
                term = match[3]
                key = keys.get(id(term)) or keys.setdefault(id(term), term.key)
                by_key.setdefault(key, []).append(match)
            entry.by_key = by_key
        return entry.by_key

    def _term_matches(self, view: DocumentView, term: Term) -> Iterator[Classified]:
        """One term's matches in a view, found where its names occur and confirmed by the
        matcher: what matching the whole module would give for it, at a fraction of the cost."""
        assert self.matcher is not None
        title = title_line(view)
        pattern = self._pattern(term)
        for region in view.regions:
            seen = -1
            for start, end in region.prose:
                for hit in pattern.finditer(region.text, start, end):
                    match = self.matcher.match_at(region.text, hit.start())
                    if match is None or match.term.key != term.key or match.start <= seen:
                        continue
                    if match.start < start or match.end > end:
                        continue
                    seen = match.start
                    yield classify_match(region, match.start, match.end, term, title)

    def may_introduce(self, module: ModuleFile, term: Term, kind: str) -> bool:
        """Whether a module has an occurrence of the term of a kind (`defined`: written with
        its expansion or defined; `heading`: a section about it; `plain`: not a link's text;
        `use`: any): its indexed terms, else its text is matched now."""
        if module.terms_known:
            keys = {"defined": module.defines, "heading": module.headings, "plain": module.plain}
            return term.key in keys.get(kind, module.terms)
        return self._may_use(module, term, kind) and any(
            _is_kind(occurrence, kind) for occurrence in self._iter_occurrences(module, term)
        )

    def occurrences(
        self, term: Term, modules: Sequence[ModuleFile] | None = None
    ) -> list[Occurrence]:
        """Every prose occurrence of `term` in the course, in course order."""
        return [
            occurrence
            for module in (self.modules() if modules is None else modules)
            if self._may_use(module, term)
            for occurrence in self.occurrences_in(module, term)
        ]

    def first_sighting(self, term: Term, module: ModuleFile, kind: str = "use") -> Sighting | None:
        """The first prose occurrence of a kind in `module` (see `first_occurrence`), as the
        index keeps it: no text is read when the module is indexed and unchanged since."""
        if module.firsts is not None and self._firsts_fresh(module):
            return module.firsts.get(term, kind)
        firsts = self._large_open_firsts(module)
        if firsts is not None:
            return firsts.get(term, kind)
        occurrence = self.first_occurrence(term, module, kind)
        if occurrence is None:
            return None
        start, end = occurrence.source_range()
        surface = occurrence.region.text[occurrence.start : occurrence.end]
        return Sighting(start, end, surface, occurrence.defined)

    def _large_open_firsts(self, module: ModuleFile) -> FirstSightings | None:
        """A large open module's first sightings in the text it has now, found once per text
        from its spans (those an edit left alone are remembered): between an edit and the
        index's refresh, an analysis asks them of every term, and matching the whole module
        for each (its occurrences are not kept) took minutes for 1 MB of 10,000 terms."""
        if self.matcher is None or self._open_text(module.path) is None:
            return None
        entry = self._cached(module.path)
        if entry is None or not is_large(entry.view):
            return None
        if entry.firsts is None:
            with self._classifying:
                matches = first_classified(self.matcher, entry.view)
            entry.firsts = ModuleTerms.of(matches).firsts
        return entry.firsts

    def _firsts_fresh(self, module: ModuleFile) -> bool:
        """Whether the module's `firsts` were found in the text it has now."""
        if not module.terms_known or module.firsts is None:
            return False
        return module.terms_stamp is not None and module.terms_stamp == self._stamp(module.path)

    def first_occurrence(
        self, term: Term, module: ModuleFile | None = None, kind: str = "use"
    ) -> Occurrence | None:
        """The first prose occurrence of a kind (`use`, `plain`, `defined`, `heading`: see
        `may_introduce`) in `module`, or in the earliest module of the course that has one.

        Answers before the terms of every module are indexed: a module not indexed yet is
        searched for the term's names first, and matched only when they occur in it.
        """
        candidates = [module] if module is not None else self.modules()
        for candidate in candidates:
            if candidate.terms_known and not self.may_introduce(candidate, term, kind):
                continue
            if self._may_use(candidate, term):
                occurrences = self._iter_occurrences(candidate, term)
                found = next((o for o in occurrences if _is_kind(o, kind)), None)
                if found is not None:
                    return found
        return None


def _is_kind(occurrence: Occurrence, kind: str) -> bool:
    if kind == "defined":
        return occurrence.defined
    if kind == "heading":
        return occurrence.in_heading
    if kind == "plain":
        return not occurrence.in_link
    return True


# rebinding one of these is a change of what answers are read from (see `WorkspaceIndex.changes`)
_ANSWERS_READ_FROM = frozenset(
    {"roots", "include", "exclude", "matcher", "toc", "language", "open_source", "_modules"}
    | {"_open", "_roots", "_courses", "_main", "_filter"}
)
_PICKLED = ("roots", "include", "exclude", "cache_size", "toc", "language", "_modules", "_roots")


def _set_terms(module: ModuleFile, terms: ModuleTerms) -> None:
    module.terms, module.defines = terms.terms, terms.defines
    module.headings, module.plain = terms.headings, terms.plain
    module.firsts = terms.firsts


def _keep_terms(found: ModuleFile, into: ModuleFile) -> None:
    kept = ModuleTerms(found.terms, found.defines, found.headings, found.plain, found.firsts)
    _set_terms(into, kept)
    into.terms_known, into.terms_stamp = True, found.terms_stamp


def _view_size(view: DocumentView) -> int:
    return sum(len(region.text) for region in view.regions)


def _undescribed(path: Path) -> ModuleFile:
    uri = path_to_uri(path)
    return ModuleFile(path, uri, path.stem, path.stem, (), described=False)


def _path_id(relative: str) -> str:
    stem, dot, _suffix = relative.rpartition(".")
    return stem if dot else relative


def _relative_to(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name

"""A term's introduction is remembered until the index changes (`WorkspaceIndex.changes`) or a
module text it read does (issue 13: hover within 1.2× of the bare pygls floor). After every
mutator, and after texts change without the index being told (keystrokes before they settle, a
file written without a watcher event), a remembered answer is the one a fresh search gives."""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from course_helpers import write_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary_lsp.course import introduction
from glossary_lsp.course.introduction import find_introduction, remember, remembered
from glossary_lsp.course.module_terms import module_terms
from glossary_lsp.course.module_text import file_stamp
from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.hover import hover
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.documents import view_document

GLOSSARY = """\
version: 1
modules:
  - id: serving
    title: Serving
terms:
  - term: KV cache
    expansion: key-value cache
  - term: TTFT
    expansion: time to first token
  - term: Tokenizer
    definition: Splits text into tokens.
  - term: Beam search
"""
# the same terms, the glossary now naming the module that introduces two of them
GLOSSARY_WITH_HOMES = GLOSSARY.replace(
    "    expansion: key-value cache\n", "    expansion: key-value cache\n    module: serving\n"
).replace("  - term: Beam search\n", "  - term: Beam search\n    module: 03-decoding\n")

# module texts: each term in each kind of occurrence somewhere (defined, a heading, a link's
# text, a plain use); most under the same title, so that a module rewritten keeps its place
# in the course (`WorkspaceIndex.refresh` replaces it there), two that reorder the course
TEXTS = (
    "# Lesson\n\nA Tokenizer splits text. Beam search comes later.\n",
    "# Lesson\n\nThe KV cache (key-value cache) grows with the context.\n",
    "# Lesson\n\nTTFT (time to first token) matters. See [KV cache](02-cache.md).\n",
    "# Lesson\n\n## Beam search\n\nBeam search keeps a few outputs. KV cache again.\n",
    "# Lesson\n\nThis lesson uses no term at all.\n",
    "# Lesson\n\n- [Serving](03-serving.md): the KV cache and TTFT\n",
    "---\norder: 0\n---\n# First\n\nTTFT is measured here; the Tokenizer is defined as a"
    " splitter.\n",
    "# KV cache\n\nThe KV cache is used here first, TTFT too.\n",
)
NAMES = ("01-tokens.md", "02-cache.md", "03-serving.md", "03-decoding.md", "04-later.md")
LOCATES = (True, False, "sighting")


def summary(found: introduction.Introduction | None) -> object:
    """What an introduction says (the view an occurrence carries is compared by its text)."""
    if found is None:
        return None
    occurrence = found.occurrence
    where = None
    if occurrence is not None:
        start, end = occurrence.source_range()
        where = (start, end, occurrence.view.lines.position(start), occurrence.region.text)
    return (found.module.path, found.module.title, found.reason, found.rank, found.defined, where)


def fresh(
    index: WorkspaceIndex, term: Term, locate: bool | str, indexed_only: bool
) -> introduction.Introduction | None:
    """The introduction searched for now, nothing remembered."""
    course = index.course()
    return introduction._find(index, term, course, locate, indexed_only, introduction._Reads())


@dataclass
class Editor:
    """A course on disk, an editor's open texts (what the session's `open_source` gives) and
    the index over them."""

    root: Path
    versions: list[GlossaryVersion]
    open: dict[Path, str] = field(default_factory=dict)
    grown: dict[Path, int] = field(default_factory=dict)
    index: WorkspaceIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = WorkspaceIndex([self.root], open_source=self.open.get)
        self.index.set_matcher(self.versions[0].matcher)
        self.index.scan()

    @property
    def version(self) -> GlossaryVersion:
        matcher = self.index.matcher
        return next(v for v in self.versions if v.matcher is matcher)

    def write(self, name: str, text: str) -> Path:
        """A file written on disk, always longer than before: its stamp changes even within
        one tick of the file system's clock."""
        path = self.root / name
        grown = self.grown[path] = self.grown.get(path, 0) + 1
        path.write_text(text + "\n" * grown, encoding="utf-8")
        return path

    def check(self) -> None:
        """Every answer, remembered or not, is the one a fresh search gives; the hover line
        too."""
        for term in self.version.glossary.terms:
            for locate in LOCATES:
                for indexed_only in (False, True):
                    found = find_introduction(self.index, term, None, locate, indexed_only)
                    expected = fresh(self.index, term, locate, indexed_only)
                    assert summary(found) == summary(expected), (term.term, locate, indexed_only)
        self.check_hovers()

    def check_hovers(self) -> None:
        text = TEXTS[3]
        view = view_document("x.md", text)
        path = self.root / "99-hovered.md"
        for word in ("KV cache", "Beam search"):
            offset = text.index(word)
            answer = hover(self.version, view, offset, self.index, path)
            remembered, self.index.derived = self.index.derived, {}
            try:
                assert answer == hover(self.version, view, offset, self.index, path), word
            finally:
                self.index.derived = remembered


def editor(root: Path) -> Editor:
    files = {name: TEXTS[n % len(TEXTS)] for n, name in enumerate(NAMES)}
    write_course(root, files, GLOSSARY)
    versions = [
        GlossaryVersion.build(load_glossary_text(text, str(root / "glossary.yaml")))
        for text in (GLOSSARY, GLOSSARY_WITH_HOMES)
    ]
    return Editor(root, versions)


# -- the operations: a mutator of the index, or a text changed without telling it -----------

Operation = Callable[[Editor, int, int], None]  # (editor, a module's number, a text's number)


def type_in_editor(e: Editor, module: int, text: int) -> None:
    """A keystroke: the editor's text changes; the index hears of it when edits settle."""
    path = e.root / NAMES[module]
    if path in e.open:
        e.open[path] = TEXTS[text] + " " * len(e.open[path])


def open_document(e: Editor, module: int, text: int) -> None:
    path = e.root / NAMES[module]
    e.open[path] = TEXTS[text]
    e.index.update(path, e.open[path])


def settle(e: Editor, module: int, text: int) -> None:
    path = e.root / NAMES[module]
    if path in e.open:
        e.index.update(path, e.open[path])


def close_document(e: Editor, module: int, text: int) -> None:
    path = e.root / NAMES[module]
    e.open.pop(path, None)
    e.index.close(path)


def write_without_event(e: Editor, module: int, text: int) -> None:
    e.write(NAMES[module], TEXTS[text])


def write_with_event(e: Editor, module: int, text: int) -> None:
    e.index.refresh(e.write(NAMES[module], TEXTS[text]))


def delete_file(e: Editor, module: int, text: int) -> None:
    path = e.root / NAMES[module]
    if path.exists() and path not in e.open:
        path.unlink()
        e.index.refresh(path)


def create_file(e: Editor, module: int, text: int) -> None:
    e.index.refresh(e.write(f"0{module}-new.md", TEXTS[text]))


def new_glossary(e: Editor, module: int, text: int) -> None:
    e.index.set_matcher(e.versions[text % 2].matcher)


def rebind_matcher(e: Editor, module: int, text: int) -> None:
    """As a glossary reload does (`Session.reload_glossary`): the terms found again later."""
    e.index.matcher = e.versions[text % 2].matcher


def unindex(e: Editor, module: int, text: int) -> None:
    """A new glossary version, its terms found by the course pass (`adopt_one`)."""
    e.index.set_matcher(e.versions[text % 2].matcher, index=False)


def adopt_one(e: Editor, module: int, text: int) -> None:
    """The terms the course pass found in one module."""
    for path, stamp, source in e.index.pending_terms()[:1]:
        if source is None:  # as the course pass's workers read a file (`course.pool`)
            stamp, source = file_stamp(path), path.read_text(encoding="utf-8")
        assert e.index.matcher is not None
        assert e.index.adopt_terms(path, stamp, module_terms(e.index.matcher, path, source))


def index_the_rest(e: Editor, module: int, text: int) -> None:
    e.index.index_terms()


def record_terms(e: Editor, module: int, text: int) -> None:
    found = e.index.module_at(e.root / NAMES[module])
    if found is not None:
        keys = [term.key for term in e.version.glossary.terms][: text % 4]
        e.index.record_terms(found, keys)


def list_again(e: Editor, module: int, text: int) -> None:
    e.index.list_modules()


def order_by_readme(e: Editor, module: int, text: int) -> None:
    """A README that orders the course, read when the course is ordered again."""
    links = "".join(f"- [{name}]({name})\n" for name in reversed(NAMES))
    (e.root / "README.md").write_text("# Course\n\n" + links, encoding="utf-8")
    e.index.rebuild()


OPERATIONS: tuple[Operation, ...] = (
    type_in_editor,
    open_document,
    settle,
    close_document,
    write_without_event,
    write_with_event,
    delete_file,
    create_file,
    new_glossary,
    rebind_matcher,
    unindex,
    adopt_one,
    adopt_one,
    index_the_rest,
    record_terms,
    list_again,
    order_by_readme,
)


Step = tuple[Operation, int, int]  # an operation, on which module, with which text


def in_turn(operations: Sequence[Operation]) -> list[Step]:
    """Each operation once, on modules and texts in rotation."""
    return [(op, n % len(NAMES), n % len(TEXTS)) for n, op in enumerate(operations)]


def steps_of(operations: Sequence[Operation]) -> st.SearchStrategy[list[Step]]:
    """Random lists of steps of these operations."""
    step = st.tuples(
        st.sampled_from(operations), st.integers(0, len(NAMES) - 1), st.integers(0, len(TEXTS) - 1)
    )
    return st.lists(step, max_size=12)


def take_steps(e: Editor, steps: Sequence[Step]) -> None:
    """Each step in order, every answer checked before the first and after each."""
    e.check()
    for operation, module, text in steps:
        operation(e, module, text)
        e.check()


def test_each_operation_in_turn_leaves_no_stale_answer(tmp_path: Path) -> None:
    take_steps(editor(tmp_path), in_turn(OPERATIONS))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps_of(OPERATIONS))
def test_any_operations_leave_no_stale_answer(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        take_steps(editor(Path(folder)), steps)


def test_an_answer_is_remembered_while_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = editor(tmp_path)
    term = e.version.glossary.lookup("KV cache")
    assert term is not None
    first = find_introduction(e.index, term)
    searched: list[object] = []
    real = introduction._find
    monkeypatch.setattr(introduction, "_find", lambda *a: searched.append(a) or real(*a))
    assert find_introduction(e.index, term) is first
    assert not searched
    e.write(NAMES[1], TEXTS[1].replace("# KV cache", "# Caches"))  # no watcher event
    again = find_introduction(e.index, term)
    assert searched and again is not first
    assert summary(again) == summary(fresh(e.index, term, True, False))


def test_a_file_changed_on_disk_without_an_event_moves_the_introduction_as_before(
    tmp_path: Path,
) -> None:
    """Today's rule, kept: an indexed module's terms wait for an event, but its occurrences
    are read from the text on disk now (the file's stamp)."""
    e = editor(tmp_path)
    term = e.version.glossary.lookup("TTFT")
    assert term is not None
    before = find_introduction(e.index, term)
    assert before is not None and before.occurrence is not None
    path = before.module.path
    text = path.read_text(encoding="utf-8")
    e.write(path.name, "# Moved\n\nSome words first.\n\n" + text.split("\n", 1)[1])
    after = find_introduction(e.index, term)
    assert after is not None and after.occurrence is not None
    assert after.module.path == path
    assert after.source_range()[0] > before.source_range()[0]
    assert summary(after) == summary(fresh(e.index, term, True, False))


# -- every mutator bumps the counter ---------------------------------------------------------


def _module(e: Editor) -> ModuleFile:
    found = e.index.module_at(e.root / NAMES[0])
    assert found is not None
    return found


# how to call each public method of the index; a new one must be added here (and bump
# `changes` if it changes what answers are read from)
CALLS: dict[str, Callable[[Editor], object]] = {
    "adopt_terms": lambda e: adopt_one(e, 0, 0),
    "close": lambda e: close_document(e, 1, 0),
    "course": lambda e: e.index.course(),
    "courses": lambda e: e.index.courses(),
    "first_occurrence": lambda e: e.index.first_occurrence(e.version.glossary.terms[0]),
    "first_sighting": lambda e: e.index.first_sighting(e.version.glossary.terms[0], _module(e)),
    "give_modules": lambda e: e.index.give_modules(dict(e.index.take_modules())),
    "index_terms": lambda e: index_the_rest(e, 0, 0),
    "is_module_path": lambda e: e.index.is_module_path(e.root / NAMES[0]),
    "is_structure_file": lambda e: e.index.is_structure_file(e.root / NAMES[0]),
    "languages": lambda e: e.index.languages(e.root),
    "list_modules": lambda e: list_again(e, 0, 0),
    "listing_notes": lambda e: e.index.listing_notes(),
    "may_introduce": lambda e: e.index.may_introduce(
        _module(e), e.version.glossary.terms[0], "use"
    ),
    "module_at": lambda e: e.index.module_at(e.root / NAMES[0]),
    "module_by_id": lambda e: e.index.module_by_id("01-tokens"),
    "modules": lambda e: e.index.modules(),
    "occurrences": lambda e: e.index.occurrences(e.version.glossary.terms[0]),
    "occurrences_in": lambda e: e.index.occurrences_in(_module(e), e.version.glossary.terms[0]),
    "pending_terms": lambda e: e.index.pending_terms(),
    "rebuild": lambda e: order_by_readme(e, 0, 0),
    "record_terms": lambda e: record_terms(e, 0, 2),
    "refresh": lambda e: write_with_event(e, 3, 1),
    "remembers_spans_of": lambda e: e.index.remembers_spans_of(e.root / NAMES[0]),
    "remove": lambda e: e.index.remove(e.root / NAMES[4]),
    "replica": lambda e: e.index.replica({}),
    "scan": lambda e: e.index.scan(),
    "set_matcher": lambda e: new_glossary(e, 0, 1),
    "skipped_folders": lambda e: e.index.skipped_folders(),
    "structures": lambda e: e.index.structures(),
    "take_modules": lambda e: e.index.give_modules(e.index.take_modules()),
    "terms_of": lambda e: e.index.terms_of(e.root / NAMES[0]),
    "text_version": lambda e: e.index.text_version(e.root / NAMES[0]),
    "update": lambda e: open_document(e, 1, 2),
    "view": lambda e: e.index.view(_module(e)),
    "walk": lambda e: e.index.walk(),
}


# what a call needs done before it (not counted as its change)
SETUP: dict[str, Operation] = {"adopt_terms": unindex, "index_terms": unindex}


def public_methods() -> list[str]:
    return sorted(
        name
        for name, member in inspect.getmembers(WorkspaceIndex, inspect.isfunction)
        if not name.startswith("_")
    )


def test_every_public_method_of_the_index_is_called_here() -> None:
    assert public_methods() == sorted(CALLS), "add the new method to CALLS"


def fingerprint(index: WorkspaceIndex) -> object:
    """What answers are read from: the modules as described and indexed, the courses' order,
    the matcher, the texts the index keeps."""
    modules = {
        path: (
            id(module),
            module.id,
            module.title,
            module.terms_known,
            module.terms,
            module.defines,
            module.headings,
            module.plain,
            module.firsts.keys if module.firsts is not None else None,
            module.terms_stamp,
        )
        for path, module in index._modules.items()
    }
    courses = [
        (course.language, [id(module) for module in course.modules])
        for course in (index._main, *index._courses.values())
        if course is not None
    ]
    return modules, courses, id(index.matcher), dict(index._open)


def test_a_method_that_changes_what_answers_are_read_from_bumps_the_counter(
    tmp_path: Path,
) -> None:
    e = editor(tmp_path)
    open_document(e, 0, 0)
    e.check()
    for name in sorted(CALLS):
        SETUP.get(name, settle)(e, 0, 1)
        e.check()
        before, changes = fingerprint(e.index), e.index.changes
        CALLS[name](e)
        if fingerprint(e.index) != before:
            assert e.index.changes > changes, f"{name} changed the index without a bump"
        e.check()


# an operation that the counter alone reports (the others also change the course's object,
# the matcher or a text the answer read), what must be done before it, and to which module
# (the operation's, or the next one)
COUNTED: tuple[tuple[Operation, Operation | None, int], ...] = (
    (open_document, None, 0),
    (write_with_event, open_document, 1),
    (close_document, open_document, 0),
    (unindex, None, 0),
    (adopt_one, unindex, 0),
    (index_the_rest, unindex, 0),
    (record_terms, None, 0),
)


@pytest.mark.parametrize(
    ("operation", "before", "shift"), COUNTED, ids=[counted[0].__name__ for counted in COUNTED]
)
def test_the_check_notices_an_operation_that_forgets_to_count(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    operation: Operation,
    before: Operation | None,
    shift: int,
) -> None:
    """The checks above have teeth: with the counter silenced, some answer goes stale."""
    for number in range(len(NAMES) * len(TEXTS)):
        module, text = number % len(NAMES), number // len(NAMES)
        e = editor(tmp_path / str(number))
        if before is not None:
            before(e, (module + shift) % len(NAMES), (text + 1) % len(TEXTS))
        e.check()
        with monkeypatch.context() as silenced:
            silenced.setattr(WorkspaceIndex, "_changed", lambda self: None)
            operation(e, module, text)
        try:
            e.check()
        except AssertionError:
            return
    pytest.fail(f"no answer went stale after {operation.__name__} without a change counted")


def test_rebinding_what_answers_are_read_from_is_a_change(tmp_path: Path) -> None:
    """A glossary reload rebinds the index's matcher (`Session.reload_glossary`)."""
    e = editor(tmp_path)
    for name, value in (("matcher", e.versions[1].matcher), ("open_source", {}.get)):
        changes = e.index.changes
        setattr(e.index, name, value)
        assert e.index.changes > changes, name
    changes = e.index.changes
    e.index.cache_size = 8  # what is kept, not what is answered
    assert e.index.changes == changes


def test_few_answers_holding_a_module_view_are_remembered(tmp_path: Path) -> None:
    """An occurrence holds its module's view: beyond the index's own views, only a few."""
    e = editor(tmp_path)
    e.check()
    located = remembered(e.index, "introductions located")
    assert located and all(key[2] is True for key in located)
    assert all(key[2] is not True for key in remembered(e.index, "introductions"))
    for number in range(1000):
        remember(e.index, "introductions located", number, None, 256)
    assert 0 < len(located) <= 256

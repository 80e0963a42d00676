"""While the course is indexed, a term's introduction searches the modules not indexed yet; that
answer is remembered while the index and the editor's texts are unchanged (issue 17: hover at
10,000 acronyms over 840 modules searched every unindexed module for every request, 2.4 ms).
An open source that tells the generation of the editor's texts (`EditorTexts`, the session's)
makes answers rememberable; every answer stays the one a fresh search gives."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lsprotocol import types
from test_remembered_introductions import (
    NAMES,
    OPERATIONS,
    TEXTS,
    Editor,
    Operation,
    Step,
    adopt_one,
    editor,
    fresh,
    in_turn,
    open_document,
    steps_of,
    summary,
    take_steps,
    unindex,
)

from glossary_lsp.course import introduction
from glossary_lsp.course.introduction import editor_texts, find_introduction
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.lsp.documents import OpenDocuments
from glossary_lsp.lsp.session import EditorTexts


class CountedTexts(dict):
    """The editor's open texts, counting every change (as `EditorTexts` counts snapshots)."""

    count = 0

    def __setitem__(self, key: object, value: object) -> None:
        self.count += 1
        super().__setitem__(key, value)

    def pop(self, key: object, *default: object) -> object:
        self.count += 1
        return super().pop(key, *default)


@dataclass
class TellingSource:
    texts: CountedTexts = field(default_factory=CountedTexts)

    def __call__(self, path: Path) -> str | None:
        return self.texts.get(path)

    def generation(self) -> int:
        return self.texts.count


def telling_editor(root: Path) -> Editor:
    """`test_remembered_introductions.editor` whose open source tells its generation."""
    e = editor(root)
    source = TellingSource()
    e.open = source.texts
    e.index.open_source = source
    e.index.index_terms()
    return e


def open_untold(e: Editor, module: int, text: int) -> None:
    """The session's `didOpen`: the editor's text is there at once, the index is told only
    when the document settles (`settle`)."""
    e.open[e.root / NAMES[module]] = TEXTS[text] + "\nOpened before it settles.\n"


TELLING_OPERATIONS: tuple[Operation, ...] = (*OPERATIONS, open_untold, unindex, unindex)


def test_each_operation_in_turn_leaves_no_stale_answer(tmp_path: Path) -> None:
    take_steps(telling_editor(tmp_path), in_turn(TELLING_OPERATIONS))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps_of(TELLING_OPERATIONS))
def test_any_operations_leave_no_stale_answer(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        take_steps(telling_editor(Path(folder)), steps)


def _searches(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    searched: list[object] = []
    real = introduction._find
    monkeypatch.setattr(introduction, "_find", lambda *a: searched.append(a) or real(*a))
    return searched


def test_an_answer_over_unindexed_modules_is_remembered_until_a_text_or_the_index_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = telling_editor(tmp_path)
    unindex(e, 0, 0)  # a new glossary version: nothing indexed, the course pass to come
    term = e.version.glossary.lookup("TTFT")
    assert term is not None
    first = find_introduction(e.index, term)
    searched = _searches(monkeypatch)
    assert find_introduction(e.index, term) is first
    assert not searched
    open_untold(e, 4, 6)  # another module opened, with its own text
    again = find_introduction(e.index, term)
    assert len(searched) == 1
    assert find_introduction(e.index, term) is again
    assert summary(again) == summary(fresh(e.index, term, True, False))  # a search too
    adopt_one(e, 0, 0)  # the course pass indexed one module
    find_introduction(e.index, term)
    assert len(searched) == 3


def test_without_a_generation_an_unindexed_answer_is_found_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = editor(tmp_path)  # its open source is a plain look-up
    unindex(e, 0, 0)
    assert editor_texts(e.index) is None
    term = e.version.glossary.lookup("TTFT")
    assert term is not None
    find_introduction(e.index, term)
    searched = _searches(monkeypatch)
    find_introduction(e.index, term)
    assert len(searched) == 1


def test_the_sessions_open_source_counts_each_open_edit_and_close(tmp_path: Path) -> None:
    documents = OpenDocuments()
    texts = EditorTexts(documents)
    path = tmp_path / "01-a.md"
    uri = path.as_uri()
    seen = [texts.generation()]
    assert texts.generation() == seen[-1]  # nothing changed
    documents.open_text(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="# A\n")
    )
    seen.append(texts.generation())
    assert texts(path) == "# A\n"
    change = types.TextDocumentContentChangeWholeDocument(text="# B\n")
    documents.change_text(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri), [change], "utf-16"
    )
    seen.append(texts.generation())
    documents.close_text(uri)
    seen.append(texts.generation())
    assert texts(path) is None
    assert len(set(seen)) == len(seen)
    index = WorkspaceIndex([tmp_path], open_source=texts)
    assert editor_texts(index) == texts.generation()


def test_the_index_asks_every_unindexed_module_only_once_while_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = telling_editor(tmp_path)
    open_document(e, 1, 1)
    unindex(e, 0, 0)
    term = e.version.glossary.lookup("KV cache")
    assert term is not None
    find_introduction(e.index, term)
    asked: list[object] = []
    real = WorkspaceIndex.may_introduce
    monkeypatch.setattr(
        WorkspaceIndex, "may_introduce", lambda self, *a: asked.append(a) or real(self, *a)
    )
    for _ in range(5):
        find_introduction(e.index, term)
    assert not asked

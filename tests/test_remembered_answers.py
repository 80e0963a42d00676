"""Answers remembered for the request path (issue 13: hover within 1.2× of the bare pygls
floor): the term at an offset and the converted hover per document view, the hover's text per
introduction. The oracle: every answer is the one computed afresh from the text the editor has
now, whatever was asked before."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
from course_helpers import build, notebook, write_course
from lsprotocol import types

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features import hover as hover_feature
from glossary_lsp.features.base import GlossaryVersion, TermAt, term_at
from glossary_lsp.features.hover import hover
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.lsp import convert, requests
from glossary_lsp.lsp.requests import RememberedAnswers
from glossary_lsp.lsp.session import Session
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.views import DocumentView

GLOSSARY = """\
version: 1
terms:
  - term: KV cache
    expansion: key-value cache
  - term: TTFT
    expansion: time to first token
  - term: Beam search
  - term: BPE
    expansion: Byte-Pair Encoding
"""
OTHER_GLOSSARY = GLOSSARY.replace("  - term: Beam search\n", "  - term: search\n")
TEXT = (
    "# Serving\n\nThe KV cache (key-value cache) grows. TTFT matters; Beam search too.\n\n"
    "A {term}`BPE` role, then KV-cache and Beam searches.\n"
)
URI = "file:///course/01-serving.md"


def version_of(text: str) -> GlossaryVersion:
    return GlossaryVersion.build(load_glossary_text(text, "glossary.yaml"))


def said(found: TermAt | None) -> object:
    """What a found term says: its span of the text and the term's name."""
    if found is None:
        return None
    return (found.region.index, found.match.start, found.match.end, found.match.term.term)


def every_offset(view: DocumentView) -> range:
    return range(len(view.source) + 2)


def test_a_remembered_term_is_the_one_found_afresh_at_every_offset() -> None:
    remembered = RememberedAnswers()
    versions = [version_of(GLOSSARY), version_of(OTHER_GLOSSARY)]
    views = [
        view_document("01-serving.md", TEXT),
        view_document("02.ipynb", notebook(("markdown", TEXT), ("code", "x = 1"))),
    ]
    for version in (*versions, versions[0]):  # a glossary reload, and back
        for view in views:
            for _ in range(2):  # asked, then answered from memory
                for offset in every_offset(view):
                    expected = said(term_at(version, view, offset))
                    assert said(remembered.term_at(version, view, offset)) == expected, offset


def test_a_views_answers_go_with_the_view() -> None:
    remembered = RememberedAnswers()
    version = version_of(GLOSSARY)
    view = view_document("01-serving.md", TEXT)
    assert remembered.term_at(version, view, TEXT.index("TTFT")) is not None
    assert remembered._views
    del view
    gc.collect()
    assert not remembered._views


def test_a_full_view_store_starts_again() -> None:
    remembered = RememberedAnswers()
    version = version_of(GLOSSARY)
    views = [view_document(f"{n}.md", TEXT) for n in range(RememberedAnswers.VIEWS + 3)]
    for view in views:
        remembered.term_at(version, view, 12)
    assert len(remembered._views) <= RememberedAnswers.VIEWS
    view = views[0]
    for offset in range(RememberedAnswers.ANSWERS_PER_VIEW + 5):
        assert said(remembered.term_at(version, view, offset % len(TEXT))) == said(
            term_at(version, view, offset % len(TEXT))
        )


# -- through the LSP edge: an open document edited between requests -------------------------


def session_with_glossary() -> Session:
    session = Session()
    session.glossary = version_of(GLOSSARY)
    session.index.set_matcher(session.glossary.matcher)
    session.indexed.set()
    session.listed.set()
    return session


def edit(session: Session, version: int, line: int, start: int, end: int, text: str) -> None:
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, start), types.Position(line, end)), text=text
    )
    document = types.VersionedTextDocumentIdentifier(version=version, uri=URI)
    session.documents.change_text(document, [change], session.client.codec)


def hovered(session: Session, line: int, character: int) -> tuple[str, str] | None:
    """The hovered term's name (the first bold words) and the text its range covers."""
    params = types.HoverParams(types.TextDocumentIdentifier(URI), types.Position(line, character))
    answer = asyncio.run(requests.hover(session, params))
    if answer is None:
        return None
    assert isinstance(answer.contents, types.MarkupContent) and answer.range is not None
    text = session.documents.current().text(URI)
    assert text is not None
    lines = text.text.split("\n")
    start, end = answer.range.start, answer.range.end
    assert start.line == end.line
    covered = lines[start.line][start.character : end.character]
    return answer.contents.value.split("**")[1], covered


def defined(session: Session, line: int, character: int) -> types.Range | None:
    params = types.DefinitionParams(
        types.TextDocumentIdentifier(URI), types.Position(line, character)
    )
    answer = asyncio.run(requests.definition(session, params))
    return answer.range if isinstance(answer, types.Location) else None


def test_an_edited_document_is_answered_from_its_new_text() -> None:
    session = session_with_glossary()
    try:
        session.documents.open_text(types.TextDocumentItem(URI, "markdown", 1, TEXT))
        column = TEXT.split("\n")[2].index("TTFT")
        assert hovered(session, 2, column) == ("TTFT", "TTFT")
        assert hovered(session, 2, column) == ("TTFT", "TTFT")  # remembered
        edit(session, 2, 2, column, column, "BPE, ")  # the same position now holds BPE
        assert hovered(session, 2, column) == ("BPE", "BPE")
        assert hovered(session, 2, column + 5) == ("TTFT", "TTFT")
        edit(session, 3, 2, column, column + 5, "")  # and back to the first text
        assert hovered(session, 2, column) == ("TTFT", "TTFT")
        edit(session, 4, 2, column, column + 4, "none")
        assert hovered(session, 2, column) is None
        assert defined(session, 2, column) is None
    finally:
        session.close()


def test_a_glossary_reload_is_answered_from_the_new_glossary() -> None:
    session = session_with_glossary()
    try:
        session.documents.open_text(types.TextDocumentItem(URI, "markdown", 1, TEXT))
        column = TEXT.split("\n")[2].index("Beam search")
        assert hovered(session, 2, column + 6) == ("Beam search", "Beam search")
        session.glossary = version_of(OTHER_GLOSSARY)
        session.index.set_matcher(session.glossary.matcher)
        assert hovered(session, 2, column + 6) == ("search", "search")
        assert hovered(session, 2, column) is None
    finally:
        session.close()


def test_a_remembered_hover_is_the_one_converted_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    session = session_with_glossary()
    try:
        session.documents.open_text(types.TextDocumentItem(URI, "markdown", 1, TEXT))
        lines = TEXT.split("\n")
        positions = [(n, c) for n, line in enumerate(lines) for c in range(len(line) + 1)]
        first = [hovered(session, *position) for position in positions]
        converted: list[object] = []
        real = convert.hover
        monkeypatch.setattr(convert, "hover", lambda *a: converted.append(a) or real(*a))
        assert [hovered(session, *position) for position in positions] == first
        assert not converted  # all remembered
        requests.REMEMBERED.forget()
        assert [hovered(session, *position) for position in positions] == first
        assert converted
    finally:
        session.close()


# -- the hover's text, remembered per introduction -------------------------------------------

MODULES = {
    "01-basics.md": "# Basics\n\nThe KV cache (key-value cache) is defined here. KV cache again.\n",
    "02-serving.md": "# Serving\n\nKV cache later. TTFT (time to first token) here. Beam search.\n",
    "03-search.md": "# Beam search\n\nBeam search keeps a few outputs. TTFT too.\n",
}


def check_hovers(version: GlossaryVersion, index: WorkspaceIndex, root: Path) -> None:
    """Every offset of every module: the hover remembered is the one computed with nothing
    remembered (the texts as the index reads them now: open, else on disk)."""
    for path in sorted(root.glob("*.md")):
        source = index.text_version(path)
        text = source if isinstance(source, str) else path.read_text(encoding="utf-8")
        view = view_document(path.name, text)
        for offset in range(len(text) + 1):
            answer = hover(version, view, offset, index, path)
            remembered, index.derived = index.derived, {}
            try:
                assert answer == hover(version, view, offset, index, path), (path.name, offset)
            finally:
                index.derived = remembered


def test_a_remembered_hover_text_is_the_one_written_afresh(tmp_path: Path) -> None:
    root = write_course(tmp_path, MODULES, GLOSSARY)
    version, index = build(root)
    opened: dict[Path, str] = {}
    index.open_source = opened.get
    check_hovers(version, index, root)
    check_hovers(version, index, root)  # now from memory
    serving = root / "02-serving.md"
    # the editor's text, before the index hears of it: KV cache defined before module 01 does
    opened[serving] = (
        "# Serving\n\nThe KV cache (key-value cache) first. TTFT (time to first token).\n"
    )
    check_hovers(version, index, root)
    index.update(serving, opened[serving])
    check_hovers(version, index, root)
    (root / "01-basics.md").write_text("# Basics\n\nNothing here.\n", encoding="utf-8")
    check_hovers(version, index, root)  # written on disk without an event
    index.refresh(root / "01-basics.md")
    check_hovers(version, index, root)
    other = version_of(OTHER_GLOSSARY)
    index.set_matcher(other.matcher)
    check_hovers(other, index, root)


def test_a_hover_text_is_written_once_while_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_course(tmp_path, MODULES, GLOSSARY)
    version, index = build(root)
    path = root / "02-serving.md"
    view = view_document(path.name, MODULES[path.name])
    offset = MODULES[path.name].index("KV cache")
    first = hover(version, view, offset, index, path)
    written: list[object] = []
    real = hover_feature.describe_term
    monkeypatch.setattr(hover_feature, "describe_term", lambda *a: written.append(a) or real(*a))
    assert hover(version, view, offset, index, path) == first
    assert not written
    monkeypatch.setattr(hover_feature, "STALE_TERMS_TRUSTED_FROM", 10)  # every text "huge"
    index.derived = {}
    for _ in range(2):
        assert hover(version, view, offset, index, path) == first
    assert len(written) == 2  # an introduction holding a huge text is not kept

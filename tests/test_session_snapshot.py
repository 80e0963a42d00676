"""Snapshots share what did not change and see every change: the store's files (paths,
problems, notes, sources) are one object, rebuilt only after the store changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from course_helpers import session_on
from lsprotocol import types

from glossary_lsp.lsp.session import Session

GLOSSARY = "version: 1\nterms:\n  - term: HBM\n    expansion: High Bandwidth Memory\n"
SOURCE = "# Sources\n\n*[ZQXW]: Zebra Quartz Xylophone Walk\n"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "01-intro.md").write_text("# Intro\n\nHBM.\n", encoding="utf-8")
    session = session_on(tmp_path)
    yield session
    session.close()


def file_event(session: Session, path: Path) -> None:
    """What a saved, created or deleted file does to the glossaries (`lifecycle`)."""
    if session.affects_glossary(path):
        session.reload_glossary()


def test_two_snapshots_with_nothing_changed_between_share_the_store_files(session):
    first, second = session.snapshot(), session.snapshot()
    assert first.files is second.files
    assert first is second  # nothing of it was replaced: the same immutable snapshot
    session.documents.open_text(types.TextDocumentItem("file:///x.md", "markdown", 1, "x"))
    opened = session.snapshot()
    assert opened is not first and opened.files is first.files  # documents are not the store's
    session.roots = [*session.roots, Path("/elsewhere")]
    assert session.snapshot().roots == (*first.roots, Path("/elsewhere"))


def test_a_snapshot_after_each_change_sees_it(session, tmp_path):
    glossary = (tmp_path / "glossary.yaml").resolve()
    before = session.snapshot()
    assert glossary in before.glossary_paths and not before.load_problems

    glossary.write_text(GLOSSARY + "  - term: KV cache\n", encoding="utf-8")
    file_event(session, glossary)  # a valid reload
    valid = session.snapshot()
    assert valid.glossary.glossary.lookup("KV cache") is not None
    assert valid.glossary.number > before.glossary.number

    glossary.write_text("version: 1\nterms: [\n", encoding="utf-8")
    file_event(session, glossary)  # a broken one: the last good version serves, with problems
    broken = session.snapshot()
    assert broken.files is not valid.files
    assert glossary in broken.load_problems
    assert broken.glossary is valid.glossary
    assert not valid.load_problems  # the earlier snapshot is unchanged

    glossary.write_text(GLOSSARY, encoding="utf-8")
    file_event(session, glossary)
    assert not session.snapshot().load_problems

    source = (tmp_path / "abbreviations.md").resolve()
    source.write_text(SOURCE, encoding="utf-8")
    file_event(session, source)  # a file event adds a glossary source
    added = session.snapshot()
    assert source in added.glossary_sources and source in added.glossary_paths
    assert added.glossary.glossary.lookup("ZQXW") is not None

    session.take_settings({"sources": {"abbr": False}})  # a settings change
    unread = session.snapshot()
    assert "abbr" not in unread.settings.source_kinds
    assert source not in unread.glossary_sources
    session.take_settings({})
    session.reload_glossary()
    assert source in session.snapshot().glossary_sources

    source.unlink()
    file_event(session, source)  # a file event removes a source
    removed = session.snapshot()
    assert source not in removed.glossary_sources and source not in removed.glossary_paths
    assert removed.glossary.glossary.lookup("ZQXW") is None
    assert source in added.glossary_sources

    extra = tmp_path / "extra.yaml"
    extra.write_text("version: 1\nterms:\n  - term: NCCL\n", encoding="utf-8")
    session.take_settings({"glossaries": [str(extra)]})
    session.reload_glossary()
    configured = session.snapshot()
    assert configured.settings.glossaries == (str(extra),)
    assert extra.resolve() in configured.glossary_paths

    session.session_ignore = session.session_ignore | {"hbm"}
    assert "hbm" in session.snapshot().session_ignore
    assert "hbm" not in configured.session_ignore


def test_a_snapshot_sees_each_open_edit_and_close(session, tmp_path):
    uri = (tmp_path / "01-intro.md").as_uri()
    session.documents.open_text(types.TextDocumentItem(uri, "markdown", 1, "# Intro\n"))
    opened = session.snapshot()
    assert opened.version_of(uri) == 1
    change = types.TextDocumentContentChangeWholeDocument(text="# Intro\n\nEdited.\n")
    identifier = types.VersionedTextDocumentIdentifier(uri=uri, version=2)
    session.documents.change_text(identifier, [change], "utf-16")
    edited = session.snapshot()
    assert edited.version_of(uri) == 2
    assert edited.read_text(tmp_path / "01-intro.md") == "# Intro\n\nEdited.\n"
    session.documents.close_text(uri)
    closed = session.snapshot()
    assert closed.version_of(uri) is None
    assert opened.version_of(uri) == 1 and edited.version_of(uri) == 2


def test_the_store_version_grows_when_only_problems_change(tmp_path):
    from glossary_lsp.glossary.store import GlossaryStore

    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    store = GlossaryStore()
    store.configure([path])
    store.reload()
    before = store.version
    path.write_text("version: 1\nterms: [\n", encoding="utf-8")
    assert store.reload() is False  # the glossary did not change, its problems did
    assert path in store.problems and store.version > before

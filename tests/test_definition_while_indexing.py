"""A definition while the course is indexed must search every module not indexed yet (a jump
cannot be an answer "so far"): with more of them than a hover searches, that search runs on
the request thread, and the event loop answers other requests meanwhile (840 modules: 0.4-1.4 s
on the loop). Its answer is the one the indexed course gives."""

from __future__ import annotations

import asyncio
from pathlib import Path

from course_helpers import session_on, write_course
from lsprotocol import types

from glossary_lsp.lsp import requests
from glossary_lsp.lsp.session import Session

GLOSSARY = "version: 1\nterms:\n  - term: KV cache\n    expansion: key-value cache\n"
TEXT = "We grow the KV cache.\n"


def course_session(root: Path, modules: int) -> Session:
    files = {f"{n:02d}-m.md": f"# M{n}\n\nNothing here {n}.\n" for n in range(1, modules)}
    files[f"{modules:02d}-m.md"] = "# Last\n\nThe KV cache (key-value cache) is introduced here.\n"
    write_course(root, files, GLOSSARY)
    session = session_on(root, {"includeBundled": False})
    session.index.list_modules()  # listed, no module indexed yet
    session.indexed.set()
    session.listed.set()
    return session


def define(session: Session, uri: str) -> types.Location | None:
    session.documents.open_text(types.TextDocumentItem(uri, "markdown", 1, TEXT))
    params = types.DefinitionParams(types.TextDocumentIdentifier(uri), types.Position(0, 13))
    return asyncio.run(requests.definition(session, params))


def spy_on_request_thread(session: Session) -> list:
    ran: list = []
    run = session.run_for_request

    async def recorded(work, *args):  # noqa: ANN001, ANN202
        ran.append(work.__name__)
        return await run(work, *args)

    session.run_for_request = recorded  # type: ignore[method-assign]
    return ran


def test_a_definition_searches_many_unindexed_modules_off_the_event_loop(tmp_path):
    root = tmp_path / "course"
    session = course_session(root, modules=requests.HOVER_BUDGET.modules + 4)
    try:
        ran = spy_on_request_thread(session)
        uri = (tmp_path / "elsewhere.md").as_uri()
        while_indexing = define(session, uri)
        assert "introduction" in ran
        assert while_indexing is not None and while_indexing.uri.endswith("20-m.md")

        session.index.index_terms()
        ran.clear()
        indexed = define(session, uri)
        assert ran == [] and indexed == while_indexing  # on the loop: nothing left to search
    finally:
        session.close()


def test_a_definition_with_few_modules_unindexed_answers_on_the_loop(tmp_path):
    session = course_session(tmp_path / "course", modules=3)
    try:
        ran = spy_on_request_thread(session)
        found = define(session, (tmp_path / "elsewhere.md").as_uri())
        assert ran == [] and found is not None and found.uri.endswith("03-m.md")
    finally:
        session.close()

"""New settings (or workspace folders) bring a new index, unlisted until its own listing. A hover
in between used to be answered from it as from a listed course: no module introduces the term
there, so the hover left out where the course introduces it without saying it could not tell.
Now a hover waits for the listing, and one that cannot wait says the place is not known yet."""

from __future__ import annotations

import asyncio
from pathlib import Path

from course_helpers import session_on
from lsp_helpers import copy_course
from lsprotocol import types

from glossary_lsp.features.hover import NOT_KNOWN_YET
from glossary_lsp.lsp import requests
from glossary_lsp.lsp.session import Session

TEXT = "We shard with Reduce-scatter here.\n"


def listed_session(course: Path) -> Session:
    """A session on `course` as `initialized` leaves it: settings taken, the course listed."""
    session = session_on(course)
    session.index.list_modules()
    session.indexed.set()
    session.listed.set()
    return session


def hover_value(session: Session, uri: str) -> str | None:
    params = types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 16))
    answer = asyncio.run(requests.hover(session, params))
    return answer.contents.value if answer is not None else None


async def no_wait(session: Session) -> None:
    """A hover that waited its limit (the listing of a home folder may take that long)."""


def open_scratch(session: Session, course: Path) -> str:
    uri = (course / "scratch.md").as_uri()
    session.documents.open_text(types.TextDocumentItem(uri, "markdown", 1, TEXT))
    return uri


def test_a_hover_before_the_new_index_is_listed_says_the_place_is_not_known(tmp_path, monkeypatch):
    course = copy_course(tmp_path)
    session = listed_session(course)
    monkeypatch.setattr(requests, "wait_for_index", no_wait)
    try:
        uri = open_scratch(session, course)
        listed = hover_value(session, uri)
        assert listed is not None and "Distributed" in listed  # 05-distributed-training

        session.take_settings({"modules": {"exclude": ["**/06-*"]}})  # a new index, unlisted
        unlisted = hover_value(session, uri)
        assert unlisted is not None and NOT_KNOWN_YET in unlisted
    finally:
        session.close()


def test_a_hover_waits_for_the_new_index_to_be_listed(tmp_path):
    course = copy_course(tmp_path)
    session = listed_session(course)
    try:
        uri = open_scratch(session, course)
        session.take_settings({"modules": {"exclude": ["**/06-*"]}})

        async def list_soon() -> str | None:
            loop = asyncio.get_running_loop()
            loop.call_later(0.05, session.index.list_modules)
            loop.call_later(0.06, session.listed.set)
            params = types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 16))
            answer = await requests.hover(session, params)
            return answer.contents.value if answer is not None else None

        value = asyncio.run(list_soon())
        assert value is not None and "Distributed" in value and NOT_KNOWN_YET not in value
    finally:
        session.close()

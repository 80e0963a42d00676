"""The server's collector is tuned for short pauses once a session starts (issue 17): the
CLI's thresholds suit a glossary's burst of objects, not requests waiting behind a young
collection of a large module's analysis."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from lsprotocol import types

from glossary_lsp.cli import COLLECTOR_THRESHOLDS
from glossary_lsp.lsp import lifecycle
from glossary_lsp.lsp.session import SERVING_COLLECTOR_THRESHOLDS, Session


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*before)


@pytest.mark.usefixtures("thresholds")
def test_initialize_sets_the_serving_thresholds() -> None:
    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # as `glossary-lsp` starts every command
    ls = SimpleNamespace(
        session=Session(),
        workspace=SimpleNamespace(position_encoding="utf-16"),
        shown_messages=set(),
    )
    params = types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=None)
    lifecycle.initialize(ls, params)  # type: ignore[arg-type]
    assert gc.get_threshold() == SERVING_COLLECTOR_THRESHOLDS
    assert gc.isenabled()

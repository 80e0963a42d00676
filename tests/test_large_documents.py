"""Large documents: a superseded analysis stops between chunks of prose; a view is shared by
source, and let go with its document."""

from __future__ import annotations

import gc
import weakref

import pytest

from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import analyse_view
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.lsp.diagnostics import Superseded, cancellable
from glossary_lsp.text.documents import view_document

GLOSSARY = """\
version: 1
terms:
  - term: KV cache
    definition: Keys and values kept between decoding steps.
"""
PARAGRAPH = "The KV cache grows with every token of the prompt.\n\n"


def test_a_superseded_analysis_stops_between_chunks_of_prose() -> None:
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, "glossary.yaml"))
    view = view_document("file:///c/01.md", "# Title\n\n" + PARAGRAPH * 1000, "markdown")
    checks = []

    def superseded() -> bool:
        checks.append(1)
        return len(checks) > 3  # the document moves on while the analysis runs

    with pytest.raises(Superseded):
        analyse_view(version, cancellable(view, superseded))
    assert len(checks) == 4
    whole = analyse_view(version, cancellable(view, lambda: False))  # not superseded: the same
    assert whole.first_use.keys() == analyse_view(version, view).first_use.keys()


def test_views_are_shared_by_source_and_let_go_with_it() -> None:
    text = "# Title\n\n" + PARAGRAPH * 10
    view = view_document("file:///c/01.md", text, "markdown")
    assert view_document("/c/01.md", text) is view  # the index's view of the same text
    alive = weakref.ref(view)
    del view
    gc.collect()
    assert alive() is None  # the shared views keep no closed document's view alive

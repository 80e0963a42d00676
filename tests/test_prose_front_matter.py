"""Policy: front matter only at the very top, never after `---` and a blank line."""

from __future__ import annotations

from prose_helpers import words_of

from glossary_lsp.text.documents import view_document


def test_front_matter_at_the_top_is_not_prose() -> None:
    text = "---\ntitle: RLHF\norder: 2\n---\n# PPO\n"
    view = view_document("m.md", text)
    assert view.front_matter == {"title": "RLHF", "order": 2}
    assert words_of(text) == ["PPO"]


def test_a_note_box_framed_by_rules_is_markdown() -> None:
    for text in ("---\n\nFSDP shards the model.\n\n---\n", "---\nFSDP shards the model.\n---\n"):
        assert view_document("m.md", text).front_matter == {}
        assert "FSDP" in words_of(text), text


def test_front_matter_lower_down_is_markdown() -> None:
    text = "# Intro\n\n---\ntitle: x\n---\n"
    assert view_document("m.md", text).front_matter == {}
    assert "title:" in words_of(text)


def test_front_matter_of_a_notebook_is_its_first_cell_only() -> None:
    source = (
        '{"cells": [{"cell_type": "markdown", "source": "# A"}, '
        '{"cell_type": "markdown", "source": "---\\ntitle: B\\n---\\nRLHF"}], "nbformat": 4}'
    )
    view = view_document("nb.ipynb", source)
    assert view.front_matter == {}
    second = view.regions[1]
    assert "title" in "".join(second.text[a:b] for a, b in second.prose)

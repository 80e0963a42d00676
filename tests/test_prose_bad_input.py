"""Bad input: a clear error in the view (shown as a diagnostic), never a crash or a stall."""

from __future__ import annotations

import json

import pytest

from glossary_lsp.text import documents
from glossary_lsp.text.documents import read_document, view_document


def test_binary_junk_as_markdown_is_an_error() -> None:
    junk = bytes(range(256)).decode("latin-1") * 40
    view = view_document("junk.md", junk)
    assert view.regions == [] and "binary" in view.error


def test_nul_bytes_later_in_markdown_are_read() -> None:
    text = "FSDP text\n" * 1000 + "a\x00b RLHF\n"
    (region,) = view_document("m.md", text).regions
    assert region.text[region.prose[-1][0] : region.prose[-1][1]].endswith("RLHF")


def test_lone_surrogates_in_notebook_json_keep_offsets() -> None:
    cell = '{"cell_type": "markdown", "source": ["a \\ud800 FSDP\\n", "\\udfff RLHF"]}'
    source = '{"cells": [' + cell + "]}"
    view = view_document("nb.ipynb", source)
    (region,) = view.regions
    assert region.text == "a \ud800 FSDP\n\udfff RLHF"
    words = [region.text[a:b] for a, b in region.prose]
    assert "FSDP" in "".join(words) and "RLHF" in "".join(words)
    fsdp = region.text.index("FSDP")
    assert source[region.to_source(fsdp) : region.to_source(fsdp + 4)] == "FSDP"


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_crlf_and_lone_cr(line_end: str) -> None:
    text = line_end.join(["# RLHF 🚀", "", "```", "FSDP", "```", "PPO text", ""])
    (region,) = view_document("m.md", text).regions
    words = [text[a:b] for a, b in region.prose]
    assert words == ["RLHF 🚀", "PPO text"]


def test_a_huge_markdown_document_is_refused_with_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(documents, "MAX_DOCUMENT_CHARS", 1000)
    view = view_document("big.md", "FSDP " * 1000)
    assert view.regions == [] and "over the 1,000 character limit" in view.error


def test_a_50_mb_file_is_not_read(tmp_path) -> None:
    path = tmp_path / "big.md"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    text, problem = read_document(path)
    assert text is None and "over the" in problem


def test_read_document_strips_a_bom_and_reports_bad_utf8(tmp_path) -> None:
    good = tmp_path / "bom.md"
    good.write_bytes("\ufeff# RLHF".encode())
    assert read_document(good) == ("# RLHF", None)
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"line one\nline \xff two\n")
    text, problem = read_document(bad)
    assert text == "line one\nline \ufffd two\n" and problem == "line 2: invalid UTF-8"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ('[{"cell_type": "markdown", "source": 42}]', 'cell 1: its "source" is not a string'),
        ('[{"cell_type": "markdown", "source": ["a", 1]}]', "cell 1:"),
        ('[{"cell_type": "markdown", "source": "ok"}, "text"]', "cell 2: not an object"),
        ('[{"cell_type": "code", "source": {"a": "b"}}]', "cell 1:"),
    ],
)
def test_cells_whose_text_is_not_strings_are_a_clear_error(cells: str, message: str) -> None:
    source = '{\n "nbformat": 4,\n "cells": ' + cells + "\n}"
    view = view_document("nb.ipynb", source)
    assert view.regions == []
    assert view.error.startswith("line 3: ") and message in view.error


def test_worksheets_that_are_not_lists_are_not_a_notebook() -> None:
    view = view_document("nb.ipynb", json.dumps({"worksheets": 3, "nbformat": 3}))
    assert view.regions == [] and "not a Jupyter notebook" in view.error

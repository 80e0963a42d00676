"""Document synchronisation to the letter of the spec, in every position encoding (F3, F4)."""

from __future__ import annotations

import pytest
from lsp_helpers import units
from lsprotocol import types

from glossary_lsp.lsp.documents import OpenDocuments
from glossary_lsp.lsp.positions import codec_for
from glossary_lsp.lsp.sync import apply_change, apply_changes

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
# characters `str.splitlines()` breaks at and LSP does not
NOT_LINE_BREAKS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]


def edit(line: int, character: int, end_line: int, end_character: int, text: str):
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, character), types.Position(end_line, end_character)),
        text=text,
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("separator", NOT_LINE_BREAKS)
def test_only_lsp_line_breaks_break_lines(encoding, separator):
    text = f"first{separator}still first\nsecond 😀 FSDP\n"
    column = units("second 😀 ", encoding)
    changed = apply_change(text, edit(1, column, 1, column, "the "), codec_for(encoding))
    assert changed == f"first{separator}still first\nsecond 😀 the FSDP\n"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
def test_a_column_past_the_end_of_a_line_means_its_end(encoding, line_break):
    text = f"one 😀{line_break}two{line_break}"
    changed = apply_change(text, edit(0, 99, 0, 99, "!"), codec_for(encoding))
    assert changed == f"one 😀!{line_break}two{line_break}"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_past_the_end_of_a_last_line_without_a_break_is_the_end_of_the_text(encoding):
    text = "one\nlast 😀"
    assert apply_change(text, edit(1, 99, 1, 99, "!"), codec_for(encoding)) == "one\nlast 😀!"
    assert apply_change(text, edit(5, 0, 7, 3, "!"), codec_for(encoding)) == "one\nlast 😀!"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_range_over_a_crlf_and_emoji_replaces_exactly_that(encoding):
    text = "a 😀 b\r\nc 🚀 d\r\ne"
    start = units("a ", encoding)
    end = units("c 🚀", encoding)
    changed = apply_change(text, edit(0, start, 1, end, "X"), codec_for(encoding))
    assert changed == "a X d\r\ne"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_changes_apply_in_order_and_a_whole_document_change_replaces_all(encoding):
    codec = codec_for(encoding)
    whole = types.TextDocumentContentChangeWholeDocument(text="new\n")
    assert apply_changes("old", [whole, edit(0, 3, 0, 3, "er")], codec) == "newer\n"


def test_the_store_keeps_every_snapshot_it_handed_out_unchanged():
    documents = OpenDocuments()
    item = types.TextDocumentItem(uri="file:///c/a.md", language_id="markdown", version=1, text="x")
    documents.open_text(item)
    before = documents.current()
    documents.change_text(
        types.VersionedTextDocumentIdentifier(uri=item.uri, version=2),
        [edit(0, 0, 0, 0, "Hello, ")],
        codec_for("utf-16"),
    )
    assert before.text(item.uri).text == "x" and before.text(item.uri).version == 1
    assert documents.current().text(item.uri).text == "Hello, x"
    assert documents.current().text(item.uri).version == 2


def notebook_change(uri: str, version: int, cells: types.NotebookDocumentCellChanges):
    return types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(version=version, uri=uri),
        change=types.NotebookDocumentChangeEvent(cells=cells),
    )


def test_notebook_cells_inserted_and_deleted_keep_cell_order_and_texts():
    documents = OpenDocuments()
    uri = "file:///c/n.ipynb"

    def cell(n: int, text: str, kind=types.NotebookCellKind.Markup):
        ref = types.NotebookCell(kind=kind, document=f"vscode-notebook-cell:/c/n.ipynb#{n}")
        item = types.TextDocumentItem(
            uri=ref.document, language_id="markdown", version=1, text=text
        )
        return ref, item

    a, b, c = cell(0, "A FSDP"), cell(1, "B"), cell(2, "C", types.NotebookCellKind.Code)
    documents.open_notebook(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri, notebook_type="jupyter-notebook", version=1, cells=[a[0], b[0]]
            ),
            cell_text_documents=[a[1], b[1]],
        )
    )
    insert = types.NotebookDocumentCellChanges(
        structure=types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(start=0, delete_count=0, cells=[c[0]]),
            did_open=[c[1]],
        )
    )
    documents.change_notebook(notebook_change(uri, 2, insert), codec_for("utf-16"))
    now = documents.current()
    assert [now.cell_text(ref) for ref in now.notebook(uri).cells] == ["C", "A FSDP", "B"]
    assert now.notebook(uri).cells[0].kind == "code"
    assert now.notebook_of_cell(c[0].document).uri == uri

    delete = types.NotebookDocumentCellChanges(
        structure=types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(start=1, delete_count=1),
            did_close=[types.TextDocumentIdentifier(uri=a[0].document)],
        )
    )
    documents.change_notebook(notebook_change(uri, 3, delete), codec_for("utf-16"))
    now = documents.current()
    assert [now.cell_text(ref) for ref in now.notebook(uri).cells] == ["C", "B"]
    assert now.text(a[0].document) is None
    assert '"B"' in now.source_of(now.notebook(uri).path)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_positions_agree_with_pygls_codec_on_any_line(encoding):
    from pygls.workspace.position_codec import PositionCodec

    from glossary_lsp.lsp.positions import from_lsp, to_lsp
    from glossary_lsp.text.positions import LineIndex

    codec = PositionCodec(encoding)
    line = "a 😀 é 🖥️ 中 x\u2028y 👍🏽 z"
    lines = LineIndex(line)
    for offset in range(len(line) + 1):
        expected = codec.client_num_units(line[:offset])
        assert to_lsp(lines, offset, encoding).character == expected
        assert from_lsp(lines, types.Position(0, expected), encoding) == offset

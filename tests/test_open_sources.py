"""`DocumentsSnapshot.source_of`: the editor's text of a file, asked for every module a request
looks at, so a path's URI key is worked out once, not per request and module."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from glossary_lsp.lsp import documents as documents_module
from glossary_lsp.lsp.documents import OpenDocuments


def open_text(documents: OpenDocuments, uri: str, text: str) -> None:
    item = types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
    documents.open_text(item)


def open_notebook(documents: OpenDocuments, uri: str, cell_text: str) -> None:
    cell = types.NotebookCell(kind=types.NotebookCellKind.Markup, document=f"{uri}#cell0")
    item = types.TextDocumentItem(
        uri=cell.document, language_id="markdown", version=1, text=cell_text
    )
    documents.open_notebook(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri, notebook_type="jupyter-notebook", version=1, cells=[cell]
            ),
            cell_text_documents=[item],
        )
    )


def test_a_path_is_found_however_the_client_encoded_its_uri(tmp_path: Path) -> None:
    documents = OpenDocuments()
    folder = tmp_path / "Mon cours"
    lesson = folder / "01 · attention.md"
    encoded = lesson.as_uri()
    assert "%20" in encoded
    open_text(documents, encoded.replace("%20", " "), "# Attention\n")  # a client's spelling
    now = documents.current()
    assert now.source_of(lesson) == "# Attention\n"
    assert now.source_of(folder / "02 · other.md") is None
    assert documents.current().source_of(lesson) == "# Attention\n"  # remembered: the same


def test_a_notebook_answers_its_cells_as_json_and_a_text_only_its_own_path(tmp_path: Path) -> None:
    documents = OpenDocuments()
    notebook = tmp_path / "02-kv-cache.ipynb"
    open_notebook(documents, notebook.as_uri(), "The KV cache")
    open_text(documents, (tmp_path / "03-notes.md").as_uri(), "notes")
    now = documents.current()
    source = now.source_of(notebook)
    assert source is not None and '"The KV cache"' in source
    assert now.source_of(tmp_path / "03-notes.md") == "notes"
    assert now.source_of(tmp_path / "02-kv-cache.md") is None


def test_a_path_asked_again_is_not_made_a_uri_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = OpenDocuments()
    lesson = tmp_path / "04-lesson.md"
    open_text(documents, lesson.as_uri(), "text")
    made: list[object] = []
    real = documents_module.path_to_uri

    def counting(path: object) -> str:
        made.append(path)
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(documents_module, "path_to_uri", counting)
    for _ in range(5):
        assert documents.current().source_of(lesson) == "text"
        assert documents.current().source_of(tmp_path / "05-unopened.md") is None
    assert len(made) == 2  # once per path

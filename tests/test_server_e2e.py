"""The server end to end over stdio, as VS Code and Neovim drive it (pytest-lsp)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest
import pytest_lsp
from lsp_helpers import (
    SERVER_COMMAND,
    copy_course,
    eventually,
    open_file,
    position_of,
    start_session,
    text_in_range,
    units,
)
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND),
    params=["vscode", "neovim", "utf-32-only"],
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_session(lsp_client, request.param, copy_course(tmp_path_factory.mktemp("ws")))
    yield
    await lsp_client.shutdown_session()


def hover_params(path, position):
    return types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position
    )


async def test_hover_after_emoji_names_term_expansion_and_module(client: LanguageClient):
    path = client.course / "05-distributed-training.md"
    text = open_file(client, path)
    position = position_of(text, "🖥️ FSDP shards", client.encoding, shift=len("🖥️ F"))

    hover = await client.text_document_hover_async(hover_params(path, position))

    assert hover is not None
    assert "**FSDP**" in hover.contents.value
    assert "Fully Sharded Data Parallel" in hover.contents.value
    assert "🖥️ Distributed Training" in hover.contents.value
    assert text_in_range(text, hover.range, client.encoding) == "FSDP"
    assert hover.range.start.character == units("🖥️ ", client.encoding)


async def test_every_encoding_is_exact_on_lines_with_emoji_and_cjk(client: LanguageClient):
    path = client.course / "scratch-cjk.md"
    text = "# 🖥️ 分布式训练\n\n😀 用FSDP训练, 然后 🚀🚀 the KV cache grows 👍 with FLOPs.\n"
    path.write_text(text, encoding="utf-8")
    open_file(client, path)
    for needle, term in [("FSDP", "FSDP"), ("KV cache", "KV cache"), ("FLOPs", "FLOP")]:
        hover = await client.text_document_hover_async(
            hover_params(path, position_of(text, needle, client.encoding, shift=1))
        )
        assert hover is not None, needle
        assert f"**{term}**" in hover.contents.value
        assert text_in_range(text, hover.range, client.encoding) == needle
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=position_of(text, "KV cache", client.encoding, shift=2),
        )
    )
    kv = next(item for item in completion.items if item.label == "KV cache")
    assert text_in_range(text, kv.text_edit.range, client.encoding) == "KV"


async def test_hover_is_null_where_there_is_no_term(client: LanguageClient):
    path = client.course / "05-distributed-training.md"
    text = open_file(client, path)
    position = position_of(text, "does not fit", client.encoding)
    assert await client.text_document_hover_async(hover_params(path, position)) is None


@pytest.mark.parametrize(
    "line, character", [(100_000, 0), (0, 100_000), (-1, 0), (2**31 - 1, 2**31 - 1)]
)
async def test_hover_survives_out_of_range_positions(client: LanguageClient, line, character):
    path = client.course / "05-distributed-training.md"
    open_file(client, path)
    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(line=max(line, 0), character=character),
    )
    assert await client.text_document_hover_async(params) is None
    # still serving
    text = path.read_text(encoding="utf-8")
    position = position_of(text, "FSDP shards", client.encoding)
    assert await client.text_document_hover_async(hover_params(path, position)) is not None


async def test_requests_for_unknown_or_deleted_documents_answer_null(client: LanguageClient):
    ghost = client.course / "never-opened.md"
    position = types.Position(line=0, character=0)
    assert await client.text_document_hover_async(hover_params(ghost, position)) is None
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri="untitled:Untitled-9"),
            position=position,
        )
    )
    assert definition is None


async def test_requests_for_a_deleted_document_answer_null(client: LanguageClient):
    path = client.course / "07-doomed.md"
    text = open_file(client, path, text="FSDP in a module about to go.\n")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(path.as_uri()))
    )
    path.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    position = position_of(text, "FSDP", client.encoding)
    assert await client.text_document_hover_async(hover_params(path, position)) is None
    definition = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(path.as_uri()), position)
    )
    assert definition is None
    # the rest of the course still answers
    other = client.course / "05-distributed-training.md"
    other_text = open_file(client, other)
    position = position_of(other_text, "FSDP shards", client.encoding)
    assert await client.text_document_hover_async(hover_params(other, position)) is not None


async def test_definition_jumps_to_the_introducing_module(client: LanguageClient):
    early = client.course / "03-self-attention.md"
    text = open_file(client, early)
    position = position_of(text, "FSDP", client.encoding)

    async def ask():
        return await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=early.as_uri()), position=position
            )
        )

    location = await eventually(ask)

    assert location is not None
    target = client.course / "05-distributed-training.md"
    assert location.uri == target.as_uri()
    target_text = target.read_text(encoding="utf-8")
    assert text_in_range(target_text, location.range, client.encoding) in (
        "FSDP",
        "Fully Sharded Data Parallel",
    )


async def test_declaration_jumps_to_the_glossary_entry(client: LanguageClient):
    path = client.course / "05-distributed-training.md"
    text = open_file(client, path)
    position = position_of(text, "FSDP shards", client.encoding)
    location = await client.text_document_declaration_async(
        types.DeclarationParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position
        )
    )
    assert location is not None
    assert location.uri.endswith("glossary.yaml")
    glossary_text = Path(to_fs_path(location.uri)).read_text(encoding="utf-8")
    glossary_lines = glossary_text.split("\n")
    assert "FSDP" in glossary_lines[location.range.start.line]


async def test_completion_offers_canonical_terms_replacing_the_typed_word(client: LanguageClient):
    path = client.course / "scratch.md"
    text = "# 🖥️ Notes\n\n🖥️ We shard with FSD and batch with Prefi\n"
    path.write_text(text, encoding="utf-8")
    open_file(client, path)
    position = position_of(text, "FSD and", client.encoding, shift=3)

    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position
        )
    )

    assert result.is_incomplete is True
    labels = [item.label for item in result.items]
    assert labels[0] == "FSDP"
    first = result.items[0]
    assert first.detail == "Fully Sharded Data Parallel"
    assert text_in_range(text, first.text_edit.range, client.encoding) == "FSD"
    resolved = await client.completion_item_resolve_async(first)
    assert "Fully Sharded Data Parallel" in resolved.documentation.value
    assert "🖥️ Distributed Training" in resolved.documentation.value


async def test_completion_mid_word_replaces_the_whole_word(client: LanguageClient):
    path = client.course / "scratch2.md"
    text = "We batch with Prefiiill today\n"
    path.write_text(text, encoding="utf-8")
    open_file(client, path)
    position = position_of(text, "Prefiiill", client.encoding, shift=4)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position
        )
    )
    prefill = next(item for item in result.items if item.label == "Prefill")
    assert text_in_range(text, prefill.text_edit.range, client.encoding) == "Prefiiill"


async def test_raw_notebook_json_positions_map_to_cells(client: LanguageClient):
    path = client.course / "06-serving.ipynb"
    text = open_file(client, path, language_id="json")
    position = position_of(text, "(TTFT)", client.encoding, shift=2)

    hover = await client.text_document_hover_async(hover_params(path, position))

    assert hover is not None
    assert "**TTFT**" in hover.contents.value
    assert text_in_range(text, hover.range, client.encoding) == "TTFT"


async def test_broken_workspace_glossary_keeps_the_last_good_one_and_reports(
    client: LanguageClient,
):
    glossary = client.course / "glossary.yaml"
    glossary.write_text("version: 1\nterms:\n  - term: [oops\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=glossary.as_uri(), type=types.FileChangeType.Changed)]
        )
    )

    async def problems():
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics.get(glossary.as_uri())

    diagnostics = await eventually(problems, timeout=10)
    assert diagnostics, "the broken glossary gets a diagnostic"
    assert diagnostics[0].range.start.line >= 1

    # the last good version (with the course's own terms) keeps serving
    path = client.course / "scratch3.md"
    text = "Prefill is the first phase.\n"
    path.write_text(text, encoding="utf-8")
    open_file(client, path)
    hover = await client.text_document_hover_async(
        hover_params(path, position_of(text, "Prefill", client.encoding))
    )
    assert hover is not None and "**Prefill**" in hover.contents.value


async def test_glossary_reloads_live_when_it_changes(client: LanguageClient):
    glossary = client.course / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "  - term: Zorblax\n    definition: A made-up term for this test.\n",
        encoding="utf-8",
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=glossary.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    path = client.course / "scratch4.md"
    text = "The zorblax trick.\n"
    path.write_text(text, encoding="utf-8")
    open_file(client, path)

    async def ask():
        return await client.text_document_hover_async(
            hover_params(path, position_of(text, "zorblax", client.encoding))
        )

    hover = await eventually(ask, timeout=10)
    assert hover is not None and "Zorblax" in hover.contents.value


async def test_bad_files_in_the_workspace_do_not_stop_the_server(client: LanguageClient):
    course = client.course
    (course / "07-broken.ipynb").write_text('{"cells": [ {"cell_type": ', encoding="utf-8")
    (course / "08-binary.md").write_bytes(b"\x00\x01\x02PNG\xff\xfe")
    (course / "09-latin1.md").write_bytes("Caf\xe9 FSDP".encode("latin-1"))
    (course / "10-huge-line.md").write_text("FSDP " * 20_000 + "\n", encoding="utf-8")

    huge = course / "11-huge.md"
    huge.write_text(("Some prose about FSDP and KV cache. " * 30 + "\n") * 9_000, "utf-8")
    text = open_file(client, huge)
    assert len(text) > 9_000_000
    position = position_of(text, "FSDP", client.encoding, nth=50_000)
    hover = await client.text_document_hover_async(hover_params(huge, position))
    assert hover is not None and "**FSDP**" in hover.contents.value

    line = course / "10-huge-line.md"
    line_text = open_file(client, line)
    far = types.Position(line=0, character=units(line_text[:99_996], client.encoding) + 1)
    hover = await client.text_document_hover_async(hover_params(line, far))
    assert hover is not None

    broken = course / "07-broken.ipynb"
    open_file(client, broken, language_id="json")
    assert (
        await client.text_document_hover_async(hover_params(broken, types.Position(0, 3))) is None
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def notebook_client(lsp_client: LanguageClient, tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("nb"))
    await start_session(lsp_client, "vscode-notebooks", course)
    yield
    await lsp_client.shutdown_session()


def open_notebook(client: LanguageClient, path) -> list[tuple[str, str, str]]:
    """Open a notebook as VS Code does: one `vscode-notebook-cell:` document per cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells, documents, opened = [], [], []
    for number, cell in enumerate(notebook["cells"]):
        uri = f"vscode-notebook-cell:{path.as_posix()}#W{number}sZmlsZQ%3D%3D"
        source = "".join(cell["source"])
        markdown = cell["cell_type"] == "markdown"
        language = "markdown" if markdown else "python"
        kind = types.NotebookCellKind.Markup if markdown else types.NotebookCellKind.Code
        cells.append(types.NotebookCell(kind=kind, document=uri))
        documents.append(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=source)
        )
        opened.append((uri, language, source))
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=path.as_uri(), notebook_type="jupyter-notebook", version=1, cells=cells
            ),
            cell_text_documents=documents,
        )
    )
    return opened


async def test_notebook_cells_hover_define_and_complete(notebook_client: LanguageClient):
    client = notebook_client
    cells = open_notebook(client, client.course / "06-serving.ipynb")
    uri, _, source = next(cell for cell in cells if "(TTFT)" in cell[2])
    position = position_of(source, "(TTFT)", "utf-16", shift=2)
    identifier = types.TextDocumentIdentifier(uri=uri)

    hover = await client.text_document_hover_async(types.HoverParams(identifier, position))
    assert hover is not None and "**TTFT**" in hover.contents.value
    assert text_in_range(source, hover.range, "utf-16") == "TTFT"

    flash_uri, _, flash_source = next(cell for cell in cells if "FlashAttention" in cell[2])
    flash = types.DefinitionParams(
        types.TextDocumentIdentifier(uri=flash_uri),
        position_of(flash_source, "FlashAttention", "utf-16"),
    )
    location = await client.text_document_definition_async(flash)
    assert location is not None and location.uri.endswith("03-self-attention.md")

    # TTFT is first used in this notebook: the answer is the cell document itself
    location = await client.text_document_definition_async(
        types.DefinitionParams(identifier, position)
    )
    assert location is not None and location.uri.startswith("vscode-notebook-cell:")
    target_source = next(cell[2] for cell in cells if cell[0] == location.uri)
    assert text_in_range(target_source, location.range, "utf-16") in (
        "TTFT",
        "Time To First Token",
    )

    completion = await client.text_document_completion_async(
        types.CompletionParams(identifier, position_of(source, "(TTFT)", "utf-16", shift=3))
    )
    assert any(item.label == "TTFT" for item in completion.items)


def edit_cell(client: LanguageClient, notebook_path, cell_uri: str, text: str, version: int):
    """Replace a cell's whole text, unsaved, as VS Code sends a cell edit."""
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(
                version=version, uri=notebook_path.as_uri()
            ),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(
                                uri=cell_uri, version=version
                            ),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                        )
                    ]
                )
            ),
        )
    )


async def test_unsaved_notebook_cells_reach_the_index_and_course_diagnostics(
    notebook_client: LanguageClient,
):
    client = notebook_client
    path = client.course / "06-serving.ipynb"
    cells = open_notebook(client, path)
    kv_cell = next(uri for uri, _, source in cells if source.startswith("## The KV cache"))

    async def next_diagnostics() -> None:
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(
                client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 1
            )

    async def cell_diagnostics(predicate):
        async def check():
            found = client.diagnostics.get(kv_cell) or []
            if predicate(found):
                return found
            await next_diagnostics()
            return None

        return await eventually(check, timeout=20)

    # opened after indexing: the notebook is diagnosed as the course's module, on its cells
    found = await cell_diagnostics(lambda ds: any(d.code == "unknownAcronym" for d in ds))
    assert found, "no diagnostics on the notebook's cell after it opened"

    # an unsaved edit: FSDP, first used (unexpanded) in 03-self-attention.md, is no first use
    # here; FlashAttention now appears in this cell, and references find it there
    edited = "## The KV cache\n\nWith FSDP and FlashAttention, and a TPUX pod (two TPUX racks).\n"
    edit_cell(client, path, kv_cell, edited, version=2)
    found = await cell_diagnostics(
        lambda ds: any(d.code == "unknownAcronym" and "TPUX" in d.message for d in ds)
    )
    assert found, "the edited cell was not diagnosed"
    assert not any(d.code == "acronymNotExpanded" and "FSDP" in d.message for d in found)
    for diagnostic in found:
        assert diagnostic.range.end.line <= edited.count("\n")  # positions in the cell's text

    source = (client.course / "03-self-attention.md").read_text(encoding="utf-8")
    flash = types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(
            uri=(client.course / "03-self-attention.md").as_uri()
        ),
        position=position_of(source, "FlashAttention", "utf-16"),
        context=types.ReferenceContext(include_declaration=False),
    )
    locations = await eventually(lambda: client.text_document_references_async(flash), timeout=10)
    in_cell = [loc for loc in locations if loc.uri == kv_cell]
    assert len(in_cell) == 1
    assert text_in_range(edited, in_cell[0].range, "utf-16") == "FlashAttention"

    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri, _, _ in cells],
        )
    )

    async def cleared():
        if not client.diagnostics.get(kv_cell):
            return True
        await next_diagnostics()
        return not client.diagnostics.get(kv_cell)

    assert await eventually(cleared, timeout=10), "a closed cell kept its diagnostics"

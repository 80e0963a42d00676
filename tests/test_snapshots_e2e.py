"""Answers come from the text the editor has now (F1, F5), malformed requests get errors and no
message box (F8), and `exit` without `shutdown` ends with status 1 (F7)."""

from __future__ import annotations

import subprocess

import pytest_lsp
from lsp_helpers import (
    COURSE,
    SERVER_COMMAND,
    copy_course,
    eventually,
    open_file,
    position_of,
    start_session,
    text_in_range,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from test_course_e2e import edits_by_uri
from test_lifecycle import frame, initialize, read_frame, read_response


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND),
    params=["vscode", "neovim", "utf-32-only"],
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_session(lsp_client, request.param, copy_course(tmp_path_factory.mktemp("ws")))
    yield
    await lsp_client.shutdown_session()


def insert_at_start(client: LanguageClient, uri: str, text: str, version: int) -> None:
    start = types.Position(line=0, character=0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=start), text=text
                )
            ],
        )
    )


async def test_rename_and_references_right_after_an_edit_use_the_new_text(client):
    path = client.course / "07-scratch.md"
    text = open_file(client, path, text="We use 😀 Prefill here.\n")
    uri = path.as_uri()
    identifier = types.TextDocumentIdentifier(uri=uri)

    async def first_reference():
        found = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=identifier,
                position=position_of(text, "Prefill", client.encoding),
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        return [loc for loc in found or [] if loc.uri == uri]

    assert await eventually(first_reference)
    for version in range(2, 6):  # each edit is asked about at once, before any debounce
        insert_at_start(client, uri, "Hello, ", version)
        text = "Hello, " + text
        position = position_of(text, "Prefill", client.encoding)
        edit = await client.text_document_rename_async(
            types.RenameParams(text_document=identifier, position=position, new_name="Prefilling")
        )
        ranges = [e.range for e in edits_by_uri(edit)[uri]]
        assert [text_in_range(text, r, client.encoding) for r in ranges] == ["Prefill"]
        if edit.document_changes:
            versions = {c.text_document.uri: c.text_document.version for c in edit.document_changes}
            assert versions[uri] == version
        found = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=identifier,
                position=position,
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        mine = [loc for loc in found if loc.uri == uri]
        assert [text_in_range(text, loc.range, client.encoding) for loc in mine] == ["Prefill"]


async def test_glossary_symbols_follow_unsaved_edits_of_the_glossary(client):
    path = client.course / "glossary.yaml"
    text = open_file(client, path, language_id="yaml")
    uri = path.as_uri()
    insert_at_start(client, uri, "# a comment\n# and 😀 another\n", 2)
    text = "# a comment\n# and 😀 another\n" + text
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    terms = [s for s in symbols if s.kind == types.SymbolKind.Constant]
    assert terms, "no term symbols"
    for symbol in terms:
        assert text_in_range(text, symbol.selection_range, client.encoding) == symbol.name
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri=uri))
    )
    names = {s.name for s in terms}
    assert lenses and all(
        text_in_range(text, lens.range, client.encoding) in names for lens in lenses
    )


def test_a_malformed_request_gets_an_error_a_log_line_and_no_message_box():
    server = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    path = COURSE / "05-distributed-training.md"
    document = {"uri": path.as_uri()}
    try:
        for message in [
            initialize(),
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {}},
            {"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", "params": [1, 2]},
            {
                "jsonrpc": "2.0",
                "id": 7,
                "method": "textDocument/hover",
                "params": {"textDocument": document},
            },
            {
                "jsonrpc": "2.0",
                "id": 8,
                "method": "textDocument/hover",
                "params": {"textDocument": document, "position": {"line": 0, "character": 0}},
            },
        ]:
            server.stdin.write(frame(message))
        server.stdin.flush()
        seen = []
        while not any(m.get("id") == 8 and "method" not in m for m in seen):
            seen.append(read_frame(server.stdout))
        errors = {m["id"]: m.get("error") for m in seen if m.get("id") in (5, 6, 7)}
        assert set(errors) == {5, 6, 7} and all(errors.values()), errors
        assert not [m for m in seen if m.get("method") == "window/showMessage"]
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}))
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        assert server.wait(timeout=20) == 0
        assert "textDocument/hover" in server.stderr.read().decode("utf-8", "replace")
    finally:
        server.kill()
        server.wait()
        for stream in (server.stdin, server.stdout, server.stderr):
            stream.close()


def test_exit_without_shutdown_ends_with_status_1():
    server = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        server.stdin.write(frame(initialize()))
        server.stdin.flush()
        read_response(server.stdout, 1)
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        assert server.wait(timeout=20) == 1
    finally:
        server.kill()
        server.wait()
        server.stdin.close()
        server.stdout.close()

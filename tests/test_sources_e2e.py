"""Glossary sources end to end over stdio: a MyST glossary page in the workspace serves hover,
definition/declaration jump to its term line, and rename rewrites a `{term}` role's target."""

from __future__ import annotations

import pytest_lsp
from lsp_helpers import SERVER_COMMAND, eventually, open_file, position_of, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

GLOSSARY_PAGE = """\
# Glossary

```{glossary}
MyST
  Markedly Structured Text 😀, a flavour of Markdown.

Jupyter Book
JB
  A toolchain for books.
```
"""
INTRO = "# Intro 🚀\n\n😀 We build with {term}`the tool <Jupyter Book>` and MyST.\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND), params=["vscode"])
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    course = tmp_path_factory.mktemp("ws")
    (course / "glossary.md").write_text(GLOSSARY_PAGE, encoding="utf-8")
    (course / "01-intro.md").write_text(INTRO, encoding="utf-8")
    await start_session(lsp_client, request.param, course)
    yield
    await lsp_client.shutdown_session()


def document(path):
    return types.TextDocumentIdentifier(uri=path.as_uri())


async def test_hover_definition_and_rename_from_a_myst_glossary(client: LanguageClient):
    path = client.course / "01-intro.md"
    text = open_file(client, path)
    on_role = position_of(text, "the tool", client.encoding)
    hover = await eventually(
        lambda: client.text_document_hover_async(types.HoverParams(document(path), on_role))
    )
    assert hover.contents.value.startswith("**Jupyter Book**")
    assert "A toolchain for books." in hover.contents.value

    on_myst = position_of(text, "MyST", client.encoding)
    shown = await client.text_document_hover_async(types.HoverParams(document(path), on_myst))
    assert "Markedly Structured Text 😀" in shown.contents.value
    declared = await client.text_document_declaration_async(
        types.DeclarationParams(document(path), on_myst)
    )
    assert declared.uri == (client.course / "glossary.md").as_uri()
    assert declared.range.start == types.Position(line=3, character=0)

    edit = await eventually(
        lambda: client.text_document_rename_async(
            types.RenameParams(document(path), on_role, new_name="Jupyter Books")
        )
    )
    changes = {
        uri: [(e.range.start.line, e.new_text) for e in edits] for uri, edits in _changes(edit)
    }
    assert changes[path.as_uri()] == [(2, "Jupyter Books")]
    assert changes[(client.course / "glossary.md").as_uri()] == [(6, "Jupyter Books")]


def _changes(edit: types.WorkspaceEdit):
    if edit.changes:
        return list(edit.changes.items())
    return [
        (change.text_document.uri, change.edits)
        for change in edit.document_changes or []
        if isinstance(change, types.TextDocumentEdit)
    ]

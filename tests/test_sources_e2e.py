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

Sphinx
  A documentation generator.
```
"""
CONTEXTIVE = """\
contexts:
  - name: Books
    terms:
      - name: Invoice
        definition: A request for payment.
      - name: Sphinx
        definition: Redefined here, read after glossary.md.
"""
INTRO = "# Intro 🚀\n\n😀 We build with {term}`the tool <Jupyter Book>` and MyST.\n"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND), params=["vscode", "neovim"]
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    course = tmp_path_factory.mktemp("ws")
    (course / "glossary.md").write_text(GLOSSARY_PAGE, encoding="utf-8")
    (course / "01-intro.md").write_text(INTRO, encoding="utf-8")
    (course / "terms.glossary.yml").write_text(CONTEXTIVE, encoding="utf-8")
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


async def test_a_broken_source_shows_its_line_and_the_last_good_version_serves(
    client: LanguageClient,
):
    contextive = client.course / "terms.glossary.yml"
    glossary_page = client.course / "glossary.md"

    def hints():
        found = client.diagnostics.get(glossary_page.as_uri()) or []
        return [d for d in found if d.severity == types.DiagnosticSeverity.Hint]

    async def hints_now():
        return hints()

    hint = (await eventually(hints_now, timeout=10))[0]
    assert hint.range.start.line == 10  # Sphinx's term line, overridden by the Contextive file
    assert "terms.glossary.yml:6:15, which wins" in hint.message

    contextive.write_text(
        "contexts:\n  - terms: !!python/object/apply:os.system [echo]\n", encoding="utf-8"
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=contextive.as_uri(), type=types.FileChangeType.Changed)]
        )
    )

    async def problems():
        found = client.diagnostics.get(contextive.as_uri()) or []
        return [d for d in found if d.severity == types.DiagnosticSeverity.Error]

    errors = await eventually(problems, timeout=10)
    assert [d.range.start.line for d in errors] == [1]
    assert "is not allowed" in errors[0].message
    path = client.course / "scratch.md"
    text = open_file(client, path, text="An Invoice arrives.\n")
    on_invoice = position_of(text, "Invoice", client.encoding)
    hover = await eventually(
        lambda: client.text_document_hover_async(types.HoverParams(document(path), on_invoice))
    )
    assert "A request for payment." in hover.contents.value

"""The course structure end to end over stdio: a Hugging Face style course with translations,
its `glossaryLsp/course` outline, definition and hover from the TOC's order, and a broken TOC
shown as a diagnostic while the server keeps serving."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from course_helpers import write_course
from lsp_helpers import SERVER_COMMAND, eventually, open_file, position_of, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

GLOSSARY = "version: 1\nterms:\n  - term: TTFT\n    expansion: time to first token\n"
TOCTREE = (
    "- title: Start\n  sections:\n  - local: chapter1/10\n    title: 📘 Ten first\n"
    "  - local: chapter1/2\n    title: Two\n  - local: chapter1/missing\n    title: Gone\n"
)


def plain(value):
    """A custom request's answer as JSON values (pygls gives named tuples for objects)."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


async def course_outline(client: LanguageClient) -> dict:
    return plain(await client.protocol.send_request_async("glossaryLsp/course", {}))


def hf_course(root: Path) -> Path:
    files = {"README.md": "# How to contribute\n\nTTFT (time to first token) here.\n"}
    for language in ("en", "fr"):
        files[f"chapters/{language}/_toctree.yml"] = TOCTREE
        files[f"chapters/{language}/chapter1/10.mdx"] = "# Ten\n\nWe measure TTFT 🚀 here.\n"
        files[f"chapters/{language}/chapter1/2.mdx"] = (
            "# Two\n\n🚀 TTFT (time to first token) is the wait.\n"
        )
    return write_course(root, files, GLOSSARY)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND), params=["vscode", "neovim"]
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    course = hf_course(tmp_path_factory.mktemp("ws") / "course")
    await start_session(lsp_client, request.param, course, {"includeBundled": False})
    yield
    await lsp_client.shutdown_session()


async def test_course_request_definition_hover_and_toc_diagnostics(client: LanguageClient):
    course = client.course
    outline = await eventually(lambda: course_outline(client))
    assert outline["order_source"] == "_toctree.yml"
    assert outline["language"] == "en"
    modules = outline["modules"]
    assert [m["path"] for m in modules] == [
        "chapters/en/chapter1/10.mdx",
        "chapters/en/chapter1/2.mdx",
    ]
    assert [m["id"] for m in modules] == ["chapter1/10", "chapter1/2"]
    assert modules[0]["title"] == "📘 Ten first"
    assert modules[1]["uri"] == (course / "chapters/en/chapter1/2.mdx").as_uri()
    assert modules[1]["introduces"] == ["TTFT"] and modules[0]["introduces"] == []

    first = course / "chapters/en/chapter1/10.mdx"
    text = open_file(client, first)
    position = position_of(text, "TTFT", client.encoding)
    location = await eventually(
        lambda: client.text_document_definition_async(
            types.DefinitionParams(types.TextDocumentIdentifier(first.as_uri()), position)
        )
    )
    assert location.uri == (course / "chapters/en/chapter1/2.mdx").as_uri()
    assert location.range.start.line == 2
    shown = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(first.as_uri()), position)
    )
    assert "Introduced later, in [02 · Two](" in shown.contents.value

    french = course / "chapters/fr/chapter1/10.mdx"
    text = open_file(client, french)
    location = await client.text_document_definition_async(
        types.DefinitionParams(
            types.TextDocumentIdentifier(french.as_uri()),
            position_of(text, "TTFT", client.encoding),
        )
    )
    assert location.uri == (course / "chapters/fr/chapter1/2.mdx").as_uri()
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(french.as_uri()),
            position_of(text, "TTFT", client.encoding, shift=3),
        )
    )
    [item] = [item for item in completion.items if item.label == "TTFT"]
    resolved = await client.completion_item_resolve_async(item)
    assert (course / "chapters/fr/chapter1/2.mdx").as_uri() in resolved.documentation.value

    toc_uri = (course / "chapters/en/_toctree.yml").as_uri()

    async def toc_problems():
        found = client.diagnostics.get(toc_uri) or []
        if not found:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return found

    (missing,) = await eventually(toc_problems)
    assert missing.code == "courseStructure" and "chapter1/missing" in missing.message
    assert missing.range.start.line == 6


async def test_a_broken_toc_is_a_diagnostic_and_serving_goes_on(client: LanguageClient):
    course = client.course
    toc = course / "chapters/en/_toctree.yml"
    text = "- title: Start\n  sections: [\n"
    open_file(client, toc, language_id="yaml", text=text)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(toc.as_uri()))
    )

    async def broken():
        found = [d for d in client.diagnostics.get(toc.as_uri()) or [] if "broken" in d.message]
        if not found:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return found

    (problem,) = await eventually(broken)
    assert problem.severity == types.DiagnosticSeverity.Error
    outline = await course_outline(client)
    assert outline["order_source"] == "folders"
    assert [m["path"] for m in outline["modules"]] == [
        "chapters/en/chapter1/2.mdx",
        "chapters/en/chapter1/10.mdx",
    ]
    page = course / "chapters/en/chapter1/2.mdx"
    page_text = open_file(client, page)
    shown = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier(page.as_uri()),
            position_of(page_text, "TTFT", client.encoding),
        )
    )
    assert "time to first token" in shown.contents.value

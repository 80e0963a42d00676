"""Settings from `initializationOptions` and from `workspace/configuration`, end to end."""

from __future__ import annotations

import pytest_lsp
from lsp_helpers import (
    SERVER_COMMAND,
    copy_course,
    eventually,
    open_file,
    position_of,
    start_session,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

CUSTOM_GLOSSARY = """version: 1
terms:
  - term: Quux
    expansion: Quite Unusual Unit eXample
    definition: A term only the configured glossary knows.
"""


def hover_at(client, path, text, needle):
    return client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=position_of(text, needle, "utf-8"),
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def configured(lsp_client: LanguageClient, tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("cfg"))
    (course / "extra").mkdir()
    (course / "extra" / "custom.yaml").write_text(CUSTOM_GLOSSARY, encoding="utf-8")
    # workspace/configuration answers are laid over initializationOptions
    lsp_client.set_configuration(
        {"glossaries": ["extra/custom.yaml"], "modules": {"exclude": ["**/05-*.md"]}},
        section="glossaryLsp",
    )
    await start_session(
        lsp_client, "neovim", course, {"modules": {"include": ["**/*.md", "**/*.ipynb"]}}
    )
    yield
    await lsp_client.shutdown_session()


async def test_configured_glossaries_and_module_globs_apply(configured: LanguageClient):
    client = configured
    path = client.course / "scratch.md"
    text = open_file(client, path, text="Quux meets FSDP in the KV cache.\n")

    async def quux():
        return await hover_at(client, path, text, "Quux")

    hover = await eventually(quux, timeout=10)
    assert hover is not None and "Quite Unusual Unit eXample" in hover.contents.value

    # 05, which introduces FSDP, is excluded: its first use is now in 03
    early = client.course / "03-self-attention.md"
    early_text = open_file(client, early)
    location = await client.text_document_definition_async(
        types.DefinitionParams(
            types.TextDocumentIdentifier(early.as_uri()),
            position_of(early_text, "FSDP", "utf-8"),
        )
    )
    assert location is not None and location.uri == early.as_uri()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def without_bundled(lsp_client: LanguageClient, tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("nob"))
    await start_session(lsp_client, "neovim", course, {"glossaryLsp": {"includeBundled": False}})
    yield
    await lsp_client.shutdown_session()


async def test_without_the_bundled_glossary(without_bundled: LanguageClient):
    client = without_bundled
    path = client.course / "scratch.md"
    text = open_file(client, path, text="FSDP and Prefill and Reduce-scatter.\n")
    assert await hover_at(client, path, text, "FSDP") is None
    # the course glossary loads alone: its `module: distributed-training`, which no glossary
    # declares without the bundled one, names the course's own 05-distributed-training.md
    hover = await hover_at(client, path, text, "Reduce-scatter")
    assert hover is not None and "Distributed" in hover.contents.value
    assert await hover_at(client, path, text, "Prefill") is not None


async def test_workspace_folders_added_later_join_the_course(
    without_bundled: LanguageClient, tmp_path
):
    client = without_bundled

    async def first_indexing_ended():
        reports = [r for done in client.progress_reports.values() for r in done]
        return any(isinstance(r, types.WorkDoneProgressEnd) for r in reports)

    # the folder comes once the course is indexed (before, it raced the first indexing, which
    # listed the new folder too, and hid that an open draft outside the walk became a module)
    assert await eventually(first_indexing_ended, timeout=10)
    other = tmp_path / "second-course"
    other.mkdir()
    (other / "glossary.yaml").write_text(
        "version: 1\nterms:\n  - term: Zyzzyva\n    definition: Only the second course knows it.\n",
        encoding="utf-8",
    )
    (other / "01-intro.md").write_text("# Intro\n\nZyzzyva first appears here.\n", "utf-8")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=other.as_uri(), name="second")], removed=[]
            )
        )
    )
    path = client.course / ".drafts" / "scratch.md"  # a hidden folder: not a module itself
    path.parent.mkdir()
    text = open_file(client, path, text="We cite Zyzzyva here.\n")

    module = (other / "01-intro.md").as_uri()

    async def definition():
        location = await client.text_document_definition_async(
            types.DefinitionParams(
                types.TextDocumentIdentifier(path.as_uri()),
                position_of(text, "Zyzzyva", "utf-8"),
            )
        )
        # until the second folder is indexed, the one use the server knows is the scratch's own
        return location if location is not None and location.uri == module else None

    location = await eventually(definition, timeout=10)
    assert location is not None  # the second folder's module, once indexed

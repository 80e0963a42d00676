"""TOC files watched, end to end over stdio: creating, changing and deleting a TOC file (and
saving the README that orders the course) re-derive the order, republish the TOC's diagnostics
and send `glossaryLsp/courseChanged`."""

from __future__ import annotations

import pytest_lsp
from course_helpers import write_course
from lsp_helpers import SERVER_COMMAND, eventually, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

GLOSSARY = "version: 1\nterms:\n  - term: TTFT\n    expansion: time to first token\n"
COURSE_CHANGED = "glossaryLsp/courseChanged"


def plain(value):
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    course = write_course(
        tmp_path_factory.mktemp("ws") / "course",
        {
            "README.md": "# Course\n\n1. [Bravo](b/)\n2. [Alpha](a/)\n",
            "a/README.md": "# Alpha\n\nTTFT (time to first token).\n",
            "b/README.md": "# Bravo\n\nTTFT again.\n",
        },
        GLOSSARY,
    )
    lsp_client.course_changes = 0

    @lsp_client.feature(COURSE_CHANGED)
    def course_changed(_params) -> None:
        lsp_client.course_changes += 1

    await start_session(lsp_client, "vscode", course, {"includeBundled": False})
    yield
    await lsp_client.shutdown_session()


async def outline_of(client: LanguageClient) -> dict:
    return plain(await client.protocol.send_request_async("glossaryLsp/course", {}))


async def order_becomes(client: LanguageClient, source: str, paths: list[str]) -> dict:
    async def check():
        outline = await outline_of(client)
        found = (outline["order_source"], [m["path"] for m in outline["modules"]])
        return outline if found == (source, paths) else None

    outline = await eventually(check)
    assert outline, f"the order never became {source} {paths}"
    return outline


def file_event(client: LanguageClient, path, kind: types.FileChangeType) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )


async def changes_after(client: LanguageClient, before: int) -> bool:
    async def check():
        return client.course_changes > before

    return bool(await eventually(check))


async def toc_messages(client: LanguageClient, uri: str, want_any: bool) -> list[str]:
    async def check():
        messages = [d.message for d in client.diagnostics.get(uri) or []]
        return (messages or None) if want_any else (messages == [] and uri in client.diagnostics)

    await eventually(check)
    return [d.message for d in client.diagnostics.get(uri) or []]


async def test_toc_created_changed_deleted_and_readme_saved(client: LanguageClient):
    course = client.course
    await order_becomes(client, "README.md", ["README.md", "b/README.md", "a/README.md"])
    registered = [
        watcher["globPattern"]
        for registration in client.registrations
        if registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        for watcher in registration.register_options["watchers"]
    ]
    assert "**/{_toc,_toctree,mkdocs,_quarto}.yml" in registered

    toc = course / "_toc.yml"
    toc.write_text("root: README\nchapters:\n  - file: a/README\n  - file: gone\n", "utf-8")
    before = client.course_changes
    file_event(client, toc, types.FileChangeType.Created)
    await order_becomes(client, "_toc.yml", ["README.md", "a/README.md"])
    assert await changes_after(client, before)
    (missing,) = await toc_messages(client, toc.as_uri(), want_any=True)
    assert "'gone' is listed but no such file exists" in missing

    toc.write_text("root: README\nchapters:\n  - file: b/README\n  - file: a/README\n", "utf-8")
    file_event(client, toc, types.FileChangeType.Changed)
    await order_becomes(client, "_toc.yml", ["README.md", "b/README.md", "a/README.md"])
    assert await toc_messages(client, toc.as_uri(), want_any=False) == []

    toc.unlink()
    before = client.course_changes
    file_event(client, toc, types.FileChangeType.Deleted)
    await order_becomes(client, "README.md", ["README.md", "b/README.md", "a/README.md"])
    assert await changes_after(client, before)

    readme = course / "README.md"
    readme.write_text("# Course\n\n1. [Alpha](a/)\n2. [Bravo](b/)\n", "utf-8")
    before = client.course_changes
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(readme.as_uri()))
    )
    await order_becomes(client, "README.md", ["README.md", "a/README.md", "b/README.md"])
    assert await changes_after(client, before)

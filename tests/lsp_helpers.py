"""Helpers for the end-to-end tests: client profiles, positions computed independently of the
server's own code, and waiting for the background index."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "examples" / "course"
SERVER_COMMAND = [sys.executable, "-m", "glossary_lsp"]

# name -> (pytest-lsp capabilities spec, notebook sync added, position encodings offered)
PROFILES = {
    "vscode": ("visual-studio-code", False, None),
    "neovim": ("neovim@v0.11.0", False, None),
    "vscode-notebooks": ("visual-studio-code", True, None),
    "utf-32-only": ("neovim@v0.11.0", False, ["utf-32"]),
}


def capabilities(profile: str) -> types.ClientCapabilities:
    spec, notebooks, encodings = PROFILES[profile]
    caps = client_capabilities(spec)
    if encodings:
        caps.general.position_encodings = encodings
    if notebooks:
        caps.notebook_document = types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities(
                dynamic_registration=True, execution_summary_support=True
            )
        )
    return caps


def encoding_of(profile: str) -> str:
    general = capabilities(profile).general
    encodings = general.position_encodings if general else None
    return encodings[0] if encodings else "utf-16"


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of an LSP position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def position_of(text: str, needle: str, encoding: str, nth: int = 0, shift: int = 1):
    """The LSP position `shift` characters into the `nth` occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += shift
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line=line, character=units(text[line_start:index], encoding))


def text_in_range(text: str, rng: types.Range, encoding: str) -> str:
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        count = 0
        for i, char in enumerate(line):
            if count >= position.character:
                return sum(len(x) + 1 for x in lines[: position.line]) + i
            count += units(char, encoding)
        return sum(len(x) + 1 for x in lines[: position.line]) + len(line)

    return text[offset(rng.start) : offset(rng.end)]


def copy_course(destination: Path) -> Path:
    target = destination / "course"
    shutil.copytree(COURSE, target)
    return target


async def eventually(request, timeout: float = 20.0, interval: float = 0.1):
    """Repeat an async request until it answers something, e.g. while the index builds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await request()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(interval)


def accept_registrations(client) -> list[types.Registration]:
    """Answer `client/registerCapability` as an editor does, remembering what was registered."""
    registered: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    return registered


async def start_session(client, profile: str, course: Path, initialization_options=None) -> None:
    """Initialize as the profile's editor does, on `course` as the one workspace folder."""
    client.course = course
    client.profile = profile
    client.encoding = encoding_of(profile)
    client.registrations = accept_registrations(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(profile),
            root_uri=course.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=course.as_uri(), name="course")],
            initialization_options=initialization_options,
        )
    )


def open_file(client, path: Path, language_id: str = "markdown", text: str | None = None) -> str:
    """didOpen a file with its text on disk, or with `text` (then written to disk first)."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id=language_id, version=1, text=text
            )
        )
    )
    return text

"""A seeded, bounded soak: a random client drives the server and checks every answer.

The client edits documents (whole and incremental changes over random ranges, past-the-end
positions, bursts), inserts and deletes notebook cells, rewrites the glossary (valid and broken),
sends every request kind at random positions, cancels requests and sends malformed ones. The
oracle slices every range the server returns out of the client's own copy of the text (open
documents) or the disk (closed files): it must read as a name, an alias or the expansion of the
term the request was about. A final sweep appends known terms to every open document and hovers
each one: the hover must name that term.

The short run in the normal suite takes a few seconds per encoding; `make soak` (or
`GLOSSARY_LSP_SOAK_SECONDS=600`) runs each encoding for ten minutes. `GLOSSARY_LSP_SOAK_SEED`
picks another seed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest_lsp
from lsp_helpers import SERVER_COMMAND, copy_course, start_session, units
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from glossary_lsp.glossary.model import singular_forms

SECONDS = float(os.environ.get("GLOSSARY_LSP_SOAK_SECONDS", "3"))
SEED = int(os.environ.get("GLOSSARY_LSP_SOAK_SEED", "13"))
MAX_OPERATIONS = 100_000
REQUEST_TIMEOUT = 30.0
LINE_BREAK = re.compile(r"\r\n|\n|\r")
SNIPPETS = [
    "Hello, ",
    "FSDP ",
    " the KV cache",
    "😀",
    "🖥️ ",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\x0c",
    "\x85",
    " Prefill and decode. ",
    " Continuous batching and the prefill phase. ",
    "Prefills",
    "\n```\ncode FSDP\n```\n",
    "x",
    "",
    "TTFT (Time To First Token) ",
]
SWEEP_TERMS = ["FSDP", "Prefill", "KV cache", "TTFT"]
# where requests are often asked: the sweep's terms, and the course glossary's own (renamable)
POSITION_TERMS = [*SWEEP_TERMS, "prefill phase", "Continuous batching", "Reduce-scatter"]


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def offset_at(text: str, line: int, character: int, encoding: str) -> int:
    """The client's own reading of an LSP position, to the spec: LSP line breaks only, a column
    past the end of a line is its end, a line past the end is the end of the text."""
    starts, ends = [0], []
    for found in LINE_BREAK.finditer(text):
        ends.append(found.start())
        starts.append(found.end())
    ends.append(len(text))
    if line >= len(starts):
        return len(text)
    offset, count = starts[line], 0
    while offset < ends[line]:
        width = units(text[offset], encoding)
        if count + width > character:
            break
        count += width
        offset += 1
    return offset


def position_at(text: str, offset: int, encoding: str) -> types.Position:
    line, start = 0, 0
    for found in LINE_BREAK.finditer(text, 0, offset):
        if found.end() <= offset:
            line += 1
            start = found.end()
    return types.Position(line=line, character=units(text[start:offset], encoding))


def sliced(text: str, rng: types.Range, encoding: str) -> str:
    start = offset_at(text, rng.start.line, rng.start.character, encoding)
    end = offset_at(text, rng.end.line, rng.end.character, encoding)
    return text[start:end]


@dataclass
class Notebook:
    uri: str
    version: int
    cells: list[tuple[str, str, str]]  # (cell uri, "markdown" | "code", text)


@dataclass
class Model:
    """The client's copy of everything it opened, and what it found wrong."""

    encoding: str
    course: Path
    texts: dict[str, list] = field(default_factory=dict)  # uri -> [text, version]
    notebook: Notebook | None = None
    terms: dict[str, set[str]] = field(default_factory=dict)  # term -> folded names
    violations: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    cell_number: int = 0

    def text_of(self, uri: str) -> str | None:
        if uri in self.texts:
            return self.texts[uri][0]
        if self.notebook is not None:
            for cell_uri, _kind, text in self.notebook.cells:
                if cell_uri == uri:
                    return text
        if uri.startswith("file:"):
            path = Path(uri.removeprefix("file://"))
            try:
                return path.read_text(encoding="utf-8")
            except OSError:
                return None
        return None

    def names_ok(self, term: str, surface: str) -> bool:
        names = self.terms.get(term)
        if names is None:
            return True  # a term of a glossary version the client no longer knows
        wanted = fold(surface.strip("\"'"))
        return wanted in names or any(fold(s) in names for s in singular_forms(wanted))

    def check_range(self, what: str, term: str, uri: str, rng: types.Range) -> None:
        text = self.text_of(uri)
        if text is None:
            self.violations.append(f"{what}: {term!r} at unreadable {uri}")
            return
        surface = sliced(text, rng, self.encoding)
        if not self.names_ok(term, surface):
            self.violations.append(f"{what}: {term!r} at {uri} {rng} reads {surface!r}")


async def load_terms(client: LanguageClient, model: Model) -> None:
    entries = await client.protocol.send_request_async("glossaryLsp/terms", None)
    terms: dict[str, set[str]] = {}
    for entry in entries:
        entry = entry if isinstance(entry, dict) else vars(entry)
        names = {fold(entry["term"]), *(fold(a) for a in entry.get("aliases") or [])}
        if entry.get("expansion"):
            names.add(fold(entry["expansion"]))
        terms[entry["term"]] = names
    model.terms = terms


HOVER_TERM = re.compile(r"^\*\*(.+?)\*\*")


def hover_term(hover: types.Hover) -> str | None:
    found = HOVER_TERM.match(hover.contents.value)
    return found.group(1) if found else None


class Soak:
    def __init__(self, client: LanguageClient, model: Model, rng: random.Random) -> None:
        self.client = client
        self.model = model
        self.rng = rng
        self.request_id = 0

    # -- documents ---------------------------------------------------------------------------

    def open(self, path: Path, language: str = "markdown") -> None:
        text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        self.model.texts[uri] = [text, 1]
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
        )

    def open_notebook(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells, refs, items = [], [], []
        for cell in data["cells"]:
            uri = self.new_cell_uri(path)
            kind = "markdown" if cell["cell_type"] == "markdown" else "code"
            text = "".join(cell["source"])
            cells.append((uri, kind, text))
            refs.append(types.NotebookCell(kind=cell_kind(kind), document=uri))
            items.append(types.TextDocumentItem(uri, language_of(kind), 1, text))
        self.model.notebook = Notebook(path.as_uri(), 1, cells)
        self.client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=path.as_uri(), notebook_type="jupyter-notebook", version=1, cells=refs
                ),
                cell_text_documents=items,
            )
        )

    def new_cell_uri(self, path: Path) -> str:
        self.model.cell_number += 1
        return f"vscode-notebook-cell:{path.as_posix()}#W{self.model.cell_number}"

    def random_range(self, text: str) -> tuple[int, int, types.Range]:
        """A random range as LSP positions, and the offsets the spec reads them as (a
        position inside a `\\r\\n` or past the end of a line means the end of the line)."""
        start = self.rng.randint(0, len(text))
        end = min(len(text), start + self.rng.choice([0, 0, 1, 3, 10, 40]))
        first = position_at(text, start, self.model.encoding)
        last = position_at(text, end, self.model.encoding)
        if self.rng.random() < 0.1:
            last = types.Position(last.line, last.character + self.rng.randint(1, 50))
        start = offset_at(text, first.line, first.character, self.model.encoding)
        end = offset_at(text, last.line, last.character, self.model.encoding)
        if end < start:
            start, end, first, last = end, start, last, first
        return start, end, types.Range(first, last)

    def edit_text(self, uri: str, whole: bool = False) -> None:
        entry = self.model.texts[uri]
        text, version = entry
        snippet = self.rng.choice(SNIPPETS)
        if whole:
            start, end, _ = self.random_range(text)
            new = text[:start] + snippet + text[end:]
            change: types.TextDocumentContentChangeEvent = (
                types.TextDocumentContentChangeWholeDocument(text=new)
            )
        else:
            start, end, rng = self.random_range(text)
            new = text[:start] + snippet + text[end:]
            change = types.TextDocumentContentChangePartial(range=rng, text=snippet)
        entry[0], entry[1] = new, version + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1), [change]
            )
        )

    def notebook_change(self, cells: types.NotebookDocumentCellChanges) -> None:
        notebook = self.model.notebook
        assert notebook is not None
        notebook.version += 1
        self.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(
                    version=notebook.version, uri=notebook.uri
                ),
                change=types.NotebookDocumentChangeEvent(cells=cells),
            )
        )

    def insert_cell(self) -> None:
        notebook = self.model.notebook
        assert notebook is not None
        at = self.rng.randint(0, len(notebook.cells))
        kind = self.rng.choice(["markdown", "markdown", "code"])
        uri = self.new_cell_uri(self.model.course / "06-serving.ipynb")
        text = self.rng.choice(["New cell about FSDP and Prefill.\n", "TTFT 😀 here", "x = 1"])
        notebook.cells.insert(at, (uri, kind, text))
        self.notebook_change(
            types.NotebookDocumentCellChanges(
                structure=types.NotebookDocumentCellChangeStructure(
                    array=types.NotebookCellArrayChange(
                        start=at,
                        delete_count=0,
                        cells=[types.NotebookCell(kind=cell_kind(kind), document=uri)],
                    ),
                    did_open=[types.TextDocumentItem(uri, language_of(kind), 1, text)],
                )
            )
        )

    def delete_cell(self) -> None:
        notebook = self.model.notebook
        assert notebook is not None
        if len(notebook.cells) <= 1:
            return
        at = self.rng.randrange(len(notebook.cells))
        uri, _kind, _text = notebook.cells.pop(at)
        self.notebook_change(
            types.NotebookDocumentCellChanges(
                structure=types.NotebookDocumentCellChangeStructure(
                    array=types.NotebookCellArrayChange(start=at, delete_count=1),
                    did_close=[types.TextDocumentIdentifier(uri=uri)],
                )
            )
        )

    def edit_cell(self) -> None:
        notebook = self.model.notebook
        assert notebook is not None
        at = self.rng.randrange(len(notebook.cells))
        uri, kind, text = notebook.cells[at]
        start, end, rng = self.random_range(text)
        snippet = self.rng.choice(SNIPPETS)
        notebook.cells[at] = (uri, kind, text[:start] + snippet + text[end:])
        self.notebook_change(
            types.NotebookDocumentCellChanges(
                text_content=[
                    types.NotebookDocumentCellContentChanges(
                        document=types.VersionedTextDocumentIdentifier(
                            uri=uri, version=notebook.version
                        ),
                        changes=[types.TextDocumentContentChangePartial(range=rng, text=snippet)],
                    )
                ]
            )
        )

    async def rewrite_glossary(self) -> None:
        path = self.model.course / "glossary.yaml"
        original = getattr(self, "_glossary", None) or path.read_text(encoding="utf-8")
        self._glossary = original
        if self.rng.random() < 0.4:
            text = original + "  - term: [broken\n"
        else:
            text = original + (
                f"  - term: Soakterm{self.rng.randint(0, 9)}\n    definition: A soak test term.\n"
            )
        path.write_text(text, encoding="utf-8")
        self.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)]
            )
        )
        await load_terms(self.client, self.model)

    # -- requests ----------------------------------------------------------------------------

    def any_document(self) -> tuple[str, str]:
        uris = list(self.model.texts)
        if self.model.notebook is not None:
            uris += [cell[0] for cell in self.model.notebook.cells]
        uri = self.rng.choice(uris)
        text = self.model.text_of(uri)
        assert text is not None
        return uri, text

    def random_position(self, text: str) -> types.Position:
        """Often inside a term's name, sometimes anywhere, sometimes out of range."""
        roll = self.rng.random()
        if roll < 0.6:
            names = [n for n in POSITION_TERMS if n in text]
            if names:
                name = self.rng.choice(names)
                spots = [m.start() for m in re.finditer(re.escape(name), text)]
                offset = self.rng.choice(spots) + self.rng.randint(0, len(name))
                return position_at(text, offset, self.model.encoding)
        if roll < 0.95:
            return position_at(text, self.rng.randint(0, len(text)), self.model.encoding)
        return types.Position(self.rng.randint(0, 10_000), self.rng.randint(0, 10_000))

    async def ask(self, method: str, params) -> object:
        self.request_id += 1
        future = self.client.protocol.send_request(method, params, msg_id=f"soak-{self.request_id}")
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), REQUEST_TIMEOUT)
        except asyncio.TimeoutError:
            self.model.violations.append(f"{method}: no answer in {REQUEST_TIMEOUT} s")
        except Exception as error:  # JSON-RPC errors: rename refusals, ContentModified
            reason = f"error {method}: {str(error)[:40]}"
            self.model.counts[reason] = self.model.counts.get(reason, 0) + 1
            if "Internal" in type(error).__name__:
                self.model.violations.append(f"{method}: internal error {error}")
        return None

    async def request(self) -> None:
        uri, text = self.any_document()
        position = self.random_position(text)
        identifier = types.TextDocumentIdentifier(uri=uri)
        kind = self.rng.choice(
            ["hover"] * 4
            + ["definition", "declaration", "completion", "references", "rename"] * 2
            + ["symbols", "lens", "workspace", "action", "cancel", "malformed"]
        )
        self.model.counts[kind] = self.model.counts.get(kind, 0) + 1
        check = self.model.check_range
        if kind == "hover":
            hover = await self.ask(
                types.TEXT_DOCUMENT_HOVER, types.HoverParams(identifier, position)
            )
            if isinstance(hover, types.Hover) and hover.range is not None:
                term = hover_term(hover)
                check("hover", term or "?", uri, hover.range)
        elif kind in ("definition", "declaration", "references", "rename"):
            hover = await self.ask(
                types.TEXT_DOCUMENT_HOVER, types.HoverParams(identifier, position)
            )
            term = hover_term(hover) if isinstance(hover, types.Hover) else None
            if kind == "definition":
                found = await self.ask(
                    types.TEXT_DOCUMENT_DEFINITION, types.DefinitionParams(identifier, position)
                )
                for location in as_list(found):
                    check(kind, term or "?", location.uri, location.range)
            elif kind == "declaration":
                found = await self.ask(
                    types.TEXT_DOCUMENT_DECLARATION, types.DeclarationParams(identifier, position)
                )
                for location in as_list(found):
                    check(kind, term or "?", location.uri, location.range)
            elif kind == "references":
                found = await self.ask(
                    types.TEXT_DOCUMENT_REFERENCES,
                    types.ReferenceParams(
                        text_document=identifier,
                        position=position,
                        context=types.ReferenceContext(include_declaration=self.rng.random() < 0.5),
                    ),
                )
                for location in as_list(found):
                    check(kind, term or "?", location.uri, location.range)
            else:
                edit = await self.ask(
                    types.TEXT_DOCUMENT_RENAME,
                    types.RenameParams(text_document=identifier, position=position, new_name="Zz"),
                )
                if isinstance(edit, types.WorkspaceEdit):
                    for edit_uri, edits in edits_of(edit).items():
                        for text_edit in edits:
                            check(kind, term or "?", edit_uri, text_edit.range)
        elif kind == "completion":
            result = await self.ask(
                types.TEXT_DOCUMENT_COMPLETION, types.CompletionParams(identifier, position)
            )
            for item in getattr(result, "items", [])[:3]:
                if item.text_edit is not None and not self.model.terms.get(item.label):
                    pass  # an alias label: its term is in label_details
        elif kind in ("symbols", "lens"):
            glossary = (self.model.course / "glossary.yaml").as_uri()
            params_id = types.TextDocumentIdentifier(uri=glossary)
            if kind == "symbols":
                symbols = await self.ask(
                    types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, types.DocumentSymbolParams(params_id)
                )
                for symbol in as_list(symbols):
                    if symbol.kind == types.SymbolKind.Constant:
                        check(kind, symbol.name, glossary, symbol.selection_range)
            else:
                await self.ask(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensParams(params_id))
        elif kind == "workspace":
            symbols = await self.ask(
                types.WORKSPACE_SYMBOL,
                types.WorkspaceSymbolParams(query=self.rng.choice(["", "f", "kv"])),
            )
            for symbol in as_list(symbols)[:10]:
                check(kind, symbol.name, symbol.location.uri, symbol.location.range)
        elif kind == "action":
            await self.ask(
                types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionParams(
                    identifier, types.Range(position, position), types.CodeActionContext([])
                ),
            )
        elif kind == "cancel":
            self.request_id += 1
            msg_id = f"soak-{self.request_id}"
            future = self.client.protocol.send_request(
                types.TEXT_DOCUMENT_REFERENCES,
                types.ReferenceParams(
                    text_document=identifier,
                    position=position,
                    context=types.ReferenceContext(include_declaration=True),
                ),
                msg_id=msg_id,
            )
            self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            try:
                await asyncio.wait_for(asyncio.wrap_future(future), REQUEST_TIMEOUT)
            except asyncio.TimeoutError:
                self.model.violations.append("cancelled request never answered")
            except Exception:
                pass
        else:  # malformed: the server answers with an error and keeps serving
            self.request_id += 1
            self.client.protocol._send_data(
                {
                    "jsonrpc": "2.0",
                    "id": f"soak-bad-{self.request_id}",
                    "method": self.rng.choice(["textDocument/hover", "textDocument/rename"]),
                    "params": self.rng.choice([{}, [1], {"textDocument": {"uri": uri}}]),
                }
            )

    # -- the run -----------------------------------------------------------------------------

    async def step(self) -> None:
        roll = self.rng.random()
        uri = self.rng.choice(list(self.model.texts))
        if roll < 0.25:
            self.edit_text(uri)
        elif roll < 0.30:
            self.edit_text(uri, whole=True)
        elif roll < 0.35:
            for _ in range(self.rng.randint(3, 12)):  # a burst, asked about at once
                self.edit_text(uri)
        elif roll < 0.40 and self.model.notebook is not None:
            self.rng.choice([self.insert_cell, self.delete_cell, self.edit_cell])()
        elif roll < 0.42:
            await self.rewrite_glossary()
        else:
            await self.request()

    async def sweep(self) -> int:
        """Append the sweep's terms to every open document and hover each: it names the term."""
        checked = 0
        for uri, entry in list(self.model.texts.items()):
            if uri.endswith(".ipynb") or uri.endswith(".yaml"):
                continue
            text, version = entry
            tail = "\n\nSweep: " + ", ".join(SWEEP_TERMS) + ".\n"
            at = position_at(text, len(text), self.model.encoding)
            entry[0], entry[1] = text + tail, version + 1
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
                    [types.TextDocumentContentChangePartial(range=types.Range(at, at), text=tail)],
                )
            )
            full = entry[0]
            for term in SWEEP_TERMS:
                offset = full.rindex(term) + 1
                hover = await self.ask(
                    types.TEXT_DOCUMENT_HOVER,
                    types.HoverParams(
                        types.TextDocumentIdentifier(uri=uri),
                        position_at(full, offset, self.model.encoding),
                    ),
                )
                checked += 1
                if not isinstance(hover, types.Hover) or hover_term(hover) != term:
                    named = hover_term(hover) if isinstance(hover, types.Hover) else None
                    self.model.violations.append(f"sweep: {uri} names {named!r}, not {term!r}")
                elif hover.range is not None:
                    self.model.check_range("sweep", term, uri, hover.range)
        return checked


def as_list(found) -> list:
    if found is None:
        return []
    return list(found) if isinstance(found, list | tuple) else [found]


def edits_of(edit: types.WorkspaceEdit) -> dict[str, list[types.TextEdit]]:
    if edit.document_changes:
        return {
            change.text_document.uri: list(change.edits)
            for change in edit.document_changes
            if isinstance(change, types.TextDocumentEdit)
        }
    return {uri: list(edits) for uri, edits in (edit.changes or {}).items()}


def cell_kind(kind: str) -> types.NotebookCellKind:
    return types.NotebookCellKind.Markup if kind == "markdown" else types.NotebookCellKind.Code


def language_of(kind: str) -> str:
    return "markdown" if kind == "markdown" else "python"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND),
    params=["vscode-notebooks", "neovim", "utf-32-only"],
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return types.ApplyWorkspaceEditResult(applied=False)

    await start_session(lsp_client, request.param, copy_course(tmp_path_factory.mktemp("soak")))
    yield
    await lsp_client.shutdown_session()


async def test_soak(client: LanguageClient):
    model = Model(encoding=client.encoding, course=client.course)
    rng = random.Random(f"{SEED}-{client.encoding}-{client.profile}")
    soak = Soak(client, model, rng)
    await load_terms(client, model)
    for name in ["03-self-attention.md", "05-distributed-training.md"]:
        soak.open(client.course / name)
    soak.open(client.course / "glossary.yaml", language="yaml")
    soak.open_notebook(client.course / "06-serving.ipynb")
    deadline = time.monotonic() + SECONDS
    operations = 0
    while time.monotonic() < deadline and operations < MAX_OPERATIONS:
        await soak.step()
        operations += 1
    swept = await soak.sweep()
    summary = f"{operations} operations, {swept} sweep hovers, {model.counts}"
    print(f"soak {client.profile} ({client.encoding}): {summary}")
    assert model.violations == [], "\n".join([summary, *model.violations[:30]])

"""The documents the client has open, as immutable snapshots.

Each text document (a file, an untitled buffer, a notebook cell) is a `TextSnapshot` per
version; a notebook document a `NotebookSnapshot` naming its cells. The store never changes a
snapshot nor a mapping it handed out: every change makes new ones, so a request (or a worker
thread) that took `OpenDocuments.current()` reads the documents as the client had them then,
however many edits arrive meanwhile. A snapshot builds its line index and document view once,
on first use, and every request on that version shares them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lsprotocol import types

from glossary_lsp.lsp.positions import Encoding
from glossary_lsp.lsp.sync import applied, apply_changes, change_range, spliced
from glossary_lsp.text.documents import (
    DocumentView,
    Edit,
    notebook_json,
    prepare_edits,
    view_document,
)
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.uris import path_to_uri, uri_key, uri_to_path

# From this size on, an open Markdown document's restart points are found with its first view.
LARGE_DOCUMENT_CHARS = 256 * 1024


_PATH_KEYS: dict[str, str] = {}  # an absolute path's spelling -> its URI's key
_PATH_KEYS_BOUND = 65_536


def path_key(path: Path) -> str:
    """The key of a path's URI, `uri_key(path_to_uri(path))`, remembered by its spelling."""
    spelling = str(path)
    key = _PATH_KEYS.get(spelling)
    if key is None:
        if len(_PATH_KEYS) >= _PATH_KEYS_BOUND:
            _PATH_KEYS.clear()
        key = _PATH_KEYS[spelling] = uri_key(path_to_uri(path))
    return key


class _Lazy:
    """Values built once per snapshot, on first use, whichever thread asks first."""

    __slots__ = ("_lock", "_values")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}

    def get(self, name: str, build: Any) -> Any:
        value = self._values.get(name)
        if value is None:
            with self._lock:
                value = self._values.get(name)
                if value is None:
                    value = self._values[name] = build()
        return value

    def take(self, name: str) -> Any:
        """A value handed over once (the view of the version before an edit)."""
        return self._values.pop(name, None)

    def built(self, name: str) -> bool:
        return name in self._values


@dataclass(frozen=True, eq=False)
class TextSnapshot:
    """One version of an open text document."""

    uri: str
    version: int
    text: str
    language_id: str = ""
    cell_kind: str | None = None  # "markdown" | "code" for a notebook cell
    _lazy: _Lazy = field(default_factory=_Lazy, repr=False)

    @property
    def path(self) -> Path | None:
        return uri_to_path(self.uri)

    @property
    def is_large(self) -> bool:
        """Large enough for its edits to be spliced into its view and its module refreshed
        before its own analysis (`LARGE_DOCUMENT_CHARS`)."""
        return len(self.text) >= LARGE_DOCUMENT_CHARS

    @property
    def lines(self) -> LineIndex:
        view = self._lazy._values.get("view")
        if view is not None:
            return view.lines
        return self._lazy.get("lines", self._build_lines)

    def _build_lines(self) -> LineIndex:
        view = self._lazy._values.get("view")  # built while this waited for the lock
        return view.lines if view is not None else LineIndex(self.text)

    def view(self) -> DocumentView:
        return self._lazy.get("view", self._build_view)

    def _build_view(self) -> DocumentView:
        # Runs under the lazy lock: the previous version's view is taken once, then let go.
        edited = self._lazy.take("edited")
        lines = self._lazy._values.get("lines")  # kept across edits: not measured again
        view = view_document(
            self.uri, self.text, self.language_id, self.cell_kind, edited=edited, lines=lines
        )
        if self.is_large:
            prepare_edits(view)  # an open document gets edited: its first edit is spliced too
        self._lazy.take("lines")  # the view's lines serve now (`lines`): one index per text
        return view

    def edited_from(self, old: TextSnapshot, edit: Edit | None) -> None:
        """This version is `old` after `edit`: its view is spliced from `old`'s (or from the
        view `old` would itself have been spliced from, when it never built one)."""
        if edit is None:
            return
        before = old._lazy._values.get("view")
        if before is not None:
            self._lazy._values["edited"] = (before, edit)
            return
        pending = old._lazy._values.get("edited")
        if pending is not None:
            view, first = pending
            combined = Edit(min(first.prefix, edit.prefix), min(first.suffix, edit.suffix))
            self._lazy._values["edited"] = (view, combined)

    def has_view(self) -> bool:
        return self._lazy.built("view")


@dataclass(frozen=True)
class CellRef:
    kind: str  # "markdown" | "code"
    uri: str


@dataclass(frozen=True, eq=False)
class NotebookSnapshot:
    """One version of an open notebook document: its cells, in order."""

    uri: str
    version: int
    cells: tuple[CellRef, ...]
    _lazy: _Lazy = field(default_factory=_Lazy, repr=False)

    @property
    def path(self) -> Path | None:
        return uri_to_path(self.uri)

    def cell_index(self, cell_uri: str) -> int | None:
        key = uri_key(cell_uri)
        for number, cell in enumerate(self.cells):
            if uri_key(cell.uri) == key:
                return number
        return None


def changed_text(
    text: str,
    changes: list[types.TextDocumentContentChangeEvent],
    codec: Encoding,
    lines: LineIndex | None,
) -> tuple[str, Edit | None, LineIndex | None]:
    """The text after the changes, the edit as the prefix and suffix the new text shares with
    the old one (None after a full-text change), and the new text's line index (updated from
    `lines`, the old one's, or from the one a partial change needed; None when the last change
    replaced the whole text)."""
    if not all(isinstance(c, types.TextDocumentContentChangePartial) for c in changes):
        text, lines = applied(text, changes, codec, lines)
        return text, None, lines
    prefix = suffix = len(text)
    for change in changes:
        assert isinstance(change, types.TextDocumentContentChangePartial)
        if lines is None or lines.text is not text:
            lines = LineIndex(text)
        start, end = change_range(lines, change, codec)
        # what lies before `prefix`, and `suffix` characters from the end, no change touched
        prefix, suffix = min(prefix, start), min(suffix, len(text) - end)
        new = spliced(text, start, end, change.text)
        lines = LineIndex.after_edit(lines, new, start, len(text) - end)
        text = new
    return text, Edit(prefix, suffix), lines


def cell_kind(cell: types.NotebookCell | types.NotebookCellKind) -> str:
    """A notebook cell's kind as document views name it: "markdown" or "code"."""
    kind = cell.kind if isinstance(cell, types.NotebookCell) else cell
    return "markdown" if kind == types.NotebookCellKind.Markup else "code"


@dataclass(frozen=True)
class DocumentsSnapshot:
    """The open documents at one moment. Immutable: safe to hand to a worker thread."""

    texts: Mapping[str, TextSnapshot] = field(default_factory=dict)
    notebooks: Mapping[str, NotebookSnapshot] = field(default_factory=dict)
    cell_notebooks: Mapping[str, str] = field(default_factory=dict)  # cell key -> notebook key

    def text(self, uri: str) -> TextSnapshot | None:
        return self.texts.get(uri_key(uri))

    def notebook(self, uri: str) -> NotebookSnapshot | None:
        return self.notebooks.get(uri_key(uri))

    def notebook_of_cell(self, cell_uri: str) -> NotebookSnapshot | None:
        key = self.cell_notebooks.get(uri_key(cell_uri))
        return self.notebooks.get(key) if key is not None else None

    def notebook_at(self, path: Path) -> NotebookSnapshot | None:
        return self.notebook(path_to_uri(path)) if path.suffix == ".ipynb" else None

    def cell_text(self, cell: CellRef) -> str:
        document = self.text(cell.uri)
        return document.text if document is not None else ""

    def notebook_source(self, notebook: NotebookSnapshot) -> str:
        """The notebook's cells as the `.ipynb` JSON the workspace index reads (once per
        version)."""

        def build() -> str:
            cells, language = [], "python"
            for cell in notebook.cells:
                document = self.text(cell.uri)
                cells.append((cell.kind, document.text if document is not None else ""))
                if cell.kind == "code" and document is not None and document.language_id:
                    language = document.language_id
            return notebook_json(cells, language)

        return str(notebook._lazy.get("json", build))

    def source_of(self, path: Path) -> str | None:
        """The text the editor has for a file: an open document's, or an open notebook's cells
        as `.ipynb` JSON; None when the file is not open. (The index asks it for every module a
        request looks at: one remembered key and a look-up each.)"""
        key = _PATH_KEYS.get(str(path)) or path_key(path)
        notebook = self.notebooks.get(key) if self.notebooks else None
        if notebook is not None and path.suffix == ".ipynb":
            return self.notebook_source(notebook)
        document = self.texts.get(key)
        return document.text if document is not None else None

    def open_uris(self) -> set[str]:
        return set(self.texts) | set(self.notebooks)


class OpenDocuments:
    """The store behind the snapshots: `didOpen`, `didChange`, `didClose` of texts and notebooks.

    Only the event loop calls the mutating methods; each one replaces the mappings whole.
    """

    def __init__(self) -> None:
        self._current = DocumentsSnapshot()

    def current(self) -> DocumentsSnapshot:
        return self._current

    def _commit(
        self,
        texts: dict[str, TextSnapshot] | None = None,
        notebooks: dict[str, NotebookSnapshot] | None = None,
        cell_notebooks: dict[str, str] | None = None,
    ) -> None:
        now = self._current
        self._current = DocumentsSnapshot(
            MappingProxyType(texts) if texts is not None else now.texts,
            MappingProxyType(notebooks) if notebooks is not None else now.notebooks,
            MappingProxyType(cell_notebooks) if cell_notebooks is not None else now.cell_notebooks,
        )

    # -- text documents ----------------------------------------------------------------------

    def open_text(self, item: types.TextDocumentItem, cell: str | None = None) -> TextSnapshot:
        snapshot = TextSnapshot(item.uri, item.version, item.text, item.language_id or "", cell)
        self._commit(texts={**self._current.texts, uri_key(item.uri): snapshot})
        return snapshot

    def change_text(
        self,
        identifier: types.VersionedTextDocumentIdentifier,
        changes: list[types.TextDocumentContentChangeEvent],
        codec: Encoding,
    ) -> TextSnapshot | None:
        key = uri_key(identifier.uri)
        old = self._current.texts.get(key)
        if old is None:
            return None
        lines = old.lines if old.has_view() or old._lazy.built("lines") else None
        text, edit, lines = changed_text(old.text, changes, codec, lines)
        snapshot = TextSnapshot(old.uri, identifier.version, text, old.language_id, old.cell_kind)
        snapshot.edited_from(old, edit)
        if lines is not None:  # the next edit finds it, whether a view is built or not
            snapshot._lazy._values["lines"] = lines
        self._commit(texts={**self._current.texts, key: snapshot})
        return snapshot

    def close_text(self, uri: str) -> None:
        texts = dict(self._current.texts)
        if texts.pop(uri_key(uri), None) is not None:
            self._commit(texts=texts)

    # -- notebook documents ------------------------------------------------------------------

    def open_notebook(self, params: types.DidOpenNotebookDocumentParams) -> NotebookSnapshot:
        notebook = params.notebook_document
        cells = tuple(CellRef(cell_kind(cell), cell.document) for cell in notebook.cells)
        kinds = {uri_key(cell.uri): cell.kind for cell in cells}
        texts = dict(self._current.texts)
        for item in params.cell_text_documents:
            key = uri_key(item.uri)
            texts[key] = TextSnapshot(
                item.uri, item.version, item.text, item.language_id or "", kinds.get(key, "code")
            )
        snapshot = NotebookSnapshot(notebook.uri, notebook.version, cells)
        owners = dict(self._current.cell_notebooks)
        owners.update({uri_key(cell.uri): uri_key(notebook.uri) for cell in cells})
        self._commit(texts, {**self._current.notebooks, uri_key(notebook.uri): snapshot}, owners)
        return snapshot

    def change_notebook(
        self, params: types.DidChangeNotebookDocumentParams, codec: Encoding
    ) -> NotebookSnapshot | None:
        key = uri_key(params.notebook_document.uri)
        old = self._current.notebooks.get(key)
        if old is None:
            return None
        cells = list(old.cells)
        texts = dict(self._current.texts)
        owners = dict(self._current.cell_notebooks)
        changes = params.change.cells
        if changes is not None:
            kinds = {uri_key(data.document): cell_kind(data.kind) for data in changes.data or []}
            cells = [replace(cell, kind=kinds.get(uri_key(cell.uri), cell.kind)) for cell in cells]
            structure = changes.structure
            if structure is not None:
                array = structure.array
                added = [CellRef(cell_kind(cell), cell.document) for cell in array.cells or []]
                cells[array.start : array.start + array.delete_count] = added
                for gone in structure.did_close or []:
                    texts.pop(uri_key(gone.uri), None)
                    owners.pop(uri_key(gone.uri), None)
                new_kinds = {uri_key(cell.uri): cell.kind for cell in cells}
                for item in structure.did_open or []:
                    cell_key = uri_key(item.uri)
                    texts[cell_key] = TextSnapshot(
                        item.uri,
                        item.version,
                        item.text,
                        item.language_id or "",
                        new_kinds.get(cell_key, "code"),
                    )
                    owners[cell_key] = key
            for content in changes.text_content or []:
                cell_key = uri_key(content.document.uri)
                document = texts.get(cell_key)
                if document is None:
                    continue
                text = apply_changes(document.text, content.changes, codec)
                texts[cell_key] = TextSnapshot(
                    document.uri,
                    content.document.version,
                    text,
                    document.language_id,
                    document.cell_kind,
                )
            for cell in cells:  # a cell whose kind changed gets a view of its new kind
                document = texts.get(uri_key(cell.uri))
                if document is not None and document.cell_kind != cell.kind:
                    texts[uri_key(cell.uri)] = replace(document, cell_kind=cell.kind, _lazy=_Lazy())
        snapshot = NotebookSnapshot(old.uri, params.notebook_document.version, tuple(cells))
        self._commit(texts, {**self._current.notebooks, key: snapshot}, owners)
        return snapshot

    def close_notebook(self, params: types.DidCloseNotebookDocumentParams) -> list[str]:
        """Forget a notebook and its cells; the cells' URIs."""
        key = uri_key(params.notebook_document.uri)
        old = self._current.notebooks.get(key)
        cell_uris = [cell.uri for cell in old.cells] if old is not None else []
        cell_uris += [cell.uri for cell in params.cell_text_documents if cell.uri not in cell_uris]
        texts = dict(self._current.texts)
        owners = dict(self._current.cell_notebooks)
        for uri in cell_uris:
            texts.pop(uri_key(uri), None)
            owners.pop(uri_key(uri), None)
        notebooks = dict(self._current.notebooks)
        notebooks.pop(key, None)
        self._commit(texts, notebooks, owners)
        return cell_uris


# ----------------------------------------------------------------------------- memory


def release_freed_memory() -> None:
    """After a large document closed: collect what only cycles keep, and give the freed
    memory back to the system. Python frees a large text's blocks to the C allocator, which
    keeps them in its heap (glibc's dynamic mmap threshold grows past a 10 MB text once one is
    freed); glibc's `malloc_trim` returns them. Elsewhere only the collection runs."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


# glibc's `mallopt` parameter: blocks from this size on are mapped apart and unmapped when freed
_M_MMAP_THRESHOLD = -3
_LARGE_BLOCK = 256 * 1024


def return_large_blocks() -> None:
    """At the server's start: a block of 256 KB or more (a large document's text, its lists of
    offsets) is given back to the system as soon as it is freed, whenever that is (glibc would
    otherwise raise that threshold to the largest block freed so far and keep such blocks in
    its heap). Elsewhere nothing."""
    mallopt = _libc_function("mallopt", [ctypes.c_int, ctypes.c_int])
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _LARGE_BLOCK)


def _malloc_trim() -> Any:
    return _libc_function("malloc_trim", [ctypes.c_size_t])


_LIBC: dict[str, Any] = {}  # C functions looked up once (None: missing)


def _libc_function(name: str, argtypes: list) -> Any:
    if name not in _LIBC:
        found = None
        try:
            library = ctypes.util.find_library("c")
            found = getattr(ctypes.CDLL(library), name, None) if library else None
        except OSError:
            found = None
        if found is not None:
            found.argtypes = argtypes
            found.restype = ctypes.c_int
        _LIBC[name] = found
    return _LIBC[name]

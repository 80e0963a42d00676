"""Documents: the view of a document chosen from its kind, and the one way to read a file.

A Markdown file or a notebook cell opened on its own is one region whose text is the source; a
raw `.ipynb` has one region per cell (`notebook.py`). Prose is found by `prose.py`.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from weakref import WeakValueDictionary

from .front_matter import front_matter_of, front_matter_span
from .notebook import notebook_json, view_notebook
from .positions import LineIndex
from .prose import cell_region
from .splice import Edit, block_starts, spliceable, spliced_view
from .views import CODE, MARKDOWN, DocumentView, Region

# The server (lsp/) imports these from here.
__all__ = [
    "DocumentView",
    "Edit",
    "Region",
    "notebook_json",
    "prepare_edits",
    "read_document",
    "view_document",
]

log = logging.getLogger(__name__)

MARKDOWN_LANGUAGES = {"markdown", "mdx", "quarto", "rmd"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx", ".qmd", ".rmd"}
_NOTEBOOK_LANGUAGES = {"jupyter", "ipynb"}

# Larger documents are not analysed: a clear error instead of seconds of work per edit.
MAX_DOCUMENT_CHARS = 32 * 1024 * 1024
MAX_FILE_BYTES = 32 * 1024 * 1024
_BINARY_PROBE = 8192


def view_document(
    path_or_uri: str,
    source: str,
    language_id: str | None = None,
    cell_kind: str | None = None,
    code_comments: bool = False,
    edited: tuple[DocumentView, Edit] | None = None,
    lines: LineIndex | None = None,
) -> DocumentView:
    """The view of a document, chosen from the cell kind, the language id and the path.

    `edited`: the view of the version before an edit, and the edit: a Markdown file's view is
    then spliced from it (`splice.py`), the same as a full parse, for a fraction of the cost.
    `lines`: the line index of `source` when the caller has it (an open document's, kept
    across its edits): a Markdown view takes it instead of measuring the lines again.
    """
    if len(source) > MAX_DOCUMENT_CHARS:
        return _refused(source, f"{len(source):,} characters is over the "
                        f"{MAX_DOCUMENT_CHARS:,} character limit: not analysed")  # fmt: skip
    language = (language_id or "").lower()
    is_cell_uri = path_or_uri.startswith("vscode-notebook-cell:")
    if cell_kind is None and is_cell_uri:
        cell_kind = MARKDOWN if language in MARKDOWN_LANGUAGES else CODE
    if cell_kind is not None:
        region = cell_region(cell_kind, source, 0, language, code_comments)
        return DocumentView(source, LineIndex(source), [region], _front_matter(region))
    suffix = _suffix(path_or_uri)
    if language in MARKDOWN_LANGUAGES:
        return _markdown_view(source, language, edited, lines)
    if suffix == ".ipynb" or language in _NOTEBOOK_LANGUAGES:
        return view_notebook(source, code_comments=code_comments)
    if language == "json" or suffix == ".json":
        if '"cells"' not in source and '"worksheets"' not in source:
            return DocumentView(source, LineIndex(source), [])
        view = view_notebook(source, code_comments=code_comments)
        if view.error is not None:
            view.error = None  # some other JSON file: nothing to say about it
        return view
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown_view(source, "mdx" if suffix == ".mdx" else MARKDOWN, edited, lines)
    return DocumentView(source, LineIndex(source), [])


def _refused(source: str, error: str) -> DocumentView:
    return DocumentView(source, LineIndex(source), [], {}, error)


# The Markdown views alive, by (id of the source, language): the server's snapshot of a
# document and the course index share one view of a version instead of parsing it twice. Weak:
# a view goes when nothing else keeps it (a closed document keeps no memory here).
_VIEWS: WeakValueDictionary[tuple[int, str], DocumentView] = WeakValueDictionary()
_VIEWS_LOCK = threading.Lock()
_BUILDING: dict[tuple[int, str], threading.Event] = {}  # views being built, by the same key
_BLANKED = re.compile(r"[^\n]")


def _markdown_view(
    source: str,
    language: str,
    edited: tuple[DocumentView, Edit] | None = None,
    lines: LineIndex | None = None,
) -> DocumentView:
    key = (id(source), language)
    while True:
        with _VIEWS_LOCK:
            known = _VIEWS.get(key)
            if known is not None and known.source is source:
                return known
            building = _BUILDING.get(key)
            if building is None:
                building = _BUILDING[key] = threading.Event()
                break
        # another thread builds the view of this very text (the snapshot of an edit, the
        # index reading it): one view, not two of a large document at once
        building.wait()
    try:
        known_lines = lines if lines is not None and lines.text is source else None
        view = _new_markdown_view(source, language, edited, known_lines)
        if view.regions:  # a refused (binary) text is not shared
            with _VIEWS_LOCK:
                _VIEWS[key] = view
        return view
    finally:
        with _VIEWS_LOCK:
            _BUILDING.pop(key, None)
        building.set()


def _new_markdown_view(
    source: str,
    language: str,
    edited: tuple[DocumentView, Edit] | None,
    lines: LineIndex | None,
) -> DocumentView:
    if "\0" in source[:_BINARY_PROBE]:
        return _refused(source, "line 1: a binary file (NUL bytes), not Markdown")
    view = None
    if edited is not None:
        try:
            view = _spliced(source, language, edited, lines)
        except Exception:  # never worse than a full parse
            log.exception("splicing the view of an edit failed; parsing the whole document")
    if view is None:
        region = cell_region(MARKDOWN, source, 0, language, code_comments=False)
        index = lines if lines is not None else LineIndex(source)
        view = DocumentView(source, index, [region], _front_matter(region))
    return view


def _spliced(
    source: str, language: str, edited: tuple[DocumentView, Edit], lines: LineIndex | None
) -> DocumentView | None:
    old, edit = edited
    if not old.regions or old.regions[0].language != language:
        return None
    front_matter = front_matter_span(old.source)
    if front_matter_span(source) != front_matter:  # an edit that makes or ends front matter
        return None
    front_matter_end = front_matter[2] if front_matter is not None else 0
    if old.restarts is None:
        old.restarts = _restarts(old.source, front_matter_end)
    return spliced_view(old, old.restarts, source, edit, front_matter_end, lines)


def prepare_edits(view: DocumentView) -> None:
    """Find a Markdown view's restart points now (off the event loop), so that the first edit
    of a large document is spliced as fast as the ones after it."""
    if view.restarts is not None or len(view.regions) != 1 or view.regions[0].kind != MARKDOWN:
        return
    front_matter = front_matter_span(view.source)
    view.restarts = _restarts(view.source, front_matter[2] if front_matter is not None else 0)


def _restarts(source: str, front_matter_end: int) -> list[int]:
    """Where a parse of a whole document may restart; [] when it cannot be spliced."""
    if not spliceable(source, front_matter_end):
        return []
    if front_matter_end:  # parsed as `prose.py` parses it: the front matter blanked
        source = _BLANKED.sub(" ", source[:front_matter_end]) + source[front_matter_end:]
    return block_starts(source)


def _suffix(path_or_uri: str) -> str:
    path = urlsplit(path_or_uri).path if "://" in path_or_uri else path_or_uri
    return PurePosixPath(unquote(path).replace("\\", "/")).suffix.lower()


def _front_matter(region: Region) -> dict:
    return {} if region.kind == CODE else front_matter_of(region.text)


def read_document(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, str | None]:
    """(text, problem) of a course file: UTF-8 with or without a BOM, within a size limit.

    A file over the limit or with NUL bytes gives no text; invalid UTF-8 gives the text with
    replacement characters and the line of the first bad byte.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, f"skipped: {size} bytes is over the {max_bytes} byte limit"
        data = path.read_bytes()
    except OSError as error:
        return None, f"unreadable: {error.strerror or error}"
    if b"\0" in data[:_BINARY_PROBE]:
        return None, "skipped: binary file"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return data.decode("utf-8-sig", errors="replace"), f"line {line}: invalid UTF-8"

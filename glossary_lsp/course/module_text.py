"""A module's text as the index reads it without a full view: its front matter and first heading,
a notebook's cells, the stamp that says a file on disk is unchanged, and its document view."""

from __future__ import annotations

import json
import re
from pathlib import Path

from glossary_lsp.text.documents import Edit, view_document
from glossary_lsp.text.front_matter import front_matter_of, front_matter_span, load_front_matter
from glossary_lsp.text.views import DocumentView

HEADING_SEARCH_CHARS = 20_000
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LANGUAGE_IDS = {".qmd": "markdown"}  # Quarto's Markdown, read as Markdown


def heading_of(view: DocumentView) -> str | None:
    for region in view.regions:
        if region.kind == "markdown":
            heading = _HEADING.search(region.text)
            if heading:
                return heading.group(1)
    return None


def view_module(
    path: Path, source: str, edited: tuple[DocumentView, Edit] | None = None
) -> DocumentView:
    """`edited`: the view of the text before an edit, and the edit (see `view_document`)."""
    return view_document(str(path), source, _LANGUAGE_IDS.get(path.suffix), edited=edited)


def file_stamp(path: Path) -> object:
    """What says a file on disk is unchanged (see `WorkspaceIndex._stamp`)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def markdown_header(source: str) -> tuple[dict, str | None]:
    """A Markdown module's front matter and first `# heading`, read without parsing the rest."""
    span = front_matter_span(source)
    front_matter = load_front_matter(source[span[0] : span[1]]) if span else {}
    body = span[2] if span else 0
    heading = _HEADING.search(source, body, body + HEADING_SEARCH_CHARS)
    return front_matter, heading.group(1) if heading else None


def _nbformat4_cells(source: str) -> list[tuple[str, str]] | None:
    """(cell type, source) of a plain nbformat 4 notebook's cells; None for anything else."""
    try:
        notebook = json.loads(source)
    except ValueError:
        return None
    if not isinstance(notebook, dict) or notebook.get("nbformat") != 4:
        return None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return None
    found = []
    for cell in cells:
        text = cell.get("source", "") if isinstance(cell, dict) else None
        if isinstance(text, list) and all(isinstance(line, str) for line in text):
            text = "".join(text)
        if not isinstance(text, str):
            return None
        found.append((str(cell.get("cell_type")), text))
    return found


def notebook_header(source: str) -> tuple[dict, str | None] | None:
    """A notebook's front matter (its first cell's, when Markdown or raw) and first `# heading`
    of a Markdown cell, read without finding the prose of every cell (what `heading_of` and the
    notebook view give); None when it is not plain nbformat 4."""
    cells = _nbformat4_cells(source)
    if cells is None:
        return None
    front_matter: dict = {}
    if cells and cells[0][0] in ("markdown", "raw"):
        front_matter = front_matter_of(cells[0][1])
    for kind, text in cells:
        heading = _HEADING.search(text) if kind == "markdown" else None
        if heading:
            return front_matter, heading.group(1)
    return front_matter, None


def notebook_text(source: str) -> str | None:
    """Every cell's text of a plain nbformat 4 notebook, decoded (for a quick search: a
    superset of its prose)."""
    cells = _nbformat4_cells(source)
    return None if cells is None else "\n".join(text for _kind, text in cells)

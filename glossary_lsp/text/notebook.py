"""Raw notebooks: the cells of an `.ipynb` JSON text as regions with exact offset maps.

Every logical offset of a cell's text maps back to the exact offset in the JSON, through
escapes (`\\n`, `\\"`, `\\uXXXX`, surrogate pairs) and the joins of a list of strings. Only a
cell's `source` (`input` for an nbformat 3 code cell) is text: outputs, metadata and a Markdown
cell's `attachments` are not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .front_matter import front_matter_of
from .positions import LineIndex
from .prose import cell_region
from .views import CODE, MARKDOWN, RAW, DocumentView, JsonStringsMap, Region

_JSON_TOKEN = re.compile(
    r'[ \t\r\n]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([{}\[\],:])|([^\s{}\[\],:"]+))', re.S
)
_JSON_SPACE = re.compile(r"[ \t\r\n]*")
_JSON_VALUE = json.JSONDecoder().raw_decode
_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\s\S]))")
_LOW_SURROGATE_ESCAPE = re.compile(r"\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


class NotebookError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


def notebook_json(cells: list[tuple[str, str]], language: str = "python") -> str:
    """The `.ipynb` JSON of a notebook's (kind, text) cells, kind "markdown" or "code": how the
    workspace index reads a notebook that is open, unsaved, in an editor."""
    return json.dumps(
        {
            "cells": [{"cell_type": kind, "metadata": {}, "source": text} for kind, text in cells],
            "metadata": {"language_info": {"name": language}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        ensure_ascii=False,
    )


def view_notebook(source: str, code_comments: bool = False) -> DocumentView:
    """The cells of a notebook's JSON text as regions mapped back into the JSON."""
    lines = LineIndex(source)
    try:
        regions = notebook_regions(source, code_comments)
    except NotebookError as error:
        return DocumentView(source, lines, [], {}, str(error))
    front_matter = {}
    if regions and regions[0].index == 0 and regions[0].kind in (MARKDOWN, RAW):
        front_matter = front_matter_of(regions[0].text)
    return DocumentView(source, lines, regions, front_matter)


def notebook_regions(source: str, code_comments: bool = False) -> list[Region]:
    """One region per cell; raises NotebookError for malformed JSON or a non-notebook.

    nbformat 4 keeps the cells in `cells`; nbformat 3 in `worksheets[].cells`, with a code
    cell's text under `input` and `heading` cells (read here as Markdown).
    """
    try:
        notebook = json.loads(source)
    except json.JSONDecodeError as error:
        raise NotebookError(error.lineno, error.msg) from None
    except RecursionError:
        raise NotebookError(1, "JSON nested too deeply") from None
    cells = _cells_of(notebook)
    if cells is None:
        raise NotebookError(1, 'not a Jupyter notebook (no "cells" list, nor "worksheets")')
    language = _notebook_language(notebook)
    source_tokens = _cell_source_tokens(source)
    if len(source_tokens) != len(cells):
        raise NotebookError(1, "could not locate the cells in the JSON text")
    lines = None
    regions = []
    for index, (cell, tokens) in enumerate(zip(cells, source_tokens)):  # noqa: B905 - same length
        if not isinstance(cell, dict) or not _is_text(cell.get(tokens.key, "")):
            lines = lines or LineIndex(source)
            what = (
                "not an object"
                if not isinstance(cell, dict)
                else (f'its "{tokens.key}" is not a string or a list of strings')
            )
            raise NotebookError(lines.line_of(tokens.position) + 1, f"cell {index + 1}: {what}")
        cell_type = cell.get("cell_type")
        kind = (
            MARKDOWN if cell_type in (MARKDOWN, "heading") else CODE if cell_type == CODE else RAW
        )
        text, mapping = _decode_strings(source, tokens)
        region_language = MARKDOWN if kind == MARKDOWN else language
        regions.append(
            cell_region(kind, text, index, region_language, code_comments, mapping, index == 0)
        )
    return regions


_CELL_KINDS = {MARKDOWN: MARKDOWN, "heading": MARKDOWN, CODE: CODE}


def _cells_of(notebook: object) -> list | None:
    if not isinstance(notebook, dict):
        return None
    cells = notebook.get("cells")
    if isinstance(cells, list):
        return cells
    worksheets = notebook.get("worksheets")
    if not isinstance(worksheets, list) or "cells" in notebook:
        return None
    found: list = []
    for worksheet in worksheets:
        if isinstance(worksheet, dict) and isinstance(worksheet.get("cells"), list):
            found.extend(worksheet["cells"])
    return found


def _is_text(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _notebook_language(notebook: dict[str, Any]) -> str:
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field_name in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field_name), str):
            return section[field_name].lower()
    return "python"


@dataclass
class _SourceTokens:
    """The string literals of one cell's text, or where an empty/absent text sits."""

    strings: list[tuple[int, int]]  # (opening quote, after the closing quote)
    anchor: int
    key: str = "source"  # "input" for an nbformat 3 code cell
    position: int = 0  # where the cell starts in the JSON, for errors


class _JsonScanner:
    """Walks already validated JSON by tokens, to find the spans of cell sources."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0

    def next(self) -> re.Match[str]:
        token = _JSON_TOKEN.match(self.source, self.position)
        if token is None:
            raise NotebookError(1, "unexpected JSON structure")
        self.position = token.end()
        return token

    def peek(self) -> re.Match[str]:
        token = _JSON_TOKEN.match(self.source, self.position)
        if token is None:
            raise NotebookError(1, "unexpected JSON structure")
        return token

    def skip_value(self) -> None:
        """Past the value starting here: read by the `json` module's scanner (a notebook's
        outputs are most of its text: token by token took four-fifths of reading it)."""
        start = _JSON_SPACE.match(self.source, self.position).end()  # type: ignore[union-attr]
        try:
            _value, self.position = _JSON_VALUE(self.source, start)
        except (ValueError, RecursionError):
            self._skip_tokens()

    def _skip_tokens(self) -> None:
        token = self.next()
        if token.group(2) not in ("{", "["):
            return
        depth = 1
        while depth:
            punctuation = self.next().group(2)
            if punctuation in ("{", "["):
                depth += 1
            elif punctuation in ("}", "]"):
                depth -= 1

    def members(self) -> Iterator[str]:
        """The keys of the object starting here; the caller reads or skips each value."""
        self.next()  # {
        while True:
            token = self.next()
            if token.group(2) == "}":
                return
            if token.group(2) == ",":
                continue
            key = _decode_key(token.group(1))
            self.next()  # :
            yield key

    def elements(self) -> Iterator[None]:
        """Positions at each element of the array starting here."""
        self.next()  # [
        while True:
            following = self.peek()
            if following.group(2) == "]":
                self.next()
                return
            if following.group(2) == ",":
                self.next()
                continue
            yield None


def _decode_key(token: str) -> str:
    return json.loads(token) if "\\" in token else token[1:-1]


def _cell_source_tokens(source: str) -> list[_SourceTokens]:
    scanner = _JsonScanner(source)
    cells: list[_SourceTokens] = []
    worksheet_cells: list[_SourceTokens] = []
    for key in scanner.members():
        if key == "cells":
            cells = [_cell_tokens(scanner) for _ in scanner.elements()]
        elif key == "worksheets" and scanner.peek().group(2) == "[":
            worksheet_cells = []
            for _ in scanner.elements():
                worksheet_cells.extend(_worksheet_cells(scanner))
        else:
            scanner.skip_value()
    return cells or worksheet_cells


def _worksheet_cells(scanner: _JsonScanner) -> list[_SourceTokens]:
    if scanner.peek().group(2) != "{":
        scanner.skip_value()
        return []
    cells: list[_SourceTokens] = []
    for key in scanner.members():
        if key == "cells" and scanner.peek().group(2) == "[":
            cells = [_cell_tokens(scanner) for _ in scanner.elements()]
        else:
            scanner.skip_value()
    return cells


def _cell_tokens(scanner: _JsonScanner) -> _SourceTokens:
    start = scanner.peek()
    position = start.end() - 1
    if start.group(2) != "{":
        scanner.skip_value()
        return _SourceTokens([], start.end(), position=position)
    by_key: dict[str, _SourceTokens] = {}
    for key in scanner.members():
        if key in ("source", "input"):
            by_key[key] = _text_tokens(scanner, key, position)
        else:
            scanner.skip_value()
    found = by_key.get("source") or by_key.get("input")
    return found or _SourceTokens([], scanner.position, position=position)


def _text_tokens(scanner: _JsonScanner, key: str, position: int) -> _SourceTokens:
    value = scanner.peek()
    if value.group(1) is not None:
        scanner.next()
        return _SourceTokens([value.span(1)], value.start(1) + 1, key, position)
    if value.group(2) == "[":
        strings = []
        anchor = value.end()
        for _ in scanner.elements():
            item = scanner.next()
            if item.group(1) is not None:
                strings.append(item.span(1))
            elif item.group(2) in ("{", "["):
                scanner.position = item.start()
                scanner.skip_value()
        return _SourceTokens(strings, anchor, key, position)
    scanner.skip_value()
    return _SourceTokens([], value.end(), key, position)


def _decode_strings(source: str, tokens: _SourceTokens) -> tuple[str, JsonStringsMap]:
    """The concatenated decoded text of JSON string literals and its map to the source."""
    mapping = JsonStringsMap(tokens.anchor)
    pieces: list[str] = []
    for quote_start, quote_end in tokens.strings:
        content_start, content_end = quote_start + 1, quote_end - 1
        logical_start = mapping.length
        position = content_start
        while position < content_end:
            escape = _JSON_ESCAPE.search(source, position, content_end)
            plain_end = escape.start() if escape else content_end
            if plain_end > position:
                pieces.append(source[position:plain_end])
                mapping.add_run(position, plain_end - position, escape=False)
            if escape is None:
                break
            char, escape_end = _decode_escape(source, escape, content_end)
            pieces.append(char)
            mapping.add_run(escape.start(), 1, escape=True)
            position = escape_end
        mapping.add_string(content_start, content_end, logical_start)
    return "".join(pieces), mapping


def _decode_escape(source: str, escape: re.Match[str], content_end: int) -> tuple[str, int]:
    """The character an escape stands for and the source offset after it."""
    hex_digits = escape.group(1)
    if hex_digits is None:
        return _SIMPLE_ESCAPES.get(escape.group(2), escape.group(2)), escape.end()
    code = int(hex_digits, 16)
    if 0xD800 <= code <= 0xDBFF:
        low = _LOW_SURROGATE_ESCAPE.match(source, escape.end(), content_end)
        if low is not None:
            low_code = int(low.group(1), 16)
            return chr(0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)), low.end()
    return chr(code), escape.end()

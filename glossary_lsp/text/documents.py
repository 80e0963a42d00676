"""Document views: a document as regions of analysable text, with prose spans and offset maps.

A Markdown file or a notebook cell opened on its own is one region whose text is the source.
A raw `.ipynb` (a notebook opened as JSON text) has one region per cell whose text is the
decoded cell source; every logical offset maps back to the exact offset in the JSON, through
escapes (`\\n`, `\\"`, `\\uXXXX`, surrogate pairs) and the joins of a list of strings.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import yaml

from .positions import LineIndex

try:
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _YamlLoader = yaml.SafeLoader

MARKDOWN = "markdown"
CODE = "code"
RAW = "raw"

_MARKDOWN_LANGUAGES = {"markdown", "mdx", "quarto", "rmd"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx", ".qmd", ".rmd"}
_NOTEBOOK_LANGUAGES = {"jupyter", "ipynb"}
_C_LIKE_LANGUAGES = {
    "javascript", "typescript", "javascriptreact", "typescriptreact", "java", "c", "cpp",
    "csharp", "go", "rust", "scala", "kotlin", "swift", "dart",
}  # fmt: skip


# ----------------------------------------------------------------------------- offset maps


class OffsetMap(Protocol):
    def to_source(self, offset: int) -> int: ...
    def from_source(self, source_offset: int) -> int | None: ...


@dataclass(frozen=True, slots=True)
class ShiftMap:
    """The logical text is `source[base : base + length]`."""

    base: int
    length: int

    def to_source(self, offset: int) -> int:
        return self.base + max(0, min(offset, self.length))

    def from_source(self, source_offset: int) -> int | None:
        offset = source_offset - self.base
        return offset if 0 <= offset <= self.length else None


class JsonStringsMap:
    """The logical text is the concatenation of decoded JSON string literals of the source.

    Kept as runs: a plain run maps character for character; an escape run is one logical
    character written as several source characters (`\\n`, `\\u00e9`, `\\ud83d\\ude80`).
    """

    __slots__ = (
        "_run_logical", "_run_source", "_run_escape", "_strings", "_string_starts", "length",
        "anchor",
    )  # fmt: skip

    def __init__(self, anchor: int) -> None:
        self._run_logical: list[int] = []
        self._run_source: list[int] = []
        self._run_escape: list[bool] = []
        # (content start, content end, logical start, logical end) of every string literal
        self._strings: list[tuple[int, int, int, int]] = []
        self._string_starts: list[int] = []
        self.length = 0
        self.anchor = anchor  # where an empty list of strings is, in the source

    def add_run(self, source_start: int, length: int, escape: bool) -> None:
        self._run_logical.append(self.length)
        self._run_source.append(source_start)
        self._run_escape.append(escape)
        self.length += length

    def add_string(self, content_start: int, content_end: int, logical_start: int) -> None:
        self._strings.append((content_start, content_end, logical_start, self.length))
        self._string_starts.append(content_start)

    def to_source(self, offset: int) -> int:
        offset = max(0, min(offset, self.length))
        if offset == self.length:
            return self._strings[-1][1] if self._strings else self.anchor
        run = bisect.bisect_right(self._run_logical, offset) - 1
        if self._run_escape[run]:
            return self._run_source[run]
        return self._run_source[run] + offset - self._run_logical[run]

    def from_source(self, source_offset: int) -> int | None:
        index = bisect.bisect_right(self._string_starts, source_offset) - 1
        if index < 0:
            return 0 if source_offset == self.anchor and not self._strings else None
        content_start, content_end, logical_start, logical_end = self._strings[index]
        if source_offset > content_end:
            return None
        if source_offset == content_end:
            return logical_end
        run = bisect.bisect_right(self._run_source, source_offset) - 1
        if self._run_escape[run]:
            return self._run_logical[run]
        return self._run_logical[run] + source_offset - self._run_source[run]


# ----------------------------------------------------------------------------- views


@dataclass
class Region:
    """Analysable text of a document: a Markdown file, a notebook cell, a cell inside a JSON.

    `prose` lists the spans (logical offsets) where glossary terms count as used in prose.
    """

    kind: str
    text: str
    index: int
    prose: list[tuple[int, int]]
    mapping: OffsetMap | None = field(default=None, repr=False)
    language: str = ""

    def __post_init__(self) -> None:
        if self.mapping is None:
            self.mapping = ShiftMap(0, len(self.text))

    def to_source(self, offset: int) -> int:
        """The source offset of a logical offset (clamped into the text)."""
        return self.mapping.to_source(offset)

    def from_source(self, source_offset: int) -> int | None:
        """The logical offset of a source offset; None when it is outside this region."""
        return self.mapping.from_source(source_offset)

    @property
    def source_span(self) -> tuple[int, int]:
        return self.to_source(0), self.to_source(len(self.text))

    def in_prose(self, offset: int) -> bool:
        index = bisect.bisect_right(self.prose, (offset, float("inf"))) - 1
        return index >= 0 and self.prose[index][0] <= offset < self.prose[index][1]


@dataclass
class DocumentView:
    """A document's source, its line index and its regions (in source order)."""

    source: str
    lines: LineIndex
    regions: list[Region]
    front_matter: dict = field(default_factory=dict)
    error: str | None = None

    def locate(self, source_offset: int) -> tuple[Region, int] | None:
        """The region containing a source offset and the logical offset in it."""
        starts = [region.source_span[0] for region in self.regions]
        index = bisect.bisect_right(starts, source_offset) - 1
        # A region may end exactly where the next one starts; the later one wins, the earlier
        # one still answers for its own end (cursor right after its last word).
        for candidate in (index, index - 1):
            if 0 <= candidate < len(self.regions):
                region = self.regions[candidate]
                offset = region.from_source(source_offset)
                if offset is not None:
                    return region, offset
        return None


def view_document(
    path_or_uri: str,
    source: str,
    language_id: str | None = None,
    cell_kind: str | None = None,
    code_comments: bool = False,
) -> DocumentView:
    """The view of a document, chosen from the cell kind, the language id and the path."""
    language = (language_id or "").lower()
    is_cell_uri = path_or_uri.startswith("vscode-notebook-cell:")
    if cell_kind is None and is_cell_uri:
        cell_kind = MARKDOWN if language in _MARKDOWN_LANGUAGES else CODE
    if cell_kind is not None:
        region = _cell_region(cell_kind, source, 0, language, code_comments)
        return DocumentView(source, LineIndex(source), [region], _front_matter_of(region))
    suffix = _suffix(path_or_uri)
    if language in _MARKDOWN_LANGUAGES:
        return _markdown_view(source, language)
    if suffix == ".ipynb" or language in _NOTEBOOK_LANGUAGES:
        return view_notebook(source, code_comments=code_comments)
    if language == "json" or suffix == ".json":
        if '"cells"' not in source:
            return DocumentView(source, LineIndex(source), [])
        view = view_notebook(source, code_comments=code_comments)
        if view.error is not None:
            view.error = None  # some other JSON file: nothing to say about it
        return view
    if suffix in _MARKDOWN_SUFFIXES:
        return _markdown_view(source, "mdx" if suffix == ".mdx" else MARKDOWN)
    return DocumentView(source, LineIndex(source), [])


def _markdown_view(source: str, language: str) -> DocumentView:
    region = _cell_region(MARKDOWN, source, 0, language, code_comments=False)
    return DocumentView(source, LineIndex(source), [region], _front_matter_of(region))


def _suffix(path_or_uri: str) -> str:
    path = urlsplit(path_or_uri).path if "://" in path_or_uri else path_or_uri
    return PurePosixPath(unquote(path).replace("\\", "/")).suffix.lower()


def _cell_region(
    kind: str, text: str, index: int, language: str, code_comments: bool, mapping=None
) -> Region:
    if kind == MARKDOWN:
        prose = markdown_prose(text, mdx=language == "mdx")
    elif kind == CODE and code_comments:
        prose = comment_prose(text, language)
    else:
        prose = []
    return Region(kind, text, index, prose, mapping, language)


def _front_matter_of(region: Region) -> dict:
    if region.kind == CODE:
        return {}
    span = front_matter_span(region.text)
    return load_front_matter(region.text[span[0] : span[1]]) if span else {}


# ----------------------------------------------------------------------------- front matter

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_FENCE_OPEN = re.compile(r"\ufeff?---[ \t]*$")
_FENCE_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*$")


def front_matter_span(text: str) -> tuple[int, int, int] | None:
    """(body start, body end, block end) of YAML front matter at the very top, or None."""
    lines = _LINE.finditer(text)
    first = next(lines, None)
    if first is None or not _FENCE_OPEN.match(first.group().rstrip("\r\n")):
        return None
    for line in lines:
        if not line.group():
            return None
        if _FENCE_CLOSE.match(line.group().rstrip("\r\n")):
            return first.end(), line.start(), line.end()
    return None


def load_front_matter(body: str) -> dict:
    """Front matter YAML loaded safely; `{}` for anything broken or not a mapping."""
    try:
        data = yaml.load(body, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


# ----------------------------------------------------------------------------- Markdown prose

_FENCE_LINE = re.compile(r"^(?:[ \t]*>)*[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\r\n]*)", re.M)
_INDENTED_RUN = re.compile(
    r"""
    ^(?:\ {4}|\ {0,3}\t)[^\r\n]*(?:\r\n|\r|\n|\Z)       # an indented line
    (?: [\ \t]*(?:\r\n|\r|\n)                             # then blank lines
      | (?:\ {4}|\ {0,3}\t)[^\r\n]*(?:\r\n|\r|\n|\Z)    # and indented lines
    )*""",
    re.M | re.X,
)
_BLANK_LINE = re.compile(r"^[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_MDX_STATEMENT = re.compile(r"^(?:import|export)\s[^\r\n]*", re.M)
_BLANK_LINE_AFTER = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?=\r\n|\r|\n|\Z)")
_BACKTICKS = re.compile(r"`+")
# The leading lookahead lets the regex engine skip to candidate characters quickly.
_INLINE = re.compile(
    r"""
    (?=[`<\]hfw])
    (?:
      (?P<ticks>`+)
    | (?P<comment><!--)
    | (?P<autolink><[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>
                 |<[\w.!#$%&'*+/=?^`{|}~\-]+@[\w\-]+(?:\.[\w\-]+)*>)
    | (?P<tag></?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>)
    | (?P<target>\]\()
    | (?P<label>\]\[)
    | (?P<url>(?:https?|ftp)://[^\s<>]*|www\.[^\s<>]*)
    )
    """,
    re.X,
)
_URL_PRECEDED_BY = re.compile(r"[\w.@/]")
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\r\n]+\]:[^\r\n]*", re.M)
_URL_TRAILING = "?!.,:;*_~'\""
_MAX_LINK_TARGET = 4096


def markdown_prose(
    text: str, front_matter: bool = True, mdx: bool = False
) -> list[tuple[int, int]]:
    """Prose spans of Markdown: everything but code, URLs, link targets, HTML and metadata."""
    excluded: list[tuple[int, int]] = []
    start = 0
    if front_matter:
        span = front_matter_span(text)
        if span is not None:
            excluded.append((0, span[2]))
            start = span[2]
    excluded.extend(_fenced_blocks(text, start))
    excluded.extend(_indented_code(text, start))
    if mdx:
        excluded.extend(match.span() for match in _MDX_STATEMENT.finditer(text, start))
    blocks = _merge(excluded)
    for segment_start, segment_end in _complement(blocks, 0, len(text)):
        excluded.extend(_inline_exclusions(text, segment_start, segment_end))
        definitions = _REFERENCE_DEFINITION.finditer(text, segment_start, segment_end)
        excluded.extend(definition.span() for definition in definitions)
    return [span for span in _complement(_merge(excluded), 0, len(text)) if span[0] < span[1]]


def _fenced_blocks(text: str, start: int) -> Iterator[tuple[int, int]]:
    opening: re.Match[str] | None = None
    for line in _FENCE_LINE.finditer(text, start):
        fence, info = line.group("fence"), line.group("info")
        if opening is None:
            if fence[0] == "`" and "`" in info:
                continue  # an inline code span, not a fence
            opening = line
        elif _closes(opening.group("fence"), fence, info):
            yield opening.start(), _line_end(text, line.end())
            opening = None
    if opening is not None:
        yield opening.start(), len(text)


def _closes(opening_fence: str, fence: str, info: str) -> bool:
    return fence[0] == opening_fence[0] and len(fence) >= len(opening_fence) and not info.strip()


def _indented_code(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Indented code blocks: indented lines after a blank line, outside list items."""
    for run in _INDENTED_RUN.finditer(text, start):
        if run.start() <= start:
            if start == 0:
                yield run.span()
            continue
        previous = _previous_line(text, run.start())
        if not _BLANK_LINE.match(previous[1]):
            continue  # a paragraph continuation line
        if not _in_list(text, previous[0]):
            yield run.span()


def _previous_line(text: str, line_start: int) -> tuple[int, str]:
    """(start, text) of the line before the one starting at `line_start`."""
    end = line_start - 1
    if end > 0 and text[end] == "\n" and text[end - 1] == "\r":
        end -= 1
    start = text.rfind("\n", 0, end) + 1
    start = max(start, text.rfind("\r", start, end) + 1)
    return start, text[start:end]


def _in_list(text: str, line_start: int) -> bool:
    """Whether the nearest unindented non-blank line before `line_start` is a list item."""
    while line_start > 0:
        line_start, line = _previous_line(text, line_start)
        if _BLANK_LINE.match(line) or line.startswith(("    ", "\t")):
            continue
        return bool(_LIST_ITEM.match(line))
    return False


def _line_end(text: str, offset: int) -> int:
    """The offset after the line break that ends the line containing `offset`."""
    line = _LINE.match(text, offset)
    return line.end() if line else len(text)


def _inline_exclusions(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    spans = _CodeSpans(text, start, end)
    position = start
    while True:
        found = _INLINE.search(text, position, end)
        if found is None:
            return
        kind = found.lastgroup
        span_end = found.end()
        if kind == "ticks":
            escaped = found.start() > 0 and text[found.start() - 1] == "\\"
            closer = None if escaped else spans.closer(found.start(), len(found.group()))
            if closer is None:
                position = found.start() + 1 if escaped else found.end()
                continue
            span_end = closer
        elif kind == "comment":
            close = text.find("-->", found.end(), end)
            span_end = end if close < 0 else close + 3
        elif kind == "url":
            if found.start() > 0 and _URL_PRECEDED_BY.match(text, found.start() - 1):
                position = found.end()
                continue
            span_end = found.start() + len(_trim_url(found.group()))
        elif kind == "target":
            close = _link_target_end(text, found.end(), end)
            if close is None:
                position = found.end()
                continue
            yield found.start() + 1, close
            position = close
            continue
        elif kind == "label":
            close = text.find("]", found.end(), min(end, found.end() + 1000))
            if close < 0 or "\n" in text[found.end() : close]:
                position = found.end()
                continue
            yield found.start() + 1, close + 1
            position = close + 1
            continue
        yield found.start(), span_end
        position = max(span_end, found.start() + 1)


class _CodeSpans:
    """Closers of backtick code spans: the next run of the same length in the same paragraph."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._runs: dict[int, list[int]] = {}
        for run in _BACKTICKS.finditer(text, start, end):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._paragraph_ends = [
            blank.start() for blank in _BLANK_LINE_AFTER.finditer(text, start, end)
        ]

    def closer(self, opener: int, length: int) -> int | None:
        """The end of the code span opened at `opener`, or None when it is never closed."""
        runs = self._runs.get(length, [])
        index = bisect.bisect_right(runs, opener)
        if index >= len(runs):
            return None
        paragraph = bisect.bisect_right(self._paragraph_ends, opener)
        if paragraph < len(self._paragraph_ends) and self._paragraph_ends[paragraph] < runs[index]:
            return None
        return runs[index] + length


def _trim_url(url: str) -> str:
    while url:
        unbalanced = url[-1] == ")" and url.count(")") > url.count("(")
        if url[-1] in _URL_TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def _link_target_end(text: str, start: int, end: int) -> int | None:
    """The offset after the `)` closing a link target that starts at `start`, or None."""
    depth = 0
    limit = min(end, start + _MAX_LINK_TARGET)
    position = start
    while position < limit:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return position + 1
            depth -= 1
        elif char == "\n" and _BLANK_LINE_AFTER.match(text, position):
            return None
        position += 1
    return None


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _complement(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) not covered by the sorted, disjoint `spans`."""
    gaps = []
    position = start
    for span_start, span_end in spans:
        if span_start > position:
            gaps.append((position, span_start))
        position = max(position, span_end)
    if position < end:
        gaps.append((position, end))
    return gaps


# ----------------------------------------------------------------------------- code comments

_HASH_COMMENTS = re.compile(
    r"""(?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?))"""
    r"""|(?P<comment>\#[^\r\n]*)"""
)
_SLASH_COMMENTS = re.compile(
    r"""(?P<string>'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?|`(?:[^`\\]|\\.)*`?)"""
    r"""|(?P<comment>//[^\r\n]*|/\*[\s\S]*?(?:\*/|\Z))"""
)
_COMMENT_MARKS = re.compile(r"(?:#|//+|/\*+)[ \t]*")


def comment_prose(text: str, language: str = "python") -> list[tuple[int, int]]:
    """The text of comments in code (after the comment marker); strings are skipped."""
    scanner = _SLASH_COMMENTS if language in _C_LIKE_LANGUAGES else _HASH_COMMENTS
    spans = []
    for found in scanner.finditer(text):
        if found.lastgroup != "comment":
            continue
        start = _COMMENT_MARKS.match(text, found.start()).end()
        end = (
            found.end() - 2
            if found.group().startswith("/*") and found.group().endswith("*/")
            else found.end()
        )
        if start < end:
            spans.append((start, end))
    return spans


# ----------------------------------------------------------------------------- raw notebooks

_JSON_TOKEN = re.compile(
    r'[ \t\r\n]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([{}\[\],:])|([^\s{}\[\],:"]+))', re.S
)
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
    if regions and regions[0].kind in (MARKDOWN, RAW):
        front_matter = _front_matter_of(regions[0])
    return DocumentView(source, lines, regions, front_matter)


def notebook_regions(source: str, code_comments: bool = False) -> list[Region]:
    """One region per cell; raises NotebookError for malformed JSON or a non-notebook."""
    try:
        notebook = json.loads(source)
    except json.JSONDecodeError as error:
        raise NotebookError(error.lineno, error.msg) from None
    except RecursionError:
        raise NotebookError(1, "JSON nested too deeply") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(1, 'not a Jupyter notebook (no "cells" list)')
    language = _notebook_language(notebook)
    source_tokens = _cell_source_tokens(source)
    if len(source_tokens) != len(cells):
        raise NotebookError(1, "could not locate the cells in the JSON text")
    regions = []
    for index, (cell, tokens) in enumerate(zip(cells, source_tokens)):  # noqa: B905 - same length
        if not isinstance(cell, dict):
            continue
        cell_type = cell.get("cell_type")
        kind = cell_type if cell_type in (MARKDOWN, CODE) else RAW
        text, mapping = _decode_strings(source, tokens)
        region_language = MARKDOWN if kind == MARKDOWN else language
        regions.append(_cell_region(kind, text, index, region_language, code_comments, mapping))
    return regions


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
    """The string literals of one cell's `source`, or where an empty/absent source sits."""

    strings: list[tuple[int, int]]  # (opening quote, after the closing quote)
    anchor: int


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

    def peek(self) -> re.Match[str] | None:
        return _JSON_TOKEN.match(self.source, self.position)

    def skip_value(self) -> None:
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
    for key in scanner.members():
        if key != "cells":
            scanner.skip_value()
            continue
        cells = []
        for _ in scanner.elements():
            cells.append(_cell_tokens(scanner))
    return cells


def _cell_tokens(scanner: _JsonScanner) -> _SourceTokens:
    start = scanner.peek()
    found = _SourceTokens([], start.end())
    if start.group(2) != "{":
        scanner.skip_value()
        return found
    for key in scanner.members():
        if key != "source":
            scanner.skip_value()
            continue
        value = scanner.peek()
        if value.group(1) is not None:
            scanner.next()
            found = _SourceTokens([value.span(1)], value.start(1) + 1)
        elif value.group(2) == "[":
            strings = []
            anchor = value.end()
            for _ in scanner.elements():
                item = scanner.next()
                if item.group(1) is not None:
                    strings.append(item.span(1))
            found = _SourceTokens(strings, anchor)
        else:
            scanner.skip_value()
            found = _SourceTokens([], value.end())
    return found


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

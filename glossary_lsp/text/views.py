"""Document views: a document as regions of analysable text, with prose spans and offset maps.

A Markdown file or a notebook cell opened on its own is one region whose text is the source.
A raw `.ipynb` (a notebook opened as JSON text) has one region per cell whose text is the
decoded cell source; every logical offset maps back to the exact offset in the JSON.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, cast

from .positions import LineIndex

MARKDOWN = "markdown"
CODE = "code"
RAW = "raw"


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


class Role(NamedTuple):
    """A MyST role in Markdown, `` {name}`content` ``; offsets are logical offsets.

    `span` covers the whole role; `text` is its visible text (for `` {term}`text <Target>` ``
    the part before the target), which is prose for the roles whose content is prose.
    """

    name: str
    span: tuple[int, int]
    text: tuple[int, int]


@dataclass
class Region:
    """Analysable text of a document: a Markdown file, a notebook cell, a cell inside a JSON.

    `prose` lists the spans (logical offsets) where glossary terms count as used in prose;
    `roles` the MyST roles of Markdown text (a `{term}` role is an explicit use of a term).
    """

    kind: str
    text: str
    index: int
    prose: list[tuple[int, int]]
    mapping: OffsetMap | None = field(default=None, repr=False)
    language: str = ""
    roles: list[Role] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.mapping is None:
            self.mapping = ShiftMap(0, len(self.text))

    def to_source(self, offset: int) -> int:
        """The source offset of a logical offset (clamped into the text)."""
        return cast(OffsetMap, self.mapping).to_source(offset)

    def from_source(self, source_offset: int) -> int | None:
        """The logical offset of a source offset; None when it is outside this region."""
        return cast(OffsetMap, self.mapping).from_source(source_offset)

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
    # Where a parse of the source may restart (`splice.py`): found on the first edit, kept
    # up to date by the edits after; [] when the document cannot be spliced.
    restarts: list[int] | None = field(default=None, repr=False, compare=False)

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

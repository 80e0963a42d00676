"""Offsets, lines and LSP positions.

Inside the server every position is an offset into a Python string (code points). LSP
positions (UTF-16 by default, UTF-8 or UTF-32 when negotiated) are converted here, at the edge,
through pygls' position codec. Lines end at `\\n`, `\\r\\n` or `\\r`, as LSP defines them.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
# UTF-8 continuation bytes (0x80-0xBF) become 1, every other byte 0.
_CONTINUATION_BYTES = bytes(1 if 0x80 <= byte <= 0xBF else 0 for byte in range(256))

UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)


class LineIndex:
    """Maps offsets of one text to (line, column) pairs in code points, and back."""

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        for match in _LINE_BREAK.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        self._starts = starts
        self._ends = ends

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line(self, number: int) -> str:
        return self.text[self._starts[number] : self._ends[number]]

    def line_start(self, number: int) -> int:
        return self._starts[number]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in code points of an offset; clamped into the text."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        column = min(offset, self._ends[line]) - self._starts[line]
        return line, column

    def offset(self, line: int, column: int) -> int | None:
        """The offset of (line, column in code points); None when the line does not exist.

        A column past the end of its line means the end of the line, as LSP specifies.
        """
        if line < 0 or line >= len(self._starts) or column < 0:
            return None
        return min(self._starts[line] + column, self._ends[line])

    def to_lsp(self, offset: int, codec: PositionCodec = UTF16) -> types.Position:
        line, column = self.position(offset)
        return types.Position(line=line, character=codec.client_num_units(self.line(line)[:column]))

    def from_lsp(self, position: types.Position, codec: PositionCodec = UTF16) -> int | None:
        """The offset of an LSP position, or None when it is outside the text."""
        if position.line < 0 or position.line >= len(self._starts) or position.character < 0:
            return None
        text = self.line(position.line)
        if position.character >= codec.client_num_units(text):
            return self._ends[position.line]
        server = codec.position_from_client_units(
            [text], types.Position(line=0, character=position.character)
        )
        return self._starts[position.line] + server.character

    def range_to_lsp(self, start: int, end: int, codec: PositionCodec = UTF16) -> types.Range:
        return types.Range(start=self.to_lsp(start, codec), end=self.to_lsp(end, codec))


def codec_for(encoding: str | types.PositionEncodingKind | None) -> PositionCodec:
    return PositionCodec(encoding or types.PositionEncodingKind.Utf16)


def code_point_offsets(text: str, data: bytes, byte_offsets: list[int]) -> list[int]:
    """The code point offsets in `text` of offsets (in any order) into `data`, its UTF-8.

    The one place where byte offsets (a parser's ranges) become code points: a code point
    offset is the byte offset less the UTF-8 continuation bytes before it, counted from one
    offset to the next in ascending order (one pass over the bytes in all).
    """
    if len(data) == len(text):  # ASCII: bytes are code points
        return list(byte_offsets)
    marks = data.translate(_CONTINUATION_BYTES)
    offsets = sorted(byte_offsets)
    ascending = offsets == byte_offsets
    converted = []
    previous = continuations = 0
    for offset in offsets:
        continuations += marks.count(1, previous, offset)
        converted.append(offset - continuations)
        previous = offset
    if ascending:
        return converted
    points = dict(zip(offsets, converted, strict=True))
    return [points[offset] for offset in byte_offsets]

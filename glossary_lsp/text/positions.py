"""Offsets, lines and LSP positions.

Inside the server every position is an offset into a Python string (code points). LSP
positions (UTF-16 by default, UTF-8 or UTF-32 when negotiated) are converted here, at the edge,
through pygls' position codec. Lines end at `\\n`, `\\r\\n` or `\\r`, as LSP defines them.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

_LINE_BREAK = re.compile(r"\r\n|\n|\r")

UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)


class LineIndex:
    """Maps offsets of one text to (line, column) pairs in code points, and back."""

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        if "\r" in text:
            for match in _LINE_BREAK.finditer(text):
                ends.append(match.start())
                starts.append(match.end())
            ends.append(len(text))
        else:  # the common case: only "\n", measured by str.split and accumulate (in C)
            ends = [
                length + number
                for number, length in enumerate(accumulate(map(len, text.split("\n"))))
            ]
            starts += [end + 1 for end in ends[:-1]]
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

"""Offsets and lines of a text.

Inside the server every position is an offset into a Python string (code points), or a (line,
column) pair in code points. LSP positions (UTF-16 by default, UTF-8 or UTF-32 when negotiated)
exist only at the edge (`glossary_lsp/lsp/positions.py`). Lines end at `\\n`, `\\r\\n` or
`\\r`, as LSP defines them.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


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

    def line_end(self, number: int) -> int:
        """The offset where line `number`'s text ends (before its line break)."""
        return self._ends[number]

    def offset(self, line: int, column: int) -> int | None:
        """The offset of (line, column in code points); None when the line does not exist.

        A column past the end of its line means the end of the line, as LSP specifies.
        """
        if line < 0 or line >= len(self._starts) or column < 0:
            return None
        return min(self._starts[line] + column, self._ends[line])

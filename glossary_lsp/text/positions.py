"""Offsets and lines of a text.

Inside the server every position is an offset into a Python string (code points), or a (line,
column) pair in code points. LSP positions (UTF-16 by default, UTF-8 or UTF-32 when negotiated)
exist only at the edge (`glossary_lsp/lsp/positions.py`). Lines end at `\\n`, `\\r\\n` or
`\\r`, as LSP defines them.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, chain, repeat
from operator import sub

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
# UTF-8 continuation bytes (0x80-0xBF) become 1, lead bytes 2, ASCII 0.
_UTF8_BYTES = bytes(0 if byte < 0x80 else 1 if byte <= 0xBF else 2 for byte in range(256))
_RUN = re.compile(rb"\x02[\x01\x02]*")


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

    @classmethod
    def after_edit(cls, old: LineIndex, text: str, prefix: int, suffix: int) -> LineIndex:
        """The index of `text`, which is `old.text` with `old.text[prefix:len - suffix]`
        replaced: the lines before the edit are kept, those after it moved, only the lines it
        touches are measured again (a keystroke in a 10 MB document costs its lines)."""
        if old.text is text:
            return old
        if "\r" in text or "\r" in old.text:  # a `\r\n` may be split or joined by the edit
            return cls(text)
        delta = len(text) - len(old.text)
        first = old.line_of(prefix)
        last = old.line_of(len(old.text) - suffix)
        base = old._starts[first]
        middle = cls(text[base : old._ends[last] + delta])
        index = cls.__new__(cls)
        index.text = text
        index._starts = [
            *old._starts[:first],
            *(start + base for start in middle._starts),
            *(start + delta for start in old._starts[last + 1 :]),
        ]
        index._ends = [
            *old._ends[:first],
            *(end + base for end in middle._ends),
            *(end + delta for end in old._ends[last + 1 :]),
        ]
        return index

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


def code_point_offsets(text: str, data: bytes, byte_offsets: list[int]) -> list[int]:
    """The code point offsets in `text` of offsets (in any order) into `data`, its UTF-8."""
    return code_point_offsets_of(text, data, [byte_offsets])[0]


def code_point_offsets_of(text: str, data: bytes, offset_lists: list[list[int]]) -> list[list[int]]:
    """`code_point_offsets` of each list of `offset_lists`, reading `data` once.

    The one place where byte offsets (a parser's ranges) become code points: a code point
    offset is the byte offset less the UTF-8 continuation bytes before it. Text is mostly
    ASCII: between two runs of non-ASCII bytes every offset moves by the same amount, so the
    offsets are converted stretch by stretch (one subtraction each). Where runs are as many as
    offsets (CJK text), or an offset lies inside one (between two non-ASCII characters), the
    continuation bytes are counted from one offset to the next. The loops run in C (`map`,
    `accumulate`): a parser gives tens of thousands of offsets per MB.
    """
    if len(data) == len(text):  # ASCII: bytes are code points
        return [list(byte_offsets) for byte_offsets in offset_lists]
    marks = data.translate(_UTF8_BYTES)
    runs = None
    total = sum(map(len, offset_lists))
    # the runs are at most the continuation bytes: counted only when those are too many
    if (len(data) - len(text)) * 2 < total or marks.count(b"\x00\x02") * 2 < total:
        runs = _NonAsciiRuns(marks)
    converted_lists = []
    for byte_offsets in offset_lists:
        offsets = sorted(byte_offsets)
        converted = None if runs is None else runs.converted(offsets)
        if converted is None:
            between = map(marks.count, repeat(b"\x01"), chain((0,), offsets), offsets)
            converted = list(map(sub, offsets, accumulate(between)))
        if offsets != byte_offsets:
            points = dict(zip(offsets, converted, strict=True))
            converted = list(map(points.__getitem__, byte_offsets))
        converted_lists.append(converted)
    return converted_lists


class _NonAsciiRuns:
    """The runs of non-ASCII bytes of a text's UTF-8, and the continuation bytes before each."""

    def __init__(self, marks: bytes) -> None:
        """`marks`: the UTF-8 translated by `_UTF8_BYTES`."""
        # found from their first byte, a lead byte (a literal the regex engine scans for
        # quickly, unlike a class)
        runs = list(_RUN.finditer(marks))
        self.starts = list(map(re.Match.start, runs))
        self.ends = list(map(re.Match.end, runs))
        extra = map(bytes.count, map(re.Match.group, runs), repeat(b"\x01"))
        self.shifts = [0, *accumulate(extra)]  # before each run, and after the last

    def converted(self, offsets: list[int]) -> list[int] | None:
        """`offsets` (ascending) in code points; None if one lies inside a run."""
        ends = list(map(bisect.bisect_left, repeat(offsets), self.ends))
        if list(map(bisect.bisect_right, repeat(offsets), self.starts)) != ends:
            return None
        # each offset less the shift of its stretch: one `map` over the offsets, beside the
        # shifts repeated as many times as their stretch has offsets
        counts = map(sub, chain(ends, (len(offsets),)), chain((0,), ends))
        shifts = chain.from_iterable(map(repeat, self.shifts, counts))
        return list(map(sub, offsets, shifts))

"""LSP positions ↔ offsets over a `LineIndex`: columns counted in the negotiated encoding
(UTF-16 unless the client offered UTF-8 or UTF-32).

pygls' `PositionCodec` counts code units one character at a time in Python; here ASCII lines
(most of them) are counted by `len`, others by encoding the line once.
"""

from __future__ import annotations

from lsprotocol import types

from glossary_lsp.text.positions import LineIndex

Encoding = str  # "utf-8" | "utf-16" | "utf-32"
UTF16: Encoding = "utf-16"
_CODECS = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}
_UNIT_BYTES = {"utf-8": 1, "utf-16": 2, "utf-32": 4}


def codec_for(encoding: str | types.PositionEncodingKind | None) -> Encoding:
    """The encoding's name as used here; UTF-16 for anything else, as LSP defaults."""
    name = str(getattr(encoding, "value", encoding) or UTF16).lower()
    return name if name in _CODECS else UTF16


def units(text: str, encoding: Encoding = UTF16) -> int:
    """The length of `text` in the encoding's code units."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    data = text.encode(_CODECS[encoding], "surrogatepass")
    return len(data) // _UNIT_BYTES[encoding]


def _column(text: str, count: int, encoding: Encoding) -> int:
    """The code-point column of `count` code units into `text` (a column inside a character
    means that character's start; past the end, the end)."""
    if encoding == "utf-32" or text.isascii():
        return min(count, len(text))
    seen = 0
    for column, char in enumerate(text):
        width = units(char, encoding)
        if seen + width > count:
            return column
        seen += width
    return len(text)


def to_lsp(lines: LineIndex, offset: int, encoding: Encoding = UTF16) -> types.Position:
    line, column = lines.position(offset)
    return types.Position(line=line, character=units(lines.line(line)[:column], encoding))


def from_lsp(lines: LineIndex, position: types.Position, encoding: Encoding = UTF16) -> int | None:
    """The offset of an LSP position, or None when its line is outside the text. A column past
    the end of its line means the end of the line, as LSP specifies."""
    if position.line < 0 or position.line >= lines.line_count or position.character < 0:
        return None
    text = lines.line(position.line)
    return lines.line_start(position.line) + _column(text, position.character, encoding)


def range_to_lsp(lines: LineIndex, start: int, end: int, encoding: Encoding = UTF16) -> types.Range:
    return types.Range(start=to_lsp(lines, start, encoding), end=to_lsp(lines, end, encoding))

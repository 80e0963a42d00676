"""LSP positions ↔ offsets: columns in the negotiated encoding (UTF-16 unless the client
offered UTF-8 or UTF-32), through pygls' position codec, over a `LineIndex` of the text."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from glossary_lsp.text.positions import LineIndex

UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)


def codec_for(encoding: str | types.PositionEncodingKind | None) -> PositionCodec:
    return PositionCodec(encoding or types.PositionEncodingKind.Utf16)


def to_lsp(lines: LineIndex, offset: int, codec: PositionCodec = UTF16) -> types.Position:
    line, column = lines.position(offset)
    return types.Position(line=line, character=codec.client_num_units(lines.line(line)[:column]))


def from_lsp(
    lines: LineIndex, position: types.Position, codec: PositionCodec = UTF16
) -> int | None:
    """The offset of an LSP position, or None when its line is outside the text. A column past
    the end of its line means the end of the line, as LSP specifies."""
    if position.line < 0 or position.line >= lines.line_count or position.character < 0:
        return None
    text = lines.line(position.line)
    if position.character >= codec.client_num_units(text):
        return lines.line_end(position.line)
    server = codec.position_from_client_units(
        [text], types.Position(line=0, character=position.character)
    )
    return lines.line_start(position.line) + server.character


def range_to_lsp(
    lines: LineIndex, start: int, end: int, codec: PositionCodec = UTF16
) -> types.Range:
    return types.Range(start=to_lsp(lines, start, codec), end=to_lsp(lines, end, codec))

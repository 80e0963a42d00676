"""Text document synchronisation to the letter of the LSP specification.

pygls 2.1 applies an incremental change over `str.splitlines()`, which also breaks lines at
U+2028/2029, `\\x0b`, `\\x0c`, `\\x1c`–`\\x1e` and `\\x85`, and it lets a column past the end of a
line land after the line break (or between `\\r` and `\\n`), one character early on a last line
without a break. The spec breaks lines only at `\\n`, `\\r\\n` and `\\r`, and says a column past the
end of a line means the end of that line. Changes are therefore applied here, with `LineIndex`
(LSP line breaks) and the negotiated position encoding — a fix to offer pygls upstream
(`TextDocument._apply_incremental_change` and `TextDocument.lines`).
Columns are counted in the negotiated encoding by `lsp/positions.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from glossary_lsp.lsp.positions import Encoding, from_lsp
from glossary_lsp.text.positions import LineIndex


def position_offset(lines: LineIndex, position: types.Position, codec: Encoding) -> int:
    """The offset of an edit position: clamped to the end of its line, or of the text."""
    if position.line >= lines.line_count:
        return len(lines.text)
    if position.line < 0:
        return 0
    offset = from_lsp(lines, types.Position(position.line, max(position.character, 0)), codec)
    return len(lines.text) if offset is None else offset


def apply_change(
    text: str,
    change: types.TextDocumentContentChangeEvent,
    codec: Encoding,
    lines: LineIndex | None = None,
) -> str:
    """The text after one content change (`lines`: the index of `text`, if already built)."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return change.text
    lines = lines if lines is not None and lines.text is text else LineIndex(text)
    start = position_offset(lines, change.range.start, codec)
    end = position_offset(lines, change.range.end, codec)
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


def apply_changes(
    text: str,
    changes: Sequence[types.TextDocumentContentChangeEvent],
    codec: Encoding,
    lines: LineIndex | None = None,
) -> str:
    """The text after a `didChange`'s content changes, applied in order."""
    for change in changes:
        text = apply_change(text, change, codec, lines)
        lines = None
    return text

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


def change_range(
    lines: LineIndex, change: types.TextDocumentContentChangePartial, codec: Encoding
) -> tuple[int, int]:
    """The offsets a partial change replaces between, in order."""
    start = position_offset(lines, change.range.start, codec)
    end = position_offset(lines, change.range.end, codec)
    return (start, end) if start <= end else (end, start)


def spliced(text: str, start: int, end: int, insert: str) -> str:
    """`text[:start] + insert + text[end:]`, copying the text once: the slice on the far side
    of the edit is not copied first (a keystroke in a 10 MB document would otherwise copy it
    twice and hold both copies at once, with the text before and after)."""
    if len(text) < _SPLICED_FROM:
        return text[:start] + insert + text[end:]
    if start <= len(text) - end:  # `text` starts with `head`: `replace` writes the result once
        head = text[:end]
        return text.replace(head, text[:start] + insert, 1)
    result = text[:start]
    result += insert  # held by this name only: resized in place, not copied
    result += text[end:]
    return result


# Texts shorter than this are spliced by slicing (`spliced`).
_SPLICED_FROM = 64 * 1024


def apply_change(
    text: str,
    change: types.TextDocumentContentChangeEvent,
    codec: Encoding,
    lines: LineIndex | None = None,
) -> str:
    """The text after one content change (`lines`: the index of `text`, if already built)."""
    return applied(text, [change], codec, lines)[0]


def apply_changes(
    text: str,
    changes: Sequence[types.TextDocumentContentChangeEvent],
    codec: Encoding,
    lines: LineIndex | None = None,
) -> str:
    """The text after a `didChange`'s content changes, applied in order."""
    return applied(text, changes, codec, lines)[0]


def applied(
    text: str,
    changes: Sequence[types.TextDocumentContentChangeEvent],
    codec: Encoding,
    lines: LineIndex | None = None,
) -> tuple[str, LineIndex | None]:
    """The text after a `didChange`'s content changes, applied in order, and its line index
    when `lines` (the index of `text`) was given or a partial change needed one: each change's
    index is the previous one updated over the lines the change touched, never built again."""
    for change in changes:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            text, lines = change.text, None
            continue
        if lines is None or lines.text is not text:
            lines = LineIndex(text)
        start, end = change_range(lines, change, codec)
        new = spliced(text, start, end, change.text)
        lines = LineIndex.after_edit(lines, new, start, len(text) - end)
        text = new
    return text, lines

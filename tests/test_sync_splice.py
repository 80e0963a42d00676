"""Incremental changes spliced once and their line index updated, not rebuilt: the text and the
index after each change are those of a reference (the text cut by positions counted by hand,
the index built from scratch), in every position encoding, on lines with emoji, CRLF and
characters `str.splitlines()` breaks at; small texts and texts large enough to be spliced
without slicing (an edit near the start and near the end)."""

from __future__ import annotations

import random
import re

import pytest
from lsp_helpers import units
from lsprotocol import types

from glossary_lsp.lsp.documents import OpenDocuments
from glossary_lsp.lsp.positions import codec_for
from glossary_lsp.lsp.sync import applied, spliced
from glossary_lsp.text.positions import LineIndex

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
PIECES = ["word ", "FSDP ", "😀", "🚀 ", "é", "中文", "\n", "\n", "\r\n", "\u2028", "\x0c", "  "]
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(pieces))


def _reference_offset(text: str, line: int, character: int, encoding: str) -> int:
    """The spec read literally: LSP line breaks only, a column past the end of its line is the
    line's end, a line past the last is the end of the text."""
    lines = _LSP_LINE.findall(text)
    if text and not text.endswith(("\n", "\r")):
        lines.pop()  # the empty match after a last line without a break
    if line >= len(lines):
        return len(text)
    start = sum(len(piece) for piece in lines[:line])
    body = lines[line].rstrip("\r\n")
    column = 0
    while column < len(body) and units(body[: column + 1], encoding) <= character:
        column += 1
    return start + column


def _random_change(rng: random.Random, text: str, encoding: str):
    index = LineIndex(text)
    positions = []
    for _ in range(2):
        line = rng.randrange(index.line_count + 1)
        character = rng.randrange(8) if rng.random() < 0.5 else rng.randrange(200)
        positions.append(types.Position(line, character))
    inserted = _text(rng, rng.randrange(4)) if rng.random() < 0.8 else "An inserted sentence. "
    change = types.TextDocumentContentChangePartial(range=types.Range(*positions), text=inserted)
    ends = sorted(
        _reference_offset(text, position.line, position.character, encoding)
        for position in positions
    )
    return change, text[: ends[0]] + inserted + text[ends[1] :]


def _assert_index(lines: LineIndex | None, text: str) -> None:
    assert lines is not None and lines.text is text
    fresh = LineIndex(text)
    assert (lines._starts, lines._ends) == (fresh._starts, fresh._ends)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", range(2))
def test_changes_in_a_row_match_the_reference(encoding: str, seed: int) -> None:
    rng = random.Random(seed)
    text = _text(rng, 60)
    codec = codec_for(encoding)
    for _ in range(40):
        changes, expected = [], text
        for _ in range(rng.randrange(1, 4)):  # several changes in one didChange
            change, expected = _random_change(rng, expected, encoding)
            changes.append(change)
        new, lines = applied(text, changes, codec, LineIndex(text) if rng.random() < 0.5 else None)
        assert new == expected
        _assert_index(lines, new)
        text = new


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_large_document_edited_near_its_start_and_its_end(encoding: str) -> None:
    rng = random.Random(7)
    line = "Some prose about FSDP 😀 and the KV cache 🚀, é.\n"
    documents = OpenDocuments()
    uri = "file:///c/large.md"
    text = line * 4000  # over the size from which `spliced` avoids a copy
    item = types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
    documents.open_text(item)
    for version in range(2, 40):
        snapshot = documents.current().text(uri)
        assert snapshot is not None
        text = snapshot.text
        row = rng.choice([0, 1, 2, text.count("\n") - 2, text.count("\n"), 10_000])
        column = units("Some prose about FSDP 😀", encoding) if rng.random() < 0.5 else 3
        position = types.Position(row, column)
        end = types.Position(row + rng.randrange(2), column + rng.randrange(3))
        change = types.TextDocumentContentChangePartial(
            range=types.Range(position, end), text=rng.choice(["x", "😀 FSDP ", "", "\n"])
        )
        low = _reference_offset(text, row, column, encoding)
        high = _reference_offset(text, end.line, end.character, encoding)
        low, high = min(low, high), max(low, high)
        identifier = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
        changed = documents.change_text(identifier, [change], codec_for(encoding))
        assert changed is not None
        assert changed.text == text[:low] + change.text + text[high:]
        _assert_index(changed.lines, changed.text)


@pytest.mark.parametrize("size", [10, 100_000])
def test_spliced_is_slicing(size: int) -> None:
    rng = random.Random(size)
    text = _text(rng, size // 4)
    for _ in range(50):
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, min(len(text), start + 50) + 1)
        insert = rng.choice(["", "a", "😀", text[start:end], "\n\n"])
        assert spliced(text, start, end, insert) == text[:start] + insert + text[end:]

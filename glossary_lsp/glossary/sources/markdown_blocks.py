"""Fenced blocks of a Markdown (MyST) text: which lines are code, which are directives.

A small line scanner, not a Markdown parser: it knows backtick, tilde and colon fences, MyST
directives (```` ```{name} ```` and `:::{name}`), nested directives, and front matter. Lines of
code fences are nobody's; directive bodies are scanned for nested directives.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})[ \t]*(?P<info>.*?)[ \t]*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}[ \t]*(?P<argument>.*)$")


@dataclass(frozen=True, slots=True)
class Directive:
    """A fenced directive: its name and its body, as 0-based line indices [body_start, end)."""

    name: str
    line: int  # the opening fence
    column: int
    body_start: int
    end: int  # the closing fence (or the end of the text when it is not closed)


@dataclass(frozen=True, slots=True)
class _Open:
    fence: str
    directive: str | None


def source_lines(text: str) -> list[str]:
    """The lines of a text as editors count them (`\\n`, `\\r\\n`), without their ends."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def front_matter_end(lines: list[str]) -> int:
    """The index of the first line after a `---` front matter block; 0 when there is none."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


def scan(lines: list[str], wanted: Collection[str]) -> tuple[list[Directive], list[int]]:
    """The directives named in `wanted` (their bodies not scanned further), and the indices of
    the lines that are neither code, front matter nor inside a wanted directive."""
    found: list[Directive] = []
    plain: list[int] = []
    stack: list[_Open] = []
    index = front_matter_end(lines)
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence is None:
            if not stack or stack[-1].directive is not None:
                plain.append(index)
            index += 1
            continue
        marker, info = fence.group("fence"), fence.group("info")
        if stack and _closes(stack[-1].fence, marker, info):
            stack.pop()
            index += 1
            continue
        if stack and stack[-1].directive is None:
            index += 1  # a fence-like line inside code
            continue
        directive = _DIRECTIVE.match(info)
        if marker[0] == ":" and directive is None:
            plain.append(index)  # `:::` opens nothing without a directive name
            index += 1
            continue
        name = directive.group("name") if directive else None
        if name is not None and name in wanted:
            end = _closing_line(lines, index + 1, marker)
            found.append(Directive(name, index, len(fence.group("indent")), index + 1, end))
            index = end + 1
            continue
        stack.append(_Open(marker, name))
        index += 1
    return found, plain


def _closes(opening: str, marker: str, info: str) -> bool:
    return not info and marker[0] == opening[0] and len(marker) >= len(opening)


def _closing_line(lines: list[str], start: int, opening: str) -> int:
    for index in range(start, len(lines)):
        fence = _FENCE.match(lines[index])
        if fence and _closes(opening, fence.group("fence"), fence.group("info")):
            return index
    return len(lines)

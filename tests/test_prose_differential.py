"""Differential check: prose spans and roles equal those of the implementation before the
speed work (issue 11), kept here as the reference, on seeded random Markdown that mixes every
construct the policies look at (roles, directives, colon fences, math, HTML, entities, URLs,
paths, front matter, CRLF and lone CR, non-ASCII text).

The reference below is that implementation's parser walk and policies, unchanged but for
imports; it is not used by the package.
"""

# ruff: noqa: E501, C901, PLR0912, PLR0915, SIM102
# mypy: ignore-errors

from __future__ import annotations

import bisect
import gc
import random
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.entities import html5 as html5_entities
from typing import Any

import pyromark
import pytest

from glossary_lsp.text import html
from glossary_lsp.text.front_matter import front_matter_span
from glossary_lsp.text.prose import analyse_markdown
from glossary_lsp.text.views import Role

Span = tuple[int, int]

_CONTINUATION_BYTES = bytes(1 if 0x80 <= byte <= 0xBF else 0 for byte in range(256))


def _reference_code_point_offsets(text: str, data: bytes, byte_offsets: list[int]) -> list[int]:
    if len(data) == len(text):
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


# ----------------------------------------------------------------------------- the reference

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_GFM
    | pyromark.Options.ENABLE_DEFINITION_LIST
)
_PARSER = pyromark.Markdown(options=_OPTIONS)


def _merging_text() -> dict[str, bool]:
    """`merge_text=True` where the binding has it (pyromark 0.10; 0.9 for Python 3.10 has not):
    adjacent text events come as one, so `[a](b [a](b …` is one event, not three per link."""
    try:
        # pyromark 0.9's stub has no `merge_text` (call-arg there); 0.10's has (unused-ignore)
        list(_PARSER.events_with_range("", merge_text=True))  # type: ignore[call-arg, unused-ignore]
    except TypeError:
        return {}
    return {"merge_text": True}


_EVENT_OPTIONS = _merging_text()


@contextmanager
def _collector_paused_for_tuples() -> Iterator[None]:
    """pyromark 0.9 builds all events at once, as one tuple kept alive through the walk: the
    collector would walk that heap again and again (2-3x the work), so it is paused for the
    walk. 0.10 yields events lazily and needs no pause."""
    if _EVENT_OPTIONS or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


PROSE_ROLES = frozenset({"term", "abbr", "index"})
# Directives whose body is Markdown; any other directive's body is not prose.
MARKDOWN_DIRECTIVES = frozenset({
    "admonition", "attention", "caution", "danger", "error", "hint", "important", "note",
    "seealso", "tip", "warning", "glossary", "topic", "sidebar", "margin", "epigraph",
    "pull-quote", "highlights", "rubric", "card", "dropdown", "div", "tab-set", "tab-item",
    "grid", "grid-item", "grid-item-card", "exercise", "solution", "figure", "table",
    "list-table",
})  # fmt: skip
# Directives whose argument (the rest of the opening line) is a title in prose.
TITLED_DIRECTIVES = frozenset({
    "admonition", "topic", "sidebar", "card", "dropdown", "tab-item", "grid-item-card",
    "exercise", "rubric", "margin",
})  # fmt: skip
_MAX_DIRECTIVE_DEPTH = 8

_ROLE_NAME = re.compile(rb"\{([A-Za-z][\w:.+\-]*)\}\Z")
_DIRECTIVE_INFO = re.compile(r"\{([A-Za-z][\w:.+\-]*)\}[ \t]*(.*)")
_DIRECTIVE_OPTIONS = re.compile(rb"(?:[ \t]*:[\w\-]+:[^\r\n]*(?:\r\n|\r|\n|\Z))+")
_DIRECTIVE_YAML = re.compile(
    rb"---[ \t]*(?:\r\n|\r|\n).*?(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|\Z)", re.S
)

# Block-level lines a CommonMark parser reads as paragraphs: colon fences, `(label)=` targets,
# MDX ESM lines. They are blanked (bytes replaced by spaces) before parsing.
_COLON_FENCE = re.compile(
    rb"^(?P<indent>[ ]{0,3})(?P<colons>:{3,})[ \t]*(?:\{(?P<name>[A-Za-z][\w:.+\-]*)\}"
    rb"(?P<argument>[^\r\n]*)|(?P<plain>[ \t]*))$",
    re.M,
)
_LABEL_TARGET = re.compile(rb"^[ ]{0,3}\([^()\s]+\)=[ \t]*$", re.M)
_MDX_STATEMENT = re.compile(rb"^(?:import|export)[ \t{*][^\r\n]*", re.M)

# Inline policies over the parser's text. Each shape has a mark (`/`, `\\`, `@`, `{`, `[!`,
# `www.`); only marks inside prose are looked at, so the cost follows the marks, not the text.
_MARKS = re.compile(rb"[/\\@{$&]")
# Shapes within one whitespace-separated token around a mark.
_TOKEN_SHAPES = re.compile(
    rb"""
      (?:\b(?:https?|ftp|file)://|\bwww\.)[^\s<>]*[^\s<>?!.,:;*_~'")\]]
    | \bdata:[\w.+\-]+/[\w.+\-]+[^\s<>"')]*
    | (?<![\w/.~\\-])(?:~|\.\.?)?/[\w.\-]+(?:/[\w.\-]*)*
    | (?<![\w/.\-])[\w.\-]+(?:/[\w.\-]+)+\.[A-Za-z][A-Za-z0-9]{0,4}\b
    | (?<!\w)[A-Za-z]:\\[^\s<>]*[^\s<>?!.,:;'")\]]
    | (?<![\w@.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+
    | (?<![\w.@])-?@[A-Za-z_][\w:.\-]*\w
    """,
    re.X,
)
_WHITESPACE = re.compile(rb"\s")
_UP_TO_WHITESPACE = re.compile(rb"[\s\S]*\s")
# Shapes that start at their mark.
_CHARACTER_REFERENCE = re.compile(
    rb"&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));"
)
_ENTITIES = frozenset(name[:-1].encode() for name in html5_entities if name.endswith(";"))
_AT_BRACE = re.compile(rb"\{\{<.*?>\}\}|\{[ \t]*[#.][\w\-][^{}\r\n]*\}")
_MDX_EXPRESSION = re.compile(rb"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
_ALERT_MARKER = re.compile(rb"\[![A-Za-z]+\][+\-]?")
_BEGIN = re.compile(rb"\\begin\{[A-Za-z]+\*?\}")
_MAX_TOKEN = 1 << 20
_EMPHASIS = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})
_AUTOLINKS = frozenset({"Autolink", "Email"})
# Where an unclosed inline `<code>` ends, as a browser closes it with its parent.
_INLINE_CONTAINERS = frozenset({"Paragraph", "TableCell", "DefinitionListTitle"})
_DISPLAY_MATH_OPEN = re.compile(rb"^[ \t]*\$\$", re.M)
_DISPLAY_MATH_CLOSE = re.compile(rb"\$\$(?:[ \t]*\([^()\r\n]*\))?")
_FENCE_LINE = re.compile(rb"^[ \t>]*(?:```|~~~)", re.M)
# `$…$` that pulldown-cmark leaves as text (a space inside a delimiter, as MyST allows) when
# it holds TeX: a command, a sub/superscript or braces. `$5 and $10` stays prose.
_LOOSE_MATH = re.compile(rb"\$(?=[^$\r\n]*[\\^_{}])[^$\r\n]{1,1000}?\$")
_SPACES_BUT_LINE_BREAKS = bytes(byte if byte in (0x0A, 0x0D) else 0x20 for byte in range(256))
_LONE_CR = re.compile(rb"\r(?!\n)")
_MATH_ENVIRONMENT = re.compile(rb"\\(begin|end)\{([A-Za-z]+\*?)\}")


@dataclass
class MarkdownProse:
    """Prose spans and MyST roles of a Markdown text, in code points."""

    spans: list[Span]
    roles: list[Role] = field(default_factory=list)


def analyse_markdown_reference(
    text: str, front_matter: bool = True, mdx: bool = False
) -> MarkdownProse:
    """Prose spans and MyST roles of Markdown, in code point offsets of `text`."""
    clean = _without_lone_surrogates(text)
    data = clean.encode("utf-8")
    skip = 0
    if front_matter:
        span = front_matter_span(clean)
        if span is not None:
            skip = len(clean[: span[2]].encode("utf-8"))
    walker = _Walker(mdx)
    walker.walk(_blank(data, [(0, skip)]) if skip else data)
    merged = _merge(walker.spans)
    spans = _subtract(merged, _policy_exclusions(data, merged, walker.excluded, mdx))
    points = _reference_code_point_offsets(
        clean, data, [offset for span in spans for offset in span]
    )
    pairs = zip(points[0::2], points[1::2], strict=True)
    prose = [(start, end) for start, end in pairs if start < end]
    # Roles never overlap: (start, text start, text end, end) of each, in order, ascend.
    roles = sorted(walker.roles, key=lambda role: role[1])
    corners = _reference_code_point_offsets(
        clean, data, [offset for _, start, end, a, b in roles for offset in (start, a, b, end)]
    )
    converted = [
        Role(role[0].decode(), (start, end), (text_start, text_end))
        for role, start, text_start, text_end, end in zip(
            roles, corners[0::4], corners[1::4], corners[2::4], corners[3::4], strict=True
        )
    ]
    return MarkdownProse(prose, converted)


def _without_lone_surrogates(text: str) -> str:
    """A lone surrogate (a notebook's `"\\ud800"`) becomes U+FFFD: one code point either way."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", text)
    return text


# ----------------------------------------------------------------------------- the parser walk


class _Walker:
    """Collects prose spans (bytes), roles and not-prose spans from the parser's events."""

    def __init__(self, mdx: bool) -> None:
        self.mdx = mdx
        self.spans: list[Span] = []
        self.excluded: list[Span] = []
        self.roles: list[tuple[bytes, int, int, int, int]] = []

    def walk(self, data: bytes, depth: int = 0) -> None:
        """Add the prose of `data`; offsets are `data`'s, the caller maps a nested walk back."""
        data = self._blank_blocks(data)
        if b"\r" in data:  # pulldown-cmark misreads fences ended by a lone CR: same length
            data = _LONE_CR.sub(b"\n", data)
        text = data.decode("utf-8", errors="replace")
        with _collector_paused_for_tuples():
            self._walk_events(data, text, depth)

    def _walk_events(self, data: bytes, text: str, depth: int) -> None:
        spans = self.spans
        skip = 0  # > 0 inside autolinks and inline raw HTML elements
        code_block: list | None = None
        html_block: list[int] | None = None
        role: tuple[int, int] | None = None  # (text end, `{` offset) of a role name just seen
        joined = -1  # where the last span ends when only emphasis markers came after it
        events: Iterable[tuple[Any, Any]] = _PARSER.events_with_range(text, **_EVENT_OPTIONS)
        for event, where in events:
            if type(event) is str:  # SoftBreak, HardBreak, Rule
                if event != "Rule" and not skip and code_block is None:
                    start, end = where["start"], where["end"]
                    if joined >= 0 and data.find(b"_", joined, start) < 0:
                        spans[-1] = (spans[-1][0], end)
                    else:
                        spans.append((start, end))
                    joined = end
                continue
            value = event.get("Text")
            if value is not None:
                start, end = where["start"], where["end"]
                if code_block is not None:
                    code_block.append((start, end))
                elif skip:
                    joined = -1
                else:
                    # `_` markers are word characters: a span never covers them
                    if joined >= 0 and data.find(b"_", joined, start) < 0:
                        spans[-1] = (spans[-1][0], end)
                    else:
                        spans.append((start, end))
                    joined = end
                    if data[end - 1] == 0x7D:  # `}`: perhaps a role's name
                        role = (end, data.rfind(b"{", start, end))
                continue
            value = event.get("Start") or event.get("End")
            if type(value) is str and value in _EMPHASIS:
                continue  # the markers between two texts join them (no words in `*`, `~~`)
            joined = -1
            if value is None:
                if "Code" in event:
                    if role is not None and role[0] == where["start"]:
                        self._role(data, role[1], where["start"], where["end"])
                    role = None
                elif "Html" in event:
                    if html_block is not None:
                        if not html_block:
                            html_block.append(where["start"])
                        html_block[1:] = [where["end"]]
                elif "InlineHtml" in event:
                    tag = html.tag_name(data[where["start"] : where["end"]])
                    if tag is not None and tag[0] in html.RAW_ELEMENTS:
                        skip = max(0, skip - 1) if tag[1] else skip + 1
            elif "Start" in event:
                if type(value) is dict:
                    if "CodeBlock" in value:
                        code_block = [value["CodeBlock"], where["start"]]
                    elif "Link" in value and value["Link"]["link_type"] in _AUTOLINKS:
                        skip += 1
                elif value == "HtmlBlock":
                    html_block = []
            elif value == "CodeBlock" and code_block is not None:
                self._code_block(data, code_block, depth)
                code_block = None
            elif value == "HtmlBlock" and html_block:
                spans.extend(html.visible_text(data, html_block[0], html_block[1]))
                html_block = None
            elif (value in _INLINE_CONTAINERS) if type(value) is str else "Heading" in value:
                skip = 0
            elif value == "Link" and skip:
                skip -= 1

    def _role(self, data: bytes, brace: int, code_start: int, code_end: int) -> None:
        name_match = _ROLE_NAME.match(data, brace, code_start)
        if brace < 0 or name_match is None:
            return
        name = name_match.group(1)
        self.excluded.append((brace, code_start))
        content_start, content_end = _code_content(data, code_start, code_end)
        if name.decode() in PROSE_ROLES:
            visible_end = _visible_end(data, name, content_start, content_end)
            self.spans.append((content_start, visible_end))
        else:
            visible_end = content_end
        self.roles.append((name, brace, code_end, content_start, visible_end))

    def _code_block(self, data: bytes, block: list, depth: int) -> None:
        kind, fence_start, *pieces = block
        if not isinstance(kind, dict):
            return  # indented code
        found = _DIRECTIVE_INFO.match(kind["Fenced"])
        if found is None or depth >= _MAX_DIRECTIVE_DEPTH:
            return
        name = found.group(1)
        if name in TITLED_DIRECTIVES and found.group(2).strip():
            line_end = data.find(b"\n", fence_start)
            line_end = len(data) if line_end < 0 else line_end
            title_start = data.find(b"}", fence_start, line_end) + 1
            self.spans.append((title_start, line_end))
        if name in MARKDOWN_DIRECTIVES and pieces:
            self._nested(data, pieces, depth)

    def _nested(self, data: bytes, pieces: list[Span], depth: int) -> None:
        """Parse a directive's body (lines without their container prefixes) as Markdown."""
        body = b"".join(data[start:end] for start, end in pieces)
        options = _DIRECTIVE_OPTIONS.match(body) or _DIRECTIVE_YAML.match(body)
        if options is not None:
            body = _blank(body, [(0, options.end())])
        nested = _Walker(self.mdx)
        nested.walk(body, depth=depth + 1)
        pieces_map = _PieceMap(pieces)
        for span in nested.spans:
            self.spans.extend(pieces_map.spans(span))
        for span in nested.excluded:
            self.excluded.extend(pieces_map.spans(span))
        for name, *offsets in nested.roles:
            start, end, text_start, text_end = (pieces_map.offset(o) for o in offsets)
            self.roles.append((name, start, end, text_start, text_end))

    def _blank_blocks(self, data: bytes) -> bytes:
        """Blank the lines CommonMark would read as text but MyST and MDX read as syntax."""
        blanks: list[Span] = []
        if b":::" in data:
            blanks.extend(_colon_fences(data, self.spans))
        if b")=" in data:
            blanks.extend(found.span() for found in _LABEL_TARGET.finditer(data))
        if self.mdx:
            blanks.extend(found.span() for found in _MDX_STATEMENT.finditer(data))
        if b"$$" in data:
            blanks.extend(_display_math_blocks(data))
        return _blank(data, blanks) if blanks else data


def _display_math_blocks(data: bytes) -> Iterable[Span]:
    """`$$` blocks that start a line, to their closing `$$` (and a MyST `(label)` after it):
    MyST and Jupyter read them as blocks, which a list marker or a blank line inside does not
    end. A fence line inside means the `$$` was code, not math: that candidate is dropped."""
    position = 0
    while True:
        opening = _DISPLAY_MATH_OPEN.search(data, position)
        if opening is None:
            return
        closing = _DISPLAY_MATH_CLOSE.search(data, opening.end())
        if closing is None:
            return
        if _FENCE_LINE.search(data, opening.end(), closing.start()) is None:
            yield opening.start(), closing.end()
            position = closing.end()
        else:
            position = opening.end()


def _visible_end(data: bytes, name: bytes, start: int, end: int) -> int:
    """Where a role's visible text ends: before `<Target>` (term) or `(expansion)` (abbr)."""
    opener, closer = (b" (", 0x29) if name == b"abbr" else (b" <", 0x3E)
    split = data.rfind(opener, start, end)
    return split if split > start and data[end - 1] == closer else end


def _code_content(data: bytes, start: int, end: int) -> Span:
    """The content of a code span `data[start:end]`, without its backticks (and one space)."""
    ticks = 0
    while start + ticks < end and data[start + ticks] == 0x60:
        ticks += 1
    content_start, content_end = start + ticks, end - ticks
    if (
        content_end - content_start >= 2
        and data[content_start] == 0x20
        and data[content_end - 1] == 0x20
    ):
        content_start, content_end = content_start + 1, content_end - 1
    return content_start, max(content_start, content_end)


def _colon_fences(data: bytes, titles: list[Span]) -> Iterable[Span]:
    """Colon fence lines (and the bodies of directives that are not Markdown) to blank; the
    titles of titled directives are added to `titles`."""
    stack: list[tuple[int, bytes | None, int]] = []  # (colons, name, offset after the line)
    for line in _COLON_FENCE.finditer(data):
        colons = len(line.group("colons"))
        name = line.group("name")
        if name is None:
            while stack and stack[-1][0] > colons:
                stack.pop()  # an inner fence never closed
            if not stack:
                continue
            _, open_name, body_start = stack.pop()
            if open_name is not None and open_name.decode() not in MARKDOWN_DIRECTIVES:
                yield body_start, line.start()
            yield line.span()
            continue
        stack.append((colons, name, line.end()))
        yield line.span()
        if name.decode() in TITLED_DIRECTIVES and line.group("argument").strip():
            titles.append(line.span("argument"))
        options = _DIRECTIVE_OPTIONS.match(data, _next_line(data, line.end()))
        if options is not None:
            yield options.span()


def _next_line(data: bytes, offset: int) -> int:
    if data.startswith(b"\r\n", offset):
        return offset + 2
    return offset + 1 if offset < len(data) else offset


def _blank(data: bytes, spans: list[Span]) -> bytes:
    """`data` with the bytes of `spans` made spaces (line breaks kept): offsets do not move."""
    blanked = bytearray(data)
    for start, end in spans:
        if start < end:
            blanked[start:end] = data[start:end].translate(_SPACES_BUT_LINE_BREAKS)
    return bytes(blanked)


class _PieceMap:
    """Offsets in the join of source pieces (a directive's body lines) back to the source."""

    def __init__(self, pieces: list[Span]) -> None:
        self._joined_starts: list[int] = []
        self._pieces = pieces
        total = 0
        for start, end in pieces:
            self._joined_starts.append(total)
            total += end - start

    def offset(self, joined: int) -> int:
        index = max(0, bisect.bisect_right(self._joined_starts, joined) - 1)
        return self._pieces[index][0] + joined - self._joined_starts[index]

    def spans(self, span: Span) -> Iterable[Span]:
        start, end = span
        index = max(0, bisect.bisect_right(self._joined_starts, start) - 1)
        while index < len(self._pieces) and self._joined_starts[index] < end:
            piece_start, piece_end = self._pieces[index]
            base = self._joined_starts[index]
            low = max(start, base) - base + piece_start
            high = min(end - base + piece_start, piece_end)
            if low < high:
                yield low, high
            index += 1


# ----------------------------------------------------------------------------- policies


def _policy_exclusions(
    data: bytes, spans: list[Span], excluded: list[Span], mdx: bool
) -> list[Span]:
    """`excluded` and the spans inside the prose `spans` that the policies take out: URLs,
    paths, math, markers, …"""
    excluded = list(excluded)
    starts = [start for start, _ in spans]
    done = 0  # marks before this were covered by an earlier token
    for mark in _MARKS.finditer(data):
        position = mark.start()
        index = bisect.bisect_right(starts, position) - 1
        if position < done or index < 0 or position >= spans[index][1]:
            continue
        start, end = spans[index]
        if data[position] == 0x26:  # `&`
            found = _CHARACTER_REFERENCE.match(data, position, end)
            if found is not None and (found.group(1) is None or found.group(1) in _ENTITIES):
                excluded.append(found.span())  # `&nbsp;` is no word of the text
            continue
        if data[position] == 0x24:  # `$`
            found = _LOOSE_MATH.match(data, position, end)
            if found is not None:
                excluded.append(found.span())
                done = found.end()
            continue
        if data[position] == 0x7B:  # `{`
            found = _AT_BRACE.match(data, position, end) or (
                _MDX_EXPRESSION.match(data, position, end) if mdx else None
            )
            if found is not None:
                excluded.append(found.span())
                done = found.end()
            continue
        if data[position] == 0x5C:  # `\\`: a LaTeX opener, or a Windows path after `C:`
            found = _BEGIN.match(data, position, end)
            if found is not None:
                excluded.append(found.span())
                done = found.end()
                continue
            if position == 0 or data[position - 1] != 0x3A:
                continue
        token_start, token_end = _token_around(data, position, max(start, done), end)
        excluded.extend(
            found.span() for found in _TOKEN_SHAPES.finditer(data, token_start, token_end)
        )
        done = token_end
    for literal, shape in ((b"www.", _TOKEN_SHAPES), (b"[!", _ALERT_MARKER)):
        excluded.extend(_shapes_at(data, literal, shape, spans, starts))
    if b"\\begin{" in data:
        excluded.extend(_math_environments(data))
    return _merge(excluded)


def _token_around(data: bytes, position: int, start: int, end: int) -> Span:
    """The whitespace-separated token around `position`, within [start, end); the caller
    moves `start` past the tokens it has read, so all the calls together read the text once."""
    low = max(start, position - _MAX_TOKEN)
    before = _UP_TO_WHITESPACE.match(data, low, position)
    after = _WHITESPACE.search(data, position, end)
    return (before.end() if before else low), (after.start() if after else end)


def _shapes_at(
    data: bytes, literal: bytes, shape: re.Pattern[bytes], spans: list[Span], starts: list[int]
) -> Iterable[Span]:
    """The shapes found at each occurrence of `literal` that lies in prose."""
    position = data.find(literal)
    while position >= 0:
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and position < spans[index][1]:
            found = shape.match(data, position, spans[index][1])
            if found is not None:
                yield found.span()
        position = data.find(literal, position + 1)


def _math_environments(data: bytes) -> Iterable[Span]:
    """`\\begin{name}` … the matching `\\end{name}`; an unclosed one only covers its opener."""
    open_at: dict[bytes, list[int]] = {}
    for found in _MATH_ENVIRONMENT.finditer(data):
        name = found.group(2)
        if found.group(1) == b"begin":
            open_at.setdefault(name, []).append(found.start())
        elif open_at.get(name):
            start = open_at[name].pop()
            if not open_at[name]:
                yield start, found.end()


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """The parts of the sorted, disjoint `spans` outside the sorted, disjoint `holes`."""
    if not holes:
        return spans
    result: list[Span] = []
    index = 0
    for start, end in spans:
        while index < len(holes) and holes[index][1] <= start:
            index += 1
        position = start
        scan = index
        while scan < len(holes) and holes[scan][0] < end:
            hole_start, hole_end = holes[scan]
            if hole_start > position:
                result.append((position, hole_start))
            position = max(position, hole_end)
            scan += 1
        if position < end:
            result.append((position, end))
    return result


# ----------------------------------------------------------------------------- random Markdown

PIECES = [
    "word",
    "FSDP",
    "the",
    "gradient",
    "注意力",
    "🚀",
    "é",
    "a_b",
    "_x_",
    "*em*",
    "**strong**",
    "~~del~~",
    "`code`",
    "``a ` b``",
    "{term}`gradient`",
    "{term}`SGD <Stochastic gradient>`",
    "{abbr}`LLM (large model)`",
    "{index}`tok`",
    "{ref}`intro`",
    "{math}`x^2`",
    "{term}` `",
    "{term}``a`b``",
    "{#sec-x}",
    "{.class}",
    "{{< ref x >}}",
    "{{{#a}",
    "{#x http://a.b/}c",
    "{#a}/b/c.py",
    "{ #b }",
    "{\t.c}",
    "https://x.org/a.{term}`x`",
    "{expr}",
    "{a {b} c}",
    "[a](b)",
    "[a](b",
    "](",
    "[a][ref]",
    "![alt](img.png)",
    "<https://x.y/z>",
    "<me@x.org>",
    "https://example.org/x.",
    "www.example.com/a",
    "http://x.y/(a)",
    "data:image/png;base64,AAAA",
    "/usr/bin/env",
    "./a.py",
    "~/x",
    "a/b/c.py",
    "and/or",
    "C:\\Users\\x",
    "me@example.com",
    "@user",
    "$x^2$",
    "$ x_1 $",
    "$5 and $10",
    "$$",
    "$$x$$",
    "\\begin{equation}",
    "\\end{equation}",
    "\\begin{align*}",
    "&amp;",
    "&nbsp;",
    "&#123;",
    "&#x1F600;",
    "&bogus;",
    "&AElig;",
    "&ampfoo;",
    "&#12345678;",
    "&lt",
    "AT&T;",
    "$a^$b^$",
    "$a &b; ",
    "a/b&amp;",
    "&",
    "<code>[CLS]</code>",
    "<code>",
    "</code>",
    "<span class='x'>t</span>",
    "<kbd>Ctrl</kbd>",
    "<!-- c -->",
    "<!--",
    "<br/>",
    "<a href='x'",
    "[!NOTE]",
    "[^1]",
    "\\*",
    "\\",
    "{",
    "}",
    "`",
    "```",
    "*",
    "_",
    ":",
    "::",
    "|",
    "(",
    ")",
    ")=",
    "<",
    ">",
    "&x;",
]
BLOCKS = [
    "# Heading {#h}",
    "## Sec",
    "Setext\n===",
    "- item",
    "- - nested",
    "1. one",
    "1. ```bash\n   pip x\n   ```",
    "> quote",
    "> [!TIP]\n> body",
    "> ```\n> code",
    "```python\nx = 1  # c\n```",
    "~~~\nt\n~~~",
    "```",
    "```{note}\nA *note* {term}`x`\n```",
    "```{code-cell} python\nFSDP = 1\n```",
    "```{admonition} Title about PPO\n:class: tip\nBody\n```",
    "```{tip}\n---\nclass: x\n---\nBody\n```",
    ":::{note}\nColon body\n:::",
    ":::{tip} A title\ntext\n:::",
    ":::{mermaid}\ngraph\n:::",
    ":::",
    "::::{note}\n:::{tip}\nx\n:::\n::::",
    ":::{admonition} A title\n:class: tip\n:name: x\nBody\n:::",
    "   :::{note}\n   indented\n   :::",
    "    :::{note}\nfour spaces: not a fence",
    ":::{mermaid}\n:caption: c\ngraph FSDP\n:::\n:class: not an option",
    "a:::{note} not at a line start",
    ":::{tip}\r\ncrlf\r\n:::",
    "::::{note}\n:::{code-cell}\nx\n::::",
    "    indented code",
    "(label)=",
    "(my-label)=\n# T",
    "import x from 'y'",
    "export const a = 1",
    "<div>\nvisible *text*\n</div>",
    "<script>\nvar x = FSDP;\n</script>",
    "<details><summary>S</summary>\nbody\n</details>",
    "<pre>\npre FSDP\n</pre>",
    "<table><tr><td>cell</td></tr></table>",
    "<!-- comment\nmore -->",
    "<![CDATA[ x ]]>",
    "| a | b |\n|---|---|\n| c | d |",
    '[ref]: https://x.y "title"',
    "[ref]:\n  https://x.y\n  'title'",
    "[^1]: footnote text",
    "Term\n: definition",
    "$$\nx = 1\n$$",
    "$$\nx\n$$ (eq1)",
    "\\begin{equation}\nE=mc^2\n\\end{equation}",
    "***",
    "---",
    "- [ ] task",
    "- [x] done",
    "<Component prop={x}>\ninside\n</Component>",
]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "  ", "\t", "\r\n", "\r", ""]


def markdown(rng: random.Random, size: int = 40) -> str:
    out = []
    if rng.random() < 0.2:
        out.append(rng.choice(["---\ntitle: x\n---\n", "---\n\nnot front matter\n---\n", "+++\n"]))
    for _ in range(size):
        if rng.random() < 0.25:
            out.append("\n" + rng.choice(["", "  ", "> ", "- ", "   "]) + rng.choice(BLOCKS) + "\n")
        else:
            out.append(rng.choice(PIECES))
        out.append(rng.choice(SEPARATORS))
    return "".join(out)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(4))
def test_spans_and_roles_equal_the_reference_on_random_markdown(chunk: int) -> None:
    for seed in range(chunk * 150, (chunk + 1) * 150):
        rng = random.Random(seed)
        document = markdown(rng, rng.choice([5, 20, 60]))
        for front_matter in (True, False):
            for mdx in (False, True):
                expected = analyse_markdown_reference(document, front_matter, mdx)
                found = analyse_markdown(document, front_matter, mdx)
                assert (found.spans, found.roles) == (expected.spans, expected.roles), (
                    seed,
                    front_matter,
                    mdx,
                    document,
                )


def test_the_random_markdown_has_prose_and_roles_to_compare() -> None:
    documents = [markdown(random.Random(seed), 60) for seed in range(50)]
    analysed = [analyse_markdown_reference(document) for document in documents]
    assert sum(len(result.spans) for result in analysed) > 1000
    assert sum(len(result.roles) for result in analysed) > 50


def test_reference_starts_are_the_references_the_policy_removes() -> None:
    from glossary_lsp.text.prose import (
        _CHARACTER_REFERENCE,
        _ENTITIES,
        _character_reference_start,
    )

    names = [name.decode() for name in _ENTITIES]
    others = ["b", "ampx", "AMPx", "a1", "zz", "x" * 33, "#", "#x", "#12345678", "#xFFFFFFF", "1a"]
    for name in [*names, *others, "#1", "#1234567", "#x1F600", "#X1"]:
        reference = f"&{name};".encode()
        found = _CHARACTER_REFERENCE.match(reference)
        removed = found is not None and (found.group(1) is None or found.group(1) in _ENTITIES)
        assert (_character_reference_start().match(reference) is not None) == removed, name

"""Prose in Markdown: what a reader sees as text, read by a CommonMark parser with source ranges.

pulldown-cmark (through `pyromark`) parses CommonMark with GFM tables, strikethrough, task
lists, footnotes, alerts, heading attributes, definition lists and `$`/`$$` math; its text
events (with their byte ranges) are the prose. This project's own policies come on top; each
is documented in `docs/prose.md`:

- raw HTML: its visible text is prose, not tags, attributes, comments, nor the bodies of
  `<script>`, `<style>`, `<pre>`, `<code>` and the like (also inline: `<code>[CLS]</code>`);
- math: `$…$`, `$$…$$` and `\\begin{…}…\\end{…}` environments are not prose;
- front matter only at the very top (see `front_matter.py`);
- bare URLs, `data:` URIs, file paths and e-mail addresses, entity references, alert markers
  (`[!NOTE]`), footnote labels and Quarto/Pandoc attributes (`{#sec-x}`) are not prose;
- MyST: roles' content is prose for `{term}`, `{abbr}` and `{index}` only (and each role is
  reported, so features can treat `{term}` as a use of a term); directives whose body is
  Markdown (`note`, `tip`, `glossary`, …, also `:::` colon fences) are parsed as Markdown,
  others (`code-cell`, `math`, `mermaid`, …) are not prose; `(label)=` targets are not prose;
- MDX: `import`/`export` lines and `{expressions}` are not prose, text inside components is.

Everything here works on the UTF-8 bytes the parser reports ranges in; the spans become code
points once, at the end (`positions.code_point_offsets`).
"""

from __future__ import annotations

import bisect
import functools
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.entities import html5 as html5_entities
from itertools import chain, islice, repeat
from operator import itemgetter, lt
from typing import Any

import pyromark

from . import html
from .comments import comment_prose
from .front_matter import front_matter_span
from .positions import code_point_offsets_of
from .views import CODE, MARKDOWN, OffsetMap, Region, Role

Span = tuple[int, int]

# The parser's options: every reader of a Markdown text's block structure parses with these.
PARSER_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_GFM
    | pyromark.Options.ENABLE_DEFINITION_LIST
)
PARSER = pyromark.Markdown(options=PARSER_OPTIONS)


def _merging_text() -> dict[str, bool]:
    """`merge_text=True` where the binding has it (pyromark 0.10; 0.9 for Python 3.10 has not):
    adjacent text events come as one, so `[a](b [a](b …` is one event, not three per link."""
    try:
        # pyromark 0.9's stub has no `merge_text` (call-arg there); 0.10's has (unused-ignore)
        list(PARSER.events_with_range("", merge_text=True))  # type: ignore[call-arg, unused-ignore]
    except TypeError:
        return {}
    return {"merge_text": True}


_EVENT_OPTIONS = _merging_text()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: prose detection builds tens of thousands of small
    tuples per MB (spans, roles; with pyromark 0.9 also all events at once), none in a cycle,
    and the collector would walk them again and again (up to 2x the work, measured on 40,000
    roles)."""
    if not gc.isenabled():
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
_MARKDOWN_DIRECTIVE_NAMES = frozenset(name.encode() for name in MARKDOWN_DIRECTIVES)
_TITLED_DIRECTIVE_NAMES = frozenset(name.encode() for name in TITLED_DIRECTIVES)

_ROLE_NAME = re.compile(rb"\{([A-Za-z][\w:.+\-]*)\}\Z")
_DIRECTIVE_INFO = re.compile(r"\{([A-Za-z][\w:.+\-]*)\}[ \t]*(.*)")
_DIRECTIVE_OPTIONS = re.compile(rb"(?:[ \t]*:[\w\-]+:[^\r\n]*(?:\r\n|\r|\n|\Z))+")
_DIRECTIVE_YAML = re.compile(
    rb"---[ \t]*(?:\r\n|\r|\n).*?(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|\Z)", re.S
)

# Block-level lines a CommonMark parser reads as paragraphs: colon fences, `(label)=` targets,
# MDX ESM lines. They are blanked (bytes replaced by spaces) before parsing.
# One match per fence line, an opening one with its `:option:` lines; found from its `:::` (a
# literal the regex engine scans for quickly), the lookbehinds check it starts a line.
# `split` by it gives, per fence line, the line and its four groups (`_FENCE_GROUPS` in all)
# after the text before it: no match object per line (a page may have one every 15 bytes).
_FENCE_LINE_START = rb"(:::(?:(?<=^:::)|(?<=^ :::)|(?<=^  :::)|(?<=^   :::))(:*)[ \t]*"
_FENCE_OPENER = rb"(?:\{([A-Za-z][\w:.+\-]*)\}([^\r\n]*)$"
_FENCE_OPTIONS = rb"(?:\n(" + _DIRECTIVE_OPTIONS.pattern + rb"))?"
_COLON_FENCE = re.compile(_FENCE_LINE_START + _FENCE_OPENER + _FENCE_OPTIONS + rb"|[ \t]*$))", re.M)
_FENCE_GROUPS = 5
# The same without the `:option:` group, for a text where no option line can be (no
# `:name:` in it): that group, tried and failed after every opening line, costs a fifth of
# the split on a page of fences. Its split has one group fewer per line.
_COLON_FENCE_NO_OPTIONS = re.compile(_FENCE_LINE_START + _FENCE_OPENER + rb"|[ \t]*$))", re.M)
_OPTION_NAME = re.compile(rb":[\w\-]+:")  # what every `:option:` line holds
_SPACE = b" "
_LABEL_TARGET = re.compile(rb"^[ ]{0,3}\([^()\s]+\)=[ \t]*$", re.M)
_MDX_STATEMENT = re.compile(rb"^(?:import|export)[ \t{*][^\r\n]*", re.M)

# Inline policies over the parser's text. Each shape has a mark (`/`, `\\`, `@`, `{`, `[!`,
# `www.`); only marks inside prose are looked at, so the cost follows the marks, not the text.
# Marks are found with `bytes.find` in a copy where each mark is 1 (a regex over a MB costs
# ~10 ms, `translate` and `find` well under one).
# `{`, `$` and `&` are marks only where their shape may start (`_marks`): most never
# do (a role's `{term}`, `$5`, `AT&T`), and a page may have one in every word.
_MARK_BYTES_BUT_STARTS = bytes(1 if chr(byte) in "/\\@" else 0 for byte in range(256))
_MARK_BYTES_MDX = bytes(1 if chr(byte) in "/\\@{" else 0 for byte in range(256))
_MARK = b"\x01"
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


def _alternatives(words: Iterable[bytes]) -> bytes:
    """A regex matching exactly `words`, as a trie (the engine tries alternatives in turn: a
    flat alternation of 2,125 entity names would cost microseconds per `&`)."""
    tails: dict[bytes, list[bytes]] = {}
    whole = False
    for word in words:
        if word:
            tails.setdefault(word[:1], []).append(word[1:])
        else:
            whole = True
    if not tails:
        return b""
    branches = b"|".join(
        re.escape(head) + _alternatives(rest) for head, rest in sorted(tails.items())
    )
    return b"(?:" + branches + (b")?" if whole else b")")


@functools.cache
def _character_reference_start() -> re.Pattern[bytes]:
    """Where `_CHARACTER_REFERENCE` matches a reference the policy removes (numeric, or a named
    one HTML knows). Compiled on first use: the trie of 2,125 names takes ~40 ms to compile,
    a third of the package's import, and most texts hold no `&`."""
    return re.compile(
        rb"&(?=\#[0-9]{1,7};|\#[xX][0-9a-fA-F]{1,6};|" + _alternatives(_ENTITIES) + rb";)"
    )


_AT_BRACE = re.compile(rb"\{\{<.*?>\}\}|\{[ \t]*[#.][\w\-][^{}\r\n]*\}")
_AT_BRACE_SECOND = frozenset(b"{ \t#.")  # what may follow the `{` of `_AT_BRACE`
_AT_BRACE_START = re.compile(rb"\{(?=[{ \t#.])")
_MDX_EXPRESSION = re.compile(rb"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
_ALERT_MARKER = re.compile(rb"\[![A-Za-z]+\][+\-]?")
_BEGIN = re.compile(rb"\\begin\{[A-Za-z]+\*?\}")
_MAX_TOKEN = 1 << 20
_EMPHASIS = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})
_AUTOLINKS = frozenset({"Autolink", "Email"})
# Where an unclosed inline `<code>` ends, as a browser closes it with its parent.
_INLINE_CONTAINERS = frozenset({"Paragraph", "TableCell", "DefinitionListTitle"})
# The walk's code block when it is no directive: its texts are not kept (never appended to,
# each append checks it is not this one)
_CODE: list[Any] = []
_DISPLAY_MATH_OPEN = re.compile(rb"^[ \t]*\$\$", re.M)
_DISPLAY_MATH_CLOSE = re.compile(rb"\$\$(?:[ \t]*\([^()\r\n]*\))?")
_FENCE_LINE = re.compile(rb"^[ \t>]*(?:```|~~~)", re.M)
# `$…$` that pulldown-cmark leaves as text (a space inside a delimiter, as MyST allows) when
# it holds TeX: a command, a sub/superscript or braces. `$5 and $10` stays prose.
_LOOSE_MATH = re.compile(rb"\$(?=[^$\r\n]*[\\^_{}])[^$\r\n]{1,1000}?\$")
_LOOSE_MATH_START = re.compile(rb"\$(?=[^$\r\n]*[\\^_{}])(?=[^$\r\n]{1,1000}?\$)")
_SPACES_BUT_LINE_BREAKS = bytes(byte if byte in (0x0A, 0x0D) else 0x20 for byte in range(256))
_LONE_CR = re.compile(rb"\r(?!\n)")
_MATH_ENVIRONMENT = re.compile(rb"\\(begin|end)\{([A-Za-z]+\*?)\}")


@dataclass
class MarkdownProse:
    """Prose spans and MyST roles of a Markdown text, in code points."""

    spans: list[Span]
    roles: list[Role] = field(default_factory=list)


def markdown_prose(text: str, front_matter: bool = True, mdx: bool = False) -> list[Span]:
    """Prose spans of Markdown (code points): what a renderer shows as text."""
    return analyse_markdown(text, front_matter, mdx).spans


def prose_spans(
    text: str,
    start: int = 0,
    end: int | None = None,
    front_matter: bool = True,
    mdx: bool = False,
) -> list[Span]:
    """Prose spans (code points of `text`) of the slice `text[start:end]`, read alone.

    The slice should start and end at top-level block boundaries (a line after a blank line,
    outside any fence, HTML block or `$$` block, not indented): then its blocks parse as in
    the whole text, except reference links (`[a][ref]`) whose definition lies outside it.
    Front matter is only looked for when the slice starts the text."""
    spans = analyse_markdown(text[start:end], front_matter and start == 0, mdx).spans
    return [(low + start, high + start) for low, high in spans] if start else spans


def analyse_markdown(text: str, front_matter: bool = True, mdx: bool = False) -> MarkdownProse:
    """Prose spans and MyST roles of Markdown, in code point offsets of `text`."""
    with _collector_paused():
        return _analyse(text, front_matter, mdx)


def _analyse(text: str, front_matter: bool, mdx: bool) -> MarkdownProse:
    clean, data = _utf8(text)
    walker = _Walker(mdx)
    skip = _front_matter_end(clean) if front_matter else 0
    if skip:
        walker.walk(_blank(data, [(0, skip)]))
    else:
        walker.walk(data, text=clean)
    if walker.apart:
        uncut = walker.uncut_at, walker.uncut_to
        holes = _policy_exclusions(data, walker.spans, walker.excluded, mdx, uncut)
        spans = _subtract(walker.spans, holes)
    else:  # spans out of order or touching (rare): merged, the role names are holes
        merged = _merge(walker.uncut_spans())
        holes = _policy_exclusions(data, merged, walker.excluded + walker.name_holes(), mdx)
        spans = _subtract(merged, holes)
    # Three ascending lists to convert to code points (a mixed list would need sorting and
    # a dict back): the spans, the roles' spans and their texts (roles never overlap)
    roles = walker.roles
    if not _roles_in_order(roles):
        roles.sort(key=itemgetter(1))
    if len(data) == len(clean):  # ASCII: bytes are code points
        return MarkdownProse(spans, roles)
    points, corners = code_point_offsets_of(
        clean, data, [list(chain.from_iterable(spans)), _corners(roles)]
    )
    # no span is empty, nor becomes empty
    prose = list(zip(points[0::2], points[1::2], strict=True))
    if not roles:
        return MarkdownProse(prose)
    return MarkdownProse(prose, _converted_roles(roles, corners))


def _roles_in_order(roles: list[Role]) -> bool:
    """Whether `roles` come in the order of their starts (as the walk finds them, but for
    directive bodies parsed at their end)."""
    starts = list(map(itemgetter(0), map(itemgetter(1), roles)))
    return all(map(lt, starts, islice(starts, 1, None)))


def _corners(roles: list[Role]) -> list[int]:
    """The starts, text starts, text ends and ends of `roles` in turn: they ascend."""
    ends = list(chain.from_iterable(map(itemgetter(1), roles)))
    texts = list(chain.from_iterable(map(itemgetter(2), roles)))
    corners = zip(ends[0::2], texts[0::2], texts[1::2], ends[1::2], strict=True)
    return list(chain.from_iterable(corners))


def _converted_roles(roles: list[Role], corners: list[int]) -> list[Role]:
    """`roles` with their `_corners` replaced by `corners`."""
    converted = zip(
        map(itemgetter(0), roles),
        zip(corners[0::4], corners[3::4], strict=True),
        zip(corners[1::4], corners[2::4], strict=True),
        strict=True,
    )
    # tuple.__new__ builds the named tuples in C (Role's own __new__ is a Python function)
    return list(map(tuple.__new__, repeat(Role), converted))


def _utf8(text: str) -> tuple[str, bytes]:
    """`text` and its UTF-8; a lone surrogate (a notebook's `"\\ud800"`) becomes U+FFFD: one
    code point either way."""
    try:
        return text, text.encode("utf-8")
    except UnicodeEncodeError:
        clean = re.sub("[\ud800-\udfff]", "\ufffd", text)
        return clean, clean.encode("utf-8")


def _front_matter_end(text: str) -> int:
    """The byte offset where front matter at the top of `text` ends, 0 when it has none."""
    if not text.startswith(("---", "\ufeff---")):  # no need to read a long first line
        return 0
    span = front_matter_span(text)
    return 0 if span is None else len(text[: span[2]].encode("utf-8"))


# ----------------------------------------------------------------------------- the parser walk


class _Walker:
    """Collects prose spans (bytes), roles and not-prose spans from the parser's events."""

    def __init__(self, mdx: bool) -> None:
        self.mdx = mdx
        # Prose spans; a role's name (`{term}`) that ends one is cut off at once, but the
        # policies read the span as it was (a URL may run into the name): `spans[index]`
        # ended at `uncut_to[i]` for `index = uncut_at[i]` (ascending), and a span that was
        # only a name is in `popped` instead
        self.spans: list[Span] = []
        self.uncut_at: list[int] = []
        self.uncut_to: list[int] = []
        self.popped: list[Span] = []
        # whether the spans (before the cuts) are known sorted, non-empty and apart (see
        # `_apart`); False when unsure. Checked as they come (a page may have 100,000)
        self.apart = True
        self.excluded: list[Span] = []
        self.roles: list[Role] = []  # in byte offsets, in their final shape
        self._role_names: dict[bytes, str | None] = {}  # `{name}` → name, None if no role

    def uncut_spans(self) -> list[Span]:
        """`spans` as they were before role names were cut off them (not in order)."""
        spans = list(self.spans)
        for index, end in zip(self.uncut_at, self.uncut_to, strict=True):
            spans[index] = (spans[index][0], end)
        return spans + self.popped

    def name_holes(self) -> list[Span]:
        """The role names cut off `spans`, as holes in `uncut_spans()`."""
        ends = map(itemgetter(1), map(self.spans.__getitem__, self.uncut_at))
        return list(zip(ends, self.uncut_to, strict=True)) + self.popped

    def walk(self, data: bytes, depth: int = 0, text: str | None = None) -> None:
        """Add the prose of `data`; offsets are `data`'s, the caller maps a nested walk back.
        `text`: `data` decoded, when the caller has it."""
        source = data
        data = self._blank_blocks(data)
        if b"\r" in data:  # pulldown-cmark misreads fences ended by a lone CR: same length
            data = _LONE_CR.sub(b"\n", data)
        collapsed, cuts = _collapse_deep_lists(data)
        if cuts:
            before = self._sizes()
            self._walk_events(collapsed, collapsed.decode("utf-8", errors="replace"), depth)
            if self._uncollapse(before, cuts):
                return
            self._forget(before)  # a run read as text after all: parse it as it is
        if text is None or data is not source:
            text = data.decode("utf-8", errors="replace")
        self._walk_events(data, text, depth)

    def _sizes(self) -> tuple[int, int, int, int, int, bool]:
        sizes = len(self.spans), len(self.excluded), len(self.roles), len(self.popped)
        return (*sizes, len(self.uncut_at), self.apart)

    def _forget(self, sizes: tuple[int, int, int, int, int, bool]) -> None:
        """Drop what was collected since `sizes`."""
        del self.spans[sizes[0] :], self.excluded[sizes[1] :]
        del self.roles[sizes[2] :], self.popped[sizes[3] :]
        del self.uncut_at[sizes[4] :], self.uncut_to[sizes[4] :]
        self.apart = sizes[5]

    def _uncollapse(
        self, sizes: tuple[int, int, int, int, int, bool], cuts: list[tuple[int, int]]
    ) -> bool:
        """Map what a walk of collapsed text collected since `sizes` back to the text; False
        (nothing mapped) when a span or role reaches a cut: the markers were not a list. The
        mapping is strictly increasing: spans apart stay apart."""
        points = [point for point, _ in cuts]
        shifts = [0, *(shift for _, shift in cuts)]

        def moved(offset: int) -> int:
            return offset + shifts[bisect.bisect_right(points, offset)]

        def moved_spans(spans: list[Span]) -> list[Span]:
            return [(moved(start), moved(end)) for start, end in spans]

        spans, excluded = self.spans[sizes[0] :], self.excluded[sizes[1] :]
        roles = self.roles[sizes[2] :]
        for start, end in chain(spans, excluded, (role.span for role in roles)):
            index = bisect.bisect_left(points, start)
            if index < len(points) and points[index] <= end:
                return False
        self.spans[sizes[0] :] = moved_spans(spans)
        self.excluded[sizes[1] :] = moved_spans(excluded)
        self.popped[sizes[3] :] = moved_spans(self.popped[sizes[3] :])
        self.roles[sizes[2] :] = [
            Role(name, (moved(start), moved(end)), (moved(low), moved(high)))
            for name, (start, end), (low, high) in roles
        ]
        self.uncut_to[sizes[4] :] = map(moved, self.uncut_to[sizes[4] :])
        return True

    def _walk_events(self, data: bytes, text: str, depth: int) -> None:
        # One pass over the parser's events, the hot loop of prose detection: the checks are
        # ordered by how often each event comes (text first) and do no work an event does not
        # need; text after nothing but emphasis markers extends the previous span.
        spans = self.spans
        append = spans.append
        find = data.find
        skip = 0  # > 0 inside autolinks and inline raw HTML elements
        code_block: list | None = None  # `_CODE` in a block that is no directive
        html_block: list[int] | None = None
        role_end = -1  # where a text ending in `}` ends (a role's name `{term}`?), else -1
        role_text = 0  # where that text starts
        joined = -1  # where the last span ends when only emphasis markers came after it
        # whether the spans are apart: each is checked to start after `last`, the end of the
        # one before (before a cut), as it comes
        apart = self.apart and _apart_after(self.uncut_spans(), 0, -1)
        last = spans[-1][1] if spans else -1
        roles_possible = b"}`" in data
        rfind, excluded, popped, roles = data.rfind, self.excluded, self.popped, self.roles
        uncut_at, uncut_to, new_role = self.uncut_at, self.uncut_to, tuple.__new__
        add_role = roles.append
        events: Iterable[tuple[Any, Any]] = PARSER.events_with_range(text, **_EVENT_OPTIONS)
        for event, where in events:
            # `in` is a key lookup for a dict event and a substring test for a str one
            # (SoftBreak, HardBreak, Rule: none contains "Text"): texts, the most frequent
            # events, are told apart by one test
            if "Text" in event:
                start = where["start"]
                end = where["end"]
                if code_block is not None:
                    if code_block is not _CODE:
                        code_block.append((start, end))
                elif skip:
                    joined = -1
                else:
                    # `_` markers are word characters: a span never covers them
                    if start == joined or (joined >= 0 and find(b"_", joined, start) < 0):
                        if end <= last:
                            apart = False
                        spans[-1] = (spans[-1][0], end)
                    else:
                        if not last < start < end:
                            apart = False
                        append((start, end))
                    last = joined = end
                    if roles_possible and data[end - 1] == 0x7D:  # `}`: perhaps a role's name
                        role_end = end
                        role_text = start
                continue
            if "Code" in event:  # a role's content, or code (no str event has "Code" in it)
                joined = -1
                # role_end is -1 (no start) unless a text ending in `}` came just before
                if role_end == where["start"]:
                    # inline, as a glossary page has a role in every few words
                    brace = role_end - 6
                    if brace >= role_text and data[brace:role_end] == b"{term}":
                        name: str | None = "term"  # the usual {term}`gradient`: no rfind
                    else:
                        brace = rfind(b"{", role_text, role_end)
                        name = self._role_name(data[brace:role_end]) if brace >= 0 else None
                    if name is not None:
                        code_end = where["end"]
                        text_start, text_end = spans[-1]
                        if text_end != role_end:
                            excluded.append((brace, role_end))
                        elif text_start == brace:  # nothing but the name
                            popped.append(spans.pop())
                        else:
                            uncut_at.append(len(spans) - 1)
                            uncut_to.append(role_end)
                            spans[-1] = (text_start, brace)
                        if data[role_end] == 0x60 and data[role_end + 1] not in (0x20, 0x60):
                            low, high = role_end + 1, code_end - 1  # `gradient`
                        else:
                            low, high = _code_content(data, role_end, code_end)
                        if name in PROSE_ROLES:
                            if data[high - 1] in (0x29, 0x3E):  # `(expansion)`, `<Target>`
                                high = _visible_end(data, name, low, high)
                            if not last < low < high:
                                apart = False
                            content = (low, high)  # one tuple for the span and the role
                            append(content)
                            last = high
                        else:
                            content = (low, high)
                        # tuple.__new__ builds the named tuple in C (Role's own __new__ is a
                        # Python function)
                        add_role(new_role(Role, (name, (brace, code_end), content)))
                role_end = -1
                continue
            if type(event) is str:  # SoftBreak, HardBreak, Rule
                if event != "Rule" and not skip and code_block is None:
                    start = where["start"]
                    end = where["end"]
                    if start == joined or (joined >= 0 and find(b"_", joined, start) < 0):
                        if end <= last:
                            apart = False
                        spans[-1] = (spans[-1][0], end)
                    else:
                        if not last < start < end:
                            apart = False
                        append((start, end))
                    last = joined = end
                continue
            value = event.get("Start")
            if value is not None:
                if value == "Paragraph":  # the most frequent after texts in many pages
                    joined = -1
                    continue
                if type(value) is str:
                    if value in _EMPHASIS:
                        continue  # the markers between two texts join them (no words in `*`)
                    if value == "HtmlBlock":
                        html_block = []
                elif "CodeBlock" in value:
                    kind = value["CodeBlock"]
                    # only a fenced block whose info starts with `{` may be a directive: no
                    # other one keeps its texts
                    if type(kind) is dict and kind["Fenced"].startswith("{"):
                        code_block = [kind, where["start"]]
                    else:
                        code_block = _CODE
                elif "Link" in value and value["Link"]["link_type"] in _AUTOLINKS:
                    skip += 1
                joined = -1
                continue
            value = event.get("End")
            if value is not None:
                if value == "Paragraph":
                    skip = 0
                    joined = -1
                    continue
                if type(value) is str:
                    if value in _EMPHASIS:
                        continue
                    if value in _INLINE_CONTAINERS:  # a paragraph's end: the usual one
                        skip = 0
                    elif value == "CodeBlock":
                        if code_block is not None and code_block is not _CODE:
                            before = len(spans)
                            self._code_block(data, code_block, depth)
                            if len(spans) > before:  # a title, a Markdown body
                                apart = apart and _apart_after(spans, before, last)
                                last = spans[-1][1]
                        code_block = None
                    elif value == "HtmlBlock":
                        if html_block:
                            before = len(spans)
                            spans.extend(html.visible_text(data, html_block[0], html_block[1]))
                            if len(spans) > before:
                                apart = apart and _apart_after(spans, before, last)
                                last = spans[-1][1]
                            html_block = None
                    elif value == "Link" and skip:
                        skip -= 1
                elif "Heading" in value:
                    skip = 0
                joined = -1
                continue
            joined = -1
            if "Html" in event:
                if html_block is not None:
                    if not html_block:
                        html_block.append(where["start"])
                    html_block[1:] = [where["end"]]
            elif "InlineHtml" in event:
                tag = html.tag_name(data[where["start"] : where["end"]])
                if tag is not None and tag[0] in html.RAW_ELEMENTS:
                    skip = max(0, skip - 1) if tag[1] else skip + 1
        self.apart = apart

    def _role_name(self, written: bytes) -> str | None:
        """The role named by `written` (`{name}`), None if it names none: a page repeats its
        few role names, each is checked once."""
        name = self._role_names.get(written, "")
        if name == "":
            found = _ROLE_NAME.fullmatch(written)
            name = self._role_names[written] = found.group(1).decode() if found else None
        return name

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
        for span in nested.uncut_spans():
            self.spans.extend(pieces_map.spans(span))
        for span in nested.excluded + nested.name_holes():
            self.excluded.extend(pieces_map.spans(span))
        offset = pieces_map.offset
        for name, (start, end), (low, high) in nested.roles:
            self.roles.append(Role(name, (offset(start), offset(end)), (offset(low), offset(high))))

    def _blank_blocks(self, data: bytes) -> bytes:
        """Blank the lines CommonMark would read as text but MyST and MDX read as syntax."""
        blanks: list[Span] = []
        blanked = None  # `data` with its colon fences blanked, when that is done in C
        if b":::" in data:
            blanked, fences = _colon_fences(data, self.spans)
            blanks.extend(fences)
        if b")=" in data:
            blanks.extend(found.span() for found in _LABEL_TARGET.finditer(data))
        if self.mdx:
            blanks.extend(found.span() for found in _MDX_STATEMENT.finditer(data))
        if b"$$" in data:
            blanks.extend(_display_math_blocks(data))
        # every shape is found in `data` as it is, then all are blanked (in any order)
        if blanked is not None:
            data = blanked
        return _blank(data, blanks) if blanks else data


# A line that starts with more than `_DEEP_LIST[0]` same bullets (`- - - … item`: one list in
# the next, four parser events per two bytes) keeps its last `_DEEP_LIST[2]` and its first
# ones, at least `_DEEP_LIST[1]` and as many as the widest later line reaches (a line indented
# w columns continues the first w // 2 lists; a tab counts 4): then every later line closes or
# continues the same lists, and the run's text is the same text.
_DEEP_LIST = (64, 32, 2)
_INDENT = re.compile(rb"^[ \t]+", re.M)


def _collapse_deep_lists(data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """`data` with the middle of very deep runs of bullets taken out, and the cuts: (offset
    in the result, bytes taken out before it in all)."""
    longest, least_outer, inner = _DEEP_LIST
    run = b"- " * longest
    if run not in data and b"* " * longest not in data and b"+ " * longest not in data:
        return data, []
    runs = list(re.compile(rb"^([-*+]) (?:\1 ){%d,}" % longest, re.M).finditer(data))
    if not runs:
        return data, []
    starts, widest_after = _widest_indents(data, runs[0].end())
    pieces: list[bytes] = []
    cuts: list[tuple[int, int]] = []
    copied = removed = 0
    for found in runs:
        later = bisect.bisect_left(starts, found.end())
        outer = max(least_outer, widest_after[later] // 2 + 1)
        cut_start, cut_end = found.start() + 2 * outer, found.end() - 2 * inner
        if cut_start >= cut_end:
            continue
        pieces.append(data[copied:cut_start])
        removed += cut_end - cut_start
        cuts.append((cut_start - (removed - (cut_end - cut_start)), removed))
        copied = cut_end
    if not cuts:
        return data, []
    pieces.append(data[copied:])
    return b"".join(pieces), cuts


def _widest_indents(data: bytes, offset: int) -> tuple[list[int], list[int]]:
    """The starts of the indented lines from `offset` on, and for each index the widest
    indent (columns, a tab counting 4) of those lines from it on (0 past the last)."""
    starts: list[int] = []
    widths: list[int] = []
    for indent in _INDENT.finditer(data, offset):
        starts.append(indent.start())
        width = indent.end() - indent.start()
        widths.append(4 * width if b"\t" in indent.group() else width)
    widest = [0] * (len(widths) + 1)
    for index in range(len(widths) - 1, -1, -1):
        widest[index] = max(widths[index], widest[index + 1])
    return starts, widest


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


def _visible_end(data: bytes, name: str, start: int, end: int) -> int:
    """Where a role's visible text ends: before `<Target>` (term) or `(expansion)` (abbr)."""
    opener, closer = (b" (", 0x29) if name == "abbr" else (b" <", 0x3E)
    if data[end - 1] != closer:  # the usual {term}`gradient`: no rfind
        return end
    split = data.rfind(opener, start, end)
    return split if split > start else end


def _code_content(data: bytes, start: int, end: int) -> Span:
    """The content of a code span `data[start:end]`, without its backticks (and one space)."""
    if data[start] == 0x60 and data[start + 1] != 0x60:
        ticks = 1  # the usual `code`
    else:
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


def _colon_fences(data: bytes, titles: list[Span]) -> tuple[bytes | None, list[Span]]:
    """Colon fence lines (and the bodies of directives that are not Markdown) to blank; the
    titles of titled directives are added to `titles`. A fence's indent is spaces, already
    blank: the spans start at its colons. Either `data` with them blanked (a page of fences
    that only open, none titled: blanked in C) and no spans, or None and the spans."""
    options_possible = _OPTION_NAME.search(data) is not None
    if options_possible:
        pieces = _COLON_FENCE.split(data)
        stride = _FENCE_GROUPS + 1
    else:
        pieces = _COLON_FENCE_NO_OPTIONS.split(data)
        stride = _FENCE_GROUPS
    names = pieces[3::stride]
    if None not in names and _TITLED_DIRECTIVE_NAMES.isdisjoint(names):
        # only openers, none titled: each line is blanked, no body
        lines = pieces[1::stride]
        # no `:option:` lines: one line each
        if not options_possible or pieces[5::stride].count(None) == len(lines):
            blanked = map(_SPACE.__mul__, map(len, lines))
        else:
            blanked = map(bytes.translate, lines, repeat(_SPACES_BUT_LINE_BREAKS))
        joined = [b""] * (len(names) * 2 + 1)
        joined[0::2] = pieces[0::stride]
        joined[1::2] = blanked
        return b"".join(joined), []
    blanks: list[Span] = []
    stack: list[tuple[int, bytes, int]] = []  # (colons beyond 3, name, offset after the line)
    position = 0
    for index in range(1, len(pieces), stride):
        line, colons, name, argument = pieces[index : index + 4]
        options = pieces[index + 4] if options_possible else None
        start = position + len(pieces[index - 1])
        position = start + len(line)
        span = (start, position)  # an opening line's with its options, blanked with it
        if name is None:
            while stack and stack[-1][0] > len(colons):
                stack.pop()  # an inner fence never closed
            if not stack:
                continue
            _, open_name, body_start = stack.pop()
            if open_name not in _MARKDOWN_DIRECTIVE_NAMES:
                blanks.append((body_start, start))
            blanks.append(span)
            continue
        blanks.append(span)
        line_end = position if options is None else position - len(options) - 1
        stack.append((len(colons), name, line_end))
        if name in _TITLED_DIRECTIVE_NAMES and argument.strip():
            titles.append((line_end - len(argument), line_end))
    return None, blanks


def _blank(data: bytes, spans: list[Span]) -> bytes:
    """`data` with the bytes of `spans` made spaces (line breaks kept): offsets do not move.
    They are copied from a blanked copy of it all: a `translate` per span would copy its
    table each time (~1,000 steps; a page of fences has one span every 15 bytes)."""
    blanks = data.translate(_SPACES_BUT_LINE_BREAKS)
    blanked = bytearray(data)
    for start, end in spans:
        blanked[start:end] = blanks[start:end]
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


_NOT_CUT: tuple[list[int], list[int]] = ([], [])  # never changed


def _policy_exclusions(
    data: bytes,
    spans: list[Span],
    excluded: list[Span],
    mdx: bool,
    uncut: tuple[list[int], list[int]] = _NOT_CUT,
) -> list[Span]:
    """`excluded` and the spans inside the prose `spans` that the policies take out: URLs,
    paths, math, markers, …; `uncut`: the ends of spans before role names were cut off
    them (by index), which the policies read."""
    excluded = list(excluded)
    starts = list(map(itemgetter(0), spans))
    beyond = len(data) + 1
    start = end = -1  # the span the last mark was in, or the one before the gap it was in
    next_start = starts[0] if starts else beyond
    done = 0  # marks before this were covered by an earlier token
    marks = _marks(data, mdx)
    position = marks.find(_MARK)
    while position >= 0:  # inline, no call per mark: a page may have one in every word
        if position >= next_start:
            index = bisect.bisect_right(starts, position) - 1
            start, end = spans[index]
            if uncut[0]:
                end = _uncut_end(uncut, index, end)
            next_start = starts[index + 1] if index + 1 < len(starts) else beyond
        if position >= end:  # between spans: go on at the next one, past its marks
            position = marks.find(_MARK, next_start)
            continue
        byte = data[position]
        found: re.Match[bytes] | None
        if byte == 0x26:  # `&`
            found = _CHARACTER_REFERENCE.match(data, position, end)
            if found is not None and (found.group(1) is None or found.group(1) in _ENTITIES):
                excluded.append(found.span())  # `&nbsp;` is no word of the text
        elif byte == 0x24:  # `$`
            found = _LOOSE_MATH.match(data, position, end)
            if found is not None:
                excluded.append(found.span())
                done = found.end()
        elif byte == 0x7B:  # `{`
            found = (  # `{{<`, `{#`, `{.`: a role's name `{term}` is not tried
                _AT_BRACE.match(data, position, end)
                if position + 1 < end and data[position + 1] in _AT_BRACE_SECOND
                else None
            ) or (_MDX_EXPRESSION.match(data, position, end) if mdx else None)
            if found is not None:
                excluded.append(found.span())
                done = found.end()
        elif byte == 0x5C and (found := _BEGIN.match(data, position, end)) is not None:
            excluded.append(found.span())  # `\\begin{…}`, a LaTeX opener
            done = found.end()
        elif byte != 0x5C or (position > 0 and data[position - 1] == 0x3A):  # `C:\\`
            token_start, token_end = _token_around(data, position, max(start, done), end)
            shapes = _TOKEN_SHAPES.finditer(data, token_start, token_end)
            excluded.extend(shape.span() for shape in shapes)
            done = token_end
        position = marks.find(_MARK, position + 1 if position >= done else done)
    for literal, shape in ((b"www.", _TOKEN_SHAPES), (b"[!", _ALERT_MARKER)):
        excluded.extend(_shapes_at(data, literal, shape, spans, starts, uncut))
    if b"\\begin{" in data:
        excluded.extend(_math_environments(data))
    return _merge(excluded)


def _marks(data: bytes, mdx: bool) -> bytes:
    """`data` with each byte where the policy loop looks 1, the others 0: the marks of token
    shapes, and `{`, `$`, `&` only where a shape that starts at them may match (in MDX every
    `{`). Leaving out a mark that matches nothing changes nothing: it moves no `done`."""
    marks = data.translate(_MARK_BYTES_MDX if mdx else _MARK_BYTES_BUT_STARTS)
    starts = [] if mdx or b"{" not in data else [_AT_BRACE_START]
    if b"$" in data:
        starts.append(_LOOSE_MATH_START)
    if b"&" in data:
        starts.append(_character_reference_start())
    marked: bytearray | None = None
    for start in starts:
        for found in start.finditer(data):
            if marked is None:
                marked = bytearray(marks)
            marked[found.start()] = 1
    return marks if marked is None else bytes(marked)


def _token_around(data: bytes, position: int, start: int, end: int) -> Span:
    """The whitespace-separated token around `position`, within [start, end); the caller
    moves `start` past the tokens it has read, so all the calls together read the text once."""
    low = max(start, position - _MAX_TOKEN)
    before = _UP_TO_WHITESPACE.match(data, low, position)
    after = _WHITESPACE.search(data, position, end)
    return (before.end() if before else low), (after.start() if after else end)


def _shapes_at(
    data: bytes,
    literal: bytes,
    shape: re.Pattern[bytes],
    spans: list[Span],
    starts: list[int],
    uncut: tuple[list[int], list[int]],
) -> Iterable[Span]:
    """The shapes found at each occurrence of `literal` that lies in prose."""
    position = data.find(literal)
    while position >= 0:
        index = bisect.bisect_right(starts, position) - 1
        end = -1 if index < 0 else _uncut_end(uncut, index, spans[index][1])
        if position < end:
            found = shape.match(data, position, end)
            if found is not None:
                yield found.span()
        position = data.find(literal, position + 1)


def _uncut_end(uncut: tuple[list[int], list[int]], index: int, end: int) -> int:
    """The end of `spans[index]` before a role name was cut off it, given its `end` now."""
    at, to = uncut
    found = bisect.bisect_left(at, index)
    return to[found] if found < len(at) and at[found] == index else end


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
    """The union of `spans` as sorted, disjoint, non-empty spans (touching ones joined)."""
    if _apart(spans):
        return list(spans)
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _apart_after(spans: list[Span], since: int, last: int) -> bool:
    """Whether `spans[since:]` are apart (`_apart`) and start after `last`."""
    offsets = [last, *chain.from_iterable(spans[since:])]
    return all(map(lt, offsets, islice(offsets, 1, None)))


def _apart(spans: list[Span]) -> bool:
    """Whether `spans` are already sorted, non-empty and neither touch nor overlap: the usual
    case, as the parser reports text in order; checked in C, as there are thousands."""
    offsets = list(chain.from_iterable(spans))
    return all(map(lt, offsets, islice(offsets, 1, None)))


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """The parts of the sorted, disjoint `spans` outside the sorted, disjoint `holes`; spans
    no hole touches are copied in runs (holes are few, spans many)."""
    if not holes:
        return spans
    ends = [end for _, end in spans]
    result: list[Span] = []
    copied = 0  # spans[:copied] are done
    hole = 0
    while hole < len(holes):
        index = bisect.bisect_right(ends, holes[hole][0], copied)  # the first span it may cut
        result += spans[copied:index]
        if index == len(spans):
            return result
        position, end = spans[index]
        while hole < len(holes) and holes[hole][0] < end:
            hole_start, hole_end = holes[hole]
            if hole_start > position:
                result.append((position, hole_start))
            position = max(position, hole_end)
            if hole_end > end:
                break  # it may cut the next span too
            hole += 1
        if position < end:
            result.append((position, end))
        copied = index + 1
    result += spans[copied:]
    return result


# ----------------------------------------------------------------------------- regions


def cell_region(
    kind: str,
    text: str,
    index: int,
    language: str,
    code_comments: bool,
    mapping: OffsetMap | None = None,
    front_matter: bool = True,
) -> Region:
    """The region of one cell (or file) with the prose its kind has; `front_matter`: whether
    it may start with front matter (a file, or a notebook's first cell)."""
    roles: list[Role] = []
    if kind == MARKDOWN:
        analysed = analyse_markdown(text, front_matter, mdx=language == "mdx")
        prose, roles = analysed.spans, analysed.roles
    elif kind == CODE and code_comments:
        prose = comment_prose(text, language)
    else:
        prose = []
    return Region(kind, text, index, prose, mapping, language, roles)

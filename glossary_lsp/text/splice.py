"""The view of an edited Markdown document, built from the view of the version before the edit.

A CommonMark parser reads blocks line by line; where every block is closed (a top-level block
that starts after a blank line), parsing the rest of the text starts afresh. So after an edit
only the top-level blocks it touches are parsed again: from the last such boundary before the
edit to the first one after it where the new parse meets the old one again (the old boundary
shifted by the edit's length change). The prose spans and roles of those blocks replace the old
ones; those before stay, those after move by the length change. The result is the view a full
parse gives (`tests/test_incremental_views.py` checks it on random edits).

Syntax whose reach is the whole document is not spliced: link reference and footnote
definitions (a `[label]` anywhere may refer to them), MyST colon fences, `$$` math blocks,
`\\begin{…}` environments, `(label)=` targets and MDX statements (`prose.py` reads them over the
whole text), raw HTML elements whose text is not prose (`<pre>`, `<code>`, …: one left open in
a tight list item stays open for the blocks after it), carriage returns, and an edit in or next
to the front matter. Such a document is
parsed whole, as before.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .positions import LineIndex, code_point_offsets
from .prose import PARSER, analyse_markdown
from .views import MARKDOWN, DocumentView, Region, Role, ShiftMap

T = TypeVar("T")

# Whole-document syntax, each shape behind a literal that is searched first (in C, fast).
_WHOLE_DOCUMENT_LITERALS = (":::", "$$", "\\begin{", "\r")
_WHOLE_DOCUMENT_SHAPES = (
    ("]:", re.compile(r"^[ ]{0,3}\[[^\]\n]*\]:", re.M)),
    (")=", re.compile(r"^[ ]{0,3}\([^()\s]+\)=", re.M)),
    ("port", re.compile(r"^(?:import|export)\b", re.M)),
    ("<", re.compile(r"<(?i:script|style|pre|code|textarea|kbd|samp|var|tt|math|svg|template)\b")),
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BLANK_LINE = re.compile(r"[ \t]*\n")
# Lines that may continue the block before a blank line (a list item, a quote, a definition,
# an indented line) are never taken as a boundary, whatever the parser said.
_CONTINUING_LINE = re.compile(r"[ \t>:|*+\-]|\d{1,9}[.)]")
_FRONT_MATTER_MARGIN = 4
_MIN_WINDOW = 4096  # the window parsed again grows to at least this many characters
_MAX_RETRIES = 3
_MAX_CANDIDATES = 4096  # restart points looked at for one window


def spliceable(text: str, front_matter_end: int) -> bool:
    """Whether `text` has no syntax that reaches across the whole document."""
    if front_matter_end:
        if "\r" in text[:front_matter_end]:
            return False
        text = text[front_matter_end:]
    if any(literal in text for literal in _WHOLE_DOCUMENT_LITERALS):
        return False
    return not any(
        literal in text and shape.search(text) for literal, shape in _WHOLE_DOCUMENT_SHAPES
    )


def block_starts(text: str, base: int = 0) -> list[int]:
    """Where a parse of a Markdown text may restart: the starts of top-level blocks that
    follow a blank line, as offsets plus `base`."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (from a notebook's JSON) reads as U+FFFD
        text = _LONE_SURROGATE.sub("\ufffd", text)
        data = text.encode("utf-8")
    found: list[int] = []
    depth = 0
    for event, where in PARSER.events_with_range(text):
        if type(event) is str:
            if event == "Rule" and depth == 0:
                found.append(where["start"])
            continue
        if "Start" in event:
            if depth == 0:
                found.append(where["start"])
            depth += 1
        elif "End" in event:
            depth -= 1
    points = found if len(data) == len(text) else code_point_offsets(text, data, found)
    return [base + point for point in points if _restarts_at(text, point)]


def _restarts_at(text: str, offset: int) -> bool:
    """A block start at the beginning of a line, after a blank line, that cannot continue it."""
    if offset < 2 or text[offset - 1] != "\n" or _CONTINUING_LINE.match(text, offset):
        return False
    previous = text.rfind("\n", 0, offset - 1) + 1
    return _BLANK_LINE.fullmatch(text, previous, offset) is not None


@dataclass(frozen=True, slots=True)
class Edit:
    """An edit as the common prefix and suffix of the old and the new text."""

    prefix: int
    suffix: int


def spliced_view(
    old: DocumentView,
    restarts: list[int],
    source: str,
    edit: Edit,
    front_matter_end: int,
    lines: LineIndex | None = None,
) -> DocumentView | None:
    """The view of `source` from `old` (the view before `edit`); None when a full parse is
    needed (the edit reaches the front matter, whole-document syntax, no re-synchronisation).
    `lines`: `source`'s line index, when the caller has one."""
    if not restarts or len(old.regions) != 1 or old.error is not None:
        return None  # [] : the old text cannot be spliced (or has no block to restart at)
    region = old.regions[0]
    if region.kind != MARKDOWN or region.text is not old.source:
        return None
    delta = len(source) - len(old.source)
    old_end = len(old.source) - edit.suffix  # the edit replaced old[prefix:old_end]
    if edit.prefix <= front_matter_end + _FRONT_MATTER_MARGIN:
        return None
    starts = restarts
    line_start = old.source.rfind("\n", 0, edit.prefix) + 1
    first = bisect.bisect_left(starts, line_start) - 1
    # the start of a document without front matter is a restart point too
    restart = starts[first] if first >= 0 else (0 if front_matter_end == 0 else None)
    if restart is None or (front_matter_end and restart <= front_matter_end):
        return None
    after = bisect.bisect_left(starts, old_end)
    for _attempt in range(_MAX_RETRIES):
        candidates = _candidates(old.source, starts, after, old_end, restart)
        window_end = _window_end(candidates, restart, len(old.source))
        end = window_end + delta if window_end else len(source)
        found = _reparse(source, restart, end, mdx=region.language == "mdx")
        if found is None:
            return None
        if not spliceable(source[restart : window_end + delta if window_end else None], 0):
            return None
        new_starts, prose, roles = found
        meeting = _meeting_point(candidates, new_starts, delta, window_end)
        if meeting is not None or window_end == 0:
            break
        after = bisect.bisect_right(starts, window_end)
    else:
        return None
    resync = meeting if meeting is not None else len(old.source)
    window = (new_starts, prose, roles)
    if lines is None or lines.text is not source:
        lines = LineIndex.after_edit(old.lines, source, edit.prefix, edit.suffix)
    return _spliced(old, region, lines, (restart, resync, delta), window, restarts)


def _candidates(text: str, starts: list[int], after: int, old_end: int, restart: int) -> list[int]:
    """The restart points from `starts[after]` on whose blank line before is untouched by the
    edit, up to the window's end (see `_window_end`)."""
    found: list[int] = []
    for start in starts[after : after + _MAX_CANDIDATES]:
        if text.rfind("\n", 0, start - 1) + 1 >= old_end:
            found.append(start)
            if len(found) >= 2 and start - restart >= _MIN_WINDOW:
                break
    return found


def _window_end(candidates: list[int], restart: int, length: int) -> int:
    """Where the window to parse again ends, in old offsets: a restart point at least two
    blocks and `_MIN_WINDOW` characters after the edit; 0 for the end of the text."""
    for number, candidate in enumerate(candidates):
        if number >= 1 and candidate - restart >= _MIN_WINDOW:
            return candidate
    return 0


def _meeting_point(
    candidates: list[int], new_starts: list[int], delta: int, window_end: int
) -> int | None:
    """The first old restart point that the new parse has too (shifted by `delta`)."""
    shifted = set(new_starts)
    for candidate in candidates:
        if window_end and candidate >= window_end:
            return None
        if candidate + delta in shifted:
            return candidate
    return None


def _reparse(
    source: str, start: int, end: int, mdx: bool
) -> tuple[list[int], list[tuple[int, int]], list[Role]] | None:
    window = source[start:end]
    analysed = analyse_markdown(window, front_matter=False, mdx=mdx)
    prose = [(a + start, b + start) for a, b in analysed.spans]
    roles = [_shifted_role(role, start) for role in analysed.roles]
    return [start, *block_starts(window, start)], prose, roles  # `start` stays a restart


def _shifted_role(role: Role, delta: int) -> Role:
    return Role(
        role.name,
        (role.span[0] + delta, role.span[1] + delta),
        (role.text[0] + delta, role.text[1] + delta),
    )


def _spliced(
    old: DocumentView,
    region: Region,
    lines: LineIndex,
    cut: tuple[int, int, int],
    window: tuple[list[int], list[tuple[int, int]], list[Role]],
    restarts: list[int],
) -> DocumentView:
    restart, resync, delta = cut
    new_starts, window_prose, window_roles = window
    limit = resync + delta  # the window's results stop where the old ones take over again
    prose = _join(
        region.prose,
        restart,
        resync,
        delta,
        [span for span in window_prose if span[0] < limit],
        key=lambda span: span[0],
        shift=lambda span: (span[0] + delta, span[1] + delta),
    )
    roles = _join(
        region.roles,
        restart,
        resync,
        delta,
        [role for role in window_roles if role.span[0] < limit],
        key=lambda role: role.span[0],
        shift=lambda role: _shifted_role(role, delta),
    )
    starts = _join(
        restarts,
        restart,
        resync,
        delta,
        [start for start in new_starts if start < limit],
        key=lambda start: start,
        shift=lambda start: start + delta,
    )
    source = lines.text
    new_region = Region(
        MARKDOWN, source, region.index, prose, ShiftMap(0, len(source)), region.language, roles
    )
    view = DocumentView(source, lines, [new_region], old.front_matter)
    view.restarts = starts
    return view


def _join(
    items: list[T],
    restart: int,
    resync: int,
    delta: int,
    middle: list[T],
    key: Callable[[T], int],
    shift: Callable[[T], T],
) -> list[T]:
    """`items` before `restart`, then `middle`, then `items` from `resync` on, shifted."""
    low = bisect.bisect_left(items, restart, key=key)
    high = bisect.bisect_left(items, resync, key=key)
    tail = items[high:]
    if delta:
        tail = [shift(item) for item in tail]
    return [*items[:low], *middle, *tail]

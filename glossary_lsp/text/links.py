"""The links of a Markdown text, in document order, as the CommonMark parser reads them.

Inline and reference links (`[text](dest)`, `[text][ref]`, `[ref]`); not images, not autolinks,
not what looks like a link inside code spans, code blocks or front matter. Used where a
document's links carry meaning (a README that states a course's order).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pyromark

from .front_matter import front_matter_span

_PARSER = pyromark.Markdown(
    options=pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_GFM
)
_LINK_TYPES = frozenset({"Inline", "Reference", "Collapsed", "Shortcut"})


@dataclass(frozen=True, slots=True)
class Link:
    destination: str  # as written (not decoded)
    line: int  # 1-based line of the link's start


def markdown_links(text: str) -> list[Link]:
    """Every link of `text`, in document order."""
    span = front_matter_span(text)
    if span is not None:  # blanked, not cut: lines keep their numbers
        head = text[: span[2]]
        text = "".join("\n" if c == "\n" else " " for c in head) + text[span[2] :]
    data = text.encode("utf-8", errors="replace")
    breaks = [index for index, byte in enumerate(data) if byte == 0x0A]
    links = []
    decoded = data.decode("utf-8")
    for event, where in _PARSER.events_with_range(decoded):
        if type(event) is not dict:
            continue
        start = event.get("Start")
        if type(start) is not dict or "Link" not in start:
            continue
        link = start["Link"]
        if link.get("link_type") not in _LINK_TYPES or not link.get("dest_url"):
            continue
        line = bisect.bisect_right(breaks, where["start"] - 1) + 1
        links.append(Link(str(link["dest_url"]), line))
    return links

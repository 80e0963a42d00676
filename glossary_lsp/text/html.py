"""The visible text of raw HTML, found in its UTF-8 bytes (the parser's offsets are bytes).

Prose in HTML is the text between tags: not tags and their attributes, comments, CDATA,
processing instructions, entity references, nor the bodies of elements that hold code or
non-prose text (`<script>`, `<style>`, `<pre>`, `<code>`, …).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Elements whose content is not prose, in blocks and inline.
RAW_ELEMENTS = frozenset(
    b"script style pre code textarea kbd samp var tt math svg template".split()
)

# Attribute values stop at `<`, so an unclosed tag costs no more than the text to the next tag;
# a `/` before the `>` is left to `close` (a self-closing `<code/>` opens nothing).
_TOKEN = re.compile(
    rb"""
      <!--.*?(?:-->|\Z)
    | <!\[CDATA\[.*?(?:\]\]>|\Z)
    | <\?.*?(?:\?>|\Z)
    | <![A-Za-z][^<>]*>?
    | </?(?P<name>[A-Za-z][A-Za-z0-9\-]*)(?:[^<>"'/]|/(?!>)|"[^"<>]*"|'[^'<>]*')*(?P<close>/?)>
    | &(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});
    """,
    re.S | re.X,
)


def tag_name(tag: bytes) -> tuple[bytes, bool] | None:
    """(lower-case name, is a closing tag) of one complete tag, or None for anything else."""
    found = _TOKEN.fullmatch(tag)
    if found is None or found.group("name") is None or found.group("close"):
        return None
    return found.group("name").lower(), tag.startswith(b"</")


def visible_text(data: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of `data[start:end]` (byte offsets) that HTML shows as text."""
    position = start
    while position < end:
        token = _TOKEN.search(data, position, end)
        if token is None:
            yield position, end
            return
        if token.start() > position:
            yield position, token.start()
        position = token.end()
        name = token.group("name")
        if name is None or token.group("close") or data[token.start() + 1] == 0x2F:
            continue
        name = name.lower()
        if name in RAW_ELEMENTS:
            closing = re.compile(rb"</" + re.escape(name) + rb"\s*>", re.I).search(
                data, position, end
            )
            position = closing.end() if closing else end

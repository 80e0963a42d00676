"""YAML front matter: where it is (only at the very top) and its data, loaded safely.

A `---` line at the top opens front matter only when a non-blank line follows it and the block
is closed by `---` or `...`, and only when its body reads as YAML keys: a Markdown "note box"
framed by horizontal rules (`---`, a blank line or prose, `---`) is Markdown, not metadata.
"""

from __future__ import annotations

import re

import yaml

try:
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _YamlLoader = yaml.SafeLoader

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_FENCE_OPEN = re.compile(r"\ufeff?---[ \t]*$")
_FENCE_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*$")
# A YAML key (or a comment) on the first line: what front matter starts with, even when the
# YAML after it is broken (then the block is still metadata, with no data).
_KEY_LINE = re.compile(r"[ \t]*(?:#|[\"']?[\w][\w .\-]*[\"']?[ \t]*:(?:[ \t]|$))")


def front_matter_span(text: str) -> tuple[int, int, int] | None:
    """(body start, body end, block end) of YAML front matter at the very top, or None."""
    lines = _LINE.finditer(text)
    first = next(lines, None)
    if first is None or not _FENCE_OPEN.match(first.group().rstrip("\r\n")):
        return None
    second = next(lines, None)
    if second is None or not second.group().strip():
        return None  # `---` then a blank line: a horizontal rule
    if not _KEY_LINE.match(second.group()) and not _FENCE_CLOSE.match(second.group()):
        return None  # `---` then prose: a note box framed by rules
    line: re.Match[str] | None = second
    while line is not None and line.group():
        if _FENCE_CLOSE.match(line.group().rstrip("\r\n")):
            return first.end(), line.start(), line.end()
        line = next(lines, None)
    return None


def load_front_matter(body: str) -> dict:
    """Front matter YAML loaded safely; `{}` for anything broken or not a mapping."""
    try:
        data = yaml.load(body, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def front_matter_of(text: str) -> dict:
    """The data of the front matter at the top of `text`, `{}` when there is none."""
    span = front_matter_span(text)
    return load_front_matter(text[span[0] : span[1]]) if span else {}

"""MyST roles that name a glossary term: `` {term}`MyST` ``, `` {term}`text <MyST>` `` and
`` {abbr}`HR (Heart Rate)` ``.

Pure text functions: where such a role is, and where the name it points to is written (the
target inside `<…>`, not the visible text; the abbreviation before its parenthesised expansion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROLE = re.compile(r"\{(?P<role>term|abbr)\}`(?P<content>[^`\n]+)`")
_EXPLICIT_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>\s*$", re.DOTALL)
_ABBR_EXPANSION = re.compile(r"^(?P<target>.*?)\s*\((?P<expansion>[^()]*)\)\s*$", re.DOTALL)


# Any MyST role (`{name}`content``) or reStructuredText role (`:name:`content``), for display.
_ANY_ROLE = re.compile(r"(?:\{[\w:.-]+\}|:[\w:.-]+:)`(?P<content>[^`\n]+)`")


@dataclass(frozen=True, slots=True)
class RoleUse:
    """A role in a text: its span, and the span and text of the name it points to."""

    role: str  # "term" | "abbr"
    start: int
    end: int
    target: str
    target_start: int
    target_end: int
    expansion: str = ""  # an abbr role's own expansion


def role_uses(text: str, start: int = 0, end: int | None = None) -> list[RoleUse]:
    """Every `{term}` and `{abbr}` role in `text[start:end]`, in order."""
    uses = []
    for found in _ROLE.finditer(text, start, len(text) if end is None else end):
        use = _role_use(found)
        if use is not None:
            uses.append(use)
    return uses


def role_at(text: str, offset: int) -> RoleUse | None:
    """The role whose span holds `offset` (its end included), if any."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    for use in role_uses(text, line_start, len(text) if line_end < 0 else line_end):
        if use.start <= offset <= use.end:
            return use
    return None


def _role_use(found: re.Match[str]) -> RoleUse | None:
    content_start, content_end = found.span("content")
    content = found.group("content")
    expansion = ""
    if found.group("role") == "term":
        explicit = _EXPLICIT_TARGET.match(content)
        span = explicit.span("target") if explicit else (0, len(content))
    else:
        abbreviation = _ABBR_EXPANSION.match(content)
        span = abbreviation.span("target") if abbreviation else (0, len(content))
        expansion = abbreviation.group("expansion").strip() if abbreviation else ""
    target_start, target_end = _strip(content, *span)
    if target_start >= target_end:
        return None
    return RoleUse(
        found.group("role"),
        found.start(),
        found.end(),
        content[target_start:target_end],
        content_start + target_start,
        content_start + target_end,
        expansion,
    )


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def visible_text(text: str) -> str:
    """`text` with every MyST or reStructuredText role shown as its readers see it:
    `` {term}`the tool <Jupyter Book>` `` → `the tool`, `` {term}`MyST` `` → `MyST`."""
    if "`" not in text:
        return text
    return _ANY_ROLE.sub(_visible, text)


def _visible(found: re.Match[str]) -> str:
    content = found.group("content")
    explicit = _EXPLICIT_TARGET.match(content)
    return explicit.group("text") if explicit and explicit.group("text") else content

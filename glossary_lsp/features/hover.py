"""Hover: what a term means and which module introduces it."""

from __future__ import annotations

from dataclasses import dataclass

from glossary_lsp.features.base import GlossaryVersion, term_at
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.text.views import DocumentView


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    start: int  # source offsets of the hovered span
    end: int


def describe_term(glossary: Glossary, term: Term) -> str:
    """The Markdown that hover and completion show for a term."""
    heading = f"**{term.term}**"
    if term.expansion:
        heading += f" — {term.expansion}"
    parts = [heading]
    if term.definition:
        parts.append(term.definition.strip())
    module = glossary.module(term.module)
    if module is not None:
        parts.append(f"Introduced in {module.label}")
    elif term.module:
        parts.append(f"Introduced in `{term.module}`")
    extras = []
    if term.aliases:
        extras.append("Also: " + ", ".join(term.aliases))
    if term.see_also:
        extras.append("See also: " + ", ".join(term.see_also))
    if extras:
        parts.append(" · ".join(extras))
    return "\n\n".join(parts)


def hover(version: GlossaryVersion, view: DocumentView, source_offset: int) -> HoverResult | None:
    found = term_at(version, view, source_offset)
    if found is None:
        return None
    start, end = found.source_range()
    return HoverResult(describe_term(version.glossary, found.match.term), start, end)

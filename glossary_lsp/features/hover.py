"""Hover: what a term means and which module of this course introduces it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.introduction import (
    Budget,
    Introduction,
    comes_before,
    find_introduction,
    find_introduction_so_far,
    remember,
    remembered,
)
from glossary_lsp.course.modules import Course
from glossary_lsp.course.workspace import STALE_TERMS_TRUSTED_FROM, WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion, TermAt, term_at
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.text.views import DocumentView

# the store beside the index (`WorkspaceIndex.derived`) of hover texts, see `hover_text`
HOVER_TEXTS = "hover texts"
# what a hover says while the course is indexed and the modules searched so far may not hold
# the term's introduction (`find_introduction_so_far`)
SO_FAR = "so far: the course is still being indexed"
NOT_KNOWN_YET = (
    "Where the course introduces it is not known yet: the course is still being indexed."
)


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    start: int  # source offsets of the hovered span
    end: int


def describe_term(glossary: Glossary, term: Term, introduced: str | None = None) -> str:
    """The Markdown that hover and completion show for a term; `introduced` says where the
    course introduces it (never a module of a glossary's own course the workspace lacks)."""
    heading = f"**{term.term}**"
    if term.expansion:
        heading += f" — {term.expansion}"
    parts = [heading]
    if term.definition:
        parts.append(term.definition.strip())
    if introduced:
        parts.append(introduced)
    extras = []
    if term.aliases:
        extras.append("Also: " + ", ".join(term.aliases))
    if term.see_also:
        extras.append("See also: " + ", ".join(term.see_also))
    if extras:
        parts.append(" · ".join(extras))
    return "\n\n".join(parts)


def introduction_label(glossary: Glossary, introduction: Introduction, term: Term) -> str:
    """`02 · 📊 Embeddings`: the module's place in the course and its name (the glossary's
    `EMOJI Title` when the glossary describes that module)."""
    module = introduction.module
    described = glossary_module_of(glossary, module) or (
        glossary.module(term.module) if introduction.reason == "glossary" else None
    )
    name = described.label if described is not None else module.title
    return f"{introduction.rank + 1:02d} · {name}"


def introduced_phrase(
    glossary: Glossary,
    index: WorkspaceIndex,
    course: Course,
    introduction: Introduction | None,
    term: Term,
    path: Path | None,
    source_offset: int | None,
) -> str | None:
    """ "Introduced in [02 · 📊 Embeddings](file…#L12)", "Introduced later, in …" before it, or
    "Introduced here", for an introduction found; None when the course does not introduce the
    term."""
    if introduction is None:
        return None
    link = introduction_link(glossary, index, introduction, term)
    occurrence = introduction.occurrence
    if path is not None and path == introduction.module.path and occurrence is not None:
        start, end = occurrence.source_range()
        if source_offset is not None and start <= source_offset <= end:
            return f"Introduced here, in {link}"
    if comes_before(introduction, course, path, source_offset):
        return f"Introduced later, in {link}"
    return f"Introduced in {link}"


def introduction_link(
    glossary: Glossary, index: WorkspaceIndex, introduction: Introduction, term: Term
) -> str:
    """`[02 · 📊 Embeddings](file…#L12)`, remembered beside the introduction while the index
    keeps it (`WorkspaceIndex.derived`, emptied when the index changes)."""
    found = remembered(index, "hover links").get(id(introduction))
    if found is not None:
        was, was_glossary, was_term, link = found
        if was is introduction and was_glossary is glossary and was_term is term:
            return str(link)
    label = introduction_label(glossary, introduction, term)
    line = 1
    occurrence = introduction.occurrence
    if occurrence is not None:
        line = occurrence.view.lines.position(occurrence.source_range()[0])[0] + 1
    link = f"[{label}]({introduction.module.uri}#L{line})"
    remember(index, "hover links", id(introduction), (introduction, glossary, term, link), 256)
    return link


def hover(
    version: GlossaryVersion,
    view: DocumentView,
    source_offset: int,
    index: WorkspaceIndex | None = None,
    path: Path | None = None,
    budget: Budget | None = None,
) -> HoverResult | None:
    """The hover at an offset of the document at `path`; with an index, where this course
    introduces the term (with a `budget`, as far as it reaches: see `hover_text`)."""
    found = term_at(version, view, source_offset)
    if found is None:
        return None
    return hover_at(version, found, source_offset, index, path, budget)


def hover_at(
    version: GlossaryVersion,
    found: TermAt,
    source_offset: int,
    index: WorkspaceIndex | None = None,
    path: Path | None = None,
    budget: Budget | None = None,
) -> HoverResult:
    """The hover on a term found at `source_offset` (see `hover`)."""
    start, end = found.source_range()
    term = found.match.term
    if index is None:
        return HoverResult(describe_term(version.glossary, term), start, end)
    text = hover_text(version.glossary, index, term, path, source_offset, budget)
    return HoverResult(text, start, end)


def hover_text(
    glossary: Glossary,
    index: WorkspaceIndex,
    term: Term,
    path: Path | None,
    source_offset: int | None,
    budget: Budget | None = None,
) -> str:
    """The hover's Markdown for a term at an offset of the document at `path`, remembered
    beside the index (`WorkspaceIndex.derived`, emptied when the index changes) for the
    introduction `find_introduction` gives now: the text reads nothing else.

    With a `budget` (a server's hover while the course is indexed), modules not indexed yet
    are searched only as far as it reaches; an introduction that the modules left out could
    change is said to be one found so far, and none found is said to be not known yet."""
    course = index.course(path)
    if budget is not None:
        so_far = find_introduction_so_far(index, term, course, budget)
        if not so_far.complete:
            return _partial_text(
                glossary, index, course, so_far.introduction, term, path, source_offset
            )
        introduction = so_far.introduction
    else:
        introduction = find_introduction(index, term, course)
    key = (id(introduction), id(course), id(term), path, source_offset)
    found = remembered(index, HOVER_TEXTS).get(key)
    if found is not None:
        was_introduction, was_course, was_term, was_glossary, text = found
        if (
            was_introduction is introduction
            and was_course is course
            and was_term is term
            and was_glossary is glossary
        ):
            return str(text)
    introduced = introduced_phrase(glossary, index, course, introduction, term, path, source_offset)
    text = describe_term(glossary, term, introduced)
    if _holds_little(introduction):
        answer = (introduction, course, term, glossary, text)
        remember(index, HOVER_TEXTS, key, answer, 256)
    return text


def _partial_text(
    glossary: Glossary,
    index: WorkspaceIndex,
    course: Course,
    introduction: Introduction | None,
    term: Term,
    path: Path | None,
    source_offset: int | None,
) -> str:
    """The hover's Markdown for an introduction found among some of the modules only (never
    remembered: a later hover searches further)."""
    if introduction is None:
        return describe_term(glossary, term, f"*{NOT_KNOWN_YET}*")
    phrase = introduced_phrase(glossary, index, course, introduction, term, path, source_offset)
    return describe_term(glossary, term, f"{phrase} *({SO_FAR})*")


def _holds_little(introduction: Introduction | None) -> bool:
    """Whether keeping the introduction keeps no large text alive (a huge module's view is
    read again each time, and so is its introduction found anew: never the same one)."""
    occurrence = introduction.occurrence if introduction is not None else None
    return occurrence is None or len(occurrence.view.source) <= STALE_TERMS_TRUSTED_FROM

"""What every feature works from: the glossary version in service and the term under a cursor."""

from __future__ import annotations

from dataclasses import dataclass

from glossary_lsp.glossary.model import Glossary
from glossary_lsp.glossary.myst_roles import role_at
from glossary_lsp.matching import Match, TermMatcher
from glossary_lsp.text.views import DocumentView, Region


@dataclass(frozen=True, slots=True)
class GlossaryVersion:
    """A glossary and the matcher built from it, once; replaced whole when the glossary changes."""

    glossary: Glossary
    matcher: TermMatcher
    number: int = 0

    @classmethod
    def build(cls, glossary: Glossary, number: int = 0) -> GlossaryVersion:
        return cls(glossary, TermMatcher(glossary), number)


@dataclass(frozen=True, slots=True)
class TermAt:
    """The term under a cursor: the match (logical offsets) in its region."""

    region: Region
    match: Match

    def source_range(self) -> tuple[int, int]:
        return self.region.to_source(self.match.start), self.region.to_source(self.match.end)


def term_at(version: GlossaryVersion, view: DocumentView, source_offset: int) -> TermAt | None:
    """The glossary term at a source offset of a document, if any.

    Inside a MyST `{term}` or `{abbr}` role, the term is the one the role names, wherever the
    cursor is in it (`` {term}`visible text <Target>` `` means Target).
    """
    located = view.locate(source_offset)
    if located is None:
        return None
    region, offset = located
    match = role_match(version, region.text, offset)
    if match is None:
        # a request meets each new version's text once (an edit burst): only a window scanned
        match = version.matcher.match_at(region.text, offset, keep=False)
    return TermAt(region, match) if match is not None else None


def role_match(version: GlossaryVersion, text: str, offset: int) -> Match | None:
    """The term a `{term}`/`{abbr}` role at `offset` names, as a match on its target."""
    use = role_at(text, offset)
    if use is None:
        return None
    term = version.glossary.lookup(use.target)
    if term is None:
        return None
    return Match(use.target_start, use.target_end, term, use.target)

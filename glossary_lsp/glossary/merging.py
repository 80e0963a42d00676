"""Merging glossaries: later sources override earlier ones, term by term."""

from __future__ import annotations

from collections.abc import Sequence

from glossary_lsp.glossary.model import Glossary, Module, Term, UnattributedLine


def merge_glossaries(glossaries: Sequence[Glossary]) -> Glossary:
    """One glossary from several: a later term replaces an earlier one of the same name.

    Names compare case- and spacing-insensitively; a replaced term keeps its place in the
    order, new terms come after. Modules merge by id the same way. `sources` lists every file.
    """
    modules: dict[str, Module] = {}
    terms: dict[str, Term] = {}
    unattributed: list[UnattributedLine] = []
    sources: list[str] = []
    for glossary in glossaries:
        modules.update(glossary.modules)
        for term in glossary.terms:
            terms[term.key] = term
        unattributed.extend(glossary.unattributed)
        sources.extend(glossary.sources)
    return Glossary(
        modules=modules, terms=list(terms.values()), unattributed=unattributed, sources=sources
    )

"""A glossary source (MyST, Sphinx, abbreviations, Contextive) → schema-v1 YAML."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from glossary_lsp.glossary.importer import dump_glossary_yaml
from glossary_lsp.glossary.model import SCHEMA_VERSION, Term
from glossary_lsp.glossary.sources import KINDS, read_markdown, read_source, source_kind
from glossary_lsp.glossary.sources.contextive import read_contextive
from glossary_lsp.glossary.sources.result import SourceRead, unique_terms
from glossary_lsp.glossary.sources.sphinx import read_rst

# The reader a `--from` kind uses when the file's name does not say.
_DEFAULT_READERS = {"sphinx": read_rst, "contextive": read_contextive}


def is_source_name(path: str) -> bool:
    """Whether a file's name says it is a glossary source (else it is read as seed text)."""
    return source_kind(PurePath(path).name) is not None


def read_as(path: str, text: str, kind: str | None) -> SourceRead:
    """The terms of `text` read as `kind` (one of `sources.KINDS`; None: every kind its name
    allows)."""
    if kind is None:
        return read_source(path, text)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of glossary source: {kind}")
    if source_kind(PurePath(path).name) is None and kind in _DEFAULT_READERS:
        return _DEFAULT_READERS[kind](text, path)
    if source_kind(PurePath(path).name) is None:
        return read_markdown(text, path, {kind})  # myst, abbr: Markdown whatever the name
    return read_source(path, text, {kind})


def schema_document(terms: list[Term]) -> dict[str, Any]:
    return {"version": SCHEMA_VERSION, "terms": [_entry(term) for term in unique_terms(terms)[0]]}


def _entry(term: Term) -> dict[str, Any]:
    entry: dict[str, Any] = {"term": term.term}
    if term.expansion:
        entry["expansion"] = term.expansion
    if term.definition:
        entry["definition"] = term.definition
    if term.aliases:
        entry["aliases"] = list(term.aliases)
    if len(term.contexts) == 1:
        entry["context"] = term.contexts[0]
    elif term.contexts:
        entry["context"] = list(term.contexts)
    return entry


def source_yaml(terms: list[Term]) -> str:
    return dump_glossary_yaml(schema_document(terms))

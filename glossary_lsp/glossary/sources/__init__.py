"""Glossaries where courses already keep them, read as they are.

One reader per format, each a pure function of a file's text returning `SourceRead` (plain
`Term`s with their file and line, and problems at `file:line:col`):

- `myst`: MyST / Jupyter Book `{glossary}` directives, `abbreviations` (front matter, `myst.yml`);
- `sphinx`: `.. glossary::` in `.rst` files and in MyST `{eval-rst}` blocks;
- `abbr`: Python-Markdown / mkdocs-material `*[HTML]: Hyper Text Markup Language` lines;
- `contextive`: `*.glossary.yml` files.

`read_source` picks the readers for a file from its name; `may_define_terms` is the cheap test
used while looking for sources in a workspace: each reader's `SourceTest`s, with the string each
one asks for (`source_markers`: a file holding none of a family's is not decoded).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePath

from glossary_lsp.glossary.sources import abbr, myst, sphinx
from glossary_lsp.glossary.sources.abbr import read_abbreviation_lines
from glossary_lsp.glossary.sources.contextive import is_contextive_name, read_contextive
from glossary_lsp.glossary.sources.markdown_blocks import scan, source_lines
from glossary_lsp.glossary.sources.myst import (
    MYST_CONFIG,
    read_eval_rst,
    read_front_matter_abbreviations,
    read_glossary_directive,
    read_myst_config,
)
from glossary_lsp.glossary.sources.result import SourceRead, SourceTest
from glossary_lsp.glossary.sources.sphinx import read_rst

KINDS = ("myst", "sphinx", "abbr", "contextive")
_DIRECTIVE_KINDS = (("glossary", "myst"), ("eval-rst", "sphinx"))
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")

__all__ = [
    "KINDS",
    "SourceRead",
    "may_define_terms",
    "read_source",
    "source_kind",
    "source_markers",
]

# The tests a file of each family is asked (any one saying yes); a Contextive file is a source
# by its name alone.
_TESTS: dict[str, tuple[SourceTest, ...]] = {
    "markdown": (
        myst.GLOSSARY_DIRECTIVE,
        myst.FRONT_MATTER_ABBREVIATIONS,
        sphinx.EVAL_RST_GLOSSARY,
        abbr.ABBREVIATIONS,
    ),
    "rst": (sphinx.RST_GLOSSARY,),
    "myst-config": (myst.CONFIG_ABBREVIATIONS,),
}


def source_kind(name: str) -> str | None:
    """Which reader family a file name belongs to: "markdown", "rst", "myst-config",
    "contextive", or None."""
    lowered = name.lower()
    if is_contextive_name(lowered):
        return "contextive"
    if lowered == MYST_CONFIG:
        return "myst-config"
    if lowered.endswith(".rst"):
        return "rst"
    if lowered.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    return None


def may_define_terms(name: str, text: str, kinds: Collection[str]) -> bool:
    """Whether a file (by name and text) may define terms in one of the enabled formats."""
    family = source_kind(PurePath(name).name)
    if family == "contextive":
        return "contextive" in kinds
    tests = _TESTS.get(family, ()) if family is not None else ()
    return any(test.kind in kinds and test.test(text) for test in tests)


def source_markers(family: str, kinds: Collection[str]) -> tuple[str, ...] | None:
    """The strings one of which a file of `family` holds if `may_define_terms` can say yes for
    `kinds` (its enabled tests' markers); None when any file of the family may (Contextive)."""
    if family == "contextive":
        return None
    return tuple(test.marker for test in _TESTS.get(family, ()) if test.kind in kinds)


def read_source(path: str, text: str, kinds: Collection[str] = KINDS) -> SourceRead:
    """Every term the file at `path` (holding `text`) defines in the enabled formats."""
    text = text.removeprefix("\ufeff")
    family = source_kind(PurePath(path).name)
    if family == "contextive" and "contextive" in kinds:
        return read_contextive(text, path)
    if family == "myst-config" and "myst" in kinds:
        return read_myst_config(text, path)
    if family == "rst" and "sphinx" in kinds:
        return read_rst(text, path)
    if family == "markdown":
        return read_markdown(text, path, kinds)
    return SourceRead()


def read_markdown(text: str, path: str, kinds: Collection[str] = KINDS) -> SourceRead:
    lines = source_lines(text)
    wanted = {name for name, kind in _DIRECTIVE_KINDS if kind in kinds}
    directives, plain = scan(lines, wanted)
    read = SourceRead()
    if "myst" in kinds:
        read.extend(read_front_matter_abbreviations(lines, path))
    for directive in directives:
        if directive.name == "glossary":
            read.extend(read_glossary_directive(lines, directive, path))
        else:
            read.extend(read_eval_rst(lines, directive, path))
    if "abbr" in kinds:
        read.extend(read_abbreviation_lines(lines, plain, path))
    read.terms.sort(key=lambda term: term.location.line if term.location else 0)
    return read

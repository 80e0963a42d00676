"""Sphinx's `.. glossary::` directive in reStructuredText, and the glossary body both Sphinx and
MyST's `{glossary}` directive share: term lines, then their indented definition.

    .. glossary::
       :sorted:

       environment
       env
          A structure where information about all documents is kept.

Consecutive term lines name one entry (the first is the term, the others its aliases); a ` : `
classifier after a term is not part of its name, as in Sphinx.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from glossary_lsp.glossary.model import SourceLocation, Term, is_blank_or_punctuation
from glossary_lsp.glossary.myst_roles import visible_text
from glossary_lsp.glossary.sources.markdown_blocks import source_lines
from glossary_lsp.glossary.sources.result import SourceRead, SourceTest

_RST_GLOSSARY = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+glossary::[ \t]*$")
_OPTION = re.compile(r"^[ \t]*:[\w-]+:(?:[ \t].*)?$")
_CLASSIFIER = re.compile(r"[ \t]+:[ \t]+.*$")
NO_TERMS = (
    "this glossary directive defines no terms: write each term on its own line and its "
    "definition indented below it"
)


@dataclass
class _Entry:
    names: list[tuple[str, int, int]] = field(default_factory=list)  # name, line, column
    definition: list[str] = field(default_factory=list)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def read_glossary_body(
    lines: list[str], start: int, end: int, path: str, directive_line: int
) -> SourceRead:
    """The terms of a glossary body: `lines[start:end]` (0-based, options allowed first)."""
    read = SourceRead()
    index = _skip_options(lines, start, end)
    entries: list[_Entry] = []
    base: int | None = None
    after_blank = True
    for number in range(index, end):
        line = lines[number]
        if not line.strip():
            after_blank = True
            if entries and entries[-1].definition:
                entries[-1].definition.append("")
            continue
        indent = _indent(line)
        if base is None:
            base = indent
        if indent <= base:
            if after_blank or not entries or entries[-1].definition:
                entries.append(_Entry())
            name = _CLASSIFIER.sub("", line.strip())
            entries[-1].names.append((name, number, indent))
        elif entries:
            entries[-1].definition.append(line)
        after_blank = False
    for entry in entries:
        term = _term(entry, path, read)
        if term is not None:
            read.terms.append(term)
    if not read.terms:
        read.problem(path, directive_line, 0, NO_TERMS)
    return read


def _skip_options(lines: list[str], start: int, end: int) -> int:
    """The first body line after the directive's options (`:sorted:`, or a `---` YAML block)."""
    index = start
    while index < end and not lines[index].strip():
        index += 1
    if index < end and lines[index].strip() == "---":
        for closing in range(index + 1, end):
            if lines[closing].strip() == "---":
                return closing + 1
    while index < end and _OPTION.match(lines[index]):
        index += 1
    return index


def _term(entry: _Entry, path: str, read: SourceRead) -> Term | None:
    names = [item for item in entry.names if not is_blank_or_punctuation(item[0])]
    if not names:
        return None
    name, line, column = names[0]
    definition = visible_text(textwrap.dedent("\n".join(entry.definition)).strip())
    if not definition:
        read.problem(path, line, column, f"'{name}' has no definition", severity="warning")
    return Term(
        term=name,
        definition=definition,
        aliases=tuple(alias for alias, _, _ in names[1:] if alias != name),
        location=SourceLocation(path, line + 1, column + 1),
    )


def rst_glossaries(lines: list[str], path: str, start: int = 0, end: int | None = None):
    """Every `.. glossary::` in `lines[start:end]` (reStructuredText), read."""
    read = SourceRead()
    end = len(lines) if end is None else end
    index = start
    while index < end:
        found = _RST_GLOSSARY.match(lines[index])
        if found is None:
            index += 1
            continue
        indent = len(found.group("indent"))
        body_end = index + 1
        while body_end < end and (not lines[body_end].strip() or _indent(lines[body_end]) > indent):
            body_end += 1
        read.extend(read_glossary_body(lines, index + 1, body_end, path, index))
        index = body_end
    return read


def read_rst(text: str, path: str) -> SourceRead:
    """The glossary terms of a reStructuredText file."""
    return rst_glossaries(source_lines(text), path)


def has_rst_glossary(text: str) -> bool:
    return RST_GLOSSARY_MARKER in text


def has_eval_rst_glossary(text: str) -> bool:
    """A Markdown file's `{eval-rst}` block holding a `.. glossary::`."""
    return "{eval-rst}" in text and RST_GLOSSARY_MARKER in text


RST_GLOSSARY_MARKER = ".. glossary::"
RST_GLOSSARY = SourceTest("sphinx", RST_GLOSSARY_MARKER, has_rst_glossary)
EVAL_RST_GLOSSARY = SourceTest("sphinx", RST_GLOSSARY_MARKER, has_eval_rst_glossary)

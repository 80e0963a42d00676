"""Python-Markdown / mkdocs-material abbreviations: `*[HTML]: Hyper Text Markup Language`.

They may stand in any Markdown file (mkdocs-material appends `includes/abbreviations.md` to
every page through snippets); lines inside code fences are not definitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from glossary_lsp.glossary.model import SourceLocation, Term, is_blank_or_punctuation
from glossary_lsp.glossary.sources.result import SourceRead, SourceTest

# Python-Markdown's own pattern: up to 3 spaces, `*[`, the abbreviation, `]`, `:`, the title.
_ABBR = re.compile(r"^(?P<indent>[ ]{0,3})\*\[(?P<abbr>[^\\\]]*?)\][ ]{0,3}:[ \t]*(?P<title>.*)$")
_QUOTED = re.compile(r"""^(["'])(.*)\1$""")


def read_abbreviation_lines(lines: list[str], numbers: Iterable[int], path: str) -> SourceRead:
    """The abbreviations defined on the given lines (0-based indices into `lines`)."""
    read = SourceRead()
    for number in numbers:
        line = lines[number]
        if "*[" not in line[:5]:
            continue
        found = _ABBR.match(line)
        if found is None:
            continue
        name = found.group("abbr").strip()
        title = found.group("title").strip()
        column = found.start("abbr")
        if is_blank_or_punctuation(name):
            read.problem(path, number, column, "an abbreviation needs a name between '*[' and ']'")
            continue
        quoted = _QUOTED.match(title)
        if quoted:
            title = quoted.group(2)
        if not title:
            # Python-Markdown: an empty title removes an abbreviation; there is nothing to show
            read.problem(path, number, column, f"'{name}' has no expansion", severity="warning")
            continue
        location = SourceLocation(path, number + 1, column + 1)
        read.terms.append(Term(term=name, expansion=title, location=location))
    return read


def has_abbreviations(text: str) -> bool:
    return ABBREVIATION_MARKER in text and _ABBR_ANYWHERE.search(text) is not None


ABBREVIATION_MARKER = "*["
ABBREVIATIONS = SourceTest("abbr", ABBREVIATION_MARKER, has_abbreviations)


_ABBR_ANYWHERE = re.compile(r"^[ ]{0,3}\*\[[^\\\]\n]*?\][ ]{0,3}:", re.MULTILINE)

"""MyST / Jupyter Book: the `{glossary}` directive and `abbreviations`.

    ```{glossary}
    MyST
      Markedly Structured Text, a flavour of Markdown.
    ```

The directive's body is Sphinx's glossary body (`sphinx.read_glossary_body`), in a backtick or
colon fence. `abbreviations:` maps each abbreviation to its expansion, in a page's front matter
or under `project:` in `myst.yml`.
"""

from __future__ import annotations

from glossary_lsp.glossary.model import SourceLocation, Term, is_blank_or_punctuation
from glossary_lsp.glossary.sources import yaml_nodes
from glossary_lsp.glossary.sources.markdown_blocks import Directive, front_matter_end
from glossary_lsp.glossary.sources.result import SourceRead, SourceTest
from glossary_lsp.glossary.sources.sphinx import read_glossary_body, rst_glossaries
from glossary_lsp.glossary.yaml_events import Node, start_mark

MYST_CONFIG = "myst.yml"


def read_glossary_directive(lines: list[str], directive: Directive, path: str) -> SourceRead:
    return read_glossary_body(lines, directive.body_start, directive.end, path, directive.line)


def read_eval_rst(lines: list[str], directive: Directive, path: str) -> SourceRead:
    """The `.. glossary::` directives inside an ```` ```{eval-rst} ```` block."""
    return rst_glossaries(lines, path, directive.body_start, directive.end)


def read_front_matter_abbreviations(lines: list[str], path: str) -> SourceRead:
    """`abbreviations:` (or `project: abbreviations:`) in a page's front matter."""
    read = SourceRead()
    end = front_matter_end(lines)
    if end == 0 or not any("abbreviations" in line for line in lines[1 : end - 1]):
        return read
    root = yaml_nodes.parse("\n".join(lines[1 : end - 1]), path, read, first_line=1)
    if root is not None and not read.problems:
        _read_abbreviations(root, path, read, first_line=1)
    return read


def read_myst_config(text: str, path: str) -> SourceRead:
    """`project: abbreviations:` of a `myst.yml`."""
    read = SourceRead()
    root = yaml_nodes.parse(text, path, read)
    if root is not None and not read.problems:
        _read_abbreviations(root, path, read, first_line=0)
    return read


def _read_abbreviations(root: Node, path: str, read: SourceRead, first_line: int) -> None:
    mapping = yaml_nodes.value(root, "abbreviations")
    if mapping is None:
        mapping = yaml_nodes.value(yaml_nodes.value(root, "project"), "abbreviations")
    for key, node in yaml_nodes.items(mapping):
        name, expansion = key.value.strip(), yaml_nodes.text(node)
        line = start_mark(key).line + first_line
        column = yaml_nodes.value_column(key)
        if is_blank_or_punctuation(name):
            read.problem(path, line, column, "an abbreviation needs a name")
        elif expansion is None or not expansion.strip():
            read.problem(path, line, column, f"'{name}' needs its expansion as text")
        else:
            location = SourceLocation(path, line + 1, column + 1)
            read.terms.append(Term(term=name, expansion=expansion.strip(), location=location))


def has_myst_glossary(text: str) -> bool:
    return GLOSSARY_DIRECTIVE_MARKER in text


def has_abbreviations_key(text: str) -> bool:
    """A page's front matter with `abbreviations:`."""
    return text.startswith("---") and ABBREVIATIONS_KEY_MARKER in text


def has_config_abbreviations(text: str) -> bool:
    """A `myst.yml` that mentions `abbreviations`."""
    return CONFIG_ABBREVIATIONS_MARKER in text


GLOSSARY_DIRECTIVE_MARKER = "{glossary}"
ABBREVIATIONS_KEY_MARKER = "abbreviations:"
CONFIG_ABBREVIATIONS_MARKER = "abbreviations"
GLOSSARY_DIRECTIVE = SourceTest("myst", GLOSSARY_DIRECTIVE_MARKER, has_myst_glossary)
FRONT_MATTER_ABBREVIATIONS = SourceTest("myst", ABBREVIATIONS_KEY_MARKER, has_abbreviations_key)
CONFIG_ABBREVIATIONS = SourceTest("myst", CONFIG_ABBREVIATIONS_MARKER, has_config_abbreviations)

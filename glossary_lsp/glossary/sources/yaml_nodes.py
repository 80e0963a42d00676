"""Reading small YAML sources (Contextive files, MyST abbreviations) as nodes with marks.

Parsed safely through `yaml_events.compose`: a tag is a problem at its line, never constructed.
"""

from __future__ import annotations

from typing import cast

import yaml
from yaml.events import ScalarEvent

from glossary_lsp.glossary.problems import ProblemCollector
from glossary_lsp.glossary.sources.result import SourceRead
from glossary_lsp.glossary.yaml_events import (
    C_LOADER,
    PURE_LOADER,
    Node,
    YamlCollection,
    compose,
    start_mark,
    yaml_error_problem,
)


def parse(text: str, path: str, read: SourceRead, first_line: int = 0) -> Node | None:
    """The document of `text` (which starts at 0-based `first_line` of the file), or None.

    Its problems go to `read`, moved by `first_line`; node marks stay relative to `text`.
    """
    loader_class = C_LOADER or PURE_LOADER
    collector = ProblemCollector(path)
    root: Node | None = None
    try:
        root = compose(text, loader_class, collector)
    except yaml.YAMLError as error:
        collector.found.append(yaml_error_problem(error, text, path, loader_class))
    for problem in collector.found:
        read.problem(path, problem.line - 1 + first_line, problem.column - 1, problem.message)
    return root


def items(node: Node | None) -> list[tuple[ScalarEvent, Node]]:
    """The (key, value) pairs of a mapping node with plain keys; [] for anything else."""
    if type(node) is not YamlCollection or not node.is_mapping:
        return []
    pairs = node.items
    return [
        (cast(ScalarEvent, pairs[index]), pairs[index + 1])  # the condition checks it
        for index in range(0, len(pairs) - 1, 2)
        if type(pairs[index]) is ScalarEvent
    ]


def value(node: Node | None, key: str) -> Node | None:
    for name, found in items(node):
        if name.value == key:
            return found
    return None


def sequence(node: Node | None) -> list[Node]:
    if type(node) is YamlCollection and not node.is_mapping:
        return node.items
    return []


def text(node: Node | None) -> str | None:
    """A scalar's text (numbers and booleans as written); None for lists and mappings."""
    return node.value if isinstance(node, ScalarEvent) else None


def value_column(node: ScalarEvent) -> int:
    """The 0-based column where a scalar's text starts (after its opening quote)."""
    return start_mark(node).column + (1 if node.style in ("'", '"') else 0)

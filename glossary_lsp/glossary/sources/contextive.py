"""Contextive glossaries: `*.glossary.yml` files.

contexts:
  - name: Billing
    terms:
      - name: Invoice
        definition: A request for payment.
        aliases: [bill]
        examples: [The invoice is sent monthly.]
"""

from __future__ import annotations

from yaml.events import ScalarEvent

from glossary_lsp.glossary.model import SourceLocation, Term, is_blank_or_punctuation
from glossary_lsp.glossary.sources import yaml_nodes
from glossary_lsp.glossary.sources.result import SourceRead
from glossary_lsp.glossary.yaml_events import Node, start_mark


def is_contextive_name(name: str) -> bool:
    return name.endswith((".glossary.yml", ".glossary.yaml"))


def read_contextive(text: str, path: str) -> SourceRead:
    read = SourceRead()
    root = yaml_nodes.parse(text, path, read)
    if read.problems:
        return read
    contexts = yaml_nodes.value(root, "contexts")
    if contexts is None:
        read.problem(path, 0, 0, "a Contextive glossary has a top-level 'contexts:' list")
        return read
    for context in yaml_nodes.sequence(contexts):
        for entry in yaml_nodes.sequence(yaml_nodes.value(context, "terms")):
            term = _term(entry, path, read)
            if term is not None:
                read.terms.append(term)
    if not read.terms:
        mark = start_mark(contexts)
        read.problem(path, mark.line, mark.column, "this Contextive glossary defines no terms")
    return read


def _term(entry: Node, path: str, read: SourceRead) -> Term | None:
    name_node = yaml_nodes.value(entry, "name")
    name = yaml_nodes.text(name_node)
    if not isinstance(name_node, ScalarEvent) or name is None or is_blank_or_punctuation(name):
        mark = start_mark(entry)
        read.problem(path, mark.line, mark.column, "a Contextive term needs a 'name'")
        return None
    definition = yaml_nodes.text(yaml_nodes.value(entry, "definition")) or ""
    aliases = _strings(yaml_nodes.value(entry, "aliases"))
    examples = _strings(yaml_nodes.value(entry, "examples"))
    column = yaml_nodes.value_column(name_node)
    return Term(
        term=name,
        definition=definition.strip(),
        aliases=tuple(alias for alias in aliases if alias != name),
        contexts=tuple(examples),
        location=SourceLocation(path, start_mark(name_node).line + 1, column + 1),
    )


def _strings(node: Node | None) -> list[str]:
    found = [yaml_nodes.text(item) for item in yaml_nodes.sequence(node)]
    return [item.strip() for item in found if item and not is_blank_or_punctuation(item)]

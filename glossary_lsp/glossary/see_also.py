"""Where a glossary file writes each `see_also` entry, so a rename can rewrite it."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.events import ScalarEvent

from glossary_lsp.glossary.problems import ProblemCollector
from glossary_lsp.glossary.yaml_events import (
    C_LOADER,
    PURE_LOADER,
    compose,
    end_mark,
    mapping_value,
    start_mark,
)


@dataclass(frozen=True)
class SeeAlsoItem:
    """One `see_also` entry of a term's entry, where the file writes it: 0-based (line, column)
    in code points, quotes included."""

    term: str
    name: str
    start: tuple[int, int]
    end: tuple[int, int]


def see_also_items(text: str) -> list[SeeAlsoItem]:
    """Every string `see_also` entry of every term in a glossary's text, to edit them.

    Nothing is validated here (`load_glossary_text` does that): what is not a list of strings
    under a term with a string name is skipped, and a text that is not YAML has none.
    """
    bom = 1 if text.startswith("\ufeff") else 0  # columns of the first line count it
    text = text[bom:]
    loader_class = C_LOADER or PURE_LOADER
    try:
        root = compose(text, loader_class, ProblemCollector(""))
    except yaml.YAMLError:
        return []
    items = []
    for entry in mapping_value(root, "terms", is_sequence=True):
        name = mapping_value(entry, "term")
        see_also = mapping_value(entry, "see_also", is_sequence=True)
        if type(name) is not ScalarEvent:
            continue
        for item in see_also:
            if type(item) is ScalarEvent:
                start, end = start_mark(item), end_mark(item)
                start_at = (start.line, start.column + (bom if start.line == 0 else 0))
                end_at = (end.line, end.column + (bom if end.line == 0 else 0))
                items.append(SeeAlsoItem(name.value, item.value, start_at, end_at))
    return items

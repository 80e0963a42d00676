"""Safe YAML → light nodes that keep their marks, composed from parser events.

Files are parsed with PyYAML's safe parser (libyaml's `CSafeLoader` when available) at the event
level: nothing is ever constructed from a tag, so a `!!python/...` tag is a reported problem and
never code. Events rather than `yaml.compose`: PyYAML's C composer calls back into Python for
every node; composing a 10,000-term glossary took 0.46 s of CPU where pulling its events took
0.09 s. `benchmarks/bench_load.py` measures loads against that event floor.
"""

from __future__ import annotations

from typing import Protocol, Union, cast

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from glossary_lsp.glossary.problems import LoadProblem, ProblemCollector

C_LOADER = getattr(yaml, "CSafeLoader", None)
PURE_LOADER = yaml.SafeLoader

YAML_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (YAML_TAG + name for name in ("str", "int", "float", "bool", "null"))
SEQ, MAP, TIMESTAMP = YAML_TAG + "seq", YAML_TAG + "map", YAML_TAG + "timestamp"
REPORTED = "!reported"  # stands in for a node already reported as a problem
ALLOWED_TAGS = frozenset({"!", STR, INT, FLOAT, BOOL, NULL, SEQ, MAP, TIMESTAMP})
TYPE_NAMES = {
    STR: "a string",
    INT: "a number",
    FLOAT: "a number",
    BOOL: "a boolean",
    NULL: "empty",
    TIMESTAMP: "a date",
    SEQ: "a list",
    MAP: "a mapping",
}


class YamlCollection:
    """A mapping (`items` alternate keys and values) or a sequence, with its 0-based start."""

    __slots__ = ("is_mapping", "tag", "start_mark", "items")

    def __init__(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        self.is_mapping = type(event) is MappingStartEvent
        self.tag = event.tag
        self.start_mark = event.start_mark
        self.items: list[Node] = []


# A scalar is its ScalarEvent itself: it already holds value, tag, style and marks.
Node = Union[ScalarEvent, YamlCollection]  # noqa: UP007 (evaluated at runtime on 3.10)


class Mark(Protocol):
    """Where an event starts: what both PyYAML's and libyaml's marks have."""

    line: int
    column: int


def start_mark(node: Node | AliasEvent | MappingStartEvent | SequenceStartEvent) -> Mark:
    """The start mark of a node or event. The stubs allow None, but every event a parser emits
    carries its marks, and nodes are only ever made from such events."""
    return cast(Mark, node.start_mark)


def end_mark(node: ScalarEvent) -> Mark:
    """The end mark of a scalar: see `start_mark`."""
    return cast(Mark, node.end_mark)


def position(node: Node) -> tuple[int, int]:
    mark = start_mark(node)
    return mark.line, mark.column


def short_tag(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


def compose(text: str, loader_class: type, problems: ProblemCollector) -> Node | None:
    """The single document of `text` as nodes; None when there is no document."""
    loader = loader_class(text)
    try:
        return _compose_events(loader.get_event, problems)
    finally:
        loader.dispose()


def _undefined_alias(event: AliasEvent, problems: ProblemCollector) -> ScalarEvent:
    """Report an alias to no anchor; it stands for an empty value from then on."""
    mark = start_mark(event)
    problems.add(mark.line, mark.column, f"'*{event.anchor}' refers to no anchor '&{event.anchor}'")
    return ScalarEvent(None, REPORTED, (False, False), "", event.start_mark, event.end_mark)


def _compose_events(get_event, problems: ProblemCollector) -> Node | None:
    """Nodes from YAML events: the hot loop of loading, so it does as little as it can."""
    get_event()  # StreamStartEvent
    if type(get_event()) is StreamEndEvent:
        return None
    document: list[Node] = []
    append = document.append
    open_items: list[list[Node]] = []
    anchors: dict[str, Node] = {}
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None or event.anchor is not None:
                _note_properties(event, event, anchors, problems)
            append(event)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            open_items.pop()
            append = open_items[-1].append if open_items else document.append
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            node = YamlCollection(event)
            if event.tag is not None or event.anchor is not None:
                _note_properties(event, node, anchors, problems)
            append(node)
            open_items.append(node.items)
            append = node.items.append
        elif kind is AliasEvent:
            append(anchors.get(event.anchor) or _undefined_alias(event, problems))
        else:  # DocumentEndEvent: the grammar allows nothing else here
            break
    following = get_event()
    if type(following) is not StreamEndEvent:
        mark = start_mark(following)
        problems.add(mark.line, mark.column, "a glossary file holds one YAML document, not several")
    return document[0]


def _note_properties(
    event, node: Node, anchors: dict[str, Node], problems: ProblemCollector
) -> None:
    """Remember an anchored node; report a tag that is not plain YAML."""
    if event.anchor is not None:
        anchors[event.anchor] = node
    if event.tag is not None and event.tag not in ALLOWED_TAGS:
        mark = start_mark(event)
        problems.add(
            mark.line,
            mark.column,
            f"tag '{short_tag(event.tag)}' is not allowed: a glossary is plain YAML "
            "(strings, numbers, booleans, lists and mappings, no tags)",
        )


def yaml_error_problem(error: yaml.YAMLError, text: str, path: str, loader_class) -> LoadProblem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        context = f" {error.context}" if error.context else ""
        problem = error.problem or "invalid YAML"
        message = f"YAML syntax error: {problem}{context}".replace("\n", " ")
        return LoadProblem(path, mark.line + 1, mark.column + 1, message)
    if isinstance(error, yaml.reader.ReaderError):
        # libyaml counts the UTF-8 bytes it was given; the pure-Python reader counts characters.
        offset = error.position
        if loader_class is not PURE_LOADER:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        before = text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return LoadProblem(
            path, line, column, f"YAML cannot contain this character: {error.reason}"
        )
    return LoadProblem(path, 1, 1, f"YAML error: {error}".replace("\n", " "))


def mapping_value(node: Node | None, key: str, is_sequence: bool = False):
    """The value under `key` of a mapping node; with `is_sequence`, its items (or [])."""
    value = None
    if type(node) is YamlCollection and node.is_mapping:
        items = node.items
        for index in range(0, len(items) - 1, 2):
            name = items[index]
            if type(name) is ScalarEvent and name.value == key:
                value = items[index + 1]
                break
    if not is_sequence:
        return value
    return value.items if type(value) is YamlCollection and not value.is_mapping else []

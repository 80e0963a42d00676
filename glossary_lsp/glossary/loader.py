"""Loading glossaries: safe YAML → schema-v1 validation → `Glossary`, and merging.

This module is the only one that reads glossary YAML. Files are parsed with PyYAML's safe parser
(libyaml's `CSafeLoader` when available) at the event level: nothing is ever constructed from a
tag, so a `!!python/...` tag is a reported problem and never code. The events are composed into
light nodes that keep their marks, then walked against schema v1. Every problem names
`file:line:column` (1-based) and all problems of a file are reported together.

Events rather than `yaml.compose`: PyYAML's C composer calls back into Python for every node;
composing a 10,000-term glossary took 0.46 s of CPU where pulling its events took 0.09 s.
`benchmarks/bench_load.py` measures loads against that event floor.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Union

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

from glossary_lsp.glossary.model import (
    MODULE_FIELDS,
    SCHEMA_VERSION,
    TERM_FIELDS,
    UNATTRIBUTED_FIELDS,
    Glossary,
    Module,
    SourceLocation,
    Term,
    UnattributedLine,
    fold,
    is_blank_or_punctuation,
)

_C_LOADER = getattr(yaml, "CSafeLoader", None)
_PURE_LOADER = yaml.SafeLoader

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (
    _YAML + name for name in ("str", "int", "float", "bool", "null")
)
_SEQ, _MAP, _TIMESTAMP = _YAML + "seq", _YAML + "map", _YAML + "timestamp"
_REPORTED = "!reported"  # stands in for a node already reported as a problem
_ALLOWED_TAGS = frozenset({"!", _STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP, _TIMESTAMP})
_TYPE_NAMES = {
    _STR: "a string",
    _INT: "a number",
    _FLOAT: "a number",
    _BOOL: "a boolean",
    _NULL: "empty",
    _TIMESTAMP: "a date",
    _SEQ: "a list",
    _MAP: "a mapping",
}

_TOP_KEYS = ("version", "modules", "terms", "unattributed")
_MODULE_KEYS = tuple(name for name, _ in MODULE_FIELDS)
_TERM_KEYS = tuple(name for name, _ in TERM_FIELDS)
_UNATTRIBUTED_KEYS = tuple(name for name, _ in UNATTRIBUTED_FIELDS)


@dataclass(frozen=True)
class LoadProblem:
    """Something wrong with a glossary file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class GlossaryLoadError(Exception):
    """A glossary file could not be loaded; `problems` says why, one problem per line."""

    def __init__(self, problems: Sequence[LoadProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def bundled_glossary_path() -> Path:
    """The glossary shipped with glossary-lsp: inside the wheel, or the repository's `data/`."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "data" / "glossary.yaml"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "glossary.yaml"


# --- composing: YAML events → nodes with marks -------------------------------------------------


class _Collection:
    """A mapping (`items` alternate keys and values) or a sequence, with its 0-based start."""

    __slots__ = ("is_mapping", "tag", "start_mark", "items")

    def __init__(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        self.is_mapping = type(event) is MappingStartEvent
        self.tag = event.tag
        self.start_mark = event.start_mark
        self.items: list[_Node] = []


# A scalar is its ScalarEvent itself: it already holds value, tag, style and marks.
_Node = Union[ScalarEvent, _Collection]  # noqa: UP007 (evaluated at runtime on 3.10)


def _position(node: _Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


class _Problems:
    """Collects the problems of one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[LoadProblem] = []

    def add(self, line: int, column: int, message: str) -> None:
        """Record a problem at a 0-based line and column."""
        self.found.append(LoadProblem(self.path, line + 1, column + 1, message))

    def at(self, node: _Node, message: str) -> None:
        self.add(*_position(node), message)


def _compose(text: str, loader_class: type, problems: _Problems) -> _Node | None:
    """The single document of `text` as nodes; None when there is no document."""
    loader = loader_class(text)
    try:
        return _compose_events(loader.get_event, problems)
    finally:
        loader.dispose()


def _undefined_alias(event: AliasEvent, problems: _Problems) -> ScalarEvent:
    """Report an alias to no anchor; it stands for an empty value from then on."""
    mark = event.start_mark
    problems.add(mark.line, mark.column, f"'*{event.anchor}' refers to no anchor '&{event.anchor}'")
    return ScalarEvent(None, _REPORTED, (False, False), "", event.start_mark, event.end_mark)


def _compose_events(get_event, problems: _Problems) -> _Node | None:
    """Nodes from YAML events: the hot loop of loading, so it does as little as it can."""
    get_event()  # StreamStartEvent
    if type(get_event()) is StreamEndEvent:
        return None
    document: list[_Node] = []
    append = document.append
    open_items: list[list[_Node]] = []
    anchors: dict[str, _Node] = {}
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
            node = _Collection(event)
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
        mark = following.start_mark
        problems.add(mark.line, mark.column, "a glossary file holds one YAML document, not several")
    return document[0]


def _note_properties(event, node: _Node, anchors: dict[str, _Node], problems: _Problems) -> None:
    """Remember an anchored node; report a tag that is not plain YAML."""
    if event.anchor is not None:
        anchors[event.anchor] = node
    if event.tag is not None and event.tag not in _ALLOWED_TAGS:
        problems.add(
            event.start_mark.line,
            event.start_mark.column,
            f"tag '{_short_tag(event.tag)}' is not allowed: a glossary is plain YAML "
            "(strings, numbers, booleans, lists and mappings, no tags)",
        )


# --- validating: nodes → model ----------------------------------------------------------------


def _closest(word: str, choices: Collection[str]) -> str | None:
    from rapidfuzz import fuzz, process  # only on this error path: keeps it off startup

    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=60)
    return found[0] if found else None


# What a value is, for messages: a phrase, or (key, term) for "'key' of 'term'". Messages are
# only formatted when there is a problem, which keeps loading a large glossary fast.
_What = Union[str, tuple[str, str]]  # noqa: UP007 (evaluated at runtime on 3.10)


def _describe(what: _What) -> str:
    if isinstance(what, tuple):
        return f"'{what[0]}' of '{what[1]}'"
    return what


class _Reader:
    """Walks the nodes of one file against schema v1, collecting problems."""

    def __init__(self, path: str, loader_class: type, problems: _Problems) -> None:
        self.path = path
        self.problems = problems
        resolvers = loader_class.yaml_implicit_resolvers
        self.implicit_resolvers = resolvers
        self.wildcard_resolvers = resolvers.get(None, [])
        # A plain scalar starting with another character can only be a string.
        self.implicit_starts = frozenset(resolvers) if not self.wildcard_resolvers else None

    # types

    def tag(self, node: _Node) -> str | None:
        """The resolved tag of a node; None when its tag is not allowed (already reported)."""
        tag = node.tag
        if type(node) is _Collection:
            if tag is None or tag == "!":
                return _MAP if node.is_mapping else _SEQ
        elif tag is None or tag == "!":
            if not node.implicit[0]:
                return _STR
            value = node.value
            resolvers = self.implicit_resolvers.get(value[:1], [])
            for resolved, pattern in resolvers + self.wildcard_resolvers:
                if pattern.match(value):
                    return resolved
            return _STR
        return tag if tag in _ALLOWED_TAGS else None

    def wrong_type(self, node: _Node, what: _What, expected: str, tag: str) -> None:
        got = _TYPE_NAMES.get(tag, _short_tag(tag))
        message = f"{_describe(what)} must be {expected}, not {got}"
        if type(node) is ScalarEvent and tag != _STR:
            message += f' (to write it as text, quote it: "{node.value}")'
        self.problems.at(node, message)

    def text(self, node: _Node) -> str | None:
        """The string a node holds; None when it is not a string."""
        if type(node) is ScalarEvent and node.tag is None:
            value = node.value
            starts = self.implicit_starts
            if not node.implicit[0] or (starts is not None and value[:1] not in starts):
                return value
        return node.value if self.tag(node) == _STR else None

    def string(self, node: _Node, what: _What) -> str | None:
        """The string a node holds; a problem unless it is a string or empty."""
        value = self.text(node)
        if value is None:
            tag = self.tag(node)
            if tag is not None and tag != _NULL:
                self.wrong_type(node, what, "a string", tag)
        return value

    def boolean(self, node: _Node, what: _What) -> bool | None:
        tag = self.tag(node)
        if tag == _BOOL:
            return yaml.constructor.SafeConstructor.bool_values[node.value.lower()]
        if tag is not None and tag != _NULL:
            self.wrong_type(node, what, "true or false", tag)
        return None

    def strings(self, node: _Node, what: _What, allow_single: bool = False) -> list[ScalarEvent]:
        """The string items of a list (or a lone string when `allow_single`), as nodes."""
        tag = self.tag(node)
        if tag == _STR and allow_single:
            return [node]
        if tag == _NULL or tag is None:
            return []
        if tag != _SEQ:
            expected = "a string or a list of strings" if allow_single else "a list of strings"
            self.wrong_type(node, what, expected, tag)
            return []
        strings = [item for item in node.items if self.text(item) is not None]
        if len(strings) < len(node.items):
            self.wrong_items(node.items, what)
        return strings

    def wrong_items(self, items: list[_Node], what: _What) -> None:
        for item in items:
            tag = self.tag(item)
            if tag is not None and tag != _STR:
                self.wrong_type(item, f"each entry of {_describe(what)}", "a string", tag)

    def mapping(self, node: _Node, what: _What) -> bool:
        if type(node) is _Collection and node.is_mapping and node.tag is None:
            return True
        tag = self.tag(node)
        if tag == _MAP:
            return True
        if tag is not None:
            self.wrong_type(node, what, "a mapping", tag)
        return False

    def sequence(self, node: _Node, what: _What) -> list[_Node]:
        tag = self.tag(node)
        if tag == _SEQ:
            return node.items
        if tag is not None and tag != _NULL:
            self.wrong_type(node, what, "a list", tag)
        return []

    def fields(
        self, node: _Collection, allowed: tuple[str, ...], what: str
    ) -> dict[str, tuple[ScalarEvent, _Node]]:
        """The keys of a mapping that are allowed; unknown and repeated keys are problems."""
        found: dict[str, tuple[ScalarEvent, _Node]] = {}
        items = node.items
        for index in range(0, len(items), 2):
            key = items[index]
            name = key.value if type(key) is ScalarEvent else None
            if name in allowed and name not in found:
                found[name] = (key, items[index + 1])
            else:
                self.bad_key(key, found, allowed, what)
        return found

    def bad_key(self, key: _Node, found: dict, allowed: tuple[str, ...], what: str) -> None:
        if type(key) is not ScalarEvent:
            self.problems.at(key, f"a key of {what} must be a plain name, not a list or mapping")
        elif key.value in found:
            first_line = found[key.value][0].start_mark.line + 1
            self.problems.at(
                key, f"'{key.value}' is given twice in {what} (first at line {first_line})"
            )
        else:
            self.unknown_key(key, allowed, what)

    def unknown_key(self, key: ScalarEvent, allowed: tuple[str, ...], what: str) -> None:
        closest = _closest(key.value, allowed)
        hint = f"did you mean '{closest}'? " if closest else ""
        self.problems.at(
            key,
            f"unknown key '{key.value}' in {what}: {hint}allowed keys are {', '.join(allowed)}",
        )

    def missing(self, node: _Collection, key: str, what: str) -> None:
        self.problems.at(node, f"{what} is missing the required key '{key}'")

    def location(self, node: _Node) -> SourceLocation:
        line, column = _position(node)
        return SourceLocation(self.path, line + 1, column + 1)


@dataclass(slots=True)
class _TermEntry:
    """A term read from the file, with the nodes of its names for name-clash reports."""

    term: Term
    name_node: ScalarEvent
    alias_nodes: list[ScalarEvent]


class _GlossaryReader(_Reader):
    def __init__(
        self, path: str, loader_class: type, problems: _Problems, known_modules: Collection[str]
    ) -> None:
        super().__init__(path, loader_class, problems)
        self.known_modules = known_modules

    def read(self, root: _Node) -> Glossary | None:
        if not self.mapping(root, "the top level of a glossary"):
            return None
        fields = self.fields(root, _TOP_KEYS, "the glossary")
        if not self.check_version(root, fields.get("version")):
            return None
        modules = self.read_modules(fields["modules"][1]) if "modules" in fields else {}
        module_ids = set(self.known_modules) | set(modules)
        if "terms" in fields:
            entries = self.read_terms(fields["terms"][1], module_ids)
        else:
            self.missing(root, "terms", "the glossary")
            entries = []
        self.check_name_clashes(entries)
        unattributed = (
            self.read_unattributed(fields["unattributed"][1]) if "unattributed" in fields else []
        )
        return Glossary(
            modules=modules,
            terms=[entry.term for entry in entries],
            unattributed=unattributed,
            sources=[self.path],
            version=SCHEMA_VERSION,
        )

    def check_version(self, root: _Collection, field: tuple[ScalarEvent, _Node] | None) -> bool:
        """False when the file declares another schema version: the rest cannot be judged."""
        if field is None:
            self.missing(root, "version", "the glossary")
            return True
        node = field[1]
        tag = self.tag(node)
        if tag == _INT and node.value == str(SCHEMA_VERSION):
            return True
        if tag == _INT:
            self.problems.at(
                node,
                f"unsupported schema version {node.value}: this glossary-lsp reads version "
                f"{SCHEMA_VERSION}",
            )
            return False
        if tag is not None:
            self.wrong_type(node, "'version'", f"the number {SCHEMA_VERSION}", tag)
        return True

    # modules

    def read_modules(self, node: _Node) -> dict[str, Module]:
        modules: dict[str, Module] = {}
        first_lines: dict[str, int] = {}
        for item in self.sequence(node, "'modules'"):
            read = self.read_module(item)
            if read is None:
                continue
            module, id_node = read
            if module.id in modules:
                self.problems.at(
                    id_node,
                    f"module id '{module.id}' is used twice (first: line {first_lines[module.id]})",
                )
                continue
            modules[module.id] = module
            first_lines[module.id] = id_node.start_mark.line + 1
        return modules

    def read_module(self, node: _Node) -> tuple[Module, ScalarEvent] | None:
        if not self.mapping(node, "each entry of 'modules'"):
            return None
        fields = self.fields(node, _MODULE_KEYS, "a module")
        values: dict[str, str] = {}
        for key in ("id", "title", "emoji", "subtitle"):
            if key in fields:
                value = self.string(fields[key][1], f"'{key}'")
                if value is not None:
                    values[key] = value
        inferred = (
            self.boolean(fields["inferred"][1], "'inferred'") if "inferred" in fields else None
        )
        complete = True
        for key in ("id", "title"):
            if key not in fields:
                self.missing(node, key, "a module")
                complete = False
        module_id = values.get("id")
        if "id" in fields and module_id is not None and not module_id.strip():
            self.problems.at(fields["id"][1], "a module id must not be empty")
            complete = False
        if not complete or module_id is None or "title" not in values:
            return None
        module = Module(
            id=module_id,
            title=values["title"],
            emoji=values.get("emoji", ""),
            subtitle=values.get("subtitle", ""),
            inferred=bool(inferred),
            location=self.location(fields["id"][0]),
        )
        return module, fields["id"][1]

    # terms

    def read_terms(self, node: _Node, module_ids: set[str]) -> list[_TermEntry]:
        entries = []
        for item in self.sequence(node, "'terms'"):
            entry = self.read_term(item, module_ids)
            if entry is not None:
                entries.append(entry)
        return entries

    def read_term(self, node: _Node, module_ids: set[str]) -> _TermEntry | None:
        if not self.mapping(node, "each entry of 'terms'"):
            return None
        fields = self.fields(node, _TERM_KEYS, "a term")
        term_field = fields.get("term")
        if term_field is None:
            self.missing(node, "term", "a term")
            return None
        name_node = term_field[1]
        name = self.string(name_node, "'term'")
        if name is None:
            if self.tag(name_node) == _NULL:
                self.problems.at(name_node, "'term' must not be empty")
            return None
        if is_blank_or_punctuation(name):
            self.problems.at(name_node, f"'term' must name something, not {name!r}")
            return None
        get, string, boolean = fields.get, self.string, self.boolean
        field = get("module")
        module = string(field[1], ("module", name)) if field else None
        if module is not None and module not in module_ids:
            self.unknown_module(field[1], module, module_ids)
        field = get("expansion")
        expansion = string(field[1], ("expansion", name)) if field else None
        field = get("definition")
        definition = string(field[1], ("definition", name)) if field else None
        field = get("context")
        contexts = self.strings(field[1], ("context", name), True) if field else ()
        field = get("case_sensitive")
        case_sensitive = boolean(field[1], ("case_sensitive", name)) if field else None
        field = get("inferred")
        inferred = boolean(field[1], ("inferred", name)) if field else None
        field = get("expand_first_use")
        expand_first_use = boolean(field[1], ("expand_first_use", name)) if field else None
        alias_nodes = self.names(get("aliases"), ("aliases", name))
        see_also = self.names(get("see_also"), ("see_also", name))
        term = Term(
            term=name,
            expansion=expansion or "",
            definition=definition or "",
            module=module,
            aliases=tuple([alias.value for alias in alias_nodes]),
            see_also=tuple([item.value for item in see_also]),
            contexts=tuple([item.value for item in contexts]),
            case_sensitive=case_sensitive,
            inferred=bool(inferred),
            location=self.location(term_field[0]),
            expand_first_use=bool(expand_first_use),
        )
        return _TermEntry(term, name_node, alias_nodes)

    def names(self, field: tuple[ScalarEvent, _Node] | None, what: tuple[str, str]) -> list:
        """The string nodes of a list of names; an empty name is a problem."""
        if field is None:
            return []
        nodes = self.strings(field[1], what)
        names = [node for node in nodes if not is_blank_or_punctuation(node.value)]
        if len(names) < len(nodes):
            for node in nodes:
                if is_blank_or_punctuation(node.value):
                    self.problems.at(
                        node, f"an entry of {_describe(what)} is empty: {node.value!r}"
                    )
        return names

    def unknown_module(self, node: ScalarEvent, module: str, module_ids: set[str]) -> None:
        closest = _closest(module, module_ids) if module_ids else None
        if closest:
            hint = f"; did you mean '{closest}'?"
        elif module_ids:
            hint = ""
        else:
            hint = "; this glossary defines no modules"
        self.problems.at(node, f"module '{module}' is not defined{hint}")

    def check_name_clashes(self, entries: list[_TermEntry]) -> None:
        """Two terms with one name, or an alias that is already another term's name."""
        terms: dict[str, _TermEntry] = {}
        for entry in entries:
            key = fold(entry.term.term)
            first = terms.get(key)
            if first is None:
                terms[key] = entry
            else:
                self.problems.at(
                    entry.name_node,
                    f"duplicate term '{entry.term.term}': '{first.term.term}' is already defined "
                    f"at line {first.name_node.start_mark.line + 1}",
                )
        aliases: dict[str, tuple[_TermEntry, ScalarEvent]] = {}
        for entry in entries:
            for alias in entry.alias_nodes:
                self.check_alias(entry, alias, terms, aliases)

    def check_alias(
        self,
        entry: _TermEntry,
        alias: ScalarEvent,
        terms: dict[str, _TermEntry],
        aliases: dict[str, tuple[_TermEntry, ScalarEvent]],
    ) -> None:
        key = fold(alias.value)
        name = entry.term.term
        owner = terms.get(key)
        if owner is not None and owner is not entry:
            self.problems.at(
                alias,
                f"alias '{alias.value}' of '{name}' is already the term '{owner.term.term}' "
                f"at line {owner.name_node.start_mark.line + 1}",
            )
            return
        if owner is entry and alias.value == name:
            self.problems.at(alias, f"alias '{alias.value}' repeats the term itself")
            return
        earlier = aliases.get(key)
        if earlier is None:
            aliases[key] = (entry, alias)
            return
        other, other_node = earlier
        line = other_node.start_mark.line + 1
        if other is not entry:
            self.problems.at(
                alias,
                f"duplicate alias '{alias.value}' of '{name}': it is already an alias of "
                f"'{other.term.term}' at line {line}",
            )
        elif other_node.value == alias.value:
            self.problems.at(alias, f"alias '{alias.value}' is listed twice (first at line {line})")

    # unattributed lines

    def read_unattributed(self, node: _Node) -> list[UnattributedLine]:
        lines = []
        for item in self.sequence(node, "'unattributed'"):
            if not self.mapping(item, "each entry of 'unattributed'"):
                continue
            fields = self.fields(item, _UNATTRIBUTED_KEYS, "an unattributed line")
            values = {}
            for key in _UNATTRIBUTED_KEYS:
                if key not in fields:
                    self.missing(item, key, "an unattributed line")
                    continue
                values[key] = self.string(fields[key][1], f"'{key}'")
            if values.get("letter") is not None and values.get("text") is not None:
                lines.append(
                    UnattributedLine(values["letter"], values["text"], self.location(item))
                )
        return lines


# --- the public API ---------------------------------------------------------------------------


def _yaml_error_problem(error: yaml.YAMLError, text: str, path: str, loader_class) -> LoadProblem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        context = f" {error.context}" if error.context else ""
        problem = error.problem or "invalid YAML"
        message = f"YAML syntax error: {problem}{context}".replace("\n", " ")
        return LoadProblem(path, mark.line + 1, mark.column + 1, message)
    if isinstance(error, yaml.reader.ReaderError):
        # libyaml counts the UTF-8 bytes it was given; the pure-Python reader counts characters.
        offset = error.position
        if loader_class is not _PURE_LOADER:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        before = text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return LoadProblem(
            path, line, column, f"YAML cannot contain this character: {error.reason}"
        )
    return LoadProblem(path, 1, 1, f"YAML error: {error}".replace("\n", " "))


def load_glossary_text(
    text: str,
    path: str,
    known_modules: Collection[str] = (),
    *,
    pure_python: bool = False,
) -> Glossary:
    """The glossary written in `text` (read from `path`, used in problems and locations).

    A term's `module` may name a module of this text or one of `known_modules`. Raises
    `GlossaryLoadError` with every problem found. The text is parsed by libyaml, or by PyYAML's
    pure-Python parser with `pure_python`.
    """
    text = text.removeprefix("\ufeff")
    loader_class = _PURE_LOADER if pure_python or _C_LOADER is None else _C_LOADER
    problems = _Problems(path)
    glossary = _read_glossary(text, loader_class, problems, known_modules)
    if problems.found or glossary is None:
        # A node reached through several aliases would repeat its problem: keep one.
        unique = dict.fromkeys(problems.found)
        raise GlossaryLoadError(sorted(unique, key=lambda problem: (problem.line, problem.column)))
    return glossary


def _read_glossary(
    text: str, loader_class: type, problems: _Problems, known_modules: Collection[str]
) -> Glossary | None:
    """The glossary of `text`, or None with the reasons in `problems`."""
    if not text or text.isspace():  # not `text.strip()`: that copies a large file
        problems.add(0, 0, "the file is empty: a glossary starts with 'version: 1' and 'terms:'")
        return None
    try:
        root = _compose(text, loader_class, problems)
    except yaml.YAMLError as error:
        problems.found.append(_yaml_error_problem(error, text, problems.path, loader_class))
        return None
    if root is None:
        problems.add(0, 0, "the file holds only comments: a glossary starts with 'version: 1'")
        return None
    return _GlossaryReader(problems.path, loader_class, problems, known_modules).read(root)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        line = before.count(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        bad = data[error.start : error.end].hex(" ")
        message = f"the file is not valid UTF-8: byte {bad} cannot be decoded"
        raise GlossaryLoadError([LoadProblem(path, line, column, message)]) from None


def load_glossary_file(path: str | Path, known_modules: Collection[str] = ()) -> Glossary:
    """The glossary in the file at `path`; raises `GlossaryLoadError` with every problem."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise GlossaryLoadError(
            [LoadProblem(name, 1, 1, f"cannot read the file: {reason}")]
        ) from None
    return load_glossary_text(_decode(data, name), name, known_modules)


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
    loader_class = _C_LOADER or _PURE_LOADER
    try:
        root = _compose(text, loader_class, _Problems(""))
    except yaml.YAMLError:
        return []
    items = []
    for entry in _mapping_value(root, "terms", is_sequence=True):
        name = _mapping_value(entry, "term")
        see_also = _mapping_value(entry, "see_also", is_sequence=True)
        if type(name) is not ScalarEvent:
            continue
        for item in see_also:
            if type(item) is ScalarEvent:
                start, end = item.start_mark, item.end_mark
                start_at = (start.line, start.column + (bom if start.line == 0 else 0))
                end_at = (end.line, end.column + (bom if end.line == 0 else 0))
                items.append(SeeAlsoItem(name.value, item.value, start_at, end_at))
    return items


def _mapping_value(node: _Node | None, key: str, is_sequence: bool = False):
    """The value under `key` of a mapping node; with `is_sequence`, its items (or [])."""
    value = None
    if type(node) is _Collection and node.is_mapping:
        items = node.items
        for index in range(0, len(items) - 1, 2):
            if type(items[index]) is ScalarEvent and items[index].value == key:
                value = items[index + 1]
                break
    if not is_sequence:
        return value
    return value.items if type(value) is _Collection and not value.is_mapping else []


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


def load_glossaries(
    paths: Sequence[str | Path], include_bundled: bool = True
) -> tuple[Glossary, list[LoadProblem]]:
    """The bundled glossary (unless excluded), then `paths` in order, merged.

    A file that fails to load is left out and its problems returned. Modules of the files
    loaded so far are known to the next ones, so a workspace glossary may use bundled modules.
    """
    candidates: list[str | Path] = [bundled_glossary_path()] if include_bundled else []
    candidates.extend(paths)
    loaded: list[Glossary] = []
    problems: list[LoadProblem] = []
    known_modules: set[str] = set()
    for path in candidates:
        try:
            glossary = load_glossary_file(path, known_modules)
        except GlossaryLoadError as error:
            problems.extend(error.problems)
            continue
        loaded.append(glossary)
        known_modules.update(glossary.modules)
    return merge_glossaries(loaded), problems

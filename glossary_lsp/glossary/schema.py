"""Schema v1: composed YAML nodes → `Glossary`, with every problem at `file:line:column`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeGuard, Union, cast

import yaml
from yaml.events import ScalarEvent

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
from glossary_lsp.glossary.problems import ProblemCollector
from glossary_lsp.glossary.yaml_events import (
    ALLOWED_TAGS,
    BOOL,
    INT,
    MAP,
    NULL,
    SEQ,
    STR,
    TYPE_NAMES,
    Node,
    YamlCollection,
    position,
    short_tag,
    start_mark,
)

_TOP_KEYS = ("version", "modules", "terms", "unattributed")
_MODULE_KEYS = tuple(name for name, _ in MODULE_FIELDS)
_TERM_KEYS = tuple(name for name, _ in TERM_FIELDS)
_UNATTRIBUTED_KEYS = tuple(name for name, _ in UNATTRIBUTED_FIELDS)


def closest_name(word: str, choices: Collection[str]) -> str | None:
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


class NodeReader:
    """Walks the nodes of one file against schema v1, collecting problems."""

    def __init__(
        self, path: str, loader_class: type[yaml.resolver.BaseResolver], problems: ProblemCollector
    ) -> None:
        self.path = path
        self.problems = problems
        resolvers = loader_class.yaml_implicit_resolvers
        self.implicit_resolvers = resolvers
        self.wildcard_resolvers = resolvers.get(None, [])
        # A plain scalar starting with another character can only be a string.
        self.implicit_starts = frozenset(resolvers) if not self.wildcard_resolvers else None

    # types

    def tag(self, node: Node) -> str | None:
        """The resolved tag of a node; None when its tag is not allowed (already reported)."""
        tag = node.tag
        if type(node) is YamlCollection:
            if tag is None or tag == "!":
                return MAP if node.is_mapping else SEQ
        elif tag is None or tag == "!":
            scalar = cast(ScalarEvent, node)  # not a collection: `type(...) is` does not narrow
            if not scalar.implicit[0]:
                return STR
            value = scalar.value
            resolvers = self.implicit_resolvers.get(value[:1], [])
            for resolved, pattern in resolvers + self.wildcard_resolvers:
                if pattern.match(value):
                    return resolved
            return STR
        if tag not in ALLOWED_TAGS:
            return None
        collection = type(node) is YamlCollection
        shape = (MAP if cast(YamlCollection, node).is_mapping else SEQ) if collection else None
        if (tag in (MAP, SEQ)) != collection or (collection and tag != shape):
            written = "a list or mapping" if collection else "a single value"
            self.problems.at(node, f"tag '{short_tag(tag)}' does not fit {written}")
            return None
        return tag

    def wrong_type(self, node: Node, what: _What, expected: str, tag: str) -> None:
        got = TYPE_NAMES.get(tag, short_tag(tag))
        message = f"{_describe(what)} must be {expected}, not {got}"
        if type(node) is ScalarEvent and tag != STR:
            message += f' (to write it as text, quote it: "{node.value}")'
        self.problems.at(node, message)

    def text(self, node: Node) -> str | None:
        """The string a node holds; None when it is not a string."""
        if type(node) is ScalarEvent and node.tag is None:
            value = node.value
            starts = self.implicit_starts
            if not node.implicit[0] or (starts is not None and value[:1] not in starts):
                return value
        # a `!!str` tag is taken at its word: the node is a scalar
        return cast(ScalarEvent, node).value if self.tag(node) == STR else None

    def string(self, node: Node, what: _What) -> str | None:
        """The string a node holds; a problem unless it is a string or empty."""
        value = self.text(node)
        if value is None:
            tag = self.tag(node)
            if tag is not None and tag != NULL:
                self.wrong_type(node, what, "a string", tag)
        return value

    def boolean(self, node: Node, what: _What) -> bool | None:
        tag = self.tag(node)
        if tag == BOOL:
            value = cast(ScalarEvent, node).value  # a `!!bool` node is a scalar
            return yaml.constructor.SafeConstructor.bool_values[value.lower()]
        if tag is not None and tag != NULL:
            self.wrong_type(node, what, "true or false", tag)
        return None

    def strings(self, node: Node, what: _What, allow_single: bool = False) -> list[ScalarEvent]:
        """The string items of a list (or a lone string when `allow_single`), as nodes."""
        tag = self.tag(node)
        if tag == STR and allow_single:
            return [cast(ScalarEvent, node)]
        if tag == NULL or tag is None:
            return []
        if tag != SEQ:
            expected = "a string or a list of strings" if allow_single else "a list of strings"
            self.wrong_type(node, what, expected, tag)
            return []
        items = cast(YamlCollection, node).items  # a `!!seq` node is a collection
        # an item with text is a scalar
        strings = [cast(ScalarEvent, item) for item in items if self.text(item) is not None]
        if len(strings) < len(items):
            self.wrong_items(items, what)
        return strings

    def wrong_items(self, items: list[Node], what: _What) -> None:
        for item in items:
            tag = self.tag(item)
            if tag is not None and tag != STR:
                self.wrong_type(item, f"each entry of {_describe(what)}", "a string", tag)

    def mapping(self, node: Node, what: _What) -> TypeGuard[YamlCollection]:
        if type(node) is YamlCollection and node.is_mapping and node.tag is None:
            return True
        tag = self.tag(node)
        if tag == MAP:
            return True
        if tag is not None:
            self.wrong_type(node, what, "a mapping", tag)
        return False

    def sequence(self, node: Node, what: _What) -> list[Node]:
        tag = self.tag(node)
        if tag == SEQ:
            return cast(YamlCollection, node).items  # a `!!seq` node is a collection
        if tag is not None and tag != NULL:
            self.wrong_type(node, what, "a list", tag)
        return []

    def fields(
        self, node: YamlCollection, allowed: tuple[str, ...], what: str
    ) -> dict[str, tuple[ScalarEvent, Node]]:
        """The keys of a mapping that are allowed; unknown and repeated keys are problems."""
        found: dict[str, tuple[ScalarEvent, Node]] = {}
        items = node.items
        for index in range(0, len(items), 2):
            key = items[index]
            name = key.value if type(key) is ScalarEvent else None
            if name in allowed and name not in found:
                found[name] = (cast(ScalarEvent, key), items[index + 1])  # it has a name
            else:
                self.bad_key(key, found, allowed, what)
        return found

    def bad_key(self, key: Node, found: dict, allowed: tuple[str, ...], what: str) -> None:
        if type(key) is not ScalarEvent:
            self.problems.at(key, f"a key of {what} must be a plain name, not a list or mapping")
        elif key.value in found:
            first_line = start_mark(found[key.value][0]).line + 1
            self.problems.at(
                key, f"'{key.value}' is given twice in {what} (first at line {first_line})"
            )
        else:
            self.unknown_key(key, allowed, what)

    def unknown_key(self, key: ScalarEvent, allowed: tuple[str, ...], what: str) -> None:
        closest = closest_name(key.value, allowed)
        hint = f"did you mean '{closest}'? " if closest else ""
        self.problems.at(
            key,
            f"unknown key '{key.value}' in {what}: {hint}allowed keys are {', '.join(allowed)}",
        )

    def missing(self, node: YamlCollection, key: str, what: str) -> None:
        self.problems.at(node, f"{what} is missing the required key '{key}'")

    def location(self, node: Node) -> SourceLocation:
        line, column = position(node)
        return SourceLocation(self.path, line + 1, column + 1)


@dataclass(slots=True)
class _TermEntry:
    """A term read from the file, with the nodes of its names for name-clash reports."""

    term: Term
    name_node: ScalarEvent
    alias_nodes: list[ScalarEvent]


class GlossaryReader(NodeReader):
    def __init__(
        self,
        path: str,
        loader_class: type,
        problems: ProblemCollector,
        known_modules: Collection[str],
    ) -> None:
        super().__init__(path, loader_class, problems)
        # A term's `module:` need not be declared here or in `known_modules`: it may name a
        # module of the course by id, path or title, which only the course can judge
        # (`features/course.module_name_findings`).
        self.known_modules = known_modules

    def read(self, root: Node) -> Glossary | None:
        if not self.mapping(root, "the top level of a glossary"):
            return None
        fields = self.fields(root, _TOP_KEYS, "the glossary")
        if not self.check_version(root, fields.get("version")):
            return None
        modules = self.read_modules(fields["modules"][1]) if "modules" in fields else {}
        if "terms" in fields:
            entries = self.read_terms(fields["terms"][1])
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

    def check_version(self, root: YamlCollection, field: tuple[ScalarEvent, Node] | None) -> bool:
        """False when the file declares another schema version: the rest cannot be judged."""
        if field is None:
            self.missing(root, "version", "the glossary")
            return True
        node = field[1]
        tag = self.tag(node)
        if tag == INT:
            version = cast(ScalarEvent, node).value  # an `!!int` node is a scalar
            if version == str(SCHEMA_VERSION):
                return True
            self.problems.at(
                node,
                f"unsupported schema version {version}: this glossary-lsp reads version "
                f"{SCHEMA_VERSION}",
            )
            return False
        if tag is not None:
            self.wrong_type(node, "'version'", f"the number {SCHEMA_VERSION}", tag)
        return True

    # modules

    def read_modules(self, node: Node) -> dict[str, Module]:
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
            first_lines[module.id] = start_mark(id_node).line + 1
        return modules

    def read_module(self, node: Node) -> tuple[Module, ScalarEvent] | None:
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
        return module, cast(ScalarEvent, fields["id"][1])  # a string: a scalar

    # terms

    def read_terms(self, node: Node) -> list[_TermEntry]:
        entries = []
        for item in self.sequence(node, "'terms'"):
            entry = self.read_term(item)
            if entry is not None:
                entries.append(entry)
        return entries

    def read_term(self, node: Node) -> _TermEntry | None:
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
            if self.tag(name_node) == NULL:
                self.problems.at(name_node, "'term' must not be empty")
            return None
        if is_blank_or_punctuation(name):
            self.problems.at(name_node, f"'term' must name something, not {name!r}")
            return None
        get, string, boolean = fields.get, self.string, self.boolean
        field = get("module")
        module = string(field[1], ("module", name)) if field else None
        field = get("expansion")
        expansion = string(field[1], ("expansion", name)) if field else None
        field = get("definition")
        definition = string(field[1], ("definition", name)) if field else None
        field = get("source")
        source = string(field[1], ("source", name)) if field else None
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
            source=source or "",
            module=module,
            aliases=tuple([alias.value for alias in alias_nodes]),
            see_also=tuple([item.value for item in see_also]),
            contexts=tuple([item.value for item in contexts]),
            case_sensitive=case_sensitive,
            inferred=bool(inferred),
            location=self.location(term_field[0]),
            expand_first_use=bool(expand_first_use),
        )
        return _TermEntry(term, cast(ScalarEvent, name_node), alias_nodes)  # it has a string

    def names(self, field: tuple[ScalarEvent, Node] | None, what: tuple[str, str]) -> list:
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
                    f"at line {start_mark(first.name_node).line + 1}",
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
                f"at line {start_mark(owner.name_node).line + 1}",
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
        line = start_mark(other_node).line + 1
        if other is not entry:
            self.problems.at(
                alias,
                f"duplicate alias '{alias.value}' of '{name}': it is already an alias of "
                f"'{other.term.term}' at line {line}",
            )
        elif other_node.value == alias.value:
            self.problems.at(alias, f"alias '{alias.value}' is listed twice (first at line {line})")

    # unattributed lines

    def read_unattributed(self, node: Node) -> list[UnattributedLine]:
        lines = []
        for item in self.sequence(node, "'unattributed'"):
            if not self.mapping(item, "each entry of 'unattributed'"):
                continue
            fields = self.fields(item, _UNATTRIBUTED_KEYS, "an unattributed line")
            values: dict[str, str | None] = {}
            for key in _UNATTRIBUTED_KEYS:
                if key not in fields:
                    self.missing(item, key, "an unattributed line")
                    continue
                values[key] = self.string(fields[key][1], f"'{key}'")
            letter, text = values.get("letter"), values.get("text")
            if letter is not None and text is not None:
                lines.append(UnattributedLine(letter, text, self.location(item)))
        return lines

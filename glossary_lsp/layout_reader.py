"""A fast reader for glossaries in the usual block layout; everything else goes to the loader.

Pulling libyaml's events into Python alone costs ~0.9 s for a 100,000-term glossary, so no
PyYAML-based loader reads one in well under a second. This reader recognises, with one regular
expression per entry, the layout that `glossary-lsp import`, `yaml.safe_dump`, the benchmark's
generator and most hand-written glossaries share:

- top-level keys `version: 1`, `modules:`, `terms:`, `unattributed:` at column 0;
- each section a block list of mappings, every entry's keys in the schema's order, one per line;
- values that are plain (also folded over several lines), single-quoted, double-quoted without
  escapes, folded or literal block scalars (`>`, `>-`, `|`, `|-`) whose lines share one
  indentation, flow lists `[a, "b"]` on one line, or block lists of such scalars;
- blank lines and comments (indented no deeper than an entry's keys) between entries only.

It is all or nothing. Any other YAML (anchors, tags, escapes, tabs, `\\r`, keys in another
order, comments inside an entry, trailing spaces...), and any file with a problem (an unknown
module, a duplicate name, a number where a string belongs...), makes `read_glossary` return None
and `loader.load_glossary_text` reads the file with libyaml, which reports problems. When it
returns a glossary, it is the glossary the loader returns for the same text:
tests/test_layout_reader.py checks it on the bundled glossary, generated ones and fuzzed text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import yaml

from glossary_lsp.model import (
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

# Characters that are not YAML-printable, or that YAML reads as line breaks or white space
# other than " " and "\n": their meaning is left to libyaml.
_UNUSUAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values

# --- the grammar ------------------------------------------------------------------------------

_PLAIN_FIRST = r"[^ \n\-?:,\[\]{}#&*!|>'\"%@`]"
_PLAIN_REST = r"[^\n:#]*(?:(?::(?=[^ \n])|(?<=[^ \n])#)[^\n:#]*)*(?<! )"
_CONTINUED = r"[^ \n#:]" + _PLAIN_REST  # a plain scalar's next line, after its indentation
_SINGLE_LINE_SINGLE = r"'[^'\n]*(?:''[^'\n]*)*'"
_DOUBLE = r'"[^"\\\n]*"'
_FLOW_PLAIN = r"[^ \n\-?:,\[\]{}#&*!|>'\"%@`](?:[^\n,\[\]{}:#]*[^ \n,\[\]{}:#])?"
_FLOW_ITEM = f"(?:{_FLOW_PLAIN}|{_SINGLE_LINE_SINGLE}|{_DOUBLE})"
_FLOW_LIST = rf"\[(?:{_FLOW_ITEM}(?:, {_FLOW_ITEM})*)?\]"
_FLOW_ITEMS = re.compile(f"({_FLOW_PLAIN})|({_SINGLE_LINE_SINGLE})|({_DOUBLE})")


def _scalar_pattern(deeper: str) -> str:
    """A scalar whose following lines are indented by `deeper` (a pattern of spaces)."""
    plain = rf"{_PLAIN_FIRST}{_PLAIN_REST}(?:\n{deeper}{_CONTINUED})*"
    single = rf"'[^'\n]*(?:(?:''|\n{deeper}(?=[^ \n]))[^'\n]*)*'"
    return f"(?:{plain}|{single}|{_DOUBLE})"


def _block_scalar_pattern(name: str, key_indent: int) -> str:
    """A `>`/`|` block scalar whose lines all share one indentation, deeper than its key."""
    group = f"b_{name}"
    line = r"[^ \n][^\n]*(?<! )"
    return rf"[>|]-?\n(?P<{group}> {{{key_indent + 1},}}){line}(?:\n(?P={group}){line})*"


def _block_list_pattern(name: str, key_indent: int) -> str:
    """A block list of scalars, its dashes at the key's indentation (or deeper)."""
    group = f"s_{name}"
    item = _scalar_pattern(f"(?P={group}) +")
    return rf"\n(?P<{group}> {{{key_indent},}})- {item}(?:\n(?P={group})- {item})*"


def _value(name: str, kind: str, key_indent: int) -> str:
    deeper = f" {{{key_indent + 1},}}"
    inline = [_scalar_pattern(deeper), _block_scalar_pattern(name, key_indent)]
    if kind == "bool":
        inline = [_PLAIN_FIRST + _PLAIN_REST]
    elif kind == "list":
        inline = [_FLOW_LIST]
    elif kind == "strings":
        inline.append(_FLOW_LIST)
    pattern = f" +(?P<v_{name}>{'|'.join(inline)})"
    if kind in ("list", "strings"):
        pattern = f"(?:{pattern}|(?P<l_{name}>{_block_list_pattern(name, key_indent)}))"
    return pattern


_SECTIONS = {"modules": MODULE_FIELDS, "terms": TERM_FIELDS, "unattributed": UNATTRIBUTED_FIELDS}


def _gap(indent: int) -> str:
    """Blank lines and comments between entries (deeper comments could be a scalar's text)."""
    return rf"(?:\n| {{0,{indent}}}#[^\n]*\n)*"


@lru_cache(maxsize=16)
def _entry_pattern(
    section: str, dash_indent: int, key_indent: int
) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """One entry of a section, its dash at `dash_indent` and keys at `key_indent`, and the gap
    after it.

    Also the numbers of the groups holding values, in the order of `_SECTIONS[section]`: for
    each key its inline value (`v_`), the indentation of a block scalar (`b_`) and a block
    list (`l_`), those the key's kind has.
    """
    (first, first_kind), *rest = _SECTIONS[section]
    dash = " " * dash_indent + "-" + " " * (key_indent - dash_indent - 1)
    parts = [dash + f"{first}:" + _value(first, first_kind, key_indent) + r"\n"]
    for name, kind in rest:
        parts.append(f"(?:{' ' * key_indent}{name}:{_value(name, kind, key_indent)}\\n)?")
    parts.append(_gap(key_indent))
    pattern = re.compile("".join(parts))
    groups = tuple(
        number
        for name, _ in _SECTIONS[section]
        for prefix in ("v_", "b_", "l_")
        if (number := pattern.groupindex.get(prefix + name)) is not None
    )
    return pattern, groups


_TOP_GAP = re.compile(_gap(0))
_TOP_KEY = re.compile(r"(version|modules|terms|unattributed):(?: +(1))?\n")
_DASH = re.compile(r"( *)- +")
_FOLDED_BREAK = re.compile(r" *\n +")

# --- values -----------------------------------------------------------------------------------


def _non_string_patterns() -> dict[str, re.Pattern[str]]:
    """For each first character, one pattern matching the plain scalars YAML does not read
    as strings: the implicit resolvers of that character, joined (none of them is `str`)."""
    joined = {}
    for first, resolvers in _RESOLVERS.items():
        flags = resolvers[0][1].flags
        assert all(tag != _STR and pattern.flags == flags for tag, pattern in resolvers)
        end = "\n" if flags & re.VERBOSE else ""  # ends a comment of a verbose pattern
        joined[first] = re.compile("|".join(f"(?:{p.pattern}{end})" for _, p in resolvers), flags)
    return joined


_NON_STRING = _non_string_patterns()


def _is_string(plain: str) -> bool:
    """Whether YAML reads this plain scalar as a string (not a number, date, boolean...)."""
    pattern = _NON_STRING.get(plain[0])
    return pattern is None or pattern.match(plain) is None


class _NotInLayout(Exception):
    """The text leaves the layout, or holds a problem: the loader must read it."""


def _text(raw: str, block_indent: str | None = None) -> str:
    """The string of a scalar; `block_indent` is the indentation of a block scalar's lines."""
    if block_indent:
        body = raw[raw.index("\n") + 1 + len(block_indent) :]
        text = body.replace("\n" + block_indent, " " if raw[0] == ">" else "\n")
        return text if raw[1] == "-" else text + "\n"
    first = raw[0]
    if first == '"':
        return raw[1:-1]
    if first == "'":
        inner = raw[1:-1]
        if "\n" in inner:
            inner = _FOLDED_BREAK.sub(" ", inner)
        return inner.replace("''", "'")
    if "\n" in raw:
        raw = _FOLDED_BREAK.sub(" ", raw)
    if first in _NON_STRING and not _is_string(raw):
        raise _NotInLayout
    return raw


def _flow_list(raw: str) -> list[str]:
    inner = raw[1:-1]
    if not inner:
        return []
    if "'" in inner or '"' in inner:
        return [_text(next(filter(None, item))) for item in _FLOW_ITEMS.findall(inner)]
    items = inner.split(", ")
    for item in items:
        if item[0] in _NON_STRING and not _is_string(item):
            raise _NotInLayout
    return items


def _block_list(raw: str) -> list[str]:
    indent = len(raw) - len(raw.lstrip("\n ")) - 1
    return [_text(item) for item in raw.split(f"\n{' ' * indent}- ")[1:]]


@lru_cache(maxsize=1024)
def _module_id(raw: str) -> str:
    """A term's module: few distinct values, each read (and kept) once."""
    return _text(raw)


def _names(inline: str, block: str) -> tuple[str, ...]:
    names = _flow_list(inline) if inline else _block_list(block)
    for name in names:
        if not name[:1].isalnum() and is_blank_or_punctuation(name):
            raise _NotInLayout
    return tuple(names)


def _strings(inline: str | None, block_indent: str | None, block: str | None) -> tuple[str, ...]:
    if not inline:
        return tuple(_block_list(block))
    return tuple(_flow_list(inline)) if inline[0] == "[" else (_text(inline, block_indent),)


def _boolean(raw: str) -> bool:
    for tag, pattern in _RESOLVERS.get(raw[:1], ()):
        if pattern.match(raw):
            if tag != _BOOL:
                break
            return _BOOL_VALUES[raw.lower()]
    raise _NotInLayout


# --- entries ----------------------------------------------------------------------------------

_Values = tuple  # the value groups of one entry, numbered by `_entry_pattern`
# Builds a term or a location without the Python-level `__new__` of a named tuple: 0.3 µs less
# per entry, 0.05 s for 100,000 terms.
_new = tuple.__new__


def _module(values: _Values, location: SourceLocation) -> Module:
    module_id, id_indent, title, title_indent, emoji, emoji_indent, subtitle, subtitle_indent, \
        inferred = values  # fmt: skip
    module_id = _text(module_id, id_indent)
    if title is None or not module_id.strip():
        raise _NotInLayout
    return Module(
        module_id,
        _text(title, title_indent),
        _text(emoji, emoji_indent) if emoji else "",
        _text(subtitle, subtitle_indent) if subtitle else "",
        bool(inferred) and _boolean(inferred),
        location,
    )


def _term(values: _Values, location: SourceLocation) -> Term:
    (name, name_indent, expansion, expansion_indent, definition, definition_indent, module,
     module_indent, aliases, alias_list, see_also, see_also_list, context, context_indent,
     context_list, case_sensitive, inferred) = values  # fmt: skip
    name = _text(name, name_indent)
    if not name[:1].isalnum() and is_blank_or_punctuation(name):
        raise _NotInLayout
    return _new(
        Term,
        (
            name,
            _text(expansion, expansion_indent) if expansion else "",
            _text(definition, definition_indent) if definition else "",
            (_module_id(module) if not module_indent else _text(module, module_indent))
            if module
            else None,
            _names(aliases, alias_list) if aliases or alias_list else (),
            _names(see_also, see_also_list) if see_also or see_also_list else (),
            _strings(context, context_indent, context_list) if context or context_list else (),
            _boolean(case_sensitive) if case_sensitive else None,
            bool(inferred) and _boolean(inferred),
            location,
        ),
    )


def _unattributed(values: _Values, location: SourceLocation) -> UnattributedLine:
    letter, letter_indent, text, text_indent = values
    if text is None:
        raise _NotInLayout
    return UnattributedLine(_text(letter, letter_indent), _text(text, text_indent), location)


_READERS = {"modules": _module, "terms": _term, "unattributed": _unattributed}


def _section(text: str, start: int, line: int, name: str, path: str) -> tuple[list, int, int]:
    """The entries of section `name` from `start` (on `line`); where, and on which line, it ends."""
    dash = _DASH.match(text, start)
    if dash is None:
        raise _NotInLayout
    key_indent = dash.end() - start
    pattern, groups = _entry_pattern(name, len(dash.group(1)), key_indent)
    match, read, column, count = pattern.match, _READERS[name], key_indent + 1, text.count
    entries = []
    pos = start
    while (found := match(text, pos)) is not None:
        entries.append(read(found.group(*groups), _new(SourceLocation, (path, line, column))))
        end = found.end()
        line += count("\n", pos, end)
        pos = end
    return entries, pos, line


def _name_index(terms: list[Term], module_ids: Collection[str]) -> dict[str, Term]:
    """The glossary's name index, as `model.name_index` builds it, when no name clashes and
    every module is known; otherwise the loader must read the file to report the problems."""
    if not {term.module for term in terms} <= {None, *module_ids}:
        raise _NotInLayout
    by_name: dict[str, Term] = {}
    for term in terms:
        by_name[fold(term.term)] = term
    if len(by_name) != len(terms):
        raise _NotInLayout
    claim = by_name.setdefault
    for term in terms:
        aliases = term.aliases
        if len(aliases) > 1 and len(set(aliases)) < len(aliases):
            raise _NotInLayout
        for alias in aliases:
            if claim(fold(alias), term) is not term or alias == term.term:
                raise _NotInLayout
    return by_name


def _skip_gap(text: str, pos: int, line: int) -> tuple[int, int]:
    end = _TOP_GAP.match(text, pos).end()
    return end, line + text.count("\n", pos, end)


def _read(text: str, path: str, known_modules: Collection[str]) -> Glossary:
    if _UNUSUAL.search(text):
        raise _NotInLayout
    if not text.endswith("\n"):  # a last block scalar would lose its final newline
        raise _NotInLayout
    sections: dict[str, list] = {}
    version = False
    pos, line = _skip_gap(text, 0, 1)
    while pos < len(text):
        key = _TOP_KEY.match(text, pos)
        if key is None:
            raise _NotInLayout
        name, one = key.groups()
        pos, line = key.end(), line + 1
        if name == "version" and one is not None and not version:
            version = True
        elif name != "version" and one is None and name not in sections:
            pos, line = _skip_gap(text, pos, line)
            sections[name], pos, line = _section(text, pos, line, name, path)
        else:
            raise _NotInLayout
        pos, line = _skip_gap(text, pos, line)
    return _glossary(sections, version, path, known_modules)


def _glossary(
    sections: dict[str, list], version: bool, path: str, known_modules: Collection[str]
) -> Glossary:
    if not version or "terms" not in sections:
        raise _NotInLayout
    modules: dict[str, Module] = {}
    for module in sections.get("modules", ()):
        if module.id in modules:
            raise _NotInLayout
        modules[module.id] = module
    terms = sections["terms"]
    return Glossary(
        modules=modules,
        terms=terms,
        unattributed=sections.get("unattributed", []),
        sources=[path],
        version=SCHEMA_VERSION,
        prebuilt_index=_name_index(terms, set(known_modules) | set(modules)),
    )


def read_glossary(text: str, path: str, known_modules: Collection[str] = ()) -> Glossary | None:
    """The glossary of `text` when it is in the usual layout and without problems, else None."""
    try:
        return _read(text, path, known_modules)
    except _NotInLayout:
        return None

"""Where terms are used and how to rename them: references, rename, symbols, code lens.

A term is found under the cursor in a module (through the matcher) or on its entry in a
glossary file (through `Term.location`). Uses come from the workspace index, in course order,
notebooks included; results are `Target`s (source offsets of a file) or `RenameEdit`s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.course.modules import Occurrence
from glossary_lsp.course.workspace import MODULE_SUFFIXES, WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion, term_at
from glossary_lsp.features.code_actions import yaml_scalar
from glossary_lsp.features.definition import (
    ReadText,
    Target,
    first_introduction,
    glossary_entry,
    read_from_disk,
    term_value_span,
)
from glossary_lsp.features.diagnostics import relative_name, terms_defined_in
from glossary_lsp.glossary.loader import see_also_items
from glossary_lsp.glossary.model import Glossary, Term, fold, singular_forms
from glossary_lsp.glossary.myst_roles import role_uses
from glossary_lsp.text.front_matter import front_matter_span
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView

SYMBOL_LIMIT = 100
YAML_SUFFIXES = (".yaml", ".yml")


# ------------------------------------------------------------------------- term under cursor


@dataclass(frozen=True, slots=True)
class TermSpan:
    """A term at a cursor: its span (source offsets) and the name written there."""

    term: Term
    start: int
    end: int
    name: str


def term_in_module(version: GlossaryVersion, view: DocumentView, offset: int) -> TermSpan | None:
    found = term_at(version, view, offset)
    if found is None:
        return None
    start, end = found.source_range()
    return TermSpan(found.match.term, start, end, found.match.name)


def term_in_glossary(
    version: GlossaryVersion, path: Path, lines: LineIndex, offset: int
) -> TermSpan | None:
    """The term whose `term:` value (or entry line) is under the cursor in a glossary file."""
    line = lines.line_of(offset)
    for term in terms_defined_in(version, path):
        span = term_value_span(lines, term)
        if span is not None and (span[0] <= offset <= span[1] or lines.line_of(span[0]) == line):
            return TermSpan(term, span[0], span[1], term.term)
    return None


# -------------------------------------------------------------------------------- references


def occurrence_target(occurrence: Occurrence) -> Target:
    start, end = occurrence.source_range()
    return Target(occurrence.module.path, occurrence.view.lines, start, end, occurrence)


def references(
    index: WorkspaceIndex,
    term: Term,
    include_declaration: bool = False,
    read_text: ReadText = read_from_disk,
    glossary: Glossary | None = None,
) -> list[Target]:
    """Every use of a term in the course, in course order: in prose and, given the `glossary`
    that resolves their targets, in MyST `{term}`/`{abbr}` roles; its entry first if asked."""
    uses = index.occurrences(term)
    if glossary is not None:
        uses = all_uses(index, glossary, term, read_text)[0]
    targets = [occurrence_target(occurrence) for occurrence in uses]
    if include_declaration:
        entry = glossary_entry(term, read_text)
        if entry is not None:
            targets.insert(0, entry)
    return targets


def role_occurrences(
    index: WorkspaceIndex, glossary: Glossary, term: Term, read_text: ReadText = read_from_disk
) -> list[Occurrence]:
    """The `{term}`/`{abbr}` roles naming `term` in the course's Markdown, in course order; each
    spans the role's target (`X` of `` {term}`text <X>` ``).

    Roles may stand where the prose detector sees code, so every module's text is searched; a
    module is viewed only when its raw text has a role naming the term."""
    found = []
    for module in index.modules():
        if not _names_in_role(read_text(module.path), glossary, term):
            continue
        view = index.view(module)
        if view is None:
            continue
        for region in view.regions:
            if region.kind != "markdown":
                continue
            for use in role_uses(region.text):
                if _names(glossary, use.target, term):
                    occurrence = Occurrence(
                        module, view, region, use.target_start, use.target_end, term
                    )
                    found.append(occurrence)
    return found


def _names_in_role(text: str | None, glossary: Glossary, term: Term) -> bool:
    if text is None or ("{term}`" not in text and "{abbr}`" not in text):
        return False
    return any(_names(glossary, use.target, term) for use in role_uses(text))


def _names(glossary: Glossary, target: str, term: Term) -> bool:
    named = glossary.lookup(target)
    return named is not None and named.key == term.key


def all_uses(
    index: WorkspaceIndex, glossary: Glossary, term: Term, read_text: ReadText = read_from_disk
) -> tuple[list[Occurrence], set[tuple[Path, int, int]]]:
    """Prose uses and role uses of a term, in course order, each once; and the (file, region,
    start) keys of the role uses."""
    roles = role_occurrences(index, glossary, term, read_text)
    role_keys = {_key(occurrence) for occurrence in roles}
    prose = [use for use in index.occurrences(term) if _key(use) not in role_keys]
    order = {module.path: position for position, module in enumerate(index.modules())}
    uses = sorted(
        prose + roles,
        key=lambda o: (order.get(o.module.path, len(order)), o.region.index, o.start),
    )
    return uses, role_keys


def _key(occurrence: Occurrence) -> tuple[Path, int, int]:
    return occurrence.module.path, occurrence.region.index, occurrence.start


# ------------------------------------------------------------------------------------ rename


class RenameError(ValueError):
    """Why a rename cannot be done; the message is shown to the user."""


@dataclass(frozen=True, slots=True)
class RenameEdit:
    """Replace `start:end` (source offsets of `lines.text`, the file at `path`) by `new_text`.

    For a use inside a notebook, `occurrence` locates it in its cell (logical offsets) and
    `cell_text` is the replacement as the cell shows it (`new_text` is JSON-escaped).
    """

    path: Path
    lines: LineIndex
    start: int
    end: int
    new_text: str
    occurrence: Occurrence | None = None
    cell_text: str = ""


def prepare_rename(found: TermSpan | None) -> TermSpan:
    """The span to rename and the current name; raises `RenameError` when it cannot be."""
    if found is None:
        raise RenameError("No glossary term here")
    if fold(found.name) != fold(found.term.term):
        raise RenameError(
            f"'{found.name}' is an alias of '{found.term.term}'; rename the term from its name"
        )
    if found.term.location is None:
        raise RenameError(f"'{found.term.term}' has no glossary entry to rename")
    return found


def check_new_name(version: GlossaryVersion, term: Term, new_name: str) -> str:
    name = new_name.strip()
    if not name:
        raise RenameError("A term needs a name")
    if "\n" in name or "\r" in name:
        raise RenameError("A term name is one line")
    other = version.glossary.lookup(name)
    if other is not None and other.key != term.key:
        raise RenameError(f"'{name}' is already a name of the term '{other.term}'")
    return name


def rename(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    term: Term,
    new_name: str,
    read_text: ReadText = read_from_disk,
) -> list[RenameEdit]:
    """One edit for the glossary entry, one per use of the term's name in the course and one
    per `see_also` entry naming it in the workspace's glossaries.

    Uses (and `see_also` entries) through an alias keep the alias. Each use keeps its plural
    ending and the case of its first letter (a sentence-initial `Prefill` stays capitalised).
    """
    name = check_new_name(version, term, new_name)
    location = term.location
    if location is None:
        raise RenameError(f"'{term.term}' has no glossary entry to rename")
    entry_path = Path(location.path)
    if index.roots and not any(
        entry_path.resolve().is_relative_to(root.resolve()) for root in index.roots
    ):
        raise RenameError(
            f"'{term.term}' comes from {entry_path}, outside the workspace; add it to the "
            "workspace glossary to rename it"
        )
    entry = glossary_entry(term, read_text)
    if entry is None:
        raise RenameError(f"The entry of '{term.term}' was not found in {entry_path}")
    entry_edit = _rename_entry(entry, name)
    edits = [entry_edit]
    uses, role_keys = all_uses(index, version.glossary, term, read_text)
    for occurrence in uses:
        if _key(occurrence) in role_keys:
            edit = _rename_role_target(occurrence, name)
        else:
            edit = _rename_use(version, occurrence, name)
        if edit is not None and not _overlaps(edit, entry_edit):
            edits.append(edit)  # a glossary page's term line may also read as a use: once
    edits.extend(_rename_see_also(version, index, term, name, read_text))
    return edits


def _overlaps(edit: RenameEdit, other: RenameEdit) -> bool:
    same_file = edit.path.resolve() == other.path.resolve()
    return same_file and edit.start < other.end and other.start < edit.end


def _rename_entry(entry: Target, name: str) -> RenameEdit:
    """The entry's name rewritten: a YAML scalar in YAML (a glossary, a Contextive file, front
    matter abbreviations), the name as it is in a MyST or Sphinx term line or an abbr line."""
    text = entry.lines.text
    if _in_yaml(entry.path, text, entry.start):
        start, end = _quoted_span(text, entry.start, entry.end)
        return RenameEdit(entry.path, entry.lines, start, end, yaml_scalar(name))
    return RenameEdit(entry.path, entry.lines, entry.start, entry.end, name)


def _in_yaml(path: Path, text: str, offset: int) -> bool:
    if path.suffix in YAML_SUFFIXES:
        return True
    span = front_matter_span(text) if path.suffix in MODULE_SUFFIXES else None
    return span is not None and span[0] <= offset < span[1]


def _rename_role_target(occurrence: Occurrence, new_name: str) -> RenameEdit | None:
    """A role's target is a name, not prose: it becomes the new name as it is (an alias, or
    another spelling the glossary resolves, stays)."""
    target = occurrence.region.text[occurrence.start : occurrence.end]
    if fold(target) != occurrence.term.key:
        return None
    start, end = occurrence.source_range()
    return RenameEdit(
        occurrence.module.path, occurrence.view.lines, start, end, new_name, occurrence, new_name
    )


def _rename_see_also(
    version: GlossaryVersion, index: WorkspaceIndex, term: Term, name: str, read_text: ReadText
) -> list[RenameEdit]:
    """The `see_also` entries naming the term by its spelling, in the workspace's glossaries."""
    edits = []
    for source in dict.fromkeys(version.glossary.sources):
        path = Path(source)
        if path.suffix not in YAML_SUFFIXES:
            continue  # a Markdown or reStructuredText glossary source has no `see_also`
        if index.roots and not any(
            path.resolve().is_relative_to(root.resolve()) for root in index.roots
        ):
            continue
        text = read_text(path)
        if text is None:
            continue
        lines = LineIndex(text)
        for item in see_also_items(text):
            if fold(item.name) == term.key:
                start, end = lines.offset(*item.start), lines.offset(*item.end)
                if start is not None and end is not None:
                    edits.append(RenameEdit(path, lines, start, end, yaml_scalar(name)))
    return edits


def _quoted_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a scalar's span over its quotes, if it has them."""
    if start > 0 and end < len(text) and text[start - 1] == text[end] and text[end] in "\"'":
        return start - 1, end + 1
    return start, end


def _rename_use(version: GlossaryVersion, occurrence: Occurrence, new_name: str):
    region = occurrence.region
    match = version.matcher.match_at(region.text, occurrence.start)
    if match is None or fold(match.name) != fold(occurrence.term.term):
        return None  # written through an alias
    surface = region.text[occurrence.start : occurrence.end]
    replacement = respell(surface, match.name, new_name)
    start, end = occurrence.source_range()
    escaped = replacement
    if occurrence.module.path.suffix == ".ipynb":  # the index reads a notebook as its JSON
        escaped = json.dumps(replacement, ensure_ascii=False)[1:-1]
    return RenameEdit(
        occurrence.module.path, occurrence.view.lines, start, end, escaped, occurrence, replacement
    )


def respell(surface: str, name: str, new_name: str) -> str:
    """`new_name` written the way `surface` writes `name`: plural ending, first-letter case."""
    suffix = ""
    if " ".join(surface.split()).casefold() != name.casefold():
        for singular in singular_forms(surface):
            if " ".join(singular.split()).casefold() == name.casefold():
                suffix = "es" if surface.endswith("es") and not singular.endswith("e") else "s"
                break
    result = new_name + suffix
    first, name_first = surface[:1], name[:1]
    if first != name_first and first.casefold() == name_first.casefold() and result[:1].isalpha():
        result = (result[0].upper() if first.isupper() else result[0].lower()) + result[1:]
    return result


# ----------------------------------------------------------------------------------- symbols


@dataclass(frozen=True, slots=True)
class SymbolEntry:
    """A term (or a module) as a symbol: where it lives and what to show next to it."""

    name: str
    detail: str
    kind: str  # "term" | "module"
    target: Target
    selection: tuple[int, int] | None = None  # the name's span inside `target`


def _query_rank(query: str, term: Term) -> int | None:
    """0 exact, 1 prefix, 2 inside a name, 3 inside the expansion, 4 letters in order."""
    if not query:
        return 2
    names = [fold(name) for name in term.names]
    if query in names:
        return 0
    if any(name.startswith(query) for name in names):
        return 1
    if any(query in name for name in names):
        return 2
    if term.expansion and query in fold(term.expansion):
        return 3
    if any(_subsequence(query, name) for name in names):
        return 4
    return None


def _subsequence(query: str, text: str) -> bool:
    letters = iter(text)
    return all(char in letters for char in query if not char.isspace())


def workspace_symbols(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    query: str,
    limit: int = SYMBOL_LIMIT,
    read_text: ReadText = read_from_disk,
) -> list[SymbolEntry]:
    """Terms matching `query` by name, alias or expansion, best first; located at their first
    introduction in the course, else at their glossary entry."""
    wanted = fold(query)
    ranked = []
    for position, term in enumerate(version.glossary.terms):
        rank = _query_rank(wanted, term)
        if rank is not None:
            ranked.append((rank, fold(term.term), position, term))
    ranked.sort(key=lambda item: item[:3])
    symbols: list[SymbolEntry] = []
    for _, _, _, term in ranked:
        if len(symbols) >= limit:
            break
        target = first_introduction(version, index, term)
        if target is None or target.occurrence is None:
            target = glossary_entry(term, read_text) or target
        if target is not None:
            symbols.append(SymbolEntry(term.term, term.expansion, "term", target))
    return symbols


def glossary_symbols(version: GlossaryVersion, path: Path, lines: LineIndex) -> list[SymbolEntry]:
    """The modules and terms of a glossary file, each spanning its whole entry."""
    entries: list[tuple[int, str, str, str, tuple[int, int]]] = []
    wanted = path.resolve()
    for module in version.glossary.modules.values():
        location = module.location
        if location is None or Path(location.path).resolve() != wanted:
            continue
        start = lines.offset(location.line - 1, location.column - 1)
        if start is not None:
            selection = (start, start + len(lines.line(location.line - 1)) - location.column + 1)
            entries.append((location.line, module.label, module.subtitle, "module", selection))
    for term in terms_defined_in(version, path):
        span = term_value_span(lines, term)
        if span is not None and term.location is not None:
            entries.append((term.location.line, term.term, term.expansion, "term", span))
    entries.sort()
    starts = [lines.line_start(line - 1) for line, *_ in entries]
    symbols = []
    for position, (_, name, detail, kind, selection) in enumerate(entries):
        start = min(starts[position], selection[0])
        end = _entry_end(lines, starts[position + 1] if position + 1 < len(starts) else None)
        target = Target(path, lines, start, max(end, selection[1]))
        symbols.append(SymbolEntry(name, detail, kind, target, selection))
    return symbols


def _entry_end(lines: LineIndex, next_start: int | None) -> int:
    """The end of the last non-blank line before `next_start` (or before the end)."""
    end = len(lines.text) if next_start is None else next_start
    text = lines.text
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


# --------------------------------------------------------------------------------- code lens


@dataclass(frozen=True, slots=True)
class Lens:
    term: Term
    start: int  # the `term:` value in the glossary file
    end: int
    title: str


def code_lenses(
    version: GlossaryVersion, index: WorkspaceIndex, path: Path, lines: LineIndex
) -> list[Lens]:
    """ "used in N modules · first in 03-self-attention.md" on every term entry of the file."""
    lenses = []
    modules = index.modules()
    for term in terms_defined_in(version, path):
        span = term_value_span(lines, term)
        if span is None:
            continue
        users = [module for module in modules if term.key in module.terms]
        lenses.append(Lens(term, span[0], span[1], lens_title(index, users)))
    return lenses


def lens_title(index: WorkspaceIndex, users: Sequence) -> str:
    if not users:
        return "not used in the course"
    count = f"used in {len(users)} module{'s' if len(users) != 1 else ''}"
    return f"{count} · first in {relative_name(index, users[0].path)}"

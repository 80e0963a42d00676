"""The course's glossary page: which terms it lists and what it says of each, as plain data,
and the page rendered as plain text (the seed page's layout), Markdown or JSON.

`course_entries` gathers the data from the glossary version and the course index; every
`render_*` function is a pure function of that data (the HTML page is in `export_html`).
Links are made relative to a `link_base` folder: where the page will be written.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import first_introduction
from glossary_lsp.glossary.model import Term, fold

OTHER_LETTER = "#"  # the section of terms that do not start with a letter A–Z
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# A module line needs an emoji (a symbol) for `glossary-lsp import` to read it back.
FALLBACK_EMOJI = "📄"
# Where the plain text lists a term that no module introduces and no glossary module claims.
UNPLACED = ("📖", "Glossary")


@dataclass(frozen=True, slots=True)
class IntroducedIn:
    """A term's first introduction in the course: a module file and a 1-based position."""

    path: Path
    line: int
    column: int  # in characters (code points), as `check` counts them
    module_id: str
    title: str
    emoji: str

    @property
    def label(self) -> str:
        return f"{self.emoji} {self.title}".strip()


@dataclass(frozen=True, slots=True)
class SeeAlso:
    """A see-also name as the glossary writes it, and the entry it names on the page, if any."""

    name: str
    target: str | None  # the `Term.key` of a listed entry


@dataclass(frozen=True, slots=True)
class ExportEntry:
    term: Term
    introduced_in: IntroducedIn | None
    used_in: tuple[Path, ...]  # the modules using the term, in course order
    see_also: tuple[SeeAlso, ...] = ()
    home_title: str = ""  # the glossary module's title and emoji, when it has a known one
    home_emoji: str = ""

    @property
    def letter(self) -> str:
        return initial_letter(self.term.term)


@dataclass(frozen=True, slots=True)
class ExportPage:
    """Everything the page says: its entries in page order and the course they come from."""

    title: str
    entries: tuple[ExportEntry, ...]
    roots: tuple[Path, ...]
    module_count: int

    def sections(self) -> list[tuple[str, list[ExportEntry]]]:
        """(letter, entries) for each letter that has entries, A–Z then `#`."""
        grouped: dict[str, list[ExportEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.letter, []).append(entry)
        order = (*LETTERS, OTHER_LETTER)
        return [(letter, grouped[letter]) for letter in order if letter in grouped]

    def relative(self, path: Path) -> str:
        """A path relative to the course root holding it (POSIX), else the path as given."""
        for root in self.roots:
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()


# ------------------------------------------------------------------------------------ data


def term_introduction(
    version: GlossaryVersion, index: WorkspaceIndex, term: Term
) -> IntroducedIn | None:
    """Where the course introduces a term: go-to-definition's answer, when it is in a module.

    The one place the page asks; `first_introduction` falls back to the glossary entry, which is
    not a place in the course.
    """
    target = first_introduction(version, index, term)
    if target is None or target.occurrence is None:
        return None
    module = target.occurrence.module
    line, column = target.lines.position(target.start)
    known = glossary_module_of(version.glossary, module)
    title = known.title if known is not None else module.title
    emoji = known.emoji if known is not None else ""
    return IntroducedIn(target.path, line + 1, column + 1, module.id, title, emoji)


def course_entries(
    version: GlossaryVersion,
    index: WorkspaceIndex,
    listed: Collection[str] = (),
    all_terms: bool = False,
) -> list[ExportEntry]:
    """The page's entries in page order: the terms the course's modules use, the terms whose
    keys are `listed` (the course's own glossary), or every term with `all_terms`.

    Needs the index's term sets (`WorkspaceIndex.index_terms` or `record_terms`).
    """
    users: dict[str, list[ModuleFile]] = {}
    for module in index.modules():
        for key in module.terms:
            users.setdefault(key, []).append(module)
    wanted = set(listed)
    terms = [
        term
        for term in version.glossary.terms
        if all_terms or term.key in users or term.key in wanted
    ]
    on_page = {term.key for term in terms}
    entries = []
    for term in terms:
        used = users.get(term.key, [])
        # a term no module uses has no introduction in the course: skip the search for one
        introduced = term_introduction(version, index, term) if used else None
        home = version.glossary.module(term.module)
        entries.append(
            ExportEntry(
                term,
                introduced,
                tuple(module.path for module in used),
                tuple(see_also_links(version, term, on_page)),
                home.title if home is not None else "",
                home.emoji if home is not None else "",
            )
        )
    entries.sort(key=page_order)
    return entries


def see_also_links(
    version: GlossaryVersion, term: Term, on_page: Collection[str]
) -> Iterator[SeeAlso]:
    for name in term.see_also:
        found = version.glossary.lookup(name)
        target = found.key if found is not None and found.key in on_page else None
        yield SeeAlso(name, target)


def initial_letter(name: str) -> str:
    """The section of a term: its first letter without accents (`Émile` → `E`), else `#`."""
    for char in unicodedata.normalize("NFKD", name):
        upper = char.upper()
        if upper in LETTERS:
            return upper
        if char.isalnum():
            break
    return OTHER_LETTER


def page_order(entry: ExportEntry) -> tuple[int, str, str]:
    letter = entry.letter
    rank = LETTERS.index(letter) if letter in LETTERS else len(LETTERS)
    return rank, fold(entry.term.term), entry.term.term


def one_line(text: str) -> str:
    return " ".join(text.split())


def relative_href(path: Path, link_base: Path) -> str:
    """A URL path from the folder `link_base` to `path`, percent-encoded."""
    relative = PurePosixPath(Path(os.path.relpath(path, link_base)).as_posix())
    return quote(str(relative), safe="/")


def anchor_ids(entries: Iterable[ExportEntry]) -> dict[str, str]:
    """A unique, readable element id per entry (by term key): `term-fsdp`, `term-kv-cache`."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for entry in entries:
        base = "term-" + (re.sub(r"[^\w]+", "-", entry.term.key).strip("-") or "x")
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        ids[entry.term.key] = candidate
    return ids


def used_in_text(count: int) -> str:
    if count == 0:
        return "not used in any module"
    return f"used in {count} module" + ("" if count == 1 else "s")


def empty_page_text(page: ExportPage) -> str:
    modules = f"{page.module_count} module" + ("" if page.module_count == 1 else "s")
    return f"No glossary term is used in this course's {modules}."


def introduction_text(page: ExportPage) -> str:
    terms = f"{len(page.entries)} term" + ("" if len(page.entries) == 1 else "s")
    modules = f"{page.module_count} module" + ("" if page.module_count == 1 else "s")
    return (
        f"{terms} from the course glossary, with where each is first introduced in the "
        f"course's {modules}."
    )


# ------------------------------------------------------------------------------ plain text


def render_txt(page: ExportPage) -> str:
    """The seed page's plain-text layout, which `glossary-lsp import` reads back.

    Page chrome, then per letter a heading line, and per term a term line and a module line
    `EMOJI Module Title →snippet` (the snippet: expansion and definition on one line).
    """
    lines = [page.title, introduction_text(page) if page.entries else empty_page_text(page)]
    sections = page.sections()
    last_letter = ""
    for letter, entries in sections:
        if letter in LETTERS:
            lines.append(letter)
            last_letter = letter
        elif not last_letter:
            # only a letter heading starts the terms for the importer; these have no letter
            lines.append("A")
        for entry in entries:
            emoji, title = txt_module(entry)
            lines.append(one_line(entry.term.term))
            lines.append(f"{emoji} {title} →{txt_snippet(entry)}")
    return "\n".join(lines) + "\n"


def txt_module(entry: ExportEntry) -> tuple[str, str]:
    """(emoji, title) of the module a term is listed under: its introduction, else its
    glossary module, else `UNPLACED`."""
    if entry.introduced_in is not None:
        emoji, title = entry.introduced_in.emoji, entry.introduced_in.title
    elif entry.home_title:
        emoji, title = entry.home_emoji, entry.home_title
    else:
        emoji, title = UNPLACED
    emoji = emoji if emoji and unicodedata.category(emoji[0]) == "So" else FALLBACK_EMOJI
    return emoji, one_line(title).replace("→", "->")


def txt_snippet(entry: ExportEntry) -> str:
    term = entry.term
    parts = [one_line(term.expansion), one_line(term.definition)]
    return ": ".join(part for part in parts if part)


# -------------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#!~])")


def md_text(text: str) -> str:
    """Glossary text as literal Markdown: markup characters escaped, HTML made entities."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_md(page: ExportPage, link_base: Path) -> str:
    """A Markdown page (mkdocs, Jupyter Book, mdBook): a heading per letter, a table per letter,
    links relative to `link_base`. Tables because all three render them without extensions."""
    out = [f"# {md_text(page.title)}", ""]
    if not page.entries:
        return "\n".join([*out, empty_page_text(page), ""])
    sections = page.sections()
    out += [introduction_text(page), ""]
    out += [" · ".join(f"[{letter}](#{md_heading_anchor(letter)})" for letter, _ in sections), ""]
    ids = anchor_ids(page.entries)
    for letter, entries in sections:
        out += [f"## {md_letter_heading(letter)}", ""]
        out += ["| Term | Definition | Introduced in |", "|---|---|---|"]
        out += [md_row(entry, ids, link_base) for entry in entries]
        out.append("")
    return "\n".join(out)


def md_letter_heading(letter: str) -> str:
    return letter if letter in LETTERS else "Other"


def md_heading_anchor(letter: str) -> str:
    return md_letter_heading(letter).lower()


def md_row(entry: ExportEntry, ids: dict[str, str], link_base: Path) -> str:
    term = entry.term
    name = f'<a id="{ids[term.key]}"></a>**{md_text(term.term)}**'
    if term.expansion:
        name += f" ({md_text(term.expansion)})"
    details = [md_text(term.definition)] if term.definition else []
    if term.aliases:
        details.append("Also: " + ", ".join(md_text(alias) for alias in term.aliases))
    if entry.see_also:
        links = [
            f"[{md_text(item.name)}](#{ids[item.target]})" if item.target else md_text(item.name)
            for item in entry.see_also
        ]
        details.append("See also: " + ", ".join(links))
    where = "—"
    if entry.introduced_in is not None:
        href = relative_href(entry.introduced_in.path, link_base)
        where = f"[{md_text(entry.introduced_in.label)}]({href})"
    where += f" ({used_in_text(len(entry.used_in))})"
    return f"| {name} | {' <br> '.join(details) or '—'} | {where} |"


# ------------------------------------------------------------------------------------ JSON


def render_json(page: ExportPage) -> str:
    """`{"terms": [...]}`: paths relative to the course root, 1-based line and column."""
    document = {"terms": [json_entry(page, entry) for entry in page.entries]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def json_entry(page: ExportPage, entry: ExportEntry) -> dict[str, Any]:
    term = entry.term
    introduced = entry.introduced_in
    return {
        "term": term.term,
        "expansion": term.expansion or None,
        "definition": term.definition or None,
        "module": term.module,
        "aliases": list(term.aliases),
        "see_also": list(term.see_also),
        "introduced_in": None
        if introduced is None
        else {
            "path": page.relative(introduced.path),
            "line": introduced.line,
            "column": introduced.column,
            "module": introduced.module_id,
        },
        "used_in": [page.relative(path) for path in entry.used_in],
    }

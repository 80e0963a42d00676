"""The seed glossary page's plain-text format → schema-v1 glossary YAML.

The page (`glossary-data.txt`) is a lossy text dump of the course's glossary page:

- page chrome (everything before the first letter heading);
- letter headings: a line that is a single capital letter;
- term lines, each followed by a module line `EMOJI Title →snippet`;
- orphan snippet lines whose term line and module line were lost.

Orphan snippets are attributed best-effort: a snippet equal to a module's subtitle goes to that
module; a leading `ACRONYM (Expansion)` or an acronym starting with the section's letter names an
inferred term; anything else is kept under `unattributed`. No line is dropped. The result is a
starting point for hand curation, not a finished glossary: it has no definitions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from glossary_lsp.glossary.model import SCHEMA_VERSION, fold

CHROME = "chrome"
HEADING = "heading"
TERM = "term"
MODULE = "module"
SNIPPET = "snippet"

_MODULE_LINE = re.compile(r"^(?P<emoji>\S+)\s+(?P<title>[^→]+?)\s*→(?P<snippet>.*)$")
_MODULE_SLUG = re.compile(r"(?<!\S)/module/[a-z0-9][a-z0-9-]*")
_UTILITY_CLASS = re.compile(
    r"^(?:[a-z]+:)*(?:"
    r"(?:text|bg|border|rounded|underline|decoration|font|leading|tracking|shadow|ring|opacity"
    r"|items|justify|gap|space|flex|grid|inline|block|overflow|min|max|w|h|z"
    r"|p[xytblrse]?|m[xytblrse]?)(?:-[A-Za-z0-9./\[\]#%]+)+"
    r"|underline|border|rounded|flex|grid|block|hidden|inline|italic|truncate|shadow|relative"
    r")$"
)
_LEADING_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}\s+(?=[A-Z])")
_LOST_APOSTROPHE = re.compile(r"\b([A-Za-z][\w.-]*) s\b")
_LEADING_ACRONYM_EXPANSION = re.compile(
    r"^(?P<term>[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\s*\((?P<expansion>[^)]+)\)"
)
_ACRONYM_TOKEN = re.compile(
    r"(?<![\w@-])[A-Z][A-Za-z0-9·]*[A-Z][A-Za-z0-9·]*(?:-[A-Z0-9]+)?(?![\w@])"
)
_TRAILING_YEAR = re.compile(r",\s*(?:19|20)\d\d$")
_SUBTITLE_MAX_LENGTH = 100
_SENTENCE_END = (".", "!", ":", ";", "…", "...")


class SeedImportError(Exception):
    """The seed file cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class SeedLine:
    """One classified line of the seed page (1-based `number`, text without the newline)."""

    number: int
    kind: str
    text: str
    letter: str = ""
    emoji: str = ""
    title: str = ""
    snippet: str = ""


@dataclass(slots=True)
class _DraftTerm:
    term: str
    expansion: str = ""
    module: str | None = None
    contexts: list[str] = field(default_factory=list)
    inferred: bool = False

    def add_context(self, text: str) -> None:
        if text and text not in self.contexts:
            self.contexts.append(text)


def clean_snippet(text: str) -> str:
    """The snippet without page debris: CSS utility-class runs, module slugs, leading ids."""
    text = _MODULE_SLUG.sub(" ", text)
    text = _drop_utility_class_runs(text)
    text = _LEADING_ID.sub("", text.strip())
    text = _LOST_APOSTROPHE.sub(r"\1's", text)
    return " ".join(text.split())


def _drop_utility_class_runs(text: str) -> str:
    """Drop runs of two or more CSS utility classes (at least one hyphenated) from the text."""
    tokens = text.split()
    kept: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and _UTILITY_CLASS.match(token):
            run.append(token)
            continue
        if len(run) < 2 or not any("-" in item for item in run):
            kept.extend(run)
        run = []
        if token:
            kept.append(token)
    return " ".join(kept)


def module_id(title: str) -> str:
    """The stable kebab-case id of a module title: `Fine-tuning & LoRA` → `fine-tuning-lora`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))


def is_letter_heading(line: str) -> bool:
    return len(line) == 1 and "A" <= line <= "Z"


def parse_module_line(line: str) -> tuple[str, str, str] | None:
    """`(emoji, title, snippet)` of a module line `EMOJI Title →snippet`, else None."""
    found = _MODULE_LINE.match(line)
    if not found or unicodedata.category(line[0]) != "So":
        return None
    return found["emoji"], found["title"].strip(), found["snippet"].strip()


def classify_lines(lines: Sequence[str]) -> list[SeedLine]:
    """Every line of the seed page, classified; blank lines are left out."""
    classified: list[SeedLine] = []
    letter = ""
    stripped = [line.strip() for line in lines]
    for index, text in enumerate(stripped):
        if not text:
            continue
        number = index + 1
        if is_letter_heading(text):
            letter = text
            classified.append(SeedLine(number, HEADING, text, letter))
        elif not letter:
            classified.append(SeedLine(number, CHROME, text))
        elif (module := parse_module_line(text)) is not None:
            emoji, title, snippet = module
            classified.append(SeedLine(number, MODULE, text, letter, emoji, title, snippet))
        elif _next_is_module_line(stripped, index) or _looks_like_term(text):
            classified.append(SeedLine(number, TERM, text, letter))
        else:
            classified.append(SeedLine(number, SNIPPET, text, letter, snippet=text))
    return classified


def _next_is_module_line(lines: Sequence[str], index: int) -> bool:
    following = next((line for line in lines[index + 1 :] if line), "")
    return parse_module_line(following) is not None


def _looks_like_term(text: str) -> bool:
    return len(text) <= 40 and " " not in text and not text.endswith(_SENTENCE_END)


def looks_like_subtitle(text: str) -> bool:
    """A module subtitle is a short phrase that does not end like a sentence."""
    return (
        len(text) <= _SUBTITLE_MAX_LENGTH
        and text[:1].isupper()
        and not text.endswith(_SENTENCE_END)
    )


def infer_term(snippet: str, letter: str) -> tuple[str, str] | None:
    """`(term, expansion)` an orphan snippet in section `letter` is probably about, or None."""
    leading = _LEADING_ACRONYM_EXPANSION.match(snippet)
    if leading and leading["term"].startswith(letter):
        return leading["term"], _TRAILING_YEAR.sub("", leading["expansion"].strip())
    for token in _ACRONYM_TOKEN.findall(snippet):
        if token.startswith(letter):
            return token, ""
    return None


class _Draft:
    """The glossary being built from the seed, in seed order."""

    def __init__(self) -> None:
        self.modules: dict[str, dict[str, Any]] = {}
        self.terms: dict[str, _DraftTerm] = {}
        self.unattributed: list[dict[str, str]] = []

    def module(self, emoji: str, title: str) -> str:
        identifier = module_id(title)
        self.modules.setdefault(identifier, {"id": identifier, "title": title, "emoji": emoji})
        return identifier

    def term(self, name: str) -> _DraftTerm:
        key = fold(name)
        if key not in self.terms:
            self.terms[key] = _DraftTerm(name)
        return self.terms[key]

    def subtitle_owner(self, text: str) -> str | None:
        return next((m["id"] for m in self.modules.values() if m.get("subtitle") == text), None)


def import_seed_text(text: str) -> dict[str, Any]:
    """The schema-v1 glossary document (plain data, ready for YAML) built from the seed's text."""
    lines = classify_lines(text.splitlines())
    draft = _Draft()
    _collect_module_subtitles(lines, draft)
    _collect_term_entries(lines, draft)
    _attribute_orphans(lines, draft)
    return _document(draft)


def _collect_module_subtitles(lines: Sequence[SeedLine], draft: _Draft) -> None:
    """Module lines whose snippet is a subtitle-like phrase reveal that module's subtitle.

    A subtitle is plain page text: a snippet that needed debris removed is module content.
    """
    for line in lines:
        if line.kind != MODULE:
            continue
        identifier = draft.module(line.emoji, line.title)
        snippet = clean_snippet(line.snippet)
        module = draft.modules[identifier]
        had_debris = snippet != " ".join(line.snippet.split())
        if looks_like_subtitle(snippet) and not had_debris and "subtitle" not in module:
            module["subtitle"] = snippet


def _collect_term_entries(lines: Sequence[SeedLine], draft: _Draft) -> None:
    for position, line in enumerate(lines):
        if line.kind != TERM:
            continue
        term = draft.term(line.text)
        following = lines[position + 1] if position + 1 < len(lines) else None
        if following is None or following.kind != MODULE:
            continue
        term.module = module_id(following.title)
        snippet = clean_snippet(following.snippet)
        if draft.modules[term.module].get("subtitle") != snippet:
            term.add_context(snippet)


def _attribute_orphans(lines: Sequence[SeedLine], draft: _Draft) -> None:
    for line in lines:
        if line.kind != SNIPPET:
            continue
        snippet = clean_snippet(line.snippet)
        if draft.subtitle_owner(snippet) is not None:
            continue
        inferred = None if looks_like_subtitle(snippet) else infer_term(snippet, line.letter)
        if inferred is None:
            entry = {"letter": line.letter, "text": snippet}
            if entry not in draft.unattributed:
                draft.unattributed.append(entry)
            continue
        name, expansion = inferred
        is_new = fold(name) not in draft.terms
        term = draft.term(name)
        if is_new:
            term.inferred = True
        if expansion and not term.expansion:
            term.expansion = expansion
        term.add_context(snippet)


def _document(draft: _Draft) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "modules": list(draft.modules.values()),
        "terms": [_term_entry(term) for term in draft.terms.values()],
        "unattributed": draft.unattributed,
    }


def _term_entry(term: _DraftTerm) -> dict[str, Any]:
    entry: dict[str, Any] = {"term": term.term}
    if term.expansion:
        entry["expansion"] = term.expansion
    if term.module:
        entry["module"] = term.module
    if len(term.contexts) == 1:
        entry["context"] = term.contexts[0]
    elif term.contexts:
        entry["context"] = list(term.contexts)
    if term.inferred:
        entry["inferred"] = True
    return entry


def dump_glossary_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def read_seed_file(path: str) -> str:
    """The seed file's text; `SeedImportError` (naming the file) when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise SeedImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SeedImportError(f"{path}: is a directory, not a seed file") from None
    except UnicodeDecodeError as error:
        raise SeedImportError(f"{path}: not valid UTF-8 (byte {error.start})") from None
    except OSError as error:
        raise SeedImportError(f"{path}: cannot read: {error.strerror}") from None


def import_seed_file(path: str) -> str:
    """The schema-v1 YAML text for the seed file at `path`."""
    return dump_glossary_yaml(import_seed_text(read_seed_file(path)))

"""Quick fixes for the course diagnostics, as plain text changes.

- nonCanonicalSpelling: write the glossary's spelling.
- acronymNotExpanded: insert " (Expansion)" after the acronym.
- unknownAcronym: add a schema-v1 entry to the workspace folder's `glossary.yaml` (created with
  `version: 1` and `terms:` when absent), or add the word to the folder's `.glossary-ignore`
  (created when absent), a plain list of words, one per line, `#` starts a comment.

Edits to YAML are made in the text: the entry is inserted at the end of the top-level `terms:`
block, in the file's own indentation and line endings, and every other byte is kept. Nothing
here writes a file; the server sends the changes to the editor as a `WorkspaceEdit`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary_lsp.features.diagnostics import UNKNOWN_ACRONYM, Finding
from glossary_lsp.text.positions import LineIndex

WORKSPACE_GLOSSARY = "glossary.yaml"
IGNORE_FILE = ".glossary-ignore"
IGNORE_COMMAND = "glossaryLsp.ignoreWord"
NEW_GLOSSARY = "version: 1\nterms:\n"

_TERMS_KEY = re.compile(r"^terms[ \t]*:(?P<rest>[^\r\n]*?)[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
_ITEM = re.compile(r"^([ \t]*)-(?:[ \t]|$)")
_YAML_SPECIAL = re.compile(
    r"^(?:y|n|yes|no|true|false|on|off|null|~|[-+]?(?:\.?\d[\d_.:eE+-]*|\.inf|\.nan))$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^[A-Za-z][\w .()/+&-]*$")


@dataclass(frozen=True, slots=True)
class TextChange:
    """Replace `start:end` (source offsets of `lines.text`) of a file with `new_text`.

    `path` None means the document the fix was asked for.
    """

    path: Path | None
    lines: LineIndex
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class QuickFix:
    title: str
    finding: Finding
    changes: list[TextChange]
    create: Path | None = None  # a file to create before applying `changes`
    command: tuple[str, list] | None = None  # run after the edit: (command, arguments)
    preferred: bool = False
    kind: str = field(default="quickfix")


def overlapping(findings: Sequence[Finding], start: int, end: int) -> list[Finding]:
    """The findings touching the source span `start:end` (a cursor touches its neighbours)."""
    return [f for f in findings if f.start <= end and start <= f.end]


def quick_fixes(
    findings: Sequence[Finding],
    lines: LineIndex,
    root: Path | None = None,
    glossary_text: str | None = None,
    ignore_text: str | None = None,
    module_id: str | None = None,
) -> list[QuickFix]:
    """The fixes of `findings` of one document (`lines` is its text).

    `root` is the workspace folder of the document; without it, unknown acronyms get no fix.
    `glossary_text` and `ignore_text` are the current texts of its `glossary.yaml` and
    `.glossary-ignore` (None when the file does not exist). `module_id` goes into a new glossary
    entry; pass it only when the glossary declares that module (the loader checks module ids).
    """
    fixes: list[QuickFix] = []
    for finding in findings:
        # by the fix a finding carries, not by its rule: one finding per place carries the fixes
        # of the findings it stands for
        if "replacement" in finding.data:
            fixes.append(_replace_spelling(finding, lines))
        if "insert" in finding.data:
            fixes.append(_insert_expansion(finding, lines))
        if finding.rule == UNKNOWN_ACRONYM and root is not None and "acronym" in finding.data:
            word = finding.data["acronym"]
            entry = glossary_entry_change(
                root / WORKSPACE_GLOSSARY,
                glossary_text,
                word,
                module_id=module_id,
                context=finding.data.get("context") or None,
            )
            if entry is not None:
                change, create = entry
                fixes.append(
                    QuickFix(f"Add '{word}' to the workspace glossary", finding, [change], create)
                )
            change, create = ignore_change(root / IGNORE_FILE, ignore_text, word)
            fixes.append(
                QuickFix(
                    f"Ignore '{word}' in this workspace ({IGNORE_FILE})",
                    finding,
                    [change],
                    create,
                    command=(IGNORE_COMMAND, [word]),
                )
            )
    return fixes


def _replace_spelling(finding: Finding, lines: LineIndex) -> QuickFix:
    replacement = finding.data["replacement"]
    change = TextChange(None, lines, finding.start, finding.end, replacement)
    return QuickFix(f"Write '{replacement}'", finding, [change], preferred=True)


def _insert_expansion(finding: Finding, lines: LineIndex) -> QuickFix:
    insert = finding.data["insert"]
    at = int(finding.data.get("insertAt", finding.end))
    change = TextChange(None, lines, at, at, insert)
    surface = lines.text[finding.start : finding.end]
    return QuickFix(f"Expand: {surface}{insert}", finding, [change], preferred=True)


# ------------------------------------------------------------------------------ glossary.yaml


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when that is unambiguous, else double-quoted.

    JSON strings are valid YAML double-quoted scalars, escapes included.
    """
    if _PLAIN.match(value) and not _YAML_SPECIAL.match(value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def term_entry_lines(
    term: str,
    module_id: str | None = None,
    context: str | None = None,
    inferred: bool = True,
    expansion: str | None = None,
) -> list[str]:
    """A schema-v1 term entry as YAML lines, without indentation: `- term: …` first."""
    entry = [f"- term: {yaml_scalar(term)}"]
    if expansion:
        entry.append(f"  expansion: {yaml_scalar(expansion)}")
    if module_id:
        entry.append(f"  module: {yaml_scalar(module_id)}")
    if context:
        entry.append(f"  context: {yaml_scalar(context)}")
    if inferred:
        entry.append("  inferred: true")
    return entry


def glossary_entry_change(
    path: Path,
    text: str | None,
    term: str,
    module_id: str | None = None,
    context: str | None = None,
) -> tuple[TextChange, Path | None] | None:
    """The change adding a term entry to the glossary at `path`, and the file to create first.

    None when the file's `terms` is something this cannot extend without rewriting it (a
    non-empty flow list such as `terms: [{term: A}]`).
    """
    entry = term_entry_lines(term, module_id, context)
    if text is None:
        new_text = NEW_GLOSSARY + "".join(f"  {line}\n" for line in entry)
        return TextChange(path, LineIndex(""), 0, 0, new_text), path
    lines = LineIndex(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    key = _TERMS_KEY.search(text)
    if key is None:
        prefix = "" if not text or text.endswith(("\n", "\r")) else newline
        block = newline.join(["terms:", *(f"  {line}" for line in entry)]) + newline
        return TextChange(path, lines, len(text), len(text), prefix + block), None
    rest = key.group("rest").strip()
    if rest == "[]":
        start, end = key.start("rest"), key.end("rest")
        new_text = "".join(newline + "  " + line for line in entry)
        return TextChange(path, lines, start, end, new_text), None
    if rest:
        return None
    indent, insert_at = _terms_block_end(lines, lines.line_of(key.start()))
    new_text = "".join(newline + indent + line for line in entry)
    return TextChange(path, lines, insert_at, insert_at, new_text), None


def _terms_block_end(lines: LineIndex, key_line: int) -> tuple[str, int]:
    """(item indentation, offset at the end of the block's last content line)."""
    indent: str | None = None
    last_content = key_line
    for number in range(key_line + 1, lines.line_count):
        line = lines.line(number)
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key, or a document marker
        if indent is None:
            item = _ITEM.match(line)
            if item is not None:
                indent = item.group(1)
        last_content = number
    end_of_line = lines.line_start(last_content) + len(lines.line(last_content))
    return (indent if indent is not None else "  "), end_of_line


# --------------------------------------------------------------------------- .glossary-ignore


def parse_ignore_file(text: str) -> list[str]:
    """The words of a `.glossary-ignore`: one or more per line, `#` starts a comment."""
    words: list[str] = []
    for line in text.splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def ignore_change(path: Path, text: str | None, word: str) -> tuple[TextChange, Path | None]:
    """The change appending `word` to the ignore file at `path`, and the file to create first."""
    if text is None:
        header = "# Words glossary-lsp does not report as unknown acronyms, one per line.\n"
        return TextChange(path, LineIndex(""), 0, 0, f"{header}{word}\n"), path
    newline = "\r\n" if "\r\n" in text else "\n"
    prefix = "" if not text or text.endswith(("\n", "\r")) else newline
    return TextChange(path, LineIndex(text), len(text), len(text), f"{prefix}{word}{newline}"), None

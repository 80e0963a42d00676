"""Whether an occurrence of a term is written as its introduction: with its expansion, or defined.

Recognised around a match of `TTFT` (expansion "time to first token"), compared with case, markup,
hyphens and line breaks ignored:

- `**TTFT** (time to first token)`, `[BPE] (byte pair encoding)`, `TTFT (Time-to-first token)`
- `TTFT: Time to First Token`, `TTFT - time to first token`, `TTFT — time to …`, `TTFT = …`
- `Time to First Token (TTFT)`, the expansion wrapped across a line break; its head noun
  written after the parenthesis in words of the writer's own (`feed-forward (FFN) layers`)
- `TTFT is short for …`, `stands for`, `is an abbreviation of/for`, `refers to`, `is defined as`;
  named by the sentence before it: `this is called TTFT`, `known as`, `referred to as`
- a definition list (`TTFT` alone on its line, the next line starting with `: `)
- a glossary table row (`| TTFT | Time to first token |`: the term is a body row's first cell,
  and the row spells out its expansion or the header is `| Term | Definition |`)
- a term at the start of a line followed by `:` or ` - ` and its definition (for a term with an
  expansion, one that spells it out or opens with an article)

Never in a block quote that quotes someone (a testimonial is not the course's own words), nor in
a list item that opens with a link to another lesson or page (it says what is taught there).

`opens_heading` tells an occurrence that is a section about the term (it opens the module's
title, or is a heading's whole text): where no occurrence is an introduction, that section is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from glossary_lsp.glossary.model import Term

_NON_ALNUM = re.compile(r"[\W_]+")
_MARKUP_AFTER = re.compile(r"(?:\]\([^)\s]*\)|[*_`\]])*")
_MARKUP_BEFORE = "*_`["
_OPEN_PARENTHESIS = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?\(")
_EXPANSION_WORD = re.compile(r"[^\W_]+")
_NOUN_AFTER = re.compile(r"[ \t]+[^\W\d_]{3,}")
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")
_SEPARATOR = re.compile(r"[ \t]*(?::|[-–—=][ \t]|,[ \t]*(?:or|i\.e\.)[ \t])[ \t]*")
_PHRASE = re.compile(
    r"[ \t]*,?[ \t]+(?:is|are)?[ \t]*(?:short|shorthand)[ \t]+for\b"
    r"|[ \t]+(?:stands|stand)[ \t]+for\b"
    r"|[ \t]+(?:is|are)[ \t]+(?:an?[ \t]+)?(?:abbreviation|acronym)[ \t]+(?:of|for)\b"
    r"|[ \t]+(?:refers|refer)[ \t]+to\b"
    r"|[ \t]+(?:is|are)[ \t]+defined[ \t]+as\b",
    re.IGNORECASE,
)
_NAMED_BEFORE = re.compile(
    r"\b(?:(?:is|are|was|were)[ \t]+(?:(?:also|often|commonly|sometimes|usually)[ \t]+)?"
    r"(?:called|named|termed)|known[ \t]+as|referred[ \t]+to[ \t]+as)[ \t]+[\"“']?$",
    re.IGNORECASE,
)
_LESSON_LINK_ITEM = re.compile(
    r"[ \t]*(?:>[ \t]*)*(?:[-*+]|\d+[.)])[ \t]+[*_]*\[[^\]\n]*\]\([ \t]*<?([^)\s>]+)"
)
_QUOTED_LINE = re.compile(r"[ ]{0,3}>")
_QUOTE_MARKS = ('"', "“", "„", "«", "”")
_ATTRIBUTION = re.compile(r"(?:—|–|--|~)[ \t]*\w")
_MAX_QUOTE_LINES = 40
_MAX_QUOTE_CHARS = 8000
_LINE_OPENING = re.compile(r"[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+|#{1,6}[ \t]+|>[ \t]*)*")
_LINE_START_REACH = 200
_DEFINITION_LIST_NEXT = re.compile(r"\r?\n[ \t]*:[ \t]+\S")
_MIN_DEFINITION_WORDS = 3
_SMALL_WORDS = frozenset(("of", "for", "and", "the", "to", "in", "on", "a", "an", "with"))
_MAX_ACRONYM_LETTERS = 8
_PROSE_WORD = re.compile(r"\b[a-z]{3,}\b")
_ARTICLE = re.compile(r"(?:an?|the|one)\s", re.IGNORECASE)
_HEADING_LINE = re.compile(r"[ ]{0,3}#{1,6}[ \t]")
_NUMBERING = re.compile(r"\d+(?:\.\d+)*[.)]?")
_ABOUT_PREFIX = re.compile(
    r"^[ \t*_]*(?:what[ \t]+(?:is|are)|introduction[ \t]+to|intro[ \t]+to|understanding)"
    r"[ \t]+(?:(?:an?|the)[ \t]+)?[*_`]*$",
    re.IGNORECASE,
)
_ANCHOR = re.compile(r"\[\[[^\]]*\]\]|\{#[^}]*\}|[#*_`\s]+$")
_FIRST_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]", re.M)
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$")
_TABLE_ROW = re.compile(r"[ \t]*\|")
_MAX_TABLE_ROWS = 500
_TERM_HEADERS = frozenset(
    ("term", "terms", "acronym", "acronyms", "abbreviation", "abbreviations", "concept", "word")
)
_DEFINITION_HEADERS = frozenset(
    ("definition", "definitions", "meaning", "expansion", "description", "explanation")
    + ("standsfor", "fullform", "fullname", "whatitmeans", "whatitis")
)


def squash(text: str) -> str:
    """Case, spacing, hyphens and markup removed: `Time-to-First\nToken` → `timetofirsttoken`."""
    return _NON_ALNUM.sub("", text.casefold())


# a term's expansion, squashed: asked up to four times for every match of a module
_squashed_expansion = lru_cache(maxsize=4096)(squash)


def defines(text: str, start: int, end: int, term: Term) -> bool:
    """Whether `text[start:end]`, an occurrence of `term`, is written with its expansion or
    defined there."""
    if _nothing_defines_here(text, start, end):
        return False  # the commonest place, inside a sentence: no way of defining reads there
    return _read_as_defined(text, start, end, term)


def _read_as_defined(text: str, start: int, end: int, term: Term) -> bool:
    """`defines`, every way of defining read."""
    after, before = _after_markup(text, end), _before_markup(text, start)
    # what rules a definition out is asked last: it is seldom written like one
    return _written_as_defined(text, start, end, before, after, term) and not (
        _in_quotation(text, before) or describes_linked_lesson(text, before)
    )


def _written_as_defined(
    text: str, start: int, end: int, before: int, after: int, term: Term
) -> bool:
    expansion = _squashed_expansion(term.expansion or "")
    if expansion and _written_with(text, before, end, after, term.expansion):
        return True
    if _PHRASE.match(text, after) or _named_here(text, before):
        return True
    if _at_line_start(text, before) and _definition_follows(
        text, after, expansion, text[start:end]
    ):
        return True
    return _in_glossary_table_row(text, before, after, expansion)


# What `_written_as_defined` and `written_with_expansion` read right after an occurrence:
# markup (`_after_markup`), blanks, a line break, `(`, a separator, a comma
_READ_AFTER = frozenset(" \t\r\n,:-–—=(*_`]")
# the first word after an occurrence's blank (and comma) that `_PHRASE` or `_SEPARATOR` may
# read on from, in lower case
_PHRASE_OPENERS = frozenset(
    ("is", "are", "short", "shorthand", "stand", "stands", "refer", "refers")
    + ("isshort", "isshorthand", "areshort", "areshorthand")
)
_ASCII_WORD = re.compile(r"[A-Za-z]*")
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The first one or two ASCII letters of no word of `_PHRASE_OPENERS` (in any case:
# `re.IGNORECASE` matches an ASCII letter only to itself and its other case), and of no word a
# comma reads on from (`or`, `i.e.`) either: a word that starts so opens none, whatever follows
_OPENS_NO_WORD = frozenset(
    start
    for start in (*_ASCII_LETTERS, *(a + b for a in _ASCII_LETTERS for b in _ASCII_LETTERS))
    if not any(opener.startswith(start.lower()) for opener in _PHRASE_OPENERS)
)
_OPENS_NO_COMMA_WORD = frozenset(
    start for start in _OPENS_NO_WORD if start[0] not in "oOiI" or len(start) == 2
) - frozenset(("or", "oR", "Or", "OR"))
# ASCII letters a word ending in `ed` or `as` does not end with (no other character matches
# `d` or `s` but `ſ`, which is not ASCII)
_ENDS_NEITHER = frozenset("abcefghijklmnopqrtuvwxyzABCEFGHIJKLMNOPQRTUVWXYZ")


def _nothing_defines_here(text: str, start: int, end: int) -> bool:
    """True when no way of `_written_as_defined` can hold at an occurrence, the commonest place,
    inside a sentence. False: ask them. (A look at a few characters standing in front of the
    regexes.)

    Before it: a letter, or one blank after a word that does not end in `ed` or `as` (`called`,
    `known as`), rules out `_spelled_out_before`, `_named_here`, `_at_line_start` and
    `_in_glossary_table_row`. After it: a character `_spelled_out_after` and `_PHRASE` never
    open with, or one blank (after maybe a comma) and an ASCII word neither reads on from."""
    if start < 3:
        return False
    char = text[start - 1]
    if not char.isalpha():
        if char != " ":
            return False
        last = text[start - 2]
        if last not in _ENDS_NEITHER:  # else the word ends in neither `ed` nor `as`
            if not last.isalpha():
                return False
            ending = text[start - 3 : start - 1]
            if not ending.isascii() or ending.lower() in ("ed", "as"):
                return False
    if end >= len(text):
        return True
    char = text[end]
    if char not in _READ_AFTER:
        return True
    after = end + 1 if char == "," else end
    if not text.startswith(" ", after):
        return False
    opens_none = _OPENS_NO_COMMA_WORD if char == "," else _OPENS_NO_WORD
    if text[after + 1 : after + 3] in opens_none or text[after + 1 : after + 2] in opens_none:
        return True  # the word's first letters open none (whatever follows them: `ſ`)
    word = _ASCII_WORD.match(text, after + 1).group()  # type: ignore[union-attr]
    follows = after + 1 + len(word)
    if not word or (follows < len(text) and not text[follows].isascii()):
        return False  # `_PHRASE` ignores case: `ſ` is an `s` to it
    lowered = word.lower()
    return lowered not in _PHRASE_OPENERS and (char != "," or lowered not in ("or", "i"))


def _at_line_start(text: str, before: int) -> bool:
    """Whether only a line's markers (list item, heading, quote) come before `before` on its
    line, which starts at most 200 characters before it."""
    low = max(0, before - _LINE_START_REACH)
    newline = text.rfind("\n", low, before)
    if newline < 0 and low > 0:
        return False
    return _LINE_OPENING.fullmatch(text, newline + 1, before) is not None


def written_with_expansion(text: str, start: int, end: int, expansion: str) -> bool:
    """Whether `text[start:end]`, an acronym's occurrence, is written with its expansion right
    next to it: "ACR (Expansion)", "ACR: Expansion", "ACR - Expansion", "Expansion (ACR)" (the
    forms of this module's docstring; markup, case, hyphens and line breaks ignored). The one
    meaning of "written with its expansion" for the introduction and `acronymNotExpanded`."""
    if _no_expansion_here(text, start, end):
        return False  # the commonest place: nothing next to it opens an expansion
    return _read_with_expansion(text, start, end, expansion)


def _read_with_expansion(text: str, start: int, end: int, expansion: str) -> bool:
    """`written_with_expansion`, both sides read."""
    if not _squashed_expansion(expansion):
        return False
    after, before = _after_markup(text, end), _before_markup(text, start)
    return _written_with(text, before, end, after, expansion)


def _no_expansion_here(text: str, start: int, end: int) -> bool:
    """True when `_written_with` cannot hold at an occurrence. False: ask it.

    After it: none of the characters `_spelled_out_after` opens with, or one blank and a letter
    or digit, or a comma, one blank and a letter or digit but for `or` and `i.e.`. Before it
    (`_spelled_out_before`): neither markup nor `(`, right before it or after one blank."""
    if end < len(text):
        char = text[end]
        if char in _READ_AFTER:
            if char == " ":
                if not text[end + 1 : end + 2].isalnum():
                    return False
            elif char != "," or not (
                text.startswith(" ", end + 1)
                and text[end + 2 : end + 3].isalnum()
                and not text.startswith(("or", "i."), end + 2)
            ):
                return False
    if start == 0:
        return True
    char = text[start - 1]
    if char == " ":
        return start >= 2 and text[start - 2] not in " \t("
    return char not in "*_`[ \t("


def spells_out(squashed: str, expansion: str) -> bool:
    """Whether a squashed text ends with the (squashed) expansion, or its plural."""
    wanted = _squashed_expansion(expansion)
    return bool(wanted) and squashed.endswith((wanted, wanted + "s", wanted + "es"))


def _after_markup(text: str, end: int) -> int:
    markup = _MARKUP_AFTER.match(text, end)
    return markup.end() if markup is not None else end


def _before_markup(text: str, start: int) -> int:
    while start > 0 and text[start - 1] in _MARKUP_BEFORE:
        start -= 1
    return start


def _written_with(text: str, before: int, end: int, after: int, expansion: str) -> bool:
    return _spelled_out_after(text, after, _squashed_expansion(expansion)) or _spelled_out_before(
        text, before, end, expansion
    )


def _spelled_out_after(text: str, after: int, expansion: str) -> bool:
    opening = _OPEN_PARENTHESIS.match(text, after) or _SEPARATOR.match(text, after)
    if opening is None:
        return False
    window = text[opening.end() : opening.end() + 3 * len(expansion) + 40]
    return squash(window).startswith(expansion)


def _spelled_out_before(text: str, before: int, end: int, expansion: str) -> bool:
    """`Time to First Token (TTFT)`: the occurrence in parentheses after its expansion."""
    opening = before
    while opening > 0 and text[opening - 1] in " \t":
        opening -= 1
    if opening == 0 or text[opening - 1] != "(":
        return False
    closing = end
    while closing < len(text) and text[closing] in "*_` \t":
        closing += 1
    if closing >= len(text) or text[closing] not in "),;":
        return False
    reach = 3 * len(_squashed_expansion(expansion)) + 40
    window = text[max(0, opening - 1 - reach - 200) : opening - 1]
    window = _LINK_TARGET.sub("", window)  # `[Multi-Query Attention](https://…) (MQA)`
    squashed = squash(window[-reach:])
    return spells_out(squashed, expansion) or _head_noun_after(text, end, squashed, expansion)


def _head_noun_after(text: str, end: int, squashed: str, expansion: str) -> bool:
    """`feed-forward (FFN) layers` for "Feed-Forward Network": the expansion's words but its
    head noun before the parenthesis, a noun of the writer's own after it."""
    words = _EXPANSION_WORD.findall(expansion)
    if len(words) < 3 or not _NOUN_AFTER.match(text, text.find(")", end) + 1):
        return False
    return squashed.endswith(squash("".join(words[:-1])))


def _in_quotation(text: str, before: int) -> bool:
    """Whether a place is inside a block quote that quotes someone (a testimonial): its text
    opens with a quotation mark, or a line of it is an attribution (`> — A. Reader`). A
    block-quoted note of the author's own (`> [!NOTE]`, `> Tip: …`) is not a quotation."""
    line_start = text.rfind("\n", 0, before) + 1
    if not _QUOTED_LINE.match(text, line_start):
        return False
    first = line_start
    for _ in range(_MAX_QUOTE_LINES):
        previous = text.rfind("\n", 0, first - 1) + 1 if first > 0 else 0
        if previous == first or not _QUOTED_LINE.match(text, previous):
            break
        first = previous
    lines = []
    for line in text[first : first + _MAX_QUOTE_CHARS].splitlines():
        quoted = _QUOTED_LINE.match(line)
        if quoted is None:
            break
        if line[quoted.end() :].strip():
            lines.append(line[quoted.end() :].strip())
    return bool(lines) and (
        lines[0].startswith(_QUOTE_MARKS) or any(_ATTRIBUTION.match(line) for line in lines)
    )


def describes_linked_lesson(text: str, before: int) -> bool:
    """`- [04_attention](04_attention) introduces Grouped-Query Attention (GQA)`: a list item
    that opens with a link to another file or folder of the course (or another site's page)
    describes what is taught there; that lesson is where the term is introduced, not its entry
    in a list of lessons or resources. An in-page link (`[Zero Redundancy Optimizer](#zero)
    (ZeRO) - …`) is the author's own overview."""
    line_start = text.rfind("\n", 0, before) + 1
    item = _LESSON_LINK_ITEM.match(text, line_start)
    if item is None or item.end() > before:
        return False
    return not item.group(1).startswith(("#", "mailto:"))


def _named_here(text: str, before: int) -> bool:
    """`This approach is called LLM-as-a-judge`, `a technique known as RAG`: the sentence
    gives the name to what it has just described."""
    if before == 0 or text[before - 1] not in " \t\"“'":
        return False
    low = max(0, before - 80)
    # the pattern ends with `called`, `named`, `termed` or `as`, blanks, maybe a quotation
    # mark: most places fail that at once, without searching 80 characters for it
    blank_end = before - 1 if text[before - 1] in "\"“'" else before
    word_end = blank_end
    while word_end > low and text[word_end - 1] in " \t":
        word_end -= 1
    ending = text[max(low, word_end - 2) : word_end]
    if word_end == blank_end or (ending.isascii() and ending.lower() not in ("ed", "as")):
        return False
    return _NAMED_BEFORE.search(text, low, before) is not None


def _definition_follows(text: str, after: int, expansion: str, surface: str) -> bool:
    """`TTFT: time …` / `KV cache - a store …` at a line start, or a definition list. For a
    term with an expansion, what follows spells it out (the glossary's words, or words whose
    initials are the acronym's: `NIC: Network Interface Card`) or opens with an article
    (`ZeRO - a sharded …`): a list of answers (`1. ZeRO - may or may not be faster`) is not a
    definition."""
    if _DEFINITION_LIST_NEXT.match(text, after):
        return True
    separator = _SEPARATOR.match(text, after)
    if separator is None:
        return False
    line_end = text.find("\n", separator.end())
    rest = text[separator.end() : line_end if line_end >= 0 else len(text)]
    if expansion and (squash(rest).startswith(expansion) or _initials_spell(surface, rest)):
        return True
    if len(rest.split()) < _MIN_DEFINITION_WORDS or not rest.lstrip(" \t*_")[:1].isalpha():
        return False  # `- NVIDIA: \`nvidia-smi …\``: a label for a command, not a definition
    if _PROSE_WORD.search(rest) is None:
        return False  # `- NVIDIA: V100, A100, H100`: a label for a list of names
    return not expansion or _ARTICLE.match(rest.lstrip(_MARKUP_BEFORE + " \t")) is not None


def _initials_spell(acronym: str, rest: str) -> bool:
    """Whether the words that open `rest` have the acronym's letters as their initials
    (`NIC` ← "Network Interface Card", `RAG` ← "Retrieval-Augmented Generation"), small
    words aside."""
    letters = "".join(char for char in acronym if char.isalpha()).casefold()
    if not 2 <= len(letters) <= _MAX_ACRONYM_LETTERS:
        return False
    words = _EXPANSION_WORD.findall(rest[: 20 * len(letters)])
    words = [word for word in words if word.casefold() not in _SMALL_WORDS]
    return "".join(word[0] for word in words[: len(letters)]).casefold() == letters


def _in_glossary_table_row(text: str, before: int, after: int, expansion: str) -> bool:
    """`| TTFT | Time to first token |`: the term is a body row's first cell, and the row spells
    out its expansion or the table is a glossary (`| Term | Definition |`). A table of
    measurements or products whose first column happens to hold the term (`| GPU | TFLOPS |`,
    its header row included) is not where the term is introduced."""
    line_start = text.rfind("\n", 0, before) + 1
    if text.rfind("|", line_start, before) < 0 or text[line_start:before].strip() != "|":
        return False
    line_end = text.find("\n", after)
    cells = text[after : line_end if line_end >= 0 else len(text)].split("|")
    if len(cells) < 3 or cells[0].strip() or not cells[1].strip("-: \t"):
        return False
    header = _table_header(text, line_start)
    if header is None:
        return False  # the header row itself, or not a table
    if expansion and squash(cells[1]).startswith(expansion):
        return True
    return squash(header[0]) in _TERM_HEADERS and squash(header[1]) in _DEFINITION_HEADERS


def _table_header(text: str, line_start: int) -> list[str] | None:
    """The header cells of the table a body row (at `line_start`) is in: the row above its
    delimiter row (`|---|---|`); None for a header or delimiter row, or outside a table."""
    rows: list[int] = []
    start = line_start
    while start > 0 and len(rows) < _MAX_TABLE_ROWS:
        start = text.rfind("\n", 0, start - 1) + 1
        if not _TABLE_ROW.match(text, start):
            break
        rows.append(start)
    if len(rows) < 2:
        return None
    header, delimiter = rows[-1], rows[-2]
    if not _TABLE_DELIMITER.match(text[delimiter : text.find("\n", delimiter)]):
        return None
    cells = text[header : text.find("\n", header)].strip().strip("|").split("|")
    return cells if len(cells) >= 2 else None


def may_open_heading(text: str, start: int) -> bool:
    """False when `opens_heading` is False whatever the rest: the line is no heading."""
    return _HEADING_LINE.match(text, text.rfind("\n", 0, start) + 1) is not None


def opens_heading(text: str, start: int, end: int, is_title: bool) -> bool:
    """Whether an occurrence is a section about the term: it opens the module's title
    (`# Transformers, what can they do?`, `# 3. Tokenizers`) or is a heading's whole text
    (`## KV cache`), also when it asks about it (`## What is function calling?`, `##
    Introduction to tokenizers`). A heading that only mentions it (`## Preprocessing with a
    tokenizer`, `# 6. Llama 3.1 8B` deep in a notebook) is not."""
    line_start = text.rfind("\n", 0, start) + 1
    opening = _HEADING_LINE.match(text, line_start)
    if opening is None:
        return False
    before = _NUMBERING.sub("", text[opening.end() : start])
    asks = _ABOUT_PREFIX.match(before) is not None  # then only about the whole of it
    if not asks and any(char.isalpha() for char in before):
        return False
    if is_title and not asks:
        return True
    line_end = text.find("\n", end)
    after = _ANCHOR.sub("", text[end : line_end if line_end >= 0 else len(text)])
    return not squash(after) or squash(after) in ("s", "es")


def link_text(text: str, start: int, end: int) -> str | None:
    """Whether an occurrence is a link's text: "whole" (`[KV Cache](…)`, `[BPE](…)`), "part"
    (`[Byte Pair Encoding (BPE) Tokenizer](…)`), or None. A link's text is a reference to where
    a term is taught (a course's list of lessons), not a use."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    opening = text.rfind("[", text.rfind("\n", 0, start) + 1, start)
    if opening < 0 or "]" in text[opening:start]:
        return None
    closing = text.find("](", end, line_end)
    if closing < 0 or "[" in text[end:closing]:
        return None
    inside = text[opening + 1 : start] + text[end:closing]
    return "part" if any(char.isalnum() for char in inside) else "whole"


def first_heading_line(text: str) -> int | None:
    """The offset of the line of the first Markdown heading in a text (a module's title)."""
    found = _FIRST_HEADING.search(text)
    return found.start() if found is not None else None

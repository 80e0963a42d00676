"""Words in capitals in prose: which of them may be acronyms worth a glossary entry."""

from __future__ import annotations

import re
from collections.abc import Iterator

from glossary_lsp.glossary.english import is_english_in_capitals
from glossary_lsp.matching import is_code_like

_ACRONYM_TOKEN = re.compile(r"(?<![\w@#$.\\-])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(s?)(?![\w@\\])")
# what every `_ACRONYM_TOKEN` holds, found faster (the regex engine skips to its first capital)
_TWO_CAPITALS = re.compile(r"[A-Z][A-Z0-9]*[A-Z]")
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_ROMAN_NUMERAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_MATH_DELIMITER = "$"
_PRODUCT_CODE = re.compile(r"[A-Z]\d+[A-Z]")
_NAME_PART_AFTER = re.compile(r"[*_]*[ \t]+(?:[A-Z][a-z]+|[A-Z]{2,}s?)\b")
_CODE_PART_AFTER = re.compile(r"-(?:[A-Z0-9]+\b|\d)")


def acronym_tokens(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Words of two or more capitals (digits allowed, optional plural `s`) in `text[start:end]`."""
    return _ACRONYM_TOKEN.finditer(text, start, end)


def has_acronym_token(text: str, start: int, end: int) -> bool:
    """Whether `acronym_tokens` finds a word in `text[start:end]` (asked per gap first)."""
    return (
        _TWO_CAPITALS.search(text, start, end) is not None
        and _ACRONYM_TOKEN.search(text, start, end) is not None
    )


def is_acronym_candidate(text: str, start: int, end: int, singular: str) -> bool:
    """Whether a word in capitals at `text[start:end]` may be an acronym worth a glossary entry.

    Not when it is English written in capitals (`READ`, `WARNING`, `DNA`: SCOWL's common words
    and its acronyms of everyday English), a Roman numeral (`XIV`), inside an identifier
    (`LICENSE.txt`) or inline math (`$AB$`), a Markdown alert (`[!TIP]`), or on a line shouted
    in capitals (a banner, a heading in capitals): there capitals say nothing. Nor a code with
    a digit between its letters (`E2B`) or joined by a hyphen to another part in capitals or
    digits (`MIXTRAL-INSTRUCT-8X7B`): a model's or a product's name.
    """
    if is_english_in_capitals(singular) or _ROMAN_NUMERAL.fullmatch(singular):
        return False
    if _PRODUCT_CODE.search(singular) or _CODE_PART_AFTER.match(text, end):
        return False  # `E2B`, `MIXTRAL-INSTRUCT-8X7B`: a model's or a product's code
    if text.startswith("[!", start - 2) or is_code_like(text, start, end):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line = line_around(text, start)
    if line.count(_MATH_DELIMITER, 0, start - line_start) % 2 == 1:
        return False  # between `$` and `$`: a variable
    return not shouted(line)


def part_of_a_name(text: str, end: int) -> bool:
    """Whether the word in capitals ending at `end` is followed by a capitalised word or another
    word in capitals (`LM Studio`, `NEO NPCs`): the first word of a product's name."""
    return _NAME_PART_AFTER.match(text, end) is not None


def line_around(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    return text[line_start : line_end if line_end >= 0 else len(text)]


def shouted(line: str) -> bool:
    """A line whose words are all in capitals, three or more of them."""
    words = [word for word in WORD.findall(line) if any(char.isalpha() for char in word)]
    return len(words) >= 3 and all(not any(char.islower() for char in word) for word in words)

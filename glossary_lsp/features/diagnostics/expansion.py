"""Whether an acronym is written with its expansion, and the expansion a fix writes."""

from __future__ import annotations

import re

from glossary_lsp.features.diagnostics.rule_settings import EVERYDAY_ACRONYMS
from glossary_lsp.features.diagnostics.sentences import sentence_span
from glossary_lsp.glossary.model import Term, is_acronym

_NON_ALNUM = re.compile(r"[\W_]+")
_PARENTHESIS_AFTER = re.compile(r"[*_]*\s*\(\s*([^()\n]{1,200}?)\s*\)")


def is_acronym_like(name: str) -> bool:
    """An acronym (`FSDP`, `LLMs`) or a short mixed-case one (`MoE`, `ZeRO`, `RoPE`)."""
    if is_acronym(name):
        return True
    return " " not in name and len(name) <= 8 and sum(char.isupper() for char in name) >= 2


def squash(text: str) -> str:
    """Case, spacing, hyphens and markup removed: `Flash-Attention` → `flashattention`."""
    return _NON_ALNUM.sub("", text.casefold())


def spells_out(candidate: str, expansion: str) -> bool:
    wanted = squash(expansion)
    return bool(wanted) and any(
        candidate.endswith(form) for form in (wanted, wanted + "s", wanted + "es")
    )


def is_expanded(text: str, start: int, end: int, expansion: str) -> bool:
    """Whether `text[start:end]` is written as "ACR (Expansion)" or "Expansion (ACR)"."""
    after = _PARENTHESIS_AFTER.match(text, end)
    if after is not None:
        inside = squash(after.group(1))
        wanted = squash(expansion)
        if wanted and inside.startswith(wanted):
            return True
    opening = start
    while opening > 0 and text[opening - 1] in "*_ \t":
        opening -= 1
    if opening == 0 or text[opening - 1] != "(":
        return False
    closing = end
    while closing < len(text) and text[closing] in "*_ \t":
        closing += 1
    if closing >= len(text) or text[closing] != ")":
        return False
    window = text[max(0, opening - 1 - 3 * len(expansion) - 200) : opening - 1]
    window = _LINK_TARGET.sub("", window)  # `[Multi-Query Attention](https://…) (MQA)`
    return spells_out(squash(window[-3 * len(expansion) - 20 :]), expansion)


_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")


def expanded_in_sentence(text: str, start: int, expansion: str, last: list | None = None) -> bool:
    """Whether the sentence around `start` spells the expansion out anywhere: "OOM is short for
    out of memory", `MMLU ("Measuring Massive Multitask Language Understanding")`.

    `last` keeps the last sentence seen, `[start, end, squashed]`, for the next call.
    """
    wanted = squash(expansion)
    if len(wanted) < 6:
        return False
    if last and last[0] <= start < last[1]:
        squashed = last[2]
    else:
        low, high = sentence_span(text, start)
        squashed = squash(text[low:high])
        if last is not None:
            last[:] = [low, high, squashed]
    return wanted in squashed


def needs_expansion(term: Term) -> bool:
    """Everyday acronyms (API, GPU, URL: the list `unknownAcronym` never reports) need no
    expansion, unless the glossary entry says `expand_first_use: true`."""
    return term.expand_first_use or (
        term.term not in EVERYDAY_ACRONYMS and not any(n in EVERYDAY_ACRONYMS for n in term.aliases)
    )


_PREPOSITIONS = frozenset(("of", "for", "from", "with", "in", "on", "to", "over", "by", "via"))


def expansion_for(surface: str, term: Term) -> str:
    """The term's expansion, in the plural when the text wrote the acronym's plural (LLMs).

    The head noun takes the plural (`Large Language Models`, `Mixtures of Experts`,
    `Gaussian Processes`, `Proximal Policies`); when its plural is doubtful (`Multiply`,
    `Learning`) the singular is given.
    """
    expansion = term.expansion
    plural = surface.endswith("s") and not term.term.endswith("s")
    if not plural:
        return expansion
    words = expansion.split(" ")
    head = len(words) - 1
    for position, word in enumerate(words[1:], start=1):
        if word.lower() in _PREPOSITIONS:
            head = position - 1
            break
    noun = plural_noun(words[head])
    if noun is None:
        return expansion
    words[head] = noun
    return " ".join(words)


def plural_noun(word: str) -> str | None:
    """The plural of a noun that ends an expansion, or None when it is doubtful."""
    lower = word.lower()
    if not lower[-1:].isalpha():
        return None
    if lower.endswith(("ing", "ply", "ware", "data", "ous", "ive", "al", "ed")):
        return None  # `Learning`, `Multiply`, `Hardware`, `Generative`: no honest plural
    if lower.endswith(("ss", "sh", "ch", "x", "z")):
        return word + "es"
    if lower.endswith("s"):
        return word  # already a plural (`Experts`) or one unchanged (`Series`)
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"

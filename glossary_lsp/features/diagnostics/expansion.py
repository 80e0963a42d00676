"""Acronyms and their expansions in prose: an expansion in the sentence or under a heading (the
expansion right next to it is `course.defining.written_with_expansion`), and the expansion a
fix writes."""

from __future__ import annotations

from glossary_lsp.course.defining import squash
from glossary_lsp.features.diagnostics.rule_settings import EVERYDAY_ACRONYMS
from glossary_lsp.features.diagnostics.sentences import sentence_span
from glossary_lsp.glossary.model import Term, is_acronym


def is_acronym_like(name: str) -> bool:
    """An acronym (`FSDP`, `LLMs`) or a short mixed-case one (`MoE`, `ZeRO`, `RoPE`)."""
    if is_acronym(name):
        return True
    return " " not in name and len(name) <= 8 and sum(char.isupper() for char in name) >= 2


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

"""The quick looks in front of `defines`, `written_with_expansion` and the apposition answer as
the full readings they stand in front of.

A large module's first read asks `defines` and `written_with_expansion` of nearly every match;
most matches sit inside a sentence, where a look at the characters right around them rules
every way of defining out. Seeded random texts written for this test, an occurrence of a term
between pieces of what those ways read (parentheses, separators, the phrases `is short for`,
`stands for`, `refers to`, `is called`, line openings, table cells, markup, the characters
that `re.IGNORECASE` takes for ASCII letters), compared at every occurrence with the full
readings.
"""

from __future__ import annotations

import random

from glossary_lsp.course import defining
from glossary_lsp.features.diagnostics import use_forms
from glossary_lsp.glossary.model import Term

TERM = Term("TTFT", expansion="time to first token")
_BEFORE = [
    "\n", "\n\n", " ", "  ", "\t", "- ", "1. ", "## ", "> ", "| ", "|", "(", " (", "*", "**", "_",
    "`", "[", "word ", "Prose ", "called ", "named ", "known as ", "is also termed ", "referred "
    "to as ", "was ", "has ", "aſ ", "ed ", '"', "“", "'", "time to first token ", "Time-to-"
    "First\nToken ", "x", "é ", "as", ",", ".", "—", "1", "x" * 210,
]  # fmt: skip
_AFTER = [
    "\n", " ", "  ", "\t", ".", ",", ";", ")", "(", " (", "\n(", ": ", ":", " - ", " — ", " – ",
    " = ", "=", ", or ", ",or ", ", order", ", Or ", ", i.e. ", ", i ", ", and ", ", the ",
    ", a first token", " is ",
    " is short for ", " isshort for ", " are shorthand for", " stands for ", " stand ", " refers "
    "to ", " refer", " is an acronym for ", " is defined as ", " IS SHORT FOR ", " ſhort for ",
    " İs short", " ıs short", " and ", " island ", " or ", " i ", " word", " é", " 1", "*", "**",
    "_", "`", "]", "](x.md)", " |", " | time to first token |", "s", "\n: a definition",
    " time to first token", "time to first token)", " - a definition of it, in words",
]  # fmt: skip


def _texts(seed: int, count: int) -> list[tuple[str, int, int]]:
    """(text, start, end) of an occurrence of `TERM` with random pieces around it."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        before = "".join(rng.choices(_BEFORE, k=rng.randint(0, 5)))
        after = "".join(rng.choices(_AFTER, k=rng.randint(0, 5)))
        if rng.random() < 0.2:  # a table's header above
            before = "| Term | Definition |\n|---|---|\n" + before
        found.append((before + "TTFT" + after, len(before), len(before) + 4))
    return found


def test_defines_is_what_every_way_of_defining_reads() -> None:
    quick = 0
    answers = set()
    for text, start, end in _texts(1, 20_000):
        read = defining._read_as_defined(text, start, end, TERM)
        assert defining.defines(text, start, end, TERM) == read, (text, start)
        answers.add(read)
        quick += defining._nothing_defines_here(text, start, end)
    assert answers == {True, False}  # the texts reach both answers
    assert quick > 500  # and the quick look answers often


def test_written_with_expansion_is_what_both_sides_read() -> None:
    quick = 0
    answers = set()
    for text, start, end in _texts(2, 20_000):
        for expansion in ("time to first token", ""):
            read = defining._read_with_expansion(text, start, end, expansion)
            assert defining.written_with_expansion(text, start, end, expansion) == read, text
            answers.add(read)
        quick += defining._no_expansion_here(text, start, end)
    assert answers == {True, False}
    assert quick > 500


def test_an_apposition_is_what_its_pattern_finds() -> None:
    answers = set()
    for text, _start, end in _texts(3, 5_000) + [("TTFT, the first token's time", 0, 4)]:
        found = use_forms._APPOSITION.match(text, end) is not None
        assert use_forms.explained_by_apposition(text, end) == found, text
        answers.add(found)
    assert answers == {True, False}


def test_the_quick_looks_can_fail_the_comparison(monkeypatch) -> None:  # noqa: ANN001
    """A quick look that rules too much out is caught (else the comparisons would prove little)."""
    monkeypatch.setattr(defining, "_PHRASE_OPENERS", frozenset(("is", "are")))
    texts = _texts(1, 20_000)
    assert any(
        defining.defines(text, start, end, TERM)
        != defining._read_as_defined(text, start, end, TERM)
        for text, start, end in texts
    )

"""Misspellings of a gap remembered by its text (`analysis._scan_spelling`) are those read in
place (`_find_misspellings`), whatever stands around the gap: a possessive, a code-like token
running into it, a sentence start, a line break."""

from __future__ import annotations

import random

from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import analysis
from glossary_lsp.features.diagnostics.spelling import spelling_index
from glossary_lsp.glossary.loader import load_glossaries

PIECES = [
    " ",
    ", ",
    ". ",
    "\n",
    "'s ",
    "x.y/",
    "/z ",
    "Pytorch",
    "pytorch",
    "Flash Attention",
    "a",
    "the",
    "Tensorflow",
    "Some",
    "GPU",
    "(",
    ")",
    "huggingface",
    "Deepspeed",
    "_",
    "Pytroch",
    "Deepspeeed",
    "Tensorflw",
]


GAPS = [
    " Deepspeeed ",
    " Flash Attention, ",
    ", with a ",
    " the Deepspeeed\nand ",
    " (Deepspeeed) ",
    " pytorch's ",
    " x.y/Deepspeeed ",
    " Deepspeeed/x ",
    " \nDeepspeeed ",
    ",\n\nDeepspeeed ",
    "/Deepspeeed ",
    " Deepspeeed/",
]
BEFORE = ["FSDP", "x.y/FSDP", "model's GPU", "1", "end.", "end.\n\n", "x\n", "# ", "'", "a/"]
AFTER = ["", "FSDP", "/x", ".y", "'s", " word", "x/y"]


def test_remembered_gaps_read_as_in_place() -> None:
    glossary, _ = load_glossaries([])
    spelling = spelling_index(GlossaryVersion.build(glossary).matcher)
    rng = random.Random(5)
    cases = [(gap, before, after) for gap in GAPS for before in BEFORE for after in AFTER]
    for _ in range(3):  # in an order each time different: a gap remembered in another context
        rng.shuffle(cases)
        for gap, before, after in cases:
            left = rng.choice(PIECES) + before
            text, start = left + gap + after, len(left)
            end = start + len(gap)
            remembered: list = []
            analysis._scan_spelling(spelling, text, 0, start, end, remembered, gap)
            in_place: list = []
            if not spelling.quiet(text[start:end]):
                analysis._find_misspellings(spelling, text, 0, start, end, in_place)
            assert remembered == in_place, (text, start, end)

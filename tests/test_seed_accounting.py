"""Every line of the seed glossary page is accounted for in the bundled `data/glossary.yaml`.

A seed line is accounted for when it is page chrome, a letter heading, a term's spelling, a module
line whose module exists (same emoji and title) and whose snippet is that term's context or the
module's subtitle, a snippet found in some term's `context`, a module's `subtitle`, or an
`unattributed` entry under its letter. Snippets are compared after `clean_snippet`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
import yaml

from glossary_lsp.glossary.importer import (
    CHROME,
    HEADING,
    MODULE,
    SNIPPET,
    TERM,
    SeedLine,
    classify_lines,
    clean_snippet,
    module_id,
)

REPO = Path(__file__).resolve().parents[1]
GLOSSARY_FILE = REPO / "data" / "glossary.yaml"
SEED_COPY = Path(__file__).resolve().parent / "data" / "glossary-page.txt"


# Term lines whose module line's snippet is not about the term; the term keeps the seed's module,
# and the snippet is accounted for like an orphan snippet (another term's context, or
# `unattributed`), never as this term's context.
SNIPPETS_NOT_ABOUT_THEIR_TERM = {
    "HumanEval": "a sentence about human evaluation ('human eval') of best-of-N samples",
    "NotebookLM": "the page's navigation text",
}


def seed_candidates() -> list[Path]:
    """Where the seed may be, best first: $GLOSSARY_SEED, `shared/` beside the clone, the copy."""
    candidates = []
    if os.environ.get("GLOSSARY_SEED"):
        candidates.append(Path(os.environ["GLOSSARY_SEED"]))
    candidates.append(REPO.parent / "shared" / "seed" / "glossary-page.txt")
    candidates.append(SEED_COPY)
    return candidates


def find_seed() -> Path:
    """The seed page's plain text; skips the test with the paths tried when there is none."""
    for candidate in seed_candidates():
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(path) for path in seed_candidates())
    pytest.skip(f"seed glossary page not found (tried {tried}); set GLOSSARY_SEED")


@functools.cache  # read by a dozen tests here and in test_glossary_data, none changes it
def seed_lines() -> tuple[SeedLine, ...]:
    return tuple(classify_lines(find_seed().read_text(encoding="utf-8").splitlines()))


@functools.cache
def curated() -> dict:
    # libyaml's safe loader when built (as the glossary loader reads it): the pure-Python one
    # took a sixth of a second per read
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(GLOSSARY_FILE.read_text(encoding="utf-8"), Loader=loader)


def contexts_of(entry: dict) -> list[str]:
    context = entry.get("context") or []
    return [context] if isinstance(context, str) else list(context)


class Accounts:
    """Where each kind of seed line may be found in the curated glossary."""

    def __init__(self, document: dict) -> None:
        self.modules = {module["id"]: module for module in document["modules"]}
        self.terms = {entry["term"]: entry for entry in document["terms"]}
        self.contexts = {text for entry in document["terms"] for text in contexts_of(entry)}
        self.subtitles = {m.get("subtitle") for m in document["modules"] if m.get("subtitle")}
        self.unattributed = {(u["letter"], u["text"]) for u in document.get("unattributed") or []}

    def why_unaccounted(self, line: SeedLine, following: SeedLine | None) -> str | None:
        """None when the line is accounted for, else what is missing."""
        if line.kind in (CHROME, HEADING):
            return None
        if line.kind == TERM:
            return self._term_line(line, following)
        if line.kind == MODULE:
            return None  # checked with the term line it belongs to
        return self._snippet(line.letter, clean_snippet(line.snippet))

    def _snippet(self, letter: str, snippet: str) -> str | None:
        if snippet in self.contexts or snippet in self.subtitles:
            return None
        if (letter, snippet) in self.unattributed:
            return None
        return "snippet is in no term's context, no module's subtitle, nor unattributed"

    def _term_line(self, line: SeedLine, following: SeedLine | None) -> str | None:
        entry = self.terms.get(line.text)
        if entry is None:
            return f"no term spelled {line.text!r}"
        if following is None or following.kind != MODULE:
            return None
        module = self.modules.get(module_id(following.title))
        seen_as = (following.emoji, following.title)
        if module is None or (module["emoji"], module["title"]) != seen_as:
            return f"module {following.emoji} {following.title} is missing or spelled differently"
        if entry.get("module") != module["id"]:
            return f"term's module is {entry.get('module')!r}, the seed says {module['id']!r}"
        snippet = clean_snippet(following.snippet)
        if line.text in SNIPPETS_NOT_ABOUT_THEIR_TERM:
            if snippet in contexts_of(entry):
                return "the module line's snippet is not about the term, yet is its context"
            return self._snippet(following.letter, snippet)
        if snippet not in contexts_of(entry) and snippet != module.get("subtitle"):
            return "the module line's snippet is neither the term's context nor the subtitle"
        return None


def test_the_seed_has_the_expected_shape():
    lines = seed_lines()
    kinds = [line.kind for line in lines]
    assert kinds.count(CHROME) == 3
    assert kinds.count(TERM) == kinds.count(MODULE) >= 25
    assert kinds.count(SNIPPET) >= 100


def test_every_seed_line_is_accounted_for():
    accounts = Accounts(curated())
    lines = seed_lines()
    unaccounted = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else None
        reason = accounts.why_unaccounted(line, following)
        if reason:
            unaccounted.append(f"line {line.number} ({line.letter}): {reason}: {line.text[:70]}")
    assert unaccounted == []


def test_every_unattributed_entry_is_a_seed_line_under_its_letter():
    seed = {(line.letter, clean_snippet(line.snippet)) for line in seed_lines() if line.snippet}
    unattributed = [(u["letter"], u["text"]) for u in curated().get("unattributed") or []]
    assert [entry for entry in unattributed if entry not in seed] == []
    assert len(unattributed) == len(set(unattributed))


def test_every_context_is_a_cleaned_seed_snippet():
    """Contexts quote the seed; they are not a place for new prose."""
    seed = {clean_snippet(line.snippet) for line in seed_lines() if line.snippet}
    invented = [
        (entry["term"], text)
        for entry in curated()["terms"]
        for text in contexts_of(entry)
        if text not in seed
    ]
    assert invented == []


def test_every_subtitle_is_a_seed_snippet():
    seed = {clean_snippet(line.snippet) for line in seed_lines() if line.snippet}
    subtitles = [m["subtitle"] for m in curated()["modules"] if m.get("subtitle")]
    assert [subtitle for subtitle in subtitles if subtitle not in seed] == []


def test_no_debris_is_left_in_the_glossary():
    text = GLOSSARY_FILE.read_text(encoding="utf-8")
    for debris in ("underline-offset", "border-border", "bg-card", "/module/"):
        assert debris not in text

"""`glossary-lsp lookup TERM`: the glossary entry of a term, an alias or a plural."""

from __future__ import annotations

import argparse
import json
import sys

from rapidfuzz import fuzz, process, utils

from glossary_lsp.glossary.loader import load_glossaries
from glossary_lsp.glossary.model import Glossary, Term, fold

SUGGESTIONS = 3
SUGGESTION_CUTOFF = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("term", metavar="TERM", help="a term, an alias or a plural, any case")
    parser.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="FILE",
        help="a glossary YAML merged after the bundled one (repeatable; later files win)",
    )
    parser.add_argument("--no-bundled", action="store_true", help="leave out the bundled glossary")
    parser.add_argument("--json", action="store_true", help="print the entry as JSON")


def run(args: argparse.Namespace) -> int:
    glossary, problems = load_glossaries(args.glossary, include_bundled=not args.no_bundled)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    term = glossary.lookup(args.term)
    if term is None:
        print(not_found_message(glossary, args.term), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(entry_json(glossary, term, args.term), ensure_ascii=False, indent=2))
    else:
        print(entry_text(glossary, term, args.term))
    return 0


def suggestions(glossary: Glossary, query: str, limit: int = SUGGESTIONS) -> list[str]:
    """The canonical spellings of the terms whose names are closest to `query`."""
    names = [name for name, _ in glossary.all_names()]
    owners = [term for _, term in glossary.all_names()]
    found = process.extract(
        query,
        names,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 4,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    closest: list[str] = []
    for _name, _score, index in found:
        term = owners[index].term
        if term not in closest:
            closest.append(term)
    return closest[:limit]


def not_found_message(glossary: Glossary, query: str) -> str:
    closest = suggestions(glossary, query)
    if not closest:
        return f"no term {query!r} in the glossary"
    return f"no term {query!r}; did you mean: {', '.join(closest)}?"


def how_found(term: Term, query: str) -> str | None:
    """How `query` names `term` when it is not its canonical spelling: alias or plural."""
    key = fold(query)
    if key == term.key:
        return None
    if key in {fold(alias) for alias in term.aliases}:
        return f"{query!r} is an alias of {term.term}"
    return f"{query!r} is a plural of {term.term}"


def module_label(glossary: Glossary, term: Term) -> str | None:
    module = glossary.module(term.module)
    if module is not None:
        return module.label
    return term.module


def entry_text(glossary: Glossary, term: Term, query: str) -> str:
    heading = f"{term.term} — {term.expansion}" if term.expansion else term.term
    lines = [heading]
    note = how_found(term, query)
    if note:
        lines.append(f"({note})")
    if term.definition:
        lines += ["", term.definition, ""]
    label = module_label(glossary, term)
    fields = [
        ("introduced in", label),
        ("aliases", ", ".join(term.aliases)),
        ("see also", ", ".join(term.see_also)),
        ("source", str(term.location) if term.location else ""),
    ]
    lines += [f"{name}: {value}" for name, value in fields if value]
    return "\n".join(lines).rstrip()


def entry_json(glossary: Glossary, term: Term, query: str) -> dict:
    module = glossary.module(term.module)
    return {
        "query": query,
        "term": term.term,
        "expansion": term.expansion,
        "definition": term.definition,
        "module": None
        if module is None
        else {
            "id": module.id,
            "title": module.title,
            "emoji": module.emoji,
            "label": module.label,
        },
        "aliases": list(term.aliases),
        "see_also": list(term.see_also),
        "contexts": list(term.contexts),
        "case_sensitive": term.is_case_sensitive(),
        "inferred": term.inferred,
        "location": None
        if term.location is None
        else {
            "path": term.location.path,
            "line": term.location.line,
            "column": term.location.column,
        },
    }

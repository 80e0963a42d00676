"""Benchmark the term matcher and the document views on synthetic glossaries and documents.

    python benchmarks/bench_matching.py [--sizes 150 10000 100000] [--repeat 5]
    python benchmarks/bench_matching.py --document-size 1 10 [--profile] [--cpu]

With `--document-size`, measures in-process (no server) the matching (`find_all` over every
prose span), `analyse_view` and the index's terms of the module (`first_classified`) of
generated Markdown documents of that many MB (numbered paragraphs, as `bench_large_document.py`
opens) with the bundled glossary, in ms/MB: first, and after an edit near the start; and the
first read as the server does it (the analysis, which also classifies each span for the index,
then the index's terms, with one glossary version).
`--profile` prints the top of a cProfile of the analysis after the edit.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.views import DocumentView

if TYPE_CHECKING:
    from glossary_lsp.features.base import GlossaryVersion

WORDS = (  # noqa: SIM905 - easier to read as prose
    "attention cache gradient tensor parallel sharded data pipeline token embedding model "
    "optimizer scheduler kernel memory batch sequence layer norm residual expert router "
    "quantized sparse dense latent diffusion reward policy value critic sampling decoding "
    "speculative retrieval index vector cluster shard replica checkpoint activation"
).split()
FILLER = (  # noqa: SIM905
    "the a of and to in is that for it with as on be by this are was from or an which "
    "we can each when then than more most only also into over under about"
).split()


def synthetic_terms(count: int, seed: int = 7) -> list[Term]:
    """Acronyms, CamelCase names, hyphenated versions and multi-word phrases, with aliases."""
    rng = random.Random(seed)
    seen: set[str] = set()
    terms: list[Term] = []
    while len(terms) < count:
        shape = rng.random()
        if shape < 0.35:
            name = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(2, 5)))
            if rng.random() < 0.2:
                name += rng.choice(string.digits)
        elif shape < 0.55:
            name = "".join(word.capitalize() for word in rng.sample(WORDS, rng.randint(1, 2)))
            name += rng.choice(("", "", str(rng.randint(2, 9))))
        elif shape < 0.7:
            name = rng.choice(WORDS).capitalize() + f"-{rng.choice('RVX')}{rng.randint(1, 99)}"
        else:
            name = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        aliases = ()
        if rng.random() < 0.3:
            alias = " ".join(rng.sample(WORDS, 3)) + f" {len(terms)}"
            aliases = (alias,)
        terms.append(Term(term=name, expansion=name, aliases=aliases))
    return terms


def synthetic_module(terms: list[Term], size: int, seed: int = 11) -> str:
    """Markdown-ish prose of about `size` characters mentioning some of the terms."""
    rng = random.Random(seed)
    pieces: list[str] = []
    length = 0
    while length < size:
        is_term = rng.random() < 0.15
        piece = rng.choice(terms).term if is_term else rng.choice(FILLER + WORDS)
        if rng.random() < 0.08:
            piece += ".\n" if rng.random() < 0.5 else ",\n"
        pieces.append(piece)
        length += len(piece) + 1
    return " ".join(pieces)


def median_time(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def report(label: str, seconds: float, per: int = 1) -> None:
    unit = seconds / per
    text = f"{unit * 1e3:9.3f} ms" if unit >= 1e-3 else f"{unit * 1e6:9.1f} µs"
    suffix = f"  (per call, {per} calls)" if per > 1 else ""
    print(f"  {label:<44}{text}{suffix}")


def bench_size(count: int, repeat: int) -> None:
    terms = synthetic_terms(count)
    glossary = Glossary(terms=terms)
    print(f"\n{count} terms ({sum(len(term.names) for term in terms)} names)")
    report("build TermMatcher", median_time(lambda: TermMatcher(glossary), repeat))
    report(
        "first complete (builds the completion index)",
        median_time(lambda: TermMatcher(glossary).complete("att"), repeat)
        - median_time(lambda: TermMatcher(glossary), repeat),
    )
    matcher = TermMatcher(glossary)

    module = synthetic_module(terms, 30_000)
    found = matcher.find_all(module)
    report(
        f"find_all, 30 KB module ({len(found)} matches)",
        median_time(lambda: matcher.find_all(module), repeat),
    )
    rng = random.Random(3)
    offsets = [rng.randrange(len(module)) for _ in range(1000)]
    report(
        "match_at, 30 KB module",
        median_time(lambda: [matcher.match_at(module, offset) for offset in offsets], repeat),
        len(offsets),
    )

    long_line = synthetic_module(terms, 100_000).replace("\n", " ")
    report(
        "match_at, 100,000-character line",
        median_time(lambda: [matcher.match_at(long_line, offset) for offset in offsets], repeat),
        len(offsets),
    )

    queries = ["a", "at", "att", "FS", "Gra", "spec", "cach", "attnetion", "pipelin paralel"]
    queries += [term.term[:4] for term in terms[:20]]
    report(
        "complete (prefix + fuzzy, limit 50)",
        median_time(lambda: [matcher.complete(query) for query in queries], repeat),
        len(queries),
    )
    report(
        "complete (fuzzy only: typos)",
        median_time(
            lambda: [matcher.complete(query) for query in ("attnetion", "pipelin paralel")], repeat
        ),
        2,
    )


def bench_documents(repeat: int) -> None:
    terms = synthetic_terms(10_000)
    matcher = TermMatcher(Glossary(terms=terms))
    paragraph = synthetic_module(terms, 2_000)
    block = (
        f"## Section\n\n{paragraph}\n\nSee [the docs](https://example.com/a_(b)) and `code` "
        "and https://example.org/x.\n\n```python\nx = 1  # FSDP\n```\n\n    indented code\n\n"
        "<!-- a comment --> <span class='x'>text</span>\n\n"
    )
    markdown = "---\ntitle: Big\n---\n" + block * (10_000_000 // len(block))
    print(f"\ndocuments ({len(markdown) / 1e6:.1f} MB Markdown)")
    report(
        "view_document (prose spans)",
        median_time(lambda: view_document("big.md", markdown), max(1, repeat // 2)),
    )
    view = view_document("big.md", markdown)
    rng = random.Random(5)
    offsets = [rng.randrange(len(markdown)) for _ in range(1000)]
    report(
        "match_at in the 10 MB file",
        median_time(lambda: [matcher.match_at(markdown, offset) for offset in offsets], repeat),
        len(offsets),
    )
    report(
        "find_all over every prose span",
        median_time(
            lambda: [matcher.find_all(markdown, a, b) for a, b in view.regions[0].prose], 1
        ),
    )

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": paragraph.splitlines(True)},
        {
            "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": ["import torch  # 🚀 FSDP\n", "x = 'é\\t'\n"] * 20,
        },
    ]  # fmt: skip
    notebook = json.dumps({"cells": cells * 500, "metadata": {}, "nbformat": 4}, indent=1)
    print(f"notebook ({len(notebook) / 1e6:.1f} MB JSON, {len(cells) * 500} cells)")
    report(
        "view_document (raw .ipynb)",
        median_time(lambda: view_document("big.ipynb", notebook), repeat),
    )


LARGE_LINE = "Some prose about FSDP and the KV cache, with a prefill phase. " * 16 + "\n\n"


def large_markdown(megabytes: float) -> str:
    """Paragraphs of about 1 KB, numbered so that no two are the same text (a real document
    seldom repeats a paragraph, and repeated ones would flatter the matcher's memory)."""
    count = int(megabytes * 1_000_000 / len(LARGE_LINE))
    return "# Large\n\n" + "".join(f"Paragraph {n}. {LARGE_LINE}" for n in range(count))


def bench_large_document(megabytes: float, repeat: int, profile: bool) -> None:
    """Matching and analysis of a large document, first and after an edit near its start (the
    matcher then finds the unchanged spans' matches remembered, moved by the edit)."""
    from glossary_lsp.course.module_terms import ModuleTerms, first_classified
    from glossary_lsp.features.base import GlossaryVersion
    from glossary_lsp.features.diagnostics import analyse_view
    from glossary_lsp.glossary.loader import load_glossaries

    glossary, _ = load_glossaries([])
    text = large_markdown(megabytes)
    size = len(text) / 1e6
    view = view_document("file:///large/01-large.md", text, "markdown")
    print(f"\n{size:.1f} MB Markdown, {len(glossary.terms)} terms (bundled glossary)")

    def match_all(version: GlossaryVersion, view: DocumentView) -> int:
        return sum(
            len(version.matcher.find_all(region.text, start, end))
            for region in view.regions
            for start, end in region.prose
        )

    def index_terms(version: GlossaryVersion, view: DocumentView) -> ModuleTerms:
        return ModuleTerms.of(first_classified(version.matcher, view))

    def fresh() -> GlossaryVersion:
        return GlossaryVersion.build(glossary)  # nothing remembered

    def per_mb(seconds: float) -> str:
        return f"{seconds * 1e3 / size:9.0f} ms/MB"

    def first_read(version: GlossaryVersion) -> None:
        """As the server reads an opened document: its analysis, then the index's terms of it
        (which find the spans the analysis classified for them)."""
        analyse_view(version, view, remember=True)
        index_terms(version, view)

    print(f"  {match_all(fresh(), view)} matches")
    for label, action in (
        ("find_all over every prose span, first", lambda version: match_all(version, view)),
        ("analyse_view, first", lambda version: analyse_view(version, view, remember=True)),
        ("the index's terms of the module, first", lambda version: index_terms(version, view)),
        ("first read: analysis, then the index's terms", first_read),
    ):
        seconds = statistics.median(_timed(action, fresh()) for _ in range(repeat))
        print(f"  {label:<44}{per_mb(seconds)}")
    edited_text = text[:9] + "An inserted sentence about TTFT. " + text[9:]
    edited = view_document("file:///large/01-large.md", edited_text, "markdown")
    for label, action in (
        ("find_all after an edit", lambda version: match_all(version, edited)),
        (
            "analyse_view after an edit",
            lambda version: analyse_view(version, edited, remember=True),
        ),
        ("the index's terms after an edit", lambda version: index_terms(version, edited)),
    ):
        timings = []
        for _ in range(repeat):
            version = fresh()
            analyse_view(version, view, remember=True)
            index_terms(version, view)
            timings.append(_timed(action, version))
        print(f"  {label:<44}{per_mb(statistics.median(timings))}")
    if profile:
        import cProfile
        import pstats

        version = fresh()
        analyse_view(version, view, remember=True)
        profiler = cProfile.Profile()
        profiler.runcall(analyse_view, version, edited)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


# `--cpu`: the process's CPU time instead of the wall clock (steadier on a loaded machine)
_CLOCK = [time.perf_counter]


def _timed(action: Callable[[GlossaryVersion], object], version: GlossaryVersion) -> float:
    clock = _CLOCK[0]
    started = clock()
    action(version)
    return clock() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-documents", action="store_true")
    parser.add_argument("--document-size", type=float, nargs="+", metavar="MB")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--cpu", action="store_true", help="with --document-size: CPU time, not wall time"
    )
    args = parser.parse_args()
    if args.cpu:
        _CLOCK[0] = time.process_time
    if args.document_size:
        for megabytes in args.document_size:
            bench_large_document(megabytes, args.repeat, args.profile)
        return
    for size in args.sizes:
        bench_size(size, args.repeat)
    if not args.skip_documents:
        bench_documents(args.repeat)


if __name__ == "__main__":
    main()

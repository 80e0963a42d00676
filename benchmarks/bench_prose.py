"""Benchmark prose detection: a 1 MB Markdown file, growth with size, and pathological inputs.

    python benchmarks/bench_prose.py [--repeat 5] [--candidates | --floors | --once NAME]

Prints the median and the best CPU time of `--repeat` runs of `markdown_prose` (parse, policies,
byte → code point conversion) per input and the median's cost per MB, and the floor: pyromark's
ranged events alone over the same text (what any walk over them costs at least); the targets
(≤ 30 ms for 1 MB of course Markdown, ≤ 0.2 s per MB for any input) are printed beside them,
never asserted. `--floors` prints, instead, what the parser alone costs per input.
`--candidates` also times a bare parse of the same 1 MB by the parsers considered
(markdown-it-py, tree-sitter-markdown), when they are installed.

`--once NAME` analyses one input (the first whose name contains NAME, e.g. `roles`, `course`)
once, and the generation-0 collection that follows it, inside `functools.reduce`, for an
instruction count of that alone, which load does not change:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=functools_reduce \
        python benchmarks/bench_prose.py --once roles
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from glossary_lsp.text.documents import view_document
from glossary_lsp.text.prose import _EVENT_OPTIONS, PARSER, markdown_prose

WORDS = (  # noqa: SIM905 - easier to read as prose
    "attention cache gradient tensor parallel sharded data pipeline token embedding model "
    "optimizer scheduler kernel memory batch sequence layer norm residual expert router the a "
    "of and to in is that for it with as on"
).split()


def course_markdown(size: int, seed: int = 1) -> str:
    """Markdown shaped like a course module: headings, prose, lists, code, links, HTML, math."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(60))
        block = (
            f"## Section {total}\n\n{paragraph} *emphasis* **strong** `code` and "
            "[a link](https://example.com/a_(b)) see https://example.org/x. and $x^2$.\n\n"
            "- item one FSDP\n- item two with {term}`gradient`\n\n"
            "```python\nx = 1  # FSDP\n```\n\n    indented code\n\n"
            "<!-- a comment --> <span class='x'>text</span> 注意力 🚀\n\n"
        )
        parts.append(block)
        total += len(block)
    return "".join(parts)


def pathological(size: int) -> dict[str, str]:
    nested = "- " * 10_000 + "item\n" + "".join("  " * depth + "- item\n" for depth in range(300))
    nested += "\nend\n\n"
    return {
        "unclosed `](` lines": "[a](b c d e f\n" * (size // 14),
        "unclosed `](` in one paragraph": "[a](b " * (size // 6),
        "10,000 nested list items, repeated": nested * (size // len(nested) + 1),
        "one item 500,000 lists deep": "- " * (size // 2) + "item\n",
        "100,000-backtick run": "`" * 100_000 + " text " + "`" * 99_999,
        "1 MB single-line paragraph": " ".join(
            random.Random(2).choice(WORDS) for _ in range(size // 6)
        ),  # fmt: skip
        "unclosed `<a` tags": "<a href='x' " * (size // 12),
        "unclosed `<!--`": "text <!-- " * (size // 10),
        "`*` and `_` runs": "*a _b " * (size // 6),
        "`\\begin{` without `\\end`": "\\begin{equation} x " * (size // 19),
        "`{term}` roles": "{term}`gradient` and " * (size // 21),
        "colon fences never closed": ":::{note}\ntext\n" * (size // 15),
        "one path-like token": "a.b/" * (size // 4),
        "`$` and `&` in every word": "$a &b; " * (size // 7),
        "CJK and emoji prose": "注意力机制 🚀 FSDP 分片。" * (size // 16),
    }


def timings(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) CPU time of `repeat` runs: on a machine shared with other work, wall
    time measures the neighbours too."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times), min(times)


def best_of(function: Callable[[], object], repeat: int) -> float:
    return timings(function, repeat)[1]


def pyromark_floor(text: str) -> None:
    """Only iterate the parser's ranged events, as the walk does."""
    for _ in PARSER.events_with_range(text, **_EVENT_OPTIONS):
        pass


def report(name: str, text: str, repeat: int, target_per_mb: float = 0.2) -> None:
    """One input: our median and best, per MB, and pyromark's events alone (best) per MB."""
    median, best = timings(lambda: markdown_prose(text), repeat)
    floor = best_of(lambda: pyromark_floor(text), repeat)
    megabytes = len(text.encode("utf-8", "surrogatepass")) / 1e6
    per_mb = median / max(megabytes, 1e-9)
    mark = "✅" if per_mb <= target_per_mb else "❌"
    print(
        f"  {name:34} {megabytes:6.2f} MB {median * 1000:9.1f} ms (best {best * 1000:7.1f}) "
        f"{per_mb * 1000:8.1f} ms/MB {mark}  pyromark alone {floor / megabytes * 1000:6.1f} ms/MB"
    )


def _text_ranges(text: str) -> list[tuple[int, int]]:
    """The least walk that finds prose: the ranges of the parser's text events, nothing else."""
    ranges: list[tuple[int, int]] = []
    append = ranges.append
    for event, where in PARSER.events_with_range(text, **_EVENT_OPTIONS):
        if "Text" in event:
            append((where["start"], where["end"]))
    return ranges


def floors(inputs: dict[str, str], repeat: int) -> None:
    """Per input, best CPU ms per MB of: pyromark rendering HTML (the parse with no Python
    object per event), its events without ranges, its ranged events, the least walk
    (collect text ranges), and the whole analysis; and the ranged events per MB."""
    print("\nfloors, best ms per MB: html() | events | ranged events | least walk | analysis")
    for name, text in inputs.items():
        megabytes = len(text.encode("utf-8", "surrogatepass")) / 1e6
        count = sum(1 for _ in PARSER.events_with_range(text, **_EVENT_OPTIONS))
        steps: list[Callable[[str], object]] = [
            PARSER.html,
            lambda markdown: all(True for _ in PARSER.events(markdown)),
            pyromark_floor,
            _text_ranges,
            markdown_prose,
        ]
        cells = [best_of(partial(step, text), repeat) for step in steps]
        row = " ".join(f"{cell / megabytes * 1000:7.1f}" for cell in cells)
        print(f"  {name:34} {row}   {count / megabytes:9,.0f} events/MB")


def candidates(text: str, repeat: int) -> None:
    print("\nbare parse of the 1 MB module by other candidates")
    try:
        from markdown_it import MarkdownIt

        parser = MarkdownIt("commonmark")
        print(f"  markdown-it-py (block + inline tokens, line maps only) "
              f"{best_of(lambda: parser.parse(text), repeat) * 1000:8.1f} ms")  # fmt: skip
    except ImportError:
        print("  markdown-it-py: not installed")
    try:
        import tree_sitter
        import tree_sitter_markdown

        block = tree_sitter.Parser(tree_sitter.Language(tree_sitter_markdown.language()))
        data = text.encode()
        print(f"  tree-sitter-markdown (block grammar only, no inline) "
              f"{best_of(lambda: block.parse(data), repeat) * 1000:8.1f} ms")  # fmt: skip
    except ImportError:
        print("  tree-sitter-markdown: not installed")


def once(name: str) -> None:
    """Analyse the first input whose name contains `name` once, inside `functools.reduce`."""
    inputs = {"1 MB course module": course_markdown(1_000_000), **pathological(1_000_000)}
    text = next(text for key, text in inputs.items() if name.lower() in key.lower())
    markdown_prose(text[:2000])  # imports and first-call work outside the count
    gc.collect()
    functools.reduce(lambda _a, _b: (markdown_prose(text), gc.collect(0)), [0, 1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument(
        "--floors", action="store_true", help="only the floors of each input (the parser alone)"
    )
    parser.add_argument(
        "--once", metavar="NAME", help="analyse one input once (for callgrind, see above)"
    )
    args = parser.parse_args()
    if args.once:
        once(args.once)
        return
    module = course_markdown(1_000_000)
    if args.floors:
        floors({"1 MB course module": module, **pathological(1_000_000)}, args.repeat)
        return
    print("prose spans of course Markdown (target: 1 MB ≤ 30 ms)")
    report("1 MB course module", module, args.repeat, target_per_mb=0.030)
    median, best = timings(lambda: pyromark_floor(module), args.repeat)
    print(f"  {'pyromark events alone (the floor)':34} {'':9} {median * 1000:9.1f} ms "
          f"(best {best * 1000:7.1f})")  # fmt: skip
    for megabytes in (2, 4, 8):
        report(f"{megabytes} MB course module", course_markdown(megabytes * 1_000_000),
               max(1, args.repeat // 2), target_per_mb=0.030)  # fmt: skip
    print("\npathological inputs (target: ≤ 0.2 s per MB, linear)")
    for name, text in pathological(1_000_000).items():
        report(name, text, max(1, args.repeat // 2))
    cells = [{"cell_type": "markdown", "metadata": {}, "source": module.splitlines(True)}]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1)
    seconds = best_of(lambda: view_document("big.ipynb", notebook), max(1, args.repeat // 2))
    print(f"\nview of a raw .ipynb with that module as one cell ({len(notebook) / 1e6:.1f} MB): "
          f"{seconds * 1000:.1f} ms")  # fmt: skip
    big = "FSDP " * 10_000_000
    seconds = best_of(lambda: view_document("big.md", big), 1)
    print(f"a 50 MB Markdown document: refused in {seconds * 1000:.1f} ms "
          f"({view_document('big.md', big).error})")  # fmt: skip
    if args.candidates:
        candidates(module, args.repeat)


if __name__ == "__main__":
    main()

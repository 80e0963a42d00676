"""Course order, module ids and first introductions on real courses (local snapshots).

    python benchmarks/course_order.py order PATH [--expected toc|readme] [--toc FILE]
    python benchmarks/course_order.py sample PATH [--count 15] [--seed 1] [--toc FILE]
    python benchmarks/course_order.py verdicts FILE [--by-section]
    python benchmarks/course_order.py latency PATH --probe REL:LINE:COL [--expect REL]

`order` compares the order glossary-lsp gives the course's modules with the order the course
states, derived at run time from the repository itself (nothing of it is stored here):

- `toc`: the TOC file glossary-lsp chose, read again with a deliberately simple, independent
  parse (the `local:`/`file:` values, `.md`/`.qmd` names or `](…)` links, in file order);
- `readme`: the root README's links, in order; a module ranks with the first link that names it
  or a folder holding it (modules no link names are left out); `--level folder` ranks it by its
  top-level folder's first link instead (a lesson's files tie); `--level linked` compares only
  the modules the README links to themselves.

It prints Kendall's tau-b over the modules both orders rank, and whether module ids are unique.
`sample` prints a seeded sample of term occurrences (bundled glossary) with where definition
sends each, for judging by hand; keep only `path:line verdict` lines (`ok`, `wrong`, `unsure`)
and count them with `verdicts`. `latency` starts the server on PATH and times `initialized` →
the first definition answer at the probe that lands in the expected file.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary_lsp.course.files import MODULE_SUFFIXES  # noqa: E402
from glossary_lsp.course.toc import README_NAMES  # noqa: E402
from glossary_lsp.course.workspace import WorkspaceIndex  # noqa: E402
from glossary_lsp.features.base import GlossaryVersion  # noqa: E402
from glossary_lsp.features.definition import definition  # noqa: E402
from glossary_lsp.glossary.store import GlossaryStore, glossary_paths  # noqa: E402

_TOC_VALUES = {
    "_toctree.yml": re.compile(r"^\s*-?\s*local:\s*['\"]?([^'\"\s#]+)", re.M),
    "_toc.yml": re.compile(r"^\s*-?\s*(?:file|root):\s*['\"]?([^'\"\s#]+)", re.M),
    "myst.yml": re.compile(r"^\s*-?\s*file:\s*['\"]?([^'\"\s#]+)", re.M),
    "mkdocs.yml": re.compile(r"['\"]?([\w./-]+\.md)\b", re.M),
    "SUMMARY.md": re.compile(r"\]\(([^)\s]+\.md)\)"),
    "_quarto.yml": re.compile(r"([\w./-]+\.qmd)\b"),
}
_PLAIN_LINE = re.compile(r"^\s*([^#\s]+)", re.M)  # a configured plain list of paths
_README_LINK = re.compile(r"\]\(\s*<?([^)\s>#]+)")


def open_index(root: Path, toc: str | None = None) -> tuple[GlossaryVersion, WorkspaceIndex]:
    store = GlossaryStore()
    store.configure(glossary_paths([root], [], True))
    store.reload(force=True)
    version = GlossaryVersion.build(store.merged)
    index = WorkspaceIndex([root], matcher=version.matcher, toc=toc)
    index.list_modules()
    return version, index


def kendall_tau_b(xs: list[float], ys: list[float]) -> float:
    return pair_counts(xs, ys)[0]


def pair_counts(xs: list[float], ys: list[float]) -> tuple[float, int, int, int]:
    """(tau-b, concordant, discordant, pairs tied in `ys` only)."""
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    tau = (concordant - discordant) / denominator if denominator else 1.0
    return tau, concordant, discordant, ties_y


def toc_ranks(index: WorkspaceIndex, root: Path) -> dict[str, int]:
    structure = index.structures()[0]
    toc = structure.toc
    if toc is None or structure.order_source in README_NAMES:
        raise SystemExit("no TOC file: use --expected readme")
    text = toc.file.read_text(encoding="utf-8")
    pattern = _TOC_VALUES.get(toc.file.name, _PLAIN_LINE)
    base = toc.file.parent
    if toc.file.name == "mkdocs.yml":
        text = text[text.find("\nnav:") :]
        found = re.search(r"^docs_dir:\s*(\S+)", toc.file.read_text(encoding="utf-8"), re.M)
        base = base / (found.group(1) if found else "docs")
    ranks: dict[str, int] = {}
    for number, value in enumerate(pattern.findall(text)):
        for candidate in _candidates(base / value):
            if candidate.is_file():
                ranks.setdefault(candidate.resolve().relative_to(root.resolve()).as_posix(), number)
                break
    return ranks


def _candidates(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in MODULE_SUFFIXES)]


def readme_ranks(index: WorkspaceIndex, root: Path, level: str = "module") -> dict[str, int]:
    readme = next(p for p in (root / "README.md", root / "readme.md") if p.is_file())
    links = []
    for target in _README_LINK.findall(readme.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        links.append(target.strip("./").rstrip("/"))
    ranks: dict[str, int] = {}
    for module in index.modules():
        name = module.relative.split("/", 1)[0] if level == "folder" else module.relative
        for number, link in enumerate(links):
            if level == "folder":
                link = link.split("/", 1)[0]
            inside = name.startswith(link + "/") and level != "linked"
            if link and (name == link or inside):
                ranks[module.relative] = number
                break
    return ranks


def run_order(root: Path, expected: str, level: str = "module", toc: str | None = None) -> None:
    started = time.perf_counter()
    _version, index = open_index(root, toc)
    listed = time.perf_counter() - started
    ours = {module.relative: rank for rank, module in enumerate(index.modules())}
    stated = toc_ranks(index, root) if expected == "toc" else readme_ranks(index, root, level)
    common = [path for path in ours if path in stated]
    tau, concordant, discordant, ties = pair_counts(
        [ours[p] for p in common], [stated[p] for p in common]
    )
    ceiling = ((concordant + discordant) / (concordant + discordant + ties)) ** 0.5 if ties else 1
    ids = [module.id for module in index.modules()]
    structure = index.structures()[0]
    print(f"{root.name}: order from {structure.order_source}, language {structure.language}")
    if expected == "readme":
        print(f"  compared with the README's links, per {level}")
    print(f"  modules {len(ours)}, ranked by the {expected}: {len(stated)}, compared {len(common)}")
    print(f"  kendall tau-b {tau:.3f}; ids unique: {len(set(ids)) == len(ids)} ({len(ids)} ids)")
    if ties:  # a total order cannot reach 1 against a reference with ties
        print(
            f"  pairs the {expected} orders: {concordant} agree, {discordant} disagree "
            f"(tau over them {(concordant - discordant) / max(concordant + discordant, 1):.3f}); "
            f"{ties} pairs it ties (tau-b ceiling {ceiling:.3f})"
        )
    print(f"  listing {listed:.2f} s")


def run_sample(root: Path, count: int, seed: int, toc: str | None = None) -> None:
    version, index = open_index(root, toc)
    index.index_terms()
    rng = random.Random(seed)
    occurrences = []
    for module in index.modules():
        view = index.view(module)
        if view is None:
            continue
        for region in view.regions:
            for start, end in region.prose:
                for match in version.matcher.find_all(region.text, start, end):
                    occurrences.append((module, view, region.to_source(match.start), match))
    for module, view, offset, match in rng.sample(occurrences, min(count, len(occurrences))):
        line = view.lines.position(offset)[0] + 1
        target = definition(version, index, view, offset, module.path)
        where = "none"
        if target is not None:
            target_line, column = target.lines.position(target.start)
            text = target.lines.line(target_line)
            shown = " ".join(text[max(0, column - 40) : column + 50].split())
            where = f"{_rel(target.path, root)}:{target_line + 1}: {shown}"
        print(f"{module.relative}:{line} [{match.term.term}] -> {where}")


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run_verdicts(path: Path, by_section: bool = False) -> None:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    verdicts = [line.split()[-1] for line in lines if not line.startswith("#")]
    ok = verdicts.count("ok")
    print(f"{ok}/{len(verdicts)} sensible ({100 * ok / max(len(verdicts), 1):.0f}%)")
    if by_section:
        sections: dict[str, list[str]] = {}
        name = ""
        for line in lines:
            if line.startswith("## "):
                name = line[3:]
            elif not line.startswith("#"):
                sections.setdefault(name, []).append(line.split()[-1])
        for name, found in sections.items():
            print(f"  {found.count('ok')}/{len(found)}  {name}")


async def run_latency(root: Path, probe: str, expect: str, repeat: int) -> None:
    from run import Probe, Session  # noqa: PLC0415 - the benchmark harness, only here

    relative, line, column = probe.rsplit(":", 2)
    target = Probe(root / relative, int(line) - 1, int(column) - 1, "")
    times = []
    for _ in range(repeat):
        session = Session("glossary-lsp", [sys.executable, "-m", "glossary_lsp"], root)
        await session.start()
        await session.initialize()
        session.open(target.path)
        while True:
            answer = await session.request("definition", target)
            uris = [answer.uri] if hasattr(answer, "uri") else [a.uri for a in answer or []]
            if any(uri.endswith(expect) for uri in uris):
                break
            await asyncio.sleep(0.02)
        times.append(time.perf_counter() - session.initialized_at)
        await session.close()
    times.sort()
    print(
        f"initialized -> correct definition: median {times[len(times) // 2]:.2f} s, "
        f"max {times[-1]:.2f} s over {repeat} runs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    order = commands.add_parser("order")
    order.add_argument("path", type=Path)
    order.add_argument("--expected", choices=("toc", "readme"), default="toc")
    order.add_argument(
        "--level",
        choices=("module", "folder", "linked"),
        default="module",
        help="readme: rank a module by its link or its folder's (module), its top-level "
        "folder's (folder), or only the modules the README links to (linked)",
    )
    order.add_argument("--toc", help="glossaryLsp.course.toc: an order file, relative to PATH")
    sample = commands.add_parser("sample")
    sample.add_argument("path", type=Path)
    sample.add_argument("--count", type=int, default=15)
    sample.add_argument("--seed", type=int, default=1)
    sample.add_argument("--toc", help="glossaryLsp.course.toc: an order file, relative to PATH")
    verdicts = commands.add_parser("verdicts")
    verdicts.add_argument("file", type=Path)
    verdicts.add_argument("--by-section", action="store_true", help="and per `## ` section")
    latency = commands.add_parser("latency")
    latency.add_argument("path", type=Path)
    latency.add_argument("--probe", required=True, metavar="REL:LINE:COL")
    latency.add_argument("--expect", required=True, metavar="REL")
    latency.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.command == "order":
        run_order(args.path.resolve(), args.expected, args.level, args.toc)
    elif args.command == "sample":
        run_sample(args.path.resolve(), args.count, args.seed, args.toc)
    elif args.command == "verdicts":
        run_verdicts(args.file, args.by_section)
    else:
        asyncio.run(run_latency(args.path.resolve(), args.probe, args.expect, args.repeat))


if __name__ == "__main__":
    main()

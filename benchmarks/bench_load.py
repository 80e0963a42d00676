"""How long loading a glossary takes, by each way the loader has.

    python benchmarks/bench_load.py                      # 150, 10,000 and 100,000 terms
    python benchmarks/bench_load.py --sizes 150 10000 --repeat 5

Each glossary comes from `gen_glossary.synthetic_glossary_yaml` (the usual layout) and is loaded
from a file. Times are the best of `--repeat` runs, wall clock (CPU for the floor):

- load: `load_glossary_file` as the server calls it: read, decode, libyaml (`CSafeLoader`)
  events, the event-level validator, the `Glossary` and its name index;
- events only: the floor any PyYAML-based loader pays, only pulling libyaml's events;
- pure Python: PyYAML's pure-Python parser instead of libyaml.

Target: 10,000 terms in at most 0.3 s. A goal printed beside the figures, never an assertion.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gen_glossary import synthetic_glossary_yaml  # noqa: E402

from glossary_lsp.cli import tune_collector  # noqa: E402
from glossary_lsp.glossary.loader import load_glossary_file, load_glossary_text  # noqa: E402

TARGET_SECONDS = {10_000: 0.3}


def best_of(
    repeat: int, action: Callable[[], object], before: Callable[[], object] = lambda: None
) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of `repeat` runs of `action` (`before` is untimed)."""
    walls, cpus = [], []
    for _ in range(repeat):
        before()
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        del result
    return min(walls), min(cpus)


def event_floor(text: str) -> None:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.get_event() is not None:
            pass
    finally:
        loader.dispose()


def load_pure_python(path: Path) -> object:
    return load_glossary_text(path.read_text(encoding="utf-8"), str(path), pure_python=True)


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def verdict(target: float | None, seconds: float) -> str:
    if target is None:
        return ""
    return f"≤ {target:g} s: {'✅' if seconds <= target else '❌'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    parser.add_argument(
        "--python-up-to",
        type=int,
        default=100_000,
        help="skip the pure-Python parser above this many terms (it is ~10x slower)",
    )
    args = parser.parse_args(argv)
    if not hasattr(yaml, "CSafeLoader"):
        print("PyYAML has no libyaml binding here: only the pure-Python parser can be measured")
        return 1

    tune_collector()  # as `glossary-lsp` runs
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, best of {args.repeat}")
    header = (
        "| terms | file | load | load (CPU) | events only (CPU) | pure Python | pure/load "
        "| target: load |"
    )
    print(header)
    print("|---:" * 8 + "|")
    with tempfile.TemporaryDirectory() as directory:
        for n_terms in args.sizes:
            path = Path(directory) / f"glossary-{n_terms}.yaml"
            text = synthetic_glossary_yaml(n_terms)
            path.write_text(text, encoding="utf-8")
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            load, load_cpu = best_of(args.repeat, partial(load_glossary_file, path))
            _, floor_cpu = best_of(args.repeat, lambda t=text: event_floor(t))
            if n_terms <= args.python_up_to:
                py_wall, _ = best_of(max(1, args.repeat // 3), partial(load_pure_python, path))
                pure, ratio = milliseconds(py_wall), f"{py_wall / load:.1f}x"
            else:
                pure, ratio = "skipped", ""
            print(
                f"| {n_terms:,} | {size} | {milliseconds(load)} | {milliseconds(load_cpu)} "
                f"| {milliseconds(floor_cpu)} | {pure} | {ratio} "
                f"| {verdict(TARGET_SECONDS.get(n_terms), load)} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

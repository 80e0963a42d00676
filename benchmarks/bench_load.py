"""How long loading a glossary takes, by each way the loader has.

    python benchmarks/bench_load.py                      # 150, 10,000 and 100,000 terms
    python benchmarks/bench_load.py --sizes 150 10000 --repeat 5

Each glossary comes from `gen_glossary.synthetic_glossary_yaml` (the usual layout) and is loaded
from a file. Times are the best of `--repeat` runs, wall clock (CPU for the floor):

- load: `load_glossary_file` as the server calls it, cache off: read, decode, the layout reader,
  the `Glossary` and its name index. What every start pays for a file in the usual layout;
- libyaml: the same file through libyaml (`CSafeLoader`) and the event-level validator, what
  a file outside the layout (or with problems) pays on its first load;
- libyaml + store: that, plus writing the glossary cache entry (files of 1 MB or more);
- cache hit: such a file again, unchanged, from the cache;
- events only: the floor any PyYAML-based loader pays, only pulling libyaml's events;
- pure Python: PyYAML's pure-Python parser instead of libyaml (cache off).

The cache lives in a temporary directory here, never the user's. Target: 100,000 terms in
well under a second on first load. A goal printed beside the figures, never an assertion.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
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

from glossary_lsp import cache  # noqa: E402
from glossary_lsp.loader import load_glossary_file, load_glossary_text  # noqa: E402

TARGET_SECONDS = {100_000: 1.0}


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


def with_cache(directory: str | None, action: Callable[[], object]) -> Callable[[], object]:
    """`action` run with the glossary cache in `directory` (None: cache off)."""

    def run() -> object:
        os.environ[cache.CACHE_DIR_ENV] = directory or "off"
        return action()

    return run


def event_floor(text: str) -> None:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.get_event() is not None:
            pass
    finally:
        loader.dispose()


def load_pure_python(path: Path) -> object:
    return load_glossary_text(path.read_text(encoding="utf-8"), str(path), pure_python=True)


def load_libyaml(path: Path) -> object:
    return load_glossary_text(path.read_text(encoding="utf-8"), str(path), layout=False)


def store_libyaml(path: Path) -> object:
    """What `load_glossary_file` does with a file outside the layout: libyaml, then store."""
    data = path.read_bytes()
    glossary = load_glossary_text(data.decode("utf-8"), str(path), layout=False)
    cache.store(str(path), data, (), glossary)
    return glossary


def cache_hit(path: Path) -> object:
    glossary = cache.load(str(path), path.read_bytes(), ())
    if glossary is None:
        raise RuntimeError(f"no cache entry for {path}: the cache-hit figure would be a miss")
    return glossary


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

    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, best of {args.repeat}")
    header = (
        "| terms | file | load | libyaml | libyaml + store | cache hit "
        "| events only (CPU) | pure Python | pure/libyaml | target: load |"
    )
    print(header)
    print("|---:" * 10 + "|")
    with tempfile.TemporaryDirectory() as directory:
        cache_directory = str(Path(directory) / "cache")
        for n_terms in args.sizes:
            path = Path(directory) / f"glossary-{n_terms}.yaml"
            text = synthetic_glossary_yaml(n_terms)
            path.write_text(text, encoding="utf-8")
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            load, _ = best_of(args.repeat, with_cache(None, partial(load_glossary_file, path)))
            libyaml, _ = best_of(args.repeat, with_cache(None, partial(load_libyaml, path)))
            stored, _ = best_of(
                args.repeat,
                with_cache(cache_directory, partial(store_libyaml, path)),
                before=lambda: shutil.rmtree(cache_directory, ignore_errors=True),
            )
            hit = "not cached (< 1 MB)"
            if path.stat().st_size >= cache.MIN_CACHED_BYTES:
                seconds, _ = best_of(
                    args.repeat, with_cache(cache_directory, partial(cache_hit, path))
                )
                hit = milliseconds(seconds)
            _, floor_cpu = best_of(args.repeat, lambda t=text: event_floor(t))
            if n_terms <= args.python_up_to:
                pure_load = with_cache(None, lambda p=path: load_pure_python(p))
                py_wall, _ = best_of(max(1, args.repeat // 3), pure_load)
                pure, ratio = milliseconds(py_wall), f"{py_wall / libyaml:.1f}x"
            else:
                pure, ratio = "skipped", ""
            print(
                f"| {n_terms:,} | {size} | {milliseconds(load)} | {milliseconds(libyaml)} "
                f"| {milliseconds(stored)} | {hit} | {milliseconds(floor_cpu)} | {pure} | {ratio} "
                f"| {verdict(TARGET_SECONDS.get(n_terms), load)} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

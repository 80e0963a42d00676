"""How fast the exported glossary page is in Chromium, for a 10,000-term glossary.

    python benchmarks/export_page.py            # 84 modules, 10,000 terms (--terms, --modules)

Exports the synthetic course's page (every term, `--all-terms`) with `glossary-lsp export`,
then opens it in headless Chromium (the tests' `browser_helpers`) and reports: the export's
wall time, the page's size, the time from navigation to the load event and to the first
contentful paint, and the time one keystroke's filtering takes until the next frame is painted
(median of several queries). Goals, never assertions: a page that renders and filters in
under a second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from browser_helpers import browser, open_file, why_no_browser  # noqa: E402
from synthetic_course import build_course  # noqa: E402

# One keystroke: set the box's value, send the input event, and wait for the frame after it.
_FILTER = """async (query) => {
  const box = document.getElementById("glossary-search");
  const start = performance.now();
  box.value = query;
  box.dispatchEvent(new Event("input"));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  const shown = document.querySelectorAll(".term:not([hidden])").length;
  return [performance.now() - start, shown];
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=84)
    args = parser.parse_args(argv)
    if (reason := why_no_browser()) is not None:
        print(f"skipped: {reason}")
        return 1
    course = build_course(args.modules, args.terms)
    output = Path(tempfile.mkdtemp(prefix="glossary-export-")) / "glossary.html"
    command = [sys.executable, "-m", "glossary_lsp", "export", str(course.root), "--all-terms"]
    command += ["--glossary", str(course.glossary_path), "-o", str(output)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    export_seconds = time.perf_counter() - started
    print(f"export: {export_seconds:.2f} s, {output.stat().st_size / 1e6:.1f} MB, {output}")
    with browser() as chromium:
        page = open_file(chromium, output)
        timing = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              const paint = performance.getEntriesByName("first-contentful-paint")[0];
              return [nav.loadEventEnd, paint ? paint.startTime : null,
                      document.querySelectorAll(".term").length];
            }"""
        )
        load, paint, entries = timing
        print(f"page: {entries} entries; first paint {paint:.0f} ms, load event {load:.0f} ms")
        samples = []
        for query in ["a", "at", "att", "atte", "", "zz", "q", "fused", ""]:
            elapsed, shown = page.evaluate(_FILTER, query)
            samples.append(elapsed)
            print(f"  filter {query!r:9} {elapsed:6.1f} ms, {shown} shown")
        print(f"filter: median {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

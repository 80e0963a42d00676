"""Request latency while a course is indexed in the background: a thread, slices, processes.

    python benchmarks/bench_background.py [--modules 840] [--requests 300]

Issue 17, item 1: where should course-wide work run so that requests never queue behind it?
This measures the candidates without the server, with the same work the server does (read a
module, find its prose, find the terms in it). An asyncio loop answers hover-like requests
(`match_at` at a term in an open 30 KB module, and its term's key) that a separate client
process sends over a pipe every 10 ms; the client times each round trip. Meanwhile the loop's
process indexes the synthetic course (840 modules, 10,000 terms) in one of these ways:

- `idle`: nothing (the floor of this harness);
- `thread`: one background thread over all modules (what the server does today);
- `thread+sleep0`: the same, with `time.sleep(0)` between modules (hands the interpreter lock
  over at each module boundary);
- `loop slices`: on the event loop itself, one module per slice, `await asyncio.sleep(0)`
  between slices;
- `process pool (N)`: a `ProcessPoolExecutor` of N workers, each loading the glossary once and
  indexing chunks of 20 modules; only the term keys per module come back.

For each: round-trip median, p99 and max in ms, requests answered, and the indexing time.

`--edit` measures the work that follows an edit instead (issue 17, the hover tail's cause 2):
the course indexed in-process first, a thread diagnoses an edited ~30 KB module in the middle
of it again and again (`CourseDiagnostics.document`, which updates the index's copy of the
module too: what the server's analysis thread does after each settled edit) while requests are
timed, with the interpreter's switch interval (`sys.setswitchinterval`: how long a thread that
wants the interpreter lock waits before it asks the holder to drop it) at each of `--switch`
milliseconds; `time.sleep(0)` slices are the `thread+sleep0` idea at the rules' level. The
analyses done per second say what a shorter interval costs the analysis.

`--big` measures a large open document instead (issue 17's bad input: 1 MB, every word one of
10,000 acronyms): what the server's threads do once it is opened or edited, its own analysis
(`CourseDiagnostics.document`) and the index's terms of it (`WorkspaceIndex.update`), on two
threads at once or one after the other (`--threads 2 1`), at each switch interval of `--switch`
(default 1, 0.5, 0.25 ms) and each of the collector's thresholds in `--collector`
(`gen0,gen1,gen2`: the young generations' sizes bound how long one collection holds the
interpreter lock). Each request is read in `--hops` executor round trips (3: pygls reads a
message's header line, blank line and body on its reader thread), each of which waits for the
interpreter lock. The collector's longest pauses are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_course import WORK_DIR, build_course  # noqa: E402

from glossary_lsp.course.workspace import WorkspaceIndex  # noqa: E402
from glossary_lsp.features.base import GlossaryVersion  # noqa: E402
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings  # noqa: E402
from glossary_lsp.glossary.loader import load_glossary_file  # noqa: E402
from glossary_lsp.matching import TermMatcher  # noqa: E402
from glossary_lsp.text.documents import view_document  # noqa: E402

CHUNK = 20
CLIENT = textwrap.dedent(
    """
    import os, sys, time
    interval = float(sys.argv[1])
    to_server, from_server = int(sys.argv[2]), int(sys.argv[3])
    request = b"?" * (int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    reader = os.fdopen(from_server, "rb", buffering=0)
    times = []
    while True:
        started = time.perf_counter()
        try:
            os.write(to_server, request)
        except BrokenPipeError:
            break
        if not reader.read(1):
            break
        times.append((started, time.perf_counter() - started))
        time.sleep(max(0.0, interval - (time.perf_counter() - started)))
    print(" ".join(f"{sent:.6f}:{took:.6f}" for sent, took in times))
    """
)

_worker_matcher: TermMatcher | None = None


def _worker_start(glossary_path: str) -> None:
    global _worker_matcher
    _worker_matcher = TermMatcher(load_glossary_file(glossary_path))


def index_module(matcher: TermMatcher, path: str) -> frozenset[str]:
    source = Path(path).read_text(encoding="utf-8")
    return frozenset(
        match.term.key
        for region in view_document(path, source).regions
        for start, end in region.prose
        for match in matcher.find_all(region.text, start, end)
    )


def _index_chunk(paths: list[str]) -> dict[str, frozenset[str]]:
    assert _worker_matcher is not None
    return {path: index_module(_worker_matcher, path) for path in paths}


class Harness:
    def __init__(self, modules: int, requests: int) -> None:
        self.course = build_course(modules)
        self.paths = [str(path) for path in sorted(self.course.root.iterdir())]
        self.glossary_path = str(self.course.glossary_path)
        self.matcher = TermMatcher(load_glossary_file(self.glossary_path))
        self.requests = requests
        probe = Path(self.paths[len(self.paths) // 3])
        self.open_text = probe.read_text(encoding="utf-8")
        found = self.matcher.find_all(self.open_text)
        self.offsets = [match.start + 1 for match in found[:: max(1, len(found) // 50)]]
        self._edit: tuple[GlossaryVersion, WorkspaceIndex, Path, str] | None = None
        self._diagnostics = CourseDiagnostics()
        self.last_count = 0

    def hover(self, number: int) -> str | None:
        match = self.matcher.match_at(self.open_text, self.offsets[number % len(self.offsets)])
        return None if match is None else match.term.key

    async def run(self, mode: str) -> tuple[list[float], float]:
        loop = asyncio.get_running_loop()
        to_server_read, to_server_write = os.pipe()
        from_server_read, from_server_write = os.pipe()
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, "0.01"] + [str(to_server_write), str(from_server_read)],
            pass_fds=(to_server_write, from_server_read),
            stdout=subprocess.PIPE,
            text=True,
        )
        os.close(to_server_write)
        os.close(from_server_read)
        answered = 0

        def on_request() -> None:
            nonlocal answered
            if not os.read(to_server_read, 1):
                loop.remove_reader(to_server_read)
                return
            self.hover(answered)
            answered += 1
            os.write(from_server_write, b"!")

        loop.add_reader(to_server_read, on_request)
        await asyncio.sleep(0.3)  # the client is up and answered
        started = time.perf_counter()
        indexed = await self.index(mode)
        finished = time.perf_counter()
        assert indexed == len(self.paths) or mode == "idle" or mode.startswith("edit")
        self.last_count = indexed
        loop.remove_reader(to_server_read)
        os.close(from_server_write)
        output = await loop.run_in_executor(None, client.communicate)
        os.close(to_server_read)
        return _times_between(output[0], started, finished), finished - started

    def edited_module(self) -> tuple[GlossaryVersion, WorkspaceIndex, Path, str]:
        """The course indexed in-process, and a Markdown module in its middle (built once)."""
        if self._edit is None:
            version = GlossaryVersion.build(load_glossary_file(self.glossary_path))
            index = WorkspaceIndex([self.course.root])
            index.set_matcher(version.matcher, index=False)
            index.scan()
            middle = len(self.paths) // 2
            path = next(Path(p) for p in self.paths[middle:] if p.endswith(".md"))
            self._edit = (version, index, path, path.read_text(encoding="utf-8"))
            started = time.process_time()
            self.diagnose_edits(0)  # every earlier module's analysis, kept as the server keeps it
            print(f"first diagnostics of {path.name}: {time.process_time() - started:.1f} s CPU")
        return self._edit

    def diagnose_edits(self, seconds: float) -> int:
        """The edited module's own diagnostics, a new edit each time, for `seconds`."""
        version, index, path, source = self.edited_module()
        diagnostics, rules = self._diagnostics, RuleSettings.from_settings()
        done = 0
        deadline = time.perf_counter() + seconds
        while done == 0 or time.perf_counter() < deadline:
            view = view_document(str(path), source + f"\nAn edit, number {done}.\n")
            diagnostics.document(version, index, path, view, rules)
            done += 1
        return done

    async def index(self, mode: str) -> int:
        loop = asyncio.get_running_loop()
        if mode.startswith("edit"):
            seconds = self.requests * 0.01
            done: asyncio.Future[int] = loop.create_future()
            threading.Thread(
                target=lambda: loop.call_soon_threadsafe(
                    done.set_result, self.diagnose_edits(seconds)
                ),
                daemon=True,
            ).start()
            return await done
        if mode == "idle":
            await asyncio.sleep(self.requests * 0.01)
            return 0
        if mode.startswith("thread"):
            pause = mode.endswith("sleep0")

            def work() -> int:
                for path in self.paths:
                    index_module(self.matcher, path)
                    if pause:
                        time.sleep(0)
                return len(self.paths)

            done: asyncio.Future[int] = loop.create_future()
            threading.Thread(
                target=lambda: loop.call_soon_threadsafe(done.set_result, work()), daemon=True
            ).start()
            return await done
        if mode == "loop slices":
            for path in self.paths:
                index_module(self.matcher, path)
                await asyncio.sleep(0)
            return len(self.paths)
        workers = int(mode.split("(")[1].rstrip(")"))
        with ProcessPoolExecutor(
            workers, initializer=_worker_start, initargs=(self.glossary_path,)
        ) as pool:
            chunks = [self.paths[i : i + CHUNK] for i in range(0, len(self.paths), CHUNK)]
            results = await asyncio.gather(
                *(loop.run_in_executor(pool, _index_chunk, chunk) for chunk in chunks)
            )
        return sum(len(result) for result in results)


class BigDocument:
    """The 1 MB module whose every word is a term, opened and analysed as the server does."""

    def __init__(self) -> None:
        from bad_input import acronym_text, two_letter_glossary

        text, names = two_letter_glossary(10_000)
        root = WORK_DIR / "background-big" / "course"
        root.mkdir(parents=True, exist_ok=True)
        (root / "glossary.yaml").write_text(text, encoding="utf-8")
        (root / "01-intro.md").write_text(f"# Intro\n\nWe start with {names[0]}.\n")
        self.path = root / "02-every-word.md"
        self.source = acronym_text(names, "Every word a term", 250_000)
        self.path.write_text(self.source, encoding="utf-8")
        self.version = GlossaryVersion.build(load_glossary_file(root / "glossary.yaml"))
        self.root = root
        self.opened = 0
        self.index = WorkspaceIndex([root], matcher=self.version.matcher)
        self.index.scan()  # the course indexed before the document is opened

    def work(self, together: bool) -> None:
        """One opening: the own analysis and the index's terms, on two threads or one."""
        self.opened += 1
        text = self.source + f"\nOpened {self.opened} times.\n"
        index = self.index

        def analyse() -> None:
            view = view_document(str(self.path), text)
            rules = RuleSettings.from_settings()
            CourseDiagnostics().document(self.version, index, self.path, view, rules)

        def terms() -> None:
            index.update(self.path, text)

        if not together:
            analyse()
            terms()
            return
        threads = [threading.Thread(target=step) for step in (analyse, terms)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def big_document(args: argparse.Namespace) -> None:
    """Round trips while the large document is opened again and again, for each switch
    interval, collector thresholds and number of threads."""
    import gc

    big = BigDocument()
    print(
        f"{big.path.name}: {len(big.source) / 1e6:.1f} MB; round trips in ms, each request read"
        " in `hops` executor round trips (pygls reads a message's header, blank line and body so)"
    )
    before, interval = gc.get_threshold(), sys.getswitchinterval()
    for milliseconds in args.switch:
        for thresholds in args.collector:
            for threads, hops in [(t, h) for t in args.threads for h in args.hops]:
                sys.setswitchinterval(milliseconds / 1e3)
                gc.set_threshold(*(int(part) for part in thresholds.split(",")))
                pauses: list[tuple[float, int]] = []
                times, seconds = asyncio.run(big_round_trips(big, threads == 2, hops, pauses))
                label = (
                    f"switch {milliseconds:g} ms, {thresholds}, {threads} thread(s), {hops} hops"
                )
                summary(label, times, seconds)
                longest = sorted(pauses)[-3:]
                print(
                    f"  {'':<20} {len(pauses)} collections, "
                    f"{sum(pause for pause, _ in pauses) * 1e3:.0f} ms; longest "
                    + ", ".join(f"{p * 1e3:.1f} ms (gen {g})" for p, g in reversed(longest))
                )
    gc.set_threshold(*before)
    sys.setswitchinterval(interval)


async def big_round_trips(
    big: BigDocument, together: bool, hops: int, pauses: list[tuple[float, int]]
) -> tuple[list[float], float]:
    """The client's round trips while `big.work` runs, and how long it ran; the collector's
    pauses meanwhile into `pauses`."""
    import gc
    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.get_running_loop()
    to_server_read, to_server_write = os.pipe()
    from_server_read, from_server_write = os.pipe()
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, "0.01", str(to_server_write), str(from_server_read)]
        + [str(max(hops, 1))],
        pass_fds=(to_server_write, from_server_read),
        stdout=subprocess.PIPE,
        text=True,
    )
    os.close(to_server_write)
    os.close(from_server_read)
    reader = ThreadPoolExecutor(1)  # as pygls' stdin reader
    collecting: list[float] = []

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            pauses.append((time.perf_counter() - collecting.pop(), info["generation"]))

    async def serve() -> None:
        if hops == 0:  # read by the event loop itself, as `loop.connect_read_pipe` reads
            readable: asyncio.Queue[bytes] = asyncio.Queue()
            loop.add_reader(to_server_read, lambda: readable.put_nowait(os.read(to_server_read, 1)))
        while True:
            for _ in range(max(hops, 1)):
                if hops == 0:
                    got = await readable.get()
                else:
                    got = await loop.run_in_executor(reader, os.read, to_server_read, 1)
                if not got:
                    if hops == 0:
                        loop.remove_reader(to_server_read)
                    return
            try:
                os.write(from_server_write, b"!")
            except OSError:  # closed: the measurement is over
                return

    serving = asyncio.ensure_future(serve())
    await asyncio.sleep(0.3)  # the client is up and answered
    gc.callbacks.append(timed)
    started = time.perf_counter()
    await loop.run_in_executor(None, big.work, together)
    finished = time.perf_counter()
    gc.callbacks.remove(timed)
    os.close(from_server_write)
    output = await loop.run_in_executor(None, client.communicate)
    await serving
    os.close(to_server_read)
    reader.shutdown()
    return _times_between(output[0], started, finished), finished - started


def summary(label: str, times: list[float], index_seconds: float) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"  {label:<20} median {statistics.median(ordered):7.2f} ms  p99 {p99:7.2f} ms  "
        f"max {ordered[-1]:7.2f} ms  n={len(ordered):4d}  indexing {index_seconds:6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=840)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--modes",
        nargs="+",
        default=[
            "idle",
            "thread",
            "thread+sleep0",
            "loop slices",
            "process pool (1)",
            "process pool (2)",
        ],
    )
    parser.add_argument("--edit", action="store_true", help="the work after an edit instead")
    parser.add_argument("--switch", nargs="+", type=float, default=[5.0, 1.0, 0.5])
    parser.add_argument("--big", action="store_true", help="a large open document instead")
    parser.add_argument(
        "--collector", nargs="+", default=["100000,50,1000", "3000,5,1000"], help="with --big"
    )
    parser.add_argument("--threads", nargs="+", type=int, default=[2], help="with --big: 1, 2")
    parser.add_argument(
        "--hops", nargs="+", type=int, default=[3], help="with --big: reader thread hops (0: none)"
    )
    args = parser.parse_args()
    if args.big:
        if args.switch == parser.get_default("switch"):
            args.switch = [1.0, 0.5, 0.25]
        big_document(args)
        return
    harness = Harness(args.modules, args.requests)
    print(f"{len(harness.paths)} modules, {harness.course.megabytes:.1f} MB; round trips in ms")
    if args.edit:
        harness.edited_module()
        default = sys.getswitchinterval()
        for milliseconds in args.switch:
            sys.setswitchinterval(milliseconds / 1e3)
            times, seconds = asyncio.run(harness.run("idle"))
            summary(f"idle (switch {milliseconds:g} ms)", times, seconds)
            times, seconds = asyncio.run(harness.run("edit"))
            label = f"edits (switch {milliseconds:g} ms)"
            summary(label, times, seconds)
            print(f"  {'':<20} {harness.last_count / seconds:.1f} analyses per second")
        sys.setswitchinterval(default)
        return
    for mode in args.modes:
        times, index_seconds = asyncio.run(harness.run(mode))
        summary(mode, times, index_seconds)


def _times_between(output: str, started: float, finished: float) -> list[float]:
    """The probe's `sent:took` pairs sent between `started` and `finished`, in milliseconds."""
    times = []
    for pair in output.split():
        sent, took = map(float, pair.split(":"))
        if started <= sent <= finished:
            times.append(took * 1e3)
    return times


if __name__ == "__main__":
    main()

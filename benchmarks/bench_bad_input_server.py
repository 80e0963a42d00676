"""The issue's bad inputs, through the real server, paired with the bare pygls floor (issue 17).

    python benchmarks/bench_bad_input_server.py [--quick] [--only acronyms big burst]
        [--burst-seconds 10]

- `acronyms`: a glossary of 10,000 acronyms (the 936 of two characters, then three-letter ones:
  `bad_input.two_letter_glossary`) over the 840-module synthetic course, so that the term
  automaton hits nearly every word; hover and completion while the course indexes and after an
  edit, in the last module, opened with a sentence of two acronyms on its third line.
- `big`: one module of 1 MB whose every word is one of those acronyms
  (`bad_input.acronym_text`); hover and completion while it is first analysed and after an
  edit, with the times to its diagnostics.
- `burst`: the 840-module course with its 10,000-term synthetic glossary, indexed, and a module
  in its middle edited 100 times a second for `--burst-seconds` (a sentence inserted below the
  probe line each time, with a term introduced later in the course); hover and completion
  alternate with the floor throughout. Every `textDocument/publishDiagnostics` for the module
  is kept: after the burst the last must carry the last version, and the same diagnostics as a
  re-analysis of the final text (a no-op edit, one version later); no publication may carry a
  version older than one received before it. RSS (the server's and its workers') is sampled
  every second; the server's peak (VmHWM) at half the burst and at its end.

Targets (issue 17): hover median ≤ 2× the floor and p99 ≤ 20 ms, completion median ≤ 3×.
Times are wall clock on whatever machine runs this: say how loaded it was.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_input import acronym_text, two_letter_glossary  # noqa: E402
from run import (  # noqa: E402
    FLOOR_COMMAND,
    SERVER_COMMAND,
    Latency,
    Probe,
    Session,
    _send_edit,
    _status_field_mb,
    interleaved,
    ms,
)
from synthetic_course import (  # noqa: E402
    WORK_DIR,
    SyntheticCourse,
    build_course,
    utf16_length,
)

HOVER_P99_MS = 20.0
TARGETS = {"hover": 2.0, "completion": 3.0}
EDITS_PER_SECOND = 100
QUIET_SECONDS = 3.0  # no publication for this long after a burst: the server is done with it


@dataclass
class Row:
    scenario: str
    phase: str
    method: str
    latency: Latency
    seconds: float

    def cells(self) -> list[str]:
        latency = self.latency
        server_p99 = latency.p99(latency.server) * 1e3
        met = latency.ratio_median <= TARGETS[self.method]
        if self.method == "hover":
            met = met and server_p99 <= HOVER_P99_MS
        return [
            self.scenario,
            f"{self.method} {self.phase} ({self.seconds:.1f} s)",
            ms(latency.median(latency.floor)),
            ms(latency.median(latency.server)),
            f"{latency.ratio_median:.2f}×",
            ms(latency.p99(latency.floor)),
            ms(latency.p99(latency.server)),
            f"{latency.wrong}/{len(latency.server)}",
            "✅" if met else "❌",
        ]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print("  " + text, flush=True)

    def print(self) -> None:
        header = [
            "input",
            "request (phase, duration)",
            "floor median",
            "server median",
            "ratio",
            "floor p99",
            "server p99",
            "wrong",
            "met",
        ]
        print("\n| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in self.rows:
            print("| " + " | ".join(row.cells()) + " |")
        print()
        for text in self.notes:
            print(f"- {text}")


COURSE_CHANGED = "glossaryLsp/courseChanged"  # sent when the course is (re)indexed


@dataclass
class CourseSession(Session):
    """A `run.Session` that notes when the server says the course was indexed."""

    indexed: asyncio.Event = field(default_factory=asyncio.Event)

    def _register_client_features(self) -> None:
        super()._register_client_features()
        self.client.feature(COURSE_CHANGED)(lambda params: self.indexed.set())


@contextlib.asynccontextmanager
async def running(name: str, command: list[str], root: Path, options: dict):
    session = CourseSession(name, command, root, options)
    await session.start()
    try:
        await session.initialize(120)
        yield session
    finally:
        await session.close()


def options(glossary: Path) -> dict:
    return {"glossaries": [str(glossary)], "includeBundled": True}


def with_probe_line(text: str, sentence: str) -> str:
    """`text` with `sentence` as its third line (after the heading and a blank line)."""
    heading, _, rest = text.partition("\n")
    return f"{heading}\n\n{sentence}\n{rest}"


def probes_at(path: Path, sentence: str, term: str, expected: str) -> tuple[Probe, Probe]:
    """A hover inside `term` on line 2 (where `with_probe_line` put `sentence`), and a
    completion after its first two characters."""
    column = utf16_length(sentence[: sentence.index(term)])
    return Probe(path, 2, column + 1, expected), Probe(path, 2, column + 2, expected)


async def measure(
    report: Report,
    scenario: str,
    phase: str,
    floor: Session,
    server: Session,
    probes: tuple[Probe, Probe],
    rounds: int,
) -> None:
    for method, probe in zip(("hover", "completion"), probes, strict=True):
        started = time.perf_counter()
        latency = await interleaved(floor, server, method, [probe], rounds, 0)
        row = Row(scenario, phase, method, latency, time.perf_counter() - started)
        report.rows.append(row)
        print("  " + " | ".join(row.cells()), flush=True)


def edit_below(
    sessions: tuple[Session, ...],
    uri: str,
    lines: list[str],
    line: int,
    insertion: str,
    version: int,
) -> None:
    """Insert `insertion` at the start of `line` (0-based), in `lines` and in every session."""
    lines[line] = insertion + lines[line]
    text = "\n".join(lines)
    for session in sessions:
        _send_edit(session, uri, version, line, insertion, text)


def publications_of(session: Session, uri: str) -> list[types.PublishDiagnosticsParams]:
    path = Path(uri.removeprefix("file://")).resolve()
    return [
        params
        for params in session.diagnostics
        if Path(params.uri.removeprefix("file://")).resolve() == path
    ]


async def first_publication(
    session: Session, uri: str, accept: Callable[[int | None], bool], timeout: float
) -> float | None:
    return await session.wait_for_diagnostics(uri, lambda version, at: accept(version), timeout)


# -- (a) 10,000 acronyms over the 840-module course ---------------------------------------------


def acronym_glossary(count: int) -> tuple[Path, list[str]]:
    text, names = two_letter_glossary(count)
    path = WORK_DIR / f"acronyms-{count}" / "glossary.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path, names


async def bench_acronyms(report: Report, course: SyntheticCourse, rounds: int) -> None:
    glossary, names = acronym_glossary(10_000)
    sentence = f"We compare {names[100]} with {names[2000]} in this module."
    text = with_probe_line(course.probe_path.read_text(encoding="utf-8"), sentence)
    probes = probes_at(course.probe_path, sentence, names[100], names[100])
    print(f"… acronyms: {len(names):,} acronyms over {course.n_modules} modules", flush=True)
    async with (
        running("floor", FLOOR_COMMAND, course.root, options(glossary)) as floor,
        running("server", SERVER_COMMAND, course.root, options(glossary)) as server,
    ):
        for session in (floor, server):
            session.open(course.probe_path, text)
        await measure(report, "10,000 acronyms", "while indexing", floor, server, probes, rounds)
        lines = text.split("\n")
        edit_below((floor, server), probes[0].uri, lines, 4, f"Edit with {names[7]}. ", 2)
        await measure(report, "10,000 acronyms", "after an edit", floor, server, probes, rounds)
        report.note(f"10,000 acronyms: server peak RSS {server.peak_rss_mb():.0f} MB")


# -- (b) a module of 1 MB, every word a term ------------------------------------------------------


def big_module(names: list[str], size: int) -> tuple[Path, Path]:
    """A course folder with an introduction and a module of about `size` bytes of acronyms."""
    root = WORK_DIR / f"every-word-a-term-{size}" / "course"
    root.mkdir(parents=True, exist_ok=True)
    (root / "01-intro.md").write_text(f"# Intro\n\nWe start with {names[0]}.\n", encoding="utf-8")
    words = size // 4  # names average ~3.9 bytes with their space
    text = acronym_text(names, "Every word a term", words)
    path = root / "02-every-word.md"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return root, path


async def bench_big(report: Report, rounds: int, size: int) -> None:
    glossary, names = acronym_glossary(10_000)
    root, path = big_module(names, size)
    sentence = f"We compare {names[100]} with {names[2000]} here."
    text = with_probe_line(path.read_text(encoding="utf-8"), sentence)
    probes = probes_at(path, sentence, names[100], names[100])
    label = f"{len(text.encode()) / 1e6:.1f} MB, every word a term"
    print(f"… {label}", flush=True)
    async with (
        running("floor", FLOOR_COMMAND, root, options(glossary)) as floor,
        running("server", SERVER_COMMAND, root, options(glossary)) as server,
    ):
        opened = time.perf_counter()
        for session in (floor, server):
            session.open(path, text)
        await measure(report, label, "while analysed", floor, server, probes, rounds)
        first = await first_publication(server, path.as_uri(), lambda v: v == 1, 120)
        lines = text.split("\n")
        sent = time.perf_counter()
        edit_below((floor, server), probes[0].uri, lines, 4, f"Edit with {names[7]}. ", 2)
        await measure(report, label, "after an edit", floor, server, probes, rounds)
        edited = await first_publication(server, path.as_uri(), lambda v: v == 2, 120)
        found = publications_of(server, path.as_uri())
        report.note(
            f"{label}: open → diagnostics "
            + (f"{first - opened:.2f} s" if first else "none in 120 s")
            + ", edit → diagnostics "
            + (f"{edited - sent:.2f} s" if edited else "none in 120 s")
            + f" ({len(found[-1].diagnostics) if found else 0} diagnostics);"
            f" server peak RSS {server.peak_rss_mb():.0f} MB"
        )


# -- (c) an edit burst -------------------------------------------------------------------------


def children_rss_mb(pid: int) -> float:
    """The resident memory of a process's children (the pool's workers)."""
    total = 0.0
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        children = {c for task in tasks for c in (task / "children").read_text().split()}
    except OSError:
        return math.nan
    for child in children:
        total += _status_field_mb(int(child), "VmRSS") or 0.0
    return total


def burst_module(course: SyntheticCourse) -> Path:
    """A Markdown module in the middle of the course."""
    number = course.n_modules // 2
    for candidate in range(number, course.n_modules):
        found = sorted(course.root.glob(f"{candidate:04d}-*.md"))
        if found:
            return found[0]
    raise FileNotFoundError("no Markdown module in the second half of the course")


async def wait_until_indexed(server: CourseSession, uri: str) -> None:
    """Until the course is indexed and the publications for `uri` have stopped (the pass
    over every module that follows the indexing analyses the open documents again)."""
    await asyncio.wait_for(server.indexed.wait(), 300)
    await wait_quiet(server, uri, QUIET_SECONDS, 120)


async def send_burst(
    sessions: tuple[Session, ...],
    uri: str,
    lines: list[str],
    term: str,
    seconds: float,
    samples: list[tuple[float, float, float]],
    server: Session,
) -> int:
    """Edits at `EDITS_PER_SECOND` for `seconds`; returns the last version sent. Samples the
    server's RSS, its workers' RSS and its peak once a second."""
    started = time.perf_counter()
    count = int(seconds * EDITS_PER_SECOND)
    version = 1
    for number in range(count):
        version = number + 2
        line = 4 + number % 50  # below the probe line, spread over the module's first lines
        edit_below(sessions, uri, lines, line, f"Edit {number} uses {term}. ", version)
        if number % EDITS_PER_SECOND == 0:
            rss = _status_field_mb(server.pid, "VmRSS") or math.nan
            samples.append((rss, children_rss_mb(server.pid), server.peak_rss_mb() or math.nan))
        pause = started + (number + 1) / EDITS_PER_SECOND - time.perf_counter()
        await asyncio.sleep(max(0.0, pause))
    samples.append(
        (
            _status_field_mb(server.pid, "VmRSS") or math.nan,
            children_rss_mb(server.pid),
            server.peak_rss_mb() or math.nan,
        )
    )
    return version


async def requests_during(
    report: Report,
    label: str,
    floor: Session,
    server: Session,
    probes: tuple[Probe, Probe],
    burst: asyncio.Task,
) -> None:
    """Hover and completion, alternating with the floor, until the burst ends. An answer of
    "content modified" (the document changed while it was computed: the editor asks again) is
    timed like any answer and counted in the `wrong` column."""
    totals = {method: Latency([], [], 0) for method in TARGETS}
    started = time.perf_counter()
    turn = 0
    while not burst.done():
        for method, probe in zip(TARGETS, probes, strict=True):
            order = (floor, server) if turn % 2 == 0 else (server, floor)
            turn += 1
            for session in order:
                sent = time.perf_counter()
                try:
                    await session.request(method, probe)
                    modified = False
                except JsonRpcException:
                    modified = True
                elapsed = time.perf_counter() - sent
                latency = totals[method]
                (latency.floor if session is floor else latency.server).append(elapsed)
                latency.wrong += modified and session is server
    seconds = time.perf_counter() - started
    for method, latency in totals.items():
        report.rows.append(Row(label, "during the burst", method, latency, seconds))
        print("  " + " | ".join(report.rows[-1].cells()), flush=True)


async def wait_quiet(session: Session, uri: str, quiet: float, timeout: float) -> None:
    """Until no publication for `uri` arrived for `quiet` seconds."""
    deadline = time.perf_counter() + timeout
    seen = len(publications_of(session, uri))
    last_change = time.perf_counter()
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
        now = len(publications_of(session, uri))
        if now != seen:
            seen, last_change = now, time.perf_counter()
        elif time.perf_counter() - last_change >= quiet:
            return


def diagnostic_keys(params: types.PublishDiagnosticsParams) -> list[tuple]:
    return sorted(
        (
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            str(d.code),
            d.message,
        )
        for d in params.diagnostics
    )


def versions_in_order(found: list[types.PublishDiagnosticsParams]) -> bool:
    """No publication carries a version older than one received before it."""
    newest = -1
    for params in found:
        if params.version is None:
            continue
        if params.version < newest:
            return False
        newest = params.version
    return True


async def bench_burst(
    report: Report, course: SyntheticCourse, seconds: float, label_prefix: str = ""
) -> None:
    path = burst_module(course)
    sentence = f"We come back to {course.target_term} in this module."
    text = with_probe_line(path.read_text(encoding="utf-8"), sentence)
    expected = course.target_term
    probes = probes_at(path, sentence, course.target_term, expected)
    uri = path.as_uri()
    label = f"{label_prefix}burst {EDITS_PER_SECOND}/s × {seconds:g} s"
    print(f"… {label} in {path.name}", flush=True)
    async with (
        running("floor", FLOOR_COMMAND, course.root, options(course.glossary_path)) as floor,
        running("server", SERVER_COMMAND, course.root, options(course.glossary_path)) as server,
    ):
        for session in (floor, server):
            session.open(course.probe_path)
            session.open(path, text)
        await wait_until_indexed(server, uri)
        before = len(publications_of(server, uri))
        lines = text.split("\n")
        samples: list[tuple[float, float, float]] = []
        burst_started = time.perf_counter()
        burst = asyncio.ensure_future(
            send_burst((floor, server), uri, lines, course.target_term, seconds, samples, server)
        )
        await requests_during(report, label, floor, server, probes, burst)
        last_version = await burst
        burst_ended = time.perf_counter()
        first_final = await first_publication(server, uri, lambda v: v == last_version, 60)
        await wait_quiet(server, uri, QUIET_SECONDS, 60)
        during = publications_of(server, uri)[before:]
        final = during[-1] if during else None
        # the final text analysed again, one version later, by a no-op edit
        check_version = last_version + 1
        edit_below((floor, server), uri, lines, 4, "", check_version)
        again = await first_publication(server, uri, lambda v: v == check_version, 30)
        reference = publications_of(server, uri)[-1] if again else None
        verdicts = {
            "last publication carries the last version": final is not None
            and final.version == last_version,
            "its diagnostics are those of the final text": final is not None
            and reference is not None
            and diagnostic_keys(final) == diagnostic_keys(reference),
            "no version older than an earlier one": versions_in_order(during),
        }
        if (
            final is not None
            and reference is not None
            and not verdicts["its diagnostics are those of the final text"]
        ):
            only_final = set(diagnostic_keys(final)) - set(diagnostic_keys(reference))
            only_again = set(diagnostic_keys(reference)) - set(diagnostic_keys(final))
            report.note(f"{label}: only in the last: {only_final}; only after again: {only_again}")
        arrivals = [at for u, v, at in server.published[-len(during) :]] if during else []
        half = samples[len(samples) // 2] if samples else (math.nan,) * 3
        end = samples[-1] if samples else (math.nan,) * 3
        report.note(
            f"{label}: {last_version - 1} edits sent in {burst_ended - burst_started:.1f} s; "
            f"{len(during)} publications for the module after the burst started (versions "
            f"{[p.version for p in during]}), the last "
            + (f"{arrivals[-1] - burst_ended:.2f} s after the burst" if arrivals else "—")
            + " (the first of the last version "
            + (f"{first_final - burst_ended:.2f} s after it)" if first_final else "never)")
            + f" with {len(final.diagnostics) if final else 0} diagnostics; "
            + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in verdicts.items())
        )
        report.note(
            f"{label}: server RSS at half the burst {half[0]:.0f} MB (peak {half[2]:.0f} MB), at "
            f"its end {end[0]:.0f} MB (peak {end[2]:.0f} MB); workers {half[1]:.0f} → "
            f"{end[1]:.0f} MB; samples (server MB) {[round(s[0]) for s in samples]}"
        )


async def main_async(args: argparse.Namespace) -> int:
    report = Report()
    rounds = 60 if args.quick else 200
    n_modules = 84 if args.quick else 840
    course = build_course(n_modules)
    if "acronyms" in args.only:
        await bench_acronyms(report, course, rounds)
    if "big" in args.only:
        await bench_big(report, rounds, 100_000 if args.quick else 1_000_000)
    if "burst" in args.only:
        for seconds in args.burst_seconds:
            await bench_burst(report, course, seconds)
    report.print()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="84 modules, 100 KB, 60 rounds")
    parser.add_argument(
        "--only", nargs="+", default=["acronyms", "big", "burst"], help="acronyms big burst"
    )
    parser.add_argument(
        "--burst-seconds", nargs="+", type=float, default=[5.0, 10.0], help="one run per length"
    )
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmarks for glossary-lsp, through a real LSP client over stdio.

    python benchmarks/run.py [--quick] [--full] [-o BENCHMARKS.md]

Every latency is a ratio to the floor (`benchmarks/floor_server.py`, a bare pygls server with
constant answers), measured in the same run by alternating requests between the two live
servers. Targets are printed beside each figure; nothing here asserts them.

`--quick` is a smoke run with small counts; `--full` adds the 8,400-module course (~250 MB on
disk under `benchmarks/.work/`). See `benchmarks/README.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import importlib.metadata
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_course import (  # noqa: E402
    SyntheticCourse,
    build_course,
    build_glossary,
    build_large_module,
    build_shaped_course,
    course_files,
    glossary_terms,
    utf16_length,
)

REPO = Path(__file__).resolve().parent.parent
SAMPLE_COURSE = REPO / "examples" / "course"
FLOOR_COMMAND = [sys.executable, str(REPO / "benchmarks" / "floor_server.py")]
SERVER_COMMAND = [sys.executable, "-m", "glossary_lsp"]
REQUEST_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0
RETRY_PAUSE = 0.005

# (module file, text that locates the line, the term inside it, the canonical term a hover names)
HOVER_PROBES = (
    ("05-distributed-training.md", "🖥️ FSDP shards", "FSDP", "FSDP"),
    ("05-distributed-training.md", "[FSDP](", "FSDP", "FSDP"),
    ("05-distributed-training.md", "FSDP's communication", "FSDP", "FSDP"),
    ("03-self-attention.md", "strategies such as FSDP", "FSDP", "FSDP"),
    ("05-distributed-training.md", "Parallel (DDP)", "DDP", "DDP"),
    ("03-self-attention.md", "FlashAttention avoids", "FlashAttention", "FlashAttention"),
    ("01-tokenization.md", "Encoding (BPE)", "BPE", "BPE"),
    ("03-self-attention.md", "shrinks the KV", "KV", "KV cache"),
    ("02-embeddings.md", "(GEMMs)", "GEMMs", "GEMM"),
    ("04-high-level-overview.md", "6 FLOPs per", "FLOPs", "FLOP"),
    ("06-serving.ipynb", "**PagedAttention** stores", "PagedAttention", "PagedAttention"),
)
STARTUP_PROBE = HOVER_PROBES[0]


# ---------------------------------------------------------------------------------------------
# An LSP session with one server process


@dataclass(frozen=True)
class Probe:
    path: Path
    line: int
    character: int  # UTF-16 code units
    expected: str  # the canonical term a correct hover names; "" accepts any answer

    @property
    def uri(self) -> str:
        return self.path.as_uri()


def find_probe(path: Path, anchor: str, needle: str, expected: str, offset: int = 0) -> Probe:
    """The position of `needle` (plus `offset` characters) in the line that contains `anchor`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
        if anchor in line:
            column = line.index(anchor) + anchor.index(needle) + offset
            return Probe(path, number, utf16_length(line[:column]), expected)
    raise ValueError(f"{anchor!r} not found in {path}")


@dataclass
class Session:
    """A server process driven by a pygls `LanguageClient` over stdio."""

    name: str
    command: Sequence[str]
    root: Path
    initialization_options: dict | None = None
    client: LanguageClient = field(init=False)
    started_at: float = 0.0
    initialized_at: float = 0.0
    pid: int = 0
    text_sync: types.TextDocumentSyncKind = types.TextDocumentSyncKind.Full
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=40))
    published: list[tuple[str, int | None, float]] = field(default_factory=list)
    diagnostics: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    _published_event: asyncio.Event = field(default_factory=asyncio.Event)
    progress_ended: list[float] = field(default_factory=list)  # when each work-done progress ended
    _progress_ended_event: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    async def start(self) -> None:
        self.client = LanguageClient("glossary-lsp-benchmarks", "1.0")
        self._register_client_features()
        self.started_at = time.perf_counter()
        await self.client.start_io(*self.command, cwd=str(REPO))
        process = self.client._server
        assert process is not None
        self.pid = process.pid
        if process.stderr is not None:
            self._tasks.append(asyncio.create_task(self._drain(process.stderr)))

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def _register_client_features(self) -> None:
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.append((params.uri, params.version, time.perf_counter()))
            self.diagnostics.append(params)  # in the order received, beside `published`
            self._published_event.set()

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[Any]:
            return [
                self.initialization_options if item.section == "glossaryLsp" else None
                for item in params.items
            ]

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_progress_create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

        @client.feature(types.PROGRESS)
        def on_progress(params: types.ProgressParams) -> None:
            value = params.value
            kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
            if kind == "end":
                self.progress_ended.append(time.perf_counter())
                self._progress_ended_event.set()

        for method in (types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            client.feature(method)(lambda params: None)

    async def initialize(self, timeout: float = 30.0) -> types.InitializeResult:
        params = types.InitializeParams(
            process_id=os.getpid(),
            root_uri=self.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)],
            initialization_options=self.initialization_options,
            capabilities=_client_capabilities(),
            client_info=types.ClientInfo(name="glossary-lsp-benchmarks", version="1.0"),
        )
        result = await asyncio.wait_for(self.client.initialize_async(params), timeout)
        self.client.initialized(types.InitializedParams())
        self.initialized_at = time.perf_counter()
        self.text_sync = _sync_kind(result.capabilities.text_document_sync)
        return result

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        text = path.read_text(encoding="utf-8") if text is None else text
        language = "json" if path.suffix == ".ipynb" else "markdown"
        document = types.TextDocumentItem(
            uri=path.as_uri(), language_id=language, version=version, text=text
        )
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=document))
        return text

    async def request(self, method: str, probe: Probe, timeout: float = REQUEST_TIMEOUT) -> Any:
        document = types.TextDocumentIdentifier(uri=probe.uri)
        position = types.Position(line=probe.line, character=probe.character)
        client = self.client
        if method == "hover":
            call = client.text_document_hover_async(types.HoverParams(document, position))
        elif method == "definition":
            call = client.text_document_definition_async(types.DefinitionParams(document, position))
        elif method == "completion":
            call = client.text_document_completion_async(types.CompletionParams(document, position))
        elif method == "references":
            context = types.ReferenceContext(include_declaration=True)
            call = client.text_document_references_async(
                types.ReferenceParams(context=context, text_document=document, position=position)
            )
        else:
            raise ValueError(method)
        return await asyncio.wait_for(call, timeout)

    async def wait_for_diagnostics(
        self, uri: str, accept: Callable[[int | None, float], bool], timeout: float
    ) -> float | None:
        """When the first publication for `uri` that `accept`s (version, time) arrived, or None."""
        deadline = time.perf_counter() + timeout
        seen = 0
        while True:
            for published_uri, version, at in self.published[seen:]:
                if _same_file(published_uri, uri) and accept(version, at):
                    return at
            seen = len(self.published)
            self._published_event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._published_event.wait(), remaining)

    async def wait_for_progress_end(self, timeout: float) -> float | None:
        """When the first work-done progress (the course's indexing) ended, or None."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._progress_ended_event.wait(), timeout)
        return self.progress_ended[0] if self.progress_ended else None

    def peak_rss_mb(self) -> float | None:
        return _status_field_mb(self.pid, "VmHWM")

    def alive(self) -> bool:
        process = self.client._server
        return process is not None and process.returncode is None

    async def close(self) -> None:
        process = self.client._server
        if process is not None and process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.client.shutdown_async(None), SHUTDOWN_TIMEOUT)
                self.client.exit(None)
            try:
                await asyncio.wait_for(process.wait(), SHUTDOWN_TIMEOUT)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.stop(), SHUTDOWN_TIMEOUT)
        for task in self._tasks:
            task.cancel()


def _client_capabilities() -> types.ClientCapabilities:
    markdown = [types.MarkupKind.Markdown, types.MarkupKind.PlainText]
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf16]
        ),
        workspace=types.WorkspaceClientCapabilities(workspace_folders=True, configuration=True),
        window=types.WindowClientCapabilities(work_done_progress=True),  # as VS Code and Neovim
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(),
            hover=types.HoverClientCapabilities(content_format=markdown),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=False, documentation_format=markdown
                )
            ),
            definition=types.DefinitionClientCapabilities(link_support=False),
            references=types.ReferenceClientCapabilities(),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
        ),
    )


def _sync_kind(sync: Any) -> types.TextDocumentSyncKind:
    if isinstance(sync, types.TextDocumentSyncKind):
        return sync
    if isinstance(sync, types.TextDocumentSyncOptions) and sync.change is not None:
        return sync.change
    return types.TextDocumentSyncKind.Full


def _status_field_mb(pid: int, name: str) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
    return None


def _same_file(uri_a: str, uri_b: str) -> bool:
    return _uri_path(uri_a) == _uri_path(uri_b)


def _uri_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)).resolve()


# ---------------------------------------------------------------------------------------------
# Answer checks


def hover_text(result: Any) -> str:
    if result is None:
        return ""
    contents = result.contents
    if isinstance(contents, types.MarkupContent):
        return contents.value
    if isinstance(contents, str):
        return contents
    if isinstance(contents, types.MarkedStringWithLanguage):
        return contents.value
    return "\n".join(hover_text(types.Hover(contents=part)) for part in contents)


def hover_names(result: Any, expected: str) -> bool:
    text = hover_text(result)
    return bool(text) and (not expected or expected.lower() in text.lower())


def definition_uris(result: Any) -> list[str]:
    if result is None:
        return []
    items = result if isinstance(result, (list, tuple)) else [result]  # lists arrive as tuples
    return [item.target_uri if isinstance(item, types.LocationLink) else item.uri for item in items]


def completion_items(result: Any) -> list[types.CompletionItem]:
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


def is_answer(method: str, probe: Probe, result: Any) -> bool:
    if method == "hover":
        return hover_names(result, probe.expected)
    if method == "completion":
        items = completion_items(result)
        expected = probe.expected.lower()
        if not items or not expected:
            return bool(items)
        # a truncated list of many candidates for a short prefix may leave out the probe's term
        truncated = isinstance(result, types.CompletionList) and result.is_incomplete
        return truncated or any(expected in item.label.lower() for item in items)
    return bool(definition_uris(result))


# ---------------------------------------------------------------------------------------------
# Measurements


@dataclass
class Latency:
    floor: list[float]
    server: list[float]
    wrong: int  # server answers that failed the answer check
    wrong_terms: set[str] = field(default_factory=set)  # the expected terms of those answers

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else math.nan

    @staticmethod
    def p99(values: list[float]) -> float:
        if not values:
            return math.nan
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]

    @property
    def ratio_median(self) -> float:
        return self.median(self.server) / self.median(self.floor)

    @property
    def ratio_p99(self) -> float:
        return self.p99(self.server) / self.p99(self.floor)


async def timed(call: Awaitable[Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await call
    return time.perf_counter() - started, result


async def interleaved(
    floor: Session,
    server: Session,
    method: str,
    probes: Sequence[Probe],
    rounds: int,
    warmup: int,
    check: bool = True,
) -> Latency:
    """`rounds` requests to each server, alternating which one goes first, cycling the probes."""
    latency = Latency([], [], 0)
    for index in range(warmup + rounds):
        probe = probes[index % len(probes)]
        order = (floor, server) if index % 2 == 0 else (server, floor)
        for session in order:
            elapsed, result = await timed(session.request(method, probe))
            if index < warmup:
                continue
            if session is floor:
                latency.floor.append(elapsed)
            else:
                latency.server.append(elapsed)
                if check and not is_answer(method, probe, result):
                    latency.wrong += 1
                    latency.wrong_terms.add(probe.expected)
    return latency


async def retry_until(
    session: Session,
    method: str,
    probe: Probe,
    accept: Callable[[Any], bool],
    timeout: float,
    pause: float = RETRY_PAUSE,
    max_errors: int = 20,
) -> float:
    """The `perf_counter` time at which a `method` request at `probe` first got an accepted
    answer; errors count as "not yet" until `max_errors` of them in a row."""
    deadline = time.perf_counter() + timeout
    errors = 0
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"{session.name}: no accepted {method} within {timeout:.0f} s")
        try:
            result = await session.request(method, probe, timeout=max(0.1, remaining))
            errors = 0
        except JsonRpcException as error:
            errors += 1
            if errors >= max_errors:
                raise RuntimeError(f"{session.name}: {method} keeps failing: {error}") from error
            result = None
        if result is not None and accept(result):
            return time.perf_counter()
        await asyncio.sleep(pause)


async def until_correct_hover(session: Session, probe: Probe, timeout: float) -> float:
    """Seconds from process start until a hover at `probe` names the expected term."""
    accepted = await retry_until(
        session, "hover", probe, lambda result: hover_names(result, probe.expected), timeout
    )
    return accepted - session.started_at


async def start_session(
    name: str,
    command: Sequence[str],
    root: Path,
    options: dict | None,
    timeout: float = 120.0,
) -> Session:
    session = Session(name, command, root, options)
    await session.start()
    try:
        await session.initialize(timeout)
    except BaseException:
        await session.close()
        raise
    return session


@contextlib.asynccontextmanager
async def running(name: str, command: Sequence[str], root: Path, options: dict | None = None):
    session = await start_session(name, command, root, options)
    try:
        yield session
    finally:
        await session.close()


# ---------------------------------------------------------------------------------------------
# The benchmarks


@dataclass
class Config:
    server_command: list[str]
    quick: bool
    full: bool
    self_check: bool  # the "server" is another floor: checks accept any answer
    only: Sequence[str] = ()  # run only these sections (names of the bench_ functions)

    @property
    def rounds(self) -> int:
        return 60 if self.quick else 300

    @property
    def warmup(self) -> int:
        return 10 if self.quick else 30

    @property
    def startups(self) -> int:
        return 1 if self.quick else 3

    @property
    def course_sizes(self) -> list[int]:
        if self.quick:
            return [84]
        return [84, 840, 8400] if self.full else [84, 840]

    @property
    def glossary_sizes(self) -> list[int]:
        return [150, 10_000] if self.quick else [150, 10_000, 100_000]

    @property
    def edits(self) -> int:
        return 3 if self.quick else 10

    def expected(self, term: str) -> str:
        return "" if self.self_check else term

    def server_options(self, glossaries: Sequence[Path] = ()) -> dict:
        return {"glossaries": [str(path) for path in glossaries], "includeBundled": True}


@dataclass
class Report:
    sections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, title: str, header: Sequence[str], rows: list[Sequence[str]], intro: str = ""):
        lines = [f"## {title}", ""]
        if intro:
            lines += [intro, ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        self.sections.append("\n".join(lines))
        print("\n" + self.sections[-1], flush=True)

    def skipped(self, title: str, reason: str) -> None:
        self.sections.append(f"## {title}\n\nNot measured: {reason}")
        print(f"\n## {title}: not measured: {reason}", flush=True)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def ms(seconds: float) -> str:
    return "—" if math.isnan(seconds) else f"{seconds * 1000:.2f} ms"


def ratio(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}×"


def verdict(value: float, limit: float) -> str:
    if math.isnan(value):
        return "—"
    return "✅" if value <= limit else "❌"


def sample_probes(config: Config) -> list[Probe]:
    return [
        find_probe(SAMPLE_COURSE / file, anchor, needle, config.expected(term))
        for file, anchor, needle, term in HOVER_PROBES
    ]


def completion_probes(config: Config) -> list[Probe]:
    return [
        find_probe(SAMPLE_COURSE / file, anchor, needle, config.expected(term), offset=2)
        for file, anchor, needle, term in HOVER_PROBES
    ]


async def bench_startup(config: Config, report: Report) -> None:
    file, anchor, needle, term = STARTUP_PROBE
    probe = find_probe(SAMPLE_COURSE / file, anchor, needle, config.expected(term))
    floor_times: list[float] = []
    server_times: list[float] = []
    for attempt in range(config.startups):
        pair = [
            ("floor", FLOOR_COMMAND, floor_times),
            ("server", config.server_command, server_times),
        ]
        for name, command, times in pair if attempt % 2 == 0 else reversed(pair):
            expected = "" if name == "floor" else probe.expected
            async with running(name, command, SAMPLE_COURSE, config.server_options()) as session:
                session.open(probe.path)
                times.append(
                    await until_correct_hover(
                        session, Probe(probe.path, probe.line, probe.character, expected), 60
                    )
                )
    floor_median, server_median = statistics.median(floor_times), statistics.median(server_times)
    startup_ratio = server_median / floor_median
    report.table(
        "Startup",
        [
            "server",
            "process start → first correct hover (median)",
            "runs",
            "ratio",
            "target",
            "met",
        ],
        [
            ["floor (bare pygls)", ms(floor_median), str(len(floor_times)), "1.00×", "", ""],
            [
                "glossary-lsp",
                ms(server_median),
                str(len(server_times)),
                ratio(startup_ratio),
                "≤ 1.3× the floor",
                verdict(startup_ratio, 1.3),
            ],
        ],
        intro=f"Sample course (`examples/course/`), hover on `{term}` in `{file}`, retried every "
        f"{RETRY_PAUSE * 1000:.0f} ms until it names the term; runs alternate between servers.",
    )


async def bench_latency(config: Config, report: Report) -> None:
    probes = sample_probes(config)
    completions = completion_probes(config)
    rows = []
    missed: list[str] = []
    options = config.server_options()
    async with (
        running("floor", FLOOR_COMMAND, SAMPLE_COURSE, options) as floor,
        running("server", config.server_command, SAMPLE_COURSE, options) as server,
    ):
        for path in sorted({probe.path for probe in probes}):
            text = floor.open(path)
            server.open(path, text)
        await until_correct_hover(server, probes[0], 60)
        targets = {"hover": 1.2, "definition": 1.3, "completion": None, "references": None}
        for method, target in targets.items():
            method_probes = completions if method == "completion" else probes
            try:
                latency = await interleaved(
                    floor, server, method, method_probes, config.rounds, config.warmup
                )
            except (JsonRpcException, asyncio.TimeoutError) as error:
                rows.append([method, f"failed: {describe(error)}", *[""] * 8])
                continue
            rows.append(_latency_row(method, latency, target, len(method_probes)))
            if latency.wrong_terms:
                missed.append(f"{method}: {', '.join(sorted(latency.wrong_terms))}")
        rss = (floor.peak_rss_mb(), server.peak_rss_mb())
    report.table(
        "Request latency on the sample course",
        [
            "request",
            "floor median",
            "floor p99",
            "server median",
            "server p99",
            "ratio (median)",
            "ratio (p99)",
            "wrong answers",
            "target (median)",
            "met",
        ],
        rows,
        intro=f"{config.rounds} requests per server and method after {config.warmup} warm-up "
        f"rounds, alternating between the floor and glossary-lsp, cycling over "
        f"{len(probes)} term positions in the six modules (one of them a raw `.ipynb`). "
        f"Peak RSS: floor {rss[0]:.0f} MB, glossary-lsp {rss[1]:.0f} MB."
        + (f" Wrong answers for — {'; '.join(missed)}." if missed else ""),
    )


def _latency_row(method: str, latency: Latency, target: float | None, probes: int) -> list[str]:
    target_text = f"≤ {target}× the floor" if target else "—"
    if method == "completion":
        target_text = "(≤ 1.5× at 10,000 terms: see below)"
    return [
        method,
        ms(latency.median(latency.floor)),
        ms(latency.p99(latency.floor)),
        ms(latency.median(latency.server)),
        ms(latency.p99(latency.server)),
        ratio(latency.ratio_median),
        ratio(latency.ratio_p99),
        f"{latency.wrong}/{len(latency.server)}",
        target_text,
        verdict(latency.ratio_median, target) if target else "",
    ]


@dataclass
class CourseResult:
    course: SyntheticCourse
    from_initialized: float
    from_start: float
    peak_rss_mb: float | None
    indexed: float | None = None  # `initialized` -> the indexing's work-done progress ended


async def bench_course(config: Config, course: SyntheticCourse, timeout: float) -> CourseResult:
    target = course.target_module_path
    probe = Probe(course.probe_path, course.probe_line, course.probe_character, "")
    options = config.server_options([course.glossary_path])
    async with running("server", config.server_command, course.root, options) as server:
        server.open(course.probe_path)

        def points_at_target(result: Any) -> bool:
            uris = definition_uris(result)
            return bool(uris) and (config.self_check or _same_file(uris[0], target.as_uri()))

        done = await retry_until(
            server, "definition", probe, points_at_target, timeout, pause=RETRY_PAUSE * 4
        )
        indexed = await server.wait_for_progress_end(timeout)
        return CourseResult(
            course,
            done - server.initialized_at,
            done - server.started_at,
            server.peak_rss_mb(),
            indexed - server.initialized_at if indexed is not None else None,
        )


def grep_seconds(course: SyntheticCourse) -> float | None:
    """Wall-clock seconds of `grep -F -i -c` with every glossary name over the course's files."""
    names = [term for term, _ in glossary_terms(course.glossary_path.read_text(encoding="utf-8"))]
    patterns = course.root.parent / "names.txt"
    patterns.write_text("\n".join(names) + "\n", encoding="utf-8")
    files = [str(path) for path in course_files(course)]
    started = time.perf_counter()
    try:
        subprocess.run(
            ["grep", "-F", "-i", "-c", "-f", str(patterns), *files],
            stdout=subprocess.DEVNULL,
            check=False,
            env={**os.environ, "LC_ALL": "C"},  # bytes, as a scan floor: UTF-8 -i is 10× slower
        )
    except OSError:
        return None
    return time.perf_counter() - started


def _throughput_rows(results: list[CourseResult]) -> list[list[str]]:
    rows = []
    for result in results:
        course = result.course
        grep = grep_seconds(course)
        answer_rate = course.megabytes / result.from_initialized
        index_rate = course.megabytes / result.indexed if result.indexed else float("nan")
        grep_rate = course.megabytes / grep if grep else float("nan")
        shaped = "/en/" in str(course.probe_path)
        rows.append(
            [
                f"{course.n_modules}" + (" (shaped)" if shaped else ""),
                f"{course.megabytes:.1f} MB",
                f"{index_rate:.1f} MB/s" if result.indexed else "—",
                f"{answer_rate:.1f} MB/s",
                f"{grep_rate:.0f} MB/s" if grep else "—",
                f"{grep_rate / index_rate:.0f}×" if grep and result.indexed else "—",
                verdict(1 / index_rate, 1 / 50) if result.indexed else "—",
            ]
        )
    return rows


async def bench_workspace_scale(config: Config, report: Report) -> None:
    results: list[CourseResult] = []
    failures: list[str] = []
    for n_modules in config.course_sizes:
        print(f"… building a synthetic course of {n_modules} modules", flush=True)
        course = build_course(n_modules)
        timeout = max(60.0, course.megabytes * 2)
        try:
            results.append(await bench_course(config, course, timeout))
        except (TimeoutError, asyncio.TimeoutError, RuntimeError) as error:
            failures.append(f"{n_modules} modules: {describe(error)}")
    shaped = await _shaped_course(config, failures)
    rows = [
        _course_row(result, results[0], results[index - 1] if index else None)
        for index, result in enumerate(results)
    ]
    if shaped is not None:
        rows.append(_course_row(shaped, shaped, None, shaped=True))
        results.append(shaped)
    rows += [[f"{failure}", *[""] * 9] for failure in failures]
    report.table(
        "Scale in the workspace",
        [
            "modules",
            "course",
            "notebooks",
            "`initialized` → correct definition",
            "process start → correct definition",
            "peak RSS",
            "time per MB",
            "marginal cost per MB vs the previous size",
            "growth exponent (time, RSS) vs 84",
            "target",
        ],
        rows,
        intro="Synthetic courses of ~30 KB modules (`benchmarks/synthetic_course.py`) with a "
        "10,000-term synthetic glossary passed in `initializationOptions`. The probe is a "
        "definition request in the last module on a term first introduced at 90% of the course, "
        "retried until it points there. Peak RSS is the server's VmHWM. The growth exponent "
        "is log(cost ratio) / log(size ratio) against the 84-module course: 1 is linear; the "
        "marginal cost is (extra time, extra RSS) / extra MB against the previous size. The "
        "shaped row (`build_shaped_course`) is a course laid out like the real ones: `en/` with "
        "a Jupyter Book `_toc.yml` over lesson folders (a `README.md` and a `lesson.ipynb` "
        "with its outputs each, as many modules as the flat course), `fr/` translating the "
        "first half; its module count and size are of every file of both languages.",
    )
    report.table(
        "Index throughput next to grep -F",
        [
            "modules",
            "course",
            "glossary-lsp: indexed",
            "correct definition",
            "grep -F -i",
            "grep is faster than the index by",
            "index ≥ 50 MB/s",
        ],
        _throughput_rows(results),
        intro="glossary-lsp, indexed: the course's size over `initialized` → the end of the "
        "indexing's work-done progress (walking, reading, prose detection, matching and "
        "classifying every term of every module, in the worker processes). Correct definition: "
        "the same size over `initialized` → the first correct definition, which searches the "
        "modules not indexed yet and so comes before the index is complete. grep: `LC_ALL=C "
        "grep -F -i -c -f` with every term name of the glossary over the same files, one process, "
        "wall clock.",
    )


async def _shaped_course(config: Config, failures: list[str]) -> CourseResult | None:
    """The real-course-shaped workload next to the flat one of the same size."""
    n_modules = 84 if config.quick else 840
    print(f"… building a real-course-shaped course of {n_modules} modules", flush=True)
    course = build_shaped_course(n_modules)
    try:
        return await bench_course(config, course, max(60.0, course.megabytes * 2))
    except (TimeoutError, asyncio.TimeoutError, RuntimeError) as error:
        failures.append(f"shaped {n_modules}: {describe(error)}")
        return None


def _course_row(
    result: CourseResult,
    baseline: CourseResult,
    previous: CourseResult | None,
    shaped: bool = False,
) -> list[str]:
    course = result.course
    size_ratio = course.total_bytes / baseline.course.total_bytes
    exponents = "—"
    if size_ratio > 1.5 and result.peak_rss_mb and baseline.peak_rss_mb:
        time_exponent = math.log(result.from_start / baseline.from_start) / math.log(size_ratio)
        rss_exponent = math.log(result.peak_rss_mb / baseline.peak_rss_mb) / math.log(size_ratio)
        worst = max(time_exponent, rss_exponent)
        exponents = f"{time_exponent:.2f}, {rss_exponent:.2f} {verdict(worst, 1.1)}"
    target = "exponents ≤ 1 (linear, ±0.1)"
    if course.n_modules == 840:
        met_time = verdict(result.from_start, 3.0)
        met_rss = verdict(result.peak_rss_mb or math.nan, 250)
        target = f"≤ 3 s {met_time}, ≤ 250 MB {met_rss} (from process start)"
    rss = f"{result.peak_rss_mb:.0f} MB" if result.peak_rss_mb else "—"
    if shaped:
        target = "shaped like a real course: `_toc.yml`, lessons, en/ + fr/, notebook outputs"
    return [
        f"{course.n_modules:,}" + (" (shaped)" if shaped else ""),
        f"{course.megabytes:.1f} MB",
        str(course.n_notebooks),
        f"{result.from_initialized:.2f} s",
        f"{result.from_start:.2f} s",
        rss,
        f"{result.from_start / course.megabytes * 1000:.0f} ms/MB",
        _marginal(result, previous),
        exponents,
        target,
    ]


def _marginal(result: CourseResult, previous: CourseResult | None) -> str:
    if previous is None or not (result.peak_rss_mb and previous.peak_rss_mb):
        return "—"
    extra_mb = result.course.megabytes - previous.course.megabytes
    extra_time = (result.from_start - previous.from_start) / extra_mb
    extra_rss = (result.peak_rss_mb - previous.peak_rss_mb) / extra_mb
    return f"{extra_time * 1000:.0f} ms/MB, {extra_rss:.2f} MB RSS/MB"


async def bench_glossary_scale(config: Config, report: Report) -> None:
    rows = []
    hover_medians: dict[int, float] = {}
    for n_terms in config.glossary_sizes:
        print(f"… building a synthetic glossary of {n_terms:,} terms", flush=True)
        glossary = build_glossary(n_terms)
        expected = config.expected(glossary.probe_term)
        probe = Probe(glossary.probe_path, glossary.probe_line, glossary.probe_character, expected)
        completion = Probe(probe.path, probe.line, glossary.completion_character, expected)
        options = config.server_options([glossary.path])
        try:
            async with (
                running("floor", FLOOR_COMMAND, glossary.workspace, options) as floor,
                running("server", config.server_command, glossary.workspace, options) as server,
            ):
                text = floor.open(probe.path)
                server.open(probe.path, text)
                load = await until_correct_hover(server, probe, 120)
                rounds = max(30, config.rounds // 2)
                hover = await interleaved(floor, server, "hover", [probe], rounds, config.warmup)
                completions = await interleaved(
                    floor, server, "completion", [completion], rounds, config.warmup
                )
                rss = server.peak_rss_mb()
            # a second start: the file system's cache is warm
            async with running(
                "server", config.server_command, glossary.workspace, options
            ) as warm:
                warm.open(probe.path, text)
                warm_load = await until_correct_hover(warm, probe, 120)
        except (TimeoutError, asyncio.TimeoutError, RuntimeError) as error:
            rows.append([f"{n_terms:,}", f"failed: {describe(error)}", *[""] * 7])
            continue
        hover_medians[n_terms] = hover.ratio_median
        load_target = f"≤ 1 s {verdict(load, 1.0)}" if n_terms == 100_000 else ""
        warm_target = f"≤ 1 s {verdict(warm_load, 1.0)}" if n_terms == 100_000 else ""
        completion_target = (
            f"≤ 1.5× {verdict(completions.ratio_median, 1.5)}" if n_terms == 10_000 else ""
        )
        rows.append(
            [
                f"{n_terms:,}",
                f"{glossary.size_bytes / 1e6:.1f} MB",
                f"{load:.2f} s {load_target}",
                f"{warm_load:.2f} s {warm_target}",
                f"{ms(hover.median(hover.server))} ({ratio(hover.ratio_median)})",
                f"{ms(completions.median(completions.server))} "
                f"({ratio(completions.ratio_median)}) {completion_target}",
                f"{hover.wrong + completions.wrong}/{len(hover.server) + len(completions.server)}",
                f"{rss:.0f} MB" if rss else "—",
            ]
        )
    flat = "—"
    if len(hover_medians) >= 2:
        sizes = sorted(hover_medians)
        growth = hover_medians[sizes[-1]] / hover_medians[sizes[0]]
        flat = (
            f"{growth:.2f} ({sizes[-1]:,} vs {sizes[0]:,} terms; target ≤ 1.2, flat) "
            f"{verdict(growth, 1.2)}"
        )
    report.table(
        "Scale in the glossary",
        [
            "terms",
            "YAML",
            "load, first start: process start → correct hover",
            "load, second start",
            "hover median (ratio to floor)",
            "completion median (ratio to floor)",
            "wrong answers",
            "peak RSS",
        ],
        rows,
        intro="A synthetic glossary (`benchmarks/gen_glossary.py`) passed in "
        "`initializationOptions` (`includeBundled: true`), a one-module workspace that mentions "
        "its last multi-word term; hover on that term, completion after its first three "
        f"characters; latencies alternate with the floor. Hover ratio growth across sizes: {flat}.",
    )


async def bench_background(config: Config, report: Report) -> None:
    """Hover and completion while the course is indexed, and right after an edit."""
    n_modules = 84 if config.quick else 840
    course = build_course(n_modules)
    hover = Probe(course.probe_path, course.probe_line, course.probe_character, "")
    hover = Probe(hover.path, hover.line, hover.character, config.expected(course.target_term))
    completion = Probe(hover.path, hover.line, hover.character + 3, hover.expected)
    options = config.server_options([course.glossary_path])
    rounds = 60 if config.quick else 200
    rows = []
    async with (
        running("floor", FLOOR_COMMAND, course.root, options) as floor,
        running("server", config.server_command, course.root, options) as server,
    ):
        text = floor.open(course.probe_path)
        server.open(course.probe_path, text)
        for phase in ("while indexing", "after an edit"):
            if phase == "after an edit":
                lines = text.split("\n")
                insertion = f"An edit mentions {course.target_term} again. "
                for session in (floor, server):
                    _send_edit(
                        session,
                        hover.uri,
                        2,
                        hover.line + 1,
                        insertion,
                        "\n".join(
                            lines[: hover.line + 1]
                            + [insertion + lines[hover.line + 1]]
                            + lines[hover.line + 2 :]
                        ),
                    )
            for method, probe in (("hover", hover), ("completion", completion)):
                started = time.perf_counter()
                latency = await interleaved(floor, server, method, [probe], rounds, 0)
                row = _latency_row(method, latency, 2.0 if method == "hover" else 3.0, 1)
                row[0] = f"{method} {phase} ({time.perf_counter() - started:.1f} s)"
                row[-2] = f"≤ {2 if method == 'hover' else 3}× the floor"
                rows.append(row)
    report.table(
        f"Request latency while {n_modules} modules are indexed, and after an edit",
        [
            "request",
            "floor median",
            "floor p99",
            "server median",
            "server p99",
            "ratio (median)",
            "ratio (p99)",
            "wrong answers",
            "target (median)",
            "met",
        ],
        rows,
        intro=f"Right after `initialized`, with the synthetic {n_modules}-module course "
        f"({course.megabytes:.1f} MB, 10,000 terms) and its last module open: {rounds} hover "
        "and then completion requests per server, alternating with the floor, at the target "
        "term; then an edit (a sentence inserted below it) and the same again. The indexing "
        "runs while the first rows are measured (their duration is in parentheses; the course "
        "scale table gives the indexing time). Wrong answers during indexing are expected "
        "until the index reaches the term. Targets (issue 17): hover ≤ 2×, completion ≤ 3×, "
        "hover p99 ≤ 20 ms.",
    )


# what glossary-lsp's hover says of an introduction found among some modules only (see
# `glossary_lsp.features.hover.SO_FAR`, `NOT_KNOWN_YET`): counted, not judged
PARTIAL_HOVER = "the course is still being indexed"


def without_modules(glossary: Path) -> Path:
    """A copy of a synthetic glossary whose terms name no module (beside it, reused): where a
    term is introduced is then found by searching the course, as for a bundled glossary's
    terms on a real course."""
    copy = glossary.with_name("glossary-without-modules.yaml")
    text = glossary.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if not line.startswith("    module: ")]
    stripped = "\n".join(lines)
    if not copy.is_file() or copy.read_text(encoding="utf-8") != stripped:
        copy.write_text(stripped, encoding="utf-8")
    return copy


async def bench_first_hover(config: Config, report: Report) -> None:
    """The first hover right after opening a module of a course not indexed yet, then hover
    while it indexes, for a term its glossary places in a module and for one it does not."""
    n_modules = 84 if config.quick else 840
    course = build_course(n_modules)
    hover = Probe(
        course.probe_path,
        course.probe_line,
        course.probe_character,
        config.expected(course.target_term),
    )
    rounds = 60 if config.quick else 200
    rows = []
    variants = (
        ("its glossary names the module", course.glossary_path),
        ("no module named: the course is searched", without_modules(course.glossary_path)),
    )
    for variant, glossary in variants:
        options = config.server_options([glossary])
        async with (
            running("floor", FLOOR_COMMAND, course.root, options) as floor,
            running("server", config.server_command, course.root, options) as server,
        ):
            text = floor.open(course.probe_path)
            server.open(course.probe_path, text)
            floor_first, _ = await timed(floor.request("hover", hover))
            server_first, answer = await timed(server.request("hover", hover))
            first_partial = PARTIAL_HOVER in hover_text(answer)
            partial = 0
            latency = Latency([], [], 0)
            for index in range(rounds):
                order = (floor, server) if index % 2 == 0 else (server, floor)
                for session in order:
                    elapsed, result = await timed(session.request("hover", hover))
                    if session is floor:
                        latency.floor.append(elapsed)
                        continue
                    latency.server.append(elapsed)
                    partial += PARTIAL_HOVER in hover_text(result)
                    if not is_answer("hover", hover, result):
                        latency.wrong += 1
        rows.append(
            [
                variant,
                ms(floor_first),
                ms(server_first),
                ratio(server_first / floor_first),
                "partial" if first_partial else "complete",
                f"{ms(latency.median(latency.floor))} / {ms(latency.p99(latency.floor))}",
                f"{ms(latency.median(latency.server))} / {ms(latency.p99(latency.server))}",
                ratio(latency.ratio_median),
                f"{partial}/{rounds}",
                f"{latency.wrong}/{rounds}",
            ]
        )
    report.table(
        f"First hover on a course of {n_modules} modules not indexed yet",
        [
            "term",
            "floor first hover",
            "server first hover",
            "ratio",
            "first answer",
            "floor median / p99 after",
            "server median / p99 after",
            "ratio (median)",
            "partial answers",
            "wrong answers",
        ],
        rows,
        intro=f"Both servers started on the synthetic {n_modules}-module course "
        f"({course.megabytes:.1f} MB, 10,000 terms), its last module opened, and at once a "
        "hover at the target term: the first request each server answers (the module listing "
        "included). Then "
        f"{rounds} hovers per server alternating with the floor while the course indexes. Once "
        "with the course's glossary, whose terms name the module that introduces them, once "
        "with the same glossary without `module:`, so the introduction is searched for in the "
        "course. `partial`: the hover said the course is still being indexed.",
    )


async def bench_diagnostics(config: Config, report: Report) -> None:
    for size in (30_000, 1_000_000):
        await _bench_diagnostics_of(config, report, size)


async def _bench_diagnostics_of(config: Config, report: Report, size: int) -> None:
    module = build_large_module(size)
    label = f"{size / 1e6:g} MB" if size >= 1e6 else f"{size / 1e3:g} KB"
    title = f"Diagnostics after an edit in a {label} module"
    async with running(
        "server", config.server_command, module.root, config.server_options()
    ) as server:
        text = server.open(module.path)
        uri = module.path.as_uri()
        first = await server.wait_for_diagnostics(uri, lambda version, at: True, 15)
        if first is None:
            report.skipped(
                title, "the server published no diagnostics for the opened module in 15 s."
            )
            return
        lines = text.split("\n")
        times = []
        for version in range(2, config.edits + 2):
            line = len(lines) // 2 + version
            insertion = f"An edit mentions FSDP and DDP (edit {version}). "
            lines[line] = insertion + lines[line]
            sent = time.perf_counter()
            _send_edit(server, uri, version, line, insertion, "\n".join(lines))
            accepted = await server.wait_for_diagnostics(
                uri,
                lambda v, at, want=version, after=sent: v == want or (v is None and at > after),
                30,
            )
            if accepted is None:
                report.skipped(title, f"no diagnostics for version {version} within 30 s.")
                return
            times.append(accepted - sent)
    sync = server.text_sync.name
    report.table(
        title,
        ["module", "edits", "median", "max", "sync"],
        [
            [
                f"{module.size_bytes / 1e3:.0f} KB",
                str(len(times)),
                ms(statistics.median(times)),
                ms(max(times)),
                sync,
            ]
        ],
        intro="Time from sending `didChange` (one sentence inserted) to the "
        "`textDocument/publishDiagnostics` carrying that version; includes any debounce.",
    )


def _send_edit(
    session: Session, uri: str, version: int, line: int, insertion: str, text: str
) -> None:
    if session.text_sync == types.TextDocumentSyncKind.Incremental:
        at = types.Position(line=line, character=0)
        change: Any = types.TextDocumentContentChangePartial(
            range=types.Range(at, at), text=insertion
        )
    else:
        change = types.TextDocumentContentChangeWholeDocument(text=text)
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change],
        )
    )


# ---------------------------------------------------------------------------------------------
# The report


def machine_description(config: Config, started: datetime.datetime) -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = _status_meminfo_gb()
    versions = ", ".join(
        f"{package} {_version(package)}"
        for package in ("glossary-lsp", "pygls", "lsprotocol", "cattrs", "rapidfuzz", "PyYAML")
    )
    commit = _git("rev-parse", "--short", "HEAD")
    return "\n".join(
        [
            f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit `{commit}`",
            f"- Machine: {cpu}, {os.cpu_count()} cores, {memory} RAM, "
            f"{platform.system()} {platform.release()}; load average at start "
            f"{os.getloadavg()[0]:.2f} (other processes share the machine)",
            f"- Python {platform.python_version()} ({platform.python_implementation()}); "
            f"{versions}",
            f"- Command: `{' '.join(['python benchmarks/run.py', *sys.argv[1:]])}`"
            f"; server under test: `{shlex.join(config.server_command)}`",
        ]
    )


def _status_meminfo_gb() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    return "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


async def server_answers(config: Config) -> str | None:
    """None if the server under test starts and initializes, else why not."""
    session = Session("server", config.server_command, SAMPLE_COURSE, config.server_options())
    try:
        await session.start()
        await session.initialize(120)
        return None
    except Exception as error:  # any failure here means: benchmark the floor only
        await asyncio.sleep(0.2)  # let the last lines of stderr arrive
        last_line = next((line for line in reversed(session.stderr_tail) if line.strip()), "")
        return describe(error) + (f"; its last words: `{last_line.strip()}`" if last_line else "")
    finally:
        await session.close()


async def run(config: Config, output: Path | None) -> int:
    started = datetime.datetime.now(datetime.timezone.utc)
    report = Report()
    problem = await server_answers(config)
    if problem is not None:
        print(f"The server under test does not start: {problem}", file=sys.stderr)
        report.notes.append(
            f"The server under test (`{shlex.join(config.server_command)}`) did not start "
            f"({problem}); only the floor was measured."
        )
        await bench_floor_only(config, report)
    else:
        benchmarks = (
            bench_startup,
            bench_latency,
            bench_workspace_scale,
            bench_glossary_scale,
            bench_background,
            bench_first_hover,
            bench_diagnostics,
        )
        for benchmark in benchmarks:
            if config.only and benchmark.__name__.removeprefix("bench_") not in config.only:
                continue
            try:
                await benchmark(config, report)
            except Exception as error:  # one broken benchmark must not hide the others
                name = benchmark.__name__.removeprefix("bench_").replace("_", " ")
                report.skipped(name.capitalize(), describe(error))
    elapsed = datetime.datetime.now(datetime.timezone.utc) - started
    document = _document(config, report, started, elapsed)
    if output is not None:
        output.write_text(document, encoding="utf-8")
        print(f"\nwrote {output}")
    return 0


async def bench_floor_only(config: Config, report: Report) -> None:
    file, anchor, needle, _ = STARTUP_PROBE
    probe = find_probe(SAMPLE_COURSE / file, anchor, needle, "")
    startups = []
    for _ in range(config.startups):
        async with running("floor", FLOOR_COMMAND, SAMPLE_COURSE) as floor:
            floor.open(probe.path)
            startups.append(await until_correct_hover(floor, probe, 60))
    rows = [["startup (process start → first hover)", ms(statistics.median(startups)), ""]]
    async with running("floor", FLOOR_COMMAND, SAMPLE_COURSE) as floor:
        probes = sample_probes(Config(config.server_command, config.quick, config.full, True))
        for path in sorted({p.path for p in probes}):
            floor.open(path)
        for method in ("hover", "definition", "completion", "references"):
            samples = []
            for index in range(config.warmup + config.rounds):
                elapsed, _ = await timed(floor.request(method, probes[index % len(probes)]))
                if index >= config.warmup:
                    samples.append(elapsed)
            rows.append([method, ms(Latency.median(samples)), ms(Latency.p99(samples))])
    report.table("The floor alone", ["measure", "median", "p99"], rows)


def _document(config: Config, report: Report, started: datetime.datetime, elapsed) -> str:
    mode = "quick" if config.quick else "full" if config.full else "default"
    parts = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/run.py`; do not edit by hand. How and what is measured: "
        "`benchmarks/README.md`. Targets are goals, not assertions.",
        "",
        machine_description(config, started),
        f"- Mode: {mode}; total wall time {elapsed.total_seconds():.0f} s",
        "",
        *[f"> {note}\n" for note in report.notes],
        "\n\n".join(report.sections),
        "",
    ]
    return "\n".join(parts)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run with small counts")
    parser.add_argument("--full", action="store_true", help="add the 8,400-module course (~250 MB)")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown report here")
    parser.add_argument(
        "--server-command",
        default=shlex.join(SERVER_COMMAND),
        help="the server under test (default: %(default)s)",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="the server under test is another floor: accept any answer (tests the harness)",
    )
    parser.add_argument(
        "--floor-reader",
        choices=("pygls", "loop"),
        default="pygls",
        help="how the floor reads stdin: pygls' reader thread (the bare pygls floor, default) or "
        "the event loop, as glossary-lsp does (a floor for the handlers alone)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="SECTION",
        help="run only these sections: startup latency workspace_scale glossary_scale "
        "background first_hover diagnostics",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    os.environ["GLOSSARY_LSP_FLOOR_READER"] = args.floor_reader  # the floor's process reads it
    config = Config(
        shlex.split(args.server_command), args.quick, args.full, args.self_check, args.only
    )
    return asyncio.run(run(config, args.output))


if __name__ == "__main__":
    raise SystemExit(main())

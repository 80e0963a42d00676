"""The request path in process: what a hover or a definition costs beyond the floor's pygls work.

    python benchmarks/bench_request_path.py [--rounds 2000] [--components] [--cold] [--forget]

Each server (the floor, glossary-lsp) is built in this process and fed the JSON-RPC messages of
the latency benchmark (`initialize`, `initialized`, the sample course opened, then requests at
its 11 term positions) through `json.loads` with the protocol's object hook and
`handle_message`, as pygls' reader does; answers are written to memory. This leaves out what
both servers share in `run.py` (pipes, pygls' reader threads, the client), so it shows the
server's own CPU per request: the best of 7 batches, in µs. `--components` adds the time
inside the functions of the request path (a wrapper around each; nested times overlap);
`--cold` times each request after a 16 MB sweep of memory, as after the other processes of a
shared machine have run (live requests find the CPU caches in between those states).
`--forget` empties what glossary-lsp remembers per position before each request (the term at
an offset, the hover's text, the converted hover), as for a place never asked about before
(the benchmark's probes come back every 11 requests); introductions stay remembered.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

METHODS = ("textDocument/hover", "textDocument/definition")
BATCHES = 7
COMPONENTS = (
    "glossary_lsp.lsp.session:Session.snapshot",
    "glossary_lsp.lsp.requests:RememberedAnswers.term_at",
    "glossary_lsp.lsp.requests:term_at",
    "glossary_lsp.features.hover:hover_at",
    "glossary_lsp.features.hover:hover_text",
    "glossary_lsp.features.hover:find_introduction",
    "glossary_lsp.features.hover:describe_term",
    "glossary_lsp.lsp.requests:RememberedAnswers.hover",
    "glossary_lsp.lsp.convert:hover",
    "glossary_lsp.lsp.requests:introduction",
    "glossary_lsp.lsp.convert:location",
    "pygls.protocol.json_rpc:JsonRPCProtocol._send_data",
)


class Fed:
    """A server's protocol fed messages in process; what it writes is kept."""

    def __init__(self, server: Any, options: dict) -> None:
        self.protocol = server.protocol
        self.options = options
        self.written: list[bytes] = []
        self.protocol.set_writer(self, include_headers=True)
        self.next_id = 100

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        pass

    def feed(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.protocol.handle_message(json.loads(body, object_hook=self.protocol.structure_message))

    def request(self, method: str, probe: run.Probe) -> None:
        self.next_id += 1
        position = {"line": probe.line, "character": probe.character}
        params = {"textDocument": {"uri": probe.uri}, "position": position}
        self.feed({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})

    def answers(self) -> list[dict]:
        """The responses written so far; the server's own requests are answered on the way."""
        written, self.written = self.written, []
        answers = []
        for data in written:
            message = json.loads(data.split(b"\r\n\r\n", 1)[1])
            if "method" in message and "id" in message:
                items = message.get("params", {}).get("items", [])
                configuration = message["method"] == "workspace/configuration"
                result = [self.options for _ in items] if configuration else None
                self.feed({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "id" in message:
                answers.append(message)
        return answers


async def started(fed: Fed, probes: list[run.Probe], ready: Callable[[], bool]) -> None:
    root = run.SAMPLE_COURSE
    capabilities = fed.protocol._converter.unstructure(run._client_capabilities())
    folder = {"uri": root.as_uri(), "name": root.name}
    fed.feed({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": os.getpid(), "rootUri": root.as_uri(),
                   "workspaceFolders": [folder], "initializationOptions": fed.options,
                   "capabilities": capabilities},
    })  # fmt: skip
    fed.feed({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    for path in sorted({probe.path for probe in probes}):
        language = "json" if path.suffix == ".ipynb" else "markdown"
        document = {"uri": path.as_uri(), "languageId": language, "version": 1}
        document["text"] = path.read_text(encoding="utf-8")
        params = {"textDocument": document}
        fed.feed({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": params})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fed.answers()
        fed.request("textDocument/hover", probes[0])
        await asyncio.sleep(0.05)
        found = fed.answers()
        if found and probes[0].expected in json.dumps(found[-1].get("result")) and ready():
            break
    await asyncio.sleep(2.0)  # the first analyses settle
    fed.answers()


def timed_components(names: tuple[str, ...], times: dict[str, float]) -> None:
    for name in names:
        module_name, attribute = name.split(":")
        owner: Any = importlib.import_module(module_name)
        *path, last = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, last)
        label = f"{module_name.rsplit('.', 1)[-1]}.{attribute}"

        def wrapper(*args: Any, _original: Any = original, _label: str = label) -> Any:
            started = time.perf_counter()
            try:
                return _original(*args)
            finally:
                times[_label] = times.get(_label, 0.0) + time.perf_counter() - started

        setattr(owner, last, wrapper)


def measure(
    fed: Fed,
    probes: list[run.Probe],
    rounds: int,
    cold: bool,
    forget: Callable[[], None],
    times: dict,
) -> None:
    per_batch = max(len(probes), rounds // BATCHES // len(probes) * len(probes))
    sweep = bytearray(16 * 1024 * 1024)
    for method in METHODS:
        best: dict[str, float] = {}
        for _ in range(BATCHES):
            times.clear()
            total = 0.0
            for number in range(per_batch):
                if cold:
                    sweep[::64] = bytes(len(sweep) // 64)
                forget()
                started = time.perf_counter()
                fed.request(method, probes[number % len(probes)])
                total += time.perf_counter() - started
                if len(fed.written) != 1:
                    raise SystemExit(f"{method} was not answered at once")
                fed.written.clear()
            times["request (all of it)"] = total
            for label, seconds in times.items():
                best[label] = min(best.get(label, float("inf")), seconds / per_batch * 1e6)
        print(f"  {method}")
        for label, micros in sorted(best.items(), key=lambda item: -item[1]):
            print(f"    {micros:8.1f} µs  {label}")


async def bench(which: str, args: argparse.Namespace) -> None:
    config = run.Config(run.SERVER_COMMAND, quick=False, full=False, self_check=False)
    probes = run.sample_probes(config)
    if which == "floor":
        import floor_server

        server: Any = floor_server.server
        ready: Callable[[], bool] = lambda: True  # noqa: E731
        forget: Callable[[], None] = lambda: None  # noqa: E731
    else:
        from glossary_lsp.features.hover import HOVER_TEXTS
        from glossary_lsp.lsp.handlers import create_server
        from glossary_lsp.lsp.requests import REMEMBERED

        server = create_server()
        ready = server.session.listed.is_set

        def forget() -> None:
            if args.forget:
                REMEMBERED.forget()
                server.session.index.derived.pop(HOVER_TEXTS, None)

    fed = Fed(server, config.server_options())
    await started(fed, probes, ready)
    times: dict[str, float] = {}
    if args.components and which == "server":
        timed_components(COMPONENTS, times)
    notes = [note for note, on in (("cold caches", args.cold), ("forgetting", args.forget)) if on]
    print(f"{which} ({', '.join(notes)}):" if notes else f"{which}:")
    measure(fed, probes, args.rounds, args.cold, forget, times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--components", action="store_true")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--forget", action="store_true")
    parser.add_argument("--server", choices=["floor", "server"], help="one of them only")
    args = parser.parse_args()
    if args.server is None:  # each in its own process: two servers in one would share state
        for which in ("floor", "server"):
            command = [sys.executable, __file__, *sys.argv[1:], "--server", which]
            os.spawnv(os.P_WAIT, sys.executable, command)
        return
    asyncio.run(bench(args.server, args))
    sys.stdout.flush()
    os._exit(0)  # the server's threads and worker processes are not waited for


if __name__ == "__main__":
    main()

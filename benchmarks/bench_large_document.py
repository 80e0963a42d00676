"""A 10 MB Markdown module, edited as an author does: hover latency after each edit, time from
the last edit to its diagnostics, the server's memory open, edited, 5 s after closing, when the
course pass over the closed module published and 15 s after closing (or then), and the CPU
time the server (with its worker processes) spent until the last edit's diagnostics.

    python benchmarks/bench_large_document.py [--megabytes 10] [--edits 8] [--gap 0.5]
        [--one-paragraph] [--settle] [--timeout 300]

The module is paragraphs of about 1 KB separated by blank lines, as Markdown is written;
`--one-paragraph` leaves the blank lines out (one 10 MB paragraph: no block boundary to
restart a parse at, so every edit parses the whole text again: the worst case).

Targets (issue 13): hover ≤ 100 ms after an edit; diagnostics ≤ 2 s after the last edit; RSS ≤
3× the open document plus 100 MB; memory returned after close. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsprotocol import types  # noqa: E402
from run import SERVER_COMMAND, Session, _status_field_mb  # noqa: E402

LINE = "Some prose about FSDP and the KV cache, with a prefill phase. " * 16 + "\n"


async def measure(
    megabytes: float, edits: int, gap: float, one_paragraph: bool, timeout: float, settle: bool
) -> None:
    root = Path(tempfile.mkdtemp(prefix="glossary-lsp-large-"))
    path = root / "01-large.md"
    line = LINE if one_paragraph else LINE + "\n"
    count = int(megabytes * 1_000_000 / len(line))
    # numbered, so that no two paragraphs are the same text (the matcher remembers spans)
    text = "# Large\n\n" + "".join(f"Paragraph {n}. {line}" for n in range(count))
    path.write_text(text, encoding="utf-8")
    session = Session("glossary-lsp", SERVER_COMMAND, root)
    await session.start()
    await session.initialize()
    await asyncio.sleep(1.0)
    rss = lambda: _status_field_mb(session.pid, "VmRSS")  # noqa: E731
    cpu_before_open = _cpu_seconds(session.pid)
    print(f"document: {len(text) / 1e6:.1f} MB; RSS before open {rss():.0f} MB")
    session.open(path, text)
    uri = path.as_uri()
    lines = text.split("\n")
    hover_line = len(lines) // 2
    hover_line -= hover_line % 2 if not one_paragraph else 0  # a line of prose, not a blank one
    position = types.Position(line=hover_line, character=lines[hover_line].index("FSDP") + 1)
    del lines

    async def hover() -> float:
        started = time.perf_counter()
        answer = await session.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position)
        )
        assert answer is not None and "FSDP" in answer.contents.value, answer
        return time.perf_counter() - started

    opened = time.perf_counter()
    print(f"first hover after open: {1000 * await hover():.0f} ms; RSS {rss():.0f} MB")
    if settle:
        first = await session.wait_for_diagnostics(uri, lambda *_: True, timeout=timeout)
        waited = "none" if first is None else f"{first - opened:.2f} s"
        print(f"diagnostics of the opened document (waited for before editing): {waited}")
    latencies = []
    last_edit = 0.0
    for version in range(2, edits + 2):
        at = types.Position(line=2, character=0)
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [
                    types.TextDocumentContentChangePartial(
                        range=types.Range(at, at), text="An inserted sentence about TTFT. "
                    )
                ],
            )
        )
        last_edit = time.perf_counter()
        latencies.append(await hover())
        await asyncio.sleep(gap)
    final = edits + 1
    published = await session.wait_for_diagnostics(
        uri, lambda version, at: version == final and at >= last_edit, timeout=timeout
    )
    latencies.sort()
    print(
        "hover after an edit: median "
        f"{1000 * latencies[len(latencies) // 2]:.0f} ms, max {1000 * latencies[-1]:.0f} ms"
    )
    if published is None:
        print(f"diagnostics of the last edit: none within {timeout:.0f} s")
    else:
        print(f"diagnostics of the last edit: {published - last_edit:.2f} s after it")
    print(f"server CPU from the open to here: {_cpu_seconds(session.pid) - cpu_before_open:.1f} s")
    print(f"RSS edited {rss():.0f} MB, peak {session.peak_rss_mb():.0f} MB")
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    closed = time.perf_counter()
    await asyncio.sleep(5.0)
    print(f"RSS 5 s after close {rss():.0f} MB")
    # the course pass reads the closed module from disk again (its findings as a closed file)
    passed = await session.wait_for_diagnostics(uri, lambda _v, at: at >= closed, timeout=60)
    if passed is not None:
        print(
            f"course pass over it: published {passed - closed:.1f} s after close; RSS {rss():.0f}"
        )
    await asyncio.sleep(max(0.0, closed + 15.0 - time.perf_counter()))
    print(f"RSS {time.perf_counter() - closed:.0f} s after close {rss():.0f} MB")
    started = time.perf_counter()
    await session.close()
    print(f"shutdown + exit: {time.perf_counter() - started:.2f} s")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its live descendants (the course pool)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pending += [int(child) for child in children]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--gap", type=float, default=0.5, help="seconds between edits")
    parser.add_argument("--one-paragraph", action="store_true", help="no blank lines")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait")
    parser.add_argument(
        "--settle",
        action="store_true",
        help="wait for the opened document's diagnostics before editing (else the open's "
        "analysis may still run when the edits come)",
    )
    args = parser.parse_args()
    asyncio.run(
        measure(args.megabytes, args.edits, args.gap, args.one_paragraph, args.timeout, args.settle)
    )


if __name__ == "__main__":
    main()

"""The event loop reads standard input itself (`lsp.stdio`): lines and bodies as pygls' message
loop asks for them, the end of the stream as pygls' own reader gives it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from glossary_lsp.lsp.stdio import LoopStdinReader, loop_can_read


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_messages(chunks: list[bytes]) -> list[bytes]:
    """What pygls' `run_async` reads from a pipe the chunks are written into, one by one."""
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "rb", buffering=0)
    reader = LoopStdinReader(stdin)
    loop = asyncio.get_running_loop()

    def write_all() -> None:
        for chunk in chunks:
            os.write(write_end, chunk)
        os.close(write_end)

    writing = loop.run_in_executor(None, write_all)
    bodies = []
    length = 0
    while True:
        header = await reader.readline()
        if not header:
            break
        if header.startswith(b"Content-Length: "):
            length = int(header.split(b":")[1])
        elif header == b"\r\n":
            bodies.append(await reader.readexactly(length))
    await writing
    stdin.close()
    return bodies


def test_messages_split_anywhere_are_read_whole() -> None:
    bodies = [b'{"a": 1}', b"x" * 3_000_000, "é中".encode(), b""]
    stream = b"".join(frame(body) for body in bodies)
    cuts = [0, 5, 17, 18, 40, 1_000_000, 3_000_030, len(stream)]
    chunks = [stream[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    assert asyncio.run(read_messages(chunks)) == bodies


def test_a_body_cut_short_by_the_end_of_the_stream_is_what_was_left() -> None:
    async def run() -> bytes:
        read_end, write_end = os.pipe()
        os.write(write_end, b"abc")
        os.close(write_end)
        with os.fdopen(read_end, "rb", buffering=0) as stdin:
            reader = LoopStdinReader(stdin)
            return await reader.readexactly(10)

    assert asyncio.run(run()) == b"abc"


def test_only_pipes_sockets_and_terminals_are_read_by_the_loop(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        with os.fdopen(os.dup(read_end), "rb") as pipe:
            assert loop_can_read(pipe)
    finally:
        os.close(read_end)
        os.close(write_end)
    file = tmp_path / "messages.bin"
    file.write_bytes(frame(b"{}"))
    with file.open("rb") as regular:
        assert not loop_can_read(regular)
    with open(os.devnull, "rb") as null:  # a character device the selector cannot watch
        assert not loop_can_read(null)

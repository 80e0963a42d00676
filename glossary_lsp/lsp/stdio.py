"""Standard input read by the event loop itself (issue 17).

pygls reads each message on a reader thread in three round trips (its header line, the blank
line, its body: `run_in_executor` each): six hand-overs of the interpreter lock between that
thread and the event loop per message. While the session's threads analyse a large document
they hold the lock, and every hand-over waits for it, up to a switch interval: round trips of
5-9 ms median against 2.5-3.5 ms when the loop reads the pipe itself
(`benchmarks/bench_background.py --big --hops 3 0`). Here the loop's selector reads the pipe
(`loop.connect_read_pipe`) and pygls' message loop takes lines and bodies from an
`asyncio.StreamReader` without leaving the loop. Standard input that is no pipe, socket or
terminal (a regular file, `/dev/null`) keeps pygls' reader. `arriving` is called as each line
of a message's header is read (the server holds its request gate from then: `lsp.gate`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import selectors
import stat
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

BUFFER_LIMIT = 1 << 20  # the reader pauses the pipe beyond twice this much unread


def loop_can_read(stdin: BinaryIO) -> bool:
    """Whether the event loop can read this stream itself: a pipe, socket or character device
    on a POSIX system (what `connect_read_pipe` accepts) that the loop's selector can watch.
    `/dev/null` is a character device epoll refuses: read by the loop, the server waited
    forever instead of seeing the end of its input."""
    if sys.platform == "win32":
        return False
    try:
        descriptor = stdin.fileno()
        mode = os.fstat(descriptor).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        return False
    with selectors.DefaultSelector() as selector:
        try:
            selector.register(descriptor, selectors.EVENT_READ)
        except (OSError, ValueError):
            return False
    return True


class LoopStdinReader:
    """pygls' `AsyncReader` over a stream the event loop reads (see the module's note)."""

    def __init__(self, stdin: BinaryIO, arriving: Callable[[], None] | None = None) -> None:
        self._stdin = stdin
        self._reader: asyncio.StreamReader | None = None
        self._arriving = arriving

    async def _stream(self) -> asyncio.StreamReader:
        if self._reader is None:
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader(limit=BUFFER_LIMIT)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), self._stdin)
            self._reader = reader
        return self._reader

    async def readline(self) -> bytes:
        """A line with its newline; b"" at the end of the stream (pygls then stops)."""
        reader = await self._stream()
        try:
            line = await reader.readline()
        except ValueError:  # a line beyond the limit: no header is, the message is broken
            return await reader.read(BUFFER_LIMIT)
        if line and self._arriving is not None:
            self._arriving()
        return line

    async def readexactly(self, n: int) -> bytes:
        """`n` bytes, or what is left when the stream ends first (as `read(n)` gives)."""
        reader = await self._stream()
        try:
            return await reader.readexactly(n)
        except asyncio.IncompleteReadError as error:
            return error.partial


def serve_on_loop(
    server: LanguageServer,
    stdin: BinaryIO,
    stdout: BinaryIO,
    arriving: Callable[[], None] | None = None,
) -> None:
    """What pygls' `start_io` does, with `LoopStdinReader` for its reader thread (the
    benchmarks' floor can run this way too, to compare the handlers alone)."""
    server._stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(
            run_async(
                stop_event=server._stop_event,
                reader=LoopStdinReader(stdin, arriving),
                protocol=server.protocol,
                logger=log,
                error_handler=server.report_server_error,
            )
        )
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()

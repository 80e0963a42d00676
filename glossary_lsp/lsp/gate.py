"""The request gate: while the event loop handles a message, the session's analyses wait (issue 17).

An analysis on the session's threads (a large open document's own diagnostics, the index
reading its terms) holds the interpreter lock the event loop answers requests with: the loop
gets it back only when the analysis is made to hand it over, every switch interval, and loses it
again at the next one. A request came back 3-8× slower than the bare pygls floor while a 1 MB
module was analysed. Here the loop holds the gate from the moment a message's first line is
read until it is handled, and a request until its answer is written; an analysis thread that
reaches a checkpoint (between prose spans, between the terms whose introductions it looks for)
while the gate is held waits, without the interpreter lock, until it is released.

No request can be stuck behind work it awaits: a hold lapses `CAP` seconds after it was taken,
and a checkpoint waits at most `CAP` seconds. Only threads that entered the gate (the session's
analysis threads, `enter`) ever wait at a checkpoint: the event loop and a request's own thread
pass through the same code without stopping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable

CAP = 0.03  # seconds a hold lasts at most, and a checkpoint waits at most
READING = "reading"  # the hold from a message's first line until it is handled


class RequestGate:
    def __init__(self, cap: float = CAP) -> None:
        self.cap = cap
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        self._held: dict[Hashable, float] = {}  # what holds the gate -> when its hold lapses
        self._local = threading.local()

    # -- the event loop ------------------------------------------------------------------------

    def hold(self, key: Hashable) -> None:
        """`key` (a message being read, a request until its answer) holds the gate."""
        with self._lock:
            self._held[key] = time.monotonic() + self.cap
            self._open.clear()

    def release(self, key: Hashable) -> None:
        with self._lock:
            if self._held.pop(key, None) is not None and not self._held:
                self._open.set()

    @property
    def held(self) -> bool:
        return not self._open.is_set()

    # -- analysis threads ----------------------------------------------------------------------

    def enter(self) -> None:
        """This thread waits at checkpoints from now on (an executor's `initializer`)."""
        self._local.waits = True

    def checkpoint(self) -> None:
        """On a thread that entered the gate: wait while the gate is held (at most `CAP`);
        elsewhere, and when the gate is open, return at once."""
        if self._open.is_set() or not getattr(self._local, "waits", False):
            return
        give_up = time.monotonic() + self.cap
        while True:
            with self._lock:
                now = time.monotonic()
                for key in [key for key, lapses in self._held.items() if lapses <= now]:
                    del self._held[key]
                if not self._held:
                    self._open.set()
                    return
                until = min(give_up, max(self._held.values()))
            if until <= now or self._open.wait(until - now):
                return


def never_wait() -> None:
    """The checkpoint of work with no gate to wait at (outside a server)."""

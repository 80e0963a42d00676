"""The session's threads lower the interpreter's switch interval only while they work."""

from __future__ import annotations

import sys
import threading

from glossary_lsp.lsp import session as session_module
from glossary_lsp.lsp.session import IDLE_SWITCH_INTERVAL, SWITCH_INTERVAL, SessionExecutor


def test_the_switch_interval_is_short_while_any_work_runs_and_restored_after() -> None:
    executor = SessionExecutor(2)
    started, release = threading.Barrier(3), threading.Event()
    seen: list[float] = []

    def work() -> None:
        started.wait()
        release.wait()
        seen.append(sys.getswitchinterval())

    try:
        first, second = executor.submit(work), executor.submit(work)
        started.wait()
        assert sys.getswitchinterval() == SWITCH_INTERVAL
        release.set()
        first.result(), second.result()
        assert seen == [SWITCH_INTERVAL, SWITCH_INTERVAL]
        assert sys.getswitchinterval() == IDLE_SWITCH_INTERVAL
    finally:
        executor.shutdown()


def test_failing_work_restores_the_interval_too() -> None:
    executor = SessionExecutor(1)

    def fail() -> None:
        raise ValueError("bad input")

    try:
        assert isinstance(executor.submit(fail).exception(), ValueError)
        assert sys.getswitchinterval() == IDLE_SWITCH_INTERVAL
        assert session_module._THREADS_AT_WORK._running == 0
    finally:
        executor.shutdown()

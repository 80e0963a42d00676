"""The request gate (`lsp.gate`): the session's analysis threads wait at their checkpoints while
the event loop handles a message, a request until its answer is written, never longer than the
gate's cap, and no other thread ever waits there."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from glossary_lsp.lsp.gate import READING, RequestGate
from glossary_lsp.lsp.handlers import create_server
from glossary_lsp.lsp.session import EditorTexts, Session

LONG = 60.0  # a cap no test reaches: the gate opens only when released


def checkpoint_on_entered_thread(gate: RequestGate) -> tuple[threading.Event, ThreadPoolExecutor]:
    """A thread that entered the gate runs a checkpoint; the event is set once it passed."""
    passed = threading.Event()
    executor = ThreadPoolExecutor(1, initializer=gate.enter)
    executor.submit(lambda: (gate.checkpoint(), passed.set()))
    return passed, executor


def test_an_analysis_thread_waits_while_held_and_goes_on_when_released() -> None:
    gate = RequestGate(cap=LONG)
    gate.hold(("request", 1))
    gate.hold(READING)
    passed, executor = checkpoint_on_entered_thread(gate)
    try:
        assert not passed.wait(0.05)
        gate.release(READING)
        assert not passed.wait(0.05)  # the request still holds it
        gate.release(("request", 1))
        assert passed.wait(10)
        assert not gate.held
    finally:
        executor.shutdown()


def test_a_hold_never_released_lapses_after_the_cap() -> None:
    gate = RequestGate(cap=0.05)
    gate.hold(("request", "lost"))
    passed, executor = checkpoint_on_entered_thread(gate)
    try:
        assert passed.wait(10)
        assert not gate.held
        gate.release(("request", "lost"))  # its answer written after all: nothing to release
        assert not gate.held
    finally:
        executor.shutdown()


def test_other_threads_never_wait() -> None:
    gate = RequestGate(cap=LONG)
    gate.hold(("request", 1))
    gate.checkpoint()  # this thread did not enter the gate: it returns at once
    passed = threading.Event()
    executor = ThreadPoolExecutor(1)  # nor did this one (a request's own thread)
    try:
        executor.submit(lambda: (gate.checkpoint(), passed.set()))
        assert passed.wait(10)
        assert gate.held
    finally:
        executor.shutdown()


def test_the_index_asks_the_editor_at_the_gate() -> None:
    """The index's link to the open documents is where its readings wait (`EditorTexts`)."""
    session = Session()
    gate = session.gate
    gate.cap = LONG
    editor = session.index.open_source
    assert isinstance(editor, EditorTexts)
    gate.hold(("request", 1))
    passed = threading.Event()
    executor = ThreadPoolExecutor(1, initializer=gate.enter)
    try:
        executor.submit(lambda: (editor.generation(), passed.set()))
        assert not passed.wait(0.05)
        gate.release(("request", 1))
        assert passed.wait(10)
    finally:
        executor.shutdown()
        session.close()


class Collected:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        pass


def test_a_request_holds_the_gate_until_its_answer_is_written() -> None:
    server = create_server()
    gate = server.session.gate
    answered = Collected()
    server.protocol.set_writer(answered)
    release = asyncio.Event()

    @server.feature("test/slow")
    async def slow(params: object) -> int:
        await release.wait()
        return 1

    async def run() -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "test/slow", "params": {}})
        gate.hold(READING)  # as the reader does at the message's first line
        server.protocol.handle_message(
            json.loads(body, object_hook=server.protocol.structure_message)
        )
        assert gate.held  # read and handled: the request now holds it
        await asyncio.sleep(0)
        assert gate.held and not answered.written
        release.set()
        for _ in range(100):
            if answered.written:
                break
            await asyncio.sleep(0.01)
        assert answered.written and b'"id": 7' in answered.written[-1]
        assert not gate.held

    try:
        asyncio.run(run())
    finally:
        server.session.close()


def test_a_notification_holds_the_gate_only_while_it_is_handled() -> None:
    server = create_server()
    gate = server.session.gate
    server.protocol.set_writer(Collected())
    body = json.dumps({"jsonrpc": "2.0", "method": "test/unknown", "params": {}})

    async def run() -> None:
        gate.hold(READING)
        server.protocol.handle_message(
            json.loads(body, object_hook=server.protocol.structure_message)
        )
        assert not gate.held

    try:
        asyncio.run(run())
    finally:
        server.session.close()

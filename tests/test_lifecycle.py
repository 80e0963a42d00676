"""Starting and stopping the server as editors and scripts do, at the process level."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from lsp_helpers import COURSE, SERVER_COMMAND

from glossary_lsp.cli import main


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_frame(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed the stream")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        assert name.lower() in ("content-length", "content-type"), f"not a header: {line!r}"
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def read_response(stream, request_id: int) -> dict:
    while True:
        message = read_frame(stream)
        if message.get("id") == request_id and "method" not in message:
            return message


def initialize(process_id: int | None = None) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": process_id, "rootUri": COURSE.as_uri(), "capabilities": {}},
    }


def test_shutdown_then_exit_ends_with_status_0_and_stdout_carries_only_protocol():
    server = subprocess.Popen(
        [*SERVER_COMMAND, "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        server.stdin.write(frame(initialize()))
        server.stdin.flush()
        result = read_response(server.stdout, 1)["result"]
        assert result["serverInfo"]["name"] == "glossary-lsp"
        assert result["capabilities"]["hoverProvider"]
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.flush()
        assert read_response(server.stdout, 2)["result"] is None
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        assert server.wait(timeout=20) == 0
    finally:
        server.kill()
        server.wait()
        for stream in (server.stdin, server.stdout, server.stderr):
            stream.close()


def test_server_exits_when_the_editor_process_dies():
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        server.stdin.write(frame(initialize(editor.pid)))
        server.stdin.flush()
        read_response(server.stdout, 1)
        editor.kill()
        editor.wait()
        assert server.wait(timeout=20) == 0
    finally:
        editor.kill()
        server.kill()
        server.wait()
        server.stdin.close()
        server.stdout.close()


def test_input_the_event_loop_cannot_watch_ends_the_server_at_its_end():
    """`/dev/null` as standard input (a character device the selector refuses): the server reads
    the end of its input and exits, without `shutdown` (it used to wait forever)."""
    ended = subprocess.run(
        SERVER_COMMAND, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False
    )
    assert ended.returncode == 1
    assert ended.stdout == b""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_tcp_transport_answers_initialize():
    port = free_port()
    server = subprocess.Popen(
        [*SERVER_COMMAND, "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the TCP server never listened"
                time.sleep(0.1)
        with connection, connection.makefile("rwb") as stream:
            stream.write(frame(initialize()))
            stream.flush()
            assert read_response(stream, 1)["result"]["serverInfo"]["name"] == "glossary-lsp"
    finally:
        server.kill()
        server.wait()


def test_hover_and_definition_from_the_shell(capsys):
    path = COURSE / "05-distributed-training.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("🖥️ FSDP"))
    column = lines[number].index("FSDP") + 2  # 1-based, inside the word

    assert main(["hover", f"{path}:{number + 1}:{column}"]) == 0
    assert "**FSDP** — Fully Sharded Data Parallel" in capsys.readouterr().out

    early = COURSE / "03-self-attention.md"
    early_lines = early.read_text(encoding="utf-8").split("\n")
    use = next(i for i, line in enumerate(early_lines) if "FSDP" in line)
    assert main(["definition", f"{early}:{use + 1}:{early_lines[use].index('FSDP') + 1}"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"{path}:")
    assert "FSDP" in printed or "Fully Sharded Data Parallel" in printed


def test_shell_commands_reject_bad_positions(capsys):
    path = COURSE / "05-distributed-training.md"
    assert main(["hover", f"{path}:0:1"]) == 2
    assert main(["hover", f"{path}:99999:1"]) == 2
    assert main(["hover", "no-such-file.md:1:1"]) == 2
    assert main(["definition", "not-a-position"]) == 2
    errors = capsys.readouterr().err
    assert "1-based" in errors and "no line 99999" in errors
    assert main(["hover", f"{path}:1:1"]) == 1


def test_requests_without_params_or_with_unreadable_params_are_answered():
    server = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        broken = initialize()
        broken["params"]["clientInfo"] = {"version": "no name"}
        server.stdin.write(frame(broken))
        server.stdin.flush()
        assert read_response(server.stdout, 1)["error"]["code"] == -32602

        working = {**initialize(), "id": 2}
        server.stdin.write(frame(working))
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 3, "method": "glossaryLsp/terms"}))
        server.stdin.flush()
        assert "capabilities" in read_response(server.stdout, 2)["result"]
        terms = read_response(server.stdout, 3)["result"]
        assert any(entry["term"] == "FSDP" for entry in terms)
    finally:
        server.kill()
        server.wait()
        server.stdin.close()
        server.stdout.close()

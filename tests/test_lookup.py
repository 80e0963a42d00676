"""`glossary-lsp lookup`: an entry by term, alias or plural; suggestions; load problems."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from glossary_lsp.cli import main

GLOSSARY = """\
version: 1
modules:
  - id: distributed-training
    title: Distributed Training
    emoji: "🖥️"
terms:
  - term: FSDP
    expansion: Fully Sharded Data Parallel
    definition: Shards parameters, gradients and optimizer states across GPUs.
    module: distributed-training
    aliases: [Fully Sharded Data Parallel]
    see_also: [DDP, ZeRO]
  - term: DDP
    expansion: Distributed Data Parallel
    module: distributed-training
  - term: ZeRO
    expansion: Zero Redundancy Optimizer
  - term: KV cache
    definition: The keys and values of past tokens, kept for the next step.
"""


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def lookup(capsys, glossary_file: Path, *arguments: str) -> tuple[int, str, str]:
    status = main(["lookup", *arguments, "--no-bundled", "--glossary", str(glossary_file)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_prints_the_entry(capsys, glossary_file):
    status, out, err = lookup(capsys, glossary_file, "FSDP")
    assert (status, err) == (0, "")
    assert out == textwrap.dedent(f"""\
        FSDP — Fully Sharded Data Parallel

        Shards parameters, gradients and optimizer states across GPUs.

        introduced in: 🖥️ Distributed Training
        aliases: Fully Sharded Data Parallel
        see also: DDP, ZeRO
        source: {glossary_file}:7:5
        """)


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("fsdp", None),
        ("fully sharded DATA parallel", "('fully sharded DATA parallel' is an alias of FSDP)"),
        ("FSDPs", "('FSDPs' is a plural of FSDP)"),
    ],
)
def test_finds_a_term_by_any_case_alias_or_plural(capsys, glossary_file, query, note):
    status, out, _ = lookup(capsys, glossary_file, query)
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "FSDP — Fully Sharded Data Parallel"
    assert (lines[1] if note else "") == (note or "")


def test_an_entry_without_module_or_expansion(capsys, glossary_file):
    status, out, _ = lookup(capsys, glossary_file, "kv caches")
    assert status == 0
    assert out.splitlines()[0] == "KV cache"
    assert "introduced in" not in out
    assert "The keys and values of past tokens" in out


def test_json(capsys, glossary_file):
    status, out, _ = lookup(capsys, glossary_file, "ddp", "--json")
    assert status == 0
    entry = json.loads(out)
    assert entry["term"] == "DDP"
    assert entry["query"] == "ddp"
    assert entry["expansion"] == "Distributed Data Parallel"
    assert entry["module"]["label"] == "🖥️ Distributed Training"
    assert entry["location"] == {"path": str(glossary_file), "line": 13, "column": 5}
    assert entry["case_sensitive"] is True


def test_unknown_term_suggests_the_closest_on_stderr(capsys, glossary_file):
    status, out, err = lookup(capsys, glossary_file, "FSPD")
    assert (status, out) == (1, "")
    assert err.startswith("no term 'FSPD'; did you mean: FSDP")
    assert err.rstrip().endswith("?")


def test_unknown_term_with_nothing_close(capsys, glossary_file):
    status, out, err = lookup(capsys, glossary_file, "qwxzv")
    assert (status, out) == (1, "")
    assert err == "no term 'qwxzv' in the glossary\n"


def test_a_glossary_that_fails_to_load_prints_its_problems(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nterms:\n  - term: A\n    defintion: x\n", encoding="utf-8")
    status, out, err = lookup(capsys, bad, "A")
    assert (status, out) == (2, "")
    assert err.startswith(f"{bad}:4:5: unknown key 'defintion'")


def test_a_missing_glossary_file(capsys, tmp_path):
    status, _, err = lookup(capsys, tmp_path / "nowhere.yaml", "A")
    assert status == 2
    assert f"{tmp_path / 'nowhere.yaml'}:1:1: cannot read the file" in err


def test_later_glossary_overrides_the_bundled_one(capsys, tmp_path):
    override = tmp_path / "glossary.yaml"
    override.write_text(
        "version: 1\nterms:\n  - term: fsdp\n    expansion: Our own words\n", encoding="utf-8"
    )
    status = main(["lookup", "FSDP", "--glossary", str(override)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "fsdp — Our own words"
    assert f"source: {override}:3:5" in out


@pytest.mark.slow
def test_python_dash_m_looks_up_in_the_bundled_glossary():
    completed = subprocess.run(
        [sys.executable, "-m", "glossary_lsp", "lookup", "FSDP"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("FSDP")
    assert "source: " in completed.stdout


@pytest.mark.slow
def test_python_dash_m_unknown_term_exits_1(glossary_file):
    completed = subprocess.run(
        [sys.executable, "-m", "glossary_lsp", "lookup", "FDSP"]
        + ["--no-bundled", "--glossary", str(glossary_file)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert (completed.returncode, completed.stdout) == (1, "")
    assert "did you mean: FSDP" in completed.stderr

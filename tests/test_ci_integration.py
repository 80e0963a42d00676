"""The repository's `action.yml` and `.pre-commit-hooks.yaml` run what they say they run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from schema_helpers import validate

REPO = Path(__file__).resolve().parents[1]


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def test_the_action_is_composite_with_path_fail_on_and_version():
    loaded = action()
    validate(loaded, "GitHub Action")
    assert loaded["runs"]["using"] == "composite"
    assert set(loaded["inputs"]) >= {"path", "fail-on", "version"}
    assert loaded["inputs"]["fail-on"]["default"] == "error"
    install = loaded["runs"]["steps"][0]["run"]
    assert "pip" in install and "glossary-lsp==" in install


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("fail_on, status", [("error", 0), ("warning", 1), ("none", 0)])
def test_the_action_check_step_annotates_the_sample_course(tmp_path, fail_on, status):
    """The step's own script, with the runner's variables, on a glossary-lsp already installed."""
    installed = tmp_path / "glossary-lsp" / "bin"
    installed.mkdir(parents=True)
    (installed / "glossary-lsp").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m glossary_lsp "$@"\n', encoding="utf-8"
    )
    (installed / "glossary-lsp").chmod(0o755)
    step = action()["runs"]["steps"][1]
    environment = {
        **os.environ,
        "RUNNER_TEMP": str(tmp_path),
        "GLOSSARY_LSP_PATH": "examples/course",
        "GLOSSARY_LSP_FAIL_ON": fail_on,
        "GLOSSARY_LSP_ARGS": "",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == status, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(
        re.match(r"::(warning|notice|error) file=examples/course/", line) for line in lines
    )


def test_the_pre_commit_hook_runs_check_over_the_course():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    validate(hooks, ".pre-commit-hooks.yml")
    (hook,) = hooks
    assert hook["id"] == "glossary-lsp-check"
    assert hook["entry"] == "glossary-lsp check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for name in ["course/01-a.md", "06-serving.ipynb", "glossary.yaml", ".glossary-ignore"]:
        assert files.search(name), name
    assert not files.search("setup.py")

"""`glossary-lsp check`: output formats, paths, settings and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_helpers import write_course

from glossary_lsp.cli import main
from glossary_lsp.settings import DIAGNOSTIC_DEFAULTS as RULES

REPO = Path(__file__).resolve().parents[1]
COURSE = {
    "01-a.md": "# A\n\nWe use Pytorch; the SRAM is small. FSDP later, and SRAM again.\n",
    "02-b.md": "# 🎯 Training\n\nFully Sharded Data Parallel (FSDP) and 大規模 Pytorch.\n",
}


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = write_course(tmp_path / "course", COURSE)
    monkeypatch.chdir(tmp_path)
    return root


def check(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["check", "--no-bundled", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_text_output_is_file_line_col_severity_rule_message(course, capsys):
    status, out, err = check(capsys, "course")
    assert status == 0
    assert out.splitlines() == [
        *(
            f"course/glossary.yaml:{line}:11: hint unusedTerm: "
            f"'{term}' is not used in any module of the course"
            for line, term in [
                (13, "HBM"),
                (16, "FlashAttention"),
                (17, "LayerNorm"),
                (19, "Embedding"),
                (20, "KV cache"),
                (22, "Continuous batching"),
            ]
        ),
        "course/01-a.md:3:8: warning nonCanonicalSpelling: "
        "'Pytorch' is spelled 'PyTorch' in the glossary",
        "course/01-a.md:3:21: information unknownAcronym: 'SRAM' is not in the glossary",
        # FSDP is introduced, expanded, in 02-b.md: used before it here, not "not expanded"
        "course/01-a.md:3:36: warning usedBeforeIntroduced: "
        "'FSDP' is used before 🎯 Training (02-b.md) introduces it",
        # columns count characters: 大規模 is three, whatever its UTF-8 or UTF-16 length
        "course/02-b.md:3:44: warning nonCanonicalSpelling: "
        "'Pytorch' is spelled 'PyTorch' in the glossary",
    ]
    assert err.strip() == "3 warnings, 1 information, 6 hints in 2 modules"


def test_threshold_and_severity_settings_decide_the_exit_status(course, capsys, tmp_path):
    assert check(capsys, "course", "--severity-threshold", "warning")[0] == 1
    config = tmp_path / "settings.json"
    config.write_text(
        json.dumps({"glossaryLsp.diagnostics.nonCanonicalSpelling": "error"}), encoding="utf-8"
    )
    status, out, _ = check(capsys, "course", "--config", str(config))
    assert status == 1
    assert "course/01-a.md:3:8: error nonCanonicalSpelling" in out
    config.write_text(
        json.dumps({"glossaryLsp": {"diagnostics": {"nonCanonicalSpelling": "off"}}}),
        encoding="utf-8",
    )
    status, out, _ = check(
        capsys, "course", "--config", str(config), "--severity-threshold", "warning"
    )
    assert status == 1 and "nonCanonicalSpelling" not in out
    (config.parent / "all-off.json").write_text(
        json.dumps({"diagnostics": {rule: "off" for rule in RULES}}), encoding="utf-8"
    )
    status, out, _ = check(
        capsys,
        "course",
        "--config",
        str(config.parent / "all-off.json"),
        "--severity-threshold",
        "information",
    )
    assert status == 0 and "course/01-a.md" not in out


def test_a_file_restricts_the_report_and_ignore_files_count(course, capsys):
    (course / ".glossary-ignore").write_text("# words\nSRAM\n", encoding="utf-8")
    status, out, _ = check(capsys, "course/01-a.md")
    assert status == 0 and "SRAM" not in out
    assert [line.split(": ")[1] for line in out.splitlines()] == [
        "warning nonCanonicalSpelling",
        "warning usedBeforeIntroduced",
    ]


def test_json_output(course, capsys):
    status, out, _ = check(capsys, "course/02-b.md", "--format", "json")
    document = json.loads(out)
    assert status == 0
    (finding,) = document["diagnostics"]
    assert finding == {
        "file": "course/02-b.md",
        "line": 3,
        "column": 44,
        "endLine": 3,
        "endColumn": 51,
        "severity": "warning",
        "rule": "nonCanonicalSpelling",
        "message": "'Pytorch' is spelled 'PyTorch' in the glossary",
        "related": [],
    }
    assert document["summary"]["modules"] == 2


def test_related_information_in_json(course, capsys):
    (course / "00-early.md").write_text("# Early\n\nFSDP first.\n", encoding="utf-8")
    glossary = (course / "glossary.yaml").read_text(encoding="utf-8")
    (course / "glossary.yaml").write_text(
        glossary.replace(
            "  - id: training\n    title: Training", "  - id: b\n    title: B"
        ).replace("module: training", "module: b"),
        encoding="utf-8",
    )
    _, out, _ = check(capsys, "course", "--format", "json")
    used = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "usedBeforeIntroduced"]
    assert [d["file"] for d in used] == ["course/00-early.md", "course/01-a.md"]
    used = used[0]
    assert used["related"] == [
        {
            "file": "course/02-b.md",
            "line": 3,
            "column": 30,
            "message": "'FSDP' is introduced in 🖥️ B",
        }
    ]


def test_glossary_errors_and_usage_errors_exit_with_2(course, capsys):
    (course / "glossary.yaml").write_text("version: 1\nterms:\n  - term: [\n", encoding="utf-8")
    status, out, _ = check(capsys, "course")
    assert status == 2
    assert out.startswith("course/glossary.yaml:")
    assert " error glossarySchema: " in out.splitlines()[0]
    status, _, err = check(capsys, "no-such-folder")
    assert status == 2 and "no such file or folder" in err
    status, _, err = check(capsys, "course", "--config", "missing.json")
    assert status == 2


def test_the_sample_course(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    status = main(["check", "examples/course"])
    out, err = capsys.readouterr()
    assert status == 0
    lines = out.splitlines()
    assert (
        "examples/course/03-self-attention.md:44:20: warning usedBeforeIntroduced: 'FSDP' is used"
        " before 🖥️ Distributed Training (05-distributed-training.md) introduces it"
    ) in lines  # not also "not expanded": that rule speaks in the introducing module only
    assert any(
        line.startswith(
            "examples/course/03-self-attention.md:41:20: information acronymNotExpanded"
        )
        and "'HBM'" in line
        for line in lines
    )
    assert "modules" in err
    assert main(["check", "examples/course"]) == 0
    assert capsys.readouterr().out == out  # deterministic

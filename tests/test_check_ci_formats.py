"""`glossary-lsp check --format github|sarif` and `--fail-on`: what CI systems read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from course_helpers import notebook, write_course
from schema_helpers import validate

from glossary_lsp.cli import main
from glossary_lsp.commands.ci_formats import github_data, github_property
from glossary_lsp.features.diagnostics import RULE_DEFAULTS, RULE_HELP

REPO = Path(__file__).resolve().parents[1]
COURSE = {
    "01-a.md": "# A\n\n🎯 We use Pytorch; the SRAM is small. FSDP later, and SRAM again.\n",
    "02-b.md": "# 🖥️ Training\n\nFully Sharded Data Parallel (FSDP), in 大規模 runs.\n",
    "03-broken.ipynb": '{"cells": [\n',
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


# ---------------------------------------------------------------------------------- GitHub


def test_github_escapes_data_and_properties_as_the_runner_unescapes_them():
    assert github_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github_property("dir:a,b/100%.md") == "dir%3Aa%2Cb/100%25.md"


def test_github_one_workflow_command_per_finding(course, capsys):
    status, out, err = check(capsys, "course", "--format", "github")
    lines = out.splitlines()
    assert status == 1  # the broken notebook is an error
    assert lines[0].startswith("::notice file=course/glossary.yaml,line=13,col=11,title=unusedTerm")
    assert lines[-1].startswith("::error file=course/03-broken.ipynb,line=2,col=1,")
    assert ",title=documentError::" in lines[-1]
    assert (
        "::warning file=course/01-a.md,line=3,col=10,title=nonCanonicalSpelling::"
        "'Pytorch' is spelled 'PyTorch' in the glossary"
    ) in lines
    # information → notice; columns count characters, after the emoji
    assert (
        "::notice file=course/01-a.md,line=3,col=23,title=unknownAcronym::"
        "'SRAM' is not in the glossary"
    ) in lines
    assert all(
        re.match(r"::(error|warning|notice) file=[^:]+,line=\d+,col=\d+,title=", line)
        for line in lines
    )
    assert len(lines) == len(
        json.loads(check(capsys, "course", "--format", "json")[1])["diagnostics"]
    )
    assert "in 3 modules" in err


def test_fail_on_is_the_threshold_and_none_never_fails(course, capsys):
    (course / "03-broken.ipynb").unlink()
    assert check(capsys, "course", "--format", "github")[0] == 0
    assert check(capsys, "course", "--fail-on", "warning")[0] == 1
    assert check(capsys, "course", "--severity-threshold", "warning")[0] == 1
    assert check(capsys, "course", "--fail-on", "none")[0] == 0
    with pytest.raises(SystemExit) as raised:
        main(["check", "course", "--fail-on", "sometimes"])
    assert raised.value.code == 2


# ----------------------------------------------------------------------------------- SARIF


def test_sarif_is_valid_2_1_0_with_one_rule_per_rule_id(course, capsys):
    status, out, _ = check(capsys, "course", "--format", "sarif")
    log = json.loads(out)
    validate(log, "sarif-2.1.0")
    assert status == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "glossary-lsp" and driver["version"]
    rules = driver["rules"]
    assert (
        [rule["id"] for rule in rules]
        == list(RULE_HELP)
        == sorted(RULE_DEFAULTS, key=list(RULE_HELP).index)
    )
    assert all(rule["help"]["text"] == RULE_HELP[rule["id"]] for rule in rules)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == course.as_uri() + "/"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")


def test_sarif_locations_are_1_based_characters_relative_to_the_root(course, capsys):
    log = json.loads(check(capsys, "course", "--format", "sarif")[1])
    results = log["runs"][0]["results"]
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    sram = next(r for r in results if r["ruleId"] == "unknownAcronym")
    location = sram["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "01-a.md", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 23, "endLine": 3, "endColumn": 27}
    assert sram["level"] == "note" and sram["message"]["text"] == "'SRAM' is not in the glossary"
    before = next(r for r in results if r["ruleId"] == "usedBeforeIntroduced")
    related = before["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "02-b.md"
    assert related["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 30}
    broken = next(r for r in results if r["ruleId"] == "documentError")
    assert broken["level"] == "error"


def test_sarif_of_a_clean_course_and_of_the_sample_course(tmp_path, capsys, monkeypatch):
    write_course(
        tmp_path / "clean",
        {"01-a.md": "# A\n\nNothing to see.\n", "02-b.ipynb": notebook(("markdown", "# B\n"))},
    )
    monkeypatch.chdir(tmp_path)
    status, out, _ = check(capsys, "clean", "--format", "sarif")
    log = json.loads(out)
    assert status == 0
    unused = [r["ruleId"] for r in log["runs"][0]["results"]]
    assert set(unused) == {"unusedTerm"}  # the helper glossary's terms, none used
    monkeypatch.chdir(REPO)
    status = main(["check", "examples/course", "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    validate(log, "sarif-2.1.0")
    assert status == 0 and log["runs"][0]["results"]


def test_the_docs_table_names_the_rules_sarif_describes():
    table = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)
    assert documented == list(RULE_HELP)

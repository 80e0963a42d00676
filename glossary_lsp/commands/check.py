"""`glossary-lsp check [PATH…]`: the course diagnostics from the command line, for CI.

A PATH that is a folder is a course (a workspace folder: its `glossary.yaml` is loaded); a file
restricts the report to that file, in the course found from it (the nearest folder holding a
`glossary.yaml` or `.git`). Each finding is printed as

    file:line:col: severity rule: message

with 1-based lines and columns counted in characters (Unicode code points), modules in course
order, glossary files first. `--format json` prints one JSON object instead, `--format github`
one GitHub Actions workflow command per finding, `--format sarif` a SARIF 2.1.0 log. The exit
status is 1 when a finding is at or above `--severity-threshold`/`--fail-on` (default: error;
`none` never), 2 for a usage problem, bad settings or a glossary that fails to load, and 0
otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glossary_lsp.commands._offline import (
    Course,
    UsageError,
    add_course_arguments,
    open_course,
)
from glossary_lsp.commands.ci_formats import (
    ArtifactLocations,
    github_command,
    sarif_log,
    sarif_result,
)
from glossary_lsp.features.course import module_name_findings, toc_findings
from glossary_lsp.features.diagnostics import SEVERITY_RANK, Finding, glossary_findings
from glossary_lsp.text.positions import LineIndex

__all__ = ["UsageError", "add_course_arguments", "load_course", "run"]

THRESHOLDS = ("error", "warning", "information", "hint")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="course folders or files (.)"
    )
    add_course_arguments(parser)
    parser.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text")
    parser.add_argument(
        "--severity-threshold",
        "--fail-on",
        dest="severity_threshold",
        choices=(*THRESHOLDS, "none"),
        default="error",
        help="exit with 1 when a finding is at least this severe (default: error; none: never)",
    )


def load_course(args: argparse.Namespace) -> Course:
    """The course of `args.paths`, each module's prose analysed once."""
    course = open_course(args.paths, args)
    for module in course.index.modules():
        # the analysis reads each module's prose once; its term uses are the index's terms
        analysis = course.analyses.analysis(course.version, course.index, module, course.rules)
        course.index.record_terms(module, analysis.first_use)
    return course


# ------------------------------------------------------------------------------- reporting


@dataclass(frozen=True)
class Reported:
    path: Path
    lines: LineIndex
    finding: Finding


def collect(course: Course) -> list[Reported]:
    """Every finding: glossary files first, then modules in course order."""
    reported: list[Reported] = []
    glossary_paths_ = list(course.glossary_files)
    glossary_paths_ += [p for p in course.glossary_problems if p not in glossary_paths_]
    for path in glossary_paths_:
        try:
            lines = LineIndex(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            lines = LineIndex("")
        problems = course.glossary_problems.get(path, [])
        for finding in glossary_findings(
            course.version, course.index, path, lines, problems, course.rules
        ) + module_name_findings(course.version, course.index, path, lines):
            reported.append(Reported(path, lines, finding))
    for path, (lines, findings) in toc_findings(course.index).items():
        reported += [Reported(path, lines, finding) for finding in findings]
    results = course.analyses.workspace(course.version, course.index, course.rules)
    for module in course.index.modules():
        findings = results.get(module.path, [])
        if not findings:
            continue
        view = course.index.view(module)
        lines = view.lines if view is not None else LineIndex("")
        reported += [Reported(module.path, lines, finding) for finding in findings]
    if course.only:
        reported = [item for item in reported if item.path in course.only]
    return reported


def display_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return os.fspath(path)


def as_dict(item: Reported) -> dict[str, Any]:
    line, column = item.lines.position(item.finding.start)
    end_line, end_column = item.lines.position(item.finding.end)
    return {
        "file": display_path(item.path),
        "line": line + 1,
        "column": column + 1,
        "endLine": end_line + 1,
        "endColumn": end_column + 1,
        "severity": item.finding.severity,
        "rule": item.finding.rule,
        "message": item.finding.message,
        "related": [
            {
                "file": display_path(related.target.path),
                "line": related.target.lines.position(related.target.start)[0] + 1,
                "column": related.target.lines.position(related.target.start)[1] + 1,
                "message": related.message,
            }
            for related in item.finding.related
        ],
    }


def summary(reported: list[Reported], course: Course) -> dict[str, Any]:
    counts = Counter(item.finding.severity for item in reported)
    return {
        **{severity: counts.get(severity, 0) for severity in THRESHOLDS},
        "modules": len(course.index.modules()),
        "files": len({item.path for item in reported}),
    }


def summary_line(numbers: dict[str, Any]) -> str:
    parts = [
        f"{numbers[severity]} {_plural(severity, numbers[severity])}"
        for severity in THRESHOLDS
        if numbers[severity]
    ]
    found = ", ".join(parts) if parts else "no findings"
    return f"{found} in {numbers['modules']} {_plural('module', numbers['modules'])}"


def _plural(word: str, count: int) -> str:
    return word if count == 1 or word == "information" else word + "s"


def sarif_document(reported: list[Reported], course: Course) -> dict[str, Any]:
    artifacts = ArtifactLocations(course.roots)
    results = [
        sarif_result(
            as_dict(item),
            item.path,
            [related.target.path for related in item.finding.related],
            artifacts,
        )
        for item in reported
    ]
    return sarif_log(results, artifacts)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course(args)
    except UsageError as error:
        print(f"glossary-lsp check: {error}", file=sys.stderr)
        return 2
    reported = collect(course)
    numbers = summary(reported, course)
    if args.format == "json":
        document = {"diagnostics": [as_dict(item) for item in reported], "summary": numbers}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif args.format == "sarif":
        print(json.dumps(sarif_document(reported, course), ensure_ascii=False, indent=2))
    elif args.format == "github":
        for item in reported:
            print(github_command(as_dict(item)))
        print(summary_line(numbers), file=sys.stderr)
    else:
        for item in reported:
            entry = as_dict(item)
            print(
                f"{entry['file']}:{entry['line']}:{entry['column']}: "
                f"{entry['severity']} {entry['rule']}: {entry['message']}"
            )
        print(summary_line(numbers), file=sys.stderr)
    if course.glossary_problems:
        return 2
    if args.severity_threshold == "none":
        return 0
    limit = SEVERITY_RANK[args.severity_threshold]
    failing = any(SEVERITY_RANK[item.finding.severity] <= limit for item in reported)
    return 1 if failing else 0

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary_lsp.commands._offline import find_root
from glossary_lsp.commands.ci_formats import (
    ArtifactLocations,
    github_command,
    sarif_log,
    sarif_result,
)
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import IGNORE_FILE, parse_ignore_file
from glossary_lsp.features.diagnostics import (
    SEVERITY_RANK,
    CourseDiagnostics,
    Finding,
    RuleSettings,
    glossary_findings,
)
from glossary_lsp.glossary.loader import LoadProblem
from glossary_lsp.glossary.store import GlossaryStore, glossary_paths
from glossary_lsp.settings import Settings
from glossary_lsp.text.positions import LineIndex

SECTION = "glossaryLsp"
THRESHOLDS = ("error", "warning", "information", "hint")


class UsageError(Exception):
    """Printed as one line; exit status 2."""


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


def add_course_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary", action="append", default=[], metavar="FILE", help="an extra glossary YAML"
    )
    parser.add_argument("--no-bundled", action="store_true", help="leave out the bundled glossary")
    parser.add_argument(
        "--config",
        metavar="SETTINGS.json",
        help='glossaryLsp settings: {"glossaryLsp": {…}}, the section itself, or VS Code '
        'settings.json keys such as "glossaryLsp.diagnostics.unknownAcronym"',
    )


# ------------------------------------------------------------------------------- the course


@dataclass
class Course:
    """A course loaded from the command line: glossary, index and the rules to apply."""

    roots: list[Path]
    only: set[Path]
    settings: Settings
    version: GlossaryVersion
    index: WorkspaceIndex
    rules: RuleSettings
    analyses: CourseDiagnostics
    glossary_problems: dict[Path, list[LoadProblem]] = field(default_factory=dict)
    glossary_files: list[Path] = field(default_factory=list)


def load_course(args: argparse.Namespace) -> Course:
    """Glossaries, settings and index for `args.paths`; raises `UsageError`."""
    roots: list[Path] = []
    only: set[Path] = set()
    for given in args.paths:
        path = Path(given).resolve()
        if path.is_dir():
            root = path
        elif path.is_file():
            root = find_root(path)
            only.add(path)
        else:
            raise UsageError(f"{given}: no such file or folder")
        if root not in roots:
            roots.append(root)
    settings = load_settings(args.config)
    if settings.problems:
        raise UsageError("; ".join(settings.problems))
    extra = [str(Path(name).resolve()) for name in args.glossary]
    for name, resolved in zip(args.glossary, extra, strict=True):
        if not Path(resolved).is_file():
            raise UsageError(f"{name}: no such glossary file")
    store = GlossaryStore()
    bundled = settings.include_bundled and not args.no_bundled
    sources = store.discover(roots, settings.source_kinds)
    paths = glossary_paths(roots, [*settings.glossaries, *extra], bundled, sources)
    store.configure(paths)
    store.reload(force=True)
    version = GlossaryVersion.build(store.merged)
    index = WorkspaceIndex(
        roots=roots,
        include=settings.modules_include,
        exclude=settings.modules_exclude,
        matcher=version.matcher,
        cache_size=sys.maxsize,  # one run over the course: keep every module read once
    )
    index.list_modules()
    rules = RuleSettings.from_settings(settings, ignore_words(roots))
    analyses = CourseDiagnostics()
    for module in index.modules():
        # the analysis reads each module's prose once; its term uses are the index's terms
        index.record_terms(module, analyses.analysis(version, index, module, rules).first_use)
    workspace_glossaries = [p for p in paths if any(_inside(p, root) for root in roots)]
    return Course(
        roots,
        only,
        settings,
        version,
        index,
        rules,
        analyses,
        dict(store.problems),
        workspace_glossaries,
    )


def load_settings(config: str | None) -> Settings:
    if not config:
        return Settings()
    try:
        raw = json.loads(Path(config).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{config}: {getattr(error, 'strerror', None) or error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{config}:{error.lineno}:{error.colno}: {error.msg}") from None
    return Settings.from_dict(settings_section(raw))


def settings_section(raw: Any) -> Any:
    """The `glossaryLsp` section of a settings object, in any of the accepted shapes."""
    if not isinstance(raw, dict):
        return raw
    if isinstance(raw.get(SECTION), dict):
        return raw[SECTION]
    dotted = {key: value for key, value in raw.items() if key.startswith(SECTION + ".")}
    if not dotted:
        return raw
    section: dict[str, Any] = {}
    for key, value in dotted.items():
        parts = key.split(".")[1:]
        target = section
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return section


def ignore_words(roots: list[Path]) -> list[str]:
    """The words of each root's `.glossary-ignore`."""
    words: list[str] = []
    for root in roots:
        try:
            words += parse_ignore_file((root / IGNORE_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return words


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


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
        ):
            reported.append(Reported(path, lines, finding))
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

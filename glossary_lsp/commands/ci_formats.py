"""`check`'s findings in the formats CI systems read: GitHub Actions workflow commands and
SARIF 2.1.0 (GitHub code scanning, Azure DevOps, most SARIF viewers)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from glossary_lsp import __version__
from glossary_lsp.features.diagnostics import RULE_DEFAULTS, RULE_HELP

TOOL_NAME = "glossary-lsp"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
GITHUB_COMMANDS = {
    "error": "error",
    "warning": "warning",
    "information": "notice",
    "hint": "notice",
}
SARIF_LEVELS = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


# ---------------------------------------------------------------------------------- GitHub


def github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which end a property."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(entry: dict[str, Any]) -> str:
    """`::warning file=…,line=…,col=…,title=RULE::MESSAGE` for one finding (`check.as_dict`)."""
    properties = ",".join(
        f"{name}={github_property(str(value))}"
        for name, value in (
            ("file", entry["file"]),
            ("line", entry["line"]),
            ("col", entry["column"]),
            ("title", entry["rule"]),
        )
    )
    command = GITHUB_COMMANDS[entry["severity"]]
    return f"::{command} {properties}::{github_data(entry['message'])}"


# ----------------------------------------------------------------------------------- SARIF


def sarif_rules() -> list[dict[str, Any]]:
    """One reporting descriptor per rule, with its help text and default level."""
    return [
        {
            "id": rule,
            "shortDescription": {"text": help_text},
            "help": {"text": help_text},
            "defaultConfiguration": {"level": SARIF_LEVELS[RULE_DEFAULTS[rule]]},
        }
        for rule, help_text in RULE_HELP.items()
    ]


class ArtifactLocations:
    """File paths as SARIF artifact locations: relative to the course root holding them (the
    base id `%SRCROOT%` for the first root, `ROOT2`… for others), else an absolute URI."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self.base_ids = ["%SRCROOT%", *(f"ROOT{number}" for number in range(2, len(roots) + 1))]

    def original_uri_base_ids(self) -> dict[str, Any]:
        return {
            base_id: {"uri": root.as_uri().rstrip("/") + "/"}
            for base_id, root in zip(self.base_ids, self.roots, strict=True)
        }

    def location(self, path: Path) -> dict[str, Any]:
        for base_id, root in zip(self.base_ids, self.roots, strict=True):
            try:
                relative = path.relative_to(root)
            except ValueError:
                continue
            return {"uri": _uri_path(relative), "uriBaseId": base_id}
        return {"uri": path.absolute().as_uri()}


def _uri_path(relative: Path) -> str:
    return quote(relative.as_posix(), safe="/")


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def sarif_result(
    entry: dict[str, Any], path: Path, related: Iterable[Path], artifacts: ArtifactLocations
) -> dict[str, Any]:
    """One SARIF result for one finding (`check.as_dict`, its path and its related paths)."""
    result: dict[str, Any] = {
        "ruleId": entry["rule"],
        "ruleIndex": list(RULE_HELP).index(entry["rule"]),
        "level": SARIF_LEVELS[entry["severity"]],
        "message": {"text": entry["message"]},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifacts.location(path),
                    "region": _region(
                        entry["line"], entry["column"], entry["endLine"], entry["endColumn"]
                    ),
                }
            }
        ],
    }
    related_locations = [
        {
            "id": number,
            "message": {"text": item["message"]},
            "physicalLocation": {
                "artifactLocation": artifacts.location(related_path),
                "region": {"startLine": item["line"], "startColumn": item["column"]},
            },
        }
        for number, (item, related_path) in enumerate(zip(entry["related"], related, strict=True))
    ]
    if related_locations:
        result["relatedLocations"] = related_locations
    return result


def sarif_log(results: list[dict[str, Any]], artifacts: ArtifactLocations) -> dict[str, Any]:
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "rules": sarif_rules(),
                    }
                },
                "originalUriBaseIds": artifacts.original_uri_base_ids(),
                # check counts columns in characters, as SARIF's unicodeCodePoints does
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }

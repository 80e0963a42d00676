"""The `glossaryLsp` settings: defaults, and validation that never rejects the whole object.

A bad value is replaced by its default and reported, so a typo in one setting never stops the
server from serving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from glossary_lsp.glossary.sources import KINDS as SOURCE_KINDS

SEVERITIES = ("error", "warning", "information", "hint", "off")
MODULES_INCLUDE = ("**/*.md", "**/*.markdown", "**/*.mdx", "**/*.ipynb")
MODULES_EXCLUDE = (
    "**/.git/**",
    "**/node_modules/**",
    "**/.venv/**",
    "**/venv/**",
    "**/env/**",
    "**/.tox/**",
    "**/__pycache__/**",
    "**/.ipynb_checkpoints/**",
    "**/build/**",
    "**/dist/**",
    "**/_build/**",
    "**/site/**",
)
DIAGNOSTIC_DEFAULTS = {
    "usedBeforeIntroduced": "warning",
    "acronymNotExpanded": "information",
    "unknownAcronym": "information",
    "nonCanonicalSpelling": "warning",
}


@dataclass(frozen=True)
class Settings:
    glossaries: tuple[str, ...] = ()
    include_bundled: bool = True
    modules_include: tuple[str, ...] = MODULES_INCLUDE
    modules_exclude: tuple[str, ...] = MODULES_EXCLUDE
    diagnostics: dict[str, str] = field(default_factory=lambda: dict(DIAGNOSTIC_DEFAULTS))
    ignore: tuple[str, ...] = ()
    code_comments: bool = False
    source_kinds: tuple[str, ...] = SOURCE_KINDS  # glossary sources read from the workspace
    course_toc: str | None = None  # course.toc: the order file, relative to the workspace folder
    course_language: str | None = None  # course.language: which translation is the course
    problems: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, raw: Any) -> Settings:
        problems: list[str] = []
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            return cls(problems=(f"glossaryLsp settings must be an object, not {_kind(raw)}",))
        modules = _get(raw, "modules", dict, {}, problems)
        course = _get(raw, "course", dict, {}, problems)
        diagnostics = dict(DIAGNOSTIC_DEFAULTS)
        for rule, value in _get(raw, "diagnostics", dict, {}, problems).items():
            if rule not in DIAGNOSTIC_DEFAULTS:
                problems.append(f"glossaryLsp.diagnostics.{rule}: unknown rule")
            elif value not in SEVERITIES:
                allowed = ", ".join(SEVERITIES)
                problems.append(f"glossaryLsp.diagnostics.{rule}: {value!r} is not in {allowed}")
            else:
                diagnostics[rule] = value
        return cls(
            glossaries=_strings(raw, "glossaries", problems),
            include_bundled=_get(raw, "includeBundled", bool, True, problems),
            modules_include=_strings(modules, "include", problems, "modules.") or MODULES_INCLUDE,
            modules_exclude=_globs(modules, "exclude", MODULES_EXCLUDE, problems),
            diagnostics=diagnostics,
            ignore=_strings(raw, "ignore", problems),
            code_comments=_get(raw, "codeComments", bool, False, problems),
            source_kinds=_source_kinds(_get(raw, "sources", dict, {}, problems), problems),
            course_toc=_get(course, "toc", str, "", problems, "course.").strip() or None,
            course_language=_get(course, "language", str, "", problems, "course.").strip() or None,
            problems=tuple(problems),
        )


def _source_kinds(raw: dict, problems: list[str]) -> tuple[str, ...]:
    """`glossaryLsp.sources.<kind>: false` switches a kind of glossary source off."""
    for kind in raw:
        if kind not in SOURCE_KINDS:
            problems.append(f"glossaryLsp.sources.{kind}: unknown kind of glossary source")
    return tuple(kind for kind in SOURCE_KINDS if _get(raw, kind, bool, True, problems, "sources."))


def _globs(raw: dict, key: str, default: tuple[str, ...], problems: list[str]) -> tuple[str, ...]:
    """A glob list; absent means the default, an explicit `[]` means none."""
    if raw.get(key) is None:
        return default
    return _strings(raw, key, problems, "modules.")


def _kind(value: Any) -> str:
    return type(value).__name__


def _get(raw: dict, key: str, expected: type, default: Any, problems: list[str], prefix: str = ""):
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, expected):
        problems.append(
            f"glossaryLsp.{prefix}{key}: expected {expected.__name__}, got {_kind(value)}"
        )
        return default
    return value


def _strings(raw: dict, key: str, problems: list[str], prefix: str = "") -> tuple[str, ...]:
    value = _get(raw, key, list, [], problems, prefix)
    good = tuple(item for item in value if isinstance(item, str) and item.strip())
    if len(good) != len(value):
        problems.append(f"glossaryLsp.{prefix}{key}: only non-empty strings are allowed")
    return good

"""`glossary-lsp course [PATH] [--format text|json]`: what the server understands of a course.

The root, where the order comes from (a TOC format, `README.md` or `folders`), the course
language, the folders skipped by default rules, the TOC's problems, and the modules in course
order (path relative to the root, id, title). PATH is a course folder or a file in it (default
`.`); the root is found as `check`, `hover` and `definition` find it.
"""

from __future__ import annotations

import argparse
import json
import sys

from glossary_lsp.commands._offline import UsageError, add_course_arguments, open_course
from glossary_lsp.features.course import course_outline

JSON_KEYS = ("root", "order_source", "language", "modules")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="a course folder")
    add_course_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")


def text_report(outline: dict) -> str:
    lines = [f"root: {outline['root']}"]
    source = outline["order_source"]
    toc = outline.get("toc")
    lines.append(f"order: {source}" + (f" ({toc})" if toc and source != "folders" else ""))
    language = outline["language"]
    others = [x for x in outline.get("languages", []) if x != language]
    lines.append(
        f"language: {language or 'the untranslated files'}"
        + (f" (also: {', '.join(others)})" if others else "")
    )
    if outline.get("skipped"):
        lines.append(f"skipped by default rules: {', '.join(outline['skipped'])}")
    lines += [f"problem: {problem}" for problem in outline.get("problems", [])]
    lines += [f"note: {note}" for note in outline.get("notes", [])]
    lines.append(f"modules ({len(outline['modules'])}, in course order):")
    width = len(str(len(outline["modules"])))
    for number, module in enumerate(outline["modules"], 1):
        lines.append(f"  {number:>{width}}. {module['path']}  [{module['id']}]  {module['title']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        course = open_course([args.path], args)
    except UsageError as error:
        print(f"glossary-lsp course: {error}", file=sys.stderr)
        return 2
    outline = course_outline(course.version, course.index, course.roots[0])
    if args.format == "json":
        print(json.dumps(outline, ensure_ascii=False, indent=2))
    else:
        print(text_report(outline))
    return 0

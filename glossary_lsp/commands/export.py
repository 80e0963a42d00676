"""`glossary-lsp export [PATH] --format html|txt|md|json [-o FILE]`: the course's glossary page.

The course is loaded as `check` loads it (the same root, glossaries and settings). The page
lists the terms the course's modules use and the terms of the course's own glossary files
(`--all-terms`: every term served). Links to modules are relative to the folder of `-o FILE`,
else to the course root; JSON paths are relative to the course root. Exit status 2 when the
course cannot be loaded or a glossary fails to load (nothing is written), else 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glossary_lsp.commands.check import Course, UsageError, add_course_arguments, load_course
from glossary_lsp.features.diagnostics import terms_defined_in
from glossary_lsp.features.export import (
    ExportPage,
    course_entries,
    render_json,
    render_md,
    render_txt,
)
from glossary_lsp.features.export_html import render_html

FORMATS = ("html", "txt", "md", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="the course (.)")
    parser.add_argument("--format", choices=FORMATS, default="html", help="default: html")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the page to FILE (its folder is created)"
    )
    parser.add_argument("--title", default="Glossary", help="the page's title (Glossary)")
    parser.add_argument(
        "--all-terms",
        action="store_true",
        help="list every term served, not only those the course uses or defines",
    )
    add_course_arguments(parser)


def build_page(course: Course, title: str, all_terms: bool) -> ExportPage:
    version = course.version
    own = {term.key for path in course.glossary_files for term in terms_defined_in(version, path)}
    entries = course_entries(course.version, course.index, own, all_terms)
    return ExportPage(title, tuple(entries), tuple(course.roots), len(course.index.modules()))


def render(page: ExportPage, form: str, link_base: Path) -> str:
    if form == "html":
        return render_html(page, link_base)
    if form == "md":
        return render_md(page, link_base)
    if form == "json":
        return render_json(page)
    return render_txt(page)


def run(args: argparse.Namespace) -> int:
    args.paths = [args.path]
    try:
        course = load_course(args)
    except UsageError as error:
        print(f"glossary-lsp export: {error}", file=sys.stderr)
        return 2
    if course.glossary_problems:
        for problems in course.glossary_problems.values():
            for problem in problems:
                print(problem, file=sys.stderr)
        print("glossary-lsp export: a glossary failed to load; nothing written", file=sys.stderr)
        return 2
    page = build_page(course, args.title, args.all_terms)
    output = Path(args.output).resolve() if args.output else None
    text = render(page, args.format, output.parent if output else course.roots[0])
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"glossary-lsp export: {args.output}: cannot write: {reason}", file=sys.stderr)
        return 2
    print(f"{args.output}: {len(page.entries)} terms", file=sys.stderr)
    return 0

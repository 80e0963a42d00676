"""`glossary-lsp extract PATH… [-o FILE]`: propose glossary candidates found in a course.

Prints (or writes to FILE) schema-v1 YAML: acronyms and technical names the glossary lacks,
most frequent first, each with `module` (when the glossary declares that module), `context`
(the sentence of its first use) and `inferred: true`, for a person to review.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glossary_lsp.commands.check import UsageError, add_course_arguments, load_course
from glossary_lsp.features.extract import candidates_yaml, extract_candidates


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="course folders")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the YAML here")
    parser.add_argument(
        "--min-count", type=int, default=1, metavar="N", help="only words used N times or more"
    )
    add_course_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        course = load_course(args)
    except UsageError as error:
        print(f"glossary-lsp extract: {error}", file=sys.stderr)
        return 2
    for problems in course.glossary_problems.values():
        for problem in problems:
            print(f"{problem}", file=sys.stderr)
    candidates = [
        candidate
        for candidate in extract_candidates(course.version, course.index, course.rules)
        if candidate.count >= args.min_count
        and (not course.only or any(m.path in course.only for m in candidate.modules))
    ]
    text = candidates_yaml(course.version, candidates, " ".join(args.paths), course.index)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"glossary-lsp extract: {args.output}: {error.strerror}", file=sys.stderr)
            return 2
        print(f"{len(candidates)} candidates written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

"""`glossary-lsp import PATH [--from KIND] [-o FILE]`: a glossary kept in another format →
schema-v1 YAML.

KIND is `seed` (the seed page's plain text), `myst` (`{glossary}` directives, `abbreviations`),
`sphinx` (`.. glossary::`), `abbr` (`*[HTML]: …` lines) or `contextive` (`*.glossary.yml`);
without `--from` it is told from the file's name (and, for Markdown, its text).
"""

from __future__ import annotations

import argparse
import sys

from glossary_lsp.glossary.importer import (
    SeedImportError,
    dump_glossary_yaml,
    import_seed_text,
    read_seed_file,
)
from glossary_lsp.glossary.source_import import is_source_name, read_as, source_yaml
from glossary_lsp.glossary.sources import KINDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", metavar="PATH", help="the glossary to import (seed text, MyST, rst, abbr, yml)"
    )
    parser.add_argument(
        "--from",
        dest="kind",
        choices=("seed", *KINDS),
        help="the format of PATH (default: told from its name and text)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the YAML to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    try:
        text = convert(args.path, args.kind)
    except SeedImportError as error:
        print(f"glossary-lsp import: {error}", file=sys.stderr)
        return 2
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        print(
            f"glossary-lsp import: {args.output}: cannot write: {error.strerror}", file=sys.stderr
        )
        return 2
    return 0


def convert(path: str, kind: str | None) -> str:
    """The schema-v1 YAML for the file at `path`; `SeedImportError` when it cannot be made."""
    source = read_seed_file(path)
    if kind == "seed" or (kind is None and not is_source_name(path)):
        return dump_glossary_yaml(import_seed_text(source))
    read = read_as(path, source, kind)
    errors = [problem for problem in read.problems if problem.severity == "error"]
    for problem in read.problems:
        if problem.severity != "error":
            print(f"glossary-lsp import: {problem}", file=sys.stderr)
    if errors:
        raise SeedImportError("\n".join(str(problem) for problem in errors))
    if not read.terms:
        raise SeedImportError(f"{path}: no {kind} glossary terms found")
    return source_yaml(read.terms)

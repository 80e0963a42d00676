"""`glossary-lsp import PATH [-o FILE]`: the seed page's plain text → schema-v1 YAML."""

from __future__ import annotations

import argparse
import sys

from glossary_lsp.glossary.importer import SeedImportError, import_seed_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", metavar="PATH", help="the seed page's plain text (glossary-data.txt)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the YAML to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    try:
        text = import_seed_file(args.path)
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

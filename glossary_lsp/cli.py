"""The `glossary-lsp` command: serve LSP (the default), or run one feature from the shell.

Each subcommand lives in `glossary_lsp/commands/<name>.py` as `add_arguments(parser)` and
`run(args) -> int`; this module only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

SUBCOMMANDS = {
    "serve": "serve the Language Server Protocol (the default)",
    "hover": "print the hover at FILE:LINE:COL (1-based)",
    "definition": "print the first introduction of the term at FILE:LINE:COL (1-based)",
    "lookup": "print the glossary entry of a term, alias or plural",
    "import": "turn the seed glossary page's plain text into schema-v1 YAML",
    "check": "report the course diagnostics, for CI",
    "extract": "propose glossary candidates found in a course",
}


def _command_module(name: str):
    return importlib.import_module(f"glossary_lsp.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glossary-lsp", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        _command_module(name).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0].startswith("--") and arguments[0] not in ("--help",):
        arguments.insert(0, "serve")
    args = build_parser().parse_args(arguments)
    try:
        return _command_module(args.command).run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0

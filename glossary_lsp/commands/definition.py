"""`glossary-lsp definition FILE:LINE:COL`: where the term there is first introduced."""

from __future__ import annotations

import argparse
import sys

from glossary_lsp.commands._offline import UsageError, add_position_arguments, open_session
from glossary_lsp.features.definition import definition


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_position_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        session = open_session(args)
    except UsageError as error:
        print(f"glossary-lsp definition: {error}", file=sys.stderr)
        return 2
    target = definition(session.version, session.index, session.view, session.offset)
    if target is None:
        print("no glossary term here", file=sys.stderr)
        return 1
    line, column = target.lines.position(target.start)
    print(f"{target.path}:{line + 1}:{column + 1}: {target.lines.line(line).strip()}")
    return 0

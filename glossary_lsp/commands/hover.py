"""`glossary-lsp hover FILE:LINE:COL`: the hover the server would show there."""

from __future__ import annotations

import argparse
import sys

from glossary_lsp.commands._offline import UsageError, add_position_arguments, open_session
from glossary_lsp.features.hover import hover


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_position_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        session = open_session(args)
    except UsageError as error:
        print(f"glossary-lsp hover: {error}", file=sys.stderr)
        return 2
    result = hover(session.version, session.view, session.offset)
    if result is None:
        print("no glossary term here", file=sys.stderr)
        return 1
    print(result.markdown)
    return 0

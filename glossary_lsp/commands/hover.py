"""`glossary-lsp hover FILE:LINE:COL`: the hover the server would show there."""

from __future__ import annotations

import argparse

from glossary_lsp.commands._offline import Session, add_position_arguments, answer_at_position
from glossary_lsp.features.hover import hover


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_position_arguments(parser)


def markdown(session: Session) -> str | None:
    result = hover(session.version, session.view, session.offset, session.index, session.path)
    return result.markdown if result is not None else None


def run(args: argparse.Namespace) -> int:
    return answer_at_position(args, "hover", markdown)

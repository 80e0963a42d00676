"""`glossary-lsp definition FILE:LINE:COL`: where the term there is first introduced."""

from __future__ import annotations

import argparse

from glossary_lsp.commands._offline import Session, add_position_arguments, answer_at_position
from glossary_lsp.features.definition import definition


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_position_arguments(parser)


def location(session: Session) -> str | None:
    """`file:line:col: the line`, 1-based, as compilers print places."""
    target = definition(session.version, session.index, session.view, session.offset, session.path)
    if target is None:
        return None
    line, column = target.lines.position(target.start)
    return f"{target.path}:{line + 1}:{column + 1}: {target.lines.line(line).strip()}"


def run(args: argparse.Namespace) -> int:
    return answer_at_position(args, "definition", location)

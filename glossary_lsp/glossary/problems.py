"""Problems found while reading a glossary source, each at `file:line:column` (1-based)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoadProblem:
    """Something wrong with a glossary file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" fails the file; "hint" only informs

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class GlossaryLoadError(Exception):
    """A glossary file could not be loaded; `problems` says why, one problem per line."""

    def __init__(self, problems: Sequence[LoadProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class ProblemCollector:
    """Collects the problems of one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[LoadProblem] = []

    def add(self, line: int, column: int, message: str) -> None:
        """Record a problem at a 0-based line and column."""
        self.found.append(LoadProblem(self.path, line + 1, column + 1, message))

    def at(self, node: Any, message: str) -> None:
        self.add(node.start_mark.line, node.start_mark.column, message)

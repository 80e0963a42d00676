"""What every glossary-source reader returns: plain terms and problems, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary_lsp.glossary.model import Term
from glossary_lsp.glossary.problems import LoadProblem


@dataclass
class SourceRead:
    """The terms a source file defines, in file order, and what was wrong with it."""

    terms: list[Term] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def extend(self, other: SourceRead) -> None:
        self.terms.extend(other.terms)
        self.problems.extend(other.problems)

    def problem(self, path: str, line: int, column: int, message: str, severity: str = "error"):
        """Record a problem at a 0-based line and column."""
        self.problems.append(LoadProblem(path, line + 1, column + 1, message, severity))

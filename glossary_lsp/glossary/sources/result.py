"""What every glossary-source reader returns: plain terms and problems, nothing else."""

from __future__ import annotations

from collections.abc import Callable
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


def unique_terms(terms: list[Term]) -> tuple[list[Term], list[LoadProblem]]:
    """One term per name, the later definition winning (as between files), in first-seen
    order; a hint on each earlier definition."""
    by_key: dict[str, Term] = {}
    hints = []
    for term in terms:
        earlier = by_key.get(term.key)
        if earlier is not None and earlier.location is not None and term.location is not None:
            message = f"'{term.term}' is defined again at line {term.location.line}, which wins"
            location = earlier.location
            hints.append(
                LoadProblem(location.path, location.line, location.column, message, "hint")
            )
        by_key[term.key] = term
    return list(by_key.values()), hints


@dataclass(frozen=True)
class SourceTest:
    """One reader's cheap test of whether a file's text may hold its kind of glossary, and the
    string the test asks for: a text without `marker` fails `test`. The marker is ASCII, which
    UTF-8 decoding neither makes nor unmakes, so a file's bytes without it are not decoded
    (`store.is_source_file`)."""

    kind: str  # the setting (`glossaryLsp.sources`) that enables the reader
    marker: str
    test: Callable[[str], bool]

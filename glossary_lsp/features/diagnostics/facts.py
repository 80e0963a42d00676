"""Course-wide facts about terms (where each is introduced), derived from module analyses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from glossary_lsp.course.introduction import DEFINED, GLOSSARY, find_introduction
from glossary_lsp.course.modules import Course, ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis, TermUse
from glossary_lsp.features.diagnostics.expansion import is_acronym_like
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.views import DocumentView


class ModuleAnalyses(Protocol):
    """Where module analyses come from (`CourseDiagnostics`, which caches them)."""

    def analysis(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        module: ModuleFile,
        rules: RuleSettings,
    ) -> ModuleAnalysis: ...


@dataclass(frozen=True, slots=True)
class Introduction:
    module: ModuleFile
    use: TermUse | None  # the first use there, when the module uses the term at all
    reason: str = GLOSSARY  # why there (`course.introduction`'s tiers)

    @property
    def explains(self) -> bool:
        """The module the glossary names, or one that writes the term with its expansion or
        defines it: a section title or a first use is where a term appears, not where the
        course says what it means."""
        return self.reason in (GLOSSARY, DEFINED)


class CourseFacts:
    """Course-wide facts about terms, computed on demand from module analyses, per request."""

    def __init__(
        self,
        analyses: ModuleAnalyses,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        rules: RuleSettings,
        course: Course | None = None,
    ) -> None:
        self.analyses = analyses
        self.version = version
        self.index = index
        self.rules = rules
        self.course = course or index.course()
        self.modules = self.course.modules
        self.rank = self.course.rank
        self._overrides: dict[Path, tuple[ModuleAnalysis, DocumentView]] = {}
        self._introductions: dict[str, Introduction | None] = {}
        self._lines: dict[Path, LineIndex | None] = {}

    def override(self, module: ModuleFile, analysis: ModuleAnalysis, view: DocumentView) -> None:
        """Use a document's current text for its module (it may be ahead of the index)."""
        self._overrides[module.path] = (analysis, view)

    def analysis_of(self, module: ModuleFile) -> ModuleAnalysis:
        override = self._overrides.get(module.path)
        if override is not None:
            return override[0]
        return self.analyses.analysis(self.version, self.index, module, self.rules)

    def lines_of(self, module: ModuleFile) -> LineIndex | None:
        override = self._overrides.get(module.path)
        if override is not None:
            return override[1].lines
        if module.path not in self._lines:
            view = self.index.view(module)
            self._lines[module.path] = view.lines if view is not None else None
        return self._lines[module.path]

    def _users(self, key: str) -> Iterator[tuple[ModuleFile, ModuleAnalysis]]:
        for module in self.modules:
            if key in module.terms or module.path in self._overrides:
                yield module, self.analysis_of(module)

    def explained_before(self, term: Term, module: ModuleFile, offset: int) -> bool:
        """Whether the course writes the term with its expansion, or as its expansion, before
        `offset` in `module`: in an earlier module, or earlier in this one."""
        here = self.rank[module.path]
        for user, analysis in self._users(term.key):
            rank = self.rank.get(user.path, here + 1)
            if rank > here:
                break
            use = analysis.first_explained.get(term.key)
            if use is not None and (rank < here or use.start < offset):
                return True
        return False

    def introduction(self, term: Term) -> Introduction | None:
        """Where the course introduces the term (`find_introduction`), with its use there."""
        key = term.key
        if key not in self._introductions:
            self._introductions[key] = self._find_introduction(term)
        return self._introductions[key]

    def _find_introduction(self, term: Term) -> Introduction | None:
        found = find_introduction(
            self.index, term, self.course, locate="sighting", indexed_only=True
        )
        if found is None:
            return None
        sighting = found.sighting
        if sighting is None:
            return Introduction(found.module, None, found.reason)
        start, end, surface, defined = sighting
        acronym = is_acronym_like(surface) and is_acronym_like(term.term)
        use = TermUse(start, end, surface, term, surface, defined, acronym)
        return Introduction(found.module, use, found.reason)

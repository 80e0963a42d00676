"""The session's module analyses: the full ones `CourseDiagnostics` caches, and, for modules the
pool's workers diagnosed, the one fact of their analyses another module's diagnostics ask for.

A document's own diagnostics ask of every earlier module that uses one of its terms whether it
writes the term with its expansion (`CourseFacts.explained_before`). When the course pass ran in
worker processes, this process holds no analysis of those modules, and the first edit analysed
them all again in-thread: 420 modules, 30 s of CPU for a module in the middle of the 840-module
synthetic course, holding the interpreter lock the event loop answers requests with. The workers
now send back which terms each module explains (and where); while a document is diagnosed,
the other modules' analyses are those facts when they are of the same text and glossary.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from pathlib import Path

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import CourseDiagnostics, Finding, RuleSettings
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis, TermUse
from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.text.views import DocumentView

# (module path, the stamp of the text analysed, term key -> offset of its first explained use)
Explained = tuple[Path, object, dict[str, int]]


def explained_of(path: Path, stamp: object, analysis: ModuleAnalysis) -> Explained:
    return path, stamp, {key: use.start for key, use in analysis.first_explained.items()}


class SessionAnalyses(CourseDiagnostics):
    def __init__(self) -> None:
        super().__init__()
        self._explained: dict[Path, tuple[object, TermMatcher, bool, dict[str, int]]] = {}
        self._light: dict[Path, tuple[object, TermMatcher, ModuleAnalysis]] = {}
        self._terms: tuple[TermMatcher, dict[str, Term]] | None = None
        self._diagnosing = threading.local()  # a document's diagnostics run on this thread
        # documents diagnosed without some modules no pass had analysed yet -> those modules
        self.incomplete: dict[Path, set[Path]] = {}
        self._complete_next: set[Path] = set()  # their second time: nothing is left out

    def adopt_explained(
        self, matcher: TermMatcher, code_comments: bool, found: Iterable[Explained]
    ) -> None:
        """What workers found of modules (read from disk, stamped) with this glossary."""
        for path, stamp, explained in found:
            self._explained[path] = (stamp, matcher, code_comments, explained)

    def diagnose_completely(self, path: Path) -> None:
        """The document's next diagnostics analyse every module they ask about, here if need be."""
        self._complete_next.add(path)

    def document(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        path: Path | None,
        view: DocumentView,
        rules: RuleSettings,
    ) -> list[Finding]:
        """A document's findings; of the other modules, what the workers found when it is of
        their texts, and a closed module no pass analysed yet is left out (this document is then
        `incomplete`: diagnosed again once a pass analysed them)."""
        state = self._diagnosing
        state.on, state.skipped = True, set()
        state.may_skip = path not in self._complete_next
        if path is not None:
            self._complete_next.discard(path)
        try:
            return super().document(version, index, path, view, rules)
        finally:
            state.on = False
            if path is not None and state.skipped:
                self.incomplete[path] = state.skipped
            elif path is not None:
                self.incomplete.pop(path, None)

    def analysis(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        module: ModuleFile,
        rules: RuleSettings,
    ) -> ModuleAnalysis:
        """While a document is diagnosed, every module asked for is another one (the document's
        own analysis is its current text's): what a worker found of it will do."""
        state = self._diagnosing
        if getattr(state, "on", False):
            light = self._light_analysis(version, module, rules)
            if light is not None:
                return light
            if state.may_skip and isinstance(module.terms_stamp, tuple):
                cached = self._cache.get(module.path)
                fresh = cached is not None and cached[0] is module and cached[1] is version.matcher
                if not fresh:  # a file no pass analysed yet: one will
                    state.skipped.add(module.path)
                    return ModuleAnalysis()
        return super().analysis(version, index, module, rules)

    def _light_analysis(
        self, version: GlossaryVersion, module: ModuleFile, rules: RuleSettings
    ) -> ModuleAnalysis | None:
        stamp, matcher = module.terms_stamp, version.matcher
        kept = self._explained.get(module.path)
        if kept is None or kept[0] != stamp or kept[1] is not matcher:
            return None
        if kept[2] != rules.code_comments:
            return None
        light = self._light.get(module.path)
        if light is not None and light[0] == stamp and light[1] is matcher:
            return light[2]
        terms = self._terms_of(matcher)
        explained = {
            key: TermUse(start, start, "", terms[key], "", True, False)
            for key, start in kept[3].items()
            if key in terms
        }
        analysis = ModuleAnalysis(first_explained=explained)
        self._light[module.path] = (stamp, matcher, analysis)
        return analysis

    def _terms_of(self, matcher: TermMatcher) -> dict[str, Term]:
        if self._terms is None or self._terms[0] is not matcher:
            self._terms = (matcher, {term.key: term for term in matcher.glossary})
        return self._terms[1]

    def forget(self, keep: Collection[Path]) -> None:
        super().forget(keep)
        for kept in (self._explained, self._light, self.incomplete):
            for path in [path for path in list(kept) if path not in keep]:  # shared by threads
                kept.pop(path, None)

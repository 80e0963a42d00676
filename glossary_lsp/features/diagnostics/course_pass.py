"""Diagnostics of a document and of the whole course, with module analyses cached."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics.analysis import ModuleAnalysis, analyse_view, error_offset
from glossary_lsp.features.diagnostics.diagnose import diagnose
from glossary_lsp.features.diagnostics.facts import CourseFacts
from glossary_lsp.features.diagnostics.findings import Finding
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.matching import TermMatcher
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.views import DocumentView


class CourseDiagnostics:
    """Diagnostics of documents and of the whole course, with analyses cached per module.

    A cached analysis is reused while the index holds the same `ModuleFile` object (the index
    makes a new one whenever it reads a file again) and the glossary version is the same.
    Safe to share between the event loop and a background thread: entries are replaced whole.
    """

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[ModuleFile, TermMatcher, bool, ModuleAnalysis]] = {}

    def analysis(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        module: ModuleFile,
        rules: RuleSettings,
    ) -> ModuleAnalysis:
        cached = self._cache.get(module.path)
        if (
            cached is not None
            and cached[0] is module
            and cached[1] is version.matcher
            and cached[2] == rules.code_comments
        ):
            return cached[3]
        view = module_view(index, module, rules)
        if view is None:
            analysis = ModuleAnalysis(error=(module.error or "cannot be read", 0))
        else:
            # a large module on disk, soon opened with the same text: its spans remembered
            analysis = analyse_view(version, view, index.remembers_spans_of(module.path))
            if analysis.error is None and module.error:
                analysis.error = (module.error, error_offset(view.lines, module.error))
        self._cache[module.path] = (module, version.matcher, rules.code_comments, analysis)
        return analysis

    def forget(self, keep: Collection[Path]) -> None:
        """Drop the analyses of modules that are no longer in the course."""
        for path in list(self._cache):
            if path not in keep:
                self._cache.pop(path, None)

    def document(
        self,
        version: GlossaryVersion,
        index: WorkspaceIndex,
        path: Path | None,
        view: DocumentView,
        rules: RuleSettings,
    ) -> list[Finding]:
        """The findings of one document; `view` is its current (maybe unsaved) text."""
        module = index.module_at(path) if path is not None else None
        if rules.code_comments and any(region.kind == "code" for region in view.regions):
            view = view_document(str(path or ""), view.source, code_comments=True)
        # an open document, edited: its spans remembered; analysed before the index reads its
        # text, so that an analysis superseded by an edit stops before the index's work
        analysis = analyse_view(version, view, remember=True)
        if module is not None and (known := index.view(module)) and known.source != view.source:
            index.update(module.path, view.source)  # the introduction is found in this text too
            module = index.module_at(module.path)
        if analysis.error is None and module is not None and module.error:
            analysis.error = (module.error, error_offset(view.lines, module.error))
        if module is not None and _as_the_index_reads_it(index, module, view, rules):
            # the course pass that follows an edit would analyse the same text again
            self._cache[module.path] = (module, version.matcher, rules.code_comments, analysis)
        facts = CourseFacts(self, version, index, rules, index.course(path))
        if module is not None:
            facts.override(module, analysis, view)
        return diagnose(version, facts, module, analysis, rules)

    def workspace(
        self, version: GlossaryVersion, index: WorkspaceIndex, rules: RuleSettings
    ) -> dict[Path, list[Finding]]:
        """The findings of every module, in course order."""
        facts = CourseFacts(self, version, index, rules)
        modules = index.modules()
        self.forget({module.path for module in modules})
        return {
            module.path: diagnose(
                version, facts, module, self.analysis(version, index, module, rules), rules
            )
            for module in modules
        }


def _as_the_index_reads_it(
    index: WorkspaceIndex, module: ModuleFile, view: DocumentView, rules: RuleSettings
) -> bool:
    """Whether `view` is the view `CourseDiagnostics.analysis` would analyse for the module."""
    known = index.view(module)
    if known is None or (rules.code_comments and any(r.kind == "code" for r in known.regions)):
        return False
    if known is view:
        return True
    return (
        known.source == view.source and known.error == view.error and known.regions == view.regions
    )


def module_view(
    index: WorkspaceIndex, module: ModuleFile, rules: RuleSettings
) -> DocumentView | None:
    """A module's view as the index reads it, with code comments as prose when configured."""
    view = index.view(module)
    if view is not None and rules.code_comments and any(r.kind == "code" for r in view.regions):
        view = view_document(str(module.path), view.source, code_comments=True)
    return view

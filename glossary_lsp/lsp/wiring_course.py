"""LSP wiring of the course features: diagnostics, quick fixes, references, rename, symbols,
code lens. `register(server)` adds the handlers to the `GlossaryServer` of `server.py`.

Diagnostics are pushed (`textDocument/publishDiagnostics`):

- for an open document, after its edits settle (the server debounces them), computed off the
  event loop from the version the edit produced; a result whose document moved on meanwhile
  is dropped, the next settle publishes;
- for every module of the course, after (re)indexing and, debounced, after each settled edit
  (an edit in one module can change another's findings); a pass that a newer one overtook is
  dropped. Open documents keep their own, fresher, results;
- on glossary files: load problems and unused terms.

A notebook open as a notebook document gets its findings on its cells' URIs: the server indexes
its cells as they are (saved or not), so course rules see them. The words of the
"ignore" quick fix go to the workspace folder's `.glossary-ignore` (a `WorkspaceEdit`), and the
`glossaryLsp.ignoreWord` command that comes with it makes them count before that file is saved.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.features import code_actions, references
from glossary_lsp.features.course import course_outline, module_name_findings, toc_findings
from glossary_lsp.features.definition import read_from_disk
from glossary_lsp.features.diagnostics import (
    SOURCE,
    CourseDiagnostics,
    Finding,
    RuleSettings,
    glossary_findings,
)
from glossary_lsp.lsp.server import GlossaryServer, problem_diagnostic, uri_to_path
from glossary_lsp.text.documents import DocumentView
from glossary_lsp.text.positions import LineIndex

log = logging.getLogger(__name__)

WORKSPACE_PASS_DELAY = 1.0
REQUEST_FAILED = -32803
SHOW_REFERENCES_VSCODE = "editor.action.showReferences"
SHOW_REFERENCES = "glossaryLsp.showReferences"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
SYMBOL_KINDS = {"term": types.SymbolKind.Constant, "module": types.SymbolKind.Module}


class CourseState:
    """What the course features keep between requests."""

    def __init__(self) -> None:
        self.analyses = CourseDiagnostics()
        self.session_ignore: set[str] = set()
        self.published: dict[str, bool] = {}  # uri -> whether its last publish was non-empty
        self.generation = 0
        self.pending_pass: asyncio.TimerHandle | None = None
        self.toc_uris: set[str] = set()  # TOC files whose course-structure problems are shown


def state(ls: GlossaryServer) -> CourseState:
    found = getattr(ls, "course_state", None)
    if found is None:
        found = CourseState()
        ls.course_state = found
    return found


# ----------------------------------------------------------------------------------- helpers


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def read_text(ls: GlossaryServer, path: Path) -> str | None:
    """A file's text: the open document's when it is open, else the disk's."""
    document = ls.workspace.text_documents.get(unquote(uri_of(path)))
    if document is not None:
        return document.source
    return read_from_disk(path)


def root_of(ls: GlossaryServer, path: Path | None) -> Path | None:
    if path is None:
        return ls.roots[0] if len(ls.roots) == 1 else None
    for root in ls.roots:
        try:
            path.relative_to(root)
        except ValueError:
            continue
        return root
    return None


def rules_for(ls: GlossaryServer) -> RuleSettings:
    words = set(state(ls).session_ignore)
    for root in ls.roots:
        text = read_text(ls, root / code_actions.IGNORE_FILE)
        if text is not None:
            words.update(code_actions.parse_ignore_file(text))
    return RuleSettings.from_settings(ls.settings, words)


def document_path(ls: GlossaryServer, uri: str) -> Path | None:
    """The file of a document; for a notebook cell, None (cells are checked on their own)."""
    return uri_to_path(uri)


def notebook_cells(ls: GlossaryServer, path: Path) -> list[str] | None:
    """The cell URIs of a notebook open as a notebook document, in cell order."""
    if path.suffix != ".ipynb":
        return None
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri_of(path))
    if notebook is None:
        return None
    return [cell.document for cell in notebook.cells]


def to_diagnostic(ls: GlossaryServer, lines: LineIndex, finding: Finding) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=ls.to_lsp_location(item.target),
            message=item.message,
        )
        for item in finding.related
    ]
    return types.Diagnostic(
        range=lines.range_to_lsp(finding.start, finding.end, ls.codec),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.rule,
        source=SOURCE,
        related_information=related or None,
        data=finding.data or None,
    )


def publish(ls: GlossaryServer, uri: str, diagnostics: list[types.Diagnostic], version=None):
    published = state(ls).published
    if not diagnostics and not published.get(uri):
        return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
    )
    published[uri] = bool(diagnostics)


def module_publications(
    ls: GlossaryServer, path: Path, view: DocumentView, findings: list[Finding]
) -> list[tuple[str, list[types.Diagnostic]]]:
    """Findings of a module: on its file, or on its cells when it is an open notebook."""
    cells = notebook_cells(ls, path)
    if cells is None:
        return [(uri_of(path), [to_diagnostic(ls, view.lines, f) for f in findings])]
    by_cell: dict[str, list[types.Diagnostic]] = defaultdict(list)
    for finding in findings:
        located = view.locate(finding.start)
        if located is None or located[0].index >= len(cells):
            continue
        region, start = located
        end = region.from_source(finding.end)
        cell_finding = Finding(
            finding.rule,
            finding.severity,
            finding.message,
            start,
            end if end is not None else start,
            finding.related,
            finding.data,
        )
        cell_lines = LineIndex(region.text)
        by_cell[cells[region.index]].append(to_diagnostic(ls, cell_lines, cell_finding))
    return [(cell, by_cell.get(cell, [])) for cell in cells]


# ------------------------------------------------------------------------------ diagnostics


async def diagnose_document(ls: GlossaryServer, uri: str, then_workspace: bool = True) -> None:
    """Publish one open document's findings, unless it changed while they were computed.

    A notebook open as a notebook document (`uri` is the notebook's or one of its cells') that
    is a module of the course is diagnosed whole, as a module, on its cells; one outside the
    course, cell by cell.
    """
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    notebook = notebook or ls.workspace.get_notebook_document(cell_uri=uri)
    if notebook is None:
        await diagnose_text_document(ls, uri, then_workspace)
        return
    path = uri_to_path(notebook.uri)
    if path is not None and ls.index.module_at(path) is not None:
        await diagnose_notebook(ls, notebook, path, then_workspace)
        return
    for cell in notebook.cells:
        await diagnose_text_document(ls, cell.document, then_workspace)


async def diagnose_notebook(
    ls: GlossaryServer, notebook: types.NotebookDocument, path: Path, then_workspace: bool = True
) -> None:
    """A notebook module's findings, course rules included, on its cells; dropped when the
    notebook changed meanwhile (its settle publishes again)."""
    uri = notebook.uri
    if ls.edit_pending(uri):
        return
    started_at = notebook.version
    loop = asyncio.get_running_loop()
    publications = await loop.run_in_executor(None, notebook_publications, ls, path)
    current = ls.workspace.get_notebook_document(notebook_uri=uri)
    if current is None or current.version != started_at or ls.edit_pending(uri):
        return
    for cell_uri, diagnostics in publications:
        publish(ls, cell_uri, diagnostics)
    if then_workspace:
        schedule_workspace_pass(ls)


def notebook_publications(ls: GlossaryServer, path: Path) -> list[tuple[str, list]]:
    """Runs off the event loop: the index holds the notebook's settled, maybe unsaved, cells."""
    module = ls.index.module_at(path)
    view = ls.index.view(module) if module is not None else None
    if view is None:
        return []
    findings = state(ls).analyses.document(ls.version, ls.index, path, view, rules_for(ls))
    return module_publications(ls, path, view, findings)


def notebook_closed(ls: GlossaryServer, uri: str, cell_uris: list[str]) -> None:
    """Its cells are gone: their findings go, the course pass puts the file's on the file."""
    for cell_uri in cell_uris:
        publish(ls, cell_uri, [])
    schedule_workspace_pass(ls)


async def diagnose_text_document(ls: GlossaryServer, uri: str, then_workspace: bool = True) -> None:
    document = ls.workspace.text_documents.get(unquote(uri))
    if document is None:
        return
    started_at = document.version
    path = document_path(ls, uri)
    loop = asyncio.get_running_loop()
    if path is not None and ls.is_glossary_path(path):
        diagnostics = await loop.run_in_executor(None, glossary_diagnostics, ls, path)
    else:
        view = ls.view_for(uri)
        if view is None:
            return
        diagnostics = await loop.run_in_executor(None, document_diagnostics, ls, path, view)
    current = ls.workspace.text_documents.get(unquote(uri))
    if current is None or current.version != started_at:
        return  # stale: the next settle of this document publishes
    publish(ls, uri, diagnostics, started_at)
    if then_workspace:
        schedule_workspace_pass(ls)


def document_diagnostics(
    ls: GlossaryServer, path: Path | None, view: DocumentView
) -> list[types.Diagnostic]:
    findings = state(ls).analyses.document(ls.version, ls.index, path, view, rules_for(ls))
    diagnostics = [to_diagnostic(ls, view.lines, finding) for finding in findings]
    if path is None:
        return diagnostics
    toc = toc_diagnostics(ls, clear_fixed=False).get(uri_of(path), [])
    return diagnostics + toc + source_diagnostics(ls, path)


def source_diagnostics(ls: GlossaryServer, path: Path | None) -> list[types.Diagnostic]:
    """A Markdown glossary source is a module page too: its problems as a source join in."""
    if path is None or not ls.store.is_source(path):
        return []
    resolved = path.resolve()
    found = ls.store.problems.get(resolved, []) + ls.store.notes.get(resolved, [])
    return [problem_diagnostic(problem) for problem in found]


def toc_diagnostics(
    ls: GlossaryServer, clear_fixed: bool = True
) -> dict[str, list[types.Diagnostic]]:
    """The course structure's problems (a TOC entry naming a missing file, a toctree cycle,
    broken YAML), by TOC file URI; with `clear_fixed`, a file whose problems went away maps to
    [] (once)."""
    course = state(ls)
    found = {
        uri_of(path): [to_diagnostic(ls, lines, finding) for finding in findings]
        for path, (lines, findings) in toc_findings(ls.index, lambda p: read_text(ls, p)).items()
    }
    if not clear_fixed:
        return found
    for uri in course.toc_uris - set(found):
        found[uri] = []
    course.toc_uris = {uri for uri, diagnostics in found.items() if diagnostics}
    return found


def glossary_diagnostics(ls: GlossaryServer, path: Path) -> list[types.Diagnostic]:
    text = read_text(ls, path) or ""
    lines = LineIndex(text)
    problems = ls.store.problems.get(path.resolve(), [])
    findings = glossary_findings(ls.version, ls.index, path, lines, problems, rules_for(ls))
    findings += module_name_findings(ls.version, ls.index, path, lines)
    notes = [problem_diagnostic(note) for note in ls.store.notes.get(path.resolve(), [])]
    return [to_diagnostic(ls, lines, finding) for finding in findings] + notes


def schedule_workspace_pass(ls: GlossaryServer, delay: float = WORKSPACE_PASS_DELAY) -> None:
    course = state(ls)
    if course.pending_pass is not None:
        course.pending_pass.cancel()
    loop = asyncio.get_running_loop()
    course.pending_pass = loop.call_later(
        delay, lambda: loop.create_task(ls.safely_async(workspace_pass)(ls))
    )


async def workspace_pass(ls: GlossaryServer) -> None:
    """Findings of every module and workspace glossary; a pass overtaken by a newer is dropped."""
    course = state(ls)
    course.pending_pass = None
    course.generation += 1
    generation = course.generation
    open_uris = {unquote(uri) for uri in ls.workspace.text_documents}
    open_uris |= {unquote(uri) for uri in ls.workspace.notebook_documents}
    loop = asyncio.get_running_loop()
    publications = await loop.run_in_executor(None, workspace_publications, ls, open_uris)
    if generation != course.generation:
        return
    for uri, diagnostics in publications:
        if unquote(uri) not in {unquote(u) for u in ls.workspace.text_documents}:
            publish(ls, uri, diagnostics)
    diagnosed: set[str] = set()
    for uri in list(ls.workspace.text_documents):
        notebook = ls.workspace.get_notebook_document(cell_uri=uri)
        document = unquote(notebook.uri) if notebook is not None else unquote(uri)
        if document not in diagnosed:
            diagnosed.add(document)
            await diagnose_document(ls, document, then_workspace=False)


def workspace_publications(
    ls: GlossaryServer, open_uris: set[str]
) -> list[tuple[str, list[types.Diagnostic]]]:
    """Every closed module's and workspace glossary's diagnostics; runs off the event loop."""
    course = state(ls)
    index = ls.index
    results = course.analyses.workspace(ls.version, index, rules_for(ls))
    publications: list[tuple[str, list[types.Diagnostic]]] = []
    for path, findings in results.items():
        uri = uri_of(path)
        if unquote(uri) in open_uris:
            continue
        module = index.module_at(path)
        view = index.view(module) if (findings and module is not None) else None
        if view is None:
            publications.append((uri, []))
        else:
            publications += module_publications(ls, path, view, findings)
    for path in workspace_glossaries(ls):
        if unquote(uri_of(path)) not in open_uris:
            publications.append((uri_of(path), glossary_diagnostics(ls, path)))
    publications += [
        (uri, diagnostics)
        for uri, diagnostics in toc_diagnostics(ls).items()
        if unquote(uri) not in open_uris
    ]
    return publications


def workspace_glossaries(ls: GlossaryServer) -> list[Path]:
    paths = [p for p in ls.store.paths if root_of(ls, p) is not None]
    return paths + [p for p in ls.store.problems if p not in paths]


# ------------------------------------------------------------------------------ code actions


def answer_code_actions(
    ls: GlossaryServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    view = ls.view_for(uri)
    if view is None:
        return None
    start = view.lines.from_lsp(params.range.start, ls.codec)
    end = view.lines.from_lsp(params.range.end, ls.codec)
    if start is None or end is None:
        return None
    path = document_path(ls, uri)
    findings = state(ls).analyses.document(ls.version, ls.index, path, view, rules_for(ls))
    wanted = code_actions.overlapping(findings, start, end)
    if not wanted:
        return []
    root = root_of(ls, path)
    module = ls.index.module_at(path) if path is not None else None
    described = glossary_module_of(ls.version.glossary, module) if module else None
    module_id = described.id if described is not None else None
    fixes = code_actions.quick_fixes(
        wanted,
        view.lines,
        root,
        glossary_text=read_text(ls, root / code_actions.WORKSPACE_GLOSSARY) if root else None,
        ignore_text=read_text(ls, root / code_actions.IGNORE_FILE) if root else None,
        module_id=module_id,
    )
    can_create = _can_create_files(ls)
    return [to_code_action(ls, uri, view, fix) for fix in fixes if fix.create is None or can_create]


def _workspace_edit_capabilities(ls: GlossaryServer):
    workspace = getattr(ls.client_capabilities, "workspace", None)
    return getattr(workspace, "workspace_edit", None)


def _can_create_files(ls: GlossaryServer) -> bool:
    """Neovim applies `documentChanges` with resource operations but does not declare the
    former; declaring `create` is taken to include it."""
    operations = getattr(_workspace_edit_capabilities(ls), "resource_operations", None) or []
    return types.ResourceOperationKind.Create in operations


def _document_changes_supported(ls: GlossaryServer) -> bool:
    capabilities = _workspace_edit_capabilities(ls)
    return bool(getattr(capabilities, "document_changes", False)) or _can_create_files(ls)


def workspace_edit(
    ls: GlossaryServer, by_uri: dict[str, list[types.TextEdit]], create: str | None = None
) -> types.WorkspaceEdit:
    """Versioned `documentChanges` (with a CreateFile first) when the client takes them,
    else a plain `changes` map."""
    if not _document_changes_supported(ls):
        return types.WorkspaceEdit(changes=dict(by_uri))
    document_changes: list[Any] = []
    if create is not None:
        options = types.CreateFileOptions(ignore_if_exists=True)
        document_changes.append(types.CreateFile(uri=create, options=options))
    for uri, edits in by_uri.items():
        document = ls.workspace.text_documents.get(unquote(uri))
        identifier = types.OptionalVersionedTextDocumentIdentifier(
            uri=uri, version=document.version if document is not None else None
        )
        document_changes.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    return types.WorkspaceEdit(document_changes=document_changes)


def to_code_action(
    ls: GlossaryServer, uri: str, view: DocumentView, fix: code_actions.QuickFix
) -> types.CodeAction:
    by_uri: dict[str, list[types.TextEdit]] = defaultdict(list)
    for change in fix.changes:
        target = uri if change.path is None else uri_of(change.path)
        by_uri[target].append(
            types.TextEdit(
                range=change.lines.range_to_lsp(change.start, change.end, ls.codec),
                new_text=change.new_text,
            )
        )
    create = uri_of(fix.create) if fix.create is not None else None
    command = None
    if fix.command is not None:
        command = types.Command(title=fix.title, command=fix.command[0], arguments=fix.command[1])
    diagnostic = to_diagnostic(ls, view.lines, fix.finding)
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=fix.preferred or None,
        edit=workspace_edit(ls, by_uri, create),
        command=command,
    )


# ------------------------------------------------------------------------ references, rename


def term_under_cursor(
    ls: GlossaryServer, uri: str, position: types.Position
) -> references.TermSpan | None:
    path = document_path(ls, uri)
    if path is not None and ls.is_glossary_path(path):
        text = read_text(ls, path)
        if text is None:
            return None
        lines = LineIndex(text)
        offset = lines.from_lsp(position, ls.codec)
        if offset is None:
            return None
        return references.term_in_glossary(ls.version, path, lines, offset)
    view = ls.view_for(uri)
    if view is None:
        return None
    offset = view.lines.from_lsp(position, ls.codec)
    return references.term_in_module(ls.version, view, offset) if offset is not None else None


async def answer_references(
    ls: GlossaryServer, params: types.ReferenceParams
) -> list[types.Location] | None:
    found = ls.safely(term_under_cursor)(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    await ls.wait_for_index()
    targets = references.references(
        ls.index,
        found.term,
        include_declaration=params.context.include_declaration,
        read_text=lambda path: read_text(ls, path),
        glossary=ls.version.glossary,
    )
    return [ls.to_lsp_location(target) for target in targets]


def answer_prepare_rename(
    ls: GlossaryServer, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    uri = params.text_document.uri
    found = ls.safely(term_under_cursor)(ls, uri, params.position)
    try:
        found = references.prepare_rename(found)
    except references.RenameError as error:
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None
    path = document_path(ls, uri)
    if path is not None and ls.is_glossary_path(path):
        lines = LineIndex(read_text(ls, path) or "")
    else:
        view = ls.view_for(uri)
        if view is None:
            return None
        lines = view.lines
    return types.PrepareRenamePlaceholder(
        range=lines.range_to_lsp(found.start, found.end, ls.codec), placeholder=found.term.term
    )


async def answer_rename(ls: GlossaryServer, params: types.RenameParams) -> types.WorkspaceEdit:
    found = ls.safely(term_under_cursor)(ls, params.text_document.uri, params.position)
    await ls.wait_for_index()
    try:
        found = references.prepare_rename(found)
        edits = references.rename(
            ls.version,
            ls.index,
            found.term,
            params.new_name,
            read_text=lambda path: read_text(ls, path),
        )
    except references.RenameError as error:
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None
    by_uri: dict[str, list[types.TextEdit]] = defaultdict(list)
    for edit in edits:
        uri, text_edit = rename_text_edit(ls, edit)
        by_uri[uri].append(text_edit)
    return workspace_edit(ls, by_uri)


def rename_text_edit(ls: GlossaryServer, edit: references.RenameEdit) -> tuple[str, types.TextEdit]:
    """An edit on the file, or on the cell document of a notebook open in the editor."""
    occurrence = edit.occurrence
    cells = notebook_cells(ls, edit.path) if occurrence is not None else None
    if occurrence is not None and cells is not None and occurrence.region.index < len(cells):
        lines = LineIndex(occurrence.region.text)
        rng = lines.range_to_lsp(occurrence.start, occurrence.end, ls.codec)
        return cells[occurrence.region.index], types.TextEdit(range=rng, new_text=edit.cell_text)
    rng = edit.lines.range_to_lsp(edit.start, edit.end, ls.codec)
    return uri_of(edit.path), types.TextEdit(range=rng, new_text=edit.new_text)


# --------------------------------------------------------------------------- symbols, lenses


async def answer_workspace_symbols(
    ls: GlossaryServer, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    await ls.wait_for_index()
    symbols = references.workspace_symbols(
        ls.version, ls.index, params.query, read_text=lambda path: read_text(ls, path)
    )
    return [
        types.WorkspaceSymbol(
            name=symbol.name,
            kind=SYMBOL_KINDS[symbol.kind],
            location=ls.to_lsp_location(symbol.target),
            container_name=symbol.detail or None,
        )
        for symbol in symbols
    ]


def glossary_lines(ls: GlossaryServer, uri: str) -> tuple[Path, LineIndex] | None:
    path = document_path(ls, uri)
    if path is None or not ls.is_glossary_path(path):
        return None
    text = read_text(ls, path)
    return (path, LineIndex(text)) if text is not None else None


def answer_document_symbols(
    ls: GlossaryServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    found = glossary_lines(ls, params.text_document.uri)
    if found is None:
        return None
    path, lines = found
    return [
        types.DocumentSymbol(
            name=symbol.name,
            detail=symbol.detail or None,
            kind=SYMBOL_KINDS[symbol.kind],
            range=lines.range_to_lsp(symbol.target.start, symbol.target.end, ls.codec),
            selection_range=lines.range_to_lsp(*(symbol.selection or (0, 0)), ls.codec),
        )
        for symbol in references.glossary_symbols(ls.version, path, lines)
    ]


def answer_code_lenses(
    ls: GlossaryServer, params: types.CodeLensParams
) -> list[types.CodeLens] | None:
    found = glossary_lines(ls, params.text_document.uri)
    if found is None:
        return None
    path, lines = found
    return [
        types.CodeLens(
            range=lines.range_to_lsp(lens.start, lens.end, ls.codec),
            data={"uri": params.text_document.uri, "term": lens.term.term},
        )
        for lens in references.code_lenses(ls.version, ls.index, path, lines)
    ]


def answer_resolve_code_lens(ls: GlossaryServer, lens: types.CodeLens) -> types.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    term = ls.version.glossary.lookup(str(data.get("term", "")))
    if term is None:
        lens.command = types.Command(title="not in the glossary any more", command="")
        return lens
    users = [module for module in ls.index.modules() if term.key in module.terms]
    locations = [
        ls.to_lsp_location(target)
        for target in references.references(
            ls.index, term, read_text=lambda p: read_text(ls, p), glossary=ls.version.glossary
        )
    ]
    command = SHOW_REFERENCES_VSCODE if is_vscode(ls) else SHOW_REFERENCES
    lens.command = types.Command(
        title=references.lens_title(ls.index, users),
        command=command,
        arguments=[data.get("uri"), lens.range.start, locations],
    )
    return lens


def is_vscode(ls: GlossaryServer) -> bool:
    """VS Code's language client renders Markdown with `marked` and says so; others do not."""
    general = getattr(ls.client_capabilities, "general", None)
    markdown = getattr(general, "markdown", None)
    return getattr(markdown, "parser", "") == "marked"


# ------------------------------------------------------------------------------------ course

COURSE_REQUEST = "glossaryLsp/course"


def answer_course(ls: GlossaryServer, params: Any) -> dict[str, Any]:
    """`glossaryLsp/course`: the outline of the course of the workspace folder holding
    `params.uri` (default: the first folder), with each module's `uri` and `introduces`."""
    uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
    path = uri_to_path(uri) if isinstance(uri, str) else None
    root = root_of(ls, path) if path is not None else (ls.roots[0] if ls.roots else None)
    return course_outline(ls.version, ls.index, root, editor=True)


# ---------------------------------------------------------------------------------- register


def register(server: GlossaryServer) -> None:
    async def after_edit(uri: str) -> None:
        await diagnose_document(server, uri)

    async def after_index() -> None:
        await workspace_pass(server)

    server.document_listeners.append(after_edit)
    server.index_listeners.append(after_index)
    server.notebook_close_listeners.append(lambda uri, cells: notebook_closed(server, uri, cells))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: GlossaryServer, params: types.CodeActionParams):
        return ls.safely(answer_code_actions)(ls, params)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references_request(ls: GlossaryServer, params: types.ReferenceParams):
        return await ls.safely_async(answer_references)(ls, params)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: GlossaryServer, params: types.PrepareRenameParams):
        return answer_prepare_rename(ls, params)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(ls: GlossaryServer, params: types.RenameParams):
        return await answer_rename(ls, params)

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: GlossaryServer, params: types.WorkspaceSymbolParams):
        return await ls.safely_async(answer_workspace_symbols)(ls, params) or []

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: GlossaryServer, params: types.DocumentSymbolParams):
        return ls.safely(answer_document_symbols)(ls, params)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    def code_lens(ls: GlossaryServer, params: types.CodeLensParams):
        return ls.safely(answer_code_lenses)(ls, params)

    @server.feature(types.CODE_LENS_RESOLVE)
    def code_lens_resolve(ls: GlossaryServer, lens: types.CodeLens):
        return ls.safely(answer_resolve_code_lens)(ls, lens) or lens

    @server.command(code_actions.IGNORE_COMMAND)
    def ignore_word(ls: GlossaryServer, *args: Any) -> None:
        words = [arg for arg in args if isinstance(arg, str) and arg.strip()]
        if words:
            state(ls).session_ignore.update(word.strip() for word in words)
            schedule_workspace_pass(ls, delay=0)

    @server.feature(COURSE_REQUEST)
    async def course_request(ls: GlossaryServer, params: Any) -> dict[str, Any] | None:
        await ls.wait_for_index()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, ls.safely(answer_course), ls, params)

    @server.command(SHOW_REFERENCES)
    def show_references(ls: GlossaryServer, *args: Any) -> Any:
        return args[2] if len(args) > 2 else None

"""Features' plain data → LSP types: the one place offsets become LSP positions.

Every function takes the `Snapshot` the result was computed from, so a location inside a
notebook that is open as a notebook document lands on the cell document the client has now, and
an edit carries the version of the document it was computed for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types

from glossary_lsp.course.modules import Occurrence
from glossary_lsp.features import code_actions, references
from glossary_lsp.features.completion import CompletionEntry, CompletionResult
from glossary_lsp.features.definition import Target
from glossary_lsp.features.diagnostics import SOURCE, Finding
from glossary_lsp.features.hover import HoverResult
from glossary_lsp.lsp.positions import from_lsp, range_to_lsp
from glossary_lsp.lsp.session import Snapshot
from glossary_lsp.text.documents import DocumentView
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.uris import path_to_uri

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
SYMBOL_KINDS = {"term": types.SymbolKind.Constant, "module": types.SymbolKind.Module}
Publication = tuple[str, list[types.Diagnostic], "int | None"]  # uri, diagnostics, version


def lsp_range(snapshot: Snapshot, lines: LineIndex, start: int, end: int) -> types.Range:
    return range_to_lsp(lines, start, end, snapshot.codec)


def offset_of(snapshot: Snapshot, lines: LineIndex, position: types.Position) -> int | None:
    return from_lsp(lines, position, snapshot.codec)


# ----------------------------------------------------------------------------- locations


def location(snapshot: Snapshot, target: Target) -> types.Location:
    """A target as a Location, inside an open notebook's cell document when there is one."""
    in_cell = _cell_location(snapshot, target.occurrence) if target.occurrence else None
    if in_cell is not None:
        return in_cell
    return types.Location(
        path_to_uri(target.path), lsp_range(snapshot, target.lines, target.start, target.end)
    )


def _cell_location(snapshot: Snapshot, occurrence: Occurrence) -> types.Location | None:
    cell = _cell_uri(snapshot, occurrence.module.path, occurrence.region.index)
    if cell is None:
        return None
    lines = LineIndex(occurrence.region.text)
    return types.Location(cell, lsp_range(snapshot, lines, occurrence.start, occurrence.end))


def _cell_uri(snapshot: Snapshot, path: Path, index: int) -> str | None:
    notebook = snapshot.documents.notebook_at(path)
    if notebook is None or index >= len(notebook.cells):
        return None
    return notebook.cells[index].uri


def locations(snapshot: Snapshot, targets: Iterable[Target]) -> list[types.Location]:
    return [location(snapshot, target) for target in targets]


# ------------------------------------------------------------------------ hover, completion


def hover(snapshot: Snapshot, view: DocumentView, result: HoverResult) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=result.markdown),
        range=lsp_range(snapshot, view.lines, result.start, result.end),
    )


def completion_list(
    snapshot: Snapshot, view: DocumentView, result: CompletionResult, uri: str | None = None
) -> types.CompletionList:
    """`uri`, the document's, rides on each item (`data`) so that resolving it names the
    introduction in that document's course."""
    replace = lsp_range(snapshot, view.lines, result.start, result.end)
    data = {"uri": uri} if uri is not None else None
    items = [
        completion_item(entry, rank, result.typed, replace, data)
        for rank, entry in enumerate(result.entries)
    ]
    return types.CompletionList(is_incomplete=True, items=items)


def completion_item(
    entry: CompletionEntry,
    rank: int,
    typed: str,
    replace: types.Range,
    data: dict[str, str] | None = None,
) -> types.CompletionItem:
    """The item for one entry, shaped so that the editors' own filter and sort keep our order.

    `filterText` is the typed word on every item: VS Code fuzzy-scores it against the typed word
    and would rank an item whose filterText equals it above a real prefix match, and Neovim keeps
    an item only when its filterText starts with the typed word; with all items alike both fall
    back to `sortText`, our rank. The label is the term that is inserted, also for an alias.
    """
    text = entry.insert_text
    return types.CompletionItem(
        label=text,
        kind=types.CompletionItemKind.Text,
        detail=entry.detail or None,
        sort_text=f"{rank:04d}",
        filter_text=typed,
        text_edit=types.TextEdit(range=replace, new_text=text),
        label_details=types.CompletionItemLabelDetails(description=f"alias: {entry.matched}")
        if entry.via_alias
        else None,
        data=data,
    )


def markdown(text: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)


# ------------------------------------------------------------------------------ diagnostics


def diagnostic(snapshot: Snapshot, lines: LineIndex, finding: Finding) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=location(snapshot, item.target), message=item.message
        )
        for item in finding.related
    ]
    return types.Diagnostic(
        range=lsp_range(snapshot, lines, finding.start, finding.end),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.rule,
        source=SOURCE,
        related_information=related or None,
        data=finding.data or None,
    )


def module_publications(
    snapshot: Snapshot, path: Path, view: DocumentView, findings: list[Finding]
) -> list[Publication]:
    """Findings of a module: on its file, or on its cells when it is an open notebook."""
    notebook = snapshot.documents.notebook_at(path)
    if notebook is None:
        uri = path_to_uri(path)
        diagnostics = [diagnostic(snapshot, view.lines, finding) for finding in findings]
        return [(uri, diagnostics, snapshot.version_of(uri))]
    by_cell: dict[str, list[types.Diagnostic]] = defaultdict(list)
    for finding in findings:
        located = view.locate(finding.start)
        if located is None or located[0].index >= len(notebook.cells):
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
        cell = notebook.cells[region.index].uri
        by_cell[cell].append(diagnostic(snapshot, LineIndex(region.text), cell_finding))
    return [
        (cell.uri, by_cell.get(cell.uri, []), snapshot.version_of(cell.uri))
        for cell in notebook.cells
    ]


# -------------------------------------------------------------------------- workspace edits


def workspace_edit(
    snapshot: Snapshot, by_uri: dict[str, list[types.TextEdit]], create: str | None = None
) -> types.WorkspaceEdit:
    """Versioned `documentChanges` (with a CreateFile first) when the client takes them, else a
    plain `changes` map. The versions are those of the snapshot: a client whose document moved
    on since refuses the edit instead of applying it at the wrong place."""
    if not snapshot.client.document_changes:
        return types.WorkspaceEdit(changes=dict(by_uri))
    document_changes: list[Any] = []
    if create is not None:
        options = types.CreateFileOptions(ignore_if_exists=True)
        document_changes.append(types.CreateFile(uri=create, options=options))
    for uri, edits in by_uri.items():
        identifier = types.OptionalVersionedTextDocumentIdentifier(
            uri=uri, version=snapshot.version_of(uri)
        )
        document_changes.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    return types.WorkspaceEdit(document_changes=document_changes)


def code_action(
    snapshot: Snapshot, uri: str, view: DocumentView, fix: code_actions.QuickFix
) -> types.CodeAction:
    by_uri: dict[str, list[types.TextEdit]] = defaultdict(list)
    for change in fix.changes:
        target = uri if change.path is None else path_to_uri(change.path)
        by_uri[target].append(
            types.TextEdit(
                range=lsp_range(snapshot, change.lines, change.start, change.end),
                new_text=change.new_text,
            )
        )
    create = path_to_uri(fix.create) if fix.create is not None else None
    command = None
    if fix.command is not None:
        command = types.Command(title=fix.title, command=fix.command[0], arguments=fix.command[1])
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(snapshot, view.lines, fix.finding)],
        is_preferred=fix.preferred or None,
        edit=workspace_edit(snapshot, by_uri, create),
        command=command,
    )


def rename_edit(snapshot: Snapshot, edits: list[references.RenameEdit]) -> types.WorkspaceEdit:
    by_uri: dict[str, list[types.TextEdit]] = defaultdict(list)
    for edit in edits:
        uri, text_edit = _rename_text_edit(snapshot, edit)
        by_uri[uri].append(text_edit)
    return workspace_edit(snapshot, by_uri)


def _rename_text_edit(
    snapshot: Snapshot, edit: references.RenameEdit
) -> tuple[str, types.TextEdit]:
    """An edit on the file, or on the cell document of a notebook open in the editor."""
    occurrence = edit.occurrence
    cell = _cell_uri(snapshot, edit.path, occurrence.region.index) if occurrence else None
    if occurrence is not None and cell is not None:
        lines = LineIndex(occurrence.region.text)
        rng = lsp_range(snapshot, lines, occurrence.start, occurrence.end)
        return cell, types.TextEdit(range=rng, new_text=edit.cell_text)
    rng = lsp_range(snapshot, edit.lines, edit.start, edit.end)
    return path_to_uri(edit.path), types.TextEdit(range=rng, new_text=edit.new_text)


# --------------------------------------------------------------------------- symbols, lenses


def workspace_symbols(
    snapshot: Snapshot, symbols: list[references.SymbolEntry]
) -> list[types.WorkspaceSymbol]:
    return [
        types.WorkspaceSymbol(
            name=symbol.name,
            kind=SYMBOL_KINDS[symbol.kind],
            location=location(snapshot, symbol.target),
            container_name=symbol.detail or None,
        )
        for symbol in symbols
    ]


def document_symbols(
    snapshot: Snapshot, lines: LineIndex, symbols: list[references.SymbolEntry]
) -> list[types.DocumentSymbol]:
    return [
        types.DocumentSymbol(
            name=symbol.name,
            detail=symbol.detail or None,
            kind=SYMBOL_KINDS[symbol.kind],
            range=lsp_range(snapshot, lines, symbol.target.start, symbol.target.end),
            selection_range=lsp_range(snapshot, lines, *(symbol.selection or (0, 0))),
        )
        for symbol in symbols
    ]


def code_lenses(
    snapshot: Snapshot, uri: str, lines: LineIndex, lenses: list[references.Lens]
) -> list[types.CodeLens]:
    return [
        types.CodeLens(
            range=lsp_range(snapshot, lines, lens.start, lens.end),
            data={"uri": uri, "term": lens.term.term, "version": snapshot.version_of(uri)},
        )
        for lens in lenses
    ]

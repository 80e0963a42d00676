"""Request handlers: take a snapshot, call a feature, convert its plain result.

Each handler is `async def handler(session, params)`; `handlers.register` wires them to LSP
methods. A handler that awaits (a view being built, the first module listing) takes its
snapshot after the wait, so it answers from the text the client has at that moment; one whose
document changed while its view was built answers `ContentModified`, as the spec asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, cast

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.introduction import Budget
from glossary_lsp.features import code_actions, references
from glossary_lsp.features import completion as completion_feature
from glossary_lsp.features import course as course_feature
from glossary_lsp.features import definition as definition_feature
from glossary_lsp.features import hover as hover_feature
from glossary_lsp.features.base import GlossaryVersion, TermAt, term_at
from glossary_lsp.features.definition import Target
from glossary_lsp.features.references import TermSpan
from glossary_lsp.glossary.model import Term
from glossary_lsp.lsp import convert
from glossary_lsp.lsp.documents import TextSnapshot
from glossary_lsp.lsp.session import Session, Snapshot
from glossary_lsp.text.documents import DocumentView
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.uris import uri_to_path

INDEX_WAIT_SECONDS = 5.0
# How far a hover searches modules not indexed yet for a term's introduction: the first hover
# on a course being indexed searched all of them on the event loop (840 modules: 0.4-1.4 s).
# Now only when few are left; else it answers from the modules indexed, saying so when the
# others could change the answer (`hover.hover_text`), and a later hover knows more.
HOVER_BUDGET = Budget(modules=16)
NOT_LISTED = Budget(listed=False)
REQUEST_FAILED = -32803
CONTENT_MODIFIED = -32801
SHOW_REFERENCES_VSCODE = "editor.action.showReferences"
SHOW_REFERENCES = "glossaryLsp.showReferences"


class ContentModified(JsonRpcException):
    def __init__(self) -> None:
        super().__init__(message="the document changed while the answer was computed")
        self.code = CONTENT_MODIFIED


async def wait_for_index(session: Session, timeout: float = INDEX_WAIT_SECONDS) -> None:
    """Let a request that needs the course's modules wait a little for their listing (the first,
    or the one of a new index for new settings or workspace folders)."""
    if session.listed.is_set():
        return
    with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
        await asyncio.wait_for(session.listed.wait(), timeout)


def ready_always(session: Session, params: Any) -> bool:
    return True


def ready_indexed(session: Session, params: Any) -> bool:
    return session.listed.is_set()


def ready_at_position(session: Session, params: Any) -> bool:
    """The document is open and its view of this version is built, or is built at once."""
    document = session.documents.current().text(params.text_document.uri)
    return document is not None and view_inline(document)


def view_inline(document: TextSnapshot) -> bool:
    """Whether a request takes the document's view on the event loop (see
    `INLINE_VIEW_CHARS`)."""
    return document.has_view() or len(document.text) <= INLINE_VIEW_CHARS


def ready_to_define(session: Session, params: Any) -> bool:
    return ready_indexed(session, params) and ready_at_position(session, params)


# A document up to this size has a new version's view built on the event loop (a keystroke's
# splice costs ~0.3 ms at 30 KB, a whole parse of 64 KB ~3 ms, once per opened document): during
# an edit burst each request meets a new version, and the trip to the request thread cost more
# than the view, and lost the race with the next edit ("content modified") for 1 hover in 5.
INLINE_VIEW_CHARS = 64 * 1024


async def view_at(
    session: Session, uri: str, position: types.Position
) -> tuple[Snapshot, DocumentView, int] | None:
    """The snapshot, the document's view (a new version's built off the event loop unless the
    document is small) and the offset of `position` in it."""
    snapshot = session.snapshot()
    document = snapshot.open_document(uri)
    if document is not None and view_inline(document):
        view: DocumentView | None = document.view()
    else:
        view = await session.run_for_request(snapshot.view, uri)
        if document is not None and session.snapshot().version_of(uri) != document.version:
            raise ContentModified()
    if view is None:
        return None
    offset = convert.offset_of(snapshot, view.lines, position)
    return (snapshot, view, offset) if offset is not None else None


# ------------------------------------------------------------------------- the term at a position


class RememberedAnswers:
    """Answers remembered per document view, for the glossary version they were found with:
    the term at an offset (`term_at`) and a hover converted to LSP.

    A view is one version of a document, never changed (`TextSnapshot`). `term_at` reads only
    the view, the offset and the glossary version; a converted hover only the view's lines,
    the plain hover and the position encoding. So a remembered answer is the one computed
    again from the text the editor has now. Requests come back to the same places (a hover,
    then a definition on it; the mouse resting on a word), and those skip the window's scan
    and the conversion. Each view's answers go with the view (a weak reference); only the last
    glossary version's are kept.
    """

    ANSWERS_PER_VIEW = 256
    VIEWS = 64

    def __init__(self) -> None:
        # id(view) -> (weak reference to the view, glossary version, {key: answer})
        self._views: dict[
            int, tuple[weakref.ref[DocumentView], GlossaryVersion, dict[object, object]]
        ] = {}

    def term_at(self, version: GlossaryVersion, view: DocumentView, offset: int) -> TermAt | None:
        answers = self._answers(version, view)
        if offset in answers:
            return cast("TermAt | None", answers[offset])
        found = term_at(version, view, offset)
        self._keep(answers, offset, found)
        return found

    def hover(
        self, snapshot: Snapshot, view: DocumentView, result: hover_feature.HoverResult
    ) -> types.Hover:
        answers = self._answers(snapshot.glossary, view)
        key = (result.start, result.end, result.markdown, snapshot.codec)
        found = answers.get(key)
        if not isinstance(found, types.Hover):
            found = convert.hover(snapshot, view, result)
            self._keep(answers, key, found)
        return found

    def forget(self) -> None:
        self._views.clear()

    def _answers(self, version: GlossaryVersion, view: DocumentView) -> dict[object, object]:
        key = id(view)
        entry = self._views.get(key)
        if entry is not None and entry[0]() is view and entry[1] is version:
            return entry[2]
        if len(self._views) >= self.VIEWS:
            self._views.clear()
        answers: dict[object, object] = {}
        self._views[key] = (weakref.ref(view, partial(self._forget, key)), version, answers)
        return answers

    def _keep(self, answers: dict[object, object], key: object, answer: object) -> None:
        if len(answers) >= self.ANSWERS_PER_VIEW:
            answers.clear()
        answers[key] = answer

    def _forget(self, key: int, reference: weakref.ref[DocumentView]) -> None:
        # may run on any thread, when the view's last holder lets go of it
        entry = self._views.get(key)
        if entry is not None and entry[0] is reference:
            self._views.pop(key, None)


REMEMBERED = RememberedAnswers()


# ------------------------------------------------------------------- hover, definition, completion


async def hover(session: Session, params: types.HoverParams) -> types.Hover | None:
    await wait_for_index(session)  # the module listing: which module of this course introduces it
    found = await view_at(session, params.text_document.uri, params.position)
    if found is None:
        return None
    snapshot, view, offset = found
    at = REMEMBERED.term_at(snapshot.glossary, view, offset)
    if at is None:
        return None
    path = uri_to_path(params.text_document.uri)
    budget = HOVER_BUDGET if session.listed.is_set() else NOT_LISTED
    result = hover_feature.hover_at(snapshot.glossary, at, offset, snapshot.index, path, budget)
    return REMEMBERED.hover(snapshot, view, result)


async def definition(session: Session, params: types.DefinitionParams) -> types.Location | None:
    await wait_for_index(session)
    found = await view_at(session, params.text_document.uri, params.position)
    if found is None:
        return None
    snapshot, view, offset = found
    at = REMEMBERED.term_at(snapshot.glossary, view, offset)
    if at is None:
        return None
    path = uri_to_path(params.text_document.uri)
    if HOVER_BUDGET.covers(snapshot.index.course(path)):
        target = introduction(snapshot, at.match.term, path)
    else:  # it searches every module not indexed (840 took 0.4-1.4 s): off the event loop
        target = await session.run_for_request(introduction, snapshot, at.match.term, path)
    return convert.location(snapshot, target) if target is not None else None


def introduction(snapshot: Snapshot, term: Term, from_path: Path | None = None) -> Target | None:
    """The term's first introduction in the course (of `from_path`'s language), else its entry
    in its glossary file's current text."""
    target = definition_feature.first_introduction(
        snapshot.glossary, snapshot.index, term, from_path
    )
    if target is not None and target.occurrence is None:
        target = definition_feature.glossary_entry(snapshot.located(term), snapshot.read_text)
    return target


async def declaration(session: Session, params: types.DeclarationParams) -> types.Location | None:
    found = await view_at(session, params.text_document.uri, params.position)
    if found is None:
        return None
    snapshot, view, offset = found
    at = REMEMBERED.term_at(snapshot.glossary, view, offset)
    if at is None:
        return None
    term = snapshot.located(at.match.term)
    target = definition_feature.glossary_entry(term, snapshot.read_text)
    return convert.location(snapshot, target) if target is not None else None


async def completion(session: Session, params: types.CompletionParams) -> types.CompletionList:
    found = await view_at(session, params.text_document.uri, params.position)
    empty = types.CompletionList(is_incomplete=True, items=[])
    if found is None:
        return empty
    snapshot, view, offset = found
    result = completion_feature.complete(snapshot.glossary, view, offset)
    if result is None:
        return empty
    return convert.completion_list(snapshot, view, result, params.text_document.uri)


async def resolve_completion(session: Session, item: types.CompletionItem) -> types.CompletionItem:
    await wait_for_index(session)  # the module listing: where this course introduces the term
    uri = item.data.get("uri") if isinstance(item.data, dict) else None
    path = uri_to_path(uri) if isinstance(uri, str) else None
    budget = HOVER_BUDGET if session.listed.is_set() else NOT_LISTED
    text = completion_feature.documentation(
        session.glossary, item.label, session.index, path, budget
    )
    if text is not None:
        item.documentation = convert.markdown(text)
    return item


async def terms(session: Session, params: Any) -> list[dict[str, Any]]:
    glossary = session.glossary.glossary
    return [
        {
            "term": term.term,
            "expansion": term.expansion,
            "module": module.label if (module := glossary.module(term.module)) else None,
            "aliases": list(term.aliases),
        }
        for term in glossary
    ]


async def first_introduction(session: Session, *args: Any) -> types.Location | None:
    await wait_for_index(session)
    snapshot = session.snapshot()
    name = args[0] if args and isinstance(args[0], str) else None
    term = snapshot.glossary.glossary.lookup(name) if name else None
    if term is None:
        return None
    target = introduction(snapshot, term)
    return convert.location(snapshot, target) if target else None


# ------------------------------------------------------------------------ references, rename


def term_under_cursor(
    snapshot: Snapshot, uri: str, position: types.Position
) -> tuple[TermSpan, LineIndex] | None:
    """The term at a position — in a glossary file (located in its current text) or a module —
    and the line index of the document's text."""
    path = uri_to_path(uri)
    if path is not None and snapshot.is_glossary_path(path):
        found = snapshot.glossary_file(path)
        if found is None:
            return None
        offset = convert.offset_of(snapshot, found.lines, position)
        if offset is None:
            return None
        span = references.term_in_glossary(found.version, path, found.lines, offset)
        return (span, found.lines) if span is not None else None
    view = snapshot.view(uri)
    if view is None:
        return None
    offset = convert.offset_of(snapshot, view.lines, position)
    if offset is None:
        return None
    span = references.term_in_module(snapshot.glossary, view, offset)
    return (span, view.lines) if span is not None else None


async def find_references(
    session: Session, params: types.ReferenceParams
) -> list[types.Location] | None:
    await wait_for_index(session)
    snapshot = session.snapshot()
    found = term_under_cursor(snapshot, params.text_document.uri, params.position)
    if found is None:
        return None
    targets = references.references(
        snapshot.index,
        snapshot.located(found[0].term),
        include_declaration=params.context.include_declaration,
        read_text=snapshot.read_text,
        glossary=snapshot.glossary.glossary,
    )
    return convert.locations(snapshot, targets)


async def prepare_rename(
    session: Session, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    snapshot = session.snapshot()
    found = term_under_cursor(snapshot, params.text_document.uri, params.position)
    try:
        span = references.prepare_rename(found[0] if found else None)
    except references.RenameError as error:
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None
    assert found is not None  # prepare_rename raised otherwise
    return types.PrepareRenamePlaceholder(
        range=convert.lsp_range(snapshot, found[1], span.start, span.end),
        placeholder=span.term.term,
    )


async def rename(session: Session, params: types.RenameParams) -> types.WorkspaceEdit:
    await wait_for_index(session)
    snapshot = session.snapshot()
    found = term_under_cursor(snapshot, params.text_document.uri, params.position)
    try:
        span = references.prepare_rename(found[0] if found else None)
        edits = references.rename(
            snapshot.glossary,
            snapshot.index,
            snapshot.located(span.term),
            params.new_name,
            read_text=snapshot.read_text,
        )
    except references.RenameError as error:
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None
    return convert.rename_edit(snapshot, edits)


# --------------------------------------------------------------------------- symbols, lenses


async def workspace_symbols(
    session: Session, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    await wait_for_index(session)
    snapshot = session.snapshot()
    symbols = references.workspace_symbols(
        snapshot.glossary, snapshot.index, params.query, read_text=snapshot.read_text
    )
    return convert.workspace_symbols(snapshot, [relocate(snapshot, s) for s in symbols])


def relocate(snapshot: Snapshot, symbol: references.SymbolEntry) -> references.SymbolEntry:
    """A symbol at a glossary entry, located in the glossary file's current text."""
    term = snapshot.glossary.glossary.lookup(symbol.name)
    if symbol.target.occurrence is not None or term is None or term.location is None:
        return symbol
    entry = definition_feature.glossary_entry(snapshot.located(term), snapshot.read_text)
    return replace(symbol, target=entry) if entry is not None else symbol


async def document_symbols(
    session: Session, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    snapshot = session.snapshot()
    path = uri_to_path(params.text_document.uri)
    if path is None or not snapshot.is_glossary_path(path):
        return None
    found = snapshot.glossary_file(path)
    if found is None:
        return None
    symbols = references.glossary_symbols(found.version, path, found.lines)
    return convert.document_symbols(snapshot, found.lines, symbols)


async def code_lenses(
    session: Session, params: types.CodeLensParams
) -> list[types.CodeLens] | None:
    snapshot = session.snapshot()
    uri = params.text_document.uri
    path = uri_to_path(uri)
    if path is None or not snapshot.is_glossary_path(path):
        return None
    found = snapshot.glossary_file(path)
    if found is None:
        return None
    lenses = references.code_lenses(found.version, snapshot.index, path, found.lines)
    return convert.code_lenses(snapshot, uri, found.lines, lenses)


async def resolve_code_lens(session: Session, lens: types.CodeLens) -> types.CodeLens:
    snapshot = session.snapshot()
    data = lens.data if isinstance(lens.data, dict) else {}
    term = snapshot.glossary.glossary.lookup(str(data.get("term", "")))
    if term is None:
        lens.command = types.Command(title="not in the glossary any more", command="")
        return lens
    index = snapshot.index
    users = [module for module in index.modules() if term.key in module.terms]
    targets = references.references(
        index,
        snapshot.located(term),
        read_text=snapshot.read_text,
        glossary=snapshot.glossary.glossary,
    )
    command = SHOW_REFERENCES_VSCODE if snapshot.client.vscode else SHOW_REFERENCES
    lens.command = types.Command(
        title=references.lens_title(index, users),
        command=command,
        arguments=[data.get("uri"), lens.range.start, convert.locations(snapshot, targets)],
    )
    return lens


async def show_references(session: Session, *args: Any) -> Any:
    return args[2] if len(args) > 2 else None


# ------------------------------------------------------------------------------ code actions


async def code_action(
    session: Session, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    snapshot = session.snapshot()
    view = await session.run_for_request(snapshot.view, uri)
    if view is None:
        return None
    start = convert.offset_of(snapshot, view.lines, params.range.start)
    end = convert.offset_of(snapshot, view.lines, params.range.end)
    if start is None or end is None:
        return None
    path = uri_to_path(uri)
    rules = snapshot.rules()
    findings = await session.run_for_request(
        session.analyses.document, snapshot.glossary, snapshot.index, path, view, rules
    )
    wanted = code_actions.overlapping(findings, start, end)
    if not wanted:
        return []
    root = snapshot.root_of(path)
    module = snapshot.index.module_at(path) if path is not None else None
    described = glossary_module_of(snapshot.glossary.glossary, module) if module else None
    module_id = described.id if described is not None else None
    fixes = code_actions.quick_fixes(
        wanted,
        view.lines,
        root,
        glossary_text=snapshot.read_text(root / code_actions.WORKSPACE_GLOSSARY) if root else None,
        ignore_text=snapshot.read_text(root / code_actions.IGNORE_FILE) if root else None,
        module_id=module_id,
    )
    can_create = snapshot.client.create_files
    return [
        convert.code_action(snapshot, uri, view, fix)
        for fix in fixes
        if fix.create is None or can_create
    ]


# ---------------------------------------------------------------------------------- course


async def course(session: Session, params: Any) -> dict[str, Any]:
    """`glossaryLsp/course`: the outline of the course of the workspace folder holding
    `params.uri` (default: the first folder), with each module's `uri` and `introduces`."""
    await wait_for_index(session)
    snapshot = session.snapshot()
    uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
    path = uri_to_path(uri) if isinstance(uri, str) else None
    root = snapshot.root_of(path) if path is not None else None
    if root is None and snapshot.roots:
        root = snapshot.roots[0]
    return await session.run_for_request(
        course_feature.course_outline, snapshot.glossary, snapshot.index, root, True
    )

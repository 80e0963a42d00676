"""The floor: a bare pygls 2.x server that answers with constant results.

Every latency in the benchmarks is reported as a ratio to this server, measured in the same run,
so the figures say what glossary-lsp adds on top of pygls, JSON-RPC and the operating system.
It answers hover, definition, completion and references without looking at the document.

    python benchmarks/floor_server.py      # speaks LSP over stdio

With `GLOSSARY_LSP_FLOOR_READER=loop` it reads standard input as glossary-lsp does (the event
loop reads the pipe, `glossary_lsp.lsp.stdio`) instead of pygls' reader thread: a floor for the
handlers alone, since glossary-lsp's reader is itself cheaper than pygls'.
"""

from __future__ import annotations

import os
import sys

from lsprotocol import types
from pygls.lsp.server import LanguageServer

FLOOR_HOVER_TEXT = "**floor** — a constant hover"

server = LanguageServer("floor-server", "1.0.0")

_ORIGIN = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=5)
)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(params: types.HoverParams) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=FLOOR_HOVER_TEXT)
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(params: types.DefinitionParams) -> types.Location:
    return types.Location(uri=params.text_document.uri, range=_ORIGIN)


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(params: types.CompletionParams) -> types.CompletionList:
    return types.CompletionList(
        is_incomplete=False,
        items=[types.CompletionItem(label="floor", kind=types.CompletionItemKind.Text)],
    )


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(params: types.ReferenceParams) -> list[types.Location]:
    return [types.Location(uri=params.text_document.uri, range=_ORIGIN)]


def main() -> None:
    if os.environ.get("GLOSSARY_LSP_FLOOR_READER") == "loop":
        from glossary_lsp.lsp.stdio import serve_on_loop

        serve_on_loop(server, sys.stdin.buffer, sys.stdout.buffer)
    else:
        server.start_io()


if __name__ == "__main__":
    main()

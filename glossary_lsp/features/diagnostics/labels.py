"""How modules are named in messages: plain titles, paths relative to the course."""

from __future__ import annotations

import re
from pathlib import Path

from glossary_lsp.course.identity import glossary_module_of
from glossary_lsp.course.modules import ModuleFile
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion


def module_label(version: GlossaryVersion, module: ModuleFile) -> str:
    """How a module is named in messages: the glossary's `EMOJI Title`, else the module title."""
    known = glossary_module_of(version.glossary, module)
    return plain_title(known.label if known is not None else module.title)


_MDX_ANCHOR = re.compile(r"\s*\[\[[^\]\n]*\]\]")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|~~)(?=\S)(.+?)(?<=\S)\1")


def plain_title(title: str) -> str:
    """A module title as plain text: no MDX anchors (`[[slug]]`), links, tags or emphasis."""
    title = _MDX_ANCHOR.sub("", title)
    title = _MARKDOWN_LINK.sub(r"\1", title)
    title = _HTML_TAG.sub("", title)
    title = _EMPHASIS.sub(r"\2", title)
    return " ".join(title.replace("\\", "").split())


def relative_name(index: WorkspaceIndex, path: Path) -> str:
    for root in index.roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name

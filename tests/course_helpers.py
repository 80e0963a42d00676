"""Building small courses on disk for the course-intelligence tests."""

from __future__ import annotations

import json
from pathlib import Path

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.lsp.session import Session

GLOSSARY = """\
version: 1
modules:
  - id: basics
    title: Basics
    emoji: "📘"
  - id: training
    title: Training
    emoji: "🖥️"
terms:
  - term: FSDP
    expansion: Fully Sharded Data Parallel
    module: training
  - term: HBM
    expansion: High Bandwidth Memory
  - term: PyTorch
  - term: FlashAttention
  - term: LayerNorm
    aliases: [layer normalization]
  - term: Embedding
  - term: KV cache
    expansion: key-value cache
  - term: Continuous batching
    aliases: [in-flight batching]
"""


def write_course(root: Path, files: dict[str, str], glossary: str | None = GLOSSARY) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if glossary is not None:
        (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    return root


def build(root: Path, glossary: str | None = None) -> tuple[GlossaryVersion, WorkspaceIndex]:
    path = root / "glossary.yaml"
    text = glossary if glossary is not None else path.read_text(encoding="utf-8")
    version = GlossaryVersion.build(load_glossary_text(text, str(path)))
    index = WorkspaceIndex([root])
    index.set_matcher(version.matcher)
    index.scan()
    return version, index


def notebook(*cells: tuple[str, str]) -> str:
    """A notebook's JSON as Jupyter writes it: (kind, source) cells, sources as lists of lines."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": kind,
                    "metadata": {},
                    "source": source.splitlines(keepends=True),
                    **({"execution_count": None, "outputs": []} if kind == "code" else {}),
                }
                for kind, source in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
        ensure_ascii=False,
    )


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, new_text) replacements given in offsets of the original text."""
    for start, end, new_text in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def session_on(root: Path, settings: dict[str, object] | None = None) -> Session:
    """A session on the course at `root` as `initialized` leaves it before the first indexing:
    the settings taken, the glossary loaded."""
    session = Session()
    session.roots = [root]
    session.take_settings(settings or {}, force=True)
    session.reload_glossary(force=True)
    return session

"""An unindexed module is searched for a term once per text on disk, not read for every request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from glossary_lsp.course import workspace as workspace_module
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.loader import load_glossary_text

GLOSSARY = """\
version: 1
terms:
  - term: KV cache
    definition: Keys and values kept between decoding steps.
"""


def test_an_unindexed_module_is_read_once_per_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_path = tmp_path / "01-serving.md"
    module_path.write_text("# Serving\n\nNothing about caches yet.\n", encoding="utf-8")
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, "glossary.yaml"))
    index = WorkspaceIndex([tmp_path], matcher=version.matcher)
    index.list_modules()
    module = index.module_at(module_path)
    assert module is not None and not module.terms_known
    term = version.glossary.lookup("KV cache")
    assert term is not None

    reads: list[Path] = []
    real_read = workspace_module.read_module_text

    def counting_read(path: Path):  # noqa: ANN202 - the reader's own result
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(workspace_module, "read_module_text", counting_read)
    assert [index.may_introduce(module, term, "use") for _ in range(5)] == [False] * 5
    assert len(reads) == 1

    module_path.write_text("# Serving\n\nThe KV cache grows with the prompt.\n", encoding="utf-8")
    stat = module_path.stat()
    os.utime(module_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert index.may_introduce(module, term, "use")  # the new text is searched again
    assert len(reads) >= 2

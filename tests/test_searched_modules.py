"""An unindexed module is searched for a term once per text on disk, not read for every request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from glossary_lsp.course import workspace as workspace_module
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary import model as model_module
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.glossary.model import Term

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
    index.refresh(module_path)  # the file event
    assert index.may_introduce(module, term, "use")  # the new text is searched again
    assert len(reads) >= 2


def changed_on_disk(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def unindexed_module(tmp_path: Path) -> tuple[WorkspaceIndex, Path, Term]:
    module_path = tmp_path / "01-serving.md"
    module_path.write_text("# Serving\n\nNothing about caches yet.\n", encoding="utf-8")
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, "glossary.yaml"))
    index = WorkspaceIndex([tmp_path], matcher=version.matcher)
    index.list_modules()
    term = version.glossary.lookup("KV cache")
    assert term is not None
    return index, module_path, term


def test_requests_take_no_stat_of_a_module_they_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, module_path, term = unindexed_module(tmp_path)
    module = index.module_at(module_path)
    assert module is not None and not module.terms_known
    assert not index.may_introduce(module, term, "use")
    stamps: list[Path] = []
    real_stamp = workspace_module.file_stamp

    def counting_stamp(path: Path) -> object:
        stamps.append(path)
        return real_stamp(path)

    monkeypatch.setattr(workspace_module, "file_stamp", counting_stamp)
    for _ in range(5):
        assert not index.may_introduce(module, term, "use")
        assert index.first_occurrence(term) is None
    assert stamps == []


def test_a_change_on_disk_without_a_file_event_is_seen_by_the_next_pass(tmp_path: Path) -> None:
    """The index keeps what it found in an unopened file until it hears of the file again (a
    file event, a save, a close, a new pass), as it keeps an indexed module's terms."""
    index, module_path, term = unindexed_module(tmp_path)
    module = index.module_at(module_path)
    assert module is not None
    assert not index.may_introduce(module, term, "use")
    changed_on_disk(module_path, "# Serving\n\nThe KV cache grows with the prompt.\n")
    assert not index.may_introduce(module, term, "use")  # no event: as it was searched
    assert index.pending_terms()  # a new pass over the modules not indexed yet
    assert index.may_introduce(module, term, "use")


def test_a_file_event_makes_the_new_text_count_at_once(tmp_path: Path) -> None:
    index, module_path, term = unindexed_module(tmp_path)
    module = index.module_at(module_path)
    assert module is not None
    assert not index.may_introduce(module, term, "use")
    changed_on_disk(module_path, "# Serving\n\nThe KV cache grows with the prompt.\n")
    index.refresh(module_path)
    assert index.may_introduce(module, term, "use")  # what the request held, searched again
    refreshed = index.module_at(module_path)
    assert refreshed is not None and refreshed.terms_known
    assert index.may_introduce(refreshed, term, "use")
    found = index.first_occurrence(term)
    assert found is not None and found.module.path == module_path


def test_a_request_over_many_unindexed_modules_folds_the_term_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(2, 7):
        (tmp_path / f"0{number}-lesson.md").write_text(f"# Lesson {number}\n", encoding="utf-8")
    index, _module_path, term = unindexed_module(tmp_path)
    modules = index.modules()
    assert len(modules) == 6 and not any(module.terms_known for module in modules)
    assert not any(index.may_introduce(module, term, "use") for module in modules)
    folds: list[str] = []
    real_fold = model_module.fold

    def counting_fold(name: str) -> str:
        folds.append(name)
        return real_fold(name)

    monkeypatch.setattr(model_module, "fold", counting_fold)
    assert not any(index.may_introduce(module, term, "use") for module in modules)
    assert folds == []

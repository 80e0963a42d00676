"""The workspace index: which files are modules, course order, module ids, first occurrences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary_lsp.course.files import PathFilter
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import TermMatcher
from glossary_lsp.settings import Settings

GLOSSARY = Glossary(
    terms=[
        Term("FSDP", expansion="Fully Sharded Data Parallel", module="distributed-training"),
        Term("KV cache"),
    ]
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def notebook(*markdown_cells: str) -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(True)}
        for text in markdown_cells
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def index_of(root: Path, **kwargs) -> WorkspaceIndex:
    defaults = Settings()
    kwargs.setdefault("include", defaults.modules_include)
    kwargs.setdefault("exclude", defaults.modules_exclude)
    index = WorkspaceIndex(roots=[root], matcher=TermMatcher(GLOSSARY), **kwargs)
    index.scan()
    return index


@pytest.mark.parametrize(
    "pattern, path, matches",
    [
        ("**/*.md", "a.md", True),
        ("**/*.md", "x/y/a.md", True),
        ("**/*.md", "a.mdx", False),
        ("*.md", "x/a.md", False),
        ("**/node_modules/**", "node_modules/a.md", True),
        ("**/node_modules/**", "x/node_modules/y/a.md", True),
        ("docs/?.md", "docs/a.md", True),
    ],
)
def test_globs(pattern, path, matches):
    assert PathFilter(include=[pattern]).accepts(path) is matches


def test_default_filter_skips_vendored_and_build_folders():
    path_filter = PathFilter(Settings().modules_include, Settings().modules_exclude)
    assert path_filter.accepts("01-intro.md")
    assert path_filter.accepts("part-1/02-notes.ipynb")
    assert not path_filter.accepts("node_modules/pkg/README.md")
    assert not path_filter.accepts(".venv/lib/site.md")
    assert path_filter.excludes_folder(".git")
    assert not path_filter.accepts("notes.txt")


def test_course_order_ids_and_titles(tmp_path: Path):
    write(tmp_path / "10-late.md", "# 🚀 Late\n")
    write(tmp_path / "2-second.md", "---\nid: custom-id\n---\n# Second\n")
    write(tmp_path / "unnumbered.md", "---\norder: 1\ntitle: Ordered by front matter\n---\n")
    write(tmp_path / "zz-appendix.md", "# Appendix\n")
    write(tmp_path / "node_modules" / "x.md", "FSDP\n")

    modules = index_of(tmp_path).modules()

    assert [m.path.name for m in modules] == [
        "unnumbered.md",
        "2-second.md",
        "10-late.md",
        "zz-appendix.md",
    ]
    assert [m.id for m in modules] == ["unnumbered", "custom-id", "10-late", "zz-appendix"]
    assert modules[0].title == "Ordered by front matter"
    assert modules[2].title == "🚀 Late"


def test_first_occurrence_is_in_prose_in_course_order(tmp_path: Path):
    write(tmp_path / "01-a.md", "```\nFSDP in code\n```\n\nNo term here, `FSDP` inline.\n")
    write(tmp_path / "02-b.ipynb", notebook("# 🖥️ B\n", "Sharding with 🖥️ FSDP today."))
    write(tmp_path / "03-distributed-training.md", "Intro: FSDP.\n")
    index = index_of(tmp_path)
    fsdp = GLOSSARY.lookup("FSDP")

    first = index.first_occurrence(fsdp)

    assert first is not None and first.module.path.name == "02-b.ipynb"
    assert first.region.text[first.start : first.end] == "FSDP"
    start, end = first.source_range()
    source = (tmp_path / "02-b.ipynb").read_text(encoding="utf-8")
    assert source[start:end] == "FSDP"
    home = index.module_by_id("distributed-training")
    assert index.first_occurrence(fsdp, home).module is home
    assert [o.module.path.name for o in index.occurrences(fsdp)] == [
        "02-b.ipynb",
        "03-distributed-training.md",
    ]


def test_occurrences_of_each_term_from_one_matched_module(tmp_path: Path):
    """The module's matches are grouped by term once; each term asked gets only its own, in
    document order, whatever the spelling (the key folds case and spacing)."""
    path = write(tmp_path / "01-a.md", "FSDP and the KV cache. Then kv  cache, FSDP again.\n")
    index = index_of(tmp_path)
    module = index.module_at(path)
    fsdp, kv = GLOSSARY.lookup("FSDP"), GLOSSARY.lookup("KV cache")
    text = path.read_text(encoding="utf-8")

    def surfaces(term: Term) -> list[str]:
        return [text[slice(*o.source_range())] for o in index.occurrences_in(module, term)]

    assert surfaces(fsdp) == ["FSDP", "FSDP"]
    assert surfaces(kv) == ["KV cache", "kv  cache"]
    assert surfaces(kv._replace(definition="another copy of the term")) == surfaces(kv)
    assert index.occurrences_in(module, Term("GPU")) == []

    index.update(path, "Only the KV cache now.\n")  # a new text: grouped again
    assert surfaces(fsdp) == []
    assert [o.start for o in index.occurrences_in(module, kv)] == [9]


def test_open_text_wins_over_disk_until_closed(tmp_path: Path):
    path = write(tmp_path / "01-a.md", "Nothing yet.\n")
    index = index_of(tmp_path)
    kv = GLOSSARY.lookup("KV cache")
    assert index.first_occurrence(kv) is None

    index.update(path, "The KV\ncache grows.\n")
    assert index.first_occurrence(kv).module.path == path

    assert not index.close(path)  # small: nothing to give back (no full collection)
    assert index.first_occurrence(kv) is None


@pytest.mark.parametrize(
    "relative",
    [
        ".drafts/scratch.md",  # a hidden folder
        "lesson/.ipynb_checkpoints/02-b-checkpoint.ipynb",
        "node_modules/pkg/README.md",
        "venv-like/notes.md",  # a folder that is a virtualenv
        "ignored/x.md",  # the root's .gitignore
        "lesson/scratch-notes.md",  # a subfolder's .gitignore
        "lesson/02-b.txt",  # not a module's suffix
    ],
)
def test_a_file_the_walk_leaves_out_stays_out_when_opened(tmp_path: Path, relative: str):
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "lesson" / ".gitignore", "scratch-*.md\n")
    write(tmp_path / "venv-like" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "lesson" / "01-a.md", "Nothing yet.\n")
    index = index_of(tmp_path)
    kv = GLOSSARY.lookup("KV cache")
    path = write(tmp_path / relative, "The KV cache grows.\n")

    assert not index.is_module_path(path)  # what a file event or a settled edit asks first
    index.update(path, "The KV cache grows.\n")  # as the editor's open text
    assert [m.path.name for m in index.modules()] == ["01-a.md"]
    assert index.first_occurrence(kv) is None


def test_a_new_file_in_a_course_folder_joins_when_opened(tmp_path: Path):
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "lesson" / "01-a.md", "Nothing yet.\n")
    index = index_of(tmp_path)
    path = tmp_path / "lesson" / "02-b.md"  # not on disk yet: the editor's buffer

    assert index.is_module_path(path)
    index.update(path, "The KV cache grows.\n")
    assert index.first_occurrence(GLOSSARY.lookup("KV cache")).module.path == path


def test_unreadable_files_become_module_errors_not_exceptions(tmp_path: Path):
    (tmp_path / "01-binary.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "02-latin1.md").write_bytes("Caf\xe9 FSDP\n".encode("latin-1"))
    write(tmp_path / "03-broken.ipynb", '{"cells": [')

    modules = {m.path.name: m for m in index_of(tmp_path).modules()}

    assert "binary" in modules["01-binary.md"].error
    assert "UTF-8" in modules["02-latin1.md"].error
    assert modules["02-latin1.md"].terms == {"fsdp"}
    assert modules["03-broken.ipynb"].error


def test_removed_files_leave_the_index(tmp_path: Path):
    path = write(tmp_path / "01-a.md", "FSDP\n")
    index = index_of(tmp_path)
    path.unlink()
    index.refresh(path)
    assert index.modules() == []

"""References, rename, workspace and glossary symbols, code lens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_helpers import apply_edits, build, notebook, write_course

from glossary_lsp.features.references import (
    RenameError,
    code_lenses,
    glossary_symbols,
    prepare_rename,
    references,
    rename,
    respell,
    term_in_glossary,
    term_in_module,
    workspace_symbols,
)
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex

COURSE = {
    "01-intro.md": "# Intro\n\nWe train with FSDP. Later, FSDPs everywhere.\n\n"
    "```python\nFSDP(model)\n```\n",
    "02-serve.ipynb": notebook(
        ("markdown", 'A "quoted" note: Continuous batching and the KV cache.\n'),
        ("code", "cache = 'KV cache'\n"),
        ("markdown", "More continuous batching;\nin-flight batching is an alias.\n"),
    ),
    "03-train.md": "# Training\n\nFully Sharded Data Parallel (FSDP) at last.\n",
}


@pytest.fixture
def course(tmp_path):
    root = write_course(tmp_path / "course", COURSE)
    version, index = build(root)
    return root, version, index


def texts_of(targets):
    return [(t.path.name, t.lines.text[t.start : t.end]) for t in targets]


def test_references_in_course_order_prose_only(course):
    root, version, index = course
    term = version.glossary.lookup("FSDP")
    found = references(index, term)
    assert texts_of(found) == [
        ("01-intro.md", "FSDP"),
        ("01-intro.md", "FSDPs"),
        ("03-train.md", "FSDP"),
    ]
    with_entry = references(index, term, include_declaration=True)
    assert texts_of(with_entry[:1]) == [("glossary.yaml", "FSDP")]


def test_references_inside_a_notebook(course):
    root, version, index = course
    found = references(index, version.glossary.lookup("Continuous batching"))
    assert texts_of(found) == [
        ("02-serve.ipynb", "Continuous batching"),
        ("02-serve.ipynb", "continuous batching"),
        ("02-serve.ipynb", "in-flight batching"),
    ]
    assert all(target.occurrence is not None for target in found)


def test_term_under_the_cursor_in_a_module_and_in_the_glossary(course):
    root, version, index = course
    source = COURSE["01-intro.md"]
    view = view_document(str(root / "01-intro.md"), source)
    found = term_in_module(version, view, source.index("FSDP") + 2)
    assert found.term.term == "FSDP" and source[found.start : found.end] == "FSDP"
    glossary = root / "glossary.yaml"
    lines = LineIndex(glossary.read_text(encoding="utf-8"))
    entry = term_in_glossary(version, glossary, lines, lines.text.index("KV cache") + 1)
    assert entry.term.term == "KV cache"
    assert lines.text[entry.start : entry.end] == "KV cache"


def test_rename_markdown_notebook_and_glossary_entry(course):
    root, version, index = course
    term = version.glossary.lookup("Continuous batching")
    edits = rename(version, index, term, "Dynamic batching")
    by_file: dict[Path, list] = {}
    for edit in edits:
        by_file.setdefault(edit.path, []).append(edit)
    assert set(by_file) == {root / "glossary.yaml", root / "02-serve.ipynb"}

    notebook_source = (root / "02-serve.ipynb").read_text(encoding="utf-8")
    renamed = apply_edits(
        notebook_source, [(e.start, e.end, e.new_text) for e in by_file[root / "02-serve.ipynb"]]
    )
    cells = ["".join(cell["source"]) for cell in json.loads(renamed)["cells"]]
    assert cells == [
        'A "quoted" note: Dynamic batching and the KV cache.\n',
        "cache = 'KV cache'\n",
        "More dynamic batching;\nin-flight batching is an alias.\n",
    ]

    glossary_text = (root / "glossary.yaml").read_text(encoding="utf-8")
    new_glossary = apply_edits(
        glossary_text, [(e.start, e.end, e.new_text) for e in by_file[root / "glossary.yaml"]]
    )
    loaded = load_glossary_text(new_glossary, "glossary.yaml")
    assert loaded.lookup("Dynamic batching").aliases == ("in-flight batching",)
    assert loaded.lookup("Continuous batching") is None
    assert len(new_glossary.splitlines()) == len(glossary_text.splitlines())


def test_rename_keeps_plurals_and_escapes_json(course):
    root, version, index = course
    edits = rename(version, index, version.glossary.lookup("FSDP"), 'FS "DP"')
    intro = [e for e in edits if e.path.name == "01-intro.md"]
    renamed = apply_edits(COURSE["01-intro.md"], [(e.start, e.end, e.new_text) for e in intro])
    assert renamed.startswith('# Intro\n\nWe train with FS "DP". Later, FS "DP"s everywhere.')
    assert "FSDP(model)" in renamed  # code is not prose
    (entry,) = [e for e in edits if e.path.name == "glossary.yaml"]
    assert entry.new_text == '"FS \\"DP\\""'


def test_rename_in_a_notebook_json_escapes_the_new_name(course):
    root, version, index = course
    edits = rename(version, index, version.glossary.lookup("KV cache"), 'K"V cache')
    (use,) = [e for e in edits if e.path.suffix == ".ipynb"]
    assert use.new_text == 'K\\"V cache' and use.cell_text == 'K"V cache'
    source = (root / "02-serve.ipynb").read_text(encoding="utf-8")
    cells = json.loads(apply_edits(source, [(use.start, use.end, use.new_text)]))["cells"]
    assert "".join(cells[0]["source"]).endswith('and the K"V cache.\n')
    assert use.occurrence.region.index == 0


SEE_ALSO = """\
version: 1
terms:
  - term: FSDP
    see_also: [Continuous batching, KV cache]
  - term: HBM
    see_also:
      - 'continuous  batching'
      - in-flight batching
  - term: PyTorch
    see_also: ["Continuous batching"]
  - term: KV cache
  - term: Continuous batching
    aliases: [in-flight batching]
"""


def test_rename_rewrites_see_also_entries_that_name_the_term(tmp_path):
    root = write_course(tmp_path / "course", COURSE, SEE_ALSO)
    version, index = build(root)
    edits = rename(
        version, index, version.glossary.lookup("Continuous batching"), "Dynamic (batching)"
    )
    glossary_edits = [e for e in edits if e.path.name == "glossary.yaml"]
    assert len(glossary_edits) == 4  # the entry and three see_also entries; not the alias
    renamed = apply_edits(SEE_ALSO, [(e.start, e.end, e.new_text) for e in glossary_edits])
    loaded = load_glossary_text(renamed, "glossary.yaml")
    see_also = {term.term: term.see_also for term in loaded}
    assert see_also == {
        "FSDP": ("Dynamic (batching)", "KV cache"),
        "HBM": ("Dynamic (batching)", "in-flight batching"),
        "PyTorch": ("Dynamic (batching)",),
        "KV cache": (),
        "Dynamic (batching)": (),
    }
    assert len(renamed.splitlines()) == len(SEE_ALSO.splitlines())


def test_see_also_items_are_found_where_the_file_writes_them():
    from glossary_lsp.glossary.loader import see_also_items

    text = "\ufeff{version: 1, terms: [{term: A, see_also: [B, 'C']}]}\n"
    lines = LineIndex(text)
    found = [
        (i.term, i.name, text[lines.offset(*i.start) : lines.offset(*i.end)])
        for i in see_also_items(text)
    ]
    assert found == [("A", "B", "B"), ("A", "C", "'C'")]
    assert see_also_items("terms: [unclosed") == []
    assert see_also_items("terms: {term: A}\n") == []


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("  ", "needs a name"),
        ("a\nb", "one line"),
        ("HBM", "already a name of the term 'HBM'"),
        ("in-flight batching", "already a name"),
    ],
)
def test_rename_rejects_empty_and_colliding_names(course, new_name, message):
    root, version, index = course
    term = version.glossary.lookup("Continuous batching" if "flight" not in new_name else "FSDP")
    with pytest.raises(RenameError, match=message):
        rename(version, index, term, new_name)


def test_prepare_rename_refuses_aliases(course):
    root, version, index = course
    source = COURSE["02-serve.ipynb"]
    view = view_document(str(root / "02-serve.ipynb"), source)
    alias = term_in_module(version, view, source.index("in-flight") + 1)
    with pytest.raises(RenameError, match="alias"):
        prepare_rename(alias)
    with pytest.raises(RenameError):
        prepare_rename(None)
    canonical = term_in_module(version, view, source.index("Continuous") + 1)
    assert prepare_rename(canonical).term.term == "Continuous batching"


def test_rename_refuses_terms_outside_the_workspace(course, tmp_path):
    root, version, index = course
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("version: 1\nterms:\n  - term: Outsider\n", encoding="utf-8")
    from glossary_lsp.glossary.loader import load_glossary_file

    term = load_glossary_file(outside).terms[0]
    with pytest.raises(RenameError, match="outside the workspace"):
        rename(version, index, term, "Insider")


@pytest.mark.parametrize(
    ("surface", "name", "new", "expected"),
    [
        ("FSDP", "FSDP", "ZeRO", "ZeRO"),
        ("FSDPs", "FSDP", "ZeRO", "ZeROs"),
        ("Prefill", "prefill", "pre-fill", "Pre-fill"),
        ("prefill", "Prefill", "Prefilling", "prefilling"),
        ("KV\ncache", "KV cache", "KV store", "KV store"),
        ("batches", "batch", "group", "groupes"),
    ],
)
def test_respell(surface, name, new, expected):
    assert respell(surface, name, new) == expected


def test_workspace_symbols_by_name_and_expansion(course):
    root, version, index = course
    by_name = workspace_symbols(version, index, "fsd")
    assert [s.name for s in by_name] == ["FSDP"]
    # first introduction, as definition: the glossary's module `training` is `03-train.md`
    assert by_name[0].target.path.name == "03-train.md"
    by_expansion = workspace_symbols(version, index, "bandwidth")
    assert [s.name for s in by_expansion] == ["HBM"]
    assert by_expansion[0].target.path.name == "glossary.yaml"  # unused: its entry
    assert len(workspace_symbols(version, index, "", limit=3)) == 3


def test_glossary_document_symbols(course):
    root, version, index = course
    path = root / "glossary.yaml"
    lines = LineIndex(path.read_text(encoding="utf-8"))
    symbols = glossary_symbols(version, path, lines)
    assert [(s.kind, s.name) for s in symbols][:3] == [
        ("module", "📘 Basics"),
        ("module", "🖥️ Training"),
        ("term", "FSDP"),
    ]
    fsdp = symbols[2]
    entry = lines.text[fsdp.target.start : fsdp.target.end]
    assert entry == (
        "  - term: FSDP\n    expansion: Fully Sharded Data Parallel\n    module: training"
    )
    assert lines.text[fsdp.selection[0] : fsdp.selection[1]] == "FSDP"


def test_code_lens_titles(course):
    root, version, index = course
    path = root / "glossary.yaml"
    lines = LineIndex(path.read_text(encoding="utf-8"))
    titles = {lens.term.term: lens.title for lens in code_lenses(version, index, path, lines)}
    assert titles["FSDP"] == "used in 2 modules · first in 01-intro.md"
    assert titles["KV cache"] == "used in 1 module · first in 02-serve.ipynb"
    assert titles["HBM"] == "not used in the course"

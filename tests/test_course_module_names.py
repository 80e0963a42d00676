"""A glossary entry's `module:` names a module of the course by id, path or title, declared by
the glossary or not; a name that matches several modules, or none, is a finding at its value."""

from __future__ import annotations

import json

from course_helpers import build, write_course

from glossary_lsp.cli import main
from glossary_lsp.course.introduction import GLOSSARY, find_introduction
from glossary_lsp.features.course import module_name_findings
from glossary_lsp.glossary.loader import bundled_glossary_path, load_glossary_file
from glossary_lsp.text.positions import LineIndex

# No `modules:` at all: every `module:` names a module of the course.
GLOSSARY_TEXT = """\
version: 1
terms:
  - term: TTFT
    expansion: time to first token
    module: 02-serving/README
  - term: KV cache
    module: "Caching Keys"
  - term: FSDP
    expansion: Fully Sharded Data Parallel
    module: 01-basics/sharding
  - term: HBM
    module: notes
  - term: PagedAttention
    module: 03-servng
  - term: LoRA
    module: adapters  # declared below
modules:
  - id: adapters
    title: Adapters
"""

FILES = {
    "01-basics/README.md": "# Basics\n\nTTFT, KV cache, FSDP, HBM and LoRA in passing.\n",
    "01-basics/notes.md": "# Notes\n",
    "01-basics/sharding.md": "# Sharding\n\nFSDP (Fully Sharded Data Parallel).\n",
    "02-serving/README.md": "# Serving\n\nTTFT (time to first token).\n",
    "02-serving/notes.md": "# Notes\n",
    "03-serving/README.md": "# Caching Keys\n\nKV cache.\n",
}


def findings_of(root):
    version, index = build(root)
    path = root / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    found = module_name_findings(version, index, path, LineIndex(text))
    return version, index, {text[f.start : f.end]: f.message for f in found}


def test_undeclared_module_names_resolve_by_path_and_title(tmp_path):
    root = write_course(tmp_path, FILES, GLOSSARY_TEXT)
    version, index, _ = findings_of(root)
    expected = {
        "TTFT": "02-serving/README.md",
        "KV cache": "03-serving/README.md",
        "FSDP": "01-basics/sharding.md",
    }
    for name, relative in expected.items():
        introduction = find_introduction(index, version.glossary.lookup(name))
        assert introduction is not None and introduction.reason == GLOSSARY, name
        assert introduction.module.relative == relative


def test_several_or_no_modules_are_findings_at_the_module_value(tmp_path):
    root = write_course(tmp_path, FILES, GLOSSARY_TEXT)
    _version, _index, found = findings_of(root)
    assert set(found) == {"notes", "03-servng"}  # `adapters` is declared: no finding
    assert "names 2 modules" in found["notes"] and "01-basics/notes.md" in found["notes"]
    assert found["03-servng"].startswith("module '03-servng' is no module of the course")
    assert "did you mean '03-serving/README'?" in found["03-servng"]


def test_check_reports_them_on_the_glossary_lines(tmp_path, capsys):
    root = write_course(tmp_path, FILES, GLOSSARY_TEXT)
    main(["check", str(root), "--no-bundled", "--format", "text"])
    out = capsys.readouterr().out
    assert "glossary.yaml:12:13: warning ambiguousModule: module 'notes' names 2" in out
    assert "glossary.yaml:14:13: warning ambiguousModule: module '03-servng'" in out


def test_no_course_modules_no_unresolved_findings(tmp_path):
    root = write_course(tmp_path, {"notes.txt": "not a module\n"}, GLOSSARY_TEXT)
    _version, _index, found = findings_of(root)
    assert found == {}


def test_the_glossary_loads_and_the_course_command_lists_the_course(tmp_path, capsys):
    root = write_course(tmp_path, FILES, GLOSSARY_TEXT)
    assert main(["course", str(root), "--format", "json", "--no-bundled"]) == 0
    outline = json.loads(capsys.readouterr().out)
    assert outline["modules"][0]["path"] == "01-basics/README.md"


def test_the_bundled_glossary_declares_every_module_its_terms_name():
    # the loader no longer rejects an undeclared `module:`; the bundled glossary's own course
    # is not in any workspace, so its names must all be declared
    glossary = load_glossary_file(bundled_glossary_path())
    assert [t.term for t in glossary.terms if t.module and glossary.module(t.module) is None] == []


def test_a_module_read_again_takes_its_place_among_the_names_as_a_rebuild_would(tmp_path):
    from glossary_lsp.course.identity import ModuleNames
    from glossary_lsp.course.workspace import WorkspaceIndex

    root = write_course(tmp_path / "course", FILES)
    index = WorkspaceIndex([root])
    index.scan()
    edited = next(m for m in index.modules() if m.relative == "01-basics/README.md")
    edited.path.write_text(edited.path.read_text() + "\nOne more line.\n")
    index.refresh(edited.path)
    course = index.course()
    again = index.module_at(edited.path)
    assert again is not None and again is not edited
    rebuilt = ModuleNames(course.modules)
    names = ["01-basics/README", "01-basics/README.md", "Basics", "basics", "01-basics", "notes"]
    for name in names + [m.id for m in course.modules] + [m.title for m in course.modules]:
        assert course.names.candidates(name) == rebuilt.candidates(name), name
    assert course.names.resolve("01-basics/README") is again

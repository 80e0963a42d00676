"""Glossary sources read as courses keep them: MyST, Sphinx, abbreviations, Contextive."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from course_helpers import apply_edits

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.definition import declaration, definition, first_introduction
from glossary_lsp.features.hover import hover
from glossary_lsp.features.references import references, rename, term_in_module
from glossary_lsp.glossary.myst_roles import role_at, role_uses
from glossary_lsp.glossary.sources import KINDS, read_source
from glossary_lsp.glossary.store import GlossaryStore, discover_sources, glossary_paths
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import view_document

MYST_GLOSSARY = """\
---
title: Glossary
abbreviations:
  HR: Heart Rate
---
# Glossary 📖

```{glossary}
:sorted:

MyST
  Markedly Structured Text, a flavour of **Markdown**.

Jupyter Book
JB
  A toolchain for 😀 books.

  It builds from MyST.
```

::::{note}
:::{glossary}
Colon term
  Inside a colon fence, nested in a note.
:::
::::

```{eval-rst}
.. glossary::

   reST term : a classifier
      Defined in reStructuredText inside MyST.
```

```python
*[NOTABBR]: inside code
```
"""


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def names(read) -> list[str]:
    return [term.term for term in read.terms]


# ----------------------------------------------------------------------------------- readers


def test_myst_glossary_page_reads_every_directive_kind_with_lines():
    read = read_source("/c/glossary.md", MYST_GLOSSARY)
    assert read.problems == []
    assert names(read) == ["HR", "MyST", "Jupyter Book", "Colon term", "reST term"]
    by_name = {term.term: term for term in read.terms}
    assert by_name["HR"].expansion == "Heart Rate"
    assert str(by_name["HR"].location) == "/c/glossary.md:4:3"
    assert by_name["MyST"].definition == "Markedly Structured Text, a flavour of **Markdown**."
    assert str(by_name["MyST"].location) == "/c/glossary.md:11:1"
    assert by_name["Jupyter Book"].aliases == ("JB",)
    assert by_name["Jupyter Book"].definition == "A toolchain for 😀 books.\n\nIt builds from MyST."
    assert str(by_name["reST term"].location) == "/c/glossary.md:31:4"


def test_kinds_switch_off_one_by_one():
    assert names(read_source("/c/g.md", MYST_GLOSSARY, {"sphinx"})) == ["reST term"]
    assert "reST term" not in names(read_source("/c/g.md", MYST_GLOSSARY, {"myst"}))
    text = "*[HTML]: Hyper Text Markup Language\n"
    assert names(read_source("/c/abbr.md", text, {"myst"})) == []
    assert names(read_source("/c/abbr.md", text, {"abbr"})) == ["HTML"]


def test_sphinx_rst_glossary():
    text = doc("""
        Title
        =====

        .. glossary::
           :sorted:

           environment
           env
              A structure where information is kept.

           builder
              Turns documents into output.

        Other text.
        """)
    read = read_source("/c/terms.rst", text)
    assert names(read) == ["environment", "builder"]
    assert read.terms[0].aliases == ("env",)
    assert read.terms[1].definition == "Turns documents into output."
    assert str(read.terms[1].location) == "/c/terms.rst:11:4"


def test_abbreviation_lines_outside_code_only():
    text = doc("""
        *[HTML]: Hyper Text Markup Language
        *[W3C]:  "World Wide Web Consortium"

        ```
        *[CODE]: not a definition
        ```
        """)
    read = read_source("/c/includes/abbreviations.md", text)
    assert [(t.term, t.expansion) for t in read.terms] == [
        ("HTML", "Hyper Text Markup Language"),
        ("W3C", "World Wide Web Consortium"),
    ]
    assert str(read.terms[1].location) == "/c/includes/abbreviations.md:2:3"


def test_myst_config_project_abbreviations():
    text = (
        "version: 1\nproject:\n  title: A course\n"
        "  abbreviations:\n    MyST: Markedly Structured Text\n"
    )
    read = read_source("/c/myst.yml", text)
    assert [(t.term, t.expansion, t.location.line) for t in read.terms] == [
        ("MyST", "Markedly Structured Text", 5)
    ]


def test_contextive_terms_with_aliases_and_examples():
    text = doc("""
        contexts:
          - name: Billing
            terms:
              - name: Invoice
                definition: A request for payment.
                aliases: [bill]
                examples:
                  - The invoice is sent monthly.
              - name: "Credit note"
                definition: Cancels an invoice.
        """)
    read = read_source("/c/billing.glossary.yml", text)
    assert read.problems == []
    invoice, credit = read.terms
    assert (invoice.term, invoice.aliases, invoice.contexts) == (
        "Invoice",
        ("bill",),
        ("The invoice is sent monthly.",),
    )
    assert str(credit.location) == "/c/billing.glossary.yml:9:16"  # inside the quotes


# ----------------------------------------------------------------------------------- bad input


def test_a_glossary_directive_with_no_terms_is_an_error_at_its_line():
    text = "# G\n\n```{glossary}\n:sorted:\n```\n"
    read = read_source("/c/g.md", text)
    assert read.terms == []
    assert [(p.line, p.severity) for p in read.problems] == [(3, "error")]
    assert "defines no terms" in read.problems[0].message


def test_contextive_yaml_tags_are_problems_never_constructed():
    text = doc("""
        contexts:
          - name: X
            terms:
              - name: !!python/object/apply:os.system ["echo pwned"]
                definition: nope
        """)
    read = read_source("/c/x.glossary.yml", text)
    assert read.terms == []
    assert [(p.line, p.severity) for p in read.problems] == [(4, "error")]
    assert "tag '!!python/object/apply:os.system' is not allowed" in read.problems[0].message


@pytest.mark.slow
def test_a_hundred_thousand_abbreviations_load_in_reasonable_time(tmp_path):
    lines = [f"*[AB{n}]: Abbreviation number {n}" for n in range(100_000)]
    path = tmp_path / "includes" / "abbreviations.md"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = GlossaryStore()
    started = time.perf_counter()
    store.configure(glossary_paths([tmp_path], [], False, store.discover([tmp_path])))
    store.reload(force=True)
    elapsed = time.perf_counter() - started
    print(f"100,000 abbreviations discovered and loaded in {elapsed:.2f} s")
    assert len(store.merged) == 100_000
    assert store.merged.lookup("AB99999").expansion == "Abbreviation number 99999"


# ---------------------------------------------------------------------------- store, merging

YAML_GLOSSARY = "version: 1\nterms:\n  - term: MyST\n    expansion: from glossary.yaml\n"


def course(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def load(root: Path, kinds: tuple[str, ...] = KINDS) -> GlossaryStore:
    store = GlossaryStore()
    store.configure(glossary_paths([root], [], True, store.discover([root], kinds)))
    store.reload(force=True)
    return store


def test_sources_merge_after_bundled_and_before_glossary_yaml_with_hints(tmp_path):
    root = course(tmp_path, {"glossary.md": MYST_GLOSSARY, "glossary.yaml": YAML_GLOSSARY})
    store = load(root)
    merged = store.merged
    bundled_first = merged.sources[0]
    assert bundled_first.endswith("data/glossary.yaml")
    assert merged.sources[1:] == [str(root / "glossary.md"), str(root / "glossary.yaml")]
    assert merged.lookup("MyST").expansion == "from glossary.yaml"  # the later source wins
    assert merged.lookup("Jupyter Book").location.path == str(root / "glossary.md")
    hints = store.notes[root / "glossary.md"]
    assert [(h.line, h.severity) for h in hints] == [(11, "hint")]
    assert f"also defined at {root / 'glossary.yaml'}:3:5, which wins" in hints[0].message


def test_a_setting_switches_a_kind_off(tmp_path):
    root = course(tmp_path, {"glossary.md": MYST_GLOSSARY})
    assert load(root, ("sphinx",)).merged.lookup("MyST") is None
    assert load(root, ("sphinx",)).merged.lookup("reST term") is not None
    settings = Settings.from_dict({"sources": {"myst": False, "abbr": False}})
    assert settings.source_kinds == ("sphinx", "contextive")


def test_discovery_skips_tool_folders(tmp_path):
    root = course(
        tmp_path,
        {
            "docs/glossary.md": MYST_GLOSSARY,
            "node_modules/pkg/README.md": "*[X]: y\n",
            ".venv/lib/a.md": "*[X]: y\n",
            "_build/html/g.md": MYST_GLOSSARY,
            "intro.md": "# No glossary here\n",
        },
    )
    assert discover_sources([root]) == [(root / "docs" / "glossary.md").resolve()]


def test_a_broken_source_keeps_its_last_good_version_serving(tmp_path):
    root = course(
        tmp_path, {"terms.glossary.yml": "contexts:\n  - terms:\n      - name: Invoice\n"}
    )
    store = load(root)
    assert store.merged.lookup("Invoice") is not None
    path = (root / "terms.glossary.yml").resolve()
    path.write_text("contexts:\n  - terms: !!python/name:os.system\n", encoding="utf-8")
    store.reload(force=True)
    assert store.merged.lookup("Invoice") is not None
    assert [problem.line for problem in store.problems[path]] == [2]
    assert store.recheck(root / "new.md") is False


# --------------------------------------------------------------------------------- roles


def test_role_targets():
    text = "😀 {term}`MyST`, {term}`the format <Jupyter Book>`, {abbr}`HR (Heart Rate)`."
    found = [
        (use.role, use.target, text[use.target_start : use.target_end]) for use in role_uses(text)
    ]
    assert found == [
        ("term", "MyST", "MyST"),
        ("term", "Jupyter Book", "Jupyter Book"),
        ("abbr", "HR", "HR"),
    ]
    assert role_at(text, text.index("format")).target == "Jupyter Book"
    assert role_at(text, 0) is None


def test_definitions_show_roles_as_their_visible_text():
    text = (
        "```{glossary}\nGeoSeries\n"
        "  Like a {term}`Series`, see {term}`frames <GeoDataFrame>` and :term:`rst`.\n```\n"
    )
    (term,) = read_source("/c/g.md", text).terms
    assert term.definition == "Like a Series, see frames and rst."


COURSE = {
    "glossary.md": MYST_GLOSSARY,
    "01-intro.md": "# Intro 😀\n\nWe write in {term}`MyST` and build with "
    "{term}`the tool <Jupyter Book>`.\n",
    "02-more.md": "# More\n\nMyST again, and {abbr}`HR (Heart Rate)` and {term}`JB`.\n",
}


@pytest.fixture
def served(tmp_path):
    toc = "format: jb-book\nroot: 01-intro\nchapters:\n  - file: 02-more\n  - file: glossary\n"
    root = course(tmp_path, {**COURSE, "_toc.yml": toc})
    store = load(root)
    version = GlossaryVersion.build(store.merged)
    index = WorkspaceIndex([root])
    index.set_matcher(version.matcher)
    index.scan()
    return root, version, index


def view_of(root: Path, name: str):
    path = root / name
    return view_document(str(path), path.read_text(encoding="utf-8"))


def test_hover_definition_and_declaration_on_roles(served):
    root, version, index = served
    view = view_of(root, "01-intro.md")
    at = view.source.index("the tool")
    shown = hover(version, view, at)
    assert shown is not None and shown.markdown.startswith("**Jupyter Book**")
    assert "A toolchain for 😀 books." in shown.markdown
    entry = declaration(version, view, at)
    assert entry.path == root / "glossary.md"
    assert entry.lines.text[entry.start : entry.end] == "Jupyter Book"
    assert entry.lines.line_of(entry.start) == 13  # 0-based: line 14, the term line
    jump = definition(version, index, view, view.source.index("MyST"))
    assert jump is not None


def test_a_myst_term_is_introduced_where_the_first_module_uses_it_in_prose(served):
    root, version, index = served
    (root / "00-start.md").write_text("# Start\n\nNo terms yet.\n", encoding="utf-8")
    (root / "01-intro.md").write_text("# Intro\n\nPlain 😀 Jupyter Book prose.\n", "utf-8")
    index.scan()
    term = version.glossary.lookup("JB")
    target = first_introduction(version, index, term)
    assert target.path.name == "01-intro.md"
    assert target.lines.text[target.start : target.end] == "Jupyter Book"


def test_a_role_only_use_introduces_the_term(served):
    root, version, index = served
    target = first_introduction(version, index, version.glossary.lookup("MyST"))
    assert target.path.name == "01-intro.md"


def test_references_include_role_targets(served):
    root, version, index = served
    term = version.glossary.lookup("Jupyter Book")
    found = [
        (t.path.name, t.lines.text[t.start : t.end])
        for t in references(index, term, glossary=version.glossary)
    ]
    assert ("01-intro.md", "Jupyter Book") in found
    assert ("02-more.md", "JB") in found


def test_rename_rewrites_role_targets_and_the_glossary_term_line(served):
    root, version, index = served
    view = view_of(root, "01-intro.md")
    found = term_in_module(version, view, view.source.index("the tool"))
    edits = rename(version, index, found.term, "Jupyter Books")
    by_file: dict[str, list] = {}
    for edit in edits:
        by_file.setdefault(edit.path.name, []).append((edit.start, edit.end, edit.new_text))
    intro = apply_edits(view.source, by_file["01-intro.md"])
    assert "{term}`the tool <Jupyter Books>`" in intro
    glossary = apply_edits(
        (root / "glossary.md").read_text(encoding="utf-8"), by_file["glossary.md"]
    )
    assert "\nJupyter Books\nJB\n" in glossary
    assert "02-more.md" not in by_file  # {term}`JB` is written through the alias: it stays


def test_rename_a_front_matter_abbreviation_writes_yaml(served):
    root, version, index = served
    edits = rename(version, index, version.glossary.lookup("HR"), "HR: rate")
    entry = [edit for edit in edits if edit.path.name == "glossary.md"]
    assert [edit.new_text for edit in entry] == ['"HR: rate"']


# ----------------------------------------------------------------------------------- import


def run_import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "glossary_lsp", "import", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_import_writes_schema_v1_from_each_format(tmp_path):
    from glossary_lsp.glossary.loader import load_glossary_text

    page = tmp_path / "glossary.md"
    page.write_text(MYST_GLOSSARY, encoding="utf-8")
    result = run_import(str(page))
    assert result.returncode == 0, result.stderr
    imported = load_glossary_text(result.stdout, "imported.yaml")
    assert [t.term for t in imported] == ["HR", "MyST", "Jupyter Book", "Colon term", "reST term"]
    assert imported.lookup("JB").definition.startswith("A toolchain")
    only_rst = run_import("--from", "sphinx", str(page))
    assert [t.term for t in load_glossary_text(only_rst.stdout, "x.yaml")] == ["reST term"]
    bad = tmp_path / "bad.glossary.yml"
    bad.write_text("contexts: !!python/name:os.system\n", encoding="utf-8")
    failed = run_import(str(bad))
    assert failed.returncode == 2 and "bad.glossary.yml:1:" in failed.stderr


def test_a_configured_path_in_a_source_format_is_read_as_that_format(tmp_path):
    root = course(tmp_path, {"elsewhere/page.md": MYST_GLOSSARY})
    store = GlossaryStore()
    store.configure(glossary_paths([root / "empty"], [str(root / "elsewhere/page.md")], False))
    store.reload(force=True)
    assert store.problems == {}
    assert store.merged.lookup("MyST").definition.startswith("Markedly Structured Text")


def test_rename_from_a_glossary_page_term_line_edits_it_once(served):
    root, version, index = served
    page = (root / "glossary.md").read_text(encoding="utf-8")
    (root / "03-prose.md").write_text("# P\n\nMyST\n  is indented prose here.\n", "utf-8")
    index.scan()
    view = view_of(root, "glossary.md")
    found = term_in_module(version, view, page.index("\nMyST\n") + 2)
    assert found is not None and found.term.term == "MyST"
    edits = rename(version, index, found.term, "MyST Markdown")
    on_page = [edit for edit in edits if edit.path.name == "glossary.md"]
    # the term line once, and the prose use in another entry's definition (directive bodies
    # that are Markdown are prose)
    assert [(edit.start, edit.new_text) for edit in on_page] == [
        (page.index("\nMyST\n") + 1, "MyST Markdown"),
        (page.index("from MyST.") + len("from "), "MyST Markdown"),
    ]

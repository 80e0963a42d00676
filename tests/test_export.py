"""`glossary-lsp export`: the page's data, its four formats, and the txt round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_helpers import notebook, write_course

from glossary_lsp.cli import main
from glossary_lsp.features.export import initial_letter, txt_module
from glossary_lsp.glossary.importer import import_seed_text, module_id
from glossary_lsp.glossary.model import fold

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "course"
HOSTILE = """\
version: 1
modules:
  - id: training
    title: "Training </a><script>alert(1)</script>"
    emoji: "🖥️"
terms:
  - term: FSDP
    expansion: Fully Sharded <b>Data</b> Parallel
    definition: "Shards <script>window.pwned = 1</script> and </a><a href=x>; also | pipes *stars*"
    module: training
    aliases: ["<img src=x onerror=alert(1)>"]
    see_also: [ZeRO, "</a>"]
  - term: ZeRO
    expansion: Zero Redundancy Optimizer
"""
COURSE = {
    "01-basics.md": "# 📘 Basics\n\nNothing about sharding yet.\n",
    "02-training.md": "# 🖥️ Training\n\n🖥️🖥️ Fully Sharded Data Parallel (FSDP) and ZeRO.\n",
    "03-serving.ipynb": notebook(("markdown", "# Serving\n\nFSDP is not for serving.\n")),
}


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = write_course(tmp_path / "course", COURSE)
    monkeypatch.chdir(tmp_path)
    return root


def export(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["export", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_lists_used_terms_with_their_first_introduction(course, capsys):
    status, out, _ = export(capsys, "course", "--format", "json")
    assert status == 0
    terms = {entry["term"]: entry for entry in json.loads(out)["terms"]}
    # the helper glossary's terms are the course's own: listed even when unused
    assert "FSDP" in terms and "KV cache" in terms
    fsdp = terms["FSDP"]
    assert fsdp["expansion"] == "Fully Sharded Data Parallel"
    assert fsdp["module"] == "training"
    # line 3 of 02-training.md, after two emoji (two code points each), a space and "Fully
    # Sharded Data Parallel (": the 35th character
    assert fsdp["introduced_in"] == {
        "path": "02-training.md",
        "line": 3,
        "column": 35,
        "module": "02-training",  # the course module's id: its path without extension
    }
    assert fsdp["used_in"] == ["02-training.md", "03-serving.ipynb"]
    assert terms["KV cache"]["introduced_in"] is None and terms["KV cache"]["used_in"] == []


def test_bundled_terms_are_listed_only_when_used(course, capsys):
    terms = json.loads(export(capsys, "course", "--format", "json")[1])["terms"]
    names = {entry["term"] for entry in terms}
    assert "TTFT" not in names  # bundled, not used by this course
    every = json.loads(export(capsys, "course", "--format", "json", "--all-terms")[1])["terms"]
    assert "TTFT" in {entry["term"] for entry in every}


def test_html_has_letter_sections_entries_and_relative_links(course, tmp_path, capsys):
    output = tmp_path / "site" / "deep" / "glossary.html"  # a folder that does not exist
    status, _, err = export(capsys, "course", "-o", str(output))
    assert status == 0 and output.is_file() and "terms" in err
    page = output.read_text(encoding="utf-8")
    assert '<section class="letter" id="letter-F">' in page
    assert 'class="term" id="term-fsdp" data-term="FSDP"' in page
    href = "../../course/02-training.md#L3"
    assert f'<a class="introduced-in" href="{href}">🖥️ Training</a>' in page
    assert (output.parent / href.split("#")[0]).resolve() == course / "02-training.md"
    assert "used in 2 modules" in page
    assert "http" not in page.replace("http-equiv", "")  # nothing to fetch
    assert "<link" not in page and "src=" not in page


def test_nothing_from_the_glossary_is_markup_in_html_or_markdown(tmp_path, capsys, monkeypatch):
    root = write_course(tmp_path / "course", COURSE, HOSTILE)
    monkeypatch.chdir(tmp_path)
    html = export(capsys, "course", "--no-bundled")[1]
    assert html.count("<script>") == 1  # the page's own, at the end
    assert "window.pwned" in html and "<script>window.pwned" not in html
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt; and &lt;/a&gt;&lt;a href=x&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Data</b>" not in html
    assert "Training &lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'see-also">See also: <a href="#term-zero">ZeRO</a>, &lt;/a&gt;</p>' in html
    markdown = export(capsys, "course", "--no-bundled", "--format", "md")[1]
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in markdown
    assert r"also \| pipes \*stars\*" in markdown
    assert "[🖥️ Training &lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;](02-training.md)" in (
        markdown
    )
    assert root.is_dir()


def test_a_course_that_uses_no_glossary_term_says_so(tmp_path, capsys, monkeypatch):
    write_course(tmp_path / "plain", {"01-a.md": "# A\n\nPlain words only.\n"}, glossary=None)
    monkeypatch.chdir(tmp_path)
    for form, expected in [
        ("html", '<p class="lede empty-state">No glossary term is used in this course'),
        ("md", "No glossary term is used in this course's 1 module."),
        ("txt", "No glossary term is used in this course's 1 module."),
    ]:
        status, out, _ = export(capsys, "plain", "--format", form)
        assert status == 0 and expected in out
    assert json.loads(export(capsys, "plain", "--format", "json")[1]) == {"terms": []}
    html = export(capsys, "plain", "--no-bundled")[1]
    assert "</html>" in html and 'class="term"' not in html


def test_markdown_has_letter_headings_tables_and_relative_links(course, capsys, tmp_path):
    output = tmp_path / "docs" / "glossary.md"
    assert export(capsys, "course", "--format", "md", "-o", str(output))[0] == 0
    markdown = output.read_text(encoding="utf-8")
    assert "\n## F\n\n| Term | Definition | Introduced in |\n|---|---|---|\n" in markdown
    assert (
        '| <a id="term-fsdp"></a>**FSDP** (Fully Sharded Data Parallel) | — '
        "| [🖥️ Training](../course/02-training.md) (used in 2 modules) |"
    ) in markdown
    assert "[F](#f)" in markdown


def round_trip(txt: str) -> dict[str, str | None]:
    return {fold(entry["term"]): entry.get("module") for entry in import_seed_text(txt)["terms"]}


@pytest.mark.parametrize("argv", [[], ["--all-terms"]], ids=["sample course", "bundled"])
def test_txt_reads_back_through_import_to_the_same_terms(argv, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    txt = export(capsys, str(SAMPLE), "--format", "txt", *argv)[1]
    page = json.loads(export(capsys, str(SAMPLE), "--format", "json", *argv)[1])["terms"]
    imported = round_trip(txt)
    assert set(imported) == {fold(entry["term"]) for entry in page}
    assert len(imported) == len(page) > (140 if argv else 30)
    document = import_seed_text(txt)
    assert document["unattributed"] == []
    assert not any(entry.get("inferred") for entry in document["terms"])
    by_name = {fold(entry["term"]): entry for entry in page}
    fsdp = by_name["fsdp"]
    assert imported["fsdp"] == "distributed-training"
    assert fsdp["introduced_in"]["path"] == "05-distributed-training.md"


def test_txt_module_lines_name_the_introducing_module(course, capsys):
    txt = export(capsys, "course", "--format", "txt")[1]
    lines = txt.splitlines()
    assert lines[0] == "Glossary"
    at = lines.index("FSDP")
    assert lines[at + 1] == "🖥️ Training →Fully Sharded Data Parallel"
    assert "F" in lines[:at]
    assert round_trip(txt)["fsdp"] == module_id("Training")


def test_txt_lists_terms_without_a_module_and_without_a_letter():
    from glossary_lsp.features.export import ExportEntry, ExportPage, render_txt
    from glossary_lsp.glossary.model import Term

    entries = (
        ExportEntry(Term("KV cache", definition="Keys and values."), None, ()),
        ExportEntry(Term("4-bit quantization"), None, ()),
    )
    txt = render_txt(ExportPage("Glossary", entries, (), 0))
    assert txt_module(entries[0]) == ("📖", "Glossary")
    assert set(round_trip(txt)) == {"kv cache", "4-bit quantization"}
    assert initial_letter("Émile") == "E" and initial_letter("4-bit") == "#"


def test_bad_arguments(course, capsys, tmp_path):
    with pytest.raises(SystemExit) as raised:
        main(["export", "course", "--format", "pdf"])
    assert raised.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    status, _, err = export(capsys, "no-such-course")
    assert status == 2 and "no such file or folder" in err
    (tmp_path / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    status, _, err = export(capsys, "course", "-o", str(tmp_path / "blocker" / "page.html"))
    assert status == 2 and "cannot write" in err


def test_a_glossary_that_fails_to_load_writes_nothing(course, capsys, tmp_path):
    (course / "glossary.yaml").write_text("version: 1\nterms:\n  - term: [\n", encoding="utf-8")
    output = tmp_path / "out.html"
    status, _, err = export(capsys, "course", "-o", str(output))
    assert status == 2 and "failed to load" in err and not output.exists()

"""Course structure on the layouts real courses use: TOC formats by precedence, tree order,
translation trees, module ids, ignore files, and the bad input the issue lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_helpers import build, write_course

from glossary_lsp.cli import main
from glossary_lsp.course.defining import defines
from glossary_lsp.course.files import list_course_files
from glossary_lsp.course.introduction import DEFINED, GLOSSARY, find_introduction
from glossary_lsp.course.order import natural_key, tree_order
from glossary_lsp.features.course import course_outline, module_name_findings, toc_findings
from glossary_lsp.features.definition import definition
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings
from glossary_lsp.features.hover import hover
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex

PLAIN = "version: 1\nterms:\n  - term: TTFT\n    expansion: time to first token\n"


def order_of(root: Path, glossary: str = PLAIN) -> list[str]:
    _version, index = build(root, glossary)
    return [module.relative for module in index.modules()]


def structure_of(root: Path):
    _version, index = build(root, PLAIN)
    return index.structures()[0]


# ------------------------------------------------------------------------------ TOC formats


def test_jupyter_book_toc_orders_the_course_and_leaves_unlisted_files_out(tmp_path):
    root = write_course(
        tmp_path,
        {
            "intro.md": "# Intro\n",
            "part1/b.md": "# B\n",
            "part1/a.md": "# A\n",
            "part1/a-deeper.ipynb": json.dumps({"cells": [], "nbformat": 4}),
            "notes/scratch.md": "# Scratch\n",
            "_toc.yml": (
                "format: jb-book\nroot: intro\nparts:\n  - caption: Part 1\n    chapters:\n"
                "      - file: part1/b\n      - file: part1/a\n        sections:\n"
                "          - file: part1/a-deeper\n      - file: part1/gone\n"
            ),
        },
        PLAIN,
    )
    structure = structure_of(root)
    assert structure.order_source == "_toc.yml"
    assert structure.modules == ["intro.md", "part1/b.md", "part1/a.md", "part1/a-deeper.ipynb"]
    [problem] = structure.problems
    assert problem.line == 10 and "part1/gone" in problem.message
    _version, index = build(root, PLAIN)
    lines, [finding] = toc_findings(index)[root / "_toc.yml"]
    assert finding.rule == "courseStructure"
    assert lines.position(finding.start)[0] == 9  # 0-based line of `- file: part1/gone`
    assert index.module_at(root / "notes/scratch.md") is not None  # still a course file


def test_myst_toc_with_nested_children(tmp_path):
    root = write_course(
        tmp_path,
        {
            "index.md": "# Home\n",
            "z.md": "# Z\n",
            "a/one.md": "# One\n",
            "myst.yml": (
                "version: 1\nproject:\n  toc:\n    - file: index.md\n    - title: Part\n"
                "      children:\n        - file: z.md\n        - file: a/one.md\n"
            ),
        },
    )
    assert order_of(root) == ["index.md", "z.md", "a/one.md"]


def test_hugging_face_toctree_per_language(tmp_path):
    toctree = (
        "- title: 0. Setup\n  sections:\n  - local: chapter0/1\n    title: Introduction\n"
        "- title: 1. Models\n  sections:\n  - local: chapter1/10\n    title: Ten\n"
        "  - local: chapter1/2\n    title: Two\n"
    )
    files = {}
    for language in ("en", "fr", "zh-CN"):
        files[f"chapters/{language}/_toctree.yml"] = toctree
        for name in ("chapter0/1", "chapter1/2", "chapter1/10"):
            files[f"chapters/{language}/{name}.mdx"] = f"# {language} {name}\n\nTTFT here.\n"
    root = write_course(tmp_path, {**files, "README.md": "# Contributing\n"}, PLAIN)
    version, index = build(root, PLAIN)
    course = index.course()
    assert course.language == "en"
    assert [m.relative for m in course.modules] == [
        "chapters/en/chapter0/1.mdx",
        "chapters/en/chapter1/10.mdx",
        "chapters/en/chapter1/2.mdx",
    ]
    assert [m.id for m in course.modules] == ["chapter0/1", "chapter1/10", "chapter1/2"]
    assert course.modules[1].title == "Ten"  # the TOC's title
    french = root / "chapters/fr/chapter1/2.mdx"
    assert [m.relative for m in index.course(french).modules][0] == "chapters/fr/chapter0/1.mdx"
    source = french.read_text(encoding="utf-8")
    view = view_document(str(french), source)
    target = definition(version, index, view, source.index("TTFT"), french)
    assert target is not None and target.path == root / "chapters/fr/chapter0/1.mdx"
    english = root / "chapters/en/chapter1/2.mdx"
    source = english.read_text(encoding="utf-8")
    target = definition(
        version, index, view_document(str(english), source), source.index("TTFT"), english
    )
    assert target.path == root / "chapters/en/chapter0/1.mdx"


def test_mkdocs_nav_with_tags_that_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    root = write_course(
        tmp_path / "course",
        {
            "docs/index.md": "# Home\n",
            "docs/guide/setup.md": "# Setup\n",
            "docs/guide/advanced.md": "# Advanced\n",
            "mkdocs.yml": (
                "site_name: !ENV [SITE, 'Course']\n"
                f"hook: !!python/object/apply:os.system ['touch {marker}']\n"
                "markdown_extensions:\n  - pymdownx.emoji:\n"
                "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                "nav:\n  - Home: index.md\n  - Guide:\n    - guide/advanced.md\n"
                "    - Setup: guide/setup.md\n  - External: https://example.com\n"
            ),
        },
    )
    assert order_of(root) == ["docs/index.md", "docs/guide/advanced.md", "docs/guide/setup.md"]
    assert not marker.exists()


def test_mdbook_summary_under_book_toml_src(tmp_path):
    root = write_course(
        tmp_path,
        {
            "book.toml": '[book]\ntitle = "B"\nsrc = "text"\n',
            "text/SUMMARY.md": (
                "# Summary\n\n[Preface](preface.md)\n\n- [Ch 10](ch10.md)\n"
                "  - [Ch 10.1](ch10-01.md)\n- [Draft]()\n- [Ch 2](ch2.md)\n"
            ),
            "text/preface.md": "# Preface\n",
            "text/ch2.md": "# Two\n",
            "text/ch10.md": "# Ten\n",
            "text/ch10-01.md": "# Ten one\n",
        },
    )
    assert order_of(root) == ["text/preface.md", "text/ch10.md", "text/ch10-01.md", "text/ch2.md"]


def test_quarto_book_chapters_parts_and_appendices(tmp_path):
    root = write_course(
        tmp_path,
        {
            "_quarto.yml": (
                "project:\n  type: book\nbook:\n  chapters:\n    - index.qmd\n"
                "    - part: whole.qmd\n      chapters:\n        - b.qmd\n        - a.qmd\n"
                "  appendices:\n    - z.qmd\n"
            ),
            "index.qmd": "# Welcome\n\nTTFT (time to first token).\n",
            "whole.qmd": "# Whole\n",
            "a.qmd": "# A\n",
            "b.qmd": "# B\n",
            "z.qmd": "# Z\n",
        },
    )
    assert order_of(root) == ["index.qmd", "whole.qmd", "b.qmd", "a.qmd", "z.qmd"]
    _version, index = build(root, PLAIN)
    assert index.modules()[0].terms == {"ttft"}  # Quarto files are read as Markdown


def test_toctree_directives_followed_from_the_root_document_with_cycles(tmp_path):
    root = write_course(
        tmp_path,
        {
            "conf.py": "",
            "index.md": "# Home\n\n```{toctree}\n:maxdepth: 2\n\nintro\nAdvanced <adv>\n```\n",
            "intro.md": "# Intro\n\n```{toctree}\nintro-sub\n```\n",
            "intro-sub.md": "# Sub\n\n```{toctree}\nindex\n```\n",
            "adv.md": "# Adv\n",
            "other.md": "# Not listed\n",
        },
    )
    structure = structure_of(root)
    assert structure.order_source == "toctree"
    assert structure.modules == ["index.md", "intro.md", "intro-sub.md", "adv.md"]
    [cycle] = structure.problems
    assert cycle.file == root / "intro-sub.md" and cycle.line == 4 and "cycle" in cycle.message


def test_a_configured_order_file_of_plain_paths_comes_first(tmp_path):
    root = write_course(
        tmp_path,
        {
            "chapters-md.txt": "# order\nb.md\na.md\n",
            "a.md": "# A\n",
            "b.md": "# B\n",
            "_toc.yml": "root: a\n",
        },
    )
    version, _ = build(root, PLAIN)
    from glossary_lsp.course.workspace import WorkspaceIndex

    index = WorkspaceIndex([root], matcher=version.matcher, toc="chapters-md.txt")
    index.scan()
    assert [m.relative for m in index.modules()] == ["b.md", "a.md"]


def test_two_toc_formats_at_once_the_precedence_wins_and_says_so(tmp_path):
    root = write_course(
        tmp_path,
        {
            "_toc.yml": "root: b\nchapters:\n  - file: a\n",
            "mkdocs.yml": "nav:\n  - a.md\n  - b.md\n",
            "a.md": "# A\n",
            "b.md": "# B\n",
        },
    )
    structure = structure_of(root)
    assert structure.order_source == "_toc.yml"
    assert structure.modules == ["b.md", "a.md"]
    assert any("mkdocs.yml is ignored" in note for note in structure.notes)


# ------------------------------------------------------------------------------ tree order


def test_numbered_lesson_folders_of_readmes_with_translations(tmp_path):
    files = {
        "README.md": "# Course\n",
        "10-deploy/README.md": "# Deploy\n",
        "02-rag/README.md": "# RAG\n",
        "02-rag/code/notes.md": "# Notes\n",
        "02-rag/homework.md": "# Homework\n",
        "01-intro/README.md": "# Intro\n",
        "translations/ja/01-intro/README.md": "# 紹介\n",
        "translations/pt-BR/01-intro/README.md": "# Introdução\n",
        ".github/ISSUE.md": "# Issue\n",
        "node_modules/pkg/README.md": "# pkg\n",
    }
    root = write_course(tmp_path, files)
    _version, index = build(root, PLAIN)
    assert [m.relative for m in index.modules()] == [
        "README.md",
        "01-intro/README.md",
        "02-rag/README.md",
        "02-rag/homework.md",
        "02-rag/code/notes.md",
        "10-deploy/README.md",
    ]
    ids = [m.id for m in index.modules()]
    assert len(set(ids)) == len(ids) and "02-rag/README" in ids
    assert set(index.skipped_folders()) >= {".github", "node_modules"}
    assert index.course().language is None
    assert index.languages(root) == ["ja", "pt-BR"]


def test_a_book_without_numbers_natural_sort_and_sidebar_position(tmp_path):
    root = write_course(
        tmp_path,
        {
            "chapter10.md": "# Ten\n",
            "chapter2.md": "# Two\n",
            "index.md": "# Start\n",
            "Appendix.md": "# Appendix\n",
            "extra/index.md": "---\nsidebar_position: 1\n---\n# Extra\n",
            "extra/b.md": "# B\n",
            "extra/a.md": "---\norder: 9\n---\n# A\n",
        },
    )
    assert order_of(root) == [
        "index.md",
        "extra/index.md",
        "extra/a.md",
        "extra/b.md",
        "chapter2.md",
        "chapter10.md",
        "Appendix.md",
    ]


def test_natural_key_and_tree_order_are_stable():
    assert natural_key("chapter2") < natural_key("chapter10")
    assert tree_order(["b/x.md", "a.md", "README.md"]) == ["README.md", "a.md", "b/x.md"]


# ------------------------------------------------------------------------------ identity


def test_glossary_module_by_path_title_or_id_and_ambiguity_on_the_entry(tmp_path):
    # the loader wants a term's module declared by the glossary: declared by path and by title
    glossary = (
        "version: 1\nmodules:\n  - id: 02-serving/README\n    title: Serving\n"
        "  - id: Notes\n    title: Notes\nterms:\n"
        "  - term: TTFT\n    expansion: time to first token\n"
        "    module: 02-serving/README\n  - term: KV cache\n    module: Notes\n"
    )
    root = write_course(
        tmp_path,
        {
            "01-basics/README.md": "# Basics\n\nTTFT and KV cache.\n",
            "01-basics/notes.md": "# Notes\n",
            "02-serving/README.md": "# Serving\n\nTTFT again.\n",
            "02-serving/notes.md": "# Notes\n",
        },
        glossary,
    )
    version, index = build(root)
    ttft = version.glossary.lookup("TTFT")
    introduction = find_introduction(index, ttft)
    assert introduction.reason == GLOSSARY
    assert introduction.module.relative == "02-serving/README.md"
    path = root / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    [finding] = module_name_findings(version, index, path, LineIndex(text))
    assert finding.rule == "ambiguousModule" and "2 modules" in finding.message
    assert text[finding.start : finding.end] == "Notes"  # at the entry's `module:` value


# ------------------------------------------------------------------------------ introduction


@pytest.mark.parametrize(
    "text",
    [
        "**TTFT** (time to first token) matters.",
        "TTFT: Time to First Token, the wait.",
        "TTFT - time to first token.",
        "We measure Time-to-First-Token (TTFT) first.",
        "[TTFT](#x) (time to first\ntoken) 🚀 is key.",
        "TTFT is short for the first token's wait.",
        "TTFT\n:   Time to first token\n",
        "| Term | Meaning |\n|---|---|\n| TTFT | Time to first token |\n",
    ],
)
def test_written_with_its_expansion_or_defined(text):
    term = Term("TTFT", expansion="time to first token")
    start = text.index("TTFT")
    assert defines(text, start, start + 4, term)


@pytest.mark.parametrize("text", ["We track TTFT closely.", "TTFT (see later).", "| x | TTFT |"])
def test_a_plain_use_is_not_an_introduction(text):
    term = Term("TTFT", expansion="time to first token")
    start = text.index("TTFT")
    assert not defines(text, start, start + 4, term)


def test_one_introduction_for_definition_hover_and_diagnostics(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# 🚀 A\n\nWe track TTFT here.\n",
            "02-b.md": "# B\n\nTTFT (time to first token) is defined here.\n",
        },
        PLAIN,
    )
    version, index = build(root)
    introduction = find_introduction(index, version.glossary.lookup("TTFT"))
    assert introduction.reason == DEFINED and introduction.module.relative == "02-b.md"
    first = root / "01-a.md"
    source = first.read_text(encoding="utf-8")
    view = view_document(str(first), source)
    offset = source.index("TTFT")
    target = definition(version, index, view, offset, first)
    assert target.path == root / "02-b.md"
    assert target.lines.line(target.lines.position(target.start)[0]).startswith("TTFT (time")
    shown = hover(version, view, offset, index, first).markdown
    assert "Introduced later, in [02 · B](" in shown and "02-b.md#L3)" in shown
    findings = CourseDiagnostics().document(
        version, index, first, view, RuleSettings.from_settings()
    )
    [used] = [f for f in findings if f.rule == "usedBeforeIntroduced"]
    assert used.related[0].target.path == target.path
    assert used.related[0].target.start == target.start
    assert not [f for f in findings if f.rule == "acronymNotExpanded"]


def test_hover_never_names_a_module_the_workspace_lacks(tmp_path):
    glossary = (
        "version: 1\nmodules:\n  - id: elsewhere\n    title: Elsewhere\nterms:\n"
        "  - term: TTFT\n    module: elsewhere\n"
    )
    root = write_course(tmp_path, {"01-a.md": "# A\n"}, glossary)
    version, index = build(root)
    view = view_document("x.md", "TTFT")
    shown = hover(version, view, 1, index, None).markdown
    assert "Elsewhere" not in shown and "elsewhere" not in shown


# ------------------------------------------------------------------------------ bad input


def test_broken_yaml_toc_is_a_problem_with_its_line_and_order_from_folders(tmp_path):
    root = write_course(
        tmp_path,
        {"_toc.yml": "root: b\nchapters:\n  - file: [a\n", "a.md": "# A\n", "b.md": "# B\n"},
    )
    structure = structure_of(root)
    assert structure.order_source == "folders" and structure.modules == ["a.md", "b.md"]
    [problem] = structure.problems
    assert "broken YAML" in problem.message and problem.line >= 3


def test_a_ten_megabyte_toc_is_refused(tmp_path):
    root = write_course(tmp_path, {"a.md": "# A\n"})
    (root / "_toc.yml").write_text("root: a\n" + "# padding\n" * 1_100_000, encoding="utf-8")
    structure = structure_of(root)
    assert structure.order_source == "folders"
    assert "byte limit" in structure.problems[0].message


def test_yaml_aliases_are_read_once(tmp_path):
    root = write_course(tmp_path, {"x.md": "# X\n"})
    (root / "_toc.yml").write_text(
        "defs: &a [{file: x}, {file: x}]\nroot: x\nchapters: &b [{sections: *a}, {sections: *a}]\n"
        "parts: [{chapters: *b}, {chapters: *b}, {chapters: *b}]\n",
        encoding="utf-8",
    )
    assert order_of(root) == ["x.md"]


def test_ignore_files_and_a_bounded_walk(tmp_path):
    root = write_course(
        tmp_path,
        {
            ".gitignore": "drafts/\n*.tmp.md\n",
            ".glossaryignore": "private.md\n",
            "a.md": "# A\n",
            "b.tmp.md": "# tmp\n",
            "private.md": "# P\n",
            "drafts/x.md": "# X\n",
            "sub/.gitignore": "local.md\n",
            "sub/local.md": "# L\n",
            "sub/kept.md": "# K\n",
            "venv2/pyvenv.cfg": "",
            "venv2/lib/README.md": "# lib\n",
        },
    )
    listing = list_course_files(root)
    assert [p.relative_to(root).as_posix() for p in listing.files] == ["a.md", "sub/kept.md"]
    assert "venv2" in listing.skipped
    many = write_course(tmp_path / "home", {f"d{i}/f.md": "# F\n" for i in range(30)}, None)
    bounded = list_course_files(many, max_folders=10)
    assert bounded.truncated and len(bounded.files) < 30


@pytest.mark.slow
def test_a_two_megabyte_changelog_readme_is_indexed(tmp_path):
    changelog = "# Changelog\n\n" + "".join(
        f"- v{i}: fixed TTFT in release {i}\n" for i in range(60_000)
    )
    root = write_course(tmp_path, {"README.md": changelog, "01-a.md": "# A\n"})
    version, index = build(root, PLAIN)
    assert len(changelog) > 2_000_000
    assert index.modules()[0].terms == {"ttft"}


# ------------------------------------------------------------------------------ the CLI


def test_course_command_json_and_text(tmp_path, capsys):
    root = write_course(
        tmp_path,
        {
            "mkdocs.yml": "nav:\n  - index.md\n  - missing.md\n",
            "docs/index.md": "# Home 🏠\n",
            ".github/x.md": "# CI\n",
        },
    )
    assert main(["course", str(root), "--format", "json", "--no-bundled"]) == 0
    outline = json.loads(capsys.readouterr().out)
    assert outline["root"] == str(root)
    assert outline["order_source"] == "mkdocs.yml"
    assert outline["language"] is None
    assert outline["modules"] == [{"path": "docs/index.md", "id": "index", "title": "Home 🏠"}]
    assert outline["skipped"] == [".github"]
    assert "missing.md" in outline["problems"][0]
    assert main(["course", str(root / "docs/index.md"), "--no-bundled"]) == 0
    text = capsys.readouterr().out
    assert "order: mkdocs.yml" in text and "1. docs/index.md  [index]  Home 🏠" in text


def test_check_reports_toc_problems_and_definition_takes_config(tmp_path, capsys):
    root = write_course(
        tmp_path,
        {
            "order.txt": "b.md\na.md\nnope.md\n",
            "a.md": "# A\n\nTTFT (time to first token).\n",
            "b.md": "# B\n\nTTFT early.\n",
            "settings.json": json.dumps({"glossaryLsp.course.toc": "order.txt"}),
        },
        PLAIN,
    )
    config = str(root / "settings.json")
    main(["check", str(root), "--config", config, "--no-bundled"])
    out = capsys.readouterr().out
    assert "order.txt:3:1: warning courseStructure: 'nope.md' is listed" in out
    assert "b.md:3:1: warning usedBeforeIntroduced" in out
    assert main(["definition", f"{root / 'b.md'}:3:2", "--config", config, "--no-bundled"]) == 0
    assert capsys.readouterr().out.strip().endswith("a.md:3:1: TTFT (time to first token).")
    course = course_outline(None, build(root)[1], root)
    assert course["order_source"] == "folders"  # without the setting


def test_without_a_definition_a_section_about_the_term_then_a_plain_use(tmp_path):
    glossary = "version: 1\nterms:\n  - term: tokenizer\n  - term: KV cache\n"
    root = write_course(
        tmp_path,
        {
            "README.md": "# Course\n\n- [KV cache](02-kv/) and [🤗 Tokenizers](https://x.y) 🚀\n",
            "01-use/README.md": "# Using a tokenizer\n\nA KV cache appears in passing.\n",
            "02-kv/README.md": "# Notes\n\n## KV cache\n\nHow it works.\n",
            "03-tok/README.md": "# 3. Tokenizers\n\nAll about them.\n",
        },
        glossary,
    )
    version, index = build(root)
    tokenizer = find_introduction(index, version.glossary.lookup("tokenizer"))
    assert tokenizer.module.relative == "03-tok/README.md"  # opens the module's title
    kv = find_introduction(index, version.glossary.lookup("KV cache"))
    assert kv.module.relative == "02-kv/README.md"  # a heading that is the term
    # with no section about it, the first use that is not a link's text
    (root / "02-kv/README.md").write_text("# Notes\n\nSee the KV cache.\n", encoding="utf-8")
    version, index = build(root)
    kv = find_introduction(index, version.glossary.lookup("KV cache"))
    assert kv.module.relative == "01-use/README.md"


def test_course_settings():
    from glossary_lsp.settings import Settings

    settings = Settings.from_dict({"course": {"toc": " book/order.txt ", "language": "fr"}})
    assert (settings.course_toc, settings.course_language) == ("book/order.txt", "fr")
    assert Settings.from_dict({"course": {"toc": 3}}).problems == (
        "glossaryLsp.course.toc: expected str, got int",
    )

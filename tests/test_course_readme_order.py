"""Course order from a root README's links (no TOC file), and a configured plain list of paths.

Fixtures are written for this project in the layouts README-ordered courses use: numbered lesson
folders linked from the README out of tree order, a book of `chNN/` folders whose README links a
chapter's main notebook before the chapter's folder, an ordinary README that must not take over.
"""

from __future__ import annotations

import json

import pytest
from course_helpers import build, write_course

from glossary_lsp.cli import main
from glossary_lsp.course.workspace import WorkspaceIndex

PLAIN = "version: 1\nterms:\n  - term: TTFT\n    expansion: time to first token\n"


def structure_and_order(root):
    _version, index = build(root, PLAIN)
    return index.structures()[0], [module.relative for module in index.modules()]


def test_lesson_folders_in_the_order_the_readme_links_them_then_the_rest(tmp_path):
    readme = (
        "# Course\n\nSee [how to contribute](CONTRIBUTING.md).\n\n"
        "```markdown\n[not a link](03-deploy/)\n```\n\n"
        "1. [Search](02-search/)\n"
        "2. [Workshop](cohorts/2025/workshop.md)\n"
        "3. [Intro](./01-intro/README.md#start)\n"
        "4. [Final project](project.md)\n"
        "5. [Site](https://example.org/03-deploy/)\n"
    )
    root = write_course(
        tmp_path,
        {
            "README.md": readme,
            "CONTRIBUTING.md": "# Contributing\n",
            "project.md": "# Project\n",
            "01-intro/README.md": "# Intro\n",
            "01-intro/lessons/01-why.md": "# Why\n",
            "02-search/README.md": "# Search\n",
            "02-search/lessons/02-b.md": "# B\n",
            "02-search/lessons/01-a.md": "# A\n",
            "03-deploy/README.md": "# Deploy\n",
            "cohorts/2025/workshop.md": "# Workshop\n",
            "cohorts/2025/README.md": "# 2025\n",
        },
    )
    structure, order = structure_and_order(root)
    assert structure.order_source == "README.md"
    assert order == [
        "README.md",
        "02-search/README.md",
        "02-search/lessons/01-a.md",
        "02-search/lessons/02-b.md",
        "cohorts/2025/workshop.md",
        "01-intro/README.md",
        "project.md",
        # no link reaches these (a link in a code block is no link; CONTRIBUTING.md is
        # about taking part): tree order
        "01-intro/lessons/01-why.md",
        "03-deploy/README.md",
        "CONTRIBUTING.md",
        "cohorts/2025/README.md",
    ]
    assert any("README.md" in note and "tree order" in note for note in structure.notes)


def test_a_chapter_s_main_notebook_first_then_the_rest_of_its_folder(tmp_path):
    readme = (
        "# Book\n\n| Chapter | Code | All |\n|---|---|---|\n"
        "| Ch 2 | [ch02.ipynb](ch02/01_main/ch02.ipynb) | [./ch02](./ch02) |\n"
        "| Ch 1 | [ch01.ipynb](ch01/01_main/ch01.ipynb), [train.py](ch01/01_main/train.py) "
        "| [./ch01](./ch01) |\n"
        "| Setup | | [setup](setup%20notes) |\n"
    )
    cell = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    root = write_course(
        tmp_path,
        {
            "README.md": readme,
            "ch01/01_main/ch01.ipynb": cell,
            "ch01/01_main/train.py": "print()\n",
            "ch01/02_bonus/README.md": "# Bonus\n",
            "ch01/README.md": "# Chapter 1\n",
            "ch02/01_main/ch02.ipynb": cell,
            "ch02/README.md": "# Chapter 2\n",
            "setup notes/README.md": "# Setup\n",
        },
    )
    structure, order = structure_and_order(root)
    assert structure.order_source == "README.md"
    assert order == [
        "README.md",
        "ch02/01_main/ch02.ipynb",
        "ch02/README.md",
        "ch01/01_main/ch01.ipynb",
        "ch01/README.md",
        "ch01/02_bonus/README.md",
        "setup notes/README.md",
    ]


def test_an_ordinary_readme_leaves_the_tree_order(tmp_path):
    files = {
        "README.md": (
            "# Project\n\n[Contributing](CONTRIBUTING.md), [license](LICENSE), "
            "[changes](CHANGELOG.md), [the docs](02-b/).\n"
        ),
        "CONTRIBUTING.md": "# Contributing\n",
        "CHANGELOG.md": "# Changes\n",
        "01-a/README.md": "# A\n",
        "02-b/README.md": "# B\n",
    }
    root = write_course(tmp_path, files)
    structure, order = structure_and_order(root)
    assert structure.order_source == "folders"  # one top-level folder besides meta files
    assert order == [
        "README.md",
        "01-a/README.md",
        "02-b/README.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
    ]


def test_a_toc_file_wins_over_the_readme(tmp_path):
    root = write_course(
        tmp_path,
        {
            "README.md": "# C\n\n[B](b/) then [A](a/)\n",
            "a/README.md": "# A\n",
            "b/README.md": "# B\n",
            "_toc.yml": "root: README\nchapters:\n  - file: a/README\n  - file: b/README\n",
        },
    )
    structure, order = structure_and_order(root)
    assert structure.order_source == "_toc.yml"
    assert order == ["README.md", "a/README.md", "b/README.md"]


def test_the_readme_of_the_course_language_tree_orders_that_language(tmp_path):
    root = write_course(
        tmp_path,
        {
            "units/en/README.md": "# Course\n\n[Two](unit2/) and [One](unit1/)\n",
            "units/en/unit1/a.md": "# A\n",
            "units/en/unit2/b.md": "# B\n",
            "units/fr/unit1/a.md": "# A\n",
            "units/fr/unit2/b.md": "# B\n",
        },
    )
    structure, order = structure_and_order(root)
    assert (structure.order_source, structure.language) == ("README.md", "en")
    assert order == ["units/en/README.md", "units/en/unit2/b.md", "units/en/unit1/a.md"]


def test_a_configured_plain_list_with_comments_blank_lines_and_folders(tmp_path, capsys):
    root = write_course(
        tmp_path,
        {
            "chapters-md.txt": (
                "README.md\n\n# the book\ntraining/README.md\ncompute/gpu.md  # new\n\n"
                "compute/README.md\nmissing.md\n"
            ),
            "README.md": "# Book\n\n[Compute](compute/) and [Training](training/)\n",
            "compute/README.md": "# Compute\n",
            "compute/gpu.md": "# GPU\n",
            "training/README.md": "# Training\n",
            "todo.md": "# Todo\n",
            "settings.json": json.dumps({"glossaryLsp": {"course": {"toc": "chapters-md.txt"}}}),
        },
        PLAIN,
    )
    version, _ = build(root, PLAIN)
    index = WorkspaceIndex([root], matcher=version.matcher, toc="chapters-md.txt")
    index.scan()
    assert [m.relative for m in index.modules()] == [
        "README.md",
        "training/README.md",
        "compute/gpu.md",
        "compute/README.md",
    ]
    [problem] = index.structures()[0].problems
    assert problem.line == 8 and "missing.md" in problem.message
    assert main(["course", str(root), "--config", str(root / "settings.json"), "--no-bundled"]) == 0
    out = capsys.readouterr().out
    assert "order: chapters-md.txt" in out and "2. training/README.md" in out


@pytest.mark.slow
def test_bad_links_and_a_huge_readme_leave_the_tree_order(tmp_path):
    links = "[me](README.md) [root](./) [out](../elsewhere/) [mail](mailto:a@b.c) [top](#top)\n"
    root = write_course(
        tmp_path / "course",
        {
            "README.md": "# C\n\n" + links + "[B](b/) [A](a/)\n",
            "a/README.md": "# A\n",
            "b/README.md": "# B\n",
        },
    )
    (tmp_path / "elsewhere").mkdir()
    structure, order = structure_and_order(root)
    assert structure.order_source == "README.md"
    assert len(structure.toc.entries) == 2  # only the links into the course
    assert order == ["README.md", "b/README.md", "a/README.md"]
    huge = "# Changes\n\n[B](b/) [A](a/)\n" + "- fixed a bug in a release\n" * 60_000
    (root / "README.md").write_text(huge, encoding="utf-8")
    structure, order = structure_and_order(root)
    assert structure.order_source == "folders"  # over 1 MB: not read as the course order
    assert order == ["README.md", "a/README.md", "b/README.md"]

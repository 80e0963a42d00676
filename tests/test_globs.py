"""Module globs go through wcmatch (GLOBSTAR | BRACE | DOTGLOB); defaults live in `Settings`."""

from __future__ import annotations

import pytest

from glossary_lsp.course.files import PathFilter
from glossary_lsp.settings import MODULES_EXCLUDE, MODULES_INCLUDE, Settings


@pytest.mark.parametrize(
    "pattern, path, expected",
    [
        ("**/*.{md,ipynb}", "a/b/01-intro.md", True),
        ("**/*.{md,ipynb}", "01-intro.ipynb", True),
        ("**/*.{md,ipynb}", "a/notes.txt", False),
        ("[0-9]*", "07-serving.md", True),
        ("[0-9]*", "intro.md", False),
        ("lessons/[!_]*.md", "lessons/01.md", True),
        ("lessons/[!_]*.md", "lessons/_draft.md", False),
        ("**/drafts/**", "a/drafts/b/c.md", True),
        ("**/drafts/**", "drafts/c.md", True),
        ("*.md", "a/b.md", False),  # `*` stays inside a folder
        ("**/*.md", ".hidden/b.md", True),  # dot folders match like any other
    ],
)
def test_glob_patterns(pattern, path, expected):
    assert PathFilter(include=[pattern]).accepts(path) is expected


def test_default_excludes_keep_checkpoints_and_build_folders_out():
    defaults = Settings()
    paths = PathFilter(defaults.modules_include, defaults.modules_exclude)
    assert paths.accepts("lessons/01-intro.ipynb")
    assert not paths.accepts("lessons/.ipynb_checkpoints/01-intro-checkpoint.ipynb")
    assert not paths.accepts("_build/html/01.md")
    assert paths.excludes_folder("node_modules")
    assert not paths.excludes_folder("lessons")


def test_settings_own_the_defaults_and_an_explicit_empty_exclude_means_none():
    assert Settings().modules_include == MODULES_INCLUDE
    assert Settings.from_dict({}).modules_exclude == MODULES_EXCLUDE
    assert Settings.from_dict({"modules": {"exclude": []}}).modules_exclude == ()
    assert Settings.from_dict({"modules": {"include": ["**/*.md"]}}).modules_include == ("**/*.md",)


def test_no_patterns_accept_every_path():
    assert PathFilter().accepts("anything/at/all.md")
    assert not PathFilter().excludes_folder(".git")

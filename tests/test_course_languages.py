"""A file of another language is a module of that language's own course, in the order of that
language's own TOC: definition, hover and the course diagnostics there use that order.

The fixture is a Hugging Face style course whose two languages order one chapter differently:
English lists `chapter1/2` before `chapter1/10`, French `chapter1/10` before `chapter1/2`.
"""

from __future__ import annotations

from course_helpers import build, write_course

from glossary_lsp.course.introduction import find_introduction
from glossary_lsp.features.completion import documentation
from glossary_lsp.features.definition import definition
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings
from glossary_lsp.features.hover import hover
from glossary_lsp.text.documents import view_document

PLAIN = "version: 1\nterms:\n  - term: TTFT\n    expansion: time to first token\n"


def toctree(*pages: str) -> str:
    entries = "".join(f"  - local: chapter1/{page}\n    title: Page {page}\n" for page in pages)
    return f"- title: Start\n  sections:\n{entries}"


def two_orders(root):
    files = {
        "chapters/en/_toctree.yml": toctree("2", "10"),
        "chapters/fr/_toctree.yml": toctree("10", "2"),
    }
    for language in ("en", "fr"):
        files[f"chapters/{language}/chapter1/2.mdx"] = "# Deux\n\nTTFT (time to first token).\n"
        files[f"chapters/{language}/chapter1/10.mdx"] = "# Dix\n\nOn mesure TTFT ici.\n"
    return write_course(root, files, PLAIN)


def at_ttft(root, relative):
    path = root / relative
    source = path.read_text(encoding="utf-8")
    return path, view_document(str(path), source), source.index("TTFT")


def test_each_language_is_ordered_by_its_own_toc(tmp_path):
    root = two_orders(tmp_path)
    _version, index = build(root)
    assert [m.relative for m in index.modules()] == [
        "chapters/en/chapter1/2.mdx",
        "chapters/en/chapter1/10.mdx",
    ]
    french = index.course(root / "chapters/fr/chapter1/2.mdx")
    assert (french.language, [m.relative for m in french.modules]) == (
        "fr",
        ["chapters/fr/chapter1/10.mdx", "chapters/fr/chapter1/2.mdx"],
    )
    assert french.structures[0].order_source == "_toctree.yml"


def test_definition_and_hover_in_a_french_file_follow_the_french_order(tmp_path):
    root = two_orders(tmp_path)
    version, index = build(root)
    path, view, offset = at_ttft(root, "chapters/fr/chapter1/10.mdx")
    target = definition(version, index, view, offset, path)
    assert target is not None and target.path == root / "chapters/fr/chapter1/2.mdx"
    shown = hover(version, view, offset, index, path).markdown
    assert "Introduced later, in [02 · Page 2](" in shown


def test_course_diagnostics_in_a_french_file_follow_the_french_order(tmp_path):
    root = two_orders(tmp_path)
    version, index = build(root)
    path, view, _offset = at_ttft(root, "chapters/fr/chapter1/10.mdx")
    findings = CourseDiagnostics().document(
        version, index, path, view, RuleSettings.from_settings()
    )
    [used] = [f for f in findings if f.rule == "usedBeforeIntroduced"]
    assert used.related[0].target.path == root / "chapters/fr/chapter1/2.mdx"


def test_the_english_file_has_no_such_finding(tmp_path):
    root = two_orders(tmp_path)
    version, index = build(root)
    path, view, _offset = at_ttft(root, "chapters/en/chapter1/10.mdx")
    findings = CourseDiagnostics().document(
        version, index, path, view, RuleSettings.from_settings()
    )
    assert not [f for f in findings if f.rule == "usedBeforeIntroduced"]


def test_a_language_s_modules_keep_the_terms_found_before_its_course_was_built(tmp_path):
    # the term pass reads every file; the French course is built later, on first use
    root = two_orders(tmp_path)
    version, index = build(root)
    french = index.course(root / "chapters/fr/chapter1/2.mdx")
    assert all(m.terms_known and m.terms == {"ttft"} for m in french.modules)
    term = version.glossary.lookup("TTFT")
    found = find_introduction(index, term, french, indexed_only=True)
    assert found is not None and found.module.relative == "chapters/fr/chapter1/2.mdx"


def test_completion_in_a_french_file_names_the_french_introduction(tmp_path):
    root = two_orders(tmp_path)
    version, index = build(root)
    french = documentation(version, "TTFT", index, root / "chapters/fr/chapter1/10.mdx")
    assert french is not None and "chapters/fr/chapter1/2.mdx" in french
    assert "Introduced later, in [02 · Page 2](" in french
    english = documentation(version, "TTFT", index, root / "chapters/en/chapter1/10.mdx")
    assert english is not None and "chapters/en/chapter1/2.mdx" in english

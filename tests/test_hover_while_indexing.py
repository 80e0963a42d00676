"""A hover while the course is indexed answers at once (issue 17: the first hover searched every
module not indexed yet on the event loop, 0.4-1.4 s for 840 modules): a course with few modules
left is searched whole, a larger one answered from the modules indexed. An answer that says it
is complete is the one a search of every module gives for the texts as they are; one that is
not says so in the hover, and once the index is complete every hover is complete again."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from course_helpers import write_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_remembered_introductions import GLOSSARY, GLOSSARY_WITH_HOMES, TEXTS, summary

from glossary_lsp.course import introduction
from glossary_lsp.course.introduction import Budget, find_introduction_so_far
from glossary_lsp.course.module_terms import module_terms
from glossary_lsp.course.module_text import file_stamp
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.completion import documentation
from glossary_lsp.features.hover import NOT_KNOWN_YET, SO_FAR, hover
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.glossary.model import Term
from glossary_lsp.text.documents import view_document

NAMES = tuple(f"{n:02d}-lesson.md" for n in range(1, 9))
HOVERED = "# Hovered\n\nKV cache, TTFT, Tokenizer and Beam search.\n"


def course_being_indexed(
    root: Path, texts: list[int], glossary: str, indexed: set[int]
) -> tuple[WorkspaceIndex, GlossaryVersion]:
    """A listed course whose modules numbered in `indexed` have their terms, as the course
    pass adopts them; the others not yet."""
    write_course(root, {NAMES[n]: TEXTS[t] for n, t in enumerate(texts)}, glossary)
    version = GlossaryVersion.build(load_glossary_text(glossary, str(root / "glossary.yaml")))
    index = WorkspaceIndex([root], matcher=version.matcher)
    index.list_modules()
    for path, _stamp, _text in index.pending_terms():
        if NAMES.index(path.name) in indexed:
            source = path.read_text(encoding="utf-8")
            terms = module_terms(version.matcher, path, source)
            assert index.adopt_terms(path, file_stamp(path), terms)
    return index, version


def searched_whole(index: WorkspaceIndex, term: Term) -> introduction.Introduction | None:
    """The introduction a search of every module gives now, nothing remembered."""
    course = index.course()
    return introduction._find(index, term, course, True, False, introduction._Reads())


def hover_text(version: GlossaryVersion, index: WorkspaceIndex, term: Term, budget: Budget | None):
    view = view_document("hovered.md", HOVERED)
    offset = HOVERED.index(term.term)
    found = hover(version, view, offset, index, Path("/elsewhere/hovered.md"), budget)
    assert found is not None
    return found.markdown


@pytest.mark.slow  # a randomized workload: 120 courses (`make fast` runs the cases below)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.integers(0, len(TEXTS) - 1), min_size=1, max_size=len(NAMES)),
    indexed=st.sets(st.integers(0, len(NAMES) - 1)),
    modules=st.integers(0, len(NAMES)),
    homes=st.booleans(),
)
def test_an_answer_said_complete_is_the_whole_search(
    texts: list[int], indexed: set[int], modules: int, homes: bool
) -> None:
    glossary = GLOSSARY_WITH_HOMES if homes else GLOSSARY
    with tempfile.TemporaryDirectory() as folder:
        index, version = course_being_indexed(Path(folder), texts, glossary, indexed)
        course = index.course()
        unindexed = sum(not module.terms_known for module in course.modules)
        budget = Budget(modules=modules)
        for term in version.glossary.terms:
            for _again in range(2):  # the second answer is remembered
                so_far = find_introduction_so_far(index, term, course, budget)
                whole = searched_whole(index, term)
                if unindexed <= modules:
                    assert so_far.complete, term.term
                text = hover_text(version, index, term, budget)
                if so_far.complete:
                    assert summary(so_far.introduction) == summary(whole), term.term
                    assert text == hover_text(version, index, term, None), term.term
                else:
                    assert SO_FAR in text or NOT_KNOWN_YET in text, term.term
                    if so_far.introduction is None:
                        assert NOT_KNOWN_YET in text
        index.index_terms()
        for term in version.glossary.terms:
            so_far = find_introduction_so_far(index, term, index.course(), Budget(modules=0))
            assert so_far.complete
            assert summary(so_far.introduction) == summary(searched_whole(index, term))


def test_a_large_course_is_answered_from_its_indexed_modules(tmp_path: Path) -> None:
    # the KV cache is written with its expansion in the second module, used plainly in the
    # fourth: with the second indexed, its answer is complete whatever the others hold; the
    # Tokenizer's first use (first module) could still be beaten by a definition not indexed
    texts = [0, 1, 4, 3, 4, 4, 4, 4]
    index, version = course_being_indexed(tmp_path, texts, GLOSSARY, {0, 1})
    course = index.course()
    budget = Budget(modules=2)  # six modules are not indexed: none is searched
    kv, tokenizer, ttft = (
        version.glossary.lookup(name) for name in ("KV cache", "Tokenizer", "TTFT")
    )
    assert kv is not None and tokenizer is not None and ttft is not None

    found = find_introduction_so_far(index, kv, course, budget)
    assert found.complete and found.introduction is not None
    assert found.introduction.module.path.name == NAMES[1]
    assert SO_FAR not in hover_text(version, index, kv, budget)

    found = find_introduction_so_far(index, tokenizer, course, budget)
    assert not found.complete and found.introduction is not None
    assert found.introduction.module.path.name == NAMES[0]
    assert f"Introduced in [01 · Lesson]({(tmp_path / NAMES[0]).as_uri()}#L3) *({SO_FAR})*" in (
        hover_text(version, index, tokenizer, budget)
    )

    assert find_introduction_so_far(index, ttft, course, budget) == introduction.SoFar(None, False)
    assert f"*{NOT_KNOWN_YET}*" in hover_text(version, index, ttft, budget)

    index.index_terms()
    for term in (kv, tokenizer, ttft):
        assert find_introduction_so_far(index, term, index.course(), budget).complete
        assert hover_text(version, index, term, budget) == hover_text(version, index, term, None)


def test_before_the_modules_are_listed_nothing_is_said_of_the_course(tmp_path: Path) -> None:
    index, version = course_being_indexed(tmp_path, [1], GLOSSARY, {0})
    term = version.glossary.lookup("KV cache")
    assert term is not None
    unlisted = Budget(listed=False)
    assert find_introduction_so_far(index, term, index.course(), unlisted) == (
        introduction.SoFar(None, False)
    )
    text = hover_text(version, index, term, unlisted)
    assert text.startswith("**KV cache** — key-value cache") and NOT_KNOWN_YET in text


def test_a_completion_items_documentation_says_what_its_hover_says(tmp_path: Path) -> None:
    texts = [0, 1, 4, 3, 4, 4, 4, 4]
    index, version = course_being_indexed(tmp_path, texts, GLOSSARY, {0, 1})
    budget = Budget(modules=2)
    for term in version.glossary.terms:
        said = documentation(version, term.term, index, Path("/elsewhere/hovered.md"), budget)
        assert (
            said
            == hover(
                version,
                view_document("x.md", term.term),
                0,
                index,
                Path("/elsewhere/hovered.md"),
                budget,
            ).markdown
        ), term.term
    ttft = documentation(version, "TTFT", index, None, budget)
    assert ttft is not None and NOT_KNOWN_YET in ttft

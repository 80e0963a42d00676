"""Where an occurrence is not a term's introduction, and where one is, in the places real courses
put them: tables of figures, lists of answers, testimonials, a course's list of its lessons, a
sentence that names what it described. Fixtures written for this project in those layouts.
"""

from __future__ import annotations

import pytest
from course_helpers import notebook, write_course

from glossary_lsp.course.defining import defines, opens_heading
from glossary_lsp.course.introduction import DEFINED, find_introduction
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.glossary.model import Term

TTFT = Term("TTFT", expansion="time to first token")
WIDGET = Term("Widget")  # a name without an expansion


def defined_at(text: str, term: Term = TTFT, name: str = "TTFT") -> bool:
    start = text.index(name)
    return defines(text, start, start + len(name), term)


# -------------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "text",
    [
        "| TTFT | p50 ms | p99 ms |\n|---|---|---|\n| vendor | 120 | 340 |\n",  # the header row
        "| Model | p50 ms |\n|---|---|\n| TTFT | 120 ms at batch one |\n",  # a table of figures
        "| Vendor | Chip | Year |\n| :-- | :-: | --: |\n| TTFT | Blackwell class | 2030 |\n",
        "| TTFT | Time to first token |\n",  # no table around it: one row is a header
    ],
)
def test_a_table_of_figures_is_not_a_glossary(text):
    assert not defined_at(text)


@pytest.mark.parametrize(
    "text",
    [
        "| Term | Definition |\n|------|-----|\n| TTFT | how long the first token takes |\n",
        "| Acronym | Meaning |\n|---|---|\n| x | y |\n| TTFT | wait for a first token |\n",
        "| Metric | Notes |\n|---|---|\n| TTFT | Time-to-first token, per request |\n",
    ],
)
def test_a_glossary_table_or_a_row_spelling_the_term_out_is(text):
    assert defined_at(text)


# ------------------------------------------------------------------ lists of answers, labels


@pytest.mark.parametrize(
    "text",
    [
        "Which to pick:\n\n1. TTFT - may or may not matter for batch jobs\n",
        "1. TTFT - Enable streaming so that users see words early.\n",
        "- TTFT: `curl -w '%{time_starttransfer}' http://localhost`\n",
    ],
)
def test_an_answer_or_a_command_after_a_label_is_not_a_definition(text):
    assert not defined_at(text)


def test_a_label_for_a_command_does_not_define_a_name_without_expansion():
    assert not defined_at("- Widget: `widget --serve --port 8080` on each node\n", WIDGET, "Widget")
    assert defined_at("- Widget: a small box that holds one control\n", WIDGET, "Widget")


@pytest.mark.parametrize(
    "text",
    [
        "- TTFT - a measure of how long a user waits\n",
        "- TTFT: the time until the first token arrives\n",
        "TTFT - time to first token, measured per request\n",
    ],
)
def test_a_definition_after_a_label_still_is(text):
    assert defined_at(text)


# ------------------------------------------------------------------------------ quotations


@pytest.mark.parametrize(
    "text",
    [
        '> "I learned to tune time to first token (TTFT) in a week."\n>\n> — A. Learner\n',
        "> I now measure time to first token (TTFT) everywhere.\n> -- B. Reader, alumna\n",
        "> “The part on time to first token (TTFT) was the best.”\n",
    ],
)
def test_a_testimonial_is_not_an_introduction(text):
    assert not defined_at(text)


@pytest.mark.parametrize(
    "text",
    [
        "> [!NOTE]\n> Time to first token (TTFT) is what users feel.\n",
        "> Tip: TTFT (time to first token) is measured per request.\n",
    ],
)
def test_an_authors_own_block_quote_is(text):
    assert defined_at(text)


# --------------------------------------------------------------------------- naming phrases


@pytest.mark.parametrize(
    "text",
    [
        "We wait for the first token. This wait is called TTFT.",
        "a latency known as **TTFT** in serving",
        "what is often referred to as TTFT",
    ],
)
def test_a_sentence_naming_what_it_described_defines(text):
    assert defined_at(text)


def test_naming_needs_the_phrase_right_before_it():
    assert not defined_at("It is called by the client; TTFT comes later.")


# ------------------------------------------------------------------ a course's lesson lists


@pytest.mark.parametrize(
    "text",
    [
        "- [04_serving](04_serving) explains time to first token (TTFT) in depth\n",
        "1. [Latency](./latency.md) - time to first token (TTFT), measured\n",
        "* **[Latency](../latency/README.md)** — TTFT (time to first token)\n",
        "- [A serving paper](https://example.org/paper) - time to first token (TTFT) at scale\n",
    ],
)
def test_a_lesson_list_entry_is_not_the_introduction(text):
    assert not defined_at(text)


def test_an_overview_linking_within_the_page_is():
    assert defined_at("2. [Time to first token](#ttft) (TTFT) - the wait for a first word\n")


GLOSSARY = """\
version: 1
terms:
  - term: GQA
    expansion: grouped query attention
  - term: LLM-as-a-judge
"""


def course_index(root, indexed: bool) -> tuple[GlossaryVersion, WorkspaceIndex]:
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, str(root / "glossary.yaml")))
    index = WorkspaceIndex([root])
    index.set_matcher(version.matcher)
    index.list_modules()
    if indexed:
        index.index_terms()
    return version, index


@pytest.mark.parametrize("indexed", [True, False])
def test_a_chapter_readme_lists_a_bonus_folder_that_introduces_the_term(tmp_path, indexed):
    root = write_course(
        tmp_path,
        {
            "README.md": "# Book\n\n- [Chapter 4](ch04)\n- [Chapter 5](ch05)\n",
            "ch04/README.md": (
                "# Chapter 4\n\n"
                "- [02_gqa](02_gqa) shows grouped query attention (GQA) and its memory use\n"
            ),
            "ch04/01_main/ch04.md": "# Attention\n\nWe build attention heads.\n",
            "ch04/02_gqa/README.md": (
                "# Grouped Query Attention (GQA)\n\nGQA shares keys between heads.\n"
            ),
            "ch05/README.md": "# Chapter 5\n\nGQA again.\n",
        },
        None,
    )
    version, index = course_index(root, indexed)
    introduction = find_introduction(index, version.glossary.lookup("GQA"))
    assert introduction is not None and introduction.reason == DEFINED
    assert introduction.module.relative == "ch04/02_gqa/README.md"


@pytest.mark.parametrize("indexed", [True, False])
def test_the_lesson_that_names_the_term_beats_a_later_cohort_notebooks_heading(tmp_path, indexed):
    root = write_course(
        tmp_path,
        {
            "README.md": "# Course\n\n- [Evaluation](04-evaluation/)\n- [Cohorts](cohorts/)\n",
            "04-evaluation/README.md": "# Evaluation\n\nWe grade answers.\n",
            "04-evaluation/lessons/01-judge.md": (
                "# Judging answers\n\n## LLM as a judge\n\n"
                "A strong model grades another one. This approach is called LLM-as-a-judge.\n"
            ),
            "cohorts/2024/eval.ipynb": notebook(
                ("markdown", "# Offline evaluation\n"), ("markdown", "## LLM-as-a-Judge\n")
            ),
        },
        None,
    )
    version, index = course_index(root, indexed)
    introduction = find_introduction(index, version.glossary.lookup("LLM-as-a-judge"))
    assert introduction is not None and introduction.reason == DEFINED
    assert introduction.module.relative == "04-evaluation/lessons/01-judge.md"


def test_a_front_pages_list_of_lessons_is_a_reference_taken_last(tmp_path):
    root = write_course(
        tmp_path,
        {
            "README.md": (
                "# Guide\n\n- [Debugging](debug/tips.md) - fixes for a hanging Widget app\n"
                "- [Serving](serve/README.md)\n"
            ),
            "debug/tips.md": "# Tips\n\nWhen a Widget hangs, dump its stack.\n",
            "serve/README.md": "# Serving\n\nNo widgets here.\n",
        },
        "version: 1\nterms:\n  - term: Widget\n",
    )
    version = GlossaryVersion.build(
        load_glossary_text((root / "glossary.yaml").read_text(), str(root / "glossary.yaml"))
    )
    index = WorkspaceIndex([root])
    index.set_matcher(version.matcher)
    index.scan()
    introduction = find_introduction(index, version.glossary.lookup("Widget"))
    assert introduction is not None and introduction.module.relative == "debug/tips.md"


def test_a_label_for_a_list_of_names_is_not_a_definition():
    assert not defined_at("- Widget: W100, W200, W300, ...\n", WIDGET, "Widget")


@pytest.mark.parametrize(
    "heading",
    ["## What is a Widget?", "### What are Widgets?", "# Introduction to Widgets"],
)
def test_a_heading_asking_about_the_term_is_a_section_about_it(heading):
    text = f"# Lesson\n\n{heading}\n\nText.\n"
    start = text.index("Widget")
    assert opens_heading(text, start, start + len("Widget"), is_title=False)


def test_a_heading_that_mentions_the_term_is_not():
    text = "# Lesson\n\n## What is needed for a Widget?\n"
    start = text.index("Widget")
    assert not opens_heading(text, start, start + len("Widget"), is_title=False)


def test_a_title_asking_about_more_than_the_term_is_not_about_it():
    text = "# Understanding Widget Buffers\n\nText.\n"
    start = text.index("Widget")
    assert not opens_heading(text, start, start + len("Widget"), is_title=True)
    text = "# What is a Widget?\n\nText.\n"
    assert opens_heading(text, text.index("Widget"), text.index("Widget") + 6, is_title=True)


def test_a_label_spelled_out_in_other_words_than_the_glossarys_still_defines():
    term = Term("NIC", expansion="network interface controller")
    assert defined_at("- NIC: Network Interface Card\n", term, "NIC")
    assert defined_at("- NIC - the Network-Interface Card of a node\n", term, "NIC")
    assert not defined_at("- NIC: needs cables replaced weekly\n", term, "NIC")

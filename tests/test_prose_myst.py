"""Policy: MyST roles, directives and targets, read the way Jupyter Book renders them."""

from __future__ import annotations

from prose_helpers import in_prose, words_of

from glossary_lsp.text.documents import view_document
from glossary_lsp.text.views import Role


def test_term_abbr_and_index_roles_are_prose_and_other_roles_are_not() -> None:
    text = (
        "Learn {term}`gradient descent`, {term}`SGD <Stochastic gradient descent>`, "
        "{abbr}`LLM (large language model)`, {index}`tokenizer`; see {ref}`sec-intro` "
        "and {math}`x^2`.\n"
    )
    assert words_of(text) == ["Learn", "gradient", "descent", ",", "SGD", ",", "LLM", ",",
                              "tokenizer", ";", "see", "and", "."]  # fmt: skip


def test_roles_are_reported_with_their_visible_text() -> None:
    text = "🚀 {term}`SGD <Stochastic gradient descent>` and {ref}`intro`\n"
    (region,) = view_document("m.md", text).regions
    term, ref = region.roles
    assert isinstance(term, Role) and term.name == "term"
    assert text[term.span[0] : term.span[1]] == "{term}`SGD <Stochastic gradient descent>`"
    assert text[term.text[0] : term.text[1]] == "SGD"
    assert ref.name == "ref" and text[ref.text[0] : ref.text[1]] == "intro"


def test_markdown_directives_are_parsed_and_code_like_ones_are_not_prose() -> None:
    text = (
        "```{note}\nA note about *RLHF*.\n```\n\n```{code-cell} python\nFSDP = 1\n```\n\n"
        "```{math}\nFLOP\n```\n\n```{mermaid}\ngraph TD; ZeRO\n```\n\n"
        "```{admonition} Title about PPO\n:class: tip\nBody about DPO\n```\n"
    )
    assert words_of(text) == ["A", "note", "about", "*RLHF*.", "Title", "about", "PPO",
                              "Body", "about", "DPO"]  # fmt: skip


def test_directives_nest_and_keep_offsets_inside_containers() -> None:
    text = "- item\n\n  ````{tip}\n  Use {term}`LoRA`.\n\n  ```{code-cell}\n  FSDP\n  ```\n  ````\n"
    assert in_prose(text, "LoRA") and not in_prose(text, "FSDP")
    (region,) = view_document("m.md", text).regions
    (role,) = region.roles
    assert text[role.text[0] : role.text[1]] == "LoRA"


def test_colon_fences() -> None:
    text = (
        ":::{tip}\nA tip about RLHF\n:::\n\n::::{admonition} About PPO\n:class: warning\n"
        "Body DPO\n::::\n\n:::{mermaid}\ngraph FSDP\n:::\n\n:::{glossary}\nLoRA\n  Low-rank\n:::\n"
    )
    assert words_of(text) == ["A", "tip", "about", "RLHF", "About", "PPO", "Body", "DPO",
                              "LoRA", "Low-rank"]  # fmt: skip


def test_label_targets_are_not_prose() -> None:
    assert words_of("(sec-rlhf)=\n# RLHF\n\nText (not a label)= here\n") == [
        "RLHF", "Text", "(not", "a", "label)=", "here",
    ]  # fmt: skip

"""Policy: GitHub alert markers, footnote labels, Quarto attributes, entities, reference
definitions are not prose."""

from __future__ import annotations

from prose_helpers import in_prose, words_of


def test_github_alert_markers_are_not_prose() -> None:
    text = "> [!TIP]\n> Use LoRA.\n\n> [!note]\n> Mind RLHF.\n\n> [!WARNING]\n"
    assert words_of(text) == ["Use", "LoRA.", "Mind", "RLHF."]


def test_footnote_labels_are_not_prose_but_their_text_is() -> None:
    text = "PPO[^ppo] and RLHF[^1].\n\n[^ppo]: Proximal Policy Optimization\n[^1]: From HF.\n"
    assert words_of(text) == ["PPO", "and", "RLHF", ".", "Proximal", "Policy", "Optimization",
                              "From", "HF."]  # fmt: skip


def test_quarto_attributes_are_not_prose() -> None:
    text = (
        "## RLHF {#sec-rlhf}\n\n![A figure](fig.png){#fig-x width=50%}\n\n"
        "[PPO]{.highlight} and {{< video https://x.org/v >}} end\n"
    )
    assert words_of(text) == ["RLHF", "A", "figure", "[PPO]", "and", "end"]


def test_entity_names_are_not_prose() -> None:
    text = "A&nbsp;B &amp; RLHF&mdash;PPO &copy; AT&T;\n"
    assert not in_prose(text, "nbsp") and not in_prose(text, "mdash") and not in_prose(text, "copy")
    assert in_prose(text, "RLHF") and in_prose(text, "PPO")


def test_multi_line_link_reference_definitions_are_not_prose() -> None:
    text = (
        '[bert]:\n  https://arxiv.org/abs/1810.04805\n  "BERT paper"\n\n'
        "[gpt]: <https://openai.com/gpt>\n  'GPT title'\n\nSee [BERT][bert] and [gpt].\n"
    )
    assert words_of(text) == ["See", "BERT", "and", "gpt", "."]

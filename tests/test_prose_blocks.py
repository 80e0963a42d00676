"""Policy: block structure is CommonMark's — fences, indented code and containers as rendered."""

from __future__ import annotations

from prose_helpers import in_prose, words_of


def test_a_fence_opened_after_a_list_marker_is_code_and_closes() -> None:
    text = "1. ```bash\n   pip install FSDP\n   ```\n2. Then read about RLHF\n"
    assert not in_prose(text, "FSDP")
    assert in_prose(text, "RLHF")


def test_an_unclosed_fence_in_a_block_quote_ends_with_the_quote() -> None:
    text = "> ```\n> code FSDP\n\nAfter RLHF\n"
    assert not in_prose(text, "FSDP") and in_prose(text, "RLHF")


def test_a_quoted_fence_line_inside_a_fence_does_not_close_it() -> None:
    text = "```\n> ```\ncode FSDP\n```\nAfter RLHF\n"
    assert not in_prose(text, "FSDP") and in_prose(text, "RLHF")


def test_indented_code_in_list_items_and_quotes_is_code() -> None:
    text = "- item\n\n        code FSDP\n\n  text RLHF\n\n>     quoted PPO code\n"
    assert words_of(text) == ["item", "text", "RLHF"]


def test_an_unclosed_top_level_fence_runs_to_the_end() -> None:
    assert words_of("Intro\n\n```\nFSDP\n\nmore") == ["Intro"]

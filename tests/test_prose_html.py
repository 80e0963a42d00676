"""Policy: raw HTML's visible text is prose; code-like elements, comments, attributes are not."""

from __future__ import annotations

from prose_helpers import in_prose, words_of


def test_html_block_text_is_prose_but_not_code_like_elements() -> None:
    text = (
        "<div>\n<script>var FSDP = 1</script>\n<style>.FSDP{}</style>\n"
        '<p title="FSDP">visible RLHF</p>\n<pre>FSDP</pre>\n<code>FSDP</code>\n'
        "<![CDATA[ FSDP ]]>\n<!-- FSDP -->\n</div>\n"
    )
    assert words_of(text) == ["visible", "RLHF"]


def test_details_and_table_cells() -> None:
    details = "<details>\n<summary>RLHF summary</summary>\n\nBody about PPO\n\n</details>\n"
    assert words_of(details) == ["RLHF", "summary", "Body", "about", "PPO"]
    table = "<table><tr><td>RLHF cell</td><td><code>FSDP</code></td></tr></table>\n"
    assert words_of(table) == ["RLHF", "cell"]


def test_inline_code_like_tags_in_a_paragraph_are_not_prose() -> None:
    text = "The token <code>[CLS]</code> starts BERT input; press <kbd>Ctrl</kbd> now.\n"
    assert not in_prose(text, "CLS") and not in_prose(text, "Ctrl")
    assert in_prose(text, "BERT") and in_prose(text, "now")


def test_an_unclosed_inline_code_tag_ends_with_its_paragraph() -> None:
    text = "a <code>FSDP\n\nRLHF after\n"
    assert not in_prose(text, "FSDP") and in_prose(text, "RLHF")


def test_attributes_of_inline_tags_are_not_prose() -> None:
    assert words_of("<span title='FSDP' class=\"RLHF\">PPO</span> text\n") == ["PPO", "text"]


def test_a_self_closing_code_like_tag_hides_nothing_after_it() -> None:
    block = "<div>\n<code/> RLHF after <pre /> PPO\n</div>\n"
    assert words_of(block) == ["RLHF", "after", "PPO"]
    paragraph = "A <code/> tag, then RLHF <kbd /> and PPO.\n"
    assert in_prose(paragraph, "RLHF") and in_prose(paragraph, "PPO")

"""`prose_spans` of a slice that starts at a top-level block boundary: the spans the whole text
has there, in the whole text's offsets."""

from __future__ import annotations

from glossary_lsp.text.prose import markdown_prose, prose_spans

TEXT = (
    "---\ntitle: Intro\n---\n\n# Attention 🚀\n\nThe *gradient* of FSDP, see https://x.org/a.\n\n"
    "```{note}\nA note about RLHF.\n```\n\n- item one\n- item two with {term}`ZeRO`\n\n"
    "<div>\nvisible text\n</div>\n\nLast paragraph, 注意力.\n"
)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]


def test_a_slice_from_a_block_boundary_has_the_whole_texts_spans_there() -> None:
    whole = markdown_prose(TEXT)
    for block in ("# Attention", "```{note}", "- item one", "<div>", "Last paragraph"):
        start = TEXT.index(block)
        assert prose_spans(TEXT, start) == _inside(whole, start, len(TEXT)), block
        gap = TEXT.find("\n\n", start)
        end = len(TEXT) if gap < 0 else gap + 2
        assert prose_spans(TEXT, start, end) == _inside(whole, start, end), block


def test_the_whole_text_by_default_and_front_matter_only_at_its_start() -> None:
    assert prose_spans(TEXT) == markdown_prose(TEXT)
    body = TEXT.index("title")
    assert TEXT[body:].startswith("title") and prose_spans(TEXT, body)  # no front matter here

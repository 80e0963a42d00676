"""Policy: MDX ESM lines and expressions are not prose; text inside components is."""

from __future__ import annotations

from prose_helpers import words_of

from glossary_lsp.text.documents import view_document


def test_mdx_imports_exports_and_expressions() -> None:
    text = (
        "import Tip from '@site/Tip'\nexport const meta = {title: 'FSDP'}\n\n"
        "<Tip warning={true}>\nUse RLHF here\n</Tip>\n\nText {props.FSDP} and PPO\n"
    )
    assert words_of(text, mdx=True) == ["Use", "RLHF", "here", "Text", "and", "PPO"]
    (region,) = view_document("course/unit1.mdx", text).regions
    assert "FSDP" not in "".join(text[a:b] for a, b in region.prose)


def test_plain_markdown_keeps_import_lines_and_braces() -> None:
    assert words_of("import the data {first}\n") == ["import", "the", "data", "{first}"]

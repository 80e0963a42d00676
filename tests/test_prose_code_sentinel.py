"""The walk marks a code block that is no directive with one shared empty list, `_CODE`, whose
texts are not kept: it must stay empty whatever the document holds."""

from glossary_lsp.text import prose
from glossary_lsp.text.prose import analyse_markdown


def test_code_blocks_that_are_no_directive_keep_no_texts() -> None:
    document = (
        "```python\nx = 1\n```\n\n    indented\n\n~~~\nt\n~~~\n\n```{code-cell} python\ny\n```\n\n"
        "> ```\n> quoted\n\n- ```bash\n  pip x\n  ```\n\n```{note}\nA *note*\n```\n"
    )
    analysed = analyse_markdown(document)
    assert prose._CODE == []
    assert [document[start:end] for start, end in analysed.spans] == ["A *note"]

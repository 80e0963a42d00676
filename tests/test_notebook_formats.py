"""Raw notebooks: nbformat 3 and 4 with exact offset maps; attachments are not text."""

from __future__ import annotations

import json

import pytest

from glossary_lsp.text.documents import view_document


def v3_notebook(cells: list[dict], indent: int | None = 1) -> str:
    notebook = {
        "metadata": {"name": "rlhf"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [{"cells": cells[:2], "metadata": {}}, {"cells": cells[2:]}],
    }
    return json.dumps(notebook, indent=indent)


V3_CELLS = [
    {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["RLHF 🚀"]},
    {"cell_type": "markdown", "metadata": {}, "source": ["PPO `code`\n", 'é "q" DPO']},
    {
        "cell_type": "code",
        "collapsed": False,
        "input": ["x = 1  # FSDP\n", "y = 2"],
        "language": "python",
        "metadata": {},
        "outputs": [{"output_type": "stream", "text": ["FSDP out"]}],
        "prompt_number": 1,
    },
]


@pytest.mark.parametrize("indent", [None, 1, 2])
def test_nbformat_3_worksheets_are_read_with_exact_offsets(indent: int | None) -> None:
    source = v3_notebook(V3_CELLS, indent)
    view = view_document("old.ipynb", source, code_comments=True)
    assert view.error is None
    assert [(r.index, r.kind, r.text) for r in view.regions] == [
        (0, "markdown", "RLHF 🚀"),
        (1, "markdown", 'PPO `code`\né "q" DPO'),
        (2, "code", "x = 1  # FSDP\ny = 2"),
    ]
    for region in view.regions:
        for offset in range(len(region.text) + 1):
            assert region.from_source(region.to_source(offset)) == offset
    markdown = view.regions[1]
    dpo = markdown.text.index("DPO")
    start, end = markdown.to_source(dpo), markdown.to_source(dpo + 3)
    assert source[start:end] == "DPO"
    code = view.regions[2]
    assert [code.text[a:b] for a, b in code.prose] == ["FSDP"]


def test_markdown_cell_attachments_are_not_text() -> None:
    cell = {
        "attachments": {"FSDP.png": {"image/png": "iVBORw0KGgoFSDP" * 100}},
        "cell_type": "markdown",
        "metadata": {},
        "source": ["![FSDP](attachment:FSDP.png)\n", "RLHF"],
    }
    source = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (region,) = view_document("nb.ipynb", source).regions
    assert region.text == "![FSDP](attachment:FSDP.png)\nRLHF"
    assert [region.text[a:b] for a, b in region.prose] == ["FSDP", "\nRLHF"]

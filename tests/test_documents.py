"""Document views: kinds, front matter, prose spans, raw notebooks and their offset maps."""

from __future__ import annotations

import json

import pytest

from glossary_lsp.text import documents
from glossary_lsp.text.comments import comment_prose
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.prose import markdown_prose

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is optional
    given = None


def prose_text(text: str, spans: list[tuple[int, int]]) -> str:
    return "|".join(text[start:end] for start, end in spans)


def in_prose(text: str, word: str, occurrence: int = 0) -> bool:
    spans = markdown_prose(text)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return any(a <= start and start + len(word) <= b for a, b in spans)


# ----------------------------------------------------------------------------- Markdown


def test_markdown_file_is_one_identity_region() -> None:
    source = "# 🖥️ Distributed Training\n\nFSDP shards 使用注意力.\n"
    view = view_document("/course/02-distributed.md", source)
    assert view.error is None and len(view.regions) == 1
    region = view.regions[0]
    assert (region.kind, region.text, region.index) == ("markdown", source, 0)
    for offset in range(len(source) + 1):
        assert region.to_source(offset) == offset
        assert view.locate(offset) == (region, offset)
    assert region.from_source(len(source) + 1) is None


@pytest.mark.parametrize(
    ("path", "language"),
    [("a.md", None), ("a.markdown", None), ("a.mdx", None), ("a.txt", "markdown"), ("x", "mdx")],
)
def test_markdown_is_recognised_by_path_or_language(path: str, language: str | None) -> None:
    assert view_document(path, "text", language).regions[0].kind == "markdown"


def test_markdown_uri() -> None:
    view = view_document("file:///course/%F0%9F%96%A5%20module.md", "FSDP")
    assert view.regions[0].kind == "markdown"


def test_unknown_documents_have_no_regions() -> None:
    view = view_document("script.py", "FSDP = 1", "python")
    assert view.regions == [] and view.error is None


def test_front_matter() -> None:
    source = '---\nid: distributed-training\ntitle: "🖥️ Distributed Training"\norder: 3\n---\nFSDP\n'
    view = view_document("m.md", source)
    assert view.front_matter == {
        "id": "distributed-training",
        "title": "🖥️ Distributed Training",
        "order": 3,
    }
    assert prose_text(source, view.regions[0].prose) == "FSDP"


@pytest.mark.parametrize(
    "source",
    [
        "---\ntitle: [unclosed\n---\ntext",
        "---\n- a list\n---\ntext",
        "---\n!!python/object:os.system x\n---\ntext",
        "---\ntitle: never closed\ntext",
        "text\n---\ntitle: x\n---\n",
    ],
)
def test_broken_or_absent_front_matter_is_empty(source: str) -> None:
    assert view_document("m.md", source).front_matter == {}


def test_fenced_and_indented_code_are_not_prose() -> None:
    text = (
        "Intro FSDP\n\n```python\nFSDP fenced\n```\n\n~~~~\nFSDP tilde\n```\nstill\n~~~~\n\n"
        "    FSDP indented\n\nAfter FSDP\n"
    )
    assert in_prose(text, "FSDP", 0)
    assert not in_prose(text, "FSDP fenced")
    assert not in_prose(text, "FSDP tilde")
    assert not in_prose(text, "still")
    assert not in_prose(text, "FSDP indented")
    assert in_prose(text, "After FSDP")


def test_unclosed_fence_runs_to_the_end() -> None:
    assert not in_prose("text\n```\nFSDP\n", "FSDP")


def test_indented_lines_in_lists_and_paragraph_continuations_are_prose() -> None:
    text = "- item\n\n    FSDP continued\n\nparagraph\n    FSDP lazy\n"
    assert in_prose(text, "FSDP continued")
    assert in_prose(text, "FSDP lazy")


def test_inline_code_is_not_prose() -> None:
    text = "a `FSDP` b ``x ` FSDP`` c \\`FSDP\\` d ` unclosed FSDP"
    spans = markdown_prose(text)
    assert prose_text(text, spans) == "a | b | c \\`FSDP\\` d ` unclosed FSDP"


def test_inline_code_does_not_span_paragraphs() -> None:
    assert in_prose("a `FSDP\n\nFSDP` b", "FSDP", 1)


def test_links_urls_html_and_references() -> None:
    text = (
        '[FSDP](https://x.org/FSDP_(a) "FSDP") see https://fsdp.org/FSDP. and www.FSDP.com\n'
        "<https://a.b/FSDP> <me@FSDP.org> <!-- FSDP\nnote --> <span title='FSDP'>FSDP</span>\n"
        "[FSDP][fsdp-ref] ![FSDP diagram](img/FSDP.png)\n\n"
        "[fsdp-ref]: https://example.com/FSDP\n[^1]: FSDP footnote\n"
    )
    prose = prose_text(text, markdown_prose(text))
    assert prose.count("FSDP") == 5, prose
    assert "FSDP diagram" in prose and "FSDP footnote" in prose and "|FSDP|" in prose
    assert "https" not in prose and "fsdp-ref" not in prose and "span" not in prose
    assert ". and " in prose  # the full stop after a URL is prose again


def test_unclosed_html_comment_runs_to_the_end() -> None:
    assert not in_prose("text\n\n<!-- FSDP\nmore\n\nFSDP again", "FSDP", 1)
    assert in_prose("text <!-- FSDP\nmore", "FSDP")  # inline, unclosed: text, as rendered


def test_mdx_statements_are_not_prose() -> None:
    text = "import Chart from './Chart'\n\nFSDP <Chart data={x} />\n"
    spans = view_document("m.mdx", text).regions[0].prose
    assert prose_text(text, spans).replace("|", "").split() == ["FSDP"]


def test_prose_with_emoji_and_cjk_offsets() -> None:
    text = "🏗️ High-Level `code` 注意力 FSDP"
    spans = markdown_prose(text)
    assert prose_text(text, spans) == "🏗️ High-Level | 注意力 FSDP"


def test_crlf_documents() -> None:
    text = "---\r\ntitle: T\r\n---\r\nFSDP\r\n\r\n```\r\ncode\r\n```\r\nafter\r\n"
    view = view_document("m.md", text)
    assert view.front_matter == {"title": "T"}
    assert prose_text(text, view.regions[0].prose) == "FSDP|after"


# ----------------------------------------------------------------------------- notebook cells


def test_vscode_markdown_cell() -> None:
    uri = "vscode-notebook-cell:/course/nb.ipynb#W0sZmlsZQ%3D%3D"
    view = view_document(uri, "FSDP `x`", "markdown")
    (region,) = view.regions
    assert region.kind == "markdown" and prose_text(region.text, region.prose) == "FSDP "


def test_code_cell_has_no_prose_unless_comments_are_asked_for() -> None:
    source = 'x = \'# not a comment\'  # FSDP shards\n"""# doc"""\n#! FSDP\n'
    assert view_document("c", source, "python", cell_kind="code").regions[0].prose == []
    region = view_document("c", source, "python", cell_kind="code", code_comments=True).regions[0]
    assert prose_text(source, region.prose) == "FSDP shards|! FSDP"


def test_comment_prose_for_c_like_languages() -> None:
    source = 'let s = "// no"; // FSDP here\n/* block FSDP */ x'
    assert prose_text(source, comment_prose(source, "typescript")) == "FSDP here|block FSDP "


# ----------------------------------------------------------------------------- raw notebooks


def notebook_json(cells: list[dict], indent: int | None = 1, ensure_ascii: bool = True) -> str:
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=indent, ensure_ascii=ensure_ascii)


def markdown_cell(source: str | list[str]) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code_cell(source: str | list[str]) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": source,
    }


def expected_text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def assert_round_trip(source: str, cells: list[dict]) -> None:
    """The regions decode like `json.loads` and every logical offset maps there and back."""
    view = view_document("course/nb.ipynb", source, code_comments=True)
    assert view.error is None
    decoded = json.loads(source)["cells"]
    assert [region.text for region in view.regions] == [expected_text(cell) for cell in decoded]
    assert [region.index for region in view.regions] == list(range(len(cells)))
    for region in view.regions:
        previous = -1
        for offset in range(len(region.text) + 1):
            source_offset = region.to_source(offset)
            assert region.from_source(source_offset) == offset
            assert source_offset > previous or region.text == ""
            previous = source_offset
            located = view.locate(source_offset)
            assert located is not None and located[0].text[located[1] :] == region.text[offset:]


NOTEBOOK_SOURCES = [
    ["# 🖥️ Distributed Training\n", 'FSDP shards "state" \\ and\ttabs / é\n', "last"],
    "a single string\nwith 🚀 and 注意力",
    [],
    "",
    ["", "x", "", "\u2028 \x00 \x1f control"],
    ["🏗️ High-Level Overview\n", "\ud83d\ude80 a surrogate pair", "lone \ud83d surrogate"],
]


@pytest.mark.parametrize("indent", [None, 1, 4])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_raw_notebook_round_trip(indent: int | None, ensure_ascii: bool) -> None:
    cells = [markdown_cell(source) for source in NOTEBOOK_SOURCES]
    cells += [code_cell(["import torch  # FSDP 🚀\n", "x = 1\n"])]
    assert_round_trip(notebook_json(cells, indent, ensure_ascii), cells)


def test_raw_notebook_regions_kinds_and_prose() -> None:
    cells = [
        markdown_cell(["FSDP `code`\n"]),
        code_cell("model = FSDP(model)  # wrap with FSDP"),
        {"cell_type": "raw", "metadata": {}, "source": "FSDP raw"},
    ]
    view = view_document("nb.ipynb", notebook_json(cells), code_comments=True)
    assert [region.kind for region in view.regions] == ["markdown", "code", "raw"]
    markdown, code, raw = view.regions
    assert prose_text(markdown.text, markdown.prose) == "FSDP "
    assert prose_text(code.text, code.prose) == "wrap with FSDP"
    assert raw.prose == []


def test_surrogate_pair_escape_is_one_character() -> None:
    source = '{"cells": [{"cell_type": "markdown", "source": "a\\ud83d\\ude80b"}]}'
    (region,) = view_document("nb.ipynb", source).regions
    assert region.text == "a🚀b"
    escape = source.index("\\ud83d")
    assert region.to_source(1) == escape
    assert region.to_source(2) == escape + 12
    for inside in range(escape, escape + 12):
        assert region.from_source(inside) == 1


def test_escapes_map_every_source_character() -> None:
    source = '{"cells":[{"source":["x\\n","\\"q\\"\\t\\/\\\\\\u00e9"],"cell_type":"markdown"}]}'
    (region,) = view_document("nb.ipynb", source).regions
    assert region.text == 'x\n"q"\t/\\é'
    newline = source.index("\\n")
    assert region.from_source(newline + 1) == 1
    assert region.to_source(len(region.text)) == source.rindex('"]')
    between = source.index('","')
    assert region.from_source(between + 1) is None  # the comma between two strings
    assert view_document("nb.ipynb", source).locate(0) is None


def test_keys_in_any_order_whitespace_and_other_values() -> None:
    source = (
        '{ "metadata" : { "cells" : [ "not these" ] } ,\n "nbformat": 4,\n "cells" :\n [\n'
        '  { "source" : [ "FSDP\\n" , "x" ] , "outputs": [{"text": ["\\"]"]}], '
        '"cell_type" : "code" , "id": "1" },\n'
        '  { "id": "2", "metadata": {"a": [1, 2.5e3, true, null, {"b": "}"}]},'
        ' "cell_type": "markdown", "source": "MD" }\n ]\n}'
    )
    view = view_document("nb.ipynb", source)
    assert [(region.kind, region.text) for region in view.regions] == [
        ("code", "FSDP\nx"),
        ("markdown", "MD"),
    ]
    region = view.regions[0]
    assert source[region.to_source(0) : region.to_source(4)] == "FSDP"


def test_escaped_key_names_are_decoded() -> None:
    source = '{"cells": [{"cell_type": "markdown", "sour\\u0063e": "FSDP"}]}'
    assert view_document("nb.ipynb", source).regions[0].text == "FSDP"


def test_front_matter_from_the_first_cell() -> None:
    cells = [markdown_cell(["---\n", "id: rag\n", "title: RAG\n", "---\n", "# RAG\n"])]
    view = view_document("nb.ipynb", notebook_json(cells))
    assert view.front_matter == {"id": "rag", "title": "RAG"}


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ('{\n  "cells": [\n    {,}\n  ]\n}', 3),
        ('{"cells": [', 1),
        ("", 1),
        ('{"nbformat": 4}', 1),
        ('[{"cells": []}]', 1),
        ('{"cells": {}}', 1),
    ],
)
def test_malformed_notebook_reports_a_line(source: str, line: int) -> None:
    view = view_document("nb.ipynb", source)
    assert view.regions == []
    assert view.error is not None and view.error.startswith(f"line {line}:")


def test_non_notebook_json_is_quiet() -> None:
    for source in ('{"name": "package"}', '{"cells": 1}', "{broken"):
        view = view_document("package.json", source, "json")
        assert view.regions == [] and view.error is None


def test_json_language_with_a_notebook_is_read() -> None:
    cells = [markdown_cell("FSDP")]
    view = view_document("file:///nb.ipynb", notebook_json(cells), "json")
    assert view.regions[0].text == "FSDP"


def test_property_round_trip_over_generated_notebooks() -> None:
    pieces = ["a", "é", "🚀", "🖥️", "注意力", "\n", "\t", '"', "\\", "/", "\u2028", "\x01", " "]
    for seed in range(40):
        cells = []
        for cell_number in range(1 + seed % 4):
            items = [
                "".join(
                    pieces[(seed * 7 + cell_number * 3 + i * k) % len(pieces)] for k in range(i)
                )
                for i in range(seed % 5)
            ]
            source = items if (seed + cell_number) % 3 else "".join(items)
            cells.append(markdown_cell(source) if cell_number % 2 else code_cell(source))
        assert_round_trip(
            notebook_json(cells, indent=seed % 3 or None, ensure_ascii=seed % 2 == 0), cells
        )


if given is not None:
    cell_sources = st.one_of(st.text(max_size=30), st.lists(st.text(max_size=12), max_size=5))

    @pytest.mark.slow
    @settings(max_examples=200, deadline=None)
    @given(
        sources=st.lists(cell_sources, min_size=1, max_size=4),
        indent=st.sampled_from([None, 0, 1, 2]),
        ensure_ascii=st.booleans(),
    )
    def test_hypothesis_round_trip(
        sources: list[str | list[str]], indent: int | None, ensure_ascii: bool
    ) -> None:
        cells = [markdown_cell(source) for source in sources]
        assert_round_trip(notebook_json(cells, indent, ensure_ascii), cells)

    @settings(max_examples=200, deadline=None)
    @given(text=st.text(alphabet=st.sampled_from(list("ab `*_[]()<>!-#\n\t:/.~\\")), max_size=80))
    def test_hypothesis_markdown_prose_spans_are_sorted_and_disjoint(text: str) -> None:
        spans = markdown_prose(text)
        position = 0
        for start, end in spans:
            assert position <= start < end <= len(text)
            position = end


def test_an_open_notebooks_cells_read_as_its_json_regions():
    cells = [
        ("markdown", '# Serving 🚀\n\nA "quoted" KV cache\\n.'),
        ("code", "x = 1  # FSDP\n"),
        ("markdown", ""),
    ]
    view = view_document("/course/06-serving.ipynb", documents.notebook_json(cells, "python"))
    assert view.error is None
    assert [(region.index, region.kind, region.text) for region in view.regions] == [
        (index, kind, text) for index, (kind, text) in enumerate(cells)
    ]

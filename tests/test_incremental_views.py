"""A Markdown view spliced from the view before an edit is the view a full parse gives.

Seeded random edits on documents written for this test (the block kinds real courses use):
after each edit the spliced view (prose spans, roles, front matter, restart points) must equal
the view built from scratch, and the next edit splices from the spliced view, as the server does.
"""

from __future__ import annotations

import random
import re

import pytest

from glossary_lsp.text.documents import Edit, view_document
from glossary_lsp.text.front_matter import front_matter_span
from glossary_lsp.text.positions import LineIndex
from glossary_lsp.text.splice import block_starts, spliceable
from glossary_lsp.text.views import DocumentView

BLOCKS = [
    "# Attention\n",
    "Self-attention lets every token look at every other token. The *query*, the **key**\n"
    "and the `value` are projections; see [the paper](https://arxiv.org/abs/1706.03762).\n",
    "A {term}`KV cache <KV cache>` keeps keys and values; {abbr}`TTFT (time to first token)`\n"
    "is what a user waits for.\n",
    "Setext title\n============\n",
    "- a tight list item about tokens\n- another item\n  continued lazily\n",
    "1. a loose list\n\n2. its second item\n\n   with a paragraph inside\n",
    "> A block quote about prefill\n> on two lines\n",
    "```python\nprint('a fence')\n\n\nx = 1  # blank lines inside\n```\n",
    "~~~\ntilde fence\n~~~\n",
    "    indented code\n\n    more indented code\n",
    "<pre>\npreformatted\n\nwith a blank line\n</pre>\n",
    "<!-- a comment\n\nspanning a blank line -->\n",
    "<div>\n<p>HTML block about FSDP</p>\n</div>\n",
    "| model | size |\n|---|---|\n| GPT | 7B |\n",
    "Term\n: a definition of the term\n",
    "```{note}\nA MyST note about **sharding**.\n\nSecond paragraph.\n```\n",
    "***\n",
    "Text with a bare URL https://example.org/path and a path ./data/file.csv here.\n",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \U0001f680 with wide characters.\n",
]
SNIPPETS = [
    "\n", "\n\n", "```", "~~~", "- ", "> ", "1. ", "    ", "<!--", "-->", "<pre>", "</pre>",
    "# ", "===", "`", "*", "{term}`FSDP`", "word ", "\u00e9", "|---|", ": ", "[x]: /u", "$$",
    ":::", "(label)=", "\r\n", "---\n",
]  # fmt: skip


def document(rng: random.Random, blocks: int) -> str:
    """Half the documents have no raw `<pre>` (which keeps a document from being spliced)."""
    kinds = BLOCKS if rng.random() < 0.5 else [b for b in BLOCKS if "<pre>" not in b]
    parts = [rng.choice(kinds) for _ in range(blocks)]
    head = "---\ntitle: A module\n---\n\n" if rng.random() < 0.3 else ""
    return head + "\n".join(parts)


def fresh(text: str, language: str = "markdown") -> DocumentView:
    copy = (text + "x")[:-1]  # another string object: the shared view of `text` is not reused
    return view_document("file:///course/01-module.md", copy, language)


def edited(
    old: DocumentView, text: str, start: int, end: int, insert: str, language: str = "markdown"
) -> tuple[str, DocumentView]:
    new = text[:start] + insert + text[end:]
    edit = Edit(start, len(text) - end)
    return new, view_document("file:///course/01-module.md", new, language, edited=(old, edit))


def front_matter_end(text: str) -> int:
    span = front_matter_span(text)
    return span[2] if span is not None else 0


def same_lines(lines: LineIndex, expected: LineIndex) -> bool:
    count = expected.line_count
    return (
        lines.text == expected.text
        and lines.line_count == count
        and all(
            (lines.line_start(n), lines.line_end(n))
            == (expected.line_start(n), expected.line_end(n))
            for n in range(count)
        )
    )


def assert_same(spliced: DocumentView, full: DocumentView) -> None:
    assert spliced.source == full.source
    assert spliced.regions[0].prose == full.regions[0].prose
    assert spliced.regions[0].roles == full.regions[0].roles
    assert spliced.front_matter == full.front_matter
    assert same_lines(spliced.lines, full.lines)
    if spliced.restarts:  # a spliced view's restart points are those of a fresh parse
        end = front_matter_end(full.source)
        expected = block_starts(re.sub("[^\n]", " ", full.source[:end]) + full.source[end:])
        after = end + 4
        assert [r for r in spliced.restarts if r > after] == [r for r in expected if r > after]


MDX_BLOCKS = '<Card title="Attention">\n\nInside a {props.name} component.\n\n</Card>\n'
MDX_SNIPPETS = ["{props.x}", "{", "}", "<Note>\n\n", "</Note>", "export const a = 1\n"]


def random_edits(seed: int, language: str = "markdown") -> int:
    """Edit a document at random; every view must be the full parse's. How many were spliced."""
    rng = random.Random(seed)
    text = document(rng, rng.choice([5, 40]))
    snippets = SNIPPETS
    if language == "mdx":
        text, snippets = text + "\n" + MDX_BLOCKS, SNIPPETS + MDX_SNIPPETS
    view = fresh(text, language)
    spliced = 0
    for _ in range(30):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 20, 200]))
        insert = rng.choice(snippets) if rng.random() < 0.7 else ""
        text, view = edited(view, text, start, end, insert, language)
        spliced += view.restarts is not None
        assert_same(view, fresh(text, language))
    return spliced


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(16))
def test_random_edits_splice_to_the_full_parse(seed: int) -> None:
    random_edits(seed)


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_of_mdx_splice_to_the_full_parse(seed: int) -> None:
    random_edits(seed, "mdx")


def test_the_random_edits_are_mostly_spliced() -> None:
    assert sum(random_edits(seed) for seed in range(16, 24)) >= 20  # of 240 edits


def test_an_edit_far_from_the_start_is_spliced() -> None:
    paragraph = "Prose about the KV cache and a prefill phase, written at length.\n"
    text = "# Large\n\n" + "\n".join([paragraph] * 2000)
    view = fresh(text)
    view.restarts = None
    at = len(text) // 2
    at = text.index("\n\n", at) + 2
    new, spliced = edited(view, text, at, at, "Inserted words about FSDP. ")
    assert view.restarts  # the splice ran: the old view learnt its restart points
    assert spliced.restarts is not None and spliced.restarts  # and the new one has them
    assert_same(spliced, fresh(new))


def test_whole_document_syntax_is_not_spliced() -> None:
    assert not spliceable("[x]: https://example.org\n\ntext\n", 0)
    assert not spliceable("text\n\n$$\nx\n\n$$\n", 0)
    assert not spliceable(":::{note}\nx\n:::\n", 0)
    assert spliceable("plain text\n\nmore [text](x)\n", 0)
    text = "para\n\n[x]: /u\n\n" + "words\n\n" * 3000
    view = fresh(text)
    new, spliced = edited(view, text, 9000, 9000, "more ")
    assert view.restarts == []
    assert_same(spliced, fresh(new))


def test_an_edit_that_opens_a_fence_reparses_to_the_end() -> None:
    text = "# Title\n\n" + "Prose words here.\n\n" * 1000
    view = fresh(text)
    at = text.index("Prose", 5000)
    new, spliced = edited(view, text, at, at, "```\n")
    assert_same(spliced, fresh(new))
    assert spliced.regions[0].prose[-1][1] <= at  # everything after the fence is code


def test_an_open_document_splices_its_views_across_edits() -> None:
    from lsprotocol import types

    from glossary_lsp.lsp.documents import OpenDocuments

    uri = "file:///course/01-module.md"
    text = "# Title\n\n" + "Prose about the KV cache.\n\n" * 3000
    store = OpenDocuments()
    store.open_text(types.TextDocumentItem(uri, "markdown", 1, text))
    store.current().text(uri).view()
    for version, line in ((2, 4000), (3, 10), (4, 5000)):  # version 3's view is never built
        at = types.Position(line, 0)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(at, at), text="More words about FSDP.\n\n"
        )
        identifier = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
        snapshot = store.change_text(identifier, [change], "utf-16")
        assert snapshot is not None
        if version != 3:
            view = snapshot.view()
            assert view.restarts is not None  # spliced
            assert_same(view, fresh(snapshot.text))


def test_a_lone_surrogate_is_spliced_as_the_full_parse_reads_it() -> None:
    text = "# Title\n\n" + "Words \ud800 about the KV cache.\n\n" * 400
    view = fresh(text)
    at = text.index("Words", 6000)
    new, spliced = edited(view, text, at, at, "More \udfff words. ")
    assert view.restarts  # restart points found despite the surrogates
    assert_same(spliced, fresh(new))


@pytest.mark.parametrize("seed", range(6))
def test_a_line_index_after_an_edit_is_the_index_of_the_new_text(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(["a", "bc ", "\n", "\n\n", "\u00e9"]) for _ in range(300))
    lines = LineIndex(text)
    for _ in range(60):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 1, 5, 40]))
        insert = rng.choice(["", "x", "\n", "a\nb\n", "\r\n", "\r"])
        new = text[:start] + insert + text[end:]
        lines = LineIndex.after_edit(lines, new, start, len(text) - end)
        assert same_lines(lines, LineIndex(new))
        text = new


def test_an_edit_that_removes_the_only_carriage_return_parses_whole() -> None:
    text = "Title\r\n\n" + "Words about the KV cache.\n\n" * 300
    view = fresh(text)
    new, spliced = edited(view, text, 5, 6, "")  # the `\r` goes
    assert view.restarts == []  # the old text could not be spliced
    assert_same(spliced, fresh(new))


@pytest.mark.parametrize("seed", range(3))
def test_a_burst_of_versions_builds_only_the_view_a_request_reads(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions no request reads build no view; the one then read is spliced across all the
    edits since the last view built, takes the line index its edits kept, and equals a fresh
    parse of its text."""
    from lsprotocol import types

    import glossary_lsp.lsp.documents as documents

    rng = random.Random(seed)
    uri = "file:///course/01-module.md"
    text = "# Title\n\n" + "Prose about the KV cache.\n\nMore words on FSDP here.\n\n" * 800
    store = documents.OpenDocuments()
    store.open_text(types.TextDocumentItem(uri, "markdown", 1, text))
    store.current().text(uri).view()
    built: list[str] = []
    real_view_document = documents.view_document

    def counted(*args: object, **kwargs: object) -> DocumentView:
        built.append(str(args[0]))
        return real_view_document(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "view_document", counted)
    for read_at in (60, 120):  # a burst of versions, then a request reads the newest
        passed = []
        for version in range(read_at - 59, read_at + 1):
            at = types.Position(rng.randrange(4, 1500), rng.choice([0, 3]))
            change = types.TextDocumentContentChangePartial(
                range=types.Range(at, at), text=rng.choice(["FSDP ", "\n\n", "words.\n"])
            )
            identifier = types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1)
            snapshot = store.change_text(identifier, [change], "utf-16")
            assert snapshot is not None
            passed.append(snapshot)
        assert built == [] and not any(s.has_view() for s in passed)
        kept_lines = snapshot.lines
        view = snapshot.view()
        assert len(built) == 1 and not any(s.has_view() for s in passed[:-1])
        assert view.restarts is not None  # spliced, not parsed whole
        assert view.lines is kept_lines
        assert_same(view, fresh(snapshot.text))
        built.clear()

"""Conformance: prose spans over the 655 CommonMark spec examples agree with the spec's HTML.

The reference is the HTML the spec expects for each example (the output of the CommonMark
reference implementations): its visible text, outside `<code>`, `<pre>`, `<script>`, `<style>`
and `<textarea>`, plus images' `alt` text. For every example the word characters our prose spans
cover, in order, equal the reference's, except where one of this project's policies
(`docs/prose.md`) says otherwise; those examples are named below, one by one, with the policy.
Comparing with pulldown-cmark's own text events would test the parser against itself.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from glossary_lsp.text.prose import markdown_prose

SPEC_NAME = "spec-0.31.2.txt"
_FENCE = "`" * 32
_WORD = re.compile(r"\w")

URL = "bare URLs and autolinks are not prose"
PATH = "file paths (`/url`, `/uri` in literal text) are not prose"
ENTITY = "character references (`&AElig;`, `&#1234;`) are not prose"

POLICIES: dict[int, str] = {
    14: PATH,  # `\[not a link](/foo)`: the literal `/foo`
    20: URL,
    25: ENTITY,
    26: ENTITY,
    27: ENTITY,
    199: PATH,
    211: PATH,
    215: PATH,
    348: URL,
    482: URL,
    483: URL,
    490: PATH,
    510: PATH,
    513: PATH,
    515: PATH,
    520: PATH,
    521: PATH,
    528: URL,
    540: URL,
    548: PATH,
    549: PATH,
    550: PATH,
    553: PATH,
    554: PATH,
    592: PATH,
    596: URL,
    597: URL,
    598: URL,
    599: URL,
    600: URL,
    601: URL,
    602: URL,
    603: URL,
    604: URL,
    605: URL,
    606: URL,
    607: URL,
    608: URL,
    610: URL,
    613: URL,
    614: URL,
    626: PATH,  # `</a href="foo">` is text; `/a` reads as a path
}
# Disagreements that no policy explains (the target: at most 5).
KNOWN: dict[int, str] = {
    148: "a `<pre>` opened in one HTML block still holds the next block's text in a browser; "
    "we read each HTML block on its own",
    628: "the reference's own reading: Python's HTMLParser takes `<!-->` as opening a comment, "
    "HTML5 (and pulldown-cmark) as a whole empty one, so ` foo -->` is text",
}


def spec_path() -> Path:
    """$COMMONMARK_SPEC, else the shared copy beside the clone (CI), else the one in tests/."""
    root = Path(__file__).resolve().parent.parent
    candidates = [
        os.environ.get("COMMONMARK_SPEC"),
        root.parent / "shared" / "commonmark" / SPEC_NAME,
        root / "tests" / "data" / "commonmark" / SPEC_NAME,
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail(f"no CommonMark spec found (looked at {candidates})")


def spec_examples(path: Path) -> list[tuple[int, str, str]]:
    """(number, Markdown, expected HTML) of every example, tabs restored."""
    examples = []
    lines = iter(path.read_text(encoding="utf-8").splitlines(keepends=True))
    for line in lines:
        if not line.startswith(_FENCE + " example"):
            continue
        markdown, expected = [], []
        for part in (markdown, expected):
            for inner in lines:
                if inner == ".\n" and part is markdown or inner.startswith(_FENCE):
                    break
                part.append(inner)
        number = len(examples) + 1
        examples.append((number, "".join(markdown).replace("→", "\t"), "".join(expected)))
    return examples


class _VisibleText(HTMLParser):
    HIDDEN = {"code", "pre", "script", "style", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def reference_words(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html.replace("→", "\t"))
    parser.close()
    return "".join(_WORD.findall("".join(parser.parts)))


def prose_words(markdown: str) -> str:
    return "".join("".join(_WORD.findall(markdown[a:b])) for a, b in markdown_prose(markdown))


EXAMPLES = spec_examples(spec_path())


def test_all_655_examples_are_read() -> None:
    assert len(EXAMPLES) == 655
    assert EXAMPLES[0][1] == "\tfoo\tbaz\t\tbim\n"


def test_disagreements_are_exactly_the_named_ones() -> None:
    disagreeing = {
        number
        for number, markdown, html in EXAMPLES
        if reference_words(html) != prose_words(markdown)
    }
    assert sorted(disagreeing - POLICIES.keys() - KNOWN.keys()) == []
    assert sorted((POLICIES.keys() | KNOWN.keys()) - disagreeing) == []  # keep the list honest
    assert len(KNOWN) <= 5


@pytest.mark.parametrize("number", sorted(POLICIES))
def test_policy_examples_lose_only_what_the_policy_removes(number: int) -> None:
    """Prose never gains words the reference does not have: a policy only takes away."""
    _, markdown, html = EXAMPLES[number - 1]
    reference = reference_words(html)
    ours = prose_words(markdown)
    position = 0
    for char in ours:  # ours is a subsequence of the reference
        position = reference.find(char, position) + 1
        assert position, (number, POLICIES[number], ours, reference)

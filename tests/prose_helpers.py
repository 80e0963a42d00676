"""Helpers for the prose policy tests: what of a Markdown text is prose."""

from __future__ import annotations

from glossary_lsp.text.prose import analyse_markdown


def prose_of(text: str, mdx: bool = False) -> str:
    """The prose of `text`, spans joined by `|`."""
    return "|".join(text[start:end] for start, end in analyse_markdown(text, mdx=mdx).spans)


def words_of(text: str, mdx: bool = False) -> list[str]:
    """The words of the prose of `text`, in order."""
    return prose_of(text, mdx).replace("|", " ").split()


def in_prose(text: str, word: str, occurrence: int = 0, mdx: bool = False) -> bool:
    """Whether the `occurrence`-th `word` in `text` lies wholly in one prose span."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    spans = analyse_markdown(text, mdx=mdx).spans
    return any(a <= start and start + len(word) <= b for a, b in spans)

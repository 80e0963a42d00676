"""Prose in code: the text of comments (after the comment marker); strings are skipped."""

from __future__ import annotations

import re

C_LIKE_LANGUAGES = {
    "javascript", "typescript", "javascriptreact", "typescriptreact", "java", "c", "cpp",
    "csharp", "go", "rust", "scala", "kotlin", "swift", "dart",
}  # fmt: skip

_HASH_COMMENTS = re.compile(
    r"""(?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?))"""
    r"""|(?P<comment>\#[^\r\n]*)"""
)
_SLASH_COMMENTS = re.compile(
    r"""(?P<string>'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?|`(?:[^`\\]|\\.)*`?)"""
    r"""|(?P<comment>//[^\r\n]*|/\*[\s\S]*?(?:\*/|\Z))"""
)
_COMMENT_MARKS = re.compile(r"(?:#|//+|/\*+)[ \t]*")


def comment_prose(text: str, language: str = "python") -> list[tuple[int, int]]:
    """The text of comments in code (after the comment marker); strings are skipped."""
    scanner = _SLASH_COMMENTS if language in C_LIKE_LANGUAGES else _HASH_COMMENTS
    spans = []
    for found in scanner.finditer(text):
        if found.lastgroup != "comment":
            continue
        marks = _COMMENT_MARKS.match(text, found.start())
        start = marks.end() if marks else found.start()
        end = (
            found.end() - 2
            if found.group().startswith("/*") and found.group().endswith("*/")
            else found.end()
        )
        if start < end:
            spans.append((start, end))
    return spans

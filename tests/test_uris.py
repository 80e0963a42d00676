"""File paths ↔ URIs, as the request path asks them again and again."""

from __future__ import annotations

from pathlib import Path

from glossary_lsp.text.uris import path_to_uri, uri_to_path


def test_a_uri_is_read_once_and_its_path_remembered() -> None:
    uri = "file:///course/05%20distributed/lesson.md"
    first = uri_to_path(uri)
    assert first == Path("/course/05 distributed/lesson.md")
    assert uri_to_path(uri) is first
    assert uri_to_path("untitled:Untitled-1") is None
    assert path_to_uri(first) == uri

"""Looking for glossary sources decodes only the files that hold a string some source's test
asks for (each reader's `SourceTest` markers, `sources.source_markers`): the answer is the one
decoding every file gives (issue 17: the walk runs on the event loop as a session starts)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary_lsp.glossary.sources import KINDS, may_define_terms
from glossary_lsp.glossary.store import is_source_file

NAMES = ("lesson.md", "notes.markdown", "page.mdx", "terms.rst", "myst.yml", "x.glossary.yml")
FRAGMENTS = (
    "---\n",
    "abbreviations:\n  HTML: Hyper Text\n",
    "abbreviations",
    "```{glossary}\nTerm\n: A definition.\n```\n",
    "{glossary}",
    "```{eval-rst}\n",
    ".. glossary::\n\n   Term\n      A definition.\n",
    "*[HTML]: Hyper Text Markup Language\n",
    "*[",
    "glossary",
    "Plain words, some *emphasis* and [a link](x.md).\n",
    "é ü 中文 ",
    "\ufeff",
)
RAW = (b"", b"\xff", b"\xe2\x82", b"\xc3(", b"\x80abbreviations:")


def is_source_by_decoding(path: Path, kinds: tuple[str, ...]) -> bool:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return path.name != "glossary.yaml" and may_define_terms(path.name, text, kinds)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    parts=st.lists(
        st.one_of(st.sampled_from(FRAGMENTS).map(str.encode), st.sampled_from(RAW)), max_size=8
    ),
    kinds=st.sets(st.sampled_from(KINDS)).map(tuple),
)
def test_the_prefilter_answers_as_decoding_every_file(
    name: str, parts: list[bytes], kinds: tuple[str, ...]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(b"".join(parts))
        assert is_source_file(path, kinds) == is_source_by_decoding(path, kinds)


def test_each_family_still_finds_its_sources(tmp_path: Path) -> None:
    sources = {
        "a.md": "```{glossary}\nTerm\n: A definition.\n```\n",
        "b.md": "---\nabbreviations:\n  HTML: Hyper Text Markup Language\n---\n# B\n",
        "c.md": "```{eval-rst}\n.. glossary::\n\n   Term\n      A definition.\n```\n",
        "d.md": "# D\n\nUses HTML.\n\n*[HTML]: Hyper Text Markup Language\n",
        "e.rst": ".. glossary::\n\n   Term\n      A definition.\n",
        "myst.yml": "project:\n  abbreviations:\n    HTML: Hyper Text Markup Language\n",
    }
    for name, text in sources.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert is_source_file(path), name
    plain = tmp_path / "f.md"
    plain.write_text("# F\n\nA glossary of *terms* in [a list](a.md).\n", encoding="utf-8")
    assert not is_source_file(plain)

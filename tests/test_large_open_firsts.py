"""A large open module edited, before the index's refresh: its first sightings are found once
for the text it has now, not by matching the whole module again for every term (issue 17, bad
input: 1 MB of terms took minutes for the analysis after an edit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_helpers import GLOSSARY, write_course

from glossary_lsp import matching
from glossary_lsp.course.module_terms import KINDS
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.matching import remembers_spans

PARAGRAPHS = [
    "We train with FSDP and PyTorch on HBM.",
    "## LayerNorm\n\nLayer normalization keeps activations in range.",
    "See [the KV cache](03-serving.md) later; FlashAttention is fused.",
    "An Embedding is a vector; in-flight batching helps serving.",
]


def large_text(paragraphs: int) -> str:
    body = "\n\n".join(PARAGRAPHS[number % len(PARAGRAPHS)] for number in range(paragraphs))
    return f"# Scaling\n\n{body}\n"


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A large module open in the editor, indexed with its first text, then edited (the
    editor's text is the new one, the index not refreshed yet). Large from 10,000 characters
    here, not 200,000: the same path, a tenth of the work."""
    monkeypatch.setattr(matching, "_REMEMBER_SPANS_OF_TEXTS_FROM", 10_000)
    before = large_text(370)
    assert remembers_spans(before)
    root = write_course(
        tmp_path / "course", {"01-intro.md": "# Intro\n\nPyTorch.\n", "02-scaling.md": before}
    )
    path = root / "02-scaling.md"
    editor: dict[Path, str] = {}
    version = GlossaryVersion.build(load_glossary_text(GLOSSARY, str(root / "glossary.yaml")))
    index = WorkspaceIndex([root], matcher=version.matcher, open_source=editor.get)
    index.scan()
    editor[path] = before
    index.update(path, before)
    after = before.replace(
        "# Scaling\n\n",
        "# Scaling\n\nHBM (High Bandwidth Memory) first. The KV cache (key-value cache) too.\n\n",
    )
    editor[path] = after
    module = index.module_at(path)
    assert module is not None and module.firsts is not None
    return version, index, module, editor


def test_the_sightings_are_those_of_the_text_the_editor_has(edited) -> None:
    version, index, module, editor = edited
    root = module.path.parent
    refreshed = WorkspaceIndex([root], matcher=version.matcher, open_source=editor.get)
    refreshed.scan()
    refreshed.update(module.path, editor[module.path])
    read_again = refreshed.module_at(module.path)
    assert read_again is not None and read_again.firsts is not None
    for term in version.glossary.terms:
        for kind in KINDS:
            now = refreshed.first_sighting(term, read_again, kind)
            assert index.first_sighting(term, module, kind) == now


def test_the_module_is_classified_once_for_every_term_asked(edited, monkeypatch) -> None:
    version, index, module, _editor = edited
    asked: list[str] = []
    real = index._term_matches

    def counting(view, term):  # noqa: ANN001, ANN202 - the index's own
        asked.append(term.term)
        return real(view, term)

    monkeypatch.setattr(index, "_term_matches", counting)
    found = {
        (term.term, kind): index.first_sighting(term, module, kind)
        for term in version.glossary.terms
        for kind in KINDS
    }
    assert asked == []
    hbm = found[("HBM", "defined")]
    assert hbm is not None and hbm.defined and hbm.start < 40  # the edit's, not the old text's

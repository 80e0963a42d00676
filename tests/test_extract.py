"""`glossary-lsp extract` and the candidate finder behind it."""

from __future__ import annotations

from pathlib import Path

from course_helpers import build, notebook, write_course

from glossary_lsp.cli import main
from glossary_lsp.features.diagnostics import RuleSettings
from glossary_lsp.features.extract import candidates_yaml, extract_candidates
from glossary_lsp.glossary.loader import load_glossaries, load_glossary_text
from glossary_lsp.settings import Settings

REPO = Path(__file__).resolve().parents[1]
COURSE = {
    "01-basics.md": "# Basics and Titles\n\n"
    "The SRAM is small, so Adam works and Megatron shards. NVLink links GPUs in English.\n\n"
    "```python\nQQQ = 1  # code is not prose\n```\n",
    "02-more.md": "# More\n\nMore SRAMs, with Adam again, and GPT-4. Then Megatron too, in "
    "English. Small is small.\n\nThe FSDP and PyTorch terms are known; PDF and GPU are everyday.\n",
    "03-nb.ipynb": notebook(("markdown", "SRAM in a notebook, with InfiniBand.\n")),
}


def test_candidates_shapes_counts_and_order(tmp_path):
    root = write_course(tmp_path / "course", COURSE)
    version, index = build(root)
    candidates = extract_candidates(version, index, RuleSettings.from_settings())
    summary = [(c.name, c.kind, c.count, [m.path.name for m in c.modules]) for c in candidates]
    assert summary == [
        ("SRAM", "acronym", 3, ["01-basics.md", "02-more.md", "03-nb.ipynb"]),
        ("Adam", "proper name", 2, ["01-basics.md", "02-more.md"]),
        ("Megatron", "proper name", 2, ["01-basics.md", "02-more.md"]),
        ("NVLink", "name", 1, ["01-basics.md"]),
        ("GPT-4", "name", 1, ["02-more.md"]),
        ("InfiniBand", "name", 1, ["03-nb.ipynb"]),
    ]
    assert candidates[0].context == "The SRAM is small, so Adam works and Megatron shards."
    ignored = extract_candidates(
        version, index, RuleSettings.from_settings(Settings(ignore=("SRAM",)))
    )
    assert [c.name for c in ignored][:2] == ["Adam", "Megatron"]


def test_yaml_loads_and_names_known_modules_only(tmp_path):
    root = write_course(tmp_path / "course", COURSE)
    version, index = build(root)
    candidates = extract_candidates(version, index, RuleSettings.from_settings())
    text = candidates_yaml(version, candidates, "course")
    loaded = load_glossary_text(text, "candidates.yaml", known_modules=version.glossary.modules)
    assert [term.term for term in loaded] == [c.name for c in candidates]
    assert all(term.inferred for term in loaded)
    sram = loaded.lookup("SRAM")
    assert sram.module == "basics" and sram.contexts == (candidates[0].context,)
    assert loaded.lookup("InfiniBand").module is None  # module `nb` is not in the glossary
    assert "  - term: SRAM  # 3 uses in 3 modules, first in 01-basics.md" in text.splitlines()


def test_extract_command_writes_a_file(tmp_path, capsys):
    root = write_course(tmp_path / "course", COURSE)
    output = tmp_path / "candidates.yaml"
    status = main(["extract", str(root), "--no-bundled", "-o", str(output), "--min-count", "2"])
    assert status == 0
    loaded = load_glossary_text(output.read_text(encoding="utf-8"), "c.yaml", ["basics"])
    assert [term.term for term in loaded] == ["SRAM", "Adam", "Megatron"]
    assert "3 candidates written" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "nothing-here")]) == 2


def test_extract_on_the_sample_course(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["extract", "examples/course"]) == 0
    text = capsys.readouterr().out
    names = [line.split()[2] for line in text.splitlines() if line.startswith("  - term:")]
    # GloVe is in no glossary; SRAM and FSDP are bundled terms, English an everyday word
    assert "GloVe" in names and "SRAM" not in names and "FSDP" not in names
    assert "English" not in names
    glossary, _ = load_glossaries([REPO / "examples" / "course" / "glossary.yaml"])
    load_glossary_text(text, "candidates.yaml", known_modules=glossary.modules)

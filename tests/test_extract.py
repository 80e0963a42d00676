"""`glossary-lsp extract` and the candidate finder behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_helpers import build, notebook, write_course

from glossary_lsp.cli import main
from glossary_lsp.features.diagnostics import RuleSettings
from glossary_lsp.features.extract import candidates_yaml, extract_candidates, spelled_by_initials
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
    # by score: spread (uses, modules) + shape; `Adam` is a person's name the glossary never
    # mentions (see the next test)
    assert summary == [
        ("SRAM", "acronym", 3, ["01-basics.md", "02-more.md", "03-nb.ipynb"]),
        ("Megatron", "proper name", 2, ["01-basics.md", "02-more.md"]),
        ("NVLink", "name", 1, ["01-basics.md"]),
        ("GPT-4", "name", 1, ["02-more.md"]),
        ("InfiniBand", "name", 1, ["03-nb.ipynb"]),
    ]
    assert [c.score for c in candidates] == [6.0, 3.2, 3.0, 3.0, 3.0]
    assert candidates[0].context == "The SRAM is small, so Adam works and Megatron shards."
    ignored = extract_candidates(
        version, index, RuleSettings.from_settings(Settings(ignore=("SRAM",)))
    )
    assert [c.name for c in ignored][:1] == ["Megatron"]


def test_a_known_name_is_kept_when_the_glossary_speaks_of_it(tmp_path):
    root = write_course(tmp_path / "course", COURSE)
    glossary = (root / "glossary.yaml").read_text(encoding="utf-8")
    glossary += "  - term: AdamW\n    definition: Adam with decoupled weight decay.\n"
    version, index = build(root, glossary)
    names = [c.name for c in extract_candidates(version, index, RuleSettings.from_settings())]
    assert "Adam" in names


def test_junk_is_left_out_and_expansions_are_proposed(tmp_path):
    banner = "Course notes by Jane Quillfeather, see the book.\n\n"
    files = {
        f"{n:02d}-part/README.md": f"# Part {n}\n\n{banner}Quillfeather wrote this part.\n"
        for n in range(1, 4)
    }
    files["01-part/README.md"] += (
        "\n> [!TIP]\n> Read the NOTES first.\n\n"
        "The Model FLOPS Utilization (MFU) metric compares work done to the peak.\n"
        "We also use the KQV (key query value) layout and the Org/Model-7B checkpoint.\n"
        "Load weights_file.bin and SomeLib.from_pretrained 🙂.\n"
    )
    files["02-part/README.md"] += "Then MFU again, and KQV again, and GitHub for the code.\n"
    root = write_course(tmp_path / "course", files)
    version, index = build(root)
    candidates = extract_candidates(version, index, RuleSettings.from_settings())
    by_name = {c.name: c for c in candidates}
    assert set(by_name) == {"MFU", "KQV"}  # no TIP, NOTES, banner name, identifiers, vendor
    assert by_name["MFU"].expansion == "Model FLOPS Utilization"
    assert by_name["KQV"].expansion == "key query value"
    text = candidates_yaml(version, candidates, "course", index)
    assert "first in 01-part/README.md" in text
    assert "    expansion: Model FLOPS Utilization" in text.splitlines()


@pytest.mark.parametrize(
    ("words", "acronym", "anchored", "expected"),
    [
        ("The Model FLOPS Utilization", "MFU", False, "Model FLOPS Utilization"),
        ("based on Retrieval-Augmented Generation", "RAG", False, "Retrieval-Augmented Generation"),
        ("a Mixture of Experts", "MoE", False, "Mixture of Experts"),
        ("Something else entirely", "MFU", False, ""),
        ("key query value", "KQV", True, "key query value"),
        ("key query value layout", "KQV", True, ""),
    ],
)
def test_spelled_by_initials(words, acronym, anchored, expected):
    assert spelled_by_initials(words, acronym, anchored_end=anchored) == expected


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
    text = candidates_yaml(version, candidates, "course", index)
    assert (
        "  - term: SRAM  # score 6.0: 3 uses in 3 modules, acronym; first in 01-basics.md"
        in text.splitlines()
    )


def test_extract_command_writes_a_file(tmp_path, capsys):
    root = write_course(tmp_path / "course", COURSE)
    output = tmp_path / "candidates.yaml"
    status = main(["extract", str(root), "--no-bundled", "-o", str(output), "--min-count", "2"])
    assert status == 0
    loaded = load_glossary_text(output.read_text(encoding="utf-8"), "c.yaml", ["basics"])
    assert [term.term for term in loaded] == ["SRAM", "Megatron"]
    assert "2 candidates written" in capsys.readouterr().err
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

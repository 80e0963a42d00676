"""The seed importer: line classification, debris cleanup, orphan attribution, YAML output, CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from test_seed_accounting import find_seed

from glossary_lsp.cli import main
from glossary_lsp.glossary.importer import (
    CHROME,
    HEADING,
    MODULE,
    SNIPPET,
    TERM,
    classify_lines,
    clean_snippet,
    dump_glossary_yaml,
    import_seed_text,
    infer_term,
    module_id,
    parse_module_line,
)
from glossary_lsp.glossary.loader import load_glossary_text

SEED_TERMS = [
    "BatchNorm",
    "BERT",
    "BLEU",
    "ChatGPT",
    "CLAUDE",
    "DeepSeek",
    "DRAM",
    "FlashAttention",
    "FLOP",
    "GEMM",
    "GPTQ",
    "HuggingFace",
    "HumanEval",
    "ImageNet",
    "InfiniBand",
    "InstructGPT",
    "LayerNorm",
    "NotebookLM",
    "NVIDIA",
    "PagedAttention",
    "PreToolUse",
    "PyTorch",
    "QueryEngine",
    "ReLU",
    "SwiGLU",
    "TFLOP",
    "TFLOPS",
    "TTFT",
    "VRAM",
    "YouTube",
]

SMALL_SEED = """\
Glossary
Auto-extracted from all 2 modules.
LLM-friendly plain text at /glossary-data.txt
D
DDP (DistributedDataParallel) replicates the entire model on each GPU.
DDP, ZeRO, FSDP — training across thousands of GPUs
Small model drafts, big model verifies — parallel generation
I
InfiniBand
🖥️ Distributed Training →DDP, ZeRO, FSDP — training across thousands of GPUs
N
NotebookLM
🔭 Case: Design Perplexity →/module/dr-case-notebooklm text-accent underline Company Lens
W
Weights are tied.
"""


@pytest.fixture(scope="module")
def seed_text() -> str:
    return find_seed().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(seed_text) -> dict:
    return import_seed_text(seed_text)


def contexts(entry: dict) -> list[str]:
    context = entry.get("context") or []
    return [context] if isinstance(context, str) else context


# --- cleaning ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "/module/dr-case-notebooklm text-accent underline underline-offset-2 Company Lens — "
            "same design rounded-lg border border-border bg-card p-4 Retrieval q...",
            "Company Lens — same design Retrieval q...",
        ),
        (
            "opt-sgd-vs-adam-generalization Training a ResNet-50 on ImageNet.",
            "Training a ResNet-50 on ImageNet.",
        ),
        ("Anthropic s CAI paper (Bai et al.", "Anthropic's CAI paper (Bai et al."),
        ("BERT s attention; GPT-2 s causal mask.", "BERT's attention; GPT-2's causal mask."),
        # ordinary hyphenated words and lone class-like words are text, not debris
        ("Text-level NSFW / policy check", "Text-level NSFW / policy check"),
        ("writes go to a copy-on-write layer", "writes go to a copy-on-write layer"),
        ("a border case with underline text", "a border case with underline text"),
        ("timeout is 5 s per tool", "timeout is 5 s per tool"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_clean_snippet(raw, clean):
    assert clean_snippet(raw) == clean


@pytest.mark.parametrize(
    ("title", "identifier"),
    [
        ("Fine-tuning & LoRA", "fine-tuning-lora"),
        ("Case: Design Perplexity", "case-design-perplexity"),
        ("SFT & Post-Training Pipeline", "sft-post-training-pipeline"),
        ("Self-Attention", "self-attention"),
    ],
)
def test_module_id_is_kebab_case_of_the_title(title, identifier):
    assert module_id(title) == identifier


# --- classification ----------------------------------------------------------------------------


def test_module_lines_keep_their_emoji_exactly():
    assert parse_module_line("🖥️ Distributed Training →DDP, ZeRO") == (
        "🖥️",
        "Distributed Training",
        "DDP, ZeRO",
    )
    assert parse_module_line("🤖 Agents & ReAct →Think → Act → Observe") == (
        "🤖",
        "Agents & ReAct",
        "Think → Act → Observe",
    )


@pytest.mark.parametrize(
    "line",
    [
        "(2) Online: embed query, ANN search (top-k=20), rerank.",
        "Think → Act → Observe — the reasoning loop",
        "~125 TFLOPS effective → more",
    ],
)
def test_snippets_with_arrows_are_not_module_lines(line):
    assert parse_module_line(line) is None


def test_classification_of_a_small_page():
    kinds = [(line.kind, line.letter) for line in classify_lines(SMALL_SEED.splitlines())]
    assert kinds == [
        (CHROME, ""),
        (CHROME, ""),
        (CHROME, ""),
        (HEADING, "D"),
        (SNIPPET, "D"),
        (SNIPPET, "D"),
        (SNIPPET, "D"),
        (HEADING, "I"),
        (TERM, "I"),
        (MODULE, "I"),
        (HEADING, "N"),
        (TERM, "N"),
        (MODULE, "N"),
        (HEADING, "W"),
        (SNIPPET, "W"),
    ]


def test_the_seed_term_lines_are_found(seed_text):
    terms = [line.text for line in classify_lines(seed_text.splitlines()) if line.kind == TERM]
    assert terms == SEED_TERMS


# --- attribution -------------------------------------------------------------------------------


def test_a_small_page_is_imported_with_every_line_placed():
    document = import_seed_text(SMALL_SEED)
    modules = {module["id"]: module for module in document["modules"]}
    assert modules["distributed-training"] == {
        "id": "distributed-training",
        "title": "Distributed Training",
        "emoji": "🖥️",
        "subtitle": "DDP, ZeRO, FSDP — training across thousands of GPUs",
    }
    terms = {entry["term"]: entry for entry in document["terms"]}
    assert terms["InfiniBand"] == {"term": "InfiniBand", "module": "distributed-training"}
    assert terms["NotebookLM"]["context"] == "Company Lens"
    assert terms["DDP"] == {
        "term": "DDP",
        "expansion": "DistributedDataParallel",
        "context": "DDP (DistributedDataParallel) replicates the entire model on each GPU.",
        "inferred": True,
    }
    assert document["unattributed"] == [
        {"letter": "D", "text": "Small model drafts, big model verifies — parallel generation"},
        {"letter": "W", "text": "Weights are tied."},
    ]


@pytest.mark.parametrize(
    ("snippet", "letter", "expected"),
    [
        (
            "GRPO (Group Relative Policy Optimization) replaces the learned value function.",
            "G",
            ("GRPO", "Group Relative Policy Optimization"),
        ),
        (
            "LIMA (Less Is More for Alignment, 2023) showed that",
            "L",
            ("LIMA", "Less Is More for Alignment"),
        ),
        ("Quality loss is 1–3% on typical benchmarks (GPTQ, AWQ).", "A", ("AWQ", "")),
        ("report +2pp accuracy on ImageNet with ViT-G/14 CLIP fine-tunes", "C", ("CLIP", "")),
        ("But word order matters ('dog bites man').", "G", None),
    ],
)
def test_orphan_snippets_name_a_term_of_their_letter(snippet, letter, expected):
    assert infer_term(snippet, letter) == expected


def test_every_seed_term_line_becomes_a_term_with_its_module(seed_text, imported):
    lines = classify_lines(seed_text.splitlines())
    terms = {entry["term"]: entry for entry in imported["terms"]}
    for position, line in enumerate(lines):
        if line.kind == TERM:
            module_line = lines[position + 1]
            assert terms[line.text]["module"] == module_id(module_line.title)
            assert "inferred" not in terms[line.text]


def test_every_seed_line_is_in_the_output(seed_text, imported):
    modules = {(m["emoji"], m["title"]): m for m in imported["modules"]}
    terms = {entry["term"]: entry for entry in imported["terms"]}
    all_contexts = {text for entry in imported["terms"] for text in contexts(entry)}
    subtitles = {m.get("subtitle") for m in imported["modules"]}
    unattributed = {(u["letter"], u["text"]) for u in imported["unattributed"]}
    lines = classify_lines(seed_text.splitlines())
    for position, line in enumerate(lines):
        snippet = clean_snippet(line.snippet)
        if line.kind == TERM:
            assert line.text in terms
        elif line.kind == MODULE:
            module = modules[(line.emoji, line.title)]
            owner = terms[lines[position - 1].text]
            assert snippet in contexts(owner) or snippet == module.get("subtitle"), line.number
        elif line.kind == SNIPPET:
            placed = snippet in all_contexts or snippet in subtitles
            assert placed or (line.letter, snippet) in unattributed, line.number


def test_subtitles_are_not_made_into_term_context(imported):
    terms = {entry["term"]: entry for entry in imported["terms"]}
    assert "context" not in terms["BLEU"]
    assert "context" not in terms["InfiniBand"]
    modules = {m["id"]: m for m in imported["modules"]}
    assert (
        modules["tokenization"]["subtitle"]
        == "BPE, vocabulary size, and why GPT can't count letters"
    )


# --- output ------------------------------------------------------------------------------------


def test_the_yaml_round_trips_and_loads_as_schema_v1(imported):
    text = dump_glossary_yaml(imported)
    assert yaml.safe_load(text) == imported
    assert "🖥️" in text  # emoji are written as themselves, variation selector included
    glossary = load_glossary_text(text, "imported.yaml")
    assert len(glossary) == len(imported["terms"])
    assert len(glossary.unattributed) == len(imported["unattributed"])


def test_cli_prints_yaml(capsys):
    seed = find_seed()
    assert main(["import", str(seed)]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["version"] == 1
    assert {"FSDP", "GRPO", "VRAM"} <= {entry["term"] for entry in printed["terms"]}


def test_cli_writes_the_output_file(tmp_path, capsys):
    output = tmp_path / "glossary.yaml"
    assert main(["import", str(find_seed()), "-o", str(output)]) == 0
    assert capsys.readouterr().out == ""
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"A\n\xff\xfe broken\n", "not valid UTF-8")],
)
def test_cli_errors_are_one_line_naming_the_file(tmp_path, content, message):
    path = tmp_path / "seed.txt"
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "glossary_lsp", "import", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_an_unwritable_output(tmp_path, capsys):
    output = tmp_path / "missing-dir" / "glossary.yaml"
    assert main(["import", str(find_seed()), "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert str(output) in error and error.count("\n") == 1

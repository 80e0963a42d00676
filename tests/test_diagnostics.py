"""The course diagnostics rules, on small courses written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_helpers import GLOSSARY, apply_edits, build, notebook, write_course

from glossary_lsp.course.defining import written_with_expansion
from glossary_lsp.features.code_actions import (
    glossary_entry_change,
    ignore_change,
    parse_ignore_file,
    quick_fixes,
    yaml_scalar,
)
from glossary_lsp.features.definition import term_value_span
from glossary_lsp.features.diagnostics import (
    CourseDiagnostics,
    RuleSettings,
    at_sentence_start,
    expansion_for,
    glossary_findings,
    sentence_around,
)
from glossary_lsp.glossary.loader import LoadProblem, load_glossary_text
from glossary_lsp.glossary.model import Term
from glossary_lsp.settings import Settings
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex


def findings_by_file(root: Path, settings: Settings | None = None, extra_ignore=()):
    version, index = build(root)
    rules = RuleSettings.from_settings(settings, extra_ignore)
    results = CourseDiagnostics().workspace(version, index, rules)
    out = {}
    for path, findings in results.items():
        source = path.read_text(encoding="utf-8")
        out[path.name] = [(f.rule, source[f.start : f.end], f) for f in findings]
    return out


def rules_of(found, rule):
    return [surface for name, surface, _ in found if name == rule]


# ------------------------------------------------------------------------- usedBeforeIntroduced


def test_used_before_the_glossary_module_introduces_it(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-basics.md": "# Basics\n\nSharding such as FSDP saves memory. FSDP again.\n",
            "02-training.md": "# 🖥️ Training\n\n**Fully Sharded Data Parallel (FSDP)** shards.\n",
        },
    )
    found = findings_by_file(root)
    early = [f for rule, _, f in found["01-basics.md"] if rule == "usedBeforeIntroduced"]
    assert len(early) == 1  # one per term and module, at the first use
    finding = early[0]
    assert finding.severity == "warning"
    assert "🖥️ Training" in finding.message and "02-training.md" in finding.message
    (related,) = finding.related
    assert related.target.path.name == "02-training.md"
    text = related.target.path.read_text(encoding="utf-8")
    assert text[related.target.start : related.target.end] == "FSDP"
    assert rules_of(found["02-training.md"], "usedBeforeIntroduced") == []


def test_introduction_by_expansion_when_the_glossary_names_no_module(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# A\n\nThe weights live in HBM.\n",
            "02-b.md": "# B\n\nHigh Bandwidth Memory (HBM) is fast.\n",
            "03-c.md": "# C\n\nHBM again.\n",
        },
    )
    found = findings_by_file(root)
    assert rules_of(found["01-a.md"], "usedBeforeIntroduced") == ["HBM"]
    (finding,) = [f for rule, _, f in found["01-a.md"] if rule == "usedBeforeIntroduced"]
    assert "B (02-b.md)" in finding.message  # no glossary module: the module's own title
    assert rules_of(found["03-c.md"], "usedBeforeIntroduced") == []


def test_no_introduction_anywhere_means_no_used_before_finding(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nHBM.\n", "02-b.md": "# B\n\nHBM.\n"})
    found = findings_by_file(root)
    assert rules_of(found["01-a.md"], "usedBeforeIntroduced") == []


# --------------------------------------------------------------------------- acronymNotExpanded


def test_first_use_without_expansion_is_reported_once_in_the_course(tmp_path):
    root = write_course(
        tmp_path,
        {"01-a.md": "# A\n\nWeights sit in HBM. More HBM.\n", "02-b.md": "# B\n\nHBM.\n"},
    )
    found = findings_by_file(root)
    (finding,) = [f for rule, _, f in found["01-a.md"] if rule == "acronymNotExpanded"]
    assert finding.severity == "information"
    assert finding.data["insert"] == " (High Bandwidth Memory)"
    assert rules_of(found["02-b.md"], "acronymNotExpanded") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "High Bandwidth Memory (HBM) is fast.",
        "HBM (High Bandwidth Memory) is fast.",
        "**High bandwidth memory (HBM)** is fast.",
        "high-bandwidth memory (HBM) is fast.",
        "HBM (high bandwidth memory, on the package) is fast.",
    ],
)
def test_expanded_first_use_is_accepted(tmp_path, sentence):
    root = write_course(tmp_path, {"01-a.md": f"# A\n\n{sentence}\n"})
    assert rules_of(findings_by_file(root)["01-a.md"], "acronymNotExpanded") == []


def test_written_with_expansion_needs_the_expansion_next_to_the_acronym():
    text = "High Bandwidth Memory is big. Then (HBM) appears."
    start = text.index("HBM")
    assert not written_with_expansion(text, start, start + 3, "High Bandwidth Memory")


# ------------------------------------------------------------------------------ unknownAcronym


def test_unknown_acronyms_once_per_module_with_ignore_lists(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# A\n\nSRAM is on chip; SRAMs are small. Save as PDF. Try MMLU and XYZ.\n"
            "Also in words like SRAMBank or sram no.\n",
        },
    )
    found = findings_by_file(root, Settings(ignore=("MMLU",)), extra_ignore=["XYZ"])
    assert rules_of(found["01-a.md"], "unknownAcronym") == ["SRAM"]
    (finding,) = [f for rule, _, f in found["01-a.md"] if rule == "unknownAcronym"]
    assert finding.data["acronym"] == "SRAM"
    assert finding.data["context"] == "SRAM is on chip; SRAMs are small."


def test_known_terms_are_not_unknown_acronyms(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nHBM (High Bandwidth Memory) and FSDPs.\n"})
    assert rules_of(findings_by_file(root)["01-a.md"], "unknownAcronym") == []


# ------------------------------------------------------------------------ nonCanonicalSpelling


def test_noncanonical_spellings_and_their_replacements(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# A\n\nWe use Pytorch with Flash Attention, a Layernorm and a "
            "FlashAtention kernel, and pytorch.\n",
        },
    )
    found = [(s, f.data["replacement"]) for r, s, f in findings_by_file(root)["01-a.md"]]
    assert found == [
        ("Pytorch", "PyTorch"),
        ("Flash Attention", "FlashAttention"),
        ("Layernorm", "LayerNorm"),
        ("FlashAtention", "FlashAttention"),
        ("pytorch", "PyTorch"),
    ]


def test_canonical_spellings_aliases_plurals_and_sentence_case_are_fine(tmp_path):
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# Embeddings and Layer Normalization\n\n"
            "Embeddings are vectors. We use PyTorch, a LayerNorm, layer normalization, "
            "FlashAttention, in-flight batching and continuous batching.\n"
            "Continuous Batching in a title. The KV\ncache spans lines.\n",
        },
    )
    found = findings_by_file(root)["01-a.md"]
    assert rules_of(found, "nonCanonicalSpelling") == []


def test_plain_english_near_a_glossary_name_is_not_flagged(tmp_path):
    glossary = GLOSSARY + (
        "  - term: Transformer\n  - term: Tokenizer\n"
        "  - term: ZeRO\n    expansion: Zero Redundancy Optimizer\n    case_sensitive: true\n"
        "  - term: BPE\n    expansion: Byte Pair Encoding\n    aliases: [byte-pair encoding]\n"
    )
    root = write_course(
        tmp_path,
        {
            "01-a.md": "# A\n\nThe Transformers library ships Tokenizers; my tokenizers work.\n"
            "The Zero Redundancy Optimizer (ZeRO) leaves Zero copies. Byte Pair Encoding (BPE).\n"
        },
        glossary,
    )
    assert rules_of(findings_by_file(root)["01-a.md"], "nonCanonicalSpelling") == []


# ---------------------------------------------------------------------------------- prose only


def test_nothing_is_reported_outside_prose(tmp_path):
    markdown = (
        "---\ntitle: SRAM Pytorch HBM\n---\n\n# A\n\n"
        "Inline `SRAM Pytorch HBM` code, a link [text](https://x.org/SRAM/Pytorch/HBM) and "
        "<https://HBM.org/SRAM>.\n\n"
        "```python\nSRAM = Pytorch(HBM)\n```\n\n"
        "    SRAM = Pytorch(HBM)  # indented code\n\n"
        "<!-- SRAM Pytorch HBM -->\n"
        "Prose at last: SRAM. The SRAM again.\n"
    )
    root = write_course(tmp_path, {"01-a.md": markdown})
    found = findings_by_file(root)["01-a.md"]
    assert [(rule, surface) for rule, surface, _ in found] == [("unknownAcronym", "SRAM")]
    assert found[0][2].start == markdown.index("SRAM.")


def test_notebooks_markdown_cells_only_unless_code_comments(tmp_path):
    source = notebook(
        ("markdown", "# A\n\nWe use Pytorch.\n"),
        ("code", "import torch  # SRAM and Pytorch here, SRAM twice\nx = 'HBM'\n"),
    )
    root = write_course(tmp_path, {"01-a.ipynb": source})
    found = findings_by_file(root)["01-a.ipynb"]
    assert [(rule, surface) for rule, surface, _ in found] == [("nonCanonicalSpelling", "Pytorch")]
    with_comments = findings_by_file(root, Settings(code_comments=True))["01-a.ipynb"]
    assert [(rule, surface) for rule, surface, _ in with_comments] == [
        ("nonCanonicalSpelling", "Pytorch"),
        ("unknownAcronym", "SRAM"),
        ("nonCanonicalSpelling", "Pytorch"),
    ]


def test_offsets_in_a_raw_notebook_point_into_the_json(tmp_path):
    source = notebook(("markdown", 'A "quoted" word, then Pytorch.\n'))
    root = write_course(tmp_path, {"01-a.ipynb": source})
    ((rule, surface, _),) = findings_by_file(root)["01-a.ipynb"]
    assert (rule, surface) == ("nonCanonicalSpelling", "Pytorch")


# ------------------------------------------------------------------------------------ settings


def test_rules_can_be_switched_off_or_given_another_severity(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nPytorch in SRAM.\n"})
    settings = Settings(
        diagnostics={"nonCanonicalSpelling": "error", "unknownAcronym": "off"},
    )
    found = findings_by_file(root, settings)["01-a.md"]
    assert [(rule, f.severity) for rule, _, f in found] == [("nonCanonicalSpelling", "error")]


# ------------------------------------------------------------------------------ bad documents


def test_a_broken_notebook_yields_a_document_error(tmp_path):
    root = write_course(tmp_path, {"01-a.ipynb": '{"cells": [\n  {"cell_type": \n'})
    ((rule, _, finding),) = findings_by_file(root)["01-a.ipynb"]
    assert rule == "documentError" and finding.severity == "error"
    assert finding.message.startswith("line ")


def test_an_open_document_is_diagnosed_from_its_unsaved_text(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nClean.\n", "02-b.md": "# B\n\nFSDP.\n"})
    version, index = build(root)
    path = root / "01-a.md"
    edited = "# A\n\nNow FSDP and Pytorch.\n"
    view = view_document(str(path), edited)
    findings = CourseDiagnostics().document(
        version, index, path, view, RuleSettings.from_settings()
    )
    rules = sorted((f.rule, edited[f.start : f.end]) for f in findings)
    assert ("nonCanonicalSpelling", "Pytorch") in rules
    assert ("acronymNotExpanded", "FSDP") in rules  # now the first use in the course
    assert ("usedBeforeIntroduced", "FSDP") not in rules  # no `training` module in this course


def test_cached_analyses_follow_index_refreshes(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nPytorch.\n"})
    version, index = build(root)
    diagnostics = CourseDiagnostics()
    rules = RuleSettings.from_settings()
    assert len(diagnostics.workspace(version, index, rules)[root / "01-a.md"]) == 1
    (root / "01-a.md").write_text("# A\n\nPyTorch.\n", encoding="utf-8")
    index.refresh(root / "01-a.md")
    assert diagnostics.workspace(version, index, rules)[root / "01-a.md"] == []


# ---------------------------------------------------------------------------- glossary files


def test_glossary_findings_load_problems_and_unused_terms(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nFSDP (Fully Sharded Data Parallel).\n"})
    version, index = build(root)
    path = root / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    lines = LineIndex(text)
    problem = LoadProblem(str(path), 3, 5, "something is wrong")
    findings = glossary_findings(
        version, index, path, lines, [problem], RuleSettings.from_settings()
    )
    schema = [f for f in findings if f.rule == "glossarySchema"]
    assert [(f.severity, lines.position(f.start)) for f in schema] == [("error", (2, 4))]
    unused = [text[f.start : f.end] for f in findings if f.rule == "unusedTerm"]
    assert "FSDP" not in unused
    assert unused == [
        "HBM",
        "PyTorch",
        "FlashAttention",
        "LayerNorm",
        "Embedding",
        "KV cache",
        "Continuous batching",
    ]
    assert all(f.severity == "hint" for f in findings if f.rule == "unusedTerm")


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("  - term: KV cache\n", "KV cache"),
        ('  - term: "KV cache"  # quoted\n', "KV cache"),
        ("  - term: 'KV cache'\n", "KV cache"),
        ("  - {term: KV cache, module: x}\n", None),
    ],
)
def test_term_value_span(line, value):
    from glossary_lsp.glossary.model import SourceLocation, Term

    lines = LineIndex("terms:\n" + line)
    term = Term("KV cache", location=SourceLocation("g.yaml", 2, line.index("term") + 1))
    span = term_value_span(lines, term)
    if value is None:
        assert span is None or lines.text[span[0] : span[1]] != "KV cache"
    else:
        assert span is not None and lines.text[span[0] : span[1]] == value


# ---------------------------------------------------------------------------------- helpers


def test_sentence_around_and_sentence_start():
    text = "First one. The SRAM is\nsmall! Last"
    assert sentence_around(text, text.index("SRAM")) == "The SRAM is small!"
    assert at_sentence_start(text, text.index("The"))
    assert not at_sentence_start(text, text.index("SRAM"))
    assert at_sentence_start("# 🎯 Title", "# 🎯 Title".index("Title"))
    assert at_sentence_start("para\n\n- Item", 8)
    assert not at_sentence_start("a soft\nWrap", 7)


# ---------------------------------------------------------------------------------- quick fixes


def fixes_for(root: Path, name: str, settings: Settings | None = None, **context):
    version, index = build(root)
    path = root / name
    source = path.read_text(encoding="utf-8")
    view = view_document(str(path), source)
    rules = RuleSettings.from_settings(settings)
    findings = CourseDiagnostics().document(version, index, path, view, rules)
    return source, quick_fixes(findings, view.lines, root, **context)


def apply(text: str, fix) -> str:
    return apply_edits(text, [(c.start, c.end, c.new_text) for c in fix.changes])


def test_spelling_and_expansion_fixes_rewrite_the_document(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nHBM holds Pytorch weights.\n"})
    source, fixes = fixes_for(root, "01-a.md")
    titles = {fix.title: fix for fix in fixes}
    spelling = titles["Write 'PyTorch'"]
    assert spelling.preferred and spelling.changes[0].path is None
    assert apply(source, spelling) == "# A\n\nHBM holds PyTorch weights.\n"
    expansion = titles["Expand: HBM (High Bandwidth Memory)"]
    assert apply(source, expansion) == "# A\n\nHBM (High Bandwidth Memory) holds Pytorch weights.\n"


GLOSSARY_WITH_COMMENTS = """\
# My course glossary.\r
version: 1\r
terms:\r
    - term: FSDP   # indented by four\r
      definition: >-\r
        Shards everything.\r
# trailing comment about modules\r
modules:\r
    - id: basics\r
      title: Basics\r
"""


@pytest.mark.parametrize(
    "original",
    [
        None,
        GLOSSARY_WITH_COMMENTS,
        "version: 1\nterms: []\n",
        "version: 1\nterms:\n",
        "version: 1\nmodules: []",
        "version: 1\nterms:\n- term: FSDP\n- term: DDP\n",
    ],
)
def test_adding_an_unknown_acronym_to_the_workspace_glossary(tmp_path, original):
    change, create = glossary_entry_change(
        tmp_path / "glossary.yaml", original, "SRAM", context='On-chip "SRAM": fast #1.'
    )
    assert (create is not None) == (original is None)
    text = apply_edits(original or "", [(change.start, change.end, change.new_text)])
    glossary = load_glossary_text(text, "glossary.yaml")
    term = glossary.lookup("SRAM")
    assert term is not None and term.inferred
    assert term.contexts == ('On-chip "SRAM": fast #1.',)
    if original:
        assert text[: change.start] == original[: change.start]
        assert text[change.start + len(change.new_text) :] == original[change.end :]
        if "terms" in original:
            assert len(glossary) == len(load_glossary_text(original, "g.yaml")) + 1
    if original == GLOSSARY_WITH_COMMENTS:
        assert "\r\n    - term: SRAM\r\n      context:" in text
        assert text.index("SRAM") < text.index("# trailing comment")


def test_a_flow_list_of_terms_gets_no_fix():
    assert glossary_entry_change(Path("g.yaml"), "terms: [{term: A}]\n", "SRAM") is None


def test_the_glossary_entry_names_a_known_module_only(tmp_path):
    root = write_course(tmp_path, {"01-basics.md": "# Basics\n\nSRAM is fast.\n\nSRAM.\n"})
    glossary_text = (root / "glossary.yaml").read_text(encoding="utf-8")
    source, fixes = fixes_for(root, "01-basics.md", glossary_text=glossary_text, module_id="basics")
    (add,) = [fix for fix in fixes if fix.title.startswith("Add 'SRAM'")]
    (change,) = add.changes
    assert change.path == root / "glossary.yaml" and add.create is None
    text = apply_edits(glossary_text, [(change.start, change.end, change.new_text)])
    term = load_glossary_text(text, "glossary.yaml").lookup("SRAM")
    assert term.module == "basics" and term.contexts == ("SRAM is fast.",)


def test_ignoring_an_unknown_acronym(tmp_path):
    root = write_course(tmp_path, {"01-a.md": "# A\n\nSRAM is fast. SRAM again.\n"})
    _, fixes = fixes_for(root, "01-a.md")
    (ignore,) = [fix for fix in fixes if fix.title.startswith("Ignore 'SRAM'")]
    assert ignore.create == root / ".glossary-ignore"
    assert ignore.command == ("glossaryLsp.ignoreWord", ["SRAM"])
    text = apply(ignore.changes[0].lines.text, ignore)
    assert parse_ignore_file(text) == ["SRAM"]
    change, create = ignore_change(root / ".glossary-ignore", "HBM  # memory\nXYZ", "SRAM")
    assert create is None
    appended = apply_edits("HBM  # memory\nXYZ", [(change.start, change.end, change.new_text)])
    assert parse_ignore_file(appended) == ["HBM", "XYZ", "SRAM"]


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("SRAM", True),
        ("KV cache", True),
        ("yes", False),
        ("0x1F", False),
        ("a: b", False),
        ("#x", False),
        ("1.5", False),
        ("null", False),
        ("Ünïcode", False),
    ],
)
def test_yaml_scalar(value, plain):
    from glossary_lsp.glossary.loader import load_glossary_text as load

    assert (yaml_scalar(value) == value) == plain
    assert load(f"version: 1\nterms:\n  - term: {yaml_scalar(value)}\n", "g").terms[0].term == value


def test_a_plural_acronym_is_expanded_in_the_plural():
    llm = Term("LLM", expansion="Large Language Model")
    assert expansion_for("LLMs", llm) == "Large Language Models"
    assert expansion_for("LLM", llm) == "Large Language Model"
    assert expansion_for(
        "FLOPS", Term("FLOPS", expansion="Floating-Point Operations per Second")
    ) == ("Floating-Point Operations per Second")

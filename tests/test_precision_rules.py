"""Precision of matching and of the course rules: the classes of false findings seen on real
courses (issue 12), each written here from its pattern, in our own words."""

from __future__ import annotations

import pytest
from course_helpers import build, write_course

from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.code_actions import quick_fixes
from glossary_lsp.features.diagnostics import (
    CourseDiagnostics,
    Finding,
    RuleSettings,
    capped,
    expansion_for,
    is_acronym_candidate,
    one_per_place,
    plain_title,
)
from glossary_lsp.features.hover import hover
from glossary_lsp.glossary.english import is_english_in_capitals, is_english_word
from glossary_lsp.glossary.loader import GlossaryLoadError, load_glossary_text
from glossary_lsp.glossary.model import Term
from glossary_lsp.matching import TermMatcher, is_code_like, looks_like_code
from glossary_lsp.text.documents import view_document
from glossary_lsp.text.positions import LineIndex

GLOSSARY = """\
version: 1
modules:
  - id: intro
    title: "Getting started[[getting-started]]"
  - id: tuning
    title: "**Tuning** with `adapters`"
terms:
  - term: Llama
  - term: FLOPS
    expansion: Floating-Point Operations per Second
  - term: TFLOPS
  - term: TP
    expansion: Tensor Parallelism
  - term: He initialization
  - term: RoPE
    expansion: Rotary Position Embedding
    definition: Positions as rotations of query and key vectors.
  - term: ZeRO
    expansion: Zero Redundancy Optimizer
  - term: PyTorch
  - term: HuggingFace
  - term: vLLM
  - term: FlashAttention
  - term: function calling
  - term: QueryEngine
  - term: API
    expansion: Application Programming Interface
  - term: GPU
    expansion: Graphics Processing Unit
  - term: URL
    expansion: Uniform Resource Locator
    expand_first_use: true
  - term: LLM
    expansion: Large Language Model
    module: tuning
  - term: perplexity
    case_sensitive: true
    definition: How surprised a model is by a text.
  - term: GEMM
    expansion: General Matrix Multiply
  - term: MoE
    expansion: Mixture of Experts
"""


def findings(tmp_path, files: dict[str, str], glossary: str = GLOSSARY):
    root = write_course(tmp_path, files, glossary)
    version, index = build(root)
    results = CourseDiagnostics().workspace(version, index, RuleSettings.from_settings())
    out = {}
    for path, found in results.items():
        source = path.read_text(encoding="utf-8")
        out[path.name] = [(f.rule, source[f.start : f.end], f) for f in found]
    return out


def rule(found, name):
    return [surface for rule_name, surface, _ in found if rule_name == name]


def version_of(glossary: str = GLOSSARY) -> GlossaryVersion:
    return GlossaryVersion.build(load_glossary_text(glossary, "glossary.yaml"))


# ------------------------------------------------------------- near misses of the whole word


@pytest.mark.parametrize(
    "sentence",
    [
        "You can serve the model locally with Ollama on a laptop.",  # not Llama
        "The new cluster reaches several PFLOPS in mixed precision.",  # not FLOPS
        "We measured the throughput in TPS, tokens per second.",  # not TPs
        "A single card gives 140.2TFLOPS on dense matmuls.",  # not 2TFLOPS
        "Good Initializations matter for deep networks.",  # not He initialization
        "The tool-calling step and the Function-calling agent both appear here.",
        "Each query engine answers one question.",  # English words, not QueryEngine
    ],
)
def test_no_misspelling_outside_the_whole_word_or_its_case(tmp_path, sentence):
    found = findings(tmp_path, {"01-a.md": f"# A\n\n{sentence}\n"})["01-a.md"]
    assert rule(found, "nonCanonicalSpelling") == []


def test_real_misspellings_are_still_found(tmp_path):
    text = "# A\n\nWe use Pytorch and FlashAtention with Huggingface models.\n"
    found = findings(tmp_path, {"01-a.md": text})["01-a.md"]
    assert rule(found, "nonCanonicalSpelling") == ["Pytorch", "FlashAtention", "Huggingface"]


def test_an_english_word_never_matches_a_mixed_case_name():
    matcher = version_of().matcher
    text = "Hold on to the rope, start from zero. RoPE and ZeRO are names. Rope? No."
    assert [m.name for m in matcher.find_all(text)] == ["RoPE", "ZeRO"]
    assert Term("RoPE").is_case_sensitive() and not Term("LoRA").is_case_sensitive()


def test_hover_on_an_ordinary_word_shows_nothing():
    version = version_of()
    source = "# Climbing\n\nWe reached the end of the rope 🧗 at last.\n"
    view = view_document("notes.md", source)
    assert hover(version, view, source.index("rope") + 1) is None
    source = "# Positions\n\nRoPE 🌀 rotates vectors.\n"
    found = hover(version, view_document("notes.md", source), 1 + source.index("RoPE"))
    assert found is not None and "Rotary Position Embedding" in found.markdown


# ------------------------------------------------------------------------ code-like tokens


@pytest.mark.parametrize(
    "token",
    [
        "SomeOrg/Tiny-LM-135M",
        "pytorch.org",
        "huggingface.co/new",
        "torch.nn.MultiheadAttention",
        "DDP-script.py",
        "weights_loader",
        "LICENSE.txt",
        "openorg/whisper",
    ],
)
def test_identifiers_look_like_code(token):
    assert looks_like_code(token)


@pytest.mark.parametrize(
    "token", ["e.g", "i.e", "GPT-3.5", "encoder/decoder", "TP/PP", "v1.0", "FSDP", "Ph.D"]
)
def test_prose_does_not_look_like_code(token):
    assert not looks_like_code(token)


def test_code_like_token_is_cut_at_brackets_and_emphasis():
    text = "See [DDP-script.py](DDP-script.py) and **Org/Model-7B** but [LLM](https://x.io/a)."
    assert is_code_like(text, text.index("DDP"), text.index("DDP") + 3)
    assert is_code_like(text, text.index("Org"), text.index("Org") + 3)
    assert not is_code_like(text, text.index("LLM"), text.index("LLM") + 3)


def test_identifiers_outside_backticks_are_no_findings(tmp_path):
    text = (
        "# A\n\n"
        "Load HuggingFace/TinyLLM-135M from the hub or open huggingface.co/new first.\n"
        "Install pytorch-lightning and vllm-gaudi, then call torch.nn.MultiheadAttention.\n"
        "See [llm_notes.ipynb](llm_notes.ipynb) and [CONTRIBUTING.md](CONTRIBUTING.md) 🙂.\n"
    )
    found = findings(tmp_path, {"01-a.md": text})["01-a.md"]
    assert rule(found, "nonCanonicalSpelling") == []
    assert rule(found, "unknownAcronym") == []
    assert rule(found, "usedBeforeIntroduced") == []


# ------------------------------------------------------------ everyday capitals as acronyms


@pytest.mark.parametrize("word", ["READ", "NEW", "SPAM", "ZIP", "WARNING", "TIP", "DNA", "RNA"])
def test_english_in_capitals(word):
    assert is_english_in_capitals(word)


@pytest.mark.parametrize("word", ["FSDP", "MCTS", "KV", "GQA", "SFT", "VLMs"])
def test_course_acronyms_are_not_english(word):
    assert not is_english_in_capitals(word)


def test_everyday_capitals_are_no_unknown_acronyms(tmp_path):
    text = (
        "# A\n\n"
        "> [!TIP]\n"
        "> Create a token with READ access, then unpack the ZIP file.\n\n"
        "## Part XIV\n\n"
        "The update is $\\Delta W \\approx AB$ with small matrices.\n\n"
        "## THIS HEADING IS SHOUTED IN CAPS\n\n"
        "DNA and RNA are not course terms, but MCTS and GQA are 🤖.\n"
        "Use MCTS with GQA.\n"
    )
    found = findings(tmp_path, {"01-a.md": text})["01-a.md"]
    assert rule(found, "unknownAcronym") == ["MCTS", "GQA"]


def test_acronym_candidate_inside_math_and_alerts():
    text = "Let $AB$ be small. > [!NOTE] then KV"
    assert not is_acronym_candidate(text, 5, 7, "AB")
    assert not is_acronym_candidate(text, text.index("NOTE"), text.index("NOTE") + 4, "NOTE")
    assert is_acronym_candidate(text, text.index("KV"), text.index("KV") + 2, "KV")


def test_an_acronym_used_once_in_a_module_is_a_passing_mention(tmp_path):
    files = {"01-a.md": "# A\n\nShown at XYZW 2024 once. The QKVO layout; QKVO again.\n"}
    found = findings(tmp_path, files)["01-a.md"]
    assert rule(found, "unknownAcronym") == ["QKVO"]


def test_the_word_list_is_shipped_and_lower_case_words_are_english():
    assert is_english_word("rope") and is_english_word("Zero")
    assert not is_english_word("pytorch")


# --------------------------------------------------------- one list for everyday acronyms


def test_everyday_acronyms_need_no_expansion_unless_asked(tmp_path):
    text = "# A\n\nCall the API on a GPU and print the URL.\n"
    found = findings(tmp_path, {"01-a.md": text})["01-a.md"]
    assert rule(found, "acronymNotExpanded") == ["URL"]  # `expand_first_use: true`


@pytest.mark.parametrize(
    "text",
    [
        "# A\n\nWe compare it with GPT-4 and GPT3 here.\n",  # product names
        "# A\n\nRead [the LLM handbook](https://example.org/book) 📚 first.\n",  # a title
        'See <a href="https://example.org">LLM Notes</a> for more.\n',
        "# A\n\n## Working with GEMMs\n\nA General Matrix Multiply (GEMM) multiplies.\n",
        "# A\n\nRunning out of memory is an OOM, short for Out of Memory.\n",
    ],
)
def test_uses_that_need_no_expansion(tmp_path, text):
    glossary = GLOSSARY + (
        "  - term: GPT\n    expansion: Generative Pre-trained Transformer\n"
        "  - term: OOM\n    expansion: Out of Memory\n"
    )
    glossary = glossary.replace("    module: tuning\n", "")
    found = findings(tmp_path, {"01-a.md": text}, glossary)["01-a.md"]
    assert rule(found, "acronymNotExpanded") == []


def test_the_next_plain_use_is_the_one_to_expand(tmp_path):
    text = "# A\n\nRead [the LLM handbook](https://example.org/book). An LLM predicts.\n"
    found = findings(tmp_path, {"01-a.md": text}, GLOSSARY.replace("    module: tuning\n", ""))
    (finding,) = [f for name, _, f in found["01-a.md"] if name == "acronymNotExpanded"]
    assert finding.start == text.index("An LLM") + 3


def test_expand_first_use_is_validated():
    bad = "version: 1\nterms:\n  - term: API\n    expand_first_use: maybe\n"
    with pytest.raises(GlossaryLoadError) as error:
        load_glossary_text(bad, "g.yaml")
    assert "expand_first_use" in str(error.value.problems[0])
    good = load_glossary_text(bad.replace("maybe", "true"), "g.yaml")
    assert good.terms[0].expand_first_use


# ----------------------------------------------------------------- one finding per place


def test_one_finding_per_place_with_both_fixes(tmp_path):
    files = {
        "01-intro.md": "# Intro\n\nWe start with an LLM 🚀 right away.\n",
        "02-tuning.md": "# Tuning\n\nA Large Language Model (LLM) is tuned.\n",
    }
    glossary = GLOSSARY.replace("id: intro", "id: intro-x").replace("id: tuning", "id: 02-tuning")
    glossary = glossary.replace("module: tuning", "module: 02-tuning")
    found = findings(tmp_path, files, glossary)["01-intro.md"]
    at_llm = [(name, f) for name, surface, f in found if surface == "LLM"]
    assert len(at_llm) == 1
    name, finding = at_llm[0]
    assert name == "usedBeforeIntroduced"
    # acronymNotExpanded speaks in the introducing module only (02-tuning, which expands it), so
    # the earlier module gets the one finding without a second one folded in
    assert "without its expansion" not in finding.message
    lines = LineIndex(files["01-intro.md"])
    assert [fix.title for fix in quick_fixes([finding], lines)] == []


def test_one_per_place_keeps_the_most_severe():
    low = Finding("acronymNotExpanded", "information", "b", 5, 8, data={"insert": " (x)"})
    high = Finding("usedBeforeIntroduced", "warning", "a", 5, 8)
    elsewhere = Finding("unknownAcronym", "information", "c", 10, 12)
    (kept, other) = one_per_place([low, high, elsewhere])
    assert kept.rule == "usedBeforeIntroduced" and kept.data["insert"] == " (x)"
    assert other is elsewhere


# -------------------------------------------------------------------------- plain titles


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Language Processing[[language-processing]]", "Language Processing"),
        ("**Tuning** with `adapters`", "Tuning with adapters"),
        ("[Setup](setup.md) <small>draft</small>", "Setup draft"),
        ("Plain title 🚀", "Plain title 🚀"),
    ],
)
def test_plain_title(title, plain):
    assert plain_title(title) == plain


def test_messages_quote_titles_as_plain_text(tmp_path):
    files = {
        "01-a.md": "# Getting started\n\nAn LLM here.\n",
        "02-b.md": "# **Tuning** [[tuning]]\n\nA Large Language Model (LLM).\n",
    }
    found = findings(tmp_path, files, GLOSSARY.replace("    module: tuning\n", ""))["01-a.md"]
    (finding,) = [f for name, _, f in found if name == "usedBeforeIntroduced"]
    assert "[[" not in finding.message and "**" not in finding.message
    assert "Tuning (02-b.md)" in finding.message


# ------------------------------------------------------------- capitals at sentence starts


def test_a_sentence_or_heading_start_is_the_same_word():
    version = version_of()
    source = "# Perplexity 📉 explained\n\nPerplexity is low. A Perplexity inside is a name.\n"
    view = view_document("notes.md", source)
    assert hover(version, view, 3) is not None  # heading start
    assert hover(version, view, source.index("Perplexity is") + 2) is not None
    inside = source.index("A Perplexity") + 4
    assert hover(version, view, inside) is None  # mid-sentence capital: another word
    matcher: TermMatcher = version.matcher
    assert [m.name for m in matcher.find_all("We lower perplexity.")] == ["perplexity"]


# ---------------------------------------------------------------- plurals of expansions


@pytest.mark.parametrize(
    ("surface", "term", "expected"),
    [
        ("LLMs", Term("LLM", expansion="Large Language Model"), "Large Language Models"),
        ("MoEs", Term("MoE", expansion="Mixture of Experts"), "Mixtures of Experts"),
        ("GPs", Term("GP", expansion="Gaussian Process"), "Gaussian Processes"),
        ("PPs", Term("PP", expansion="Proximal Policy"), "Proximal Policies"),
        ("GEMMs", Term("GEMM", expansion="General Matrix Multiply"), "General Matrix Multiply"),
        ("DLs", Term("DL", expansion="Deep Learning"), "Deep Learning"),
        ("GEMM", Term("GEMM", expansion="General Matrix Multiply"), "General Matrix Multiply"),
    ],
)
def test_plural_of_an_expansion_by_its_head_noun(surface, term, expected):
    assert expansion_for(surface, term) == expected


# ------------------------------------------------------------------------------ bounds


def test_findings_of_a_rule_are_capped_with_one_summary():
    many = [Finding("unknownAcronym", "information", f"w{i}", i * 5, i * 5 + 3) for i in range(7)]
    kept = capped(many, limit=3)
    assert len(kept) == 4
    summary = [f for f in kept if "summary" in f.data]
    assert len(summary) == 1 and summary[0].data["summary"] == 4
    assert "4 more unknownAcronym findings" in summary[0].message


def letters(number: int) -> str:
    """0 → `AAA`, 1 → `AAB`: distinct words in capitals without digits."""
    out = ""
    for _ in range(3):
        number, digit = divmod(number, 26)
        out = chr(ord("A") + digit) + out
    return out


def test_a_table_of_capitalised_identifiers_is_bounded(tmp_path):
    codes = [f"ZQ{letters(i)}X" for i in range(400)]
    rows = "\n".join(f"| {code} | {code} |" for code in codes)
    found = findings(tmp_path, {"01-a.md": f"# Table\n\n| A | B |\n|---|---|\n{rows}\n"})
    unknown = [f for name, _, f in found["01-a.md"] if name == "unknownAcronym"]
    assert len(unknown) == 101
    assert sum(1 for f in unknown if "summary" in f.data) == 1

"""Classes of false findings measured on real courses (`benchmarks/precision.py`, seed 7), each
written here from its pattern in our own words: the rule stays quiet where an author would
disagree, and still speaks where the finding is right."""

from __future__ import annotations

from course_helpers import build, write_course

from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings

GLOSSARY = """\
version: 1
terms:
  - term: MQA
    expansion: Multi-Query Attention
    aliases: [multi-query attention]
  - term: FlashAttention
  - term: temperature
    definition: How random sampling is.
  - term: Tokenizer
  - term: Transformer
  - term: JSON
    expansion: JavaScript Object Notation
  - term: SWA
    expansion: Sliding Window Attention
  - term: SRAM
    expansion: Static Random-Access Memory
  - term: self-attention
  - term: CUDA
    expansion: Compute Unified Device Architecture
  - term: GPT
    expansion: Generative Pre-trained Transformer
  - term: LLM
    expansion: Large Language Model
"""


def findings(tmp_path, files):
    root = write_course(tmp_path, files, glossary=GLOSSARY)
    version, index = build(root)
    results = CourseDiagnostics().workspace(version, index, RuleSettings.from_settings())
    out = {}
    for path, found in results.items():
        text = path.read_text(encoding="utf-8")
        out[path.relative_to(root).as_posix()] = [(f.rule, text[f.start : f.end]) for f in found]
    return out


def rule(found, name):
    return [surface for rule_name, surface in found if rule_name == name]


# ------------------------------------------------------------------------- usedBeforeIntroduced


def test_a_section_title_is_not_an_introduction_to_send_a_reader_to(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nA tokenizer turns text into ids.\n",
            "02-b.md": "# Tokenizer internals\n\nHow the pieces fit.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == []


def test_a_defined_introduction_later_is_still_reported(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nSome models use SWA here.\n",
            "02-b.md": "# Later\n\nSliding Window Attention (SWA) limits the span.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == ["SWA"]


def test_a_links_text_is_a_reference_not_a_use(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nSee [the SWA lesson](02-b.md) and [SWA](02-b.md).\n",
            "02-b.md": "# Later\n\nSliding Window Attention (SWA) limits the span.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == []


def test_a_term_spelled_out_in_an_earlier_module_is_known(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nWe build multi-query attention by hand.\n",
            "02-b.md": "# Bonus\n\nA faster MQA layer.\n",
            "03-c.md": "# Later\n\nMulti-Query Attention (MQA) shares keys.\n",
        },
    )
    assert rule(found["02-b.md"], "usedBeforeIntroduced") == []


def test_an_everyday_acronym_needs_no_introduction(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nThe answer comes back as JSON.\n",
            "02-b.md": "# Later\n\nJavaScript Object Notation (JSON) is text.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == []


def test_the_courses_front_page_announces_what_comes(tmp_path):
    later = "# Later\n\nSliding Window Attention (SWA) limits the span.\n"
    found = findings(
        tmp_path,
        {
            "README.md": "# Our course\n\n| Unit | Topic |\n|---|---|\n| 3 | SWA in practice |\n",
            "ch1/lesson.md": "# One\n\nPlain text.\n",
            "ch2/intro.md": "# Two\n\nWe will meet SWA here.\n",
            "ch2/swa.md": later,
            "ch3/note.md": "# Three\n\nNothing.\n",
        },
    )
    assert rule(found["README.md"], "usedBeforeIntroduced") == []
    assert rule(found["ch2/intro.md"], "usedBeforeIntroduced") == []  # the unit's front page


def test_a_library_named_after_a_concept_is_not_a_use_of_it(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\nInstall 🤗 Transformers, then the Tokenizers library.\n",
            "02-b.md": "# Later\n\nTransformer: a stack of attention blocks over tokens.\n"
            "Tokenizer: the part that splits text into tokens.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == []


def test_a_list_items_label_explained_after_its_colon_explains_itself(tmp_path):
    found = findings(
        tmp_path,
        {
            "01-a.md": "# Start\n\n1. **Temperature knob**: a dial for how random choices are.\n",
            "02-b.md": "# Later\n\n- temperature: the divisor of the logits before softmax.\n",
            "03-c.md": "# Last\n\nNothing here.\n",
        },
    )
    assert rule(found["01-a.md"], "usedBeforeIntroduced") == []


# --------------------------------------------------------------------------- acronymNotExpanded


def test_a_headings_acronym_is_expanded_in_the_text_below_it(tmp_path):
    text = (
        "# Serving\n\n## Where SRAM helps\n\nText first.\n\n"
        "More text.\n\nThe fast Static Random-Access Memory (SRAM) on the chip.\n"
    )
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "acronymNotExpanded") == []


def test_a_headings_acronym_bare_below_is_reported_in_the_text(tmp_path):
    found = findings(tmp_path, {"01-a.md": "# Serving\n\n## Where SRAM helps\n\nUse SRAM.\n"})
    assert rule(found["01-a.md"], "acronymNotExpanded") == ["SRAM"]
    (finding,) = [f for f in found["01-a.md"] if f[0] == "acronymNotExpanded"]
    text = (tmp_path / "01-a.md").read_text(encoding="utf-8")
    assert text.index("Use SRAM") > text.index("## Where")  # at the body's use


def test_an_apposition_says_what_an_acronym_is(tmp_path):
    text = "# Kernels\n\nThe kernels are written in SRAM, an on-chip memory of the GPU.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "acronymNotExpanded") == []


def test_a_brand_everyone_writes_short_needs_no_expansion(tmp_path):
    found = findings(tmp_path, {"01-a.md": "# Setup\n\nInstall the CUDA drivers first.\n"})
    assert rule(found["01-a.md"], "acronymNotExpanded") == []


# ------------------------------------------------------------------------------ unknownAcronym


def test_model_and_product_codes_are_not_unknown_acronyms(tmp_path):
    text = (
        "# Models\n\nThe Q4B and Q9B sizes. Then Q4B again, Q9B again.\n\n"
        "| ZORBA-CHAT-3X5B | 1 |\n| ZORBA-CHAT-3X5B | 2 |\n\n"
        "The GPT7 model, the LLM42 project; GPT7 and LLM42 again.\n\n"
        "Run it in [QX Studio](https://example.org) or QX Studio on a laptop.\n"
    )
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "unknownAcronym") == []


def test_an_acronym_used_on_its_own_is_still_reported(tmp_path):
    text = "# Models\n\nThe QX Studio app. QX is fast; QX is small.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "unknownAcronym") == ["QX"]


# ------------------------------------------------------------------------ nonCanonicalSpelling


def test_the_s_of_a_possessive_does_not_start_a_misspelling(tmp_path):
    text = "# Data\n\nIt fills your laptop's RAM and your desktop’s RAM.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "nonCanonicalSpelling") == []


def test_a_class_name_in_camel_case_is_not_a_misspelling_of_a_phrase(tmp_path):
    text = "# Code\n\nWe write a compact SelfAttention class.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "nonCanonicalSpelling") == []


def test_a_name_in_camel_case_written_as_words_is_still_a_misspelling(tmp_path):
    text = "# Code\n\nWe study Flash Attention today.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "nonCanonicalSpelling") == ["Flash Attention"]


def test_everyday_computing_acronyms_are_not_unknown(tmp_path):
    text = "# Setup\n\nCreate an IAM role on AWS, then WSL; the IAM role and WSL again.\n"
    found = findings(tmp_path, {"01-a.md": text})
    assert rule(found["01-a.md"], "unknownAcronym") == []

"""The bundled glossary `data/glossary.yaml`: loads cleanly, is consistent, and is faithful to the
seed page where the seed is right and silent where the seed is wrong."""

from __future__ import annotations

import re

import pytest
from test_seed_accounting import GLOSSARY_FILE, curated, seed_lines

from glossary_lsp.glossary.importer import MODULE, TERM, module_id
from glossary_lsp.glossary.loader import bundled_glossary_path, load_glossary_file
from glossary_lsp.glossary.model import Glossary, fold, is_acronym
from glossary_lsp.matching import TermMatcher

# Written in capitals, but names rather than acronyms: they have no expansion.
CAPITALISED_NAMES = {"NVIDIA", "CLAUDE", "MATH"}

# Acronyms and names the seed's snippets mention, each of which must be a term or an alias.
MENTIONED_IN_SNIPPETS = [
    "AIME",
    "ANN",
    "AWQ",
    "CCPA",
    "GDPR",
    "CLS",
    "DDPM",
    "DPO",
    "RLHF",
    "GELU",
    "HBM",
    "HNSW",
    "IVF",
    "KL",
    "KV cache",
    "LIMA",
    "LoRA",
    "MCP",
    "A2A",
    "MHA",
    "MQA",
    "GQA",
    "MLA",
    "MLP",
    "MMLU",
    "MT-Bench",
    "MSE",
    "MTTR",
    "NCCL",
    "NDCG",
    "MRR",
    "NER",
    "NSFW",
    "OOM",
    "ORM",
    "PRM",
    "PE",
    "RoPE",
    "PPO",
    "PII",
    "RAG",
    "SFT",
    "SGD",
    "AdamW",
    "TP",
    "NVLink",
    "TTL",
    "UX",
    "ViT",
    "CLIP",
    "vLLM",
    "ZeRO",
    "DDP",
    "GRPO",
    "TF-IDF",
    "MinHash",
    "LSH",
    "Chinchilla",
    "FineWeb",
    "BPE",
    # named by the seed's snippets and missing until issue 14
    "RMSNorm",
    "all-reduce",
    "PCIe",
    "NIC",
    "MoE",
    "Qwen",
    "CJK",
    "WordPiece",
    "Unigram",
    "A100",
    "MATH",
    "consensus@k",
    "masked language modeling",
    "bi-encoder",
    "rerank",
]

# Seed snippets that state something false (quiz distractors), kept only as the context of the
# term they are about, and the false claim no definition may repeat.
FALSE_CLAIMS = {
    "VRAM": re.compile(r"8192|cannot be loaded|architectural maximum"),
    "GPU": re.compile(r"8192|cannot be loaded|architectural maximum"),
    "FLOPS": re.compile(r"h\s*×\s*more|strictly larger compute"),
    "GELU": re.compile(r"retrieves the matching value|store keys"),
    # He init compensates for ReLU; batch normalization is not what it accounts for
    "BatchNorm": re.compile(r"accounts for batch normalization|restore variance to 1"),
}
# Seed snippets that are doubtful or imprecise, treated the same way: label smoothing is a KL
# term against the uniform distribution in probability space, not "in the logit space"; the
# model-soup ViT-G/14 was pre-trained on JFT-3B, not with CLIP.
DOUBTFUL_CLAIMS = {
    "KL": re.compile(r"in the logit space"),
    "label smoothing": re.compile(r"in the logit space"),
    "CLIP": re.compile(r"ViT-G/14 CLIP|\+2pp"),
}

# Capitalised tokens that definitions may use without an entry: units, everyday abbreviations,
# product and model names, notation, and names built on a term that has an entry.
NOT_GLOSSARY_ACRONYMS = {
    *("GB", "MB", "TB", "AI", "US", "UC", "STEM", "ID", "IDs"),
    *("ALBERT", "BLOOM", "MPT", "DALL", "SXM", "HBM3"),
    *("GPT-1", "GPT-2", "GPT-3", "GPT-3.5", "GPT-4", "MATH-500", "JSON-RPC"),
    *("MASK", "GET", "POST"),  # the [MASK] token, HTTP methods
}
_CAPITALISED_TOKEN = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:[-./][A-Z0-9]+)*s?(?![\w-])")
# `Author et al., 2016, Title`, several separated by `;`.
_SOURCE = re.compile(r"^[A-Z][^,;]*, (?:19|20)\d\d\b[^,;]*, [^;]+$")

KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary_file(GLOSSARY_FILE)


@pytest.fixture(scope="module")
def document() -> dict:
    return curated()


def seed_term_names() -> list[str]:
    return [line.text for line in seed_lines() if line.kind == TERM]


def test_it_is_the_bundled_glossary():
    # the repository file in development, its copy inside the wheel once installed
    assert bundled_glossary_path().read_bytes() == GLOSSARY_FILE.read_bytes()


def test_it_loads_through_the_loader_without_problems(glossary):
    assert glossary.version == 1
    assert 170 <= len(glossary) <= 200
    assert len(glossary.modules) >= 30


def test_every_term_the_seed_names_is_spelled_as_the_seed_spells_it(glossary):
    spellings = {term.term for term in glossary}
    assert [name for name in seed_term_names() if name not in spellings] == []


def test_terms_named_by_the_seed_are_not_inferred_and_all_others_are(document):
    named = set(seed_term_names())
    wrong = [
        entry["term"]
        for entry in document["terms"]
        if bool(entry.get("inferred")) == (entry["term"] in named)
    ]
    assert wrong == []


def test_modules_seen_in_the_seed_keep_its_emoji_and_title(glossary):
    seen = {(line.emoji, line.title) for line in seed_lines() if line.kind == MODULE}
    for emoji, title in seen:
        module = glossary.module(module_id(title))
        assert module is not None, title
        assert (module.emoji, module.title) == (emoji, title)


def test_modules_the_seed_does_not_show_are_marked_inferred(document):
    seen_titles = {line.title for line in seed_lines() if line.kind == MODULE}
    for module in document["modules"]:
        assert KEBAB_CASE.match(module["id"]), module["id"]
        assert bool(module.get("inferred")) == (module["title"] not in seen_titles), module["id"]
        if module.get("inferred"):
            assert module["emoji"] == ""


def test_every_term_module_names_a_module(glossary):
    assert [t.term for t in glossary if t.module and t.module not in glossary.modules] == []


def test_every_see_also_names_an_existing_term(glossary):
    spellings = {term.term for term in glossary}
    dangling = [(t.term, name) for t in glossary for name in t.see_also if name not in spellings]
    assert dangling == []
    assert [t.term for t in glossary if t.term in t.see_also] == []


def test_no_name_is_used_by_two_terms(glossary):
    owners: dict[str, set[str]] = {}
    for term in glossary:
        for name in term.names:
            owners.setdefault(fold(name), set()).add(term.term)
    assert {name: terms for name, terms in owners.items() if len(terms) > 1} == {}


def test_every_acronym_has_an_expansion(glossary):
    missing = [
        t.term
        for t in glossary
        if is_acronym(t.term) and t.term not in CAPITALISED_NAMES and not t.expansion.strip()
    ]
    assert missing == []


def test_every_term_has_a_definition_of_its_own(glossary):
    for term in glossary:
        assert 20 <= len(term.definition) <= 600, term.term
        assert term.definition not in term.contexts, term.term


@pytest.mark.parametrize("name", [*FALSE_CLAIMS, *DOUBTFUL_CLAIMS])
def test_false_seed_snippets_stay_contexts_and_no_definition_repeats_them(glossary, name):
    claim = FALSE_CLAIMS.get(name) or DOUBTFUL_CLAIMS[name]
    term = glossary.lookup(name)
    assert term is not None and term.term == name
    assert any(claim.search(context) for context in term.contexts), name
    assert [t.term for t in glossary if claim.search(t.definition)] == []


@pytest.mark.parametrize("name", MENTIONED_IN_SNIPPETS)
def test_names_mentioned_in_snippets_are_terms(glossary, name):
    assert glossary.lookup(name) is not None


@pytest.mark.parametrize(
    ("first", "second"), [("MQA", "GQA"), ("RLHF", "DPO"), ("TFLOP", "TFLOPS"), ("FLOP", "FLOPS")]
)
def test_both_halves_of_a_pair_have_their_own_entry(glossary, first, second):
    assert glossary.lookup(first).term == first
    assert glossary.lookup(second).term == second


def test_claude_is_found_as_written_in_claude_md(glossary):
    assert glossary.lookup("CLAUDE.md").term == "CLAUDE"
    assert "CLAUDE.md" in glossary.lookup("CLAUDE").definition


@pytest.mark.parametrize(
    "name",
    [
        "ZeRO",  # not the word "zero"
        "ReAct",  # not the React library
        "ViT",
        "perplexity",  # not Perplexity, the company of a case-study module
    ],
)
def test_names_that_clash_with_other_spellings_are_case_sensitive(glossary, name):
    term = glossary.lookup(name)
    assert term.term == name
    assert term.is_case_sensitive(name)


def test_acronyms_are_case_sensitive_by_default(glossary):
    assert glossary.lookup("PE").is_case_sensitive()
    assert not glossary.lookup("softmax").is_case_sensitive()


# --- issue 14: the audit's fixes, each failing on the glossary before it --------------------------


def test_label_smoothing_mixes_the_target_with_the_uniform_distribution(glossary):
    term = glossary.lookup("label smoothing")
    assert "(1 − ε)·CE(y, p) + ε·CE(u, p)" in term.definition
    assert "uniform" in term.definition and "ε·KL(u‖p)" in term.definition
    assert "usual loss plus" not in term.definition
    assert term.source.startswith("Szegedy et al., 2016")


def test_bpe_keeps_characters_and_bytes_in_the_vocabulary(glossary):
    term = glossary.lookup("BPE")
    assert "stay in the vocabulary" in term.definition
    assert "never sees individual letters" not in term.definition
    assert "Sennrich et al., 2016" in term.source


def test_process_supervision_is_credited_to_uesato_and_lightman(glossary):
    term = glossary.lookup("PRM")
    assert "Uesato et al. (2022)" in term.definition and "Lightman et al." in term.definition
    assert "Uesato et al., 2022" in term.source and "Lightman et al., 2023" in term.source


def test_positional_encoding_does_not_call_a_causal_decoders_input_a_set(glossary):
    term = glossary.lookup("positional encoding")
    assert "as a set" not in term.definition
    assert "causal mask" in term.definition


def test_claude_alone_is_not_an_alias_of_the_claude_md_entry(glossary):
    term = glossary.lookup("CLAUDE.md")
    assert term.term == "CLAUDE" and "Claude" not in term.aliases
    names = [m.name for m in TermMatcher(glossary).find_all("Claude reads CLAUDE.md and CLAUDE")]
    assert names == ["CLAUDE.md", "CLAUDE"]


def test_snippets_not_about_their_term_are_not_its_context(glossary, document):
    humaneval = glossary.lookup("HumanEval")
    assert not any("human eval," in context for context in humaneval.contexts)
    assert any("human eval," in context for context in glossary.lookup("best-of-N").contexts)
    assert glossary.lookup("NotebookLM").contexts == ()
    nav = [u["text"] for u in document["unattributed"] if u["text"].startswith("Company Lens")]
    assert nav and nav[0] not in {c for t in glossary for c in t.contexts}


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("MCP", "Model Context Protocol Specification"),
        ("TTFT", "A synchronous router adds its latency directly to TTFT."),
        ("softmax", "log-softmax = x_i"),
        ("softmax", "translation-invariant but not scale-invariant"),
        ("LoRA", "With r=16 on a 4096x4096 matrix"),
        ("arithmetic intensity", "arithmetic intensity is ~1 FLOP/byte"),
        ("vLLM", "vLLM wins on"),
        ("vLLM", "2–4× higher throughput"),
        ("bi-encoder", "embed with a bi-encoder"),
        ("LayerNorm", "Another LayerNorm on the result."),
        ("RMSNorm", "controlling magnitude, not centering"),
        ("PE", "word order matters"),
        ("best-of-N", "keep only the highest-scoring one"),
        ("trajectory evaluation", "A trajectory evaluator scores"),
        ("context compaction", "reactive compaction"),
    ],
)
def test_seed_lines_that_belong_to_a_term_are_its_context(glossary, name, fragment):
    assert any(fragment in context for context in glossary.lookup(name).contexts)


def test_only_lines_that_name_no_term_stay_unattributed(document):
    left = [entry["text"].split(" —")[0].split(":")[0] for entry in document["unattributed"]]
    assert left == ["Company Lens", "Production models handle this via"]


@pytest.mark.parametrize("query", ["kv", "KV", "kv cache", "KV  Cache", "KV caches"])
def test_kv_and_kv_cache_find_the_kv_cache_entry(glossary, query):
    assert glossary.lookup(query).term == "KV cache"


def test_math_the_benchmark_never_matches_the_word_math(glossary):
    term = glossary.lookup("MATH")
    assert term.term == "MATH" and term.case_sensitive is True
    text = "On math word problems o1 scores 94.8% on MATH and well on MATH-500; Math is hard."
    found = [(text[m.start : m.end], m.term.term) for m in TermMatcher(glossary).find_all(text)]
    assert [hit for hit in found if hit[1] == "MATH"] == [("MATH", "MATH"), ("MATH", "MATH")]


@pytest.mark.parametrize(("name", "word"), [("ALiBi", "alibi"), ("Unigram", "unigram")])
def test_names_that_are_also_words_match_only_as_written(glossary, name, word):
    matcher = TermMatcher(glossary)
    assert [m.term.term for m in matcher.find_all(f"{name} is not an {word}")] == [name]


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("RMSNorm", None),
        ("all-reduce", None),
        ("PCIe", None),
        ("NIC", None),
        ("MoE", None),
        ("SRAM", None),
        ("BF16", None),
        ("CUDA", None),
        ("RDMA", None),
        ("RLAIF", None),
        ("ALiBi", None),
        ("WordPiece", "tokenization"),
        ("Unigram", "tokenization"),
        ("CJK", "tokenization"),
        ("Qwen", "tokenization"),
        ("MLM", "embeddings"),
        ("A100", "scaling-laws"),
        ("H100", None),
        ("MATH", None),
        ("majority voting", None),
        ("best-of-N", "sft-post-training-pipeline"),
        ("greedy decoding", None),
        ("logit", None),
        ("temperature", None),
        ("prefill", None),
        ("decode phase", None),
        ("pipeline parallelism", None),
        ("trajectory evaluation", "agent-evaluation"),
        ("quantization", None),
        ("reranking", None),
    ],
)
def test_terms_added_by_the_audit_exist_with_the_module_the_seed_points_to(glossary, name, module):
    term = glossary.lookup(name)
    assert term is not None and term.term == name
    assert term.module == module
    assert term.inferred  # the seed names none of them on a term line


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("consensus@k", "majority voting"),
        ("maj@k", "majority voting"),
        ("allreduce", "all-reduce"),
        ("mixture of experts", "MoE"),
        ("bfloat16", "BF16"),
        ("masked language modeling", "MLM"),
        ("logits", "logit"),
        ("prefill phase", "prefill"),
        ("CE", "cross-entropy"),
    ],
)
def test_the_usual_other_spellings_find_the_new_terms(glossary, alias, name):
    assert glossary.lookup(alias).term == name


def test_definitions_use_no_acronym_without_an_entry(glossary):
    missing = {
        (token, term.term)
        for term in glossary
        for token in _CAPITALISED_TOKEN.findall(term.definition)
        if is_acronym(token) and token not in NOT_GLOSSARY_ACRONYMS and not glossary.lookup(token)
    }
    assert sorted(missing) == []


def test_every_source_names_authors_year_and_title(glossary):
    sources = [term for term in glossary if term.source]
    assert len(sources) >= 40
    for term in sources:
        for part in term.source.split("; "):
            assert _SOURCE.match(part), (term.term, part)

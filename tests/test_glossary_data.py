"""The bundled glossary `data/glossary.yaml`: loads cleanly, is consistent, and is faithful to the
seed page where the seed is right and silent where the seed is wrong."""

from __future__ import annotations

import re

import pytest
from test_seed_accounting import GLOSSARY_FILE, curated, seed_lines

from glossary_lsp.glossary.importer import MODULE, TERM, module_id
from glossary_lsp.glossary.loader import bundled_glossary_path, load_glossary_file
from glossary_lsp.glossary.model import Glossary, fold, is_acronym

# Written in capitals, but names rather than acronyms: they have no expansion.
CAPITALISED_NAMES = {"NVIDIA", "CLAUDE"}

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
]

# Seed snippets that state something false, and the false claim a definition must not repeat.
FALSE_CLAIMS = {
    "VRAM": re.compile(r"8192|cannot be loaded|architectural maximum"),
    "FLOPS": re.compile(r"h\s*×\s*more|strictly larger compute"),
    "GELU": re.compile(r"retrieves the matching value|store keys"),
}

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
    assert 130 <= len(glossary) <= 170
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


def test_definitions_do_not_repeat_false_seed_snippets(glossary):
    for name, claim in FALSE_CLAIMS.items():
        term = glossary.lookup(name)
        assert term is not None and term.term == name
        assert any(claim.search(context) for context in term.contexts), name
        assert not claim.search(term.definition), name


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

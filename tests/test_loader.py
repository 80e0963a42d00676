"""The glossary loader: schema v1, problems with file:line:column, merging, the bundled file."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

from glossary_lsp.glossary.loader import (
    GlossaryLoadError,
    LoadProblem,
    bundled_glossary_path,
    load_glossaries,
    load_glossary_file,
    load_glossary_text,
    merge_glossaries,
)
from glossary_lsp.glossary.model import SourceLocation

REPO = Path(__file__).resolve().parent.parent

FULL = """\
version: 1
modules:
  - id: distributed-training
    title: Distributed Training
    emoji: "🖥️"
    subtitle: "DDP, ZeRO, FSDP"
    inferred: false
  - id: tokenization
    title: Tokenization
terms:
  - term: FSDP
    expansion: Fully Sharded Data Parallel
    definition: >-
      Shards parameters, gradients
      and optimizer states.
    source: Rajbhandari et al., 2020, ZeRO
    module: distributed-training
    aliases: [Fully Sharded Data Parallel]
    see_also: [DDP, ZeRO]
    context: "FSDP (Fully Sharded Data Parallel) shards model parameters"
    case_sensitive: true
  - term: BPE
    context: [first, second]
    inferred: true
unattributed:
  - letter: A
    text: How big? How much data?
"""


def problems_of(text: str, known_modules=(), pure_python: bool = False) -> list[tuple]:
    with pytest.raises(GlossaryLoadError) as caught:
        load_glossary_text(text, "g.yaml", known_modules, pure_python=pure_python)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def only_problem(text: str, known_modules=(), pure_python: bool = False) -> tuple:
    problems = problems_of(text, known_modules, pure_python)
    assert len(problems) == 1, problems
    return problems[0]


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- a valid file ----------------------------------------------------------------------------


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_full_entry_maps_every_field(pure_python):
    glossary = load_glossary_text(FULL, "g.yaml", pure_python=pure_python)
    fsdp, bpe = glossary.terms
    assert fsdp.term == "FSDP"
    assert fsdp.expansion == "Fully Sharded Data Parallel"
    assert fsdp.definition == "Shards parameters, gradients and optimizer states."
    assert fsdp.source == "Rajbhandari et al., 2020, ZeRO"
    assert bpe.source == ""
    assert fsdp.module == "distributed-training"
    assert fsdp.aliases == ("Fully Sharded Data Parallel",)
    assert fsdp.see_also == ("DDP", "ZeRO")
    assert fsdp.contexts == ("FSDP (Fully Sharded Data Parallel) shards model parameters",)
    assert fsdp.case_sensitive is True
    assert fsdp.inferred is False
    assert fsdp.location == SourceLocation("g.yaml", 11, 5)
    assert bpe.contexts == ("first", "second")
    assert bpe.module is None and bpe.case_sensitive is None and bpe.inferred is True
    module = glossary.modules["distributed-training"]
    assert module.label == "🖥️ Distributed Training"
    assert module.subtitle == "DDP, ZeRO, FSDP"
    assert module.location == SourceLocation("g.yaml", 3, 5)
    assert list(glossary.modules) == ["distributed-training", "tokenization"]
    assert [(u.letter, u.text, u.location.line) for u in glossary.unattributed] == [
        ("A", "How big? How much data?", 26)
    ]
    assert glossary.sources == ["g.yaml"]
    assert glossary.lookup("fully sharded data parallel") is fsdp


def test_a_text_loaded_again_gives_a_glossary_of_its_own():
    first = load_glossary_text(FULL, "g.yaml")
    first.terms.clear()
    first.modules.clear()
    again = load_glossary_text(FULL, "g.yaml")
    assert [term.term for term in again.terms] == ["FSDP", "BPE"]
    assert again.lookup("fully sharded data parallel") is again.terms[0]
    assert list(again.modules) == ["distributed-training", "tokenization"]
    elsewhere = load_glossary_text(FULL, "other.yaml")
    assert elsewhere.terms[0].location.path == "other.yaml"


def test_a_text_that_failed_fails_again_with_its_problems():
    broken = FULL.replace("    module: distributed-training\n", "    module: [a]\n")
    assert problems_of(broken) == problems_of(broken) != []


def test_empty_optional_values_count_as_absent():
    glossary = load_glossary_text(
        doc("""
        version: 1
        terms:
          - term: KV cache
            expansion:
            aliases:
            context: ~
        """),
        "g.yaml",
    )
    (term,) = glossary.terms
    assert term.expansion == "" and term.aliases == () and term.contexts == ()


def test_a_byte_order_mark_is_ignored():
    glossary = load_glossary_text("\ufeffversion: 1\nterms:\n  - term: GPU\n", "g.yaml")
    assert glossary.terms[0].location == SourceLocation("g.yaml", 3, 5)


def test_see_also_may_name_a_term_of_another_glossary():
    glossary = load_glossary_text(
        "version: 1\nterms:\n  - term: GPU\n    see_also: [Nowhere]\n", "g.yaml"
    )
    assert glossary.terms[0].see_also == ("Nowhere",)


def test_a_term_may_name_a_module_no_glossary_declares():
    # a module of another file, or of the course (by id, path or title): the course judges it
    text = "version: 1\nterms:\n  - term: GPU\n    module: hardware\n"
    assert load_glossary_text(text, "g.yaml", known_modules={"hardware"}).terms[0].module == (
        "hardware"
    )
    assert load_glossary_text(text, "g.yaml").terms[0].module == "hardware"


# --- problems: their text ------------------------------------------------------------------------


def test_problem_and_error_text():
    problem = LoadProblem("a/g.yaml", 3, 7, "something is wrong")
    assert str(problem) == "a/g.yaml:3:7: something is wrong"
    error = GlossaryLoadError([problem, LoadProblem("a/g.yaml", 9, 1, "and this")])
    assert str(error) == "a/g.yaml:3:7: something is wrong\na/g.yaml:9:1: and this"


# --- problems: tags are never constructed ------------------------------------------------------


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_python_tag_is_a_problem_and_never_runs(tmp_path, pure_python):
    marker = tmp_path / "pwned"
    text = doc(f"""
        version: 1
        terms:
          - term: FSDP
            definition: !!python/object/apply:os.system ["touch {marker}"]
        """)
    line, column, message = only_problem(text, pure_python=pure_python)
    assert not marker.exists()
    assert (line, column) == (4, 17)
    assert "'!!python/object/apply:os.system' is not allowed" in message


def test_python_tag_on_the_whole_document_does_not_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "g.yaml"
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(GlossaryLoadError) as caught:
        load_glossary_file(path)
    assert not marker.exists()
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, 1)]
    assert "not allowed" in str(caught.value)


def test_custom_tag_is_a_problem():
    text = "version: 1\nterms: !mine\n  - term: A\n"
    assert only_problem(text)[:2] == (2, 8)
    assert "tag '!mine' is not allowed" in only_problem(text)[2]


def test_standard_explicit_tags_are_plain_yaml():
    glossary = load_glossary_text("version: !!int 1\nterms:\n  - term: !!str 2024\n", "g.yaml")
    assert glossary.terms[0].term == "2024"


# --- problems: keys, types, required -----------------------------------------------------------


def test_unknown_key_names_the_allowed_keys_and_the_closest():
    line, column, message = only_problem("version: 1\nterms:\n  - term: A\n    defintion: x\n")
    assert (line, column) == (4, 5)
    assert message.startswith("unknown key 'defintion' in a term: did you mean 'definition'?")
    assert "allowed keys are term, expansion, definition, source, module, aliases" in message


def test_unknown_top_level_and_module_keys():
    problems = problems_of(
        doc("""
        version: 1
        glossary: []
        modules:
          - id: m
            title: M
            emoj: "x"
        terms: []
        """)
    )
    assert [(line, column) for line, column, _ in problems] == [(2, 1), (6, 5)]
    assert "allowed keys are version, modules, terms, unattributed" in problems[0][2]
    assert "did you mean 'emoji'?" in problems[1][2]


@pytest.mark.parametrize(
    ("entry", "column", "expected"),
    [
        ("term: 2024", 11, "'term' must be a string, not a number (to write it as text, quote"),
        ("term: yes", 11, "'term' must be a string, not a boolean"),
        ("term: [A, B]", 11, "'term' must be a string, not a list"),
        ("term: A\n    expansion: {x: 1}", 16, "'expansion' of 'A' must be a string, not a map"),
        ("term: A\n    aliases: B", 14, "'aliases' of 'A' must be a list of strings, not a str"),
        ("term: A\n    see_also: [B, 3]", 19, "each entry of 'see_also' of 'A' must be a string"),
        ("term: A\n    source: [S, 2016]", 13, "'source' of 'A' must be a string, not a list"),
        ("term: A\n    context: 3", 14, "'context' of 'A' must be a string or a list of strings"),
        ("term: A\n    case_sensitive: maybe", 21, "'case_sensitive' of 'A' must be true or false"),
        ("term: A\n    inferred: 1", 15, "'inferred' of 'A' must be true or false, not a number"),
    ],
)
def test_wrong_types(entry, column, expected):
    text = f"version: 1\nterms:\n  - {entry}\n"
    line = 3 + entry.count("\n")
    found_line, found_column, message = only_problem(text)
    assert (found_line, found_column) == (line, column)
    assert message.startswith(expected)


def test_terms_must_be_a_list_of_mappings():
    assert only_problem("version: 1\nterms: FSDP\n") == (
        2,
        8,
        "'terms' must be a list, not a string",
    )
    line, column, message = only_problem("version: 1\nterms:\n  - FSDP\n")
    assert (line, column) == (3, 5)
    assert message == "each entry of 'terms' must be a mapping, not a string"


def test_missing_required_keys():
    problems = problems_of(
        doc("""
        version: 1
        modules:
          - title: No id
          - id: no-title
        terms:
          - definition: no term key
        """)
    )
    assert problems == [
        (3, 5, "a module is missing the required key 'id'"),
        (4, 5, "a module is missing the required key 'title'"),
        (6, 5, "a term is missing the required key 'term'"),
    ]
    assert only_problem("version: 1\n") == (
        1,
        1,
        "the glossary is missing the required key 'terms'",
    )


def test_a_key_given_twice():
    problem = only_problem("version: 1\nterms:\n  - term: A\n    term: B\n")
    assert problem == (4, 5, "'term' is given twice in a term (first at line 3)")


# --- problems: names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "column", "expected"),
    [
        ('""', 11, "'term' must name something, not ''"),
        ('"   "', 11, "'term' must name something, not '   '"),
        ('"..."', 11, "'term' must name something, not '...'"),
        ("", 10, "'term' must not be empty"),
    ],
)
def test_empty_or_punctuation_term(term, column, expected):
    assert only_problem(f"version: 1\nterms:\n  - term: {term}\n") == (3, column, expected)


def test_empty_alias():
    problem = only_problem('version: 1\nterms:\n  - term: A\n    aliases: [B, "--"]\n')
    assert problem == (4, 18, "an entry of 'aliases' of 'A' is empty: '--'")


def test_duplicate_terms_case_insensitive_name_both_lines():
    problem = only_problem("version: 1\nterms:\n  - term: FSDP\n  - term: fsdp\n")
    assert problem == (4, 11, "duplicate term 'fsdp': 'FSDP' is already defined at line 3")


def test_alias_equal_to_another_term_names_both_lines():
    text = doc("""
        version: 1
        terms:
          - term: ZeRO
            aliases: [fsdp]
          - term: FSDP
        """)
    assert only_problem(text) == (
        4,
        15,
        "alias 'fsdp' of 'ZeRO' is already the term 'FSDP' at line 5",
    )


def test_alias_of_two_terms():
    text = doc("""
        version: 1
        terms:
          - term: Mixture of Experts
            aliases: [MoE]
          - term: Mixture of Expert Models
            aliases: [moe]
        """)
    assert only_problem(text) == (
        6,
        15,
        "duplicate alias 'moe' of 'Mixture of Expert Models': it is already an alias of "
        "'Mixture of Experts' at line 4",
    )


def test_alias_repeated_or_equal_to_its_own_term():
    text = "version: 1\nterms:\n  - term: LoRA\n    aliases: [LoRA, lora, LORA, lora]\n"
    assert problems_of(text) == [
        (4, 15, "alias 'LoRA' repeats the term itself"),
        (4, 33, "alias 'lora' is listed twice (first at line 4)"),
    ]


def test_module_problems():
    text = doc("""
        version: 1
        modules:
          - id: tokenization
            title: Tokenization
          - id: tokenization
            title: Again
          - id: ""
            title: Empty
        terms:
          - term: BPE
            module: tokenisation
        """)
    assert problems_of(text) == [
        (5, 9, "module id 'tokenization' is used twice (first: line 3)"),
        (7, 9, "a module id must not be empty"),
    ]  # `module: tokenisation` is judged against the course (features/course.py)


# --- problems: bad files -----------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_in_order():
    text = doc("""
        version: 1
        terms:
          - term: A
            modul: x
          - term: "!"
          - term: B
            aliases: [A]
        """)
    assert [(line, column) for line, column, _ in problems_of(text)] == [(4, 5), (5, 11), (7, 15)]


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file(text):
    assert only_problem(text)[:2] == (1, 1)
    assert only_problem(text)[2].startswith("the file is empty")


def test_comments_only():
    assert only_problem("# nothing yet\n")[:2] == (1, 1)


def test_top_level_must_be_a_mapping():
    assert only_problem("- term: A\n") == (
        1,
        1,
        "the top level of a glossary must be a mapping, not a list",
    )


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_yaml_syntax_error_names_its_mark(pure_python):
    line, column, message = only_problem(
        "version: 1\nterms:\n  - term: A\n   bad: [\n", pure_python=pure_python
    )
    assert line == 4
    assert message.startswith("YAML syntax error:")


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_control_character_is_located_in_characters(pure_python):
    line, column, message = only_problem(
        "version: 1\nterms:\n  - term: Zürich\x07\n", pure_python=pure_python
    )
    assert (line, column) == (3, 17)
    assert message.startswith("YAML cannot contain this character")


def test_several_documents():
    assert only_problem("version: 1\nterms: []\n---\nversion: 1\n") == (
        3,
        1,
        "a glossary file holds one YAML document, not several",
    )


def test_undefined_alias():
    assert only_problem("version: 1\nterms:\n  - term: *name\n") == (
        3,
        11,
        "'*name' refers to no anchor '&name'",
    )


def test_anchors_and_aliases_are_plain_yaml():
    text = "version: 1\nterms:\n  - term: A\n    see_also: &s [X]\n  - term: B\n    see_also: *s\n"
    assert [t.see_also for t in load_glossary_text(text, "g.yaml").terms] == [("X",), ("X",)]


def test_version_must_be_one():
    assert only_problem("version: 2\nterms: []\n") == (
        1,
        10,
        "unsupported schema version 2: this glossary-lsp reads version 1",
    )
    assert only_problem('version: "1"\nterms: []\n')[:2] == (1, 10)
    assert only_problem("terms: []\n") == (
        1,
        1,
        "the glossary is missing the required key 'version'",
    )


def test_missing_file(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(GlossaryLoadError) as caught:
        load_glossary_file(path)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.column) == (str(path), 1, 1)
    assert problem.message.startswith("cannot read the file")


def test_invalid_utf8_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_bytes("version: 1\nterms:\n  - term: Zü".encode() + b"\xff\xfe\n")
    with pytest.raises(GlossaryLoadError) as caught:
        load_glossary_file(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 13)
    assert problem.message == "the file is not valid UTF-8: byte ff cannot be decoded"


# --- merging and provenance --------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(doc(text), encoding="utf-8")
    return path


def test_merge_later_terms_override_earlier_ones_case_insensitively(tmp_path):
    first = load_glossary_file(
        write(
            tmp_path,
            "first.yaml",
            """
            version: 1
            modules:
              - id: m
                title: First title
            terms:
              - term: FSDP
                expansion: old
              - term: GPU
            """,
        )
    )
    second = load_glossary_file(
        write(
            tmp_path,
            "second.yaml",
            """
            version: 1
            modules:
              - id: m
                title: Second title
            terms:
              - term: TPU
              - term: fsdp
                expansion: new
            """,
        )
    )
    merged = merge_glossaries([first, second])
    assert [t.term for t in merged.terms] == ["fsdp", "GPU", "TPU"]
    assert merged.lookup("FSDP").expansion == "new"
    assert merged.lookup("FSDP").location.path == str(tmp_path / "second.yaml")
    assert merged.lookup("GPU").location.path == str(tmp_path / "first.yaml")
    assert merged.modules["m"].title == "Second title"
    assert merged.sources == [str(tmp_path / "first.yaml"), str(tmp_path / "second.yaml")]


def test_load_glossaries_bundled_first_and_workspace_may_use_bundled_modules(tmp_path):
    bundled = load_glossary_file(bundled_glossary_path())
    module_id = next(iter(bundled.modules))
    term = bundled.terms[0]
    workspace = write(
        tmp_path,
        "glossary.yaml",
        f"""
        version: 1
        terms:
          - term: {term.term.lower()}
            definition: the course's own wording
            module: {module_id}
        """,
    )
    glossary, problems = load_glossaries([workspace])
    assert problems == []
    assert glossary.sources == [str(bundled_glossary_path()), str(workspace)]
    overridden = glossary.lookup(term.term)
    assert overridden.definition == "the course's own wording"
    assert overridden.location == SourceLocation(str(workspace), 3, 5)


def test_load_glossaries_skips_a_failing_file_and_returns_its_problems(tmp_path):
    good = write(tmp_path, "good.yaml", "version: 1\nterms:\n  - term: GPU\n")
    bad = write(tmp_path, "bad.yaml", "version: 1\nterms:\n  - term: TPU\n    modul: x\n")
    glossary, problems = load_glossaries([good, bad], include_bundled=False)
    assert [t.term for t in glossary.terms] == ["GPU"]
    assert glossary.sources == [str(good)]
    assert [(p.path, p.line, p.column) for p in problems] == [(str(bad), 4, 5)]


def test_load_glossaries_without_any_file():
    glossary, problems = load_glossaries([], include_bundled=False)
    assert (len(glossary), problems) == (0, [])


# --- the bundled glossary and synthetic ones ---------------------------------------------------


def test_bundled_glossary_is_the_repository_data_file_or_its_installed_copy():
    bundled = bundled_glossary_path()
    assert bundled.read_bytes() == (REPO / "data" / "glossary.yaml").read_bytes()
    assert bundled.parts[-2:] == ("data", "glossary.yaml")


def test_bundled_glossary_loads_without_problems():
    glossary, problems = load_glossaries([])
    assert problems == []
    assert len(glossary) > 0
    assert all(term.location.path == str(bundled_glossary_path()) for term in glossary)


def synthetic_glossary_yaml(n_terms: int) -> str:
    spec = importlib.util.spec_from_file_location("gen", REPO / "benchmarks" / "gen_glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_glossary_yaml(n_terms, n_modules=7)


def test_synthetic_glossary_loads_the_same_with_both_parsers():
    text = synthetic_glossary_yaml(150)
    with_libyaml = load_glossary_text(text, "synthetic.yaml")
    with_python = load_glossary_text(text, "synthetic.yaml", pure_python=True)
    assert len(with_libyaml) == 150 and len(with_libyaml.modules) == 7
    assert with_libyaml.terms == with_python.terms
    assert with_libyaml.modules == with_python.modules


def test_a_node_reached_through_several_aliases_is_reported_once():
    text = doc("""
        version: 1
        nested: &list [x]
        terms:
          - term: A
            aliases: [*list, *list, *list]
        """)
    assert problems_of(text) == [
        (
            2,
            1,
            "unknown key 'nested' in the glossary: allowed keys are version, modules, terms, "
            "unattributed",
        ),
        (2, 9, "each entry of 'aliases' of 'A' must be a string, not a list"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nterms:\n  - term: !!str [a]\n", (3, 11, "tag '!!str' does not fit a list")),
        ("version: !!int [1]\nterms: []\n", (1, 10, "tag '!!int' does not fit a list")),
        ("version: 1\nterms: !!seq x\n", (2, 8, "tag '!!seq' does not fit a single value")),
    ],
)
def test_a_tag_that_contradicts_its_value_is_a_problem_not_a_crash(text, expected):
    line, column, message = only_problem(text)
    assert (line, column) == expected[:2] and message.startswith(expected[2])

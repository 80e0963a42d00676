"""The layout reader: a glossary in the usual layout is read fast and exactly as libyaml reads it;
any other text is left to libyaml (`read_glossary` returns None), never read differently."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary_lsp.layout_reader import read_glossary
from glossary_lsp.loader import (
    GlossaryLoadError,
    bundled_glossary_path,
    load_glossary_file,
    load_glossary_text,
)
from glossary_lsp.model import Glossary

REPO = Path(__file__).resolve().parent.parent
KNOWN = ("bundled-module",)


def libyaml(text: str, known=KNOWN) -> Glossary | None:
    """What the libyaml loader makes of `text`; None when it reports problems."""
    try:
        return load_glossary_text(text, "g.yaml", known, layout=False)
    except GlossaryLoadError:
        return None


def same_or_declined(text: str, known=KNOWN) -> bool:
    """The property: the layout reader reads `text` as libyaml does, or leaves it to libyaml.

    Returns whether the layout reader read it.
    """
    fast = read_glossary(text, "g.yaml", known)
    if fast is None:
        return False
    expected = libyaml(text, known)
    assert expected is not None, "the layout reader accepted a text libyaml reports problems in"
    assert fast == expected
    assert fast._by_name == expected._by_name  # noqa: SLF001 (the index lookups depend on)
    return True


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- what ships and what the tools write -----------------------------------------------------


def test_the_bundled_glossary_is_read_in_layout():
    text = bundled_glossary_path().read_text(encoding="utf-8")
    assert same_or_declined(text, ())


def test_the_sample_course_glossary_is_read_in_layout():
    bundled = load_glossary_file(bundled_glossary_path())
    text = (REPO / "examples" / "course" / "glossary.yaml").read_text(encoding="utf-8")
    assert same_or_declined(text, tuple(bundled.modules))


def test_a_synthetic_glossary_is_read_in_layout():
    from test_loader import synthetic_glossary_yaml

    assert same_or_declined(synthetic_glossary_yaml(3000), ())


def test_load_glossary_file_uses_it_and_does_not_cache_it(tmp_path, monkeypatch):
    from test_loader import synthetic_glossary_yaml

    cache = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_LSP_CACHE_DIR", str(cache))
    path = tmp_path / "big.yaml"
    path.write_text(synthetic_glossary_yaml(4000), encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    glossary = load_glossary_file(path)
    assert glossary == load_glossary_text(path.read_text(encoding="utf-8"), str(path), layout=False)
    assert not cache.exists() or not any(cache.iterdir())


# --- values of every form --------------------------------------------------------------------

ENTRY = """\
version: 1
modules:
  - id: m1
    title: Module One
terms:
  - term: GPU
    {before}
    {after}
"""
ORDER = ("expansion", "definition", "module", "aliases", "see_also", "context", "inferred")


def entry(key: str, value: str) -> str:
    """A glossary of one term with `key: value` in the schema's order around `module: m1`."""
    line = f"{key}:{value}" if value.startswith("\n") else f"{key}: {value}"
    if key in ORDER and ORDER.index(key) < ORDER.index("module"):
        return ENTRY.format(before=line, after="module: m1")
    return ENTRY.format(before="module: m1", after=line)


IN_LAYOUT = [
    ("definition", "plain text, with a colon:inside and C# and 50%"),
    ("definition", "first line\n      continued line\n        deeper - continued"),
    ("definition", "'single ''quoted'' text'"),
    ("definition", "'single quoted\n      over two lines'"),
    ("definition", '"double quoted: #not a comment"'),
    ("definition", ">-\n      folded\n      lines"),
    ("definition", ">\n      folded, kept newline"),
    ("definition", "|\n      literal\n      # not a comment"),
    ("definition", "|-\n      literal\n      lines"),
    ("definition", "🖥️ emoji first, then text é 中文"),
    ("expansion", "''"),
    ("aliases", "[graphics card, 'graphics, processing unit', \"G.P.U\"]"),
    ("aliases", "[]"),
    ("aliases", "\n    - graphics card\n    - video card"),
    ("aliases", "\n      - graphics card\n      - 'video card'"),
    ("see_also", "\n    - a long name\n      continued"),
    ("context", "[one, two]"),
    ("context", "\n    - one\n    - two"),
    ("context", "a single context"),
    ("case_sensitive", "true"),
    ("case_sensitive", "No"),
    ("inferred", "yes"),
]


@pytest.mark.parametrize(("key", "value"), IN_LAYOUT)
def test_every_value_form_is_read_as_libyaml_reads_it(key, value):
    assert same_or_declined(entry(key, value)), "expected in layout"


OUT_OF_LAYOUT = [
    ("definition", '"an \\u00e9scape"'),  # escapes are libyaml's
    ("definition", "&anchor text"),
    ("definition", "!!str tagged"),
    ("definition", "text with trailing space "),
    ("definition", "text # and a comment"),
    ("definition", "tab\tinside"),
    ("definition", ">-\n      folded\n        more indented"),
    ("definition", ">-\n      folded\n\n      after a blank line"),
    ("definition", ">+\n      keep"),
    ("definition", "{a: b}"),
    ("definition", "12"),
    ("definition", "2024-01-01"),
    ("definition", "~"),
    ("definition", "null"),
    ("expansion", "yes"),
    ("aliases", "[yes]"),
    ("aliases", "[=]"),
    ("see_also", "[<<]"),
    ("expansion", "="),
    ("aliases", "[a: b]"),
    ("aliases", "graphics card"),
    ("aliases", "[GPU]"),  # repeats the term itself: a problem
    ("aliases", "['...']"),  # an empty name: a problem
    ("module", "m2"),  # unknown module: a problem
    ("unknown_key", "value"),
]


@pytest.mark.parametrize(("key", "value"), OUT_OF_LAYOUT)
def test_anything_else_is_left_to_libyaml(key, value):
    assert read_glossary(entry(key, value), "g.yaml", KNOWN) is None


PLAIN = entry("expansion", "x")


@pytest.mark.parametrize(
    "text",
    [
        PLAIN.replace("\n", "\r\n"),
        "---\n" + PLAIN,
        PLAIN + "...\n",
        PLAIN.replace("    module: m1\n", "    # note\n    module: m1\n"),
        PLAIN.replace("    module: m1\n", "\n    module: m1\n"),
        PLAIN.replace("    expansion: x\n    module: m1\n", "    module: m1\n    expansion: x\n"),
        PLAIN + "  - term: gpu\n",  # a duplicate term
        PLAIN.replace("version: 1\n", ""),
        PLAIN.replace("version: 1", "version: 2"),
        PLAIN.replace("terms:\n", "terms:\n  # c\n   - x\n"),
        "version: 1\nterms: []\n",
        "version: 1\nterms:\n  - term: A\n  -   term: B\n",
        "version: 1\nterms:\n  - term: A\n   - term: B\n",
        "version: 1\nterms:\n  - term: A\nversion: 1\n",
        "version: 1\nterms:\n  - term: A\n    definition: |\n      no newline at the end",
        "version: 1\nterms:\n  - term: A\n    definition: plain\n      : colon first\n",
        "",
    ],
    ids=lambda text: repr(text[:0]) if not text else None,
)
def test_other_layouts_and_problems_are_left_to_libyaml(text):
    assert read_glossary(text, "g.yaml", KNOWN) is None


def test_layout_details_that_are_read():
    text = doc("""
        # a comment before
        version: 1

        modules:
        - id: m1
          title: Module One
          emoji: 🖥️
          subtitle: 'Its subtitle: quoted'
          inferred: true

        # between sections
        terms:
            - term: KV cache
              expansion: ''
              aliases:
              - key-value cache
            # between entries
            - term: kv
              see_also: [KV cache]
        unattributed:
        - letter: A
          text: some text
            over two lines
        """)
    assert same_or_declined(text)
    glossary = read_glossary(text, "g.yaml")
    assert [term.location.line for term in glossary] == [13, 18]
    assert glossary.unattributed[0].text == "some text over two lines"


PLAIN_SCALARS = [
    "=",
    "<<",
    "yes",
    "No",
    "~",
    "null",
    "Null",
    "NULL",
    "12",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1:20",
    "-1",
    "+1",
    ".5",
    "1.5e3",
    "1e3",
    ".inf",
    "-.Inf",
    ".NaN",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "on",
    "Off",
    "y",
    "n",
    "Y",
    "text",
    "123abc",
    "-",
    "--",
    ".",
    "..",
    "=x",
    "<<x",
    "true_story",
    "Yes!",
    "nullable",
    "~x",
    "0.5.1",
    "1.2.3",
    "12:30:00",
    "FALSE",
]


@pytest.mark.parametrize("plain", PLAIN_SCALARS)
def test_a_plain_scalar_is_a_string_exactly_when_yaml_says_so(plain):
    from glossary_lsp.layout_reader import _is_string

    resolved = yaml.SafeLoader("").resolve(yaml.ScalarNode, plain, (True, False))
    assert _is_string(plain) == (resolved == "tag:yaml.org,2002:str")


# --- fuzzing: generated glossaries and mutated ones -----------------------------------------

TRICKY = "ab Zy9:#'\"-[]{},&*!|>%@`\\\t.?~=<é🖥️\u00a0\u2028\x85\ufeff\r\n"


def tricky_text(rng: random.Random, length: int) -> str:
    letters = "abcdefghij KLMNOP"
    tricky = rng.choice([0, 0, 0.02, 0.1, 0.3])
    return "".join(
        rng.choice(TRICKY) if rng.random() < tricky else rng.choice(letters) for _ in range(length)
    )


def random_document(rng: random.Random) -> dict:
    """A glossary-shaped document of tricky strings; one in five may hold problems."""
    sloppy = rng.random() < 0.2

    def text(length: int = 12) -> str:
        if sloppy and rng.random() < 0.1:
            return rng.choice([*PLAIN_SCALARS, ""])
        return tricky_text(rng, rng.randint(min(4, length), length))

    modules = [
        {"id": f"m{number}", "title": text(), **({"emoji": "🖥️"} if rng.random() < 0.5 else {})}
        for number in range(rng.randint(0, 2))
    ]
    module_ids = [module["id"] for module in modules] + list(KNOWN)
    if sloppy:
        module_ids += ["nowhere", "m1"]
    terms = []
    for _ in range(rng.randint(1, 4)):
        entry = {"term": rng.choice(["GPU", "gpu", "KV cache"]) if sloppy else text(8)}
        for key, make in (
            ("expansion", lambda: text(20)),
            ("definition", lambda: text(160)),
            ("module", lambda: rng.choice(module_ids)),
            ("aliases", lambda: [text(10) for _ in range(rng.randint(0, 3))]),
            ("see_also", lambda: [text(10) for _ in range(rng.randint(0, 2))]),
            ("context", lambda: text(120) if rng.random() < 0.5 else [text(60), text(60)]),
            ("case_sensitive", lambda: rng.choice([True, False, "maybe"] if sloppy else [True])),
            ("inferred", lambda: rng.choice([True, False])),
        ):
            if rng.random() < 0.5:
                entry[key] = make()
        terms.append(entry)
    document: dict = {"version": 1, "modules": modules} if modules else {"version": 1}
    document["terms"] = terms
    if rng.random() < 0.3:
        document["unattributed"] = [{"letter": "A", "text": text(150)}]
    return document


def dumped(rng: random.Random, document: dict) -> str:
    """`document` as a YAML tool writes it: `yaml.safe_dump` with varying options."""
    return yaml.safe_dump(
        document,
        allow_unicode=rng.random() < 0.9,
        sort_keys=False,
        width=rng.choice([30, 60, 100, 1000]),
        indent=rng.choice([2, 4]),
        default_flow_style=rng.choice([False, False, False, None]),
    )


def test_dumped_random_glossaries_are_read_as_libyaml_reads_them():
    rng = random.Random(20261129)
    read = 0
    for _ in range(2000):
        read += same_or_declined(dumped(rng, random_document(rng)))
    assert read > 250  # the layout reader took a fair share, so the comparison means something


def mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        position = rng.randrange(len(text) + 1)
        action = rng.random()
        if action < 0.4:
            text = text[:position] + rng.choice(TRICKY) + text[position:]
        elif action < 0.7:
            text = text[:position] + text[position + 1 :]
        else:
            text = text[:position] + rng.choice(TRICKY) + text[position + 1 :]
    return text


SEEDS = [entry(key, value) for key, value in IN_LAYOUT] + [
    entry(key, value).replace("    module: m1\n", "")
    for key, value in IN_LAYOUT  # value last
]


def test_mutated_glossaries_are_read_as_libyaml_reads_them_or_left_to_it():
    rng = random.Random(7)
    read = 0
    for _ in range(3000):
        read += same_or_declined(mutated(rng, rng.choice(SEEDS)))
    assert read > 300


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False))
def test_hypothesis_dumped_glossaries(rng):
    same_or_declined(dumped(rng, random_document(rng)))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 400), st.sampled_from(TRICKY), st.integers(0, 2))
def test_hypothesis_single_edits(seed, position, char, action):
    position = min(position, len(seed))
    if action == 0:
        text = seed[:position] + char + seed[position:]
    elif action == 1:
        text = seed[:position] + seed[position + 1 :]
    else:
        text = seed[:position] + char + seed[position + 1 :]
    same_or_declined(text)

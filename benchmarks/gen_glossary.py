"""Synthetic schema-v1 glossaries of any size, for benchmarks.

The output is deterministic for a given size and shaped like the curated glossary: modules with
emoji and subtitles, acronyms with expansions, multi-word terms, aliases, see-also links,
contexts and folded definitions. Every name is unique (case-insensitively), so the result loads
without problems.

    python benchmarks/gen_glossary.py 100000 -o /tmp/glossary-100k.yaml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_WORDS = [
    "adaptive",
    "attention",
    "batched",
    "causal",
    "cached",
    "dense",
    "decoder",
    "encoder",
    "fused",
    "gated",
    "gradient",
    "hybrid",
    "inference",
    "kernel",
    "latent",
    "linear",
    "masked",
    "mixture",
    "neural",
    "optimal",
    "parallel",
    "quantized",
    "recurrent",
    "residual",
    "rotary",
    "sampled",
    "scaled",
    "sharded",
    "sparse",
    "speculative",
    "streaming",
    "tensor",
    "tokenized",
    "unified",
    "vector",
    "weighted",
]
_NOUNS = [
    "adapter",
    "buffer",
    "cache",
    "checkpoint",
    "embedding",
    "estimator",
    "gradient",
    "layer",
    "logits",
    "memory",
    "optimizer",
    "pipeline",
    "policy",
    "projection",
    "router",
    "sampler",
    "scheduler",
    "tokenizer",
    "transformer",
    "window",
]
# One word per letter, so distinct acronyms get distinct expansions.
_LETTER_WORDS = {
    letter: next(w for w in (*_WORDS, *_NOUNS, "xavier", "yield", "zero") if w[0] == letter)
    for letter in "abcdefghijklmnopqrstuvwxyz"
    if any(w[0] == letter for w in (*_WORDS, *_NOUNS, "xavier", "yield", "zero"))
}
_ALPHABET = "".join(sorted(_LETTER_WORDS)).upper()
_EMOJI = ("🖥️", "🧮", "📊", "🔤", "🤖", "📍", "⚡", "🧠", "🔍", "🧪", "📦", "🛠️")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _code(index: int, width: int) -> str:
    """`index` written in base len(_ALPHABET) with a fixed width: unique per index."""
    letters = []
    for _ in range(width):
        index, digit = divmod(index, len(_ALPHABET))
        letters.append(_ALPHABET[digit])
    return "".join(reversed(letters))


def _width(n_terms: int) -> int:
    width = 3
    while len(_ALPHABET) ** width < n_terms:
        width += 1
    return width


def _scalar(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in items) + "]"


def _term_name(index: int, width: int) -> str:
    code = _code(index, width)
    if index % 3 == 0:
        return code
    first = _WORDS[index % len(_WORDS)]
    second = _NOUNS[(index // len(_WORDS)) % len(_NOUNS)]
    return f"{first} {second} {code.lower()}"


def _expansion(code: str) -> str:
    return " ".join(_LETTER_WORDS[letter.lower()].capitalize() for letter in code)


def _module_lines(n_modules: int) -> list[str]:
    lines = ["modules:"]
    for number in range(1, n_modules + 1):
        lines += [
            f"  - id: module-{number:03d}",
            f"    title: Module {number}",
            f"    emoji: {json.dumps(_EMOJI[number % len(_EMOJI)], ensure_ascii=False)}",
            f'    subtitle: "Synthetic module {number}: scaling, serving and evaluation"',
        ]
    return lines


def _term_lines(index: int, n_terms: int, n_modules: int, width: int) -> list[str]:
    name = _term_name(index, width)
    is_acronym = index % 3 == 0
    lines = [f"  - term: {_scalar(name)}"]
    if is_acronym:
        lines.append(f"    expansion: {_scalar(_expansion(name))}")
    lines += [
        "    definition: >-",
        f"      A synthetic definition of {name}: it shards the {_NOUNS[index % len(_NOUNS)]}",
        "      across devices and trades memory for throughput (1-3% quality loss, 2x faster).",
    ]
    if n_modules:
        lines.append(f"    module: module-{index % n_modules + 1:03d}")
    if is_acronym and index % 2 == 0:
        lines.append(f"    aliases: {_flow_list([_expansion(name) + ' method'])}")
    if index % 2 == 1 and n_terms > 1:
        related = [_term_name((index * 7 + step) % n_terms, width) for step in (1, 2)]
        lines.append(f"    see_also: {_flow_list([r for r in related if r != name])}")
    if index % 5 == 0:
        lines.append(f'    context: "Used with {name} in the serving chapter."')
    return lines


def synthetic_glossary_yaml(n_terms: int, n_modules: int = 84) -> str:
    """A valid schema-v1 glossary with `n_terms` terms spread over `n_modules` modules."""
    if n_terms < 0 or n_modules < 0:
        raise ValueError("n_terms and n_modules must not be negative")
    width = _width(n_terms)
    lines = [f"# Synthetic glossary: {n_terms} terms, {n_modules} modules.", "version: 1"]
    if n_modules:
        lines += _module_lines(n_modules)
    lines.append("terms:" if n_terms else "terms: []")
    for index in range(n_terms):
        lines += _term_lines(index, n_terms, n_modules, width)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic schema-v1 glossary.")
    parser.add_argument("n_terms", type=int, help="number of terms, e.g. 100000")
    parser.add_argument("--modules", type=int, default=84, help="number of modules (84)")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)
    text = synthetic_glossary_yaml(args.n_terms, args.modules)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

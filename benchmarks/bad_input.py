"""Bad input for the course rules: findings stay bounded and the time stays reasonable.

    python benchmarks/bad_input.py [--size-mb 5]

Three courses written to a temporary folder: one module that is a single table of capitalised
identifiers (`--size-mb`), a course whose every line is in capitals, and a course checked with
a glossary of 5,000 two-character acronyms it uses everywhere. For each: the findings per rule
(at most `MAX_FINDINGS_PER_RULE` per module and rule, plus one summary finding), the time of
one `check` of the course, of diagnosing the big document as the editor does after an edit,
and of a hover in it, in CPU seconds of this process (the machine may be shared).
"""

from __future__ import annotations

import argparse
import itertools
import string
import tempfile
import time
from collections import Counter
from pathlib import Path

from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import CourseDiagnostics, RuleSettings
from glossary_lsp.features.hover import hover
from glossary_lsp.glossary.loader import load_glossary_text
from glossary_lsp.text.documents import view_document

BASE_GLOSSARY = """\
version: 1
terms:
  - term: FSDP
    expansion: Fully Sharded Data Parallel
  - term: PyTorch
"""


def identifier_table(size: int) -> str:
    rows = ["# Registry", "", "| Name | Kind | Owner |", "|---|---|---|"]
    length = sum(map(len, rows))
    for number in itertools.count():
        row = f"| QX{number:06d}Z | RegistryEntry{number} | OWNER{number % 997}TEAM |"
        rows.append(row)
        length += len(row) + 1
        if length >= size:
            break
    return "\n".join(rows) + "\n"


def shouting_course(modules: int) -> dict[str, str]:
    line = "THE MODEL USES FSDP AND PYTORCH TO TRAIN ON MANY GPUS WITH NCCL AND HBM"
    body = "\n\n".join(f"## SECTION {n} OF THE GUIDE\n\n{line} {n}." for n in range(400))
    return {f"{n:02d}-part.md": f"# PART {n}\n\n{body}\n" for n in range(modules)}


def two_letter_glossary(count: int) -> tuple[str, list[str]]:
    alphabet = string.ascii_uppercase + string.digits
    names = [a + b for a, b in itertools.product(string.ascii_uppercase, alphabet)][:count]
    names += [a + b + c for a, b, c in itertools.product(string.ascii_uppercase, repeat=3)][
        : max(0, count - len(names))
    ]
    entries = "".join(f'  - term: "{name}"\n    expansion: Expansion of {name}\n' for name in names)
    return "version: 1\nterms:\n" + entries, names


def acronym_text(
    names: list[str], title: str, words: int, first: int = 0, per_paragraph: int = 100
) -> str:
    """A module whose every word (but its heading's) is one of `names`, `words` of them in
    paragraphs, cycling through the names from `first`."""
    picked = [names[(first + k) % len(names)] for k in range(words)]
    paragraphs = (
        " ".join(picked[i : i + per_paragraph]) + "." for i in range(0, words, per_paragraph)
    )
    return f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"


def run_course(name: str, root: Path, glossary: str) -> None:
    (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    started = time.process_time()
    version = GlossaryVersion.build(load_glossary_text(glossary, str(root / "glossary.yaml")))
    index = WorkspaceIndex([root])
    index.set_matcher(version.matcher)
    index.scan()
    diagnostics = CourseDiagnostics()
    results = diagnostics.workspace(version, index, RuleSettings.from_settings())
    elapsed = time.process_time() - started
    counts: Counter[str] = Counter()
    summaries = 0
    worst = 0
    for found in results.values():
        worst = max(worst, len(found))
        for finding in found:
            counts[finding.rule] += 1
            summaries += "summary" in finding.data
    size = sum(path.stat().st_size for path in results)
    print(
        f"{name}: {len(results)} modules, {size / 1e6:.1f} MB; check {elapsed:.2f} s; "
        f"findings {dict(counts)}; at most {worst} in a module; {summaries} summaries"
    )
    biggest = max(results, key=lambda path: path.stat().st_size)
    source = biggest.read_text(encoding="utf-8")
    view = view_document(str(biggest), source + "\nOne more line.\n")  # an edit
    started = time.process_time()
    found = diagnostics.document(version, index, biggest, view, RuleSettings.from_settings())
    document_time = time.process_time() - started
    offset = len(source) // 2
    started = time.process_time()
    for _ in range(100):
        hover(version, view, offset)
    hover_ms = (time.process_time() - started) * 10
    print(
        f"  the largest module ({len(source) / 1e6:.1f} MB): diagnosed after an edit in "
        f"{document_time:.2f} s ({len(found)} findings); a hover {hover_ms:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "table"
        root.mkdir()
        (root / "01-registry.md").write_text(
            identifier_table(int(args.size_mb * 1e6)), encoding="utf-8"
        )
        (root / "02-next.md").write_text("# Next\n\nFSDP and Pytorch.\n", encoding="utf-8")
        run_course("one table of identifiers", root, BASE_GLOSSARY)

        root = Path(folder) / "shouting"
        root.mkdir()
        for file, text in shouting_course(20).items():
            (root / file).write_text(text, encoding="utf-8")
        run_course("every line in capitals", root, BASE_GLOSSARY)

        root = Path(folder) / "acronyms"
        root.mkdir()
        glossary, names = two_letter_glossary(5000)
        for module in range(10):
            text = acronym_text(names, f"Module {module}", 3000, first=module * 700)
            (root / f"{module:02d}-m.md").write_text(text, encoding="utf-8")
        run_course("5,000 two-character acronyms", root, glossary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

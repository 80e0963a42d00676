"""Synthetic inputs for the benchmarks: courses of any size, glossaries, one huge module.

A synthetic course has `n` modules of about 30 KB each (every tenth one a Jupyter notebook),
named `NNNN-module-NNN.md` so that the file stem gives the module id of a glossary written by
`gen_glossary.synthetic_glossary_yaml(n_terms, n_modules=n)`. Each module mentions terms of its
own glossary module and of earlier ones, so terms are introduced where the glossary says.

One term, the *target*, is kept out of every module before its own module (at 90% of the
course) and mentioned again in the last module: a definition request there must point back to
the target module, which the server can only know once it has indexed the course up to it.

Everything is written under `benchmarks/.work/` (gitignored) and reused while its parameters are
unchanged.

    python benchmarks/synthetic_course.py 840     # writes benchmarks/.work/course-840-...
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_glossary import synthetic_glossary_yaml  # noqa: E402

WORK_DIR = Path(__file__).resolve().parent / ".work"
FORMAT_VERSION = 2  # bump when the generated text changes, to invalidate cached inputs
_MANIFEST = "manifest.json"
_TERM_LINE = re.compile(r"^  - term: (.+)$")
_MODULE_LINE = re.compile(r"^    module: (.+)$")

_SENTENCES_WITH_TERM = (
    "In practice, {t} changes how the batch is scheduled across devices.",
    "The **{t}** step is cheap compared with the matrix multiplications around it.",
    "Engineers often compare {t} with {u} before they choose a configuration.",
    "A profile of the training step shows where {t} ({u}) spends its time.",
    "{t}'s cost grows with the number of layers, not with the batch size.",
    "When the sequence gets long, {t} keeps the memory traffic under control.",
    "The paper that introduced {t} measured a 2x speed-up on a single node.",
    "Without {t}, the same run needs twice as many GPUs to fit in memory.",
)
_PLAIN_SENTENCES = (
    "This section walks through the idea step by step, starting from a small example.",
    "The numbers below come from a model with 7B parameters trained on 2T tokens.",
    "Most of the time goes into matrix multiplications; the rest is communication.",
    "Keep an eye on the memory budget: weights, gradients, optimizer states and activations.",
    "A small change in the data pipeline can matter more than a new architecture.",
    "The exercise at the end of the module asks you to reproduce one of these results.",
)
_EMOJI = ("🧠", "⚡", "📊", "🔤", "🖥️", "🧪", "📦", "🛠️")
_HEADINGS = ("Motivation", "How it works", "Costs", "In practice", "Pitfalls", "Exercises")


@dataclass(frozen=True)
class SyntheticCourse:
    root: Path
    glossary_path: Path
    n_modules: int
    n_notebooks: int
    total_bytes: int
    target_term: str
    target_module_path: Path
    probe_path: Path
    probe_line: int  # 0-based
    probe_character: int  # UTF-16 code units, as LSP counts by default

    @property
    def megabytes(self) -> float:
        return self.total_bytes / 1_000_000


@dataclass(frozen=True)
class SyntheticGlossary:
    path: Path
    n_terms: int
    size_bytes: int
    workspace: Path  # a one-module course that mentions a few of the glossary's terms
    probe_path: Path
    probe_line: int
    probe_character: int
    probe_term: str
    completion_character: int  # inside the probe term, after its first three characters


@dataclass(frozen=True)
class LargeModule:
    root: Path
    path: Path
    size_bytes: int


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def probe_position(path: Path, text: str, term: str) -> tuple[Path, int, int]:
    """Where a probe request goes: the term on the module's third line (the heading, a blank line,
    then the probe sentence), its column in UTF-16 code units."""
    line = text.split("\n")[2]
    return path, 2, utf16_length(line[: line.index(term)])


def glossary_terms(yaml_text: str) -> list[tuple[str, str | None]]:
    """(term, module id) pairs in file order, read line by line from a block-style glossary."""
    pairs: list[tuple[str, str | None]] = []
    for line in yaml_text.splitlines():
        if term := _TERM_LINE.match(line):
            pairs.append((str(yaml.safe_load(term.group(1))), None))
        elif (module := _MODULE_LINE.match(line)) and pairs:
            pairs[-1] = (pairs[-1][0], str(yaml.safe_load(module.group(1))))
    if not pairs:  # not the layout we expect: fall back to a real parse
        data = yaml.safe_load(yaml_text) or {}
        pairs = [(str(t["term"]), t.get("module")) for t in data.get("terms") or []]
    return pairs


def module_id(number: int) -> str:
    return f"module-{number:03d}"


def module_file_name(number: int, notebook: bool) -> str:
    return f"{number:04d}-{module_id(number)}.{'ipynb' if notebook else 'md'}"


def _is_notebook(number: int, target: int, last: int) -> bool:
    return number % 10 == 5 and number not in (target, last)


def _paragraph(rng: random.Random, pool: list[str], own: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(4, 7)):
        if pool and rng.random() < 0.7:
            names = own if own and rng.random() < 0.4 else pool
            template = rng.choice(_SENTENCES_WITH_TERM)
            sentences.append(template.format(t=rng.choice(names), u=rng.choice(pool)))
        else:
            sentences.append(rng.choice(_PLAIN_SENTENCES))
    return _wrap(" ".join(sentences))


def _wrap(text: str, width: int = 96) -> str:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


def _code_block(rng: random.Random, pool: list[str]) -> str:
    name = rng.choice(pool) if pool else "baseline"
    return (
        "```python\n"
        f'config = {{"technique": {json.dumps(name)}, "layers": {rng.randint(2, 96)}}}\n'
        "trainer = Trainer(config)  # see the glossary entry above\n"
        "trainer.fit(steps=1_000)\n"
        "```"
    )


def _module_blocks(
    rng: random.Random, pool: list[str], own: list[str], size: int
) -> Iterator[tuple[str, str]]:
    """("markdown" | "code", text) blocks until about `size` bytes have been produced."""
    produced = 0
    section = 0
    while produced < size:
        if section % 4 == 0:
            block = ("markdown", f"## {_HEADINGS[(section // 4) % len(_HEADINGS)]}")
        elif section % 4 == 3:
            block = ("code", _code_block(rng, pool))
        else:
            block = ("markdown", _paragraph(rng, pool, own))
        produced += len(block[1].encode("utf-8")) + 2
        section += 1
        yield block


def _outputs(number: int) -> list[dict]:
    """What an executed code cell keeps: a log on stdout, a result and a small plot."""
    log = [
        f"step {step:4d}  loss {2.5 / (step + 1):.4f}  tokens/s {1200 + step}\n"
        for step in range(8)
    ]
    image = base64.b64encode(random.Random(number).randbytes(600)).decode("ascii")
    return [
        {"output_type": "stream", "name": "stdout", "text": log},
        {
            "output_type": "execute_result",
            "execution_count": number,
            "metadata": {},
            "data": {"text/plain": [f"TrainOutput(global_step=1000, loss={number / 997:.4f})"]},
        },
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"image/png": image, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
        },
    ]


def _notebook_json(cells: list[tuple[str, str]], outputs: bool = False) -> str:
    def cell(kind: str, text: str) -> dict:
        if kind == "code":
            text = text.removeprefix("```python\n").removesuffix("\n```")
        lines = text.split("\n")
        source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        if kind == "code":
            number = len(source) + len(text)
            return {
                "cell_type": "code",
                "execution_count": number if outputs else None,
                "metadata": {},
                "outputs": _outputs(number) if outputs else [],
                "source": source,
            }
        return {"cell_type": "markdown", "metadata": {}, "source": source}

    notebook = {
        "cells": [cell(kind, text) for kind, text in cells],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _manifest_matches(directory: Path, parameters: dict) -> dict | None:
    manifest = directory / _MANIFEST
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return data if data.get("parameters") == parameters else None


def _write_manifest(directory: Path, parameters: dict, result: dict) -> None:
    data = {"parameters": parameters, "result": result}
    (directory / _MANIFEST).write_text(json.dumps(data, indent=1), encoding="utf-8")


def _clear(directory: Path) -> None:
    if directory.exists():
        for path in sorted(directory.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    directory.mkdir(parents=True, exist_ok=True)


def _write_glossary(
    directory: Path, n_terms: int, n_modules: int
) -> tuple[Path, dict[str, list[str]]]:
    """The synthetic glossary written in `directory`, and its terms by introducing module id
    (`""` for terms no module introduces)."""
    glossary_text = synthetic_glossary_yaml(n_terms, n_modules=n_modules)
    glossary_path = directory / "glossary.yaml"
    glossary_path.write_text(glossary_text, encoding="utf-8")
    terms_by_module: dict[str, list[str]] = {}
    for term, module in glossary_terms(glossary_text):
        terms_by_module.setdefault(module or "", []).append(term)
    return glossary_path, terms_by_module


def _write_module(
    path: Path, blocks: list[tuple[str, str]], notebook: bool, outputs: bool = False
) -> str:
    """Write one module (a notebook of `blocks` as cells, or their Markdown) and return its text."""
    if notebook:
        text = _notebook_json(blocks, outputs=outputs)
    else:
        text = "\n\n".join(block for _, block in blocks) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def _saved_course(
    directory: Path, parameters: dict, probe: tuple[Path, int, int], **fields: Any
) -> SyntheticCourse:
    """The course built in `directory`, its manifest written so the next run reuses it."""
    path, line, character = probe
    course = SyntheticCourse(**fields, probe_path=path, probe_line=line, probe_character=character)
    _write_manifest(directory, parameters, _course_to_dict(course))
    return course


def build_course(
    n_modules: int, n_terms: int = 10_000, module_bytes: int = 30_000, work_dir: Path = WORK_DIR
) -> SyntheticCourse:
    """A course of `n_modules` modules and its glossary, reused from `work_dir` when present."""
    parameters = {
        "n_modules": n_modules,
        "n_terms": n_terms,
        "module_bytes": module_bytes,
        "format": FORMAT_VERSION,
    }
    directory = work_dir / f"course-{n_modules}-{n_terms}"
    course_root = directory / "course"
    if cached := _manifest_matches(directory, parameters):
        return _course_from_dict(cached["result"])
    _clear(directory)
    course_root.mkdir()

    glossary_path, terms_by_module = _write_glossary(directory, n_terms, n_modules)

    target_number = max(1, round(n_modules * 0.9))
    target_term = terms_by_module[module_id(target_number)][0]
    pool: list[str] = list(terms_by_module.get("", []))
    total_bytes = 0
    n_notebooks = 0
    probe = (course_root, 0, 0)
    for number in range(1, n_modules + 1):
        own = terms_by_module.get(module_id(number), [])
        if number != target_number:
            own = [t for t in own if t != target_term]
        pool.extend(own)
        rng = random.Random(number)
        heading = f"# {_EMOJI[number % len(_EMOJI)]} Module {number}"
        blocks = [("markdown", heading)]
        if number == target_number:
            blocks.append(("markdown", _wrap(f"This module introduces **{target_term}**.")))
        probe_line_text = ""
        if number == n_modules and number != target_number:
            probe_line_text = f"We come back to {target_term} from module {target_number} here."
            blocks.append(("markdown", probe_line_text))
        blocks.extend(_module_blocks(rng, pool, own, module_bytes))
        notebook = _is_notebook(number, target_number, n_modules)
        path = course_root / module_file_name(number, notebook)
        text = _write_module(path, blocks, notebook)
        n_notebooks += notebook
        total_bytes += len(text.encode("utf-8"))
        if probe_line_text or number == target_number == n_modules:
            probe = probe_position(path, text, target_term)

    return _saved_course(
        directory,
        parameters,
        probe,
        root=course_root,
        glossary_path=glossary_path,
        n_modules=n_modules,
        n_notebooks=n_notebooks,
        total_bytes=total_bytes,
        target_term=target_term,
        target_module_path=course_root / module_file_name(target_number, False),
    )


def lesson_folder(number: int) -> str:
    return f"{number:03d}-lesson-{number:03d}"


def build_shaped_course(
    n_modules: int, n_terms: int = 10_000, module_bytes: int = 30_000, work_dir: Path = WORK_DIR
) -> SyntheticCourse:
    """A course shaped like the real ones next to the flat numbered one: two languages, `en/`
    (the course: `n_modules` modules) and `fr/` (its first half translated), each with a
    Jupyter Book `_toc.yml`; lesson folders holding a `README.md` and a `lesson.ipynb` with its
    outputs (a log, a result, a plot). The glossary and the target term are those of the flat
    course of the same size; the probe is in the last lesson's README. `n_modules`, `total_bytes`
    count every course file of both languages (what the server reads)."""
    parameters = {
        "n_modules": n_modules,
        "n_terms": n_terms,
        "module_bytes": module_bytes,
        "format": FORMAT_VERSION,
        "shape": "toc-lessons-en-fr",
    }
    directory = work_dir / f"shaped-{n_modules}-{n_terms}"
    course_root = directory / "course"
    if cached := _manifest_matches(directory, parameters):
        return _course_from_dict(cached["result"])
    _clear(directory)
    glossary_path, terms_by_module = _write_glossary(directory, n_terms, n_modules)
    lessons = max(1, n_modules // 2)
    target_number = max(1, round(n_modules * 0.9))
    target_term = terms_by_module[module_id(target_number)][0]
    pool: list[str] = list(terms_by_module.get("", []))
    total_bytes = files = notebooks = 0
    probe = (course_root, 0, 0)
    target_path = course_root
    for language in ("en", "fr"):
        tree = course_root / language
        tree.mkdir(parents=True)
        translated = lessons if language == "en" else max(1, lessons // 2)
        toc = ["format: jb-book", "root: intro", "chapters:"]
        (tree / "intro.md").write_text("# Introduction\n\nWhat this course covers.\n")
        for lesson in range(1, translated + 1):
            folder = lesson_folder(lesson)
            (tree / folder).mkdir()
            for part, name in ((0, "README.md"), (1, "lesson.ipynb")):
                number = 2 * lesson - 1 + part
                own = [t for t in terms_by_module.get(module_id(number), []) if t != target_term]
                if language == "en":
                    pool.extend(own)
                rng = random.Random(number)
                blocks = [("markdown", f"# {_EMOJI[number % len(_EMOJI)]} Lesson {lesson}")]
                if number == target_number:
                    blocks.append(("markdown", f"This lesson introduces **{target_term}**."))
                is_probe = language == "en" and lesson == lessons and part == 0
                if is_probe:
                    blocks.append(("markdown", f"We come back to {target_term} here."))
                blocks.extend(_module_blocks(rng, pool, own, module_bytes))
                path = tree / folder / name
                text = _write_module(path, blocks, notebook=bool(part), outputs=True)
                notebooks += bool(part)
                total_bytes += len(text.encode("utf-8"))
                files += 1
                toc.append(f"  - file: {folder}/{name.rsplit('.', 1)[0]}")
                if language == "en" and number == target_number:
                    target_path = path
                if is_probe:
                    probe = probe_position(path, text, target_term)
        (tree / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return _saved_course(
        directory,
        parameters,
        probe,
        root=course_root,
        glossary_path=glossary_path,
        n_modules=files,
        n_notebooks=notebooks,
        total_bytes=total_bytes,
        target_term=target_term,
        target_module_path=target_path,
    )


def course_files(course: SyntheticCourse) -> list[Path]:
    """Every module file of a synthetic course (flat or shaped), in path order."""
    return sorted(p for p in course.root.rglob("*") if p.suffix in (".md", ".ipynb"))


def _course_to_dict(course: SyntheticCourse) -> dict:
    return {
        key: str(value) if isinstance(value, Path) else value
        for key, value in asdict(course).items()
    }


def _course_from_dict(data: dict) -> SyntheticCourse:
    paths = ("root", "glossary_path", "target_module_path", "probe_path")
    return SyntheticCourse(**{k: Path(v) if k in paths else v for k, v in data.items()})


def build_glossary(n_terms: int, work_dir: Path = WORK_DIR) -> SyntheticGlossary:
    """A glossary of `n_terms` terms and a one-module workspace that mentions its last term."""
    parameters = {"n_terms": n_terms, "format": FORMAT_VERSION}
    directory = work_dir / f"glossary-{n_terms}"
    if cached := _manifest_matches(directory, parameters):
        result = cached["result"]
        paths = ("path", "workspace", "probe_path")
        return SyntheticGlossary(**{k: Path(v) if k in paths else v for k, v in result.items()})
    _clear(directory)
    text = synthetic_glossary_yaml(n_terms)
    path = directory / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    terms = [term for term, _ in glossary_terms(text)]
    # The last term is the one a request that loops over all terms would find last.
    probe_term = next(t for t in reversed(terms) if " " in t) if n_terms > 2 else terms[-1]
    workspace = directory / "course"
    workspace.mkdir()
    probe_text = (
        f"Here we use {probe_term} to compare it with {terms[0]} and {terms[len(terms) // 2]}."
    )
    module = workspace / "01-probe.md"
    module.write_text(f"# 🧪 Probe\n\n{probe_text}\n", encoding="utf-8")
    column = probe_text.index(probe_term)
    glossary = SyntheticGlossary(
        path=path,
        n_terms=n_terms,
        size_bytes=len(text.encode("utf-8")),
        workspace=workspace,
        probe_path=module,
        probe_line=2,
        probe_character=column,
        probe_term=probe_term,
        completion_character=column + 3,
    )
    result = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(glossary).items()}
    _write_manifest(directory, parameters, result)
    return glossary


def build_large_module(size_bytes: int = 1_000_000, work_dir: Path = WORK_DIR) -> LargeModule:
    """A one-module course whose module is about `size_bytes` of Markdown."""
    directory = work_dir / f"large-module-{size_bytes}"
    path = directory / "01-large.md"
    parameters = {"size_bytes": size_bytes, "format": FORMAT_VERSION}
    if not _manifest_matches(directory, parameters):
        _clear(directory)
        pool = ["FSDP", "DDP", "ZeRO", "KV cache", "GPUs", "FlashAttention", "BPE", "TTFT"]
        rng = random.Random(size_bytes)
        blocks = [("markdown", "# 🧪 A very long module")]
        blocks.extend(_module_blocks(rng, pool, pool[:2], size_bytes))
        path.write_text("\n\n".join(text for _, text in blocks) + "\n", encoding="utf-8")
        _write_manifest(directory, parameters, {})
    return LargeModule(root=directory, path=path, size_bytes=path.stat().st_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic course under benchmarks/.work.")
    parser.add_argument("modules", type=int, help="number of modules, e.g. 840")
    parser.add_argument("--terms", type=int, default=10_000, help="glossary terms (10000)")
    parser.add_argument("--module-bytes", type=int, default=30_000, help="bytes per module")
    parser.add_argument("--shaped", action="store_true", help="a _toc.yml, lessons, en/ + fr/")
    args = parser.parse_args(argv)
    build = build_shaped_course if args.shaped else build_course
    course = build(args.modules, args.terms, args.module_bytes)
    print(
        f"{course.root}: {course.n_modules} modules ({course.n_notebooks} notebooks), "
        f"{course.megabytes:.1f} MB; target {course.target_term!r} "
        f"in {course.target_module_path.name}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

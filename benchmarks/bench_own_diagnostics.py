"""Edit → own diagnostics in the 840-module synthetic course, in-process (issue 17, item 3).

Indexes the course (in-thread), then edits one ~30 KB module in the middle of the course and
times `CourseDiagnostics.document` (the document's own analysis and findings) and, apart, the
course facts it asks for (where each of its terms is introduced). CPU seconds, best of N.

    python benchmarks/bench_own_diagnostics.py [--modules 840] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_course import build_course  # noqa: E402

from glossary_lsp.course.workspace import WorkspaceIndex  # noqa: E402
from glossary_lsp.features.base import GlossaryVersion  # noqa: E402
from glossary_lsp.features.diagnostics import CourseDiagnostics, CourseFacts  # noqa: E402
from glossary_lsp.features.diagnostics.analysis import analyse_view  # noqa: E402
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings  # noqa: E402
from glossary_lsp.glossary.loader import load_glossary_file  # noqa: E402
from glossary_lsp.text.documents import view_document  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=840)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    course = build_course(args.modules)
    root = Path(course.root)
    version = GlossaryVersion.build(load_glossary_file(course.glossary_path))
    index = WorkspaceIndex([root])
    started = time.process_time()
    index.set_matcher(version.matcher, index=False)
    index.scan()
    print(f"indexed {args.modules} modules in {time.process_time() - started:.2f} s CPU")
    rules = RuleSettings.from_settings()
    diagnostics = CourseDiagnostics()
    module = index.modules()[len(index.modules()) // 2]
    if module.path.suffix != ".md":
        module = index.modules()[len(index.modules()) // 2 + 1]
    source = module.path.read_text(encoding="utf-8")
    document, facts_only = [], []
    for attempt in range(args.repeat):
        view = view_document(str(module.path), source + f"\nOne more line {attempt}.\n")
        started = time.process_time()
        found = diagnostics.document(version, index, module.path, view, rules)
        document.append(time.process_time() - started)
        analysis = analyse_view(version, view)
        facts = CourseFacts(diagnostics, version, index, rules, index.course(module.path))
        started = time.process_time()
        for use in analysis.first_use.values():
            facts.introduction(use.term)
        facts_only.append(time.process_time() - started)
    terms = len(index.module_at(module.path).terms)  # type: ignore[union-attr]
    print(
        f"{module.relative} ({len(source) / 1e3:.0f} KB, {terms} terms): document "
        f"{min(document) * 1e3:.0f} ms (median {sorted(document)[len(document) // 2] * 1e3:.0f}),"
        f" introductions {min(facts_only) * 1e3:.0f} ms; {len(found)} findings"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

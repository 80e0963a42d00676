"""Precision of the course diagnostics on real public courses, judged by a person.

    python benchmarks/precision.py --snapshots /tmp/prec            # sample, print, score
    python benchmarks/precision.py --snapshots /tmp/prec --seed 2   # a fresh sample
    python benchmarks/precision.py --snapshots /tmp/prec --unjudged-only

Each course in `COURSES` is a snapshot of a public GitHub repository, extracted (never
committed) under `--snapshots` as `owner+name/` — from the `fetch` tool's bare mirror with
`git --git-dir=/work/.mirror/owner+name/repo archive HEAD | tar -x -C /tmp/prec/owner+name`;
this script does that itself when the folder is missing and the mirror is there. `check`'s
findings (the same `load_course` and `collect` the CLI uses) are pooled over the courses, and a
seeded sample of `--per-rule` findings per rule is printed with its line, the finding marked
⟦like this⟧, for a person to judge. The sample is the findings whose hash with the seed is
smallest: a change that removes findings leaves the draws of the others as they were.

Verdicts live in `benchmarks/precision-verdicts.tsv`: repo, commit, file, line, column, rule,
verdict (`ok` or `wrong`), one finding a line — paths and verdicts only, never the course's
text. A sampled finding with a verdict for the same (repo, file, line, column, rule) counts;
the others are printed as `?` lines ready to paste into the file with a verdict. The report
gives, per rule, precision over the judged findings of this sample (with the sample size), and
findings per 100 KB of module text.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from argparse import Namespace
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from glossary_lsp.commands.check import collect, load_course

# (repository, the course's folder inside it: English only where a course is translated)
COURSES = (
    ("huggingface/course", "chapters/en"),
    ("rasbt/LLMs-from-scratch", ""),
    ("huggingface/smol-course", "units/en"),
    ("mlabonne/llm-course", ""),
    ("huggingface/agents-course", "units/en"),
)
MIRRORS = Path("/work/.mirror")
VERDICTS = Path(__file__).with_name("precision-verdicts.tsv")
RULES = ("usedBeforeIntroduced", "acronymNotExpanded", "unknownAcronym", "nonCanonicalSpelling")
CONTEXT = 160


@dataclass(frozen=True)
class Sampled:
    repo: str
    commit: str
    file: str  # relative to the repository
    line: int  # 1-based
    column: int  # 1-based, in characters
    rule: str
    message: str
    context: str

    @property
    def key(self) -> tuple[str, str, int, int, str]:
        return self.repo, self.file, self.line, self.column, self.rule


def snapshot(root: Path, repo: str) -> tuple[Path, str] | None:
    """The extracted snapshot of `repo` and its commit, extracting it from the mirror if needed."""
    folder = root / repo.replace("/", "+")
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    commit_file = folder / ".precision-commit"
    if not folder.is_dir():
        if not mirror.is_dir():
            return None
        folder.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "--git-dir", str(mirror), "archive", "HEAD"], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    if commit_file.is_file():
        return folder, commit_file.read_text().strip()
    commit = "unknown"
    if mirror.is_dir():
        commit = subprocess.run(
            ["git", "--git-dir", str(mirror), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    commit_file.write_text(commit + "\n")
    return folder, commit


def marked_line(text: str, start: int, end: int) -> str:
    """The finding's line (clipped around it) with the finding marked."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[max(line_start, start - CONTEXT) : start]
    after = text[end : min(line_end, end + CONTEXT)]
    return f"{before}⟦{text[start:end]}⟧{after}".replace("\t", " ")


def course_findings(root: Path, repo: str, subdir: str) -> tuple[list[Sampled], int] | None:
    """Every finding of one course, and the bytes of its modules."""
    found = snapshot(root, repo)
    if found is None:
        return None
    folder, commit = found
    course_dir = folder / subdir if subdir else folder
    args = Namespace(paths=[str(course_dir)], glossary=[], no_bundled=False, config=None)
    course = load_course(args)
    size = sum(module.path.stat().st_size for module in course.index.modules())
    findings = []
    for item in collect(course):
        if item.finding.rule not in RULES:
            continue
        line, column = item.lines.position(item.finding.start)
        findings.append(
            Sampled(
                repo,
                commit,
                item.path.relative_to(folder).as_posix(),
                line + 1,
                column + 1,
                item.finding.rule,
                item.finding.message,
                marked_line(item.lines.text, item.finding.start, item.finding.end),
            )
        )
    return findings, size


def draw(seed: int, finding: Sampled) -> str:
    """A finding's place in the seeded sample: a hash of the seed and of where the finding is."""
    place = "\t".join(map(str, (seed, *finding.key)))
    return hashlib.sha256(place.encode("utf-8")).hexdigest()


def read_verdicts(path: Path) -> dict[tuple[str, str, int, int, str], str]:
    verdicts: dict[tuple[str, str, int, int, str], str] = {}
    if not path.is_file():
        return verdicts
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#") or row.startswith("repo\t"):
            continue
        repo, _commit, file, line, column, rule, verdict = row.split("\t")[:7]
        verdicts.setdefault((repo, file, int(line), int(column), rule), verdict.strip())
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshots", type=Path, default=Path("/tmp/prec"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-rule", type=int, default=25)
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument("--unjudged-only", action="store_true", help="print only unjudged ones")
    args = parser.parse_args()

    pooled: dict[str, list[Sampled]] = defaultdict(list)
    counts: Counter[str] = Counter()
    total_bytes = 0
    for repo, subdir in COURSES:
        result = course_findings(args.snapshots, repo, subdir)
        if result is None:
            print(f"# {repo}: no snapshot under {args.snapshots} or {MIRRORS}", file=sys.stderr)
            continue
        findings, size = result
        total_bytes += size
        for finding in findings:
            pooled[finding.rule].append(finding)
            counts[finding.rule] += 1
        print(f"# {repo}: {len(findings)} findings in {size / 1024:.0f} KB", file=sys.stderr)

    verdicts = read_verdicts(args.verdicts)
    report = []
    for rule in RULES:
        population = sorted(pooled[rule], key=lambda f: (f.repo, f.file, f.line, f.context))
        sample = sorted(population, key=lambda finding: draw(args.seed, finding))[: args.per_rule]
        judged: Counter[str] = Counter()
        print(f"\n## {rule}: {len(sample)} of {len(population)} sampled")
        for finding in sample:
            verdict = verdicts.get(finding.key)
            if verdict is not None:
                judged[verdict] += 1
            if verdict is None or not args.unjudged_only:
                row = "\t".join(
                    (
                        finding.repo,
                        finding.commit,
                        finding.file,
                        str(finding.line),
                        str(finding.column),
                        rule,
                    )
                )
                print(f"{row}\t{verdict or '?'}")
                print(f"    {finding.message}")
                print(f"    {finding.context}")
        per_100kb = 100 * 1024 * counts[rule] / total_bytes if total_bytes else 0.0
        report.append((rule, judged["ok"], judged["ok"] + judged["wrong"], counts[rule], per_100kb))

    print("\n| rule | precision (judged of sample) | findings | per 100 KB |")
    print("|---|---|---|---|")
    for rule, ok, judged_count, count, per_100kb in report:
        precision = f"{100 * ok / judged_count:.0f}% ({ok}/{judged_count})" if judged_count else "–"
        print(f"| {rule} | {precision} | {count} | {per_100kb:.2f} |")
    print(f"\n{total_bytes / 1024:.0f} KB of module text in {len(COURSES)} courses")
    return 0


if __name__ == "__main__":
    sys.exit(main())

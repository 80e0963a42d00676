"""Index throughput in process: how fast the matcher finds every term of a course, in MB/s.

    python benchmarks/bench_scanning.py [--modules 840] [--terms 10000]

On the synthetic course of `synthetic_course.py` (and its `gen_glossary.py` glossary), CPU
seconds (`time.process_time`, so that other processes on a shared machine count less) for:

- prose detection alone (`view_document`: the regions and prose spans of every module);
- matching alone: `find_all` over every prose span, with the scanner (today's path) and token
  by token (the reference the scanner must agree with), and the number of matches of each;
- the prefilters measured for issue 17 (where a name may start): ahocorasick-rs, pyahocorasick
  when installed, and one regex alternation shaped as a trie that the `re` engine scans;
- `grep -F -c` with every glossary name over the same files (wall clock, one process);
- the ceiling of any index written in Python: prose detection, one automaton pass and the least
  work per hit, per core and on the server's workers;
- with `--course DIR [--glossary FILE]`, the same on a real course's files instead;
- bad input: 10,000 two-letter acronyms (hits everywhere) and a 1 MB module whose every word
  is a term.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_course import build_course  # noqa: E402

from glossary_lsp.course.pool import worker_count  # noqa: E402
from glossary_lsp.glossary.loader import load_glossary_file  # noqa: E402
from glossary_lsp.glossary.model import Glossary, Term  # noqa: E402
from glossary_lsp.matching import TermMatcher  # noqa: E402
from glossary_lsp.term_scan import CJK  # noqa: E402
from glossary_lsp.text.documents import view_document  # noqa: E402


def cpu(action: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def line(label: str, seconds: float, megabytes: float, extra: str = "") -> None:
    rate = megabytes / seconds if seconds else float("inf")
    print(f"  {label:<52}{seconds:8.2f} s {rate:9.1f} MB/s  {extra}")


def spans_of(texts: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    return [
        (region.text, start, end)
        for path, source in texts
        for region in view_document(path, source).regions
        for start, end in region.prose
    ]


def count_matches(find: Callable[[str, int, int], list], spans) -> int:
    return sum(len(find(text, start, end)) for text, start, end in spans)


Hits = list[list[tuple[int, int, int]]]  # per text, (key, start, end) of each raw hit


def start_hits(matcher: TermMatcher, texts: list[str]) -> Callable[[], Hits]:
    """The raw hits of ahocorasick-rs automata over the tokens where a name may start (in
    their own case, and folded over the lowered text), as a scan to time."""
    import ahocorasick_rs

    kind = ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST
    exact = ahocorasick_rs.AhoCorasick(sorted(matcher._sensitive_starts), matchkind=kind)
    lower = ahocorasick_rs.AhoCorasick(sorted(matcher._insensitive_starts), matchkind=kind)
    return lambda: [
        exact.find_matches_as_indexes(text) + lower.find_matches_as_indexes(text.lower())
        for text in texts
    ]


def prefilters(
    matcher: TermMatcher, texts: list[str], megabytes: float, scanned: tuple[float, Hits]
) -> None:
    """Candidate starting tokens only: what each automaton costs on the same texts
    (`scanned`: the seconds and hits of `start_hits`)."""
    sensitive = set(matcher._sensitive_starts)
    folded = set(matcher._insensitive_starts)
    print("prefilters (where a name may start; raw hits before the whole-word check)")
    seconds, hits = scanned
    line("ahocorasick-rs (exact + lower case)", seconds, megabytes, f"{sum(map(len, hits))} hits")
    try:
        import ahocorasick
    except ImportError:
        print("  pyahocorasick: not installed (pip install pyahocorasick)")
    else:
        automata = []
        for keys in (sensitive, folded):
            automaton = ahocorasick.Automaton()
            for key in keys:
                automaton.add_word(key, len(key))
            automaton.make_automaton()
            automata.append(automaton)
        seconds, hits = cpu(
            lambda: sum(
                len(list(automata[0].iter_long(t))) + len(list(automata[1].iter_long(t.lower())))
                for t in texts
            )
        )
        line("pyahocorasick iter_long (exact + lower case)", seconds, megabytes, f"{hits} hits")
    word = rf"[^\W_{CJK}]"
    keys = sorted({key.lower() for key in sensitive} | folded)
    pattern = re.compile(rf"(?<!{word})(?:{_trie_regex(keys)})(?!{word})")
    seconds, hits = cpu(lambda: sum(len(pattern.findall(t.lower())) for t in texts))
    line("re: one trie-shaped alternation, lower case", seconds, megabytes, f"{hits} hits")


def ceiling(texts: list[str], scanned: tuple[float, Hits], megabytes: float, prose: float) -> None:
    """The fastest any index written in Python could be here (issue 17's ≥ 50 MB/s): prose
    detection as it is (`prose` seconds), plus the prefilter over the tokens where a name may
    start (`scanned`, in C), plus the least work per hit a matcher must do in Python — one look
    at the character before the hit, the first hit of each token kept. Whole-word ends, case
    rules, phrases, overlaps and classification come on top of this in the real index."""
    scan_seconds, hits = scanned

    def least_per_hit() -> int:
        firsts: dict[int, int] = {}
        for text, found in zip(texts, hits, strict=True):
            for key, start, _end in found:
                if key not in firsts and (start == 0 or not text[start - 1].isalnum()):
                    firsts[key] = start
        return len(firsts)

    per_hit, _ = cpu(least_per_hit)
    print("the ceiling of an index in Python (no Python matcher can beat it on these files)")
    line("the prefilter over each text (C)", scan_seconds, megabytes, f"{sum(map(len, hits))} hits")
    line("one boundary check and first-hit bookkeeping per hit", per_hit, megabytes)
    total = prose + scan_seconds + per_hit
    workers = worker_count()
    line("prose + prefilter + least per hit, one core", total, megabytes)
    line(f"the same on {workers} workers (perfect scaling)", total / workers, megabytes)


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def grep_floor(files: list[Path], names: list[str], megabytes: float) -> None:
    grep = shutil.which("grep")
    if grep is None:
        print("  grep: not found")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as patterns:
        patterns.write("\n".join(names) + "\n")
    command = [grep, "-F", "-i", "-c", "-f", patterns.name, *map(str, files)]
    started = time.perf_counter()
    # LC_ALL=C: bytes, the floor of a scan (in a UTF-8 locale, -i with 10,000 names is 10× slower)
    subprocess.run(
        command, stdout=subprocess.DEVNULL, check=False, env={**os.environ, "LC_ALL": "C"}
    )
    line("LC_ALL=C grep -F -i -c -f names (wall clock)", time.perf_counter() - started, megabytes)
    Path(patterns.name).unlink()


def bad_input() -> None:
    print("bad input")
    # 10,000 two-character acronyms: pairs of the first hundred capitals Unicode has (and
    # digits), so that nearly every capitalised pair of characters in the text is a term.
    capitals = [chr(code) for code in range(0x41, 0x2000) if chr(code).isupper()][:100]
    names = [a + b for a in capitals for b in capitals]
    terms = [Term(name) for name in dict.fromkeys(names)][:10_000]
    rng = random.Random(1)
    text = " ".join(rng.choice(names) for _ in range(350_000))[:1_000_000]
    matcher = TermMatcher(Glossary(terms=terms))
    megabytes = len(text.encode()) / 1e6
    seconds, found = cpu(lambda: matcher.find_all(text))
    line(
        f"{len(terms)} two-character acronyms, 1 MB of them",
        seconds,
        megabytes,
        f"{len(found)} matches",
    )
    seconds, found = cpu(lambda: list(matcher.iter_matches_tokenwise(text)))
    line("  the same, token by token", seconds, megabytes, f"{len(found)} matches")
    words = ["tensor parallel", "data parallel", "KV cache", "GPUs", "mixture of experts"]
    terms = [Term(word) for word in words] + [Term("tensor"), Term("expert")]
    text = " ".join(rng.choice(words + ["tensor", "experts"]) for _ in range(80_000))[:1_000_000]
    matcher = TermMatcher(Glossary(terms=terms))
    seconds, found = cpu(lambda: matcher.find_all(text))
    line(
        "1 MB module, every word a term (many multi-word)",
        seconds,
        megabytes,
        f"{len(found)} matches",
    )
    seconds, found = cpu(lambda: list(matcher.iter_matches_tokenwise(text)))
    line("  the same, token by token", seconds, megabytes, f"{len(found)} matches")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=840)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--skip-prefilters", action="store_true")
    parser.add_argument(
        "--course",
        type=Path,
        help="a real course's folder instead (its .md, .mdx and .ipynb files, e.g. a snapshot "
        "extracted under /tmp), matched with --glossary (default: the synthetic one)",
    )
    parser.add_argument("--glossary", type=Path, help="the glossary for --course")
    args = parser.parse_args()
    course = build_course(args.modules, args.terms)
    glossary_path = args.glossary or course.glossary_path
    if args.course:
        files = sorted(
            path for path in args.course.rglob("*") if path.suffix in (".md", ".mdx", ".ipynb")
        )
        texts = [(str(path), path.read_text(encoding="utf-8", errors="replace")) for path in files]
        print(f"{args.course}: {len(files)} files", end=", ")
    else:
        files = sorted(course.root.iterdir())
        texts = [(str(path), path.read_text(encoding="utf-8")) for path in files]
        print(f"{course.n_modules} modules ({course.n_notebooks} notebooks)", end=", ")
    megabytes = sum(len(text.encode()) for _, text in texts) / 1e6
    print(f"{megabytes:.1f} MB")
    glossary = load_glossary_file(glossary_path)
    seconds, matcher = cpu(lambda: TermMatcher(glossary))
    print(f"  TermMatcher with its automata, {len(glossary.terms)} terms: {seconds:.3f} s CPU")

    seconds, spans = cpu(lambda: spans_of(texts))
    line("prose detection (view_document)", seconds, megabytes, f"{len(spans)} prose spans")
    prose_seconds = seconds
    seconds, found = cpu(lambda: count_matches(matcher.find_all, spans))
    line("matching: find_all over prose spans (scanner)", seconds, megabytes, f"{found} matches")
    line("index = prose + matching", prose_seconds + seconds, megabytes)
    reference = lambda text, start, end: list(matcher.iter_matches_tokenwise(text, start, end))  # noqa: E731
    seconds, found = cpu(lambda: count_matches(reference, spans))
    line("matching: token by token (the reference)", seconds, megabytes, f"{found} matches")
    seconds, found = cpu(lambda: sum(len(matcher.find_all(text)) for _, text in texts))
    line("matching: find_all over whole files (no prose)", seconds, megabytes, f"{found} matches")
    grep_floor(files, [name for term in glossary.terms for name in term.names], megabytes)
    plain = [text for _, text in texts]
    scanned = cpu(start_hits(matcher, plain))
    if not args.skip_prefilters:
        prefilters(matcher, plain, megabytes, scanned)
    ceiling(plain, scanned, megabytes, prose_seconds)
    bad_input()


if __name__ == "__main__":
    main()

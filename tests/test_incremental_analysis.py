"""A large document's analysis and index terms after edits are those read from scratch.

`analyse_view` reads each prose span on its own and merges the spans in order; in a large
text it remembers each span's reading by the text around it, and so does the index's
`first_classified`. Seeded random documents written for this test (acronyms with and without
their expansion in the sentence, under a heading, in a link's text, as a list item's label,
in tables and quotes, unknown acronyms, misspellings, paragraph breaks) are edited again and
again with one glossary version (spans of short texts remembered too) and compared after each
edit with the module read use by use (the rules as written before analyses were split by
span) with a fresh glossary version.
"""

from __future__ import annotations

import random
import re

import pytest

from glossary_lsp import matching
from glossary_lsp.course.defining import link_text, spells_out, squash, written_with_expansion
from glossary_lsp.course.module_terms import ModuleTerms, classified_matches, first_classified
from glossary_lsp.course.workspace import WorkspaceIndex
from glossary_lsp.features.base import GlossaryVersion
from glossary_lsp.features.diagnostics import CourseDiagnostics
from glossary_lsp.features.diagnostics import analysis as analysis_module
from glossary_lsp.features.diagnostics.acronyms import (
    WORD,
    acronym_tokens,
    is_acronym_candidate,
    line_around,
    part_of_a_name,
    shouted,
)
from glossary_lsp.features.diagnostics.analysis import (
    Misspelling,
    ModuleAnalysis,
    TermUse,
    Word,
    analyse_view,
    unmatched_spans,
)
from glossary_lsp.features.diagnostics.expansion import expanded_in_sentence, is_acronym_like
from glossary_lsp.features.diagnostics.findings import MAX_FINDINGS_PER_RULE
from glossary_lsp.features.diagnostics.rule_settings import RuleSettings
from glossary_lsp.features.diagnostics.sentences import sentence_around
from glossary_lsp.features.diagnostics.spelling import (
    SurfaceFacts,
    in_package_name,
    spelling_index,
)
from glossary_lsp.features.diagnostics.use_forms import (
    expanded_below_heading,
    explained_by_apposition,
    in_heading,
    names_a_library,
    names_something_else,
    opens_a_label,
)
from glossary_lsp.glossary.model import Glossary, Term
from glossary_lsp.matching import is_code_like
from glossary_lsp.text.documents import view_document

# acronyms whose first use falls anywhere in the document, with their expansions
ACRONYMS = [(f"Q{a}{b}X", f"Quick {a}ine {b}ased Xform") for a in "ABCDEFG" for b in "HJKLM"]
TERMS = [
    Term("FSDP", expansion="Fully Sharded Data Parallel", aliases=("Fully Sharded Data Parallel",)),
    Term("TTFT", expansion="Time To First Token"),
    Term("RoPE", expansion="Rotary Position Embedding"),
    Term("KV cache", expansion="Key Value cache", aliases=("KV",)),
    Term("prefill phase", aliases=("prefill",)),
    Term("perplexity"),
    Term("Transformers"),
    *(Term(name, expansion=expansion) for name, expansion in ACRONYMS),
]
PIECES = [
    "GPT4", "FSDP", "FSDP", "FSDPs", "TTFT", "RoPE", "KV cache", "prefill", "prefill phase",
    "perplexity", "perplexty", "preffill", "Fully Sharded Data Parallel",
    "Fully Sharded Data Parallel (FSDP)", "FSDP (Fully Sharded Data Parallel)",
    "Time To First Token", "TTFT, the time to first token, ", "Rotary Position Embedding",
    "[FSDP](fsdp.md)", "[the TTFT](x.md)", "- **RoPE**: rotates the query and key vectors",
    "ZQXW", "ZQXWs", "ZQXW Studio", "QRTY", "LM Studio", "the Transformers library",
    "Transfomers", "Kv Cache", "PERPLEXITY", "ROPE", "TtFT", "KV cache (Key Value cache)",
    "TTFT (Time To First Token)", "RoPE (Rotary Position Embedding)",
    "`FSDP`", "torch.FSDP", "GPT-4", "the", "of", "a", "model", "and", "shards", ". ", ", ",
    ": ", "(", ")", "\n", "\n\n", "\n\n## ", "\n\n# ", "\n- ", "\n> ", " ", "  ",
]  # fmt: skip
FILLER = ["the", "of", "a", "model", "and", "shards", ". ", ", ", ": "]
TEMPLATES = [
    "{a} is short for {e}. Later {a} again and {a}",
    "{a} ({e})",
    "[{a}](x.md) and {a}",
    "\n\n## {a}\n\n{e} is what the heading names; {a} here",
    "- **{a}**: a label, then words and more words",
    "\n\n| Term | Definition |\n|---|---|\n| {a} | {e} |\n| {a} | more |\n\n",
    "\n\n> {a} means {e}\n> — Someone\n\n",
    "{a}, the {e}, ",
    "{a}",
    "{a}",
]
MARKERS = "#|>([\n*-"
SIZE = 30_000


@pytest.fixture(autouse=True)
def _small_texts_count_as_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "_REMEMBER_SPANS_OF_TEXTS_FROM", 1_000)
    monkeypatch.setattr(matching, "_MIN_REMEMBERED_SPAN", 1)


@pytest.mark.slow
def test_edited_large_document_reads_as_from_scratch() -> None:
    rng = random.Random(13)
    glossary = Glossary(terms=TERMS)
    shared = GlossaryVersion.build(glossary)
    text = _document(rng)
    for round_ in range(10):
        view = view_document("file:///course/01-large.md", text, "markdown")
        fresh = GlossaryVersion.build(glossary)
        assert _plain(analyse_view(shared, view, remember=True)) == _plain(
            _sequential(fresh, view)
        ), round_
        assert _terms(ModuleTerms.of(first_classified(shared.matcher, view))) == _terms(
            ModuleTerms.of(classified_matches(fresh.matcher, view))
        ), round_
        text = _edited(rng, text)


def test_the_same_span_in_another_context_is_read_again() -> None:
    """A link's text, a heading, a table cell, a quote: the same span text, read each time."""
    glossary = Glossary(terms=TERMS)
    contexts = [
        "[QAHX](x.md) is linked",
        "## QAHX\n\nQuick Aine Hased Xform is what QAHX is",
        "| Term | Definition |\n|---|---|\n| QAHX | Quick Aine Hased Xform |",
        "> QAHX\n> — Someone",
        "QAHX",
    ]
    for order in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]):
        shared = GlossaryVersion.build(glossary)
        paragraphs = ["# Contexts"] + [contexts[n] for n in order]
        for cut in range(1, len(paragraphs) + 1):
            view = view_document("file:///c/01.md", "\n\n".join(paragraphs[:cut]), "markdown")
            fresh = GlossaryVersion.build(glossary)
            assert _plain(analyse_view(shared, view, remember=True)) == _plain(
                _sequential(fresh, view)
            )
            assert _terms(ModuleTerms.of(first_classified(shared.matcher, view))) == _terms(
                ModuleTerms.of(classified_matches(fresh.matcher, view))
            )


def test_a_merge_that_forgets_the_module_state_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above can fail: a merge reading every span as the module's first."""
    rng = random.Random(13)
    glossary = Glossary(terms=TERMS)
    view = view_document("file:///course/01-large.md", _document(rng), "markdown")
    expected = _plain(_sequential(GlossaryVersion.build(glossary), view))
    original = analysis_module._record_use

    def forgetful(analysis: ModuleAnalysis, *args) -> None:  # noqa: ANN002
        analysis.first_acronym_use.clear()
        original(analysis, *args)

    monkeypatch.setattr(analysis_module, "_record_use", forgetful)
    assert _plain(analyse_view(GlossaryVersion.build(glossary), view)) != expected


def _document(rng: random.Random) -> str:
    paragraphs = ["# Large\n"]
    size = 0
    number = 0
    while size < SIZE:
        words = [_piece(rng) for _ in range(rng.randint(20, 120))]
        paragraph = f"Paragraph {number}. " + " ".join(words) + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        number += 1
    return "\n\n".join(paragraphs) + "\n"


def _piece(rng: random.Random) -> str:
    if rng.random() < 0.03:
        name, expansion = rng.choice(ACRONYMS)
        return rng.choice(TEMPLATES).format(a=name, e=expansion)
    return rng.choice(PIECES) if rng.random() < 0.5 else rng.choice(FILLER)


def _edited(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text))
        if rng.random() < 0.5:  # at markup, whose place changes what the text around it is
            found = text.find(rng.choice(MARKERS), at)
            at = found if found >= 0 else at
        if rng.random() < 0.3:
            text = text[:at] + text[at + rng.randint(1, 40) :]
        else:
            text = text[:at] + _piece(rng) + text[at:]
    return text


def _terms(terms: ModuleTerms) -> tuple:
    return (terms.terms, terms.defines, terms.headings, terms.plain, terms.firsts)


def _plain(analysis: ModuleAnalysis) -> tuple:
    def use(u: TermUse) -> tuple:
        return (u.start, u.end, u.surface, u.term.key, u.name, u.expanded, u.acronym, u.heading)

    def word(w: Word) -> tuple:
        return (w.start, w.end, w.text, w.context)

    return (
        *(
            [(key, use(found)) for key, found in uses.items()]
            for uses in (
                analysis.first_use,
                analysis.first_acronym_use,
                analysis.first_body_acronym_use,
                analysis.first_explained,
                analysis.first_bare_use,
            )
        ),
        [(key, word(found)) for key, found in analysis.acronyms.items()],
        dict(analysis.acronym_uses),
        sorted(analysis.acronyms_alone),
        [(word(m.word), m.replacement, m.term.key) for m in analysis.misspellings],
        analysis.error,
    )


# ------------------------------------------------- the module read use by use, from scratch


def _sequential(version: GlossaryVersion, view) -> ModuleAnalysis:  # noqa: ANN001
    analysis = ModuleAnalysis()
    spelling = spelling_index(version.matcher)
    for region in view.regions:
        for start, end in region.prose:
            matches = list(version.matcher.iter_matches(region.text, start, end))
            sentence: list = []
            for match in matches:
                _use(analysis, region, match, spelling, sentence)
            for gap_start, gap_end in unmatched_spans(matches, start, end):
                _gap(version, spelling, analysis, region, gap_start, gap_end)
    return analysis


def _facts(spelling, surface: str, match) -> SurfaceFacts:  # noqa: ANN001
    term = match.term
    return SurfaceFacts(
        term,
        term.key,
        is_acronym_like(match.name) and is_acronym_like(term.term),
        bool(term.expansion and spells_out(squash(surface), term.expansion)),
        spelling.noncanonical_match(surface, match),
    )


def _use(analysis: ModuleAnalysis, region, match, spelling, sentence: list) -> None:  # noqa: ANN001
    text = region.text
    surface = text[match.start : match.end]
    facts = _facts(spelling, surface, match)
    if is_code_like(text, match.start, match.end):
        return
    if names_a_library(text, match.start, match.end, match.term):
        return
    term, key = match.term, facts.key
    acronym = facts.acronym_like and not names_something_else(text, match.start, match.end)
    expanded = bool(term.expansion) and (
        written_with_expansion(text, match.start, match.end, term.expansion)
        or (
            acronym
            and key not in analysis.first_acronym_use
            and (
                expanded_in_sentence(text, match.start, term.expansion, sentence)
                or expanded_below_heading(text, match.start, term.expansion)
            )
        )
        or (acronym and explained_by_apposition(text, match.end))
    )
    explained = expanded or facts.spelled_out
    bare = (
        not explained
        and key not in analysis.first_bare_use
        and link_text(text, match.start, match.end) is None
        and not opens_a_label(text, match.start, match.end)
    )
    heading = acronym and in_heading(text, match.start)
    start, end = region.to_source(match.start), region.to_source(match.end)
    found = TermUse(start, end, surface, term, match.name, expanded, acronym, heading)
    analysis.first_use.setdefault(key, found)
    if acronym:
        analysis.first_acronym_use.setdefault(key, found)
        if not heading:
            analysis.first_body_acronym_use.setdefault(key, found)
    if explained:
        analysis.first_explained.setdefault(key, found)
    if bare:
        analysis.first_bare_use.setdefault(key, found)
    if (
        facts.replacement is not None
        and not in_package_name(text, match)
        and not (surface.isupper() and shouted(line_around(text, match.start)))
    ):
        analysis.misspellings.append(
            Misspelling(Word(start, end, surface), facts.replacement, term)
        )


def _gap(version, spelling, analysis: ModuleAnalysis, region, start: int, end: int) -> None:  # noqa: ANN001
    text = region.text
    for token in acronym_tokens(text, start, end):
        word = token.group(0)
        singular = word[:-1] if token.group(2) else word
        if singular in analysis.acronyms:
            analysis.acronym_uses[singular] += 1
            if not part_of_a_name(text, token.end()):
                analysis.acronyms_alone.add(singular)
            continue
        if version.glossary.lookup(word) is not None or _numbered_name(version, singular):
            continue
        if not is_acronym_candidate(text, token.start(), token.end(), singular):
            continue
        shown = len(analysis.acronyms) < 2 * MAX_FINDINGS_PER_RULE
        analysis.acronym_uses[singular] = 1
        if not part_of_a_name(text, token.end()):
            analysis.acronyms_alone.add(singular)
        analysis.acronyms[singular] = Word(
            region.to_source(token.start()),
            region.to_source(token.end()),
            word,
            sentence_around(text, token.start()) if shown else "",
        )
    if spelling.quiet(text[start:end]):
        return
    words = list(WORD.finditer(text, start, end))
    taken_until = start
    for position, first in enumerate(words):
        if first.start() < taken_until or not spelling.may_miss(text, first):
            continue
        if first.group(0).isdigit() or is_code_like(text, first.start(), first.end()):
            continue
        found = spelling.near_miss(text, words, position)
        if found is not None:
            word_end, replacement, term = found
            misspelled = Word(
                region.to_source(first.start()),
                region.to_source(word_end),
                text[first.start() : word_end],
            )
            analysis.misspellings.append(Misspelling(misspelled, replacement, term))
            taken_until = word_end


def _numbered_name(version: GlossaryVersion, word: str) -> bool:
    number = re.search(r"(?<=[A-Z])\d+$", word)
    return number is not None and version.glossary.lookup(word[: number.start()]) is not None


@pytest.mark.slow
def test_a_closed_large_document_leaves_nothing_remembered(tmp_path) -> None:  # noqa: ANN001
    glossary = Glossary(terms=TERMS)
    version = GlossaryVersion.build(glossary)
    text = _document(random.Random(5))
    path = tmp_path / "01-large.md"
    path.write_text(text, encoding="utf-8")
    index = WorkspaceIndex([tmp_path], matcher=version.matcher)
    index.scan()
    index.update(path, text + "\nAn edit about FSDP.\n")  # open in the editor, edited
    assert version.matcher.remembered("workspace.first_classified")
    assert index.close(path)  # large: the server gives its memory back
    assert not version.matcher.remembered("workspace.first_classified")
    assert index.terms_of(path) is not None  # indexed again from the file on disk
    view = view_document(path.as_uri(), text, "markdown")
    analyse_view(version, view)  # a module on disk (the course pass): not edited, not kept
    assert not version.matcher.remembered("diagnostics.analysis")
    assert _plain(analyse_view(version, view)) == _plain(_sequential(version, view))


@pytest.mark.slow
def test_freed_memory_is_given_back_without_failing() -> None:
    from glossary_lsp.lsp.documents import release_freed_memory, return_large_blocks

    release_freed_memory()
    release_freed_memory()  # the C function looked up once, wherever it is missing
    return_large_blocks()


@pytest.mark.slow
def test_a_large_module_on_disk_is_remembered_until_closed_once(tmp_path) -> None:  # noqa: ANN001
    """Indexed from disk, a large module is remembered (it is soon opened, the same text);
    once closed, or in a replica (a course pass), it is not."""
    version = GlossaryVersion.build(Glossary(terms=TERMS))
    text = _document(random.Random(6))
    path = tmp_path / "01-large.md"
    path.write_text(text, encoding="utf-8")
    index = WorkspaceIndex([tmp_path], matcher=version.matcher)
    index.scan()
    index.index_terms()
    assert version.matcher.remembered("workspace.first_classified")
    module = index.module_at(path)
    assert module is not None
    CourseDiagnostics().analysis(version, index, module, RuleSettings.from_settings())
    assert version.matcher.remembered("diagnostics.analysis")  # the course pass, before it opens
    replica = index.replica({})
    index.update(path, text)
    index.close(path)
    index.refresh(path)  # a file event after the close
    assert not version.matcher.remembered("workspace.first_classified")
    module = index.module_at(path)
    assert module is not None
    CourseDiagnostics().analysis(version, index, module, RuleSettings.from_settings())
    assert not version.matcher.remembered("diagnostics.analysis")  # closed once: not again
    replica.set_matcher(version.matcher)
    replica.index_terms()
    assert not version.matcher.remembered("workspace.first_classified")
    assert replica.terms_of(path) == index.terms_of(path)


def test_a_refresh_overtaken_midway_resumes_where_it_stopped(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An edit arriving while the index classifies a large open document stops that reading
    between spans (nothing of the old text adopted, its spans kept); the refresh of the newer
    text classifies only what it did not read, and finds what a fresh reading finds."""
    from glossary_lsp.course import module_terms

    glossary = Glossary(terms=TERMS)
    version = GlossaryVersion.build(glossary)
    text = _document(random.Random(7))
    path = tmp_path / "01-large.md"
    path.write_text(text, encoding="utf-8")
    editor = {path: text}
    index = WorkspaceIndex([tmp_path], matcher=version.matcher, open_source=editor.get)
    index.list_modules()
    edited = text + "\nAn edit about FSDP at the end.\n"  # far from the spans read first
    classified: list[tuple[int, int]] = []
    real_span_firsts = module_terms._span_firsts

    def span_firsts(*args):  # noqa: ANN002, ANN202
        classified.append(args[2])
        if len(classified) == 40:
            editor[path] = edited  # the author types while the index reads
        return real_span_firsts(*args)

    monkeypatch.setattr(module_terms, "_span_firsts", span_firsts)
    spans = sum(len(r.prose) for r in view_document(path.as_uri(), edited, "markdown").regions)
    assert spans > 200
    index.refresh(path)
    assert index.terms_of(path) is None  # overtaken: the old text's terms are not adopted
    stopped_after = len(classified)
    assert 40 <= stopped_after < 40 + 2 * module_terms._CHECK_EVERY
    index.refresh(path)  # the edit settles
    assert len(classified) - stopped_after < spans - 30  # what was read is not read again
    found = index.module_at(path)
    assert found is not None and found.terms_known
    fresh = GlossaryVersion.build(glossary)
    view = view_document(path.as_uri(), edited, "markdown")
    assert _terms(
        ModuleTerms(found.terms, found.defines, found.headings, found.plain, found.firsts)
    ) == _terms(ModuleTerms.of(classified_matches(fresh.matcher, view)))

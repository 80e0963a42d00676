"""Findings kept bounded: one per place, at most so many per rule and module."""

from __future__ import annotations

from glossary_lsp.features.diagnostics.findings import (
    ACRONYM_NOT_EXPANDED,
    DOCUMENT_ERROR,
    MAX_FINDINGS_PER_RULE,
    NON_CANONICAL_SPELLING,
    SEVERITY_RANK,
    UNKNOWN_ACRONYM,
    USED_BEFORE_INTRODUCED,
    Finding,
)

# Which finding a place keeps when several rules report it: the most severe, then this order.
_RULE_PRIORITY = (
    DOCUMENT_ERROR,
    USED_BEFORE_INTRODUCED,
    NON_CANONICAL_SPELLING,
    ACRONYM_NOT_EXPANDED,
    UNKNOWN_ACRONYM,
)
_FIX_KEYS = ("replacement", "insert", "insertAt")


def _usefulness(finding: Finding) -> tuple[int, int]:
    priority = _RULE_PRIORITY.index(finding.rule) if finding.rule in _RULE_PRIORITY else 99
    return SEVERITY_RANK.get(finding.severity, 9), priority


def one_per_place(findings: list[Finding]) -> list[Finding]:
    """One finding for each place (findings sorted by start): of those whose spans overlap, the
    most useful one, carrying the others' fixes in its `data` and their messages in its own."""
    kept: list[Finding] = []
    for finding in findings:
        previous = kept[-1] if kept else None
        if previous is None or finding.start >= previous.end or finding.start == finding.end:
            kept.append(finding)
            continue
        best, other = sorted((previous, finding), key=_usefulness)
        data = {**{k: v for k, v in other.data.items() if k in _FIX_KEYS}, **best.data}
        kept[-1] = Finding(
            best.rule,
            best.severity,
            f"{best.message}. Also: {other.message}",
            best.start,
            best.end,
            best.related + other.related,
            data,
        )
    return kept


def capped(findings: list[Finding], limit: int | None = None) -> list[Finding]:
    """At most `limit` findings of each rule; the rest of a rule summed up in one finding, at the
    first one left out."""
    limit = MAX_FINDINGS_PER_RULE if limit is None else limit
    counts: dict[str, int] = {}
    kept: list[Finding] = []
    left_out: dict[str, Finding] = {}
    for finding in findings:
        count = counts[finding.rule] = counts.get(finding.rule, 0) + 1
        if count <= limit:
            kept.append(finding)
        else:
            left_out.setdefault(finding.rule, finding)
    for rule, first in left_out.items():
        more = counts[rule] - limit
        kept.append(
            Finding(
                rule,
                first.severity,
                f"{more} more {rule} finding{'s' if more != 1 else ''} in this module are not "
                f"shown (at most {limit} per rule and module)",
                first.start,
                first.end,
                data={"summary": more},
            )
        )
    kept.sort(key=lambda finding: (finding.start, finding.end, finding.rule))
    return kept

"""What the result workbook's summary sheet says: the rule set and its legal basis, the
count per status, the rows per reason with its citation, the files read, and how each
sheet was read (the columns used and not, the rows skipped, the notices)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.trail import title
from bsu.core.words import say
from bsu.results.cells import cell
from bsu.results.model import Result, draft_banner
from bsu.results.payment_sheet import ACTIONS_SHEET, PAYMENT_SHEET
from bsu.values.numbers import count

# How many lines of skipped rows the summary lists per sheet before "and N more".
READING_LINES = 200


@dataclass(frozen=True)
class Summary:
    """The summary sheet: the title in A1, then from row 3 (index 2) rows of three cells
    with a style each: "pair" and "bold" (label bold), "money" (label bold, amount
    ``#,##0``), "head" (a table header) or "" (plain)."""

    title: str
    rows: list[tuple[str, tuple[Any, Any, Any]]]
    # Under a draft rule set: the banner every sheet shows above all else (on this
    # sheet in row 2, under the title; on every other sheet above its header row).
    banner: str | None = None


def summary_sheet(result: Result) -> Summary:
    lang = result.lang
    rules = result.decisions.ruleset
    counts = result.summary()
    blank = ("", (None, None, None))
    rows: list[tuple[str, tuple[Any, Any, Any]]] = [
        ("pair", (say("rule_set", lang), f"{rules.id} (versi {rules.version})", None)),
        (
            "pair",
            (
                say("legal_basis", lang),
                "; ".join(b.short for b in rules.spec.legal_basis),
                None,
            ),
        ),
        (
            "pair",
            (
                say("results_summary_checked_at", lang),
                dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                None,
            ),
        ),
        blank,
        ("head", ("Status", say("results_summary_workers", lang), None)),
        *(("", (STATUS_LABELS[s][lang], counts[s.value], None)) for s in Status),
        ("bold", ("Total", counts["total"], None)),
        ("money", (say("results_summary_benefit_total", lang), counts["benefit_total"], None)),
        blank,
        (
            "head",
            (
                say("results_summary_reason", lang),
                say("results_summary_rows", lang),
                say("results_summary_citation", lang),
            ),
        ),
        *(("", (code.value, n, rules.reason(code).citation)) for code, n in result.reason_counts()),
        blank,
        *criteria_lines(result),
        *defaults_lines(result),
        *payment_lines(result),
        (
            "head",
            (
                say("results_summary_files_read", lang),
                say("results_summary_header_row", lang),
                say("results_summary_rows", lang),
            ),
        ),
        *(
            (
                "",
                (
                    read.source if read.sheet is None else f"{read.source} ({read.sheet})",
                    read.header_row,
                    read.rows,
                ),
            )
            for read in result.roster.sheets
        ),
        blank,
        ("head", (say("results_summary_reading", lang), None, None)),
        *(("", (line, None, None)) for line in reading_lines(result, READING_LINES)),
    ]
    cells = [(style, (cell(a), cell(b), cell(c))) for style, (a, b, c) in rows]
    banner = cell(draft_banner(rules, lang)) if rules.draft else None
    return Summary(cell(rules.spec.title.in_(lang)) or "", cells, banner)


def criteria_lines(result: Result) -> list[tuple[str, tuple[Any, Any, Any]]]:
    """One line per criterion of the rule set: its title, the rows it was evaluated on,
    and how many met it, did not, need a data fix, or were not concerned; then a blank."""
    lang = result.lang
    rules = result.decisions.ruleset
    head = (
        say("results_summary_criterion", lang),
        say("results_summary_evaluated", lang),
        say("results_summary_outcomes_head", lang),
    )
    lines: list[tuple[str, tuple[Any, Any, Any]]] = [("head", head)]
    for criterion, counts in result.trail.counts():
        outcomes = say(
            "results_summary_outcomes",
            lang,
            **{o.value: count(n, lang) for o, n in counts.items()},
        )
        named = title(criterion.criterion, rules, lang)
        lines.append(("", (named, sum(counts.values()), outcomes)))
    return [*lines, ("", (None, None, None))]


def defaults_lines(result: Result) -> list[tuple[str, tuple[Any, Any, Any]]]:
    """One line per data-gap default applied to some rows: the rule set's count line
    ("12 baris: kategori kosong, dianggap PU"), the rows, and why (with its article);
    then a blank. Nothing when no default was applied."""
    lang = result.lang
    prefix = result.decisions.ruleset.spec.citation_prefix
    applied = result.defaults()
    if not applied:
        return []
    head = (
        say("results_summary_defaults", lang),
        say("results_summary_rows", lang),
        say("results_summary_defaults_why", lang),
    )
    lines: list[tuple[str, tuple[Any, Any, Any]]] = [("head", head)]
    for d in applied:
        why = say(
            "results_summary_default_why",
            lang,
            rationale=d.default.rationale.in_(lang).strip(),
            citation=f"{prefix}, {d.default.citation}",
        )
        lines.append(("", (d.message(lang), d.rows, why)))
    return [*lines, ("", (None, None, None))]


def payment_lines(result: Result) -> list[tuple[str, tuple[Any, Any, Any]]]:
    """The payment pre-check (``bsu.core.payment``): its advisory note, then the eligible
    rows per channel (every channel of the round) and per finding (those found), each with
    its source; then a blank. Nothing when no roster gave account data."""
    eligible = result.eligible_payments()
    if eligible is None:
        return []
    lang = result.lang
    spec = eligible.spec
    status = STATUS_LABELS[Status.ELIGIBLE][lang]
    rows = say("results_summary_payment_rows", lang, status=status)
    source = say("results_summary_payment_source", lang)
    counted = say(
        "results_summary_payment_counted",
        lang,
        status=status,
        sheet=PAYMENT_SHEET,
        actions=ACTIONS_SHEET,
    )
    findings = []
    for code, n in eligible.finding_counts().items():
        if n:
            found = spec.findings[code]
            severity = say(f"results_payment_severity_{found.severity}", lang)
            findings.append(("", (f"{code.value} ({severity})", n, found.source_url)))
    return [
        ("head", (spec.title.in_(lang), None, source)),
        ("", (spec.note.in_(lang).strip(), None, spec.source_url)),
        ("", (counted, None, None)),
        ("head", (say("results_summary_payment_channel", lang), rows, source)),
        *(
            ("", (spec.channels[name].label, n, spec.channels[name].source_url))
            for name, n in eligible.channel_counts().items()
        ),
        ("head", (say("results_summary_payment_finding", lang), rows, source)),
        *findings,
        ("", (None, None, None)),
    ]


def reading_lines(result: Result, skipped_at_most: int) -> list[str]:
    """How each sheet was read, in plain words, notices first (``SheetRead.lines``), with
    at most ``skipped_at_most`` skipped-row lines per sheet, then how many more."""
    lang = result.lang
    lines: list[str] = []
    for read in result.reading():
        more = len(read.skipped) - skipped_at_most
        if more <= 0:
            lines += read.lines(lang)
            continue
        lines += replace(read, skipped=read.skipped[:skipped_at_most]).lines(lang)
        lines.append(say("results_summary_more_skipped", lang, count=count(more, lang)))
    return lines

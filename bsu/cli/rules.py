"""``bsu rules list`` and ``bsu rules show``: the rule sets, read in plain words with the
legal basis of every parameter and criterion, the articles' own words where the rule set
quotes them, the benefit, the minimum-wage table, and every data-gap default with why."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bsu.cli.common import Language, chosen_ruleset, fail, lang_of, out
from bsu.core.explain import format_date, scalar
from bsu.core.fields import NAMES, label
from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.rulefile import Quote
from bsu.core.ruleset import Lang, RuleSet, available, load_ruleset, rules_dir
from bsu.core.trail import title
from bsu.core.words import say
from bsu.errors import BsuError
from bsu.service.settings import Settings
from bsu.values.numbers import count, rupiah

rules_app = typer.Typer(
    help="Aturan BSU per tahun, dengan dasar hukumnya. / BSU rule sets.", no_args_is_help=True
)


@rules_app.command("list")
def rules_list() -> None:
    """Daftar aturan yang tersedia. / List the rule sets."""
    settings = Settings()
    directory = settings.rules_dir or rules_dir()
    table = Table()
    for column in ("Id", "Versi / version", "Judul / title", "Berlaku / in force"):
        table.add_column(column)
    try:
        for name in available(directory):
            rs = load_ruleset(name, directory)
            table.add_row(
                rs.id,
                rs.version,
                rs.spec.title.id,
                f"{rs.spec.effective.from_} – {rs.spec.effective.to}",
            )
    except BsuError as error:
        raise fail(error) from None
    out.print(table)


@rules_app.command("show")
def rules_show(
    name: Annotated[str, typer.Argument(help="Id aturan, mis. bsu-2025.")],
    lang: Annotated[Language | None, typer.Option("--lang", help="Bahasa: id / en.")] = None,
) -> None:
    """Tampilkan aturan dengan dasar hukumnya. / Show a rule set with its citations."""
    settings = Settings()
    language: Lang = lang_of(lang, settings)
    try:
        rs = chosen_ruleset(name, settings)
    except BsuError as error:
        raise fail(error) from None
    spec = rs.spec
    p = out.print
    if rs.draft and spec.draft_reason is not None:
        p(f"[bold white on red]{escape(say('cli_rules_draft', language))}[/]")
        p(f"[bold]{escape(spec.draft_reason.in_(language).strip())}[/]")
        p("")
    version = f"{say('cli_rules_version', language)} {rs.version}"
    p(f"[bold]{escape(spec.title.in_(language))}[/] ({rs.id}, {version})")
    for basis in spec.legal_basis:
        p(escape(f"  {basis.name}" + (f" — {basis.note}" if basis.note else "")))
    p(
        f"{say('cli_rules_in_force', language)}: {format_date(spec.effective.from_, language)} – "
        f"{format_date(spec.effective.to, language)}"
    )
    p(escape(say("cli_rules_benefit", language, **_benefit(rs))))
    _show_table(rs, language)
    p("")
    p(f"[bold]{say('cli_rules_parameters', language)}[/]")
    unconfirmed = f" ({say('unconfirmed', language)})"
    for key, param in spec.parameters.items():
        value = (
            scalar(key, rs, language)
            if not isinstance(param.value, list)
            else ", ".join(param.value)
        )
        flag = "" if param.confirmed else unconfirmed
        p(escape(f"  {key}: {value} — {spec.citation_prefix}, {param.citation}{flag}"))
        _show_words(param.quote, param.note, "    ", language)
    p("")
    p(f"[bold]{say('cli_rules_criteria', language)}[/]")
    for i, criterion in enumerate(spec.criteria, start=1):
        flag = "" if criterion.confirmed else unconfirmed
        p(escape(f"{i}. {title(criterion, rs, language)}"))
        p(
            escape(
                f"   {say('legal_basis', language)}: {spec.citation_prefix}, "
                f"{criterion.citation}{flag}"
            )
        )
        _show_words(criterion.quote, criterion.note, "   ", language)
        p(f"   {say('cli_rules_reads', language)}: {', '.join(criterion.evidence)}")
        for code, reason in criterion.reasons.items():
            outcome = STATUS_LABELS[Status(reason.outcome.value)][language]
            p(f"   - {code.value} \\[{outcome}]")
    _show_defaults(rs, language)


def _benefit(rs: RuleSet) -> dict[str, str]:
    """The benefit as the rule set defines it: months x the monthly amount."""
    months = int(rs.param("benefit_months"))
    monthly = float(rs.param("benefit_monthly_idr"))
    return {"months": str(months), "monthly": rupiah(monthly), "total": rupiah(rs.benefit())}


def _show_table(rs: RuleSet, lang: Lang) -> None:
    """The minimum-wage table the regional caps come from: its file, year and note."""
    tables = rs.spec.tables
    if tables.minimum_wages is None:
        return
    year = tables.minimum_wages_year
    out.print(
        escape(
            say(
                "cli_rules_table",
                lang,
                file=tables.minimum_wages,
                year=year if year is not None else "-",
                rows=count(len(rs.minimum_wages), lang),
            )
        )
    )
    if tables.minimum_wages_note:
        out.print(f"[dim]  {escape(tables.minimum_wages_note.strip())}[/]")


def _show_words(quote: Quote | None, note: str | None, indent: str, lang: Lang) -> None:
    """An article's own words (``quote``, with where they are from) and a note."""
    if quote is not None:
        words = say("cli_rules_quote", lang, text=quote.text.strip(), source=quote.source_url)
        out.print(f"[italic]{indent}{escape(words)}[/]")
        if quote.note:
            out.print(f"[dim]{indent}  {escape(quote.note.strip())}[/]")
    if note:
        out.print(f"[dim]{indent}{escape(say('cli_rules_note', lang, note=note.strip()))}[/]")


def _show_defaults(rs: RuleSet, lang: Lang) -> None:
    """Every data-gap default: what an empty cell is taken to mean, why, and its basis."""
    spec = rs.spec
    if not spec.defaults:
        return
    unconfirmed = f" ({say('unconfirmed', lang)})"
    out.print("")
    out.print(f"[bold]{say('cli_rules_defaults', lang)}[/]")
    for name, default in spec.defaults.items():
        flag = "" if default.confirmed else unconfirmed
        out.print(
            escape(
                say(
                    "cli_rules_default",
                    lang,
                    id=name,
                    field=label(default.field, lang) if default.field in NAMES else default.field,
                    assumed=default.assumed.in_(lang).strip(),
                )
            )
        )
        why = say("cli_rules_default_why", lang, rationale=default.rationale.in_(lang).strip())
        out.print(escape(f"    {why}"))
        out.print(
            escape(f"    {say('legal_basis', lang)}: {spec.citation_prefix}, {default.citation}")
            + escape(flag)
        )
        if default.source_url:
            out.print(f"[dim]    {escape(default.source_url)}[/]")

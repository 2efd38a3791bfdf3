"""``bsu rules list`` and ``bsu rules show``: the rule sets, read in plain words with the
legal basis of every parameter and criterion."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bsu.cli.common import Language, chosen_ruleset, fail, lang_of, out
from bsu.core.explain import format_date, scalar
from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.ruleset import Lang, available, load_ruleset, rules_dir
from bsu.core.words import say
from bsu.errors import BsuError
from bsu.service.settings import Settings

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
    version = f"{say('cli_rules_version', language)} {rs.version}"
    p(f"[bold]{spec.title.in_(language)}[/] ({rs.id}, {version})")
    for basis in spec.legal_basis:
        p(f"  {basis.name}" + (f" — {basis.note}" if basis.note else ""))
    p(
        f"{say('cli_rules_in_force', language)}: {format_date(spec.effective.from_, language)} – "
        f"{format_date(spec.effective.to, language)}"
    )
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
        p(f"  {key}: {value} — {spec.citation_prefix}, {param.citation}{flag}")
    p("")
    p(f"[bold]{say('cli_rules_criteria', language)}[/]")
    for i, criterion in enumerate(spec.criteria, start=1):
        title = criterion.title.in_(language)
        for placeholder in ("cutoff", "wage_cap_idr"):
            title = title.replace("{" + placeholder + "}", scalar(placeholder, rs, language))
        flag = "" if criterion.confirmed else unconfirmed
        p(f"{i}. {title}")
        p(f"   {say('legal_basis', language)}: {spec.citation_prefix}, {criterion.citation}{flag}")
        p(f"   {say('cli_rules_reads', language)}: {', '.join(criterion.evidence)}")
        for code, reason in criterion.reasons.items():
            outcome = STATUS_LABELS[Status(reason.outcome.value)][language]
            p(f"   - {code.value} [{outcome}]")

"""``jobatlas sources`` and ``jobatlas companies``: the live sources and the company registry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from jobatlas.cli.app import app, stderr, styled
from jobatlas.cli.output import FORMAT, Format, emit
from jobatlas.progress import progress
from jobatlas.sources.companies import (
    ATS_SOURCES,
    USER_FILE,
    Company,
    add_company,
    default_file,
    load_companies,
    record_checks,
    remove_company,
)
from jobatlas.sources.http import HttpClient, HttpConfig
from jobatlas.sources.probe import Probe, probe
from jobatlas.sources.registry import registry

companies_app = typer.Typer(
    help="List, edit and verify the company registry (employers and their ATS boards).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(companies_app, name="companies")

COMPANIES_ENV = "JOBATLAS_COMPANIES"
FILE_HELP = (
    f"Company file [default: ./{USER_FILE} if it exists, else the starter list; "
    "edits create it from the starter list]."
)
CompanyFile = Annotated[str | None, typer.Option("--file", envvar=COMPANIES_ENV, help=FILE_HELP)]
AtsFilter = Annotated[str | None, typer.Option("--ats", help="Only this ATS.")]


@app.command("sources")
def sources(format_: Format = FORMAT) -> None:
    """List the live sources: what each needs, its rate limit and base URL."""
    records: list[dict[str, Any]] = []
    for source in registry().values():
        info = source.info
        needs = " and ".join(info.key_env) if info.needs_key else "no key"
        if info.extra:
            needs += f"; pip install 'jobatlas[{info.extra}]'"
        records.append(
            {
                "name": info.name,
                "title": info.title,
                "board": info.board_label,
                "needs": needs,
                "rate_limit": info.rate_text,
                "docs": info.docs_url,
                "base_url": None if info.extra else info.base_url(),
                "base_url_env": None if info.extra else info.env_var,
            }
        )

    def lines() -> Any:
        for r in records:
            yield styled((r["name"], "bold"), f"  {r['title']}")
            yield f"  board: {r['board']}; needs: {r['needs']}"
            yield f"  rate limit: {r['rate_limit']}"
            yield f"  docs: {r['docs']}"
            if r["base_url"]:
                yield f"  base URL: {r['base_url']} (override: --base-url or ${r['base_url_env']})"

    emit(format_, records, lines)


def _record(c: Company) -> dict[str, Any]:
    return {
        "name": c.name,
        "ats": c.ats,
        "slug": c.slug,
        "hubs": list(c.hubs),
        "verified": c.verified,
        "evidence": c.evidence,
        "verified_at": c.verified_at,
        "http_status": c.http_status,
    }


@companies_app.command("list")
def companies_list(
    file: CompanyFile = None,
    ats: AtsFilter = None,
    city: Annotated[str | None, typer.Option("--city", help="Only employers hiring here.")] = None,
    format_: Format = FORMAT,
) -> None:
    """List the employers in the registry with their ATS and board."""
    path = default_file(file)
    entries = load_companies(path)
    if ats:
        entries = [c for c in entries if c.ats == ats.lower()]
    if city:
        entries = [c for c in entries if any(city.lower() == h.lower() for h in c.hubs)]
    verified = sum(c.verified for c in entries)
    evidenced = sum(c.evidence is not None for c in entries)
    where = path or "the starter list"

    def table() -> Any:
        shown = Table("name", "ats", "slug", "hubs", "verified")
        for c in entries:
            checked = f" ({c.http_status}, {c.verified_at[:10]})" if c.verified_at else ""
            shown.add_row(
                c.name, c.ats, c.slug, ", ".join(c.hubs), ("yes" if c.verified else "no") + checked
            )
        yield shown
        yield (
            f"{len(entries)} companies ({verified} verified, {evidenced} with public evidence)"
            f" from {where}"
        )

    emit(format_, [_record(c) for c in entries], table)


@companies_app.command("add")
def companies_add(
    name: Annotated[str, typer.Argument(help="Employer name.")],
    ats: Annotated[str, typer.Option("--ats", help="One of: " + ", ".join(ATS_SOURCES))],
    slug: Annotated[str, typer.Option("--slug", help="Board slug/token on that ATS.")],
    hubs: Annotated[
        list[str] | None, typer.Option("--hub", help="City where it hires (repeatable).")
    ] = None,
    eu: Annotated[bool, typer.Option("--eu", help="Lever EU instance.")] = False,
    verified: Annotated[
        bool, typer.Option("--verified", help="You checked that the board exists.")
    ] = False,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    evidence: Annotated[
        str | None,
        typer.Option(
            "--evidence",
            help="Public reference naming the board: a URL, or 'owner/name path' of a repo file.",
        ),
    ] = None,
    file: CompanyFile = None,
) -> None:
    """Add an employer to your company file."""
    path = file or USER_FILE
    entry = Company(
        name=name,
        ats=ats.lower(),
        slug=slug,
        hubs=tuple(hubs or ()),
        verified=verified,
        eu=eu,
        note=note,
        evidence=evidence,
    )
    companies = add_company(path, entry)
    stderr().print(f"added {entry.name} ({entry.ats}:{entry.slug}); {len(companies)} in {path}")


@companies_app.command("remove")
def companies_remove(
    name_or_slug: Annotated[str, typer.Argument(help="Employer name or board slug.")],
    file: CompanyFile = None,
) -> None:
    """Remove an employer from your company file."""
    path = file or USER_FILE
    removed = remove_company(path, name_or_slug)
    stderr().print(f"removed {removed.name} ({removed.ats}:{removed.slug}) from {path}")


@companies_app.command("verify")
def companies_verify(
    file: CompanyFile = None,
    ats: AtsFilter = None,
    format_: Format = FORMAT,
) -> None:
    """Probe each board once and record verified_at and the HTTP status in your company file
    (verified = it answered 200); a board with no answer keeps what it had."""
    path = file or USER_FILE
    entries = load_companies(default_file(file))
    if ats:
        entries = [c for c in entries if c.ats == ats.lower()]
    probes = verify_boards(entries, HttpClient(HttpConfig.from_env()))
    answered = {(p.board.source, p.board.slug): p.status for p in probes if p.status is not None}
    if answered:
        record_checks(path, answered, _now())
    records = [
        {"board": p.board.key, "url": p.url, "http_status": p.status, "error": p.error}
        for p in probes
    ]

    def table() -> Any:
        shown = Table("board", "HTTP status", "error")
        for p in probes:
            shown.add_row(p.board.key, str(p.status or "-"), p.error or "")
        yield shown

    emit(format_, records, table)
    ok = sum(p.ok for p in probes)
    stderr().print(
        f"{ok} of {len(probes)} boards answered 200; {len(answered)} statuses recorded in {path}"
    )
    if not answered and probes:
        stderr().print(styled(("network unreachable: ", "red"), "no board answered"))
        raise typer.Exit(1)


def verify_boards(entries: list[Company], client: HttpClient) -> list[Probe]:
    """One probe per company board, in order, with a progress line on stderr."""
    catalog = registry()
    found = []
    with client, progress("verify", len(entries)) as advance:
        for c in entries:
            b = c.board()
            source = catalog[b.source]
            found.append(probe(client, source, b, source.info.base_url(b)))
            advance(1)
    return found


def _now() -> datetime:
    return datetime.now(UTC)

"""Commands for live collection: ``collect``, ``sources`` and ``companies``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jobatlas.cli.app import app, stdout, styled
from jobatlas.config import db_path
from jobatlas.progress import progress
from jobatlas.sources.base import Board, board, registry
from jobatlas.sources.collect import DEFAULT_WORKERS, CollectionReport, collect
from jobatlas.sources.companies import (
    ATS_SOURCES,
    Company,
    add_company,
    load_companies,
    remove_company,
)
from jobatlas.store.duckdb import Store

collect_app = typer.Typer(
    help="Collect current postings from live job sources into the store.",
    no_args_is_help=True,
)
companies_app = typer.Typer(
    help="List and edit the company registry (employers and their ATS boards).",
    no_args_is_help=True,
)
app.add_typer(collect_app, name="collect")
app.add_typer(companies_app, name="companies")

COMPANIES_ENV = "JOBATLAS_COMPANIES"
SHOWN_BOARDS = 30

Db = Annotated[
    str | None,
    typer.Option("--db", envvar="JOBATLAS_DB", help="Store file (default: jobatlas.duckdb)."),
]
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="API root for mirrors, proxies, tests (env: JOBATLAS_<SOURCE>_URL)."
    ),
]
Workers = Annotated[int, typer.Option("--workers", min=1, max=32, help="Boards fetched at once.")]
Retry = Annotated[
    bool,
    typer.Option("--retry-failed", help="Only fetch the boards that failed in the last pass."),
]
Fresh = Annotated[
    bool, typer.Option("--fresh", help="Start a new pass even if the same boards were interrupted.")
]


def _run(
    boards: Sequence[Board],
    *,
    db: str | None,
    base_url: str | None = None,
    workers: int = DEFAULT_WORKERS,
    fresh: bool = False,
    retry_failed: bool = False,
) -> None:
    """Collect ``boards`` into the store, print the outcome; exit 1 if any board failed."""
    base_urls = {b.source: base_url for b in boards} if base_url else {}
    with Store.open(db_path(db)) as store, progress("collect", len(boards)) as advance:
        report = collect(
            store,
            boards,
            base_urls=base_urls,
            workers=workers,
            fresh=fresh,
            retry_failed=retry_failed,
            on_board=lambda _: advance(1),
        )
    _print_report(report)
    if report.failed:
        raise typer.Exit(1)


def _print_report(report: CollectionReport) -> None:
    console = stdout()
    earlier = sum(o.resumed for o in report.outcomes)
    if report.resumed:
        console.print(
            f"resumed collection #{report.collection_id}: {earlier} of "
            f"{len(report.outcomes)} boards were already collected"
        )
    shown = [o for o in report.outcomes if not o.resumed]
    if len(shown) > SHOWN_BOARDS:
        shown = [o for o in shown if o.status != "ok"]
    if shown:
        table = Table(
            "board",
            "status",
            "fetched",
            "new",
            "known",
            "unreadable",
            "repeated ids",
            "s",
            "reason",
        )
        for o in shown:
            table.add_row(
                o.board.key,
                o.status,
                str(o.fetched),
                str(o.added),
                str(o.skipped),
                str(o.rejected),
                str(o.duplicates),
                f"{o.duration_s:.1f}",
                o.error or "",
            )
        console.print(table)
    console.print(
        f"collection #{report.collection_id} {report.status}: "
        f"{report.count('ok')} ok, {report.count('degraded')} degraded, "
        f"{report.count('failed')} failed; "
        f"{sum(o.added for o in report.outcomes)} new rows "
        f"({sum(o.rejected for o in report.outcomes)} of them unreadable, kept for quarantine), "
        f"{sum(o.duplicates for o in report.outcomes)} repeated ids skipped"
    )
    if report.failed:
        console.print("add --retry-failed to the same command to fetch only the failed boards")


@collect_app.callback(invoke_without_command=True)
def collect_companies(
    ctx: typer.Context,
    companies: Annotated[
        str | None,
        typer.Option(
            "--companies",
            help="Collect every board of this company file ('bundled' = the starter list).",
        ),
    ] = None,
    ats: Annotated[list[str] | None, typer.Option("--ats", help="Only these ATS.")] = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Collect current postings from live job sources into the store."""
    if ctx.invoked_subcommand is not None:
        if companies is not None:
            raise typer.BadParameter("give either --companies or a source command, not both")
        return
    if companies is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    use_bundled = companies == "bundled" and not Path(companies).exists()
    entries = load_companies(None if use_bundled else companies)
    wanted = {a.lower() for a in ats or ()}
    boards = [c.board() for c in entries if not wanted or c.ats in wanted]
    if not boards:
        typer.echo("no boards to collect")
        raise typer.Exit(1)
    _run(boards, db=db, workers=workers, fresh=fresh, retry_failed=retry_failed)


Details = Annotated[
    bool, typer.Option("--details", help="Also fetch each job (one request per job).")
]


@collect_app.command("greenhouse")
def collect_greenhouse(
    boards: Annotated[list[str], typer.Option("--board", help="Board token (repeatable).")],
    details: Details = False,
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Greenhouse boards: GET {base}/v1/boards/{token}/jobs?content=true (--details: pay)."""
    found = [board("greenhouse", b, details=details) for b in boards]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("lever")
def collect_lever(
    sites: Annotated[list[str], typer.Option("--site", help="Lever site name (repeatable).")],
    eu: Annotated[bool, typer.Option("--eu", help="Use the EU instance (api.eu.lever.co).")] = (
        False
    ),
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Lever postings: GET {base}/v0/postings/{site}?mode=json, paged by skip/limit."""
    found = [board("lever", s, eu=eu) for s in sites]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("ashby")
def collect_ashby(
    orgs: Annotated[list[str], typer.Option("--org", help="Ashby job board name (repeatable).")],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Ashby boards: GET {base}/posting-api/job-board/{org}?includeCompensation=true."""
    found = [board("ashby", o) for o in orgs]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("workable")
def collect_workable(
    accounts: Annotated[
        list[str], typer.Option("--account", help="Workable account (repeatable).")
    ],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Workable careers widget: GET {base}/api/v1/widget/accounts/{account}?details=true."""
    found = [board("workable", a) for a in accounts]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("smartrecruiters")
def collect_smartrecruiters(
    companies: Annotated[
        list[str], typer.Option("--company", help="Company identifier (repeatable).")
    ],
    details: Details = False,
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """SmartRecruiters: GET {base}/v1/companies/{id}/postings, offset/limit (--details: text)."""
    found = [board("smartrecruiters", c, details=details) for c in companies]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("recruitee")
def collect_recruitee(
    companies: Annotated[
        list[str], typer.Option("--company", help="Careers subdomain (repeatable).")
    ],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Recruitee: GET https://{company}.recruitee.com/api/offers/ ({company} in --base-url)."""
    found = [board("recruitee", c) for c in companies]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("hn")
def collect_hn(
    months: Annotated[list[str], typer.Option("--month", help="YYYY-MM (repeatable).")],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
) -> None:
    """Hacker News "Ask HN: Who is hiring?" threads, via the Algolia HN API."""
    found = [board("hn", m) for m in months]
    _run(found, db=db, base_url=base_url, workers=workers, fresh=fresh, retry_failed=retry_failed)


@collect_app.command("jobspy")
def collect_jobspy(
    site: Annotated[str, typer.Option("--site", help="linkedin, indeed, glassdoor, google, ...")],
    query: Annotated[str, typer.Option("--query", help="Search terms.")],
    location: Annotated[str | None, typer.Option("--location", help="Where to search.")] = None,
    results: Annotated[int, typer.Option("--results", min=1, max=1000, help="Results wanted.")] = (
        50
    ),
    country: Annotated[
        str | None, typer.Option("--country", help="Country for Indeed/Glassdoor.")
    ] = None,
    hours: Annotated[
        int | None, typer.Option("--hours", min=1, help="Only postings this recent.")
    ] = None,
    db: Db = None,
    fresh: Fresh = False,
) -> None:
    """One site through python-jobspy (needs the optional 'jobspy' extra of jobatlas)."""
    found = board(
        "jobspy",
        site.lower(),
        query=query,
        location=location,
        results=results,
        country=country,
        hours=hours,
    )
    _run([found], db=db, workers=1, fresh=fresh)


@collect_app.command("adzuna")
def collect_adzuna(
    country: Annotated[str, typer.Option("--country", help="Two-letter country, e.g. gb, us.")],
    query: Annotated[str, typer.Option("--query", help="Search terms (Adzuna 'what').")],
    where: Annotated[str | None, typer.Option("--where", help="Place (Adzuna 'where').")] = None,
    pages: Annotated[int, typer.Option("--pages", min=1, max=100, help="Pages of 50.")] = 5,
    base_url: BaseUrl = None,
    db: Db = None,
    fresh: Fresh = False,
) -> None:
    """Adzuna search (needs ADZUNA_APP_ID and ADZUNA_APP_KEY in the environment)."""
    found = board("adzuna", country.lower(), query=query, where=where, pages=pages)
    _run([found], db=db, base_url=base_url, workers=1, fresh=fresh)


@app.command("sources")
def sources() -> None:
    """List the live sources: what each needs, its rate limit and base URL."""
    console = stdout()
    for source in registry().values():
        info = source.info
        needs = " and ".join(info.key_env) if info.needs_key else "no key"
        if info.extra:
            needs += f"; pip install 'jobatlas[{info.extra}]'"
        console.print(styled((info.name, "bold"), f"  {info.title}"))
        console.print(f"  board: {info.board_label}; needs: {needs}")
        console.print(f"  rate limit: {info.rate_text}")
        console.print(f"  docs: {info.docs_url}")
        if not info.extra:
            console.print(
                f"  base URL: {info.base_url()} (override: --base-url or ${info.env_var})"
            )


# -- companies ----------------------------------------------------------------------------------

CompanyFile = Annotated[
    str,
    typer.Option(
        "--file",
        envvar=COMPANIES_ENV,
        help="Your company file; created from the starter list on first edit.",
    ),
]


@companies_app.command("list")
def companies_list(
    file: Annotated[
        str | None,
        typer.Option(
            "--file", envvar=COMPANIES_ENV, help="Company file (default: the starter list)."
        ),
    ] = None,
    ats: Annotated[str | None, typer.Option("--ats", help="Only this ATS.")] = None,
    city: Annotated[str | None, typer.Option("--city", help="Only employers hiring here.")] = None,
) -> None:
    """List the employers in the registry with their ATS and board."""
    entries = load_companies(file)
    if ats:
        entries = [c for c in entries if c.ats == ats.lower()]
    if city:
        entries = [c for c in entries if any(city.lower() == h.lower() for h in c.hubs)]
    table = Table("name", "ats", "slug", "hubs", "verified")
    for c in entries:
        table.add_row(c.name, c.ats, c.slug, ", ".join(c.hubs), "yes" if c.verified else "no")
    console = stdout()
    console.print(table)
    verified = sum(c.verified for c in entries)
    where = file or "the starter list"
    console.print(f"{len(entries)} companies ({verified} verified) from {where}")


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
    file: CompanyFile = "companies.toml",
) -> None:
    """Add an employer to your company file."""
    entry = Company(
        name=name,
        ats=ats.lower(),
        slug=slug,
        hubs=tuple(hubs or ()),
        verified=verified,
        eu=eu,
        note=note,
    )
    companies = add_company(file, entry)
    stdout().print(f"added {entry.name} ({entry.ats}:{entry.slug}); {len(companies)} in {file}")


@companies_app.command("remove")
def companies_remove(
    name_or_slug: Annotated[str, typer.Argument(help="Employer name or board slug.")],
    file: CompanyFile = "companies.toml",
) -> None:
    """Remove an employer from your company file."""
    removed = remove_company(file, name_or_slug)
    stdout().print(f"removed {removed.name} ({removed.ats}:{removed.slug}) from {file}")

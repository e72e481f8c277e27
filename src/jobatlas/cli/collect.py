"""``jobatlas collect``: live collection into the store, one command per source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jobatlas.cli.app import app, stderr, stdout, styled
from jobatlas.collect import DEFAULT_WORKERS, CollectionReport, collect, dry_run
from jobatlas.config import DB_ENV, db_path
from jobatlas.errors import ConfigError
from jobatlas.progress import progress
from jobatlas.sources.base import Board, board
from jobatlas.sources.companies import load_companies
from jobatlas.store.duckdb import Store

collect_app = typer.Typer(
    help="Collect current postings from live job sources into the store.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(collect_app, name="collect")

SHOWN_BOARDS = 30

Db = Annotated[
    str | None,
    typer.Option("--db", envvar=DB_ENV, help="Store file [default: ./jobatlas.duckdb]."),
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
DryRun = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="List each board and the first URL it would fetch; fetch nothing."
    ),
]


def _run(
    boards: Sequence[Board],
    db: str | None,
    base_url: str | None = None,
    workers: int = DEFAULT_WORKERS,
    fresh: bool = False,
    retry_failed: bool = False,
    dry: bool = False,
) -> None:
    """Collect ``boards`` into the store, print the outcome; exit 1 if any board failed.

    ``dry`` lists the boards and their first request instead (on stdout: it is the data)."""
    base_urls = {b.source: base_url for b in boards} if base_url else {}
    if dry:
        for b, request in dry_run(boards, base_urls=base_urls):
            shown = f"GET {request.shown}" if request else "(python-jobspy; no URL of ours)"
            stdout().print(f"{b.key}\t{shown}")
        stderr().print(f"{len(boards)} boards would be fetched (--dry-run: nothing fetched)")
        return
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
    """The outcome, on stderr: collecting writes to the store, what it prints is messages."""
    console = stderr()
    earlier = sum(o.resumed for o in report.outcomes)
    if report.resumed:
        console.print(
            f"resumed collection #{report.collection_id}: {earlier} of "
            f"{len(report.outcomes)} boards were already collected"
        )
    shown = [o for o in report.outcomes if not o.resumed and not report.network_down]
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
    for host, reason in report.unreachable.items():
        console.print(f"skipped host {host} after its first failure ({reason})")
    if report.network_down:
        console.print(
            styled(
                ("network unreachable: ", "red"),
                f"no host answered ({len(report.unreachable)} could not be reached); "
                f"{report.count('failed')} boards not collected. Check the connection and rerun "
                "the same command (finished boards are kept).",
            )
        )
    elif report.failed:
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
    dry: DryRun = False,
) -> None:
    """Collect current postings from live job sources into the store."""
    if ctx.invoked_subcommand is not None:
        if companies is not None:
            raise typer.BadParameter("give either --companies or a source command, not both")
        if dry:
            raise typer.BadParameter(
                "put --dry-run after the source command", param_hint="--dry-run"
            )
        return
    if companies is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    use_bundled = companies == "bundled" and not Path(companies).exists()
    entries = load_companies(None if use_bundled else companies)
    wanted = {a.lower() for a in ats or ()}
    boards = [c.board() for c in entries if not wanted or c.ats in wanted]
    if not boards:
        raise ConfigError(f"{companies}: no boards to collect", hint="check --ats and the file")
    _run(boards, db=db, workers=workers, fresh=fresh, retry_failed=retry_failed, dry=dry)


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
    dry: DryRun = False,
) -> None:
    """Greenhouse boards: GET {base}/v1/boards/{token}/jobs?content=true (--details: pay)."""
    found = [board("greenhouse", b, details=details) for b in boards]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


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
    dry: DryRun = False,
) -> None:
    """Lever postings: GET {base}/v0/postings/{site}?mode=json, paged by skip/limit."""
    found = [board("lever", s, eu=eu) for s in sites]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


@collect_app.command("ashby")
def collect_ashby(
    orgs: Annotated[list[str], typer.Option("--org", help="Ashby job board name (repeatable).")],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
    dry: DryRun = False,
) -> None:
    """Ashby boards: GET {base}/posting-api/job-board/{org}?includeCompensation=true."""
    found = [board("ashby", o) for o in orgs]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


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
    dry: DryRun = False,
) -> None:
    """Workable careers widget: GET {base}/api/v1/widget/accounts/{account}?details=true."""
    found = [board("workable", a) for a in accounts]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


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
    dry: DryRun = False,
) -> None:
    """SmartRecruiters: GET {base}/v1/companies/{id}/postings, offset/limit (--details: text)."""
    found = [board("smartrecruiters", c, details=details) for c in companies]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


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
    dry: DryRun = False,
) -> None:
    """Recruitee: GET https://{company}.recruitee.com/api/offers/ ({company} in --base-url)."""
    found = [board("recruitee", c) for c in companies]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


@collect_app.command("hn")
def collect_hn(
    months: Annotated[list[str], typer.Option("--month", help="YYYY-MM (repeatable).")],
    base_url: BaseUrl = None,
    db: Db = None,
    workers: Workers = DEFAULT_WORKERS,
    fresh: Fresh = False,
    retry_failed: Retry = False,
    dry: DryRun = False,
) -> None:
    """Hacker News "Ask HN: Who is hiring?" threads, via the Algolia HN API."""
    found = [board("hn", m) for m in months]
    _run(found, db, base_url, workers, fresh, retry_failed, dry)


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
    dry: DryRun = False,
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
    _run([found], db=db, workers=1, fresh=fresh, dry=dry)


@collect_app.command("adzuna")
def collect_adzuna(
    country: Annotated[str, typer.Option("--country", help="Two-letter country, e.g. gb, us.")],
    query: Annotated[str, typer.Option("--query", help="Search terms (Adzuna 'what').")],
    where: Annotated[str | None, typer.Option("--where", help="Place (Adzuna 'where').")] = None,
    pages: Annotated[int, typer.Option("--pages", min=1, max=100, help="Pages of 50.")] = 5,
    base_url: BaseUrl = None,
    db: Db = None,
    fresh: Fresh = False,
    dry: DryRun = False,
) -> None:
    """Adzuna search (needs ADZUNA_APP_ID and ADZUNA_APP_KEY in the environment)."""
    found = board("adzuna", country.lower(), query=query, where=where, pages=pages)
    _run([found], db=db, base_url=base_url, workers=1, fresh=fresh, dry=dry)

"""``rank``: the metros ranked from normalised postings, as ``jobatlas report`` ranks them.

The figures come from ``indicators.build_ranking``; ``Ranking.to_dict`` is ``ranking_dict``
(the content of ranking.json), ``Ranking.article`` the Markdown of article.md and
``Ranking.to_frame`` the rows of ranking.csv: the same functions the CLI calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from jobatlas.api.frames import Family, give_back
from jobatlas.api.postings import Normalized, normalize
from jobatlas.errors import ConfigError, EmptyInputError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jobatlas import indicators
    from jobatlas.indicators.metrics import Aggregation, Definition, Normalisation

__all__ = ["Ranking", "rank"]

DEFINITIONS = ("core+adjacent", "core")
_NORMS = ("minmax", "zscore", "rank")
_AGGREGATIONS = ("arithmetic", "geometric")


class Ranking:
    """A ranking of metros, with rank intervals, tiers and the evidence behind each.

    ``result`` is the full ``jobatlas.indicators.Ranking`` (draws included); ``top`` is how
    many metros the title and the article cover, at most ``max_per_country`` of one country
    when that is set.
    """

    def __init__(
        self,
        result: indicators.Ranking,
        top: int,
        family: Family,
        max_per_country: int | None = None,
    ) -> None:
        self.result = result
        self.top = top
        self.family = family
        self.max_per_country = max_per_country

    def to_dict(self) -> dict[str, Any]:
        """Everything the reports show, rounded as shown: what the CLI writes to ranking.json."""
        from jobatlas.report.export import ranking_dict

        return ranking_dict(self.result, self.top, self.max_per_country)

    def to_json(self) -> str:
        """ranking.json, byte for byte."""
        from jobatlas.report.export import to_json

        return to_json(self.to_dict())

    def to_frame(self) -> Any:
        """One row per metro, the ranked ones first, with the columns of ranking.csv; in the
        family of the postings (a list of dicts for a list)."""
        import pyarrow as pa

        from jobatlas.report.export import csv_header, csv_rows

        rows = csv_rows(self.to_dict())
        table = pa.table({c: pa.array([r.get(c) for r in rows]) for c in csv_header()})
        return give_back(table, self.family)

    def article(self) -> str:
        """The Markdown article, as the CLI writes it to article.md but without the figures it
        embeds there (they are files: see :meth:`write`)."""
        from jobatlas.report.markdown import article

        return article(self.to_dict())

    def write(self, out: str | Path) -> list[Path]:
        """Write the files ``jobatlas report --out`` writes (article.md and its figures,
        ranking.json, ranking.csv, report.html) into the folder ``out``; return their paths."""
        from jobatlas.report.export import write_report

        return write_report(self.result, Path(out), self.top, None, self.max_per_country)

    def __repr__(self) -> str:
        ranked = self.result.ranked
        head = ", ".join(m.metro for m in ranked[:3])
        more = ", ..." if len(ranked) > 3 else ""
        return f"Ranking({len(ranked)} metros ranked: {head}{more})"


def rank(
    postings: Any,
    profile: str = "balanced",
    draws: int = 2000,
    seed: int | None = 7,
    *,
    top: int = 10,
    max_per_country: int | None = None,
    definition: str = "core+adjacent",
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    min_postings: float = 30.0,
    min_employers: int = 5,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    profiles_file: str | Path | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Ranking:
    """Rank metros for AI/ML jobs; the options and defaults are those of ``jobatlas rank``.

    ``postings`` is what ``normalize`` returned, or a table of raw postings that it normalises
    first (``mapping`` as in ``normalize``). ``profile`` names the weights (``balanced``,
    ``job_seeker``, ``employer`` or one from ``profiles_file``); ``draws`` Monte Carlo draws
    give the rank intervals and tiers (0: none) from ``seed`` (None: a random one);
    ``definition`` is ``core+adjacent`` or ``core``; ``since`` and ``until`` bound the posting
    dates (a date, ``YYYY-MM-DD`` or ``YYYY-MM``); a metro is ranked with at least
    ``min_postings`` AI/ML postings from ``min_employers`` employers; the title and the
    article cover the first ``top``, at most ``max_per_country`` of one country when set.

    >>> rows = [
    ...     {"title": title, "company": f"Firm {i}", "location": city, "posted_at": "2024-05-02"}
    ...     for i in range(8)
    ...     for title, city in [("ML Engineer", "Berlin"), ("Data Scientist", "Paris")]
    ... ]
    >>> ranking = rank(normalize(rows), draws=0, min_postings=4, min_employers=2)
    >>> [(m["rank"], m["metro"]) for m in ranking.to_dict()["metros"]]
    [(1, 'Berlin'), (2, 'Paris')]
    >>> ranking.article().splitlines()[0]
    '# Top 2 cities in the world for AI and Machine Learning jobs (as of May 2024)'
    """
    from jobatlas.indicators import RankSettings, build_ranking
    from jobatlas.indicators.metrics import parse_day

    settings = RankSettings(
        profile=profile,
        profiles_file=Path(profiles_file) if profiles_file is not None else None,
        draws=draws,
        seed=seed,
        since=parse_day(since, end=False),
        until=parse_day(until, end=True),
        definition=cast("Definition", _choice("definition", definition, DEFINITIONS)),
        min_postings=min_postings,
        min_employers=min_employers,
        normalisation=cast("Normalisation", _choice("normalisation", normalisation, _NORMS)),
        aggregation=cast("Aggregation", _choice("aggregation", aggregation, _AGGREGATIONS)),
    )
    if top < 1:
        raise ConfigError(f"top must be 1 or more, not {top}")
    if max_per_country is not None and max_per_country < 1:
        raise ConfigError(f"max_per_country must be 1 or more, not {max_per_country}")
    given = isinstance(postings, Normalized)
    normalized = postings if given else normalize(postings, mapping)
    try:
        store = normalized.store
        if not store.scalar("SELECT count(*) FROM postings"):
            a = normalized.accounting
            raise EmptyInputError(
                f"no postings to rank: of {a.raw:,} rows, {a.quarantined:,} were quarantined "
                f"and {a.duplicates:,} were duplicates",
                hint="see Normalized.quarantine for the reasons",
            )
        result = build_ranking(store.con, settings)
    finally:
        if not given:
            normalized.close()
    return Ranking(result, top, normalized.family, max_per_country)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"unknown {name} {value!r}", hint="use " + " or ".join(allowed))
    return value

"""SYNTHETIC stores for the ranking tests: made-up metros, employers and postings.

Nothing here is real data. Each metro's postings come from a seeded generator, so a test
knows the right answer by construction (and two metros built from the same ``pattern`` get
identical postings).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from jobatlas.store.duckdb import Store


@dataclass(frozen=True)
class SynMetro:
    metro_id: str
    name: str
    country: str = "US"
    population: int | None = 1_000_000
    core: int = 60
    adjacent: int = 10
    other: int = 200
    employers: int = 12
    salary: float = 150_000.0
    remote_share: float = 0.1
    recent_share: float = 0.5
    pattern: str | None = None
    currency: str = "USD"


START = date(2023, 1, 1)


def _rows(m: SynMetro, first_id: int) -> dict[str, list[object]]:
    rng = np.random.default_rng(zlib.crc32((m.pattern or m.metro_id).encode()))
    tiers = ["core"] * m.core + ["adjacent"] * m.adjacent + ["none"] * m.other
    n = len(tiers)
    employer_ix = rng.integers(0, m.employers, size=n)
    recent = rng.random(n) < m.recent_share
    days = np.where(recent, rng.integers(182, 365, size=n), rng.integers(0, 181, size=n))
    salary = np.round(m.salary * np.exp(rng.normal(0, 0.15, size=n)), -2)
    has_salary = rng.random(n) < 0.7
    remote = np.where(rng.random(n) < m.remote_share, "remote", "onsite")
    titles = np.array(
        ["Machine Learning Engineer", "Senior Data Scientist", "ML Research Intern", "AI Lead"]
    )
    rows: dict[str, list[object]] = {k: [] for k in COLUMNS}
    for i, tier in enumerate(tiers):
        title = str(titles[i % 4]) if tier != "none" else "Accountant"
        paid = bool(has_salary[i])
        values = {
            "raw_id": first_id + i,
            "title": title,
            "company": f"{m.name} Employer {employer_ix[i]}",
            "ai_ml_tier": tier,
            "ai_ml": tier == "core",
            "remote": str(remote[i]),
            "country_code": m.country,
            "metro": m.name,
            "metro_id": m.metro_id,
            "salary_annual_usd": float(salary[i]) if paid else None,
            "salary_annual_ppp": float(salary[i]) * 0.9 if paid else None,
            "salary_annual_min": float(salary[i]) * 0.9 if paid else None,
            "salary_annual_max": float(salary[i]) * 1.1 if paid else None,
            "salary_currency": m.currency if paid else None,
            "salary_status": "parsed" if paid else "none",
            "posted_date": START + timedelta(days=int(days[i])),
            "skills": "['python', 'pytorch', 'spark']" if i % 2 else "tensorflow, nlp",
            "url": f"https://jobs.example.com/{m.metro_id}/{i}",
        }
        for k, v in values.items():
            rows[k].append(v)
    return rows


COLUMNS = (
    "raw_id",
    "title",
    "company",
    "ai_ml_tier",
    "ai_ml",
    "remote",
    "country_code",
    "metro",
    "metro_id",
    "salary_annual_usd",
    "salary_annual_ppp",
    "salary_annual_min",
    "salary_annual_max",
    "salary_currency",
    "salary_status",
    "posted_date",
    "skills",
    "url",
)


def make_store(metros: list[SynMetro], path: str = ":memory:") -> Store:
    """A store holding the given synthetic metros' postings, places and metro rows."""
    store = Store.open(path)
    columns: dict[str, list[object]] = {k: [] for k in COLUMNS}
    for m in metros:
        for k, v in _rows(m, len(columns["raw_id"]) + 1).items():
            columns[k].extend(v)
    table = pa.table(columns)
    con = store.con
    con.register("syn_rows", table)
    con.execute(
        """INSERT INTO postings (raw_id, run_id, source, via, title, company, ai_ml_tier, ai_ml,
               location_status, remote, country_code, metro, metro_id, n_places,
               salary_annual_usd, salary_annual_ppp, salary_annual_min, salary_annual_max,
               salary_currency, salary_status, salary_flags, posted_date, skills, url, dedupe_key)
           SELECT raw_id, 1, 'synthetic', 'via SynBoard', title, company, ai_ml_tier, ai_ml,
                  'resolved', remote, country_code, metro, metro_id, 1,
                  salary_annual_usd, salary_annual_ppp, salary_annual_min, salary_annual_max,
                  salary_currency, salary_status, NULL, posted_date, skills, url,
                  'k' || raw_id
           FROM syn_rows"""
    )
    con.execute(
        """INSERT INTO posting_places (raw_id, place_index, country_code, metro, metro_id, weight)
           SELECT raw_id, 0, country_code, metro, metro_id, 1.0 FROM syn_rows"""
    )
    con.unregister("syn_rows")
    con.executemany(
        "INSERT INTO metros (metro_id, metro, country_code, population) VALUES (?, ?, ?, ?)",
        [[m.metro_id, m.name, m.country, m.population] for m in metros],
    )
    return store


def standard_metros() -> list[SynMetro]:
    """Eight synthetic metros of varied size and pay, all above the default thresholds."""
    return [
        SynMetro(f"syn-{i}", f"Synthetown {i}", core=40 + 15 * i, salary=100_000 + 9_000 * (i % 5))
        for i in range(8)
    ]


def varied_metros(n: int = 12) -> list[SynMetro]:
    """``n`` synthetic metros in three made-up countries; some pay in EUR, one lacks population."""
    countries = ("US", "DE", "GB")
    return [
        SynMetro(
            f"syn-{i:02d}",
            f"Synthville {i:02d}",
            country=countries[i % 3],
            population=None if i == 5 else 500_000 + 150_000 * i,
            core=35 + 11 * i,
            employers=6 + i,
            salary=90_000 + 7_000 * ((i * 5) % 7),
            remote_share=0.05 * (i % 4),
            recent_share=0.4 + 0.02 * i,
            currency="EUR" if countries[i % 3] == "DE" else "USD",
        )
        for i in range(n)
    ]


def insert_postings(store: Store, rows: list[dict[str, object]]) -> None:
    """Insert hand-written SYNTHETIC postings; ``places`` lists (metro_id, country) pairs.

    Defaults fill every NOT NULL column; a row's ``places`` (default: none) becomes
    posting_places rows of weight 1/k, and its first place sets the posting's metro.
    """
    for i, row in enumerate(rows):
        places = list(row.pop("places", []))  # type: ignore[call-overload]
        raw_id = int(row.pop("raw_id", 10_000 + i))  # type: ignore[call-overload]
        values: dict[str, object] = {
            "raw_id": raw_id,
            "run_id": 1,
            "source": "synthetic",
            "title": "ML Engineer",
            "ai_ml_tier": "core",
            "ai_ml": row.get("ai_ml_tier", "core") == "core",
            "location_status": "resolved" if places else "unresolved",
            "remote": "onsite",
            "n_places": max(len(places), 1),
            "salary_status": "none",
            "dedupe_key": f"k{raw_id}",
            "metro_id": places[0][0] if places else None,
            "country_code": places[0][1] if places else None,
            **row,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        store.con.execute(
            f"INSERT INTO postings ({columns}) VALUES ({marks})", list(values.values())
        )
        for j, (metro_id, country) in enumerate(places):
            store.con.execute(
                "INSERT INTO posting_places (raw_id, place_index, country_code, metro, metro_id, "
                "weight) VALUES (?, ?, ?, ?, ?, ?)",
                [raw_id, j, country, metro_id.title(), metro_id, 1 / len(places)],
            )

"""Plain value types shared by every stage. Imports nothing of ours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Tier = Literal["core", "adjacent", "none"]
Remote = Literal["onsite", "hybrid", "remote", "unknown"]
LocationStatus = Literal["resolved", "multi", "remote", "country_only", "ambiguous", "unresolved"]
SalaryStatus = Literal["parsed", "none", "unknown_currency", "no_rate", "implausible"]
Period = Literal["hour", "day", "week", "month", "year"]

TIERS: tuple[Tier, ...] = ("core", "adjacent", "none")


@dataclass(frozen=True, slots=True)
class Classification:
    """Whether a posting is an AI/ML job, and why."""

    tier: Tier
    family: str | None
    score: float
    evidence: tuple[str, ...] = ()

    @property
    def ai_ml(self) -> bool:
        return self.tier == "core"


@dataclass(frozen=True, slots=True)
class Place:
    """One resolved place: a GeoNames city and the metro area it belongs to."""

    city: str
    admin1: str | None
    country_code: str
    geonameid: int
    latitude: float
    longitude: float
    metro: str
    metro_id: str


@dataclass(frozen=True, slots=True)
class Location:
    """What a free-text location says: zero or more places, and the work arrangement.

    ``country_code`` is set whenever a single country is known, even with no city
    (status ``country_only``, or ``remote`` within one country).
    """

    status: LocationStatus
    remote: Remote = "unknown"
    places: tuple[Place, ...] = ()
    country_code: str | None = None
    truncated: bool = False
    """The text was longer than the resolver reads; only its start was resolved."""
    match_method: str = "none"
    """How the first place (or the country) was found: ``exact`` (a GeoNames main name),
    ``alias`` (an alternate name or a jobatlas alias), ``hint`` (the country hint chose between
    same-named places), ``fuzzy`` (a misspelling matched within a country), ``postcode`` (a
    postcode's post town), ``postal`` (a US post office the gazetteer lacks, under its own name
    with the GeoNames id, coordinates and metro of the town it lies by), ``region`` (a division
    or area: country only), ``country``, or ``none``."""
    location_confidence: float = 0.0
    """0-1: how sure the resolver is of the first place (or of the country when there is none);
    see docs/methodology.md, "Locations and metro areas"."""

    @property
    def primary(self) -> Place | None:
        return self.places[0] if self.places else None


@dataclass(frozen=True, slots=True)
class Salary:
    """A salary as stated, annualised, and converted.

    Amounts are in currency units (not cents, not thousands). ``annual_*`` are in
    ``currency``; ``annual_usd_mid`` and ``annual_ppp_mid`` are the midpoint of the
    annual range (or the single bound given) in nominal USD and international $.
    """

    status: SalaryStatus
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: Period | None = None
    annual_min: float | None = None
    annual_max: float | None = None
    annual_usd_mid: float | None = None
    annual_ppp_mid: float | None = None
    flags: tuple[str, ...] = field(default=())


SALARY_FIELDS: tuple[str, ...] = (
    "salary_text",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_estimated",
)
"""The canonical fields a posting's pay is read from (the salary normaliser's input)."""

CANONICAL_FIELDS: tuple[str, ...] = (
    "source_id",
    "url",
    "title",
    "company",
    "location",
    "country_hint",
    "remote_hint",
    "description",
    *SALARY_FIELDS,
    "posted_at",
    "skills",
    "via",
)
"""The fields every raw row is mapped to at ingest (documented in docs/schema.md)."""


@dataclass(frozen=True, slots=True)
class RawPosting:
    """One posting as a live source returned it.

    ``record`` is the payload exactly as fetched (JSON-serialisable); ``fields`` maps
    some of ``CANONICAL_FIELDS`` to values read from it. Postings are keyed by
    (``source``, ``source_id``).
    """

    source: str
    source_id: str
    record: Mapping[str, Any]
    fields: Mapping[str, Any]

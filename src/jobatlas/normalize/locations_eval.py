"""Score location resolvers against a labelled CSV: jobatlas, a naive baseline, and geotext.

Labels have the columns ``location``, ``expected_status`` and, optionally, ``country_hint``,
``city``, ``country_code``, ``geonameid`` and ``metro`` (the format of
shared/data/dev-labels/locations.csv). Metric definitions (every rate is over the rows named):

* city accuracy: rows with an expected city; the first place has the expected GeoNames id (or,
  when the label has no id, the expected name and country).
* country accuracy: rows with an expected country; the predicted country equals it.
* wrong-country rate: rows with an expected country; a country is predicted and differs.
* unresolved rate: rows with an expected city or country; neither is predicted.
* status accuracy: all rows; ``unresolvable`` in the labels matches ``unresolved`` or
  ``ambiguous``.
* metro accuracy: rows with an expected metro; the first place's metro has that name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from jobatlas.models import Location
from jobatlas.normalize.gazetteer import fold
from jobatlas.normalize.locations import LocationResolver, get_resolver, naive_baseline

_UNRESOLVED = frozenset({"unresolved", "unresolvable", "ambiguous"})


@dataclass(frozen=True, slots=True)
class Label:
    location: str
    country_hint: str | None
    status: str
    city: str | None
    country_code: str | None
    geonameid: int | None
    metro: str | None
    klass: str | None = None
    """The label's failure class (``plain``, ``L1``…), when the file has a ``class`` column."""


@dataclass(frozen=True, slots=True)
class Prediction:
    status: str
    city: str | None = None
    country_code: str | None = None
    geonameid: int | None = None
    metro: str | None = None


@dataclass(frozen=True, slots=True)
class Scores:
    rows: int
    city_accuracy: float | None
    country_accuracy: float | None
    wrong_country_rate: float | None
    unresolved_rate: float | None
    status_accuracy: float | None
    metro_accuracy: float | None


@dataclass(frozen=True, slots=True)
class Miss:
    """One row a resolver got wrong, for error listings."""

    label: Label
    prediction: Prediction
    wrong: tuple[str, ...]


Predictor = Callable[[Sequence[Label]], list[Prediction]]


#: Columns a labels file must have; the others are optional.
REQUIRED_COLUMNS = ("location", "expected_status")


def labels_from_rows(rows: Sequence[Mapping[str, str]]) -> list[Label]:
    return [
        Label(
            location=r["location"],
            country_hint=r.get("country_hint") or None,
            status=r["expected_status"].strip(),
            city=r.get("city") or None,
            country_code=r.get("country_code") or None,
            geonameid=int(r["geonameid"]) if (r.get("geonameid") or "").isdigit() else None,
            metro=r.get("metro") or None,
            klass=(r.get("class") or "").strip() or None,
        )
        for r in rows
    ]


def from_location(loc: Location) -> Prediction:
    p = loc.primary
    if p is None:
        return Prediction(status=loc.status, country_code=loc.country_code)
    return Prediction(loc.status, p.city, p.country_code, p.geonameid, p.metro)


def predict_jobatlas(labels: Sequence[Label]) -> list[Prediction]:
    resolver = get_resolver()
    return [from_location(resolver.resolve(x.location, x.country_hint)) for x in labels]


def predict_naive(labels: Sequence[Label]) -> list[Prediction]:
    return [from_location(naive_baseline(x.location)) for x in labels]


def geotext_predictor() -> Predictor | None:
    """geotext (PyPI) when installed, else None."""
    try:
        from geotext import GeoText
    except ImportError:
        return None
    resolver = get_resolver()

    def predict(labels: Sequence[Label]) -> list[Prediction]:
        out = []
        for x in labels:
            found = GeoText(x.location)
            mentions = list(found.country_mentions)
            out.append(_geotext_prediction(resolver, list(found.cities), mentions))
        return out

    return predict


def _geotext_prediction(
    resolver: LocationResolver, cities: list[str], countries: list[str]
) -> Prediction:
    """Map geotext's first city name onto the gazetteer, preferring the countries it mentions."""
    distinct = list(dict.fromkeys(cities))
    if not distinct:
        if countries:
            return Prediction("country_only", country_code=countries[0])
        return Prediction("unresolved")
    status = "multi" if len(distinct) > 1 else "resolved"
    gaz = resolver.gaz
    refs = [r >> 1 for r in gaz.lookup(fold(distinct[0])) if not r & 1]
    if not refs:
        return Prediction(status, distinct[0], countries[0] if countries else None)
    rank = {c: i for i, c in enumerate(countries)}
    city = min(refs, key=lambda c: (rank.get(gaz.country[c], len(rank)), -gaz.population[c]))
    place = resolver.place(city)
    return Prediction(status, place.city, place.country_code, place.geonameid, place.metro)


def _city_ok(x: Label, p: Prediction) -> bool:
    if x.geonameid is not None:
        return p.geonameid == x.geonameid
    return fold(p.city or "") == fold(x.city or "") and p.country_code == x.country_code


def _status_ok(x: Label, p: Prediction) -> bool:
    if x.status in _UNRESOLVED:
        return p.status in _UNRESOLVED
    return p.status == x.status


def _checks(x: Label, p: Prediction) -> dict[str, bool | None]:
    """Per-metric verdicts for one row (None: the row does not count for that metric)."""
    has_country = x.country_code is not None
    return {
        "city": _city_ok(x, p) if x.city else None,
        "country": p.country_code == x.country_code if has_country else None,
        "wrong_country": (p.country_code not in (None, x.country_code)) if has_country else None,
        "unresolved": (p.city is None and p.country_code is None)
        if (x.city or has_country)
        else None,
        "status": _status_ok(x, p),
        "metro": fold(p.metro or "") == fold(x.metro) if x.metro else None,
    }


def score(labels: Sequence[Label], predictions: Sequence[Prediction]) -> Scores:
    verdicts = [_checks(x, p) for x, p in zip(labels, predictions, strict=True)]

    def rate(name: str) -> float | None:
        counted = [v[name] for v in verdicts if v[name] is not None]
        return sum(bool(v) for v in counted) / len(counted) if counted else None

    return Scores(
        rows=len(labels),
        city_accuracy=rate("city"),
        country_accuracy=rate("country"),
        wrong_country_rate=rate("wrong_country"),
        unresolved_rate=rate("unresolved"),
        status_accuracy=rate("status"),
        metro_accuracy=rate("metro"),
    )


#: Ways ``score_by`` can split the rows.
GROUPINGS = ("class", "country")


def group_key(label: Label, by: str) -> str | None:
    """The group of one row: its ``class`` column, or its expected country (hint when none)."""
    if by == "class":
        return label.klass
    if by == "country":
        return label.country_code or label.country_hint or "(none)"
    raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")


def score_by(
    labels: Sequence[Label], predictions: Sequence[Prediction], by: str
) -> dict[str, Scores]:
    """Scores per group (see ``group_key``), groups in order; rows with no group are left out."""
    groups: dict[str, tuple[list[Label], list[Prediction]]] = {}
    for x, p in zip(labels, predictions, strict=True):
        key = group_key(x, by)
        if key is None:
            continue
        xs, ps = groups.setdefault(key, ([], []))
        xs.append(x)
        ps.append(p)
    return {k: score(*groups[k]) for k in sorted(groups, key=_group_order)}


def _group_order(key: str) -> tuple[int, str]:
    m = re.fullmatch(r"L(\d+)", key)
    return (int(m.group(1)), "") if m else (0 if key == "plain" else 1000, key)


def misses(labels: Sequence[Label], predictions: Sequence[Prediction]) -> list[Miss]:
    good = {"city": True, "country": True, "wrong_country": False, "unresolved": False}
    good |= {"status": True, "metro": True}
    out = []
    for x, p in zip(labels, predictions, strict=True):
        wrong = tuple(k for k, v in _checks(x, p).items() if v is not None and v != good[k])
        if wrong:
            out.append(Miss(x, p, wrong))
    return out


def evaluate(labels: Sequence[Label]) -> dict[str, Scores | None]:
    """Scores of jobatlas, the naive baseline and geotext (None when geotext is not installed)."""
    geotext = geotext_predictor()
    return {
        "jobatlas": score(labels, predict_jobatlas(labels)),
        "naive": score(labels, predict_naive(labels)),
        "geotext": score(labels, geotext(labels)) if geotext is not None else None,
    }

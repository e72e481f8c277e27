"""Where a ranked metro is and what readers call it: coordinates and display names.

The coordinates are those of the metro's core city in the gazetteer (GeoNames); a metro id the
gazetteer does not know (a synthetic store's, say) has none, and the map leaves it out. Display
names come from data/metro_display_names.csv, else the gazetteer name as stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jobatlas.helper import running


@lru_cache(maxsize=1)
def display_names() -> dict[str, str]:
    """metro_id -> the name readers know the metro by (only where it differs)."""
    text = resources.files("jobatlas.data").joinpath("metro_display_names.csv").read_text("utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    return {row["metro_id"]: row["display_name"] for row in csv.DictReader(lines)}


def display_name(metro_id: str, metro: str) -> str:
    return display_names().get(metro_id, metro)


def coordinates(metro_id: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the metro's core city, rounded to 0.01 degree, or None."""
    from jobatlas.normalize.locations import get_resolver

    try:
        info = get_resolver().metro_info(metro_id)
    except KeyError:
        return None
    return round(info.latitude, 2), round(info.longitude, 2)


def all_coordinates(metro_ids: list[str]) -> dict[str, tuple[float, float] | None]:
    """``coordinates`` of each metro, from the helper process if one is running: after
    normalize it has the location resolver loaded, which this process would load for this
    alone (about 0.15 s)."""
    helper = running()
    if helper is None:
        return _all_coordinates(metro_ids)
    return helper.submit(_all_coordinates, metro_ids).result()


def _all_coordinates(metro_ids: list[str]) -> dict[str, tuple[float, float] | None]:
    return {m: coordinates(m) for m in metro_ids}


def place_fields(
    metro_id: str, metro: str, known: Mapping[str, tuple[float, float] | None] | None = None
) -> dict[str, Any]:
    """The keys ranking.json gives each metro for maps and prose; ``known``, the
    ``all_coordinates`` of the metros if they were looked up."""
    where = known[metro_id] if known is not None else coordinates(metro_id)
    return {
        "display_name": display_name(metro_id, metro),
        "latitude": where[0] if where else None,
        "longitude": where[1] if where else None,
    }


def with_places(report: dict[str, Any]) -> dict[str, Any]:
    """``report`` with ``place_fields`` in every ranked metro that lacks them (a ranking.json
    written before they existed); the metros are copied, ``report`` is left as it is."""
    metros = [m if "display_name" in m else {**m, **place_fields(m["metro_id"], m["metro"])}
              for m in report["metros"]]  # fmt: skip
    return {**report, "metros": metros}

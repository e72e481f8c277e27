"""Choosing the city a place names among the gazetteer's candidates, the last step of the
location resolver.

A group (a city token and the qualifiers written with it) keeps the candidate cities that agree
with its qualifiers, then those near the core city it names, in the countries the chunk names
and in the hint's, and takes the most populous; between countries only a decisive lead wins,
else the place is ``ambiguous``. The methods form ``_Chooser``, a mixin of ``LocationResolver``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from jobatlas.normalize.gazetteer import CityRef, Gazetteer, fold
from jobatlas.normalize.locations_read import Tier, _tier_set, _Token
from jobatlas.normalize.locations_tables import (
    COUNTY_SEAT_KM,
    _city_covers,
    _county_seats,
    county_names,
    county_towns,
    distance_km,
    joined_towns,
)
from jobatlas.normalize.metros import Metros, footprint_km
from jobatlas.normalize.metros_us import county_key

#: Between countries, the most populous candidate wins only by at least this factor.
DECISIVE_RATIO = 3.0
#: Within a country, two towns of a name both this big and within ``DECISIVE_RATIO`` of each
#: other leave a bare name ambiguous ("Greenville", "Arlington", "Pasadena" with hint US).
COMPARABLE_TOWN_POPULATION = 50_000
#: A match on an alternate name counts as this share of the city's population between countries.
ALIAS_WEIGHT = 0.1
#: Within a country, an alternate-name match beats a main-name match only this much larger.
ALIAS_DOMINANCE = 50.0
#: "Maslak, Istanbul": a sub-locality smaller than this is reported as the core city it names.
SUBLOCALITY_POPULATION = 100_000
#: ... and only when the core has at least this many times its people (a district of Chicago,
#: not Schiedam next to Rotterdam).
SUBLOCALITY_SHARE = 20
#: "Croydon, London": a city named after a place is its core only from this size on.
CONTEXT_MIN_POPULATION = 50_000
#: The number of a city's district after its name: "08 Élysée", "XIII. kerület".
_DISTRICT_NUMBER = re.compile(r"\d|[IVXL]+\. ")
_INDEXED = 64  # candidate lists longer than this are filtered through an index
#: A US county written with its kind word ("Sangamon County", "Orleans Parish").
_US_COUNTY = re.compile(r"\S.* (?:county|parish|borough)$").match


@dataclass(slots=True)
class _Group:
    """A place as written: a city token (the anchor) and the tokens that qualify it."""

    anchor: _Token | None
    quals: list[_Token] = field(default_factory=list)
    context: _Token | None = None  # the core city named after a district ("Maslak, Istanbul")
    ambiguous: bool = False
    failed: bool = False


@dataclass(slots=True)
class _Outcome:
    """One group resolved: a city, or only countries, and how sure."""

    kind: str  # "place" | "ambiguous" | "failed" | "countries"
    city: int = -1
    countries: frozenset[str] = frozenset()


class _Chooser:
    """Chooses a group's city; ``LocationResolver`` sets the attributes declared here."""

    gaz: Gazetteer
    metros: Metros
    _area: list[str]
    _by_area: Callable[[tuple[CityRef, ...]], dict[str, tuple[CityRef, ...]]]
    _covers: dict[int, int] | None
    _counties: frozenset[str] | None

    def _resolve_group(self, group: _Group, hint: str | None, chunk: frozenset[str]) -> _Outcome:
        if group.failed:
            return _Outcome("failed")
        if group.anchor is None:
            return _Outcome("countries", countries=_group_countries(group, hint))
        if group.ambiguous:
            return _Outcome("ambiguous")
        cands = group.anchor.cities
        for q in group.quals:
            cands = self._filter_refs(cands, q.tier_sets)
        if not cands and group.quals:  # "Walldorf (Hessen)": Hessen's is Mörfelden-Walldorf
            cands = joined_towns(self.gaz).get(group.anchor.key, ())
            for q in group.quals:
                cands = self._filter_refs(cands, q.tier_sets)
        seat = self._county_seat(cands, group.quals, hint)
        if seat is not None:
            near = tuple(r for r in cands if distance_km(self.gaz, r >> 1, seat) <= COUNTY_SEAT_KM)
            cands = near or self._county_town_named(seat, group.anchor.key) or cands
        if len(cands) > 1 and (counties := [q.key for q in group.quals if _US_COUNTY(q.key)]):
            # "Chatham, Sangamon County, IL": the US county written names the town
            cands = tuple(r for r in cands if county_key(self.gaz, r >> 1) in counties) or cands
        if cands and group.context is not None:
            cands = self._near(cands, group.context) or cands
        if not cands:
            return _Outcome("failed", countries=_group_countries(group, hint))
        if chunk and not group.quals:
            cands = self._prefer(cands, chunk)
        if hint:
            cands = self._prefer(cands, frozenset((hint,)))
        city = self._choose(cands)
        if city is None:
            return _Outcome("ambiguous")
        if group.context is not None:
            city = self._sublocality(city, group)
        return _Outcome("place", city=self._whole_city(city))

    def _filter(self, cities: list[int], tiers: tuple[Tier, ...]) -> list[int]:
        for tier in tiers:
            kept = [c for c in cities if self._satisfies(c, tier)]
            if kept:
                return kept
        return [] if tiers else cities

    def _filter_refs(
        self, refs: tuple[CityRef, ...], tiers: tuple[frozenset[str], ...]
    ) -> tuple[CityRef, ...]:
        if len(refs) > _INDEXED:
            index = self._by_area(refs)
            for accepted in tiers:
                found = [r for key in accepted for r in index.get(key, ())]
                if found:
                    return tuple(dict.fromkeys(found)) if len(accepted) > 1 else tuple(found)
            return () if tiers else refs
        country, area = self.gaz.country, self._area
        for accepted in tiers:
            kept = tuple(r for r in refs if country[r >> 1] in accepted or area[r >> 1] in accepted)
            if kept:
                return kept
        return () if tiers else refs

    def _by_area_uncached(self, refs: tuple[CityRef, ...]) -> dict[str, tuple[CityRef, ...]]:
        """A long candidate list ("Springfield") grouped by country and by "country|admin1"."""
        index: dict[str, list[CityRef]] = {}
        for r in refs:
            index.setdefault(self.gaz.country[r >> 1], []).append(r)
            index.setdefault(self._area[r >> 1], []).append(r)
        return {k: tuple(v) for k, v in index.items()}

    def _satisfies(self, city: int, tier: Tier) -> bool:
        accepted = _tier_set(tier)
        return self.gaz.country[city] in accepted or self._area[city] in accepted

    def _prefer(self, refs: tuple[CityRef, ...], countries: frozenset[str]) -> tuple[CityRef, ...]:
        if not countries:
            return refs
        kept = tuple(r for r in refs if self.gaz.country[r >> 1] in countries)
        return kept or refs

    def _county_seat(
        self, refs: tuple[CityRef, ...], quals: list[_Token], hint: str | None
    ) -> int | None:
        """The county town of a county given after the name ("Newport, Shropshire"), from
        ``location_county_seats.csv`` (GeoNames has no counties): among same-named towns, those
        near it are meant."""
        if not quals:
            return None
        names = self._counties
        if names is None:
            names = self._counties = county_names(self.gaz)
        counties = [q for q in quals if q.key in names]  # most qualifiers are no county
        if not counties:
            return None
        seats = _county_seats(self.gaz)
        found = {self.gaz.country[r >> 1] for r in refs}
        countries = sorted(found | {hint} if hint else found)
        for q in counties:
            for country in (*countries, *sorted(q.countries)):
                if (country, q.key) in seats:
                    return seats[country, q.key]
        return None

    def _county_town_named(self, seat: int, key: str) -> tuple[CityRef, ...]:
        """ "Newcastle, Staffordshire", "Bury, Suffolk": no town of the name lies in the county,
        but one whose longer name starts with it does (Newcastle-under-Lyme, Bury St Edmunds)."""
        prefix = key + " "
        for town in county_towns(self.gaz, seat):
            if fold(self.gaz.name[town]).startswith(prefix):
                return (town << 1,)
        return ()

    def _near(self, refs: tuple[CityRef, ...], context: _Token) -> tuple[CityRef, ...]:
        cores = {self.metros.core_of(r >> 1) for r in context.cities}
        return tuple(r for r in refs if self.metros.core_of(r >> 1) in cores)

    def _choose(self, refs: tuple[CityRef, ...]) -> int | None:
        """Best city per country, then the most populous country if it wins decisively."""
        if len(refs) == 1:
            return refs[0] >> 1
        country = self.gaz.country
        first = country[refs[0] >> 1]
        if all(country[r >> 1] == first for r in refs):
            best, runner_up = sorted(refs, key=self._rank, reverse=True)[:2]
            if (
                not (best | runner_up) & 1
                and self.gaz.population[runner_up >> 1] >= COMPARABLE_TOWN_POPULATION
                and self._rank(best) < DECISIVE_RATIO * self._rank(runner_up)
            ):
                return None  # "Arlington" with hint US: Texas's or Virginia's
            return best >> 1
        by_country: dict[str, list[CityRef]] = {}
        for ref in refs:
            by_country.setdefault(self.gaz.country[ref >> 1], []).append(ref)
        picks = sorted(
            (
                (max(map(self._score, rs)), max(rs, key=self._rank) >> 1)
                for rs in by_country.values()
            ),
            reverse=True,
        )
        if len(picks) > 1 and picks[0][0] < DECISIVE_RATIO * max(picks[1][0], 1.0):
            return None
        return picks[0][1]

    def _rank(self, ref: CityRef) -> float:
        """Within a country: main names first, unless an alias names a far bigger city."""
        pop = self.gaz.population[ref >> 1]
        return pop / ALIAS_DOMINANCE if ref & 1 else float(pop)

    def _score(self, ref: CityRef) -> float:
        """Between countries: an alternate name is weaker evidence than the main name."""
        pop = self.gaz.population[ref >> 1]
        return pop * ALIAS_WEIGHT if ref & 1 else float(pop)

    def _sublocality(self, city: int, group: _Group) -> int:
        """A small district named before its core city counts as the core ("Maslak, Istanbul")."""
        if group.context is None or self.gaz.population[city] >= SUBLOCALITY_POPULATION:
            return city
        if not self._is_core_of(group, group.context, main_names=True):
            return city  # named by an alternate name: a town in its own right, kept
        core = self.metros.core_of(city)
        named = {r >> 1 for r in group.context.cities}
        if core not in named:
            return city
        # A district lies inside its city and is far smaller; a town of its own beyond the
        # city's footprint ("Eschborn, Frankfurt", "Sant Cugat, Barcelona") or of a size with
        # it ("Gateshead, Newcastle upon Tyne", "Schiedam, Rotterdam") stays itself.
        population = self.gaz.population
        inside = distance_km(self.gaz, city, core) <= footprint_km(population[core])
        part = population[city] * SUBLOCALITY_SHARE < population[core]
        return core if inside and part else city

    def _is_core_of(self, group: _Group, tok: _Token, *, main_names: bool = False) -> bool:
        """Whether ``tok`` names the core city of a metro the group's city may lie in.

        Alternate names count ("Sant Cugat, Barcelona", "Lyngby, Copenhagen"); with
        ``main_names`` only the gazetteer's main names of both places do.
        """
        if group.anchor is None or not tok.cities:
            return False
        mine = {
            self.metros.core_of(r >> 1) for r in group.anchor.cities if not (main_names and r & 1)
        }
        population = self.gaz.population
        return any(
            not (main_names and r & 1)
            and (r >> 1) in mine
            and population[r >> 1] >= CONTEXT_MIN_POPULATION
            for r in tok.cities
        )

    def _whole_city(self, city: int) -> int:
        """ "Paris 8e" is GeoNames' "Paris 08 Élysée", "Budapest XIII" its "Budapest XIII.
        kerület": report a numbered district as its city."""
        core = self.metros.core_of(city)
        if core == city:
            return city
        name, core_name = self.gaz.name[city], self.gaz.name[core]
        if name.startswith(core_name + " ") and _DISTRICT_NUMBER.match(name, len(core_name) + 1):
            return core
        return city

    def _merge_slash_groups(self, groups: list[_Group], outcomes: list[_Outcome]) -> list[_Outcome]:
        """Alternatives naming one place are one place: "Bangalore/Bengaluru"."""
        out: list[_Outcome] = []
        seen: dict[tuple[int, int], int] = {}
        for group, outcome in zip(groups, outcomes, strict=True):
            slash = group.anchor.slash_group if group.anchor is not None else -1
            if slash < 0 or outcome.kind != "place":
                out.append(outcome)
                continue
            # one place named twice ("Hyderabad/Secunderabad": a part of the city), not two
            # places of one metro ("Mumbai / Thane" lists two cities)
            covers = self._covers if self._covers is not None else self._load_covers()
            key = (slash, covers.get(outcome.city, outcome.city))
            if key not in seen:
                seen[key] = len(out)
                out.append(outcome)
            elif self.gaz.population[outcome.city] > self.gaz.population[out[seen[key]].city]:
                out[seen[key]] = outcome
        return out

    def _load_covers(self) -> dict[int, int]:
        self._covers = _city_covers(self.gaz)
        return self._covers


def _group_countries(group: _Group, hint: str | None) -> frozenset[str]:
    """Countries all the group's qualifiers agree on, each read in its likeliest way."""
    out: frozenset[str] | None = None
    for q in group.quals:
        tiers = q.tiers
        if not tiers:
            continue
        tier = next((t for t in tiers if any(c == hint for c, _ in t)), tiers[0])
        countries = frozenset(c for c, _ in tier)
        if hint in countries:  # "Midlands" with hint GB: England's, not Zimbabwe's province
            countries = frozenset((hint,))
        out = countries if out is None else out & countries
    return out or frozenset()

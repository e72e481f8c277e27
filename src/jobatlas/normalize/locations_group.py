"""Grouping a chunk's tokens into places: which token is a city and which ones qualify it.

"Paris, Texas" is one place, a city and its state; "Georgia, US" a state; "Maslak, Istanbul" a
district named with its core city; "Navi Mumbai, Thane, Mumbai" three places. A name that may be
a city or a division is read by what follows it, by the hint and by the cities' sizes. The
methods form ``_Grouper``, a mixin of ``LocationResolver`` that resolves each group through
:class:`~jobatlas.normalize.locations_choose._Chooser`.
"""

from __future__ import annotations

from jobatlas.normalize.gazetteer import Constraint, fold
from jobatlas.normalize.locations_choose import _Chooser, _Group, _Outcome
from jobatlas.normalize.locations_read import _MAX_QUALIFIERS, Tier, _Token
from jobatlas.normalize.locations_tables import _division_leaders, _whole_division_cities

#: A city named like its own first-level division (Berlin, Madrid) is read as the city when it
#: has at least this many people.
CITY_OVER_REGION_POPULATION = 100_000
#: "Zug, Switzerland", "Heredia, Costa Rica": named with only its country, a name that is both a
#: division and a city of it is the city from this size on (the division would say "Canton of").
CITY_OVER_NAMED_REGION_POPULATION = 10_000
#: A bare name that is a division in one country and a city in another is the city from here on.
FOREIGN_CITY_OVER_REGION_POPULATION = 1_000_000
#: "Whitefield, Bengaluru": a name known only as places of other countries smaller than this,
#: before a town, is a part of that town (Whitefield, Greater Manchester is not meant).
PART_ELSEWHERE_POPULATION = 100_000
#: "Buckhead, Atlanta", "Midtown, Atlanta": a name known only as villages of this size or less
#: outside the metro of a big city named next (one of ``BIG_CITY_POPULATION`` or more) is a
#: neighbourhood of that city, not a second place.
NEIGHBOURHOOD_POPULATION = 20_000
BIG_CITY_POPULATION = 500_000
#: Two cities this big of one country, written "A, B", are a list even when B is a division too.
MILLION = 1_000_000
#: The words closing the name of a city's own district (Chinese, Japanese, Korean 区, 區, 구;
#: Russian and Ukrainian "район"; "District"): written after a big city, a part of it.
_CITY_DISTRICT_SUFFIXES = ("区", "區", "구", " район", " district")
#: City-states whose bare name is the city, not the country.
CITY_STATES = frozenset({"SG", "HK", "MO", "MC", "GI", "VA"})


class _Chunk:
    """The tokens of one chunk, and what grouping asks about all of them, worked out once."""

    __slots__ = ("_names", "_places", "_slash_groups", "tokens")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self._places: int | None = None
        self._slash_groups: dict[int, list[_Token]] | None = None
        self._names: dict[str, tuple[int, int]] | None = None

    def places(self) -> int:
        """Tokens that can only be places, counting slash alternatives as one."""
        if self._places is None:
            self._places = _place_count(self.tokens)
        return self._places

    def siblings(self, tok: _Token) -> list[_Token]:
        """``tok`` and the alternatives written with it ("A/B")."""
        if tok.slash_group < 0:
            return [tok]
        if self._slash_groups is None:
            self._slash_groups = {}
            for t in self.tokens:
                self._slash_groups.setdefault(t.slash_group, []).append(t)
        return self._slash_groups[tok.slash_group]

    def named_twice(self, i: int, before: bool = False) -> bool:
        """Whether another token (before token ``i`` only, with ``before``) has its name.

        A piece written twice verbatim shares one cached token, which is not "another".
        """
        if self._names is None:
            self._names = {}  # name -> (first token with it, first other token with it or -1)
            for j, t in enumerate(self.tokens):
                first, other = self._names.get(t.key, (j, -1))
                if other < 0 and self.tokens[first] is not t:
                    other = j
                self._names[t.key] = (first, other)
        tok = self.tokens[i]
        first, other = self._names[tok.key]
        if self.tokens[first] is not tok:
            return True
        return other >= 0 and (other < i or not before)

    def lookahead(self, i: int) -> list[_Token]:
        """The qualifiers that follow token ``i``, up to the next city (``_MAX_QUALIFIERS``)."""
        out: list[_Token] = []
        for j in range(i + 1, len(self.tokens)):
            t = self.tokens[j]
            if not (t.is_qualifier or t.admin_marked) or t.listed or len(out) == _MAX_QUALIFIERS:
                break
            if t.is_qualifier:
                out.append(t)
        return out


class _Grouper(_Chooser):
    """Groups a chunk's tokens into places and resolves each one."""

    def _resolve_chunk(self, chunk: list[_Token], hint: str | None) -> list[_Outcome]:
        groups = self._group(chunk, hint)
        if len(groups) == 1:
            return [self._resolve_group(groups[0], hint, frozenset())]
        chunk_countries = frozenset(
            q.country for g in groups if g.anchor is not None for q in g.quals if q.country
        )
        outcomes = [self._resolve_group(g, hint, chunk_countries) for g in groups]
        self._share_trailing_qualifiers(groups, outcomes, hint)
        for i in range(1, len(groups)):
            self._part_after_city(groups[i], outcomes[i - 1], outcomes, i)
        return self._merge_slash_groups(groups, outcomes)

    def _share_trailing_qualifiers(
        self, groups: list[_Group], outcomes: list[_Outcome], hint: str | None
    ) -> None:
        """ "Charlotte or Raleigh, NC", "Columbus or Athens, GA": a state or country written once
        after a list of bare names qualifies each of them, where it has a place of that name."""
        last = groups[-1] if groups else None
        if last is None or last.anchor is None or not last.anchor.listed or not last.quals:
            return
        if any(g.anchor is None or g.quals or g.failed for g in groups[:-1]):
            return
        for i, g in enumerate(groups[:-1]):
            shared = _Group(anchor=g.anchor, quals=list(last.quals), context=g.context)
            outcome = self._resolve_group(shared, hint, frozenset())
            if outcome.kind == "place":
                outcomes[i] = outcome

    def _part_after_city(
        self, group: _Group, before: _Outcome, outcomes: list[_Outcome], i: int
    ) -> None:
        """ "Tokyo, Minato-ku", "Bangalore, Whitefield": a bare name written after a big city is
        the place of that name in the city's metro, or, known only as villages or as small
        towns of other countries, a neighbourhood of the city."""
        gaz, metros = self.gaz, self.metros
        if (
            before.kind == "place"
            and group.anchor is not None
            and group.anchor.text.rstrip().lower().endswith(_CITY_DISTRICT_SUFFIXES)
            and gaz.population[before.city] >= BIG_CITY_POPULATION
        ):
            outcomes[i] = _Outcome("place", city=before.city)  # "深圳·福田区": a district
            return
        if (
            before.kind != "place"
            or group.quals
            or group.anchor is None
            or not group.anchor.cities
            or group.anchor.slash_group >= 0
            or gaz.population[before.city] < BIG_CITY_POPULATION
        ):
            return
        core = metros.core_of(before.city)
        inside = [r >> 1 for r in group.anchor.cities if metros.core_of(r >> 1) == core]
        if inside:
            outcomes[i] = _Outcome("place", city=max(inside, key=lambda c: gaz.population[c]))
        elif all(
            gaz.population[r >> 1] <= NEIGHBOURHOOD_POPULATION
            or (
                gaz.country[r >> 1] != gaz.country[before.city]
                and gaz.population[r >> 1] < PART_ELSEWHERE_POPULATION
            )
            for r in group.anchor.cities
        ):
            outcomes[i] = _Outcome("place", city=before.city)

    def _group(self, tokens: list[_Token], hint: str | None) -> list[_Group]:
        groups: list[_Group] = []
        current: _Group | None = None
        consumed: set[int] = set()
        chunk = _Chunk(tokens)
        for i, tok in enumerate(tokens):
            if tok.slash_group >= 0 and tok.slash_group in consumed:
                continue
            if current is not None and current.anchor is not None and not tok.listed:
                if self._attach(current, tok, chunk, consumed):
                    continue
                if not tok.cities or tok.admin_marked:
                    continue  # a district or a word we do not know: no place of its own
            if _division_then_code(current, tok):
                kind = "qualifier"  # "Jefferson Parish, LA": the division's state, not Los Angeles
            else:
                kind = self._head_kind(chunk, i, hint)
            if kind == "qualifier":
                current = self._add_qualifier(groups, current, tok)
            elif kind != "skip":
                current = _Group(anchor=tok, ambiguous=kind == "ambiguous")
                groups.append(current)
        return groups

    def _attach(self, group: _Group, tok: _Token, chunk: _Chunk, consumed: set[int]) -> bool:
        """Attach a token to the place before it, as a qualifier or as its core city."""
        if self._qualifies(group, tok) or (tok.paren and not tok.cities):
            if len(group.quals) < _MAX_QUALIFIERS:
                group.quals.append(tok)
            return True
        if tok.paren:
            return True  # "Bengaluru (Whitefield)": an aside never names another place
        assert group.anchor is not None
        if _same_place(group.anchor, tok):
            return True  # "Medellín, Medellin, Antioquia": the city named twice
        if chunk.places() > 2 or 0 <= tok.slash_group == group.anchor.slash_group:
            return False  # "Navi Mumbai, Thane, Mumbai" lists places; "SF/NYC" are alternatives
        core = next((t for t in chunk.siblings(tok) if self._is_core_of(group, t)), None)
        if core is None:
            return False
        group.context = group.context or core
        if tok.slash_group >= 0:
            consumed.add(tok.slash_group)
        return True

    @staticmethod
    def _add_qualifier(groups: list[_Group], current: _Group | None, tok: _Token) -> _Group:
        if current is not None and current.anchor is None and not _consistent(current, tok):
            if tok.codes and not current.failed:
                current.failed = True  # "Texas, GA": a state name used as a city name
                return current
        elif current is not None and current.anchor is None:
            if len(current.quals) < _MAX_QUALIFIERS:
                current.quals.append(tok)
            return current
        group = _Group(anchor=None, quals=[tok])
        groups.append(group)
        return group

    def _head_kind(self, chunk: _Chunk, i: int, hint: str | None) -> str:
        """What token ``i``, starting a place, is: "city", "qualifier", "ambiguous" or "skip"."""
        tok = chunk.tokens[i]
        if not tok.cities:
            if tok.is_qualifier:
                return "qualifier"
            if tok.admin_marked or self._town_follows(chunk, i, tok, hint):
                return "skip"
            return "city"  # unknown name: a place we cannot find
        if self._town_follows(chunk, i, tok, hint):
            return "skip"
        if not tok.is_qualifier:
            return "city"
        quals = chunk.lookahead(i)
        if quals:
            return self._head_with_qualifiers(chunk, i, quals)
        return self._bare_head(chunk, i, hint)

    def _town_follows(self, chunk: _Chunk, i: int, tok: _Token, hint: str | None) -> bool:
        """ "Le Marais, Paris", "Culham, Abingdon", "Whitefield, Bengaluru": a name we do not
        know, or know only as a small place of another country, before a town is a part of that
        town or a village next to it; the town is the place. So is a name known only abroad,
        of any size, or in the hinted country only as villages outside the metro, before a big
        city of the hinted country ("Salt Lake City, Kolkata" with hint IN, "Palermo, Buenos
        Aires" with AR: neighbourhoods named after foreign cities)."""
        if i + 1 >= len(chunk.tokens) or tok.paren or tok.slash_group >= 0:
            return False
        nxt = chunk.tokens[i + 1]
        if not nxt.cities or nxt.country or nxt.codes or nxt.slash_group >= 0:
            return False
        gaz = self.gaz
        if nxt.us_state and not any(  # "SoHo, New York": the city, not the state
            gaz.population[r >> 1] >= MILLION for r in nxt.cities
        ):
            return False
        if nxt.regions:  # "Paris" is also a département; "Knutsford, Cheshire" names a county
            # A town named like its own county or council area is the town, as when it stands
            # alone ("Team Valley, Gateshead"); a state's namesake must be a big city.
            countries = {region[0] for region in nxt.regions}
            counties = countries - {region[0] for region in nxt.regions if region[2]}
            if not any(
                (
                    gaz.country[r >> 1] in countries
                    and gaz.population[r >> 1] >= CITY_OVER_REGION_POPULATION
                )
                or (
                    gaz.country[r >> 1] in counties
                    and not r & 1
                    and gaz.population[r >> 1] >= CITY_OVER_NAMED_REGION_POPULATION
                )
                for r in nxt.cities
            ):
                return False
        if not tok.cities or self._outside_named_state(chunk, i):
            return True
        towns = {gaz.country[r >> 1] for r in nxt.cities if not r & 1} or {
            gaz.country[r >> 1]
            for r in nxt.cities  # "Bangalore" names Bengaluru by alias only
        }
        if towns and all(
            gaz.country[r >> 1] not in towns and gaz.population[r >> 1] < PART_ELSEWHERE_POPULATION
            for r in tok.cities
        ):
            return True
        if hint is None:  # a city that is its own state says its country ("Ciudad de México")
            whole = _whole_division_cities(gaz)
            hint = next((gaz.country[r >> 1] for r in nxt.cities if r >> 1 in whole), None)
            if all(gaz.country[r >> 1] != hint for r in tok.cities):
                hint = None  # "Paris, Berlin" lists two cities: the name must be known there
        if hint is not None:
            # with a hint, only the hinted country's places of the name count: "Santa Fe,
            # Ciudad de México" (MX) is the business district, not a Jaliscan village
            big_here = {
                self.metros.core_of(r >> 1)
                for r in nxt.cities
                if gaz.country[r >> 1] == hint and gaz.population[r >> 1] >= BIG_CITY_POPULATION
            }
            if big_here and all(
                gaz.country[r >> 1] != hint
                or (
                    gaz.population[r >> 1] <= NEIGHBOURHOOD_POPULATION
                    and self.metros.core_of(r >> 1) not in big_here
                )
                for r in tok.cities
            ):
                return True
        big_cores = {
            self.metros.core_of(r >> 1)
            for r in nxt.cities
            if not r & 1 and gaz.population[r >> 1] >= BIG_CITY_POPULATION
        }
        return bool(big_cores) and all(
            gaz.population[r >> 1] <= NEIGHBOURHOOD_POPULATION
            and self.metros.core_of(r >> 1) not in big_cores
            for r in tok.cities
        )

    def _outside_named_state(self, chunk: _Chunk, i: int) -> bool:
        """ "Crystal City, Arlington, VA": the town after the name lies in the state written
        after it, and no place of the name does; the name is a part of that town."""
        if i + 2 >= len(chunk.tokens):
            return False
        tok, nxt, after = chunk.tokens[i : i + 3]
        if not after.is_qualifier or not after.codes:
            return False
        for accepted in after.tier_sets:
            if self._filter_refs(nxt.cities, (accepted,)):
                return not self._filter_refs(tok.cities, (accepted,))
        return False

    def _head_with_qualifiers(self, chunk: _Chunk, i: int, quals: list[_Token]) -> str:
        tok = chunk.tokens[i]
        first = [q.tiers[:1] if q.codes else q.tiers for q in quals]
        city_ok = self._satisfiable(tok, first)
        if not city_ok and self._lists_big_cities(tok, quals):
            return "city"  # "서울, 부산", "Москва, Санкт-Петербург": two cities, not a state
        if tok.key in self.gaz.city_aliases or chunk.named_twice(i):
            return "city" if city_ok else "qualifier"
        if tok.country or tok.us_state or tok.codes:
            if _us_area_by_other_name(tok):
                return "qualifier"  # "Long Island, NY": the area, not Long Island City
            foreign = all(q.country and q.country != "US" for q in quals)
            if tok.us_state and foreign:
                return "city" if city_ok else "qualifier"
            if tok.country and not (tok.us_state or tok.codes) and city_ok:
                # "Granada, Spain": a country's name (here Grenada's Spanish one) before
                # another country is a town of that country when a sizeable one exists.
                others = {q.country for q in quals if q.country and q.country != tok.country}
                if len(others) == len(quals) == 1:
                    pop = self._best_population(tok, first, others)
                    if pop >= CITY_OVER_NAMED_REGION_POPULATION:
                        return "city"
            named = any(not (q.country or q.region_word) for q in quals)  # not "Channel Islands"
            return "city" if city_ok and named else "qualifier"
        region_ok = _consistent_options([_options(tok.tiers), *(_options(t) for t in first)])
        if city_ok != region_ok:
            return "city" if city_ok else "qualifier"
        if city_ok and _followed_by_own_code(tok, quals):
            return "city"  # "Luzern, LU", "Zug, ZG": a town, then its canton's code
        if city_ok and _followed_by_own_division(tok, quals):
            return "city"  # "Tartu, Tartumaa": a town, then its county's other name
        countries = {r[0] for r in tok.regions}
        pop = self._best_population(tok, first, countries)
        if (
            pop < CITY_OVER_REGION_POPULATION
            and tok.slash_group < 0
            and any(r[2] for r in tok.regions)
            and not self._named_as_written(tok)
            and not any(r >> 1 in _division_leaders(self.gaz) for r in tok.cities)
        ):
            # "Baden-Württemberg, Deutschland", "Schleswig-Holstein, Germany": a state's whole
            # name, a small town's only by an alternate name or by its first part (unless the
            # town leads the division: "St Julian's, Malta" is San Ġiljan)
            return "qualifier"
        only_countries = all(q.country for q in quals)  # "Esch-sur-Alzette, Luxembourg"
        # "Falkirk, Scotland": a council area; "Toledo, Castilla-La Mancha": a province there
        # (Belize's Toledo District, first-level, is not the division meant)
        named_in = {c for q in quals for tier in q.tiers for c, _ in tier}
        county = not any(r[2] for r in tok.regions if r[0] in named_in or not named_in)
        small = only_countries or county
        floor = CITY_OVER_NAMED_REGION_POPULATION if small else CITY_OVER_REGION_POPULATION
        return "city" if pop >= floor or not city_ok else "qualifier"

    def _bare_head(self, chunk: _Chunk, i: int, hint: str | None) -> str:
        """A name standing alone that is both a city and a country, state or division."""
        tok = chunk.tokens[i]
        if tok.key in self.gaz.city_aliases or chunk.named_twice(i, before=True):
            return "city"
        if tok.country:
            if (
                hint
                and tok.country != hint
                and fold(self.gaz.country_names.get(tok.country, "")) != tok.key
                and self._best_population(tok, [], {hint}) >= CITY_OVER_NAMED_REGION_POPULATION
            ):
                return "city"  # "Columbia" with hint US: a variant of Colombia's name, not it
            return "city" if self._city_state(tok) else "qualifier"
        if tok.us_state or tok.codes:
            in_hint = hint not in (None, "US") and self._best_population(tok, [], {hint or ""}) > 0
            if in_hint or (_listed_item(chunk, i) and self._big_us_city(tok)):
                return "city"  # "New York or San Francisco": a list of cities, not a state
            return "qualifier"
        countries = {r[0] for r in tok.regions}
        refs = self._prefer(tok.cities, frozenset({hint}) if hint else frozenset())
        choice = self._choose(refs)
        if hint in countries and (choice is None or self.gaz.country[choice] != hint):
            return "qualifier"
        if choice is None:  # several small towns share a division's name: "Wales", "Flintshire"
            small = all(self.gaz.population[r >> 1] < CITY_OVER_REGION_POPULATION for r in refs)
            return "qualifier" if small else "ambiguous"
        pop, country = self.gaz.population[choice], self.gaz.country[choice]
        if country in countries:
            # A county or council area named after its town is the town ("Wrexham", "Galway",
            # "Granada"); a state or province needs a big city to be read as one.
            if tok.region_word:  # "APAC" is Asia-Pacific, not Apac, Uganda
                return "qualifier"
            first = any(r[2] for r in tok.regions if r[0] == country)
            # ... unless it is the biggest town of its own division ("Zug", "Schaffhausen")
            big = first and choice not in _division_leaders(self.gaz)
            floor = CITY_OVER_REGION_POPULATION if big else CITY_OVER_NAMED_REGION_POPULATION
            return "city" if pop >= floor else "qualifier"
        if country == hint or pop >= FOREIGN_CITY_OVER_REGION_POPULATION:
            return "city"
        if pop < CITY_OVER_REGION_POPULATION or _after_its_division(chunk, i):
            return "qualifier"  # "Halton Region, Ontario": the province, not the US town
        return "ambiguous"

    def _lists_big_cities(self, tok: _Token, quals: list[_Token]) -> bool:
        """Whether a city of a million people or more is followed only by such cities of its
        country (by any of their names) that are also divisions it does not lie in."""
        gaz = self.gaz
        heads = {gaz.country[r >> 1] for r in tok.cities if gaz.population[r >> 1] >= MILLION}
        return bool(heads) and all(
            q.regions
            and any(
                gaz.country[r >> 1] in heads and gaz.population[r >> 1] >= MILLION for r in q.cities
            )
            for q in quals
        )

    def _named_as_written(self, tok: _Token) -> bool:
        """Whether some city has the token's whole text as its main name."""
        return any(not r & 1 and fold(self.gaz.name[r >> 1]) == tok.key for r in tok.cities)

    def _big_us_city(self, tok: _Token) -> bool:
        gaz = self.gaz
        return any(
            gaz.country[r >> 1] == "US" and gaz.population[r >> 1] >= CITY_OVER_REGION_POPULATION
            for r in tok.cities
        )

    def _city_state(self, tok: _Token) -> bool:
        return tok.country in CITY_STATES and any(
            self.gaz.country[r >> 1] == tok.country for r in tok.cities
        )

    def _satisfiable(self, tok: _Token, tiers: list[tuple[Tier, ...]]) -> bool:
        cands = [r >> 1 for r in tok.cities]
        for t in tiers:
            cands = self._filter(cands, t)
        return bool(cands)

    def _best_population(
        self, tok: _Token, tiers: list[tuple[Tier, ...]], countries: set[str]
    ) -> int:
        cands = [r >> 1 for r in tok.cities if self.gaz.country[r >> 1] in countries]
        for t in tiers:
            cands = self._filter(cands, t)
        return max((self.gaz.population[c] for c in cands), default=0)

    def _qualifies(self, group: _Group, tok: _Token) -> bool:
        """Whether ``tok`` narrows the group's place (a state, a country), not naming another."""
        if not tok.is_qualifier or group.anchor is None:
            return False
        if not tok.cities or tok.country or tok.codes or not group.anchor.cities:
            return True
        cands = [r >> 1 for r in group.anchor.cities]
        for q in group.quals:
            cands = self._filter(cands, q.tiers)
        kept = self._filter(cands, tok.tiers)
        countries = {self.gaz.country[c] for c in kept}
        if kept and self._names_big_city(tok, countries) and not self._in_first_level(kept, tok):
            return False  # "London, Manchester": a district named after its city is the city
        return bool(kept)

    def _in_first_level(self, cities: list[int], tok: _Token) -> bool:
        """Whether some city lies in a first-level division (a state, a Land) ``tok`` names."""
        # a division of unknown admin1 named like a city of a million ("Санкт-Петербург")
        # proves nothing: the text may list two cities
        vague_ok = tok.key.isascii() or not any(
            self.gaz.population[r >> 1] >= MILLION for r in tok.cities
        )
        firsts = [r for r in tok.regions if r[2] and (r[1] or vague_ok)]
        return any(self._satisfies(c, ((r[0], r[1]),)) for c in cities for r in firsts)

    def _names_big_city(self, tok: _Token, countries: set[str]) -> bool:
        population, country = self.gaz.population, self.gaz.country
        native = not tok.key.isascii()
        return any(
            (not r & 1 or native)  # "Санкт-Петербург": a native name is an alternate one
            and population[r >> 1] >= CITY_OVER_REGION_POPULATION
            and country[r >> 1] in countries
            for r in tok.cities
        )


def _consistent(group: _Group, *tokens: _Token) -> bool:
    """Whether the group's qualifiers and ``tokens`` can all describe one area."""
    return _consistent_options([_options(q.tiers) for q in [*group.quals, *tokens]])


def _options(tiers: tuple[Tier, ...]) -> set[Constraint]:
    return {c for tier in tiers for c in tier}


def _consistent_options(options: list[set[Constraint]]) -> bool:
    options = [o for o in options if o]
    if not options:
        return True
    return any(
        all(
            any(c == country and (not a or not admin1 or a == admin1) for c, a in o)
            for o in options[1:]
        )
        for country, admin1 in options[0]
    )


def _us_area_by_other_name(tok: _Token) -> bool:
    """A US area below a state whose name a town has only as an alternate name; a county
    so named is that town ("Kings County" is Brooklyn)."""
    return (
        tok.us_state
        and all(r & 1 for r in tok.cities)
        and any(r[0] == "US" and not r[2] for r in tok.regions)
        and not tok.key.endswith((" county", " parish"))
    )


def _listed_item(chunk: _Chunk, i: int) -> bool:
    """Whether token ``i`` is an item of a list of places written with words or slashes."""
    tokens = chunk.tokens
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        tokens[i].listed
        or (nxt is not None and nxt.listed)
        or (tokens[i].slash_group >= 0 and len(chunk.siblings(tokens[i])) > 1)
    )


def _same_place(a: _Token, b: _Token) -> bool:
    mine = {r >> 1 for r in a.cities}
    return any((r >> 1) in mine for r in b.cities)


def _place_count(chunk: list[_Token]) -> int:
    """Tokens that can only be places, counting slash alternatives as one."""
    slots = {
        t.slash_group if t.slash_group >= 0 else -1 - i
        for i, t in enumerate(chunk)
        if t.cities and not t.is_qualifier
    }
    return len(slots)


def _after_its_division(chunk: _Chunk, i: int) -> bool:
    """Whether a division comes before token ``i`` (which starts a place: the division was not
    read as a town's qualifier) in the same country as one of the divisions ``i`` may be: then
    ``i`` is read as the larger division."""
    countries = {r[0] for r in chunk.tokens[i].regions}
    return bool(countries) and any(
        t.is_qualifier and any(r[0] in countries for r in t.regions) for t in chunk.tokens[:i]
    )


def _followed_by_own_code(tok: _Token, quals: list[_Token]) -> bool:
    """Whether a qualifier is the code of a division ``tok`` names, read first that way: a
    division is not written with its own code, a town with its division's is."""
    own = {(c, a) for c, a, _ in tok.regions if a}
    return any(q.codes and own.intersection(q.tiers[0]) for q in quals)


def _followed_by_own_division(tok: _Token, quals: list[_Token]) -> bool:
    """Whether the first qualifier names, by another name, a first-level division ``tok``
    names ("Tartu, Tartumaa"): a division is not written twice, a town with its division is."""
    own = {(c, a) for c, a, first in tok.regions if a and first}
    q = quals[0]
    return (
        bool(own)
        and q.key != tok.key
        and not q.codes
        and not q.cities
        and any(first and (c, a) in own for c, a, first in q.regions)
    )


def _division_then_code(current: _Group | None, tok: _Token) -> bool:
    """Whether ``tok`` is the state or province code of the division just read ("Jefferson
    Parish, LA", "Orange County, CA"), whatever city the code is also short for."""
    return (
        current is not None
        and current.anchor is None
        and not current.failed
        and bool(tok.codes)
        and tok.is_qualifier
        and _consistent(current, tok)
    )

"""Misspelt place names: "Sheffeild, UK", "Bournmouth, Dorset", "Massachusets", "Warszwa".

The methods form ``_Fuzzy``, a mixin of ``LocationResolver``: an unknown token (or one known
only as towns outside the countries the text names) is matched with rapidfuzz against the main
names of the cities of the country the text, the hint or its divisions give, and the text is
read again with the closest name (docs/methodology.md, "Fallbacks").
"""

from __future__ import annotations

from jobatlas.models import Location
from jobatlas.normalize.gazetteer import Gazetteer
from jobatlas.normalize.locations_read import _Parsed, _Token
from jobatlas.normalize.locations_tables import (
    FUZZY_COUNTRY_POPULATION,
    FUZZY_GLOBAL_POPULATION,
    _fuzzy_areas,
    _fuzzy_pools,
)

#: Fuzzy matching (misspellings): least rapidfuzz ratio (0-100) for names of 6+ characters
#: and for shorter ones.
FUZZY_MIN_SCORE = 84.0
FUZZY_MIN_SCORE_SHORT = 90.0
#: A misspelt country or first-level division ("Massachusets") must be this close.
AREA_FUZZY = 90.0
#: A fuzzy match's confidence is scaled by this and by its ratio.
FUZZY_CONFIDENCE = 0.85
_FUZZY_TOKENS = 2  # unknown tokens tried per string
_FUZZY_LEN = (4, 40)  # folded length of a token worth matching
_FUZZY_MAX_CHARS = 200
_ALIAS_EDIT_LEN = 16
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _swaps(key: str) -> set[str]:
    """``key`` with two neighbouring letters swapped, its first letter kept."""
    return {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(1, len(key) - 1)}


def _one_edit(key: str) -> set[str]:
    """Every string one letter left out, added or swapped away from ``key``, keeping its
    first letter (lower-case ASCII). A changed letter, the costliest to try (25 strings a
    letter), is left to ``fuzz.ratio`` on the main names."""
    head = [(key[:i], key[i:]) for i in range(1, len(key) + 1)]
    out = {a + b[1:] for a, b in head if b}  # a letter left out
    out |= {a + c + b for a, b in head for c in _LETTERS}  # one added
    out |= _swaps(key)
    out.discard(key)
    return out


def _rated(loc: Location, method: str, confidence: float) -> Location:
    """``loc`` with its match method and confidence (quicker than ``dataclasses.replace``)."""
    return Location(
        loc.status, loc.remote, loc.places, loc.country_code, loc.truncated, method, confidence
    )


class _Fuzzy:
    """Fuzzy fallbacks of the resolver; the resolver gives ``gaz``, ``_resolve_parsed`` and
    ``_rate``."""

    gaz: Gazetteer

    def _resolve_parsed(self, text: str, hint: str | None) -> tuple[_Parsed, Location]:
        raise NotImplementedError

    def _rate(self, loc: Location, parsed: _Parsed, hint: str | None) -> Location:
        raise NotImplementedError

    def _resolve_fuzzy_area(self, parsed: _Parsed, hint: str | None) -> Location | None:
        """ "Massachusets", "Germnay": one unknown word close to the name of a country or a
        first-level division (a stricter cutoff than for towns) gives that country only."""
        if len(parsed.chunks) != 1 or len(parsed.chunks[0]) != 1:
            return None
        tok = parsed.chunks[0][0]
        if tok.cities or tok.is_qualifier or not 6 <= len(tok.key) <= _FUZZY_LEN[1]:
            return None
        names = _fuzzy_areas(self.gaz).get(tok.key[:1])
        if not names:
            return None
        from rapidfuzz import fuzz, process  # imported on the first misspelling only

        found = process.extractOne(tok.key, names, scorer=fuzz.ratio, score_cutoff=AREA_FUZZY)
        if found is None:
            return None
        parsed2, loc = self._resolve_parsed(found[0], hint)
        if loc.status != "country_only" or loc.country_code is None:
            return None
        rated = self._rate(loc, parsed2, hint)
        confidence = rated.location_confidence * (found[1] / 100.0) * FUZZY_CONFIDENCE
        return _rated(rated, "fuzzy", round(confidence, 3))

    def _foreign_alias_only(self, parsed: _Parsed, loc: Location, hint: str) -> bool:
        """ "Glasow" with hint GB: one bare word that only another country's alternate name
        matches (Glazov's German name) is more likely a misspelling of a town of the hint."""
        if len(parsed.chunks) != 1 or len(parsed.chunks[0]) != 1 or len(loc.places) != 1:
            return False
        tok, place = parsed.chunks[0][0], loc.places[0]
        return (
            place.country_code != hint
            and all(r & 1 for r in tok.cities)
            and not any(self.gaz.country[r >> 1] == hint for r in tok.cities)
        )

    def _resolve_fuzzy_name(
        self, text: str, tok: _Token, found: tuple[str, float], hint: str
    ) -> Location | None:
        name, score = found
        parsed, loc = self._resolve_parsed(text.replace(tok.text, name, 1), hint)
        if not loc.places or loc.places[0].country_code != hint:
            return None
        rated = self._rate(loc, parsed, hint)
        confidence = rated.location_confidence * (score / 100.0) * FUZZY_CONFIDENCE
        return _rated(rated, "fuzzy", round(confidence, 3))

    def _resolve_fuzzy(
        self, text: str, parsed: _Parsed, hint: str | None, country: str | None
    ) -> Location | None:
        """Retry with the unknown words of ``text`` replaced by the closest gazetteer name.

        Restricted to the country the text or the hint gives (any city); with neither, to cities
        of at least ``FUZZY_GLOBAL_POPULATION``. At most ``_FUZZY_TOKENS`` unknown tokens are
        tried, so hostile inputs stay linear.
        """
        if len(text) > _FUZZY_MAX_CHARS:
            return None
        named = {t.country for chunk in parsed.chunks for t in chunk if t.country}
        qualifiers = [t for chunk in parsed.chunks for t in chunk if t.is_qualifier]
        # "Dorset", "VIC": the countries of the divisions the text names
        regions = {r[0] for t in qualifiers for r in t.regions} | {
            c[0] for t in qualifiers for c in t.codes
        }
        unknown = [
            t
            for chunk in parsed.chunks
            for t in chunk
            if _FUZZY_LEN[0] <= len(t.key) <= _FUZZY_LEN[1]
            and not t.is_qualifier
            and (not t.cities or self._only_elsewhere(t, named | regions))
        ]
        if not unknown or len(unknown) > _FUZZY_TOKENS:
            return None
        # "Bournmouth, Dorset": a division of one country names the country to search
        # "Killkenny, Ireland": a country the text names
        scope = country or hint or (next(iter(named)) if len(named) == 1 else None)
        # a code two countries share ("NB": New Brunswick, Noord-Brabant) tries both
        scopes = [scope] if scope else sorted(regions) if 1 <= len(regions) <= 2 else [None]
        for one in scopes:
            found = self._fuzzy_in(text, unknown, one, hint)
            if found is not None:
                return found
        return None

    def _fuzzy_in(
        self, text: str, unknown: list[_Token], scope: str | None, hint: str | None
    ) -> Location | None:
        fixed, worst = text, 100.0
        for tok in unknown:
            found = self._fuzzy_name(tok.key, scope)
            if found is None or tok.text not in fixed:
                return None
            name, score = found
            fixed = fixed.replace(tok.text, name, 1)
            worst = min(worst, score)
        parsed2, loc = self._resolve_parsed(fixed, hint)
        if not loc.places:
            return None
        if scope is not None and loc.places[0].country_code != scope:
            return None
        rated = self._rate(loc, parsed2, hint)
        confidence = rated.location_confidence * (worst / 100.0) * FUZZY_CONFIDENCE
        return _rated(rated, "fuzzy", round(confidence, 3))

    def _only_elsewhere(self, tok: _Token, countries: set[str]) -> bool:
        """ "Johannesberg, South Africa": a name known only as towns outside the countries the
        text names (a German village) may be a misspelling of a town of those countries."""
        return bool(countries) and all(
            self.gaz.country[r >> 1] not in countries for r in tok.cities
        )

    def _fuzzy_name(self, key: str, country: str | None) -> tuple[str, float] | None:
        # Misspellings keep the first letter ("Sheffeild", "Torronto"); requiring it keeps
        # garbled words ("Vaşington") unresolved and cuts the names compared.
        names = self._fuzzy_pool(country).get(key[:1])
        if not names:
            return None
        from rapidfuzz import fuzz, process  # imported on the first misspelling only

        cutoff = FUZZY_MIN_SCORE if len(key) >= 6 else FUZZY_MIN_SCORE_SHORT
        found = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=cutoff)
        if found is None:
            # Two neighbouring letters swapped ("Tuscon") cost two edits in ``fuzz.ratio``.
            swaps = _swaps(key)
            swapped = next((n for n in names if n in swaps), None)
            if swapped is not None:
                return swapped, FUZZY_MIN_SCORE
            alias = self._one_edit_from_alias(key, country)
            return None if alias is None else (alias, float(fuzz.ratio(key, alias)))
        return found[0], float(found[1])

    def _one_edit_from_alias(self, key: str, country: str | None) -> str | None:
        """ "Warszwa", "Gurgoan": a string one edit (``_one_edit``) from ``key`` that is an
        alternate name of a city fuzzy matching may return (of ``country``, or a big city when
        none is known): the index holds alternate names only as hashes, so each such string
        is looked up. That of the most populous city, the first in order on a tie. Words of
        6 to ``_ALIAS_EDIT_LEN`` letters only, so the lookups stay few."""
        if not 6 <= len(key) <= _ALIAS_EDIT_LEN or not key.isalpha():
            return None
        least = FUZZY_COUNTRY_POPULATION if country else FUZZY_GLOBAL_POPULATION
        gaz, best, best_pop = self.gaz, None, -1
        for candidate in sorted(_one_edit(key)):
            for ref in gaz.lookup(candidate):
                city = ref >> 1
                pop = gaz.population[city]
                if pop >= max(least, best_pop + 1) and (
                    country is None or gaz.country[city] == country
                ):
                    best, best_pop = candidate, pop
        return best

    def _fuzzy_pool(self, country: str | None) -> dict[str, list[str]]:
        """Folded main names of the cities fuzzy matching may return, by first letter."""
        return _fuzzy_pools(self.gaz).get(country or "", {})

"""Countries and regions at the end of an employer name.

A dash tail ("Syneos Health - USA"), a last word ("Tiger Analytics India"), or a US state code
after a comma ("Charleston County, SC").
"""

from __future__ import annotations

from functools import lru_cache

from jobatlas.normalize.employers_text import fold_tokens, word_set

_REGIONS = (
    "usa",
    "us",
    "u s",
    "u s a",
    "uk",
    "u k",
    "america",
    "americas",
    "north america",
    "south america",
    "latin america",
    "latam",
    "emea",
    "apac",
    "asia pacific",
    "europe",
    "asia",
    "middle east",
    "nordics",
    "united states",
    "united kingdom",
    "great britain",
    "england",
    "scotland",
    "deutschland",
    "espana",
    "brasil",
    "nederland",
    "schweiz",
    "suisse",
    "osterreich",
    "italia",
    "polska",
    "mexico",
    "korea",
    "south korea",
    "russia",
    "vietnam",
    "taiwan",
    "hong kong",
    "iran",
    "czech republic",
    "bolivia",
    "venezuela",
    "tanzania",
    "syria",
    "laos",
    "moldova",
    "slovakia",
    "agency wide",
)
#: Qualifiers that may leave a single word: "Randstad USA", "SAP America".
_SHORT_REGIONS = frozenset(
    {("usa",), ("us",), ("u", "s"), ("u", "s", "a"), ("uk",), ("u", "k"), ("america",)}
    | {("north", "america"), ("americas",)}
)
#: Country names that are also common words, names or parts of US state names.
_NOT_PLACES = frozenset(
    (w,) for w in word_set("georgia jersey guernsey jordan chad niger guinea dominica guam")
)
_PLACE_STOP = word_set("of for in new the de du da do des del di and")
US_STATES = word_set(
    """
    al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj
    nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr
    """
)


@lru_cache(maxsize=1)
def place_names() -> frozenset[tuple[str, ...]]:
    """Folded country and region names, as word tuples."""
    import pycountry

    names: set[str] = set(_REGIONS)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if isinstance(value, str) and "," not in value:
                names.add(value)
    folded = (tuple(fold_tokens(n)) for n in names)
    return frozenset(f for f in folded if f and f not in _NOT_PLACES)


@lru_cache(maxsize=1)
def _place_last_words() -> frozenset[str]:
    return frozenset(place[-1] for place in place_names())


def place_suffix(folded: list[str]) -> int:
    """How many words at the end of ``folded`` name a country or region (0 if none)."""
    places = place_names()
    for size in (4, 3, 2, 1):
        if size <= len(folded) and tuple(folded[-size:]) in places:
            return size
    return 0


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> tuple[str, ...]:
    return tuple(fold_tokens(word))


def _place_words(words: list[str]) -> int:
    """How many whitespace-separated words at the end of ``words`` are a place (0 if none)."""
    places = place_names()
    # Folding words joined by spaces gives the words' folds one after the other.
    folds = [_fold_word(w) for w in words[-4:]]
    if _place_last_words().isdisjoint(f[-1] for f in folds if f):
        return 0  # no place can end any of the tails
    for size in (4, 3, 2, 1):
        if size <= len(words) and tuple(t for f in folds[-size:] for t in f) in places:
            return size
    return 0


def strip_place(words: list[str], *, one_word_ok: bool) -> list[str] | None:
    """``words`` without a country or region at the end, or None when it must stay.

    The rest must keep two words ("Tiger Analytics India"), or one when ``one_word_ok`` or the
    place is "USA"/"US"/"UK"/"America" ("Randstad USA"); a place after "of", "for", "new" ...
    is part of the name ("Bank of America", "State of New Mexico").
    """
    size = _place_words(words)
    if not size or size >= len(words):
        return None
    rest = words[:-size]
    rest_folded = fold_tokens(" ".join(rest))
    if not rest_folded or rest_folded[-1] in _PLACE_STOP:
        return None
    short = tuple(fold_tokens(" ".join(words[-size:]))) in _SHORT_REGIONS
    if len(rest_folded) >= 2 or one_word_ok or short:
        return rest
    return None

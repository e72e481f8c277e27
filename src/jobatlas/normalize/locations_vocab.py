"""The words and patterns the location reader knows, and the text clean-ups built on them.

The phrases come from ``location_words.csv`` (work arrangements, "several places" words, affixes
such as "Greater" and "Metro Area", division and town words), read on first use; the regular
expressions cut a string into list items, pieces and alternatives. Everything here works on the
text alone, without the place index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from jobatlas.models import Remote
from jobatlas.normalize.gazetteer import data_rows, fold
from jobatlas.normalize.postcodes import CA_POSTCODE, UK_POSTCODE, US_STATE_ZIP

_OTHERS = re.compile(r"\(\s*\+\s*\d+\s*others?\s*\)|\+\s*\d+\s*(?:others?|more)\b", re.I)
# "·" is read like a comma: Chinese boards join a city and its district with it ("深圳·福田区").
_BREAK = re.compile(r"<\s*(?:/\s*)?br\s*(?:/\s*)?>|[\r\n\t|;\u2022\u30fb]+", re.I)
_PARENS = re.compile(r"[(\[\uff08]([^()\[\]\uff08\uff09]*)[)\]\uff09]")
_DASH = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*[\u2013\u2014]+\s*|\s+-(?=\S)|(?<=\S)-\s+")
# "and"/"or" of the job boards' languages (Spanish y/e/o, Italian/Portuguese e/ou, Catalan i,
# Dutch en, Swedish och/eller, Danish/Norwegian og/eller, Finnish ja/tai, Russian и/или,
# Romanian și/sau, Hungarian és/vagy, Polish lub/oraz, Czech and Slovak a, Turkish ve/veya);
# read only when the whole piece names nothing ("Aix en Provence" is one name).
_WORD_SEP = re.compile(
    r"\s+(?:or|and|ou|et|und|oder|o|y|e|i|en|och|og|eller|ja|tai|и|или|și|si|sau|és|vagy"
    r"|lub|oraz|a|ve|veya)\s+"
    r"|\s*&\s*|\s*\+\s*",
    re.I,
)
_SLASH = re.compile(r"\s*[/\\]\s*")
# Runs of three or more spaces become two: no rule tells two spaces from more (they read one
# space, "\s?" or "\s*"), and the separators above scan a run once from each of its positions.
_SPACE_RUN = re.compile(r"[^\S\t\r\n]{3,}")
#: Commas and the other separators of places, kept when a text is split on them.
_COMMA_PARTS = re.compile(r"([,;|\n\uff0c\u3001])")
_COMMAS = re.compile(r"[,\uff0c\u3001\u00b7\u060c]")  # and the Arabic comma
_PIECES = re.compile(_COMMAS.pattern + "|" + _DASH.pattern)
_HAS_DIGIT = re.compile(r"\d").search
_HAS_BRACKET = re.compile(r"[(\[\uff08]").search
_STRIP = " .:-\u2013\u2014\"'`*"
_TRAILING_CODE = re.compile(r"^(.*\S)\s+([A-Z]{2,3})$")
_INNER_HYPHEN = re.compile(r"\S-\S")
#: Between a lower-case and an upper-case letter: "NewYork", "SanFrancisco" run words together.
_CAMEL_GAP = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: A one-letter word that stood before an apostrophe: "Coeur D Alene", "O Fallon".
_LONE_LETTER = re.compile(r"\b([a-z]) (?=[a-z]{2})")
_COMPASS = frozenset({"north", "south", "east", "west", "mid", "central", "upper", "lower"})
# A township or a numbered district after a town's name (folded text).
_UNIT_SUFFIX = re.compile(
    r"^(.+?) (?:twp|township|(?:sector|phase) \d{1,3}[a-z]?"
    r"|(?:\d{1,2}(?:e|er|eme|st|nd|rd|th)?)(?: arrondissement)?)$"
)
# A generic place word after a town's name: the area around the town ("Linthicum Heights").
_PLACE_WORD = re.compile(r"^(.+?) (?:heights|junction|village|station|east|west|central|cbd)$")
# A Japanese prefecture (都道府県) or Chinese province (省) written before the city, no space.
# Hangul, kana and CJK ideographs: scripts whose addresses run from the largest unit down.
_EAST_ASIAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_JP_PREFECTURE = re.compile(r"^[^\x00-\x7f]{1,3}[府県]$")
# The same in romaji, folded: "Kanagawa-ken", "Osaka-fu" (the head must be a prefecture).
_JP_ROMAJI_PREFECTURE = re.compile(r"^([a-z]+) (?:ken|fu)$")
_CJK_DIVISION = re.compile(r"^([^\x00-\x7f]{1,4}?[都道府県省])([^\x00-\x7f]{2,})$")
# A numbered part of a town or a building ("Sector 62", "Phase 2", "Suite 400"): no place.
_NUMBERED_PART = re.compile(
    r"^(?:sector|phase|block|plot|unit|floor|suite|building|bldg|tower|zone|gate)\s*"
    r"(?:no\.?\s*)?\d+[a-z]?$"
)
_N_PLACES = re.compile(r"^\d+\s*(?:locations?|offices|cities|sites)$")
_CODE = re.compile(r"^[A-Za-z]{2,3}$")
_CONNECTORS = (
    "based in",
    "anywhere in",
    "within",
    "across",
    "from",
    "in",
    "only",
    "ok",
    "for",
    "a",  # "à", folded: "Télétravail partiel à Lille"
    "en",
)


# -- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vocab:
    arrangement: dict[str, Remote]  # folded phrase -> kind
    arrangement_head: re.Pattern[str]
    arrangement_tail: re.Pattern[str]
    multi: frozenset[str]
    national: frozenset[str]  # "Nationwide": anywhere in the country the source is about
    affix_head: re.Pattern[str]
    affix_tail: re.Pattern[str]
    admin: re.Pattern[str]
    admin_words: frozenset[str]
    unit_country: dict[str, str]  # folded unit word -> the one country that uses it
    unit_word: re.Pattern[str]
    town: re.Pattern[str]
    noise: frozenset[str]
    #: the first and the last words of the phrases of ``affix_head``, ``affix_tail``, ``admin``
    #: and ``town``: a key that starts and ends with none of them is left alone unsearched
    affix_first: frozenset[str]
    affix_last: frozenset[str]
    admin_first: frozenset[str]
    admin_last: frozenset[str]
    town_first: frozenset[str]
    town_last: frozenset[str]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    by_kind: dict[str, list[str]] = {}
    unit_country: dict[str, str] = {}
    for row in data_rows("location_words.csv"):
        by_kind.setdefault(row["kind"], []).append(fold(row["phrase"]))
        if row.get("country"):
            unit_country[fold(row["phrase"])] = row["country"]
    units = _alternation(unit_country)
    arrangement: dict[str, Remote] = {}
    for kind in ("onsite", "hybrid", "remote"):
        arrangement.update((p, kind) for p in by_kind.get(kind, []))
    phrases = _alternation(arrangement)
    prefixes = _alternation(by_kind["prefix"])
    admin = _alternation([*by_kind["admin"], *by_kind["admin_head"]])
    town = _alternation(by_kind["town"])
    return _Vocab(
        arrangement=arrangement,
        arrangement_head=re.compile(rf"^({phrases})(?: |$)"),
        arrangement_tail=re.compile(rf" ({phrases})$"),
        multi=frozenset(by_kind.get("multi", [])),
        national=frozenset(by_kind.get("national", [])),
        affix_head=re.compile(rf"^(?:(?:{prefixes}) )+"),
        affix_tail=re.compile(_run_at_end(by_kind["suffix"])),
        admin=re.compile(rf"^(?:(?:{admin}) )+|{_run_at_end(by_kind['admin'])}"),
        admin_words=frozenset(by_kind["admin"]),
        unit_country=unit_country,
        unit_word=re.compile(rf"^({units}) | ({units})$"),
        town=re.compile(rf"^(?:(?:{town}) )+|{_run_at_end(by_kind['town'])}"),
        noise=frozenset(by_kind.get("noise", [])),
        affix_first=_first_words(by_kind["prefix"]),
        affix_last=_last_words(by_kind["suffix"]),
        admin_first=_first_words([*by_kind["admin"], *by_kind["admin_head"]]),
        admin_last=_last_words(by_kind["admin"]),
        town_first=_first_words(by_kind["town"]),
        town_last=_last_words(by_kind["town"]),
    )


def _first_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(p.split(" ")[0] for p in phrases)


def _last_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(p.split(" ")[-1] for p in phrases)


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first so that the longest one matches."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def _run_at_end(phrases: list[str]) -> str:
    """A regex for phrases that end a text, each after a space: " area", " metro area".

    The run never starts right after one of the phrases (a run from there extends back to one
    starting earlier, tried first), so "x area area ... area y" is scanned once, not once from
    each phrase (quadratic time). A look-behind has one width: one per phrase length.
    """
    by_width: dict[int, list[str]] = {}
    for phrase in set(phrases):
        by_width.setdefault(len(phrase), []).append(re.escape(phrase))
    not_after = "".join(f"(?<! (?:{'|'.join(ps)}) )" for _, ps in sorted(by_width.items()))
    alternatives = _alternation(phrases)
    return rf" {not_after}(?:{alternatives})(?: (?:{alternatives}))*$"


_STRENGTH = {"unknown": 0, "onsite": 1, "hybrid": 2, "remote": 3}


def _stronger(current: Remote, new: Remote) -> Remote:
    """The arrangement that allows more remote work: "Hybrid or Remote" is remote."""
    return new if _STRENGTH[new] > _STRENGTH[current] else current


# -- clean-ups -------------------------------------------------------------------------------

# "Remote within 50 miles of Boston", "(must live within commuting distance of Phoenix)",
# "Home based with travel to Birmingham", "Toronto preferred": the phrase goes, the place stays
# (a place, not an aside, when bracketed).
_RADIUS_PHRASE = (
    r"(?:(?:must\s+(?:live|be|reside)\s+)?(?:within|in)\s+(?:an?\s+)?"
    r"(?:\d+\s*(?:miles?|mi|kms?|kilomet(?:er|re)s?)|(?:easy\s+|reasonable\s+)?"
    r"(?:commut\w*|driving|travel)\s+distance)\s+(?:of|from|to)"
    r"|with\s+(?:occasional\s+|regular\s+|some\s+)?travel\s+to)\b"
)
_HAS_RADIUS_WORD = re.compile(r"within|distance|travel to|preferred|preferably", re.I).search
_RADIUS_BRACKET = re.compile(r"[(\[]([^()\[\]]*?)\b" + _RADIUS_PHRASE + r"([^()\[\]]*)[)\]]", re.I)
_RADIUS = re.compile(r"\b" + _RADIUS_PHRASE + r"|\b(?:preferred|preferably)\b", re.I)


# "Eschborn bei Frankfurt", "Witney nr Oxford", "Valbonne près de Nice": the town, then the
# city it is near, read as "Eschborn, Frankfurt".
#: Words for "near" (German, English, French, Spanish, Italian, Dutch, Polish), between spaces.
_NEAR_WORDS = (
    *("bei", "nahe", "near", "nr.", "nr", "close to", "près de", "pres de", "proche de"),
    *("cerca de", "vicino a", "nabij", "k.", "koło"),
)
_NEAR = re.compile(r"\s+(?:" + "|".join(map(re.escape, _NEAR_WORDS)) + r")\s+", re.I)


def _may_hold_word(text: str, words: tuple[str, ...]) -> bool:
    """Whether a case-blind search for ``words`` may match ``text``: an ASCII text that holds
    none of them, lower-cased, does not (this test costs less than the search)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    for word in words:  # noqa: SIM110 (a generator would cost more than the search)
        if word in lowered:
            return True
    return False


def _may_say_near(text: str) -> bool:
    return _may_hold_word(text, _NEAR_WORDS)


def _unwrap_near(text: str) -> str:
    return _NEAR.sub(", ", text)


def _unwrap_radius(text: str) -> str:
    text = _RADIUS_BRACKET.sub(lambda m: f" - {m.group(1)} - {m.group(2)}", text)
    return _RADIUS.sub(" - ", text)


def _squeeze(text: str) -> str:
    """Runs of three or more spaces as two (tested cheaply first: most texts have none)."""
    return _SPACE_RUN.sub("  ", text) if "   " in text or not text.isprintable() else text


def _strip_connectors(key: str) -> str:
    changed = True
    while changed and key:
        changed = False
        for word in _CONNECTORS:
            if key == word:
                return ""
            if key.startswith(word + " "):
                key, changed = key[len(word) + 1 :], True
            elif key.endswith(" " + word):
                key, changed = key[: -len(word) - 1], True
    return key


def _strip_affixes(key: str) -> str:
    """ "greater seattle area" -> "seattle"."""
    vocab = _vocab()
    if key.partition(" ")[0] in vocab.affix_first:
        key = vocab.affix_head.sub("", key)
    if key.rpartition(" ")[2] in vocab.affix_last:
        key = vocab.affix_tail.sub("", key)
    return key


def _strip_town(key: str) -> str:
    """ "city of cape town" -> "cape town"; "wigan council" -> "wigan"."""
    vocab = _vocab()
    if key.partition(" ")[0] in vocab.town_first or key.rpartition(" ")[2] in vocab.town_last:
        return vocab.town.sub("", key)
    return key


def _strip_compass(key: str) -> str:
    """ "south cambridgeshire" -> "cambridgeshire": a district named after part of its county."""
    head, _, rest = key.partition(" ")
    return rest if rest and head in _COMPASS else key


def _strip_admin(key: str) -> str:
    """ "heredia province" -> "heredia"; "state of sao paulo" -> "sao paulo"; "federal district"
    -> "" (a division word alone names no place)."""
    vocab = _vocab()
    if key in vocab.admin_words:
        return ""
    if key.partition(" ")[0] in vocab.admin_first or key.rpartition(" ")[2] in vocab.admin_last:
        return vocab.admin.sub("", key)
    return key


def _unit_country(key: str) -> str | None:
    """The country whose unit word heads or ends ``key``: "rhein sieg kreis" -> "DE"."""
    vocab = _vocab()
    m = vocab.unit_word.search(key)
    return vocab.unit_country[m.group(1) or m.group(2)] if m else None


def _arrangement(key: str) -> tuple[Remote, str] | None:
    """A work-arrangement phrase at either end of a folded token: its kind and the rest."""
    vocab = _vocab()
    m = vocab.arrangement_head.match(key)
    if m:
        return vocab.arrangement[m.group(1)], _strip_connectors(key[m.end() :])
    m = vocab.arrangement_tail.search(key)
    if m:
        return vocab.arrangement[m.group(1)], _strip_connectors(key[: m.start()])
    return None


def _take_asides(text: str) -> tuple[str, list[str]]:
    """Remove bracketed asides and return them; a postcode adds its country as an aside."""
    asides = [m.group(1) for m in _PARENS.finditer(text)]
    text = _PARENS.sub(" ", text)
    if UK_POSTCODE.search(text):
        asides.append("GB")
    if CA_POSTCODE.search(text):
        asides.append("Canada")  # not "CA", which reads as California
    if zip_code := US_STATE_ZIP.search(text):  # Puerto Rico's ZIP codes are USPS ones
        asides.append("Puerto Rico" if zip_code[0].startswith("PR") else "United States")
    return text, asides


# -- phrases read before the names (locations_read) ------------------------------------------

#: An office-attendance schedule written with the place: "2 days/week onsite", "3 days in
#: office", "2-3 days a week in the office"; and "in our Leeds office" names Leeds.
_SCHEDULE = re.compile(
    r"\b\d(?:\s*[-\u2013]\s*\d)?\s*(?:days?|x)\b(?:\s*(?:a|per|/|each|every)\s*(?:week|wk)\b)?"
    r"(?:\s*(?:on-?site|in[- ]office|in (?:the|our) office|in the office|at (?:the|our) office))?",
    re.IGNORECASE,
)
#: "3 days in Nottingham office" (once the schedule is gone) names Nottingham too: a name
#: that starts with a capital.
_OUR_OFFICE = re.compile(
    r"\b(?:in|at) (?:(?:our|the) ([^,;()]+?)|((?-i:[A-Z\u00c0-\u00de])[^,;()]*?)) "
    r"(?:office|offices|hub)\b",
    re.I,
)


_ARRANGED = re.compile(r"^\s*([^()\[\]]+?)\s*[(\[]([^()\[\]]*[,;/][^()\[\]]*)[)\]]\s*$")


def _unwrap_arranged(text: str) -> str:
    """ "Remote (Berlin, Germany)", "Hybrid (London, Manchester)": a work arrangement alone
    before a bracket of several parts is the arrangement of the places in the bracket, read as
    "Remote - Berlin, Germany" (an aside is otherwise read as one qualifier)."""
    m = _ARRANGED.match(text)
    if m is None or fold(m.group(1)) not in _vocab().arrangement:
        return text
    return f"{m.group(1)} - {m.group(2)}"


def _without_schedule(text: str) -> str:
    """``text`` without its office-attendance schedule, the office's place kept: "Hybrid (3
    days in Nottingham office)" -> "Hybrid ( Nottingham )"."""
    return _OUR_OFFICE.sub(lambda m: f" {m.group(1) or m.group(2)} ", _SCHEDULE.sub(" ", text))


#: "Australia wide", "UK-wide", "deutschlandweit", "cała Polska", "日本全国" (folded): anywhere
#: in that country.
_COUNTRY_WIDE = re.compile(
    r"^(?:(?:cala|toute la|tout le|toda|todo|tutta|tutto) )?(.+?)(?: wide|weit| ?全国)?$"
)
#: Time zones a remote posting asks for: named, abbreviated (not MT and CT, which are also
#: states) or as offsets; read only in a text that speaks of time zones.
_TIME_ZONES = re.compile(
    r"\b(?:(?i:(?:mountain|pacific|central|eastern|atlantic)"
    r"(?:\s+(?:or|and|to|/)\s+(?:mountain|pacific|central|eastern|atlantic))*"
    r"(?:\s+standard)?\s+time(?:\s*zones?)?|time ?zones?|(?:utc|gmt) ?[+\-\u2212\u00b1]? ?\d{0,2}"
    r"(?::\d\d)?)"
    r"|P[SD]?T|E[SD]T|ET|M[SD]T|C[SD]T|CES?T|BST|IST|AE[SD]T|JST|SGT)\b(?: to\b)?",
)
_HAS_TIME_ZONE_WORD = re.compile(r"time ?zone|\btime\b|\bUTC\b|\bGMT\b", re.IGNORECASE).search
_HAS_SCHEDULE_WORD = re.compile(r"\bdays?\b|\boffices?\b", re.IGNORECASE).search
#: A part of every word the time-zone, schedule and radius readings look for, lower-cased.
_READING_WORDS = (
    "time",
    "utc",
    "gmt",
    "day",
    "office",
    "within",
    "distance",
    "travel to",
    "prefer",
)


def _may_need_readings(text: str) -> bool:
    """Whether ``text`` may hold a time zone, a schedule or a radius (one test instead of three
    case-blind searches)."""
    return _may_hold_word(text, _READING_WORDS)


#: Cyrillic, also for the Russian names of the other former Soviet republics' towns.
_CYRILLIC = frozenset(
    {"RU", "UA", "BY", "BG", "RS", "MK", "KZ", "KG", "MN", "TJ", "ME", "BA"}
    | {"GE", "AZ", "AM", "MD", "UZ", "TM", "LV", "LT", "EE"}
)
#: The countries where each script with its own Unicode block is written, for alternate names.
_SCRIPTS = (
    ((0x0370, 0x03FF), frozenset({"GR", "CY"})),  # Greek
    ((0x0400, 0x04FF), _CYRILLIC),
    ((0x0590, 0x05FF), frozenset({"IL"})),  # Hebrew
    ((0x0E00, 0x0E7F), frozenset({"TH"})),  # Thai
    ((0x10A0, 0x10FF), frozenset({"GE"})),  # Georgian
    ((0x0530, 0x058F), frozenset({"AM"})),  # Armenian
    ((0xAC00, 0xD7AF), frozenset({"KR", "KP"})),  # Hangul
    ((0x3040, 0x30FF), frozenset({"JP"})),  # kana
)


_THAI = re.compile(r"[\u0e00-\u0e7f]")


def _script_countries(key: str) -> frozenset[str] | None:
    """The countries writing the script of the first letter of ``key``, if it has its own."""
    first = next((ord(c) for c in key if c.isalpha()), 0)
    return next((countries for (lo, hi), countries in _SCRIPTS if lo <= first <= hi), None)


#: Place-name abbreviations, folded, tried when the name as written is unknown: German ones
#: ("Freiburg i. Br.", "Neustadt a. d. Weinstraße") and the compass points before a US town
#: ("E. Hartford", "S. San Francisco", "So. Pasadena"), and Italian "S."/"Sta." inside or
#: before a name ("Sesto S. Giovanni", "Sta. Margherita Ligure").
_ABBREVIATIONS = (
    (re.compile(r"^n (?=\w)"), "north "),
    (re.compile(r"^(?:s|so) (?=\w)"), "south "),
    (re.compile(r"^e (?=\w)"), "east "),
    (re.compile(r"^w (?=\w)"), "west "),
    (re.compile(r"(?<=\w) s (?=\w)"), " san "),  # "Sesto S. Giovanni"
    (re.compile(r"^sta (?=\w)"), "santa "),
    (re.compile(r"^sto (?=\w)"), "santo "),
    (re.compile(r" i br$"), " im breisgau"),
    (re.compile(r" a m$"), " am main"),
    (re.compile(r" a n$"), " am neckar"),
    (re.compile(r" o d t$"), " ob der tauber"),
    (re.compile(r" a d (?=\w)"), " an der "),
    (re.compile(r" i d (?=\w)"), " in der "),
    (re.compile(r" o d (?=\w)"), " ob der "),
    (re.compile(r" b (?=\w)"), " bei "),
)


def _spell_out(key: str) -> str:
    for pattern, words in _ABBREVIATIONS:
        key = pattern.sub(words, key)
    return key

# ruff: noqa: RUF001, RUF002 (legal forms written in Cyrillic and CJK; look-alike quote marks)
"""Employer names to one canonical name per employer.

``canonical_employer("Amazon.com Services LLC")`` is ``"Amazon"``, ``"The Home Depot"`` is
``"Home Depot"``, ``"Google LLC"`` is ``"Google"``: a pure function of one name. ``employer_key``
is its grouping key (the canonical name folded: case, accents, punctuation and spaces removed).
``group_employers`` takes all the distinct names of a run with their posting counts and gives
each raw name its employer: the key, joined to a bare name of the same data when the only
difference is legal-name words and nothing else there starts with that bare name ("Veeva" and
"Veeva Systems"), and the display name (the alias name, else the commonest mixed-case spelling).

The rules, applied until nothing changes (docs/methodology.md, section employers):

1. text: repair UTF-8 read as Windows-1252 ("WÃ¤rtsilÃ¤"), NFKC, drop ™ ® ℠ © °, one kind of
   apostrophe, quote and dash, single spaces; at most ``MAX_LENGTH`` characters;
2. notes: parenthesised and bracketed parts ("ADP (Automatic Data Processing)", "(Remote)"),
   a rating or id after a dash ("Deloitte - 3.9"), "; formerly known as ...", ", a Pequot
   company", everything after " | " and after "/" when two words come before it, a dash tail that
   is the name's acronym ("Tailored Management - TMI") or a country or region ("Syneos Health -
   USA"), a comma tail that is a country or US state ("Charleston County, SC"), trailing
   "Careers"/"Jobs", leading "The" and trailing ", The", "M/s";
3. legal forms, from cleanco's term list (MIT licence) with the terms that are ordinary words
   or acronyms removed ("as", "at", "uk", "ca" ...) and a few added ("Pvt", "Pty", "PBC",
   "N.A.", "S.A.B. de C.V." ...); Japanese, Chinese, Korean and Russian forms (株式会社, 有限公司,
   주식회사, ООО) also where written without a space;
4. corporate descriptors at the end: "Holdings" (any name), "Group", "Companies",
   "International", "Worldwide" (only when two words remain, so "Capital Group" stays apart from
   a bare "Capital"); a country or region at the end when two words remain ("Tiger Analytics
   India"), or one word before a private legal form ("Disys India Private Limited") or for "USA",
   "US", "UK", "America" ("Randstad USA", but "Bank of America" and "Air India" stay);
5. aliases (``data/employer_aliases.csv``): exact spellings ("Facebook" -> "Meta") and brands
   followed only by division, legal-entity, place or careers words ("Amazon Web Services" ->
   "Amazon", "Walmart Global Tech" -> "Walmart").

The key then also drops ".com", "&"/"and" and the plural of a few corporate nouns
("Technologies" = "Technology"), so "Bill.com" and "Bill" share a key, "Y & L Consulting" and
"Y&L Consulting" too. The raw name is never changed: callers keep it next to the key.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DIVISION_WORDS",
    "LEGAL_NAME_WORDS",
    "MAX_LENGTH",
    "Alias",
    "Employer",
    "canonical_employer",
    "display_names",
    "employer_key",
    "group_employers",
    "load_aliases",
]

#: Longer inputs are cut to this many characters first (employer names are short; this keeps the
#: work per name bounded whatever a source sends).
MAX_LENGTH = 300


#: Words that, after a known brand, name a division, a legal entity, a place or a careers page
#: of that brand ("Amazon Web Services", "Walmart Global Tech", "IBM Careers"). Country and
#: region names are added from pycountry.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DIVISION_WORDS = _words(
    """
    analytic analytics and bank bancorp business career careers center centre cloud com
    commercial communication communications companies company connect consulting corporate data
    dev development digital division ecommerce engineering enterprise enterprises entertainment
    federal financial global government group groups holding holdings inc information infotech
    insurance interactive international investment investments job jobs lab labs laboratories
    laboratory management media network networks operation operations partner partners
    recruiting recruitment research retail security service services software solution
    solutions staffing studio studios system systems talent tech technical technologies
    technology us usa workforce worldwide web
    """
)

_CACHE_SIZE = 1 << 16

# -- text --------------------------------------------------------------------------------------

_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc]")
_DROP_CHARS = dict.fromkeys(map(ord, "™®℠©°\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "´": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "«": '"',
        "»": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "│": "|",
        "¦": "|",
        "｜": "|",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_GLUED_FORM = re.compile(r"(?<=[^\W\d_]{2})-(?:inc|llc|ltd|corp|gmbh|plc)\.?$", re.IGNORECASE)


def _repair_mojibake(text: str) -> str:
    """'WÃ¤rtsilÃ¤' -> 'Wärtsilä': UTF-8 bytes that were decoded as Windows-1252."""
    for _ in range(len(text)):  # each repair shortens the text
        if not _MOJIBAKE.search(text):
            break
        try:
            fixed = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            break
        text = fixed
    return text


def _normalise_text(text: str) -> str:
    text = _repair_mojibake(text).translate(_DROP_CHARS)
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _CONTROL.sub(" ", text.translate(_DROP_CHARS))
    text = re.sub(r",(?=[^\s\d,])", ", ", text)
    return _SPACES.sub(" ", text).strip()


# -- folding (the key) -------------------------------------------------------------------------

_FOLD_SPECIAL = str.maketrans(
    {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")
_DOT_COM = re.compile(r"\.com\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    # Only Latin, Greek and Cyrillic letters lose their marks; a Japanese voiced kana keeps its.
    if ord(base) < 0x0530 or 0x1E00 <= ord(base) <= 0x1FFF:
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return ch


def _fold_tokens(text: str) -> list[str]:
    """Words of ``text``, case-folded and without Latin accents or apostrophes."""
    s = text.casefold().translate(_FOLD_SPECIAL).replace("'", "")
    if not s.isascii():
        s = "".join(_fold_char(c) if not c.isascii() else c for c in s)
    return _WORD.findall(s)


_PLURALS = {
    "technologies": "technology",
    "services": "service",
    "solutions": "solution",
    "systems": "system",
    "groups": "group",
    "companies": "company",
    "laboratories": "laboratory",
    "labs": "lab",
    "networks": "network",
    "resources": "resource",
    "partners": "partner",
    "consultants": "consultant",
    "associates": "associate",
    "industries": "industry",
    "sciences": "science",
    "communications": "communication",
    "enterprises": "enterprise",
    "holdings": "holding",
    "analytics": "analytic",
    "therapeutics": "therapeutic",
    "pharmaceuticals": "pharmaceutical",
}


_PLURAL_IN_KEY = re.compile("|".join(sorted((p for p in _PLURALS if len(p) >= 7), key=len)[::-1]))


def _key_of(text: str) -> str:
    tokens = _fold_tokens(_DOT_COM.sub(" ", text))
    key = "".join(_PLURALS.get(t, t) for t in tokens if t != "and")
    # "AaraTechnologies" and "Aara Technologies" share a key.
    return _PLURAL_IN_KEY.sub(lambda m: _PLURALS[m.group()], key)


# -- legal forms -------------------------------------------------------------------------------

# cleanco terms that are ordinary words, common acronyms or US state codes at the end of a name.
_CLEANCO_DROP = _words(
    """
    ad ae aj ans at ay ba bl bm bt ca cic cio coop cpt crl dat da ec ee ei ent ep esv et etat ev
    fa fcp fie fkf fop gie gte hb hf ij ik iks kb kd kda ks kt kv ky mb nl nuf obrt od oe og ok
    pp ps psu pse pt qk rhf rt sal sc sca scop sd sem sep ses sf sgr sp ss stg tapui teo tmi
    tov tdv ud uk unlimited vat xk xt zat ead peec sia eg private
    """
)
_SHORT_ALLOWED = _words("co ag sa nv bv kg ab oy gk kk se lp sl pc cv as")
_EXTRA_TERMS = (
    "pty",
    "pvt",
    "pvt ltd",
    "private ltd",
    "private limited",
    "pte",
    "pte ltd",
    "pbc",
    "na",
    "ulc",
    "lllp",
    "limited liability company",
    "sa de cv",
    "sab de cv",
    "sapi de cv",
    "s de rl de cv",
    "de cv",
    "s/a",
    "eireli",
    "spa",
    "srl",
    "sas",
    "sasu",
    "sarl",
    "kk",
    "gk",
    "yk",
    "tbk",
    "bhd",
    "berhad",
    "sdn bhd",
    "opc",
    "ag & co kg",
    "ag & co kgaa",
    "se & co kg",
    "se & co kgaa",
    "gmbh & co kg",
    "& co kg",
    "& co kgaa",
    "kgaa",
    "oyj",
    "plc",
    "llc",
    "inc",
    "corp",
    "corporation",
    "incorporated",
    "limited",
    "ltd",
    "co",
    "company",
    "& co",
    "and co",
    "& company",
    "and company",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
)
#: Legal forms of private companies: "X India Private Limited" is X's Indian subsidiary.
_PRIVATE_FORMS = frozenset(
    {
        ("pvt", "ltd"),
        ("private", "limited"),
        ("private", "ltd"),
        ("pvt",),
        ("pte", "ltd"),
        ("pte",),
        ("pty", "ltd"),
        ("pty",),
        ("gmbh",),
        ("kk",),
        ("gk",),
        ("sas",),
        ("sarl",),
        ("srl",),
        ("ltda",),
        ("bv",),
        ("sp", "z", "oo"),
        ("sl",),
        ("llc",),
        ("spa",),
        ("sdn", "bhd"),
        ("ooo",),
        ("s", "de", "rl"),
        ("s", "de", "rl", "de", "cv"),
    }
)

# Forms written before or after a CJK or Cyrillic name, often without a space.
_CJK_LEGAL = re.compile(
    r"^(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|주식회사|\(주\)|유한회사)\s*"
    r"|\s*(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|股份有限公司|有限责任公司|有限責任公司"
    r"|有限公司|주식회사|\(주\)|유한회사)$"
)
_RU_LEGAL = re.compile(r'^(?:ООО|ОАО|ЗАО|ПАО|АО|OOO|OAO|ZAO|PAO)\s+"?([^"]+)"?$')


def _norm_token(token: str) -> str:
    """A word as cleanco compares it: case-folded, accents and . , - removed."""
    folded = unicodedata.normalize("NFKD", token.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.replace(".", "").replace(",", "").replace("-", "")


@lru_cache(maxsize=1)
def _legal_terms() -> dict[str, tuple[tuple[tuple[str, ...], bool], ...]]:
    """Legal-form terms (cleanco's, filtered, plus ours) indexed by their last word.

    Each term comes with a flag: True when it counts only if written with dots ("e.V.", "S.C."),
    because undotted it is an ordinary word or acronym ("EV", "SC").
    """
    from cleanco import prepare_default_terms

    terms: dict[tuple[str, ...], bool] = {}
    for _size, parts in prepare_default_terms():
        words = tuple(p for p in (_norm_token(w) for w in parts) if p)
        if not words:
            continue
        if len(words) == 1:
            w = words[0]
            dotted = w in _CLEANCO_DROP or (len(w) < 3 and w not in _SHORT_ALLOWED)
        else:
            dotted = len("".join(words)) < 4 or words[-1] in _CLEANCO_DROP
        terms[words] = terms.get(words, True) and dotted
    for term in _EXTRA_TERMS:
        terms[tuple(_norm_token(w) for w in term.split())] = False
    index: dict[str, list[tuple[tuple[str, ...], bool]]] = defaultdict(list)
    for words, dotted in terms.items():
        index[words[-1]].append((words, dotted))
    return {k: tuple(sorted(v, key=lambda t: (-len(t[0]), t[0]))) for k, v in index.items()}


@lru_cache(maxsize=1)
def _legal_term_set() -> frozenset[tuple[str, ...]]:
    return frozenset(term for terms in _legal_terms().values() for term, _ in terms)


def _dotted(token: str) -> bool:
    """'e.V.', 'S.p.A.': letters separated by dots (an abbreviation, not a word)."""
    return bool(re.fullmatch(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{0,4}\.?,?", token))


def _strip_legal(tokens: list[str]) -> tuple[list[str], tuple[str, ...] | None]:
    """Remove one legal form at the end, keeping at least one word."""
    if len(tokens) < 2:
        return tokens, None
    normed = [_norm_token(t) for t in tokens[-5:]]
    for term, dotted in _legal_terms().get(normed[-1], ()):
        size = len(term)
        if size >= len(tokens) or tuple(normed[-size:]) != term:
            continue
        raw = tokens[-size:]
        if dotted and not all(_dotted(t) for t in raw):
            continue
        if term == ("spa",) and raw[0].strip(".,") in ("Spa", "spa"):
            continue  # "Canyon Ranch Spa" is a spa, "Bending Spoons SpA" a company
        return tokens[:-size], term
    return tokens, None


# -- places ------------------------------------------------------------------------------------

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
    (w,) for w in _words("georgia jersey guernsey jordan chad niger guinea dominica guam")
)
_PLACE_STOP = _words("of for in new the de du da do des del di and")
_US_STATES = _words(
    """
    al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj
    nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr
    """
)


@lru_cache(maxsize=1)
def _places() -> frozenset[tuple[str, ...]]:
    """Folded country and region names, as word tuples."""
    import pycountry

    names: set[str] = set(_REGIONS)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if isinstance(value, str) and "," not in value:
                names.add(value)
    folded = (tuple(_fold_tokens(n)) for n in names)
    return frozenset(f for f in folded if f and f not in _NOT_PLACES)


def _place_suffix(folded: list[str]) -> int:
    """How many words at the end of ``folded`` name a country or region (0 if none)."""
    places = _places()
    for size in (4, 3, 2, 1):
        if size <= len(folded) and tuple(folded[-size:]) in places:
            return size
    return 0


def _place_words(words: list[str]) -> int:
    """How many whitespace-separated words at the end of ``words`` are a place (0 if none)."""
    places = _places()
    for size in (4, 3, 2, 1):
        if size <= len(words) and tuple(_fold_tokens(" ".join(words[-size:]))) in places:
            return size
    return 0


def _strip_place(words: list[str], *, one_word_ok: bool) -> list[str] | None:
    """``words`` without a country or region at the end, or None when it must stay.

    The rest must keep two words ("Tiger Analytics India"), or one when ``one_word_ok`` or the
    place is "USA"/"US"/"UK"/"America" ("Randstad USA"); a place after "of", "for", "new" ...
    is part of the name ("Bank of America", "State of New Mexico").
    """
    size = _place_words(words)
    if not size or size >= len(words):
        return None
    rest = words[:-size]
    rest_folded = _fold_tokens(" ".join(rest))
    if not rest_folded or rest_folded[-1] in _PLACE_STOP:
        return None
    short = tuple(_fold_tokens(" ".join(words[-size:]))) in _SHORT_REGIONS
    if len(rest_folded) >= 2 or one_word_ok or short:
        return rest
    return None


# -- aliases -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    canonical: str
    match: str
    reason: str


@dataclass(frozen=True, slots=True)
class _AliasIndex:
    exact: Mapping[str, str]
    brand: Mapping[str, tuple[str, bool]]  # key -> (canonical, any continuation allowed)
    longest_brand: int


@lru_cache(maxsize=1)
def load_aliases() -> tuple[Alias, ...]:
    """The rows of ``data/employer_aliases.csv``."""
    import csv
    from importlib.resources import files

    text = files("jobatlas.data").joinpath("employer_aliases.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        match = (row.get("match") or "").strip()
        if match not in ("exact", "brand", "any"):
            raise ValueError(f"employer_aliases.csv: bad match {match!r} in {row}")
        rows.append(
            Alias(
                (row.get("name") or "").strip(),
                (row.get("canonical") or "").strip(),
                match,
                (row.get("reason") or "").strip(),
            )
        )
    return tuple(rows)


def _alias_tokens(text: str) -> list[str]:
    return [t for t in _fold_tokens(_DOT_COM.sub(" ", text)) if t != "and"]


@lru_cache(maxsize=1)
def _alias_index() -> _AliasIndex:
    exact: dict[str, str] = {}
    brand: dict[str, tuple[str, bool]] = {}
    longest = 0
    for row in load_aliases():
        pre_legal, final = _peel(row.name)
        if row.match == "exact":
            # Written as the name is before legal forms go: "Merck KGaA" is not "Merck & Co.".
            exact["".join(_alias_tokens(pre_legal))] = row.canonical
        else:
            tokens = _alias_tokens(final)
            brand["".join(tokens)] = (row.canonical, row.match == "any")
            longest = max(longest, len(tokens))
    return _AliasIndex(exact, brand, longest)


@lru_cache(maxsize=1)
def _continuation_words() -> frozenset[str]:
    words = set(DIVISION_WORDS)
    for place in _places():
        words.update(place)
    return frozenset(words)


def _alias_for(pre_legal: str, final: str) -> str | None:
    index = _alias_index()
    for text in (pre_legal, final):
        hit = index.exact.get("".join(_alias_tokens(text)))
        if hit is not None:
            return hit
    tokens = _alias_tokens(final)
    allowed = _continuation_words()
    joined = ""
    for i, token in enumerate(tokens[: index.longest_brand + 2]):
        joined += token
        found = index.brand.get(joined)
        if found is not None:
            canonical, anything = found
            if anything or all(t in allowed for t in tokens[i + 1 :]):
                return canonical
    return None


# -- peeling -----------------------------------------------------------------------------------

_PARENS = re.compile(r"\s*[\(\[\{][^\(\)\[\]\{\}]*[\)\]\}]\s*")
_OPEN_TAIL = re.compile(r"\s*[\(\[][^\)\]]*$")
_RATING = re.compile(r"\s+-\s*\d(?:\.\d)?\s*$|\s+-\s*\S*\d{5,}\S*\s*$")
_FORMERLY = re.compile(
    r"\s*[,;(-]?\s*\b(?:formerly|previously|now part of|f/k/a|fka)\b.*$", re.IGNORECASE
)
_A_COMPANY = re.compile(
    r"\s*(?:,|\s-)\s*(?:a|an)\s+[^,;]{1,80}?\b(?:company|firm|business)\s*$", re.IGNORECASE
)
_PIPE = re.compile(r"\s*\|.*$")
_SEMICOLON = re.compile(r"\s*;.*$")
_DASH_TAIL = re.compile(r"^(?P<head>.+?)\s+-\s+(?P<tail>[^-]+)$")
_COMMA_TAIL = re.compile(r"^(?P<head>.+?),\s*(?P<tail>[^,]+)$")
_INVERTED_THE = re.compile(r",\s*the$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:the|m/s\.?)\s+(?=\S)", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"[\s,;:&+/\-|]+$|\s+(?:and|&)$", re.IGNORECASE)
_LEADING_JUNK = re.compile(r"^[\s,;:&+/\-|.]+")
_CAREERS = (
    ("careers",),
    ("career", "page"),
    ("careers", "page"),
    ("jobs",),
    ("job", "advertisements"),
    ("job", "postings"),
    ("misc", "postings"),
    ("postings",),
    ("hiring",),
    ("family", "of", "companies"),
)
_DESCRIPTORS_ANY = frozenset({"holdings", "holding"})
_DESCRIPTORS_TWO = frozenset(
    {"group", "groups", "groupe", "grupo", "companies", "international", "intl", "worldwide"}
)


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _initials(words: Iterable[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalnum()).upper()


def _peel_notes(text: str) -> str:
    """Step 2 of the module docstring, once."""
    s = text
    if len(s) > 2 and s[0] in "([{" and s[-1] in ")]}":
        inner = s[1:-1].strip()
        if not any(c in inner for c in "()[]{}") and _has_word(inner):
            s = inner  # "(THE VANGUARD GROUP/MALVERN,PA)"
    if len(s) > 2 and s[0] == '"' and s[-1] == '"' and '"' not in s[1:-1]:
        s = s[1:-1].strip()
    for pattern in (_PARENS, _OPEN_TAIL, _RATING, _FORMERLY, _A_COMPANY, _PIPE, _SEMICOLON):
        cut = pattern.sub(" ", s).strip()
        if cut != s and _has_word(cut):
            s = _SPACES.sub(" ", cut)
    if "/" in s:
        left, _, right = s.partition("/")
        glued = (left.split() or [""])[-1] + "/" + (right.split() or [""])[0]
        if (
            len(left.split()) >= 2
            and sum(c.isalpha() for c in right) >= 2
            and (_norm_token(glued),) not in _legal_term_set()
        ):
            s = left.strip()  # "Home Depot / THD", but not "Totvs S/A"
    s = _peel_dash(s)
    s = _peel_comma(s)
    cut = _INVERTED_THE.sub("", s)
    if cut != s and _has_word(cut):
        s = cut
    cut = _LEADING.sub("", s)
    if cut != s and _has_word(cut):
        s = cut
    return s


def _peel_dash(s: str) -> str:
    m = _DASH_TAIL.match(s)
    if not m:
        return s
    head, tail = m.group("head").strip(), m.group("tail").strip()
    if not _has_word(head):
        return s
    tail_words = _fold_tokens(tail)
    head_words = head.split()
    if tail_words and _place_suffix(tail_words) == len(tail_words):
        return head
    if tail_words and tuple(tail_words) in _CAREERS:
        return head
    compact = tail.replace(".", "")
    if 2 <= len(compact) <= 6 and compact.isalpha() and " " not in compact:
        initials = _initials(head_words)
        if len(initials) >= 2 and compact.upper().startswith(initials[:2]):
            return head  # "Tailored Management - TMI"
    head_compact = head.replace(".", "")
    if (
        2 <= len(head_compact) <= 6
        and head_compact.isalpha()
        and head_compact.isupper()
        and _initials(w for w in tail.split() if w.lower() not in ("of", "and", "&"))
        == head_compact
    ):
        return head  # "UKG - Ultimate Kronos Group"
    return s


def _peel_comma(s: str) -> str:
    m = _COMMA_TAIL.match(s)
    if not m:
        return s
    head, tail = m.group("head").strip(), m.group("tail").strip()
    if not _has_word(head):
        return s
    tail_words = _fold_tokens(tail)
    if not tail_words:
        return s
    if len(tail_words) == 1 and tail_words[0] in _US_STATES and tail.isupper():
        return head  # "CHARLESTON COUNTY, SC"
    if _place_suffix(tail_words) == len(tail_words):
        return head  # ", USA"
    return s


def _peel_words(s: str) -> str:
    """Steps 3 and 4 of the module docstring, once: legal forms and descriptors at the end."""
    cjk = _CJK_LEGAL.sub("", s).strip()
    if cjk != s and _has_word(cjk):
        return cjk
    ru = _RU_LEGAL.match(s)
    if ru and _has_word(ru.group(1)):
        return ru.group(1).strip()
    glued = _GLUED_FORM.sub("", s)
    if glued != s and _has_word(glued):
        return glued  # "proit-inc"
    tokens = s.split()
    stripped, term = _strip_legal(tokens)
    if term is not None:
        rest = _TRAILING_JUNK.sub("", " ".join(stripped))
        if not _has_word(rest):
            return s
        if term in _PRIVATE_FORMS:
            # "Disys India Private Limited": the private company of Disys in India.
            kept = _strip_place(rest.split(), one_word_ok=True)
            if kept is not None:
                return _TRAILING_JUNK.sub("", " ".join(kept))
        return rest
    folded_last = [_norm_token(t) for t in tokens[-3:]]
    for tail in _CAREERS:
        if len(tail) < len(tokens) and tuple(folded_last[-len(tail) :]) == tail:
            return _TRAILING_JUNK.sub("", " ".join(tokens[: -len(tail)]))
    if len(tokens) >= 2 and folded_last[-1] in _DESCRIPTORS_ANY:
        return _TRAILING_JUNK.sub("", " ".join(tokens[:-1]))
    if len(tokens) >= 3 and folded_last[-1] in _DESCRIPTORS_TWO:
        return _TRAILING_JUNK.sub("", " ".join(tokens[:-1]))
    kept = _strip_place(tokens, one_word_ok=False)
    if kept is not None:
        return _TRAILING_JUNK.sub("", " ".join(kept))
    return s


@lru_cache(maxsize=_CACHE_SIZE)
def _peel(text: str) -> tuple[str, str]:
    """(name after the notes, name after everything), each a fixed point of its steps.

    Cached: both the display name and the grouping step of ``group_employers`` read it."""
    s = _normalise_text(text[:MAX_LENGTH])[:MAX_LENGTH].strip()
    for _ in range(len(s) + 1):  # every change shortens the name: a fixed point
        cut = _LEADING_JUNK.sub("", _TRAILING_JUNK.sub("", s)).strip()
        if cut != s and _has_word(cut):
            s = cut
        t = _peel_notes(s)
        if t == s:
            break
        s = t
    pre_legal = s
    for _ in range(len(s) + 1):  # every change shortens the name: a fixed point
        t = _peel_words(s)
        if t == s:
            t = _peel_notes(s)
            cut = _LEADING_JUNK.sub("", _TRAILING_JUNK.sub("", t)).strip()
            if cut != t and _has_word(cut):
                t = cut
            if t == s:
                break
        s = t
    return pre_legal, s


@lru_cache(maxsize=_CACHE_SIZE)
def _peeled(text: str) -> str:
    """The name after the rules and before aliases."""
    return _peel(text[:MAX_LENGTH])[1] if isinstance(text, str) else ""


@lru_cache(maxsize=_CACHE_SIZE)
def _canonical(text: str) -> str | None:
    pre_legal, final = _peel(text)
    if not _has_word(final):
        return None
    alias = _alias_for(pre_legal, final)
    return alias if alias is not None else final


def _as_text(name: object) -> str | None:
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    if not isinstance(name, str):
        return None
    return name


def canonical_employer(name: str | None) -> str | None:
    """The display name of an employer ("Amazon.com Services LLC" -> "Amazon"), or None.

    None, NaN, empty and punctuation-only names give None. Deterministic, and idempotent:
    ``canonical_employer(canonical_employer(x)) == canonical_employer(x)``.
    """
    text = _as_text(name)
    if text is None or not text.strip():
        return None
    return _canonical(text[:MAX_LENGTH])


def employer_key(name: str | None) -> str | None:
    """The grouping key of an employer: two names are the same employer when their keys are equal.

    It is the canonical name folded ("homedepot" for "The Home Depot"), with ".com", "and"/"&"
    and the plural of a few corporate nouns removed.
    """
    canonical = canonical_employer(name)
    if canonical is None:
        return None
    key = _key_of(canonical)
    return key or None


#: Words that complete a brand into its legal name ("Veeva Systems", "Twitch Interactive",
#: "PennyMac Financial Services"), in key form (singular). ``group_employers`` joins "X <these>"
#: to a bare "X" seen in the same data. Words that often start another business ("Bank",
#: "Insurance", "Consulting", "Solutions", "Health", "Partners") are left out.
LEGAL_NAME_WORDS = _words(
    """
    analytic communication company corporation financial global group holding interactive
    international lab network software system tech technology worldwide
    """
)
#: A bare name must have at least this many letters for the join ("SGS" is not "SGS Consulting").
MIN_JOIN_KEY = 4


@dataclass(frozen=True, slots=True)
class Employer:
    """One employer as ``group_employers`` sees it: its grouping key and its display name."""

    key: str
    name: str


_CAMEL_TAIL = re.compile(
    r"(?<=[a-z])(Group|Technologies|Technology|Systems|Software|Analytics|Interactive|Global)$"
)


def _key_tokens(name: str) -> tuple[str, ...]:
    """Key words of a name for the join; "TekwissenGroup" reads as "Tekwissen Group"."""
    tokens = _fold_tokens(_DOT_COM.sub(" ", _CAMEL_TAIL.sub(r" \1", name)))
    return tuple(_PLURALS.get(t, t) for t in tokens if t != "and")


def _legal_name_tail(words: tuple[str, ...]) -> bool:
    """True when every word completes a legal name ("Systems", "Financial Services")."""
    return bool(words) and all(
        w in LEGAL_NAME_WORDS or (w == "service" and i > 0 and words[i - 1] == "financial")
        for i, w in enumerate(words)
    )


def _joins(
    keys: Mapping[str, tuple[str, ...]], spellings: Iterable[tuple[str, ...]] = ()
) -> dict[str, str]:
    """Keys to merge into a shorter key seen in the same data: {"veevasystem": "veeva"}.

    ``keys`` maps each key to its words (after aliases); ``spellings`` adds the words of the
    names before aliases, so that "Synchrony Financial" (an alias of Synchrony) still counts as
    a second "Synchrony ..." name. "X W..." joins "X" when X is a key, every W is a legal-name
    word, X has at least ``MIN_JOIN_KEY`` characters, and no other name of the data starts with
    X's words: "Veeva" and "Veeva Systems" join; "Synchrony", "Synchrony Financial" and
    "Synchrony Systems" do not.
    """
    by_tokens: dict[tuple[str, ...], str] = {}
    for key, tokens in keys.items():
        if tokens:
            by_tokens.setdefault(tokens, key)
    family: Counter[tuple[str, ...]] = Counter()
    for tokens in set(by_tokens) | set(spellings):
        for i in range(1, len(tokens) + 1):
            family[tokens[:i]] += 1
    joins: dict[str, str] = {}
    for tokens, key in by_tokens.items():
        for i in range(len(tokens) - 1, 0, -1):
            head = tokens[:i]
            target = by_tokens.get(head)
            if target is None:
                continue
            if (
                target != key
                and len(target) >= MIN_JOIN_KEY
                and family[head] == 2
                and _legal_name_tail(tokens[i:])
            ):
                joins[key] = target
            break
    return joins


def _display_rank(spelling: str, count: int) -> tuple[int, int, int, str]:
    """Sort key of a display spelling: mixed case first ("Edward Jones" over "EDWARD JONES"
    and "worldgate"; names of at most four letters, "IBM", count as mixed), then most postings,
    then shorter, then code-point order."""
    letters = [c for c in spelling if c.isalpha() and c.isascii()]
    shouting = len(letters) > 4 and all(c.isupper() for c in letters)
    lower = bool(letters) and all(c.islower() for c in letters)
    return (shouting or lower, -count, len(spelling), spelling)


def group_employers(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, Employer]:
    """Each raw name mapped to its employer (key and display name), using all names together.

    ``counts`` gives each distinct raw name with its number of postings (for example every
    employer name of one run). Beyond ``employer_key``, names that are a bare name of the same
    data plus legal-name words join it when nothing else in the data starts with that bare name
    ("Veeva Systems" with "Veeva"; see ``_joins``).

    The display name of a group is the alias name if one applies ("Amazon"); otherwise, among
    the canonical spellings of its raw names, one in mixed case before one in all capitals or
    all lower case ("Edward Jones" over "EDWARD JONES"), then the one with the most postings,
    then the shorter, then the first in code-point order. Names without a key (None, empty,
    punctuation only) are left out.
    """
    items = counts.items() if isinstance(counts, Mapping) else counts
    aliases = {row.canonical for row in load_aliases()}
    raw_canonical: dict[str, str] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    tokens: dict[str, tuple[str, ...]] = {}
    before_alias: set[tuple[str, ...]] = set()
    for raw, count in items:
        canonical = canonical_employer(raw)
        if canonical is None:
            continue
        key = _key_of(canonical)
        if not key:
            continue
        raw_canonical[raw] = key
        spellings[key][canonical] += int(count)
        tokens.setdefault(key, _key_tokens(canonical))
        before_alias.add(_key_tokens(_peeled(raw)))
    joins = _joins(tokens, before_alias)

    def root(key: str) -> str:
        seen = 0
        while key in joins and seen < 8:
            key, seen = joins[key], seen + 1
        return key

    grouped: dict[str, Counter[str]] = defaultdict(Counter)
    for key, names in spellings.items():
        grouped[root(key)].update(names)
    chosen: dict[str, str] = {}
    for key, names in grouped.items():
        targets = sorted(n for n in names if n in aliases)
        if targets:
            chosen[key] = targets[0]
        else:
            chosen[key] = min(names.items(), key=lambda kv: _display_rank(*kv))[0]
    result = {}
    for raw, key in raw_canonical.items():
        top = root(key)
        result[raw] = Employer(top, chosen[top])
    return result


def display_names(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, str]:
    """Each raw name mapped to the display name of its employer (see ``group_employers``)."""
    return {raw: employer.name for raw, employer in group_employers(counts).items()}

# ruff: noqa: RUF001, RUF002  (legal forms in Cyrillic and CJK; look-alike quote marks)
"""Legal forms at the end of an employer name ("LLC", "GmbH", "Pvt Ltd", 株式会社, ООО).

cleanco's term list (MIT licence) without the terms that are ordinary words or acronyms, plus
a few more; a short term counts only when written with dots ("e.V.", "S.C.").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from jobatlas.normalize.employers_text import word_set

# cleanco terms that are ordinary words, common acronyms or US state codes at the end of a name.
_CLEANCO_DROP = word_set(
    """
    ad ae aj ans at ay ba bl bm bt ca cic cio coop cpt crl dat da ec ee ei ent ep esv et etat ev
    fa fcp fie fkf fop gie gte hb hf ij ik iks kb kd kda ks kt kv ky mb nl nuf obrt od oe og ok
    pp ps psu pse pt qk rhf rt sal sc sca scop sd sem sep ses sf sgr sp ss stg tapui teo tmi
    tov tdv ud uk unlimited vat xk xt zat ead peec sia eg private
    """
)
_SHORT_ALLOWED = word_set("co ag sa nv bv kg ab oy gk kk se lp sl pc cv as")
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
PRIVATE_FORMS = frozenset(
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
CJK_LEGAL = re.compile(
    r"^(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|주식회사|\(주\)|유한회사)\s*"
    r"|\s*(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|股份有限公司|有限责任公司|有限責任公司"
    r"|有限公司|주식회사|\(주\)|유한회사)$"
)
RU_LEGAL = re.compile(r'^(?:ООО|ОАО|ЗАО|ПАО|АО|OOO|OAO|ZAO|PAO)\s+"?([^"]+)"?$')


@lru_cache(maxsize=1 << 16)
def norm_token(token: str) -> str:
    """A word as cleanco compares it: case-folded, accents and . , - removed."""
    if token.isascii():  # nothing to decompose; ASCII case-folds to lower case
        folded = token.lower()
    else:
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
        words = tuple(p for p in (norm_token(w) for w in parts) if p)
        if not words:
            continue
        if len(words) == 1:
            w = words[0]
            dotted = w in _CLEANCO_DROP or (len(w) < 3 and w not in _SHORT_ALLOWED)
        else:
            dotted = len("".join(words)) < 4 or words[-1] in _CLEANCO_DROP
        terms[words] = terms.get(words, True) and dotted
    for term in _EXTRA_TERMS:
        terms[tuple(norm_token(w) for w in term.split())] = False
    index: dict[str, list[tuple[tuple[str, ...], bool]]] = defaultdict(list)
    for words, dotted in terms.items():
        index[words[-1]].append((words, dotted))
    return {k: tuple(sorted(v, key=lambda t: (-len(t[0]), t[0]))) for k, v in index.items()}


@lru_cache(maxsize=1)
def legal_term_set() -> frozenset[tuple[str, ...]]:
    return frozenset(term for terms in _legal_terms().values() for term, _ in terms)


def _dotted(token: str) -> bool:
    """'e.V.', 'S.p.A.': letters separated by dots (an abbreviation, not a word)."""
    return bool(re.fullmatch(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{0,4}\.?,?", token))


def strip_legal(tokens: list[str]) -> tuple[list[str], tuple[str, ...] | None]:
    """Remove one legal form at the end, keeping at least one word."""
    if len(tokens) < 2:
        return tokens, None
    normed = [norm_token(t) for t in tokens[-5:]]
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

"""Salary normaliser: free text or structured fields -> :class:`jobatlas.models.Salary`.

Two cached steps. :func:`parse_salary_text` reads what a string states: amounts (every
thousands convention, k/M/lakh/crore/万/億), currency (symbols, codes, words; a bare ``$`` or
``kr`` by the posting's country), pay period (many languages) and qualifiers (up to, from,
OTE, estimates, extras). :func:`convert_parsed` annualises, converts to USD at the posting date
(ECB rates) and to international $ (World Bank PPP), and checks per-country plausibility.
:func:`normalize_salary` is the entry point; structured fields (JobSpy, Greenhouse, Lever,
Ashby) win over text. Rules and factors: docs/methodology.md, section "Salaries".
"""

# The vocabulary below is multilingual on purpose (Cyrillic, CJK, dashes, apostrophes):
# ruff: noqa: RUF001, RUF003
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Final, NamedTuple

from jobatlas.models import Period, Salary, SalaryStatus
from jobatlas.normalize import currency as fx
from jobatlas.normalize import salary_idioms as idioms

# --------------------------------------------------------------------------- vocabulary

CUR, MULT, CJKU, PER, NOUN, PERW = "cur", "mult", "cjku", "per", "noun", "perw"
CONN, TO, AND, BETWEEN, QMIN, QMAX = "conn", "to", "and", "between", "qmin", "qmax"
OTE, EST, EMPEST, EXTRA, INCL, PLUS = "ote", "est", "empest", "extra", "incl", "plus"
NET, PRORATA, MSAL, UNIT, PREX, NUM, OTHER = "net", "prorata", "msal", "unit", "prex", "num", ""
SALW, FILL = "salw", "fill"

#: Longest salary text read; a longer one is cut here and its result flagged ``truncated``.
MAX_SALARY_TEXT_CHARS: Final = 500

ANNUAL_FACTORS: Final[Mapping[Period, float]] = {
    "hour": 2080.0,
    "day": 260.0,
    "week": 52.0,
    "month": 12.0,
    "year": 1.0,
}


@dataclass(frozen=True, slots=True)
class Word:
    """What one token (or phrase) means. ``code`` is a currency code, an ambiguity key
    (``$``, ``kr``, ...) or a subtype; ``where`` limits a qualifier to before/after amounts."""

    kind: str
    code: str = ""
    period: Period | None = None
    factor: float = 0.0
    lang: str = ""
    weak: bool = False
    where: str = ""


@dataclass(frozen=True, slots=True)
class Noun:
    """A period noun ("month", "Jahr", "月"): a pay period after "per"/"/", else a count."""

    period: Period
    lang: str = ""
    strict: bool = False  # only a period after "per"/"/" ("h", "an", "time", ...)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _table(spec: Mapping[str, Word]) -> dict[str, Word]:
    return {token: word for tokens, word in spec.items() for token in tokens.split()}


_CURRENCY_WORDS: Final = {
    "€ euro euros eur евро": Word(CUR, "EUR"),
    "us$ u$s usd": Word(CUR, "USD"),
    "$ dollar dollars dólares dolares": Word(CUR, "$"),
    "a$ au$ aud": Word(CUR, "AUD"),
    "c$ ca$ can$ cad": Word(CUR, "CAD"),
    "hk$ hkd": Word(CUR, "HKD"),
    "s$ sg$ sgd": Word(CUR, "SGD"),
    "nz$ nzd": Word(CUR, "NZD"),
    "nt$ ntd twd": Word(CUR, "TWD"),
    "mx$ mex$ mxn": Word(CUR, "MXN"),
    "r$ brl reais": Word(CUR, "BRL"),
    "rd$": Word(CUR, "DOP"),
    "£ pound pounds": Word(CUR, "£"),
    "gbp sterling": Word(CUR, "GBP"),
    "e£ egp": Word(CUR, "EGP"),
    "¥": Word(CUR, "¥"),
    "jpy yen": Word(CUR, "JPY", lang="ja"),
    "cny rmb yuan renminbi": Word(CUR, "CNY", lang="zh"),
    "₹ inr": Word(CUR, "INR"),
    "rs rs. rupee rupees ₨": Word(CUR, "rs"),
    "₩ krw": Word(CUR, "KRW"),
    "won": Word(CUR, "KRW", weak=True),
    "chf sfr sfr. franken": Word(CUR, "CHF"),
    "fr fr.": Word(CUR, "CHF", weak=True),
    "franc francs": Word(CUR, "franc"),
    "zł pln złotych zlotych złoty zloty": Word(CUR, "PLN"),
    "zl": Word(CUR, "PLN", weak=True),
    "kr kr. kroner krone": Word(CUR, "kr"),
    "sek kronor": Word(CUR, "SEK"),
    "nok": Word(CUR, "NOK"),
    "dkk": Word(CUR, "DKK"),
    "isk": Word(CUR, "ISK"),
    "kč czk korun": Word(CUR, "CZK"),
    "kc": Word(CUR, "CZK", weak=True),
    "huf forint": Word(CUR, "HUF"),
    "ft": Word(CUR, "HUF", weak=True),
    "lei leu": Word(CUR, "lei"),
    "лв лв. bgn лева": Word(CUR, "BGN"),
    "₺": Word(CUR, "TRY"),
    "tl lira": Word(CUR, "TRY", weak=True),
    "₽ руб руб. рублей рубля": Word(CUR, "RUB"),
    "₴ грн грн. uah": Word(CUR, "UAH"),
    "₪ ils nis shekel shekels": Word(CUR, "ILS"),
    "฿ thb baht บาท": Word(CUR, "THB"),
    "₫ vnd vnđ dong": Word(CUR, "VND"),
    "đ": Word(CUR, "VND", weak=True),
    "₱": Word(CUR, "PHP"),
    "php": Word(CUR, "PHP", weak=True),
    "myr ringgit": Word(CUR, "MYR"),
    "rm": Word(CUR, "MYR", weak=True),
    "idr rupiah": Word(CUR, "IDR"),
    "rp rp.": Word(CUR, "IDR", weak=True),
    "aed dhs": Word(CUR, "AED"),
    "dirham dirhams": Word(CUR, "dirham"),
    "riyal riyals rial rials": Word(CUR, "riyal"),
    "sr": Word(CUR, "SAR", weak=True),
    "qar": Word(CUR, "QAR"),
    "qr": Word(CUR, "QAR", weak=True),
    "zar rand": Word(CUR, "ZAR"),
    "r": Word(CUR, "ZAR", weak=True),
    "₦ ngn naira": Word(CUR, "NGN"),
    "kes ksh kshs": Word(CUR, "KES"),
    "ghs cedi cedis ₵": Word(CUR, "GHS"),
    "৳ bdt taka": Word(CUR, "BDT"),
    "soles": Word(CUR, "PEN"),
    "peso pesos": Word(CUR, "peso"),
    "cfa fcfa": Word(CUR, "cfa"),
    "dinar dinars": Word(CUR, "dinar"),
    "₸ kzt tenge": Word(CUR, "KZT"),
    "₾ lari": Word(CUR, "GEL"),
    "₡": Word(CUR, "CRC"),
    "₼": Word(CUR, "AZN"),
}

_MULTIPLIER_WORDS: Final = {
    "k thousand thousands tsd tsd. tys tys. тыс тыс. mil mila mille bin ribu rb": Word(
        MULT, factor=1e3
    ),
    (
        "m mm mn mln mio mio. million millions millones millón millon milhões milhão milioni "
        "milione miljoen miljon miljoner millionen млн млн. juta jt triệu tr"
    ): Word(MULT, factor=1e6),
    "lakh lakhs lac lacs l": Word(MULT, factor=1e5, lang="in"),
    "crore crores cr": Word(MULT, factor=1e7, lang="in"),
    "lpa": Word(MULT, factor=1e5, lang="in", period="year"),
}

_PERIOD_WORDS: Final = {
    (
        "annual annually yearly annum p.a. p.a pa jährlich jahresgehalt annuel annuelle annuels "
        "anual anuales anuais annuo annui annua annuale annuali ral jaarlijks jaarsalaris rocznie "
        "ročně vuodessa yıllık éves évi годовой"
    ): Word(PER, period="year"),
    "årslön": Word(PER, period="year", lang="sv"),
    "årslønn": Word(PER, period="year", lang="nb"),
    "årsløn": Word(PER, period="year", lang="da"),
    (
        "monthly pcm pm p.m. p.m monatlich mtl. mtl monatsgehalt mensuel mensuelle mensuels "
        "mensual mensuales mensal mensais mensile mensili maandelijks maandsalaris miesięcznie "
        "mies. mies měsíčně kuukaudessa aylık havi havonta lunar ежемесячно sebulan bulanan"
    ): Word(PER, period="month"),
    "månadslön": Word(PER, period="month", lang="sv"),
    "månedslønn": Word(PER, period="month", lang="nb"),
    "månedsløn": Word(PER, period="month", lang="da"),
    "weekly pw p.w. wöchentlich hebdomadaire semanal semanais settimanale wekelijks haftalık": Word(
        PER, period="week"
    ),
    (
        "daily pd p.d. täglich tagessatz tjm journalier journalière diario diaria diária "
        "giornaliero dagelijks dziennie günlük"
    ): Word(PER, period="day"),
    "hourly ph p.h. stündlich stundenlohn stundensatz horaire órabér saatlik": Word(
        PER, period="hour"
    ),
    "timlön": Word(PER, period="hour", lang="sv"),
    "timelønn": Word(PER, period="hour", lang="nb"),
    "timeløn": Word(PER, period="hour", lang="da"),
}

_NOUN_SPEC: Final[Mapping[str, Noun]] = {
    (
        "year years yr yrs jahr jahre année années año años ano anos anno anni jaar jaren rok lat "
        "roku vuosi yıl év год года лет tahun năm"
    ): Noun("year"),
    "an y": Noun("year", strict=True),
    "år året": Noun("year", "nordic", strict=True),
    (
        "month months mos mth mths monat monate mois mes meses mês mese mesi maand maanden "
        "miesiąc miesięcy miesiąca kuukausi месяц мес мес. bulan tháng hónap lună"
    ): Noun("month"),
    "mo m kk hó ay": Noun("month", strict=True),
    "månad månader": Noun("month", "sv"),
    "mån": Noun("month", "sv", strict=True),
    "måned måneder måneden": Noun("month", "nd"),
    "mnd": Noun("month", "nb", strict=True),
    "md": Noun("month", "da", strict=True),
    (
        "week weeks wk wks woche wochen semaine semaines semana semanas settimana settimane "
        "tydzień tygodni viikko hafta hét неделя неделю minggu tuần"
    ): Noun("week"),
    "vecka veckor": Noun("week", "sv"),
    "uke": Noun("week", "nb"),
    "uge ugen": Noun("week", "da"),
    "w": Noun("week", strict=True),
    (
        "day days tage jour jours día días dia dias giorno giorni dzień dni päivä gün nap день "
        "hari ngày dagen dagar dager"
    ): Noun("day"),
    "dag tag d": Noun("day", strict=True),
    (
        "hour hours hr hrs stunde stunden std std. heure heures hora horas godzina godzinę godz "
        "godz. godzin tunti saat óra час giờ uren"
    ): Noun("hour"),
    "timme timmar": Noun("hour", "sv"),
    "tim": Noun("hour", "sv", strict=True),
    "timen timer": Noun("hour", "nd"),
    "time": Noun("hour", "nd", strict=True),
    "h ora ore uur jam": Noun("hour", strict=True),
}

_OTHER_WORDS: Final = {
    "per an each every pro par por al ao pe pr pr. om i je na в": Word(PERW),
    "a à": Word(PERW, "conn"),
    "to till until til bis hasta até ate tot do до jusqu'à jusqu'a jusqu’à": Word(TO),
    "and y e und et og och en и": Word(AND),
    "between entre zwischen tussen mellan mellem między pomiędzy tra между mezi": Word(BETWEEN),
    "from desde vanaf ab od från fra от dès over above": Word(QMIN, where="pre"),
    "min min. minimum mindestens": Word(QMIN),
    "upwards": Word(QMIN, where="post"),
    "upto up-to under below höchstens": Word(QMAX, where="pre"),
    "max max. maximum maximal": Word(QMAX),
    "tops": Word(QMAX, where="post"),
    "ote o.t.e. o.t.e on-target": Word(OTE),
    "est est. estimated estimate estimation estimé estimée": Word(EST),
    (
        "bonus bonuses bonusses equity super superannuation stock stocks rsu rsus shares options "
        "commission commissions benefits bens allowance allowances incentive incentives pension "
        "overtime tips esop esops prime primes prämie"
    ): Word(EXTRA),
    "inc inc. incl incl. including includes inclusive inklusive inkl inkl. inclus": Word(INCL),
    "plus zzgl zzgl.": Word(PLUS),
    "rising increasing": Word(FILL),
    "net nett netto neto netos netas netti netta líquido liquido liquide": Word(NET),
    "pro-rata prorata": Word(PRORATA),
    (
        "pagas mensualidades mensilità mensilita gehälter monatsgehälter salaires salaries "
        "salarios sueldos salários"
    ): Word(MSAL),
    (
        "percent pct per-cent people persons employees staff positions roles vacancies openings "
        "yoe x st nd rd th am"
    ): Word(UNIT),
    "band grade level lvl step scp spine ref ref. reference tier req id no. nr nr. code gs iso": (
        Word(PREX)
    ),
    (
        "salary pay wage wages compensation remuneration package base ctc gehalt vergütung "
        "salaire rémunération sueldo salario salário stipendio retribuzione salaris pensja "
        "wynagrodzenie зарплата"
    ): Word(SALW),
    "lön lönen": Word(SALW, lang="sv"),
    "lønn": Word(SALW, lang="nb"),
    "løn": Word(SALW, lang="da"),
}

_SYMBOL_WORDS: Final = {
    "- – — − ‒ ‐ ‑": Word(CONN, "dash"),
    "~ 〜 ∼": Word(CONN, "tilde"),
    "/": Word(PERW),
    "+ &": Word(PLUS),
    "%": Word(UNIT),
    "# №": Word(PREX),
}

_PHRASE_SPEC: Final[Sequence[tuple[str, Word]]] = (
    ("per annum", Word(PER, period="year")),
    ("per anum", Word(PER, period="year")),
    ("p / a", Word(PER, period="year")),
    ("per mensem", Word(PER, period="month")),
    ("day rate", Word(PER, period="day")),
    ("up to", Word(QMAX, where="pre")),
    ("bis zu", Word(QMAX, where="pre")),
    ("less than", Word(QMAX, where="pre")),
    ("no more than", Word(QMAX, where="pre")),
    ("not exceeding", Word(QMAX, where="pre")),
    ("or less", Word(QMAX, where="post")),
    ("or below", Word(QMAX, where="post")),
    ("at least", Word(QMIN, where="pre")),
    ("upwards of", Word(QMIN, where="pre")),
    ("more than", Word(QMIN, where="pre")),
    ("no less than", Word(QMIN, where="pre")),
    ("in excess of", Word(QMIN, where="pre")),
    ("starting at", Word(QMIN, where="pre")),
    ("starts at", Word(QMIN, where="pre")),
    ("start at", Word(QMIN, where="pre")),
    ("starting from", Word(QMIN, where="pre")),
    ("à partir de", Word(QMIN, where="pre")),
    ("a partir de", Word(QMIN, where="pre")),
    ("or more", Word(QMIN, where="post")),
    ("and above", Word(QMIN, where="post")),
    ("or above", Word(QMIN, where="post")),
    ("and up", Word(QMIN, where="post")),
    ("or higher", Word(QMIN, where="post")),
    ("on target earnings", Word(OTE)),
    ("on-target earnings", Word(OTE)),
    ("on target", Word(OTE)),
    ("employer est", Word(EMPEST)),
    ("employer est.", Word(EMPEST)),
    ("employer estimate", Word(EMPEST)),
    ("employer provided", Word(EMPEST)),
    ("pro rata", Word(PRORATA)),
    ("us $", Word(CUR, "USD")),
    ("au $", Word(CUR, "AUD")),
    ("ca $", Word(CUR, "CAD")),
    ("hk $", Word(CUR, "HKD")),
    ("sg $", Word(CUR, "SGD")),
    ("nz $", Word(CUR, "NZD")),
    ("nt $", Word(CUR, "TWD")),
    ("r $", Word(CUR, "BRL")),
    ("s / .", Word(CUR, "PEN")),
    ("s /", Word(CUR, "PEN")),
)

_CJK_SPEC: Final = {
    "万 萬 億 亿 千 百 十 만 억 천 백 십": Word(CJKU),
    "円": Word(CUR, "JPY", lang="ja"),
    "日元 日圓": Word(CUR, "JPY", lang="zh"),
    "元": Word(CUR, "元", lang="zh"),
    "块 人民币 人民幣": Word(CUR, "CNY", lang="zh"),
    "美元": Word(CUR, "USD", lang="zh"),
    "港币 港幣 港元": Word(CUR, "HKD", lang="zh"),
    "新台币 新台幣 台币 台幣": Word(CUR, "TWD", lang="zh"),
    "欧元 歐元": Word(CUR, "EUR", lang="zh"),
    "英镑 英鎊": Word(CUR, "GBP", lang="zh"),
    "원 韩元": Word(CUR, "KRW", lang="ko"),
    "年収 年俸 年額 年給": Word(PER, period="year", lang="ja"),
    "年薪 年收入": Word(PER, period="year", lang="zh"),
    "연봉": Word(PER, period="year", lang="ko"),
    "月給 月収 月額": Word(PER, period="month", lang="ja"),
    "月薪 月俸": Word(PER, period="month", lang="zh"),
    "월급": Word(PER, period="month", lang="ko"),
    "週給": Word(PER, period="week", lang="ja"),
    "周薪": Word(PER, period="week", lang="zh"),
    "주급": Word(PER, period="week", lang="ko"),
    "日給 日当": Word(PER, period="day", lang="ja"),
    "日薪": Word(PER, period="day", lang="zh"),
    "일급": Word(PER, period="day", lang="ko"),
    "時給": Word(PER, period="hour", lang="ja"),
    "时薪 時薪": Word(PER, period="hour", lang="zh"),
    "시급": Word(PER, period="hour", lang="ko"),
    "薪": Word(MSAL, lang="zh"),
    "以上 から 起 이상 부터": Word(QMIN, where="post"),
    "最低": Word(QMIN, where="pre"),
    "以下 まで 以内 이하 까지": Word(QMAX, where="post"),
    "最高": Word(QMAX, where="pre"),
    "至 到": Word(CONN, "dash"),
    "手取り 税后 稅後 실수령": Word(NET),
    "ヶ月 か月 カ月 个月 個月 개월 人 名 歳 岁 세": Word(UNIT),
    "奖金 股票 期权 賞与 ボーナス 상여금 인센티브": Word(EXTRA),
}

_CJK_NOUNS: Final = {
    "年 연": Noun("year"),
    "月 월": Noun("month"),
    "週 周 주": Noun("week"),
    "日 天 일": Noun("day"),
    "時間 小时 小時 时 時 시간": Noun("hour"),
}

_WORDS: Final = _table(
    {**_CURRENCY_WORDS, **_MULTIPLIER_WORDS, **_PERIOD_WORDS, **_OTHER_WORDS, **_SYMBOL_WORDS}
)
_NOUNS: Final = {
    t: n for spec in (_NOUN_SPEC, _CJK_NOUNS) for ts, n in spec.items() for t in ts.split()
}
_CJK: Final = {**_table(_CJK_SPEC), **{t: Word(NOUN) for t in _NOUNS if not t.isascii()}}
_CJK_MAX = max(len(t) for t in _CJK)


def _phrases() -> dict[str, list[tuple[tuple[str, ...], Word]]]:
    table: dict[str, list[tuple[tuple[str, ...], Word]]] = {}
    for text, word in _PHRASE_SPEC:
        first, *rest = text.split()
        table.setdefault(first, []).append((tuple(rest), word))
    for options in table.values():
        options.sort(key=lambda option: -len(option[0]))
    return table


_PHRASES: Final = _phrases()

# Currencies an ambiguous sign can stand for; the posting's country picks among them.
_AMBIGUOUS: Final[Mapping[str, frozenset[str]]] = {
    "$": _words(
        "USD CAD AUD NZD SGD HKD MXN ARS CLP COP UYU TWD DOP CUP JMD TTD BSD BBD BZD BMD KYD "
        "FJD NAD LRD GYD SRD BND SBD XCD"
    ),
    "£": _words("GBP EGP LBP SYP SSP SDG GIP FKP SHP"),
    "¥": frozenset({"JPY", "CNY"}),
    "元": frozenset({"CNY", "TWD", "HKD", "MOP"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "rs": frozenset({"INR", "PKR", "LKR", "NPR", "MUR", "SCR"}),
    "franc": frozenset({"CHF", "XOF", "XAF", "KMF", "XPF", "BIF", "CDF", "DJF", "GNF", "RWF"}),
    "cfa": frozenset({"XOF", "XAF"}),
    "peso": frozenset({"MXN", "ARS", "CLP", "COP", "PHP", "UYU", "DOP", "CUP"}),
    "dirham": frozenset({"AED", "MAD"}),
    "riyal": frozenset({"SAR", "QAR", "OMR", "YER", "IRR"}),
    "lei": frozenset({"RON", "MDL"}),
    "dinar": _words("KWD BHD JOD IQD TND DZD LYD RSD"),
}
# What an ambiguous sign means when neither the country nor the text decides; a flag says so
# when the reading is a convention rather than near-certain.
_DEFAULTS: Final[Mapping[str, tuple[str, bool]]] = {
    "$": ("USD", True),
    "£": ("GBP", False),
    "元": ("CNY", False),
    "rs": ("INR", True),
    "lei": ("RON", False),
}
_LANG_CURRENCY: Final[Mapping[str, str]] = {
    "ja": "JPY",
    "zh": "CNY",
    "ko": "KRW",
    "sv": "SEK",
    "nb": "NOK",
    "da": "DKK",
    "in": "INR",
}
# Countries where a script or word cue is native: there the country's own currency is meant.
_LANG_COUNTRIES: Final[Mapping[str, frozenset[str]]] = {
    "zh": frozenset({"CN", "TW", "HK", "MO", "SG", "MY"}),
    "in": frozenset({"IN", "PK", "BD", "NP", "LK"}),
}
# ISO codes that are also common words: they count only in capitals, next to an amount.
_WORDLIKE_CODES: Final = _words("all top cup pen mad bob gel mop sos try cop rub bam ars sar ron")

# --------------------------------------------------------------------------- tokens

_TOKEN_RE: Final = re.compile(
    r"(?:"
    r"(?P<indian>\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?)"  # 12,00,000
    r"|(?P<comma>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"  # 1,200,000.50
    r"|(?P<dot>\d{1,3}(?:\.\d{3})+(?:,\d+)?)"  # 1.200.000,50
    r"|(?P<space>\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?)"  # 1 200 000, 1'200'000
    r"|(?P<plain>\d+(?:[.,]\d+)?)"
    r")(?!\d)"
    r"|(?P<w>[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?[$£]?)"
    r"|(?P<s>[^\w\s])"
)
_CJK_RUN_RE: Final = re.compile(
    r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+|[^\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
_DIGIT_RE: Final = re.compile(r"\d")
_CJK_CHAR_RE: Final = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")
_SWISS_DASH_RE: Final = re.compile(r"(?<=\d)[.,][-–—]")
_KANA_RE: Final = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE: Final = re.compile(r"[\uac00-\ud7af]")


@dataclass(slots=True)
class Item:
    """One token after classification: a number, or a word/symbol with its meaning."""

    kind: str
    start: int
    end: int
    text: str = ""
    word: Word | None = None
    value: float = 0.0
    style: str = ""  # number grouping: "comma", "dot", "space", "indian", "plain"
    single_group: bool = False  # "1.250": one dot group, read as a decimal before k/M
    num: int = -1  # position among the text's numbers


def number_value(style: str, raw: str) -> float:
    """The value of a number token of a given grouping style."""
    if style == "comma" or style == "indian":
        return float(raw.replace(",", ""))
    if style == "dot":
        return float(raw.replace(".", "").replace(",", "."))
    if style == "space":
        return float(raw.replace(" ", "").replace("'", "").replace("’", "").replace(",", "."))
    return float(raw.replace(",", "."))


def _number_item(style: str, raw: str, start: int, end: int) -> Item:
    single = style == "dot" and raw.count(".") == 1 and "," not in raw and raw[0] != "0"
    return Item(
        NUM, start, end, raw, value=number_value(style, raw), style=style, single_group=single
    )


def _lookup(text: str) -> Word | None:
    word = _WORDS.get(text)
    if word is None and text.endswith(".") and len(text) > 1:
        word = _WORDS.get(text[:-1])
    if word is None and len(text) == 3 and text.isalpha() and text.upper() in fx.known_currencies():
        word = Word(CUR, text.upper(), weak=text in _WORDLIKE_CODES)
    return word


def _cjk_items(text: str, offset: int) -> list[Item]:
    """Split a run of CJK/Hangul/kana by longest match against the CJK vocabulary."""
    items: list[Item] = []
    for part in _CJK_RUN_RE.finditer(text):
        start = offset + part.start()
        chunk = part.group()
        if chunk.isascii() or chunk[0] < "\u2e80":
            items.extend(_word_items(chunk, start, start + len(chunk)))
            continue
        i = 0
        while i < len(chunk):
            for size in range(min(_CJK_MAX, len(chunk) - i), 0, -1):
                piece = chunk[i : i + size]
                word = _CJK.get(piece)
                if word is not None:
                    items.append(Item(word.kind, start + i, start + i + size, piece, word))
                    i += size
                    break
            else:
                i += 1
    return items


def _classify(s: str) -> list[Item]:
    items: list[Item] = []
    numbers = 0
    for match in _TOKEN_RE.finditer(s):
        group = match.lastgroup or ""
        if group not in ("w", "s"):
            item = _number_item(group, match.group(), match.start(), match.end())
            item.num = numbers
            numbers += 1
            items.append(item)
            continue
        text = match.group().lower()
        if group == "w" and not text.isascii() and _CJK_CHAR_RE.search(text):
            items.extend(_cjk_items(text, match.start()))
            continue
        items.extend(_word_items(text, match.start(), match.end()))
    return _join_phrases(items)


_THOUSAND: Final = Word(MULT, factor=1e3)


def _word_items(text: str, start: int, end: int) -> list[Item]:
    """One word, or a multiplier glued to a currency ("k$", "kEUR", "TEUR") split in two."""
    word = _lookup(text)
    if word is not None or len(text) < 2:
        return [Item(word.kind if word else OTHER, start, end, text, word)]
    for cut in (len(text) - 1, 1):
        head, tail = text[:cut], text[cut:]
        first = _THOUSAND if head == "t" else _lookup(head)
        second = _lookup(tail)
        if first is not None and second is not None and {first.kind, second.kind} == {MULT, CUR}:
            return [
                Item(first.kind, start, start + cut, head, first),
                Item(second.kind, start + cut, end, tail, second),
            ]
    if "-" in text:  # "k-A$160k": a hyphen between amounts, not a compound word
        cut = text.index("-")
        dash = _WORDS["-"]
        return [
            *_word_items(text[:cut], start, start + cut),
            Item(CONN, start + cut, start + cut + 1, "-", dash),
            *_word_items(text[cut + 1 :], start + cut + 1, end),
        ]
    if text[-1] in "$£":  # "c£45,000", "CAN$": a word glued to a currency sign
        sign = _WORDS[text[-1]]
        return [*_word_items(text[:-1], start, end - 1), Item(CUR, end - 1, end, text[-1], sign)]
    return [Item(OTHER, start, end, text)]


def _join_phrases(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        for rest, word in _PHRASES.get(item.text, ()):
            end = i + 1 + len(rest)
            if tuple(x.text for x in items[i + 1 : end]) == rest:
                out.append(Item(word.kind, item.start, items[end - 1].end, item.text, word))
                i = end
                break
        else:
            noun = _NOUNS.get(items[i + 1].text.rstrip(".")) if i + 1 < len(items) else None
            if item.kind == PERW and noun is not None:
                nxt = items[i + 1]
                out.append(
                    Item(
                        PER,
                        item.start,
                        nxt.end,
                        nxt.text,
                        Word(PER, period=noun.period, lang=noun.lang),
                    )
                )
                i += 2
                continue
            out.append(item)
            i += 1
    return out


# --------------------------------------------------------------------------- amounts


@dataclass(slots=True)
class Amount:
    """A number with its multiplier: items ``first..last`` of the classified text."""

    spec: AmountSpec
    value: float
    first: int
    last: int
    factor: float = 1.0  # the multiplier applied (1 if none)
    lang: str = ""  # cue carried by the multiplier (lakh/crore -> "in")
    period: Period | None = None  # period carried by the multiplier (LPA)
    strong: bool = False  # certainly money: a currency, a multiplier, a period, or >= 1000
    excluded: bool = False  # a count, a percentage, a grade, a time, a year


@dataclass(frozen=True, slots=True)
class AmountSpec:
    """How an amount is computed from the text's numbers, so that it can be recomputed for
    another text of the same shape: ``numbers`` (positions) each with CJK ``units`` ("万",
    "천만"; empty for western numbers), else one number times ``factor`` (k, M, lakh)."""

    numbers: tuple[int, ...]
    units: tuple[str, ...] = ()
    factor: float = 1.0
    decimal: bool = False  # "1.250k": the dot is a decimal point

    def value(self, values: Sequence[float], texts: Sequence[str]) -> float:
        if self.units:
            return _cjk_value(
                [(values[i], u) for i, u in zip(self.numbers, self.units, strict=True)]
            )
        i = self.numbers[0]
        return (float(texts[i]) if self.decimal else values[i]) * self.factor


_CJK_SMALL: Final = {"千": 1e3, "천": 1e3, "百": 1e2, "백": 1e2, "十": 10.0, "십": 10.0}
_CJK_BIG: Final = {"万": 1e4, "萬": 1e4, "만": 1e4, "億": 1e8, "亿": 1e8, "억": 1e8}


def _cjk_value(parts: Sequence[tuple[float, str]]) -> float:
    """Evaluate digits with CJK units: 1億5千万 = 1e8 + 5e3 x 1e4; 3천5백만 = 3500 x 1e4."""
    total = section = 0.0
    for number, units in parts:
        current: float | None = number
        for char in units:
            small = _CJK_SMALL.get(char)
            if small is not None:
                section += (1.0 if current is None else current) * small
            else:
                section += current or 0.0
                total += (section or 1.0) * _CJK_BIG[char]
                section = 0.0
            current = None
        section += current or 0.0
    return total + section


def _cjk_amount(items: Sequence[Item], i: int) -> Amount | None:
    parts: list[tuple[float, str]] = []
    j = i
    while j < len(items) and items[j].kind == NUM:
        units, k = "", j + 1
        while k < len(items) and items[k].kind == CJKU and items[k].start - items[k - 1].end <= 1:
            units += items[k].text
            k += 1
        if not units:
            break
        parts.append((items[j].value, units))
        j = k
    if not parts:
        return None
    numbers = tuple(items[k].num for k in range(i, j) if items[k].kind == NUM)
    factor = _cjk_value([(1.0, parts[0][1])]) if len(parts) == 1 else 1.0
    spec = AmountSpec(numbers, tuple(u for _, u in parts), factor)
    return Amount(spec, _cjk_value(parts), i, j - 1, factor=factor)


def _western_amount(items: Sequence[Item], i: int) -> Amount:
    item = items[i]
    nxt = items[i + 1] if i + 1 < len(items) else None
    if nxt is not None and nxt.text == "t" and _at(items, i + 2) is not None:
        sign = items[i + 2]
        if sign.kind == CUR and sign.start == nxt.end:  # "60 T€": thousands of euros
            return Amount(AmountSpec((item.num,), factor=1e3), item.value * 1e3, i, i + 1, 1e3)
    if nxt is None or nxt.kind != MULT or nxt.word is None or nxt.start - item.end > 2:
        return Amount(AmountSpec((item.num,)), item.value, i, i)
    base = float(item.text) if item.single_group else item.value
    word = nxt.word
    spec = AmountSpec((item.num,), factor=word.factor, decimal=item.single_group)
    return Amount(spec, base * word.factor, i, i + 1, word.factor, word.lang, word.period)


def _build_amounts(items: Sequence[Item]) -> list[Amount]:
    amounts: list[Amount] = []
    i = 0
    while i < len(items):
        if items[i].kind != NUM:
            i += 1
            continue
        amount = _cjk_amount(items, i) or _western_amount(items, i)
        amounts.append(amount)
        i = amount.last + 1
    return amounts


@dataclass(slots=True)
class Context:
    """What the whole text says besides the chosen amounts."""

    items: list[Item]
    consumed: set[int] = field(default_factory=set)
    hours_per_week: int | None = None  # positions among the numbers
    days_per_week: int | None = None
    months_per_year: int | None = None


def _at(items: Sequence[Item], i: int) -> Item | None:
    return items[i] if 0 <= i < len(items) else None


def _currency_neighbours(items: Sequence[Item], amount: Amount) -> list[int]:
    """Indices of currency items written right before or after an amount."""
    found: list[int] = []
    i, steps = amount.first - 1, 0
    while i >= 0 and steps < 3:
        item = items[i]
        if item.kind == CUR:
            found.insert(0, i)
        elif item.text not in (":", "("):
            break
        i, steps = i - 1, steps + 1
    i = amount.last + 1
    while i < len(items) and items[i].kind == CUR and i <= amount.last + 2:
        found.append(i)
        i += 1
    return found


def _is_year(item: Item) -> bool:
    return item.style == "plain" and item.value.is_integer() and 1950 <= item.value <= 2100


def _count_unit(ctx: Context, amount: Amount) -> bool:
    """A bare number followed by a period noun is a count ("12 months", "37.5 hours per week")."""
    items = ctx.items
    j = amount.last + 1
    nxt = _at(items, j)
    if nxt is not None and nxt.text in ("+", "-"):
        j += 1
        nxt = _at(items, j)
    noun = _NOUNS.get(nxt.text) if nxt is not None and nxt.kind in (OTHER, NOUN) else None
    if noun is None or noun.strict:
        return False
    ctx.consumed.add(j)
    after = _at(items, j + 1)
    if after is not None and after.kind == PER and after.word and after.word.period == "week":
        value, num = amount.value, amount.spec.numbers[0]
        if noun.period == "hour" and 1 <= value <= 80:
            ctx.hours_per_week = num if ctx.hours_per_week is None else ctx.hours_per_week
            ctx.consumed.add(j + 1)
        elif noun.period == "day" and 1 <= value <= 7 and not _attendance(items, j):
            ctx.days_per_week = num if ctx.days_per_week is None else ctx.days_per_week
            ctx.consumed.add(j + 1)
    return True


_ATTENDANCE: Final = _words("office onsite on-site site remote remotely hybrid wfh home")


def _attendance(items: Sequence[Item], j: int) -> bool:
    """'2 days a week in the office' is about attendance, not paid days."""
    return any(x.text in _ATTENDANCE for x in items[max(0, j - 3) : j + 6])


def _clock(items: Sequence[Item], amount: Amount) -> bool:
    """'9:00', '17:30': digits on either side of a colon, written without spaces."""
    num = items[amount.first]
    for colon, other in ((amount.first - 1, amount.first - 2), (amount.last + 1, amount.last + 2)):
        c, o = _at(items, colon), _at(items, other)
        if c is None or o is None or c.text != ":" or o.kind != NUM:
            continue
        if c.start in (num.end, o.end) and c.end in (num.start, o.start):
            return True
    return False


def _excluded(ctx: Context, amount: Amount, priced: bool) -> bool:
    items = ctx.items
    num = items[amount.first]
    prev, nxt = _at(items, amount.first - 1), _at(items, amount.last + 1)
    touching = nxt is not None and nxt.start == items[amount.last].end
    if amount.value <= 0 or (prev is not None and prev.kind == PREX):
        return True
    if nxt is not None and nxt.kind == UNIT and (touching or len(nxt.text) > 2 or nxt.text == "%"):
        return True
    if nxt is not None and nxt.kind == MSAL:
        if amount.factor == 1.0 and 12 <= amount.value <= 16 and amount.value.is_integer():
            ctx.months_per_year = amount.spec.numbers[0]
        return True
    if num.text in ("401", "403", "457") and amount.factor == 1e3 and not priced:
        return prev is None or prev.kind not in (CONN, TO)  # 401(k), unless "£101k-401k"
    if priced or amount.factor != 1.0:
        return False
    if nxt is not None and nxt.text in ("pm", "am") and touching and amount.value <= 12:
        ctx.consumed.add(amount.last + 1)
        return True
    if _clock(items, amount):
        return True
    if _is_year(num) and not (nxt is not None and nxt.kind == PER):
        # "2020-2024" stays out; "1950 - 2100 per month" and "1950 - 1990 CHF" are ranges
        then, beyond = _at(items, amount.last + 2), _at(items, amount.last + 3)
        if nxt is None or nxt.kind not in (CONN, TO) or then is None or then.kind != NUM:
            return True
        return _is_year(then) and (beyond is None or beyond.kind not in (CUR, MULT, PER))
    return _count_unit(ctx, amount)


def _assess(ctx: Context, amounts: Sequence[Amount]) -> None:
    """Mark each amount excluded (not money) or strong (certainly money). A bare number is
    strong only with a period after it, or when large and grouped ("45 000"), named a salary
    ("Salary: 45000") or alone ("45000"); a digit run among words ("Zip 94105") is not."""
    items = ctx.items
    only_numbers = not any(x.kind == OTHER and x.text.isalpha() for x in items)
    for amount in amounts:
        priced = bool(_currency_neighbours(items, amount))
        bare = amount.factor == 1.0 and not priced
        amount.excluded = _excluded(ctx, amount, priced)
        nxt = _at(items, amount.last + 1)
        then = _at(items, amount.last + 2)
        followed_by_period = (nxt is not None and nxt.kind == PER) or (
            nxt is not None and nxt.kind == CUR and then is not None and then.kind == PER
        )
        num = items[amount.first]
        big = amount.value >= 1000 and (
            num.style != "plain" or only_numbers or _named_salary(items, amount.first)
        )
        amount.strong = not bare or big or followed_by_period


def _named_salary(items: Sequence[Item], first: int) -> bool:
    return any(x.kind in (SALW, PER) for x in items[max(0, first - 3) : first])


# --------------------------------------------------------------------------- groups


@dataclass(slots=True)
class Group:
    """One stated salary: a single amount or a range."""

    low: Amount
    high: Amount

    @property
    def first(self) -> int:
        return self.low.first

    @property
    def last(self) -> int:
        return self.high.last

    @property
    def is_range(self) -> bool:
        return self.low is not self.high


def _connects(items: Sequence[Item], a: Amount, b: Amount) -> bool:
    between = items[a.last + 1 : b.first]
    links = [
        x
        for x in between
        if x.kind in (CONN, TO, AND)
        or (x.kind == QMAX and x.word is not None and x.word.where != "post")
        or (x.kind == PERW and x.word is not None and x.word.code == "conn")
    ]
    if len(links) != 1 or any(x.kind not in (CUR, PER, FILL) and x not in links for x in between):
        return False
    if links[0].kind != AND:
        return True
    before = items[max(0, a.first - 3) : a.first]
    return any(x.kind == BETWEEN for x in before)


def _groups(items: Sequence[Item], amounts: Sequence[Amount]) -> list[Group]:
    usable = [a for a in amounts if not a.excluded]
    groups: list[Group] = []
    i = 0
    while i < len(usable):
        a = usable[i]
        b = usable[i + 1] if i + 1 < len(usable) else None
        if b is not None and _connects(items, a, b):
            for x, y in ((a, b), (b, a)):
                x.lang = x.lang or y.lang
                x.period = x.period or y.period
            groups.append(Group(a, b))
            i += 2
        else:
            groups.append(Group(a, a))
            i += 1
    return [g for g in groups if g.low.strong or g.high.strong or _large_pair(items, g)]


def _large_pair(items: Sequence[Item], group: Group) -> bool:
    """'50000-60000': two large numbers joined as a range read as money (years excluded)."""
    ends = (group.low, group.high)
    return group.is_range and all(a.value >= 1000 and not _is_year(items[a.first]) for a in ends)


def _skip(items: Sequence[Item], i: int, step: int, kinds: tuple[str, ...]) -> Item | None:
    while 0 <= i < len(items):
        item = items[i]
        if item.kind not in kinds and item.text not in (":", "(", ")", ","):
            return item
        i += step
    return None


def _is_extra(items: Sequence[Item], group: Group) -> bool:
    """'+ £5,000 bonus', '£5k car allowance': an amount that is not the salary."""
    before = _skip(items, group.first - 1, -1, (CUR,))
    if before is not None and before.kind in (PLUS, EXTRA):
        return True
    i = group.last + 1
    while i < len(items) and items[i].kind == CUR:
        i += 1
    for k, item in enumerate(items[i : i + 2]):  # "£5k bonus"; not "£60k p.a. + bonus"
        if item.kind == EXTRA:
            # "月給25万円 賞与4ヶ月分": a bonus word before its own figure heads that figure
            then = _at(items, i + k + 1)
            return then is None or then.kind != NUM
        if item.kind != OTHER or not item.text[:1].isalpha():
            break  # "(賞与年2回)": a bracket opens a note about the bonus
    return False


def _bound_flags(items: Sequence[Item], group: Group, cjk: bool) -> list[str]:
    """min_only / max_only / ote from the words right around the chosen amounts."""
    before = _skip(items, group.first - 1, -1, (CUR,))
    after_index = group.last + 1
    while after_index < len(items) and items[after_index].kind in (CUR, PER):
        after_index += 1
    after = _skip(items, after_index, 1, ())
    flags = ["ote" for item in (before, after) if item is not None and item.kind == OTE]
    if group.is_range:
        return flags
    pre = _pre_bound(before, cjk) if before is not None else None
    post = _post_bound(items, after_index, group, cjk) if after is not None else None
    return flags + [flag for flag in (pre or post,) if flag]


def _pre_bound(item: Item, cjk: bool) -> str | None:
    word = item.word
    if word is None or word.where == "post":
        return None
    if item.kind == QMAX or item.kind == TO:
        return "max_only"
    if item.kind == QMIN:
        return "min_only"
    if item.kind == CONN and word.code == "tilde" and cjk:
        return "max_only"  # "〜50万円"; in English "~$60k" means about $60k
    return None


def _post_bound(items: Sequence[Item], i: int, group: Group, cjk: bool) -> str | None:
    item = _skip(items, i, 1, ())
    word = item.word if item is not None else None
    if item is None or word is None or word.where == "pre":
        return None
    if item.kind == QMAX:
        return "max_only"
    if item.kind == QMIN:
        return "min_only"
    if item.kind == CONN and word.code == "tilde" and cjk:
        return "min_only"  # "時給1,200円～"
    if item.kind == PLUS and item.text == "+":
        touching = item.start == items[group.last].end
        beyond = _at(items, items.index(item) + 1)
        return "min_only" if touching or beyond is None else None  # "£50k+", not "£50k + bonus"
    return None


def _period(ctx: Context, group: Group, next_start: int | None) -> Period | None:
    """The period stated for the group: the first period word after it (before the next
    amount), else the last one before it. A bare noun ("£25 hour") counts only next to it;
    "paid monthly" is a pay frequency, not the period of the figure."""
    items = ctx.items
    start = items[group.first].start
    before: Period | None = None
    for i, item in enumerate(items):
        if i in ctx.consumed or item.kind != PER or item.word is None:
            continue
        prev = _at(items, i - 1)
        if prev is not None and prev.text in ("paid", "payable"):
            continue
        if item.start >= start and (next_start is None or item.start < next_start):
            return item.word.period
        if item.start < start:
            before = item.word.period
    return before or _adjacent_noun(ctx, group) or group.low.period or group.high.period


def _adjacent_noun(ctx: Context, group: Group) -> Period | None:
    after = _skip(ctx.items, group.last + 1, 1, (CUR,))
    before = _skip(ctx.items, group.first - 1, -1, (CUR,))
    for item in (after, before):
        noun = _NOUNS.get(item.text) if item is not None else None
        if noun is not None and not noun.strict:
            return noun.period
    return None


# --------------------------------------------------------------------------- currency


@dataclass(frozen=True, slots=True)
class CurrencyClues:
    """Everything besides a symbol that says which currency is meant."""

    country: str | None
    hint: str | None
    langs: frozenset[str]
    grouping: str
    big_yen: bool = False  # large enough to be yen, not yuan


def _text_langs(s: str, items: Iterable[Item], group: Group) -> frozenset[str]:
    langs = {item.word.lang for item in items if item.word is not None and item.word.lang}
    langs |= {n.lang for item in items if (n := _NOUNS.get(item.text)) is not None and n.lang}
    langs |= {x.lang for x in (group.low, group.high) if x.lang}
    if _KANA_RE.search(s):
        langs.add("ja")
    if _HANGUL_RE.search(s):
        langs.add("ko")
    return frozenset(langs)


def _resolve(code: str, clues: CurrencyClues) -> tuple[str | None, str | None]:
    """A currency code for a currency word; with a flag when the reading is a convention."""
    options = _AMBIGUOUS.get(code)
    if options is None:
        return code, None
    if clues.hint in options:
        return clues.hint, None
    local = fx.country_currency(clues.country)
    if local in options:
        return local, None
    for lang in sorted(clues.langs):
        if _LANG_CURRENCY.get(lang) in options:
            return _LANG_CURRENCY[lang], None
    if code == "kr" and "nd" in clues.langs and clues.grouping in ("space", "dot"):
        # per måned is Norwegian or Danish; Norway groups thousands with spaces, Denmark dots.
        return ("NOK" if clues.grouping == "space" else "DKK"), "currency_inferred"
    if code == "¥" and clues.big_yen:
        return "JPY", "currency_inferred"  # yuan salaries do not reach these figures
    default = _DEFAULTS.get(code)
    if default is None:
        return None, None
    flagged = default[1] and not (code == "$" and clues.country)
    return default[0], ("currency_assumed" if flagged else None)


def _currency_items(ctx: Context, groups: Sequence[Group], chosen: Group, s: str) -> list[Item]:
    """Currency words next to the chosen amounts; else any strong one not next to others."""
    items = ctx.items
    near = sorted(
        {i for a in (chosen.low, chosen.high) for i in _currency_neighbours(items, a)}
        | {i for i in range(chosen.first, chosen.last + 1) if items[i].kind == CUR}
    )
    usable = [items[i] for i in near if _counts(items, i, s)]
    if usable:
        return usable
    taken = {
        i
        for g in groups
        if g is not chosen
        for a in (g.low, g.high)
        for i in _currency_neighbours(items, a)
    }
    return [
        item
        for i, item in enumerate(items)
        if item.kind == CUR and i not in taken and item.word is not None and not item.word.weak
    ]


def _counts(items: Sequence[Item], i: int, s: str) -> bool:
    """A weak currency word ("TL", "Php", "R", "Fr.") counts only written against a number
    ("30.000 TL", "R45 000"), and a word-like code only in capitals ("PEN 4,000")."""
    item = items[i]
    word = item.word
    if word is None or not word.weak:
        return True
    if item.text in _WORDLIKE_CODES and not s[item.start : item.end].isupper():
        return False
    nxt, prev = _at(items, i + 1), _at(items, i - 1)
    if item.text == "r":
        return nxt is not None and nxt.kind == NUM and nxt.start - item.end <= 1
    return (nxt is not None and nxt.kind == NUM) or (prev is not None and prev.kind in (NUM, MULT))


@lru_cache(maxsize=1 << 14)
def _choose_currency(
    codes: tuple[str, ...],
    country: str | None,
    hint: str | None,
    langs: frozenset[str],
    grouping: str,
    big_yen: bool,
) -> tuple[str | None, tuple[str, ...]]:
    return _pick_currency(codes, CurrencyClues(country, hint, langs, grouping, big_yen))


def _pick_currency(
    codes: tuple[str, ...], clues: CurrencyClues
) -> tuple[str | None, tuple[str, ...]]:
    """The currency the text names (``codes``, nearest first), else what the clues imply."""
    for code in codes:
        if code not in _AMBIGUOUS:
            return code, ()
    for code in codes:
        currency, flag = _resolve(code, clues)
        if currency is not None:
            return currency, (flag,) if flag else ()
    if codes:
        return None, ()
    if clues.hint:
        return clues.hint, ()
    for lang in ("in", "ja", "ko", "zh"):
        if lang in clues.langs:
            native = _LANG_COUNTRIES.get(lang, frozenset())
            if clues.country in native:
                return fx.country_currency(clues.country), ()
            return _LANG_CURRENCY[lang], ("currency_inferred",)
    local = fx.country_currency(clues.country)
    return local, ("currency_from_country",) if local else ()


# --------------------------------------------------------------------------- parse


class ParsedSalary(NamedTuple):
    """What a text (or structured fields) states, before annualising and converting.

    ``per_year`` is the annualisation factor for ``period`` (2080, 260, 52, 12 or 1, unless
    the text says otherwise, e.g. "·15薪" gives 15 for a monthly figure).
    """

    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: Period | None = None
    per_year: float | None = None
    flags: tuple[str, ...] = ()

    @property
    def stated(self) -> bool:
        return self.min is not None or self.max is not None


NOTHING: Final = ParsedSalary()


@lru_cache(maxsize=4096)
def _units_per_intl_dollar(currency: str | None, country: str | None) -> float:
    """Rough size of one international $ in ``currency``, to tell an hourly from a yearly figure."""
    if currency is None:
        return 1.0
    money = fx.countries().get(country or "")
    place = (
        country
        if money is not None and money.ppp_currency == currency
        else fx.home_country(currency)
    )
    factor = fx.ppp_factor(place) if place else None
    if factor:
        return factor
    rate = fx.convert(1.0, "USD", currency)
    return rate.amount if rate is not None else 1.0


def infer_period(top: float, currency: str | None, country: str | None) -> Period:
    """The period a figure must be when none is stated, from its size in international $."""
    size = top / _units_per_intl_dollar(currency, country)
    if size < 250:
        return "hour"
    if size < 1000:
        return "day"
    if size < 20000:
        return "month"
    return "year"


def _local_period(top: float, currency: str | None, country: str | None) -> Period:
    """The period of a figure with none stated: its size, read with the country's convention
    (``data/salary_period_conventions.csv``): a GB figure the size of a monthly one is yearly,
    a Colombian or Brazilian one the size of a daily one is monthly."""
    period = infer_period(top, currency, country)
    usual = idioms.convention(country)
    if usual == "year" and period == "month":
        if top / _units_per_intl_dollar(currency, country) >= 5000:
            return "year"
    elif usual == "month" and period == "day":
        return "month"
    return period


def _flag_words(ctx: Context) -> list[str]:
    flags: list[str] = []
    items = ctx.items
    for i, item in enumerate(items):
        if item.kind == EST:
            flags.append("estimated")
        elif item.kind == EXTRA:
            window = items[max(0, i - 3) : i]
            flags.append(
                "extras_included" if any(x.kind == INCL for x in window) else "extras_excluded"
            )
        elif item.kind == NET:
            flags.append("net")
        elif item.kind == PRORATA:
            flags.append("pro_rata")
    return flags


def _normalise_text(text: str) -> str:
    s = text if text.isascii() else unicodedata.normalize("NFKC", text)
    return _SWISS_DASH_RE.sub("", s) if ".-" in s or ",-" in s or not s.isascii() else s


@dataclass(frozen=True, slots=True)
class Plan:
    """What the words of a text say, independent of its numbers' exact values: which numbers
    make the salary and how, the qualifiers, the stated period, the currency words. Shared by
    every text of the same shape (digits masked) whose numbers fall in the same value classes."""

    low: AmountSpec
    high: AmountSpec
    is_range: bool
    bound: str | None
    period: Period | None
    codes: tuple[str, ...]
    langs: frozenset[str]
    grouping: str
    flags: tuple[str, ...]
    months: int | None = None  # positions of the numbers that change the annual factor
    hours: int | None = None
    days: int | None = None
    usual_period: Period | None = None  # the local convention when no period is stated


_ZEROS: Final = str.maketrans("123456789", "000000000")
_PLANS: dict[tuple[str, tuple[int, ...]], Plan | None] = {}
_MAX_PLANS: Final = 1 << 16


@dataclass(frozen=True, slots=True)
class Layout:
    """The classified tokens of a text shape, and where its numbers are."""

    items: tuple[Item, ...]
    spans: tuple[tuple[int, int, str], ...]


@lru_cache(maxsize=1 << 14)
def _layout(skeleton: str) -> Layout:
    items = tuple(_classify(skeleton))
    return Layout(items, tuple((x.start, x.end, x.style) for x in items if x.kind == NUM))


def _value_class(value: float, raw: str, style: str) -> int:
    """Every threshold the plan depends on, as bits: two numbers with the same bits read alike."""
    if value >= 1000:
        year = style == "plain" and value <= 2100 and value >= 1950 and value.is_integer()
        return 1 | (2 if year else 0) | (4 if raw[0] == "0" else 0)
    whole = value.is_integer()
    return (
        8
        | (16 if value <= 0 else 0)
        | (32 if value >= 1 else 0)
        | (64 if value <= 7 else 0)
        | (128 if value <= 12 else 0)
        | (256 if 12 <= value <= 16 and whole else 0)
        | (512 if value <= 80 else 0)
        | (1024 if raw in ("401", "403", "457") else 0)
        | (2048 if raw[0] == "0" else 0)
    )


@lru_cache(maxsize=1 << 18)
def parse_salary_text(
    text: str | None, country: str | None = None, currency_hint: str | None = None
) -> ParsedSalary:
    """Read the salary a text states. Pure and cached on its arguments.

    ``country`` (ISO alpha-2) decides a bare ``$``, ``kr`` or ``¥``; ``currency_hint`` (a
    source's currency field) decides them first and names the currency of a text without one.
    Returns :data:`NOTHING` when the text states no salary. A text longer than
    :data:`MAX_SALARY_TEXT_CHARS` is read up to there, and flagged ``truncated``.
    """
    if text and len(text) > MAX_SALARY_TEXT_CHARS:
        parsed = parse_salary_text(text[:MAX_SALARY_TEXT_CHARS], country, currency_hint)
        return parsed._replace(flags=(*parsed.flags, "truncated"))
    if not text or _DIGIT_RE.search(text) is None:
        return NOTHING
    s = idioms.rewrite(_normalise_text(text))
    skeleton = s.translate(_ZEROS)
    layout = _layout(skeleton)
    if not layout.spans:
        return NOTHING
    texts: list[str] = []
    values: list[float] = []
    classes: list[int] = []
    for start, end, style in layout.spans:
        raw = s[start:end]
        value = number_value(style, raw)
        texts.append(raw)
        values.append(value)
        classes.append(_value_class(value, raw, style))
    key = (skeleton, tuple(classes))
    if key in _PLANS:
        plan = _PLANS[key]
    else:
        plan = _make_plan(s, layout, texts)
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = plan
    if plan is None:
        return NOTHING
    parsed = _apply(plan, values, texts, country, currency_hint)
    if parsed.period == "month" and parsed.per_year == 12.0 and plan.months is None:
        months = idioms.months_of_pay(s)
        if months is not None and months != 12.0:
            flags = (*parsed.flags, f"months_per_year={months:g}")
            parsed = parsed._replace(per_year=months, flags=flags)
    better = idioms.refine(s, parsed, parse_salary_text, country, currency_hint)
    if better is None:
        return parsed
    flags = tuple(f for f in parsed.flags if f not in ("max_only", "min_only"))
    if better.flag == "min_only":
        flags = ("min_only", *flags)
    return parsed._replace(min=better.min, max=better.max, flags=(*flags, better.flag))


def _make_plan(s: str, layout: Layout, texts: Sequence[str]) -> Plan | None:
    items = [
        x if x.kind != NUM else _number_item(x.style, texts[x.num], x.start, x.end)
        for x in layout.items
    ]
    for x, template in zip(items, layout.items, strict=True):
        x.num = template.num
    ctx = Context(items)
    amounts = _build_amounts(items)
    _assess(ctx, amounts)
    groups = _groups(items, amounts)
    salary_groups = [g for g in groups if not _is_extra(items, g)]
    if not salary_groups:
        return None
    chosen = salary_groups[0]
    later = [g for g in groups if g.first > chosen.last]
    next_start = items[later[0].first].start if later else None
    cjk = not s.isascii() and _CJK_CHAR_RE.search(s) is not None
    bound = _bound_flags(items, chosen, cjk)
    flags = _flag_words(ctx)
    if len(salary_groups) > 1:
        flags.append("multiple_amounts")
    if "ote" in bound or (any(x.kind == OTE for x in items) and len(groups) == 1):
        flags.append("ote")
    period = _period(ctx, chosen, next_start)
    if period is None and any(item.kind == MSAL for item in items):
        period = "month"
    found = _currency_items(ctx, groups, chosen, s)
    # Lakh and crore figures ("6-10 Lacs", "₹8,00,000") quote the annual package (CTC).
    indian = "in" in (chosen.low.lang, chosen.high.lang) or items[chosen.first].style == "indian"
    return Plan(
        chosen.low.spec,
        chosen.high.spec,
        chosen.is_range,
        next((b for b in bound if b != "ote"), None),
        period,
        tuple(x.word.code for x in found if x.word is not None),
        _text_langs(s, items, chosen),
        items[chosen.first].style,
        tuple(dict.fromkeys(flags)),
        ctx.months_per_year,
        ctx.hours_per_week,
        ctx.days_per_week,
        "year" if indian else None,
    )


def _share(plan: Plan, a: float, b: float, values: Sequence[float]) -> tuple[float, float]:
    """'50-60k', '15-25 LPA', '1.5-2万': a multiplier written once applies to both ends;
    '$80-100,000': so do thousands written once."""
    fa, fb = plan.low.factor, plan.high.factor
    raw_b = values[plan.high.numbers[0]]
    if fa == 1.0 and fb != 1.0 and a < raw_b:
        return a * fb, b
    if fb == 1.0 and fa != 1.0 and b * fa >= a > b:
        return a, b * fa
    if fa == fb == 1.0 and a < 1000 <= b / 10 <= a * 1000 <= b:
        return a * 1000, b
    return a, b


def _apply(
    plan: Plan, values: Sequence[float], texts: Sequence[str], country: str | None, hint: str | None
) -> ParsedSalary:
    """The salary a plan reads from this text's numbers."""
    low = plan.low.value(values, texts)
    high = plan.high.value(values, texts) if plan.is_range else low
    if plan.is_range:
        low, high = _share(plan, low, high, values)
    flags = [plan.bound] if plan.bound else []
    flags += plan.flags
    if low > high:
        low, high = high, low
        flags.append("swapped")
    period = plan.period
    big_yen = "¥" in plan.codes and (high >= 2e6 or (period == "month" and high >= 2e5))
    currency, currency_flags = _choose_currency(
        plan.codes, country, hint, plan.langs, plan.grouping, big_yen
    )
    flags += currency_flags
    if period is None:
        period = plan.usual_period or _local_period(high, currency, country)
        flags.append("period_inferred")
    per_year = ANNUAL_FACTORS[period]
    if period == "month" and plan.months is not None:
        per_year = values[plan.months]
        flags.append(f"months_per_year={per_year:g}")
    elif period == "hour" and plan.hours is not None:
        per_year = values[plan.hours] * 52
        flags.append(f"hours_per_week={values[plan.hours]:g}")
    elif period == "day" and plan.days is not None:
        per_year = values[plan.days] * 52
        flags.append(f"days_per_week={values[plan.days]:g}")
    lo: float | None = None if plan.bound == "max_only" else low
    hi: float | None = None if plan.bound == "min_only" else high
    return ParsedSalary(lo, hi, currency, period, per_year, tuple(flags))


# --------------------------------------------------------------------------- structured fields


def _clean_amount(value: object) -> float | None:
    if type(value) is float:
        return value if 0 < value < math.inf else None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number > 0 else None


@lru_cache(maxsize=1024)
def period_from_field(value: str | None) -> Period | None:
    """A pay period from a source's interval field: 'yearly', 'per-hour-wage', '1 YEAR', 'month'."""
    if not value:
        return None
    for piece in re.split(r"[^\w.]+|_", value.lower()):
        word = _WORDS.get(piece)
        if word is not None and word.kind == PER:
            return word.period
        noun = _NOUNS.get(piece)
        if noun is not None and not noun.strict:
            return noun.period
    return None


@lru_cache(maxsize=4096)
def currency_from_field(value: str | None, country: str | None = None) -> str | None:
    """An ISO 4217 code from a source's currency field ('USD', 'usd', '$', '€')."""
    text = (value or "").strip()
    if len(text) == 3 and text.isalpha() and text.upper() in fx.known_currencies():
        return text.upper()
    word = _lookup(text.lower()) if text else None
    if word is None or word.kind != CUR:
        return None
    clues = CurrencyClues(country, None, frozenset(), "")
    return _resolve(word.code, clues)[0]


def parse_fields(
    min_amount: float | None,
    max_amount: float | None,
    currency: str | None = None,
    period: str | None = None,
    text: str | None = None,
    country: str | None = None,
) -> ParsedSalary | None:
    """Structured amounts as a :class:`ParsedSalary`; None when neither amount is usable.
    Missing currency or period come from ``text``, then the country, then the figure's size."""
    lo, hi = _clean_amount(min_amount), _clean_amount(max_amount)
    if lo is None and hi is None:
        return None
    flags: list[str] = []
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
        flags.append("swapped")
    if lo is None:
        flags.append("max_only")
    elif hi is None:
        flags.append("min_only")
    from_text = parse_salary_text(text, country) if text else NOTHING
    code = currency_from_field(currency, country) or from_text.currency
    if code is None and fx.country_currency(country):
        code = fx.country_currency(country)
        flags.append("currency_from_country")
    per = period_from_field(period) or from_text.period
    if per is None:
        per = infer_period(max(x for x in (lo, hi) if x is not None), code, country)
        flags.append("period_inferred")
    return ParsedSalary(lo, hi, code, per, ANNUAL_FACTORS[per], tuple(flags))


# --------------------------------------------------------------------------- convert


@dataclass(frozen=True, slots=True)
class Bounds:
    lower_usd: float
    upper_usd: float


@lru_cache(maxsize=1)
def _bounds_table() -> dict[str, Bounds]:
    return {
        row["country"]: Bounds(float(row["lower_usd"]), float(row["upper_usd"]))
        for row in fx.data_rows("salary_bounds.csv")
    }


def plausibility_bounds(country: str | None) -> Bounds:
    """Plausible annual salary in USD for a country (the default row when unknown)."""
    table = _bounds_table()
    return table.get(country or "*") or table["*"]


@dataclass(frozen=True, slots=True)
class Money:
    """Per-unit conversion of one currency for one country and date (cached)."""

    usd: float | None  # USD per unit; None: no rate
    ppp: float | None  # international $ per unit at the country's prices
    bounds: Bounds
    flags: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def money(currency: str, country: str | None, posted: dt.date | None) -> Money:
    place = country or fx.home_country(currency)
    bounds = plausibility_bounds(place)
    usd = fx.convert(1.0, currency, "USD", posted)
    if usd is None:
        return Money(None, None, bounds, ())
    ppp = fx.ppp_dollars(1.0, currency, place, posted) if place else None
    assumed = ("country_assumed",) if country is None and place is not None else ()
    return Money(usd.amount, ppp, bounds, usd.flags + assumed)


def _cents(value: float) -> float:
    return value if value.is_integer() else round(value, 2)


def annualise(parsed: ParsedSalary, extra_flags: tuple[str, ...] = ()) -> Salary:
    """The date-free half: annual figures in the stated currency, not yet converted.

    The status is ``none`` when nothing usable is stated, else a provisional ``parsed``
    that :func:`apply_money` settles.
    """
    low, high, code, period, per_year, flags = parsed
    if period is None or (low is None and high is None):
        return Salary("none", flags=extra_flags)
    factor = per_year or ANNUAL_FACTORS[period]
    annual_low = None if low is None else _cents(low * factor)
    annual_high = None if high is None else _cents(high * factor)
    return Salary(
        "parsed", low, high, code, period, annual_low, annual_high, flags=flags + extra_flags
    )


def apply_money(annual: Salary, rates: Money | None) -> Salary:
    """The date-dependent half: USD and PPP midpoints, and the status.

    The pipeline does the same arithmetic in SQL over many rows at once
    (``jobatlas.pipeline``); a test keeps the two equal.
    """
    if annual.status == "none":
        return annual
    bottom = annual.annual_max if annual.annual_min is None else annual.annual_min
    top = annual.annual_min if annual.annual_max is None else annual.annual_max
    assert bottom is not None and top is not None
    mid = (bottom + top) / 2
    flags = annual.flags
    status: SalaryStatus = "parsed"
    usd = ppp = None
    if rates is None:
        status = "unknown_currency"
    elif rates.usd is None:
        status = "no_rate"
    else:
        usd = _cents(mid * rates.usd)
        ppp = None if rates.ppp is None else _cents(mid * rates.ppp)
        flags += rates.flags
        bounds = rates.bounds
        if bottom * rates.usd < bounds.lower_usd or top * rates.usd > bounds.upper_usd:
            status = "implausible"
    return replace(annual, status=status, annual_usd_mid=usd, annual_ppp_mid=ppp, flags=flags)


def convert_parsed(
    parsed: ParsedSalary,
    country: str | None = None,
    posted: dt.date | None = None,
    extra_flags: tuple[str, ...] = (),
) -> Salary:
    """Annualise, convert to USD at ``posted`` and to international $, and check bounds."""
    return settle(annualise(parsed, extra_flags), country, posted)


def settle(annual: Salary, country: str | None, posted: dt.date | None) -> Salary:
    """Apply the rates of the annual figure's currency, in ``country``, on ``posted``."""
    code = annual.currency
    return apply_money(annual, money(code, country, posted) if code else None)


# --------------------------------------------------------------------------- public API


@lru_cache(maxsize=1024)
def _country(country: str | None) -> str | None:
    """An ISO alpha-2 code from a code ("gb", "UK") or, failing that, a country name."""
    text = (country or "").strip()
    code = text.upper()
    if len(code) == 2 and code.isalpha():
        return {"UK": "GB", "EL": "GR"}.get(code, code)
    if len(text) < 4:
        return None
    import pycountry

    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


def posting_date(text: str | None) -> dt.date | None:
    """The date of an ISO date or timestamp string ("2024-03-12", "2024-03-12 10:00:00+05:30")."""
    head = (text or "").strip()[:10]
    try:
        return dt.date.fromisoformat(head) if len(head) == 10 else None
    except ValueError:
        return None


OUTPUT_COLUMNS: Final = (
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_annual_min",
    "salary_annual_max",
    "salary_annual_usd_mid",
    "salary_annual_ppp_mid",
    "salary_status",
    "salary_flags",
)


def salary_columns(salary: Salary) -> dict[str, object]:
    """The CSV columns of a salary: plain numbers in currency units, flags joined by ";"."""
    return {
        "salary_min": salary.min,
        "salary_max": salary.max,
        "salary_currency": salary.currency,
        "salary_period": salary.period,
        "salary_annual_min": salary.annual_min,
        "salary_annual_max": salary.annual_max,
        "salary_annual_usd_mid": salary.annual_usd_mid,
        "salary_annual_ppp_mid": salary.annual_ppp_mid,
        "salary_status": salary.status,
        "salary_flags": ";".join(salary.flags),
    }


def normalize_salary(
    text: str | None = None,
    *,
    min_amount: float | None = None,
    max_amount: float | None = None,
    currency: str | None = None,
    period: str | None = None,
    country: str | None = None,
    posted: dt.date | None = None,
    estimated: bool = False,
) -> Salary:
    """The salary of one posting, from structured fields when present, else from ``text``.

    ``country`` (ISO alpha-2) decides a bare ``$`` and sets PPP factor and plausibility bounds;
    ``posted`` is the conversion date (None: latest rate); ``estimated`` marks pay that the
    source estimated. ``currency`` with text only is a hint for an unnamed or ambiguous one.
    A text longer than :data:`MAX_SALARY_TEXT_CHARS` is read up to there (flag ``truncated``).
    """
    day = posted.date() if isinstance(posted, dt.datetime) else posted
    if not isinstance(day, dt.date | None):  # a date string, or a missing value from a frame
        day = posting_date(day) if isinstance(day, str) else None
    return _normalize(
        text if isinstance(text, str) else None,
        min_amount,
        max_amount,
        currency if isinstance(currency, str) else None,
        period if isinstance(period, str) else None,
        _country(country) if isinstance(country, str) else None,
        day,
        estimated,
    )


@lru_cache(maxsize=1 << 18)
def _normalize(
    text: str | None,
    min_amount: float | None,
    max_amount: float | None,
    currency: str | None,
    period: str | None,
    country: str | None,
    posted: dt.date | None,
    estimated: bool,
) -> Salary:
    annual = parse_salary(
        text,
        min_amount=min_amount,
        max_amount=max_amount,
        currency=currency,
        period=period,
        country=country,
        estimated=estimated,
    )
    return settle(annual, country, posted)


@lru_cache(maxsize=1 << 18)
def parse_salary(
    text: str | None = None,
    *,
    min_amount: float | None = None,
    max_amount: float | None = None,
    currency: str | None = None,
    period: str | None = None,
    country: str | None = None,
    estimated: bool = False,
) -> Salary:
    """What a posting states, annualised but not converted (see :func:`normalize_salary`).

    The result does not depend on the posting date, so callers with many postings parse
    each distinct input once and apply the date's rates afterwards (:func:`apply_money`).
    A text longer than :data:`MAX_SALARY_TEXT_CHARS` is read up to there (flag ``truncated``).
    """
    cut: tuple[str, ...] = ()
    if text is not None and len(text) > MAX_SALARY_TEXT_CHARS:
        text, cut = text[:MAX_SALARY_TEXT_CHARS], ("truncated",)
    parsed = None
    if min_amount is not None or max_amount is not None:
        parsed = parse_fields(min_amount, max_amount, currency, period, text, country)
    if parsed is None:
        hint = currency_from_field(currency, country) if currency else None
        parsed = parse_salary_text(text, country, hint) if text else NOTHING
    extra = ("estimated",) if estimated and "estimated" not in parsed.flags else ()
    return annualise(parsed, extra + cut)


def _with_flags(salary: Salary, flags: Iterable[str]) -> Salary:
    merged = tuple(dict.fromkeys((*salary.flags, *flags)))
    return Salary(
        salary.status,
        salary.min,
        salary.max,
        salary.currency,
        salary.period,
        salary.annual_min,
        salary.annual_max,
        salary.annual_usd_mid,
        salary.annual_ppp_mid,
        merged if salary.status != "none" else salary.flags,
    )


def from_greenhouse_pay_ranges(
    ranges: Sequence[Mapping[str, object]],
    *,
    period: str | None = None,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Greenhouse ``pay_input_ranges`` (integer cents, no period field: pass ``period`` if the
    description states it, else the size of the figure decides). Several ranges (pay zones) in
    one currency give their envelope, flagged ``multiple_ranges``."""
    usable = [
        r for r in ranges if _clean_amount(r.get("min_cents")) or _clean_amount(r.get("max_cents"))
    ]
    if not usable:
        return Salary("none")
    code = str(usable[0].get("currency_type") or "") or None
    same = [r for r in usable if (str(r.get("currency_type") or "") or None) == code]
    lows = [x / 100 for r in same if (x := _clean_amount(r.get("min_cents"))) is not None]
    highs = [x / 100 for r in same if (x := _clean_amount(r.get("max_cents"))) is not None]
    salary = normalize_salary(
        min_amount=min(lows) if lows else None,
        max_amount=max(highs) if highs else None,
        currency=code,
        period=period,
        country=country,
        posted=posted,
    )
    return _with_flags(salary, ["multiple_ranges"] if len(same) > 1 else [])


def from_lever_salary_range(
    salary_range: Mapping[str, object],
    *,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Lever ``salaryRange`` ``{currency, interval, min, max}`` (amounts in currency units)."""
    interval = salary_range.get("interval")
    code = salary_range.get("currency")
    return normalize_salary(
        min_amount=_clean_amount(salary_range.get("min")),
        max_amount=_clean_amount(salary_range.get("max")),
        currency=code if isinstance(code, str) else None,
        period=interval if isinstance(interval, str) else None,
        country=country,
        posted=posted,
    )


def _components(compensation: Mapping[str, object]) -> list[Mapping[str, object]]:
    summary = compensation.get("summaryComponents")
    if isinstance(summary, list) and summary:
        return [c for c in summary if isinstance(c, Mapping)]
    tiers = compensation.get("compensationTiers")
    found: list[Mapping[str, object]] = []
    for tier in tiers if isinstance(tiers, list) else []:
        parts = tier.get("components") if isinstance(tier, Mapping) else None
        found += [c for c in parts if isinstance(c, Mapping)] if isinstance(parts, list) else []
    return found


def from_ashby_compensation(
    compensation: Mapping[str, object],
    *,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Ashby ``compensation``: its ``Salary`` components (currency units, interval "1 YEAR");
    equity and other components are noted (``extras_excluded``), not added. Without a salary
    component the summary text is parsed."""
    components = _components(compensation)
    pay = [c for c in components if c.get("compensationType") == "Salary"]
    extras = ["extras_excluded"] if len(pay) < len(components) else []
    if not pay:
        text = compensation.get("scrapeableCompensationSalarySummary") or compensation.get(
            "compensationTierSummary"
        )
        salary = normalize_salary(
            text if isinstance(text, str) else None, country=country, posted=posted
        )
        return _with_flags(salary, extras)
    first = pay[0]
    code, interval = first.get("currencyCode"), first.get("interval")
    same = [c for c in pay if c.get("currencyCode") == code and c.get("interval") == interval]
    lows = [x for c in same if (x := _clean_amount(c.get("minValue"))) is not None]
    highs = [x for c in same if (x := _clean_amount(c.get("maxValue"))) is not None]
    salary = normalize_salary(
        min_amount=min(lows) if lows else None,
        max_amount=max(highs) if highs else None,
        currency=code if isinstance(code, str) else None,
        period=interval if isinstance(interval, str) else None,
        country=country,
        posted=posted,
    )
    return _with_flags(salary, extras + (["multiple_ranges"] if len(same) > 1 else []))

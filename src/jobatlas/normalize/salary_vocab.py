# ruff: noqa: RUF001  (multilingual vocabulary, on purpose)
"""Salary vocabulary: what each word, symbol and phrase of a salary text means.

Currencies (symbols, codes and words, with the signs that several currencies share and how a
country or a language decides them), multipliers (k, M, lakh, crore), pay periods and period
nouns in many languages, qualifiers (up to, from, OTE, extras) and the token kinds that
:mod:`jobatlas.normalize.salary_tokens` assigns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from jobatlas.models import Period

CUR, MULT, CJKU, PER, NOUN, PERW = "cur", "mult", "cjku", "per", "noun", "perw"
CONN, TO, AND, BETWEEN, QMIN, QMAX = "conn", "to", "and", "between", "qmin", "qmax"
OTE, EST, EMPEST, EXTRA, INCL, PLUS = "ote", "est", "empest", "extra", "incl", "plus"
NET, PRORATA, MSAL, UNIT, PREX, NUM, OTHER = "net", "prorata", "msal", "unit", "prex", "num", ""
SALW, FILL = "salw", "fill"


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


def word_set(text: str) -> frozenset[str]:
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

WORDS: Final = _table(
    {**_CURRENCY_WORDS, **_MULTIPLIER_WORDS, **_PERIOD_WORDS, **_OTHER_WORDS, **_SYMBOL_WORDS}
)
NOUNS: Final = {
    t: n for spec in (_NOUN_SPEC, _CJK_NOUNS) for ts, n in spec.items() for t in ts.split()
}
CJK_WORDS: Final = {**_table(_CJK_SPEC), **{t: Word(NOUN) for t in NOUNS if not t.isascii()}}
CJK_MAX = max(len(t) for t in CJK_WORDS)


def _phrases() -> dict[str, list[tuple[tuple[str, ...], Word]]]:
    table: dict[str, list[tuple[tuple[str, ...], Word]]] = {}
    for text, word in _PHRASE_SPEC:
        first, *rest = text.split()
        table.setdefault(first, []).append((tuple(rest), word))
    for options in table.values():
        options.sort(key=lambda option: -len(option[0]))
    return table


PHRASES: Final = _phrases()

# Currencies an ambiguous sign can stand for; the posting's country picks among them.
AMBIGUOUS: Final[Mapping[str, frozenset[str]]] = {
    "$": word_set(
        "USD CAD AUD NZD SGD HKD MXN ARS CLP COP UYU TWD DOP CUP JMD TTD BSD BBD BZD BMD KYD "
        "FJD NAD LRD GYD SRD BND SBD XCD"
    ),
    "£": word_set("GBP EGP LBP SYP SSP SDG GIP FKP SHP"),
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
    "dinar": word_set("KWD BHD JOD IQD TND DZD LYD RSD"),
}
# What an ambiguous sign means when neither the country nor the text decides; a flag says so
# when the reading is a convention rather than near-certain.
DEFAULTS: Final[Mapping[str, tuple[str, bool]]] = {
    "$": ("USD", True),
    "£": ("GBP", False),
    "元": ("CNY", False),
    "rs": ("INR", True),
    "lei": ("RON", False),
}
LANG_CURRENCY: Final[Mapping[str, str]] = {
    "ja": "JPY",
    "zh": "CNY",
    "ko": "KRW",
    "sv": "SEK",
    "nb": "NOK",
    "da": "DKK",
    "in": "INR",
}
# Countries where a script or word cue is native: there the country's own currency is meant.
LANG_COUNTRIES: Final[Mapping[str, frozenset[str]]] = {
    "zh": frozenset({"CN", "TW", "HK", "MO", "SG", "MY"}),
    "in": frozenset({"IN", "PK", "BD", "NP", "LK"}),
}
# ISO codes that are also common words: they count only in capitals, next to an amount.
WORDLIKE_CODES: Final = word_set("all top cup pen mad bob gel mop sos try cop rub bam ars sar ron")

"""Throughput of the salary normaliser on distinct strings, and the load time of its rates.

All inputs are SYNTHETIC: salary strings rendered from hand-written templates (the formats of
UK boards, Glassdoor, and ~15 countries) with random amounts, so that nearly every string is
distinct. Run: python benchmarks/bench_salary.py [--n 100000] [--worst-size 100000] [--worst-only]

Worst case: the slowest of 5 calls (CPU and wall time) of ``normalize_salary`` on SYNTHETIC
hostile texts of ``--worst-size`` characters, all caches emptied before each call and garbage
collection off during it (as ``timeit``).
"""

# ruff: noqa: RUF001  (salary formats from many countries, on purpose)
from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable

from timing import timed

# (template, country): {a} < {b} are amounts in the template's own scale
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("£{a:,} - £{b:,} per annum", "GB"),
    ("£{ak}k - £{bk}k + bonus", "GB"),
    ("Up to £{b:,} per annum + benefits", "GB"),
    ("£{d} - £{e} per day", "GB"),
    ("£{h}.50 per hour", "GB"),
    ("${ak}K - ${bk}K (Glassdoor est.)", "US"),
    ("${h}-${i} Per Hour (Employer est.)", "US"),
    ("${a:,} - ${b:,} a year", "US"),
    ("From ${a:,} a year", "US"),
    ("Employer Provided Salary:${ak}K-${bk}K", ""),
    ("₹{l} - ₹{m} LPA", "IN"),
    ("{l}-{m} LPA", "IN"),
    ("Rs. {a:,} - {b:,} per month", "IN"),
    ("月給{l}万円～{m}万円", "JP"),
    ("年収{m}00万円", "JP"),
    ("{ak}k-{bk}k·{n}薪", "CN"),
    ("연봉 {l},000만원 ~ {m},000만원", "KR"),
    ("{a_dot} € - {b_dot} € brutto/Jahr", "DE"),
    ("{ak}K€ - {bk}K€ brut annuel", "FR"),
    ("R$ {d}.000,00 mensal", "BR"),
    ("CHF {ak}'000 - {bk}'000", "CH"),
    ("zł {l} 000 - {m} 000 mies.", "PL"),
    ("kr {l} 000 per måned", "NO"),
    ("S${d},000 - S${e},000 per month", "SG"),
    ("${a:,} - ${b:,} + super", "AU"),
    ("AED {d},000 per month", "AE"),
    ("Competitive", "GB"),
    ("DOE", ""),
    ("-1", "US"),
)


def synthetic_strings(n: int, seed: int = 5) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for _ in range(n):
        template, country = rng.choice(TEMPLATES)
        a = rng.randrange(20_000, 150_000, 500)
        b = a + rng.randrange(5_000, 60_000, 500)
        d = rng.randrange(2, 90)
        fields = {
            "a": a,
            "b": b,
            "ak": a // 1000,
            "bk": b // 1000,
            "a_dot": f"{a:,}".replace(",", "."),
            "b_dot": f"{b:,}".replace(",", "."),
            "d": d,
            "e": d + rng.randrange(1, 40),
            "h": rng.randrange(10, 80),
            "i": rng.randrange(80, 150),
            "l": rng.randrange(3, 30),
            "m": rng.randrange(30, 99),
            "n": rng.randrange(12, 17),
        }
        out.append((template.format(**fields), country))
    return out


def report(label: str, count: int, wall: float, cpu: float) -> None:
    """Strings per second of CPU time (what the code costs on a shared machine) and of wall time."""
    print(f"{label:56s} {count / cpu:>10,.0f} /s CPU {count / wall:>10,.0f} /s wall")


def rate(label: str, items: list[tuple[str, str]], fn: Callable[[str, str], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    for text, country in items:
        fn(text, country)
    report(label, len(items), time.perf_counter() - wall, time.process_time() - cpu)


def hostile_texts(size: int) -> dict[str, str]:
    """SYNTHETIC hostile salary texts of ``size`` characters, one per shape."""

    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "one long word": "x" * size,
        "digits": "1" * size,
        "amounts and signs": repeat("$1,000 - £2.000,50 ¥3 000 €4k "),
        "Indian grouping": repeat("12,34,"),
        "CJK amounts": repeat("月給30万円～"),
        "words between amounts": repeat("between 1 and 2 per hour up to "),
        "run of spaces": "1" + " " * (size - 2) + "2",
        "bidi, NUL, controls": repeat("\u202e1\u200f\x00\x07\u2028 "),
    }


def worst_case(size: int, repeat: int = 5) -> None:
    """The slowest of ``repeat`` calls on each hostile text, every cache emptied first."""
    from jobatlas.normalize import salary

    worst_of_all = [0.0, 0.0]
    for name, text in hostile_texts(size).items():
        worst = [0.0, 0.0]
        for _ in range(repeat):
            clear_caches()
            salary.parse_salary.cache_clear()
            times = timed(lambda: salary.normalize_salary(text, country="US"))  # noqa: B023
            worst = [max(both) for both in zip(worst, times, strict=True)]
        worst_of_all = [max(both) for both in zip(worst_of_all, worst, strict=True)]
        cpu_ms, wall_ms = (x * 1000 for x in worst)
        print(f"  {name:54s} {cpu_ms:9.1f} ms CPU {wall_ms:9.1f} ms wall")
    cpu_ms, wall_ms = (x * 1000 for x in worst_of_all)
    print(
        f"worst normalize_salary, {size:,} characters: {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall"
    )


def clear_caches() -> None:
    from jobatlas.normalize import salary, salary_text

    salary.parse_salary_text.cache_clear()
    salary._normalize.cache_clear()
    salary_text._PLANS.clear()
    salary_text._layout.cache_clear()


def load_times() -> None:
    cpu = time.process_time()
    from currency_converter import CurrencyConverter

    CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    seconds = time.process_time() - cpu
    print(f"{'currencyconverter.CurrencyConverter() build (CPU)':56s} {seconds:>10.3f} s")
    from jobatlas.normalize import currency, salary

    cpu = time.process_time()
    currency.ecb_rates()
    seconds = time.process_time() - cpu
    print(f"{'jobatlas ECB arrays load, same bundled zip (CPU)':56s} {seconds:>10.3f} s")
    cpu = time.process_time()
    currency.ppp_factor("US")
    salary.plausibility_bounds("US")
    currency.countries()
    seconds = time.process_time() - cpu
    print(f"{'PPP table, bounds, country currencies load (CPU)':56s} {seconds:>10.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--worst-size", type=int, default=100_000)
    parser.add_argument("--worst-only", action="store_true", help="only the worst case")
    args = parser.parse_args()
    load_times()
    worst_case(args.worst_size)
    if args.worst_only:
        return
    from jobatlas.normalize import salary

    strings = list(dict.fromkeys(synthetic_strings(args.n)))
    print(f"{len(strings):,} distinct synthetic strings")
    day = dt.date(2024, 6, 14)

    def text_call(text: str, country: str) -> object:
        return salary.normalize_salary(text, country=country or None, posted=day)

    clear_caches()
    rate("parse_salary_text, distinct, all caches cold", strings, salary.parse_salary_text)
    for _ in range(3):
        salary.parse_salary_text.cache_clear()
        rate("parse_salary_text, distinct, shape plans warm", strings, salary.parse_salary_text)
    clear_caches()
    rate("normalize_salary(text), distinct, all caches cold", strings, text_call)
    for _ in range(3):
        salary.parse_salary_text.cache_clear()
        salary._normalize.cache_clear()
        rate("normalize_salary(text), distinct, shape plans warm", strings, text_call)
    rate("normalize_salary(text), repeated (cached)", strings, text_call)

    rng = random.Random(7)
    rows = [
        (
            float(rng.randrange(40_000, 250_000)),
            rng.choice(("year", "hour")),
            rng.choice((None, "US", "IN", "GB")),
            dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)),
        )
        for _ in range(args.n)
    ]
    for _ in range(3):
        salary._normalize.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        for avg, period, country, posted in rows:
            amount = avg if period == "year" else round(avg / 2080, 2)
            salary.normalize_salary(min_amount=amount, max_amount=amount, currency="USD",
                                    period=period, country=country, posted=posted)  # fmt: skip
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        report("normalize_salary(structured, google-jobs-like), distinct", len(rows), wall, cpu)


if __name__ == "__main__":
    main()

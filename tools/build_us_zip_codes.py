"""Build ``jobatlas/data/us_zip_codes.csv.gz``: the USPS city and state of every active US ZIP code.

A posting that gives a ZIP code and no town ("94105" from a US board, "TX 78701") is read as
the ZIP code's city (``jobatlas.normalize.postcodes.us_zip_city``). The ``zipcodes`` package
(PyPI, MIT) ships the USPS city of every ZIP code. Run at release::

    pip install zipcodes
    python tools/build_us_zip_codes.py

Active ``STANDARD``, ``PO BOX`` and ``UNIQUE`` codes are kept (a unique code belongs to one
organisation, at the city it gives); military codes (APO/FPO) name no US town and are left out.
"""

from __future__ import annotations

import gzip
from pathlib import Path

TARGET = (
    Path(__file__).resolve().parent.parent / "src" / "jobatlas" / "data" / "us_zip_codes.csv.gz"
)
HEADER = """\
# The USPS city and state of each active US ZIP code (standard, PO box and unique codes; no
# military codes), read when a US posting gives a ZIP code and no town ("94105", "TX 78701").
# Source: the zipcodes package (PyPI, MIT licence; ZIP data from the USPS, public domain).
# Built by tools/build_us_zip_codes.py; read by jobatlas.normalize.postcodes.
zip,city,state
"""


def main() -> None:
    import zipcodes

    rows = sorted(
        (z["zip_code"], z["city"], z["state"])
        for z in zipcodes.list_all()
        if z["active"] and z["zip_code_type"] in ("STANDARD", "PO BOX", "UNIQUE")
    )
    if any("," in city or '"' in city for _, city, _ in rows):
        raise SystemExit("a city name holds a comma or a quote")
    text = HEADER + "".join(f"{code},{city},{state}\n" for code, city, state in rows)
    TARGET.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes, {len(rows):,} ZIP codes")


if __name__ == "__main__":
    main()

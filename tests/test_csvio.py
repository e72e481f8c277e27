"""Reading the CSVs that classify, locate and salary annotate."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobatlas.csvio import read_rows, sniff_delimiter


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        ("title,location\nML Engineer,Paris\n", ","),
        ("title;location\nML Engineer;Paris, FR\n", ";"),
        ("title\tlocation\nML Engineer\tParis\n", "\t"),
        ("title|location\nML Engineer|Paris\n", "|"),
        ("title\nML Engineer; Data\n", ","),
    ],
)
def test_the_delimiter_is_read_from_the_header(content: str, delimiter: str) -> None:
    assert sniff_delimiter(content) == delimiter


def test_a_byte_order_mark_and_semicolons_are_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufefftitle;location\nIngénieur IA;Lyon, France\n".encode())
    header, rows = read_rows(str(path), ["title", "location"])
    assert header == ["title", "location"]
    assert rows == [{"title": "Ingénieur IA", "location": "Lyon, France"}]

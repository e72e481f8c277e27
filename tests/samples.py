"""Small synthetic inputs shared by the tests (employers and URLs are made up)."""

from __future__ import annotations

import csv
from pathlib import Path


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# A few canonical-schema rows written for tests (synthetic; employers are made up).
CANONICAL_ROWS = [
    {
        "title": "Machine Learning Engineer",
        "company": "Example Robotics",
        "location": "Seattle, WA",
        "salary_text": "$150,000 - $190,000 a year",
        "posted_at": "2024-03-01",
        "url": "https://jobs.example.com/1",
    },
    {
        "title": "Data Analyst",
        "company": "Example Retail",
        "location": "Austin, TX",
        "salary_text": "",
        "posted_at": "2024-03-02",
        "url": "https://jobs.example.com/2",
    },
    {
        "title": "Senior NLP Scientist",
        "company": "Example Labs",
        "location": "London, UK",
        "salary_text": "£90,000 - £110,000 per annum",
        "posted_at": "2024-03-03",
        "url": "https://jobs.example.com/3",
    },
]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV the tests wrote or a command produced."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def late_failing_csv(path: Path, rows: int = 150_000) -> Path:
    """A CSV whose last line opens a quote it never closes: Arrow's fast reader gives up
    only after it has read the rows before it, and the careful reader starts again."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("title,company,location\n")
        for i in range(rows):
            fh.write(f"ML Engineer {i % 1000},Acme {i % 7},Seattle WA\n")
        fh.write('Broken,"row\n')
    return path

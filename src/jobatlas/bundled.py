"""Where the bundled real postings live inside the installed package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUNDLED_NAME = "google-jobs-2023"


def bundled_postings() -> Path:
    """Path of the bundled Google Jobs 2023 extract (see data/google_jobs_2023/README.md)."""
    entry = (
        resources.files("jobatlas.data") / "google_jobs_2023" / "data_jobs_salary_all_2023.csv.gz"
    )
    return Path(str(entry))

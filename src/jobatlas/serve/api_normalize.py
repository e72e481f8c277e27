"""POST /api/classify, /api/locate and /api/salary: the library's normalisers on lists.

The bodies use the parameter names of ``jobatlas.api.classify``, ``locate`` and
``parse_salaries``, and each answer's ``results`` holds the rows those functions return.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from jobatlas.api import classify, locate, parse_salaries
from jobatlas.serve.models import ClassifyBody, LocateBody, SalaryBody
from jobatlas.serve.postings import plain

router = APIRouter(prefix="/api", tags=["normalisers"])


def _results(rows: Any) -> dict[str, Any]:
    return {"results": [plain(dict(r)) for r in rows]}


@router.post("/classify", summary="Classify job titles as AI/ML (jobatlas.api.classify)")
async def post_classify(body: ClassifyBody) -> dict[str, Any]:
    rows = await run_in_threadpool(classify, body.titles, body.descriptions)
    return _results(rows)


@router.post("/locate", summary="Resolve locations to city, metro, country (jobatlas.api.locate)")
async def post_locate(body: LocateBody) -> dict[str, Any]:
    rows = await run_in_threadpool(locate, body.locations, body.country_hints)
    return _results(rows)


@router.post("/salary", summary="Parse salaries (jobatlas.api.parse_salaries)")
async def post_salary(body: SalaryBody) -> dict[str, Any]:
    rows = await run_in_threadpool(
        parse_salaries, body.texts, body.countries, body.dates, body.currencies
    )
    return _results(rows)

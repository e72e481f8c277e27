"""The ``employers`` relation of a Spark output: the employer of every company name.

The grouping (``normalize.employers.EmployerGrouping``) looks at all the names together, so
it runs on the driver, as for the store (``store.employers``): Spark counts the postings of
each distinct name, the names stream to the driver in batches, and only each name's own key
is kept beside it, in Arrow, until the employers of the keys are looked up in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from jobatlas.normalize.employers import EmployerGrouping

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

EMPLOYERS = "employers"
"""The folder of the relation, beside ``postings``."""
_BATCH = 100_000


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


def employer_table(postings: DataFrame) -> pa.Table:
    """Every company name of ``postings`` with its postings, employer key and display name
    (both None for a name with no key): the columns of the store's ``employers``."""
    names = postings.where("company IS NOT NULL").groupBy("company").count()
    grouping = EmployerGrouping()
    batches = []
    for rows in _batches(names.toLocalIterator(prefetchPartitions=True), _BATCH):
        companies, counts = [r[0] for r in rows], [r[1] for r in rows]
        keys = [grouping.add(c, n) for c, n in zip(companies, counts, strict=True)]
        batches.append(grouping.batch(companies, counts, keys))
    return grouping.table(batches)


def write_employers(postings: DataFrame, out: str) -> int:
    """Group the company names of ``postings`` and write them under ``out``; returns the
    number of names."""
    table = employer_table(postings)
    postings.sparkSession.createDataFrame(table).write.parquet(f"{out.rstrip('/')}/{EMPLOYERS}")
    return int(table.num_rows)

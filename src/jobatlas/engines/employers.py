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
import pyarrow.compute as pc

from jobatlas.normalize.employers import EmployerGrouping

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

EMPLOYERS = "employers"
"""The folder of the relation, beside ``postings``."""
_BATCH = 100_000
_SCHEMA = pa.schema(
    [("company", pa.string()), ("n_postings", pa.int64()), ("own_key", pa.string())]
)


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
        batches.append(
            pa.record_batch(
                [
                    pa.array([r[0] for r in rows], pa.string()),
                    pa.array([r[1] for r in rows], pa.int64()),
                    pa.array([grouping.add(r[0], r[1]) for r in rows], pa.string()),
                ],
                schema=_SCHEMA,
            )
        )
    employers = grouping.employers()
    table = pa.Table.from_batches(batches, schema=_SCHEMA)
    at = pc.index_in(table.column("own_key"), value_set=pa.array(list(employers), pa.string()))
    found = list(employers.values())
    return pa.table(
        {
            "company": table.column("company"),
            "n_postings": table.column("n_postings"),
            "employer_key": pa.array([e.key for e in found], pa.string()).take(at),
            "employer_name": pa.array([e.name for e in found], pa.string()).take(at),
        }
    )


def write_employers(postings: DataFrame, out: str) -> int:
    """Group the company names of ``postings`` and write them under ``out``; returns the
    number of names."""
    table = employer_table(postings)
    postings.sparkSession.createDataFrame(table).write.parquet(f"{out.rstrip('/')}/{EMPLOYERS}")
    return int(table.num_rows)

"""The data families the API takes and gives back: pandas, polars, pyarrow and plain lists.

Every function of the API reads its input as Python values and builds its result as one
Arrow table, then hands it back in the family it was given: a pandas Series gives a pandas
DataFrame (with the Series' index), a polars Series a polars DataFrame, a pyarrow array a
pyarrow Table, and a list or tuple a list of dicts. pandas and polars are imported only when
the caller passes their objects, so neither is a dependency of jobatlas.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pyarrow as pa

from jobatlas.errors import InputError

Family = Literal["pandas", "polars", "arrow", "list"]
Key = TypeVar("Key", bound=Hashable)

_ACCEPTED = "a pandas or polars Series, a pyarrow Array or ChunkedArray, a list or a tuple"
_ACCEPTED_TABLES = "a pandas or polars DataFrame, a pyarrow Table or a list of dicts"


def _library(obj: object) -> str:
    return type(obj).__module__.partition(".")[0]


def family_of(obj: object, what: str) -> Family:
    """The family of a column given as ``what``; anything else is an ``InputError``."""
    library = _library(obj)
    name = type(obj).__name__
    if library == "pandas" and name == "Series":
        return "pandas"
    if library == "polars" and name == "Series":
        return "polars"
    if isinstance(obj, pa.Array | pa.ChunkedArray):
        return "arrow"
    if isinstance(obj, list | tuple):
        return "list"
    raise InputError(f"{what}: got {name}", hint=f"give {_ACCEPTED}")


def table_family_of(obj: object, what: str) -> Family:
    """The family of a table of postings given as ``what``."""
    library = _library(obj)
    name = type(obj).__name__
    if library == "pandas" and name == "DataFrame":
        return "pandas"
    if library == "polars" and name in ("DataFrame", "LazyFrame"):
        return "polars"
    if isinstance(obj, pa.Table | pa.RecordBatch):
        return "arrow"
    if isinstance(obj, list | tuple) and all(isinstance(row, dict) for row in obj):
        return "list"
    raise InputError(f"{what}: got {name}", hint=f"give {_ACCEPTED_TABLES}")


def is_missing(value: object) -> bool:
    """None, NaN, pandas' NA and NaT: the missing values of every family."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def text(value: object) -> str | None:
    """A value as text: strings as they are, missing values as None, others by ``str``."""
    if isinstance(value, str):
        return value
    return None if is_missing(value) else str(value)


def day(value: object) -> dt.date | None:
    """A posting date from a date, a datetime (pandas' Timestamp too) or an ISO string."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    head = str(value).strip()[:10]
    try:
        return dt.date.fromisoformat(head) if len(head) == 10 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Column:
    """A column read as Python values, with what it takes to give results back like it."""

    family: Family
    values: list[Any]
    index: Any = None  # a pandas Series' index, kept on the result


def read_column(obj: object, what: str) -> Column:
    family = family_of(obj, what)
    data: Any = obj
    if family == "pandas":
        return Column(family, list(data.tolist()), data.index)
    if family == "polars":
        return Column(family, list(data.to_list()))
    if family == "arrow":
        return Column(family, list(data.to_pylist()))
    return Column(family, list(data))


def read_columns(
    first: object, name: str, others: dict[str, object | None]
) -> tuple[Column, dict[str, list[Any] | None]]:
    """The main column and the optional ones beside it, which must be as long as it."""
    main = read_column(first, name)
    read: dict[str, list[Any] | None] = {}
    for other_name, other in others.items():
        if other is None:
            read[other_name] = None
            continue
        values = read_column(other, other_name).values
        if len(values) != len(main.values):
            raise InputError(
                f"{other_name}: {len(values):,} values for {len(main.values):,} {name}",
                hint="give one value per row (None where there is none)",
            )
        read[other_name] = values
    return main, read


def map_distinct(
    keys: Sequence[Key], work: Callable[[Key], dict[str, Any]], schema: pa.Schema
) -> pa.Table:
    """``work`` once per distinct key, its results spread back over every row in order."""
    position: dict[Key, int] = {}
    indices = [position.setdefault(key, len(position)) for key in keys]
    results = [work(key) for key in position]
    distinct = pa.table(
        {f.name: pa.array([r[f.name] for r in results], type=f.type) for f in schema},
        schema=schema,
    )
    return distinct.take(pa.array(indices, type=pa.int64()))


def give_back(table: pa.Table, family: Family, index: Any = None) -> Any:
    """``table`` in the caller's family: see the module docstring."""
    if family == "pandas":
        pd = importlib.import_module("pandas")  # untyped: loaded by name
        # nullable integers and booleans: a missing geonameid stays missing, not NaN
        nullable = {
            pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(),
            pa.bool_(): pd.BooleanDtype(),
        }
        frame = table.to_pandas(types_mapper=nullable.get)
        if index is not None:
            frame.index = index
        return frame
    if family == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if family == "arrow":
        return table
    return table.to_pylist()


def read_table(obj: object, what: str) -> tuple[Family, pa.Table]:
    """A table of postings as an Arrow table, every column kept (types as given)."""
    family = table_family_of(obj, what)
    data: Any = obj
    if family == "pandas":
        table = _from_pandas(data)
    elif family == "polars":
        table = (data.collect() if type(data).__name__ == "LazyFrame" else data).to_arrow()
    elif family == "arrow":
        table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    else:
        table = _from_dicts(data)
    names = [str(n) for n in table.column_names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"{what}: column names repeat: {', '.join(repeated)}")
    return family, table.rename_columns(names)


def _from_pandas(frame: Any) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # a column mixing types (text and numbers, say): read it as text, as a file would be
        columns = {
            str(name): pa.array([text(v) for v in frame[name].tolist()], pa.string())
            for name in frame.columns
        }
        return pa.table(columns)


def _from_dicts(rows: Sequence[dict[str, Any]]) -> pa.Table:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table(
        {str(k): pa.array([text(row.get(k)) for row in rows], pa.string()) for k in keys}
    )

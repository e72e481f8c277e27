"""Reading CSV, JSON Lines and Parquet files (plain or gzip) as batches of text columns.

Every data row becomes one output row, numbered from 1 in file order. A row that
cannot be parsed is kept, not dropped: its columns are empty, ``__error`` says why
and ``__raw`` holds its text, so ingest can store it and normalize can quarantine it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from jobatlas.errors import EmptyInputError, EncodingError, FileFormatError

ROW = "__row"
ERROR = "__error"
RAW = "__raw"
META_COLUMNS = (ROW, ERROR, RAW)
BATCH_ROWS = 50_000
_SNIFF = 8192
_FIELD_LIMIT = 1 << 30  # descriptions can be long; the csv default (128 KiB) is not enough


class FastPathFailed(Exception):
    """The fast reader met something only the careful reader handles (not a user error)."""


@dataclass
class Table:
    """A file opened for reading: its columns and a stream of Arrow batches."""

    path: str
    format: str
    columns: list[str]
    size: int
    batches: Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]]
    fast_batches: Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]] | None = None
    """A faster reader for well-formed files; it raises ``FastPathFailed`` on anything odd,
    and the caller then starts again with ``batches``, which handles every case."""

    @property
    def schema(self) -> pa.Schema:
        fields = [pa.field(c, pa.string()) for c in self.columns]
        fields += [
            pa.field(ROW, pa.int64()),
            pa.field(ERROR, pa.string()),
            pa.field(RAW, pa.string()),
        ]
        return pa.schema(fields)


def open_table(path: str | Path, encoding: str = "utf-8") -> Table:
    """Open ``path`` and read its header; raise a one-line ``InputError`` if it cannot be read."""
    where = str(path)
    p = Path(path)
    if not p.exists():
        raise FileFormatError(f"{where}: no such file")
    if p.is_dir():
        raise FileFormatError(f"{where}: is a folder", hint="give the data files inside it")
    size = p.stat().st_size
    if size == 0:
        raise EmptyInputError(f"{where}: empty file", hint="nothing to ingest")
    try:
        with p.open("rb") as fh:
            head = fh.read(_SNIFF)
    except OSError as exc:
        raise FileFormatError(f"{where}: cannot read ({exc.strerror})") from exc
    if head.startswith(b"PAR1"):
        return _open_parquet(where, size)
    compressed = head.startswith(b"\x1f\x8b")
    if compressed:
        head = _gunzip_head(where, p)
    if not head:
        raise EmptyInputError(f"{where}: empty file", hint="nothing to ingest")
    if _looks_binary(head):
        raise FileFormatError(
            f"{where}: binary data, not CSV, JSON Lines or Parquet",
            hint="check that you gave the right file",
        )
    fmt = _text_format(p, head)
    opener = _opener(p, compressed, encoding)
    if fmt == "jsonl":
        return _open_jsonl(where, size, opener, encoding)
    return _open_csv(where, size, opener, encoding, delimiter="\t" if fmt == "tsv" else ",")


# -- format detection ---------------------------------------------------------------------


def _gunzip_head(where: str, p: Path) -> bytes:
    try:
        with gzip.open(p, "rb") as fh:
            return fh.read(_SNIFF)
    except (OSError, EOFError, zlib.error) as exc:
        raise FileFormatError(f"{where}: damaged gzip file ({exc})", hint="re-download it") from exc


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return control > len(head) // 100 + 1


def _text_format(p: Path, head: bytes) -> str:
    suffixes = [s.lower() for s in p.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext == ".tsv":
        return "tsv"
    if ext == ".csv":
        return "csv"
    return "jsonl" if head.lstrip()[:1] == b"{" else "csv"


def _opener(p: Path, compressed: bool, encoding: str) -> Callable[[], tuple[IO[bytes], IO[bytes]]]:
    """A function returning (stream to decode, raw file whose position measures progress)."""

    def open_streams() -> tuple[IO[bytes], IO[bytes]]:
        raw: IO[bytes] = p.open("rb")
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if compressed else raw
        return stream, raw

    return open_streams


class _Decoder:
    """Incremental text decoding that can say which data row held a bad byte."""

    def __init__(self, where: str, encoding: str) -> None:
        self.where = where
        self.encoding = encoding
        self.row = 0

    def wrap(self, stream: IO[bytes]) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)()
        while True:
            try:
                chunk = stream.read(1 << 20)
            except (OSError, EOFError, zlib.error) as exc:
                raise FileFormatError(
                    f"{self.where}: file is truncated or damaged near data row {self.row + 1} "
                    f"({exc})",
                    hint="re-download or re-export it; nothing from it was stored",
                ) from exc
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"{self.where}: not valid {self.encoding} text near data row {self.row + 1}",
                    hint="re-save the file as UTF-8, or pass --encoding latin-1 (or cp1252)",
                ) from exc
            if text:
                yield text
            if not chunk:
                return


def _lines(
    where: str,
    opener: Callable[[], tuple[IO[bytes], IO[bytes]]],
    encoding: str,
    advance: Callable[[float], None] | None = None,
) -> tuple[_Decoder, Iterator[str]]:
    decoder = _Decoder(where, encoding)

    def gen() -> Iterator[str]:
        stream, raw = opener()
        with raw, stream:
            pending = ""
            seen = 0
            for text in decoder.wrap(stream):
                pending += text
                *complete, pending = pending.split("\n")
                for line in complete:
                    yield line + "\n"
                if advance is not None:
                    pos = raw.tell()
                    advance(pos - seen)
                    seen = pos
            if pending:
                yield pending

    return decoder, gen()


# -- CSV ----------------------------------------------------------------------------------


def _open_csv(
    where: str,
    size: int,
    opener: Callable[[], tuple[IO[bytes], IO[bytes]]],
    encoding: str,
    delimiter: str,
) -> Table:
    csv.field_size_limit(_FIELD_LIMIT)
    _, lines = _lines(where, opener, encoding)
    try:
        header = next(csv.reader(lines, delimiter=delimiter), [])
    finally:
        lines.close()  # type: ignore[attr-defined]
    header = [h.strip().lstrip("\ufeff") for h in header]
    if not any(header):
        raise EmptyInputError(
            f"{where}: no header row", hint="the first line must name the columns"
        )
    columns = _dedupe_names(header)

    def batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        decoder, lines = _lines(where, opener, encoding, advance)
        consumed: list[str] = []  # the text of the record being parsed, kept for bad rows

        def tap() -> Iterator[str]:
            for line in lines:
                consumed.append(line)
                yield line

        reader = csv.reader(tap(), delimiter=delimiter, strict=True)
        width = len(columns)
        builder = _BatchBuilder(columns)
        try:
            next(reader)
            while True:
                decoder.row = builder.row
                consumed.clear()
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    builder.add_error(f"malformed CSV ({exc})", "".join(consumed).rstrip("\r\n"))
                    continue
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # blank line
                if len(fields) != width:
                    builder.add_error(
                        f"expected {width} fields, found {len(fields)} (truncated or misquoted)",
                        "".join(consumed).rstrip("\r\n"),
                    )
                    continue
                builder.add(fields)
                if builder.full():
                    yield builder.flush()
        finally:
            lines.close()  # type: ignore[attr-defined]
        if builder.row == 0:
            raise EmptyInputError(f"{where}: header but no data rows", hint="nothing to ingest")
        yield builder.flush()

    def fast_batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        yield from _arrow_csv(where, columns, opener, encoding, delimiter, advance)

    return Table(where, "csv", columns, size, batches, fast_batches)


def _dedupe_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        base = name or f"column_{i + 1}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}_{n + 1}")
    return names


def _arrow_csv(
    where: str,
    columns: list[str],
    opener: Callable[[], tuple[IO[bytes], IO[bytes]]],
    encoding: str,
    delimiter: str,
    advance: Callable[[float], None],
) -> Iterator[pa.RecordBatch]:
    """Arrow's C++ CSV reader: many times faster than ``csv``, but it cannot say which row
    was bad or keep it, so any invalid row, encoding or I/O error ends it."""

    stream, raw = opener()
    with raw, stream:
        try:
            reader = pa_csv.open_csv(
                stream,
                read_options=pa_csv.ReadOptions(
                    encoding=encoding, column_names=columns, skip_rows=1, block_size=1 << 22
                ),
                parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(columns, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            row, seen = 0, 0
            for batch in reader:
                n = batch.num_rows
                extra = [
                    pa.array(range(row + 1, row + n + 1), type=pa.int64()),
                    pa.nulls(n, type=pa.string()),
                    pa.nulls(n, type=pa.string()),
                ]
                row += n
                pos = raw.tell()
                advance(pos - seen)
                seen = pos
                yield pa.RecordBatch.from_arrays(
                    [*batch.columns, *extra], names=[*columns, *META_COLUMNS]
                )
        except (pa.ArrowException, OSError, EOFError, zlib.error) as exc:
            raise FastPathFailed from exc
    if row == 0:
        raise FastPathFailed


class _BatchBuilder:
    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.row = 0
        self._reset()

    def _reset(self) -> None:
        self.values: list[list[str | None]] = [[] for _ in self.columns]
        self.rows: list[int] = []
        self.errors: list[str | None] = []
        self.raws: list[str | None] = []

    def add(self, fields: Sequence[str | None]) -> None:
        self.row += 1
        for col, value in zip(self.values, fields, strict=True):
            col.append(value)
        self.rows.append(self.row)
        self.errors.append(None)
        self.raws.append(None)

    def add_error(self, error: str, raw: str) -> None:
        self.row += 1
        for col in self.values:
            col.append(None)
        self.rows.append(self.row)
        self.errors.append(error)
        self.raws.append(raw)

    def full(self) -> bool:
        return len(self.rows) >= BATCH_ROWS

    def flush(self) -> pa.RecordBatch:
        arrays = [pa.array(col, type=pa.string()) for col in self.values]
        arrays += [
            pa.array(self.rows, type=pa.int64()),
            pa.array(self.errors, type=pa.string()),
            pa.array(self.raws, type=pa.string()),
        ]
        names = [*self.columns, *META_COLUMNS]
        self._reset()
        return pa.RecordBatch.from_arrays(arrays, names=names)


# -- JSON Lines ---------------------------------------------------------------------------


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _open_jsonl(
    where: str, size: int, opener: Callable[[], tuple[IO[bytes], IO[bytes]]], encoding: str
) -> Table:
    keys: dict[str, None] = {}
    _, lines = _lines(where, opener, encoding)
    first = True
    for line in lines:
        text = line.strip()
        if first and text.startswith("["):
            raise FileFormatError(
                f"{where}: a JSON array, not JSON Lines",
                hint="write one JSON object per line (e.g. jq -c '.[]')",
            )
        first = first and not text
        try:
            obj = json.loads(text) if text else None
        except ValueError:
            continue
        if isinstance(obj, dict):
            keys.update(dict.fromkeys(obj))
    if not keys:
        raise FileFormatError(
            f"{where}: no JSON objects found", hint="expected one object per line"
        )
    columns = list(keys)

    def batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        _, lines = _lines(where, opener, encoding, advance)
        builder = _BatchBuilder(columns)
        for line in lines:
            text = line.strip()
            if not text:
                continue
            try:
                obj = json.loads(text)
            except ValueError as exc:
                builder.add_error(f"invalid JSON: {exc}", text)
            else:
                if isinstance(obj, dict):
                    builder.add([_as_text(obj.get(k)) for k in columns])
                else:
                    builder.add_error("not a JSON object", text)
            if builder.full():
                yield builder.flush()
        yield builder.flush()

    return Table(where, "jsonl", columns, size, batches)


# -- Parquet ------------------------------------------------------------------------------


def _open_parquet(where: str, size: int) -> Table:
    try:
        parquet = pq.ParquetFile(where)
    except (pa.ArrowException, OSError) as exc:
        raise FileFormatError(f"{where}: unreadable Parquet ({exc})", hint="re-export it") from exc
    columns = list(parquet.schema_arrow.names)
    total = parquet.metadata.num_rows
    if total == 0:
        raise EmptyInputError(f"{where}: Parquet file with no rows", hint="nothing to ingest")

    def batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
                n = batch.num_rows
                arrays = [_text_column(batch.column(i)) for i in range(len(columns))]
                arrays += [
                    pa.array(range(row + 1, row + n + 1), type=pa.int64()),
                    pa.nulls(n, type=pa.string()),
                    pa.nulls(n, type=pa.string()),
                ]
                row += n
                advance(size * n / total)
                yield pa.RecordBatch.from_arrays(arrays, names=[*columns, *META_COLUMNS])
        except (pa.ArrowException, OSError) as exc:
            raise FileFormatError(
                f"{where}: damaged Parquet near row {row + 1} ({exc})", hint="re-export it"
            ) from exc

    return Table(where, "parquet", columns, size, batches)


def _text_column(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    if pa.types.is_nested(column.type):
        return pa.array([_as_text(v) for v in column.to_pylist()], type=pa.string())
    return column.cast(pa.string())

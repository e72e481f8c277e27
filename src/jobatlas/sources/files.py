"""Reading CSV, JSON Lines and Parquet files (plain or gzip) as batches of text columns.

Every data row becomes one output row, numbered from 1 in file order. A row that
cannot be parsed is kept, not dropped: its columns are empty, ``__error`` says why
and ``__raw`` holds its text, so ingest can store it and normalize can quarantine it.

CSV has one truth, the careful reader (Python's ``csv``, strict): records end at CR, LF or
CRLF, and a record that fails to parse is quarantined by its first physical line only, the
lines after it being read again, so a stray quote never swallows good rows. Arrow's reader
is only a faster way to the same rows: it gives up on any file outside ``_StrictCheck``'s
grammar, checked on the bytes it reads.
"""

from __future__ import annotations

import codecs
import csv
import errno
import json
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from isal import igzip, isal_zlib

from jobatlas.csvio import check_encoding, sniff_delimiter
from jobatlas.errors import EmptyInputError, EncodingError, FileFormatError

ROW = "__row"
ERROR = "__error"
RAW = "__raw"
META_COLUMNS = (ROW, ERROR, RAW)
BATCH_ROWS = 50_000
_SNIFF = 8192
_ARROW_BLOCK = 1 << 22
_FIELD_LIMIT = 1 << 30  # descriptions can be long; the csv default (128 KiB) is not enough
_ENCODING_HINT = "re-save the file as UTF-8, or pass --encoding latin-1 (or cp1252)"


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
    """A faster reader giving the same rows as ``batches`` on the files it takes; it raises
    ``FastPathFailed`` on any other, and the caller then starts again with ``batches``."""

    @property
    def readers(self) -> list[Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]]]:
        """The readers to try in turn: the fast one when there is one, then the careful one."""
        return [r for r in (self.fast_batches, self.batches) if r is not None]

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
    """Open ``path`` and read its header; raise a one-line ``InputError`` if it cannot be read.

    A byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32) whatever ``encoding`` says.
    A CSV's delimiter is sniffed from its header line (``csvio.sniff_delimiter``), so
    semicolon exports read too; a ``.tsv`` is tab-separated.
    """
    check_encoding(encoding)
    where = str(path)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FileFormatError(f"{where}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileFormatError(
                f"{where}: symbolic link loop", hint="make the link point at a file"
            ) from exc
        raise FileFormatError(f"{where}: cannot open ({exc.strerror})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise FileFormatError(f"{where}: is a folder", hint="give the data files inside it")
    size = st.st_size
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
    encoding = _bom_encoding(head) or encoding
    try:
        text = head.decode(encoding, errors="replace").removeprefix("\ufeff")
    except UnicodeError as exc:  # codecs such as idna refuse "replace" or any input
        raise EncodingError(f"{where}: not {encoding} text ({exc})", hint=_ENCODING_HINT) from exc
    if _looks_binary(text):
        raise FileFormatError(
            f"{where}: binary data, not CSV, JSON Lines or Parquet",
            hint="check that you gave the right file (UTF-16 without a byte-order mark "
            "needs --encoding utf-16-le or utf-16-be)",
        )
    fmt = _text_format(p, text)
    opener = _opener(p, compressed, encoding)
    if fmt == "jsonl":
        return _open_jsonl(where, size, opener, encoding)
    header = text.splitlines()[0] if text else ""
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(header)
    return _open_csv(where, size, opener, encoding, delimiter=delimiter)


# -- format detection ---------------------------------------------------------------------


_DAMAGED: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    cast("type[Exception]", isal_zlib.error),  # its stub calls it an instance
)
"""What reading a damaged or truncated gzip file raises (``igzip`` raises ``BadGzipFile``, an
``OSError``, for a bad header or checksum and ``isal_zlib.error`` for a bad deflate stream)."""


def _gunzip(raw: IO[bytes]) -> IO[bytes]:
    """The decompressed bytes of the gzip stream ``raw``. ISA-L's inflate (python-isal)
    decompresses about three times as fast as zlib's (0.24 s against 0.75 s for the 238 MB
    of a million synthetic rows; benchmarks/README.md), the largest single cost of reading
    a gzip CSV."""
    return cast("Callable[..., IO[bytes]]", igzip.IGzipFile)(fileobj=raw)  # untyped


def _gunzip_head(where: str, p: Path) -> bytes:
    try:
        with p.open("rb") as raw, _gunzip(raw) as fh:
            return fh.read(_SNIFF)
    except _DAMAGED as exc:
        raise FileFormatError(f"{where}: damaged gzip file ({exc})", hint="re-download it") from exc


_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(head: bytes) -> str | None:
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def _looks_binary(text: str) -> bool:
    """NUL, or more than one character in ten a control character: a few (ANSI colour codes,
    a form feed) are still text."""
    if "\x00" in text:
        return True
    control = sum(1 for c in text if c < " " and c not in "\t\n\r\f\v")
    return control * 10 > len(text)


def _text_format(p: Path, head: str) -> str:
    suffixes = [s.lower() for s in p.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext == ".tsv":
        return "tsv"
    if ext == ".csv":
        return "csv"
    return "jsonl" if head.lstrip()[:1] == "{" else "csv"


def _opener(p: Path, compressed: bool, encoding: str) -> Callable[[], tuple[IO[bytes], IO[bytes]]]:
    """A function returning (stream to decode, raw file whose position measures progress)."""

    def open_streams() -> tuple[IO[bytes], IO[bytes]]:
        raw: IO[bytes] = p.open("rb")
        stream = _gunzip(raw) if compressed else raw
        return stream, raw

    return open_streams


class _Decoder:
    """Incremental text decoding that can say which data row held a bad byte."""

    def __init__(self, where: str, encoding: str) -> None:
        self.where = where
        self.encoding = encoding
        self.row = 0

    def wrap(self, stream: IO[bytes]) -> Iterator[str]:
        """The text of ``stream``, without the UTF-8 byte-order mark (other codecs drop theirs)."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        start = True
        while True:
            try:
                chunk = stream.read(1 << 20)
            except _DAMAGED as exc:
                raise FileFormatError(
                    f"{self.where}: file is truncated or damaged near data row {self.row + 1} "
                    f"({exc})",
                    hint="re-download or re-export it; nothing from it was stored",
                ) from exc
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeError as exc:
                raise EncodingError(
                    f"{self.where}: not valid {self.encoding} text near data row {self.row + 1}",
                    hint=_ENCODING_HINT,
                ) from exc
            if start and text:
                text, start = text.removeprefix("\ufeff"), False
            if text:
                yield text
            if not chunk:
                return


_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)")


def _split_lf(text: str) -> tuple[list[str], str]:
    *complete, rest = text.split("\n")
    return [line + "\n" for line in complete], rest


def _split_csv(text: str) -> tuple[list[str], str]:
    """Lines ending at CR, LF or CRLF, as Arrow and old Mac files end them; a CR at the end
    of ``text`` waits, as the next text may start with its LF."""
    body = text[:-1] if text.endswith("\r") else text
    cut = max(body.rfind("\n"), body.rfind("\r")) + 1
    return _CSV_LINE.findall(text, 0, cut), text[cut:]


def _lines(
    where: str,
    opener: Callable[[], tuple[IO[bytes], IO[bytes]]],
    encoding: str,
    advance: Callable[[float], None] | None = None,
    split: Callable[[str], tuple[list[str], str]] = _split_lf,
) -> tuple[_Decoder, Iterator[str]]:
    """Physical lines with their ends; JSON Lines end only at LF, CSV passes ``_split_csv``."""
    decoder = _Decoder(where, encoding)

    def gen() -> Iterator[str]:
        stream, raw = opener()
        with raw, stream:
            pending = ""
            seen = 0
            for text in decoder.wrap(stream):
                complete, pending = split(pending + text)
                yield from complete
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
    _, lines = _lines(where, opener, encoding, split=_split_csv)
    try:
        header = next(csv.reader(lines, delimiter=delimiter, strict=True), [])
    except csv.Error as exc:
        raise FileFormatError(
            f"{where}: malformed header row ({exc})",
            hint="the first line must name the columns, quoted fields closed",
        ) from exc
    finally:
        lines.close()  # type: ignore[attr-defined]
    header = [h.strip() for h in header]
    if not any(header):
        raise EmptyInputError(
            f"{where}: no header row", hint="the first line must name the columns"
        )
    columns = _dedupe_names(header)

    def batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        decoder, lines = _lines(where, opener, encoding, advance, split=_split_csv)
        consumed: list[str] = []  # the lines of the record being parsed, kept for bad rows

        def tap() -> Iterator[str]:
            for line in lines:
                consumed.append(line)
                yield line

        reader = csv.reader(tap(), delimiter=delimiter, strict=True)
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
                    _add_malformed(builder, consumed, exc, delimiter)
                else:
                    _add_record(builder, fields, "".join(consumed))
                if builder.full():
                    yield builder.flush()
        finally:
            lines.close()  # type: ignore[attr-defined]
        if builder.row == 0:
            raise EmptyInputError(f"{where}: header but no data rows", hint="nothing to ingest")
        yield builder.flush()

    def fast_batches(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        yield from _arrow_csv(where, columns, opener, delimiter, advance)

    # Arrow reads UTF-8 only here, and it keeps the blank lines of a one-column file that the
    # careful reader skips.
    fast = len(columns) > 1 and codecs.lookup(encoding).name == "utf-8"
    return Table(where, "csv", columns, size, batches, fast_batches if fast else None)


def _add_record(builder: _BatchBuilder, fields: list[str], text: str) -> None:
    if not fields or (len(fields) == 1 and not fields[0].strip()):
        return  # blank line
    if len(fields) != len(builder.columns):
        builder.add_error(
            f"expected {len(builder.columns)} fields, found {len(fields)} (truncated or misquoted)",
            text.rstrip("\r\n"),
        )
    else:
        builder.add(fields)


def _add_malformed(
    builder: _BatchBuilder, lines: list[str], exc: csv.Error, delimiter: str
) -> None:
    """Quarantine a record ``csv`` refused. If it spans several lines, a quote opened on its
    first line did not close cleanly: only that line is bad, and the others are read again
    one by one, so good rows are never swallowed (and no line is read more than twice)."""
    first, *rest = lines
    note = "; a quote opened on this line does not close cleanly" if rest else ""
    builder.add_error(f"malformed CSV ({exc}{note})", first.rstrip("\r\n"))
    for line in rest:
        try:
            fields = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error as line_exc:
            builder.add_error(f"malformed CSV ({line_exc})", line.rstrip("\r\n"))
        else:
            _add_record(builder, fields, line)


def _dedupe_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        base = name or f"column_{i + 1}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}_{n + 1}")
    return names


class _StrictCheck:
    """Whether the bytes fed in, in order, are CSV in the grammar on which Arrow's reader and
    the careful one give the same rows: a field is either quoted, its quotes doubled and its
    closing quote followed by a delimiter or a line end, or unquoted and not starting with a
    quote (later quotes are text). Arrow is lenient where ``csv`` is strict (text after a
    closing quote, a quote never closed), so on other files it can merge rows.

    Only quotes can break the grammar, so one pattern runs over everything between them at
    the speed of a character-class scan, and the text kept between two feeds is at most one
    unfinished quoted field plus one byte of context. A quoted field longer than Arrow's
    block says no, which bounds it. Encoding is Arrow's to check: it refuses invalid UTF-8
    in any field, and every byte outside the ASCII delimiters, quotes and line ends is in a
    field."""

    def __init__(self, delimiter: str) -> None:
        d = re.escape(delimiter.encode())
        text = rb'[^"]++|(?<![%s\r\n])"' % d  # a quote inside an unquoted field is text
        quoted = rb'"[^"]*+(?:""[^"]*+)*+"'
        self._more = re.compile(rb"(?:%s|%s(?=[%s\r\n]))*+" % (text, quoted, d))
        self._last = re.compile(rb"(?:%s|%s(?=[%s\r\n]|\Z))*+" % (text, quoted, d))
        self._pending = b"\n"  # the byte before the text still to check: a field starts
        self._head = b""
        self._start = True
        self.ok = True

    def feed(self, chunk: bytes) -> bool:
        """Check the next bytes; empty bytes mark the end of the file."""
        final = not chunk
        if self._start:  # the byte-order mark is not text (Arrow skips it too)
            self._head += chunk
            if not final and len(self._head) < len(codecs.BOM_UTF8):
                return self.ok
            chunk, self._head, self._start = self._head.removeprefix(codecs.BOM_UTF8), b"", False
        text = self._pending + chunk
        found = (self._last if final else self._more).match(text, 1)
        assert found is not None  # it matches the empty string too
        if final:
            self.ok = self.ok and found.end() == len(text)
        else:
            self._pending = text[found.end() - 1 :]
            self.ok = self.ok and len(self._pending) <= _ARROW_BLOCK
        return self.ok


class _CheckedStream:
    """The decompressed bytes as Arrow reads them, each read also fed to ``_StrictCheck``,
    so the file is decoded once and checked while its rows are stored."""

    def __init__(self, stream: IO[bytes], check: _StrictCheck) -> None:
        self._stream = stream
        self._check = check
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if not self._check.feed(chunk):
            raise FastPathFailed
        return chunk

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _arrow_csv(
    where: str,
    columns: list[str],
    opener: Callable[[], tuple[IO[bytes], IO[bytes]]],
    delimiter: str,
    advance: Callable[[float], None],
) -> Iterator[pa.RecordBatch]:
    """Arrow's C++ CSV reader: many times faster than ``csv``, but it cannot say which row
    was bad or keep it, so any invalid row, encoding or I/O error ends it, and so does a
    file outside ``_StrictCheck``'s grammar (found while reading: the caller stores the rows
    in one transaction and rolls them back). The header is read as a first row and dropped,
    as Arrow's ``skip_rows`` counts lines, not records."""

    stream, raw = opener()
    check = _StrictCheck(delimiter)
    row, seen, header = 0, 0, True
    with raw, stream:
        try:
            reader = pa_csv.open_csv(
                _CheckedStream(stream, check),
                read_options=pa_csv.ReadOptions(
                    encoding="utf8", column_names=columns, block_size=_ARROW_BLOCK
                ),
                parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(columns, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in reader:
                if header:
                    batch, header = batch.slice(1), False
                n = batch.num_rows
                extra = [
                    pa.array(np.arange(row + 1, row + n + 1, dtype=np.int64)),
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
        except (pa.ArrowException, *_DAMAGED) as exc:
            raise FastPathFailed from exc
    if row == 0 or not check.ok:
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

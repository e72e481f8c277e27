"""The one exception tree of jobatlas.

    JobatlasError                 every error we raise; carries a one-line message and a fix
    ├── ConfigError               bad option, setting or data file
    ├── MissingDependency         an optional extra is not installed
    ├── InputError                a file the user gave cannot be read as asked
    │   ├── FileFormatError       unreadable, truncated, binary, unsupported format
    │   ├── EncodingError         text that is not in the expected encoding
    │   ├── EmptyInputError       a file with no rows
    │   └── MissingColumnError    a required column is absent
    ├── StoreError                the DuckDB store failed or is inconsistent
    │   └── MigrationError        the schema cannot be brought up to date
    └── SourceError               a live job source failed
        ├── TransientSourceError  worth retrying (429, 5xx, timeout)
        ├── SourceBlocked         refused for good (403, repeated 429)
        └── SourceSchemaChanged   a response no longer has the shape we read

Errors from third-party libraries are mapped to these at the one place we call them.
"""

from __future__ import annotations


class JobatlasError(Exception):
    """Base class. ``str(err)`` is one line: what went wrong, where, and what to do."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} — {self.hint}"


class ConfigError(JobatlasError):
    pass


class MissingDependency(JobatlasError):
    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed",
            hint=f"run: pip install 'jobatlas[{extra}]'",
        )
        self.package = package
        self.extra = extra


class InputError(JobatlasError):
    pass


class FileFormatError(InputError):
    pass


class EncodingError(InputError):
    pass


class EmptyInputError(InputError):
    pass


class MissingColumnError(InputError):
    def __init__(
        self, where: str, missing: str, available: list[str], hint_extra: str | None = None
    ) -> None:
        shown = ", ".join(available) if available else "(none)"
        hint = f"columns present: {shown}"
        super().__init__(
            f"{where}: no column {missing!r}",
            hint=f"{hint_extra}; {hint}" if hint_extra else hint,
        )
        self.missing = missing
        self.available = available


class StoreError(JobatlasError):
    pass


class MigrationError(StoreError):
    pass


class SourceError(JobatlasError):
    pass


class TransientSourceError(SourceError):
    """Marker: a retry may succeed."""


class SourceBlocked(SourceError):
    pass


class SourceSchemaChanged(SourceError):
    def __init__(self, source: str, field: str, detail: str = "") -> None:
        self.source = source
        self.field = field
        self.detail = detail
        super().__init__(
            f"{source}: response has {self.problem}",
            hint="the API changed shape; please report it",
        )

    @property
    def problem(self) -> str:
        """What is wrong, without the source: ``no usable field 'jobs[].id' (got nothing)``."""
        extra = f" ({self.detail})" if self.detail else ""
        return f"no usable field {self.field!r}{extra}"

"""The company registry: employers with the ATS and board slug of their public job board.

A TOML file of ``[[company]]`` tables (``name``, ``ats``, ``slug``, optional ``hubs``,
``verified``, ``eu`` for Lever's EU instance, ``note``, ``evidence`` for the public reference
that names the board, and ``verified_at`` and ``http_status`` from the last
``jobatlas companies verify``). The starter list ships as
``jobatlas/data/companies.toml``; users keep their own copy (``./companies.toml`` unless
they name another) and edit it by hand or with ``jobatlas companies add|remove|verify``.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jobatlas.errors import ConfigError
from jobatlas.sanitize import safe_url
from jobatlas.sources.base import Board, board

ATS_SOURCES = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee")
"""The sources a registry entry may name: those that collect one company board."""
BUNDLED = "companies.toml"
_KEYS = frozenset(
    {
        "name",
        "ats",
        "slug",
        "hubs",
        "verified",
        "eu",
        "note",
        "evidence",
        "verified_at",
        "http_status",
    }
)
# A file in a public repository cited as ``owner/name path`` (optionally ``owner/name@commit``).
_REPO_FILE = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+(@[0-9a-f]{7,40})? [^\s]+")
_EVIDENCE_MAX = 300
USER_FILE = "companies.toml"
"""The user's registry, in the working folder: what ``add`` creates and ``list`` reads."""
_DEFAULT_HEADER = "# jobatlas company registry (see `jobatlas companies --help`)."


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    ats: str
    slug: str
    hubs: tuple[str, ...] = ()
    verified: bool = False
    eu: bool = False
    note: str | None = None
    evidence: str | None = None
    """Where the board was found in public: an http(s) URL (a careers page or documentation
    linking it) or a repository file cited as ``owner/name path``. Provenance only: unlike
    ``verified`` it says nothing of whether the board answers today."""
    verified_at: str | None = None
    """When ``companies verify`` last had an answer from the board (ISO 8601, UTC)."""
    http_status: int | None = None
    """The HTTP status of that answer."""

    def board(self) -> Board:
        return board(self.ats, self.slug, company=self.name, eu=self.eu)


def bundled_text() -> str:
    return resources.files("jobatlas.data").joinpath(BUNDLED).read_text(encoding="utf-8")


@functools.cache
def bundled_companies() -> tuple[Company, ...]:
    """The starter list shipped with jobatlas."""
    return tuple(parse_companies(bundled_text(), f"(bundled) {BUNDLED}"))


def default_file(explicit: str | None = None) -> str | None:
    """The registry to read: ``explicit``, else ``./companies.toml`` when it exists (the file
    ``companies add`` writes), else None for the starter list."""
    if explicit:
        return explicit
    return USER_FILE if Path(USER_FILE).is_file() else None


def load_companies(path: str | Path | None = None) -> list[Company]:
    """The registry at ``path``, or the bundled starter list when ``path`` is None."""
    if path is None:
        return list(bundled_companies())
    return parse_companies(_read(Path(path)), str(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such company file", hint="check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the company file ({exc})") from exc


def parse_companies(content: str, where: str) -> list[Company]:
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})", hint="fix the line named") from exc
    entries = data.get("company", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: 'company' must be an array of tables ([[company]])")
    companies = [_company(entry, f"{where}: company #{i}") for i, entry in enumerate(entries, 1)]
    _check_unique(companies, where)
    return companies


def _company(entry: Any, where: str) -> Company:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: not a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}",
            hint="allowed: " + ", ".join(sorted(_KEYS)),
        )
    for key in ("name", "ats", "slug"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    ats = entry["ats"].strip().lower()
    if ats not in ATS_SOURCES:
        raise ConfigError(
            f"{where} ({entry['name']}): ats {entry['ats']!r} is not supported",
            hint="one of: " + ", ".join(ATS_SOURCES),
        )
    hubs = entry.get("hubs", [])
    if not isinstance(hubs, list) or not all(isinstance(h, str) for h in hubs):
        raise ConfigError(f"{where} ({entry['name']}): 'hubs' must be a list of strings")
    for key in ("verified", "eu"):
        if not isinstance(entry.get(key, False), bool):
            raise ConfigError(f"{where} ({entry['name']}): '{key}' must be true or false")
    note = entry.get("note")
    evidence = _evidence(entry.get("evidence"), f"{where} ({entry['name']})")
    verified_at = entry.get("verified_at")
    if verified_at is not None and not isinstance(verified_at, str | datetime):
        raise ConfigError(f"{where} ({entry['name']}): 'verified_at' must be a date-time")
    status = entry.get("http_status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise ConfigError(f"{where} ({entry['name']}): 'http_status' must be a number")
    return Company(
        name=entry["name"].strip(),
        ats=ats,
        slug=entry["slug"].strip(),
        hubs=tuple(h.strip() for h in hubs if h.strip()),
        verified=entry.get("verified", False),
        eu=entry.get("eu", False),
        note=note.strip() if isinstance(note, str) and note.strip() else None,
        evidence=evidence,
        verified_at=_iso(verified_at),
        http_status=status,
    )


def _evidence(value: Any, where: str) -> str | None:
    """The ``evidence`` value, checked: one line that is an http(s) URL or an
    ``owner/name path`` repository citation, so a reader can follow it."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: 'evidence' must be a non-empty string")
    text = value.strip()
    if len(text) > _EVIDENCE_MAX:
        raise ConfigError(f"{where}: 'evidence' is longer than {_EVIDENCE_MAX} characters")
    if "://" in text.split(" ", 1)[0]:
        if " " in text or safe_url(text) is None:
            raise ConfigError(
                f"{where}: 'evidence' {text!r} is not an http(s) URL",
                hint="give an http(s) address with a host",
            )
    elif not _REPO_FILE.fullmatch(text):
        raise ConfigError(
            f"{where}: 'evidence' {text!r} is neither a URL nor a repository file",
            hint="give https://... or 'owner/name path/to/file'",
        )
    return text


def _iso(value: str | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _check_unique(companies: Sequence[Company], where: str) -> None:
    seen: dict[tuple[str, str], str] = {}
    for company in companies:
        key = (company.ats, company.slug.lower())
        if key in seen:
            raise ConfigError(
                f"{where}: {company.ats} board {company.slug!r} is listed twice "
                f"({seen[key]} and {company.name})",
                hint="keep one entry",
            )
        seen[key] = company.name


# -- editing ------------------------------------------------------------------------------------


def add_company(path: str | Path, company: Company) -> list[Company]:
    """Append ``company`` to the file (created from the starter list when missing)."""
    header, companies = _editable(Path(path))
    company = parse_companies(_entry(company), "the new entry")[0]
    _check_unique([*companies, company], str(path))
    companies.append(company)
    write_companies(path, companies, header)
    return companies


def remove_company(path: str | Path, name_or_slug: str) -> Company:
    """Remove the one entry whose name or slug is ``name_or_slug`` (case-insensitive)."""
    header, companies = _editable(Path(path))
    wanted = name_or_slug.strip().lower()
    matches = [c for c in companies if wanted in (c.name.lower(), c.slug.lower())]
    if not matches:
        raise ConfigError(f"{path}: no company named {name_or_slug!r}", hint="see companies list")
    if len(matches) > 1:
        boards = ", ".join(f"{c.ats}:{c.slug}" for c in matches)
        raise ConfigError(
            f"{path}: {name_or_slug!r} matches {len(matches)} entries ({boards})",
            hint="remove by slug",
        )
    companies.remove(matches[0])
    write_companies(path, companies, header)
    return matches[0]


def record_checks(
    path: str | Path, checked: Mapping[tuple[str, str], int], when: datetime
) -> list[Company]:
    """Write the HTTP status each checked board gave (by (ats, slug)) with ``when``;
    ``verified`` becomes whether it answered 200. Boards not checked are left as they are."""
    header, companies = _editable(Path(path))
    stamp = when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    updated = [
        replace(
            c,
            verified=checked[key] == 200,
            verified_at=stamp,
            http_status=checked[key],
        )
        if (key := (c.ats, c.slug)) in checked
        else c
        for c in companies
    ]
    write_companies(path, updated, header)
    return updated


def _editable(path: Path) -> tuple[str, list[Company]]:
    content = _read(path) if path.exists() else bundled_text()
    return _header(content), parse_companies(content, str(path))


def _header(content: str) -> str:
    lines = []
    for line in content.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) or _DEFAULT_HEADER


def write_companies(path: str | Path, companies: Iterable[Company], header: str) -> None:
    blocks = [header.rstrip() + "\n"]
    blocks.extend(_entry(c) for c in companies)
    try:
        Path(path).write_text("\n".join(blocks), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the company file ({exc.strerror})") from exc


def _entry(company: Company) -> str:
    lines = [
        "[[company]]",
        f"name = {_toml(company.name)}",
        f"ats = {_toml(company.ats)}",
        f"slug = {_toml(company.slug)}",
    ]
    if company.hubs:
        lines.append("hubs = [" + ", ".join(_toml(h) for h in company.hubs) + "]")
    if company.eu:
        lines.append("eu = true")
    lines.append(f"verified = {'true' if company.verified else 'false'}")
    if company.note:
        lines.append(f"note = {_toml(company.note)}")
    if company.evidence:
        lines.append(f"evidence = {_toml(company.evidence)}")
    if company.verified_at:
        lines.append(f"verified_at = {_toml(company.verified_at)}")
    if company.http_status is not None:
        lines.append(f"http_status = {company.http_status}")
    return "\n".join(lines) + "\n"


def _toml(value: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)

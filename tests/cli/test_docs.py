"""docs/cli.md against the real command line: every option documented where its command is,
and every default the docs state equal to the real one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from jobatlas.cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
SHARED = ("Conventions", "Global options")
"""Chunks whose options every command may rely on (``--format``, ``--debug``)."""


@dataclass(frozen=True)
class Chunk:
    section: str
    heading: str
    text: str


def chunks(text: str) -> list[Chunk]:
    """The docs cut at every ``##`` and ``###`` heading; a section's opening text is a chunk
    with an empty heading."""
    out: list[Chunk] = []
    section, heading, lines = "", "", []
    for line in text.splitlines():
        if line.startswith(("## ", "### ")):
            out.append(Chunk(section, heading, "\n".join(lines)))
            lines = []
            if line.startswith("## "):
                section, heading = line[3:].strip(), ""
            else:
                heading = line[4:].strip()
        lines.append(line)
    out.append(Chunk(section, heading, "\n".join(lines)))
    return out


def leaf_commands() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(cmd: Any, path: str) -> None:
        subcommands = getattr(cmd, "commands", None)
        if subcommands is None or (path and getattr(cmd, "invoke_without_command", False)):
            found.append((path, cmd))
        for name, sub in (subcommands or {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return found


def where_documented(name: str, parts: list[Chunk]) -> str:
    """The text that documents ``jobatlas NAME``: the chunks whose heading names it, the
    opening text of their sections, and the shared chunks."""
    named = re.compile(rf"`jobatlas {re.escape(name)}[` \[]")
    own = [c for c in parts if named.search(c.heading)]
    if not own:  # a subcommand listed in its group's chunk (a table row or a list item)
        item = re.compile(rf"^(\| |- )`jobatlas {re.escape(name)}[` \[]", re.MULTILINE)
        own = [c for c in parts if item.search(c.text)]
    assert own, f"jobatlas {name} is not in docs/cli.md"
    sections = {c.section for c in own}
    opening = [c for c in parts if c.section in sections and not c.heading]
    shared = [c for c in parts if c.section in SHARED or c.heading in SHARED]
    return "\n".join(c.text for c in [*own, *opening, *shared])


def visible_options(command: Any) -> list[Any]:
    return [
        p
        for p in command.params
        if p.opts[0].startswith("--") and not getattr(p, "hidden", False) and p.name != "help"
    ]


def shown_default(value: Any) -> str | None:
    """A default as the docs would write it; None for no default worth stating."""
    if value is None or value is False or value == [] or value == ():
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


DEFAULT_IN_TEXT = re.compile(r"`(--[a-z][a-z-]*)[^`]*`[^`|\n]*?\(default `([^`]*)`")
DEFAULT_IN_TABLE = re.compile(r"^\| `(--[a-z][a-z-]*)[^`]*` \| `([^`]*)` \|", re.MULTILINE)


def documented_defaults(text: str) -> list[tuple[str, str]]:
    """(option, default) pairs written as "`--opt X` (default `V`)" or as a table row
    "| `--opt X` | `V` | ..." (the ranking options table)."""
    return [*DEFAULT_IN_TEXT.findall(text), *DEFAULT_IN_TABLE.findall(text)]


@pytest.fixture(scope="module")
def parts() -> list[Chunk]:
    return chunks(DOCS.read_text(encoding="utf-8"))


def test_every_option_is_documented_with_its_command(parts: list[Chunk]) -> None:
    missing = []
    for name, command in leaf_commands():
        if not name:
            continue
        text = where_documented(name, parts)
        missing += [
            f"jobatlas {name} {p.opts[0]}"
            for p in visible_options(command)
            if p.opts[0] not in text
        ]
    assert not missing, "not in docs/cli.md: " + ", ".join(missing)


def test_every_documented_default_is_the_real_one(parts: list[Chunk]) -> None:
    checked, wrong = 0, []
    for name, command in leaf_commands():
        if not name:
            continue
        real = {p.opts[0]: shown_default(p.default) for p in visible_options(command)}
        for option, stated in documented_defaults(where_documented(name, parts)):
            if option not in real:
                continue
            checked += 1
            if real[option] != stated:
                wrong.append(f"jobatlas {name} {option}: docs say {stated}, real {real[option]}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 30  # the ranking table, for each ranking command, and the others


def test_the_checks_see_a_wrong_default_and_a_missing_option() -> None:
    """The same checks on a made-up page: they must fail where the page is wrong."""
    page = chunks(
        "## Ranking\n### `jobatlas rank`\n| `--seed N` | `42` | seed |\n`--top N` (default `10`)\n"
    )
    text = where_documented("rank", page)
    assert ("--seed", "42") in documented_defaults(text)
    assert ("--top", "10") in documented_defaults(text)
    assert "--draws" not in text


def test_help_text_shows_defaults_written_in_brackets() -> None:
    """Issue #14: "[default: …]" in help text was read as console markup ("Store file .")."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["status", "--help"])
    assert "[default: ./jobatlas.duckdb]" in result.output

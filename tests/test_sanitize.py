"""The sanitising boundary, one output at a time."""

from __future__ import annotations

import io
import re

from hypothesis import given
from hypothesis import strategies as st
from rich.table import Table

from hostile import FORBIDDEN_CHARACTERS, HOSTILE, HOSTILE_URLS
from jobatlas.cli.app import PlainConsole, styled
from jobatlas.sanitize import (
    csv_cell,
    html_text,
    markdown_link,
    markdown_text,
    safe_url,
    terminal_text,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def test_terminal_text_shows_escape_sequences_instead_of_sending_them() -> None:
    assert terminal_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert terminal_text("\x1b]0;title\x07") == "\\x1b]0;title\\x07"
    assert terminal_text("a\u202eb") == "a\\u202eb"
    assert terminal_text("two\nlines\tand tab") == "two lines and tab"
    assert terminal_text("Ingénieur IA 機械学習") == "Ingénieur IA 機械学習"


@given(st.text())
def test_terminal_text_never_lets_a_control_character_through(text: str) -> None:
    out = terminal_text(text)
    assert not any(ch in out for ch in FORBIDDEN_CHARACTERS)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", out)


def _printed(*renderables: object, terminal: bool = True) -> str:
    buffer = io.StringIO()
    console = PlainConsole(file=buffer, force_terminal=terminal, width=200, color_system=None)
    for r in renderables:
        console.print(r)
    return buffer.getvalue()


def test_console_prints_markup_and_escapes_from_data_as_text() -> None:
    table = Table("title")
    for text in HOSTILE[:20]:
        table.add_row(text)
    out = _printed("[/bold] [link=https://evil.example]x[/link] :skull:", table, terminal=True)
    assert "[/bold]" in out
    assert "[link=https://evil.example]x[/link]" in out
    assert ":skull:" in out
    assert "\x1b]8;" not in out  # no terminal hyperlink
    assert "\x1b" not in out and "\x07" not in out  # no colour system: any ESC came from data
    assert "\\x1b[31mred" in out


def test_styled_keeps_its_styles_but_not_the_text_s_escapes() -> None:
    buffer = io.StringIO()
    console = PlainConsole(file=buffer, force_terminal=True, color_system="standard")
    console.print(styled(("error: ", "red"), "bad \x1b]0;title\x07 [bold]x[/bold]"))
    out = buffer.getvalue()
    assert "\x1b[31m" in out  # our own style
    assert "\x1b]0;" not in out and "\x07" not in out
    assert "[bold]x[/bold]" in out


def test_markdown_text_is_inert() -> None:
    assert markdown_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown_text("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"
    assert markdown_text("a | b") == "a \\| b"
    assert markdown_text("**b** _i_ `c` ~~s~~") == "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~"
    assert markdown_text("AT&T\nline") == "AT&amp;T line"


@given(st.text())
def test_markdown_text_has_no_html_no_link_and_no_cell_break(text: str) -> None:
    out = markdown_text(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert not re.search(r"(?<!\\)[\[\]|`*_]", out.replace("\\\\", ""))
    assert not any(ch in out for ch in FORBIDDEN_CHARACTERS)


def test_links_only_for_http_urls_and_percent_encoded() -> None:
    for url in HOSTILE_URLS:
        target = safe_url(url)
        assert target is None or target.startswith(("http://", "https://")), url
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://evil.example/a)(javascript:alert(1)") == (
        "https://evil.example/a%29%28javascript:alert%281%29"
    )
    assert markdown_link("posting", "JaVaScRiPt:alert(1)", "no link") == "no link"
    assert markdown_link("posting", "https://x.example/a b", "-") == (
        "[posting](https://x.example/a%20b)"
    )
    assert safe_url("https://ok.example/p?q=%20a&b=1") == "https://ok.example/p?q=%20a&b=1"


@given(st.text())
def test_a_markdown_link_never_has_a_second_target(url: str) -> None:
    out = markdown_link("posting", "https://x.example/" + url, "none")
    if out != "none":
        target = out[len("[posting](") : -1]
        assert out.endswith(")") and not re.search(r"[()<>\s\"\\\[\]]", target)


def test_csv_cell_guards_formulas_and_keeps_numbers() -> None:
    assert csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csv_cell("-2+3+cmd") == "'-2+3+cmd"
    assert csv_cell("@SUM(1)") == "'@SUM(1)"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("\r=1") == "\\x0d=1"
    assert csv_cell("-2.5") == "-2.5"
    assert csv_cell("+44") == "+44"
    assert csv_cell(-3) == -3 and csv_cell(1.5) == 1.5
    assert csv_cell("Boston") == "Boston"


@given(st.text())
def test_csv_cell_never_starts_a_formula(text: str) -> None:
    out = csv_cell(text)
    assert isinstance(out, str)
    assert not out.startswith(FORMULA_START) or NUMBER.fullmatch(out)


def test_html_text_escapes_quotes_for_attributes() -> None:
    assert html_text('"><img onerror=x>') == "&quot;&gt;&lt;img onerror=x&gt;"

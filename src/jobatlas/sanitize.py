"""The sanitising boundary: text from strangers made inert for each kind of output.

Every title, employer, location, URL and description comes from job boards, scrapes or other
people's files, so it is data and never markup. Each output has its one function here, and
the writers of that output pass every such string through it:

    terminal_text   plain text for a terminal: control characters shown as escapes
    markdown_text   Markdown inline text: HTML-escaped, Markdown punctuation escaped
    markdown_link   a Markdown link for http(s) URLs only, percent-encoded, else the text
    csv_cell        a CSV cell with the OWASP formula guard
    html_text       HTML text or attribute value (for the HTML report and the web app)

JSON needs none of this: ``json.dumps`` escapes what JSON must, and consumers treat values
as data. Nothing here imports the rest of jobatlas, so every layer may use it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

# C0 and C1 control characters, DEL, and the bidirectional controls that can reorder what a
# reader sees (the "Trojan Source" characters); each is shown as a visible escape.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
# ASCII punctuation that makes Markdown structure inline: emphasis, code spans, links and
# images (no link or image can start without an unescaped ``[``), table cells and
# strike-through. ``< > &`` are entity-escaped before this, so no HTML or autolink either.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Characters a URL may keep as they are; everything else (spaces, quotes, parentheses,
# angle brackets, non-ASCII) is percent-encoded so the URL cannot end a link early.
_URL_SAFE = "/:?#@!$&'*+,;=%-._~"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible_controls(text: str) -> str:
    """Replace control and bidi-override characters by escapes such as ``\\x1b``."""
    return _CONTROL.sub(_visible, text)


def one_line(text: str) -> str:
    """Line breaks and tabs as single spaces, other controls made visible."""
    return visible_controls(_LINE_BREAKS.sub(" ", text))


def terminal_text(text: object) -> str:
    """Text safe to print on a terminal: no escape sequence can reach it.

    The caller must also print it as plain text (never parsed as console markup); the
    jobatlas consoles do both for every string they are given.
    """
    return one_line(str(text))


def html_text(text: object) -> str:
    """Text safe inside HTML elements and quoted attribute values."""
    return html.escape(one_line(str(text)), quote=True)


def markdown_text(text: object) -> str:
    """Inline Markdown showing exactly ``text``: no HTML, link, emphasis or table cell break."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html_text(text))


def safe_url(url: object) -> str | None:
    """``url`` percent-encoded if it is an absolute http(s) URL with a host, else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if _CONTROL.search(candidate) or _LINE_BREAKS.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(candidate, safe=_URL_SAFE)


def markdown_link(label: object, url: object, fallback: str) -> str:
    """``[label](url)`` for a safe http(s) URL; otherwise ``fallback`` as plain text."""
    target = safe_url(url)
    if target is None:
        return markdown_text(fallback)
    return f"[{markdown_text(label)}]({target})"


def csv_cell(value: object) -> object:
    """A CSV cell value with the OWASP guard: text that a spreadsheet would read as a
    formula (it starts with ``= + - @`` or a tab) gets a leading apostrophe; control
    characters are made visible (a CR among them). Numbers, and text that is just a number,
    stay as they are."""
    if not isinstance(value, str):
        return value
    value = visible_controls(value)
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value

"""A corpus of hostile strings, and synthetic postings that carry them (made up for tests).

Each string is something a job board, a scrape or somebody's CSV could hold that must stay
inert in every output: console markup, terminal escape sequences, HTML and JavaScript,
Markdown link tricks, spreadsheet formulas, bidi overrides, NUL and very long text.
"""

from __future__ import annotations

RICH_MARKUP = [
    "[/bold]",
    "Engineer [bold red]urgent[/]",
    "[link=https://evil.example]click me[/link]",
    "[/link][/]",
    ":skull: :warning:",
]
TERMINAL = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned title\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "bell\x07and backspace\x08\x08",
    "c1 csi \x9b31m",
    "carriage\rreturn",
]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt; pre-escaped",
    "<!-- comment --><iframe src=//evil.example>",
]
MARKDOWN = [
    "[click](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "**bold** _it_ `code` ~~gone~~",
    "cell | break | here",
    "<https://evil.example>",
    "line\nbreak\n# heading\n> quote",
]
FORMULAS = [
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
UNICODE = [
    "\u202eevil\u202c reversed",
    "\u2066isolate\u2069 \u200ertl mark",
    "nul\x00inside",
    "zero\u200bwidth",
    "\ufeffbom at start",
]
LONG = ["A" * 100_000, "Machine Learning Engineer, " * 4_000, "[" * 50_000 + "]" * 50_000]

HOSTILE = RICH_MARKUP + TERMINAL + HTML + MARKDOWN + FORMULAS + UNICODE + LONG
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/a)(javascript:alert(1)",
    "https://evil.example/<script>",
    'https://ok.example/job?id=1&x="y"',
    " vbscript:msgbox(1)",
]

# What every output must keep out: terminal escapes, bells, bidi overrides, NUL.
FORBIDDEN_CHARACTERS = ["\x1b", "\x07", "\x9b", "\x00", "\u202e", "\u2066", "\u2069"]


# Employers of the hostile postings; the first posts most, so it leads every top list.
HOSTILE_EMPLOYERS = [
    '=HYPERLINK("https://evil.example","x")',
    "<script>alert(1)</script> Labs",
    "@SUM(1+1) Analytics",
    "[/bold] Corp",
    "\x1b]0;owned\x07 Inc",
    "\u202eevil\u202c Ltd",
]


def hostile_postings(per_city: int = 40) -> list[dict[str, str]]:
    """Postings in two cities, enough for both to be ranked, whose titles, employers and URLs
    are the hostile strings (each posting's title still says it is an ML job)."""
    rows = []
    texts = [s for s in HOSTILE if len(s) < 1_000]
    for c, city in enumerate(("Boston, MA", "Austin, TX")):
        for i in range(per_city):
            k = c * per_city + i
            employer = HOSTILE_EMPLOYERS[0 if i % 4 == 0 else k % len(HOSTILE_EMPLOYERS)]
            rows.append(
                {
                    "title": f"Machine Learning Engineer {texts[k % len(texts)]} #{k}",
                    "company": employer,
                    "location": city,
                    "salary_text": "$150,000 - $190,000 a year",
                    "posted_at": f"2024-03-{1 + k % 28:02d}",
                    "url": HOSTILE_URLS[k % len(HOSTILE_URLS)] + f"#{k}",
                }
            )
    for k, text in enumerate(LONG):
        # Too long for a title (quarantined), then as every other field of a good posting.
        rows.append({**rows[k], "title": text})
        rows.append({**rows[k], "company": text, "location": text, "salary_text": text})
    return rows

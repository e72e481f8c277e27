"""The fast paths of employer grouping give what the general code gives, and are fast.

Each shortcut skips work only when that work cannot change the name: ASCII text needs no
repair or composition, a pattern cannot match a name without the character it needs, and
the peeling of "X (note)" continues exactly as the peeling of X.
"""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from jobatlas.normalize import employers as E
from jobatlas.normalize import employers_clean as C
from jobatlas.normalize.employers import group_employers
from jobatlas.normalize.employers_legal import norm_token
from jobatlas.normalize.employers_text import normalise_any, normalise_text

_ASCII = st.text(alphabet=string.printable, max_size=60)
_PIECES = [
    *("Acme", "and", "AND", "the", "The", "-", ",", ";", "|", "/", "&", ".", "a", "(Remote)"),
    *("[x]", "{y}", "Formerly", "f/k/a", "FKA", "now part of", "Inc.", "LLC", "Group"),
    *("Holdings", "USA", "India", "Careers", "- 3.9", "é", "Ã¤", " ", "  ", "\t"),
    *("\u017f", "\u212a"),  # long s and Kelvin sign: IGNORECASE matches them to "s" and "k"
    *("now", "part", "of", "M/s", "THD", ", the", "SC", "UKG", "Inc", "(", ")", '"'),
]
_WORDS = st.lists(
    st.sampled_from(_PIECES),
    max_size=8,
).map("".join)


def _clear_caches() -> None:
    for cached in (C._notes_fixed, C._words_fixed, E._resolved, E._canonical):
        cached.cache_clear()


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ASCII, _WORDS))
def test_ascii_fast_path_matches_the_general_normalisation(text: str) -> None:
    assert normalise_text(text) == normalise_any(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), _WORDS))
def test_has_word_is_any_letter_or_digit(text: str) -> None:
    assert C.has_word(text) == any(c.isalnum() for c in text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), _WORDS))
def test_norm_token_fast_path_matches_decomposition(token: str) -> None:
    import unicodedata

    folded = unicodedata.normalize("NFKD", token.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    assert norm_token(token) == folded.replace(".", "").replace(",", "").replace("-", "")


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_junk_shortcut_matches_the_patterns(text: str) -> None:
    cut = C._LEADING_JUNK.sub("", C._TRAILING_JUNK.sub("", text)).strip()
    expected = cut if cut != text and C.has_word(cut) else text
    assert C._cut_junk(text) == expected


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_formerly_shortcut_never_hides_a_match(text: str) -> None:
    if C._FORMERLY.search(text):
        assert C._may_say_formerly(text)


@settings(max_examples=200, deadline=None)
@given(_WORDS)
def test_trim_is_what_a_pattern_that_cannot_match_does(text: str) -> None:
    never = re.compile("(?!)")
    assert C._trim(text) == C._cut_note(text, never)


def test_grouping_does_not_depend_on_cache_state_or_order() -> None:
    bases = ["Acme Corp", "Acme", "Veeva Systems", "Veeva", "The Home Depot", "Deloitte - 3.9"]
    counts = {f"{b} ({note})": i + 1 for i, b in enumerate(bases) for note in ("Remote", "x 1")}
    counts.update({b: 2 for b in bases})
    _clear_caches()
    forward = group_employers(counts)
    _clear_caches()
    backward = group_employers(dict(reversed(list(counts.items()))))
    warm = group_employers(counts)
    assert forward == backward == warm
    assert forward["Acme Corp (Remote)"] == forward["Acme Corp"]
    assert forward["Veeva Systems (x 1)"].key == forward["Veeva"].key


def test_names_sharing_a_base_group_into_it() -> None:
    """The cached steps serve names that differ only by a note (speed: benchmarks/)."""
    bases = [f"Company{i} Holdings, Inc." for i in range(400)]
    counts = {f"{b} (synthetic {k})": 1 for b in bases for k in range(97)}
    grouped = group_employers(counts)
    assert len({e.key for e in grouped.values()}) == len(bases)
    assert grouped["Company7 Holdings, Inc. (synthetic 3)"].name == "Company7"


def _peel_notes_ungated(text: str) -> str:
    """``_peel_notes`` as it was before its shortcuts: every pattern tried on every name."""
    s = text
    if len(s) > 2 and s[0] in "([{" and s[-1] in ")]}":
        inner = s[1:-1].strip()
        if not any(c in inner for c in "()[]{}") and C.has_word(inner):
            s = inner
    if len(s) > 2 and s[0] == '"' and s[-1] == '"' and '"' not in s[1:-1]:
        s = s[1:-1].strip()
    for pattern in (C._PARENS, C._OPEN_TAIL, C._RATING, C._FORMERLY, C._A_COMPANY, C._PIPE):
        s = C._cut_note(s, pattern)
    s = C._cut_note(s, C._SEMICOLON)
    if "/" in s:
        left, _, right = s.partition("/")
        glued = (left.split() or [""])[-1] + "/" + (right.split() or [""])[0]
        if (
            len(left.split()) >= 2
            and sum(c.isalpha() for c in right) >= 2
            and (norm_token(glued),) not in C.legal_term_set()
        ):
            s = left.strip()
    s = C._peel_comma(C._peel_dash(s))
    for pattern in (C._INVERTED_THE, C._LEADING):
        cut = pattern.sub("", s)
        if cut != s and C.has_word(cut):
            s = cut
    return s


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10).map(" ".join))
def test_note_shortcuts_match_trying_every_pattern(text: str) -> None:
    assert C._peel_notes(text) == _peel_notes_ungated(text)


def test_a_cut_can_reveal_the_words_of_a_later_pattern() -> None:
    # "now part of" appears only once "(Remote)" is cut: each test must read the cut name.
    assert C._peel_notes("Acme now (Remote) part of Bigco") == "Acme"

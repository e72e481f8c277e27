"""The resolver's shortcuts decide as the searches they spare would: a cheap test that lets a
text skip a regular expression never skips one that would have matched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobatlas.normalize.gazetteer import data_rows, fold
from jobatlas.normalize.locations_vocab import (
    _HAS_RADIUS_WORD,
    _HAS_SCHEDULE_WORD,
    _HAS_TIME_ZONE_WORD,
    _NEAR,
    _may_need_readings,
    _may_say_near,
    _strip_admin,
    _strip_affixes,
    _strip_town,
    _vocab,
)

_PHRASES = sorted({fold(row["phrase"]) for row in data_rows("location_words.csv")})
_WORDS = st.sampled_from([*_PHRASES, "paris", "new york", "x", "greater", "area", "of"])
_TEXT = st.lists(_WORDS, max_size=5).map(" ".join)
_WRITTEN = st.text(
    alphabet=st.sampled_from([*"abcdeiklmnoprstuwyTUZGNDKR .,-()", "\u212a", "\u0130", "ł"]),
    max_size=30,
).flatmap(
    lambda s: st.sampled_from(
        [s, s + " near x", "x BEI " + s, s + " Time Zone", s + " 3 days office", s + " NR. y"]
    )
)


@given(_TEXT)
def test_stripping_words_skips_only_keys_the_patterns_leave_alone(key: str) -> None:
    vocab = _vocab()
    assert _strip_affixes(key) == vocab.affix_tail.sub("", vocab.affix_head.sub("", key))
    assert _strip_town(key) == vocab.town.sub("", key)
    expected = "" if key in vocab.admin_words else vocab.admin.sub("", key)
    assert _strip_admin(key) == expected


@given(_WRITTEN)
def test_a_text_skips_a_search_only_when_the_search_finds_nothing(text: str) -> None:
    found = _HAS_TIME_ZONE_WORD(text) or _HAS_SCHEDULE_WORD(text) or _HAS_RADIUS_WORD(text)
    if found:
        assert _may_need_readings(text)
    if _NEAR.search(text):
        assert _may_say_near(text)

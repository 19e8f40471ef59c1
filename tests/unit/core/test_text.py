"""Cleaning typed text, and the keys names sort and match by."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core.text import clean_line, clean_text, sort_key, utc_now, vocabulary_key


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Ana  ", "Ana"),
        ("Ana\tLima", "Ana Lima"),
        ("Ana\r\nLima", "Ana Lima"),
        ("Ana\rLima\nCosta", "Ana Lima Costa"),
        ("Ana    Lima", "Ana Lima"),
        ("A\x00n\x07a\x1b", "Ana"),
        ("Ana\x7f\x85", "Ana"),
        ("a\ud800b", "ab"),
        ("E\u0301lodie", "Élodie"),
        ("Ana\u2028Lima", "Ana Lima"),
        ("\u00a0Ana\u00a0", "Ana"),
        ("", ""),
        ("\x00\t\n", ""),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    "kept",
    ["محمد العلي", "\u200fנועה\u200f", "👩🏽‍💻", "🏳️‍🌈", "李娜", "a\u200db", "Zoë"],
)
def test_clean_line_keeps_rtl_emoji_and_joiners(kept: str) -> None:
    assert clean_line(kept) == kept


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("\tindented\n\n\nblank lines kept", "indented\n\n\nblank lines kept"),
        ("col1\tcol2", "col1\tcol2"),
        ("bell\x07 and esc\x1b gone", "bell and esc gone"),
        ("  \n padded \n  ", "padded"),
        ("e\u0301", "é"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Élodie", "elodie"),
        ("ELODIE", "elodie"),
        ("  Zoë ", "zoe"),
        ("Straße", "strasse"),
        ("Ångström", "angstrom"),
        ("Wiśniewska", "wisniewska"),
        ("E\u0301lodie", "elodie"),
        ("ﬁnance", "finance"),
        ("محمد", "محمد"),
    ],
)
def test_sort_key(name: str, key: str) -> None:
    assert sort_key(name) == key


def test_sort_key_orders_names_as_people_expect() -> None:
    names = ["Zoë", "émile", "Elodie", "Élodie", "bob", "Ana"]
    assert sorted(names, key=sort_key) == ["Ana", "bob", "Elodie", "Élodie", "émile", "Zoë"]


@pytest.mark.parametrize("term", ["Pricing", "pricing ", "PRICING", "  pricing\t", "Prícing"])
def test_vocabulary_key_is_one_identity(term: str) -> None:
    assert vocabulary_key(term) == "pricing"


def test_vocabulary_key_collapses_inner_spaces() -> None:
    assert vocabulary_key("Pricing   strategy") == vocabulary_key("pricing strategy")
    assert vocabulary_key("pricing strategy") != vocabulary_key("pricingstrategy")


def test_utc_now_format_and_value() -> None:
    text = utc_now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", text)
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - parsed) < timedelta(seconds=5)


def test_utc_now_sorts_in_time_order() -> None:
    first = utc_now()
    second = utc_now()
    assert first <= second


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_clean_line_is_one_tidy_line(text: str) -> None:
    line = clean_line(text)
    assert line == line.strip()
    assert "  " not in line
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in line)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_clean_text_keeps_only_newlines_and_tabs_as_controls(text: str) -> None:
    cleaned = clean_text(text)
    assert "\r" not in cleaned
    assert cleaned == cleaned.strip()
    controls = {ch for ch in cleaned if unicodedata.category(ch) in ("Cc", "Cs")}
    assert controls <= {"\n", "\t"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=50))
def test_sort_key_ignores_case_and_accents(text: str) -> None:
    key = sort_key(text)
    assert sort_key(unicodedata.normalize("NFD", text)) == key
    assert sort_key(unicodedata.normalize("NFC", text)) == key
    assert not any(unicodedata.combining(ch) for ch in key)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=50))
def test_sort_key_of_ascii_is_its_lower_case(text: str) -> None:
    assert sort_key(text) == text.lower().strip()
    assert sort_key(text.upper()) == sort_key(text.lower())

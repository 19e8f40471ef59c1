"""The kinds of connection and how each reads from either side."""

from __future__ import annotations

import pytest

from ally_desktop.core.connections import CUSTOM, KINDS, describe


@pytest.mark.parametrize(
    ("kind", "forward", "backward"),
    [
        ("works_with", "works with", "works with"),
        ("reports_to", "reports to", "manages"),
        ("mentor_of", "is a mentor of", "is mentored by"),
        ("introduced", "introduced me to", "was introduced to me by"),
        ("friend_of", "is a friend of", "is a friend of"),
        ("custom", "is connected to", "is connected to"),
    ],
)
def test_each_kind_reads_from_both_sides(kind: str, forward: str, backward: str) -> None:
    assert describe(kind, "", outgoing=True) == forward
    assert describe(kind, "", outgoing=False) == backward


def test_symmetric_kinds() -> None:
    symmetric = {key for key, kind in KINDS.items() if kind.symmetric}
    assert symmetric == {"works_with", "friend_of", CUSTOM}


def test_keys_match() -> None:
    assert all(kind.key == key for key, kind in KINDS.items())


def test_custom_label_reads_the_same_both_ways() -> None:
    assert describe(CUSTOM, "plays chess with", True) == "plays chess with"
    assert describe(CUSTOM, "plays chess with", False) == "plays chess with"


def test_label_of_a_known_kind_does_not_replace_its_phrase() -> None:
    assert describe("reports_to", "dotted line", True) == "reports to"
    assert describe("reports_to", "dotted line", False) == "manages"


def test_unknown_kind_reads_as_custom() -> None:
    assert describe("rival_of", "", True) == "is connected to"
    assert describe("rival_of", "", False) == "is connected to"

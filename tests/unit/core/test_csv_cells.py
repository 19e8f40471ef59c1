"""Formula cells made inert for spreadsheets, and restored exactly on import."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ally_desktop.core.csv_cells import TRIGGERS, neutralise, restore


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("\nline", "'\nline"),
        ("Ana Ruiz", "Ana Ruiz"),
        ("", ""),
        ("a=b", "a=b"),
        ("'quoted", "'quoted"),
        ("'=already", "''=already"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_quote(value: str, written: str) -> None:
    assert neutralise(value) == written
    assert restore(written) == value


def test_nothing_written_starts_with_a_trigger() -> None:
    for trigger in TRIGGERS:
        assert not neutralise(f"{trigger}x").startswith(TRIGGERS)


@given(st.text(max_size=40))
def test_restore_undoes_neutralise_for_any_text(value: str) -> None:
    written = neutralise(value)
    assert not written.startswith(TRIGGERS)
    assert restore(written) == value


@given(st.text(alphabet="'=+-@\t\r\nab", max_size=8))
def test_round_trip_on_the_tricky_characters(value: str) -> None:
    assert restore(neutralise(value)) == value

"""CSV text split into a header and rows with their line numbers; bad rows named."""

from __future__ import annotations

import pytest

from ally_desktop.core.formats.common import RowProblem
from ally_desktop.core.transfer.csv_tables import (
    CELL_MAX_CHARS,
    CsvRow,
    NoTableError,
    read_table,
    sniff_delimiter,
)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_separator_is_found(delimiter: str) -> None:
    text = delimiter.join(["Name", "City", "Notes"]) + "\n"
    text += delimiter.join(["Ana", '"Paris, France; 75001"', "x"]) + "\n"
    text += delimiter.join(["Bo", "Lyon", '"a;b,c"']) + "\n"
    assert sniff_delimiter(text) == delimiter
    table = read_table(text)
    assert table.header == ["Name", "City", "Notes"]
    rows = list(table.rows())
    assert rows[0] == CsvRow(2, ["Ana", "Paris, France; 75001", "x"])


def test_quoted_line_breaks_stay_in_the_cell_and_lines_are_counted() -> None:
    text = 'Name,Notes\r\nAna,"one\r\ntwo\nthree"\r\nBo,x\r\n\r\nCy,y\r\n'
    rows = list(read_table(text).rows())
    assert rows == [
        CsvRow(2, ["Ana", "one\r\ntwo\nthree"]),
        CsvRow(5, ["Bo", "x"]),
        CsvRow(7, ["Cy", "y"]),
    ]


def test_a_preamble_above_the_header_is_skipped() -> None:
    text = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing, see https://example.com."\n'
        "\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ana,Ruiz,https://www.linkedin.com/in/ana,,Acme,CTO,12 Mar 2023\n"
    )
    table = read_table(text)
    assert table.header[:2] == ["First Name", "Last Name"]
    assert table.header_line == 4
    assert [r.line for r in table.rows()] == [5]


def test_ragged_rows_are_problems_with_their_line() -> None:
    text = "a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,,\n"
    rows = list(read_table(text).rows())
    assert rows[0] == CsvRow(2, ["1", "2", "3"])
    assert isinstance(rows[1], RowProblem)
    assert rows[1].line == 3
    assert "2 cells where the header has 3" in rows[1].reason
    assert isinstance(rows[2], RowProblem)
    assert rows[2].line == 4
    assert rows[3] == CsvRow(5, ["1", "2", "3"])  # trailing empty cells are harmless


def test_a_cut_off_file_is_named_as_such() -> None:
    rows = list(read_table('a,b\n1,2\n3,"never closed\n').rows())
    assert rows[0] == CsvRow(2, ["1", "2"])
    assert isinstance(rows[1], RowProblem)
    assert "cut off" in rows[1].reason


def test_a_giant_cell_is_a_problem_and_the_next_rows_are_still_read() -> None:
    text = f"a,b\n1,{'x' * (CELL_MAX_CHARS + 10)}\n3,4\n"
    rows = list(read_table(text).rows())
    assert isinstance(rows[0], RowProblem)
    assert "longer than" in rows[0].reason
    assert rows[-1] == CsvRow(3, ["3", "4"])


def test_a_stray_quote_is_a_problem() -> None:
    rows = list(read_table('a,b\n"x"y,2\n3,4\n').rows())
    assert isinstance(rows[0], RowProblem)
    assert "quote" in rows[0].reason


def test_no_table_in_blank_text() -> None:
    with pytest.raises(NoTableError, match="empty"):
        read_table("\n\n")

"""Splitting CSV text into a header and rows, each row with the line it starts on.

Programs disagree on the separator (a comma, or a semicolon where the comma is the
decimal mark, or a tab), and some put a preamble above the header (LinkedIn's "Notes:").
The separator is the one that gives the most rows of the same width; the header is the
first row with at least two cells filled in. Rows that cannot be read (a quote left
open, a cell of megabytes, a row wider or narrower than the header) are reported with
their line number and the reason instead of being guessed at.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from ally_desktop.core.formats.common import RowProblem

CELL_MAX_CHARS = 1 << 20  # a photo in Ally's CSV is under 350,000 characters
DELIMITERS = (",", ";", "\t")
_SAMPLE_ROWS = 50
_HEADER_SEARCH_ROWS = 20

# The limit is the csv module's (one per process); it only ever grows here.
csv.field_size_limit(max(csv.field_size_limit(), CELL_MAX_CHARS))


class NoTableError(ValueError):
    """The text holds no table with a header and rows; the message says why."""


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts (1-based), quoted line breaks included
    cells: list[str]


@dataclass
class CsvTable:
    header: list[str]
    header_line: int
    delimiter: str
    text: str = field(repr=False)

    def rows(self) -> Iterator[CsvRow | RowProblem]:
        """Every row after the header, or a problem for each row that cannot be read."""
        width = len(self.header)
        for record in _records(self.text, self.delimiter):
            if isinstance(record, RowProblem):
                if record.line > self.header_line:
                    yield record
                continue
            if record.line <= self.header_line:
                continue
            cells = record.cells
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            if len(cells) != width:
                yield RowProblem(
                    record.line,
                    f"The row has {len(cells)} cells where the header has {width}:"
                    " a separator or a quote is missing or one too many.",
                )
                continue
            yield CsvRow(record.line, cells)


def _reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"A cell is longer than {CELL_MAX_CHARS:,} characters, the most Ally reads."
    if "unexpected end of data" in message:
        return "The file ends inside a quoted cell: it was cut off."
    if "expected after" in message or "delimiter" in message:
        return 'A quote inside a quoted cell is not doubled (a " in a cell is written "").'
    if "NUL" in message:
        return "The row holds binary data."
    return f"The row cannot be read ({message})."


def _records(text: str, delimiter: str) -> Iterator[CsvRow | RowProblem]:
    """Non-blank records with their first line; unreadable ones as problems."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    before = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowProblem(before + 1, _reason(error))
            before = reader.line_num
            continue
        line = before + 1
        before = reader.line_num
        if any(cell.strip() for cell in cells):
            yield CsvRow(line, cells)


def _delimiter_score(text: str, delimiter: str) -> tuple[int, int]:
    """(cells in rows of the most common width, that width) among the first rows.

    Counting cells, not rows, keeps a separator that also occurs inside cells (a
    semicolon in Ally's list cells, a comma in "Paris, France") from winning on many
    narrow accidental rows over the real one's few wide rows."""
    widths = Counter(
        len(r.cells)
        for r in islice(_records(text, delimiter), _SAMPLE_ROWS)
        if isinstance(r, CsvRow) and len(r.cells) > 1
    )
    if not widths:
        return 0, 0
    width, rows = max(widths.items(), key=lambda item: (item[1] * item[0], item[0]))
    return rows * width, width


def sniff_delimiter(text: str) -> str:
    sample = text[: 256 * 1024]
    scores = {d: _delimiter_score(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][0] else ","


def read_table(text: str, delimiter: str | None = None) -> CsvTable:
    """The header and rows of CSV ``text`` (separator guessed unless given)."""
    if not text.strip():
        raise NoTableError("The file is empty.")
    delimiter = delimiter or sniff_delimiter(text)
    first: CsvRow | None = None
    for record in islice(_records(text, delimiter), _HEADER_SEARCH_ROWS):
        if isinstance(record, RowProblem):
            continue
        first = first or record
        if sum(1 for cell in record.cells if cell.strip()) >= 2:
            header = record
            break
    else:
        if first is None:
            raise NoTableError("The file holds no rows that can be read as a table.")
        header = first
    names = [cell.strip().removeprefix("\ufeff") for cell in header.cells]
    return CsvTable(names, header.line, delimiter, text)

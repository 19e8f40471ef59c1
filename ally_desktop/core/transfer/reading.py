"""A file turned into contacts to import, with every row that could not be read.

Opening a file (``open_source``) decodes it, names its format and, for a CSV, finds its
header and guesses a column mapping; it is cheap, so a dialog can show a preview at
once. Reading it (``read_source``) turns every row or card into a contact, or into a
problem with its line number and the reason. Nothing here touches the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ally_desktop.core import csv_cells
from ally_desktop.core.collector import collector_paused
from ally_desktop.core.formats.common import Format, IncomingContact, RowError, RowProblem
from ally_desktop.core.formats.registry import csv_format
from ally_desktop.core.transfer.csv_tables import CsvRow, CsvTable, NoTableError, read_table
from ally_desktop.core.transfer.detect import format_of_header, looks_like_vcard
from ally_desktop.core.transfer.text_files import DecodedText, UnreadableFileError, read_text

if TYPE_CHECKING:
    from ally_desktop.core.formats.csv_generic import Target

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
PREVIEW_ROWS = 5


class NothingToImportError(ValueError):
    """The file was read but holds no contacts (a header only, or no cards)."""


class ReadCancelledError(Exception):
    """The user stopped reading the file."""


@dataclass
class SourceFile:
    """A file ready to be read: its text, format, table and (for other CSVs) mapping."""

    path: Path
    format: Format
    decoded: DecodedText
    table: CsvTable | None = None  # None for vCard
    mapping: list[Target] = field(default_factory=list)  # for other CSVs: one per column

    @property
    def header(self) -> list[str]:
        return self.table.header if self.table else []

    def preview(self, limit: int = PREVIEW_ROWS) -> list[list[str]]:
        """The first rows' cells as the file has them (spreadsheet quotes removed)."""
        if self.table is None:
            return []
        rows: list[list[str]] = []
        for row in self.table.rows():
            if isinstance(row, CsvRow):
                rows.append([csv_cells.restore(c) for c in row.cells])
                if len(rows) == limit:
                    break
        return rows


def open_source(path: Path, fmt: Format | None = None, encoding: str | None = None) -> SourceFile:
    """Decode ``path`` and name its format (``fmt`` None: detect it).

    Raises UnreadableFileError or NoTableError with a message for the user.
    """
    decoded = read_text(path, encoding)
    if fmt is Format.VCARD or (fmt is None and looks_like_vcard(decoded.text)):
        if not looks_like_vcard(decoded.text):
            raise UnreadableFileError(f"{path.name} is not a vCard file (no BEGIN:VCARD).")
        return SourceFile(path, Format.VCARD, decoded)
    table = read_table(decoded.text)
    found = fmt or format_of_header(table.header)
    source = SourceFile(path, found, decoded, table)
    if found is Format.GENERIC:
        from ally_desktop.core.formats import csv_generic

        source.mapping = list(csv_generic.guess_mapping(table.header))
    return source


@dataclass
class ReadResult:
    source: SourceFile
    contacts: list[IncomingContact]
    problems: list[RowProblem]


def _csv_reader(source: SourceFile) -> Callable[[CsvRow], IncomingContact]:
    header = source.header
    if source.format is Format.GENERIC:
        from ally_desktop.core.formats import csv_generic

        mapping = source.mapping
        if not csv_generic.mapping_is_usable(mapping):
            raise NothingToImportError(
                "No column is mapped to a name, an email or an organization: map at least one."
            )

        def generic(row: CsvRow) -> IncomingContact:
            cells = [csv_cells.restore(c) for c in row.cells]
            return csv_generic.contact_of_mapped(cells, mapping, row.line, header)

        return generic
    contact_of = csv_format(source.format).contact_of  # ValueError: not a CSV format

    def named(row: CsvRow) -> IncomingContact:
        cells = dict(zip(header, (csv_cells.restore(c) for c in row.cells), strict=True))
        return contact_of(cells, row.line)

    return named


def _items(source: SourceFile) -> Iterator[CsvRow | IncomingContact | RowProblem]:
    if source.format is Format.VCARD:
        from ally_desktop.core.formats import vcard

        yield from vcard.read_cards(source.decoded.text)
    else:
        assert source.table is not None
        yield from source.table.rows()


def read_source(
    source: SourceFile,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ReadResult:
    """Every contact in the file, and every row that could not be read.

    Raises NothingToImportError when the file holds neither.
    """
    with collector_paused():
        return _read(source, progress, cancelled)


def _read(source: SourceFile, progress: Progress | None, cancelled: Cancelled | None) -> ReadResult:
    contact_of = None if source.format is Format.VCARD else _csv_reader(source)
    total_lines = source.decoded.text.count("\n") + 1
    contacts: list[IncomingContact] = []
    problems: list[RowProblem] = []
    for count, item in enumerate(_items(source)):
        if count % 1000 == 0:
            if cancelled is not None and cancelled():
                raise ReadCancelledError
            if progress is not None:
                line = item.line
                progress(min(line, total_lines), total_lines)
        if isinstance(item, CsvRow):
            assert contact_of is not None
            try:
                contacts.append(contact_of(item))
            except RowError as error:
                problems.append(RowProblem(item.line, str(error)))
        elif isinstance(item, RowProblem):
            problems.append(item)
        else:
            contacts.append(item)
    if not contacts and not problems:
        what = "cards" if source.format is Format.VCARD else "rows below its header"
        raise NothingToImportError(f"{source.path.name} has no {what}: nothing to import.")
    return ReadResult(source, contacts, problems)


def read_file(path: Path, fmt: Format | None = None, encoding: str | None = None) -> ReadResult:
    """Open and read in one go (the command line's way)."""
    return read_source(open_source(path, fmt, encoding))


__all__ = [
    "NoTableError",
    "NothingToImportError",
    "ReadCancelledError",
    "ReadResult",
    "SourceFile",
    "UnreadableFileError",
    "open_source",
    "read_file",
    "read_source",
]

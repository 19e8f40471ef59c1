"""Export jobs: stored contacts streamed to a file that appears only when complete.

The contacts are read in batches inside one read transaction (a consistent picture
even while the window keeps writing), turned into rows or cards by their format, and
written to a temporary file that replaces the target at the end. Progress is reported
per batch; a cancel between batches stops the job and leaves nothing behind.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ally_desktop.core import csv_cells
from ally_desktop.core.formats.common import EXPORT_FORMATS, Format, OutgoingContact
from ally_desktop.core.formats.registry import csv_format
from ally_desktop.core.transfer.atomic_files import replaced_atomically
from ally_desktop.core.transfer.outgoing import BATCH, stream_contacts

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelledError(Exception):
    """The user stopped the export; the target file was left as it was."""


@dataclass(frozen=True)
class ExportOptions:
    format: Format = Format.NATIVE
    byte_order_mark: bool = False  # some spreadsheet programs need it to see UTF-8
    neutralise: bool = True  # formulas made inert (core.csv_cells)
    vcard_version: str = "3.0"


_EXTENSIONS = {".vcf": Format.VCARD, ".vcard": Format.VCARD, ".csv": Format.NATIVE}


def format_for_path(path: Path) -> Format:
    """The format a file name asks for: vCard for .vcf, Ally CSV otherwise."""
    return _EXTENSIONS.get(path.suffix.lower(), Format.NATIVE)


def write_csv(contacts: Iterable[OutgoingContact], out: TextIO, options: ExportOptions) -> None:
    """RFC 4180 CSV: CRLF line ends, quotes only where needed, cells made safe."""
    shape = csv_format(options.format)
    if shape.row_of is None:
        raise ValueError(f"Ally does not export {options.format.label}.")
    header, row_of = shape.header, shape.row_of
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    safe = csv_cells.neutralise if options.neutralise else None
    for contact in contacts:
        row = row_of(contact)
        writer.writerow([safe(cell) for cell in row] if safe else row)


def _write(contacts: Iterable[OutgoingContact], out: TextIO, options: ExportOptions) -> None:
    if options.byte_order_mark:
        out.write("\ufeff")
    if options.format is Format.VCARD:
        from ally_desktop.core.formats import vcard

        vcard.write_cards(contacts, out, options.vcard_version)
    else:
        write_csv(contacts, out, options)


def export_contacts(
    conn: sqlite3.Connection,
    ids: Sequence[int],
    path: Path,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Write the contacts with ``ids`` (in that order) to ``path``; returns how many.

    ``conn`` is a sqlite3 connection of its own (the caller's thread's); the read runs in
    one transaction on it. ``progress(done, total)`` is called after each batch; when
    ``cancelled()`` turns true the job raises ExportCancelledError and writes nothing.
    """
    options = options or ExportOptions()
    if options.format not in EXPORT_FORMATS:
        raise ValueError(f"Ally does not export {options.format.label}.")
    total = len(ids)
    written = 0

    def counted() -> Iterable[OutgoingContact]:
        nonlocal written
        for contact in stream_contacts(conn, ids):
            if written % BATCH == 0:
                if cancelled is not None and cancelled():
                    raise ExportCancelledError
                if progress is not None:
                    progress(written, total)
            yield contact
            written += 1

    in_transaction = conn.in_transaction
    if not in_transaction:
        conn.execute("BEGIN")
    try:
        with replaced_atomically(path) as out:
            _write(counted(), out, options)
    finally:
        if not in_transaction:
            conn.execute("COMMIT")
    if progress is not None:
        progress(written, total)
    return written

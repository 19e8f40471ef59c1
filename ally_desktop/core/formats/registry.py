"""Which module speaks each CSV format: the one place export and import both ask.

Each module is imported on first use (a user who only ever exports Ally CSV never loads
the Outlook tables), with plain import statements so a frozen build still finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ally_desktop.core.formats.common import Format, IncomingContact, OutgoingContact

RowOf = Callable[[OutgoingContact], list[str]]
ContactOf = Callable[[Mapping[str, str], int], IncomingContact]


@dataclass(frozen=True)
class CsvFormat:
    """A CSV format with a fixed header: how to write a row and how to read one.

    ``row_of`` is None for a format Ally only reads (LinkedIn's own export)."""

    header: Sequence[str]
    row_of: RowOf | None
    contact_of: ContactOf


def csv_format(fmt: Format) -> CsvFormat:
    """The header, writer and reader of ``fmt``; ValueError for vCard and the generic
    CSV, which have no fixed header."""
    if fmt is Format.NATIVE:
        from ally_desktop.core.formats import csv_native

        return CsvFormat(csv_native.COLUMNS, csv_native.row_of, csv_native.contact_of)
    if fmt is Format.GOOGLE:
        from ally_desktop.core.formats import csv_google

        return CsvFormat(csv_google.HEADER, csv_google.row_of, csv_google.contact_of)
    if fmt is Format.OUTLOOK:
        from ally_desktop.core.formats import csv_outlook

        return CsvFormat(csv_outlook.HEADER, csv_outlook.row_of, csv_outlook.contact_of)
    if fmt is Format.LINKEDIN:
        from ally_desktop.core.formats import csv_linkedin

        return CsvFormat(csv_linkedin.HEADER, None, csv_linkedin.contact_of)
    raise ValueError(f"{fmt.label} is not a CSV format with a fixed header.")

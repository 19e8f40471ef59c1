"""Which format a file is in, from what it says rather than what it is called.

A vCard starts with ``BEGIN:VCARD``; a CSV is named by its header, since every program
writes its own column names (Ally's, Google's, Outlook's, LinkedIn's). Anything else
with a header is read through a column mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from ally_desktop.core.formats import csv_native
from ally_desktop.core.formats.common import Format

_VCARD_START = "begin:vcard"


def looks_like_vcard(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[: len(_VCARD_START)].lower() == _VCARD_START


def format_of_header(header: Sequence[str]) -> Format:
    if csv_native.header_matches(header):
        return Format.NATIVE
    from ally_desktop.core.formats import csv_google, csv_linkedin, csv_outlook

    if csv_google.header_matches(header):
        return Format.GOOGLE
    if csv_outlook.header_matches(header):
        return Format.OUTLOOK
    if csv_linkedin.header_matches(header):
        return Format.LINKEDIN
    return Format.GENERIC

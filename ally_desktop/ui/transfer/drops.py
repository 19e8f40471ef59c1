"""Which dragged files the main window takes as an import.

One local file whose name says it holds contacts (``.csv``, ``.vcf``, ``.vcard``, or
``.txt``, which some programs give their CSV exports); anything else (several files, a
folder, a picture, text dragged from a browser) is refused while it is still being
dragged, so the pointer shows at once that it cannot be dropped.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

IMPORTABLE_SUFFIXES = frozenset({".csv", ".vcf", ".vcard", ".txt"})


def importable_path(mime: QMimeData | None) -> Path | None:
    """The file to import from a drag's data, or None when it is not one."""
    if mime is None or not mime.hasUrls():
        return None
    urls = mime.urls()
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    if path.suffix.lower() not in IMPORTABLE_SUFFIXES or not path.is_file():
        return None
    return path

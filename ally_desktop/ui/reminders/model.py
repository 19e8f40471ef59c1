"""The Reminders list: sections (Overdue, Today, Upcoming, Snoozed) with their reminders.

Each section's ids come from one SQL range read in display order (core/due.py); the
model keeps one integer per row (a reminder id, or a section heading encoded as the
negated section number) and builds rows a page at a time into a bounded cache.
"""

from __future__ import annotations

from array import array
from datetime import UTC, datetime
from typing import Any

import peewee as pw
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ally_desktop.core.due import UPCOMING_DAYS, DueRow, Section, Window, due_rows, section_ids
from ally_desktop.ui.row_cache import RowCache

ModelIndex = QModelIndex | QPersistentModelIndex

SECTIONS = tuple(Section)
PAGE = 80
CACHE_ROWS = 2000
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
HEADING_ROLE = Qt.ItemDataRole.UserRole + 3
SECTION_ROLE = Qt.ItemDataRole.UserRole + 4
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ROLES = frozenset((_DISPLAY, ID_ROLE, ROW_ROLE, HEADING_ROLE, SECTION_ROLE, COUNT_ROLE))
_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_HEADING_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


class ReminderModel(QAbstractListModel):
    """What is due, by section; ``reload`` after any change or when the day turns."""

    counted = Signal(object)  # {Section: count}

    def __init__(
        self,
        db: pw.SqliteDatabase,
        *,
        upcoming_days: int = UPCOMING_DAYS,
        now: datetime | None = None,
    ) -> None:
        super().__init__()
        self._db = db
        self.upcoming_days = upcoming_days
        self.fixed_now = now  # tests pin the clock; otherwise the time of each reload
        self._entries: array[int] = array("q")
        self._section_of_row: list[tuple[int, Section]] = []  # (first row, section)
        self._counts: dict[Section, int] = {}
        self._cache: RowCache[DueRow] = RowCache(lambda ids: due_rows(db, ids), PAGE, CACHE_ROWS)
        self.reload()

    # --- what the model shows -------------------------------------------------------
    def window(self) -> Window:
        return Window.at(self.fixed_now or datetime.now(UTC), self.upcoming_days)

    def reload(self) -> None:
        window = self.window()
        self.beginResetModel()
        self._entries = array("q")
        self._section_of_row = []
        self._counts = {}
        self._cache.clear()
        for number, section in enumerate(SECTIONS, start=1):
            ids = section_ids(self._db, section, window)
            self._counts[section] = len(ids)
            if not ids:
                continue
            self._section_of_row.append((len(self._entries), section))
            self._entries.append(-number)
            self._entries.extend(ids)
        self.endResetModel()
        self.counted.emit(dict(self._counts))

    def counts(self) -> dict[Section, int]:
        return dict(self._counts)

    def reminder_id(self, row: int) -> int | None:
        entry = self._entries[row]
        return entry if entry > 0 else None

    def row_of(self, reminder_id: int) -> int | None:
        try:
            return self._entries.index(reminder_id)
        except ValueError:
            return None

    def section_at(self, row: int) -> Section | None:
        found = None
        for first, section in self._section_of_row:
            if first > row:
                break
            found = section
        return found

    def due_row(self, row: int) -> DueRow | None:
        reminder_id = self.reminder_id(row)
        return None if reminder_id is None else self._row(row, reminder_id)

    # --- Qt model interface -----------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ITEM_FLAGS if self._entries[index.row()] > 0 else _HEADING_FLAGS

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ROLES:
            return None
        row_number = index.row()
        if not index.isValid() or not 0 <= row_number < len(self._entries):
            return None
        entry = self._entries[row_number]
        if entry < 0:
            section = SECTIONS[-entry - 1]
            if role == HEADING_ROLE:
                return True
            if role == SECTION_ROLE:
                return section
            if role == COUNT_ROLE:
                return self._counts.get(section, 0)
            if role == _DISPLAY:
                return f"{section.value} · {self._counts.get(section, 0):,}"
            return None
        if role == HEADING_ROLE:
            return False
        if role == ID_ROLE:
            return entry
        if role == SECTION_ROLE:
            return self.section_at(row_number)
        row = self._row(row_number, entry)
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role == _DISPLAY:
            person = f"{row.contact_name}: " if row.contact_name else ""
            return f"{person}{row.what()}"
        return None

    # --- rows on demand ---------------------------------------------------------------
    def _row(self, row_number: int, reminder_id: int) -> DueRow | None:
        return self._cache.row(self._entries, row_number, reminder_id)

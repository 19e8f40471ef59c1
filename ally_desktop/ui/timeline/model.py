"""The timeline list model: interactions newest first, a heading row at each new day.

A million interactions cannot be loaded up front, so the model pages by key
(``interaction_keys``): it starts with one screenful and Qt's ``fetchMore`` asks for the
next page when the view scrolls near the end. The model keeps only one integer per row
(an interaction id, or a day heading encoded as the negated day ordinal); the rows
themselves are built a page at a time and kept in a bounded cache.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from datetime import date
from typing import Any

import peewee as pw
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ally_desktop.core.timeline import (
    InteractionRow,
    TimelineKey,
    TimelineQuery,
    interaction_key,
    interaction_keys,
    interaction_rows,
    kind_label,
)
from ally_desktop.ui.row_cache import RowCache
from ally_desktop.ui.timeline.days import day_heading, time_text

ModelIndex = QModelIndex | QPersistentModelIndex

FIRST_PAGE = 120  # more rows than a tall screen shows
PAGE = 500
ROWS_PER_QUERY = 80
CACHE_ROWS = 3000

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the interaction id (None on a day heading)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the InteractionRow
HEADING_ROLE = Qt.ItemDataRole.UserRole + 3  # True on a day heading
DAY_ROLE = Qt.ItemDataRole.UserRole + 4  # the day a heading stands for

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ACCESSIBLE, ID_ROLE, ROW_ROLE, HEADING_ROLE, DAY_ROLE))
_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_HEADING_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


class TimelineModel(QAbstractListModel):
    """The interactions a TimelineQuery matches, fetched page by page as the view scrolls."""

    loaded = Signal()  # rows were appended or the list was rebuilt

    def __init__(
        self,
        db: pw.SqliteDatabase,
        query: TimelineQuery | None = None,
        *,
        today: date | None = None,
        first_page: int = FIRST_PAGE,
    ) -> None:
        super().__init__()
        self._db = db
        self._query = query or TimelineQuery()
        self.today = today  # fixed in tests; otherwise the computer's day at each repaint
        self._first_page = first_page
        self._entries: array[int] = array("q")  # > 0: interaction id; < 0: -(day ordinal)
        self._last_key: TimelineKey | None = None
        self._last_day: int | None = None
        self._exhausted = False
        self._interactions = 0
        self._cache: RowCache[InteractionRow] = RowCache(
            lambda ids: interaction_rows(db, ids), ROWS_PER_QUERY, CACHE_ROWS
        )
        self.reload()

    # --- what the model shows -------------------------------------------------------
    @property
    def query(self) -> TimelineQuery:
        return self._query

    def set_query(self, query: TimelineQuery) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self, keep_loaded: bool = False) -> None:
        """Run the query again; ``keep_loaded`` fetches as far as before, so the view keeps
        its place after an edit."""
        through = self._last_key if keep_loaded and self._interactions > self._first_page else None
        self.beginResetModel()
        self._entries = array("q")
        self._last_key = None
        self._last_day = None
        self._exhausted = False
        self._interactions = 0
        self._cache.clear()
        if through is not None:
            self._append(interaction_keys(self._db, self._query, through=through))
        self._append_page(self._first_page)
        self.endResetModel()
        self.loaded.emit()

    def refresh(self, interaction_ids: Iterable[int]) -> None:
        """These interactions changed in ways that keep their place (for example a
        participant's new name): drop them from the cache and repaint them."""
        for interaction_id in interaction_ids:
            self._cache.forget(interaction_id)
            row = self.row_of(interaction_id)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def interaction_count_loaded(self) -> int:
        return self._interactions

    def fully_loaded(self) -> bool:
        return self._exhausted

    def interaction_id(self, row: int) -> int | None:
        entry = self._entries[row]
        return entry if entry > 0 else None

    def row_of(self, interaction_id: int) -> int | None:
        try:
            return self._entries.index(interaction_id)
        except ValueError:
            return None

    def load_through(self, interaction_id: int) -> int | None:
        """Fetch as far as this interaction (to select it after an edit); its row or None."""
        row = self.row_of(interaction_id)
        if row is not None or self._exhausted:
            return row
        key = interaction_key(self._db, interaction_id)
        if key is None:
            return None
        keys = interaction_keys(self._db, self._query, after=self._last_key, through=key)
        if keys:
            self._insert_keys(keys)
        return self.row_of(interaction_id)

    # --- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self._exhausted:
            return
        keys = interaction_keys(self._db, self._query, after=self._last_key, limit=PAGE)
        if len(keys) < PAGE:
            self._exhausted = True
        if keys:
            self._insert_keys(keys)

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
        if entry < 0:  # a day heading
            day = date.fromordinal(-entry)
            if role == HEADING_ROLE:
                return True
            if role == DAY_ROLE:
                return day
            if role in (_DISPLAY, _ACCESSIBLE):
                return day_heading(day, self.today or date.today())
            return None
        if role == HEADING_ROLE:
            return False
        if role == ID_ROLE:
            return entry
        row = self._row(row_number, entry)
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role == DAY_ROLE:
            return row.local_date
        return describe(row) if role != _TOOLTIP else tooltip(row)

    # --- loading -----------------------------------------------------------------------
    def _append_page(self, limit: int) -> None:
        keys = interaction_keys(self._db, self._query, after=self._last_key, limit=limit)
        if len(keys) < limit:
            self._exhausted = True
        self._append(keys)

    def _insert_keys(self, keys: list[TimelineKey]) -> None:
        first = len(self._entries)
        added = self._count_entries(keys)
        self.beginInsertRows(QModelIndex(), first, first + added - 1)
        self._append(keys)
        self.endInsertRows()
        self.loaded.emit()

    def _count_entries(self, keys: list[TimelineKey]) -> int:
        days = self._last_day
        count = 0
        for key in keys:
            ordinal = key.local_date.toordinal()
            if ordinal != days:
                count += 1
                days = ordinal
        return count + len(keys)

    def _append(self, keys: list[TimelineKey]) -> None:
        entries = self._entries
        for key in keys:
            ordinal = key.local_date.toordinal()
            if ordinal != self._last_day:
                entries.append(-ordinal)
                self._last_day = ordinal
            entries.append(key.id)
        if keys:
            self._last_key = keys[-1]
            self._interactions += len(keys)

    def _row(self, row_number: int, interaction_id: int) -> InteractionRow | None:
        return self._cache.row(self._entries, row_number, interaction_id)


def describe(row: InteractionRow) -> str:
    """The row as one line of text (what screen readers and copy see)."""
    parts = [time_text(row), kind_label(row.kind)]
    if row.title:
        parts.append(row.title)
    text = " · ".join(p for p in parts if p)
    if row.participants:
        text += f" — with {row.participants}"
    if row.exchange == "given":
        text += f" (I helped: {row.exchange_note})" if row.exchange_note else " (I helped)"
    elif row.exchange == "received":
        text += f" (they helped: {row.exchange_note})" if row.exchange_note else " (they helped)"
    return text


def tooltip(row: InteractionRow) -> str | None:
    lines = [describe(row)]
    if row.place:
        lines.append(f"Where: {row.place}")
    return "\n".join(lines)

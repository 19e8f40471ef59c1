"""The contact table model: sorted ids from SQL, rows built on demand and cached.

SQLite sorts and filters; this model holds only the array of matching ids. When the
view asks for a row that is not cached, the page around it is fetched in one query.
The cache is bounded, so scrolling through 100,000 people keeps memory flat.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import peewee as pw
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from ally_desktop.core.contact_queries import (
    ContactListRow,
    ContactQuery,
    SortKey,
    contact_ids,
    rows_by_ids,
)
from ally_desktop.core.health import Health, Level, assess, explain
from ally_desktop.core.records import Closeness
from ally_desktop.core.relative_time import (
    days_ago_text,
    local_days_since,
    local_moment_text,
    ms_until_next_day,
)
from ally_desktop.ui.look import Tone, tone

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, SortKey | None], ...] = (
    ("Name", SortKey.NAME),
    ("Organization", SortKey.ORGANIZATION),
    ("Job title", SortKey.JOB_TITLE),
    ("Team", SortKey.TEAM),
    ("Closeness", SortKey.CLOSENESS),
    ("Last interaction", SortKey.LAST_INTERACTION),
    ("Knows about", None),
    ("Tags", None),
    ("Email", None),
    ("Health", SortKey.HEALTH),  # last: saved header layouts keep their columns in place
)
PAGE_SIZE = 100
FIRST_PAGE_ROWS = 200  # more than any screen shows
REST_FALLBACK_MS = 300
CACHE_ROWS = 3000
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CLOSENESS_COLUMN = 4
LAST_INTERACTION_COLUMN = 5
HEALTH_COLUMN = 9
NEVER_TEXT = "—"  # no interaction logged
NEVER_TOOLTIP = "No interaction logged yet"

# Tones, not colours: each has a lighter shade for dark mode (ui.look).
_CLOSENESS_TONES = {
    Closeness.INNER_CIRCLE: Tone.SUCCESS,
    Closeness.ALLY: Tone.INFO,
    Closeness.ACQUAINTANCE: Tone.NEUTRAL,
    Closeness.OTHER: Tone.EARTH,
}
HEALTH_TONES = {
    Level.STRONG: Tone.SUCCESS,
    Level.STEADY: Tone.INFO,
    Level.FADING: Tone.WARNING,
    Level.AT_RISK: Tone.ERROR,
}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ID = ID_ROLE
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_INITIAL_SORT_ORDER = Qt.ItemDataRole.InitialSortOrderRole
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ROLES = frozenset((_DISPLAY, _FONT, _FOREGROUND, _TOOLTIP, ID_ROLE))


class ContactTableModel(QAbstractTableModel):
    """The contacts matching a ContactQuery, in the order SQLite gave them."""

    countChanged = Signal(int)  # noqa: N815 (Qt naming)
    # The local date moved on while a relative date or a score was shown: whatever else
    # says "3 days ago" or scores health for the day (the profile) says it again.
    dayChanged = Signal()  # noqa: N815

    def __init__(
        self,
        db: pw.SqliteDatabase,
        query: ContactQuery | None = None,
        *,
        first_page_first: bool = False,
        clock: Callable[[], date] = date.today,
    ) -> None:
        """``first_page_first``: load only the first screenful now and the rest of the ids
        from the event loop, so a window with 100,000 people paints before they are counted.
        ``clock`` gives today's date (relative dates and health are of that day)."""
        super().__init__()
        self._clock = clock
        self._db = db
        self._query = query or ContactQuery()
        self._ids: array[int] = array("q")
        self._row_of: dict[int, int] | None = None
        self._lookups = 0
        self._rest_pending = False
        self._cache: OrderedDict[int, ContactListRow] = OrderedDict()
        # "3 days ago" and its tooltip by stored instant: computed once per day, not per paint.
        self._when_texts: dict[str, tuple[str, str]] = {}
        self._today = clock()
        self._day_timer = QTimer(self)
        self._day_timer.setSingleShot(True)
        self._day_timer.timeout.connect(self._on_new_day)
        self._bold = QFont()
        self._bold.setBold(True)
        if first_page_first:
            self.beginResetModel()
            self._ids = contact_ids(db, self._query, limit=FIRST_PAGE_ROWS, today=self._today)
            self.endResetModel()
            self._rest_pending = True
            # The view calls load_rest() once it has painted; this is only the fallback.
            QTimer.singleShot(REST_FALLBACK_MS, self.load_rest)
        else:
            self.reload()

    # --- what the model shows -------------------------------------------------------
    @property
    def query(self) -> ContactQuery:
        return self._query

    def set_query(self, query: ContactQuery) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self) -> None:
        """Run the query again (after a change, or a new search or filter)."""
        self._rest_pending = False
        self.beginResetModel()
        self._new_date()  # the reset repaints every cell anyway
        self._ids = contact_ids(self._db, self._query, today=self._today)
        self._row_of = None
        self._lookups = 0
        self._cache.clear()
        self.endResetModel()
        self.countChanged.emit(len(self._ids))

    def load_rest(self) -> None:
        """Append the ids after the first page (once); if the list changed meanwhile, reload."""
        if not self._rest_pending:
            return
        self._rest_pending = False
        if len(self._ids) < FIRST_PAGE_ROWS:
            self.countChanged.emit(len(self._ids))
            return
        every = contact_ids(self._db, self._query, today=self._today)
        shown = len(self._ids)
        if every[:shown] != self._ids:
            self.reload()
            return
        if len(every) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(every) - 1)
            self._ids = every
            self._row_of = None
            self.endInsertRows()
        self.countChanged.emit(len(self._ids))

    def refresh_rows(
        self, contact_ids_changed: Iterable[int], visible: tuple[int, int] | None = None
    ) -> None:
        """Rows of these contacts changed but the list did not: repaint only them.

        ``visible`` (first, last row on screen) limits the search for their rows to what
        the view shows: rows off screen are only dropped from the cache and read afresh
        when scrolled to, so logging an interaction never scans 100,000 ids.
        """
        changed = set(contact_ids_changed)
        for contact_id in changed:
            self._cache.pop(contact_id, None)
        if visible is not None:
            first, last = max(0, visible[0]), min(visible[1], len(self._ids) - 1)
            rows = [
                first + i for i, cid in enumerate(self._ids[first : last + 1]) if cid in changed
            ]
        else:
            rows = [r for r in (self.row_of(cid) for cid in changed) if r is not None]
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def contact_id(self, row: int) -> int:
        return int(self._ids[row])

    def row_of(self, contact_id: int) -> int | None:
        """The row showing this contact, or None.

        A C-level scan of the id array (well under a millisecond for 100,000 ids) beats
        building an id→row map after every search; the map is built only when many
        lookups follow one another (selecting hundreds of rows).
        """
        if self._row_of is not None:
            return self._row_of.get(contact_id)
        self._lookups += 1
        if self._lookups > 32:
            self._row_of = {cid: row for row, cid in enumerate(self._ids)}
            return self._row_of.get(contact_id)
        try:
            return self._ids.index(contact_id)
        except ValueError:
            return None

    def ids(self) -> array[int]:
        return self._ids

    # --- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if horizontal and role == _INITIAL_SORT_ORDER and section == LAST_INTERACTION_COLUMN:
            # A header's first click sorts the way this says (other columns: ascending);
            # for the last interaction people expect the most recent first.
            return Qt.SortOrder.DescendingOrder.value
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        # Qt asks this for every cell of a selection (select all: 800,000 calls): no work here.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        # Called hundreds of times per repaint: the cheapest rejections come first.
        if role not in _ROLES:
            return None
        row_number = index.row()
        if not 0 <= row_number < len(self._ids) or not index.isValid():
            return None
        if role == _ID:
            return int(self._ids[row_number])
        row = self._row(row_number)
        if row is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        if role == _FONT:
            return self._bold if column == 0 else None
        if role == _FOREGROUND:
            if column == CLOSENESS_COLUMN:
                return tone(_CLOSENESS_TONES[row.closeness])
            if column == HEALTH_COLUMN:
                return tone(HEALTH_TONES[row.health.level])
            return None
        if column == LAST_INTERACTION_COLUMN:  # tooltip: the full local date and time
            return self._when(row.last_interaction_at)[1]
        if column == HEALTH_COLUMN:  # tooltip: the score in words
            return explain(row.health)
        text = self._text(row, column)  # tooltip: only where the cell may be cut off
        return text if len(text) > 30 else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    # --- rows on demand --------------------------------------------------------------
    def _text(self, row: ContactListRow, column: int) -> str:
        if column == 0:
            return row.name + ("  (archived)" if row.archived else "")
        if column == LAST_INTERACTION_COLUMN:
            return self._when(row.last_interaction_at)[0]
        if column == HEALTH_COLUMN:
            self._follow_the_date()
            return health_text(row.health)
        values = (
            row.name,
            row.organization,
            row.job_title,
            row.team,
            row.closeness.label,
            "",  # the last interaction: above
            row.topics,
            row.tags,
            row.email,
        )
        return values[column] if column < len(values) else ""

    def _when(self, instant: str | None) -> tuple[str, str]:
        """("3 days ago", "Monday 23 November 2026, 15:30") for a stored UTC instant."""
        if instant is None:
            return NEVER_TEXT, NEVER_TOOLTIP
        texts = self._when_texts.get(instant)
        if texts is None:
            self._follow_the_date()
            days = local_days_since(instant, self._today)
            texts = (days_ago_text(days), local_moment_text(instant))
            if len(self._when_texts) >= CACHE_ROWS:
                self._when_texts.clear()
            self._when_texts[instant] = texts
        return texts

    # --- "today" moves at midnight ----------------------------------------------------
    def _follow_the_date(self) -> None:
        """Once a relative date or a score is shown, its wording must follow the date."""
        if not self._day_timer.isActive() and QCoreApplication.instance() is not None:
            self._wait_for_tomorrow()

    def _wait_for_tomorrow(self) -> None:
        self._day_timer.start(ms_until_next_day(datetime.now(UTC)))

    def _on_new_day(self) -> None:
        """ "Today" has become "Yesterday" and health scores move: repaint those columns,
        or sort again when the list is in order of health."""
        if not self._new_date():
            self._wait_for_tomorrow()
            return
        if self._ids:
            if self._query.sort is SortKey.HEALTH:
                self.reload()
            else:
                last = len(self._ids) - 1
                for column in (LAST_INTERACTION_COLUMN, HEALTH_COLUMN):
                    self.dataChanged.emit(
                        self.index(0, column),
                        self.index(last, column),
                        [_DISPLAY, _TOOLTIP, _FOREGROUND],
                    )
        self.dayChanged.emit()
        self._wait_for_tomorrow()

    @property
    def today(self) -> date:
        """The local date the list's wording and health are for: it moves at midnight, with
        the rows (``dayChanged``), so what else shows it stays in step with them."""
        return self._today

    def _new_date(self) -> bool:
        """Follow the local date; True when it changed (the wording then is forgotten, and
        the cached rows' health is scored again for the new day)."""
        today = self._clock()
        if today == self._today:
            return False
        self._today = today
        self._when_texts.clear()
        for contact_id, cached in list(self._cache.items()):
            health = assess(cached.health.facts, today)
            self._cache[contact_id] = replace(cached, health=health)
        return True

    def _row(self, row: int) -> ContactListRow | None:
        contact_id = self.contact_id(row)
        cached = self._cache.get(contact_id)
        if cached is not None:
            self._cache.move_to_end(contact_id)
            return cached
        start = max(0, row - PAGE_SIZE // 4)
        page = self._ids[start : start + PAGE_SIZE]
        fetched = rows_by_ids(self._db, page, today=self._today)
        for cid in page:
            if cid in fetched:
                self._cache[cid] = fetched[cid]
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(contact_id)


def health_text(health: Health) -> str:
    """The Health column's text: "72 · steady"."""
    return f"{health.score} · {health.level.word}"

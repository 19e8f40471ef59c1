"""Today, the home view: a greeting with the date, then one card per section of
``core.today`` (due, drifting away, birthdays this week, new allies to follow up, give
and get), each person with a short why and a Log button.

The sections are read off the GUI thread (``loading``) and the page is filled when they
arrive; the previous content stays until then, so a refresh never flickers. The page
reads again after a change (``refresh``, connected by the window to its change
signals; while hidden it only notes that it is stale) and just after midnight, when
the day the sections speak of has changed. Two columns when the window is wide, one
when it is narrow. Colours come from the palette and the tones of ``ui.look``, so
light and dark both read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import peewee as pw
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.relative_time import WEEKDAY_NAMES, ms_until_next_day
from ally_desktop.core.today import TodayOverview, TodayRow, TodaySection
from ally_desktop.ui.look import set_toned_style
from ally_desktop.ui.today.card import EXPANDED_MAX, SectionCard
from ally_desktop.ui.today.loading import OverviewLoader
from ally_desktop.ui.today.row import TodayRowWidget

COLLAPSED = 5  # rows a card shows before "Show all"
TWO_COLUMNS_FROM = 860  # pixels of width from which the cards sit side by side
CONTENT_MAX_WIDTH = 1080
# The sections of each column when there are two: what needs doing on the left.
_LEFT = (TodaySection.DUE, TodaySection.DRIFTING)
_RIGHT = (TodaySection.BIRTHDAYS, TodaySection.NEW_ALLIES, TodaySection.GIVE_GET)

_STYLE = """
QScrollArea#todayScroll, QWidget#todayContent { background: palette(base); border: none; }
QLabel#todayGreeting { color: $text; }
QLabel#todayDate, QLabel#todaySummary { color: $muted; }
QFrame#todayCard { background: $neutral_back; border: 1px solid $neutral_back;
    border-radius: 10px; }
QLabel#todayCardTitle { color: $text; }
QLabel#todayCardCount, QLabel#todayEmpty { color: $muted; }
QToolButton#todayLog { color: $text; background: transparent;
    border: 1px solid $neutral_line; border-radius: 5px; padding: 2px 12px; }
QToolButton#todayLog:hover { background: palette(base); border-color: $info_line; }
QToolButton#todayLog:pressed { background: $info_back; }
QPushButton#todayMore { color: $info; background: transparent; border: none;
    padding: 4px 6px; text-align: left; }
QPushButton#todayMore:hover { text-decoration: underline; }
"""


def greeting(now: datetime) -> str:
    hour = now.astimezone().hour
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    return "Good evening"


def date_line(now: datetime) -> str:
    """ "Thursday 26 November" (the year only when it is not this one: never, here)."""
    local = now.astimezone()
    return f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {local:%B}"


def summary_line(overview: TodayOverview) -> str:
    """ "3 due, 2 drifting away and 1 birthday this week." or a calm word."""
    parts = []
    due = overview.due.total
    if due:
        parts.append(f"{due:,} due")
    if overview.drifting.total:
        parts.append(f"{overview.drifting.total:,} drifting away")
    birthdays = overview.birthdays.total
    if birthdays:
        parts.append(f"{birthdays:,} {'birthday' if birthdays == 1 else 'birthdays'} this week")
    new = overview.new_allies.total
    if new:
        parts.append(f"{new:,} new {'ally' if new == 1 else 'allies'} to follow up")
    if not parts:
        return "A quiet day: nobody needs you right now."
    if len(parts) == 1:
        return f"{parts[0][:1].upper()}{parts[0][1:]}."
    text = ", ".join(parts[:-1]) + f" and {parts[-1]}."
    return text[:1].upper() + text[1:]


class TodayPage(QWidget):
    personRequested = Signal(int)  # noqa: N815 (a contact id)
    logRequested = Signal(list)  # noqa: N815 (contact ids to log an interaction with)
    reminderRequested = Signal(int)  # noqa: N815 (a reminder about no one: edit it)
    remindersRequested = Signal()  # noqa: N815 (every due reminder: the Reminders view)
    loaded = Signal()  # the page shows a newly read overview

    def __init__(
        self,
        db: pw.SqliteDatabase,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self._clock = clock or (lambda: datetime.now(UTC))
        self._limits = dict.fromkeys(TodaySection, COLLAPSED)
        self._stale = False
        self._two_columns: bool | None = None
        self.overview: TodayOverview | None = None
        self.loader = OverviewLoader(db, self._clock, self)
        self.loader.loaded.connect(self._show)
        self.loader.failed.connect(self._failed)
        self._build()
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self.refresh)
        self._reload = QTimer(self)  # many changes in one go are read once
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self._load)
        self._load()

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.greeting = QLabel()
        self.greeting.setObjectName("todayGreeting")
        font = self.greeting.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.7)
        font.setWeight(font.Weight.DemiBold)
        self.greeting.setFont(font)
        self.date = QLabel()
        self.date.setObjectName("todayDate")
        self.summary = QLabel()
        self.summary.setObjectName("todaySummary")
        self.summary.setWordWrap(True)
        heading = QVBoxLayout()
        heading.setContentsMargins(4, 0, 4, 6)
        heading.setSpacing(2)
        heading.addWidget(self.greeting)
        heading.addWidget(self.date)
        heading.addSpacing(6)
        heading.addWidget(self.summary)

        self.cards: dict[TodaySection, SectionCard] = {}
        for section in TodaySection:
            card = SectionCard(section)
            title_font = card.title.font()
            title_font.setPointSizeF(max(title_font.pointSizeF(), 9.0) * 1.12)
            title_font.setWeight(title_font.Weight.DemiBold)
            card.title.setFont(title_font)
            card.rowActivated.connect(self._open)
            card.logRequested.connect(self._log)
            card.expandRequested.connect(lambda more, s=section: self._expand(s, more))
            card.remindersRequested.connect(self.remindersRequested)
            card.moveRequested.connect(self._move)
            card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            self.cards[section] = card

        self.left = QVBoxLayout()
        self.right = QVBoxLayout()
        for column in (self.left, self.right):
            column.setSpacing(14)
            column.setContentsMargins(0, 0, 0, 0)
        self.columns = QHBoxLayout()
        self.columns.setSpacing(14)
        self.columns.addLayout(self.left, 1)
        self.columns.addLayout(self.right, 1)

        self.content = QWidget()
        self.content.setObjectName("todayContent")
        self.content.setMaximumWidth(CONTENT_MAX_WIDTH)
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(28, 24, 28, 28)
        inner.setSpacing(14)
        inner.addLayout(heading)
        inner.addLayout(self.columns)
        inner.addStretch(1)

        holder = QWidget()
        holder.setObjectName("todayContent")
        centred = QHBoxLayout(holder)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addStretch(0)
        centred.addWidget(self.content, 1)
        centred.addStretch(0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("todayScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        set_toned_style(self, _STYLE)
        self._arrange(two=False)

    def _arrange(self, two: bool) -> None:
        """Cards in one column (narrow) or two (wide)."""
        if two == self._two_columns:
            return
        self._two_columns = two
        for column in (self.left, self.right):
            while column.count():
                column.takeAt(0)  # the cards stay, owned by the page
        if two:
            for section in _LEFT:
                self.left.addWidget(self.cards[section])
            for section in _RIGHT:
                self.right.addWidget(self.cards[section])
        else:
            for section in TodaySection:
                self.left.addWidget(self.cards[section])
        for column in (self.left, self.right):
            column.addStretch(1)
        self.columns.setStretch(1, 1 if two else 0)
        self.columns.setSpacing(14 if two else 0)
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab follows the rows in reading order: column by column, top to bottom."""
        previous: QWidget | None = None
        for row in self.row_widgets():
            if previous is not None:
                QWidget.setTabOrder(previous, row)
            previous = row

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange(two=event.size().width() >= TWO_COLUMNS_FROM)

    # --- reading -----------------------------------------------------------------------
    def refresh(self, *_args: object) -> None:
        """Read every section again: soon, once for a burst of changes, or when shown
        again if the page is hidden. Takes (and ignores) what a change signal carries."""
        if self.overview is not None and not self.isVisible():
            self._stale = True
            return
        self._reload.start()

    def _load(self) -> None:
        self._stale = False
        self.loader.load(self._limits)
        self._arm_midnight()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _arm_midnight(self) -> None:
        self._midnight.start(ms_until_next_day(self._clock()))

    def _show(self, overview: TodayOverview) -> None:
        now = self._clock()
        self.overview = overview
        self.greeting.setText(greeting(now))
        self.date.setText(date_line(now))
        self.summary.setText(summary_line(overview))
        for rows in overview.sections:
            self.cards[rows.section].show_rows(rows)
        self._tab_order()
        self.loaded.emit()

    def _failed(self) -> None:
        self.summary.setText("Today could not be read just now; it will be read again.")

    def _expand(self, section: TodaySection, more: bool) -> None:
        total = self.overview.section(section).total if self.overview is not None else 0
        self._limits[section] = min(max(total, COLLAPSED), EXPANDED_MAX) if more else COLLAPSED
        self._load()

    # --- acting ------------------------------------------------------------------------
    def _open(self, row: TodayRow) -> None:
        if row.contact_id is not None:
            self.personRequested.emit(row.contact_id)
        elif row.reminder_id is not None:
            self.reminderRequested.emit(row.reminder_id)

    def _log(self, row: TodayRow) -> None:
        if row.contact_id is not None:
            self.logRequested.emit([row.contact_id])

    def _move(self, widget: TodayRowWidget, step: int) -> None:
        rows = self.row_widgets()
        if widget in rows:
            index = rows.index(widget) + step
            if 0 <= index < len(rows):
                rows[index].setFocus(Qt.FocusReason.TabFocusReason)
                self.scroll_area.ensureWidgetVisible(rows[index])

    def row_widgets(self) -> list[TodayRowWidget]:
        """Every row in reading order."""
        order = [*_LEFT, *_RIGHT] if self._two_columns else list(TodaySection)
        return [w for section in order for w in self.cards[section].row_widgets]

    def selected_ids(self) -> list[int]:
        """The person of the row with the focus (Ctrl+L logs with them), if any."""
        for widget in self.row_widgets():
            if widget.hasFocus() and widget.row.contact_id is not None:
                return [widget.row.contact_id]
        return []

    def focus_first(self) -> None:
        rows = self.row_widgets()
        if rows:
            rows[0].setFocus(Qt.FocusReason.OtherFocusReason)

"""The Reminders view: Overdue, Today, Upcoming and Snoozed, and what to do about each.

The actions work on the selected reminder, from the bar under the list, the context menu
or the keyboard: Ctrl+L logs an interaction with the person (which moves a keep-in-touch
reminder by itself), D marks done, S snoozes, Delete deletes. Keeping in touch marked
done without logging asks whether to log the contact instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import peewee as pw
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.due import DueRow, Section
from ally_desktop.core.relative_time import ms_until_next_day
from ally_desktop.core.reminders import snooze_choices
from ally_desktop.ui.reminders.commands import ReminderChange, ReminderEditing
from ally_desktop.ui.reminders.delegate import ReminderDelegate
from ally_desktop.ui.reminders.model import ReminderModel
from ally_desktop.ui.widgets.row_list import set_up_row_list

HORIZONS = (7, 14, 30, 60, 90)


class RemindersPage(QWidget):
    logRequested = Signal(list)  # noqa: N815 (contact ids)
    newRequested = Signal()  # noqa: N815
    editRequested = Signal(int)  # noqa: N815 (a reminder id)
    snoozeAtRequested = Signal(int)  # noqa: N815 (a reminder id: choose a time)
    selectionChanged = Signal()  # noqa: N815

    def __init__(
        self,
        db: pw.SqliteDatabase,
        editing: ReminderEditing,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._editing = editing
        self.model = ReminderModel(db, now=now)
        self._stale = False
        self._build()
        if now is not None:
            self.delegate.now = now
        changes = editing.changes
        for signal in (changes.remindersChanged, changes.interactionsChanged, changes.changed):
            signal.connect(self._on_changed)
        self.model.counted.connect(self._show_counts)
        self._show_counts(self.model.counts())
        # The sections depend on the day: look again just after midnight.
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self.refresh)
        self._arm_midnight()

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.horizon = QComboBox()
        self.horizon.setToolTip("How far ahead Upcoming looks")
        for days in HORIZONS:
            self.horizon.addItem(f"Next {days} days", days)
        self.horizon.setCurrentIndex(HORIZONS.index(30))
        self.horizon.currentIndexChanged.connect(self._horizon_changed)
        self.summary = QLabel()
        self.summary.setObjectName("reminderSummary")
        self.new_button = QPushButton("New reminder…")
        self.new_button.clicked.connect(self.newRequested)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel("Upcoming:"))
        bar.addWidget(self.horizon)
        bar.addWidget(self.new_button)

        self.list = QTableView()
        self.list.setObjectName("reminderList")
        self.list.setModel(self.model)
        self.delegate = ReminderDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        set_up_row_list(
            self.list,
            self.delegate.row_height(self.font()),
            QAbstractItemView.SelectionMode.SingleSelection,
        )
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.doubleClicked.connect(lambda _index: self.edit_selected())
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.list.installEventFilter(self)

        self.log_button = QPushButton("Log interaction…")
        self.log_button.setToolTip("Log a meeting, call or coffee with this person (Ctrl+L)")
        self.log_button.clicked.connect(self.log_selected)
        self.done_button = QPushButton("Done")
        self.done_button.setToolTip("Mark done (D); a repeating reminder moves to its next time")
        self.done_button.clicked.connect(self.done_selected)
        self.snooze_button = QToolButton()
        self.snooze_button.setText("Snooze")
        self.snooze_button.setToolTip("Remind me later (S)")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # As wide as its push-button neighbours: sized to its text, the menu arrow was
        # drawn over the last letter.
        self.snooze_button.setMinimumWidth(self.done_button.sizeHint().width() + 8)
        self.snooze_menu = QMenu(self)
        self.snooze_menu.aboutToShow.connect(self._fill_snooze_menu)
        self.snooze_button.setMenu(self.snooze_menu)
        self.dismiss_button = QPushButton("Skip")
        self.dismiss_button.setToolTip("Not this time: move on without marking it done")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        actions = QHBoxLayout()
        for widget in (
            self.log_button,
            self.done_button,
            self.snooze_button,
            self.dismiss_button,
            self.edit_button,
            self.delete_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)

        self.empty = QLabel(
            "Nothing is due. Reminders appear here: follow-ups you set, birthdays, and the"
            " allies you have not talked to for longer than their cadence."
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(actions)
        self._update_buttons()

    # --- refreshing ------------------------------------------------------------------
    def refresh(self) -> None:
        kept = self.selected_id()
        self.model.reload()
        if kept is not None:
            self.select(kept)
        self._arm_midnight()

    def _on_changed(self, change: object) -> None:
        if not self.isVisible():  # hidden behind another view: read again when shown
            self._stale = True
            return
        focus = change.focus if isinstance(change, ReminderChange) else None
        kept = focus or self.selected_id()
        self.model.reload()
        if kept is not None:
            self.select(kept)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)

    def _horizon_changed(self) -> None:
        self.model.upcoming_days = int(self.horizon.currentData())
        self.refresh()

    def _arm_midnight(self) -> None:
        self._midnight.start(ms_until_next_day(datetime.now(UTC)))

    def _show_counts(self, counts: dict[Section, int]) -> None:
        due = counts.get(Section.OVERDUE, 0) + counts.get(Section.TODAY, 0)
        parts = [f"{due:,} due now" if due else "Nothing due now"]
        if counts.get(Section.UPCOMING):
            parts.append(f"{counts[Section.UPCOMING]:,} coming up")
        if counts.get(Section.SNOOZED):
            parts.append(f"{counts[Section.SNOOZED]:,} snoozed")
        self.summary.setText(" · ".join(parts))
        self.stack.setCurrentIndex(0 if self.model.rowCount() else 1)
        self._selection_changed()  # a reload clears the selection without a signal

    # --- selection -----------------------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.list.selectionModel().selectedRows()
        return self.model.reminder_id(rows[0].row()) if rows else None

    def selected_row(self) -> DueRow | None:
        rows = self.list.selectionModel().selectedRows()
        return self.model.due_row(rows[0].row()) if rows else None

    def selected_count(self) -> int:
        return 1 if self.selected_id() is not None else 0

    def select(self, reminder_id: int) -> None:
        row = self.model.row_of(reminder_id)
        if row is None:
            return
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.list.scrollTo(index)

    def _selection_changed(self) -> None:
        self._update_buttons()
        self.selectionChanged.emit()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        by_hand = row is not None and row.kind in ("once", "recurring")
        self.log_button.setEnabled(row is not None and row.contact_id is not None)
        for button in (self.done_button, self.snooze_button, self.dismiss_button):
            button.setEnabled(row is not None)
        self.edit_button.setEnabled(by_hand)
        self.delete_button.setEnabled(by_hand)
        if row is not None and not by_hand:
            tip = "Birthdays and keeping in touch follow the person: edit the person instead"
            self.edit_button.setToolTip(tip)
            self.delete_button.setToolTip(tip)

    # --- actions ---------------------------------------------------------------------
    def log_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.contact_id is not None:
            self.logRequested.emit([row.contact_id])

    def done_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.kind == "keep_in_touch" and row.contact_id is not None:
            answer = QMessageBox.question(
                self,
                "Keep in touch",
                f"Did you talk to {row.contact_name}? Log the interaction, so their history"
                " and the balance stay true. Or mark it done without logging.",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Yes:
                self.logRequested.emit([row.contact_id])
                return
        self._editing.done(row.id, row.contact_name)

    def dismiss_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._editing.dismiss(row.id, row.contact_name)

    def snooze_selected(self, until: datetime) -> None:
        row = self.selected_row()
        if row is not None:
            self._editing.snooze(row.id, until, row.contact_name)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.kind in ("once", "recurring"):
            self.editRequested.emit(row.id)

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.kind in ("once", "recurring"):
            self._editing.delete(row.id, row.contact_name)

    def _fill_snooze_menu(self, menu: QMenu | None = None) -> None:
        menu = menu or self.snooze_menu
        menu.clear()
        for text, until in snooze_choices(datetime.now(UTC)).items():
            action = menu.addAction(text)
            action.triggered.connect(partial(self.snooze_selected, until))
        menu.addSeparator()
        choose = menu.addAction("Choose a time…")
        choose.triggered.connect(self._snooze_at)

    def _snooze_at(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.snoozeAtRequested.emit(row.id)

    def _context_menu(self, position: QPoint) -> None:
        row = self.selected_row()
        if row is None:
            return
        menu = QMenu(self)
        entries: list[tuple[str, Callable[[], None], bool]] = [
            ("Log interaction…", self.log_selected, row.contact_id is not None),
            ("Done", self.done_selected, True),
            ("Skip this time", self.dismiss_selected, True),
        ]
        for text, slot, enabled in entries:
            action = menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        self._fill_snooze_menu(menu.addMenu("Snooze"))
        menu.addSeparator()
        for text, slot in (("Edit…", self.edit_selected), ("Delete", self.delete_selected)):
            action = menu.addAction(text)
            action.setEnabled(row.kind in ("once", "recurring"))
            action.triggered.connect(slot)
        menu.exec(self.list.viewport().mapToGlobal(position))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """D, S and Enter on the list act on the selection (before the list's own
        type-to-search takes the letters)."""
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                key = event.key()
                if key == Qt.Key.Key_D:
                    self.done_selected()
                    return True
                if key == Qt.Key.Key_S and self.selected_row() is not None:
                    self.snooze_button.showMenu()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.edit_selected()
                    return True
        return super().eventFilter(watched, event)

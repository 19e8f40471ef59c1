"""The Timeline view: every interaction, newest first, with search and filters."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import peewee as pw
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import tag_names
from ally_desktop.core.timeline import (
    InteractionNotFoundError,
    TimelineQuery,
    kind_label,
    load_interaction,
    used_kinds,
)
from ally_desktop.ui.contacts.commands import ChangeSet
from ally_desktop.ui.timeline.commands import InteractionChange, InteractionEditing
from ally_desktop.ui.timeline.counting import BackgroundCounter
from ally_desktop.ui.timeline.view import TimelineList
from ally_desktop.ui.widgets.people import PeopleField

_ANY = "__any__"
_CUSTOM = "custom"
HELP_FILTERS = (("Any help", None), ("Help I gave", "given"), ("Help I got", "received"))
PERIODS: tuple[tuple[str, str | int | None], ...] = (
    ("Any time", None),
    ("Past 7 days", 7),
    ("Past 30 days", 30),
    ("Past 90 days", 90),
    ("Past 12 months", 365),
    ("This year", "year"),
    ("Choose dates…", _CUSTOM),
)


class TimelinePage(QWidget):
    """Everything of the Timeline view; the window's actions call its public methods."""

    editRequested = Signal(int)  # noqa: N815 (an interaction id)
    logRequested = Signal()  # noqa: N815
    personRequested = Signal(int)  # noqa: N815 (a contact id: show them in Contacts)
    selectionChanged = Signal()  # noqa: N815

    def __init__(
        self,
        db: pw.SqliteDatabase,
        editing: InteractionEditing,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._editing = editing
        self._today = today
        self._build()
        editing.changes.interactionsChanged.connect(self._on_interactions_changed)
        editing.changes.changed.connect(self._on_contacts_changed)
        self._counter = BackgroundCounter(db, self)
        self._counter.done.connect(self._show_count)
        self._after_query()

    # --- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("timelineSearch")
        self.search.setPlaceholderText("Search titles, notes, places…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(self._search_timer.start)

        self.person = PeopleField(self._db, single=True)
        self.person.input.setPlaceholderText("With anyone")
        self.person.setToolTip("Show only interactions with this person")
        self.person.setMinimumWidth(110)
        self.person.changed.connect(self.apply_query)

        self.kind_filter = QComboBox()
        self.kind_filter.setToolTip("Show only this kind of interaction")
        self.tag_filter = QComboBox()
        self.tag_filter.setToolTip("Show only interactions with people who have this tag")
        self.help_filter = QComboBox()
        self.help_filter.setToolTip("Show only interactions where help was given or received")
        for text, value in (
            ("Any help", None),
            ("Help I gave", "given"),
            ("Help I got", "received"),
        ):
            self.help_filter.addItem(text, value)
        self.period = QComboBox()
        self.period.setToolTip("Show only interactions in this period")
        for period_text, period_value in PERIODS:
            self.period.addItem(period_text, period_value)
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit, tip in ((self.since, "From this day"), (self.until, "To this day")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setToolTip(tip)
            edit.setDate(QDate.currentDate())
            edit.hide()
        self.since.setDate(QDate.currentDate().addMonths(-1))
        self.since.dateChanged.connect(self.apply_query)
        self.until.dateChanged.connect(self.apply_query)
        for combo in (self.kind_filter, self.tag_filter, self.help_filter, self.period):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(5)
            combo.currentIndexChanged.connect(self.apply_query)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.count_label = QLabel()
        self.count_label.setObjectName("timelineCount")
        self._refresh_choices()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.person, 2, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.tag_filter)
        bar.addWidget(self.help_filter)
        bar.addWidget(self.period)
        bar.addWidget(self.since)
        bar.addWidget(self.until)
        bar.addWidget(self.count_label)

        self.list = TimelineList(self._db, self._query_from_controls())
        self.list.setObjectName("timelineList")
        if self._today is not None:
            self.list.timeline.today = self._today
            self.list.delegate.today = self._today
        self.list.editRequested.connect(self.editRequested)
        self.list.deleteRequested.connect(self.delete_selected)
        self.list.selectedChanged.connect(self.selectionChanged)
        self.list.extra_actions = self._person_actions

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        self.empty_text = QLabel()
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        empty_layout.addWidget(self.empty_text)
        self.empty_button = QPushButton()
        self.empty_button.clicked.connect(self._empty_action)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.empty_button)
        button_row.addStretch(1)
        empty_layout.addLayout(button_row)
        empty_layout.addStretch(2)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def _refresh_choices(self) -> None:
        """Refill the kind and tag filters, keeping what is chosen."""
        for combo, first, items in (
            (self.kind_filter, "All kinds", [(kind_label(k), k) for k in used_kinds(self._db)]),
            (self.tag_filter, "All tags", [(t, t) for t in tag_names(self._db)]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, _ANY)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    # --- the query ---------------------------------------------------------------------
    def _query_from_controls(self) -> TimelineQuery:
        kind = self.kind_filter.currentData()
        tag = self.tag_filter.currentData()
        people = self.person.ids()
        since, until = self._period()
        return TimelineQuery(
            text=self.search.text(),
            kind=None if kind in (None, _ANY) else str(kind),
            contact_id=people[-1] if people else None,
            tag=None if tag in (None, _ANY) else str(tag),
            since=since,
            until=until,
            exchange=self.help_filter.currentData(),
        )

    def _period(self) -> tuple[date | None, date | None]:
        value = self.period.currentData()
        today = self._today or date.today()
        if value is None:
            return None, None
        if value == "year":
            return date(today.year, 1, 1), None
        if value == _CUSTOM:
            start = self.since.date().toPython()
            end = self.until.date().toPython()
            assert isinstance(start, date)
            assert isinstance(end, date)
            return min(start, end), max(start, end)
        return today - timedelta(days=int(value) - 1), None

    def current_query(self) -> TimelineQuery:
        return self.list.timeline.query

    def apply_query(self) -> None:
        self._search_timer.stop()
        self.list.timeline.set_query(self._query_from_controls())
        self._after_query()

    def _after_query(self) -> None:
        model = self.list.timeline
        if model.fully_loaded():  # every row is here: no need to ask SQLite
            self._show_count(model.interaction_count_loaded())
        else:
            self.count_label.setText("")
            self._counter.count(model.query)
        self._update_empty_state()

    def _show_count(self, count: int) -> None:
        self.count_label.setText(f"{count:,} interaction{'' if count == 1 else 's'}")

    def counting(self) -> bool:
        """True while a count is on its way (tests wait for it)."""
        return self._counter.busy()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == _CUSTOM
        self.since.setVisible(custom)
        self.until.setVisible(custom)

    def filtered(self) -> bool:
        return self.current_query() != TimelineQuery()

    def clear_filters(self) -> None:
        controls = (self.search, self.kind_filter, self.tag_filter, self.help_filter, self.period)
        for widget in (*controls, self.person):
            widget.blockSignals(True)
        self.search.clear()
        self.person.set_people([])
        for combo in (self.kind_filter, self.tag_filter, self.help_filter, self.period):
            combo.setCurrentIndex(0)
        for widget in (*controls, self.person):
            widget.blockSignals(False)
        self._period_changed()
        self.apply_query()

    def _update_empty_state(self) -> None:
        if self.list.timeline.rowCount():
            self.stack.setCurrentIndex(0)
            return
        if self.filtered():
            self.empty_text.setText("No interaction matches the search and filters.")
            self.empty_button.setText("Clear search and filters")
        else:
            self.empty_text.setText(
                "Nothing logged yet. After a meeting, a call or a coffee, log it in seconds:"
                " who was there, what it was about, any help given or received."
            )
            self.empty_button.setText("Log an interaction…  (Ctrl+L)")
        self.stack.setCurrentIndex(1)

    def _empty_action(self) -> None:
        if self.filtered():
            self.clear_filters()
        else:
            self.logRequested.emit()

    # --- changes made anywhere ---------------------------------------------------------
    def _on_interactions_changed(self, change: InteractionChange) -> None:
        self._refresh_choices()
        self.list.timeline.reload(keep_loaded=True)
        if change.focus is not None:
            self.list.select_ids([change.focus])
        self._after_query()

    def _on_contacts_changed(self, change: ChangeSet) -> None:
        # Names shown in rows may have changed; people leaving or coming back take
        # interactions with them to the trash and back.
        if change.membership:
            self._refresh_choices()
            self.list.timeline.reload(keep_loaded=True)
            self._after_query()

    # --- selection and actions ---------------------------------------------------------
    def _person_actions(self, menu: QMenu, ids: list[int]) -> None:
        """ "Show Ana Ruiz" for each person of the one interaction right-clicked."""
        if len(ids) != 1:
            return
        try:
            names = load_interaction(self._db, ids[0]).participant_names
        except InteractionNotFoundError:
            return
        menu.addSeparator()
        for contact_id, name in names.items():
            action = menu.addAction(f"Show {name}")
            action.triggered.connect(partial(self.personRequested.emit, contact_id))

    def selected_ids(self) -> list[int]:
        return self.list.selected_ids()

    def selected_count(self) -> int:
        return len(self.list.selected_ids())

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        label = "1 interaction" if len(ids) == 1 else f"{len(ids):,} interactions"
        first_row = min(r for r in (self.list.timeline.row_of(i) for i in ids) if r is not None)
        self._editing.set_trashed(ids, True, label)
        self._select_near(first_row)

    def _select_near(self, row: int) -> None:
        model = self.list.timeline
        row = min(row, model.rowCount())  # the rows below may have gone with the deleted ones
        for candidate in (*range(row, model.rowCount()), *range(row - 1, -1, -1)):
            interaction_id = model.interaction_id(candidate)
            if interaction_id is not None:
                self.list.select_ids([interaction_id])
                return

    def show_interaction(self, interaction_id: int) -> None:
        """Select this interaction, clearing the filters if they hide it."""
        if self.list.timeline.load_through(interaction_id) is None and self.filtered():
            self.clear_filters()
        self.list.select_ids([interaction_id])
        self.list.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.search.hasFocus() and self.search.text():
            self.search.clear()
            return
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.list.setFocus()
            if not self.selected_ids():
                self._select_near(0)
            return
        super().keyPressEvent(event)

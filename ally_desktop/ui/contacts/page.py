"""The Contacts view: search and filters, the list, the selected person's profile.

The search field has two modes: "People" filters the list; "Who can help?" swaps the
list for the people ranked for a topic (``ui.insight.who_panel``), and the profile
follows the person chosen there. Each mode keeps its own text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import (
    ContactQuery,
    SortKey,
    has_contacts,
    organization_names,
    tag_names,
)
from ally_desktop.core.contacts import ContactNotFoundError, load_contact
from ally_desktop.core.health import health_of
from ally_desktop.core.records import Closeness
from ally_desktop.core.timeline import balance
from ally_desktop.ui.contacts.commands import ChangeSet, ContactEditing
from ally_desktop.ui.contacts.detail import ContactDetail
from ally_desktop.ui.contacts.history import ContactHistory
from ally_desktop.ui.contacts.model import COLUMNS, REST_FALLBACK_MS, ContactTableModel
from ally_desktop.ui.icons import themed_icon
from ally_desktop.ui.reminders.commands import ReminderChange
from ally_desktop.ui.reminders.summary import pending_reminders
from ally_desktop.ui.selection import select_rows, selected_count, selected_row_runs
from ally_desktop.ui.timeline.commands import InteractionChange, InteractionEditing
from ally_desktop.ui.welcome import WelcomePage

_ANY = "__any__"
PEOPLE_MODE = "People"
WHO_MODE = "Who can help?"
PEOPLE_PLACEHOLDER = "Search people, what they know, tags, notes…  (Ctrl+F)"
WHO_PLACEHOLDER = "Who can help with… a topic: pricing, GDPR, hiring  (Ctrl+F)"
# "Not contacted in …" choices: label, days since the last interaction.
LAST_CONTACT_CHOICES: tuple[tuple[str, int], ...] = (
    ("Not contacted in 2 weeks", 14),
    ("Not contacted in 30 days", 30),
    ("Not contacted in 60 days", 60),
    ("Not contacted in 90 days", 90),
    ("Not contacted in 6 months", 182),
    ("Not contacted in a year", 365),
)

if TYPE_CHECKING:
    from ally_desktop.ui.insight.who_panel import WhoPanel


class ContactsPage(QWidget):
    """Everything of the Contacts view; the window's actions call its public methods."""

    selectionChanged = Signal()  # noqa: N815
    editRequested = Signal(int)  # noqa: N815
    addRequested = Signal()  # noqa: N815
    demoRequested = Signal()  # noqa: N815
    importRequested = Signal()  # noqa: N815
    ready = Signal()  # the whole list and the filters' choices are loaded
    logRequested = Signal(list)  # noqa: N815 (contact ids to log an interaction with)
    remindRequested = Signal(int)  # noqa: N815 (a contact id)
    reminderEditRequested = Signal(int)  # noqa: N815 (a reminder id)
    interactionEditRequested = Signal(int)  # noqa: N815
    exportRequested = Signal()  # noqa: N815 (export the selected people)
    topicsRequested = Signal()  # noqa: N815 (merge or rename topics)

    def __init__(
        self,
        db: pw.SqliteDatabase,
        editing: ContactEditing,
        interactions: InteractionEditing | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._editing = editing
        self._interactions = interactions
        self.model = ContactTableModel(db, first_page_first=True)
        self._who_mode = False
        self._who: WhoPanel | None = None
        self._other_text = ""  # the search text of the mode not shown
        self._build()
        editing.changes.changed.connect(self._on_changed)
        editing.changes.interactionsChanged.connect(self._on_interactions_changed)
        editing.changes.remindersChanged.connect(self._on_reminders_changed)
        self._update_empty_state()
        # The rest of the list and the filters' choices come once the window has painted.
        self._painted = False
        self._deferred_done = False
        self.table.viewport().installEventFilter(self)
        QTimer.singleShot(REST_FALLBACK_MS, self.complete_startup)

    # --- layout -------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("contactSearch")
        self.search.setPlaceholderText(PEOPLE_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_later)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)
        self._search_timer.timeout.connect(self.apply_query)

        self.tag_filter = QComboBox()
        self.tag_filter.setToolTip("Show only people with this tag")
        self.closeness_filter = QComboBox()
        self.closeness_filter.addItem("Any closeness", _ANY)
        for level in Closeness:
            self.closeness_filter.addItem(level.label, int(level))
        self.organization_filter = QComboBox()
        self.organization_filter.setToolTip("Show only people of this organization")
        self.last_contact_filter = QComboBox()
        self.last_contact_filter.setToolTip(
            "Show only people you have not been in touch with lately (or ever)"
        )
        self.last_contact_filter.addItem("Any last contact", _ANY)
        for label, days in LAST_CONTACT_CHOICES:
            self.last_contact_filter.addItem(label, days)
        self.archived_filter = QCheckBox("Archived")
        self.archived_filter.setToolTip("Include archived people")
        # Each filter is as wide as its "any" choice, so that it reads whole; longer
        # choices (an organization's name) are elided rather than widening the bar.
        for combo, widest in (
            (self.tag_filter, "All tags"),
            (self.closeness_filter, "Any closeness"),
            (self.organization_filter, "All organizations"),
            (self.last_contact_filter, "Any last contact"),
        ):
            combo.currentIndexChanged.connect(self.apply_query)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(len(widest))
        self.search.setMinimumWidth(180)
        self.archived_filter.toggled.connect(self.apply_query)
        self.count_label = QLabel()
        self.count_label.setObjectName("contactCount")

        # The mode sits inside the search field (its leading button opens the choice), so
        # the bar is no wider than it was.
        self.mode_menu = QMenu(self)
        self.mode_menu.setObjectName("searchModes")
        group = QActionGroup(self)
        self.people_action = QAction(PEOPLE_MODE, self, checkable=True, checked=True)
        self.who_action = QAction(WHO_MODE, self, checkable=True)
        for action in (self.people_action, self.who_action):
            group.addAction(action)
            self.mode_menu.addAction(action)
        self.people_action.triggered.connect(lambda: self.set_who_mode(False))
        self.who_action.triggered.connect(lambda: self.set_who_mode(True))
        self.mode_action = self.search.addAction(
            themed_icon("contacts"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.mode_action.setObjectName("searchMode")
        self.mode_action.triggered.connect(self._show_mode_menu)
        self._show_mode()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.tag_filter)
        bar.addWidget(self.closeness_filter)
        bar.addWidget(self.organization_filter)
        bar.addWidget(self.last_contact_filter)
        bar.addWidget(self.archived_filter)
        bar.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setObjectName("contactTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in enumerate((200, 170, 170, 130, 100, 120, 220, 140, 220, 110)):
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # before enabling: one query
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._keep_sort_indicator_honest)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._kept_selection: list[int] = []
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.countChanged.connect(self._update_count)
        self.model.dayChanged.connect(self._show_selected)  # "5 weeks ago", health

        self.detail = ContactDetail()
        self.detail.contactLinkActivated.connect(self.show_contact)
        self.detail.reminderLinkActivated.connect(self.reminderEditRequested)
        self.history = ContactHistory(self._db)
        self.history.logRequested.connect(lambda cid: self.logRequested.emit([cid]))
        self.history.remindRequested.connect(self.remindRequested)
        self.history.editRequested.connect(self.interactionEditRequested)
        self.history.deleteRequested.connect(self._delete_history_selection)
        self.history.hide()
        self.profile_splitter = QSplitter(Qt.Orientation.Vertical)
        self.profile_splitter.setObjectName("profileSplitter")
        self.profile_splitter.addWidget(self.detail)
        self.profile_splitter.addWidget(self.history)
        self.profile_splitter.setStretchFactor(0, 3)
        self.profile_splitter.setStretchFactor(1, 2)
        self.profile_splitter.setChildrenCollapsible(False)
        self.profile_splitter.setMinimumWidth(300)

        self.results = QStackedWidget()
        self.results.setObjectName("contactResults")
        self.results.addWidget(self.table)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("contactsSplitter")
        self.splitter.addWidget(self.results)
        self.splitter.addWidget(self.profile_splitter)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(bar)
        list_layout.addWidget(self.splitter, 1)

        self.welcome = WelcomePage()
        self.welcome.addRequested.connect(self.addRequested)
        self.welcome.demoRequested.connect(self.demoRequested)
        self.welcome.importRequested.connect(self.importRequested)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.welcome)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.stack)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.table.viewport().removeEventFilter(self)
            QTimer.singleShot(0, self.complete_startup)
        return super().eventFilter(watched, event)

    def startup_complete(self) -> bool:
        """True once the whole list and the filters' choices are loaded."""
        return self._deferred_done

    def complete_startup(self) -> None:
        """Load the rest of the list and the filters' choices: after this page's first
        paint, or the window's when another view shows first. Once only."""
        if self._deferred_done:
            return
        self._deferred_done = True
        self.model.load_rest()
        self._refresh_filters()
        self.ready.emit()

    # --- the query -----------------------------------------------------------------
    def current_query(self) -> ContactQuery:
        tag = self.tag_filter.currentData()
        closeness = self.closeness_filter.currentData()
        organization = self.organization_filter.currentData()
        days = self.last_contact_filter.currentData()
        return ContactQuery(
            text=self._other_text if self._who_mode else self.search.text(),
            tag=None if tag in (None, _ANY) else str(tag),
            closeness=None if closeness in (None, _ANY) else Closeness(closeness),
            organization=None if organization in (None, _ANY) else str(organization),
            include_archived=self.archived_filter.isChecked(),
            sort=self.model.query.sort,
            descending=self.model.query.descending,
            not_contacted_days=None if days in (None, _ANY) else int(days),
        )

    def _search_later(self) -> None:
        if self._who_mode:
            self.who.schedule(self.search.text())
            return
        self._search_timer.start()

    # --- "Who can help?" --------------------------------------------------------------
    @property
    def who(self) -> WhoPanel:
        """The ranked people of "Who can help?", built the first time the mode is used
        (its modules and widgets are not needed for the first paint)."""
        if self._who is None:
            from ally_desktop.ui.insight.who_panel import WhoPanel

            panel = WhoPanel(self._db, with_input=False)
            panel.setObjectName("whoPanel")
            panel.currentPersonChanged.connect(self._who_person_changed)
            panel.personRequested.connect(self.open_from_who)
            panel.resultsChanged.connect(self._update_count)
            panel.manageTopicsRequested.connect(self.topicsRequested)
            self.results.addWidget(panel)
            self._who = panel
        return self._who

    def who_mode(self) -> bool:
        """True while the search field finds who can help with a topic."""
        return self._who_mode

    def set_who_mode(self, on: bool) -> None:
        """Swap the list for "Who can help?" (or back); each mode keeps its own text."""
        if on == self._who_mode:
            return
        self._who_mode = on
        shown, self._other_text = self._other_text, self.search.text()
        self.search.blockSignals(True)
        self.search.setText(shown)
        self.search.blockSignals(False)
        self._show_mode()
        for combo in (
            self.tag_filter,
            self.closeness_filter,
            self.organization_filter,
            self.last_contact_filter,
        ):
            combo.setVisible(not on)  # they filter the list, not the ranking
        if on:
            self.who.completer.watch(self.search)
            self.who.set_include_archived(self.archived_filter.isChecked())
            self.results.setCurrentWidget(self.who)
            if shown != self.who.query():
                self.who.set_query(shown)
            self._who_person_changed(self.who.current_contact_id() or -1)
        else:
            self.who.completer.unwatch()
            self.results.setCurrentWidget(self.table)
            if self.model.query.text != shown:
                self.apply_query()
            self._show_selected()
            self.selectionChanged.emit()
        self._update_count()

    def _show_mode(self) -> None:
        on = self._who_mode
        self.search.setPlaceholderText(WHO_PLACEHOLDER if on else PEOPLE_PLACEHOLDER)
        (self.who_action if on else self.people_action).setChecked(True)
        self.mode_action.setIcon(themed_icon("who" if on else "contacts"))
        self.mode_action.setText(WHO_MODE if on else PEOPLE_MODE)
        self.mode_action.setToolTip(
            "Finding who can help with a topic: click to search people instead"
            if on
            else "Searching people: click to find who can help with a topic instead"
        )

    def _show_mode_menu(self) -> None:
        self.mode_menu.popup(self.search.mapToGlobal(self.search.rect().bottomLeft()))

    def _who_person_changed(self, contact_id: int) -> None:
        """The profile shows the person chosen in the ranking; the list's (hidden)
        selection follows when they are in it, so the window's actions apply to them."""
        if not self._who_mode:
            return
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.table.clearSelection()
        if contact_id >= 0 and self.model.row_of(contact_id) is not None:
            self._select_ids([contact_id], scroll=False)
        selection.blockSignals(False)
        self.table.viewport().update()
        self._show_selected()
        self.selectionChanged.emit()

    def open_from_who(self, contact_id: int) -> None:
        """Double-click or Enter on a person of the ranking: the list, on them."""
        self.set_who_mode(False)
        self.show_contact(contact_id)

    def apply_query(self) -> None:
        """Show what the search box and the filters ask for, keeping the selection if it stays."""
        self.model.set_query(self.current_query())
        if self._who_mode:
            self.who.set_include_archived(self.archived_filter.isChecked())

    def _keep_sort_indicator_honest(self, column: int, _order: Qt.SortOrder) -> None:
        """Columns SQL cannot sort by (lists of topics, tags) must not show a sort arrow."""
        if COLUMNS[column][1] is not None:
            return
        sorted_column = next(
            i for i, (_, key) in enumerate(COLUMNS) if key == self.model.query.sort
        )
        order = (
            Qt.SortOrder.DescendingOrder
            if self.model.query.descending
            else Qt.SortOrder.AscendingOrder
        )
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(sorted_column, order)
        header.blockSignals(False)
        header.viewport().update()

    def _keep_selection(self) -> None:
        self._kept_selection = self.selected_ids()

    def _restore_selection(self) -> None:
        """After the list was rebuilt (search, sort, change), select the same people again."""
        self._update_count()
        self.table.selectionModel().blockSignals(True)
        self._select_ids(self._kept_selection, scroll=True)
        self.table.selectionModel().blockSignals(False)
        if not self.selected_ids():
            self.table.scrollToTop()
        self._selection_changed()

    def _refresh_filters(self) -> None:
        """Refill the tag and organization filters, keeping what is chosen."""
        for combo, first, names in (
            (self.tag_filter, "All tags", tag_names(self._db)),
            (self.organization_filter, "All organizations", organization_names(self._db, 2000)),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, _ANY)
            for name in names:
                combo.addItem(name, name)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def _update_count(self) -> None:
        if self._who_mode:
            self.count_label.setText(self.who.summary())
            return
        shown = self.model.rowCount()
        self.count_label.setText(f"{shown:,} {'person' if shown == 1 else 'people'}")

    def _update_empty_state(self) -> None:
        empty = self.model.rowCount() == 0 and not has_contacts(self._db) and not self.search.text()
        self.stack.setCurrentIndex(1 if empty else 0)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.membership:
            self._refresh_filters()  # a chosen tag or organization may have gone
            if self.model.query == self.current_query():
                self.model.reload()
            else:
                self.model.set_query(self.current_query())
            if len(change.focus) == 1 and not self._who_mode:
                self.show_contact(change.focus[0])
            elif change.focus:
                self._select_ids(list(change.focus), scroll=True)
        elif self.model.query.sort == SortKey.HEALTH:  # a cadence or closeness moves scores
            self.model.reload()
            self._show_selected()
        else:  # the list stays: repaint the changed rows and the profile shown
            self.model.refresh_rows(change.ids)
            self._show_selected()
        if self._who_mode:
            self.who.refresh()
        self._update_empty_state()

    # --- selection and detail -------------------------------------------------------
    def selected_ids(self) -> list[int]:
        ids = self.model.ids()
        return [
            int(cid)
            for first, last in selected_row_runs(self.table.selectionModel())
            for cid in ids[first : last + 1]
        ]

    def selected_count(self) -> int:
        return selected_count(self.table.selectionModel())

    def _select_ids(self, ids: list[int], *, scroll: bool) -> None:
        selection = self.table.selectionModel()
        if len(ids) > 32:  # many: one pass over the id array instead of a lookup each
            wanted = set(ids)
            rows = [row for row, cid in enumerate(self.model.ids()) if cid in wanted]
        else:
            rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
        select_rows(selection, rows)
        if rows:
            current = self.model.index(min(rows), 0)
            selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _selection_changed(self) -> None:
        self._show_selected()
        self.selectionChanged.emit()

    def _show_selected(self) -> None:
        count = self.selected_count()
        shown: int | None = None
        chosen = self.who.current_contact_id() if self._who_mode else None
        if self._who_mode and chosen is None:
            count = 0
        if count == 1 or chosen is not None:
            contact_id = chosen if chosen is not None else self.selected_ids()[0]
            try:
                self.detail.show_contact(
                    load_contact(self._db, contact_id),
                    balance(self._db, contact_id),
                    pending_reminders(self._db, contact_id),
                    health_of(self._db, contact_id, self.model.today),  # as the list's
                )
                shown = contact_id
            except ContactNotFoundError:
                self.detail.show_placeholder("This person no longer exists.")
        elif count:
            self.detail.show_placeholder(f"{count:,} people selected.")
        elif self._who_mode:
            self.detail.show_placeholder("Choose a person to see their profile.")
        else:
            self.detail.show_placeholder("Select a person to see their profile.")
        self.history.show_contact(shown)

    def _on_interactions_changed(self, change: InteractionChange) -> None:
        """Logged, edited or deleted interactions move people's last interaction: repaint
        their rows, or re-run the query when it sorts or filters by it."""
        query = self.model.query
        moved = query.sort in (SortKey.LAST_INTERACTION, SortKey.HEALTH)
        if moved or query.not_contacted_days is not None:
            self.model.reload()
        else:
            self.model.refresh_rows(change.people, self._visible_rows())
        shown = self.history.contact_id
        if shown is not None and shown in change.people:
            self._show_selected()
        elif shown is not None:
            self.history.refresh()  # a participant's name may read differently
        if self._who_mode:
            self.who.refresh()

    def _on_reminders_changed(self, change: ReminderChange) -> None:
        if self.history.contact_id is not None and self.history.contact_id in change.people:
            self._show_selected()

    def _visible_rows(self) -> tuple[int, int]:
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        if first < 0:
            return (0, -1)
        return (first, last if last >= 0 else self.model.rowCount() - 1)

    def _delete_history_selection(self) -> None:
        ids = self.history.list.selected_ids()
        if ids and self._interactions is not None:
            label = "1 interaction" if len(ids) == 1 else f"{len(ids):,} interactions"
            self._interactions.set_trashed(ids, True, label)

    def show_contact(self, contact_id: int) -> None:
        """Select this person, clearing the search and filters if they hide them."""
        self.set_who_mode(False)
        if self.model.row_of(contact_id) is None:
            self.clear_filters()
            if self.model.row_of(contact_id) is None:
                self.archived_filter.setChecked(True)
        self._select_ids([contact_id], scroll=True)
        self._show_selected()  # fresh even when the person was already selected
        self.table.setFocus()

    def clear_filters(self) -> None:
        controls = (
            self.search,
            self.tag_filter,
            self.closeness_filter,
            self.organization_filter,
            self.last_contact_filter,
            self.archived_filter,
        )
        for widget in controls:
            widget.blockSignals(True)
        self.search.clear()
        self.tag_filter.setCurrentIndex(0)
        self.closeness_filter.setCurrentIndex(0)
        self.organization_filter.setCurrentIndex(0)
        self.last_contact_filter.setCurrentIndex(0)
        self.archived_filter.setChecked(False)
        for widget in controls:
            widget.blockSignals(False)
        if self._who_mode:
            self._other_text = ""  # the list's search, kept aside while ranking
            self.who.set_query("")
        self.model.set_query(self.current_query())

    def focus_search(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    # --- actions on the selection ---------------------------------------------------
    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.editRequested.emit(self.model.contact_id(index.row()))

    def keyPressEvent(self, event: object) -> None:  # noqa: N802
        from PySide6.QtGui import QKeyEvent

        assert isinstance(event, QKeyEvent)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            ids = self.selected_ids()
            if len(ids) == 1:
                self.editRequested.emit(ids[0])
                return
        if event.key() == Qt.Key.Key_Escape and self.search.hasFocus() and self.search.text():
            self.search.clear()
            return
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus() and self._who_mode:
            self.who.focus_results()
            return
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.table.setFocus()
            if not self.selected_ids() and self.model.rowCount():
                self._select_ids([self.model.contact_id(0)], scroll=True)
            return
        super().keyPressEvent(event)

    def names_of(self, ids: list[int]) -> str:
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            if row is not None:
                return str(self.model.index(row, 0).data())
        return f"{len(ids):,} people"

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        next_row = min(r for r in (self.model.row_of(i) for i in ids) if r is not None)
        self._editing.set_trashed(ids, True, self.names_of(ids))
        if self.model.rowCount():
            row = min(next_row, self.model.rowCount() - 1)
            self._select_ids([self.model.contact_id(row)], scroll=True)

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        ids = self.selected_ids()
        actions: list[tuple[str, Callable[[], None], bool]] = [
            ("Edit…", lambda: self.editRequested.emit(ids[0]), len(ids) == 1),
            ("Move to trash", self.delete_selected, bool(ids)),
            ("", lambda: None, False),  # a separator
            ("Export selected…", self.exportRequested.emit, bool(ids)),
        ]
        for text, slot, enabled in actions:
            if not text:
                menu.addSeparator()
                continue
            action = menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()  # a menu per right-click: not kept for the page's lifetime

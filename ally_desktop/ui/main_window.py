"""The main window: navigation between the views, menus, toolbar, undo.

The views are Today (the home view), Contacts, Timeline, Reminders and the network Map.
Contacts is built with the window; the others on first use, so the window paints
sooner. ``ready`` fires once after the first paint of whichever view shows first: the
work that must not hold back the first frame (the rest of the list, due reminders
missed while closed, housekeeping) waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ally_desktop import APP_NAME, __version__
from ally_desktop.core.contacts import ContactNotFoundError, load_contact
from ally_desktop.core.records import ContactData
from ally_desktop.store.errors import StoreError, user_facing_errors
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges, ContactEditing
from ally_desktop.ui.icons import app_icon, themed_icon
from ally_desktop.ui.reminders.commands import ReminderEditing
from ally_desktop.ui.settings import UiSettings
from ally_desktop.ui.timeline.commands import InteractionEditing

if TYPE_CHECKING:
    from ally_desktop.store.backups import BackupInfo
    from ally_desktop.ui.contacts.page import ContactsPage
    from ally_desktop.ui.insight.introduction_commands import IntroductionEditing
    from ally_desktop.ui.insight.topic_commands import TopicEditing
    from ally_desktop.ui.network.page import NetworkPage
    from ally_desktop.ui.reminders.page import RemindersPage
    from ally_desktop.ui.timeline.page import TimelinePage
    from ally_desktop.ui.today.page import TodayPage
    from ally_desktop.ui.transfer.commands import DoneImport
    from ally_desktop.ui.widgets.people import ChosenPerson

DEMO_SIZE = 250
TODAY_VIEW, CONTACTS_VIEW, TIMELINE_VIEW, REMINDERS_VIEW, NETWORK_VIEW = range(5)
MAX_PREFILLED = 20  # quick log from a big selection names the first few, not thousands
_VIEW_TITLES = ("Today", "Contacts", "Timeline", "Reminders", "Map")
_VIEW_ICONS = ("today", "contacts", "timeline", "reminders", "network")


class MainWindow(QMainWindow):
    # Once: after the first paint of the first view shown, or at once for a window that
    # starts hidden in the tray (``start_hidden``). Work that can wait for the first
    # frame (the tray, reminders, housekeeping, the rest of the list) waits for it.
    ready = Signal()
    # From Preferences: the weekly summary's moment moved.
    summaryScheduleChanged = Signal()  # noqa: N815

    def __init__(
        self, db: pw.SqliteDatabase, settings: UiSettings, *, open_home: bool = False
    ) -> None:
        """``open_home``: open on the home view (``show_home``), as Ally starts; otherwise
        on Contacts. Each view is built the first time it is shown, and Contacts (whose
        list the other views lead to) right after the first frame in any case."""
        super().__init__()
        self._db = db
        self._settings = settings
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())  # also where no application icon was set (tests, tools)
        self.setObjectName("mainWindow")
        self.undo_stack = QUndoStack(self)
        self.changes = ContactChanges(self)
        self.changes.failed.connect(self.show_error)
        self.editing = ContactEditing(db, self.undo_stack, self.changes)
        self.interactions = InteractionEditing(db, self.undo_stack, self.changes)
        self.reminders = ReminderEditing(db, self.undo_stack, self.changes)
        self._topics: TopicEditing | None = None
        self._reminders_page: RemindersPage | None = None
        self._timeline: TimelinePage | None = None
        self._today: TodayPage | None = None
        self._introductions: IntroductionEditing | None = None
        self._network: NetworkPage | None = None
        self._painted = False
        self._ready_sent = False
        self._contacts: ContactsPage | None = None

        self.views = QStackedWidget()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setFixedWidth(150)
        self.navigation.setFrameShape(QListWidget.Shape.NoFrame)
        # A sidebar in the window's colour, the current view a rounded band in the
        # selection colour: palette roles only, so it follows light and dark.
        self.navigation.setStyleSheet(
            "QListWidget#navigation { background: palette(window); outline: 0;"
            " padding: 6px 0; }"
            " QListWidget#navigation::item { padding: 6px 8px; margin: 1px 6px;"
            " border-radius: 6px; color: palette(window-text); }"
            " QListWidget#navigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        # Placeholders: each view is built the first time it is shown.
        for title, icon in zip(_VIEW_TITLES, _VIEW_ICONS, strict=True):
            self._add_view(title, QWidget(), icon)
        self.navigation.currentRowChanged.connect(self._show_view)
        self.views.installEventFilter(self)
        # The rest of the list (and Contacts itself, when another view painted first).
        self.ready.connect(lambda: self.contacts.complete_startup())

        from ally_desktop.ui.notice_bar import NoticeBar

        self.notice = NoticeBar()
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.setSpacing(0)
        main_layout.addWidget(self.notice)
        main_layout.addWidget(self.views, 1)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(main, 1)
        self.setCentralWidget(body)
        self._tray: object | None = None  # the tray, when Ally lives there
        self._transfer_folder: Path | None = None  # where the last import or export was
        self._transfer_dialog: QDialog | None = None  # the last one: deleted when replaced
        self.setAcceptDrops(True)  # a contacts file dropped on the window is imported
        self._quitting = False
        self._build_actions()
        self.resize(1200, 760)
        self._restore_layout()
        if open_home:
            self.show_home()
        else:
            self.navigation.setCurrentRow(CONTACTS_VIEW)
        self.statusBar().showMessage("Ready", 2000)

    # --- structure ------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self._painted and watched is self.views and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.views.removeEventFilter(self)
            QTimer.singleShot(0, self._send_ready)
        return super().eventFilter(watched, event)

    def start_hidden(self) -> None:
        """Started in the tray: nothing paints until the user opens the window, and the
        work that waits for the first frame (reminders above all) starts now."""
        QTimer.singleShot(0, self._send_ready)

    def _send_ready(self) -> None:
        if not self._ready_sent:
            self._ready_sent = True
            self.ready.emit()

    def show_home(self) -> None:
        """Open on Today, the home view, once there is anyone to speak of; an empty
        store opens on Contacts, whose welcome page says how to begin."""
        from ally_desktop.core.contact_queries import has_contacts

        self.navigation.setCurrentRow(TODAY_VIEW if has_contacts(self._db) else CONTACTS_VIEW)

    def _show_view(self, row: int) -> None:
        if row == CONTACTS_VIEW:
            self.contacts_page()
        elif row == TIMELINE_VIEW:
            self.timeline_page()
        elif row == REMINDERS_VIEW:
            self.reminders_page()
        elif row == TODAY_VIEW:
            self.today_page()
        elif row == NETWORK_VIEW:
            self.network_page()
        self.views.setCurrentIndex(row)
        self._update_actions()

    def _replace_placeholder(self, index: int, page: QWidget) -> None:
        placeholder = self.views.widget(index)
        self.views.insertWidget(index, page)
        if placeholder is not None:
            self.views.removeWidget(placeholder)
            placeholder.deleteLater()

    @property
    def contacts(self) -> ContactsPage:
        """The Contacts view (built on first use)."""
        return self.contacts_page()

    def contacts_page(self) -> ContactsPage:
        """The Contacts view, built on first use: at once when Ally opens on it, right
        after the first frame when it opens on Today."""
        if self._contacts is None:
            from ally_desktop.ui.contacts.page import ContactsPage

            page = ContactsPage(self._db, self.editing, self.interactions)
            page.logRequested.connect(self.log_interaction)
            page.remindRequested.connect(self.new_reminder)
            page.reminderEditRequested.connect(self.edit_reminder)
            page.interactionEditRequested.connect(self.edit_interaction)
            # Once the list is complete, build the Timeline while the user reads: it then
            # opens at once (its first page, not its widgets and modules, is what a switch
            # costs).
            page.ready.connect(self._warm_up)
            page.editRequested.connect(self.edit_contact)
            page.addRequested.connect(self.quick_add)
            page.demoRequested.connect(self.load_demo)
            page.importRequested.connect(lambda: self.show_import())
            page.selectionChanged.connect(self._update_actions)
            page.exportRequested.connect(lambda: self.show_export(selected=True))
            page.topicsRequested.connect(self.show_topics)
            self._restore_contacts_layout(page)
            self._replace_placeholder(CONTACTS_VIEW, page)
            self._contacts = page
        return self._contacts

    def today_page(self) -> TodayPage:
        """The Today view, built on first use."""
        if self._today is None:
            from ally_desktop.ui.today.page import TodayPage

            page = TodayPage(self._db)
            page.personRequested.connect(self.show_person)
            page.logRequested.connect(self.log_interaction)
            page.reminderRequested.connect(self.edit_reminder)
            page.remindersRequested.connect(lambda: self.navigation.setCurrentRow(REMINDERS_VIEW))
            self.changes.changed.connect(page.refresh)
            self.changes.interactionsChanged.connect(page.refresh)  # drifting, new allies
            self.changes.remindersChanged.connect(page.refresh)  # due
            self._replace_placeholder(TODAY_VIEW, page)
            self._today = page
        return self._today

    def network_page(self) -> NetworkPage:
        """The network map, built on first use."""
        if self._network is None:
            from ally_desktop.ui.network.page import NetworkPage

            page = NetworkPage(self._db)
            page.personRequested.connect(self.show_person)
            self.changes.changed.connect(lambda *_: page.refresh())
            self.changes.interactionsChanged.connect(lambda *_: page.refresh())  # colours
            self.changes.remindersChanged.connect(lambda *_: page.refresh())  # due moments
            self._replace_placeholder(NETWORK_VIEW, page)
            self._network = page
        return self._network

    def timeline_page(self) -> TimelinePage:
        """The Timeline view, built on first use."""
        if self._timeline is None:
            from ally_desktop.ui.timeline.page import TimelinePage

            page = TimelinePage(self._db, self.interactions)
            page.editRequested.connect(self.edit_interaction)
            page.logRequested.connect(self.log_interaction)
            page.selectionChanged.connect(self._update_actions)
            page.personRequested.connect(self.show_person)
            self._replace_placeholder(TIMELINE_VIEW, page)
            self._timeline = page
        return self._timeline

    def reminders_page(self) -> RemindersPage:
        """The Reminders view, built on first use."""
        if self._reminders_page is None:
            from ally_desktop.ui.reminders.page import RemindersPage

            page = RemindersPage(self._db, self.reminders)
            page.logRequested.connect(self.log_interaction)
            page.newRequested.connect(lambda: self.new_reminder())
            page.editRequested.connect(self.edit_reminder)
            page.snoozeAtRequested.connect(self.snooze_reminder_until)
            page.selectionChanged.connect(self._update_actions)
            self._replace_placeholder(REMINDERS_VIEW, page)
            self._reminders_page = page
        return self._reminders_page

    def new_reminder(self, contact_id: int | None = None) -> None:
        from ally_desktop.ui.reminders.dialog import ReminderDialog
        from ally_desktop.ui.widgets.people import ChosenPerson

        if contact_id is None and self.current_view() == CONTACTS_VIEW:
            ids = self.contacts.selected_ids()
            contact_id = ids[0] if len(ids) == 1 else None
        person = None
        if contact_id is not None:
            try:
                person = ChosenPerson(contact_id, load_contact(self._db, contact_id).name)
            except ContactNotFoundError:
                person = None
        dialog = ReminderDialog(self._db, self.reminders.create, person=person, parent=self)
        dialog.open()

    def edit_reminder(self, reminder_id: int) -> None:
        from ally_desktop.core.reminders import ReminderNotFoundError, load_reminder
        from ally_desktop.ui.reminders.dialog import ReminderDialog

        try:
            record = load_reminder(self._db, reminder_id)
        except ReminderNotFoundError as exc:
            self.show_error(str(exc))
            return
        dialog = ReminderDialog(
            self._db,
            lambda data: self.reminders.edit(reminder_id, data),
            record=record,
            parent=self,
        )
        dialog.open()

    def snooze_reminder_until(self, reminder_id: int) -> None:
        from ally_desktop.ui.reminders.snooze import SnoozeDialog

        dialog = SnoozeDialog(self)
        dialog.chosen.connect(lambda until: self.reminders.snooze(reminder_id, until))
        dialog.open()

    def show_person(self, contact_id: int) -> None:
        self.navigation.setCurrentRow(CONTACTS_VIEW)
        self.contacts.show_contact(contact_id)

    def _warm_up(self) -> None:
        QTimer.singleShot(0, self._prepare_timeline)

    def _prepare_timeline(self) -> None:
        """Build the Timeline and draw it once off screen: its first rows are fetched and
        its fonts' glyphs made, so the switch to it costs one ordinary repaint."""
        page = self.timeline_page()
        if self.current_view() != TIMELINE_VIEW:
            page.list.grab()

    def current_view(self) -> int:
        return self.views.currentIndex()

    def _add_view(self, title: str, widget: QWidget, icon: str, enabled: bool = True) -> None:
        item = QListWidgetItem(themed_icon(icon), title)
        if not enabled:
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setToolTip(f"{title} arrives in a later version.")
        self.navigation.addItem(item)
        self.views.addWidget(widget)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        """An action of the window; ``icon`` is Ally's name for it (see ``ui.icons``): the
        platform theme's icon where there is one, else Ally's own."""
        action = QAction(text, self)
        if icon:
            action.setIcon(themed_icon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.add_action = self._action(
            "&Add person…",
            self.quick_add,
            "Ctrl+N",
            "add",
            "Add a person: a name is enough (Ctrl+N)",
        )
        self.add_full_action = self._action(
            "New person with &details…", self.new_contact, "Ctrl+Shift+N", "details"
        )
        self.log_action = self._action(
            "&Log interaction…",
            lambda: self.log_interaction(),
            "Ctrl+L",
            "log",
            "Log a meeting, call or coffee with the selected people (Ctrl+L)",
        )
        self.log_action.setIconText("Log")
        self.remind_action = self._action(
            "&Remind me…",
            lambda: self.new_reminder(),
            "Ctrl+R",
            "remind",
            "Set a reminder, about the selected person or free-standing (Ctrl+R)",
        )
        self.import_action = self._action(
            "&Import…",
            lambda: self.show_import(),
            "Ctrl+Shift+I",
            "import",
            "Add people from a CSV or vCard file (Ctrl+Shift+I), or drop the file here",
        )
        self.export_action = self._action(
            "&Export…",
            lambda: self.show_export(),
            "Ctrl+Shift+E",
            "export",
            "Write people to a CSV or vCard file (Ctrl+Shift+E)",
        )
        self.trash_action = self._action(
            "&Trash…",
            self.show_trash,
            None,
            "trash",
            "People and interactions you deleted, to restore or delete for good",
        )
        self.backups_action = self._action(
            "Restore from &backup…",
            self.show_backups,
            None,
            "backups",
            "Go back to a backup of your data, or back up now",
        )
        self.quit_action = self._action("&Quit", self.quit, "Ctrl+Q", "quit")
        self.preferences_action = self._action(
            "&Preferences…", self.show_preferences, None, "preferences"
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(themed_icon("undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):  # both conventions, on every platform
            if QKeySequence(extra) not in redo_keys:
                redo_keys.append(QKeySequence(extra))
        self.redo_action.setShortcuts(redo_keys)
        self.redo_action.setIcon(themed_icon("redo"))
        # The menu says what would be undone; the toolbar keeps a short, steady label.
        self.undo_action.setIconText("Undo")
        self.redo_action.setIconText("Redo")
        self.edit_action = self._action(
            "&Edit…",
            self._edit_selected,
            "F2",
            "edit",
            "Edit the selected item (F2, Enter)",
        )
        self.delete_action = self._action(
            "&Delete",
            self._delete_selected,
            QKeySequence.StandardKey.Delete,
            "delete",
            "Move the selected items to the trash (Delete)",
        )
        self.reach_action = self._action(
            "How can I &reach…?",
            lambda: self.show_reach(),
            "Ctrl+Shift+R",
            "reach",
            "Who can introduce you to a person, or to anyone at an organization (Ctrl+Shift+R)",
        )
        self.introduction_action = self._action(
            "Record an &introduction…",
            lambda: self.record_introduction(),
            "Ctrl+Shift+L",
            "log",
            "Someone introduced you to someone: it shows in both their timelines",
        )
        self.who_action = self._action(
            "&Who can help?…",
            self.show_who,
            "Ctrl+Shift+W",
            "who",
            "People ranked by what they know about a topic (Ctrl+Shift+W)",
        )
        self.topics_action = self._action(
            "Merge &topics…",
            self.show_topics,
            None,
            "edit",
            "Merge topics that mean the same thing, or rename one",
        )
        self.find_action = self._action("&Find…", self._focus_search, None, "search")
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.about_action = self._action(f"&About {APP_NAME}", self.about, None, "about")

        file_menu = self.menuBar().addMenu("&File")
        for action in (self.add_action, self.add_full_action, self.log_action, self.remind_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.trash_action)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        for action in (self.undo_action, self.redo_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (self.edit_action, self.delete_action, self.find_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        view_menu = self.menuBar().addMenu("&View")
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            action = self._action(
                item.text(),
                partial(self.navigation.setCurrentRow, row),
                f"Ctrl+{row + 1}",
                _VIEW_ICONS[row],
            )
            action.setEnabled(bool(item.flags() & Qt.ItemFlag.ItemIsEnabled))
            view_menu.addAction(action)
        self.allies_menu = self.menuBar().addMenu("&Allies")
        self.allies_menu.addAction(self.who_action)
        self.allies_menu.addAction(self.reach_action)
        self.allies_menu.addAction(self.introduction_action)
        self.allies_menu.addSeparator()
        self.allies_menu.addAction(self.topics_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.add_action, self.log_action, self.edit_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        toolbar.addAction(self.trash_action)
        self.addToolBar(toolbar)
        self.undo_stack.indexChanged.connect(self._announce_undo)
        self._update_actions()

    def _update_actions(self) -> None:
        if not hasattr(self, "edit_action"):
            return  # still building the window
        on_timeline = self.current_view() == TIMELINE_VIEW and self._timeline is not None
        if self.current_view() == REMINDERS_VIEW and self._reminders_page is not None:
            row = self._reminders_page.selected_row()
            by_hand = row is not None and row.kind in ("once", "recurring")
            self.edit_action.setEnabled(by_hand)
            self.delete_action.setEnabled(by_hand)
            self.edit_action.setText("&Edit reminder…")
            self.delete_action.setStatusTip("Delete the selected reminder (Delete)")
            return
        if on_timeline:
            assert self._timeline is not None
            count = self._timeline.selected_count()
            noun = "interaction"
        else:
            count = self._contacts.selected_count() if self._contacts is not None else 0
            noun = "person"
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count > 0)
        self.edit_action.setText(f"&Edit {noun}…")
        self.edit_action.setIconText("Edit")
        self.delete_action.setStatusTip(
            f"Move the selected {'interactions' if on_timeline else 'people'} to the trash (Delete)"
        )

    def _announce_undo(self) -> None:
        text = self.undo_stack.undoText()
        if text:
            self.statusBar().showMessage(f"{text} — Undo with Ctrl+Z", 6000)

    # --- actions ------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)

    # Dialogs are imported when first opened: the window paints sooner.
    def quick_add(self) -> None:
        from ally_desktop.ui.contacts.quick_add import QuickAddDialog

        self.navigation.setCurrentRow(CONTACTS_VIEW)
        dialog = QuickAddDialog(self._db, self.editing.create, self.new_contact, self)
        dialog.open()

    def new_contact(self, draft: ContactData | None = None) -> None:
        from ally_desktop.ui.contacts.editor import ContactEditor

        dialog = ContactEditor(
            self._db, self.editing.create, draft=draft or ContactData(), parent=self
        )
        dialog.open()

    def _edit_selected(self) -> None:
        if self.current_view() == REMINDERS_VIEW and self._reminders_page is not None:
            self._reminders_page.edit_selected()
            return
        if self.current_view() == TIMELINE_VIEW and self._timeline is not None:
            interaction_ids = self._timeline.selected_ids()
            if len(interaction_ids) == 1:
                self.edit_interaction(interaction_ids[0])
            return
        if self.contacts.history.list_has_focus():
            selected = self.contacts.history.list.selected_ids()
            if len(selected) == 1:
                self.edit_interaction(selected[0])
                return
        ids = self.contacts.selected_ids()
        if len(ids) == 1:
            self.edit_contact(ids[0])

    def _delete_selected(self) -> None:
        if self.current_view() == REMINDERS_VIEW and self._reminders_page is not None:
            self._reminders_page.delete_selected()
        elif self.current_view() == TIMELINE_VIEW and self._timeline is not None:
            self._timeline.delete_selected()
        elif self.contacts.history.list_has_focus():  # the person's history, not the person
            self.contacts.history.deleteRequested.emit()
        else:
            self.contacts.delete_selected()

    def _focus_search(self) -> None:
        if self.current_view() == TIMELINE_VIEW and self._timeline is not None:
            self._timeline.focus_search()
        elif self.current_view() == NETWORK_VIEW and self._network is not None:
            self._network.focus_search()
        else:
            self.contacts.focus_search()

    def log_interaction(self, people: list[int] | None = None) -> None:
        """Quick log: the people chosen are those selected (Contacts) or filtered (Timeline)."""
        from ally_desktop.ui.timeline.dialog import InteractionDialog
        from ally_desktop.ui.widgets.people import ChosenPerson

        if people is None:
            if self.current_view() == TIMELINE_VIEW and self._timeline is not None:
                people = self._timeline.person.ids()
            elif self.current_view() == CONTACTS_VIEW:
                people = self.contacts.selected_ids()[:MAX_PREFILLED]
            elif self.current_view() == TODAY_VIEW and self._today is not None:
                people = self._today.selected_ids()
            else:
                people = []
        chosen = []
        for contact_id in people:
            try:
                chosen.append(ChosenPerson(contact_id, load_contact(self._db, contact_id).name))
            except ContactNotFoundError:
                continue
        dialog = InteractionDialog(
            self._db, self.interactions.log, self._create_person_named, people=chosen, parent=self
        )
        dialog.open()

    def edit_interaction(self, interaction_id: int) -> None:
        from ally_desktop.core.timeline import InteractionNotFoundError, load_interaction
        from ally_desktop.ui.timeline.dialog import InteractionDialog

        try:
            record = load_interaction(self._db, interaction_id)
        except InteractionNotFoundError as exc:
            self.show_error(str(exc))
            return
        dialog = InteractionDialog(
            self._db,
            lambda data: self.interactions.edit(interaction_id, data),
            self._create_person_named,
            record=record,
            parent=self,
        )
        dialog.open()

    def _chosen(self, contact_id: int | None) -> ChosenPerson | None:
        from ally_desktop.ui.widgets.people import ChosenPerson

        if contact_id is None:
            return None
        try:
            return ChosenPerson(contact_id, load_contact(self._db, contact_id).name)
        except ContactNotFoundError:
            return None

    def _one_selected(self) -> int | None:
        if self.current_view() != CONTACTS_VIEW:
            return None
        ids = self.contacts.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def show_who(self) -> None:
        """Who can help? The Contacts search, ranking people by what they know."""
        self.navigation.setCurrentRow(CONTACTS_VIEW)
        self.contacts.set_who_mode(True)
        self.contacts.focus_search()

    def show_topics(self) -> None:
        """Merge topics that mean the same thing, or rename one (undoable)."""
        from ally_desktop.ui.insight.topic_commands import TopicEditing
        from ally_desktop.ui.insight.topics_dialog import TopicsDialog

        if self._topics is None:
            self._topics = TopicEditing(self._db, self.undo_stack, self.changes)
        dialog = TopicsDialog(self._db, self._topics, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_reach(self, person: int | None = None, organization: str | None = None) -> None:
        """How can I reach…? A window of its own, left open while the user follows people."""
        from ally_desktop.ui.insight.reach_dialog import ReachDialog

        if person is None and organization is None:
            person = self._one_selected()
        dialog = ReachDialog(
            self._db, self, person=person, organization=organization, changes=self.changes
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.personRequested.connect(self.show_person)
        dialog.introductionRequested.connect(self.record_introduction)
        dialog.logRequested.connect(self.log_interaction)
        dialog.show()

    def record_introduction(
        self, introducer: int | None = None, introduced: int | None = None
    ) -> None:
        """Record "A introduced me to B": a link between them and an entry in both
        timelines, undone as one."""
        from ally_desktop.ui.insight.introduction_commands import IntroductionEditing
        from ally_desktop.ui.insight.introduction_dialog import IntroductionDialog

        if self._introductions is None:
            self._introductions = IntroductionEditing(self._db, self.undo_stack, self.changes)
        if introducer is None and introduced is None:
            introducer = self._one_selected()
        dialog = IntroductionDialog(
            self._db,
            self._introductions.record,
            self._create_person_named,
            introducer=self._chosen(introducer),
            introduced=self._chosen(introduced),
            parent=self,
        )
        dialog.open()

    def _create_person_named(self, name: str) -> int | None:
        """A participant who is not yet a contact: add them (undoable); None if not saved."""
        from ally_desktop.core.validation import ValidationError
        from ally_desktop.ui.contacts.quick_add import split_name

        given, family = split_name(name)
        try:
            return self.editing.create(ContactData(given_name=given, family_name=family))
        except (ValidationError, StoreError) as exc:
            self.show_error(f"{name} was not added: {exc}")
            return None

    def edit_contact(self, contact_id: int) -> None:
        try:
            record = load_contact(self._db, contact_id)
        except ContactNotFoundError as exc:
            self.show_error(str(exc))
            return
        from ally_desktop.ui.contacts.editor import ContactEditor

        dialog = ContactEditor(
            self._db, lambda data: self.editing.edit(contact_id, data), record=record, parent=self
        )
        dialog.open()

    def show_trash(self) -> None:
        from ally_desktop.ui.contacts.trash import TrashDialog

        dialog = TrashDialog(self._db, self.editing, self.interactions, self)
        dialog.open()

    def load_demo(self) -> None:
        from ally_desktop.core.demo import generate_demo

        try:
            with user_facing_errors():
                generate_demo(self._db, DEMO_SIZE)
        except StoreError as exc:
            self.show_error(str(exc))
            return
        self.changes.announce(ChangeSet((), membership=True))
        self.statusBar().showMessage(f"Added {DEMO_SIZE} demo people.", 6000)

    # --- import and export ----------------------------------------------------------
    def show_export(self, *, selected: bool = False) -> None:
        """The export dialog, offering everyone, the filtered list and the selection.

        ``selected``: asked from the list's menu ("Export selected…"), so the selection
        is chosen first even when it is one person.
        """
        from ally_desktop.core.contact_queries import ContactQuery, contact_ids
        from ally_desktop.ui.transfer.export_dialog import ExportDialog, export_scopes, is_filtered

        page = self.contacts
        page.model.load_rest()  # the whole list, not only its first screenful
        every = contact_ids(self._db, ContactQuery(include_archived=True))
        # A copy: the list may be reloaded while the dialog is open.
        listed = page.model.ids()[:] if is_filtered(page.model.query) else None
        on_contacts = selected or self.current_view() == CONTACTS_VIEW
        chosen = page.selected_ids() if on_contacts else []
        scopes, default = export_scopes(every, listed, chosen, prefer_selection=selected)
        dialog = ExportDialog(self._db, scopes, default, self._transfer_folder, self)
        dialog.exported.connect(self._exported)
        self._keep_transfer_dialog(dialog)
        dialog.open()

    def _exported(self, count: int, path: Path) -> None:
        self._transfer_folder = path.parent
        people = "person" if count == 1 else "people"
        self.statusBar().showMessage(f"Exported {count:,} {people} to {path.name}", 8000)

    def show_import(self, path: Path | None = None) -> None:
        """Import a file: the one given (dropped), else the one the user picks."""
        from PySide6.QtWidgets import QFileDialog

        from ally_desktop.core.transfer.reading import (
            NoTableError,
            UnreadableFileError,
            open_source,
        )
        from ally_desktop.ui.transfer.import_dialog import ImportDialog

        if path is None:
            folder = self._transfer_folder or Path.home()
            chosen, _ = QFileDialog.getOpenFileName(
                self,
                "Import contacts",
                str(folder),
                "Contacts (*.csv *.vcf *.vcard *.txt);;All files (*)",
            )
            if not chosen:
                return
            path = Path(chosen)
        try:
            source = open_source(path)
        except (UnreadableFileError, NoTableError) as exc:
            self.show_error(f"{exc} Nothing was imported.")
            return
        self._transfer_folder = path.parent
        self.navigation.setCurrentRow(CONTACTS_VIEW)
        dialog = ImportDialog(self._db, source, self)
        dialog.imported.connect(self._imported)
        self._keep_transfer_dialog(dialog)
        dialog.open()

    def _keep_transfer_dialog(self, dialog: QDialog) -> None:
        """Free the previous import or export dialog (a file's worth of data), unless it
        is still open or its job is still winding down."""
        from ally_desktop.ui.transfer.export_dialog import ExportDialog
        from ally_desktop.ui.transfer.import_dialog import ImportDialog

        previous = self._transfer_dialog
        idle = isinstance(previous, ExportDialog | ImportDialog) and not previous.busy()
        if previous is not None and idle and not previous.isVisible():
            previous.deleteLater()
        self._transfer_dialog = dialog

    def _imported(self, done: DoneImport) -> None:
        from ally_desktop.ui.transfer.commands import record_import

        record_import(self._db, self.undo_stack, self.changes, done)
        self.statusBar().showMessage(done.message(), 10000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        self._accept_if_importable(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        self._accept_if_importable(event)

    def _accept_if_importable(self, event: QDropEvent) -> None:
        """Refused while still dragging: the pointer shows at once what cannot be dropped."""
        from ally_desktop.ui.transfer.drops import importable_path

        if importable_path(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        from ally_desktop.ui.transfer.drops import importable_path

        path = importable_path(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Opened from the event loop: the program the file came from is not kept waiting.
        QTimer.singleShot(0, lambda: self.show_import(path))

    # --- backups ------------------------------------------------------------------------
    def data_dir(self) -> Path:
        return Path(str(self._db.database)).parent

    def show_backups(self) -> None:
        from ally_desktop.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.data_dir(), self.restore_from_backup, self)
        dialog.restored.connect(self._restored)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def restore_from_backup(self, backup: Path) -> BackupInfo:
        """Put ``backup`` in place of the data file and carry on with it, no restart.

        The views, the editing commands and the reminder scheduler all share the one
        Peewee database object: it is closed, the file replaced, and the same object
        connected again (and migrated, if the backup is older); the views then reload
        as after any large change. The undo history speaks of the replaced data, so it
        is cleared. Raises StoreError (nothing changed) when the restore cannot be done.
        """
        from PySide6.QtCore import QThreadPool

        from ally_desktop.store import migrations
        from ally_desktop.store.backups import BackupError, restore_backup
        from ally_desktop.store.db import close_database, sqlite_connection
        from ally_desktop.ui.transfer.export_dialog import ExportDialog
        from ally_desktop.ui.transfer.import_dialog import ImportDialog

        job = self._transfer_dialog
        if isinstance(job, ExportDialog | ImportDialog) and job.busy():
            raise BackupError(
                "An import or export is still running: let it finish, then restore. "
                "Nothing was changed."
            )
        # Worker threads (a timeline count) close their own connections when they end.
        if not QThreadPool.globalInstance().waitForDone(10_000):
            raise BackupError("Ally is still busy: try again in a moment. Nothing was changed.")
        root = self.data_dir()
        close_database(self._db)
        try:
            info = restore_backup(root, backup)
        finally:
            with user_facing_errors():
                self._db.connect(reuse_if_open=True)
                migrations.migrate(sqlite_connection(self._db))
        self.undo_stack.clear()
        self.changes.announce(ChangeSet((), membership=True))
        return info

    def _restored(self, info: BackupInfo) -> None:
        people = "" if info.contacts is None else f" ({info.contacts:,} people)"
        when = f"{info.taken_at.astimezone():%d %b %Y %H:%M}"
        self.statusBar().showMessage(
            f"Restored the backup of {when}{people}; your data before it was backed up first.",
            10000,
        )

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Build and keep work allies.</p>"
            f"<p>Your data stays on this computer:<br><code>{self._db.database}</code></p>",
        )

    # --- remembered layout --------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self._settings.state("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = self._settings.state("window/state")
        if window_state is not None:
            self.restoreState(window_state)

    @staticmethod
    def _header_key() -> str:
        """Column widths are saved per set of columns: a layout saved before a column was
        added would otherwise land one column over."""
        from ally_desktop.ui.contacts.model import COLUMNS

        return f"contacts/header-{len(COLUMNS)}"

    def _restore_contacts_layout(self, page: ContactsPage) -> None:
        splitter = self._settings.state("contacts/splitter")
        if splitter is not None:
            page.splitter.restoreState(splitter)
        profile = self._settings.state("contacts/profileSplitter")
        if profile is not None:
            page.profile_splitter.restoreState(profile)
        header = self._settings.state(self._header_key())
        if header is not None:
            page.table.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        self._settings.set_state("window/geometry", self.saveGeometry())
        self._settings.set_state("window/state", self.saveState())
        page = self._contacts
        if page is not None:  # never built: what was saved before stays
            self._settings.set_state("contacts/splitter", page.splitter.saveState())
            self._settings.set_state("contacts/profileSplitter", page.profile_splitter.saveState())
            self._settings.set_state(self._header_key(), page.table.horizontalHeader().saveState())
        self._settings.sync()

    # --- living in the tray ---------------------------------------------------------
    def attach_tray(self, tray: object) -> None:
        """Closing the window now keeps Ally running in the tray (unless turned off)."""
        from PySide6.QtWidgets import QApplication

        self._tray = tray
        QApplication.setQuitOnLastWindowClosed(False)

    def explain_no_tray(self) -> None:
        """Said once: there is no tray, so notifications show in the window."""
        if not self._settings.flag("no_tray_explained", False):
            self._settings.set_flag("no_tray_explained", True)
            self.notice.show_notice(
                "No system tray on this desktop",
                "Ally shows reminders here, in its window, while it is open.",
            )

    def bring_forward(self) -> None:
        self.setWindowState(
            (self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        self.show()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Quit for real, tray or not."""
        from PySide6.QtWidgets import QApplication

        self._quitting = True
        self.close()
        QApplication.quit()

    def show_preferences(self) -> None:
        from ally_desktop.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(
            self._settings,
            tray=self._tray is not None,
            data_dir=Path(str(self._db.database)).parent,
            db=self._db,
            parent=self,
        )
        dialog.summaryScheduleChanged.connect(self.summaryScheduleChanged)
        dialog.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        keep = self._settings.flag("keep_in_tray", True)
        if self._tray is not None and keep and not self._quitting:
            event.ignore()
            self.hide()
            if not self._settings.flag("tray_explained", False):
                self._settings.set_flag("tray_explained", True)
                from ally_desktop.ui.tray import AllyTray

                if isinstance(self._tray, AllyTray):
                    self._tray.icon.showMessage(
                        f"{APP_NAME} keeps running",
                        "Ally stays in the tray to remind you. Quit from its menu; turn this"
                        " off in Preferences.",
                    )
            return
        super().closeEvent(event)
        if self._tray is not None and not self._quitting:
            # Kept in the tray no more (turned off in Preferences): closing quits.
            from PySide6.QtWidgets import QApplication

            QApplication.quit()

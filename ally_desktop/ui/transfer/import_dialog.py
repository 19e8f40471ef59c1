"""The import dialog: a file walked through in pages, read and stored off the GUI thread.

File (format, encoding, columns, preview) → Next reads the file and plans the import on
a worker thread → the rows that cannot be read, if any → the people already in Ally, if
any (or a last look when there is nothing to decide) → Import stores everything in one
transaction on a worker thread. Until that last step nothing is written, and a failure
or a cancel at any step stores nothing: the dialog stays open and says why, so the user
can change a setting and try again. The stored import is handed to the window as a
DoneImport, which makes it one undoable step.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.transfer.importing import (
    DuplicateAction,
    ImportPlan,
    apply_import,
    plan_import,
)
from ally_desktop.core.transfer.reading import (
    NoTableError,
    NothingToImportError,
    SourceFile,
    UnreadableFileError,
    read_source,
)
from ally_desktop.store.backups import make_backup
from ally_desktop.store.errors import StoreError, user_facing_errors
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.transfer.commands import DoneImport
from ally_desktop.ui.transfer.duplicates_page import DuplicatesPage
from ally_desktop.ui.transfer.file_page import FilePage
from ally_desktop.ui.transfer.heading import page_title
from ally_desktop.ui.transfer.jobs import (
    BackgroundJob,
    Cancelled,
    JobProgress,
    Progress,
    Work,
    user_message,
)
from ally_desktop.ui.transfer.problems_page import ProblemsPage

LISTED_PEOPLE = 200  # the ready page names the first ones; the count says the rest
FILE_PAGE, PROBLEMS_PAGE, DUPLICATES_PAGE, READY_PAGE = range(4)
# What core says in words when a file cannot be read; anything else is a bug.
_READ_ERRORS = (UnreadableFileError, NoTableError, NothingToImportError, StoreError)


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


class ReadyPage(QWidget):
    """The last look when there is nothing to decide: how many, from where."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = page_title()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.people = QListWidget()
        self.people.setObjectName("importPeople")
        self.people.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.people.setSpacing(2)
        self.undo_note = QLabel("The import is one step: Undo (Ctrl+Z) takes all of it back.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.undo_note)

    def show_plan(self, plan: ImportPlan, source: SourceFile) -> None:
        count = len(plan.contacts)
        self.title.setText(f"Ready to import {count:,} {_people(count)}")
        self.details.setText(
            f"From {plan.source_name} ({source.format.label}, {source.decoded.encoding})."
            " Nobody in the file is in Ally yet, so everyone is added:"
        )
        self.people.clear()
        for incoming in plan.contacts[:LISTED_PEOPLE]:
            data = incoming.data
            email = data.emails[0].value if data.emails else ""
            parts = (data.shown_name(), data.organization, email)
            self.people.addItem(" · ".join(p for p in parts if p))
        if count > LISTED_PEOPLE:
            self.people.addItem(f"… and {count - LISTED_PEOPLE:,} more")


class ImportDialog(QDialog):
    """Walks through importing one file; ``imported(DoneImport)`` once it is stored."""

    imported = Signal(object)  # DoneImport

    def __init__(
        self, db: pw.SqliteDatabase, source: SourceFile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.plan: ImportPlan | None = None
        self.job: BackgroundJob | None = None
        self.progress: JobProgress | None = None  # the current job's progress window
        self._route = [FILE_PAGE]
        self._close_when_done = False
        self.setWindowTitle(f"Import contacts from {source.path.name}")
        self.resize(880, 520)

        self.file_page = FilePage(source)
        self.file_page.changed.connect(self._update_buttons)
        self.problems_page = ProblemsPage()
        self.problems_page.choiceChanged.connect(self._update_buttons)
        self.duplicates_page = DuplicatesPage()
        self.duplicates_page.changed.connect(self._update_buttons)
        self.ready_page = ReadyPage()
        self.pages = QStackedWidget()
        for page in (self.file_page, self.problems_page, self.duplicates_page, self.ready_page):
            self.pages.addWidget(page)

        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.back_button = QPushButton("< &Back")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("&Next >")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- where we are -----------------------------------------------------------------
    def page(self) -> int:
        return self.pages.currentIndex()

    def busy(self) -> bool:
        return self.job is not None and self.job.running()

    def _on_last_page(self) -> bool:
        return self.plan is not None and self.page() == self._route[-1]

    def _imports_nothing(self) -> bool:
        return self.page() == PROBLEMS_PAGE and not self.problems_page.imports_readable()

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.show_error("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.busy()
        self.back_button.setEnabled(not busy and self.page() != FILE_PAGE)
        if self._imports_nothing():
            self.next_button.setText("&Close")
        elif self._on_last_page():
            self.next_button.setText("&Import")
        else:
            self.next_button.setText("&Next >")
        ready = self.file_page.ready() if self.page() == FILE_PAGE else True
        self.next_button.setEnabled(not busy and ready)
        self.pages.setEnabled(not busy)
        self.summary.setText(self._summary())

    def _summary(self) -> str:
        """What Import would do now, updated as choices change."""
        plan = self.plan
        if plan is None or self.page() == FILE_PAGE:
            return ""
        if self._imports_nothing():
            return "Nothing will be imported."
        choices = self.duplicates_page.choices()
        merging = sum(1 for a in choices.values() if a is DuplicateAction.MERGE)
        skipping = sum(1 for a in choices.values() if a is DuplicateAction.SKIP)
        adding = len(plan.contacts) - merging - skipping
        parts = [f"{adding:,} to add"]
        if merging:
            parts.append(f"{merging:,} to merge")
        if skipping:
            parts.append(f"{skipping:,} to skip")
        return ", ".join(parts)

    def show_error(self, text: str, *, alarm: bool = True) -> None:
        set_tone(self.error, Tone.ERROR if alarm else None)
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- moving through the pages -----------------------------------------------------
    def next(self) -> None:
        if self.busy() or not self.next_button.isEnabled():
            return
        if self.page() == FILE_PAGE:
            self.read()
        elif self._imports_nothing():
            self.reject()
        elif self._on_last_page():
            self.apply()
        else:
            self._go(self._route[self._route.index(self.page()) + 1])

    def back(self) -> None:
        if self.busy() or self.page() == FILE_PAGE:
            return
        previous = self._route[self._route.index(self.page()) - 1]
        if previous == FILE_PAGE:
            self.plan = None  # the file may be read differently: read it again on Next
            self._route = [FILE_PAGE]
        self._go(previous)

    # --- reading and planning --------------------------------------------------------
    def read(self) -> BackgroundJob | None:
        """Read the whole file and plan the import, off the GUI thread."""
        source = self.file_page.source
        if source is None or not self.file_page.ready():
            return None
        db = self._db

        def work(progress: Progress, cancelled: Cancelled) -> ImportPlan:
            read = read_source(source, progress, cancelled)
            with user_facing_errors():
                return plan_import(db, read)

        self.show_error("")
        return self._run(work, "Reading", "lines", self._planned, "Reading cancelled.")

    def _planned(self, plan: ImportPlan) -> None:
        source = self.file_page.source
        assert source is not None
        self.plan = plan
        self._route = [FILE_PAGE]
        if plan.problems:
            self.problems_page.show_problems(plan.problems, len(plan.contacts))
            self._route.append(PROBLEMS_PAGE)
        if plan.duplicates:
            self.duplicates_page.show_plan(plan)
            self._route.append(DUPLICATES_PAGE)
        else:
            self.duplicates_page.model = None
        if len(self._route) == 1:
            self.ready_page.show_plan(plan, source)
            self._route.append(READY_PAGE)
        self._go(self._route[1])

    # --- storing -----------------------------------------------------------------------
    def apply(self) -> BackgroundJob | None:
        """Store the plan with the choices made, in one transaction, off the GUI thread."""
        plan = self.plan
        if plan is None:
            return None
        choices = self.duplicates_page.choices()
        default = DuplicateAction.MERGE
        db = self._db

        def work(progress: Progress, cancelled: Cancelled) -> DoneImport:
            # Undo takes an import back, but only a backup restores what a merge overwrote.
            database = Path(str(db.database))
            make_backup(database, database.parent, "pre-import")
            with user_facing_errors():
                outcome = apply_import(
                    db, plan, choices, default, progress=progress, cancelled=cancelled
                )
            return DoneImport(plan, outcome, choices, default)

        self.show_error("")
        return self._run(
            work, "Importing", "", self._stored, "Import cancelled: nothing was stored."
        )

    def _stored(self, done: DoneImport) -> None:
        self.imported.emit(done)
        super().accept()

    # --- jobs --------------------------------------------------------------------------
    def _run(
        self,
        work: Work,
        verb: str,
        unit: str,
        on_success: Callable[[Any], None],
        cancelled_text: str,
    ) -> BackgroundJob:
        job = BackgroundJob(self._db, work)
        job.succeeded.connect(lambda result: self._ended(on_success, result))
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self._was_cancelled(cancelled_text))
        self.job = job
        self.progress = JobProgress(job, verb, self, unit)
        self._update_buttons()
        self.progress.start()
        self._update_buttons()
        return job

    def _ended(self, on_success: Callable[[Any], None], result: object) -> None:
        self._update_buttons()
        on_success(result)  # a stored import is recorded even if a close was asked meanwhile
        if self._close_when_done and self.isVisible():
            super().reject()

    def _failed(self, error: Exception) -> None:
        self._update_buttons()
        if self._close_when_done:
            super().reject()
        if isinstance(error, _READ_ERRORS):
            stored = " Nothing was imported." if self.plan is not None else ""
            self.show_error(f"{user_message(error)}{stored}")
            return
        sys.excepthook(type(error), error, error.__traceback__)  # a bug: the crash report

    def _was_cancelled(self, text: str) -> None:
        self._update_buttons()
        if self._close_when_done:
            super().reject()
            return
        self.show_error(text, alarm=False)

    def accept(self) -> None:
        """Enter means the forward button, never closing with nothing done."""
        self.next()

    def done(self, result: int) -> None:
        """Closed: let go of the file and the plan (100,000 contacts are megabytes); the
        undo stack keeps what a redo needs."""
        super().done(result)
        if not self.busy():
            self.plan = None
            self.file_page.source = None
            self.duplicates_page.release()

    def reject(self) -> None:
        if self.busy():
            assert self.job is not None
            self.job.cancel()  # closes once the job has stopped (nothing stored)
            self._close_when_done = True
            return
        super().reject()

"""The export dialog: who to export, in which format, to which file; then the export runs
off the GUI thread with progress and Cancel.

The people are chosen the way the user just looked at them: the selection when several
are selected, else the filtered list, else everyone. The file name follows the format
(``.csv`` or ``.vcf``), and the file appears only when complete (core writes a temporary
file and renames it), so a cancelled or failed export leaves the old file, or none.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import peewee as pw
from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop import APP_NAME
from ally_desktop.core.contact_queries import ContactQuery
from ally_desktop.core.formats.common import Format
from ally_desktop.core.transfer.atomic_files import WriteFailedError
from ally_desktop.core.transfer.exporting import ExportOptions, export_contacts
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.errors import StoreError, user_facing_errors
from ally_desktop.ui.transfer.jobs import (
    BackgroundJob,
    Cancelled,
    JobProgress,
    Progress,
    user_message,
)

DEFAULT_STEM = "allies"


@dataclass(frozen=True)
class ExportScope:
    """A set of people the dialog offers to export."""

    key: str  # "all", "list", "selection"
    label: str  # "All contacts"
    ids: Sequence[int]


@dataclass(frozen=True)
class FormatChoice:
    label: str
    format: Format
    vcard_version: str = "3.0"

    @property
    def suffix(self) -> str:
        return ".vcf" if self.format is Format.VCARD else ".csv"

    @property
    def is_csv(self) -> bool:
        return self.format is not Format.VCARD


FORMAT_CHOICES = (
    FormatChoice("Ally CSV — every field, re-importable", Format.NATIVE),
    FormatChoice("Google Contacts CSV", Format.GOOGLE),
    FormatChoice("Outlook CSV", Format.OUTLOOK),
    FormatChoice("vCard 3.0 — most address books", Format.VCARD, "3.0"),
    FormatChoice("vCard 4.0", Format.VCARD, "4.0"),
)
_KNOWN_SUFFIXES = {".csv", ".vcf", ".vcard", ""}


def is_filtered(query: ContactQuery) -> bool:
    """Whether a search or a filter narrows the list (showing archived people does not)."""
    return bool(
        query.text.strip()
        or query.tag
        or query.closeness is not None
        or query.organization
        or query.not_contacted_days is not None
    )


def export_scopes(
    every: Sequence[int],
    listed: Sequence[int] | None,
    selected: Sequence[int],
    *,
    prefer_selection: bool = False,
) -> tuple[list[ExportScope], str]:
    """The scopes to offer and the one chosen first.

    ``listed`` is the current list when a search or filter is active (else None). The
    selection is offered when there is one; it is the default when several people are
    selected (or ``prefer_selection``: "Export selected…"), else the filtered list, else all.
    """
    scopes = [ExportScope("all", "All contacts", every)]
    if listed is not None:
        scopes.append(ExportScope("list", "The current list", listed))
    if selected:
        scopes.append(ExportScope("selection", "Selected people", selected))
    if selected and (len(selected) > 1 or prefer_selection):
        return scopes, "selection"
    if listed is not None:
        return scopes, "list"
    return scopes, "all"


def _documents() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    return path if path.is_dir() else Path.home()


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


class ExportDialog(QDialog):
    """Choose and run an export; ``exported(count, path)`` when the file is written."""

    exported = Signal(int, object)  # how many people, the Path written

    def __init__(
        self,
        db: pw.SqliteDatabase,
        scopes: Sequence[ExportScope],
        default_scope: str,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._scopes = list(scopes)
        self._confirmed: Path | None = None  # the file dialog already asked to replace it
        self.job: BackgroundJob | None = None
        self.progress: JobProgress | None = None  # the running export's progress window
        self.setWindowTitle("Export contacts")
        self.setMinimumWidth(480)

        who = QGroupBox("Who")
        who_layout = QVBoxLayout(who)
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        for index, scope in enumerate(self._scopes):
            button = QRadioButton(f"{scope.label} ({len(scope.ids):,})")
            button.setObjectName(f"scope-{scope.key}")
            if scope.key == "all":
                button.setToolTip("Everyone in Ally, archived people included")
            self.scope_group.addButton(button, index)
            self.scope_buttons[scope.key] = button
            who_layout.addWidget(button)
        chosen = self.scope_buttons.get(default_scope) or self.scope_buttons["all"]
        chosen.setChecked(True)
        self.scope_group.idToggled.connect(self._update_state)

        how = QGroupBox("Format")
        how_layout = QVBoxLayout(how)
        self.format_combo = QComboBox()
        for choice in FORMAT_CHOICES:
            self.format_combo.addItem(choice.label, choice)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        how_layout.addWidget(self.format_combo)
        self.bom_check = QCheckBox("Add a byte-order mark (for Excel)")
        self.bom_check.setToolTip(
            "Excel on Windows needs it to show accents right; other programs do not."
        )
        self.neutralise_check = QCheckBox("Make formulas inert (recommended)")
        self.neutralise_check.setChecked(True)
        self.neutralise_check.setToolTip(
            "Cells starting with = + - or @ get a leading quote, so a spreadsheet shows them"
            " instead of running them as formulas."
        )
        how_layout.addWidget(self.bom_check)
        how_layout.addWidget(self.neutralise_check)

        where = QGroupBox("File")
        where_layout = QHBoxLayout(where)
        self.path_edit = QLineEdit(str((folder or _documents()) / f"{DEFAULT_STEM}.csv"))
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setMinimumWidth(300)
        self.path_edit.textChanged.connect(self._path_edited)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        where_layout.addWidget(self.path_edit, 1)
        where_layout.addWidget(self.browse_button)

        self.note = QLabel()
        self.note.setObjectName("exportNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(how)
        layout.addWidget(where)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._format_changed()

    # --- what is chosen -------------------------------------------------------------
    def scope(self) -> ExportScope:
        return self._scopes[max(0, self.scope_group.checkedId())]

    def choice(self) -> FormatChoice:
        choice = self.format_combo.currentData()
        assert isinstance(choice, FormatChoice)
        return choice

    def select_scope(self, key: str) -> None:
        self.scope_buttons[key].setChecked(True)

    def select_format(self, fmt: Format, vcard_version: str = "3.0") -> None:
        for index, choice in enumerate(FORMAT_CHOICES):
            version_fits = fmt is not Format.VCARD or choice.vcard_version == vcard_version
            if choice.format is fmt and version_fits:
                self.format_combo.setCurrentIndex(index)
                return
        raise ValueError(f"Ally does not export {fmt.label}.")

    def options(self) -> ExportOptions:
        choice = self.choice()
        return ExportOptions(
            format=choice.format,
            byte_order_mark=choice.is_csv and self.bom_check.isChecked(),
            neutralise=self.neutralise_check.isChecked(),
            vcard_version=choice.vcard_version,
        )

    def path(self) -> Path | None:
        """The file to write (the format's suffix added when it has none); None if blank."""
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_name(path.name + self.choice().suffix)
        return path

    def set_path(self, path: Path) -> None:
        self.path_edit.setText(str(path))

    # --- keeping the form consistent -------------------------------------------------
    def _format_changed(self) -> None:
        choice = self.choice()
        for check in (self.bom_check, self.neutralise_check):
            check.setEnabled(choice.is_csv)
            check.setToolTip(check.toolTip() if choice.is_csv else "For CSV files only")
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in _KNOWN_SUFFIXES and path.suffix.lower() != choice.suffix:
                self.path_edit.setText(str(path.with_suffix(choice.suffix)))
        self._update_state()

    def _path_edited(self) -> None:
        self._update_state()

    def _update_state(self) -> None:
        if self.job is not None and self.job.running():
            return
        count = len(self.scope().ids)
        self.export_button.setEnabled(count > 0 and self.path() is not None)
        if count == 0:
            self.show_note("There is no one to export here.")
        elif self.path() is None:
            self.show_note("Choose the file to write.")
        else:
            self.note.hide()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    def browse(self) -> None:
        choice = self.choice()
        pattern = "vCard files (*.vcf *.vcard)" if not choice.is_csv else "CSV files (*.csv)"
        current = self.path() or _documents() / f"{DEFAULT_STEM}{choice.suffix}"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export to", str(current), f"{pattern};;All files (*)"
        )
        if chosen:
            self.set_path(Path(chosen))
            self._confirmed = self.path()  # the file dialog asked before replacing it

    # --- running ------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.job is not None and self.job.running()

    def accept(self) -> None:
        """Start the export (the dialog closes when the file is written)."""
        path = self.path()
        ids = list(self.scope().ids)
        if path is None or not ids or (self.job is not None and self.job.running()):
            return
        if path.is_file() and path != self._confirmed:
            answer = QMessageBox.question(
                self,
                APP_NAME,
                f"{path.name} already exists in {path.parent}. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.start(ids, path, self.options())

    def start(self, ids: Sequence[int], path: Path, options: ExportOptions) -> BackgroundJob:
        """Run the export on a worker thread, with a progress window after a moment."""
        db = self._db

        def work(progress: Progress, cancelled: Cancelled) -> int:
            with user_facing_errors():
                return export_contacts(
                    sqlite_connection(db), ids, path, options, progress, cancelled
                )

        job = BackgroundJob(db, work)
        job.succeeded.connect(lambda count: self._done(int(count), path))
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self.job = job
        self._set_busy(True)
        self.progress = JobProgress(job, "Exporting", self)
        self.progress.start()
        return job

    def _set_busy(self, busy: bool) -> None:
        for widget in self.findChildren(QGroupBox):
            widget.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        if busy:
            self.show_note("Exporting…")
        else:
            self._update_state()

    def _done(self, count: int, path: Path) -> None:
        self._set_busy(False)
        self.exported.emit(count, path)
        super().accept()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, (WriteFailedError, StoreError)):
            self.show_note("Nothing was written.")
            QMessageBox.warning(self, APP_NAME, user_message(error))
            return
        sys.excepthook(type(error), error, error.__traceback__)  # a bug: the crash report

    def _cancelled(self) -> None:
        self._set_busy(False)
        self.show_note("Export cancelled: nothing was written.")

    def reject(self) -> None:
        if self.job is not None and self.job.running():
            self.job.cancel()  # closing waits for nothing: the job stops at its next batch
        super().reject()

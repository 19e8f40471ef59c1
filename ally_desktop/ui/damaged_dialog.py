"""A data file Ally cannot use: saying so in plain words, and the ways out.

At start-up, before the database is opened, :func:`resolve_damage` shows
:class:`DamagedDialog` for a damaged file, a file that is not Ally's, or an empty file
next to backups. The choices:

* **Restore the backup of <date> (<N> people)**, when a backup passes its check;
* **Recover what can be read** (a damaged file), with a progress dialog (Cancel stops it
  after its current step and brings the choices back) and a report;
* **Start with an empty data file** (a file that is not Ally's, or an empty one);
* **Quit**, which leaves everything as it is.

Restoring and recovering first move the file aside (``ally.sqlite3.damaged-…``, next
to it): it is never overwritten nor deleted. Then start-up goes on as usual.

:class:`BackgroundCheck` runs ``quick_check`` after the first paint for a file too big
to check at every start (see ``store.health``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from ally_desktop import APP_NAME
from ally_desktop.paths import DataPaths
from ally_desktop.store.backups import (
    BackupInfo,
    RestoreRefusedError,
    latest_good_backup,
    list_backups,
    restore_backup,
)
from ally_desktop.store.errors import RecoveryCancelledError, StoreError
from ally_desktop.store.health import (
    Health,
    HealthKind,
    diagnose,
    mark_for_check,
    move_aside,
    put_back,
)

if TYPE_CHECKING:
    from ally_desktop.store.recovery import RecoveryReport

log = logging.getLogger(__name__)


class Choice(StrEnum):
    RESTORE = "restore"
    RECOVER = "recover"
    START_EMPTY = "start_empty"
    QUIT = "quit"


_WIDTH = 540  # the text's width: wrapped labels need one to know their height
_DETAIL_LINES = 2


def short_detail(detail: str) -> str:
    """SQLite's first words about the damage; the rest would bury the choices."""
    lines = [line for line in detail.splitlines() if line.strip()]
    shown = "; ".join(lines[:_DETAIL_LINES])
    if len(shown) > 200:
        shown = shown[:199].rstrip() + "…"
    if len(lines) > _DETAIL_LINES:
        shown += f" (and {len(lines) - _DETAIL_LINES} more)"
    return shown


def backup_label(backup: BackupInfo) -> str:
    """ "Restore the backup of 24 November 2026, 03:00 (1,234 people)", in local time."""
    local = backup.taken_at.astimezone()
    when = f"{local.day} {local:%B %Y, %H:%M}"
    if backup.contacts is None:
        return f"Restore the backup of {when}"
    people = "1 person" if backup.contacts == 1 else f"{backup.contacts:,} people"
    return f"Restore the backup of {when} ({people})"


class DamagedDialog(QDialog):
    """What is wrong with the data file, and what Ally can do about it. ``choice`` holds
    the answer once the dialog is closed (closing it any other way is Quit)."""

    def __init__(
        self, health: Health, backup: BackupInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.choice = Choice.QUIT
        self.setWindowTitle(APP_NAME)
        self.setObjectName("damagedDialog")
        title = QLabel(health.headline)
        title.setObjectName("damagedTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self._text(health.reason, "damagedReason"))
        layout.addWidget(self._text(self._kept_text(health, backup), "damagedKept"))
        if health.detail:
            detail = self._text(f"Details: {short_detail(health.detail)}", "damagedDetail")
            detail.setToolTip(health.detail)
            detail.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(detail)
        layout.addSpacing(8)
        self.buttons: dict[Choice, QCommandLinkButton] = {}
        if backup is not None:
            self._add(
                layout,
                Choice.RESTORE,
                backup_label(backup),
                "Your data as it was then; changes made since are not in it.",
            )
        if health.kind is HealthKind.DAMAGED:
            self._add(
                layout,
                Choice.RECOVER,
                "Recover what can be read",
                "Copy every person, interaction and reminder that can still be read into a "
                "new data file. This can take a minute for a large file.",
            )
        else:
            self._add(
                layout,
                Choice.START_EMPTY,
                "Start with an empty data file",
                "Begin afresh; you can restore a backup later."
                if backup is not None
                else "Begin afresh with no people in Ally.",
            )
        self._add(layout, Choice.QUIT, "Quit", "Close Ally and leave everything as it is.")
        layout.addStretch(1)
        first = next(iter(self.buttons.values()))
        first.setDefault(True)
        first.setFocus()

    @staticmethod
    def _text(text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setFixedWidth(_WIDTH)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @staticmethod
    def _kept_text(health: Health, backup: BackupInfo | None) -> str:
        if health.kind is HealthKind.EMPTY:
            return (
                "Ally has backups, so your data may have been lost by accident (a sync tool, "
                "a crash while saving, a full disk)."
            )
        later = (
            "where someone could still try to repair it"
            if health.kind is HealthKind.DAMAGED
            else "where you can find it later"
        )
        text = (
            "Ally does not change or delete this file: whatever you choose, it is first "
            f"renamed “{health.path.name}.damaged-” followed by the date and time, and kept "
            f"in {health.path.parent}, {later}."
        )
        if backup is None and health.kind is HealthKind.DAMAGED:
            text += " There is no backup that could be restored."
        return text

    def _add(self, layout: QVBoxLayout, choice: Choice, text: str, description: str) -> None:
        button = QCommandLinkButton(text, description)
        button.setFixedWidth(_WIDTH)
        button.setObjectName(f"{choice.value}Button")
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._choose(choice))
        layout.addWidget(button)
        self.buttons[choice] = button

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()

    def ask(self) -> Choice:
        """Show the dialog modally; the choice made (Quit when it is closed)."""
        self.choice = Choice.QUIT
        self.exec()
        return self.choice


def good_backup(root: Path) -> BackupInfo | None:
    """The newest backup that passes its check, without checking any when there are none
    (``latest_good_backup`` runs ``quick_check`` on each until one passes)."""
    try:
        if not list_backups(root):
            return None
        return latest_good_backup(root)
    except (OSError, StoreError) as exc:
        log.warning("looking for a backup to restore: %s", exc)
        return None


def needs_dialog(health: Health, backup: BackupInfo | None) -> bool:
    """The dialog is for damaged and foreign files, and for an empty file beside a backup
    (a new user's first start has no file at all)."""
    if health.kind in (HealthKind.DAMAGED, HealthKind.NOT_ALLY):
        return True
    return health.kind is HealthKind.EMPTY and backup is not None


def resolve_damage(paths: DataPaths, health: Health, parent: QWidget | None = None) -> bool:
    """Offer the ways out of ``health`` and carry out the one chosen. True when start-up
    may go on (the data file is now fine, or a new one is to be made), False to quit.

    A restore or a recovery that fails is reported and the dialog comes back; the file
    that was moved aside stays aside, and recovery reads from it.
    """
    backup = good_backup(paths.root) if health.kind is not HealthKind.NEWER else None
    if not needs_dialog(health, backup):
        return True
    aside: Path | None = None
    while True:
        choice = DamagedDialog(health, backup, parent).ask()
        log.info("data file %s (%s): the user chose %s", health.path, health.kind, choice)
        if choice is Choice.QUIT:
            if aside is not None and not paths.database.exists():
                # Nothing came of the move: the next start must find the file again.
                try:
                    put_back(aside, paths.database)
                    log.info("put the data file back: %s", paths.database)
                except OSError as exc:
                    log.warning("the data file stays aside as %s: %s", aside, exc)
            return False
        try:
            # Only an empty file may stay where it is: a new database is made in it.
            keep_in_place = choice is Choice.START_EMPTY and health.kind is HealthKind.EMPTY
            if not keep_in_place and aside is None and paths.database.exists():
                aside = move_aside(paths.database)
                log.warning("moved the data file aside: %s", aside)
            if choice is Choice.RESTORE:
                assert backup is not None
                restore_backup(paths.root, backup.path)
                log.info("restored %s", backup.path)
                _tell(parent, f"{backup_label(backup).replace('Restore', 'Restored', 1)}.", aside)
            elif choice is Choice.RECOVER:
                assert aside is not None
                report = run_recovery(aside, paths.database, parent)
                for line in report.lines():
                    log.info("recovered: %s", line)
                _tell(parent, report.summary(), aside, [*report.notes, *report.lines()])
            return True
        except RecoveryCancelledError:
            log.info("the recovery was stopped: the choices again")
        except (StoreError, OSError) as exc:
            log.error("%s failed: %s", choice, exc)
            if isinstance(exc, RestoreRefusedError):
                backup = None
            QMessageBox.warning(
                parent,
                APP_NAME,
                f"That did not work: {exc}\n\nNothing more was changed; the damaged file "
                f"is kept as {aside.name if aside else health.path.name}.",
            )


def _tell(
    parent: QWidget | None, done: str, aside: Path | None, details: list[str] | None = None
) -> None:
    """What was done, where the damaged file is kept, and (under "Show Details…") the
    report per table."""
    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, done, parent=parent)
    box.setObjectName("recoveryDone")
    if aside is not None:
        box.setInformativeText(f"The damaged file is kept as {aside.name} in {aside.parent}.")
    if details:
        box.setDetailedText("\n".join(details))
    # A message box sizes itself to its first line: give the sentences room.
    grid = box.layout()
    if isinstance(grid, QGridLayout):
        room = QSpacerItem(480, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        grid.addItem(room, grid.rowCount(), 0, 1, grid.columnCount())
    box.exec()


class _Bridge(QObject):
    """Carries the worker thread's news to the dialog (queued: it lives in Qt's thread)."""

    progressed = Signal(str, int, int)
    finished = Signal()


STOPPING_TEXT = "Stopping after this step…"


def run_recovery(damaged: Path, target: Path, parent: QWidget | None = None) -> RecoveryReport:
    """``recover_into`` on a worker thread, with a progress dialog; raises what it raised.

    Cancel (or closing the dialog) stops it before its next step: the dialog stays,
    saying so, until the step ends, then RecoveryCancelledError is raised here (nothing
    written at ``target``).
    """
    # Loaded here: every start diagnoses the file, few ever recover one.
    from ally_desktop.store.recovery import RecoveryReport, recover_into

    bridge = _Bridge()
    progress = QProgressDialog("Copying the damaged file…", "", 0, 0, parent)
    progress.setObjectName("recoveryProgress")
    progress.setWindowTitle(f"{APP_NAME}: recovering")
    cancel_button = QPushButton("Cancel")
    cancel_button.setObjectName("recoveryCancel")
    progress.setCancelButton(cancel_button)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(0)
    progress.setMinimumWidth(420)
    outcome: dict[str, object] = {}
    stop = threading.Event()

    def show(step: str, done: int, total: int) -> None:
        if stop.is_set():
            return
        progress.setMaximum(total)
        progress.setValue(done)
        progress.setLabelText(f"{step}…")

    def stopping() -> None:
        # QProgressDialog hides itself when cancelled: it comes back to say why it waits.
        stop.set()
        cancel_button.setEnabled(False)
        progress.setLabelText(STOPPING_TEXT)
        progress.show()

    def work() -> None:
        try:
            outcome["report"] = recover_into(
                damaged, target, progress=bridge.progressed.emit, cancelled=stop.is_set
            )
        except BaseException as exc:  # carried back to Qt's thread and raised there
            outcome["error"] = exc
        finally:
            bridge.finished.emit()

    loop = QEventLoop()
    progress.canceled.connect(stopping)
    bridge.progressed.connect(show)
    bridge.finished.connect(loop.quit)
    worker = threading.Thread(target=work, name="ally-recover", daemon=True)
    progress.show()
    worker.start()
    loop.exec()
    worker.join()
    progress.close()
    progress.deleteLater()
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    report = outcome["report"]
    assert isinstance(report, RecoveryReport)
    return report


class BackgroundCheck(QObject):
    """``quick_check`` of a big data file on a worker thread, after the window is up; on
    damage, ``damaged`` is emitted (in Qt's thread) and the next start checks up front."""

    damaged = Signal(object)  # the Health found

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        threading.Thread(target=self._run, name="ally-quick-check", daemon=True).start()

    def _run(self) -> None:
        try:
            health = diagnose(self._path, quick_check=True)
        except (OSError, StoreError) as exc:
            log.warning("background check of %s: %s", self._path, exc)
            return
        log.info("background check of %s: %s", self._path, health.kind)
        if health.kind is HealthKind.DAMAGED:
            mark_for_check(self._path)
            self.damaged.emit(health)


def warn_damaged_while_open(
    parent: QWidget, health: Health, quit_now: Callable[[], None]
) -> QMessageBox:
    """The background check found damage: say so, and offer to quit (the next start
    offers the backup or the recovery). Not modal: the window stays usable."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        APP_NAME,
        f"{health.message}\n\nWhat you see may be incomplete, and saving more into the "
        "file may spread the damage. Quit Ally and start it again: it will offer to "
        "restore a backup or recover what can be read.",
        parent=parent,
    )
    box.setObjectName("damagedWhileOpen")
    if health.detail:
        box.setDetailedText(health.detail)
    quit_button = box.addButton("Quit Ally now", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    quit_button.clicked.connect(quit_now)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box

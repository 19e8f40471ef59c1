"""The damaged-file dialog: what it says, what it offers, and what each choice does."""

from __future__ import annotations

import hashlib
import itertools
import random
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog, QPushButton

from ally_desktop.core.demo import generate_demo
from ally_desktop.paths import DataPaths, ensure_data_dir
from ally_desktop.store import backups
from ally_desktop.store.backups import BackupError, BackupInfo, make_backup
from ally_desktop.store.db import close_database, open_database
from ally_desktop.store.health import (
    Health,
    HealthKind,
    check_mark,
    diagnose,
)
from ally_desktop.ui import damaged_dialog
from ally_desktop.ui.damaged_dialog import (
    BackgroundCheck,
    Choice,
    DamagedDialog,
    resolve_damage,
    warn_damaged_while_open,
)

PAGE = 4096
BACKUP = BackupInfo(
    Path("/data/backups/ally-2026-11-25T030000Z-daily.sqlite3"),
    datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
    "daily",
    1000,
    contacts=1234,
)


def damaged(path: Path = Path("/data/ally.sqlite3")) -> Health:
    return Health(
        path, HealthKind.DAMAGED, "Some of its pages cannot be read.", "Page 7: btree error"
    )


def texts(dialog: DamagedDialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


@pytest.fixture
def show(qtbot: Any) -> Callable[[Health, BackupInfo | None], DamagedDialog]:
    def make(health: Health, backup: BackupInfo | None) -> DamagedDialog:
        dialog = DamagedDialog(health, backup)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


# -- the dialog ----------------------------------------------------------------------------


def test_a_damaged_file_with_a_backup_offers_restore_recover_and_quit(
    show: Callable[..., DamagedDialog],
) -> None:
    dialog = show(damaged(), BACKUP)

    assert list(dialog.buttons) == [Choice.RESTORE, Choice.RECOVER, Choice.QUIT]
    local = BACKUP.taken_at.astimezone()
    restore = dialog.buttons[Choice.RESTORE].text()
    assert restore == f"Restore the backup of {local.day} {local:%B %Y, %H:%M} (1,234 people)"
    assert dialog.buttons[Choice.RECOVER].text() == "Recover what can be read"
    assert dialog.buttons[Choice.QUIT].text() == "Quit"
    said = texts(dialog)
    assert "Ally's data file is damaged" in said
    assert "Some of its pages cannot be read." in said
    assert "does not change or delete this file" in said
    assert "ally.sqlite3.damaged-" in said
    assert "Page 7: btree error" in said  # SQLite's words, small, for whoever repairs it
    assert dialog.buttons[Choice.RESTORE].isDefault()


@pytest.mark.parametrize("choice", [Choice.RESTORE, Choice.RECOVER, Choice.QUIT])
def test_each_button_is_a_choice(show: Callable[..., DamagedDialog], choice: Choice) -> None:
    dialog = show(damaged(), BACKUP)
    dialog.buttons[choice].click()
    assert dialog.choice is choice
    assert not dialog.isVisible()


def test_closing_the_dialog_is_quit(show: Callable[..., DamagedDialog]) -> None:
    dialog = show(damaged(), BACKUP)
    dialog.reject()
    assert dialog.choice is Choice.QUIT


def test_without_a_backup_there_is_no_restore_and_it_says_so(
    show: Callable[..., DamagedDialog],
) -> None:
    dialog = show(damaged(), None)
    assert list(dialog.buttons) == [Choice.RECOVER, Choice.QUIT]
    assert "There is no backup that could be restored." in texts(dialog)
    assert dialog.buttons[Choice.RECOVER].isDefault()


def test_a_file_that_is_not_allys_offers_a_fresh_start_not_a_recovery(
    show: Callable[..., DamagedDialog],
) -> None:
    health = Health(
        Path("/data/ally.sqlite3"),
        HealthKind.NOT_ALLY,
        "It is not a database at all: it looks like a PNG image.",
    )
    dialog = show(health, BACKUP)
    assert list(dialog.buttons) == [Choice.RESTORE, Choice.START_EMPTY, Choice.QUIT]
    said = texts(dialog)
    assert "The data file is not Ally's" in said
    assert "a PNG image" in said
    assert "where you can find it later" in said


def test_an_empty_file_next_to_backups_says_something_went_wrong(
    show: Callable[..., DamagedDialog],
) -> None:
    health = Health(Path("/data/ally.sqlite3"), HealthKind.EMPTY, "It has zero bytes.")
    dialog = show(health, BACKUP)
    assert list(dialog.buttons) == [Choice.RESTORE, Choice.START_EMPTY, Choice.QUIT]
    assert "lost by accident" in texts(dialog)


def test_the_dialog_is_not_cramped(show: Callable[..., DamagedDialog], qtbot: Any) -> None:
    """Every text fits: wrapped labels get the height their width needs, and nothing
    overlaps the buttons below them."""
    long = damaged()
    long = Health(long.path, long.kind, long.reason, "\n".join(f"Page {n}: bad" for n in range(20)))
    dialog = show(long, BACKUP)
    qtbot.waitExposed(dialog)
    widgets = [*dialog.findChildren(QLabel), *dialog.buttons.values()]
    widgets = [w for w in widgets if w.isVisible() and w.parent() is dialog]
    widgets.sort(key=lambda w: w.geometry().top())
    for upper, lower in itertools.pairwise(widgets):
        assert upper.geometry().bottom() < lower.geometry().top(), (upper, lower)
    for widget in widgets:
        needed = (
            widget.heightForWidth(widget.width())
            if widget.hasHeightForWidth()
            else widget.sizeHint().height()
        )
        assert widget.height() >= needed, widget
        assert dialog.rect().contains(widget.geometry())
    assert "(and 18 more)" in texts(dialog)


# -- what each choice does, on real files ----------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def people(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])


def garble(path: Path, pages: int = 3) -> None:
    rng = random.Random(4)
    total = path.stat().st_size // PAGE
    with path.open("r+b") as f:
        for page in rng.sample(range(2, total + 1), pages):
            f.seek((page - 1) * PAGE)
            f.write(rng.randbytes(PAGE))


@pytest.fixture
def data(tmp_path: Path) -> DataPaths:
    """A data directory whose backup has 40 people; 10 more came after it; then damage."""
    paths = ensure_data_dir(tmp_path / "data")
    database = open_database(paths.database)
    generate_demo(database, 40, seed=3)
    close_database(database)
    make_backup(paths.database, paths.root, "daily")
    database = open_database(paths.database)
    generate_demo(database, 10, seed=4)
    close_database(database)
    garble(paths.database)
    return paths


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[DamagedDialog]]:
    """``answer(choice, …)``: each dialog shown clicks the next choice's button, for real."""

    def install(*choices: Choice) -> list[DamagedDialog]:
        asked: list[DamagedDialog] = []
        queue = list(choices)

        def click(dialog: DamagedDialog) -> int:
            asked.append(dialog)
            dialog.buttons[queue.pop(0)].click()
            return int(dialog.result())

        monkeypatch.setattr(DamagedDialog, "exec", click)
        return asked

    return install


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the message boxes shown (answered at once)."""
    said: list[str] = []

    def record(box: QMessageBox) -> int:
        said.append(f"{box.text()} {box.informativeText()}")
        return int(QMessageBox.StandardButton.Ok)

    def warn(_parent: object, _title: str, text: str, *_args: object) -> Any:
        said.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", record)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warn))
    return said


def aside_files(paths: DataPaths) -> list[Path]:
    return sorted(paths.root.glob("ally.sqlite3.damaged-*[0-9]"))


def test_restore_moves_the_damaged_file_aside_then_restores(
    data: DataPaths, answer: Callable[..., list[DamagedDialog]], told: list[str]
) -> None:
    before = digest(data.database)
    health = diagnose(data.database)
    asked = answer(Choice.RESTORE)

    assert resolve_damage(data, health)

    assert len(asked) == 1
    assert "(40 people)" in asked[0].buttons[Choice.RESTORE].text()
    [aside] = aside_files(data)
    assert digest(aside) == before
    assert people(data.database) == 40
    assert diagnose(data.database).kind is HealthKind.OK
    assert told[0].startswith("Restored the backup of ")
    assert aside.name in told[0]


def test_recover_reads_what_it_can_into_a_new_file(
    data: DataPaths, answer: Callable[..., list[DamagedDialog]], told: list[str]
) -> None:
    before = digest(data.database)
    answer(Choice.RECOVER)

    assert resolve_damage(data, diagnose(data.database))

    [aside] = aside_files(data)
    assert digest(aside) == before
    assert diagnose(data.database, quick_check=True).kind is HealthKind.OK
    assert 40 <= people(data.database) <= 50
    assert told[0].startswith(f"Recovered {people(data.database)} people, ")
    assert aside.name in told[0]


def test_quit_leaves_everything_as_it_is(
    data: DataPaths, answer: Callable[..., list[DamagedDialog]]
) -> None:
    before = digest(data.database)
    answer(Choice.QUIT)

    assert not resolve_damage(data, diagnose(data.database))

    assert digest(data.database) == before
    assert aside_files(data) == []


def test_a_failed_restore_then_quit_puts_the_file_back(
    data: DataPaths,
    answer: Callable[..., list[DamagedDialog]],
    told: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = digest(data.database)

    def fail(_root: Path, _backup: Path) -> BackupInfo:
        raise BackupError("The backup could not be restored: the disk is full.")

    monkeypatch.setattr(damaged_dialog, "restore_backup", fail)
    asked = answer(Choice.RESTORE, Choice.QUIT)

    assert not resolve_damage(data, diagnose(data.database))

    assert len(asked) == 2  # the failure is told, and the choices come back
    assert "the disk is full" in told[0]
    assert digest(data.database) == before  # back where it was: the next start finds it
    assert aside_files(data) == []


class _CancelOnShow(QObject):
    """Clicks the recovery's Cancel as its progress dialog appears (before the work
    starts, so the test does not race it), and notes what the dialog then says."""

    def __init__(self) -> None:
        super().__init__()
        self.clicked = False
        self.said: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QProgressDialog)
            and watched.objectName() == "recoveryProgress"
            and not self.clicked
        ):
            self.clicked = True  # before the click: it shows the dialog again
            button = watched.findChild(QPushButton, "recoveryCancel")
            assert button is not None
            assert button.isEnabled()
            button.click()
            self.said.append(watched.labelText())
            assert not button.isEnabled(), "one Cancel is enough"
            assert watched.isVisible(), "the dialog stays until the step ends"
        return False


def test_a_cancelled_recovery_brings_the_choices_back_and_changes_nothing(
    qtbot: Any,
    data: DataPaths,
    answer: Callable[..., list[DamagedDialog]],
    told: list[str],
) -> None:
    before = digest(data.database)
    asked = answer(Choice.RECOVER, Choice.QUIT)
    canceller = _CancelOnShow()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(canceller)
    try:
        assert not resolve_damage(data, diagnose(data.database))
    finally:
        app.removeEventFilter(canceller)

    assert canceller.said == [damaged_dialog.STOPPING_TEXT]
    assert len(asked) == 2, "stopped: the choices again, no error"
    assert told == []
    assert digest(data.database) == before  # put back for the next start
    assert aside_files(data) == []
    assert sorted(p.name for p in data.root.iterdir() if p.name.startswith(".ally-")) == []


def test_a_file_that_is_not_allys_can_be_set_aside_for_a_fresh_start(
    tmp_path: Path, answer: Callable[..., list[DamagedDialog]]
) -> None:
    paths = ensure_data_dir(tmp_path / "data")
    paths.database.write_text("not a database\n")
    health = diagnose(paths.database)
    assert health.kind is HealthKind.NOT_ALLY
    answer(Choice.START_EMPTY)

    assert resolve_damage(paths, health)

    assert not paths.database.exists()  # open_database makes a new one
    [aside] = aside_files(paths)
    assert aside.read_text() == "not a database\n"


def test_an_empty_file_without_backups_is_simply_a_new_start(
    tmp_path: Path, answer: Callable[..., list[DamagedDialog]]
) -> None:
    paths = ensure_data_dir(tmp_path / "data")
    paths.database.touch()
    asked = answer()
    assert resolve_damage(paths, diagnose(paths.database))
    assert asked == []


def test_an_empty_file_next_to_a_backup_offers_it(
    data: DataPaths, answer: Callable[..., list[DamagedDialog]], told: list[str]
) -> None:
    data.database.write_bytes(b"")
    asked = answer(Choice.RESTORE)
    assert resolve_damage(data, diagnose(data.database))
    assert list(asked[0].buttons) == [Choice.RESTORE, Choice.START_EMPTY, Choice.QUIT]
    assert people(data.database) == 40
    assert [p.stat().st_size for p in aside_files(data)] == [0]


def test_a_backup_that_fails_its_check_is_not_offered(
    data: DataPaths, answer: Callable[..., list[DamagedDialog]]
) -> None:
    [backup] = backups.list_backups(data.root)
    garble(backup.path, pages=20)
    asked = answer(Choice.QUIT)
    resolve_damage(data, diagnose(data.database))
    assert list(asked[0].buttons) == [Choice.RECOVER, Choice.QUIT]


# -- the check after the first paint ---------------------------------------------------------


def test_the_background_check_reports_damage_and_marks_the_file(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    database = open_database(path)
    generate_demo(database, 40, seed=3)
    close_database(database)
    garble(path)
    check = BackgroundCheck(path)

    with qtbot.waitSignal(check.damaged, timeout=10_000) as signal:
        check.start()

    assert signal.args[0].kind is HealthKind.DAMAGED
    assert check_mark(path).exists()


def test_the_background_check_of_a_healthy_file_says_nothing(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    close_database(open_database(path))
    check = BackgroundCheck(path)
    with qtbot.assertNotEmitted(check.damaged, wait=500):
        check.start()
    assert not check_mark(path).exists()


def test_damage_found_while_open_offers_to_quit(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    quits: list[bool] = []
    box = warn_damaged_while_open(
        parent, damaged(tmp_path / "ally.sqlite3"), lambda: quits.append(True)
    )
    assert "Quit Ally and start it again" in box.text()
    assert box.isVisible()
    box.defaultButton().click()
    assert quits == [True]

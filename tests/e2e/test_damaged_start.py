"""The real program started on a damaged data file: the dialog, the choice, what follows.

The program runs as ``python -c DRIVER --data-dir DIR``: the driver makes the
QApplication (``app.run`` takes the one that exists), starts a timer that answers for
the user, then calls ``ally_desktop.cli.main`` exactly as the ``ally`` command does.
The timer clicks the button named by ``ALLY_E2E_CHOICE`` in the damaged-file dialog
(``restoreButton``, ``recoverButton``, ``quitButton``, by object name, with a real
click) and the default button of any message box, printing what each said;
``ALLY_E2E_BIG`` makes every file count as too big to check at start. Nothing in Ally
itself knows it is being driven.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ally_desktop.core.demo import generate_demo
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store import migrations
from ally_desktop.store.backups import backup_name
from ally_desktop.store.db import close_database, open_database
from tests.e2e.helpers import RunningAlly

DRIVER = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

choice = os.environ.get("ALLY_E2E_CHOICE", "quit")
if os.environ.get("ALLY_E2E_BIG"):  # every file counts as too big to check at start
    import ally_desktop.app
    import ally_desktop.store.health
    ally_desktop.store.health.QUICK_CHECK_AT_START_BYTES = 0
    ally_desktop.app.BACKGROUND_CHECK_DELAY_MS = 0
app = QApplication(sys.argv[:1])

def answer():
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            continue
        if widget.objectName() == "damagedDialog":
            button = widget.findChild(QAbstractButton, choice + "Button")
            print("dialog:", " | ".join(b.text() for b in widget.findChildren(QAbstractButton)),
                  flush=True)
            if button is not None:
                print("clicked:", button.text(), flush=True)
                button.click()
        elif isinstance(widget, QMessageBox):
            said = widget.text() + " " + widget.informativeText()
            print("message:", said.replace(chr(10), " "), flush=True)
            button = widget.defaultButton()
            if button is not None:
                print("clicked:", button.text(), flush=True)
                button.click()
            else:
                widget.accept()

timer = QTimer()
timer.timeout.connect(answer)
timer.start(100)
from ally_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""

PAGE = 4096
Drive = Callable[..., RunningAlly]


@pytest.fixture
def drive(env: dict[str, str], tmp_path: Path) -> Iterator[Drive]:
    """``drive(data_dir, choice)`` starts the driven program; all are stopped in teardown."""
    started: list[RunningAlly] = []

    def start(data_dir: Path, choice: str, *, big: bool = False) -> RunningAlly:
        extra = {"ALLY_E2E_BIG": "1"} if big else {}
        app = RunningAlly(
            [sys.executable, "-c", DRIVER, "--data-dir", str(data_dir)],
            data_dir,
            {**env, "ALLY_E2E_CHOICE": choice, **extra},
            tmp_path,
            tmp_path / f"driven-{len(started)}",
        )
        started.append(app)
        return app

    try:
        yield start
    finally:
        for app in reversed(started):
            app.stop()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def people(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])


def fill(path: Path, count: int, seed: int) -> None:
    database = open_database(path)
    try:
        generate_demo(database, count, seed=seed)
    finally:
        close_database(database)


@pytest.fixture
def damaged_dir(data_dir: Path) -> Path:
    """30 people in a backup made yesterday (copied under the backups module's naming),
    5 more since, then random bytes over a few pages of the data file."""
    paths = ensure_data_dir(data_dir)
    fill(paths.database, 30, seed=2)
    folder = paths.root / "backups"
    folder.mkdir(mode=0o700)
    taken = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
    shutil.copyfile(paths.database, folder / backup_name(taken, "daily"))
    fill(paths.database, 5, seed=3)
    rng = random.Random(6)
    total = paths.database.stat().st_size // PAGE
    with paths.database.open("r+b") as f:
        for page in rng.sample(range(2, total + 1), 4):
            f.seek((page - 1) * PAGE)
            f.write(rng.randbytes(PAGE))
    return data_dir


def aside_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("ally.sqlite3.damaged-*[0-9]"))


def close(app: RunningAlly) -> str:
    app.send(signal.SIGTERM)
    assert app.wait(10) == 0, app.describe()
    return app.log()


def test_restoring_the_backup_keeps_the_damaged_file_and_opens_the_restored_data(
    drive: Drive, damaged_dir: Path
) -> None:
    database = damaged_dir / "ally.sqlite3"
    damaged = digest(database)

    app = drive(damaged_dir, "restore")
    log = app.wait_for_window()

    out = app.stdout()
    local = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC).astimezone()
    assert f"clicked: Restore the backup of {local.day} {local:%B %Y, %H:%M} (30 people)" in out
    assert "Recover what can be read" in out  # offered too
    assert "message: Restored the backup of" in out
    assert "the user chose restore" in log
    [aside] = aside_files(damaged_dir)
    assert digest(aside) == damaged  # kept aside, byte for byte
    assert aside.name in out
    close(app)
    assert people(database) == 30  # the backup's people, as the window opened them
    assert "Traceback" not in app.stderr()


def test_recovering_what_can_be_read_keeps_the_damaged_file_and_opens_the_new_one(
    drive: Drive, damaged_dir: Path
) -> None:
    database = damaged_dir / "ally.sqlite3"
    damaged = digest(database)

    app = drive(damaged_dir, "recover")
    log = app.wait_for_window(timeout=60)

    out = app.stdout()
    assert "message: Recovered " in out
    assert "recovered: contact " in log  # the per-table report is logged
    [aside] = aside_files(damaged_dir)
    assert digest(aside) == damaged
    close(app)
    assert 25 <= people(database) <= 35
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_quit_leaves_the_damaged_file_where_it_was(drive: Drive, damaged_dir: Path) -> None:
    database = damaged_dir / "ally.sqlite3"
    damaged = digest(database)

    app = drive(damaged_dir, "quit")

    assert app.wait(30) == 1, app.describe()
    assert "clicked: Quit" in app.stdout()
    assert "stage window" not in app.log()
    assert digest(database) == damaged
    assert aside_files(damaged_dir) == []


def test_damage_in_a_big_file_is_found_after_the_first_paint_and_offered_next_start(
    drive: Drive, data_dir: Path
) -> None:
    """A file too big to check at every start opens on its header; quick_check runs in
    the background, finds the damage, says so (the driver clicks "Quit Ally now"), and
    the next start checks up front and offers the way out."""
    paths = ensure_data_dir(data_dir)
    fill(paths.database, 30, seed=2)
    with closing(sqlite3.connect(paths.database)) as conn:
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'interaction_by_exchange'"
        ).fetchone()[0]
    with paths.database.open("r+b") as f:  # an index the first screen does not read
        f.seek((root - 1) * PAGE)
        f.write(random.Random(2).randbytes(PAGE))

    first = drive(data_dir, "quit", big=True)
    log = first.wait_for_log("background check of", timeout=30)
    assert "quick_check after the first paint" in log
    assert first.wait(30) == 0, first.describe()
    out = first.stdout()
    assert "message: Ally's data file is damaged." in out
    assert "clicked: Quit Ally now" in out
    assert (data_dir / "ally.sqlite3.needs-check").exists()

    second = drive(data_dir, "recover", big=True)
    second.wait_for_window(timeout=60)
    assert "message: Recovered 30 people, " in second.stdout()
    close(second)
    assert not (data_dir / "ally.sqlite3.needs-check").exists()
    assert len(aside_files(data_dir)) == 1


def test_a_file_of_a_newer_ally_is_refused_untouched(drive: Drive, data_dir: Path) -> None:
    paths = ensure_data_dir(data_dir)
    fill(paths.database, 3, seed=1)
    newer = migrations.LATEST_VERSION + 1
    with closing(sqlite3.connect(paths.database)) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    before = digest(paths.database)

    app = drive(data_dir, "quit")

    assert app.wait(30) == 1, app.describe()
    out = app.stdout()
    assert "message: Ally cannot open its data file." in out
    assert f"schema {newer}" in out
    assert "Update Ally" in out
    assert "dialog:" not in out  # nothing to choose: never downgraded
    assert digest(paths.database) == before
    assert aside_files(data_dir) == []


# -- ally recover ----------------------------------------------------------------------------

Ally = Callable[..., subprocess.CompletedProcess[str]]


def test_ally_recover_moves_the_damaged_file_aside_and_recovers_in_its_place(
    ally: Ally, damaged_dir: Path
) -> None:
    database = damaged_dir / "ally.sqlite3"
    damaged = digest(database)

    result = ally("--data-dir", damaged_dir, "recover")

    assert result.returncode == 0, result.stderr
    [aside] = aside_files(damaged_dir)
    assert digest(aside) == damaged
    assert f"Moved the damaged file aside: {aside}" in result.stdout
    assert "Recovered " in result.stdout
    assert "contact " in result.stdout  # the per-table report: read, recovered, lost
    assert f"The damaged file is kept as {aside}." in result.stdout
    check = ally("--data-dir", damaged_dir, "check")
    assert check.returncode == 0, check.stderr


def test_ally_recover_into_a_path_leaves_the_damaged_file_in_place(
    ally: Ally, damaged_dir: Path, tmp_path: Path
) -> None:
    database = damaged_dir / "ally.sqlite3"
    damaged = digest(database)
    into = tmp_path / "rescued.sqlite3"

    result = ally("--data-dir", damaged_dir, "recover", "--into", into)

    assert result.returncode == 0, result.stderr
    assert digest(database) == damaged
    assert aside_files(damaged_dir) == []
    assert 25 <= people(into) <= 35
    again = ally("--data-dir", damaged_dir, "recover", "--into", into)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


def test_ally_recover_leaves_a_healthy_file_alone(ally: Ally, data_dir: Path) -> None:
    paths = ensure_data_dir(data_dir)
    fill(paths.database, 3, seed=1)
    before = digest(paths.database)
    result = ally("--data-dir", data_dir, "recover")
    assert result.returncode == 0, result.stderr
    assert "nothing to recover" in result.stdout
    assert digest(paths.database) == before


def test_ally_recover_refuses_a_newer_file_and_a_missing_one(ally: Ally, data_dir: Path) -> None:
    missing = ally("--data-dir", data_dir, "recover")
    assert missing.returncode == 1
    assert "There is no Ally data" in missing.stderr
    paths = ensure_data_dir(data_dir)
    fill(paths.database, 3, seed=1)
    with closing(sqlite3.connect(paths.database)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    before = digest(paths.database)
    newer = ally("--data-dir", data_dir, "recover")
    assert newer.returncode == 1
    assert "newer version of Ally" in newer.stderr
    assert "Nothing was changed." in newer.stderr
    assert digest(paths.database) == before
    assert aside_files(data_dir) == []

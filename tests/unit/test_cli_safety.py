"""`ally backup` and `ally restore`, and the backup `ally import` leaves, run in-process
on real data directories."""

from __future__ import annotations

import socket
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from ally_desktop import cli, cli_safety
from ally_desktop.paths import DATA_DIR_ENV, DataPaths, instance_name
from ally_desktop.store.backups import list_backups
from ally_desktop.store.integrity import check_database


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with a demo network of 30 people."""
    path = tmp_path / "data"
    assert cli.main(["--data-dir", str(path), "demo", "--contacts", "30"]) == cli.EXIT_OK
    return path


def _names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return sorted(name for (name,) in conn.execute("SELECT full_name FROM contact"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_goes_into_the_backups_folder(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "backup", "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    (backup,) = list_backups(data_dir)
    assert backup.kind == "manual"
    assert out == (
        f"Backed up 30 contacts to {backup.path} ({cli_safety.describe_size(backup.size)}); "
        "the copy passed the integrity check.\n"
    )
    assert check_database(backup.path).ok


def test_backup_to_a_path_writes_exactly_there_and_never_over_a_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "usb" / "ally before the move.sqlite3"
    dest.parent.mkdir()
    code, _, err = _run(capsys, "backup", dest, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    assert _names(dest) == _names(DataPaths(data_dir).database)
    assert list_backups(data_dir) == []

    before = dest.read_bytes()
    code, _, err = _run(capsys, "backup", dest, "--data-dir", data_dir)
    assert code == cli.EXIT_BAD_INPUT
    assert err == f"ally: {dest} already exists: choose another name. Nothing was written.\n"
    assert dest.read_bytes() == before

    code, out, _ = _run(capsys, "backup", dest.parent, "--data-dir", data_dir)
    assert code == cli.EXIT_OK
    (named,) = [p for p in dest.parent.iterdir() if p != dest]
    assert named.name.startswith("ally-")
    assert named.name.endswith("-manual.sqlite3")
    assert str(named) in out


def test_backup_without_data_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "backup", "--data-dir", tmp_path / "nothing")
    assert code == cli.EXIT_BAD_INPUT
    assert "There is no Ally data at" in err


def test_backup_list_shows_date_kind_size_people_and_name(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "backup", "--list", "--data-dir", data_dir)
    assert code == cli.EXIT_OK
    assert out.startswith("No backups yet in ")

    _run(capsys, "backup", "--data-dir", data_dir)
    broken = DataPaths(data_dir).backups / "ally-2020-01-01T000000Z-daily.sqlite3"
    broken.write_bytes(b"not a database at all" * 50)
    code, out, _ = _run(capsys, "backup", "--list", "--data-dir", data_dir)
    assert code == cli.EXIT_OK
    rows = [line.split("\t") for line in out.splitlines()]
    (newest, oldest) = rows
    assert newest[1:4] == ["manual", newest[2], "30 contacts"]
    assert newest[2].endswith(("kB", "MB"))
    assert newest[4].endswith("-manual.sqlite3")
    assert len(newest[0]) == len("2026-11-26 05:15")
    assert oldest[1:] == ["daily", "1.1 kB", "damaged", broken.name]


def test_backup_list_with_a_path_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["backup", "--list", "somewhere.sqlite3", "--data-dir", str(data_dir)])
    assert raised.value.code == cli.EXIT_USAGE


def test_restore_by_name_then_by_path(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = DataPaths(data_dir).database
    original = _names(database)
    _run(capsys, "backup", "--data-dir", data_dir)
    (backup,) = list_backups(data_dir)
    people = tmp_path / "people.csv"
    people.write_text("Name,E-mail\nZoe Quist,zoe@example.org\n", encoding="utf-8")
    code, _, err = _run(capsys, "import", people, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    with_zoe = _names(database)
    assert with_zoe == sorted([*original, "Zoe Quist"])

    code, out, err = _run(capsys, "restore", backup.name, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    assert _names(database) == original
    (kept,) = [b for b in list_backups(data_dir) if b.kind == "pre-restore"]
    assert out.splitlines() == [
        f"Restored {backup.name} (taken {backup.taken_at.astimezone():%Y-%m-%d %H:%M}, "
        f"30 contacts) into {database}.",
        f"The data it replaced is kept as {kept.path}.",
    ]
    assert _names(kept.path) == with_zoe

    code, _, err = _run(capsys, "restore", kept.path, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    assert _names(database) == with_zoe
    assert check_database(database).ok

    short = backup.name.removesuffix(".sqlite3")
    code, _, err = _run(capsys, "restore", short, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    assert _names(database) == original


def test_restore_of_an_unknown_backup_changes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = DataPaths(data_dir).database.read_bytes()
    code, _, err = _run(capsys, "restore", "ally-1999-nothing", "--data-dir", data_dir)
    assert code == cli.EXIT_BAD_INPUT
    assert err == (
        "ally: There is no backup “ally-1999-nothing”: give a file, or a name shown by "
        "'ally backup --list'.\n"
    )
    assert DataPaths(data_dir).database.read_bytes() == before


def test_restore_of_a_foreign_file_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "notes.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE note (body TEXT)")
    code, _, err = _run(capsys, "restore", foreign, "--data-dir", data_dir)
    assert code == cli.EXIT_BAD_INPUT
    assert "notes.sqlite3 cannot be restored: The file is not an Ally data file." in err
    assert list_backups(data_dir) == []


@pytest.fixture
def short_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short temporary folder as $TMPDIR (a Unix socket's path must stay short)."""
    folder = Path(tempfile.mkdtemp(prefix="ally-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def test_restore_refuses_while_the_window_listens(
    data_dir: Path, short_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "backup", "--data-dir", data_dir)
    (backup,) = list_backups(data_dir)
    assert not cli_safety.window_running(data_dir)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(short_tmp / instance_name(data_dir)))
        server.listen(1)
        assert cli_safety.window_running(data_dir)
        before = DataPaths(data_dir).database.read_bytes()
        code, _, err = _run(capsys, "restore", backup.name, "--data-dir", data_dir)
    assert code == cli.EXIT_BAD_INPUT
    assert f"Ally's window is open on {data_dir}" in err
    assert DataPaths(data_dir).database.read_bytes() == before
    assert not cli_safety.window_running(data_dir), "a socket left by a crash: not running"


def test_import_leaves_a_pre_import_backup_but_a_dry_run_does_not(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("Name,E-mail\nZoe Quist,zoe@example.org\n", encoding="utf-8")
    database = DataPaths(data_dir).database
    before = _names(database)

    code, _, err = _run(capsys, "import", people, "--data-dir", data_dir, "--dry-run")
    assert code == cli.EXIT_OK, err
    assert list_backups(data_dir) == []

    code, out, err = _run(capsys, "import", people, "--data-dir", data_dir)
    assert code == cli.EXIT_OK, err
    (backup,) = list_backups(data_dir)
    assert backup.kind == "pre-import"
    assert f"Backed up the data first: {backup.path}\n" in out
    assert _names(backup.path) == before
    assert "Zoe Quist" in _names(database)


def test_size_is_said_in_decimal_units() -> None:
    assert cli_safety.describe_size(0) == "0 bytes"
    assert cli_safety.describe_size(999) == "999 bytes"
    assert cli_safety.describe_size(1_234) == "1.2 kB"
    assert cli_safety.describe_size(45_600_000) == "45.6 MB"
    assert cli_safety.describe_size(7_000_000_000_000) == "7000.0 GB"

"""The ``ally`` command line, run as a real process: exit codes, messages, files."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from ally_desktop import __version__
from tests.e2e.helpers import one_line

Ally = Callable[..., CompletedProcess[str]]
OK_LINE = re.compile(r": ok \(schema version \d+ of \d+, (?P<count>[\d,]+) contacts\)$")


def contacts_in(ally: Ally, data_dir: Path) -> int:
    """The contact count ``ally check`` reports; fails the test if the check fails."""
    result = ally("--data-dir", data_dir, "check")
    assert result.returncode == 0, result.stderr
    match = OK_LINE.search(result.stdout.strip())
    assert match, result.stdout
    return int(match["count"].replace(",", ""))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def damage(path: Path) -> None:
    """Overwrites 8 KiB in the middle of the file, as a failing disk might."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xff" * 8192)


@pytest.fixture
def demo_dir(ally: Ally, data_dir: Path) -> Path:
    """A data directory holding the 200-person demo network."""
    result = ally("--data-dir", data_dir, "demo")
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def damaged_dir(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of a real data file, damaged in the middle, in a data directory of its own."""
    damaged = tmp_path / "damaged"
    damaged.mkdir(mode=0o700)
    shutil.copy2(demo_dir / "ally.sqlite3", damaged / "ally.sqlite3")
    damage(damaged / "ally.sqlite3")
    return damaged


def test_version_prints_name_and_version(ally: Ally) -> None:
    result = ally("--version")
    assert result.returncode == 0
    assert result.stdout == f"Ally {__version__}\n"
    assert result.stderr == ""


def test_demo_then_check_reports_ok_and_the_contact_count(ally: Ally, data_dir: Path) -> None:
    demo = ally("--data-dir", data_dir, "demo", "--contacts", "25")
    assert demo.returncode == 0, demo.stderr
    assert "Added 25 demo people" in demo.stdout
    assert demo.stderr == ""

    check = ally("--data-dir", data_dir, "check")
    assert check.returncode == 0, check.stderr
    assert str(data_dir / "ally.sqlite3") in check.stdout
    assert OK_LINE.search(check.stdout.strip())
    assert contacts_in(ally, data_dir) == 25


def test_data_dir_is_accepted_after_the_command(ally: Ally, data_dir: Path) -> None:
    result = ally("demo", "--contacts", "3", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert contacts_in(ally, data_dir) == 3


def test_second_demo_is_refused_and_changes_nothing(ally: Ally, demo_dir: Path) -> None:
    database = demo_dir / "ally.sqlite3"
    before = digest(database)
    count = contacts_in(ally, demo_dir)

    result = ally("--data-dir", demo_dir, "demo")

    assert result.returncode == 1
    assert result.stdout == ""
    assert one_line(result.stderr), result.stderr
    assert result.stderr.startswith("ally: ")
    assert "already has 200 contacts" in result.stderr
    assert "Traceback" not in result.stderr
    assert contacts_in(ally, demo_dir) == count
    assert digest(database) == before


def test_demo_force_adds_beside_existing_people(ally: Ally, data_dir: Path) -> None:
    assert ally("--data-dir", data_dir, "demo", "--contacts", "10").returncode == 0
    result = ally("--data-dir", data_dir, "demo", "--contacts", "10", "--force")
    assert result.returncode == 0, result.stderr
    assert contacts_in(ally, data_dir) == 20


def test_demo_rejects_an_impossible_count_before_creating_anything(
    ally: Ally, data_dir: Path
) -> None:
    result = ally("--data-dir", data_dir, "demo", "--contacts", "0")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "--contacts" in result.stderr
    assert not data_dir.exists()


def test_check_on_damaged_file_exits_1_without_traceback(ally: Ally, damaged_dir: Path) -> None:
    database = damaged_dir / "ally.sqlite3"
    before = digest(database)

    result = ally("--data-dir", damaged_dir, "check")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"ally: {database}: ")
    assert "damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(database) == before


def test_check_on_damaged_file_says_so_in_one_line(ally: Ally, damaged_dir: Path) -> None:
    result = ally("--data-dir", damaged_dir, "check")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr


def test_check_does_not_change_the_data_file(ally: Ally, demo_dir: Path) -> None:
    database = demo_dir / "ally.sqlite3"
    before = digest(database), database.stat().st_mtime_ns
    assert ally("--data-dir", demo_dir, "check").returncode == 0
    assert (digest(database), database.stat().st_mtime_ns) == before


def test_check_leaves_the_data_dir_as_it_found_it(ally: Ally, demo_dir: Path) -> None:
    before = sorted(path.name for path in demo_dir.iterdir())
    assert ally("--data-dir", demo_dir, "check").returncode == 0
    assert sorted(path.name for path in demo_dir.iterdir()) == before


def test_check_on_a_file_that_is_not_a_database(ally: Ally, tmp_path: Path) -> None:
    folder = tmp_path / "text"
    folder.mkdir()
    (folder / "ally.sqlite3").write_text("Not a database, only some words. " * 100)
    result = ally("--data-dir", folder, "check")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "not a database" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_on_missing_data_file_exits_1_and_creates_nothing(ally: Ally, data_dir: Path) -> None:
    result = ally("--data-dir", data_dir, "check")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "no data file" in result.stderr
    assert not data_dir.exists()

    data_dir.mkdir()
    result = ally("--data-dir", data_dir, "check")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "no data file" in result.stderr
    assert list(data_dir.iterdir()) == []


def test_demo_force_on_damaged_file_exits_1_and_changes_nothing(
    ally: Ally, damaged_dir: Path
) -> None:
    database = damaged_dir / "ally.sqlite3"
    before = digest(database)
    result = ally("--data-dir", damaged_dir, "demo", "--force")
    assert result.returncode == 1
    assert result.stdout == ""
    assert digest(database) == before


def test_demo_force_on_damaged_file_says_so_in_one_line(ally: Ally, damaged_dir: Path) -> None:
    result = ally("--data-dir", damaged_dir, "demo", "--force")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert one_line(result.stderr), result.stderr
    assert result.stderr.startswith("ally: ")


@pytest.mark.parametrize("argv", [["frobnicate"], ["--no-such-option"], ["demo", "--seed", "x"]])
def test_wrong_command_line_exits_2(ally: Ally, data_dir: Path, argv: list[str]) -> None:
    result = ally("--data-dir", data_dir, *argv)
    assert result.returncode == 2
    assert "usage: ally" in result.stderr
    assert result.stdout == ""
    assert not data_dir.exists()


def test_ally_data_dir_environment_variable_is_honoured(
    ally: Ally, data_dir: Path, tmp_path: Path
) -> None:
    from_env = {"ALLY_DATA_DIR": str(data_dir)}
    demo = ally("demo", "--contacts", "7", env_overrides=from_env)
    assert demo.returncode == 0, demo.stderr
    assert (data_dir / "ally.sqlite3").is_file()

    check = ally("check", env_overrides=from_env)
    assert check.returncode == 0, check.stderr
    assert str(data_dir / "ally.sqlite3") in check.stdout
    assert "7 contacts" in check.stdout

    # --data-dir wins over the environment.
    other = tmp_path / "other"
    flag = ally("--data-dir", other, "check", env_overrides=from_env)
    assert flag.returncode == 1
    assert str(other / "ally.sqlite3") in flag.stderr


def test_data_dir_is_private_whatever_the_umask(ally: Ally, data_dir: Path) -> None:
    result = ally("--data-dir", data_dir, "demo", "--contacts", "5", umask=0)
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "ally.sqlite3") == 0o600
    assert mode(data_dir / "logs") == 0o700


def test_existing_data_dir_keeps_its_permissions(ally: Ally, data_dir: Path) -> None:
    data_dir.mkdir()
    os.chmod(data_dir, 0o750)
    result = ally("--data-dir", data_dir, "demo", "--contacts", "5")
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o750
    assert mode(data_dir / "ally.sqlite3") == 0o600


@pytest.mark.parametrize("argv", [["check"], ["demo", "--contacts", "2", "--force"]])
def test_headless_commands_never_import_qt(
    ally: Ally, env: dict[str, str], data_dir: Path, argv: list[str]
) -> None:
    """They run where there is no display at all."""
    assert ally("--data-dir", data_dir, "demo", "--contacts", "2").returncode == 0
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    no_display = {"QT_QPA_PLATFORM": "no-such-platform", "PYTHONPROFILEIMPORTTIME": "1"}

    result = ally("--data-dir", data_dir, *argv, env_overrides=no_display)

    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "ally_desktop.cli" in imported
    assert not {name for name in imported if name.split(".")[0] in {"PySide6", "shiboken6"}}

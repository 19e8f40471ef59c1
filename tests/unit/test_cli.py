"""The `ally` command line, run in-process and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ally_desktop import __version__, cli
from ally_desktop.paths import DATA_DIR_ENV, DATABASE_NAME
from ally_desktop.store.integrity import check_database
from ally_desktop.store.migrations import LATEST_VERSION


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _contacts(data_dir: Path) -> int:
    report = check_database(data_dir / DATABASE_NAME)
    assert report.ok, report.problems
    return report.contacts


def _one_line(text: str) -> str:
    assert text.endswith("\n")
    assert text.count("\n") == 1
    return text.strip()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.strip() == f"Ally {__version__}"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert "demo" in out
    assert "check" in out


def test_demo_then_check(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "50"]) == cli.EXIT_OK
    out = capsys.readouterr()
    assert out.err == ""
    assert _one_line(out.out).startswith(f"Added 50 demo people to {data_dir / DATABASE_NAME}")

    assert cli.main(["--data-dir", str(data_dir), "check"]) == cli.EXIT_OK
    out = capsys.readouterr()
    assert out.err == ""
    assert _one_line(out.out) == (
        f"{data_dir / DATABASE_NAME}: ok (schema version {LATEST_VERSION} of {LATEST_VERSION},"
        " 50 contacts)"
    )
    assert _contacts(data_dir) == 50
    assert (data_dir / "logs").is_dir()


def test_data_dir_after_the_command(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--data-dir", str(data_dir), "--contacts", "5"]) == 0
    assert cli.main(["check", "--data-dir", str(data_dir), "--quick"]) == 0
    assert "5 contacts" in capsys.readouterr().out


def test_data_dir_from_the_environment(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    assert cli.main(["demo", "--contacts", "3"]) == 0
    assert _contacts(data_dir) == 3
    other = data_dir.parent / "other"
    assert cli.main(["--data-dir", str(other), "demo", "--contacts", "2"]) == 0
    assert _contacts(other) == 2
    assert _contacts(data_dir) == 3


def test_second_demo_is_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = data_dir / DATABASE_NAME
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "50"]) == 0
    capsys.readouterr()
    before = database.read_bytes()

    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "20"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    message = _one_line(out.err)
    assert message.startswith("ally: ")
    assert "already has 50 contacts" in message
    assert "--force" in message
    assert _contacts(data_dir) == 50
    assert database.read_bytes() == before


def test_demo_counts_contacts_in_the_trash(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ally_desktop.core.contacts import trash_contacts
    from ally_desktop.store.db import close_database, open_database

    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "4"]) == 0
    db = open_database(data_dir / DATABASE_NAME)
    trash_contacts(db, [1, 2, 3, 4])
    close_database(db)
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "4"]) == 1
    assert "already has 4 contacts" in capsys.readouterr().err


def test_demo_force_adds(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "50"]) == 0
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "30", "--force"]) == 0
    assert "Added 30 demo people" in capsys.readouterr().out
    assert _contacts(data_dir) == 80


@pytest.mark.parametrize("count", ["0", "-5", "1000001"])
def test_contacts_out_of_range(
    data_dir: Path, capsys: pytest.CaptureFixture[str], count: str
) -> None:
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", count]) == 1
    message = _one_line(capsys.readouterr().err)
    assert message == "ally: --contacts must be between 1 and 1,000,000."
    assert not data_dir.exists()


def test_check_garbage_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir()
    database = data_dir / DATABASE_NAME
    database.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    before = database.read_bytes()
    assert cli.main(["--data-dir", str(data_dir), "check"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    message = _one_line(out.err)
    assert message.startswith(f"ally: {database}: ")
    assert "damaged or not a database" in message
    assert database.read_bytes() == before


def test_demo_into_a_garbage_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir()
    database = data_dir / DATABASE_NAME
    database.write_text("not a database\n" * 500, encoding="utf-8")
    before = database.read_bytes()
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "5"]) == 1
    message = _one_line(capsys.readouterr().err)
    assert message.startswith("ally: ")
    assert "damaged" in message
    assert database.read_bytes() == before


def test_check_without_a_database(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "check"]) == 1
    message = _one_line(capsys.readouterr().err)
    assert "There is no data file" in message
    assert not data_dir.exists()


def test_data_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    assert cli.main(["--data-dir", str(not_a_dir), "demo", "--contacts", "3"]) == 1
    assert _one_line(capsys.readouterr().err).startswith("ally: ")
    assert not_a_dir.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(
    "argv", [["frobnicate"], ["demo", "--contacts", "many"], ["check", "--bogus"], ["--nope"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(argv)
    assert raised.value.code == cli.EXIT_USAGE
    assert "usage: ally" in capsys.readouterr().err


def test_interrupted_demo_changes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ally_desktop.core import demo

    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "10"]) == 0
    capsys.readouterr()

    def interrupt(*args: object) -> list[tuple[int, int, str, str]]:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_connections", interrupt)
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "10", "--force"]) == 130
    assert _one_line(capsys.readouterr().err) == "ally: interrupted, nothing changed."
    assert _contacts(data_dir) == 10


_PROBE = """
import json, sys
import ally_desktop.cli
codes = [ally_desktop.cli.main(argv) for argv in json.loads(sys.argv[1])]
print(json.dumps({"codes": codes,
                  "qt": sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken")))}))
"""


def _probe(*commands: list[str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != DATA_DIR_ENV}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(commands))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_does_not_import_qt(data_dir: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ally_desktop.cli, sys; "
            f"ally_desktop.cli.main(['--data-dir', {str(data_dir)!r}, 'check']); "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "There is no data file" in result.stderr


def test_headless_commands_do_not_import_qt(data_dir: Path) -> None:
    d = str(data_dir)
    result = _probe(
        ["--data-dir", d, "demo", "--contacts", "20"],
        ["--data-dir", d, "check"],
        ["--data-dir", d, "check", "--quick"],
    )
    assert result == {"codes": [0, 0, 0], "qt": []}


def test_python_dash_m(data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ally_desktop", "--data-dir", str(data_dir), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ally: ")
    assert result.stderr.count("\n") == 1


def test_other_programs_database_is_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3
    from contextlib import closing

    data_dir.mkdir()
    database = data_dir / DATABASE_NAME
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
        conn.commit()
    assert cli.main(["--data-dir", str(data_dir), "demo", "--contacts", "3"]) == 1
    assert "another program" in _one_line(capsys.readouterr().err)
    assert cli.main(["--data-dir", str(data_dir), "check"]) == 1
    assert _one_line(capsys.readouterr().err).startswith(f"ally: {database}: ")
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master")]
    assert tables == ["recipes"]

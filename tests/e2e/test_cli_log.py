"""``ally log``, run as a real process on a real data file: what it stores and says."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from ally_desktop.core.contacts import create_contact, trash_contacts
from ally_desktop.core.records import ContactData
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import close_database, open_database
from tests.e2e.helpers import CLI_TIMEOUT, one_line

Ally = Callable[..., CompletedProcess[str]]


def _query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{data_dir / 'ally.sqlite3'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _interactions(data_dir: Path) -> list[tuple[Any, ...]]:
    return _query(
        data_dir,
        "SELECT kind, title, occurred_at, local_date, all_day, exchange, exchange_note"
        " FROM interaction ORDER BY id",
    )


def _participants(data_dir: Path) -> list[str]:
    return [
        name
        for (name,) in _query(
            data_dir,
            "SELECT c.full_name FROM interaction_participant p JOIN contact c"
            " ON c.id = p.contact_id ORDER BY c.sort_name",
        )
    ]


@pytest.fixture
def people_dir(data_dir: Path) -> Path:
    """A data directory with a few people, two of them with the same name."""
    database = open_database(ensure_data_dir(data_dir).database)
    try:
        for given, family, organization in (
            ("Ana", "Lopez", ""),
            ("Bo", "Chen", "Acme"),
            ("Björn", "Iyer", "Stark Industries"),
            ("Björn", "Iyer", "Wayne Enterprises"),
            ("Gone", "Away", ""),
        ):
            create_contact(
                database,
                ContactData(given_name=given, family_name=family, organization=organization),
            )
        trash_contacts(database, [5])
    finally:
        close_database(database)
    return data_dir


def test_log_stores_the_interaction(ally: Ally, people_dir: Path) -> None:
    result = ally(
        "--data-dir",
        people_dir,
        "log",
        "--with",
        "ana lopez",
        "--with",
        "Bo",
        "--kind",
        "coffee",
        "--title",
        "Budget talk",
        "--date",
        "2024-03-09",
        "--gave",
        "An intro",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Logged coffee or meal with Ana Lopez, Bo Chen on 9 March 2024.\n"
    assert result.stderr == ""
    [(kind, title, _, local_date, all_day, exchange, note)] = _interactions(people_dir)
    assert (kind, title, local_date, all_day) == ("coffee", "Budget talk", "2024-03-09", 1)
    assert (exchange, note) == ("given", "An intro")
    assert _participants(people_dir) == ["Ana Lopez", "Bo Chen"]
    assert _query(people_dir, "SELECT count(*) FROM interaction_fts WHERE title MATCH 'budget'")
    last = _query(people_dir, "SELECT last_interaction_at FROM contact WHERE full_name = 'Bo Chen'")
    assert last[0][0] is not None


def test_log_with_a_local_time_keeps_the_day(ally: Ally, people_dir: Path) -> None:
    result = ally(
        "--data-dir",
        people_dir,
        "log",
        "--with",
        "Björn Iyer (Wayne Enterprises)",
        "--kind",
        "call",
        "--date",
        "2024-03-09T23:30",
        "--received",
        "Advice",
        env_overrides={"TZ": "Europe/Paris"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Logged call with Björn Iyer on 9 March 2024 23:30.\n"
    [(kind, _, occurred_at, local_date, all_day, exchange, note)] = _interactions(people_dir)
    assert (kind, occurred_at, local_date, all_day) == (
        "call",
        "2024-03-09T22:30:00Z",
        "2024-03-09",
        0,
    )
    assert (exchange, note) == ("received", "Advice")
    assert _query(people_dir, "SELECT time_zone FROM interaction") == [("Europe/Paris",)], (
        "the zone is kept by name, so the clock time reads the same after travelling"
    )
    organizations = _query(
        people_dir,
        "SELECT c.organization FROM interaction_participant p JOIN contact c"
        " ON c.id = p.contact_id",
    )
    assert organizations == [("Wayne Enterprises",)]


def test_ambiguous_name_lists_the_candidates_and_stores_nothing(
    ally: Ally, people_dir: Path
) -> None:
    result = ally("--data-dir", people_dir, "log", "--with", "Ana", "--with", "bjorn iyer")
    assert result.returncode == 1
    assert result.stdout == ""
    assert one_line(result.stderr), result.stderr
    assert "Björn Iyer (Stark Industries)" in result.stderr
    assert "Björn Iyer (Wayne Enterprises)" in result.stderr
    assert "Nothing was logged" in result.stderr
    assert "Traceback" not in result.stderr
    assert _interactions(people_dir) == []


@pytest.mark.parametrize("name", ["Nobody Here", "Gone Away"], ids=["unknown", "in the trash"])
def test_unknown_name_exits_1_and_stores_nothing(ally: Ally, people_dir: Path, name: str) -> None:
    result = ally("--data-dir", people_dir, "log", "--with", "Ana", "--with", name)
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "Nobody is called" in result.stderr
    assert result.stdout == ""
    assert _interactions(people_dir) == []


@pytest.mark.parametrize("when", ["tomorrow", "2024-02-30", "2024-03-09T25:00"])
def test_bad_date_exits_1_and_stores_nothing(ally: Ally, people_dir: Path, when: str) -> None:
    result = ally("--data-dir", people_dir, "log", "--with", "Ana", "--date", when)
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert "--date" in result.stderr
    assert "YYYY-MM-DD" in result.stderr
    assert _interactions(people_dir) == []


def test_gave_and_received_together_is_a_usage_error(ally: Ally, people_dir: Path) -> None:
    result = ally(
        "--data-dir", people_dir, "log", "--with", "Ana", "--gave", "x", "--received", "y"
    )
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
    assert _interactions(people_dir) == []


def test_without_data_exits_1_and_creates_nothing(ally: Ally, data_dir: Path) -> None:
    result = ally("--data-dir", data_dir, "log", "--with", "Ana")
    assert result.returncode == 1
    assert one_line(result.stderr), result.stderr
    assert not data_dir.exists()


_PROBE = """
import sys
import ally_desktop.cli
code = ally_desktop.cli.main(sys.argv[1:])
print(code, sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")))
"""


def test_log_imports_no_qt(env: dict[str, str], people_dir: Path, tmp_path: Path) -> None:
    argv = ["--data-dir", str(people_dir), "log", "--with", "Ana", "--title", "Quick"]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        env={**env, "QT_QPA_PLATFORM": "no-such-platform"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 []"
    assert [title for (_, title, *_) in _interactions(people_dir)] == ["Quick"]

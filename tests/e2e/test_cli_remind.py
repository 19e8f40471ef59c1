"""``ally remind`` and ``ally due``, run as real processes on a real data file."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData, ImportantDate
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import close_database, open_database

Ally = Callable[..., CompletedProcess[str]]
TODAY = date.today()


def _reminders(data_dir: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{data_dir / 'ally.sqlite3'}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT kind, contact_id, title, note, starts_on, at_time, rule, occurs_on, due_at"
            " FROM reminder WHERE kind IN ('once', 'recurring') ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def people_dir(data_dir: Path) -> Path:
    database = open_database(ensure_data_dir(data_dir).database)
    try:
        create_contact(database, ContactData(given_name="Ana", family_name="Ruiz"))
        create_contact(
            database,
            ContactData(
                given_name="Bo",
                family_name="Chen",
                cadence_days=30,
                dates=[ImportantDate("birthday", TODAY.month, TODAY.day)],
            ),
        )
        create_contact(database, ContactData(given_name="Bo", family_name="Lee"))
    finally:
        close_database(database)
    return data_dir


def test_remind_about_a_person_at_a_time(ally: Ally, people_dir: Path) -> None:
    day = TODAY + timedelta(days=3)
    result = ally(
        "--data-dir", people_dir, "remind", "ana ruiz", "--on", day.isoformat(), "--at", "09:30",
        "--note", "Ask about the offsite", env_overrides={"TZ": "Europe/Paris"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Set reminder about Ana Ruiz, first due ")
    [(kind, contact_id, title, note, starts_on, at_time, rule, occurs_on, due_at)] = _reminders(
        people_dir
    )
    assert (kind, contact_id, title, note, starts_on, at_time) == (
        "once", 1, "", "Ask about the offsite", day.isoformat(), "09:30"
    )  # fmt: skip
    assert (rule, occurs_on) == ("", day.isoformat())
    assert due_at.startswith(day.isoformat())
    assert due_at.endswith(":30:00Z"), "09:30 in Paris is a half hour in UTC too"


def test_recurring_free_standing_reminder(ally: Ally, people_dir: Path) -> None:
    result = ally(
        "--data-dir", people_dir, "remind", "--title", "Expenses", "--on", "2030-01-31",
        "--every", "month", "--until", "2030-12-31",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "every month until 2030-12-31" in result.stdout
    [row] = _reminders(people_dir)
    assert row[:3] == ("recurring", None, "Expenses")
    assert row[6] == "FREQ=MONTHLY;INTERVAL=1;UNTIL=20301231T235959"
    assert row[7] == "2030-01-31"


def test_weekly_on_weekdays(ally: Ally, people_dir: Path) -> None:
    result = ally(
        "--data-dir", people_dir, "remind", "--title", "1:1", "--on", "2030-01-07",
        "--every", "2 weeks", "--days", "thu,mon",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "every 2 weeks on Monday, Thursday" in result.stdout
    assert _reminders(people_dir)[0][6] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2030-13-01", "--title", "x"], "--on “2030-13-01” is not a date"),
        (["--on", "2030-01-01"], "Say what to be reminded of, or choose a person."),
        (["Bo", "--on", "2030-01-01"], "“Bo” matches several people"),
        (["Nobody", "--on", "2030-01-01"], "Nobody is called “Nobody”"),
        (["--on", "2030-01-01", "--title", "x", "--every", "fortnight"], "not a repetition"),
        (["--on", "2030-01-01", "--title", "x", "--days", "mon"], "go with --every"),
        (["--on", "2030-01-01", "--title", "x", "--at", "25:00"], "is not a time"),
        (
            ["--on", "2030-01-10", "--title", "x", "--every", "day", "--until", "2030-01-01"],
            "The end is before the start.",
        ),
    ],
)
def test_bad_input_sets_nothing(
    ally: Ally, people_dir: Path, args: list[str], message: str
) -> None:
    result = ally("--data-dir", people_dir, "remind", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, "one line"
    assert _reminders(people_dir) == []


def test_due_lists_what_is_due_for_scripts(ally: Ally, people_dir: Path) -> None:
    ally("--data-dir", people_dir, "remind", "--title", "Call the bank", "--on",
         (TODAY - timedelta(days=2)).isoformat())  # fmt: skip
    result = ally("--data-dir", people_dir, "due", "--days", "40")
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [lines[0][0], *lines[0][2:]] == ["Overdue", "-", "Call the bank", "one-off"]
    birthday = next(line for line in lines if line[3] == "Date")
    assert birthday[0] in ("Today", "Upcoming")
    assert birthday[2] == "Bo Chen"
    assert birthday[4].startswith("birthday on ")
    keep = next(line for line in lines if line[3] == "Keep in touch")
    assert keep[0] == "Upcoming"
    assert keep[4] == "nothing logged yet, cadence 30 days"


def test_due_into_a_closed_pipe_is_quiet(ally: Ally, people_dir: Path) -> None:
    for n in range(30):
        ally("--data-dir", people_dir, "remind", "--title", f"R{n}", "--on", TODAY.isoformat())
    script = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen({[sys.executable, '-m', 'ally_desktop']!r}"
        f" + ['--data-dir', {str(people_dir)!r}, 'due'], stdout=subprocess.PIPE,"
        " stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close(); err = p.stderr.read(); p.wait()\n"
        "print(p.returncode, err.decode())\n"
    )
    result = ally("--version")  # the environment works
    assert result.returncode == 0
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    code, _, err = out.stdout.partition(" ")
    assert code == "0"
    assert "Broken pipe" not in err

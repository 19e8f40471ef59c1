"""``ally reach`` and ``ally introduced``, run as real processes on a real data file.

The processes are ``python -m ally_desktop``, as an installed ``ally`` runs.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from tests.e2e.helpers import CLI_TIMEOUT

Ally = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def ally(env: dict[str, str], tmp_path: Path) -> Ally:
    def run(*args: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ally_desktop", *map(str, args)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )

    return run


@pytest.fixture
def network(data_dir: Path) -> Path:
    """Ana (inner circle) works with Bo, who manages Carla; Dee (ally) is Carla's friend;
    Eve knows nobody; two people are called Finn."""
    database = open_database(ensure_data_dir(data_dir).database)
    try:

        def add(given: str, family: str, closeness: Closeness, org: str = "") -> int:
            data = ContactData(
                given_name=given, family_name=family, closeness=closeness, organization=org
            )
            return create_contact(database, data)

        ana = add("Ana", "Silva", Closeness.INNER_CIRCLE)
        bo = add("Bo", "Chen", Closeness.OTHER, "Initech")
        carla = add("Carla", "Diaz", Closeness.OTHER, "Globex")
        dee = add("Dee", "Park", Closeness.ALLY)
        add("Eve", "Lone", Closeness.OTHER)
        add("Finn", "Berg", Closeness.ALLY, "Globex")
        add("Finn", "Berg", Closeness.ALLY, "Initech")
        conn = sqlite_connection(database)
        for a, b, kind in (
            (ana, bo, "works_with"),
            (carla, bo, "reports_to"),
            (dee, carla, "friend_of"),
        ):
            conn.execute(
                "INSERT INTO connection (from_id, to_id, kind, created_at)"
                " VALUES (?, ?, ?, '2026-01-01')",
                [a, b, kind],
            )
    finally:
        close_database(database)
    return data_dir


def _rows(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{data_dir / 'ally.sqlite3'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_reach_a_person(ally: Ally, network: Path) -> None:
    result = ally("--data-dir", network, "reach", "carla")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "How to reach Carla Diaz:",
        "1. You → Dee Park (ally) → Carla Diaz (is a friend of Dee)",
        "2. You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz (reports to Bo)",
    ]
    assert result.stderr == ""


def test_reach_with_a_limit(ally: Ally, network: Path) -> None:
    result = ally("--data-dir", network, "reach", "Carla Diaz", "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "1. You → Dee Park (ally) → Carla Diaz (is a friend of Dee)"
    ]


def test_reach_someone_known_directly(ally: Ally, network: Path) -> None:
    result = ally("--data-dir", network, "reach", "ana silva")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["You know Ana Silva directly.", "1. You → Ana Silva (inner circle)"]


def test_reach_an_organization(ally: Ally, network: Path) -> None:
    result = ally("--data-dir", network, "reach", "--org", "GLOBEX")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "How to reach someone at Globex (2 people):",
        "1. You → Finn Berg (ally)",
        "2. You → Dee Park (ally) → Carla Diaz (is a friend of Dee)",
        "3. You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz (reports to Bo)",
    ]


def test_unreachable_is_said_in_words(ally: Ally, network: Path) -> None:
    result = ally("--data-dir", network, "reach", "Eve")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "No chain of connections leads from anyone you know to Eve Lone. Record how people "
        "are connected on their profiles, or an introduction when it happens."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reach",), "Say whom to reach: a NAME, or --org ORG (not both)."),
        (("reach", "Carla", "--org", "Globex"), "Say whom to reach"),
        (("reach", "Nobody Here"), "Nobody is called “Nobody Here”."),
        (("reach", "Finn Berg"), "“Finn Berg” matches several people: Finn Berg (Globex)"),
        (("reach", "--org", "Globx"), "Nobody at “Globx” is in Ally. Did you mean “Globex”?"),
        (("reach", "Carla", "--limit", "0"), "--limit must be at least 1."),
    ],
)
def test_reach_refuses_bad_input(
    ally: Ally, network: Path, args: tuple[str, ...], message: str
) -> None:
    result = ally("--data-dir", network, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ally: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_record_an_introduction(ally: Ally, network: Path) -> None:
    result = ally(
        "--data-dir", network, "introduced", "Dee", "Bo Chen", "--on", "2026-03-04",
        "--note", "At the offsite",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Recorded: Dee Park introduced me to Bo Chen on 4 March 2026. "
        "Dee Park is now linked to Bo Chen."
    )
    assert _rows(network, "SELECT from_id, to_id FROM connection WHERE kind = 'introduced'") == [
        (4, 2)
    ]
    [(kind, title, notes, day, all_day)] = _rows(
        network, "SELECT kind, title, notes, local_date, all_day FROM interaction"
    )
    assert (kind, title, notes, day, all_day) == (
        "Introduction", "Dee Park introduced me to Bo Chen", "At the offsite", "2026-03-04", 1
    )  # fmt: skip
    assert _rows(network, "SELECT contact_id FROM interaction_participant ORDER BY 1") == [
        (2,),
        (4,),
    ]
    # Bo now had an interaction: the user knows him directly.
    reach = ally("--data-dir", network, "reach", "Bo")
    assert reach.stdout.splitlines()[0] == "You know Bo Chen directly."
    again = ally("--data-dir", network, "introduced", "Dee", "Bo Chen", "--on", "2026-03-05")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith("They were linked already.")
    assert len(_rows(network, "SELECT 1 FROM connection WHERE kind = 'introduced'")) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Dee", "Dee"), "Choose two different people. Nothing was recorded."),
        (("Dee", "Nobody"), "Nobody is called “Nobody”. Nothing was recorded."),
        (("Dee", "Bo", "--on", "March 4"), "--on “March 4” is not a date: use YYYY-MM-DD."),
    ],
)
def test_introduced_refuses_bad_input(
    ally: Ally, network: Path, args: tuple[str, ...], message: str
) -> None:
    result = ally("--data-dir", network, "introduced", *args)
    assert result.returncode == 1
    assert result.stderr.strip() == f"ally: {message}"
    assert _rows(network, "SELECT count(*) FROM interaction") == [(0,)]
    assert _rows(network, "SELECT count(*) FROM connection WHERE kind = 'introduced'") == [(0,)]


def test_no_data_yet(ally: Ally, data_dir: Path) -> None:
    result = ally("--data-dir", data_dir, "reach", "Ana")
    assert result.returncode == 1
    assert result.stderr.strip() == f"ally: There is no Ally data at {data_dir}."

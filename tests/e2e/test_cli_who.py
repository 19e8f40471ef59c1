"""``ally who TOPIC``, run as a real process on a real data file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.core.topics import merge_topics, resolve_topic
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import close_database, open_database
from tests.e2e.helpers import CLI_TIMEOUT

Who = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def who(env: dict[str, str], tmp_path: Path) -> Who:
    """``who(*args)`` runs ``ally who *args``."""
    command = [sys.executable, "-m", "ally_desktop"]

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *map(str, args)],
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
    database = open_database(ensure_data_dir(data_dir).database)
    now = datetime.now(UTC)
    try:
        ana = create_contact(
            database,
            ContactData(
                given_name="Ana",
                family_name="Ruiz",
                organization="Northwind",
                topics=["Pricing", "GDPR"],
                closeness=Closeness.INNER_CIRCLE,
            ),
        )
        bo = create_contact(
            database,
            ContactData(
                given_name="Bo",
                family_name="Chen",
                notes="Knows the history of every pricing decision since 2015.",
            ),
        )
        create_contact(database, ContactData(given_name="Cy", topics=["price"]))
        create_contact(database, ContactData(given_name="Di", notes="Nothing to do with it."))
        for days, title in ((3, "Pricing review"), (40, "Pricing review")):
            create_interaction(
                database,
                InteractionData(
                    kind="meeting",
                    participants=[ana, bo],
                    when=now - timedelta(days=days),
                    time_zone="UTC",
                    title=title,
                ),
            )
        price, pricing = resolve_topic(database, "price"), resolve_topic(database, "pricing")
        assert price is not None
        assert pricing is not None
        merge_topics(database, [price.id], pricing.id)
    finally:
        close_database(database)
    return data_dir


def test_who_ranks_people_with_reasons(who: Who, network: Path) -> None:
    result = who("--data-dir", network, "who", "price")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Who can help with “Pricing” (also: price)"
    assert lines[1].startswith("1. Ana Ruiz · Northwind  (score ")
    assert lines[2] == "   Lists Pricing as expertise"
    assert lines[3].startswith("   Pricing review, ")
    assert lines[3].endswith("(meeting), and 1 more")
    assert lines[4] == "   Inner circle · last in touch 3 days ago"
    ranked = [line.split(". ", 1)[1].split("  (")[0] for line in lines if line[:1].isdigit()]
    assert ranked == ["Ana Ruiz · Northwind", "Cy", "Bo Chen"]
    assert "   Notes: Knows the history of every pricing decision since 2015." in lines
    assert "Di" not in result.stdout


def test_who_as_json(who: Who, network: Path) -> None:
    result = who("--data-dir", network, "who", "pricing", "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["topic"]["name"] == "Pricing"
    assert data["searched"] == ["Pricing", "price"]
    assert [p["name"] for p in data["people"]] == ["Ana Ruiz", "Cy"]
    assert [p["rank"] for p in data["people"]] == [1, 2]
    assert data["more"] is True
    first = data["people"][0]
    assert first["score"] == pytest.approx(
        first["evidence"] * first["closeness_factor"] * first["recency_factor"], rel=1e-3
    )
    assert [r["kind"] for r in first["reasons"]] == ["expertise", "interactions"]
    assert first["reasons"][1]["count"] == 2
    assert first["reasons"][1]["latest"]["title"] == "Pricing review"


def test_who_knows_nobody(who: Who, network: Path) -> None:
    result = who("--data-dir", network, "who", "kubernetes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Who can help with “kubernetes”: nobody yet.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("who", "pricing", "--limit", "0"), "--limit must be between 1 and 1,000."),
        (("who", "   "), "Say which topic"),
        (("who", "!!!"), "has no word to search for"),
    ],
)
def test_who_refuses_bad_input(
    who: Who, network: Path, args: tuple[str, ...], message: str
) -> None:
    result = who("--data-dir", network, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ally: ")
    assert message in result.stderr


def test_who_without_data(who: Who, tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    result = who("--data-dir", missing, "who", "pricing")
    assert result.returncode == 1
    assert "There is no Ally data" in result.stderr
    assert not missing.exists(), "asking changes nothing"

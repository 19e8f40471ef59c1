"""Relationship health: the formula's parts, its words, and SQLite sorting by the same code."""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from ally_desktop import cli_insight_health
from ally_desktop.cli_support import CommandError
from ally_desktop.core.contact_queries import ContactQuery, SortKey, contact_ids, rows_by_ids
from ally_desktop.core.contacts import (
    ContactNotFoundError,
    create_contact,
    load_contact,
    update_contact,
)
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.health import (
    DEFAULT_RHYTHM_DAYS,
    Health,
    HealthFacts,
    Level,
    Rhythm,
    assess,
    day_number,
    day_of,
    every,
    explain,
    health_of,
    level_of,
    score,
)
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.relative_time import parse_utc
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    set_interactions_trashed,
)
from ally_desktop.store.db import close_database, open_database, sqlite_connection

TODAY = date(2026, 11, 26)
T = day_number(TODAY)


def facts(**fields: Any) -> HealthFacts:
    """Someone added a year ago, never contacted, an acquaintance, unless told otherwise."""
    values: dict[str, Any] = {
        "last_day": None,
        "first_day": None,
        "created_day": T - 365,
        "met_day": None,
    }
    values.update(fields)
    return HealthFacts(**values)


def talked(days_ago: int, **fields: Any) -> HealthFacts:
    """Last talked ``days_ago`` days ago, once, unless told otherwise."""
    fields.setdefault("interactions", 1)
    fields.setdefault("first_day", T - days_ago)
    return facts(last_day=T - days_ago, **fields)


def on(days_later: int, person: HealthFacts) -> Health:
    return assess(person, TODAY + timedelta(days=days_later))


# --- days -------------------------------------------------------------------------------------
def test_day_numbers_are_julian_day_numbers() -> None:
    assert day_number(date(2000, 1, 1)) == 2_451_545
    assert day_of(2_451_545) == date(2000, 1, 1)
    assert day_number(TODAY) - day_number(TODAY - timedelta(days=10)) == 10


# --- the expected rhythm -----------------------------------------------------------------------
def test_a_cadence_sets_the_rhythm() -> None:
    health = assess(talked(3, cadence_days=21, interactions=9, first_day=T - 40), TODAY)
    assert (health.rhythm, health.rhythm_days) == (Rhythm.CADENCE, 21)


def test_without_a_cadence_three_interactions_give_an_observed_rhythm() -> None:
    # 5 interactions over 80 days: every 20 days on average.
    health = assess(talked(10, interactions=5, first_day=T - 90), TODAY)
    assert (health.rhythm, health.rhythm_days) == (Rhythm.OBSERVED, 20)
    two = assess(talked(10, interactions=2, first_day=T - 90), TODAY)
    assert two.rhythm is Rhythm.CLOSENESS, "two interactions are not yet a habit"


def test_an_observed_rhythm_is_bounded() -> None:
    daily = assess(talked(0, interactions=30, first_day=T - 29), TODAY)
    assert (daily.rhythm, daily.rhythm_days) == (Rhythm.OBSERVED, 7)
    rare = assess(talked(0, interactions=3, first_day=T - 3000), TODAY)
    assert rare.rhythm_days == 365


@pytest.mark.parametrize(
    ("closeness", "days"),
    [
        (Closeness.INNER_CIRCLE, 14),
        (Closeness.ALLY, 30),
        (Closeness.ACQUAINTANCE, 90),
        (Closeness.OTHER, 180),
    ],
)
def test_otherwise_closeness_sets_the_rhythm(closeness: Closeness, days: int) -> None:
    health = assess(talked(3, closeness=int(closeness)), TODAY)
    assert (health.rhythm, health.rhythm_days) == (Rhythm.CLOSENESS, days)
    assert DEFAULT_RHYTHM_DAYS[closeness] == days


# --- recency ----------------------------------------------------------------------------------
def test_recency_is_full_within_the_rhythm_then_falls_to_zero_at_three_rhythms() -> None:
    person = talked(0, cadence_days=10)
    recency = {days: on(days, person).recency for days in (0, 5, 10, 15, 20, 25, 30, 31, 400)}
    assert recency == {
        0: 1.0,
        5: 1.0,
        10: 1.0,
        15: 0.75,
        20: 0.5,
        25: 0.25,
        30: 0.0,
        31: 0.0,
        400: 0.0,
    }


def test_the_score_never_rises_while_nobody_gets_in_touch() -> None:
    rng = random.Random(5)
    for _ in range(300):
        created = T - rng.randint(0, 2000)
        count = rng.choice([0, 0, 1, 2, 3, 8, 40])
        first = created + rng.randint(-300, 300) if count else None
        last = first + rng.randint(0, 500) if first is not None else None
        person = HealthFacts(
            last,
            first,
            created,
            rng.choice([None, created - rng.randint(0, 900), created + rng.randint(0, 30)]),
            count,
            rng.randint(0, 5) if count else 0,
            rng.randint(0, 5) if count else 0,
            rng.choice([None, None, 7, 30, 90]),
            rng.randint(0, 3),
        )
        scores = [score(T + days, *_fields(person)) for days in range(0, 1200, 7)]
        assert all(a >= b for a, b in itertools.pairwise(scores)), person


def test_someone_never_contacted_counts_from_when_you_met_or_added_them() -> None:
    # Added 10 days ago, an inner-circle rhythm of 14 days: not overdue yet.
    fresh = assess(facts(created_day=T - 10, closeness=0), TODAY)
    assert fresh.recency == 1.0
    # Met 20 days ago, added today: counted from the later of the two.
    assert assess(facts(created_day=T, met_day=T - 20, closeness=0), TODAY).recency == 1.0
    met = assess(facts(created_day=T - 100, met_day=T - 21, closeness=0), TODAY)
    assert met.recency == 0.75
    forgotten = assess(facts(created_day=T - 400, closeness=0), TODAY)
    assert forgotten.recency == 0.0


def test_a_cadence_is_respected() -> None:
    # Last talked 40 days ago: on time for a 60-day cadence, long overdue for a weekly one.
    relaxed = assess(talked(40, cadence_days=60), TODAY)
    weekly = assess(talked(40, cadence_days=7), TODAY)
    assert relaxed.recency == 1.0
    assert weekly.recency == 0.0
    assert relaxed.score > weekly.score
    # The same person without a cadence, an acquaintance (90 days): on time too.
    assert assess(talked(40), TODAY).recency == 1.0


# --- frequency ----------------------------------------------------------------------------------
def test_frequency_is_interactions_per_expected_interval_capped_at_one() -> None:
    # Known for 100 days, every 10 days expected: 10 interactions are the full measure.
    base = {"cadence_days": 10, "created_day": T - 100, "first_day": T - 100}
    assert assess(talked(2, interactions=10, **base), TODAY).frequency == 1.0
    assert assess(talked(2, interactions=25, **base), TODAY).frequency == 1.0
    assert assess(talked(2, interactions=5, **base), TODAY).frequency == 0.5
    assert assess(facts(**base), TODAY).frequency == 0.0
    # Interactions logged from before the person was added count from the first one.
    early = {"cadence_days": 10, "created_day": T, "first_day": T - 200}
    assert assess(talked(2, interactions=10, **early), TODAY).frequency == 0.5


def test_a_relationship_younger_than_its_rhythm_needs_one_interaction() -> None:
    young = assess(talked(3, created_day=T - 5, cadence_days=30), TODAY)
    assert young.frequency == 1.0


# --- reciprocity ----------------------------------------------------------------------------------
def test_reciprocity_penalises_only_taking_without_giving() -> None:
    def reciprocity(given: int, received: int) -> float:
        return assess(talked(1, interactions=20, given=given, received=received), TODAY).reciprocity

    assert reciprocity(0, 0) == 1.0, "nothing recorded is neutral"
    assert reciprocity(10, 0) == 1.0, "giving more than receiving is no fault"
    assert reciprocity(3, 3) == 1.0
    assert reciprocity(0, 1) == pytest.approx(2 / 3)
    assert reciprocity(1, 4) == pytest.approx(1 / 2)
    assert reciprocity(0, 10) == pytest.approx(1 / 6)
    assert reciprocity(0, 10) < reciprocity(0, 4) < reciprocity(0, 1)


# --- the score and its level -------------------------------------------------------------------
def test_the_score_adds_the_parts_by_weight() -> None:
    best = assess(talked(0, interactions=50, first_day=T - 300, created_day=T - 300), TODAY)
    assert (best.recency, best.frequency, best.reciprocity) == (1.0, 1.0, 1.0)
    assert (best.score, best.level) == (100, Level.STRONG)
    worst = assess(facts(created_day=T - 2000), TODAY)
    assert (worst.recency, worst.frequency) == (0.0, 0.0)
    assert worst.score == 17, "reciprocity stays neutral: nothing was taken"
    assert worst.level is Level.AT_RISK
    newcomer = assess(facts(created_day=T - 1, met_day=T - 1), TODAY)
    assert (newcomer.score, newcomer.level) == (67, Level.STEADY), "new: on time, not yet known"
    # 5 weeks since, every 14 days: recency 0.25; 14 over 217 days: 0.903; 1 for 4: 0.5.
    mixed = assess(example(), TODAY)
    assert mixed.recency == 0.25
    assert mixed.frequency == pytest.approx(14 / (217 / 14))
    assert mixed.reciprocity == 0.5
    assert mixed.score == round(50 * 0.25 + 33 * 14 / (217 / 14) + 17 * 0.5) == 51
    assert mixed.level is Level.STEADY


def test_a_score_is_always_a_whole_number_from_0_to_100() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        first = T - rng.randint(-10, 5000)
        count = rng.randint(0, 300)
        value = score(
            T,
            first + rng.randint(0, 5000) if count else None,
            first if count else None,
            rng.choice([None, T - rng.randint(-50, 5000)]),
            rng.choice([None, T - rng.randint(-50, 5000)]),
            count,
            rng.randint(0, 50),
            rng.randint(0, 50),
            rng.choice([None, rng.randint(1, 400)]),
            rng.randint(0, 3),
        )
        assert isinstance(value, int)
        assert 0 <= value <= 100


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (100, Level.STRONG),
        (75, Level.STRONG),
        (74, Level.STEADY),
        (50, Level.STEADY),
        (49, Level.FADING),
        (25, Level.FADING),
        (24, Level.AT_RISK),
        (0, Level.AT_RISK),
    ],
)
def test_levels(points: int, level: Level) -> None:
    assert level_of(points) is level


def test_level_words() -> None:
    assert [level.word for level in Level] == ["strong", "steady", "fading", "at risk"]


# --- in words ---------------------------------------------------------------------------------
def example() -> HealthFacts:
    """Last talked 5 weeks ago, 14 interactions every 2 weeks, 4 favours received, 1 given."""
    last = T - 35
    first = last - 13 * 14
    return HealthFacts(last, first, first, None, 14, 1, 4, None, int(Closeness.ALLY))


def words(person: HealthFacts, today: date = TODAY) -> str:
    return explain(assess(person, today))


def test_the_explanation_of_a_typical_ally() -> None:
    assert words(example()) == (
        "You last talked 5 weeks ago; usually every 2 weeks. 14 interactions since April 2026. "
        "You received help 4 times and gave once."
    )


def test_the_explanation_says_when_you_last_talked() -> None:
    assert words(talked(0)).startswith("You last talked today; ")
    assert words(talked(1)).startswith("You last talked yesterday; ")
    assert words(talked(3)).startswith("You last talked 3 days ago; ")
    assert words(talked(90)).startswith("You last talked 3 months ago; ")
    assert words(talked(800)).startswith("You last talked 2 years ago; ")
    assert words(talked(-3)).startswith("Your next interaction is in 3 days; ")
    assert words(talked(-1)).startswith("Your next interaction is tomorrow; ")


def test_the_explanation_of_someone_never_contacted() -> None:
    assert words(facts(created_day=T - 21)) == (
        "No interaction logged since you added them 3 weeks ago; with no cadence set, "
        "every 3 months is usual for acquaintances."
    )
    assert words(facts(created_day=T - 100, met_day=T - 40, closeness=1)) == (
        "No interaction logged since you met them 5 weeks ago; with no cadence set, "
        "every month is usual for allies."
    )
    assert words(facts(created_day=T - 1, met_day=T - 400, closeness=0)) == (
        "No interaction logged since you added them yesterday; with no cadence set, "
        "every 2 weeks is usual for the inner circle."
    )
    assert words(facts(created_day=T, closeness=3, cadence_days=None)) == (
        "No interaction logged yet; with no cadence set, every 6 months is usual for others."
    )
    assert words(facts(created_day=T, met_day=T - 40)).startswith("No interaction logged yet; ")
    assert words(facts(created_day=T - 3, cadence_days=14)) == (
        "No interaction logged since you added them 3 days ago; your cadence is every 2 weeks."
    )


def test_the_explanation_names_the_cadence_when_one_is_set() -> None:
    assert words(talked(2, cadence_days=14)) == (
        "You last talked 2 days ago; your cadence is every 2 weeks. "
        "1 interaction, in November 2026. No help given or received yet."
    )
    assert "; your cadence is every 10 days." in words(talked(2, cadence_days=10))
    assert "; your cadence is every month." in words(talked(2, cadence_days=30))
    assert "; your cadence is every day." in words(talked(2, cadence_days=1))


def test_the_explanation_without_a_cadence_says_what_is_usual() -> None:
    assert words(talked(10, first_day=T - 10, closeness=int(Closeness.INNER_CIRCLE))) == (
        "You last talked 10 days ago; with no cadence set, every 2 weeks is usual for the "
        "inner circle. 1 interaction, in November 2026. No help given or received yet."
    )


def test_the_explanation_counts_in_singular_and_plural() -> None:
    one = talked(5, first_day=day_number(date(2026, 6, 3)), interactions=1, given=1, received=1)
    assert words(one).endswith(
        " 1 interaction, in June 2026. You received help once and gave once."
    )
    two = talked(5, first_day=day_number(date(2025, 3, 9)), interactions=2, given=2, received=2)
    assert words(two).endswith(
        " 2 interactions since March 2025. You received help twice and gave twice."
    )
    many = talked(5, first_day=T - 3000, interactions=1234, given=3, received=0)
    assert words(many).endswith(
        " 1,234 interactions since September 2018. You gave help 3 times and received none yet."
    )
    taker = talked(5, interactions=9, given=0, received=5)
    assert words(taker).endswith(" You received help 5 times and gave none yet.")


@pytest.mark.parametrize(
    ("days", "exact", "text"),
    [
        (1, True, "every day"),
        (7, True, "every week"),
        (10, True, "every 10 days"),
        (14, True, "every 2 weeks"),
        (30, True, "every month"),
        (45, True, "every 45 days"),
        (90, True, "every 3 months"),
        (365, True, "every year"),
        (730, True, "every 2 years"),
        (7.4, False, "every week"),
        (10.4, False, "every 10 days"),
        (17.3, False, "every 2 weeks"),
        (45, False, "every 6 weeks"),
        (75, False, "every 3 months"),
        (200, False, "every 7 months"),
        (224, False, "every 7 months"),
        (224, True, "every 32 weeks"),
        (30, False, "every 4 weeks"),
        (365, False, "every year"),
        (500, False, "every year"),
        (600, False, "every 2 years"),
    ],
)
def test_rhythms_in_words(days: float, exact: bool, text: str) -> None:
    assert every(days, exact=exact) == text


# --- from the store ------------------------------------------------------------------------------
def _fields(person: HealthFacts) -> tuple[Any, ...]:
    return (
        person.last_day,
        person.first_day,
        person.created_day,
        person.met_day,
        person.interactions,
        person.given,
        person.received,
        person.cadence_days,
        person.closeness,
    )


def _log(db: pw.SqliteDatabase, who: list[int], day: date, exchange: Any = None) -> None:
    when = datetime.combine(day, datetime.min.time().replace(hour=12)).astimezone()
    create_interaction(db, InteractionData("call", who, when=when, exchange=exchange))


def test_health_of_reads_the_person_from_the_store(db: pw.SqliteDatabase) -> None:
    today = date.today()
    ana = create_contact(
        db, ContactData(given_name="Ana", closeness=Closeness.ALLY, cadence_days=14)
    )
    bo = create_contact(db, ContactData(given_name="Bo", met_on=today - timedelta(days=3)))
    _log(db, [ana, bo], today - timedelta(days=60), "received")
    _log(db, [ana], today - timedelta(days=30), "received")
    _log(db, [ana], today - timedelta(days=20), "given")

    health = health_of(db, ana, today)
    first, last = day_number(today - timedelta(days=60)), day_number(today - timedelta(days=20))
    assert health.facts == HealthFacts(
        last, first, day_number(today), None, 3, 1, 2, 14, int(Closeness.ALLY)
    )
    assert health == assess(health.facts, today)
    assert explain(health).startswith("You last talked 2 weeks ago; your cadence is every 2 weeks.")
    assert health_of(db, bo, today).facts.met_day == day_number(today - timedelta(days=3))

    # A trashed interaction no longer counts; a changed cadence changes the rhythm.
    latest = interaction_ids(db, TimelineQuery(contact_id=ana))[0]
    set_interactions_trashed(db, [latest], True)
    after = health_of(db, ana, today)
    assert (after.facts.interactions, after.facts.given, after.facts.received) == (2, 0, 2)
    assert after.score < health.score
    data = load_contact(db, ana).data
    data.cadence_days = None
    update_contact(db, ana, data)
    assert health_of(db, ana, today).rhythm is Rhythm.CLOSENESS

    with pytest.raises(ContactNotFoundError):
        health_of(db, 10**9)


def test_the_list_rows_carry_the_health(db: pw.SqliteDatabase) -> None:
    ana = create_contact(db, ContactData(given_name="Ana"))
    _log(db, [ana], date.today() - timedelta(days=2))
    later = date.today() + timedelta(days=500)
    row = rows_by_ids(db, [ana], today=later)[ana]
    assert row.health == health_of(db, ana, later)
    assert rows_by_ids(db, [ana])[ana].health == health_of(db, ana)


@pytest.fixture
def in_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock somewhere with daylight saving and a big offset."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _local_day(instant: str | None) -> int | None:
    """The local day of a stored instant, the way the rest of Ally computes it (Python)."""
    return None if instant is None else day_number(parse_utc(instant).astimezone().date())


def _expected_scores(db: pw.SqliteDatabase, today: date) -> dict[int, tuple[int, str]]:
    """Each person's (score, sort name), computed in Python from the raw tables: their
    interactions one by one, not the counts the triggers keep."""
    conn = sqlite_connection(db)
    stats: dict[int, list[Any]] = {}
    for contact_id, occurred_at, exchange in conn.execute(
        "SELECT p.contact_id, i.occurred_at, i.exchange FROM interaction_participant p"
        " JOIN interaction i ON i.id = p.interaction_id WHERE i.trashed_at IS NULL"
    ):
        entry = stats.setdefault(contact_id, [0, None, 0, 0])
        entry[0] += 1
        entry[1] = occurred_at if entry[1] is None else min(entry[1], occurred_at)
        entry[2] += exchange == "given"
        entry[3] += exchange == "received"
    expected = {}
    for cid, last, created, met_on, cadence, closeness, name in conn.execute(
        "SELECT id, last_interaction_at, created_at, met_on, cadence_days, closeness, sort_name"
        " FROM contact WHERE trashed_at IS NULL AND archived = 0"
    ):
        count, first, given, received = stats.get(cid, [0, None, 0, 0])
        person = HealthFacts(
            _local_day(last),
            _local_day(first),
            _local_day(created),
            day_number(date.fromisoformat(met_on)) if met_on else None,
            count,
            given,
            received,
            cadence,
            closeness,
        )
        expected[cid] = (assess(person, today).score, name)
    return expected


def test_sorting_in_sqlite_agrees_with_python(db: pw.SqliteDatabase, in_zone: None) -> None:
    generate_demo(db, 400, seed=3)
    conn = sqlite_connection(db)
    # Spread the days people were added over years, at hours that fall on another day in
    # Los Angeles than in UTC.
    rng = random.Random(3)
    moments = [
        (
            (datetime(2026, 11, 25, 3, 30, tzinfo=UTC) - timedelta(days=rng.randint(0, 2000)))
            .isoformat()
            .replace("+00:00", ".123456Z"),
            cid,
        )
        for (cid,) in conn.execute("SELECT id FROM contact")
    ]
    with db.atomic():
        conn.executemany("UPDATE contact SET created_at = ? WHERE id = ?", moments)
    base = date.today()
    for today in (base, base + timedelta(days=45), base + timedelta(days=400)):
        expected = _expected_scores(db, today)
        assert len(expected) > 300
        spread = {points for points, _name in expected.values()}
        assert len(spread) > 20, "a test of sorting needs varied scores"
        for descending in (False, True):
            query = ContactQuery(sort=SortKey.HEALTH, descending=descending)
            ids = list(contact_ids(db, query, today=today))
            keys = [expected[cid] for cid in ids]
            assert sorted(ids) == sorted(expected)
            by_score = sorted(keys, key=lambda k: (-k[0] if descending else k[0], k[1]))
            assert keys == by_score
            rows = rows_by_ids(db, ids[:50], today=today)
            shown = {cid: row.health.score for cid, row in rows.items()}
            assert shown == {cid: expected[cid][0] for cid in ids[:50]}


def test_sqlite_reads_local_days_like_python(db: pw.SqliteDatabase, in_zone: None) -> None:
    """Instants near midnight, on both sides of daylight saving changes."""
    conn = sqlite_connection(db)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    instants = [
        (start + timedelta(minutes=37 * k)).strftime("%Y-%m-%dT%H:%M:%S") + suffix
        for k in range(0, 20000, 7)
        for suffix in ("Z", ".5Z")
    ]
    for instant in instants:
        (day,) = conn.execute(
            "SELECT CAST(julianday(?, 'localtime') + 0.5 AS INTEGER)", [instant]
        ).fetchone()
        assert day == _local_day(instant), instant


# --- ally health NAME ---------------------------------------------------------------------------
def _cli(data_dir: Path, name: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    cli_insight_health.add_parsers(commands)
    args = parser.parse_args(["health", name])
    args.data_dir = str(data_dir)
    return cli_insight_health.cmd_health(args)


def test_ally_health_prints_the_score_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(tmp_path / "ally.sqlite3")
    ana = create_contact(database, ContactData(given_name="Ana", family_name="Ruiz"))
    create_contact(database, ContactData(given_name="Ana", family_name="Lima"))
    _log(database, [ana], date.today(), "given")
    close_database(database)

    assert _cli(tmp_path, "Ana Ruiz") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Ana Ruiz: 100/100, strong"
    assert out[1] == (
        "You last talked today; with no cadence set, every 3 months is usual for "
        f"acquaintances. 1 interaction, in {date.today():%B %Y}. "
        "You gave help once and received none yet."
    )
    with pytest.raises(CommandError, match="matches several people"):
        _cli(tmp_path, "Ana")
    with pytest.raises(CommandError, match="Nobody is called"):
        _cli(tmp_path, "Zed")

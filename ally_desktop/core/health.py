"""Relationship health: how a relationship is doing, as a number from 0 to 100 and in words.

The score weighs three things the store already keeps per person (the contact row, and
``contact_stats``, counted by triggers outside the trash):

*Expected rhythm* ``r`` (days): the keep-in-touch cadence when one is set; otherwise the
average gap between interactions, ``(last - first) / (n - 1)``, once there are at least
3 of them, bounded to 7..365 days; otherwise a default by closeness: inner circle 14
days, ally 30, acquaintance 90, other 180.

*Recency* (50 points): ``d`` is the days since the last interaction, or for someone never
contacted since the later of the day you met and the day they were added. Full while
``d <= r``, then falling in a straight line to 0 at ``d = 3r``.

*Frequency* (33 points): interactions against the number the rhythm expects over the
relationship's span, from the earlier of the first interaction and the day the person
was added, to today: ``min(1, n / max(1, span / r))``. Nobody logged: 0.

*Reciprocity* (17 points): only taking without giving costs; giving more than receiving
is no fault and nothing recorded is neutral: ``min(1, (given + 2) / (received + 2))``.
The 2 keeps one favour received from weighing like a habit.

``score = round(50 recency + 33 frequency + 17 reciprocity)``, and its level: strong
(75 and up), steady (50), fading (25), at risk (below 25).

Days are calendar days of this computer's clock, like every "3 days ago" in Ally: an
instant counts on the local day it fell on. One formula, one source: ``score`` is the
truth; SQLite calls the very same function (``ally_health``, registered on the
connection before a query) to sort 100,000 people, on facts it reads with ``FACTS_SQL``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import Enum

import peewee as pw

from ally_desktop.core.contacts import ContactNotFoundError
from ally_desktop.core.records import MONTH_NAMES, Closeness
from ally_desktop.core.relative_time import days_ago_text
from ally_desktop.store.db import sqlite_connection

RECENCY_POINTS = 50
FREQUENCY_POINTS = 33
RECIPROCITY_POINTS = 17
FADE_RHYTHMS = 3  # recency reaches 0 at three times the rhythm
RECIPROCITY_PRIOR = 2
OBSERVED_MIN_INTERACTIONS = 3
OBSERVED_MIN_DAYS = 7
OBSERVED_MAX_DAYS = 365
DEFAULT_RHYTHM_DAYS: dict[int, int] = {
    Closeness.INNER_CIRCLE: 14,
    Closeness.ALLY: 30,
    Closeness.ACQUAINTANCE: 90,
    Closeness.OTHER: 180,
}
_DEFAULT_RHYTHMS = {int(key): float(days) for key, days in DEFAULT_RHYTHM_DAYS.items()}
_LOOSEST_RHYTHM = float(DEFAULT_RHYTHM_DAYS[Closeness.OTHER])
_GROUP_OF = {
    Closeness.INNER_CIRCLE: "the inner circle",
    Closeness.ALLY: "allies",
    Closeness.ACQUAINTANCE: "acquaintances",
    Closeness.OTHER: "others",
}
# A day number is the Julian day number of a calendar date: what SQLite's
# ``julianday(..., 'localtime') + 0.5`` truncates to, and ``date.toordinal()`` plus this.
JULIAN_OFFSET = 1_721_425


class Level(Enum):
    """The score in a word; ``floor`` is the lowest score of the level."""

    STRONG = ("strong", 75)
    STEADY = ("steady", 50)
    FADING = ("fading", 25)
    AT_RISK = ("at risk", 0)

    @property
    def word(self) -> str:
        return self.value[0]

    @property
    def floor(self) -> int:
        return self.value[1]


def level_of(score: int) -> Level:
    for level in Level:
        if score >= level.floor:
            return level
    return Level.AT_RISK


class Rhythm(Enum):
    """Where the expected rhythm came from."""

    CADENCE = "cadence"  # the keep-in-touch cadence the user set
    OBSERVED = "observed"  # the average gap between their interactions
    CLOSENESS = "closeness"  # the default of their closeness


# Plain names for the formula's hot path (an enum member is an attribute lookup each time).
_CADENCE, _OBSERVED, _CLOSENESS = Rhythm.CADENCE, Rhythm.OBSERVED, Rhythm.CLOSENESS


@dataclass(frozen=True)
class HealthFacts:
    """What the score is computed from; days are day numbers (``day_number``)."""

    last_day: int | None  # the last interaction's local day; None: never contacted
    first_day: int | None  # the first interaction's
    created_day: int | None  # when the person was added
    met_day: int | None  # the day you met, when known
    interactions: int = 0
    given: int = 0
    received: int = 0
    cadence_days: int | None = None
    closeness: int = Closeness.ACQUAINTANCE


@dataclass(frozen=True)
class Health:
    """A person's score on ``today``, its parts (each 0..1) and what it was computed from."""

    score: int
    level: Level
    recency: float
    frequency: float
    reciprocity: float
    rhythm_days: float
    rhythm: Rhythm
    facts: HealthFacts
    today: date


# --- days ------------------------------------------------------------------------------------
def day_number(day: date) -> int:
    return day.toordinal() + JULIAN_OFFSET


def day_of(number: int) -> date:
    return date.fromordinal(number - JULIAN_OFFSET)


# --- the formula -------------------------------------------------------------------------
def _measure(
    today: int,
    last: int | None,
    first: int | None,
    created: int | None,
    met: int | None,
    interactions: int | None,
    given: int | None,
    received: int | None,
    cadence_days: int | None,
    closeness: int | None,
) -> tuple[int, float, float, float, float, Rhythm]:
    """(score, recency, frequency, reciprocity, rhythm in days, its source).

    SQLite calls this for every person a sort by health reads (100,000 of them): plain
    branches, no temporary lists."""
    count = interactions or 0
    if cadence_days is not None and cadence_days > 0:
        rhythm = float(cadence_days)
        source = _CADENCE
    elif count >= OBSERVED_MIN_INTERACTIONS and last is not None and first is not None:
        rhythm = (last - first) / (count - 1)
        if rhythm < OBSERVED_MIN_DAYS:
            rhythm = float(OBSERVED_MIN_DAYS)
        elif rhythm > OBSERVED_MAX_DAYS:
            rhythm = float(OBSERVED_MAX_DAYS)
        source = _OBSERVED
    else:
        rhythm = _DEFAULT_RHYTHMS.get(closeness, _LOOSEST_RHYTHM)  # type: ignore[arg-type]
        source = _CLOSENESS

    # Days since the last interaction; never contacted: since you met or added them.
    if last is not None:
        since = today - last
    elif met is not None and (created is None or met >= created):
        since = today - met
    elif created is not None:
        since = today - created
    else:
        since = 0
    if since <= rhythm:
        recency = 1.0
    elif since >= FADE_RHYTHMS * rhythm:
        recency = 0.0
    else:
        recency = (FADE_RHYTHMS * rhythm - since) / ((FADE_RHYTHMS - 1) * rhythm)

    if count:
        start = first if first is not None and (created is None or first < created) else created
        expected = (today - start) / rhythm if start is not None else 0.0
        frequency = count / expected if expected > count else 1.0
    else:
        frequency = 0.0

    reciprocity = ((given or 0) + RECIPROCITY_PRIOR) / ((received or 0) + RECIPROCITY_PRIOR)
    if reciprocity > 1.0:
        reciprocity = 1.0
    points = (
        RECENCY_POINTS * recency + FREQUENCY_POINTS * frequency + RECIPROCITY_POINTS * reciprocity
    )
    return int(points + 0.5), recency, frequency, reciprocity, rhythm, source


def score(
    today: int,
    last: int | None,
    first: int | None,
    created: int | None,
    met: int | None,
    interactions: int | None,
    given: int | None,
    received: int | None,
    cadence_days: int | None,
    closeness: int | None,
) -> int:
    """The score, 0..100, from day numbers and counts: the SQL function ``ally_health``."""
    return _measure(
        today, last, first, created, met, interactions, given, received, cadence_days, closeness
    )[0]


def assess(facts: HealthFacts, today: date | None = None) -> Health:
    """The person's health on ``today`` (the computer's date by default)."""
    day = today or date.today()
    points, recency, frequency, reciprocity, rhythm, source = _measure(
        day_number(day),
        facts.last_day,
        facts.first_day,
        facts.created_day,
        facts.met_day,
        facts.interactions,
        facts.given,
        facts.received,
        facts.cadence_days,
        facts.closeness,
    )
    return Health(
        points, level_of(points), recency, frequency, reciprocity, rhythm, source, facts, day
    )


# --- in words --------------------------------------------------------------------------------
def _count(number: int, unit: str) -> str:
    return unit if number == 1 else f"{number} {unit}s"


def every(days: float, *, exact: bool = False) -> str:
    """ "every 2 weeks" for 14 days. ``exact`` (a cadence, a default): in whole years,
    months (30 days) or weeks when the number divides, else in days; otherwise (an
    average) rounded to the unit people would say: days, weeks, months, years."""
    whole = max(1, int(days + 0.5))
    if exact:
        for unit, size in (("year", 365), ("month", 30), ("week", 7)):
            if whole % size == 0:
                return f"every {_count(whole // size, unit)}"
        return f"every {_count(whole, 'day')}"
    if whole < 14:
        return "every week" if whole == 7 else f"every {_count(whole, 'day')}"
    if whole < 60:
        return f"every {_count(int(whole / 7 + 0.5), 'week')}"
    if whole < 365:
        return f"every {_count(int(whole / 30 + 0.5), 'month')}"
    return f"every {_count(int(whole / 365 + 0.5), 'year')}"


def _ago(days: int) -> str:
    """ "today", "yesterday", "5 weeks ago", "in 3 days"."""
    text = days_ago_text(days)
    return text[0].lower() + text[1:]


def _times(number: int) -> str:
    return {1: "once", 2: "twice"}.get(number, f"{number:,} times")


def _month(day_number_: int) -> str:
    day = day_of(day_number_)
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def explain(health: Health) -> str:
    """The score in plain words: "You last talked 5 weeks ago; usually every 2 weeks.
    14 interactions since March 2025. You received help 4 times and gave once." """
    facts = health.facts
    today = day_number(health.today)
    if facts.last_day is not None:
        since = today - facts.last_day
        when = (
            f"You last talked {_ago(since)}"
            if since >= 0
            else f"Your next interaction is {_ago(since)}"  # one logged ahead of time
        )
    else:
        met_is_later = facts.met_day is not None and (
            facts.created_day is None or facts.met_day >= facts.created_day
        )
        reference = facts.met_day if met_is_later else facts.created_day
        since = today - reference if reference is not None else 0
        verb = "met them" if met_is_later else "added them"
        when = (
            f"No interaction logged since you {verb} {_ago(since)}"
            if since > 0
            else "No interaction logged yet"
        )
    if health.rhythm is Rhythm.CADENCE:
        rhythm = f"your cadence is {every(health.rhythm_days, exact=True)}"
    elif health.rhythm is Rhythm.OBSERVED:
        rhythm = f"usually {every(health.rhythm_days)}"
    else:
        group = _GROUP_OF.get(Closeness(facts.closeness), "others")
        usual = every(health.rhythm_days, exact=True)
        rhythm = f"with no cadence set, {usual} is usual for {group}"
    sentences = [f"{when}; {rhythm}."]

    count = facts.interactions
    if count == 1:
        sentences.append(
            f"1 interaction, in {_month(facts.first_day)}."
            if facts.first_day is not None
            else "1 interaction."
        )
    elif count > 1:
        sentences.append(
            f"{count:,} interactions since {_month(facts.first_day)}."
            if facts.first_day is not None
            else f"{count:,} interactions."
        )

    given, received = facts.given, facts.received
    if received and given:
        sentences.append(f"You received help {_times(received)} and gave {_times(given)}.")
    elif received:
        sentences.append(f"You received help {_times(received)} and gave none yet.")
    elif given:
        sentences.append(f"You gave help {_times(given)} and received none yet.")
    elif count:
        sentences.append("No help given or received yet.")
    return " ".join(sentences)


# --- from the store --------------------------------------------------------------------------
SQL_FUNCTION = "ally_health"
STATS_JOIN = "LEFT JOIN contact_stats s ON s.contact_id = c.id"
_LOCAL_DAY = "CAST(julianday({}, 'localtime') + 0.5 AS INTEGER)"
# The facts in HealthFacts order, for a query over ``contact c`` joined with STATS_JOIN.
FACTS_SQL = ", ".join(
    (
        _LOCAL_DAY.format("c.last_interaction_at"),
        _LOCAL_DAY.format("s.first_at"),
        _LOCAL_DAY.format("c.created_at"),
        "CAST(julianday(c.met_on) + 0.5 AS INTEGER)",  # a date: no time zone to apply
        "coalesce(s.interactions, 0)",
        "coalesce(s.given, 0)",
        "coalesce(s.received, 0)",
        "c.cadence_days",
        "c.closeness",
    )
)
FACT_COUNT = 9
# The score in SQL; its one parameter is today's day number.
SCORE_SQL = f"{SQL_FUNCTION}(?, {FACTS_SQL})"


def install_function(conn: sqlite3.Connection) -> None:
    """Let SQL on ``conn`` call ``score`` as ``ally_health``. Cheap; call it before each query
    that does. Replacing a function SQLite is using fails: then it is already there."""
    with contextlib.suppress(sqlite3.OperationalError):
        conn.create_function(SQL_FUNCTION, 1 + FACT_COUNT, score, deterministic=True)


def facts_of(row: tuple[object, ...]) -> HealthFacts:
    """HealthFacts from the FACTS_SQL columns of a row."""
    return HealthFacts(*row)  # type: ignore[arg-type]


def health_of(db: pw.SqliteDatabase, contact_id: int, today: date | None = None) -> Health:
    """One person's health on ``today`` (the computer's date by default), for the profile
    and ``ally health``. A person in the trash has one too: their profile still shows."""
    row = (
        sqlite_connection(db)
        .execute(f"SELECT {FACTS_SQL} FROM contact c {STATS_JOIN} WHERE c.id = ?", [contact_id])
        .fetchone()
    )
    if row is None:
        raise ContactNotFoundError(f"Contact {contact_id} no longer exists.")
    return assess(facts_of(row), today)

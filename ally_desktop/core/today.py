"""Today: who needs you now, as plain data for the home view and the tray.

Five sections, each a short list (the first few rows, in the order shown) and how many
there are in all:

* **Due**: reminders overdue or due today, longest waiting first, then those due later
  today. Read through ``core.due`` (the Reminders view's and the tray's queries), so
  Today, the tray and the Reminders view always agree on what is due.
* **Drifting**: people without a cadence who used to be in regular touch and are
  slipping away. The rule, kept simple so it can be explained in one line:
  at least ``DRIFT_MIN_INTERACTIONS`` interactions; their usual gap is the span from the
  first to the last one divided by the gaps between them, counted as at least
  ``DRIFT_MIN_GAP_DAYS`` (three coffees on one day are not a daily habit) and at most
  ``DRIFT_REGULAR_DAYS`` (three talks over two years were never regular); they drift
  when the time since the last one is over twice that gap. Closest first, then the
  furthest past their habit. Read from ``contact_stats`` (one row per person, kept by
  triggers), never from the interactions.
* **Birthdays this week**: today and the six days after, from important dates of kind
  ``birthday``; 29 February falls on 28 February in common years, as the reminders do
  (``store.schedule.next_yearly``). With the age when the year is known.
* **New allies to follow up**: met (``met_on``, else the day they were added) in the
  last ``NEW_ALLY_DAYS`` days, exactly that many days ago included, with at most one
  interaction logged. Newest first.
* **Give and get**: the people you lean on most (most help received), with help given
  against help received; those you have only taken from are flagged.

People in the trash or archived are in none of them. Every section is a few indexed or
single-table reads; their timings on 100,000 people are in docs/today.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum

import peewee as pw

from ally_desktop.core.due import DueRow, Section, Window, due_count, due_now, due_rows, section_ids
from ally_desktop.core.relative_time import WEEKDAY_NAMES
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.schedule import format_instant, next_yearly, parse_instant

DEFAULT_LIMIT = 5
BIRTHDAY_DAYS = 7  # today and the six days after
NEW_ALLY_DAYS = 30
DRIFT_MIN_INTERACTIONS = 3
DRIFT_FACTOR = 2.0
DRIFT_MIN_GAP_DAYS = 7.0
DRIFT_REGULAR_DAYS = 90.0


class TodaySection(Enum):
    """The sections, in the order the home view shows them."""

    DUE = "due"
    DRIFTING = "drifting"
    BIRTHDAYS = "birthdays"
    NEW_ALLIES = "new_allies"
    GIVE_GET = "give_get"

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    TodaySection.DUE: "Due",
    TodaySection.DRIFTING: "Drifting away",
    TodaySection.BIRTHDAYS: "Birthdays this week",
    TodaySection.NEW_ALLIES: "New allies to follow up",
    TodaySection.GIVE_GET: "Give and get",
}


@dataclass(frozen=True)
class TodayRow:
    """One line: about whom (or, for a free-standing reminder, what), and why now."""

    contact_id: int | None
    name: str
    why: str
    reminder_id: int | None = None
    attention: bool = False  # worth a second look: you only take from them
    closeness: int | None = None


@dataclass(frozen=True)
class SectionRows:
    """The first rows of a section, in display order, and how many there are in all."""

    section: TodaySection
    rows: tuple[TodayRow, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are not among ``rows``."""
        return max(self.total - len(self.rows), 0)


@dataclass(frozen=True)
class TodayOverview:
    today: date
    sections: tuple[SectionRows, ...]

    def section(self, which: TodaySection) -> SectionRows:
        for rows in self.sections:
            if rows.section is which:
                return rows
        raise KeyError(which)

    @property
    def due(self) -> SectionRows:
        return self.section(TodaySection.DUE)

    @property
    def drifting(self) -> SectionRows:
        return self.section(TodaySection.DRIFTING)

    @property
    def birthdays(self) -> SectionRows:
        return self.section(TodaySection.BIRTHDAYS)

    @property
    def new_allies(self) -> SectionRows:
        return self.section(TodaySection.NEW_ALLIES)

    @property
    def give_get(self) -> SectionRows:
        return self.section(TodaySection.GIVE_GET)

    @property
    def is_quiet(self) -> bool:
        """Nothing due, nobody drifting, no birthday, nobody new: a calm day (the
        balance of help is no call to act)."""
        return not any(rows.total for rows in self.sections if rows.section in _CALLS)


_CALLS = (
    TodaySection.DUE,
    TodaySection.DRIFTING,
    TodaySection.BIRTHDAYS,
    TodaySection.NEW_ALLIES,
)


def moment(today: date | None = None, now: datetime | None = None) -> tuple[date, datetime]:
    """(today, now) from either: ``now`` (aware) gives its local day; a ``today`` alone
    stands for noon of that day on this computer's clock (fixed dates in tests)."""
    if now is None:
        now = (
            datetime.combine(today, time(12, 0)).astimezone()
            if today is not None
            else datetime.now(UTC)
        )
    return (today or now.astimezone().date()), now


def today_overview(
    db: pw.SqliteDatabase,
    today: date | None = None,
    *,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    limits: Mapping[TodaySection, int] | None = None,
) -> TodayOverview:
    """Every section, each with its first ``limit`` rows (``limits`` per section)."""
    today, now = moment(today, now)
    chosen = limits or {}
    return TodayOverview(
        today,
        tuple(
            section_rows(db, which, today=today, now=now, limit=chosen.get(which, limit))
            for which in TodaySection
        ),
    )


def section_rows(
    db: pw.SqliteDatabase,
    which: TodaySection,
    *,
    today: date | None = None,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> SectionRows:
    """One section (to show more of it without reading the others again)."""
    today, now = moment(today, now)
    if which is TodaySection.DUE:
        return due(db, now, limit)
    if which is TodaySection.DRIFTING:
        return drifting(db, now, limit)
    if which is TodaySection.BIRTHDAYS:
        return birthdays(db, today, limit)
    if which is TodaySection.NEW_ALLIES:
        return new_allies(db, today, limit)
    return give_and_get(db, limit)


# --- due -----------------------------------------------------------------------------------
def _later_today(db: pw.SqliteDatabase, window: Window) -> list[DueRow]:
    """Today's reminders whose moment is still to come (``due_count`` has the rest)."""
    ids = section_ids(db, Section.TODAY, window)
    rows = due_rows(db, ids)
    now = parse_instant(window.now)
    return [rows[i] for i in ids if i in rows and rows[i].alert_at > now]


def due_total(db: pw.SqliteDatabase, now: datetime | None = None) -> int:
    """How many reminders are overdue or due today (not snoozed): the Reminders view's
    "due now", the tray's count plus what falls due later today."""
    window = Window.at(now)
    return due_count(db, window) + len(_later_today(db, window))


def due(
    db: pw.SqliteDatabase, now: datetime | None = None, limit: int = DEFAULT_LIMIT
) -> SectionRows:
    window = Window.at(now)
    moment_now = parse_instant(window.now)
    today = moment_now.astimezone().date()
    later = _later_today(db, window)
    ids = due_now(db, window, limit)
    rows = due_rows(db, ids)
    ordered = [rows[i] for i in ids if i in rows] + later[: max(limit - len(ids), 0)]
    return SectionRows(
        TodaySection.DUE,
        tuple(_due_row(row, today) for row in ordered[:limit]),
        due_count(db, window) + len(later),
    )


def _due_row(row: DueRow, today: date) -> TodayRow:
    name = row.contact_name or row.what()
    return TodayRow(row.contact_id, name, due_why(row, today), reminder_id=row.id)


def due_why(row: DueRow, today: date) -> str:
    """ "No contact for 47 days; every 30 days", "Birthday today", "Send the slides, due
    2 days ago", "Call back, due today at 15:00"."""
    if row.kind == "keep_in_touch":
        every = _every(row.cadence_days or 0)
        if row.last_interaction_at is None:
            return f"Nothing logged yet; {every}"
        days = (today - row.last_interaction_at.astimezone().date()).days
        return f"No contact for {_span(days)}; {every}"
    if row.kind == "date" and row.occurs_on is not None:
        what = row.what()
        return f"{what} {_when_day(row.occurs_on, today)}"
    local = row.alert_at.astimezone()
    days = (today - local.date()).days
    if days <= 0:
        due_when = f"due today at {local:%H:%M}"
    elif days == 1:
        due_when = "due yesterday"
    else:
        due_when = f"due {days} days ago"
    if not row.contact_name:  # the title is the row's name already
        return due_when[:1].upper() + due_when[1:]
    return f"{row.what()}, {due_when}"


def _when_day(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Friday" (within a week), "was on 12 March"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "was yesterday"
    if 1 < days < 7:
        return f"on {WEEKDAY_NAMES[day.weekday()]}"
    if days < 0:
        return f"was on {day.day} {day:%B}"
    return f"on {day.day} {day:%B}"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _span(days: float) -> str:
    """A length of time as people say it: days up to 100, then months, then years."""
    whole = max(round(days), 0)
    if whole < 100:
        return _days(whole)
    if whole < 730:
        months = round(whole / 30.4)
        return f"{months} months"
    return f"{whole // 365} years"


def _every(days: float) -> str:
    whole = max(round(days), 1)
    if whole == 1:
        return "every day"
    if whole == 7:
        return "every week"
    return f"every {_span(whole)}"


# --- drifting --------------------------------------------------------------------------------
_DRIFT_SQL = """
WITH habit AS (
    SELECT c.id AS id, c.full_name AS name, c.closeness AS closeness,
        julianday(c.last_interaction_at) AS last,
        (julianday(c.last_interaction_at) - julianday(s.first_at)) / (s.interactions - 1) AS usual
    FROM contact_stats s CROSS JOIN contact c ON c.id = s.contact_id
    WHERE s.interactions >= :least AND c.cadence_days IS NULL AND c.archived = 0
        AND c.trashed_at IS NULL AND c.last_interaction_at IS NOT NULL
), drift AS (
    SELECT id, name, closeness, last, max(usual, :min_gap) AS gap FROM habit
    WHERE usual <= :regular
)
SELECT id, name, closeness, :now - last AS since, gap, count(*) OVER () AS total
FROM drift WHERE :now - last > :factor * gap
ORDER BY closeness, (:now - last) / gap DESC, id
LIMIT :limit
"""


def drifting(
    db: pw.SqliteDatabase, now: datetime | None = None, limit: int = DEFAULT_LIMIT
) -> SectionRows:
    now = now or datetime.now(UTC)
    conn = sqlite_connection(db)
    # Now as SQLite's own Julian day (the stored instants are read with julianday()):
    # the same arithmetic on both sides, computed once rather than once a row.
    (now_day,) = conn.execute("SELECT julianday(?)", [format_instant(now)]).fetchone()
    params = {
        "least": DRIFT_MIN_INTERACTIONS,
        "min_gap": DRIFT_MIN_GAP_DAYS,
        "regular": DRIFT_REGULAR_DAYS,
        "factor": DRIFT_FACTOR,
        "now": now_day,
        # At least one row: it carries the total (the window function counts them all).
        "limit": max(limit, 1),
    }
    rows: list[TodayRow] = []
    total = 0
    for contact_id, name, closeness, since, gap, count in conn.execute(_DRIFT_SQL, params):
        total = count
        if len(rows) < limit:
            why = f"Usually {_every(gap)}; {_span(since)} now"
            rows.append(TodayRow(contact_id, name, why, closeness=closeness))
    return SectionRows(TodaySection.DRIFTING, tuple(rows), total)


# --- birthdays -------------------------------------------------------------------------------
def _month_days(days: Sequence[date]) -> list[tuple[int, int]]:
    """The (month, day) pairs falling on ``days``: each day, and after the last day of a
    month the days it lacks (29 February in a common year falls on the 28th)."""
    pairs: list[tuple[int, int]] = []
    for day in days:
        pairs.append((day.month, day.day))
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day == last:
            pairs.extend((day.month, missing) for missing in range(last + 1, 32))
    return pairs


@dataclass(frozen=True)
class Birthday:
    contact_id: int
    name: str
    on: date  # the day it falls on this time
    year: int | None  # the year of birth, when known
    closeness: int

    def why(self, today: date) -> str:
        """ "Birthday on Friday, turns 40"."""
        text = f"Birthday {_when_day(self.on, today)}"
        if self.year is not None and self.on.year > self.year:
            text += f", turns {self.on.year - self.year}"
        return text


_BIRTHDAY_SQL = """
SELECT d.contact_id, c.full_name, c.closeness, d.year, d.month, d.day
FROM important_date d JOIN contact c ON c.id = d.contact_id
WHERE d.kind = 'birthday' AND c.trashed_at IS NULL AND c.archived = 0 AND ({days})
"""


def birthdays_this_week(db: pw.SqliteDatabase, today: date | None = None) -> list[Birthday]:
    """Every birthday from today to six days ahead, soonest first; a person with two
    birthdays recorded counts once. One read of the (month, day) index per day."""
    today = today or date.today()
    days = [today + timedelta(days=n) for n in range(BIRTHDAY_DAYS)]
    pairs = _month_days(days)
    sql = _BIRTHDAY_SQL.format(days=" OR ".join("(d.month = ? AND d.day = ?)" for _ in pairs))
    found: dict[int, Birthday] = {}
    rows = sqlite_connection(db).execute(sql, [value for pair in pairs for value in pair])
    for contact_id, name, closeness, year, month, day in rows:
        occurs = date.fromisoformat(next_yearly(month, day, today.isoformat()))
        if occurs > days[-1]:
            continue
        if contact_id not in found or occurs < found[contact_id].on:
            found[contact_id] = Birthday(contact_id, name, occurs, year, closeness)
    return sorted(found.values(), key=lambda b: (b.on, b.name.casefold(), b.contact_id))


def birthdays(
    db: pw.SqliteDatabase, today: date | None = None, limit: int = DEFAULT_LIMIT
) -> SectionRows:
    today = today or date.today()
    every = birthdays_this_week(db, today)
    rows = tuple(
        TodayRow(b.contact_id, b.name, b.why(today), closeness=b.closeness) for b in every[:limit]
    )
    return SectionRows(TodaySection.BIRTHDAYS, rows, len(every))


def birthday_day_name(occurs: date, today: date) -> str:
    """The short day the tray names: "today", "tomorrow", "Fri"."""
    days = (occurs - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return WEEKDAY_NAMES[occurs.weekday()][:3]


# --- new allies ------------------------------------------------------------------------------
# ``coalesce(met_on, substr(created_at, 1, 10))`` is the day they were met as the index
# ``contact_by_met`` (when the schema has it) stores it: the day added is its UTC day, so
# the range is read one day wider and the exact local day is checked here.
_NEW_SQL = """
SELECT c.id, c.full_name, c.closeness, c.met_on, c.created_at, c.met_how,
    coalesce(s.interactions, 0)
FROM contact c LEFT JOIN contact_stats s ON s.contact_id = c.id
WHERE +c.trashed_at IS NULL AND coalesce(c.met_on, substr(c.created_at, 1, 10)) >= :since
    AND coalesce(c.met_on, substr(c.created_at, 1, 10)) <= :until
    AND c.archived = 0 AND coalesce(s.interactions, 0) <= 1
"""


def new_allies(
    db: pw.SqliteDatabase, today: date | None = None, limit: int = DEFAULT_LIMIT
) -> SectionRows:
    today = today or date.today()
    first = today - timedelta(days=NEW_ALLY_DAYS)
    params = {
        "since": (first - timedelta(days=1)).isoformat(),
        "until": (today + timedelta(days=1)).isoformat(),
    }
    found: list[tuple[date, str, int, TodayRow]] = []
    for contact_id, name, closeness, met_on, created_at, met_how, count in sqlite_connection(
        db
    ).execute(_NEW_SQL, params):
        try:
            met = (
                date.fromisoformat(met_on)
                if met_on
                else parse_instant(created_at).astimezone().date()
            )
        except ValueError:
            continue
        if not first <= met <= today:
            continue
        why = _met_why(met, today, met_how, count)
        found.append(
            (
                met,
                created_at or "",
                contact_id,
                TodayRow(contact_id, name, why, closeness=closeness),
            )
        )
    found.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    return SectionRows(
        TodaySection.NEW_ALLIES, tuple(item[3] for item in found[:limit]), len(found)
    )


def _met_why(met: date, today: date, how: str, interactions: int) -> str:
    days = (today - met).days
    when = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    text = f"Met {when}"
    how = " ".join(how.split())
    if how:
        text += f" · {how[:60]}"
    if interactions == 0:
        text += " · nothing logged yet"
    return text


# --- give and get ----------------------------------------------------------------------------
_GIVE_GET_SQL = """
SELECT c.id, c.full_name, c.closeness, s.given, s.received
FROM contact_stats s CROSS JOIN contact c ON c.id = s.contact_id
WHERE s.received > 0 AND c.trashed_at IS NULL AND c.archived = 0
ORDER BY s.received DESC, s.given, c.closeness, c.id
LIMIT :limit
"""
# Counted in table order (``+``: not through an index by help received, whose order
# makes every contact lookup a random read: three times slower).
_GIVE_GET_COUNT_SQL = """
SELECT count(*) FROM contact_stats s CROSS JOIN contact c ON c.id = s.contact_id
WHERE +s.received > 0 AND c.trashed_at IS NULL AND c.archived = 0
"""


def give_and_get(db: pw.SqliteDatabase, limit: int = DEFAULT_LIMIT) -> SectionRows:
    conn = sqlite_connection(db)
    rows = tuple(
        TodayRow(
            contact_id,
            name,
            f"Received help {_times(received)}, gave {_times(given) if given else 'none'}",
            attention=given == 0,
            closeness=closeness,
        )
        for contact_id, name, closeness, given, received in conn.execute(
            _GIVE_GET_SQL, {"limit": limit}
        )
    )
    total = int(conn.execute(_GIVE_GET_COUNT_SQL).fetchone()[0])
    return SectionRows(TodaySection.GIVE_GET, rows, total)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def drifting_count(db: pw.SqliteDatabase, now: datetime | None = None) -> int:
    return drifting(db, now, 1).total


def new_allies_count(db: pw.SqliteDatabase, today: date | None = None) -> int:
    return new_allies(db, today, 0).total


__all__ = [
    "Birthday",
    "SectionRows",
    "TodayOverview",
    "TodayRow",
    "TodaySection",
    "birthday_day_name",
    "birthdays",
    "birthdays_this_week",
    "drifting",
    "due",
    "due_total",
    "give_and_get",
    "new_allies",
    "section_rows",
    "today_overview",
]

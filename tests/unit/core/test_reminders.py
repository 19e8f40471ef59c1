"""Reminders: their life cycle, keep in touch and important dates kept by the store's
triggers, the upgrade of an older file, and the queries of the Reminders view and timer.

This computer is in Paris for every test (see ``in_paris``); times are explicit ``now=``
arguments except where the store itself reads the clock (a contact's creation, today's date
for a new birthday), where expectations are computed from the real today.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time as time_module
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest
import tzlocal

from ally_desktop.core.contacts import (
    create_contact,
    load_contact,
    restore_contacts,
    trash_contacts,
    update_contact,
)
from ally_desktop.core.records import ContactData, ImportantDate
from ally_desktop.core.reminders import (
    DueItem,
    Frequency,
    Recurrence,
    ReminderData,
    ReminderNotFoundError,
    Section,
    complete,
    contact_reminders,
    create_reminder,
    delete_reminder,
    dismiss,
    due_batch,
    due_items,
    load_reminder,
    mark_announced,
    next_alert,
    reminder_state,
    restore_reminder,
    set_reminder_state,
    snooze,
    to_announce,
    update_reminder,
)
from ally_desktop.core.timeline import (
    InteractionData,
    create_interaction,
    set_interactions_trashed,
    update_interaction,
)
from ally_desktop.core.validation import ValidationError
from ally_desktop.store import migrations
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.schedule import next_yearly

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def in_paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock is in Paris (TZ and tzset); put back after."""
    if not hasattr(time_module, "tzset"):
        pytest.skip("time.tzset is only on Unix")
    monkeypatch.setenv("TZ", "Europe/Paris")
    time_module.tzset()
    tzlocal.reload_localzone()
    yield
    monkeypatch.undo()
    time_module.tzset()
    tzlocal.reload_localzone()


# --- helpers -------------------------------------------------------------------------------
def paris(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def morning(day: date) -> datetime:
    """09:00 in Paris on ``day``, in UTC (as due instants are)."""
    return datetime.combine(day, time(9, 0), PARIS).astimezone(UTC)


def today() -> date:
    return date.today()  # in Paris: the process zone


def _add(db: pw.SqliteDatabase, name: str, **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=name, **fields))


def _edit(db: pw.SqliteDatabase, contact_id: int, **changes: Any) -> None:
    data = load_contact(db, contact_id).data
    update_contact(db, contact_id, dataclasses.replace(data, **changes))


def _log(db: pw.SqliteDatabase, people: list[int], when: datetime) -> int:
    return create_interaction(db, InteractionData("coffee", people, when=when))


def _row(db: pw.SqliteDatabase, reminder_id: int) -> dict[str, Any]:
    cursor = sqlite_connection(db).execute("SELECT * FROM reminder WHERE id = ?", [reminder_id])
    names = [d[0] for d in cursor.description]
    found = cursor.fetchone()
    assert found is not None, f"reminder {reminder_id} is gone"
    return dict(zip(names, found, strict=True))


def _of(db: pw.SqliteDatabase, contact_id: int, kind: str) -> list[int]:
    return [
        rid
        for (rid,) in sqlite_connection(db).execute(
            "SELECT id FROM reminder WHERE contact_id = ? AND kind = ? ORDER BY id",
            [contact_id, kind],
        )
    ]


def _keep(db: pw.SqliteDatabase, contact_id: int) -> int:
    (rid,) = _of(db, contact_id, "keep_in_touch")
    return rid


def _count(db: pw.SqliteDatabase) -> int:
    return int(sqlite_connection(db).execute("SELECT count(*) FROM reminder").fetchone()[0])


def _once(
    db: pw.SqliteDatabase, day: date, at: time | None = None, title: str = "Call", **fields: Any
) -> int:
    return create_reminder(db, ReminderData(title, day, at_time=at, **fields))


def _sections(items: list[DueItem]) -> dict[int, Section]:
    return {item.id: item.section for item in items}


def _first_yearly(month: int, day: int, start: date) -> date:
    return date.fromisoformat(next_yearly(month, day, start.isoformat()))


# --- creating and validating ---------------------------------------------------------------
def test_once_without_person_or_time_falls_due_in_the_local_morning(db) -> None:
    rid = _once(db, date(2030, 6, 14), title="  Renew passport ")
    record = load_reminder(db, rid)
    assert (record.kind, record.contact_id, record.title) == ("once", None, "Renew passport")
    assert (record.starts_on, record.occurs_on) == (date(2030, 6, 14), date(2030, 6, 14))
    assert record.at_time is None
    assert record.time_zone == "Europe/Paris", "this computer's zone by default"
    assert record.due_at == datetime(2030, 6, 14, 7, 0, tzinfo=UTC) == morning(date(2030, 6, 14))
    assert record.alert_at == record.due_at
    assert (record.recurrence, record.snoozed_until, record.done_count) == (None, None, 0)
    assert record.data().title == "Renew passport"


def test_once_about_a_person_at_a_time_in_its_own_zone(db) -> None:
    ana = _add(db, "Ana")
    rid = create_reminder(
        db,
        ReminderData(
            "",
            date(2030, 1, 10),
            contact_id=ana,
            at_time=time(18, 30),
            time_zone="America/New_York",
            note="  ask about the move ",
        ),
    )
    record = load_reminder(db, rid)
    assert (record.contact_id, record.title, record.note) == (ana, "", "ask about the move")
    assert record.at_time == time(18, 30)
    assert record.due_at == datetime(2030, 1, 10, 23, 30, tzinfo=UTC)
    assert record.due_at.astimezone(NEW_YORK).time() == time(18, 30)
    assert [r.id for r in contact_reminders(db, ana)] == [rid]

    early = create_reminder(
        db, ReminderData("Gift", date(2030, 1, 10), contact_id=ana, advance_days=3)
    )
    record = load_reminder(db, early)
    assert record.occurs_on == date(2030, 1, 10), "the occurrence stays on its day"
    assert record.due_at == morning(date(2030, 1, 7)), "due three days before"
    assert [r.id for r in contact_reminders(db, ana)] == [early, rid], "soonest first"


def test_recurring_reminder_is_stored_with_its_rule(db) -> None:
    rule = Recurrence(Frequency.WEEKLY, 2, (3, 0), count=5)
    rid = create_reminder(
        db, ReminderData("1:1", date(2030, 1, 2), kind="recurring", recurrence=rule)
    )
    record = load_reminder(db, rid)
    assert _row(db, rid)["rule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=5"
    assert record.recurrence == Recurrence(Frequency.WEEKLY, 2, (0, 3), count=5)
    assert record.occurs_on == date(2030, 1, 3), "the first Thursday of the rule"
    assert record.due_at == morning(date(2030, 1, 3))


def _recurring(**rule: Any) -> Recurrence:
    return Recurrence(Frequency.DAILY, **rule)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ReminderData("  ", date(2030, 1, 1)), "title"),
        (ReminderData("x", date(2030, 1, 1), kind="date"), "kind"),
        (ReminderData("x", date(2030, 1, 1), kind="keep_in_touch"), "kind"),
        (ReminderData("x", date(2030, 1, 1), kind="recurring"), "recurrence"),
        (
            ReminderData(
                "x",
                date(2030, 1, 1),
                kind="recurring",
                recurrence=_recurring(until=date(2029, 12, 31)),
            ),
            "recurrence",
        ),
        (
            ReminderData(
                "x", date(2030, 1, 1), kind="recurring", recurrence=_recurring(interval=0)
            ),
            "recurrence",
        ),
        (
            ReminderData(
                "x", date(2030, 1, 1), kind="recurring", recurrence=_recurring(interval=1001)
            ),
            "recurrence",
        ),
        (
            ReminderData("x", date(2030, 1, 1), kind="recurring", recurrence=_recurring(count=0)),
            "recurrence",
        ),
        (ReminderData("x", date(2030, 1, 1), advance_days=366), "advance_days"),
        (ReminderData("x", date(2030, 1, 1), advance_days=-1), "advance_days"),
        (ReminderData("x" * 10_000, date(2030, 1, 1)), "title"),
        (ReminderData("x", date(2030, 1, 1), contact_id=999), "contact_id"),
    ],
)
def test_invalid_reminders_store_nothing(db, data: ReminderData, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create_reminder(db, data)
    assert field in [e.field for e in raised.value.errors]
    assert _count(db) == 0


def test_a_reminder_about_a_person_in_the_trash_is_refused(db) -> None:
    ana = _add(db, "Ana")
    trash_contacts(db, [ana])
    with pytest.raises(ValidationError) as raised:
        create_reminder(db, ReminderData("", date(2030, 1, 1), contact_id=ana))
    assert [e.field for e in raised.value.errors] == ["contact_id"]
    assert _count(db) == 0
    restore_contacts(db, [ana])
    assert create_reminder(db, ReminderData("", date(2030, 1, 1), contact_id=ana))


def test_every_problem_is_reported_at_once(db) -> None:
    data = ReminderData(
        "",
        date(2030, 1, 1),
        kind="recurring",
        recurrence=_recurring(interval=0, until=date(2029, 1, 1)),
        advance_days=400,
    )
    with pytest.raises(ValidationError) as raised:
        create_reminder(db, data)
    fields = [e.field for e in raised.value.errors]
    assert fields.count("recurrence") == 2
    assert {"title", "advance_days"} <= set(fields)


# --- done, dismiss, snooze -----------------------------------------------------------------
NOW = paris(2030, 6, 20, 10, 0)
# Done before the occurrences fall due: each done moves to the very next one. (Done
# after several were missed moves past today: see the long-overdue tests.)
EARLY = paris(2020, 1, 1, 10, 0)


def test_done_finishes_a_one_off(db) -> None:
    rid = _once(db, date(2030, 6, 14))
    assert rid in _sections(due_items(db, NOW))
    complete(db, rid, now=NOW)
    record = load_reminder(db, rid)
    assert (record.occurs_on, record.due_at, record.alert_at) == (None, None, None)
    assert record.done_count == 1
    assert _row(db, rid)["last_done_at"] == "2030-06-20T08:00:00Z"
    assert rid not in _sections(due_items(db, NOW, upcoming_days=3650))
    assert next_alert(db, paris(2000, 1, 1)) is None


def test_a_finished_reminder_cannot_be_done_dismissed_or_snoozed_again(db) -> None:
    rid = _once(db, date(2030, 6, 14))
    complete(db, rid, now=NOW)
    before = reminder_state(db, rid)
    for act in (complete, dismiss):
        with pytest.raises(ReminderNotFoundError):
            act(db, rid, now=NOW)  # a second click on Done brings nothing back
    with pytest.raises(ReminderNotFoundError):
        snooze(db, rid, NOW + timedelta(hours=1))
    assert reminder_state(db, rid) == before
    assert load_reminder(db, rid).due_at is None


def test_done_moves_a_recurring_reminder_to_its_next_occurrence(db) -> None:
    rid = create_reminder(
        db,
        ReminderData(
            "Rent", date(2030, 1, 31), kind="recurring", recurrence=Recurrence(Frequency.MONTHLY)
        ),
    )
    seen = []
    for done in range(1, 5):
        seen.append(load_reminder(db, rid).occurs_on)
        complete(db, rid, now=EARLY)
        assert load_reminder(db, rid).done_count == done
    seen.append(load_reminder(db, rid).occurs_on)
    assert seen == [
        date(2030, 1, 31),
        date(2030, 2, 28),
        date(2030, 3, 31),
        date(2030, 4, 30),
        date(2030, 5, 31),
    ]
    assert load_reminder(db, rid).due_at == morning(date(2030, 5, 31))


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        (
            Recurrence(Frequency.DAILY, 2, count=3),
            date(2030, 1, 1),
            ["2030-01-01", "2030-01-03", "2030-01-05"],
        ),
        (
            Recurrence(Frequency.WEEKLY, 1, (1, 4), until=date(2030, 1, 10)),
            date(2030, 1, 1),
            ["2030-01-01", "2030-01-04", "2030-01-08"],
        ),
        (
            Recurrence(Frequency.YEARLY, until=date(2030, 3, 1)),
            date(2028, 2, 29),
            ["2028-02-29", "2029-02-28", "2030-02-28"],
        ),
    ],
    ids=["count", "until", "yearly-until"],
)
def test_done_after_the_last_occurrence_finishes(
    db, rule: Recurrence, start: date, expected: list[str]
) -> None:
    rid = create_reminder(db, ReminderData("x", start, kind="recurring", recurrence=rule))
    days = []
    while (record := load_reminder(db, rid)).due_at is not None:
        assert record.occurs_on is not None
        days.append(record.occurs_on.isoformat())
        complete(db, rid, now=EARLY)
    assert days == expected
    assert (record.occurs_on, record.alert_at) == (None, None)
    assert record.done_count == len(expected)


def test_dismiss_moves_on_without_counting(db) -> None:
    rid = create_reminder(
        db,
        ReminderData(
            "Water plants", date(2030, 6, 1), kind="recurring", recurrence=_recurring(interval=3)
        ),
    )
    dismiss(db, rid, now=EARLY)
    record = load_reminder(db, rid)
    assert record.occurs_on == date(2030, 6, 4)
    assert record.done_count == 0
    assert _row(db, rid)["last_done_at"] is None
    complete(db, rid, now=EARLY)
    assert (load_reminder(db, rid).occurs_on, load_reminder(db, rid).done_count) == (
        date(2030, 6, 7),
        1,
    )


def test_snooze_puts_it_aside_until_then(db) -> None:
    rid = _once(db, date(2030, 6, 20), time(9, 0))
    assert _sections(due_items(db, NOW)) == {rid: Section.TODAY}
    until = paris(2030, 6, 20, 15, 0)
    snooze(db, rid, until)
    record = load_reminder(db, rid)
    assert record.snoozed_until == until.astimezone(UTC)
    assert record.alert_at == until
    assert _row(db, rid)["alert_at"] == "2030-06-20T13:00:00Z", "the indexed column follows"
    assert _sections(due_items(db, NOW)) == {rid: Section.SNOOZED}
    assert _sections(due_items(db, paris(2030, 6, 20, 15, 1))) == {rid: Section.TODAY}
    assert _sections(due_items(db, paris(2030, 6, 21, 8, 0))) == {rid: Section.OVERDUE}
    complete(db, rid, now=NOW)
    assert load_reminder(db, rid).snoozed_until is None, "done clears the snooze"


def test_snooze_needs_an_aware_time_and_an_existing_reminder(db) -> None:
    rid = _once(db, date(2030, 6, 20))
    with pytest.raises(ValueError, match="aware"):
        snooze(db, rid, datetime(2030, 6, 21, 9, 0))
    with pytest.raises(ReminderNotFoundError):
        snooze(db, 999, NOW)
    for act in (complete, dismiss):
        with pytest.raises(ReminderNotFoundError):
            act(db, 999, now=NOW)


def test_state_round_trip_undoes_done_and_snooze(db) -> None:
    rid = create_reminder(
        db,
        ReminderData("x", date(2030, 6, 1), kind="recurring", recurrence=_recurring(count=2)),
    )
    mark_announced(db, [rid], now=NOW)
    before_state, before = reminder_state(db, rid), load_reminder(db, rid)
    complete(db, rid, now=EARLY)
    snooze(db, rid, NOW + timedelta(days=1))
    complete(db, rid, now=EARLY)
    assert load_reminder(db, rid).due_at is None
    set_reminder_state(db, rid, before_state)
    assert reminder_state(db, rid) == before_state
    assert load_reminder(db, rid) == before
    assert before_state.notified_at == "2030-06-20T08:00:00Z"
    with pytest.raises(ReminderNotFoundError):
        reminder_state(db, 999)
    with pytest.raises(ReminderNotFoundError):
        set_reminder_state(db, 999, before_state)


def test_delete_and_restore_give_back_the_same_record(db) -> None:
    ana = _add(db, "Ana")
    rid = create_reminder(
        db,
        ReminderData(
            "Check in",
            date(2030, 3, 1),
            kind="recurring",
            contact_id=ana,
            at_time=time(8, 15),
            time_zone="Pacific/Auckland",
            recurrence=Recurrence(Frequency.WEEKLY, 2, (0, 4), until=date(2031, 1, 1)),
            note="note",
            advance_days=1,
        ),
    )
    complete(db, rid, now=NOW)
    snooze(db, rid, NOW + timedelta(days=2))
    record = load_reminder(db, rid)
    assert delete_reminder(db, rid) == record
    with pytest.raises(ReminderNotFoundError):
        load_reminder(db, rid)
    assert next_alert(db, NOW) is None
    restore_reminder(db, record)
    assert load_reminder(db, rid) == record
    assert next_alert(db, NOW) == NOW + timedelta(days=2)


def test_person_led_reminders_cannot_be_deleted_or_edited_by_hand(db) -> None:
    ana = _add(db, "Ana", cadence_days=30, dates=[ImportantDate("birthday", 5, 1)])
    for rid in (_keep(db, ana), *_of(db, ana, "date")):
        with pytest.raises(ValidationError):
            delete_reminder(db, rid)
        with pytest.raises(ReminderNotFoundError):
            update_reminder(db, rid, ReminderData("x", date(2030, 1, 1)))
        assert _row(db, rid)["kind"] in ("keep_in_touch", "date")
    with pytest.raises(ReminderNotFoundError):
        delete_reminder(db, 999)


def test_update_restarts_the_schedule(db) -> None:
    rid = create_reminder(
        db,
        ReminderData("x", date(2030, 1, 1), kind="recurring", recurrence=_recurring(interval=7)),
    )
    complete(db, rid, now=EARLY)
    complete(db, rid, now=EARLY)
    snooze(db, rid, NOW)
    mark_announced(db, [rid], now=EARLY)
    assert load_reminder(db, rid).occurs_on == date(2030, 1, 15)
    update_reminder(
        db,
        rid,
        ReminderData(
            "y",
            date(2030, 2, 10),
            kind="recurring",
            at_time=time(7, 45),
            recurrence=Recurrence(Frequency.MONTHLY),
        ),
    )
    record = load_reminder(db, rid)
    assert (record.title, record.starts_on, record.occurs_on) == (
        "y",
        date(2030, 2, 10),
        date(2030, 2, 10),
    )
    assert record.due_at == datetime(2030, 2, 10, 7, 45, tzinfo=PARIS)
    assert record.snoozed_until is None
    assert _row(db, rid)["notified_at"] is None
    assert record.recurrence == Recurrence(Frequency.MONTHLY)
    with pytest.raises(ValidationError):
        update_reminder(db, rid, ReminderData("", date(2030, 1, 1)))
    assert load_reminder(db, rid) == record, "an invalid change changes nothing"
    with pytest.raises(ReminderNotFoundError):
        update_reminder(db, 999, ReminderData("z", date(2030, 1, 1)))


def test_a_recurring_time_stays_on_the_wall_clock_across_daylight_saving(db) -> None:
    rid = create_reminder(
        db,
        ReminderData(
            "Standup",
            date(2030, 3, 25),
            kind="recurring",
            at_time=time(9, 30),
            recurrence=_recurring(),
        ),
    )
    york = create_reminder(
        db,
        ReminderData(
            "NY call",
            date(2030, 3, 5),
            kind="recurring",
            at_time=time(9, 30),
            time_zone="America/New_York",
            recurrence=Recurrence(Frequency.WEEKLY),
        ),
    )
    utc_hours = []
    for _ in range(8):
        record = load_reminder(db, rid)
        assert record.due_at is not None
        assert record.due_at.astimezone(PARIS).time() == time(9, 30)
        utc_hours.append(record.due_at.hour)
        complete(db, rid, now=EARLY)
    assert utc_hours == [8, 8, 8, 8, 8, 8, 7, 7], "Paris moves to summer time on 31 March"
    for _ in range(3):  # New York changes on 10 March, three weeks before Paris
        record = load_reminder(db, york)
        assert record.due_at is not None
        assert record.due_at.astimezone(NEW_YORK).time() == time(9, 30)
        complete(db, york, now=EARLY)


# --- keep in touch -------------------------------------------------------------------------
def test_a_cadence_makes_exactly_one_keep_in_touch_reminder(db) -> None:
    ana = _add(db, "Ana")
    assert _of(db, ana, "keep_in_touch") == []
    _edit(db, ana, cadence_days=30)
    rid = _keep(db, ana)
    assert _row(db, rid)["due_at"] == morning(today() + timedelta(days=30)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    ), "nothing logged: due a cadence after being added"
    _edit(db, ana, notes="saved again")
    _edit(db, ana, cadence_days=7)
    assert _of(db, ana, "keep_in_touch") == [rid], "the same reminder, moved"
    assert load_reminder(db, rid).due_at == morning(today() + timedelta(days=7))
    _edit(db, ana, cadence_days=None)
    assert _of(db, ana, "keep_in_touch") == []
    assert _count(db) == 0

    bo = _add(db, "Bo", cadence_days=14)
    record = load_reminder(db, _keep(db, bo))
    assert (record.kind, record.contact_id, record.occurs_on) == ("keep_in_touch", bo, None)
    assert record.due_at == morning(today() + timedelta(days=14))
    assert _count(db) == 1


def test_logging_moves_keep_in_touch_and_clears_a_snooze(db) -> None:
    ana = _add(db, "Ana", cadence_days=30)
    bo = _add(db, "Bo")
    rid = _keep(db, ana)
    added_due = load_reminder(db, rid).due_at
    snooze(db, rid, NOW)
    mark_announced(db, [rid], now=NOW)

    # 00:30 in Paris on 29 March is still the 28th in UTC: the local day counts.
    late = _log(db, [ana, bo], paris(2026, 3, 29, 0, 30))
    record = load_reminder(db, rid)
    assert record.due_at == morning(date(2026, 4, 28))
    assert record.snoozed_until is None, "contact happened: the snooze is no longer needed"
    assert _row(db, rid)["notified_at"] is None
    assert _of(db, bo, "keep_in_touch") == [], "no cadence, no reminder"

    early = _log(db, [ana], paris(2026, 3, 1, 18, 0))
    assert load_reminder(db, rid).due_at == morning(date(2026, 4, 28)), "an older one: no change"

    snooze(db, rid, NOW)
    set_interactions_trashed(db, [late], True)
    record = load_reminder(db, rid)
    assert record.due_at == morning(date(2026, 3, 31)), "back to the one before"
    assert record.snoozed_until == NOW, "moving back is not contact: the snooze stays"
    set_interactions_trashed(db, [early], True)
    assert load_reminder(db, rid).due_at == added_due, "nothing left: from when added"
    set_interactions_trashed(db, [late], False)
    assert load_reminder(db, rid).due_at == morning(date(2026, 4, 28))


def test_done_without_logging_restarts_the_cadence_from_now(db) -> None:
    ana = _add(db, "Ana", cadence_days=30)
    rid = _keep(db, ana)
    _log(db, [ana], paris(2030, 1, 2))
    assert load_reminder(db, rid).due_at == morning(date(2030, 2, 1))
    complete(db, rid, now=paris(2030, 1, 10, 23, 30))
    record = load_reminder(db, rid)
    assert record.due_at == morning(date(2030, 2, 9))
    assert record.done_count == 1
    assert _row(db, rid)["touched_at"] == "2030-01-10T22:30:00Z"

    _log(db, [ana], paris(2030, 1, 5))
    assert load_reminder(db, rid).due_at == morning(date(2030, 2, 9)), "older than the done"
    _edit(db, ana, cadence_days=10)
    assert load_reminder(db, rid).due_at == morning(date(2030, 1, 20)), "from the done"
    _log(db, [ana], paris(2030, 1, 15))
    assert load_reminder(db, rid).due_at == morning(date(2030, 1, 25))

    dismiss(db, rid, now=paris(2030, 1, 30))
    record = load_reminder(db, rid)
    assert (record.due_at, record.done_count) == (morning(date(2030, 2, 9)), 1)


def test_people_in_the_trash_or_archived_are_not_due(db) -> None:
    soon = today() + timedelta(days=2)
    ana = _add(db, "Ana", cadence_days=1, dates=[ImportantDate("birthday", soon.month, soon.day)])
    about = create_reminder(db, ReminderData("", today(), contact_id=ana))
    free = _once(db, today())
    now = datetime.now(UTC) + timedelta(days=5)
    everything = {_keep(db, ana), *_of(db, ana, "date"), about, free}

    def due() -> set[int]:
        return set(_sections(due_items(db, now, upcoming_days=400)))

    assert due() == everything
    _edit(db, ana, archived=True)
    assert due() == {about, free}, "archived: no keep in touch, no birthdays"
    _edit(db, ana, archived=False)
    assert due() == everything
    trash_contacts(db, [ana])
    assert due() == {free}, "in the trash: nothing about them"
    restore_contacts(db, [ana])
    assert due() == everything


def test_drifting_allies_come_first_furthest_past_their_cadence(db) -> None:
    now = paris(2030, 6, 1)
    conn = sqlite_connection(db)

    def person(name: str, cadence: int, last: date | None = None) -> int:
        contact_id = _add(db, name, cadence_days=cadence)
        if last is not None:
            _log(db, [contact_id], paris(last.year, last.month, last.day))
        return contact_id

    ana = person("Ana", 10, date(2030, 5, 2))  # 30 days since contact: 3.0 cadences
    bo = person("Bo", 30, date(2030, 4, 2))  # 60 days: 2.0
    cy = person("Cy", 7, date(2030, 5, 29))  # not due before 5 June
    di = person("Di", 20)  # done without logging on 12 April: 50 days, 2.5
    complete(db, _keep(db, di), now=paris(2030, 4, 12))
    ed = person("Ed", 30)  # added on 2 March, nothing logged: 91 days, 3.03
    conn.execute(
        "UPDATE contact SET created_at = '2030-03-02T10:00:00.000000Z', cadence_days = 30"
        " WHERE id = ?",
        [ed],
    )
    fay = person("Fay", 10, date(2030, 5, 10))  # 22 days: 2.2, snoozed until yesterday
    snooze(db, _keep(db, fay), paris(2030, 5, 31, 9))
    chore = _once(db, date(2030, 5, 1))

    items = due_items(db, now)
    overdue = [i for i in items if i.section is Section.OVERDUE]
    names = {ana: "ana", bo: "bo", di: "di", ed: "ed", fay: "fay"}
    assert [names.get(i.contact_id or 0, i.title) for i in overdue] == [
        "ed",
        "ana",
        "di",
        "fay",
        "bo",
        "Call",
    ]
    ratios = {names.get(i.contact_id or 0, "chore"): round(i.overdue_ratio, 2) for i in overdue}
    assert ratios == {"ed": 3.03, "ana": 3.0, "di": 2.5, "fay": 2.2, "bo": 2.0, "chore": 0.0}
    assert overdue[-1].id == chore
    upcoming = [i for i in items if i.section is Section.UPCOMING]
    assert [i.contact_id for i in upcoming] == [cy]
    assert overdue[1].why(now.date()) == "no contact for 30 days, cadence 10"
    assert overdue[0].why(now.date()) == "nothing logged yet, cadence 30 days"


# --- important dates -----------------------------------------------------------------------
def test_a_birthday_gets_a_reminder_for_its_next_day_today_included(db) -> None:
    day = today()
    yesterday, tomorrow = day - timedelta(days=1), day + timedelta(days=1)
    ana = _add(
        db,
        "Ana",
        dates=[
            ImportantDate("birthday", day.month, day.day),
            ImportantDate("anniversary", tomorrow.month, tomorrow.day, 2019),
            ImportantDate("custom", yesterday.month, yesterday.day, label="Name day"),
            ImportantDate("custom", 2, 29, label="Leap"),
        ],
    )
    found = {r.date_key: r for r in contact_reminders(db, ana)}
    assert set(found) == {
        f"birthday:{day:%m-%d}:",
        f"anniversary:{tomorrow:%m-%d}:",
        f"custom:{yesterday:%m-%d}:Name day",
        "custom:02-29:Leap",
    }
    assert found[f"birthday:{day:%m-%d}:"].occurs_on == day, "today counts"
    assert found[f"birthday:{day:%m-%d}:"].due_at == morning(day)
    assert found[f"anniversary:{tomorrow:%m-%d}:"].occurs_on == tomorrow
    next_year = found[f"custom:{yesterday:%m-%d}:Name day"].occurs_on
    assert next_year == _first_yearly(yesterday.month, yesterday.day, day)
    assert next_year is not None
    assert next_year > day
    leap = found["custom:02-29:Leap"].occurs_on
    assert leap is not None
    assert leap.month == 2
    assert leap.day == (29 if leap.year % 4 == 0 else 28)
    assert day <= leap <= day + timedelta(days=366)
    for record in found.values():
        assert (record.kind, record.contact_id, record.done_count) == ("date", ana, 0)
        assert record.occurs_on is not None
        assert record.due_at == morning(record.occurs_on)

    items = due_items(db, datetime.now(UTC), upcoming_days=400)
    birthday = next(i for i in items if i.date_key == f"birthday:{day:%m-%d}:")
    assert birthday.section is Section.TODAY
    assert birthday.why(day) == f"birthday on {day.day} {day:%B}"


def test_saving_a_contact_keeps_its_date_reminders_and_their_state(db) -> None:
    ana = _add(db, "Ana", dates=[ImportantDate("birthday", 7, 14)])
    (rid,) = _of(db, ana, "date")
    first = load_reminder(db, rid)
    assert first.occurs_on is not None
    complete(db, rid, now=datetime.now(UTC))
    done = load_reminder(db, rid)
    assert done.occurs_on == date(first.occurs_on.year + 1, 7, 14), "done: next year"
    assert done.done_count == 1

    _edit(db, ana, notes="saved again")
    update_contact(db, ana, load_contact(db, ana).data)
    assert _of(db, ana, "date") == [rid]
    assert load_reminder(db, rid) == done, "saving does not bring the birthday back"

    snooze(db, rid, NOW)
    _edit(db, ana, dates=[ImportantDate("birthday", 7, 14), ImportantDate("custom", 1, 2)])
    assert load_reminder(db, rid).snoozed_until == NOW
    assert len(_of(db, ana, "date")) == 2


def test_removing_or_changing_a_date_replaces_its_reminder(db) -> None:
    ana = _add(db, "Ana", dates=[ImportantDate("birthday", 3, 3), ImportantDate("custom", 6, 6)])
    bo = _add(db, "Bo", dates=[ImportantDate("birthday", 3, 3)])
    (bos,) = _of(db, bo, "date")
    birthday, custom = _of(db, ana, "date")

    _edit(db, ana, dates=[ImportantDate("birthday", 3, 3)])
    assert _of(db, ana, "date") == [birthday], "the removed date's reminder goes"

    _edit(db, ana, dates=[ImportantDate("birthday", 3, 4)])
    (moved,) = _of(db, ana, "date")
    assert moved not in (birthday, custom)
    record = load_reminder(db, moved)
    assert record.date_key == "birthday:03-04:"
    assert record.occurs_on == _first_yearly(3, 4, today())

    _edit(db, ana, dates=[])
    assert _of(db, ana, "date") == []
    assert _of(db, bo, "date") == [bos], "another person's same birthday stays"


def test_done_on_a_date_moves_it_to_next_year_29_february_included(db) -> None:
    ana = _add(db, "Ana", dates=[ImportantDate("birthday", 2, 29, 1988)])
    (rid,) = _of(db, ana, "date")
    state = reminder_state(db, rid)
    set_reminder_state(db, rid, dataclasses.replace(state, occurs_on="2027-02-28"))
    seen = []
    for _ in range(6):
        complete(db, rid, now=EARLY)
        record = load_reminder(db, rid)
        assert record.occurs_on is not None
        assert record.due_at == morning(record.occurs_on)
        seen.append(record.occurs_on.isoformat())
    assert seen == [
        "2028-02-29",
        "2029-02-28",
        "2030-02-28",
        "2031-02-28",
        "2032-02-29",
        "2033-02-28",
    ]
    assert load_reminder(db, rid).done_count == 6


def test_done_on_a_long_overdue_date_moves_past_today(db) -> None:
    """Missed occurrences are not owed one by one."""
    ana = _add(db, "Ana", dates=[ImportantDate("birthday", 1, 2)])
    (rid,) = _of(db, ana, "date")
    two_years_ago = date(today().year - 2, 1, 2)
    state = reminder_state(db, rid)
    set_reminder_state(db, rid, dataclasses.replace(state, occurs_on=two_years_ago.isoformat()))
    complete(db, rid, now=datetime.now(UTC))
    occurs = load_reminder(db, rid).occurs_on
    assert occurs is not None
    assert occurs >= today()


# --- an older file -------------------------------------------------------------------------
def test_a_version_4_file_gets_its_reminders_on_upgrade(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as raw:
        migrations.migrate(raw, target=4)
        added = "2026-01-01T10:00:00.000000Z"
        people = [
            (1, "Ana", 30, None),
            (2, "Bo", 7, None),
            (3, "Cy", None, None),
            (4, "Di", 10, "2026-02-01T00:00:00.000000Z"),  # in the trash
        ]
        for contact_id, name, cadence, trashed in people:
            raw.execute(
                "INSERT INTO contact (id, full_name, sort_name, cadence_days, created_at,"
                " updated_at, trashed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [contact_id, name, name.lower(), cadence, added, added, trashed],
            )
        raw.execute(
            "INSERT INTO interaction (id, occurred_at, local_date, kind, created_at, updated_at)"
            " VALUES (1, '2026-02-10T22:30:00Z', '2026-02-10', 'call', ?, ?)",
            [added, added],
        )
        raw.execute("INSERT INTO interaction_participant VALUES (1, 1)")
        for contact_id, kind, month, day, label in [
            (3, "birthday", 2, 29, ""),
            (3, "custom", 12, 6, "Name day"),
            (4, "birthday", 5, 5, ""),
        ]:
            raw.execute(
                "INSERT INTO important_date (contact_id, kind, label, month, day)"
                " VALUES (?, ?, ?, ?, ?)",
                [contact_id, kind, label, month, day],
            )
        assert (
            raw.execute("SELECT name FROM sqlite_master WHERE name = 'reminder'").fetchall() == []
        )
        assert [s.version for s in migrations.migrate(raw, target=5)] == [5]
        rows = raw.execute(
            "SELECT contact_id, kind, date_key, occurs_on, due_at FROM reminder"
            " ORDER BY contact_id, kind, date_key"
        ).fetchall()

    day = today()
    assert rows == [
        (1, "keep_in_touch", None, None, "2026-03-12T08:00:00Z"),  # 10 Feb 23:30 in Paris
        (2, "keep_in_touch", None, None, "2026-01-08T08:00:00Z"),  # from when added
        (3, "date", "birthday:02-29:", str(_first_yearly(2, 29, day)), rows[2][4]),
        (3, "date", "custom:12-06:Name day", str(_first_yearly(12, 6, day)), rows[3][4]),
        (4, "date", "birthday:05-05:", str(_first_yearly(5, 5, day)), rows[4][4]),
        (4, "keep_in_touch", None, None, "2026-01-11T08:00:00Z"),
    ]
    for _, kind, _, occurs, due in rows:
        if kind == "date":
            assert due == morning(date.fromisoformat(occurs)).strftime("%Y-%m-%dT%H:%M:%SZ")

    database = open_database(db_path)
    try:
        items = due_items(database, datetime.now(UTC), upcoming_days=400)
        assert {(i.contact_id, i.kind) for i in items} == {
            (1, "keep_in_touch"),
            (2, "keep_in_touch"),
            (3, "date"),
        }
        _log(database, [2], paris(2026, 2, 1))  # the triggers work on the upgraded file
        assert load_reminder(database, _keep(database, 2)).due_at == morning(date(2026, 2, 8))
    finally:
        close_database(database)


# --- what is due, what to announce, when to wake up ----------------------------------------
def test_next_alert_is_the_first_moment_strictly_after_now(db) -> None:
    first = _once(db, date(2030, 1, 10), time(9, 0))
    _once(db, date(2030, 1, 12), time(18, 0))
    done = _once(db, date(2030, 1, 11))
    complete(db, done, now=NOW)
    t1, t2 = paris(2030, 1, 10, 9), paris(2030, 1, 12, 18)
    assert next_alert(db, t1 - timedelta(seconds=1)) == t1
    assert next_alert(db, t1) == t2, "strictly after"
    assert next_alert(db, t1 + timedelta(microseconds=500)) == t2
    assert next_alert(db, t2) is None
    snooze(db, first, paris(2030, 1, 11, 12))
    assert next_alert(db, t1) == paris(2030, 1, 11, 12)
    assert next_alert(db, paris(2030, 1, 11, 13)) == t2


def test_each_due_reminder_is_announced_once_until_its_alert_moves(db) -> None:
    due = paris(2030, 1, 10, 9)
    rid = create_reminder(
        db,
        ReminderData(
            "Plants",
            date(2030, 1, 10),
            kind="recurring",
            at_time=time(9),
            recurrence=Recurrence(Frequency.WEEKLY),
        ),
    )

    def announced(at: datetime) -> list[int]:
        return [item.id for item in to_announce(db, at)]

    assert announced(due - timedelta(minutes=1)) == []
    assert announced(due) == [rid]
    mark_announced(db, [rid], now=due + timedelta(minutes=1))
    assert announced(due + timedelta(minutes=2)) == []
    assert announced(due + timedelta(days=3)) == [], "not again while it waits"

    snooze(db, rid, due + timedelta(days=3, hours=1))
    assert announced(due + timedelta(days=3)) == []
    assert announced(due + timedelta(days=3, hours=1)) == [rid]
    mark_announced(db, [rid], now=due + timedelta(days=3, hours=1))
    assert announced(due + timedelta(days=3, hours=2)) == []

    complete(db, rid, now=due + timedelta(days=3, hours=2))
    assert announced(due + timedelta(days=6)) == []
    assert announced(due + timedelta(days=7)) == [rid], "the next occurrence, when it comes"


def test_what_fell_due_while_closed_is_announced_once(db) -> None:
    daily = create_reminder(
        db,
        ReminderData("Pill", date(2030, 1, 1), kind="recurring", recurrence=_recurring()),
    )
    once = _once(db, date(2030, 1, 2), time(7, 30))
    later = _once(db, date(2030, 1, 20))
    opened = paris(2030, 1, 6, 12)
    items = to_announce(db, opened)
    assert sorted(item.id for item in items) == sorted([daily, once])
    assert later not in [item.id for item in items]
    mark_announced(db, [item.id for item in items], now=opened)
    for minutes in (1, 60, 60 * 24):
        assert to_announce(db, opened + timedelta(minutes=minutes)) == []


def test_a_due_batch_names_a_few_counts_all_and_writes_nothing(db) -> None:
    ids = [_once(db, date(2030, 1, day), time(9, 0)) for day in range(1, 8)]
    opened = paris(2030, 1, 10, 12)
    batch = due_batch(db, opened, shown=3)
    assert batch.total == 7
    assert sorted(batch.ids) == sorted(ids)
    assert len(batch) == 3
    assert {item.id for item in batch} <= set(ids)
    assert len(to_announce(db, opened)) == 7, "nothing marked yet"
    mark_announced(db, list(batch.ids), now=opened)
    assert to_announce(db, opened) == []
    assert not due_batch(db, opened)


def test_keep_in_touch_is_announced_again_only_when_it_moves(db) -> None:
    ana = _add(db, "Ana", cadence_days=10)
    rid = _keep(db, ana)
    _log(db, [ana], paris(2030, 1, 1))
    now = paris(2030, 1, 20)
    assert [i.id for i in to_announce(db, now)] == [rid]
    mark_announced(db, [rid], now=now)
    assert to_announce(db, now + timedelta(hours=1)) == []
    _log(db, [ana], paris(2030, 1, 15))  # due on 25 January now
    assert to_announce(db, now + timedelta(hours=1)) == []
    assert [i.id for i in to_announce(db, paris(2030, 1, 25, 9))] == [rid]


def test_editing_an_interaction_without_moving_it_does_not_announce_again(db) -> None:
    ana = _add(db, "Ana", cadence_days=10)
    rid = _keep(db, ana)
    when = paris(2030, 1, 1)
    coffee = _log(db, [ana], when)
    now = paris(2030, 1, 20)
    assert [i.id for i in to_announce(db, now)] == [rid]
    mark_announced(db, [rid], now=now)
    update_interaction(db, coffee, InteractionData("coffee", [ana], when=when, notes="more"))
    assert load_reminder(db, rid).due_at == morning(date(2030, 1, 11)), "it did not move"
    assert to_announce(db, now) == []


def test_undoing_a_delete_does_not_announce_again(db) -> None:
    rid = _once(db, date(2030, 1, 10))
    mark_announced(db, [rid], now=NOW)
    restore_reminder(db, delete_reminder(db, rid))
    assert to_announce(db, NOW) == []


def test_sections_at_their_boundaries(db) -> None:
    now = paris(2030, 6, 15, 12, 0)

    def at(day: date, hour: int, minute: int = 0) -> int:
        return _once(db, day, time(hour, minute), title=f"{day} {hour:02}:{minute:02}")

    june = date(2030, 6, 15)
    midnight = at(june, 0)
    noonish = at(june, 11, 59)
    tonight = at(june, 23, 59)
    late_yesterday = at(june - timedelta(days=1), 23, 59)
    long_ago = at(date(2029, 1, 1), 9)
    tomorrow = at(june + timedelta(days=1), 0)
    last_day = at(june + timedelta(days=30), 23, 59)
    morning_last_day = _once(db, june + timedelta(days=30))
    after_horizon = at(june + timedelta(days=31), 0)
    early_after_horizon = at(june + timedelta(days=31), 8)
    sleepy = _once(db, date(2030, 6, 10))
    snooze(db, sleepy, paris(2030, 6, 16, 9))
    woken = _once(db, date(2030, 6, 10))
    snooze(db, woken, paris(2030, 6, 15, 11))
    woken_yesterday = _once(db, date(2030, 6, 10))
    snooze(db, woken_yesterday, paris(2030, 6, 14, 10))
    far_snooze = _once(db, date(2030, 6, 10))
    snooze(db, far_snooze, paris(2030, 8, 1, 9))

    items = due_items(db, now)
    assert _sections(items) == {
        long_ago: Section.OVERDUE,
        late_yesterday: Section.OVERDUE,
        woken_yesterday: Section.OVERDUE,
        midnight: Section.TODAY,
        woken: Section.TODAY,
        noonish: Section.TODAY,
        tonight: Section.TODAY,
        tomorrow: Section.UPCOMING,
        morning_last_day: Section.UPCOMING,
        last_day: Section.UPCOMING,
        sleepy: Section.SNOOZED,
    }
    assert after_horizon not in _sections(items)
    assert early_after_horizon not in _sections(items)
    assert [i.id for i in items] == [
        long_ago,
        woken_yesterday,
        late_yesterday,
        midnight,
        woken,
        noonish,
        tonight,
        tomorrow,
        morning_last_day,
        last_day,
        sleepy,
    ], "by section, then by alert"

    assert set(_sections(due_items(db, now, upcoming_days=0))) == {
        long_ago,
        late_yesterday,
        woken_yesterday,
        midnight,
        woken,
        noonish,
        tonight,
    }, "nothing of tomorrow, however early"
    assert set(_sections(due_items(db, now, upcoming_days=31))) >= {
        after_horizon,
        early_after_horizon,
    }


def test_today_is_the_day_on_this_computers_clock(db) -> None:
    rid = _once(db, date(2030, 6, 16), time(1, 0))  # 23:00 UTC on the 15th
    utc_evening = datetime(2030, 6, 15, 22, 30, tzinfo=UTC)  # 00:30 on the 16th in Paris
    assert _sections(due_items(db, utc_evening, upcoming_days=0)) == {rid: Section.TODAY}
    assert _sections(due_items(db, utc_evening - timedelta(hours=1))) == {rid: Section.UPCOMING}


# --- query plans ---------------------------------------------------------------------------
def _plans(db: pw.SqliteDatabase, call: Any) -> list[str]:
    """Each SELECT on the reminder table ``call`` runs, with its query plan."""
    conn = sqlite_connection(db)
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    plans = []
    for sql in seen:
        if sql.lstrip().upper().startswith("SELECT") and "reminder" in sql:
            details = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            plans.append("\n".join(details))
    return plans


def test_due_list_and_timer_read_the_alert_index(db) -> None:
    ana = _add(db, "Ana", cadence_days=3, dates=[ImportantDate("birthday", 1, 1)])
    for n in range(60):
        _once(db, date(2030, 1, 1) + timedelta(days=n))
    complete(db, _once(db, date(2030, 1, 1)), now=NOW)
    snooze(db, _keep(db, ana), NOW)
    now = paris(2030, 1, 20)
    for call in (
        lambda: due_items(db, now),
        lambda: next_alert(db, now),
        lambda: to_announce(db, now),
    ):
        plans = _plans(db, call)
        assert plans, "a query ran"
        for plan in plans:
            assert "USING INDEX reminder_by_alert" in plan, plan
            assert "SCAN r" not in plan, plan
            assert "SCAN reminder" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan

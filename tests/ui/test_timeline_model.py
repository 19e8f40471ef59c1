"""The timeline list model over a real database: headings per day, lazy pages, zones."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest
import tzlocal
from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt

from ally_desktop.core.contacts import create_contact, load_contact, update_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    InteractionRow,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    interaction_rows,
    local_zone_name,
    set_interactions_trashed,
)
from ally_desktop.ui.timeline import model as timeline_model
from ally_desktop.ui.timeline.days import day_heading, is_relative, short_date, time_text
from ally_desktop.ui.timeline.model import (
    DAY_ROLE,
    HEADING_ROLE,
    ID_ROLE,
    ROW_ROLE,
    TimelineModel,
    describe,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2024, 3, 20)  # a Wednesday


@pytest.fixture(autouse=True)
def _zone_as_the_computer_says() -> None:
    """tzlocal caches the zone's name for the life of the process (see
    test_local_zone_name_follows_tz): start each test from the zone the process is in."""
    tzlocal.reload_localzone()


@pytest.fixture(autouse=True)
def en_gb() -> Iterator[None]:
    """Days and times as a British English desktop writes them; the default put back after."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def person(db: pw.SqliteDatabase) -> Callable[..., int]:
    def add(given: str, family: str = "", **fields: Any) -> int:
        return create_contact(db, ContactData(given_name=given, family_name=family, **fields))

    return add


@pytest.fixture
def ana(person: Callable[..., int]) -> int:
    return person("Ana", "Lopez")


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """That wall-clock time on this computer's clock (aware)."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def log(db: pw.SqliteDatabase, people: list[int], when: datetime, **fields: Any) -> int:
    """Logs an interaction, in this computer's zone unless told otherwise (as the dialog)."""
    fields.setdefault("time_zone", local_zone_name())
    return create_interaction(
        db, InteractionData(fields.pop("kind", "meeting"), people, when=when, **fields)
    )


def log_many(db: pw.SqliteDatabase, who: int, count: int, per_day: int = 3) -> list[int]:
    """``count`` interactions, ``per_day`` a day going back from TODAY; newest first."""
    ids = []
    with db.atomic():
        for n in range(count):
            day = TODAY - timedelta(days=n // per_day)
            ids.append(log(db, [who], local(day, 20 - n % per_day), title=f"Number {n}"))
    return ids


def shown_ids(model: TimelineModel) -> list[int]:
    return [
        model.index(row).data(ID_ROLE)
        for row in range(model.rowCount())
        if not model.index(row).data(HEADING_ROLE)
    ]


def headings(model: TimelineModel) -> list[str]:
    return [
        str(model.index(row).data())
        for row in range(model.rowCount())
        if model.index(row).data(HEADING_ROLE)
    ]


def fetch_all(model: TimelineModel) -> int:
    """fetchMore until the end; returns how many times it was needed."""
    times = 0
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        times += 1
        assert times < 1_000
    return times


# --- the model's contract ---------------------------------------------------------------------


def test_model_contract_without_rows(qtmodeltester: Any, db: pw.SqliteDatabase) -> None:
    model = TimelineModel(db, today=TODAY)
    assert model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())
    assert model.fully_loaded()
    qtmodeltester.check(model)


def test_model_contract_with_rows_and_after_fetching_more(
    qtmodeltester: Any, db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 7)
    log_many(db, ana, 25)
    model = TimelineModel(db, today=TODAY, first_page=5)
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    qtmodeltester.check(model)
    fetch_all(model)
    qtmodeltester.check(model)
    assert len(shown_ids(model)) == 25


def test_model_contract_when_the_first_page_is_exactly_everything(
    qtmodeltester: Any, db: pw.SqliteDatabase, ana: int
) -> None:
    ids = log_many(db, ana, 5)
    model = TimelineModel(db, today=TODAY, first_page=5)
    assert shown_ids(model) == ids
    assert model.canFetchMore(QModelIndex()), "it cannot know yet that nothing is left"
    rows = model.rowCount()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == rows, "an empty page adds nothing"
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_nothing_hangs_below_a_row(db: pw.SqliteDatabase, ana: int) -> None:
    log_many(db, ana, 3)
    model = TimelineModel(db, today=TODAY)
    first = model.index(0)
    assert model.rowCount(first) == 0
    assert not model.canFetchMore(first)
    assert model.index(model.rowCount()).data() is None, "past the end"
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


# --- day headings -----------------------------------------------------------------------------


def test_a_heading_for_each_day_once(
    db: pw.SqliteDatabase, ana: int, person: Callable[..., int]
) -> None:
    made = {}
    for name, days_ago, hour in (
        ("tomorrow", -1, 9),
        ("today_late", 0, 18),
        ("today_early", 0, 8),
        ("yesterday", 1, 12),
        ("two_days", 2, 12),
        ("six_days", 6, 12),
        ("six_days_too", 6, 11),
        ("seven_days", 7, 12),
        ("long_ago", 30, 12),
    ):
        made[name] = log(db, [ana], local(TODAY - timedelta(days=days_ago), hour))
    model = TimelineModel(db, today=TODAY)
    texts = [str(model.index(row).data()) for row in range(model.rowCount())]
    week_ago = QLocale().toString(QDate(2024, 3, 13), QLocale.FormatType.LongFormat)
    month_ago = QLocale().toString(QDate(2024, 2, 19), QLocale.FormatType.LongFormat)
    assert "13 March 2024" in week_ago
    assert "Wednesday" in week_ago
    assert "19 February 2024" in month_ago
    expected_headings = [
        "Tomorrow",
        "Today",
        "Yesterday",
        "Monday",
        "Thursday",
        week_ago,
        month_ago,
    ]
    assert headings(model) == expected_headings
    assert len(set(headings(model))) == len(expected_headings), "each day once"
    m = made
    assert shown_ids(model) == [
        m["tomorrow"],
        m["today_late"],
        m["today_early"],
        m["yesterday"],
        m["two_days"],
        m["six_days"],
        m["six_days_too"],
        m["seven_days"],
        m["long_ago"],
    ]
    # Each interaction sits right under the heading of its own day.
    current_day = None
    for row in range(model.rowCount()):
        index = model.index(row)
        if index.data(HEADING_ROLE):
            current_day = index.data(DAY_ROLE)
        else:
            assert index.data(DAY_ROLE) == current_day
            assert index.data(ROW_ROLE).local_date == current_day
    assert texts[0] == "Tomorrow"
    assert model.index(0).data(DAY_ROLE) == TODAY + timedelta(days=1)


def test_headings_are_not_selectable_interactions_are(db: pw.SqliteDatabase, ana: int) -> None:
    first = log(db, [ana], local(TODAY, 9), kind="coffee", title="Budget", place="Café Roma")
    second = log(db, [ana], local(TODAY - timedelta(days=3), 9), kind="call")
    model = TimelineModel(db, today=TODAY)
    assert model.rowCount() == 4
    for row, heading in ((0, True), (1, False), (2, True), (3, False)):
        index = model.index(row)
        flags = model.flags(index)
        assert bool(flags & Qt.ItemFlag.ItemIsSelectable) is not heading, row
        assert flags & Qt.ItemFlag.ItemIsEnabled
        assert flags & Qt.ItemFlag.ItemNeverHasChildren
        assert index.data(HEADING_ROLE) is heading
        if heading:
            assert index.data(ID_ROLE) is None
            assert index.data(ROW_ROLE) is None
            assert model.interaction_id(row) is None
            assert index.data(Qt.ItemDataRole.ToolTipRole) is None
            assert index.data(Qt.ItemDataRole.AccessibleTextRole) == index.data()
    assert [model.index(r).data(ID_ROLE) for r in (1, 3)] == [first, second]
    assert [model.interaction_id(r) for r in (1, 3)] == [first, second]
    assert [model.row_of(i) for i in (first, second, 4242)] == [1, 3, None]
    row = model.index(1).data(ROW_ROLE)
    assert isinstance(row, InteractionRow)
    assert (row.id, row.kind, row.title, row.place) == (first, "coffee", "Budget", "Café Roma")
    assert row.participants == "Ana Lopez"
    assert model.index(1).data() == describe(row)
    assert model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == describe(row)
    assert model.index(1).data(Qt.ItemDataRole.ToolTipRole) == f"{describe(row)}\nWhere: Café Roma"
    assert model.index(1).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(3).data(Qt.ItemDataRole.ToolTipRole) == describe(
        model.index(3).data(ROW_ROLE)
    ), "no place, no second line"


def test_a_day_split_by_a_page_keeps_one_heading(
    db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 4)
    log_many(db, ana, 21, per_day=7)  # 3 days of 7; pages of 5, then 4, 4, ...
    model = TimelineModel(db, today=TODAY, first_page=5)
    assert headings(model) == ["Today"]
    fetch_all(model)
    assert headings(model) == ["Today", "Yesterday", "Monday"]
    assert model.rowCount() == 24


def test_headings_follow_the_day_it_is(db: pw.SqliteDatabase, ana: int) -> None:
    log(db, [ana], local(TODAY, 9))
    model = TimelineModel(db, today=TODAY)
    assert headings(model) == ["Today"]
    model.today = TODAY + timedelta(days=1)
    assert headings(model) == ["Yesterday"]
    model.today = TODAY + timedelta(days=3)
    assert headings(model) == ["Wednesday"]


def test_each_day_heading_once_even_across_zones(db: pw.SqliteDatabase, ana: int) -> None:
    # Tuesday noon in Paris (11:00 UTC), Wednesday 01:00 in Paris (00:00 UTC Wednesday),
    # then, back in New York, Tuesday 21:00 there (01:00 UTC Wednesday).
    log(db, [ana], datetime(2024, 3, 12, 12, 0, tzinfo=PARIS), time_zone="Europe/Paris")
    log(db, [ana], datetime(2024, 3, 13, 1, 0, tzinfo=PARIS), time_zone="Europe/Paris")
    log(db, [ana], datetime(2024, 3, 12, 21, 0, tzinfo=NEW_YORK), time_zone="America/New_York")
    model = TimelineModel(db, today=date(2024, 3, 13))
    assert headings(model) == ["Today", "Yesterday"]


# --- lazy loading -----------------------------------------------------------------------------


def test_lazy_loading_page_by_page(
    db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 7)
    ids = log_many(db, ana, 40)
    model = TimelineModel(db, today=TODAY, first_page=5)
    assert shown_ids(model) == ids[:5]
    assert model.interaction_count_loaded() == 5
    assert model.rowCount() == 5 + 2, "five rows over two days"
    assert model.canFetchMore(QModelIndex())
    assert not model.fully_loaded()

    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    loaded: list[bool] = []
    model.loaded.connect(lambda: loaded.append(True))
    before = model.rowCount()
    model.fetchMore(QModelIndex())
    assert shown_ids(model) == ids[:12], "appended, in order"
    assert inserted == [(before, model.rowCount() - 1)]
    assert loaded == [True]

    times = fetch_all(model)
    assert times == 5, "28 more: four full pages of 7, then an empty one tells the end"
    assert not model.canFetchMore(QModelIndex())
    assert model.fully_loaded()
    assert shown_ids(model) == ids
    assert shown_ids(model) == list(interaction_ids(db, TimelineQuery()))
    assert model.interaction_count_loaded() == 40
    assert model.rowCount() == 40 + 14, "a heading for each of the 14 days"
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 40 + 14, "nothing more once at the end"


def test_lazy_loading_of_a_filtered_timeline(
    db: pw.SqliteDatabase, ana: int, person: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 3)
    bo = person("Bo", "Chen")
    with db.atomic():
        for n in range(30):
            day = TODAY - timedelta(days=n)
            log(db, [ana] if n % 3 else [ana, bo], local(day), kind="call" if n % 2 else "email")
    for query in (TimelineQuery(kind="call"), TimelineQuery(contact_id=bo), TimelineQuery()):
        model = TimelineModel(db, query, today=TODAY, first_page=4)
        fetch_all(model)
        assert shown_ids(model) == list(interaction_ids(db, query)), query
        assert model.query == query


def test_load_through_an_old_interaction(
    db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 7)
    ids = log_many(db, ana, 40)
    model = TimelineModel(db, today=TODAY, first_page=5)
    assert model.load_through(ids[2]) == model.row_of(ids[2]) == 3, "already loaded"
    assert model.interaction_count_loaded() == 5

    row = model.load_through(ids[30])
    assert row is not None
    assert model.index(row).data(ID_ROLE) == ids[30]
    assert shown_ids(model) == ids[:31], "loaded as far as it and no further"
    assert model.canFetchMore(QModelIndex())
    fetch_all(model)
    assert shown_ids(model) == ids, "paging goes on after it"

    assert model.load_through(424_242) is None


def test_load_through_an_interaction_the_query_hides(
    db: pw.SqliteDatabase, ana: int, person: Callable[..., int]
) -> None:
    bo = person("Bo", "Chen")
    with db.atomic():
        mine = [log(db, [ana], local(TODAY - timedelta(days=n))) for n in range(10)]
        hidden = log(db, [bo], local(TODAY - timedelta(days=20)))
    model = TimelineModel(db, TimelineQuery(contact_id=ana), today=TODAY, first_page=3)
    assert model.load_through(hidden) is None
    assert shown_ids(model) == mine


def test_reload_keeps_as_many_rows_loaded(
    db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_model, "PAGE", 7)
    ids = log_many(db, ana, 40)
    model = TimelineModel(db, today=TODAY, first_page=5)
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.interaction_count_loaded() == 19

    newest = log(db, [ana], local(TODAY, 23), title="Just now")
    set_interactions_trashed(db, [ids[3]], True)
    model.reload(keep_loaded=True)
    loaded = shown_ids(model)
    assert loaded[0] == newest
    assert ids[3] not in loaded
    assert loaded[: 1 + 18] == [newest, *ids[:3], *ids[4:19]]
    assert model.interaction_count_loaded() >= 19, "as far down as before"
    assert model.row_of(ids[18]) is not None
    assert len(set(loaded)) == len(loaded)
    assert len(headings(model)) == len(set(headings(model)))

    model.reload()
    assert shown_ids(model) == [newest, *ids[:3], ids[4]], "a plain reload starts over"
    fetch_all(model)
    assert shown_ids(model) == list(interaction_ids(db, TimelineQuery()))


def test_reload_of_a_short_list_and_of_one_fully_loaded(db: pw.SqliteDatabase, ana: int) -> None:
    ids = log_many(db, ana, 3)
    model = TimelineModel(db, today=TODAY, first_page=5)
    assert model.fully_loaded()
    model.reload(keep_loaded=True)
    assert shown_ids(model) == ids
    assert model.fully_loaded()
    assert not model.canFetchMore(QModelIndex())


def test_set_query_resets_and_reloads(db: pw.SqliteDatabase, ana: int) -> None:
    coffee = log(db, [ana], local(TODAY, 9), kind="coffee")
    call = log(db, [ana], local(TODAY, 8), kind="call")
    model = TimelineModel(db, today=TODAY)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_query(TimelineQuery(kind="call"))
    assert shown_ids(model) == [call]
    assert resets == [True]
    model.set_query(TimelineQuery(kind="call"))
    assert resets == [True], "the same query again changes nothing"
    model.set_query(TimelineQuery())
    assert shown_ids(model) == [coffee, call]


def test_refresh_shows_a_new_name(db: pw.SqliteDatabase, ana: int, qtbot: Any) -> None:
    iid = log(db, [ana], local(TODAY, 9))
    model = TimelineModel(db, today=TODAY)
    assert "with Ana Lopez" in model.index(1).data()
    data = load_contact(db, ana).data
    data.family_name = "Lopez-Ruiz"
    update_contact(db, ana, data)
    assert "with Ana Lopez" in model.index(1).data(), "rows are cached"
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh([iid, 4242])
    assert changed.args[0].row() == 1
    assert "with Ana Lopez-Ruiz" in model.index(1).data()


def test_rows_are_read_a_page_at_a_time(
    db: pw.SqliteDatabase, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = log_many(db, ana, 200, per_day=10)
    model = TimelineModel(db, today=TODAY, first_page=200)
    asked: list[int] = []

    def counting(database: pw.SqliteDatabase, wanted: list[int]) -> dict[int, InteractionRow]:
        asked.append(len(wanted))
        return interaction_rows(database, wanted)

    monkeypatch.setattr("ally_desktop.ui.timeline.model.interaction_rows", counting)
    for row in range(model.rowCount()):
        model.index(row).data()
    assert sum(asked) < 2 * len(ids)
    assert len(asked) < 10, "not one query per row"
    assert all(
        model.index(r).data(ROW_ROLE) is not None
        for r in range(model.rowCount())
        if not model.index(r).data(HEADING_ROLE)
    )


# --- describe ---------------------------------------------------------------------------------


def test_describe(db: pw.SqliteDatabase, ana: int, person: Callable[..., int]) -> None:
    bo = person("Bo", "Chen")
    gave = log(
        db,
        [bo, ana],
        local(TODAY, 14, 30),
        kind="coffee",
        title="Budget talk",
        exchange="given",
        exchange_note="Intro to Dana",
    )
    got = log(db, [bo], local(TODAY, 9, 5), kind="call", exchange="received")
    got_what = log(
        db, [bo], local(TODAY, 9, 0), kind="Workshop", exchange="received", exchange_note="Advice"
    )
    plain = log(db, [ana], local(TODAY, 8, 0), kind="email", title="Follow-up")
    gave_plain = log(db, [ana], local(TODAY, 7, 0), kind="note", exchange="given")
    all_day = create_interaction(
        db, InteractionData("event", [ana], day=TODAY - timedelta(days=1), title="Expo")
    )
    rows = interaction_rows(db, [gave, got, got_what, plain, gave_plain, all_day])
    assert describe(rows[gave]) == (
        "14:30 · Coffee or meal · Budget talk — with Ana Lopez, Bo Chen (I helped: Intro to Dana)"
    )
    assert describe(rows[got]) == "09:05 · Call — with Bo Chen (they helped)"
    assert describe(rows[got_what]) == "09:00 · Workshop — with Bo Chen (they helped: Advice)"
    assert describe(rows[plain]) == "08:00 · Email · Follow-up — with Ana Lopez"
    assert describe(rows[gave_plain]) == "07:00 · Note — with Ana Lopez (I helped)"
    assert describe(rows[all_day]) == "Event · Expo — with Ana Lopez"
    model = TimelineModel(db, today=TODAY)
    assert model.index(model.row_of(gave) or 0).data() == describe(rows[gave])


def test_describe_of_an_interaction_whose_people_are_gone(db: pw.SqliteDatabase) -> None:
    row = InteractionRow(
        1,
        datetime(2024, 3, 9, 9, 0).astimezone(),
        date(2024, 3, 9),
        True,
        "meeting",
        "",
        "",
        None,
        "",
    )
    assert describe(row) == "Meeting"


# --- days and times ---------------------------------------------------------------------------


def test_day_heading_names() -> None:
    assert day_heading(TODAY, TODAY) == "Today"
    assert day_heading(TODAY - timedelta(days=1), TODAY) == "Yesterday"
    assert day_heading(TODAY + timedelta(days=1), TODAY) == "Tomorrow"
    assert [day_heading(TODAY - timedelta(days=n), TODAY) for n in range(2, 7)] == [
        "Monday",
        "Sunday",
        "Saturday",
        "Friday",
        "Thursday",
    ]
    week = day_heading(TODAY - timedelta(days=7), TODAY)
    assert "13 March 2024" in week
    assert "Wednesday" in week
    later = day_heading(TODAY + timedelta(days=2), TODAY)
    assert "22 March 2024" in later
    assert "2023" in day_heading(date(2023, 12, 31), TODAY)
    assert [is_relative(TODAY - timedelta(days=n), TODAY) for n in (-2, -1, 0, 1, 6, 7)] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_short_date_leaves_out_the_weekday() -> None:
    assert short_date(date(2024, 3, 9)) == "9 March 2024"
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert short_date(date(2024, 3, 9)) == "March 9, 2024"
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert short_date(date(2024, 3, 9)) == "9. März 2024"
    assert day_heading(TODAY - timedelta(days=2), TODAY) == "Montag"


def test_time_text_of_a_day_without_a_time() -> None:
    row = InteractionRow(
        1,
        datetime(2024, 3, 9, 11, 0).astimezone(),
        date(2024, 3, 9),
        True,
        "note",
        "",
        "",
        None,
        "",
    )
    assert time_text(row) == ""


# --- time zones -------------------------------------------------------------------------------


@pytest.fixture
def process_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``set(name)`` moves this computer to another zone (TZ and tzset); put back after."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is only on Unix")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()
    tzlocal.reload_localzone()


def test_a_paris_afternoon_seen_from_new_york(
    db: pw.SqliteDatabase, ana: int, process_zone: Callable[[str], None]
) -> None:
    process_zone("Europe/Paris")
    afternoon = log(
        db, [ana], datetime(2024, 1, 16, 14, 30, tzinfo=PARIS), time_zone="Europe/Paris"
    )
    after_midnight = log(
        db, [ana], datetime(2024, 1, 17, 0, 30, tzinfo=PARIS), time_zone="Europe/Paris"
    )
    summer = log(db, [ana], datetime(2023, 7, 4, 14, 30, tzinfo=PARIS), time_zone="Europe/Paris")
    in_paris = interaction_rows(db, [afternoon, summer])
    assert time_text(in_paris[afternoon]) == "14:30", "the computer's own zone: no abbreviation"
    assert time_text(in_paris[summer]) == "14:30"

    process_zone("America/New_York")  # a flight later
    here = log(
        db, [ana], datetime(2024, 1, 16, 9, 15, tzinfo=NEW_YORK), time_zone="America/New_York"
    )
    model = TimelineModel(db, today=date(2024, 1, 17))
    rows = [str(model.index(row).data()).split(" · ")[0] for row in range(model.rowCount())]
    summer_day = QLocale().toString(QDate(2023, 7, 4), QLocale.FormatType.LongFormat)
    # 00:30 in Paris on the 17th is still the 16th in New York: it stays on the 17th.
    assert rows == [
        "Today",
        "00:30 CET",
        "Yesterday",
        "09:15",
        "14:30 CET",
        summer_day,
        "14:30 CEST",
    ]
    assert shown_ids(model) == [after_midnight, here, afternoon, summer]
    assert model.index(1).data(DAY_ROLE) == date(2024, 1, 17)
    assert model.index(1).data(ROW_ROLE).occurred_at.astimezone().day == 16

    seen = interaction_rows(db, [afternoon, here])
    assert time_text(seen[afternoon]) == "14:30 CET"
    assert time_text(seen[here]) == "09:15", "logged in the computer's zone: no abbreviation"
    assert seen[afternoon].local_date == date(2024, 1, 16)
    assert describe(seen[afternoon]).startswith("14:30 CET · Meeting")


def test_a_zone_with_the_same_offset_needs_no_abbreviation(
    db: pw.SqliteDatabase, ana: int, process_zone: Callable[[str], None]
) -> None:
    process_zone("Europe/Berlin")
    iid = log(db, [ana], datetime(2024, 1, 16, 14, 30, tzinfo=PARIS), time_zone="Europe/Paris")
    assert time_text(interaction_rows(db, [iid])[iid]) == "14:30"


def test_times_follow_the_locale(
    db: pw.SqliteDatabase, ana: int, process_zone: Callable[[str], None]
) -> None:
    process_zone("America/New_York")
    iid = log(db, [ana], datetime(2024, 1, 16, 14, 30, tzinfo=PARIS), time_zone="Europe/Paris")
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    text = time_text(interaction_rows(db, [iid])[iid])
    assert text.startswith("2:30")
    assert "PM" in text
    assert text.endswith(" CET")


def test_a_time_without_a_zone_name_is_shown_on_the_computers_clock(
    db: pw.SqliteDatabase, ana: int, process_zone: Callable[[str], None]
) -> None:
    process_zone("Europe/Paris")
    now_offset = datetime.now().astimezone().utcoffset()
    other_season = next(
        day
        for day in (date(2024, 1, 16), date(2024, 7, 16))
        if datetime(day.year, day.month, day.day, 10, tzinfo=PARIS).utcoffset() != now_offset
    )
    when = datetime(other_season.year, other_season.month, other_season.day, 10, tzinfo=PARIS)
    iid = log(db, [ana], when, time_zone="")
    assert time_text(interaction_rows(db, [iid])[iid]) == "10:00"

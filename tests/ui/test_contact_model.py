"""The contact list model: a correct Qt model, sorted and filtered by SQLite, rows on demand."""

from __future__ import annotations

import itertools
import shutil
import string
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QModelIndex, Qt

from ally_desktop.core.contact_queries import ContactQuery, SortKey, contact_ids, rows_by_ids
from ally_desktop.core.contacts import create_contact, load_contact, set_trashed, update_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.records import MONTH_NAMES, Closeness, ContactData
from ally_desktop.core.text import sort_key
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    set_interactions_trashed,
)
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.ui.contacts import model as model_module
from ally_desktop.ui.contacts.model import (
    COLUMNS,
    FIRST_PAGE_ROWS,
    ID_ROLE,
    PAGE_SIZE,
    ContactTableModel,
)
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.settings import UiSettings

DEMO_PEOPLE = 3000
NAME, ORGANIZATION, JOB_TITLE, TEAM, CLOSENESS, LAST_INTERACTION, KNOWS, TAGS, EMAIL, HEALTH = (
    range(10)
)
_NOCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_LEVELS = {level.label: level for level in Closeness}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database of 3,000 demo people, written once and copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "ally.sqlite3"
    database = open_database(path)
    generate_demo(database, DEMO_PEOPLE)
    close_database(database)
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_file: Path) -> Iterator[pw.SqliteDatabase]:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, path)
    database = open_database(path)
    yield database
    close_database(database)


def sql_count(db: pw.SqliteDatabase, where: str) -> int:
    return int(
        sqlite_connection(db).execute(f"SELECT count(*) FROM contact WHERE {where}").fetchone()[0]
    )


def column(model: ContactTableModel, col: int) -> list[str]:
    return [model.index(row, col).data() for row in range(model.rowCount())]


def nocase(text: str) -> str:
    """How SQLite's NOCASE collation compares: ASCII letters folded, the rest by code point."""
    return text.translate(_NOCASE)


def is_ordered(keys: list[Any], descending: bool) -> bool:
    pairs = itertools.pairwise(keys)
    return all(b <= a for a, b in pairs) if descending else all(a <= b for a, b in pairs)


def assert_text_column_sorted(values: list[str], descending: bool) -> None:
    """Filled values in order (case-insensitively), the blanks after them either way."""
    filled = [v for v in values if v]
    assert values[: len(filled)] == filled, "blank values must come last"
    assert is_ordered([nocase(v) for v in filled], descending)


# --- a correct Qt model ------------------------------------------------------------------
def test_an_empty_database_gives_a_valid_empty_model(
    qtmodeltester: Any, db: pw.SqliteDatabase
) -> None:
    model = ContactTableModel(db)
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.columnCount() == len(COLUMNS) == 10
    assert model.data(model.index(0, 0)) is None
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(10)] == [
        "Name",
        "Organization",
        "Job title",
        "Team",
        "Closeness",
        "Last interaction",
        "Knows about",
        "Tags",
        "Email",
        "Health",
    ]
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(10, Qt.Orientation.Horizontal) is None


def test_three_thousand_demo_people_give_a_valid_model(
    qtmodeltester: Any, demo_db: pw.SqliteDatabase
) -> None:
    model = ContactTableModel(demo_db)
    qtmodeltester.check(model)
    assert model.rowCount() == sql_count(demo_db, "archived = 0 AND trashed_at IS NULL")
    assert model.rowCount() > DEMO_PEOPLE * 0.9
    index = model.index(0, NAME)
    assert index.isValid()
    assert not model.index(0, NAME, index).isValid(), "a table has no children"
    assert model.rowCount(index) == 0
    assert model.columnCount(index) == 0
    assert model.flags(index) == Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.data(index, ID_ROLE) == model.contact_id(0)
    assert model.data(index, Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, ORGANIZATION), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(0, CLOSENESS), Qt.ItemDataRole.ForegroundRole).isValid()
    assert model.data(index, Qt.ItemDataRole.EditRole) is None


def test_every_row_matches_what_is_stored(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    for row in (0, 1, model.rowCount() // 2, model.rowCount() - 1):
        record = load_contact(demo_db, model.contact_id(row))
        data = record.data
        assert model.index(row, NAME).data() == record.name
        assert model.index(row, ORGANIZATION).data() == data.organization
        assert model.index(row, JOB_TITLE).data() == data.job_title
        assert model.index(row, TEAM).data() == data.team
        assert model.index(row, CLOSENESS).data() == data.closeness.label
        assert model.index(row, KNOWS).data() == ", ".join(data.topics)
        assert model.index(row, TAGS).data() == ", ".join(data.tags)
        assert model.index(row, EMAIL).data() == (data.emails[0].value if data.emails else "")


def test_long_cells_have_a_tooltip_short_ones_none(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    for row in range(50):
        for col in range(len(COLUMNS)):
            if col in (LAST_INTERACTION, HEALTH):
                continue  # tooltips with more to say: the full date, the score in words
            text = model.index(row, col).data()
            tip = model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
            assert tip == (text if len(text) > 30 else None)


QUERIES = {
    "search by name": ContactQuery(text="priya"),
    "search two words": ContactQuery(text="Priya Sharma"),
    "search a topic": ContactQuery(text="kubernetes"),
    "search symbols only": ContactQuery(text="🦊"),
    "search with quotes": ContactQuery(text="\"o'brien"),
    "tag": ContactQuery(tag="mentor"),
    "closeness": ContactQuery(closeness=Closeness.INNER_CIRCLE),
    "organization": ContactQuery(organization="contoso"),
    "archived too": ContactQuery(include_archived=True),
    "everything at once": ContactQuery(
        text="engineer", tag="customer", closeness=Closeness.ACQUAINTANCE, include_archived=True
    ),
    "nothing matches": ContactQuery(text="zzzzqqqq"),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_the_model_stays_valid_through_a_new_query(
    qtmodeltester: Any, qtbot: Any, demo_db: pw.SqliteDatabase, query: ContactQuery
) -> None:
    model = ContactTableModel(demo_db, ContactQuery(tag="no such tag"))
    qtmodeltester.check(model)  # checks again, on all rows, at every reset
    with qtbot.waitSignal(model.modelReset), qtbot.waitSignal(model.countChanged) as counted:
        model.set_query(query)
    assert model.query == query
    assert counted.args == [model.rowCount()]


def test_a_search_finds_every_word_as_a_prefix(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db, ContactQuery(text="pRIYA Sharm"))
    names = column(model, NAME)
    assert all("Priya" in name for name in names)
    sharmas = sql_count(
        demo_db, "full_name = 'Priya Sharma' AND archived = 0 AND trashed_at IS NULL"
    )
    assert sharmas > 0
    assert names.count("Priya Sharma") == sharmas


def test_a_search_for_symbols_looks_in_names(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db, ContactQuery(text="🦊", include_archived=True))
    ids = list(model.ids())
    assert ids == [
        cid
        for (cid,) in sqlite_connection(demo_db).execute(
            "SELECT id FROM contact WHERE trashed_at IS NULL AND nickname LIKE '%🦊%'"
            " ORDER BY sort_name, id"
        )
    ]


def test_a_search_with_query_syntax_characters_does_not_fail(demo_db: pw.SqliteDatabase) -> None:
    for text in ('"', "o'brien", "a OR b", "NOT", "*", "(", "name:", "^x", "-", "AND AND"):
        ContactTableModel(demo_db, ContactQuery(text=text))


def test_filters_show_only_matching_people(demo_db: pw.SqliteDatabase) -> None:
    by_tag = ContactTableModel(demo_db, ContactQuery(tag="Mentor"))
    assert by_tag.rowCount() > 0
    assert all("mentor" in tags.split(", ") for tags in column(by_tag, TAGS))

    inner = ContactTableModel(demo_db, ContactQuery(closeness=Closeness.INNER_CIRCLE))
    assert inner.rowCount() == sql_count(
        demo_db, "closeness = 0 AND archived = 0 AND trashed_at IS NULL"
    )
    assert set(column(inner, CLOSENESS)) == {"Inner circle"}

    contoso = ContactTableModel(demo_db, ContactQuery(organization="CONTOSO"))
    assert contoso.rowCount() > 0
    assert set(column(contoso, ORGANIZATION)) == {"Contoso"}

    everyone = ContactTableModel(demo_db, ContactQuery(include_archived=True))
    archived = [n for n in column(everyone, NAME) if n.endswith("  (archived)")]
    assert len(archived) == sql_count(demo_db, "archived = 1 AND trashed_at IS NULL") > 0
    default = ContactTableModel(demo_db)
    assert default.rowCount() == everyone.rowCount() - len(archived)
    assert not any(n.endswith("(archived)") for n in column(default, NAME))


def test_the_trash_query_shows_only_the_trash(demo_db: pw.SqliteDatabase) -> None:
    listed = ContactTableModel(demo_db)
    gone = [listed.contact_id(row) for row in (3, 30, 300)]
    set_trashed(demo_db, gone, True)
    trash = ContactTableModel(demo_db, ContactQuery(trashed=True))
    assert sorted(trash.ids()) == sorted(gone)
    listed.reload()
    assert all(listed.row_of(cid) is None for cid in gone)


# --- sorting ---------------------------------------------------------------------------
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("key", list(SortKey), ids=[k.value for k in SortKey])
def test_each_sort_key_orders_rows_like_sql(
    qtmodeltester: Any, demo_db: pw.SqliteDatabase, key: SortKey, descending: bool
) -> None:
    model = ContactTableModel(demo_db, ContactQuery(tag="no such tag"))
    qtmodeltester.check(model)  # checks again, on all rows, at every reset
    model.set_query(ContactQuery(sort=key, descending=descending, include_archived=True))
    assert model.rowCount() == sql_count(demo_db, "trashed_at IS NULL")
    if key is SortKey.NAME:
        keys = [sort_key(n.removesuffix("  (archived)")) for n in column(model, NAME)]
        assert is_ordered(keys, descending)
    elif key is SortKey.CLOSENESS:
        assert is_ordered([_LEVELS[c] for c in column(model, CLOSENESS)], descending)
    elif key is SortKey.UPDATED:
        rows = rows_by_ids(demo_db, model.ids())
        assert is_ordered([(rows[cid].updated_at, cid) for cid in model.ids()], descending)
    elif key is SortKey.LAST_INTERACTION:
        rows = rows_by_ids(demo_db, model.ids())
        instants = [rows[cid].last_interaction_at for cid in model.ids()]
        contacted = [when for when in instants if when is not None]
        assert 0 < len(contacted) < len(instants), "the demo has people never contacted"
        assert instants[: len(contacted)] == contacted, "the never contacted come last"
        assert is_ordered(contacted, descending)
    elif key is SortKey.HEALTH:
        rows = rows_by_ids(demo_db, model.ids())
        scores = [rows[cid].health.score for cid in model.ids()]
        assert len(scores) == model.rowCount()
        assert is_ordered(scores, descending)
        assert len(set(scores)) > 10
        assert column(model, HEALTH)[0].startswith(f"{scores[0]} · ")
    else:
        col = {SortKey.ORGANIZATION: ORGANIZATION, SortKey.JOB_TITLE: JOB_TITLE, SortKey.TEAM: TEAM}
        assert_text_column_sorted(column(model, col[key]), descending)


def test_name_descending_is_name_ascending_reversed(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    ascending = list(model.ids())
    first_ascending = model.index(0, NAME).data()
    last_ascending = model.index(model.rowCount() - 1, NAME).data()
    model.sort(NAME, Qt.SortOrder.DescendingOrder)
    assert model.query.sort is SortKey.NAME
    assert model.query.descending
    assert list(model.ids()) == ascending[::-1]
    assert model.index(0, NAME).data() == last_ascending
    assert model.index(model.rowCount() - 1, NAME).data() == first_ascending
    assert first_ascending != last_ascending
    expected_first = (
        sqlite_connection(demo_db)
        .execute(
            "SELECT full_name FROM contact WHERE trashed_at IS NULL AND archived = 0"
            " ORDER BY sort_name DESC, id DESC LIMIT 1"
        )
        .fetchone()[0]
    )
    assert model.index(0, NAME).data() == expected_first


@pytest.mark.parametrize(
    ("col", "key"),
    [(c, k) for c, (_title, k) in enumerate(COLUMNS) if k is not None],
    ids=[title for title, k in COLUMNS if k is not None],
)
def test_sorting_by_a_column_uses_its_key(
    qtbot: Any, demo_db: pw.SqliteDatabase, col: int, key: SortKey
) -> None:
    model = ContactTableModel(demo_db)
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        model.sort(col, order)
        assert model.query.sort is key
        assert model.query.descending == (order == Qt.SortOrder.DescendingOrder)
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(col, Qt.SortOrder.AscendingOrder)  # already so: nothing to do


@pytest.mark.parametrize("col", [c for c, (_t, k) in enumerate(COLUMNS) if k is None])
def test_sorting_by_a_column_without_order_changes_nothing(
    qtbot: Any, demo_db: pw.SqliteDatabase, col: int
) -> None:
    model = ContactTableModel(demo_db)
    before = list(model.ids())
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(col, Qt.SortOrder.DescendingOrder)
        model.sort(99, Qt.SortOrder.DescendingOrder)
    assert list(model.ids()) == before


def test_the_same_query_again_does_not_rebuild_the_list(
    qtbot: Any, demo_db: pw.SqliteDatabase
) -> None:
    model = ContactTableModel(demo_db, ContactQuery(text="pricing"))
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_query(ContactQuery(text="pricing"))


# --- rows on demand ----------------------------------------------------------------------
def test_rows_are_read_a_page_at_a_time(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    assert model.rowCount() > 2500
    assert len(model._cache) == 0, "no row is read before it is shown"
    assert model.index(2500, NAME).data(ID_ROLE) == model.contact_id(2500)
    assert len(model._cache) == 0, "ids alone need no row"

    far = model.rowCount() - 10
    assert model.index(far, NAME).data()
    assert 0 < len(model._cache) <= PAGE_SIZE
    assert model.contact_id(far) in model._cache
    assert model.contact_id(far - 1) in model._cache, "the page around the row comes along"
    assert model.contact_id(0) not in model._cache

    size = len(model._cache)
    for col in range(len(COLUMNS)):
        model.index(far - 5, col).data()
    assert len(model._cache) == size, "rows of the same page are already there"
    model.index(0, NAME).data()
    assert len(model._cache) <= 2 * PAGE_SIZE


def test_the_row_cache_is_bounded(
    monkeypatch: pytest.MonkeyPatch, demo_db: pw.SqliteDatabase
) -> None:
    monkeypatch.setattr(model_module, "CACHE_ROWS", 250)
    model = ContactTableModel(demo_db)
    names = column(model, NAME)
    assert len(model._cache) <= 250
    assert all(names)
    assert column(model, NAME) == names, "rows evicted and read again are the same"


def test_a_reload_forgets_cached_rows(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    model.index(0, NAME).data()
    assert model._cache
    model.reload()
    assert len(model._cache) == 0


def test_the_window_reads_only_the_rows_it_shows(
    qtbot: Any, demo_db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    window = MainWindow(demo_db, UiSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(window.contacts.startup_complete)
    model = window.contacts.model
    qtbot.waitUntil(lambda: len(model._cache) > 0)
    assert len(model._cache) <= 2 * PAGE_SIZE
    window.contacts.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.contact_id(model.rowCount() - 1) in model._cache)
    assert len(model._cache) <= 4 * PAGE_SIZE


# --- refresh_rows and row_of -------------------------------------------------------------
def test_refresh_rows_repaints_a_changed_person(qtbot: Any, demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    row = 7
    contact_id = model.contact_id(row)
    before = model.index(row, ORGANIZATION).data()
    data = load_contact(demo_db, contact_id).data
    data.organization = "Renamed Holdings"
    update_contact(demo_db, contact_id, data)
    assert model.index(row, ORGANIZATION).data() == before, "cached until told"

    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_rows([contact_id, 10**9])
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), top_left.column()) == (row, 0)
    assert (bottom_right.row(), bottom_right.column()) == (row, len(COLUMNS) - 1)
    assert model.index(row, ORGANIZATION).data() == "Renamed Holdings"
    assert model.contact_id(row) == contact_id


def test_refresh_rows_of_people_not_shown_emits_nothing(
    qtbot: Any, demo_db: pw.SqliteDatabase
) -> None:
    model = ContactTableModel(demo_db, ContactQuery(text="priya"))
    hidden = ContactTableModel(demo_db, ContactQuery(text="wei")).contact_id(0)
    with qtbot.assertNotEmitted(model.dataChanged):
        model.refresh_rows([hidden])


def test_row_of_finds_each_person_and_follows_the_order(demo_db: pw.SqliteDatabase) -> None:
    model = ContactTableModel(demo_db)
    count = model.rowCount()
    for row in (0, 1, 500, count - 1):
        assert model.row_of(model.contact_id(row)) == row
    contact_id = model.contact_id(5)
    assert model.row_of(10**9) is None
    model.sort(NAME, Qt.SortOrder.DescendingOrder)
    assert model.row_of(contact_id) == count - 1 - 5
    model.set_query(ContactQuery(text="zzzzqqqq"))
    assert model.row_of(contact_id) is None
    assert model.rowCount() == 0


def test_a_big_list_paints_its_first_page_before_counting_everyone(
    qtbot: Any, demo_db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    window = MainWindow(demo_db, UiSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    model = window.contacts.model
    assert model.rowCount() == FIRST_PAGE_ROWS, "only the first screenful before showing"
    first_ids = [model.contact_id(row) for row in range(FIRST_PAGE_ROWS)]
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(window.contacts.startup_complete)
    assert model.rowCount() == len(contact_ids(demo_db, ContactQuery()))
    assert [model.contact_id(row) for row in range(FIRST_PAGE_ROWS)] == first_ids
    assert window.contacts.count_label.text() == f"{model.rowCount():,} people"


# --- the last interaction column ----------------------------------------------------------
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_noon(days_ago: int) -> datetime:
    """Noon of a day of this computer's calendar, ``days_ago`` days before today."""
    return datetime.combine(date.today() - timedelta(days=days_ago), time(12)).astimezone()


@pytest.fixture
def last_seen(db: pw.SqliteDatabase) -> dict[str, int]:
    """Ana today, Bo yesterday, Cy 3 days ago, Dee 5 weeks ago, Eve never."""
    people = {n: create_contact(db, ContactData(given_name=n)) for n in ("Eve", "Dee", "Cy", "Bo")}
    people["Ana"] = create_contact(db, ContactData(given_name="Ana"))
    for name, days_ago in (("Dee", 35), ("Dee", 60), ("Cy", 3), ("Bo", 1), ("Ana", 0)):
        create_interaction(db, InteractionData("call", [people[name]], when=local_noon(days_ago)))
    return people


def test_the_last_interaction_reads_as_days_ago(
    qtmodeltester: Any, db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db)
    qtmodeltester.check(model)
    assert column(model, NAME) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    assert column(model, LAST_INTERACTION) == [
        "Today",
        "Yesterday",
        "3 days ago",
        "5 weeks ago",
        "—",
    ]


def test_the_last_interaction_tooltip_is_the_full_local_date_and_time(
    db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db)
    tips = [
        model.index(row, LAST_INTERACTION).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(model.rowCount())
    ]
    day = date.today() - timedelta(days=3)
    assert (
        tips[2]
        == f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}, 12:00"
    )
    assert all(tip.endswith(", 12:00") for tip in tips[:4])
    assert tips[4] == "No interaction logged yet"


def test_sorting_the_last_interaction_column_puts_the_never_contacted_last(
    qtbot: Any, db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db)
    with qtbot.waitSignal(model.modelReset):
        model.sort(LAST_INTERACTION, Qt.SortOrder.DescendingOrder)
    assert model.query.sort is SortKey.LAST_INTERACTION
    assert column(model, NAME) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    model.sort(LAST_INTERACTION, Qt.SortOrder.AscendingOrder)
    assert column(model, NAME) == ["Dee", "Cy", "Bo", "Ana", "Eve"]
    assert column(model, LAST_INTERACTION)[-1] == "—"


def test_the_last_interaction_column_sorts_most_recent_first_on_the_first_click(
    db: pw.SqliteDatabase,
) -> None:
    model = ContactTableModel(db)
    role = Qt.ItemDataRole.InitialSortOrderRole
    first_click = model.headerData(LAST_INTERACTION, Qt.Orientation.Horizontal, role)
    assert Qt.SortOrder(first_click) == Qt.SortOrder.DescendingOrder
    others = [c for c in range(len(COLUMNS)) if c != LAST_INTERACTION]
    assert all(model.headerData(c, Qt.Orientation.Horizontal, role) is None for c in others)


def test_not_contacted_shows_the_quiet_and_the_never_contacted(
    db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db, ContactQuery(not_contacted_days=14))
    assert column(model, NAME) == ["Dee", "Eve"]
    model.set_query(ContactQuery(not_contacted_days=2))
    assert column(model, NAME) == ["Cy", "Dee", "Eve"]


def test_a_trashed_interaction_changes_the_column_once_refreshed(
    db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db)
    assert model.index(0, LAST_INTERACTION).data() == "Today"
    ana = last_seen["Ana"]
    set_interactions_trashed(db, list(interaction_ids(db, TimelineQuery(contact_id=ana))), True)
    model.refresh_rows([ana])
    assert model.index(0, LAST_INTERACTION).data() == "—"


def test_after_midnight_today_becomes_yesterday(
    qtbot: Any, db: pw.SqliteDatabase, last_seen: dict[str, int]
) -> None:
    model = ContactTableModel(db)
    assert model.index(0, LAST_INTERACTION).data() == "Today"
    timer = model._day_timer
    assert timer.isActive(), "once the column is shown, the model waits for midnight"
    assert 1000 < timer.remainingTime() <= 24 * 3600 * 1000 + 1000
    # Pretend the list was drawn yesterday: today's call was still to come then.
    model._today = date.today() - timedelta(days=1)
    model._when_texts.clear()
    assert model.index(0, LAST_INTERACTION).data() == "Tomorrow"
    assert model.index(1, LAST_INTERACTION).data() == "Today"
    with qtbot.waitSignal(model.dataChanged) as changed:
        model._on_new_day()  # what the timer set for midnight calls
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), top_left.column()) == (0, LAST_INTERACTION)
    assert (bottom_right.row(), bottom_right.column()) == (model.rowCount() - 1, LAST_INTERACTION)
    assert model.index(0, LAST_INTERACTION).data() == "Today"
    assert model.index(1, LAST_INTERACTION).data() == "Yesterday"
    with qtbot.assertNotEmitted(model.dataChanged):
        model._on_new_day()  # the same day again: nothing to repaint

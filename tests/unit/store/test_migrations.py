"""Schema migrations: step by step, frozen steps, an old file upgraded with its data kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import load_contact
from ally_desktop.core.records import ImportantDate, LabeledValue
from ally_desktop.core.text import sort_key
from ally_desktop.store import migrations, models, search
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.errors import NewerSchemaError, NotAnAllyDatabaseError, StoreError
from ally_desktop.store.integrity import check_database
from ally_desktop.store.models import MODELS

V1_FIXTURE = Path(__file__).parent / "data" / "schema_v1.sql"


@pytest.fixture
def raw(db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path, isolation_level=None)
    yield conn
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows if "_fts" not in name}


def _schema(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    )
    return dict(rows)


def _load_v1(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def upgraded(db_path: Path) -> Iterator[pw.SqliteDatabase]:
    _load_v1(db_path)
    database = open_database(db_path)
    yield database
    close_database(database)


def _ids(db: pw.SqliteDatabase, text: str, **filters: Any) -> list[int]:
    return list(contact_ids(db, ContactQuery(text=text, **filters)))


def test_versions_are_consecutive_from_one() -> None:
    assert [step.version for step in migrations.STEPS] == list(range(1, len(migrations.STEPS) + 1))
    assert migrations.STEPS[-1].version == migrations.LATEST_VERSION
    assert all(step.description for step in migrations.STEPS)


def test_empty_database_migrates_step_by_step(raw: sqlite3.Connection) -> None:
    assert migrations.schema_version(raw) == 0
    assert [s.version for s in migrations.pending_steps(raw)] == [1, 2, 3, 4, 5, 6, 7, 8, 9]

    ran = migrations.migrate(raw, target=1)
    assert [s.version for s in ran] == [1]
    assert migrations.schema_version(raw) == 1
    assert raw.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert "contact" in _tables(raw)
    assert "contact_fts" not in _schema(raw)

    ran = migrations.migrate(raw, target=2)
    assert [s.version for s in ran] == [2]
    assert "contact_fts" in _schema(raw)
    assert "interaction" not in _tables(raw)

    ran = migrations.migrate(raw, target=3)
    assert [s.version for s in ran] == [3]
    assert {"interaction", "interaction_participant"} <= _tables(raw)
    assert "interaction_by_time" in _schema(raw)

    ran = migrations.migrate(raw, target=4)
    assert [s.version for s in ran] == [4]
    schema = _schema(raw)
    assert {"interaction_by_day", "interaction_by_kind", "interaction_by_exchange"} <= set(schema)
    assert "interaction_by_time" not in schema, "replaced by the diary-order index"

    ran = migrations.migrate(raw, target=5)
    assert [s.version for s in ran] == [5]
    assert "reminder" in _tables(raw)
    assert "setting" not in _tables(raw)

    ran = migrations.migrate(raw, target=6)
    assert [s.version for s in ran] == [6]
    assert "setting" in _tables(raw)
    assert "contact_stats" not in _tables(raw)

    ran = migrations.migrate(raw, target=7)
    assert [s.version for s in ran] == [7]
    assert {"topic_alias", "contact_stats", "network_position"} <= _tables(raw)
    assert "contact_stats_by_interactions" not in _schema(raw)

    ran = migrations.migrate(raw, target=8)
    assert [s.version for s in ran] == [8]
    assert "contact_stats_by_interactions" in _schema(raw)

    ran = migrations.migrate(raw)
    assert [s.version for s in ran] == [9]
    assert migrations.schema_version(raw) == migrations.LATEST_VERSION
    assert search.index_is_consistent(raw)

    assert migrations.migrate(raw) == []
    assert migrations.pending_steps(raw) == []


def test_target_below_current_runs_nothing(raw: sqlite3.Connection) -> None:
    migrations.migrate(raw)
    assert migrations.migrate(raw, target=1) == []
    assert migrations.schema_version(raw) == migrations.LATEST_VERSION


def test_every_table_has_a_model(db: pw.SqliteDatabase) -> None:
    modelled = {model._meta.table_name for model in MODELS}
    assert _tables(sqlite_connection(db)) == modelled


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.table_name)
def test_model_matches_migrated_schema(db: pw.SqliteDatabase, model: type[pw.Model]) -> None:
    conn = sqlite_connection(db)
    table = model._meta.table_name
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    assert info, f"table {table} is missing"
    columns = {row[1]: row for row in info}
    fields = {field.column_name: field for field in model._meta.sorted_fields}
    assert set(columns) == set(model._meta.columns) == set(fields)

    primary = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    model_pk = model._meta.primary_key
    if isinstance(model_pk, pw.CompositeKey):
        expected_pk = [model._meta.fields[name].column_name for name in model_pk.field_names]
    else:
        expected_pk = [model_pk.column_name]
    assert primary == expected_pk

    for name, field in fields.items():
        if name in primary and len(primary) == 1:
            continue
        not_null = bool(columns[name][3])
        assert not_null == (not field.null), f"{table}.{name}: NOT NULL differs"

    foreign = {
        (row[3], row[2], row[6]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")
    }
    model_foreign = {
        (field.column_name, field.rel_model._meta.table_name, field.on_delete)
        for field in fields.values()
        if isinstance(field, pw.ForeignKeyField)
    }
    assert foreign == model_foreign


def test_models_write_and_read_the_migrated_tables(db: pw.SqliteDatabase) -> None:
    now = "2024-01-01T00:00:00.000000Z"
    ana = models.Contact.create(full_name="Ana", sort_name="ana", created_at=now, updated_at=now)
    bo = models.Contact.create(full_name="Bo", sort_name="bo", created_at=now, updated_at=now)
    for child in (models.ContactEmail, models.ContactPhone, models.ContactLink):
        child.create(contact=ana, value="v")
    models.ContactAddress.create(contact=ana, city="Paris")
    topic = models.Topic.create(name="Tax", key="tax")
    models.ContactTopic.insert(contact=ana, topic=topic).execute()
    tag = models.Tag.create(name="Mentor", key="mentor")
    models.ContactTag.insert(contact=ana, tag=tag).execute()
    models.ImportantDate.create(contact=ana, kind="birthday", month=2, day=29)
    models.Connection.create(from_contact=ana, to_contact=bo, kind="works_with", created_at=now)
    coffee = models.Interaction.create(
        occurred_at="2024-01-02T09:00:00Z",
        local_date="2024-01-02",
        kind="coffee",
        created_at=now,
        updated_at=now,
    )
    models.InteractionParticipant.insert(interaction=coffee, contact=ana).execute()
    models.Setting.create(key="trash.retention_days", value="30")
    models.TopicAlias.create(key="taxes", name="Taxes", topic=topic)
    models.NetworkPosition.create(contact=ana, x=1.5, y=-2.0)
    assert models.Setting.get_by_id("trash.retention_days").value == "30"
    assert models.Contact.get_by_id(ana.id).last_interaction_at == "2024-01-02T09:00:00Z"
    stats = models.ContactStats.get_by_id(ana.id)
    assert (stats.interactions, stats.first_at) == (1, "2024-01-02T09:00:00Z")
    for model in MODELS:
        assert model.select().count() >= 1, model._meta.table_name

    stored = models.Contact.get_by_id(ana.id)
    assert (stored.closeness, stored.archived, stored.photo, stored.notes) == (2, False, None, "")

    models.Contact.delete_by_id(ana.id)
    for model in MODELS:
        if model not in (
            models.Contact,
            models.Topic,
            models.Tag,
            models.Interaction,
            models.Setting,
            models.TopicAlias,
        ):
            assert model.select().count() == 0, model._meta.table_name
    assert models.Interaction.select().count() == 1, "an interaction outlives a participant"
    assert models.Contact.select().count() == 1


def test_step_one_is_frozen_as_released(raw: sqlite3.Connection, tmp_path: Path) -> None:
    migrations.migrate(raw, target=1)
    released = tmp_path / "released.sqlite3"
    _load_v1(released)
    with closing(sqlite3.connect(released)) as conn:
        assert _schema(raw) == _schema(conn)


def test_v1_file_upgrades_and_keeps_its_data(upgraded: pw.SqliteDatabase) -> None:
    conn = sqlite_connection(upgraded)
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 5

    elodie = load_contact(upgraded, 1)
    assert elodie.name == "Élodie Garnier"
    assert elodie.data.organization == "Northwind Traders"
    assert elodie.data.closeness == 1
    assert elodie.data.cadence_days == 30
    assert elodie.data.met_on is not None
    assert elodie.data.met_on.isoformat() == "2021-06-14"
    assert elodie.data.emails == [
        LabeledValue("work", "elodie.garnier@northwind.example"),
        LabeledValue("home", "elodie@mail.example"),
    ]
    assert elodie.data.topics == ["Pricing strategy", "Kubernetes"]
    assert elodie.data.tags == ["Mentor"]
    assert elodie.data.dates == [ImportantDate("birthday", 2, 29, None)]
    assert elodie.data.addresses[0].city == "Paris"
    phrases = {(v.other_name, v.phrase) for v in elodie.connections}
    assert phrases == {("ليلى حسن", "manages"), ("Tomás O'Brien", "is mentored by")}

    assert load_contact(upgraded, 5).trashed_at is not None


def test_v1_sort_names_are_the_keys_ally_computes(upgraded: pw.SqliteDatabase) -> None:
    rows = sqlite_connection(upgraded).execute("SELECT full_name, sort_name FROM contact")
    for full_name, stored in rows:
        assert stored == sort_key(full_name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("elodie", [1]),
        ("GARNIER", [1]),
        ("o'brien", [2]),
        ("tomas", [2]),
        ("ليلى", [3]),
        ("pricing strategy", [1, 3]),
        ("kubern", [1]),
        ("book club", [2, 3]),
        ("mentor", [1]),
        ("northwind", [1]),
        ("tomas.obrien@contoso", [2]),
        ("+33 6 12", [1]),
        ("tuesdays", [2]),
        ("overhaul", [1]),
        ("finance", [3]),
        ("nobody", []),
    ],
)
def test_v1_data_is_searchable_after_upgrade(
    upgraded: pw.SqliteDatabase, text: str, expected: list[int]
) -> None:
    assert _ids(upgraded, text) == expected


def test_v1_archived_and_trashed_after_upgrade(upgraded: pw.SqliteDatabase) -> None:
    assert _ids(upgraded, "wei") == []
    assert _ids(upgraded, "wei", include_archived=True) == [4]
    assert _ids(upgraded, "priya") == []
    assert _ids(upgraded, "priya", trashed=True) == [5]


def test_v1_upgraded_file_passes_the_check(upgraded: pw.SqliteDatabase, db_path: Path) -> None:
    assert search.index_is_consistent(sqlite_connection(upgraded))
    report = check_database(db_path)
    assert report.ok, report.problems
    assert report.schema_version == migrations.LATEST_VERSION
    assert report.contacts == 5


def test_v1_file_is_checked_before_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _load_v1(path)
    report = check_database(path)
    assert report.ok, report.problems
    assert report.schema_version == 1
    assert report.contacts == 5


def test_failing_first_step_rolls_back(raw: sqlite3.Connection) -> None:
    raw.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    raw.execute("CREATE TABLE connection (x)")
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrations.migrate(raw)
    assert migrations.schema_version(raw) == 0
    assert _tables(raw) == {"connection"}
    assert not raw.in_transaction


def test_failing_second_step_keeps_the_first(raw: sqlite3.Connection) -> None:
    migrations.migrate(raw, target=1)
    raw.execute("INSERT INTO topic (name, key) VALUES ('Tax', 'tax')")
    raw.execute("CREATE TABLE contact_fts (squatter)")
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(raw)
    assert migrations.schema_version(raw) == 1
    assert raw.execute("SELECT name FROM topic").fetchall() == [("Tax",)]
    assert raw.execute("PRAGMA table_info(contact_fts)").fetchall()[0][1] == "squatter"


def test_open_reports_a_failed_migration_and_leaves_the_version(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        migrations.migrate(conn, target=1)
        conn.execute("CREATE TABLE contact_fts (squatter)")
    with pytest.raises(StoreError):
        open_database(db_path)
    with closing(sqlite3.connect(db_path)) as conn:
        assert migrations.schema_version(conn) == 1


def test_newer_schema_has_no_pending_steps(raw: sqlite3.Connection) -> None:
    migrations.migrate(raw)
    raw.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 5}")
    with pytest.raises(NewerSchemaError, match=str(migrations.LATEST_VERSION + 5)):
        migrations.pending_steps(raw)
    with pytest.raises(NewerSchemaError):
        migrations.migrate(raw)
    assert migrations.schema_version(raw) == migrations.LATEST_VERSION + 5


def test_tables_without_application_id_are_another_program(raw: sqlite3.Connection) -> None:
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(NotAnAllyDatabaseError):
        migrations.migrate(raw)
    assert migrations.schema_version(raw) == 0
    assert _tables(raw) == {"invoices"}


def test_foreign_application_id_is_another_program(raw: sqlite3.Connection) -> None:
    raw.execute("PRAGMA application_id = 42")
    with pytest.raises(NotAnAllyDatabaseError):
        migrations.pending_steps(raw)
    assert _tables(raw) == set()

"""Ally's CSV and vCard give back exactly what they were given: cell by cell, and through a
store."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import peewee as pw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ally_desktop.core.contacts import create_contact, load_contact, update_contact
from ally_desktop.core.formats import csv_native
from ally_desktop.core.formats.common import Format, OutgoingContact
from ally_desktop.core.records import ContactData
from ally_desktop.core.transfer.exporting import ExportOptions, export_contacts, write_csv
from ally_desktop.core.transfer.importing import apply_import, plan_import
from ally_desktop.core.transfer.reading import read_file
from ally_desktop.core.validation import ValidationError, validate_contact
from ally_desktop.store.db import close_database, open_database, sqlite_connection

from .contact_strategies import contacts


def _valid(data: ContactData) -> ContactData | None:
    try:
        return validate_contact(data)
    except ValidationError:
        return None


def _through_csv(contact: OutgoingContact) -> ContactData:
    out = io.StringIO(newline="")
    write_csv([contact], out, ExportOptions())
    text = out.getvalue()
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(csv_native.COLUMNS)
    from ally_desktop.core.csv_cells import restore

    cells = dict(zip(rows[0], (restore(c) for c in rows[1]), strict=True))
    incoming = csv_native.contact_of(cells, 2)
    assert incoming.ref == str(contact.id)
    links = [
        dataclasses.replace(c, other_id=int(link.ref), label=link.label, note=link.note)
        for c, link in zip(contact.data.connections, incoming.links, strict=True)
    ]
    return validate_contact(dataclasses.replace(incoming.data, connections=links))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(contacts(other_ids=(3, 4, 5)))
def test_any_contact_survives_a_row_of_ally_csv(data: ContactData) -> None:
    valid = _valid(data)
    if valid is None:
        return
    assert _through_csv(OutgoingContact(7, valid, "2024-01-02T03:04:05.000000Z")) == valid


def _portable(db: pw.SqliteDatabase, contact_id: int, ids: dict[int, int]) -> ContactData:
    """A stored contact with its connections named by the other side's position."""
    data = load_contact(db, contact_id).data
    return dataclasses.replace(
        data,
        connections=sorted(
            (dataclasses.replace(c, other_id=ids[c.other_id]) for c in data.connections),
            key=repr,
        ),
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(st.lists(contacts(other_ids=(0, 1, 2)), min_size=3, max_size=6))
@pytest.mark.parametrize(
    "options",
    [
        ExportOptions(),
        ExportOptions(byte_order_mark=True),
        ExportOptions(format=Format.VCARD),
        ExportOptions(format=Format.VCARD, vcard_version="4.0"),
    ],
    ids=["ally-csv", "ally-csv-bom", "vcard-3", "vcard-4"],
)
def test_export_then_import_into_an_empty_store_gives_back_the_same_people(
    tmp_path: Path, options: ExportOptions, people: list[ContactData]
) -> None:
    kept = [(p, _valid(dataclasses.replace(p, connections=[]))) for p in people]
    pairs = [(p, v) for p, v in kept if v is not None]
    if len(pairs) < 3:
        return
    people = [p for p, _ in pairs]
    valid = [v for _, v in pairs]
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    # One store open at a time: the models are bound to the database opened last.
    source = open_database(folder / "a.sqlite3")
    try:
        ids = [create_contact(source, data) for data in valid]
        for person, contact_id in zip(people, ids, strict=True):
            links = [
                dataclasses.replace(c, other_id=ids[c.other_id])
                for c in person.connections
                if ids[c.other_id] != contact_id
            ]
            record = load_contact(source, contact_id)
            update_contact(source, contact_id, dataclasses.replace(record.data, connections=links))
        export_contacts(sqlite_connection(source), ids, folder / "out", options)
        position_a = {cid: i for i, cid in enumerate(ids)}
        stored = [_portable(source, cid, position_a) for cid in ids]
        made = [load_contact(source, cid).created_at for cid in ids]
    finally:
        close_database(source)
    target = open_database(folder / "b.sqlite3")
    try:
        plan = plan_import(target, read_file(folder / "out"))
        assert plan.problems == []
        outcome = apply_import(target, plan)
        assert outcome.unresolved_links == 0
        position_b = {cid: i for i, cid in enumerate(outcome.created_ids)}
        assert [_portable(target, cid, position_b) for cid in outcome.created_ids] == stored
        assert [load_contact(target, cid).created_at for cid in outcome.created_ids] == made
    finally:
        close_database(target)

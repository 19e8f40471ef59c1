"""Exports appear whole or not at all, in RFC 4180 CSV, with formulas made inert."""

from __future__ import annotations

import csv
import errno
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.formats.common import Format
from ally_desktop.core.records import ContactData, LabeledValue
from ally_desktop.core.transfer.atomic_files import WriteFailedError, describe_os_error
from ally_desktop.core.transfer.bulk import NewContact, insert_contacts
from ally_desktop.core.transfer.exporting import (
    ExportCancelledError,
    ExportOptions,
    export_contacts,
    format_for_path,
)
from ally_desktop.store.db import sqlite_connection


@pytest.fixture
def people(db: pw.SqliteDatabase) -> list[int]:
    first = create_contact(
        db,
        ContactData(
            given_name="Person 0",
            notes='=HYPERLINK("http://evil.example","click")',
            phones=[LabeledValue("mobile", "+1 555 0100")],
        ),
    )
    rest = [NewContact(first + i, ContactData(given_name=f"Person {i}")) for i in range(1, 1200)]
    with db.atomic():
        insert_contacts(sqlite_connection(db), rest)
    return [first, *(new.id for new in rest)]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A folder of its own for the exports (the store's files live beside it)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def test_every_contact_is_written_in_order_with_crlf(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    target = out_dir / "allies.csv"
    seen: list[tuple[int, int]] = []
    count = export_contacts(
        sqlite_connection(db), people[::-1], target, progress=lambda d, t: seen.append((d, t))
    )
    assert count == 1200
    rows = _rows(target)
    assert len(rows) == 1201
    assert [r[1] for r in rows[1:3]] == ["Person 1199", "Person 1198"]
    raw = target.read_bytes()
    assert raw.count(b"\r\n") == 1201
    assert raw.count(b"\n") == 1201
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert seen[0] == (0, 1200)
    assert seen[-1] == (1200, 1200)
    assert [p.name for p in out_dir.iterdir()] == ["allies.csv"]  # no temporary file left


def test_formulas_are_inert_unless_asked_and_a_bom_on_request(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    conn = sqlite_connection(db)
    safe, raw = out_dir / "safe.csv", out_dir / "raw.csv"
    export_contacts(conn, people[:1], safe, ExportOptions(byte_order_mark=True))
    export_contacts(conn, people[:1], raw, ExportOptions(neutralise=False))
    assert safe.read_bytes().startswith(b"\xef\xbb\xbf")
    [header, row] = _rows(safe, "utf-8-sig")
    cells = dict(zip(header, row, strict=True))
    assert cells["notes"] == '\'=HYPERLINK("http://evil.example","click")'
    assert cells["phones"] == "mobile;+1 555 0100"  # not at the cell's start: untouched
    [header, row] = _rows(raw)
    assert dict(zip(header, row, strict=True))["notes"].startswith("=HYPERLINK")


def test_a_cancel_leaves_the_existing_file_untouched_and_no_temporary_file(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    target = out_dir / "allies.csv"
    target.write_text("the user's old file\n")
    calls = 0

    def cancel_on_second_batch() -> bool:
        nonlocal calls
        calls += 1
        return calls >= 2

    with pytest.raises(ExportCancelledError):
        export_contacts(sqlite_connection(db), people, target, cancelled=cancel_on_second_batch)
    assert target.read_text() == "the user's old file\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["allies.csv"]


def test_a_failure_half_way_leaves_nothing_where_the_user_asked(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    target = out_dir / "new.csv"

    def fail(done: int, _total: int) -> None:
        if done >= 500:
            raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        export_contacts(sqlite_connection(db), people, target, progress=fail)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
        (PermissionError(errno.EACCES, "Permission denied"), "may not write in"),
        (OSError(errno.EROFS, "Read-only file system"), "is read-only"),
        (FileNotFoundError(errno.ENOENT, "No such file"), "does not exist"),
    ],
)
def test_file_system_errors_are_put_in_words(error: OSError, words: str) -> None:
    assert words in describe_os_error(error, Path("/media/usb/allies.csv"))


def test_a_missing_folder_is_explained_in_a_sentence(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    with pytest.raises(WriteFailedError) as caught:
        export_contacts(sqlite_connection(db), people[:3], out_dir / "gone" / "a.csv")
    assert (
        str(caught.value) == f"The folder {out_dir / 'gone'} does not exist (was a drive removed?)."
    )


def test_a_folder_as_the_target_is_explained(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    with pytest.raises(WriteFailedError, match="is a folder"):
        export_contacts(sqlite_connection(db), people[:3], out_dir)


def test_an_existing_file_keeps_its_permissions(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    target = out_dir / "shared.csv"
    target.write_text("old")
    target.chmod(0o640)
    export_contacts(sqlite_connection(db), people[:3], target)
    assert target.stat().st_mode & 0o777 == 0o640
    assert len(_rows(target)) == 4


def test_the_extension_picks_the_format() -> None:
    assert format_for_path(Path("a.VCF")) is Format.VCARD
    assert format_for_path(Path("a.vcard")) is Format.VCARD
    assert format_for_path(Path("a.csv")) is Format.NATIVE
    assert format_for_path(Path("a.txt")) is Format.NATIVE


def test_formats_ally_cannot_write_are_refused(db: pw.SqliteDatabase, out_dir: Path) -> None:
    with pytest.raises(ValueError, match="does not export"):
        export_contacts(
            sqlite_connection(db), [], out_dir / "x.csv", ExportOptions(format=Format.LINKEDIN)
        )


def test_a_contact_deleted_meanwhile_is_left_out(
    db: pw.SqliteDatabase, people: list[int], out_dir: Path
) -> None:
    from ally_desktop.core.contacts import purge_contacts

    purge_contacts(db, people[1:2])
    assert export_contacts(sqlite_connection(db), people[:3], out_dir / "a.csv") == 2

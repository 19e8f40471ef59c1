"""A corpus of broken files: each gets a clear message, and the store is not touched."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ally_desktop import cli
from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.paths import DATA_DIR_ENV, ensure_data_dir
from ally_desktop.store.db import close_database, open_database

GOOD_ROWS = "given_name,family_name,emails\r\nAna,Ruiz,ana@example.com\r\nBo,Chen,\r\n"


def _truncated(path: Path) -> None:
    path.write_bytes(GOOD_ROWS.encode() + b'Cy,"Diaz, the')


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def _wrong_encoding(path: Path) -> None:
    # Shift-JIS bytes: neither UTF-8 nor Windows-1252 can read them (0x81 is unassigned).
    path.write_bytes("名前,メール\r\n山田,yamada@example.com\r\n".encode("shift_jis"))


def _ragged(path: Path) -> None:
    path.write_text(GOOD_ROWS + "Cy,Diaz,cy@example.com,extra,cells\r\nDi\r\n")


def _giant_cell(path: Path) -> None:
    path.write_text(GOOD_ROWS + "Cy,Diaz," + "x" * (10 * 1024 * 1024) + "\r\n")


def _header_only(path: Path) -> None:
    path.write_text("given_name,family_name,emails\r\n")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _vcard_broken(path: Path) -> None:
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nN:Ruiz;Ana\r\n")


CORPUS: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncated, "line 4: The file ends inside a quoted cell: it was cut off."),
    "binary": (_binary, "This is not a text file"),
    "wrong encoding": (_wrong_encoding, "neither UTF-8, UTF-16 nor Windows-1252"),
    "ragged rows": (_ragged, "line 4: The row has 5 cells where the header has 3"),
    "10 MB cell": (_giant_cell, "line 4: A cell is longer than 1,048,576 characters"),
    "header only": (_header_only, "has no rows below its header: nothing to import."),
    "empty": (_empty, "The file is empty."),
    "vcard cut off": (_vcard_broken, "line 1:"),
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    folder = tmp_path / "data"
    database = open_database(ensure_data_dir(folder).database)
    try:
        create_contact(database, ContactData(given_name="Already", family_name="Here"))
    finally:
        close_database(database)
    return folder


def _fingerprint(data_dir: Path) -> str:
    """The store's content (not its file bytes, which a checkpoint may move)."""
    conn = sqlite3.connect(f"file:{data_dir / 'ally.sqlite3'}?mode=ro", uri=True)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.mark.parametrize("case", list(CORPUS))
def test_each_broken_file_is_explained_and_nothing_changes(
    case: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, message = CORPUS[case]
    suffix = ".vcf" if case.startswith("vcard") else ".csv"
    path = tmp_path / f"broken{suffix}"
    make(path)
    before = _fingerprint(data_dir)
    code = cli.main(["import", str(path), "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_BAD_INPUT
    assert message in err
    assert "Nothing was imported" in err
    assert "Traceback" not in err + out
    assert _fingerprint(data_dir) == before


def test_the_readable_rows_of_a_ragged_file_go_in_only_when_asked(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ragged.csv"
    _ragged(path)
    assert cli.main(["import", str(path), "--data-dir", str(data_dir), "--dry-run"]) == 1
    assert cli.main(["import", str(path), "--data-dir", str(data_dir), "--skip-bad-rows"]) == 0
    out, _ = capsys.readouterr()
    assert "Imported: 2 added." in out

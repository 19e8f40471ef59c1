"""``ally export`` and ``ally import`` as real processes on the demo data."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import vobject

from ally_desktop.core.formats import csv_google, csv_native, csv_outlook

Ally = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def demo_dir(ally: Ally, data_dir: Path) -> Path:
    result = ally("demo", "--data-dir", data_dir, "--contacts", "120")
    assert result.returncode == 0, result.stderr
    return data_dir


def _count(data_dir: Path, sql: str = "SELECT count(*) FROM contact") -> int:
    conn = sqlite3.connect(f"file:{data_dir / 'ally.sqlite3'}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_csv_then_import_into_a_new_store(
    ally: Ally, demo_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "allies.csv"
    result = ally("export", out, "--data-dir", demo_dir)
    assert result.returncode == 0, result.stderr
    shown = _count(
        demo_dir, "SELECT count(*) FROM contact WHERE NOT archived AND trashed_at IS NULL"
    )
    assert result.stdout == f"Exported {shown} contacts to {out} (Ally CSV).\n"
    rows = _csv_rows(out)
    assert rows[0] == list(csv_native.COLUMNS)
    assert len(rows) == shown + 1

    fresh = tmp_path / "fresh"
    dry = ally("import", out, "--data-dir", fresh, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing was written." in dry.stdout
    result = ally("import", out, "--data-dir", fresh)
    assert result.returncode == 0, result.stderr
    assert f"Imported: {shown} added" in result.stdout
    assert _count(fresh) == shown
    again = ally("import", out, "--data-dir", fresh, "--duplicates", "skip")
    assert again.returncode == 0, again.stderr
    assert f"Imported: 0 added, {shown} skipped." in again.stdout
    assert _count(fresh) == shown


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_vcard_parses_with_vobject(
    ally: Ally, demo_dir: Path, tmp_path: Path, version: str
) -> None:
    out = tmp_path / "allies.vcf"
    result = ally("export", out, "--data-dir", demo_dir, "--vcard-version", version)
    assert result.returncode == 0, result.stderr
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    assert len(cards) == int(result.stdout.split()[1])
    assert all(card.version.value == version for card in cards)
    assert all(card.fn.value for card in cards)
    assert b"\r\n" in out.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "header"), [("google", csv_google.HEADER), ("outlook", csv_outlook.HEADER)]
)
def test_google_and_outlook_exports_have_exactly_their_headers(
    ally: Ally, demo_dir: Path, tmp_path: Path, fmt: str, header: tuple[str, ...]
) -> None:
    out = tmp_path / f"{fmt}.csv"
    result = ally("export", out, "--data-dir", demo_dir, "--format", fmt, "--tag", "mentor")
    assert result.returncode == 0, result.stderr
    rows = _csv_rows(out)
    assert tuple(rows[0]) == header
    assert all(len(row) == len(header) for row in rows)
    mentors = _count(
        demo_dir,
        "SELECT count(*) FROM contact c JOIN contact_tag ct ON ct.contact_id = c.id"
        " JOIN tag t ON t.id = ct.tag_id WHERE t.key = 'mentor' AND NOT c.archived"
        " AND c.trashed_at IS NULL",
    )
    assert len(rows) == mentors + 1
    back = ally("import", out, "--data-dir", tmp_path / "fresh")
    assert back.returncode == 0, back.stderr
    assert f"Imported: {mentors} added" in back.stdout


def test_a_search_narrows_the_export_and_nothing_found_writes_nothing(
    ally: Ally, demo_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "few.csv"
    result = ally("export", out, "--data-dir", demo_dir, "--search", "zzzznobody")
    assert result.returncode == 1
    assert "No contacts match: nothing was written." in result.stderr
    assert not out.exists()

"""Damaged data files: each kind of damage gets the right diagnosis and a working way out.

Every case starts from a real database filled by the demo generator (a few hundred
people and interactions), damaged the way disks, copies and other programs damage
files: cut off, random bytes in some pages, in the header, in all of page 1, replaced
by an image or a text, emptied, written by a newer Ally, or another program's database.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import stat
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from ally_desktop.core.demo import generate_demo
from ally_desktop.store import health, migrations, recovery, schedule
from ally_desktop.store.db import close_database, open_database
from ally_desktop.store.errors import NewerSchemaError, RecoveryCancelledError
from ally_desktop.store.health import (
    Health,
    HealthKind,
    check_mark,
    diagnose,
    mark_for_check,
    move_aside,
    put_back,
)
from ally_desktop.store.recovery import (
    recover_into,
)

PEOPLE = 300
INTERACTIONS = 900
PAGE = 4096
SQLITE_WORDS = ("malformed", "btree", "sqlite_master", "errno", "Page ")


@pytest.fixture(scope="module")
def healthy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for the whole module (each test damages its own copy)."""
    path = tmp_path_factory.mktemp("healthy") / "ally.sqlite3"
    database = open_database(path)
    try:
        generate_demo(database, PEOPLE, seed=5, interactions=INTERACTIONS)
    finally:
        close_database(database)
    return path


@pytest.fixture
def healthy(healthy_source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "ally.sqlite3"
    shutil.copyfile(healthy_source, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("contact", "interaction", "interaction_participant", "reminder")
        }


def assert_healthy_ally_file(path: Path) -> None:
    """Passes integrity_check and the foreign keys, and opens with open_database."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    database = open_database(path)
    close_database(database)
    report = diagnose(path, quick_check=True)
    assert report.kind is HealthKind.OK


def plain(health: Health) -> None:
    """The reason is plain words: SQLite's vocabulary stays in the detail."""
    assert health.reason
    assert health.reason.endswith(".")
    for word in SQLITE_WORDS:
        assert word not in health.reason, health.reason


# -- ways to damage a file ---------------------------------------------------------------


def truncate(path: Path, fraction: float = 0.6) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def garble_pages(path: Path, pages: list[int], seed: int = 1) -> None:
    """Random bytes over each whole page (1-based numbers): its header, its pointers and
    its cells (bytes only in the free gap between them would go unnoticed)."""
    rng = random.Random(seed)
    with path.open("r+b") as f:
        for page in pages:
            f.seek((page - 1) * PAGE)
            f.write(rng.randbytes(PAGE))


def some_pages(path: Path, count: int, seed: int) -> list[int]:
    """``count`` random pages, never page 1."""
    total = path.stat().st_size // PAGE
    return random.Random(seed).sample(range(2, total + 1), count)


def garble_header(path: Path) -> None:
    rng = random.Random(7)
    with path.open("r+b") as f:
        f.write(bytes(rng.randrange(256) for _ in range(100)))


def garble_page_one(path: Path) -> None:
    rng = random.Random(8)
    with path.open("r+b") as f:
        f.write(bytes(rng.randrange(256) for _ in range(PAGE)))


def root_page(path: Path, name: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
        )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


# -- diagnose ----------------------------------------------------------------------------


def test_a_healthy_file_is_ok_and_left_exactly_as_it_was(healthy: Path) -> None:
    before = digest(healthy)
    listing = sorted(p.name for p in healthy.parent.iterdir())

    health = diagnose(healthy)

    assert health.kind is HealthKind.OK
    assert health.opens_as_is
    assert health.checked  # a small file is checked in full at start
    assert health.schema_version == migrations.LATEST_VERSION
    assert digest(healthy) == before
    assert sorted(p.name for p in healthy.parent.iterdir()) == listing  # no -wal, no -shm


def test_a_missing_file_is_a_first_start(tmp_path: Path) -> None:
    health = diagnose(tmp_path / "ally.sqlite3")
    assert health.kind is HealthKind.MISSING
    assert health.opens_as_is
    assert not (tmp_path / "ally.sqlite3").exists()


def test_a_big_file_is_checked_at_start_only_by_its_header_and_tables(
    healthy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    garble_pages(healthy, [root_page(healthy, "contact_by_sort_name")])
    monkeypatch.setattr(health, "QUICK_CHECK_AT_START_BYTES", 1024)

    quick_look = diagnose(healthy)
    assert quick_look.kind is HealthKind.OK  # the damage is where only quick_check looks
    assert not quick_look.checked

    mark_for_check(healthy)  # what the background check does when it finds damage
    assert check_mark(healthy).exists()
    marked = diagnose(healthy)
    assert marked.kind is HealthKind.DAMAGED
    assert marked.checked
    assert diagnose(healthy, quick_check=True).kind is HealthKind.DAMAGED


def test_a_file_with_an_unfinished_write_ahead_log_is_read_with_it(
    healthy: Path, tmp_path: Path
) -> None:
    """A crash leaves committed changes in the -wal file: diagnosis and recovery see them."""
    live = sqlite3.connect(healthy, isolation_level=None)
    schedule.install_functions(live)  # the contact triggers call them
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute(
        "INSERT INTO contact (given_name, full_name, sort_name, created_at, updated_at) "
        "VALUES ('Wal', 'Wal Only', 'wal only', '2026-01-01', '2026-01-01')"
    )
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    shutil.copyfile(healthy, crashed / "ally.sqlite3")
    shutil.copyfile(healthy.with_name("ally.sqlite3-wal"), crashed / "ally.sqlite3-wal")
    live.close()
    path = crashed / "ally.sqlite3"
    before = digest(path)

    assert diagnose(path).kind is HealthKind.OK
    assert digest(path) == before

    report = recover_into(path, tmp_path / "new.sqlite3", use_cli=False)
    assert report.people == PEOPLE + 1
    assert digest(path) == before


# -- each kind of damage: diagnosis, moving aside, recovery -----------------------------


def test_a_file_cut_off_at_60_percent(healthy: Path, tmp_path: Path) -> None:
    original = counts(healthy)
    truncate(healthy, 0.6)

    health = diagnose(healthy)
    assert health.kind is HealthKind.DAMAGED
    plain(health)
    assert "cut off" in health.reason

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    recovered = counts(tmp_path / "new.sqlite3")
    assert recovered["contact"] == report.people
    assert 0 < recovered["contact"] <= original["contact"]
    assert recovered["interaction"] <= original["interaction"]
    # The pages before the cut are all there: people come first and most survive.
    assert recovered["contact"] >= 0.5 * original["contact"]
    assert report.lost > 0
    assert "could not be read" in report.summary()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_in_a_few_pages_lose_only_what_was_on_them(
    healthy: Path, tmp_path: Path, seed: int
) -> None:
    original = counts(healthy)
    garble_pages(healthy, some_pages(healthy, 4, seed), seed=seed)

    health = diagnose(healthy)
    assert health.kind is HealthKind.DAMAGED, health
    plain(health)
    assert health.detail  # SQLite's own words, for whoever repairs files

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    recovered = counts(tmp_path / "new.sqlite3")
    for table in ("contact", "interaction"):
        assert recovered[table] <= original[table]
        assert recovered[table] >= 0.85 * original[table], (table, report.lines())
    assert report.people == recovered["contact"]
    assert report.interactions == recovered["interaction"]


def test_random_bytes_in_the_header(healthy: Path, tmp_path: Path) -> None:
    original = counts(healthy)
    garble_header(healthy)

    health = diagnose(healthy)
    assert health.kind is HealthKind.DAMAGED  # recognized as Ally's by what follows
    plain(health)
    assert "header" in health.reason

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert counts(tmp_path / "new.sqlite3") == original  # the header alone held no rows
    assert any("header" in note for note in report.notes)


def test_random_bytes_over_all_of_page_one(healthy: Path, tmp_path: Path) -> None:
    """Page 1 holds the header and the root of the table list: the list is rebuilt from
    the pages that hold its entries, and every table is found again."""
    original = counts(healthy)
    garble_page_one(healthy)

    health = diagnose(healthy)
    assert health.kind is HealthKind.DAMAGED
    plain(health)

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert counts(tmp_path / "new.sqlite3") == original
    assert any("list of tables" in note for note in report.notes)


@pytest.mark.parametrize(
    ("content", "words"),
    [(PNG, "a PNG image"), (b"Dear Ana,\nthanks for the intro.\n", "a text file")],
    ids=["png", "text"],
)
def test_a_file_that_is_not_a_database(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "ally.sqlite3"
    path.write_bytes(content)

    health = diagnose(path)

    assert health.kind is HealthKind.NOT_ALLY
    plain(health)
    assert words in health.reason
    report = recover_into(path, tmp_path / "new.sqlite3", use_cli=False)
    assert report.people == 0
    assert_healthy_ally_file(tmp_path / "new.sqlite3")  # an empty, healthy start
    assert path.read_bytes() == content


def test_a_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    path.touch()

    health = diagnose(path)

    assert health.kind is HealthKind.EMPTY
    assert health.opens_as_is  # a new database is made in it; the app asks first if backups exist
    plain(health)
    report = recover_into(path, tmp_path / "new.sqlite3", use_cli=False)
    assert report.people == 0
    assert_healthy_ally_file(tmp_path / "new.sqlite3")


def test_a_file_of_a_newer_ally_is_refused_and_never_downgraded(
    healthy: Path, tmp_path: Path
) -> None:
    newer = migrations.LATEST_VERSION + 3
    with closing(sqlite3.connect(healthy)) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    before = digest(healthy)

    health = diagnose(healthy)

    assert health.kind is HealthKind.NEWER
    assert not health.opens_as_is
    assert f"schema {newer}" in health.reason
    assert "Update Ally" in health.reason
    with pytest.raises(NewerSchemaError):
        recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert not (tmp_path / "new.sqlite3").exists()
    assert digest(healthy) == before


def test_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, file TEXT)")
        conn.execute("INSERT INTO photo (file) VALUES ('beach.jpg')")
        conn.commit()
    before = digest(path)

    health = diagnose(path)

    assert health.kind is HealthKind.NOT_ALLY
    plain(health)
    assert "another program" in health.reason
    report = recover_into(path, tmp_path / "new.sqlite3", use_cli=False)
    assert report.people == 0
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert digest(path) == before


def test_allys_tables_without_allys_marks_are_damage_and_fully_recovered(
    healthy: Path, tmp_path: Path
) -> None:
    original = counts(healthy)
    with closing(sqlite3.connect(healthy)) as conn:
        conn.execute("PRAGMA application_id = 0")
        conn.execute("PRAGMA user_version = 0")

    health = diagnose(healthy)

    assert health.kind is HealthKind.DAMAGED
    plain(health)
    recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert counts(tmp_path / "new.sqlite3") == original


DAMAGES: dict[str, Callable[[Path], None]] = {
    "truncated": truncate,
    "pages": lambda path: garble_pages(path, some_pages(path, 4, 9)),
    "header": garble_header,
    "page one": garble_page_one,
    "png": lambda path: path.write_bytes(PNG),
    "empty": lambda path: path.write_bytes(b""),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_moving_aside_keeps_the_damaged_bytes_and_recovery_never_writes_them(
    healthy: Path, damage: str
) -> None:
    DAMAGES[damage](healthy)
    before = digest(healthy)
    folder = healthy.parent

    aside = move_aside(healthy, now=datetime(2026, 11, 26, 4, 15, 0))

    assert aside == folder / "ally.sqlite3.damaged-20261126-041500"
    assert not healthy.exists()
    assert digest(aside) == before
    report = recover_into(aside, healthy, use_cli=False)
    assert digest(aside) == before  # read from a copy, never in place
    assert report.target == healthy
    assert_healthy_ally_file(healthy)
    assert stat.S_IMODE(healthy.stat().st_mode) == 0o600
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".ally-recover")]
    assert leftovers == []


# -- moving aside ------------------------------------------------------------------------


def test_move_aside_takes_the_side_files_and_never_overwrites(healthy: Path) -> None:
    moment = datetime(2026, 11, 26, 4, 15, 0)
    folder = healthy.parent
    wal = healthy.with_name("ally.sqlite3-wal")
    shm = healthy.with_name("ally.sqlite3-shm")
    wal.write_bytes(b"log")
    shm.write_bytes(b"index")
    taken = folder / "ally.sqlite3.damaged-20261126-041500"
    taken.write_bytes(b"an earlier damaged file")
    before = digest(healthy)

    aside = move_aside(healthy, now=moment)

    assert aside.name == "ally.sqlite3.damaged-20261126-041500-2"
    assert taken.read_bytes() == b"an earlier damaged file"
    assert digest(aside) == before
    assert (folder / f"{aside.name}-wal").read_bytes() == b"log"
    assert (folder / f"{aside.name}-shm").read_bytes() == b"index"
    assert not healthy.exists()
    assert not wal.exists()
    assert not shm.exists()

    put_back(aside, healthy)
    assert digest(healthy) == before
    assert wal.read_bytes() == b"log"
    assert not aside.exists()


def test_move_aside_clears_the_mark_that_asked_for_a_check(healthy: Path) -> None:
    mark_for_check(healthy)
    move_aside(healthy)
    assert not check_mark(healthy).exists()


def test_put_back_refuses_when_a_new_file_took_the_place(healthy: Path) -> None:
    aside = move_aside(healthy)
    healthy.write_bytes(b"new")
    with pytest.raises(FileExistsError):
        put_back(aside, healthy)
    assert healthy.read_bytes() == b"new"
    assert aside.exists()


# -- recovery ----------------------------------------------------------------------------


def test_recovery_of_a_healthy_file_is_a_faithful_copy(healthy: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.sqlite3"
    report = recover_into(healthy, target, use_cli=False)

    assert report.people == PEOPLE
    assert report.interactions == INTERACTIONS
    assert report.lost == 0
    assert report.summary() == f"Recovered {PEOPLE} people, {INTERACTIONS:,} interactions."
    with closing(sqlite3.connect(healthy)) as old, closing(sqlite3.connect(target)) as new:
        for table in ("contact", "reminder", "interaction_participant", "contact_topic"):
            query = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert old.execute(query).fetchall() == new.execute(query).fetchall(), table
        assert new.execute("SELECT count(*) FROM contact_fts").fetchone()[0] == PEOPLE
        assert new.execute("SELECT count(*) FROM interaction_fts").fetchone()[0] == INTERACTIONS
    assert_healthy_ally_file(target)


def test_damaged_index_pages_cost_no_rows(healthy: Path, tmp_path: Path) -> None:
    original = counts(healthy)
    garble_pages(healthy, [root_page(healthy, "contact_by_sort_name")])
    assert diagnose(healthy).kind is HealthKind.DAMAGED

    recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)

    assert counts(tmp_path / "new.sqlite3") == original  # indexes are rebuilt, not copied
    assert_healthy_ally_file(tmp_path / "new.sqlite3")


def test_lost_reminders_are_made_again_from_cadences_and_dates(
    healthy: Path, tmp_path: Path
) -> None:
    """The reminder table's root page garbled: its rows are gone, but what Ally derives
    (keep in touch from cadences, birthdays from dates) comes back through the triggers."""
    with closing(sqlite3.connect(healthy)) as conn:
        cadences = conn.execute(
            "SELECT count(*) FROM contact WHERE cadence_days IS NOT NULL"
        ).fetchone()[0]
        dates = conn.execute("SELECT count(*) FROM important_date").fetchone()[0]
    garble_pages(healthy, [root_page(healthy, "reminder")])

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)

    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert report.table("reminder").lost > 0
    with closing(sqlite3.connect(tmp_path / "new.sqlite3")) as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM reminder GROUP BY kind").fetchall())
    assert kinds.get("keep_in_touch") == cadences
    assert kinds.get("date") == dates


def test_rows_whose_person_was_lost_are_left_out(healthy: Path, tmp_path: Path) -> None:
    with closing(sqlite3.connect(healthy)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM contact WHERE id IN (1, 2, 3)")  # as if their page was lost
        orphans = conn.execute(
            "SELECT count(*) FROM contact_email WHERE contact_id IN (1, 2, 3)"
        ).fetchone()[0]
        conn.commit()
    assert orphans

    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=False)

    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    emails = report.table("contact_email")
    assert emails.lost == orphans
    assert emails.recovered == emails.read - orphans
    with closing(sqlite3.connect(tmp_path / "new.sqlite3")) as conn:
        last = conn.execute(
            "SELECT count(*) FROM contact c WHERE last_interaction_at IS NOT ("
            "SELECT max(i.occurred_at) FROM interaction_participant p "
            "JOIN interaction i ON i.id = p.interaction_id "
            "WHERE p.contact_id = c.id AND i.trashed_at IS NULL)"
        ).fetchone()[0]
    assert last == 0  # the last interaction follows the interactions that survived


def test_recovery_never_writes_over_an_existing_file(healthy: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.sqlite3"
    target.write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        recover_into(healthy, target, use_cli=False)
    assert target.read_bytes() == b"mine"
    stale_log = tmp_path / "other.sqlite3-wal"
    stale_log.write_bytes(b"log")
    with pytest.raises(FileExistsError):
        recover_into(healthy, tmp_path / "other.sqlite3", use_cli=False)
    assert not (tmp_path / "other.sqlite3").exists()


def test_progress_is_reported_step_by_step(healthy: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    recover_into(
        healthy, tmp_path / "new.sqlite3", use_cli=False, progress=lambda *a: seen.append(a)
    )
    assert seen[0][0] == "Copying the damaged file"
    steps = [step for step, _, _ in seen]
    assert "Reading people" in steps
    assert "Reading who took part in each interaction" in steps
    assert seen[-1] == ("Done", seen[-1][2], seen[-1][2])
    done = [d for _, d, _ in seen]
    assert done == sorted(done)


def test_summary_words() -> None:
    report = recovery.RecoveryReport(Path("a"), Path("b"))
    report.tables = [
        recovery.TableReport("contact", read=1234, recovered=1234),
        recovery.TableReport("interaction", read=4570, recovered=4567, lost=12, estimated=True),
    ]
    assert report.summary() == (
        "Recovered 1,234 people, 4,567 interactions; about 12 rows could not be read or "
        "were left out."
    )
    report.tables = [recovery.TableReport("contact", read=1, recovered=1)]
    assert report.summary() == "Recovered 1 person, 0 interactions."


# -- the sqlite3 tool's .recover -------------------------------------------------------

# A stand-in for the tool (Debian's build lacks .recover: it needs sqlite_dbpage): its
# ".recover" names the file, and loading that "output" copies the file with SQLite's
# backup API. It exercises the plumbing around the real tool: two processes, a pipe, the
# scratch file checked and then copied table by table.
FAKE_TOOL = """#!{python}
import sqlite3, sys
args = [a for a in sys.argv[1:] if a != "-bail"]
if args[-1] == ".recover":
    print("-- recover " + args[0])
else:
    source = sys.stdin.read().split("-- recover ", 1)[1].strip()
    with sqlite3.connect(source) as src, sqlite3.connect(args[-1]) as out:
        src.backup(out)
"""


@pytest.fixture
def fake_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    tool = folder / "sqlite3"
    tool.write_text(FAKE_TOOL.format(python=sys.executable))
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return tool


@pytest.mark.skipif(os.name != "posix", reason="the stand-in tool is a script")
def test_the_sqlite3_tools_recover_is_tried_first(
    healthy: Path, tmp_path: Path, fake_tool: Path
) -> None:
    before = digest(healthy)
    report = recover_into(healthy, tmp_path / "new.sqlite3")
    assert report.method == "sqlite3 .recover, then row by row"
    assert report.people == PEOPLE
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert digest(healthy) == before


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 tool here")
def test_the_real_sqlite3_tool_helps_or_steps_aside(healthy: Path, tmp_path: Path) -> None:
    garble_pages(healthy, some_pages(healthy, 3, 4))
    report = recover_into(healthy, tmp_path / "new.sqlite3", use_cli=True)
    assert report.method in ("row by row", "sqlite3 .recover, then row by row")
    assert report.people >= 0.85 * PEOPLE
    assert_healthy_ally_file(tmp_path / "new.sqlite3")


# -- stopping ------------------------------------------------------------------------------


@pytest.mark.parametrize("after_steps", [0, 1, 3, 6])
def test_a_stopped_recovery_leaves_no_file_and_no_scratch(
    healthy: Path, tmp_path: Path, after_steps: int
) -> None:
    """Asked at each step, "stop" ends the recovery before the next: nothing at the
    target, no scratch folder beside it, the damaged file as it was."""
    garble_pages(healthy, some_pages(healthy, 3, seed=2), seed=2)
    before = digest(healthy)
    target = tmp_path / "out" / "ally.sqlite3"
    target.parent.mkdir()
    steps: list[str] = []

    def cancelled() -> bool:
        return len(steps) >= after_steps

    with pytest.raises(RecoveryCancelledError):
        recover_into(
            healthy,
            target,
            use_cli=False,
            progress=lambda step, _done, _total: steps.append(step),
            cancelled=cancelled,
        )
    assert len(steps) == after_steps
    assert list(target.parent.iterdir()) == []
    assert digest(healthy) == before


def test_a_recovery_never_stopped_asks_at_every_step(healthy: Path, tmp_path: Path) -> None:
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(True)
        return False

    steps: list[str] = []
    recover_into(
        healthy,
        tmp_path / "new.sqlite3",
        use_cli=False,
        progress=lambda step, _done, _total: steps.append(step),
        cancelled=cancelled,
    )
    assert_healthy_ally_file(tmp_path / "new.sqlite3")
    assert steps[-1] == "Done"
    assert len(asked) == len(steps) - 1  # every step but the report of the end

"""Transfer: exporting every contact to Ally's CSV, importing a Google Contacts CSV.

On the contacts dataset (the cached ``ally demo`` database), each figure measured in
fresh child processes against a baseline taken in the same process, the two alternating
which goes first; median over the processes:

* Export (the goal): ``export_contacts(conn, ids, path, ExportOptions())`` (Ally's CSV,
  default options: formulas made inert, no byte-order mark) of every contact (archived
  ones too) in the list's order (by name, as "select all, export" in the window or
  ``ally export`` gives them), to a file in the scratch folder, on Ally's open
  connection with its code loaded. The baseline reads the same rows raw, the way the
  export must to stream in the list's order: a new ``sqlite3`` connection, one read
  transaction, for each batch of 500 ids the same nine SQL texts ``outgoing.py`` runs
  (the contacts, then emails, phones, links, addresses, topics, tags, dates and outgoing
  connections, each grouped by contact in a dict), then one ``csv.writer`` row per
  contact in the same 26 columns, each list cell its items' parts joined by ``;`` and
  the items by line breaks, nothing escaped or checked.
* Export memory (the goal: streaming): the peak resident set growth (``VmHWM``, reset
  just before the export, minus the resident size then) of an export of every contact
  against one of a tenth of them (the first ids of the same list, on the same database),
  each in its own process; the same with ``tracemalloc``'s peak (Python's allocations
  only, in other processes: it slows everything down) and for the raw baseline, for
  information. Resident growths less than a megabyte apart are flat whatever their
  ratio (``EXPORT_MEMORY_FLAT_BYTES``).
* Import (the goal): a Google Contacts CSV of the dataset's people (written once per
  run with ``csv_google.row_of``: names, organization, title, one or two emails and
  phones, an address for some, a birthday for some, labels, notes) imported into a
  fresh empty database made by ``open_database`` (Ally's schema, indexes and triggers)
  with what ``ally import`` does: ``open_source``, ``read_source``, ``plan_import``,
  ``apply_import``, with Ally's modules loaded (the header's format is detected once
  before the timing, which loads the format modules, as the export's figure has its code
  loaded). The baseline, in another fresh database made the same way, reads
  the file with ``csv.reader`` and inserts the same rows with raw ``executemany`` on the
  same kind of connection (Ally's pragmas and SQL functions, which the triggers need) in
  one transaction: contacts, emails, phones, addresses, dates (birthdays; their trigger
  makes the reminders), labels as tags, and the ``contact_fts`` rows. Both must leave
  the same number of rows in every table.

Run as ``python -m bench.transfer export DATA_DIR OUT_DIR (raw-first | ally-first)``,
``python -m bench.transfer export-memory DATA_DIR OUT_DIR COUNT (ally | raw) (rss |
tracemalloc)``, ``python -m bench.transfer google DATA_DIR CSV``, ``python -m
bench.transfer import CSV WORK_DIR (raw-first | ally-first)`` it is the measured process
and prints one JSON line; ``python -m bench.transfer profile CSV WORK_DIR`` (not part of
the run) prints where the time of Ally's import goes on stderr (cProfile, the top 15 by
cumulative and by own time; the profiler doubles the time of Python-heavy code).
"""

from __future__ import annotations

import base64
import csv
import itertools
import json
import re
import shutil
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import Result, error_result, median, run_child
from bench.dataset import Dataset, copy_data_dir

EXPORT_GOAL_RATIO = 1.5
EXPORT_MEMORY_GOAL_RATIO = 2.0  # the whole export's peak against a tenth's
# Growths this close are flat whatever their ratio: under 11 bytes for each of 90,000 more
# contacts, a few of the allocator's pages (an export that kept its rows would grow by
# tens of megabytes). Below a megabyte a ratio measures where malloc put things.
EXPORT_MEMORY_FLAT_BYTES = 1024 * 1024
IMPORT_GOAL_RATIO = 3.0
MB = 2**20


def _seconds(value: float) -> str:
    return f"{value:,.2f} s" if value < 10 else f"{value:,.1f} s"


def _mb(value: float) -> str:
    return f"{value / MB:,.1f} MB"


# --- the parent: export -------------------------------------------------------------------
def measure_export(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    figure = f"Export every contact to Ally's CSV ({dataset.label})"
    goal = f"<= {EXPORT_GOAL_RATIO:g}x"
    data_dir = copy_data_dir(dataset, scratch / "transfer-export")
    out_dir = scratch / "transfer-export-out"
    out_dir.mkdir()
    try:
        run_child(["bench.transfer", "export", str(data_dir), str(out_dir), "raw-first"])
        runs = [
            run_child(
                [
                    "bench.transfer",
                    "export",
                    str(data_dir),
                    str(out_dir),
                    "ally-first" if i % 2 else "raw-first",
                ]
            )
            for i in range(repeats)
        ]
        memory = _export_memory(dataset, data_dir, out_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(out_dir, ignore_errors=True)
    problems = [p for run in runs for p in run["problems"]]
    if problems:
        return [error_result(figure, goal, "; ".join(problems[:5]))]
    ally = median([run["ally_s"] for run in runs])
    raw = median([run["raw_s"] for run in runs])
    last = runs[-1]
    notes = [
        "runs, Ally (s): " + ", ".join(f"{run['ally_s']:.2f}" for run in runs),
        "runs, raw sqlite3 + csv.writer (s): " + ", ".join(f"{run['raw_s']:.2f}" for run in runs),
        f"{last['contacts']:,} contacts in the list's order (by name, archived included), "
        f"read {last['batch']} at a time; the files: Ally {_mb(last['ally_bytes'])}, raw "
        f"{_mb(last['raw_bytes'])} (Ally writes closeness and archived as words, dates as "
        "ISO days, and escapes the parts of list cells; the raw rows write the stored "
        "values as they are)",
        "Ally also writes to a temporary file that replaces the target once flushed and "
        "synced (on tmpfs here, a sync costs next to nothing), puts a quote in front of "
        "cells a spreadsheet would run as formulas (every phone number starting with +), "
        "and builds a ContactData per contact; the raw rows do none of that",
        "the raw baseline's SQL is outgoing.py's own (_CONTACTS and _CHILDREN, imported), "
        "500 ids a batch, on a new sqlite3 connection (SQLite's default 2 MB page cache, "
        "as Ally's), in one read transaction as Ally's",
    ]
    results = [
        Result(
            figure,
            _seconds(ally),
            f"{_seconds(raw)} (raw sqlite3, same SQL, csv.writer)",
            f"{ally / raw:.2f}x",
            goal,
            ally / raw <= EXPORT_GOAL_RATIO,
            notes,
        )
    ]
    return [*results, memory]


def _export_memory(dataset: Dataset, data_dir: Path, out_dir: Path) -> Result:
    whole = dataset.contacts
    tenth = max(1, whole // 10)
    figure = f"Export memory: peak growth, {whole:,} contacts against {tenth:,}"
    goal = f"< {EXPORT_MEMORY_GOAL_RATIO:g}x ({tenth:,}'s peak) or < 1 MB apart"

    def run(count: int, who: str, how: str) -> dict[str, Any]:
        return run_child(
            ["bench.transfer", "export-memory", str(data_dir), str(out_dir), str(count), who, how]
        )

    found = {
        (who, how, count): run(count, who, how)
        for who, how in (("ally", "rss"), ("ally", "tracemalloc"), ("raw", "rss"))
        for count in (tenth, whole)
    }
    rss_whole = found["ally", "rss", whole]["peak_bytes"]
    rss_tenth = found["ally", "rss", tenth]["peak_bytes"]
    traced_whole = found["ally", "tracemalloc", whole]["peak_bytes"]
    traced_tenth = found["ally", "tracemalloc", tenth]["peak_bytes"]
    raw_whole = found["raw", "rss", whole]["peak_bytes"]
    raw_tenth = found["raw", "rss", tenth]["peak_bytes"]
    rss_ratio = rss_whole / max(rss_tenth, 1)
    traced_ratio = traced_whole / max(traced_tenth, 1)
    notes = [
        "peak resident growth: the process's resident high-water mark (VmHWM) reset just "
        "before the export, read after it, minus the resident size before it; each count "
        "in a fresh process on the same database (the first ids of the same list)",
        f"Python's allocations (tracemalloc peak, other processes): {whole:,} contacts "
        f"{_mb(traced_whole)}, {tenth:,} contacts {_mb(traced_tenth)} ({traced_ratio:.2f}x)",
        f"the raw baseline's peak resident growth: {whole:,} contacts {_mb(raw_whole)}, "
        f"{tenth:,} contacts {_mb(raw_tenth)}",
        f"resident size before the export: {_mb(found['ally', 'rss', whole]['rss_before'])} "
        f"(Ally's modules loaded, the database open, the ids read)",
        "PASS needs both ratios (resident and tracemalloc) under the goal; resident "
        "growths less than 1 MB apart count as flat whatever their ratio (under 11 bytes "
        "per extra contact; where a ratio of sub-megabyte growths measures the allocator): "
        f"here {_mb(rss_whole - rss_tenth)} apart",
    ]
    return Result(
        figure,
        f"{_mb(rss_whole)} vs {_mb(rss_tenth)} (tracemalloc {_mb(traced_whole)} vs "
        f"{_mb(traced_tenth)})",
        f"raw {_mb(raw_whole)} vs {_mb(raw_tenth)}",
        f"{rss_ratio:.2f}x (tracemalloc {traced_ratio:.2f}x)",
        goal,
        (rss_ratio < EXPORT_MEMORY_GOAL_RATIO or rss_whole - rss_tenth < EXPORT_MEMORY_FLAT_BYTES)
        and traced_ratio < EXPORT_MEMORY_GOAL_RATIO,
        notes,
    )


# --- the measured processes: export --------------------------------------------------------
def _export_sql() -> dict[str, Any]:
    from ally_desktop.core.formats.csv_native import COLUMNS
    from ally_desktop.core.transfer.outgoing import _CHILDREN, _CONTACTS, BATCH

    return {"columns": COLUMNS, "contacts": _CONTACTS, "children": _CHILDREN, "batch": BATCH}


def _cell(items: Sequence[tuple[Any, ...]]) -> str:
    """A list cell, simply: the parts of an item joined by ";", the items by line breaks."""
    return "\n".join(";".join("" if p is None else str(p) for p in item) for item in items)


def _raw_export(database: Path, ids: Sequence[int], path: Path, sql: dict[str, Any]) -> int:
    """The same rows as outgoing.py reads, raw, written with csv.writer; returns how many."""
    contacts_sql: str = sql["contacts"]
    children: dict[str, str] = sql["children"]
    batch_size: int = sql["batch"]
    conn = sqlite3.connect(database, isolation_level=None)
    written = 0
    try:
        conn.execute("BEGIN")
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(sql["columns"])
            empty: tuple[()] = ()
            for start in range(0, len(ids), batch_size):
                batch = ids[start : start + batch_size]
                marks = ",".join("?" * len(batch))
                rows = {r[0]: r for r in conn.execute(contacts_sql.format(marks=marks), batch)}
                groups: dict[str, dict[int, list[tuple[Any, ...]]]] = {}
                for name, child_sql in children.items():
                    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
                    for r in conn.execute(child_sql.format(marks=marks), batch):
                        grouped[r[0]].append(r[1:])
                    groups[name] = grouped
                emails, phones, links = groups["emails"], groups["phones"], groups["links"]
                addresses, dates = groups["addresses"], groups["dates"]
                tags, topics, connections = groups["tags"], groups["topics"], groups["connections"]
                for cid in batch:
                    r = rows.get(cid)
                    if r is None:
                        continue
                    writer.writerow(
                        (
                            r[0],
                            r[1],
                            r[2],
                            r[3],
                            r[4],
                            r[5],
                            r[7],
                            r[6],
                            r[8],
                            _cell(emails.get(cid, empty)),
                            _cell(phones.get(cid, empty)),
                            _cell(links.get(cid, empty)),
                            _cell(addresses.get(cid, empty)),
                            _cell(dates.get(cid, empty)),
                            _cell(tags.get(cid, empty)),
                            _cell(topics.get(cid, empty)),
                            _cell(connections.get(cid, empty)),
                            r[12],
                            r[13],
                            r[10],
                            r[11],
                            r[14],
                            r[15],
                            r[16],
                            base64.b64encode(r[9]).decode("ascii") if r[9] else "",
                            r[17],
                        )
                    )
                    written += 1
        conn.execute("COMMIT")
    finally:
        conn.close()
    return written


def _open_for_export(data_dir: Path) -> tuple[Any, Path, Any]:
    """Ally's database open, its export code loaded, and every id in the list's order."""
    from ally_desktop.core.contact_queries import ContactQuery, contact_ids
    from ally_desktop.core.transfer import exporting  # noqa: F401 (loaded before timing)
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import open_database

    database = DataPaths(data_dir).database
    db = open_database(database)
    return db, database, contact_ids(db, ContactQuery(include_archived=True))


def _export(data_dir: Path, out_dir: Path, raw_first: bool) -> dict[str, Any]:
    from ally_desktop.core.transfer.exporting import ExportOptions, export_contacts
    from ally_desktop.store.db import close_database, sqlite_connection

    db, database, ids = _open_for_export(data_dir)
    sql = _export_sql()
    ally_path, raw_path = out_dir / "ally.csv", out_dir / "raw.csv"
    report: dict[str, Any] = {"contacts": len(ids), "batch": sql["batch"]}

    def raw() -> None:
        started = time.perf_counter()
        report["raw_written"] = _raw_export(database, ids, raw_path, sql)
        report["raw_s"] = time.perf_counter() - started

    if raw_first:
        raw()
    started = time.perf_counter()
    report["ally_written"] = export_contacts(sqlite_connection(db), ids, ally_path, ExportOptions())
    report["ally_s"] = time.perf_counter() - started
    if not raw_first:
        raw()
    close_database(db)
    report["ally_bytes"] = ally_path.stat().st_size
    report["raw_bytes"] = raw_path.stat().st_size
    problems = []
    for who in ("ally", "raw"):
        if report[f"{who}_written"] != len(ids):
            problems.append(f"{who} wrote {report[f'{who}_written']} of {len(ids)} contacts")
    with ally_path.open(encoding="utf-8", newline="") as handle:
        lines = sum(1 for _ in csv.reader(handle)) - 1
    if lines != len(ids):
        problems.append(f"Ally's file has {lines} rows for {len(ids)} contacts")
    ally_path.unlink()
    raw_path.unlink()
    report["problems"] = problems
    return report


def _resident_kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    if match is None:
        raise RuntimeError(f"/proc/self/status has no {field}")
    return int(match.group(1))


def _export_memory_run(data_dir: Path, out_dir: Path, count: int, who: str, how: str) -> dict:
    """The peak growth of one export of the first ``count`` ids (resident or tracemalloc)."""
    import gc
    import tracemalloc

    from ally_desktop.core.transfer.exporting import ExportOptions, export_contacts
    from ally_desktop.store.db import close_database, sqlite_connection

    db, database, ids = _open_for_export(data_dir)
    ids = ids[:count]
    sql = _export_sql()
    path = out_dir / f"memory-{who}.csv"

    def work() -> int:
        if who == "ally":
            return export_contacts(sqlite_connection(db), ids, path, ExportOptions())
        return _raw_export(database, ids, path, sql)

    gc.collect()
    rss_before = _resident_kib("VmRSS") * 1024
    if how == "tracemalloc":
        tracemalloc.start()
        written = work()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
        written = work()
        peak = _resident_kib("VmHWM") * 1024 - rss_before
    close_database(db)
    path.unlink()
    if written != count:
        raise RuntimeError(f"{who} wrote {written} of {count} contacts")
    return {"peak_bytes": peak, "rss_before": rss_before, "count": count}


# --- the parent: import --------------------------------------------------------------------
def measure_import(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    figure = f"Import a Google Contacts CSV of {dataset.contacts:,} rows"
    goal = f"<= {IMPORT_GOAL_RATIO:g}x"
    work = scratch / "transfer-import"
    work.mkdir()
    csv_path = work / "google-contacts.csv"
    try:
        # The first child (which builds the file) loads and caches Ally's modules: the
        # imports need no warm-up run of their own (each takes as long as a whole export).
        made = run_child(["bench.transfer", "google", str(dataset.root), str(csv_path)])
        runs = [
            run_child(
                [
                    "bench.transfer",
                    "import",
                    str(csv_path),
                    str(work),
                    "ally-first" if i % 2 else "raw-first",
                ]
            )
            for i in range(repeats)
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    problems = [p for run in runs for p in run["problems"]]
    if problems:
        return [error_result(figure, goal, "; ".join(problems[:5]))]
    ally = median([run["ally_s"] for run in runs])
    raw = median([run["raw_s"] for run in runs])
    last = runs[-1]
    phase = {name: median([run["phases"][name] for run in runs]) for name in last["phases"]}
    phases = (
        f"open_source {_seconds(phase['open_source'])}, read_source "
        f"{_seconds(phase['read_source'])}, plan_import {_seconds(phase['plan_import'])}, "
        f"apply_import {_seconds(phase['apply_import'])} (insert_contacts "
        f"{_seconds(phase['insert_contacts'])}, of which the search index "
        f"{_seconds(phase['reindex_contacts'])}; the rest, commit included, "
        f"{_seconds(phase['apply_import'] - phase['insert_contacts'])})"
    )
    notes = [
        "runs, Ally (s): " + ", ".join(f"{run['ally_s']:.2f}" for run in runs),
        "runs, raw csv.reader + executemany (s): "
        + ", ".join(f"{run['raw_s']:.2f}" for run in runs),
        f"Ally's phases (medians): {phases}",
        f"the file ({_mb(made['bytes'])}, {len(made['header'])} columns, built in "
        f"{_seconds(made['seconds'])} from the dataset's people with csv_google.row_of): "
        f"{made['rows']:,} rows, {made['emails']:,} emails, {made['phones']:,} phones, "
        f"{made['addresses']:,} addresses, {made['birthdays']:,} birthdays, "
        f"{made['labelled']:,} rows with labels besides * myContacts, {made['notes']:,} "
        "with notes",
        "rows stored (the same in both): "
        + ", ".join(f"{table} {count:,}" for table, count in last["counts"].items()),
        f"format: {last['format']}; both databases fresh from open_database (schema, "
        "indexes, triggers; Ally's pragmas: WAL, synchronous=FULL, a 2 MB page cache) in the "
        "scratch folder, the timing ending with the commit (closing, which checkpoints the "
        "WAL, is left out of both)",
        "the raw baseline computes what the schema needs that the file does not hold "
        "(full_name, sort_name, the folded names of the search index) with store.search."
        "fold, as the index's own SQL function does; it checks nothing (Ally validates and "
        "cleans every field, looks for duplicates, and reads Google's older layouts too)",
    ]
    return [
        Result(
            figure,
            _seconds(ally),
            f"{_seconds(raw)} (csv.reader, raw executemany)",
            f"{ally / raw:.2f}x",
            goal,
            ally / raw <= IMPORT_GOAL_RATIO,
            notes,
        )
    ]


# --- the measured processes: the Google CSV ------------------------------------------------
_STREETS = (
    ("12 Rue de la Paix", "Paris", "", "75002", "France"),
    ("221B Baker Street", "London", "", "NW1 6XE", "United Kingdom"),
    ("1600 Amphitheatre Pkwy", "Mountain View", "CA", "94043", "United States"),
    ("Friedrichstraße 43", "Berlin", "", "10117", "Germany"),
    ("Calle de Alcalá 21", "Madrid", "Madrid", "28014", "Spain"),
    ("Via Roma 8", "Torino", "TO", "10121", "Italy"),
    ("2-11-3 Meguro", "Tokyo", "Tokyo", "153-0063", "Japan"),
    ("45 King St W, Suite 300", "Toronto", "ON", "M5H 1J8", "Canada"),
    ("Rua Augusta 1200", "São Paulo", "SP", "01304-001", "Brazil"),
    ("Storgatan 5", "Malmö", "", "211 34", "Sweden"),
    ("ul. Marszałkowska 10", "Warszawa", "", "00-590", "Poland"),
    ("7 Nkrumah Ave", "Accra", "Greater Accra", "", "Ghana"),
)


def _google_csv(data_dir: Path, csv_path: Path) -> dict[str, Any]:
    """The dataset's people as Google Contacts would export them (csv_google.row_of):
    names, organization, title, department, their emails, a second phone for a third of
    them, an address for two in five, their birthdays, tags as labels, notes."""
    import random

    from ally_desktop.core.formats import csv_google
    from ally_desktop.core.formats.common import OutgoingContact
    from ally_desktop.core.records import Address, ContactData, LabeledValue
    from ally_desktop.core.transfer.outgoing import stream_contacts
    from ally_desktop.paths import DataPaths

    started = time.perf_counter()
    rng = random.Random(7)
    database = DataPaths(data_dir).database.resolve()
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, isolation_level=None)
    stats = dict.fromkeys(("rows", "emails", "phones", "addresses", "birthdays"), 0)
    stats |= {"labelled": 0, "notes": 0}
    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM contact ORDER BY id")]
        with open(csv_path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(csv_google.HEADER)
            for stored in stream_contacts(conn, ids):
                data = stored.data
                phones = list(data.phones)
                if rng.random() < 1 / 3:
                    number = f"+1 555 {rng.randrange(100, 1000)} {rng.randrange(10**4):04d}"
                    phones.append(LabeledValue("home", number))
                addresses = []
                if rng.random() < 0.4:
                    street, city, region, postal, country = rng.choice(_STREETS)
                    addresses.append(Address("home", street, city, region, postal, country))
                birthdays = [d for d in data.dates if d.kind == "birthday"][:1]
                contact = ContactData(
                    given_name=data.given_name,
                    family_name=data.family_name,
                    organization=data.organization,
                    job_title=data.job_title,
                    team=data.team,
                    emails=list(data.emails[:2]),
                    phones=phones,
                    addresses=addresses,
                    dates=birthdays,
                    tags=list(data.tags),
                    notes=data.notes,
                )
                writer.writerow(csv_google.row_of(OutgoingContact(stored.id, contact)))
                stats["rows"] += 1
                stats["emails"] += len(contact.emails)
                stats["phones"] += len(phones)
                stats["addresses"] += len(addresses)
                stats["birthdays"] += len(birthdays)
                stats["labelled"] += bool(contact.tags)
                stats["notes"] += bool(contact.notes)
    finally:
        conn.close()
    return {
        **stats,
        "header": list(csv_google.HEADER),
        "bytes": csv_path.stat().st_size,
        "seconds": time.perf_counter() - started,
    }


# --- the measured processes: import --------------------------------------------------------
_TABLES = (
    "contact",
    "contact_email",
    "contact_phone",
    "contact_link",
    "contact_address",
    "important_date",
    "reminder",
    "tag",
    "contact_tag",
    "topic",
    "contact_topic",
    "connection",
    "contact_fts",
)
_CHECK_SEARCHES = ("acme", "pricing", "kowalski", "chloe", "customer")  # a tag
_RAW_CHUNK = 2000  # rows per executemany, as bulk.py's


def _fresh_database(path: Path) -> Any:
    from ally_desktop.store.db import open_database

    if path.parent.exists():
        shutil.rmtree(path.parent)
    path.parent.mkdir(parents=True)
    return open_database(path)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES}
    for word in _CHECK_SEARCHES:
        counts[f"fts '{word}'"] = conn.execute(
            "SELECT count(*) FROM contact_fts WHERE contact_fts MATCH ?", [f'"{word}"*']
        ).fetchone()[0]
    return counts


def _slot_columns(header: Sequence[str], kind: str, parts: Sequence[str]) -> list[list[int]]:
    """The column numbers of each numbered slot of ``kind`` ("E-mail 1 - Value" ...)."""
    index = {name: i for i, name in enumerate(header)}
    slots = []
    n = 1
    while f"{kind} {n} - {parts[-1]}" in index:
        slots.append([index[f"{kind} {n} - {part}"] for part in parts])
        n += 1
    return slots


def _raw_import(csv_path: Path, conn: sqlite3.Connection) -> None:
    """The file read with csv.reader, its rows inserted with raw executemany, in one
    transaction: contacts, emails, phones, addresses, birthdays, labels as tags, the
    search index's rows."""
    from ally_desktop.store.search import fold

    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
    conn.execute("BEGIN IMMEDIATE")
    try:
        with open(csv_path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            col = {name: i for i, name in enumerate(header)}
            first, middle, last = col["First Name"], col["Middle Name"], col["Last Name"]
            nick, org, title = col["Nickname"], col["Organization Name"], col["Organization Title"]
            team, notes_at = col["Organization Department"], col["Notes"]
            birthday_at, labels_at = col["Birthday"], col["Labels"]
            email_slots = _slot_columns(header, "E-mail", ("Label", "Value"))
            phone_slots = _slot_columns(header, "Phone", ("Label", "Value"))
            address_slots = _slot_columns(
                header,
                "Address",
                ("Label", "Street", "City", "Region", "Postal Code", "Country"),
            )
            tag_ids: dict[str, int] = {}
            cid = 0
            while True:
                chunk = list(itertools.islice(reader, _RAW_CHUNK))
                if not chunk:
                    break
                people, emails, phones, addresses, dates, tags, index = ([] for _ in range(7))
                for row in chunk:
                    cid += 1
                    given = " ".join(p for p in (row[first], row[middle]) if p)
                    family, nickname = row[last], row[nick]
                    full = " ".join(p for p in (given, family) if p) or nickname
                    people.append(
                        (
                            cid,
                            given,
                            family,
                            nickname,
                            full,
                            fold(full).strip(),
                            row[org],
                            row[title],
                            row[team],
                            row[notes_at],
                            now,
                            now,
                        )
                    )
                    info = []
                    for position, (label, value) in enumerate(
                        (row[a], row[b]) for a, b in email_slots if row[b]
                    ):
                        emails.append((cid, position, label, value))
                        info.append(value)
                    for position, (label, value) in enumerate(
                        (row[a], row[b]) for a, b in phone_slots if row[b]
                    ):
                        phones.append((cid, position, label, value))
                        info.append(value)
                    position = 0
                    for slot in address_slots:
                        parts = [row[i] for i in slot]
                        if any(parts[1:]):
                            addresses.append((cid, position, *parts))
                            position += 1
                    day = row[birthday_at]
                    if day:
                        year, month, number = day.rsplit("-", 2)  # --MM-DD: no year
                        known = None if year == "-" else int(year)
                        dates.append((cid, int(month), int(number), known))
                    names = []
                    for position, name in enumerate(
                        n for n in row[labels_at].split(" ::: ") if n and not n.startswith("*")
                    ):
                        tag_id = tag_ids.get(name)
                        if tag_id is None:
                            tag_id = conn.execute(
                                "INSERT INTO tag (name, key) VALUES (?, ?)", (name, name.lower())
                            ).lastrowid
                            tag_ids[name] = tag_id
                        tags.append((cid, tag_id, position))
                        names.append(name)
                    index.append(
                        (
                            cid,
                            f"{full} {given} {family} {nickname} {fold(full + ' ' + nickname)}",
                            row[org],
                            row[title],
                            row[team],
                            " ; ".join(names) or None,
                            " ".join(info) or None,
                            row[notes_at],
                            "",
                        )
                    )
                conn.executemany(
                    "INSERT INTO contact (id, given_name, family_name, nickname, full_name,"
                    " sort_name, organization, job_title, team, notes, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    people,
                )
                for table, rows in (("contact_email", emails), ("contact_phone", phones)):
                    conn.executemany(
                        f"INSERT INTO {table} (contact_id, position, label, value)"
                        " VALUES (?, ?, ?, ?)",
                        rows,
                    )
                conn.executemany(
                    "INSERT INTO contact_address (contact_id, position, label, street, city,"
                    " region, postal_code, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    addresses,
                )
                conn.executemany(
                    "INSERT INTO important_date (contact_id, kind, month, day, year)"
                    " VALUES (?, 'birthday', ?, ?, ?)",
                    dates,
                )
                conn.executemany(
                    "INSERT INTO contact_tag (contact_id, tag_id, position) VALUES (?, ?, ?)",
                    tags,
                )
                conn.executemany(
                    "INSERT INTO contact_fts (rowid, name, organization, job_title, team, tags,"
                    " contact_info, notes, ambitions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    index,
                )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _time_calls(module: Any, name: str, spent: dict[str, float]) -> None:
    """Add the time of every call of ``module.name`` to ``spent[name]``."""
    function = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    setattr(module, name, timed)


def _import(csv_path: Path, work: Path, raw_first: bool) -> dict[str, Any]:
    import gc

    from ally_desktop.core.formats.common import Format
    from ally_desktop.core.transfer import bulk, importing
    from ally_desktop.core.transfer.detect import format_of_header
    from ally_desktop.core.transfer.importing import DuplicateAction, apply_import, plan_import
    from ally_desktop.core.transfer.reading import open_source, read_source
    from ally_desktop.paths import DATABASE_NAME
    from ally_desktop.store.db import close_database, sqlite_connection

    problems: list[str] = []
    with open(csv_path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    fmt: Format | None = None  # detected, as ``ally import`` does
    try:
        detected = format_of_header(header)  # loads the format modules before the timing
        if detected is not Format.GOOGLE:
            problems.append(f"the file was detected as {detected.label}")
    except ImportError as exc:  # a format module not written yet: name the format
        fmt = Format.GOOGLE
        how_named = f"given (detection failed: {exc})"
    else:
        how_named = "detected"
    report: dict[str, Any] = {}
    spent: dict[str, float] = defaultdict(float)
    _time_calls(importing, "insert_contacts", spent)
    _time_calls(bulk.search, "reindex_contacts", spent)

    def ally() -> None:
        db = _fresh_database(work / "ally" / DATABASE_NAME)
        gc.collect()
        spent.clear()
        started = time.perf_counter()
        source = open_source(csv_path, fmt)
        opened = time.perf_counter()
        read = read_source(source)
        was_read = time.perf_counter()
        plan = plan_import(db, read)
        planned = time.perf_counter()
        outcome = apply_import(db, plan, default=DuplicateAction.MERGE)
        done = time.perf_counter()
        report["ally_s"] = done - started
        report["phases"] = {
            "open_source": opened - started,
            "read_source": was_read - opened,
            "plan_import": planned - was_read,
            "apply_import": done - planned,
            "insert_contacts": spent["insert_contacts"],
            "reindex_contacts": spent["reindex_contacts"],
        }
        report["format"] = f"{source.format.label}, {how_named}"
        if plan.problems or plan.duplicates:
            problems.append(
                f"Ally's plan has {len(plan.problems)} problems ({plan.problems[:2]}) and "
                f"{len(plan.duplicates)} duplicates"
            )
        report["ally_counts"] = _counts(sqlite_connection(db))
        report["ally_created"] = len(outcome.created_ids)
        close_database(db)
        del source, read, plan, outcome
        gc.collect()

    def raw() -> None:
        db = _fresh_database(work / "raw" / DATABASE_NAME)
        conn = sqlite_connection(db)
        gc.collect()
        started = time.perf_counter()
        _raw_import(csv_path, conn)
        report["raw_s"] = time.perf_counter() - started
        report["raw_counts"] = _counts(conn)
        close_database(db)
        gc.collect()

    for step in (raw, ally) if raw_first else (ally, raw):
        step()
    if report["ally_counts"] != report["raw_counts"]:
        differ = {
            t: (report["ally_counts"][t], report["raw_counts"][t])
            for t in report["ally_counts"]
            if report["ally_counts"][t] != report["raw_counts"][t]
        }
        problems.append(f"Ally and the raw baseline stored different rows (Ally, raw): {differ}")
    shutil.rmtree(work / "ally", ignore_errors=True)
    shutil.rmtree(work / "raw", ignore_errors=True)
    return {
        "ally_s": report["ally_s"],
        "raw_s": report["raw_s"],
        "phases": report["phases"],
        "counts": report["ally_counts"],
        "format": report["format"],
        "problems": problems,
    }


def _profile(csv_path: Path, work: Path) -> dict[str, Any]:
    """Ally's import under cProfile; the 15 costliest calls (cumulative, own) on stderr."""
    import cProfile
    import pstats

    from ally_desktop.core.transfer.importing import DuplicateAction, apply_import, plan_import
    from ally_desktop.core.transfer.reading import open_source, read_source
    from ally_desktop.paths import DATABASE_NAME
    from ally_desktop.store.db import close_database

    db = _fresh_database(work / "profile" / DATABASE_NAME)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    plan = plan_import(db, read_source(open_source(csv_path)))
    apply_import(db, plan, default=DuplicateAction.MERGE)
    profiler.disable()
    elapsed = time.perf_counter() - started
    close_database(db)
    shutil.rmtree(work / "profile", ignore_errors=True)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(15)
    stats.sort_stats("tottime").print_stats(15)
    return {"profiled_s": elapsed}


# --- the measured processes --------------------------------------------------------------
_MODES: dict[str, Callable[[list[str]], dict[str, Any]]] = {
    "export": lambda a: _export(Path(a[0]), Path(a[1]), a[2] == "raw-first"),
    "export-memory": lambda a: _export_memory_run(Path(a[0]), Path(a[1]), int(a[2]), a[3], a[4]),
    "google": lambda a: _google_csv(Path(a[0]), Path(a[1])),
    "import": lambda a: _import(Path(a[0]), Path(a[1]), a[2] == "raw-first"),
    "profile": lambda a: _profile(Path(a[0]), Path(a[1])),
}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode not in _MODES:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(_MODES[mode](sys.argv[2:])), flush=True)

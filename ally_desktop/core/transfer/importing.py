"""Imports: planned first (what is new, what matches someone, what cannot be read),
applied in one transaction, and taken back as a whole.

Planning validates every contact as the editor would and looks for people already
stored: the same email (letter case ignored), or the same name at the same
organization. The user decides per match (merge, skip, or create anyway) or once for
all. Applying writes everything or nothing; the outcome remembers what was created and
what merged people looked like before, which is all ``undo_import`` needs.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import peewee as pw

from ally_desktop.core import connections
from ally_desktop.core.collector import collector_paused
from ally_desktop.core.contacts import load_contact, purge_contacts, update_contact
from ally_desktop.core.formats.common import Format, IncomingContact, RowProblem
from ally_desktop.core.records import ContactData
from ally_desktop.core.transfer.bulk import (
    NewConnection,
    NewContact,
    insert_connections,
    insert_contacts,
    next_free_id,
)
from ally_desktop.core.transfer.merging import merge_contact
from ally_desktop.core.transfer.reading import ReadResult
from ally_desktop.core.validation import PHOTO_MAX_BYTES, ValidationError, validate_contact
from ally_desktop.store.db import sqlite_connection, writing
from ally_desktop.store.search import fold

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
_APPLY_CHUNK = 5000


class DuplicateAction(StrEnum):
    MERGE = "merge"  # complete the stored person with what the file adds
    SKIP = "skip"  # leave the stored person alone, import nothing of this row
    CREATE = "create"  # store a second person anyway

    @property
    def label(self) -> str:
        return {"merge": "Merge", "skip": "Skip", "create": "Create new"}[self.value]


class ImportCancelledError(Exception):
    """The user stopped the import; nothing was stored."""


class ImportRedoConflictError(LookupError):
    """A redo cannot give the people back their ids: others took them meanwhile (say an
    ``ally import`` while the window was open). Nothing was stored."""


@dataclass(frozen=True)
class Duplicate:
    index: int  # into ImportPlan.contacts
    existing_id: int
    existing_name: str
    reason: str  # "same email ana@example.com"


@dataclass
class ImportPlan:
    source_name: str
    format: Format
    contacts: list[IncomingContact]  # validated
    problems: list[RowProblem]  # rows left out, by line
    duplicates: list[Duplicate]
    notes: list[str] = field(default_factory=list)  # what the user should know, in words

    def duplicate_of(self) -> dict[int, Duplicate]:
        return {d.index: d for d in self.duplicates}


@dataclass
class ImportOutcome:
    created_ids: list[int] = field(default_factory=list)
    merged: list[tuple[int, ContactData]] = field(default_factory=list)  # id, data before
    merged_updated_at: dict[int, str] = field(default_factory=dict)  # id, first updated_at
    skipped: int = 0
    connections: int = 0
    unresolved_links: int = 0

    def summary(self) -> str:
        parts = [f"{len(self.created_ids):,} added"]
        if self.merged:
            parts.append(f"{len(self.merged):,} merged")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        if self.connections:
            parts.append(f"{self.connections:,} connections")
        return ", ".join(parts)


# -- planning ------------------------------------------------------------------------------


def _validated(
    contacts: Sequence[IncomingContact],
) -> tuple[list[IncomingContact], list[RowProblem], int]:
    """The contacts the editor would accept, the others as problems, and how many photos
    were too large to keep (phones store big ones; the person is imported without)."""
    good: list[IncomingContact] = []
    problems: list[RowProblem] = []
    photos_dropped = 0
    for incoming in contacts:
        photo = incoming.data.photo
        if photo is not None and len(photo) > PHOTO_MAX_BYTES:
            incoming.data = dataclasses.replace(incoming.data, photo=None)
            photos_dropped += 1
        try:
            incoming.data = validate_contact(incoming.data)
        except ValidationError as error:
            problems.append(RowProblem(incoming.line, str(error)))
            continue
        incoming.created_at = _timestamp(incoming.created_at)
        good.append(incoming)
    return good, problems, photos_dropped


def _timestamp(text: str | None) -> str | None:
    """An ISO instant kept from the file, in the store's form; None when not one."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _name_key(name: str, organization: str) -> tuple[str, str]:
    return fold(name).strip(), fold(organization).strip()


def find_duplicates(
    conn: sqlite3.Connection, contacts: Sequence[IncomingContact]
) -> list[Duplicate]:
    """Incoming contacts that match a stored person (not in the trash)."""
    by_email: dict[str, tuple[int, str]] = {}
    for value, contact_id, name in conn.execute(
        "SELECT e.value, c.id, c.full_name FROM contact_email e JOIN contact c"
        " ON c.id = e.contact_id WHERE c.trashed_at IS NULL ORDER BY c.id DESC"
    ):
        by_email[value.casefold()] = (contact_id, name)
    by_name: dict[tuple[str, str], tuple[int, str]] = {}
    for contact_id, name, organization in conn.execute(
        "SELECT id, full_name, organization FROM contact WHERE trashed_at IS NULL ORDER BY id DESC"
    ):
        by_name[_name_key(name, organization)] = (contact_id, name)
    found: list[Duplicate] = []
    for index, incoming in enumerate(contacts):
        match = None
        for email in incoming.data.emails:
            hit = by_email.get(email.value.casefold())
            if hit:
                match = Duplicate(index, hit[0], hit[1], f"same email {email.value}")
                break
        if match is None:
            data = incoming.data
            hit = by_name.get(_name_key(data.shown_name(), data.organization))
            if hit:
                at = f" at {data.organization}" if data.organization else ""
                match = Duplicate(index, hit[0], hit[1], f"same name{at}")
        if match:
            found.append(match)
    return found


def plan_import(db: pw.SqliteDatabase, read: ReadResult) -> ImportPlan:
    """Validate what was read and find who is already stored; writes nothing."""
    with collector_paused():
        contacts, invalid, photos_dropped = _validated(read.contacts)
    problems = sorted([*read.problems, *invalid], key=lambda p: p.line)
    with db.atomic():  # one consistent read
        duplicates = find_duplicates(sqlite_connection(db), contacts)
    notes = []
    if photos_dropped:
        notes.append(
            f"{photos_dropped:,} photos larger than {PHOTO_MAX_BYTES // 1024} KB are left out;"
            " those people are imported without them."
        )
    return ImportPlan(
        read.source.path.name, read.source.format, contacts, problems, duplicates, notes
    )


# -- applying ------------------------------------------------------------------------------


def _decide(
    plan: ImportPlan, choices: Mapping[int, DuplicateAction], default: DuplicateAction
) -> dict[int, tuple[DuplicateAction, Duplicate]]:
    return {d.index: (choices.get(d.index, default), d) for d in plan.duplicates}


def apply_import(
    db: pw.SqliteDatabase,
    plan: ImportPlan,
    choices: Mapping[int, DuplicateAction] | None = None,
    default: DuplicateAction = DuplicateAction.MERGE,
    *,
    reuse_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportOutcome:
    """Store the plan in one transaction; an error or a cancel stores nothing.

    ``choices`` says what to do per duplicate (by index), ``default`` for the rest.
    ``reuse_ids`` gives the created contacts the ids an earlier run gave them (redo).
    """
    with collector_paused():
        return _apply(db, plan, choices or {}, default, reuse_ids, progress, cancelled)


def _apply(
    db: pw.SqliteDatabase,
    plan: ImportPlan,
    choices: Mapping[int, DuplicateAction],
    default: DuplicateAction,
    reuse_ids: Sequence[int] | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportOutcome:
    decided = _decide(plan, choices, default)
    outcome = ImportOutcome()
    total = len(plan.contacts)
    with db.atomic("IMMEDIATE"):
        conn = sqlite_connection(db)
        ids_of: dict[int, int] = {}  # plan index -> stored id
        creating: list[int] = []
        merging: list[tuple[int, Duplicate]] = []
        for index in range(total):
            action = decided.get(index)
            if action is None or action[0] is DuplicateAction.CREATE:
                creating.append(index)
            elif action[0] is DuplicateAction.MERGE:
                merging.append((index, action[1]))
            else:
                outcome.skipped += 1
        if reuse_ids is not None:
            fresh = _free(conn, reuse_ids, len(creating))
        else:
            start = next_free_id(conn)
            fresh = list(range(start, start + len(creating)))
        done = 0
        for begin in range(0, len(creating), _APPLY_CHUNK):
            if cancelled is not None and cancelled():
                raise ImportCancelledError
            chunk = creating[begin : begin + _APPLY_CHUNK]
            news = []
            for index, new_id in zip(chunk, fresh[begin : begin + _APPLY_CHUNK], strict=True):
                ids_of[index] = new_id
                incoming = plan.contacts[index]
                news.append(NewContact(new_id, incoming.data, incoming.created_at))
            insert_contacts(conn, news)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        outcome.created_ids = fresh[: len(creating)]
        for index, duplicate in merging:
            if cancelled is not None and cancelled():
                raise ImportCancelledError
            stored = load_contact(db, duplicate.existing_id)
            merged = merge_contact(stored.data, plan.contacts[index].data)
            update_contact(db, duplicate.existing_id, merged)
            outcome.merged.append((duplicate.existing_id, stored.data))
            outcome.merged_updated_at.setdefault(duplicate.existing_id, stored.updated_at)
            ids_of[index] = duplicate.existing_id
        outcome.connections, outcome.unresolved_links = _link(conn, plan, ids_of, decided)
    if progress is not None:
        progress(total, total)
    return outcome


def _free(conn: sqlite3.Connection, ids: Sequence[int], wanted: int) -> list[int]:
    """``ids`` when they are as many as needed and none is taken, else the conflict."""
    taken = 0
    for start in range(0, len(ids), 500):
        batch = list(ids[start : start + 500])
        marks = ",".join("?" * len(batch))
        sql = f"SELECT count(*) FROM contact WHERE id IN ({marks})"
        taken += conn.execute(sql, batch).fetchone()[0]
    if taken or len(ids) != wanted:
        raise ImportRedoConflictError(
            "The import cannot be redone: people were added meanwhile in their places."
            " Import the file again instead."
        )
    return list(ids)


def _link(
    conn: sqlite3.Connection,
    plan: ImportPlan,
    ids_of: Mapping[int, int],
    decided: Mapping[int, tuple[DuplicateAction, Duplicate]],
) -> tuple[int, int]:
    """Connections named in the file, between people now stored: (made, left out)."""
    by_ref = {c.ref: ids_of.get(i) for i, c in enumerate(plan.contacts) if c.ref}
    for index, (action, duplicate) in decided.items():
        ref = plan.contacts[index].ref
        if action is DuplicateAction.SKIP and ref:
            by_ref[ref] = duplicate.existing_id  # links to a skipped row reach the stored person
    wanted: list[NewConnection] = []
    unresolved = 0
    for index, incoming in enumerate(plan.contacts):
        from_id = ids_of.get(index)
        if from_id is None:
            continue
        for link in incoming.links:
            to_id = by_ref.get(link.ref)
            if to_id is None or link.kind not in connections.KINDS or to_id == from_id:
                unresolved += 1
                continue
            wanted.append(NewConnection(from_id, to_id, link.kind, link.label, link.note))
    return insert_connections(conn, wanted), unresolved


def undo_import(db: pw.SqliteDatabase, outcome: ImportOutcome) -> None:
    """Take an import back: the people it added go for good, merged people are restored."""
    with writing(db):
        purge_contacts(db, outcome.created_ids)
        for contact_id, before in reversed(outcome.merged):  # a person merged twice
            update_contact(db, contact_id, before)
        conn = sqlite_connection(db)
        conn.executemany(
            "UPDATE contact SET updated_at = ? WHERE id = ?",
            [(stamp, contact_id) for contact_id, stamp in outcome.merged_updated_at.items()],
        )

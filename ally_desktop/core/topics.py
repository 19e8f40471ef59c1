"""The shared vocabulary of topics: suggesting, resolving, merging synonyms, renaming.

A topic is one row shared by everyone who knows about it ("who knows about pricing?"),
identified by its key (``core.text.vocabulary_key``: case, accents and spacing aside).
People type the same thing in different words ("pricing", "price", "Pricing strategy"),
so topics can be merged: the merged topic's people move to the topic kept, and its key
stays behind in ``topic_alias``, leading to the topic it joined, so the old word still
finds them. Renaming keeps the old name as an alias for the same reason.

Suggestions match any word of a topic's name (or of an alias) by prefix, as the search
box does: "pric" offers "pricing" and "pricing strategy"; "price", once merged into
"pricing", offers "pricing". The vocabulary is small (hundreds, a few thousand names),
so it is read with one narrowing scan and ranked in Python.

Every change is one transaction that also brings the search index's ``topics`` column
in step (``store.search.reindex_contacts``), and returns the exact rows it replaced, so
that undo puts back the same topics, ids, positions and aliases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee as pw

from ally_desktop.core.text import NAME_MAX_CHARS, clean_line, sort_key, vocabulary_key
from ally_desktop.store import search
from ally_desktop.store.db import id_batches, sqlite_connection, writing

SUGGESTIONS = 12


class TopicNotFoundError(LookupError):
    """The topic no longer exists (merged or changed meanwhile)."""


class TopicConflictError(ValueError):
    """The change would give two topics the same key: the message says what to do."""


@dataclass(frozen=True)
class TopicRef:
    """A topic of the vocabulary, with the other words that lead to it (its aliases)."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Its name first, then its aliases: every word that means this topic."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TopicSuggestion:
    """One completion: the topic, and the alias the typed word matched (if it was one)."""

    topic_id: int
    name: str
    via_alias: str = ""

    def label(self) -> str:
        """ "pricing", or "pricing (merged from “price”)" when an alias matched."""
        return f"{self.name} (merged from “{self.via_alias}”)" if self.via_alias else self.name


@dataclass(frozen=True)
class TopicUsage:
    """A topic with how many people list it (those in the trash aside) and its aliases."""

    id: int
    name: str
    people: int
    aliases: tuple[str, ...] = ()


# --- words ---------------------------------------------------------------------------
def name_words(name: str) -> list[str]:
    """The words of a name, folded as the search index folds them ("Élan Vital" → élan…)."""
    return [search.fold(word) for word in search.query_words(name)]


def words_match(typed: Sequence[str], words: Sequence[str]) -> bool:
    """Whether every typed word is the start of some word of ``words`` (order aside)."""
    return all(any(word.startswith(t) for word in words) for t in typed)


def phrase_in(phrase: Sequence[str], words: Sequence[str]) -> bool:
    """Whether ``phrase`` occurs in ``words`` as consecutive words, its last word as a
    prefix: the same test the search index makes with ``"pricing strat"*``."""
    n = len(phrase)
    if not n or n > len(words):
        return False
    for start in range(len(words) - n + 1):
        window = words[start : start + n]
        if window[:-1] == list(phrase[:-1]) and window[-1].startswith(phrase[-1]):
            return True
    return False


# --- reading -----------------------------------------------------------------------------
def _rows(db: pw.SqliteDatabase, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    return sqlite_connection(db).execute(sql, params).fetchall()


def aliases_of(db: pw.SqliteDatabase, topic_id: int) -> tuple[str, ...]:
    """The names merged into this topic, alphabetically."""
    names = [n for (n,) in _rows(db, "SELECT name FROM topic_alias WHERE topic_id = ?", [topic_id])]
    return tuple(sorted(names, key=sort_key))


def topic_by_id(db: pw.SqliteDatabase, topic_id: int) -> TopicRef | None:
    found = _rows(db, "SELECT id, name FROM topic WHERE id = ?", [topic_id])
    if not found:
        return None
    return TopicRef(found[0][0], found[0][1], aliases_of(db, topic_id))


def resolve_topic(db: pw.SqliteDatabase, text: str) -> TopicRef | None:
    """The topic ``text`` names: its own name, or a name merged into it; None otherwise."""
    key = vocabulary_key(text)
    if not key:
        return None
    found = _rows(db, "SELECT id FROM topic WHERE key = ?", [key])
    if not found:
        found = _rows(db, "SELECT topic_id FROM topic_alias WHERE key = ?", [key])
    return topic_by_id(db, found[0][0]) if found else None


def _candidates(db: pw.SqliteDatabase, first_word: str) -> list[tuple[int, str, str]]:
    """(topic id, name, alias name or "") of the names that contain ``first_word``; a
    narrowing scan in SQL, the exact word test is the caller's."""
    like = "%" + first_word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        *_rows(
            db,
            "SELECT id, name, '' FROM topic WHERE key LIKE ? ESCAPE '\\'",
            [like],
        ),
        *_rows(
            db,
            "SELECT a.topic_id, t.name, a.name FROM topic_alias a JOIN topic t ON t.id = a.topic_id"
            " WHERE a.key LIKE ? ESCAPE '\\'",
            [like],
        ),
    ]


def suggest_topics(
    db: pw.SqliteDatabase, text: str, limit: int = SUGGESTIONS
) -> list[TopicSuggestion]:
    """Topics for what is being typed: every typed word starts some word of the topic's
    name or of one of its aliases. The exact name first, then names that start with the
    text, then the others; alphabetically within each."""
    typed = name_words(text)
    if not typed:
        return []
    typed_key = vocabulary_key(text)
    best: dict[int, tuple[tuple[int, str], TopicSuggestion]] = {}
    for topic_id, name, alias in _candidates(db, typed[0]):
        matched = alias or name
        words = name_words(matched)
        if not words_match(typed, words):
            continue
        key = vocabulary_key(matched)
        if key == typed_key:
            quality = 0
        elif key.startswith(typed_key) or phrase_in(typed, words[: len(typed)]):
            quality = 1
        else:
            quality = 2
        if alias:
            quality += 3  # the topic's own name before the words merged into it
        rank = (quality, sort_key(name))
        if topic_id not in best or rank < best[topic_id][0]:
            best[topic_id] = (rank, TopicSuggestion(topic_id, name, alias))
    ranked = sorted(best.values(), key=lambda item: (item[0], item[1].topic_id))
    return [suggestion for _, suggestion in ranked[:limit]]


def related_topics(
    db: pw.SqliteDatabase, phrases: Iterable[str], exclude: int | None = None
) -> list[TopicRef]:
    """Other topics whose name (or an alias) holds one of ``phrases`` as a run of words
    ("pricing strategy" for "pricing"): people who list them know about it too."""
    wanted = [words for words in (name_words(p) for p in phrases) if words]
    if not wanted:
        return []
    found: dict[int, str] = {}
    for words in wanted:
        for topic_id, name, alias in _candidates(db, words[0]):
            if topic_id == exclude or topic_id in found:
                continue
            if phrase_in(words, name_words(alias or name)):
                found[topic_id] = name
    refs = [TopicRef(tid, name) for tid, name in found.items()]
    return sorted(refs, key=lambda ref: (sort_key(ref.name), ref.id))


def list_topics(db: pw.SqliteDatabase, text: str = "", limit: int = 500) -> list[TopicUsage]:
    """The vocabulary for the topics dialog: topics matching ``text`` (every topic when
    empty), with how many people (outside the trash) list each and its aliases."""
    if name_words(text):
        ids = sorted({s.topic_id for s in suggest_topics(db, text, limit)})
    else:
        ids = [tid for (tid,) in _rows(db, "SELECT id FROM topic ORDER BY key LIMIT ?", [limit])]
    usages: list[TopicUsage] = []
    aliases: dict[int, list[str]] = {}
    for batch, marks in id_batches(ids):
        for topic_id, alias in _rows(
            db, f"SELECT topic_id, name FROM topic_alias WHERE topic_id IN ({marks})", batch
        ):
            aliases.setdefault(topic_id, []).append(alias)
        # Counted from the index alone, then the (few) people in the trash taken away:
        # a join to every listing person would read the whole contact table.
        listed = dict(
            _rows(
                db,
                "SELECT topic_id, count(*) FROM contact_topic"
                f" WHERE topic_id IN ({marks}) GROUP BY topic_id",
                batch,
            )
        )
        trashed = dict(
            _rows(
                db,
                "SELECT ct.topic_id, count(*) FROM contact c"  # the trash first: CROSS JOIN
                " CROSS JOIN contact_topic ct ON ct.contact_id = c.id"
                f" WHERE c.trashed_at IS NOT NULL AND ct.topic_id IN ({marks})"
                " GROUP BY ct.topic_id",
                batch,
            )
        )
        for topic_id, name in _rows(db, f"SELECT id, name FROM topic WHERE id IN ({marks})", batch):
            people = listed.get(topic_id, 0) - trashed.get(topic_id, 0)
            names = tuple(sorted(aliases.get(topic_id, ()), key=sort_key))
            usages.append(TopicUsage(topic_id, name, people, names))
    return sorted(usages, key=lambda u: (sort_key(u.name), u.id))


# --- merging -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicMerge:
    """What a merge replaced, row for row, so that ``undo_merge`` puts it back exactly.

    ``topics``: the merged topics' rows (id, name, key); ``listings``: every
    (contact_id, topic_id, position) row of the people who listed a merged topic, for the
    merged topics and the one kept; ``aliases``: every alias row (key, name, topic_id)
    the merge moved or replaced; ``added_aliases``: the keys it wrote.
    """

    kept_id: int
    kept_name: str
    topics: tuple[tuple[int, str, str], ...]
    listings: tuple[tuple[int, int, int], ...]
    aliases: tuple[tuple[str, str, int], ...]
    added_aliases: tuple[str, ...]

    @property
    def merged_ids(self) -> tuple[int, ...]:
        return tuple(row[0] for row in self.topics)

    @property
    def people(self) -> tuple[int, ...]:
        """The people whose topics changed."""
        return tuple(sorted({row[0] for row in self.listings}))

    def describe(self) -> str:
        names = ", ".join(f"“{name}”" for _, name, _ in self.topics)
        return f"Merge {names} into “{self.kept_name}”"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def merge_topics(db: pw.SqliteDatabase, topic_ids: Sequence[int], keep_id: int) -> TopicMerge:
    """Merge the topics ``topic_ids`` into ``keep_id``, in one transaction.

    People who listed a merged topic list the kept one instead, at the earlier of the two
    places (so a first-listed skill stays first); each merged topic's key and name
    become an alias of the kept topic, as do the aliases it had; the merged topics go.
    """
    merged = sorted({int(t) for t in topic_ids} - {keep_id})
    if not merged:
        raise TopicConflictError("Choose at least two topics to merge.")
    with writing(db):
        conn = sqlite_connection(db)
        kept = conn.execute("SELECT id, name, key FROM topic WHERE id = ?", [keep_id]).fetchone()
        topics = conn.execute(
            f"SELECT id, name, key FROM topic WHERE id IN ({_marks(merged)}) ORDER BY id", merged
        ).fetchall()
        if kept is None or len(topics) != len(merged):
            raise TopicNotFoundError("A topic to merge no longer exists.")
        both = [*merged, keep_id]
        people = f"SELECT contact_id FROM contact_topic WHERE topic_id IN ({_marks(merged)})"
        listings = conn.execute(
            "SELECT contact_id, topic_id, position FROM contact_topic"
            f" WHERE topic_id IN ({_marks(both)}) AND contact_id IN ({people})"
            " ORDER BY contact_id, topic_id",
            [*both, *merged],
        ).fetchall()
        merged_keys = [key for _, _, key in topics]
        aliases = conn.execute(
            "SELECT key, name, topic_id FROM topic_alias"
            f" WHERE topic_id IN ({_marks(merged)}) OR key IN ({_marks(merged_keys)})"
            " OR key = ? ORDER BY key",
            [*merged, *merged_keys, kept[2]],
        ).fetchall()

        conn.execute(
            "INSERT OR REPLACE INTO contact_topic (contact_id, topic_id, position)"
            " SELECT contact_id, ?, min(position) FROM contact_topic"
            f" WHERE topic_id IN ({_marks(both)}) AND contact_id IN ({people})"
            " GROUP BY contact_id",
            [keep_id, *both, *merged],
        )
        conn.execute(f"DELETE FROM contact_topic WHERE topic_id IN ({_marks(merged)})", merged)
        conn.execute("DELETE FROM topic_alias WHERE key = ?", [kept[2]])
        conn.execute(
            f"UPDATE topic_alias SET topic_id = ? WHERE topic_id IN ({_marks(merged)})",
            [keep_id, *merged],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO topic_alias (key, name, topic_id) VALUES (?, ?, ?)",
            [(key, name, keep_id) for _, name, key in topics],
        )
        conn.execute(f"DELETE FROM topic WHERE id IN ({_marks(merged)})", merged)
        result = TopicMerge(
            keep_id,
            kept[1],
            tuple(tuple(row) for row in topics),
            tuple(tuple(row) for row in listings),
            tuple(tuple(row) for row in aliases),
            tuple(merged_keys),
        )
        # Everyone who lists the kept topic: its merged names are indexed with it.
        search.reindex_contacts(conn, _listing(conn, [keep_id]))
    return result


def _listing(conn: sqlite3.Connection, topic_ids: Sequence[int]) -> list[int]:
    """The people who list any of ``topic_ids``."""
    return [
        cid
        for (cid,) in conn.execute(
            f"SELECT DISTINCT contact_id FROM contact_topic WHERE topic_id IN ({_marks(topic_ids)})"
            " ORDER BY contact_id",
            list(topic_ids),
        )
    ]


def undo_merge(db: pw.SqliteDatabase, merge: TopicMerge) -> tuple[int, ...]:
    """Put back what ``merge`` replaced; returns the people whose topics changed back.

    Raises TopicConflictError when a topic of the same name was created since (typed
    again in someone's profile): the merge can then no longer be undone as it was.
    """
    with writing(db):
        conn = sqlite_connection(db)
        if conn.execute("SELECT 1 FROM topic WHERE id = ?", [merge.kept_id]).fetchone() is None:
            raise TopicNotFoundError(f"The topic “{merge.kept_name}” no longer exists.")
        keys = [key for _, _, key in merge.topics]
        taken = conn.execute(
            f"SELECT name FROM topic WHERE key IN ({_marks(keys)}) OR id IN ({_marks(keys)})",
            [*keys, *merge.merged_ids],
        ).fetchall()
        if taken:
            raise TopicConflictError(
                f"The topic “{taken[0][0]}” exists again, so the merge cannot be undone."
            )
        conn.executemany(
            "INSERT INTO topic (id, name, key) VALUES (?, ?, ?)", [tuple(r) for r in merge.topics]
        )
        alias_keys = sorted({*merge.added_aliases, *(key for key, _, _ in merge.aliases)})
        conn.execute(f"DELETE FROM topic_alias WHERE key IN ({_marks(alias_keys)})", alias_keys)
        conn.executemany(
            "INSERT INTO topic_alias (key, name, topic_id) SELECT ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM topic WHERE id = ?3)",
            [tuple(r) for r in merge.aliases],
        )
        people = list(merge.people)
        both = [*merge.merged_ids, merge.kept_id]
        for batch, marks in id_batches(people):
            conn.execute(
                f"DELETE FROM contact_topic WHERE contact_id IN ({marks})"
                f" AND topic_id IN ({_marks(both)})",
                [*batch, *both],
            )
        conn.executemany(
            "INSERT INTO contact_topic (contact_id, topic_id, position) SELECT ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM contact WHERE id = ?1)",
            [tuple(r) for r in merge.listings],
        )
        # Everyone who lists one of them again: each is indexed with its own names.
        search.reindex_contacts(conn, _listing(conn, both))
    return merge.people


# --- renaming -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicRename:
    """What a rename replaced: the old name and key, and the alias rows it wrote over."""

    topic_id: int
    old_name: str
    old_key: str
    new_name: str
    new_key: str
    aliases: tuple[tuple[str, str, int], ...]  # alias rows under either key, before
    added_alias: str  # the key the old name was kept under ("" when the key is unchanged)
    people: tuple[int, ...]

    def describe(self) -> str:
        return f"Rename topic “{self.old_name}” to “{self.new_name}”"


def clean_topic_name(name: str) -> str:
    """The name as stored; raises TopicConflictError when nothing is left of it."""
    cleaned = clean_line(name)[:NAME_MAX_CHARS]
    if not vocabulary_key(cleaned):
        raise TopicConflictError("A topic needs a name.")
    return cleaned


def rename_topic(db: pw.SqliteDatabase, topic_id: int, new_name: str) -> TopicRename:
    """Give a topic a new name; the old one stays as an alias so typing it still finds
    the topic. A name another topic already has is refused: merge them instead."""
    name = clean_topic_name(new_name)
    key = vocabulary_key(name)
    with writing(db):
        conn = sqlite_connection(db)
        row = conn.execute("SELECT name, key FROM topic WHERE id = ?", [topic_id]).fetchone()
        if row is None:
            raise TopicNotFoundError("This topic no longer exists.")
        old_name, old_key = row
        other = conn.execute(
            "SELECT name FROM topic WHERE key = ? AND id <> ?"
            " UNION ALL SELECT t.name FROM topic_alias a JOIN topic t ON t.id = a.topic_id"
            " WHERE a.key = ? AND a.topic_id <> ?",
            [key, topic_id, key, topic_id],
        ).fetchone()
        if other is not None:
            raise TopicConflictError(
                f"“{name}” is already the topic “{other[0]}”: merge the two topics instead."
            )
        aliases = conn.execute(
            "SELECT key, name, topic_id FROM topic_alias WHERE key IN (?, ?) ORDER BY key",
            [key, old_key],
        ).fetchall()
        people = tuple(_listing(conn, [topic_id]))
        conn.execute("DELETE FROM topic_alias WHERE key = ?", [key])
        conn.execute("UPDATE topic SET name = ?, key = ? WHERE id = ?", [name, key, topic_id])
        added = ""
        if key != old_key:
            conn.execute(
                "INSERT OR REPLACE INTO topic_alias (key, name, topic_id) VALUES (?, ?, ?)",
                [old_key, old_name, topic_id],
            )
            added = old_key
        search.reindex_contacts(conn, people)
    return TopicRename(
        topic_id,
        old_name,
        old_key,
        name,
        key,
        tuple(tuple(r) for r in aliases),
        added,
        people,
    )


def undo_rename(db: pw.SqliteDatabase, rename: TopicRename) -> tuple[int, ...]:
    """Put back the old name, key and alias rows; returns the people listing the topic."""
    with writing(db):
        conn = sqlite_connection(db)
        if conn.execute("SELECT 1 FROM topic WHERE id = ?", [rename.topic_id]).fetchone() is None:
            raise TopicNotFoundError(f"The topic “{rename.new_name}” no longer exists.")
        taken = conn.execute(
            "SELECT name FROM topic WHERE key = ? AND id <> ?", [rename.old_key, rename.topic_id]
        ).fetchone()
        if taken is not None:
            raise TopicConflictError(
                f"The topic “{taken[0]}” exists again, so the rename cannot be undone."
            )
        if rename.added_alias:
            conn.execute("DELETE FROM topic_alias WHERE key = ?", [rename.added_alias])
        conn.execute(
            "UPDATE topic SET name = ?, key = ? WHERE id = ?",
            [rename.old_name, rename.old_key, rename.topic_id],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO topic_alias (key, name, topic_id) SELECT ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM topic WHERE id = ?3)",
            [tuple(r) for r in rename.aliases],
        )
        people = _listing(conn, [rename.topic_id])
        search.reindex_contacts(conn, people)
    return tuple(people)

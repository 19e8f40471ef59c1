"""The FTS5 index over contacts, and turning what a person types into a safe MATCH query.

User text is never passed to MATCH as it is: FTS5's query syntax gives meaning to
quotes, ``*``, ``:``, ``^``, parentheses and the words AND/OR/NOT, so ``o'brien`` or
a lone ``"`` would raise. Instead the text is cut into words exactly as the index's
tokenizer cuts them (letters, numbers, marks and private-use characters), each word
becomes a quoted prefix phrase, and the phrases are ANDed.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable

MAX_QUERY_CHARS = 500
FOLD_FUNCTION = "ally_fold"

# Letters that are not "a letter plus an accent" in Unicode, so neither NFKD nor FTS5's
# remove_diacritics folds them, but that people type without: "soren" finds "Søren".
_LETTER_FOLDS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
    }
)


def fold(text: str | None) -> str:
    """``text`` without case, accents and special letters: the key people search and sort by."""
    if not text:
        return ""
    if text.isascii():  # most names and addresses: nothing to decompose or fold
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_LETTER_FOLDS)


_TOKEN_CATEGORIES = ("L", "N", "M")


def _is_token_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in _TOKEN_CATEGORIES or category == "Co"


def query_words(text: str) -> list[str]:
    """The words of ``text`` as the index's tokenizer sees them."""
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS])
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_token_char(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def match_expression(text: str) -> str | None:
    """A MATCH expression finding rows with every word of ``text`` as a word prefix.

    None when the text has no searchable word (blank, or only punctuation/emoji).
    """
    words = query_words(text)
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


# Kept in step with migration 2, which created the index with the same columns. Names
# are indexed as typed and folded (ally_fold, registered on every connection by store.db).
# A topic is indexed with its other names (since migration 9): the names merged into it
# and its names before a rename find the people who list it.
_INDEX_SELECT = """
SELECT c.id,
    c.full_name || ' ' || c.given_name || ' ' || c.family_name || ' ' || c.nickname
        || ' ' || ally_fold(c.full_name || ' ' || c.nickname),
    c.organization, c.job_title, c.team,
    (SELECT group_concat(t.name || coalesce(' ; ' || (SELECT group_concat(a.name, ' ; ')
            FROM topic_alias a WHERE a.topic_id = t.id), ''), ' ; ')
        FROM contact_topic ct JOIN topic t ON t.id = ct.topic_id
        WHERE ct.contact_id = c.id),
    (SELECT group_concat(g.name, ' ; ') FROM contact_tag cg JOIN tag g ON g.id = cg.tag_id
        WHERE cg.contact_id = c.id),
    (SELECT group_concat(v, ' ') FROM (
        SELECT value AS v FROM contact_email WHERE contact_id = c.id
        UNION ALL SELECT value FROM contact_phone WHERE contact_id = c.id)),
    c.notes, c.ambitions
FROM contact c
"""
_INDEX_INSERT = (
    "INSERT INTO contact_fts (rowid, name, organization, job_title, team, topics, tags,"
    " contact_info, notes, ambitions) "
)
_CHUNK = 500  # ids per statement, well under SQLite's variable limit


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for contact_id in ids:
        batch.append(contact_id)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def install_functions(conn: sqlite3.Connection) -> None:
    """Register the SQL functions the index is built with (any connection may write it)."""
    conn.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def reindex_contacts(conn: sqlite3.Connection, contact_ids: Iterable[int]) -> None:
    """Bring the index rows of these contacts in step with the tables (call inside the write)."""
    install_functions(conn)
    for batch in _chunks(contact_ids):
        marks = ",".join("?" * len(batch))
        conn.execute(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", batch)
        conn.execute(_INDEX_INSERT + _INDEX_SELECT + f" WHERE c.id IN ({marks})", batch)


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index from the tables (after bulk loads, or to repair it)."""
    install_functions(conn)
    conn.execute("DELETE FROM contact_fts")
    conn.execute(_INDEX_INSERT + _INDEX_SELECT)


def index_is_consistent(conn: sqlite3.Connection) -> bool:
    """True when the index has exactly one row per contact (a read-only check)."""
    missing = conn.execute(
        "SELECT count(*) FROM contact c WHERE NOT EXISTS"
        " (SELECT 1 FROM contact_fts f WHERE f.rowid = c.id)"
    ).fetchone()[0]
    extra = conn.execute(
        "SELECT count(*) FROM contact_fts f WHERE NOT EXISTS"
        " (SELECT 1 FROM contact c WHERE c.id = f.rowid)"
    ).fetchone()[0]
    return bool(missing == 0 and extra == 0)

"""Schema migrations: ordered steps keyed by ``PRAGMA user_version``.

Each step is frozen once released: it is plain SQL (never derived from the current
models, which move on) and runs inside one transaction together with the version
bump, so a database is always at exactly one version. A database newer than this
code knows is refused, never downgraded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ally_desktop.store import schedule, search
from ally_desktop.store.errors import NewerSchemaError, NotAnAllyDatabaseError

APPLICATION_ID = 0x416C6C79  # "Ally": marks the file as ours in PRAGMA application_id


@dataclass(frozen=True)
class Step:
    """One schema version: the SQL (or function) that brings version - 1 to version."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    """Run SQL statement by statement inside the caller's transaction (executescript would
    commit it); triggers, whose bodies hold semicolons, stay whole."""
    statements: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())

    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


_V1_BASE = """
CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    given_name TEXT NOT NULL DEFAULT '',
    family_name TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    nickname TEXT NOT NULL DEFAULT '',
    full_name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    pronouns TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    team TEXT NOT NULL DEFAULT '',
    photo BLOB,
    met_how TEXT NOT NULL DEFAULT '',
    met_on TEXT,
    closeness INTEGER NOT NULL DEFAULT 2 CHECK (closeness BETWEEN 0 AND 3),
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    notes TEXT NOT NULL DEFAULT '',
    ambitions TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    trashed_at TEXT
);
-- Covering the default list query (not archived, by name) so it never touches the table.
CREATE INDEX contact_by_sort_name ON contact (sort_name, id, archived) WHERE trashed_at IS NULL;
CREATE INDEX contact_by_organization ON contact (organization COLLATE NOCASE, sort_name)
    WHERE trashed_at IS NULL;
CREATE INDEX contact_by_closeness ON contact (closeness, sort_name) WHERE trashed_at IS NULL;
CREATE INDEX contact_by_updated ON contact (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX contact_trashed ON contact (trashed_at) WHERE trashed_at IS NOT NULL;

CREATE TABLE contact_email (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_email_by_contact ON contact_email (contact_id, position);

CREATE TABLE contact_phone (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_phone_by_contact ON contact_phone (contact_id, position);

CREATE TABLE contact_link (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_link_by_contact ON contact_link (contact_id, position);

CREATE TABLE contact_address (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_address_by_contact ON contact_address (contact_id, position);

CREATE TABLE topic (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE contact_topic (
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX contact_topic_by_topic ON contact_topic (topic_id, contact_id);

CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE contact_tag (
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX contact_tag_by_tag ON contact_tag (tag_id, contact_id);

CREATE TABLE important_date (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('birthday', 'anniversary', 'custom')),
    label TEXT NOT NULL DEFAULT '',
    year INTEGER,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31)
);
CREATE INDEX important_date_by_contact ON important_date (contact_id);
CREATE INDEX important_date_by_day ON important_date (month, day);

CREATE TABLE connection (
    id INTEGER PRIMARY KEY,
    from_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    to_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, kind, label)
);
CREATE INDEX connection_by_to ON connection (to_id)
"""

# The full-text index over what a person is searched by. Contentful (it keeps its own
# copy of the text, so the index needs no triggers on seven tables) and keyed by the
# contact id as rowid; store.search keeps it in step inside each write transaction.
# ally_fold() is store.search.fold, registered on every connection by store.db.
_V2_SEARCH = """
CREATE VIRTUAL TABLE contact_fts USING fts5 (
    name, organization, job_title, team, topics, tags, contact_info, notes, ambitions,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
    prefix = '2 3'
);
INSERT INTO contact_fts (
    rowid, name, organization, job_title, team, topics, tags, contact_info, notes, ambitions
)
SELECT c.id,
    c.full_name || ' ' || c.given_name || ' ' || c.family_name || ' ' || c.nickname
        || ' ' || ally_fold(c.full_name || ' ' || c.nickname),
    c.organization, c.job_title, c.team,
    (SELECT group_concat(t.name, ' ; ') FROM contact_topic ct JOIN topic t ON t.id = ct.topic_id
        WHERE ct.contact_id = c.id),
    (SELECT group_concat(g.name, ' ; ') FROM contact_tag cg JOIN tag g ON g.id = cg.tag_id
        WHERE cg.contact_id = c.id),
    (SELECT group_concat(v, ' ') FROM (
        SELECT value AS v FROM contact_email WHERE contact_id = c.id
        UNION ALL SELECT value FROM contact_phone WHERE contact_id = c.id)),
    c.notes, c.ambitions
FROM contact c
"""

# Interactions: what happened, when, with whom. ``occurred_at`` is the UTC instant (it
# orders everything); ``local_date`` and ``time_zone`` keep the day and zone the user meant,
# and ``all_day`` marks an entry with a date but no time. ``contact.last_interaction_at``
# is maintained by triggers, so every path (add, edit, delete, undo, participants) keeps it
# right: adding is a cheap max(); removing or moving back recomputes from the index.
_V3_INTERACTIONS = """
CREATE TABLE interaction (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    local_date TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT '',
    all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    exchange TEXT CHECK (exchange IS NULL OR exchange IN ('given', 'received')),
    exchange_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    trashed_at TEXT,
    trashed_with_contacts INTEGER NOT NULL DEFAULT 0 CHECK (trashed_with_contacts IN (0, 1))
);
CREATE INDEX interaction_by_time ON interaction (occurred_at, id) WHERE trashed_at IS NULL;
CREATE INDEX interaction_trashed ON interaction (trashed_at) WHERE trashed_at IS NOT NULL;

CREATE TABLE interaction_participant (
    interaction_id INTEGER NOT NULL REFERENCES interaction (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    PRIMARY KEY (interaction_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX participant_by_contact ON interaction_participant (contact_id, interaction_id);

ALTER TABLE contact ADD COLUMN last_interaction_at TEXT;
CREATE INDEX contact_by_last_interaction ON contact (last_interaction_at, sort_name)
    WHERE trashed_at IS NULL;

CREATE TRIGGER participant_added AFTER INSERT ON interaction_participant BEGIN
    UPDATE contact SET last_interaction_at = (
        SELECT i.occurred_at FROM interaction i WHERE i.id = NEW.interaction_id
            AND i.trashed_at IS NULL)
    WHERE id = NEW.contact_id AND (
        SELECT i.occurred_at FROM interaction i WHERE i.id = NEW.interaction_id
            AND i.trashed_at IS NULL) > coalesce(last_interaction_at, '');
END;

CREATE TRIGGER participant_removed AFTER DELETE ON interaction_participant BEGIN
    UPDATE contact SET last_interaction_at = (
        SELECT max(i.occurred_at) FROM interaction_participant p
            JOIN interaction i ON i.id = p.interaction_id
        WHERE p.contact_id = OLD.contact_id AND i.trashed_at IS NULL)
    WHERE id = OLD.contact_id;
END;

CREATE TRIGGER interaction_moved AFTER UPDATE OF occurred_at, trashed_at ON interaction BEGIN
    UPDATE contact SET last_interaction_at = (
        SELECT max(i.occurred_at) FROM interaction_participant p
            JOIN interaction i ON i.id = p.interaction_id
        WHERE p.contact_id = contact.id AND i.trashed_at IS NULL)
    WHERE id IN (SELECT contact_id FROM interaction_participant WHERE interaction_id = NEW.id);
END;

CREATE VIRTUAL TABLE interaction_fts USING fts5 (
    title, notes, place, exchange_note, kind,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
    prefix = '2 3'
)
"""

# The timeline reads like a diary: by the day the user meant, then by the instant, newest
# first; this index serves that order, its pages and its period filters without touching
# the table. Filters by kind and by help given or received get their own, so a filtered
# count does not walk every interaction (about 1.7 s for a million).
_V4_TIMELINE_ORDER = """
DROP INDEX interaction_by_time;
CREATE INDEX interaction_by_day ON interaction (local_date, occurred_at, id)
    WHERE trashed_at IS NULL;
CREATE INDEX interaction_by_kind ON interaction (kind, local_date, occurred_at, id)
    WHERE trashed_at IS NULL;
CREATE INDEX interaction_by_exchange ON interaction (exchange, local_date, occurred_at, id)
    WHERE trashed_at IS NULL AND exchange IS NOT NULL
"""

# Reminders. ``occurs_on`` is the pending occurrence's day (the day the user meant);
# ``due_at`` the UTC instant it falls due (advance notice applied); a snooze overrides it,
# and ``alert_at`` (generated, indexed) is the one moment the due list and the timer read.
# Keep-in-touch reminders follow the contact's cadence and last interaction, and
# important-date reminders the contact's dates, through triggers (see store/schedule.py).
_V5_REMINDERS = """
CREATE TABLE reminder (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('once', 'recurring', 'date', 'keep_in_touch')),
    contact_id INTEGER REFERENCES contact (id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    starts_on TEXT,
    at_time TEXT,
    time_zone TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT '',
    date_key TEXT,
    advance_days INTEGER NOT NULL DEFAULT 0 CHECK (advance_days BETWEEN 0 AND 365),
    occurs_on TEXT,
    due_at TEXT,
    snoozed_until TEXT,
    touched_at TEXT,
    done_count INTEGER NOT NULL DEFAULT 0,
    last_done_at TEXT,
    notified_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    alert_at TEXT GENERATED ALWAYS AS (coalesce(snoozed_until, due_at)) VIRTUAL,
    CHECK (kind IN ('once', 'recurring') OR contact_id IS NOT NULL)
);
CREATE INDEX reminder_by_alert ON reminder (hidden, alert_at) WHERE alert_at IS NOT NULL;
CREATE INDEX reminder_unannounced ON reminder (alert_at)
    WHERE alert_at IS NOT NULL AND notified_at IS NULL AND hidden = 0;
CREATE INDEX reminder_by_contact ON reminder (contact_id);
CREATE INDEX reminder_snoozed ON reminder (snoozed_until) WHERE snoozed_until IS NOT NULL;
CREATE UNIQUE INDEX reminder_keep_in_touch ON reminder (contact_id) WHERE kind = 'keep_in_touch';
CREATE UNIQUE INDEX reminder_of_date ON reminder (contact_id, date_key) WHERE kind = 'date';

CREATE TRIGGER cadence_set AFTER UPDATE OF cadence_days ON contact
WHEN NEW.cadence_days IS NOT NULL BEGIN
    INSERT OR IGNORE INTO reminder (kind, contact_id, created_at, updated_at)
        VALUES ('keep_in_touch', NEW.id, ally_now(), ally_now());
    UPDATE reminder SET due_at = ally_cadence_due(
            NEW.last_interaction_at, touched_at, NEW.created_at, NEW.cadence_days),
        notified_at = CASE WHEN due_at IS ally_cadence_due(
            NEW.last_interaction_at, touched_at, NEW.created_at, NEW.cadence_days)
            THEN notified_at ELSE NULL END
        WHERE kind = 'keep_in_touch' AND contact_id = NEW.id;
END;

-- Reminders of people in the trash never fall due, and archived people are not nagged
-- about (their dates, keeping in touch); a flag kept here spares every due read a join.
CREATE TRIGGER contact_visibility AFTER UPDATE OF trashed_at, archived ON contact BEGIN
    UPDATE reminder SET hidden = (NEW.trashed_at IS NOT NULL
            OR (NEW.archived = 1 AND kind IN ('keep_in_touch', 'date')))
        WHERE contact_id = NEW.id;
END;

CREATE TRIGGER reminder_of_contact AFTER INSERT ON reminder
WHEN NEW.contact_id IS NOT NULL BEGIN
    UPDATE reminder SET hidden = (SELECT c.trashed_at IS NOT NULL
            OR (c.archived = 1 AND NEW.kind IN ('keep_in_touch', 'date'))
        FROM contact c WHERE c.id = NEW.contact_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER cadence_cleared AFTER UPDATE OF cadence_days ON contact
WHEN NEW.cadence_days IS NULL BEGIN
    DELETE FROM reminder WHERE kind = 'keep_in_touch' AND contact_id = NEW.id;
END;

CREATE TRIGGER cadence_of_new_contact AFTER INSERT ON contact
WHEN NEW.cadence_days IS NOT NULL BEGIN
    INSERT OR IGNORE INTO reminder (kind, contact_id, due_at, created_at, updated_at)
        VALUES ('keep_in_touch', NEW.id,
            ally_cadence_due(NEW.last_interaction_at, NULL, NEW.created_at, NEW.cadence_days),
            ally_now(), ally_now());
END;

-- Contact happened: the keep-in-touch reminder moves, and a snooze is no longer needed.
CREATE TRIGGER contact_touched AFTER UPDATE OF last_interaction_at ON contact
WHEN NEW.cadence_days IS NOT NULL
    AND NEW.last_interaction_at IS NOT OLD.last_interaction_at BEGIN
    UPDATE reminder SET
        due_at = ally_cadence_due(
            NEW.last_interaction_at, touched_at, NEW.created_at, NEW.cadence_days),
        snoozed_until = CASE WHEN NEW.last_interaction_at > coalesce(OLD.last_interaction_at, '')
            THEN NULL ELSE snoozed_until END,
        notified_at = NULL
    WHERE kind = 'keep_in_touch' AND contact_id = NEW.id;
END;

-- A date written (contacts rewrite their dates on every save): its reminder is made once;
-- one that already exists for the same date keeps its state (done, snoozed).
CREATE TRIGGER date_added AFTER INSERT ON important_date BEGIN
    INSERT OR IGNORE INTO reminder (kind, contact_id, date_key, occurs_on, due_at,
            created_at, updated_at)
        VALUES ('date', NEW.contact_id,
            NEW.kind || ':' || printf('%02d-%02d', NEW.month, NEW.day) || ':' || NEW.label,
            ally_next_yearly(NEW.month, NEW.day, NULL),
            ally_morning_utc(ally_next_yearly(NEW.month, NEW.day, NULL), 0),
            ally_now(), ally_now());
END;

INSERT INTO reminder (kind, contact_id, due_at, created_at, updated_at)
    SELECT 'keep_in_touch', id,
        ally_cadence_due(last_interaction_at, NULL, created_at, cadence_days),
        ally_now(), ally_now()
    FROM contact WHERE cadence_days IS NOT NULL;

INSERT OR IGNORE INTO reminder (kind, contact_id, date_key, occurs_on, due_at,
        created_at, updated_at)
    SELECT 'date', contact_id,
        kind || ':' || printf('%02d-%02d', month, day) || ':' || label,
        ally_next_yearly(month, day, NULL),
        ally_morning_utc(ally_next_yearly(month, day, NULL), 0),
        ally_now(), ally_now()
    FROM important_date
"""

# Settings that belong to the data rather than to one machine's window: they travel with
# the file (a copy, a backup, another computer) and the command line reads them without
# Qt. One row per key; values are text, parsed by the code that owns the key.
_V6_SETTINGS = """
CREATE TABLE setting (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID
"""

# Insight (who can help, health, the network map).
# - ``topic_alias``: a topic the user merged into another. Its key now leads to the topic it
#   joined, so typing the old word still finds the people ("pricing strategy" → "pricing").
# - ``contact_stats``: per person, the interactions outside the trash, the first of them,
#   and how often help was given and received. Relationship health and the give/get
#   balance read one row per person instead of a million interactions. Triggers keep it:
#   a new participant adds to the counts; anything that can take away (a removed
#   participant, an interaction trashed, restored, moved or re-labelled) recounts that
#   person from the participant index.
# - Two indexes for Today: people by the day they were met (new allies to follow up),
#   and the people who helped most (the give/get balance).
# - ``network_position``: where the network map last placed each person, so it opens
#   at once and the same people stay where the user saw them. Only a cache: deleting it
#   costs a new layout.
_V7_INSIGHT = """
CREATE TABLE topic_alias (
    key TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    topic_id INTEGER NOT NULL REFERENCES topic (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX topic_alias_by_topic ON topic_alias (topic_id);

CREATE TABLE contact_stats (
    contact_id INTEGER PRIMARY KEY REFERENCES contact (id) ON DELETE CASCADE,
    interactions INTEGER NOT NULL DEFAULT 0,
    first_at TEXT,
    given INTEGER NOT NULL DEFAULT 0,
    received INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER stats_participant_added AFTER INSERT ON interaction_participant BEGIN
    INSERT INTO contact_stats (contact_id, interactions, first_at, given, received)
        SELECT NEW.contact_id, 1, i.occurred_at, i.exchange IS 'given', i.exchange IS 'received'
        FROM interaction i WHERE i.id = NEW.interaction_id AND i.trashed_at IS NULL
    ON CONFLICT (contact_id) DO UPDATE SET
        interactions = interactions + 1,
        first_at = min(coalesce(first_at, excluded.first_at), excluded.first_at),
        given = given + excluded.given,
        received = received + excluded.received;
END;

CREATE TRIGGER stats_participant_removed AFTER DELETE ON interaction_participant BEGIN
    INSERT OR REPLACE INTO contact_stats (contact_id, interactions, first_at, given, received)
        SELECT * FROM (
            SELECT OLD.contact_id AS contact_id, count(*), min(i.occurred_at),
                count(CASE WHEN i.exchange = 'given' THEN 1 END),
                count(CASE WHEN i.exchange = 'received' THEN 1 END)
            FROM interaction_participant p JOIN interaction i ON i.id = p.interaction_id
            WHERE p.contact_id = OLD.contact_id AND i.trashed_at IS NULL)
        WHERE EXISTS (SELECT 1 FROM contact WHERE id = contact_id);
END;

CREATE TRIGGER stats_interaction_changed
AFTER UPDATE OF occurred_at, trashed_at, exchange ON interaction BEGIN
    INSERT OR REPLACE INTO contact_stats (contact_id, interactions, first_at, given, received)
        SELECT p.contact_id, count(i.id), min(i.occurred_at),
            count(CASE WHEN i.exchange = 'given' THEN 1 END),
            count(CASE WHEN i.exchange = 'received' THEN 1 END)
        FROM interaction_participant p
            LEFT JOIN interaction_participant q ON q.contact_id = p.contact_id
            LEFT JOIN interaction i ON i.id = q.interaction_id AND i.trashed_at IS NULL
        WHERE p.interaction_id = NEW.id
        GROUP BY p.contact_id;
END;

INSERT INTO contact_stats (contact_id, interactions, first_at, given, received)
    SELECT p.contact_id, count(*), min(i.occurred_at),
        count(CASE WHEN i.exchange = 'given' THEN 1 END),
        count(CASE WHEN i.exchange = 'received' THEN 1 END)
    FROM interaction_participant p JOIN interaction i ON i.id = p.interaction_id
    WHERE i.trashed_at IS NULL
    GROUP BY p.contact_id;

-- Today: people met lately (new allies), and those who helped most (give and get).
CREATE INDEX contact_by_met ON contact (coalesce(met_on, substr(created_at, 1, 10)));
CREATE INDEX contact_stats_by_received ON contact_stats (received DESC, given) WHERE received > 0;

CREATE TABLE network_position (
    contact_id INTEGER PRIMARY KEY REFERENCES contact (id) ON DELETE CASCADE,
    x REAL NOT NULL,
    y REAL NOT NULL
)
"""

# People by how many interactions they have (``contact_stats``): who can help asks for
# the largest count (which bounds how much interactions can add to anyone's score) and
# for the people with at least so many, and reads them in this order instead of every row.
_V8_INTERACTION_COUNTS = """
CREATE INDEX contact_stats_by_interactions ON contact_stats (interactions)
"""


def _v9_topic_aliases_in_search(conn: sqlite3.Connection) -> None:
    """People search finds a topic by its other names too (merged into it, or its name
    before a rename): the index rows of the people who list such a topic are rebuilt."""
    people = [
        cid
        for (cid,) in conn.execute(
            "SELECT DISTINCT contact_id FROM contact_topic"
            " WHERE topic_id IN (SELECT topic_id FROM topic_alias) ORDER BY contact_id"
        )
    ]
    search.reindex_contacts(conn, people)


STEPS: Sequence[Step] = (
    Step(1, "contacts, their details, topics, tags, dates and connections", _script(_V1_BASE)),
    Step(2, "full-text search index over contacts", _script(_V2_SEARCH)),
    Step(
        3,
        "interactions, their participants, last interaction per contact",
        _script(_V3_INTERACTIONS),
    ),
    Step(4, "the timeline's diary order and filter indexes", _script(_V4_TIMELINE_ORDER)),
    Step(
        5, "reminders: one-off, recurring, important dates, keep in touch", _script(_V5_REMINDERS)
    ),
    Step(6, "settings stored with the data (trash retention)", _script(_V6_SETTINGS)),
    Step(
        7,
        "insight: merged topics, per-person interaction counts, network map positions",
        _script(_V7_INSIGHT),
    ),
    Step(8, "people by their number of interactions", _script(_V8_INTERACTION_COUNTS)),
    Step(9, "people search knows a topic by its other names", _v9_topic_aliases_in_search),
)
LATEST_VERSION = STEPS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _check_ours(conn: sqlite3.Connection) -> None:
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID):
        raise NotAnAllyDatabaseError("The file is a database of another program, not Ally's.")
    if app_id == 0 and schema_version(conn) == 0:
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if has_tables:
            raise NotAnAllyDatabaseError("The file is a database of another program, not Ally's.")


def pending_steps(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[Step]:
    """The steps still to run to reach ``target``; raises if the file is newer or not ours."""
    _check_ours(conn)
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise NewerSchemaError(
            f"This data file was written by a newer version of Ally (schema {current}; "
            f"this version knows up to {LATEST_VERSION}). Update Ally to open it."
        )
    return [step for step in STEPS if current < step.version <= target]


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[Step]:
    """Bring the database to ``target``, one transaction per step; returns the steps run.

    ``conn`` must be in autocommit mode (``isolation_level=None``), as Peewee's is.
    """
    steps = pending_steps(conn, target)
    search.install_functions(conn)
    schedule.install_functions(conn)
    for step in steps:
        conn.execute("BEGIN IMMEDIATE")
        try:
            step.apply(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {step.version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return steps

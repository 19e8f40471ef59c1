"""The child of the kill -9 test: a stream of committed writes through Ally's real code.

Run as ``python -m tests.faults.writer DATABASE SEED`` from the project root. It imports
everything first and says ``warm``, then waits for ``go`` on stdin, so the parent can
start the next child while it checks the last one (the import costs more than a round
of writing). On ``go`` it opens the store with ``open_database``, says ``open``, and
writes until it is killed:

* ``contact ID DIGEST``, ``interaction ID DIGEST``, ``reminder ID DIGEST``: committed
  (printed and flushed only after the call that commits has returned);
* ``pending contact ID DIGEST``: an update is about to run. A kill between its commit and
  its ``contact`` line leaves the new version on disk with only this line to say so.

Digests are ``store_state.digest`` of the data after ``validate_*``, the form Ally
stores. A child that is never killed stops by itself after ``LIFETIME`` seconds.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ally_desktop.core.contacts import create_contact, update_contact
from ally_desktop.core.records import (
    Address,
    Closeness,
    ContactData,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.reminders import (
    Frequency,
    Recurrence,
    ReminderData,
    create_reminder,
    validate_reminder,
)
from ally_desktop.core.timeline import InteractionData, create_interaction, validate_interaction
from ally_desktop.core.validation import validate_contact
from ally_desktop.store.db import open_database, sqlite_connection
from tests.faults.store_state import (
    contact_parts,
    digest,
    interaction_parts,
    reminder_parts,
)

LIFETIME = 20.0
GIVEN = ("Ada", "Grace", "Søren", "Łukasz", "Amara", "Kenji", "Zoë", "Tomás", "Ines", "Olu")
FAMILY = ("Lovelace", "Hopper", "Kierkegaard", "Nowak", "Okafor", "Sato", "Brennan", "Ruiz")
ORGS = ("Acme", "Globex", "Initech", "Umbrella", "Stark Industries", "")
TAGS = ("board", "mentor", "finance", "pricing", "offsite", "alumni")
TOPICS = ("procurement", "hiring", "SQL", "negotiation", "roadmaps")
KINDS = ("meeting", "call", "coffee", "email", "note")
BASE_DAY = datetime(2024, 1, 1, tzinfo=UTC)


def new_contact(rng: random.Random, serial: int) -> ContactData:
    """A contact with every kind of child row now and then, a cadence and a birthday
    sometimes (so the reminder triggers fire inside the killed transactions too)."""
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    handle = f"{given.lower()}.{serial}".encode("ascii", "ignore").decode()
    return ContactData(
        given_name=given,
        family_name=f"{family} {serial}",
        organization=rng.choice(ORGS),
        job_title=rng.choice(("CFO", "Engineer", "Buyer", "")),
        closeness=Closeness(rng.randrange(4)),
        cadence_days=rng.choice((None, None, 14, 30, 90)),
        notes=" ".join(rng.choice(TOPICS) for _ in range(rng.randrange(0, 40))),
        emails=[LabeledValue("work", f"{handle}@example.org")][: rng.randrange(2)],
        phones=[LabeledValue("mobile", f"+1 555 {serial:04d}")][: rng.randrange(2)],
        links=[LabeledValue("web", f"https://example.org/{serial}")][: rng.randrange(2)],
        addresses=[Address("work", f"{serial} Main St", "Springfield")][: rng.randrange(2)],
        topics=rng.sample(TOPICS, rng.randrange(3)),
        tags=rng.sample(TAGS, rng.randrange(3)),
        dates=[ImportantDate("birthday", rng.randint(1, 12), rng.randint(1, 28), 1980)][
            : rng.randrange(2)
        ],
    )


def new_interaction(rng: random.Random, people: list[int], serial: int) -> InteractionData:
    when = BASE_DAY + timedelta(days=rng.randrange(900), minutes=rng.randrange(1440))
    return InteractionData(
        kind=rng.choice(KINDS),
        participants=rng.sample(people, min(len(people), rng.randint(1, 3))),
        when=when,
        time_zone="UTC",
        title=f"Talk {serial}",
        notes=rng.choice(("", "pricing review", "hiring plan for Q3")),
        exchange=rng.choice((None, "given", "received")),
    )


def new_reminder(rng: random.Random, people: list[int], serial: int) -> ReminderData:
    recurring = rng.random() < 0.5
    return ReminderData(
        title=f"Follow up {serial}",
        starts_on=date(2025, 1, 1) + timedelta(days=rng.randrange(700)),
        kind="recurring" if recurring else "once",
        contact_id=rng.choice([None, *people]) if people else None,
        time_zone="UTC",
        recurrence=Recurrence(Frequency.WEEKLY, rng.randint(1, 4)) if recurring else None,
    )


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    say("warm")
    if sys.stdin.readline().strip() != "go":
        return  # the parent is gone or changed its mind
    db = open_database(path)
    conn = sqlite_connection(db)
    people = [cid for (cid,) in conn.execute("SELECT id FROM contact WHERE trashed_at IS NULL")]
    serial = seed * 1000
    say("open")
    deadline = time.monotonic() + LIFETIME
    while time.monotonic() < deadline:
        serial += 1
        roll = rng.random()
        if not people or roll < 0.4:
            data = validate_contact(new_contact(rng, serial))
            cid = create_contact(db, data)
            people.append(cid)
            say(f"contact {cid} {digest(contact_parts(data))}")
        elif roll < 0.7:
            logged = validate_interaction(db, new_interaction(rng, people, serial))
            iid = create_interaction(db, logged)
            say(f"interaction {iid} {digest(interaction_parts(logged))}")
        elif roll < 0.85:
            reminder = validate_reminder(db, new_reminder(rng, people, serial))
            rid = create_reminder(db, reminder)
            say(f"reminder {rid} {digest(reminder_parts(reminder))}")
        else:
            cid = rng.choice(people)
            data = validate_contact(new_contact(rng, serial))
            fingerprint = digest(contact_parts(data))
            say(f"pending contact {cid} {fingerprint}")
            update_contact(db, cid, data)
            say(f"contact {cid} {fingerprint}")
    db.close()


if __name__ == "__main__":
    run(Path(sys.argv[1]), int(sys.argv[2]))

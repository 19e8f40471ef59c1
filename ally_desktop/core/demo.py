"""A realistic, varied demo network: for trying Ally out, screenshots and benchmarks.

Deterministic for a seed. People come from many places (accents, right-to-left and
CJK names), work in teams of real-sounding organizations, know about topics from a
shared vocabulary, and are connected mostly within their organization. Written with
bulk statements in one transaction, so 100,000 people take seconds, not minutes.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import peewee as pw

from ally_desktop.core.records import Closeness
from ally_desktop.core.text import sort_key, utc_now, vocabulary_key
from ally_desktop.core.timeline import ALL_DAY_HOUR, local_zone_name, zone_named
from ally_desktop.store import search
from ally_desktop.store.db import sqlite_connection, writing

# (given, family, ascii form for email addresses)
_PEOPLE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("Alice", "Martin", ""),
    ("Bob", "Nguyen", ""),
    ("Chloé", "Dubois", ""),
    ("Dmitri", "Volkov", ""),
    ("Elodie", "Garnier", ""),
    ("Émile", "Lefèvre", ""),
    ("Farah", "Haddad", ""),
    ("Gustavo", "Pereira", ""),
    ("Hana", "Suzuki", ""),
    ("Ines", "Fernández", ""),
    ("Jonas", "Berg", ""),
    ("Kwame", "Mensah", ""),
    ("Leila", "Rahimi", ""),
    ("Mateo", "Rossi", ""),
    ("Nadia", "Kowalski", ""),
    ("Oluwaseun", "Adeyemi", ""),
    ("Priya", "Sharma", ""),
    ("Quentin", "Moreau", ""),
    ("Rosa", "Jiménez", ""),
    ("Søren", "Kierkegaard", ""),
    ("Tomás", "O'Brien", ""),
    ("Ulla", "Lindqvist", ""),
    ("Valentina", "Bianchi", ""),
    ("Wei", "Zhang", ""),
    ("Ximena", "Castillo", ""),
    ("Yusuf", "Demir", ""),
    ("Zoë", "Van der Berg", ""),
    ("Aiko", "Tanaka", ""),
    ("Björn", "Andersson", ""),
    ("Carmen", "López", ""),
    ("Daniel", "Cohen", ""),
    ("Eva", "Novák", ""),
    ("François", "Petit", ""),
    ("Grace", "Okafor", ""),
    ("Hiroshi", "Yamamoto", ""),
    ("Isabel", "Costa", ""),
    ("Jamal", "Khan", ""),
    ("Katarzyna", "Wiśniewska", ""),
    ("Liam", "Murphy", ""),
    ("Maya", "Patel", ""),
    ("Noah", "Schmidt", ""),
    ("Olga", "Ivanova", ""),
    ("Pablo", "Ruiz", ""),
    ("Ren", "Kobayashi", ""),
    ("Sara", "Ahmed", ""),
    ("Theo", "Müller", ""),
    ("Uma", "Iyer", ""),
    ("Victor", "Hugo", ""),
    ("محمد", "العلي", "mohammed.alali"),
    ("ليلى", "حسن", "layla.hassan"),
    ("נועה", "לוי", "noa.levi"),
    ("李", "娜", "li.na"),
    ("王", "伟", "wang.wei"),
    ("Ngozi", "Eze", ""),
    ("Ayşe", "Yılmaz", ""),
    ("Ólafur", "Jónsson", ""),
    ("Anh", "Trần", ""),
    ("Chiara", "Ferrari", ""),
    ("Diego", "Silva", ""),
    ("Freya", "Nielsen", ""),
    ("Gabriel", "Rousseau", ""),
    ("Ingrid", "Hansen", ""),
)
_NICKNAMES = ("Al", "Bobby", "Dima", "Gus", "Kat", "Sunny", "Jo", "Mo", "Vee", "Ace", "🦊 Fox")
_PRONOUNS = ("she/her", "he/him", "they/them", "")
_ORGS: tuple[tuple[str, str], ...] = (
    ("Northwind Traders", "northwind.example"),
    ("Contoso", "contoso.example"),
    ("Fabrikam", "fabrikam.example"),
    ("Globex", "globex.example"),
    ("Initech", "initech.example"),
    ("Umbrella Health", "umbrella.example"),
    ("Stark Industries", "stark.example"),
    ("Wayne Enterprises", "wayne.example"),
    ("Acme Corporation", "acme.example"),
    ("Hooli", "hooli.example"),
    ("Pied Piper", "piedpiper.example"),
    ("Tyrell Systems", "tyrell.example"),
    ("Soylent Foods", "soylent.example"),
    ("Cyberdyne", "cyberdyne.example"),
    ("Massive Dynamic", "massive.example"),
    ("Vandelay Industries", "vandelay.example"),
)
_TEAMS = (
    "Finance",
    "Pricing",
    "Platform",
    "Sales EMEA",
    "Sales Americas",
    "Legal",
    "People Ops",
    "Data Science",
    "Security",
    "Design",
    "Procurement",
    "Marketing",
    "Customer Success",
    "Research",
    "Infrastructure",
    "Strategy",
)
_TITLES = (
    "Engineer",
    "Senior Engineer",
    "Staff Engineer",
    "Product Manager",
    "Analyst",
    "Finance Lead",
    "Head of Pricing",
    "Designer",
    "Recruiter",
    "Counsel",
    "Data Scientist",
    "Account Executive",
    "VP Sales",
    "CFO",
    "Chief of Staff",
    "Security Architect",
    "Procurement Officer",
    "Research Scientist",
    "Team Lead",
)
_TOPICS = (
    "pricing",
    "pricing strategy",
    "budgeting",
    "forecasting",
    "procurement",
    "contract law",
    "GDPR",
    "hiring",
    "onboarding",
    "Kubernetes",
    "PostgreSQL",
    "machine learning",
    "A/B testing",
    "UX research",
    "accessibility",
    "the 2019 reorganisation",
    "how expense approvals really work",
    "board reporting",
    "sales negotiation",
    "EMEA customers",
    "security audits",
    "SOC 2",
    "Python",
    "data pipelines",
    "brand design",
    "public speaking",
    "mentoring",
    "OKRs",
    "vendor management",
    "tax",
    "equity compensation",
    "the billing system's history",
    "incident response",
    "cloud costs",
    "Mandarin",
    "Arabic",
    "Spanish",
    "go-to-market",
)
_TAGS = (
    "mentor",
    "new job",
    "conference",
    "alumni",
    "customer",
    "vendor",
    "investor",
    "hiring manager",
    "sponsor",
    "book club",
    "running club",
    "former colleague",
)
_MET_HOW = (
    "Onboarding week",
    "Team offsite",
    "Introduced by a colleague",
    "PyCon talk",
    "Coffee chat",
    "Project kickoff",
    "All-hands Q&A",
    "Hiring panel",
    "Customer visit",
    "Slack thread about the billing outage",
    "Running club",
    "Former colleague at a previous job",
)
_AMBITIONS = (
    "Wants to move into management within two years.",
    "Hopes to lead the pricing overhaul.",
    "Wants to speak at a major conference.",
    "Plans to start a company one day.",
    "Wants to transfer to the Tokyo office.",
    "Aims for a staff engineer promotion.",
    "Wants to mentor more junior people.",
    "",
)
_NOTES = (
    "Prefers a short message to a meeting. Early riser.",
    "Knows the history of every pricing decision since 2015.",
    "Very generous with introductions; ask about the finance org.",
    "Two kids, loves trail running. Vegetarian.",
    "Reviewed my first proposal and gave sharp feedback.",
    "Best reached on Tuesdays; avoid end of quarter.",
    "",
)

ConnectionKindPick = tuple[str, float]
_CONNECTION_KINDS: tuple[ConnectionKindPick, ...] = (
    ("works_with", 0.5),
    ("reports_to", 0.2),
    ("mentor_of", 0.1),
    ("introduced", 0.1),
    ("friend_of", 0.1),
)


def _ascii(text: str) -> str:
    return "".join(ch for ch in sort_key(text) if ch.isascii() and (ch.isalnum()))


def generate_demo(
    db: pw.SqliteDatabase,
    count: int = 200,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
    interactions: int | None = None,
) -> int:
    """Add ``count`` demo people (and ``interactions``, by default three per person, with
    them) to the database in one transaction; returns how many people."""
    rng = random.Random(seed)
    now = utc_now()
    today = date.today()
    with writing(db):
        conn = sqlite_connection(db)
        topic_ids = _vocabulary(conn, "topic", _TOPICS)
        tag_ids = _vocabulary(conn, "tag", _TAGS)
        first_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM contact").fetchone()[0])
        org_count = max(1, min(len(_ORGS) * 40, count // 25))
        orgs = [_org(i) for i in range(org_count)]
        org_range = range(org_count)  # a few big employers and a long tail (Zipf)
        org_weights = list(itertools.accumulate(1 / (i + 1) for i in org_range))
        contacts, emails, phones, links, topics, tags, dates = [], [], [], [], [], [], []
        by_org: dict[int, list[int]] = {}
        for n in range(count):
            cid = first_id + n
            given, family, ascii_form = rng.choice(_PEOPLE_NAMES)
            if not ascii_form and rng.random() < 0.8:  # mix names for variety
                other = rng.choice(_PEOPLE_NAMES)
                if not other[2]:
                    family = other[1]
            full = f"{given} {family}"
            org_index = rng.choices(org_range, cum_weights=org_weights)[0]
            org_name, domain = orgs[org_index]
            by_org.setdefault(org_index, []).append(cid)
            closeness = rng.choices(list(Closeness), weights=(5, 25, 55, 15))[0]
            met_on = today - timedelta(days=rng.randint(0, 3650))
            contacts.append(
                (
                    cid,
                    given,
                    family,
                    "",
                    rng.choice(_NICKNAMES) if rng.random() < 0.1 else "",
                    full,
                    sort_key(full),
                    rng.choice(_PRONOUNS),
                    rng.choice(_TITLES),
                    org_name,
                    rng.choice(_TEAMS),
                    rng.choice(_MET_HOW),
                    met_on.isoformat(),
                    int(closeness),
                    rng.choice((None, None, 14, 30, 60, 90)),
                    rng.choice(_NOTES),
                    rng.choice(_AMBITIONS),
                    int(rng.random() < 0.03),
                    now,
                    now,
                )
            )
            local = ascii_form or f"{_ascii(given)}.{_ascii(family)}".strip(".") or "person"
            emails.append((cid, 0, "work", f"{local}{cid}@{domain}"))
            if rng.random() < 0.3:
                emails.append((cid, 1, "home", f"{local}{cid}@mail.example"))
            phones.append(
                (cid, 0, "mobile", f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}")
            )
            if rng.random() < 0.6:
                links.append(
                    (
                        cid,
                        0,
                        "LinkedIn",
                        f"https://www.linkedin.com/in/{local.replace('.', '-')}-{cid}",
                    )
                )
            for position, topic in enumerate(rng.sample(topic_ids, rng.randint(1, 4))):
                topics.append((cid, topic, position))
            for position, tag in enumerate(rng.sample(tag_ids, rng.choice((0, 1, 1, 2)))):
                tags.append((cid, tag, position))
            if rng.random() < 0.45:
                birthday = date(2000, 1, 1) + timedelta(days=rng.randint(0, 365))
                year = rng.choice((None, rng.randint(1960, 2002)))
                if year is not None and birthday.month == 2 and birthday.day == 29:
                    year = 1996
                dates.append((cid, "birthday", "", year, birthday.month, birthday.day))
            if progress is not None and n % 10_000 == 0:
                progress(n, count)

        conn.executemany(
            "INSERT INTO contact (id, given_name, family_name, display_name, nickname, full_name,"
            " sort_name, pronouns, job_title, organization, team, met_how, met_on, closeness,"
            " cadence_days, notes, ambitions, archived, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            contacts,
        )
        for table, rows in (
            ("contact_email", emails),
            ("contact_phone", phones),
            ("contact_link", links),
        ):
            conn.executemany(
                f"INSERT INTO {table} (contact_id, position, label, value) VALUES (?,?,?,?)", rows
            )
        conn.executemany(
            "INSERT INTO contact_topic (contact_id, topic_id, position) VALUES (?,?,?)", topics
        )
        conn.executemany(
            "INSERT INTO contact_tag (contact_id, tag_id, position) VALUES (?,?,?)", tags
        )
        conn.executemany(
            "INSERT INTO important_date (contact_id, kind, label, year, month, day)"
            " VALUES (?,?,?,?,?,?)",
            dates,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO connection (from_id, to_id, kind, created_at) VALUES (?,?,?,?)",
            _connections(rng, by_org, first_id, count, now),
        )
        _add_interactions(
            conn, rng, by_org, first_id, count, 3 * count if interactions is None else interactions
        )
        search.rebuild_index(conn)
    if progress is not None:
        progress(count, count)
    return count


_INTERACTION_KINDS = (
    ("meeting", 30),
    ("call", 12),
    ("video_call", 15),
    ("message", 15),
    ("email", 10),
    ("coffee", 10),
    ("event", 4),
    ("note", 4),
)
_INTERACTION_TITLES: dict[str, tuple[str, ...]] = {
    "meeting": ("Project sync", "Quarterly planning", "1:1", "Pricing review", "Kick-off"),
    "call": ("Quick call", "Follow-up call", "Call about the contract"),
    "video_call": ("Video catch-up", "Remote workshop", "Interview debrief"),
    "message": ("Slack thread", "Asked about the billing history", "Congratulated on promotion"),
    "email": ("Sent the deck", "Intro email", "Shared the budget template"),
    "coffee": ("Coffee", "Lunch", "Breakfast before the all-hands"),
    "event": ("Conference", "Team offsite", "Meetup"),
    "note": ("Heard they are changing teams", "Remember: prefers mornings"),
}
_HELP = {
    "given": (
        "reviewed their deck",
        "introduced them to the data team",
        "shared my notes",
        "mock interview",
        "covered their on-call",
    ),
    "received": (
        "introduced me to the finance lead",
        "explained how approvals really work",
        "reviewed my proposal",
        "recommended me for the project",
        "shared contacts",
    ),
}


def _add_interactions(
    conn: sqlite3.Connection,
    rng: random.Random,
    by_org: dict[int, list[int]],
    first_id: int,
    people: int,
    count: int,
) -> None:
    """``count`` interactions over the last two years, mostly with colleagues of one org."""
    if count <= 0 or people <= 0:
        return
    kinds = [k for k, _ in _INTERACTION_KINDS]
    weights = [w for _, w in _INTERACTION_KINDS]
    groups = list(by_org.values())
    now = datetime.now(UTC)
    zone_name = local_zone_name() or "UTC"  # logged here, as a user of this computer would
    zone = zone_named(zone_name)
    stamp = utc_now()
    start_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM interaction").fetchone()[0])
    rows: list[tuple[object, ...]] = []
    participants: list[tuple[int, int]] = []
    for n in range(count):
        iid = start_id + n
        kind = rng.choices(kinds, weights)[0]
        moment = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        all_day = kind == "note" or rng.random() < 0.05
        local_day = moment.astimezone(zone).date()
        if all_day:  # a day without a time sits at noon of that day
            moment = datetime.combine(local_day, ALL_DAY_HOUR, zone).astimezone(UTC)
        exchange = rng.choices((None, "given", "received"), (80, 9, 11))[0]
        rows.append(
            (
                iid,
                moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                local_day.isoformat(),
                zone_name,
                int(all_day),
                kind,
                rng.choice(_INTERACTION_TITLES[kind]),
                rng.choice(
                    ("", "", "Good energy; follow up next month.", "Talked about the reorg.")
                ),
                rng.choice(("", "", "Office, 4th floor", "Café on the corner", "Online")),
                exchange,
                rng.choice(_HELP[exchange]) if exchange else "",
                stamp,
                stamp,
            )
        )
        group = rng.choice(groups)
        who = {rng.choice(group) for _ in range(rng.choice((1, 1, 1, 2, 3)))}
        if rng.random() < 0.1:
            who.add(first_id + rng.randrange(people))
        participants.extend((iid, cid) for cid in who)
    conn.executemany(
        "INSERT INTO interaction (id, occurred_at, local_date, time_zone, all_day, kind, title,"
        " notes, place, exchange, exchange_note, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO interaction_participant (interaction_id, contact_id) VALUES (?, ?)",
        participants,
    )
    conn.execute(
        "INSERT INTO interaction_fts (rowid, title, notes, place, exchange_note, kind)"
        " SELECT id, title, notes, place, exchange_note, kind FROM interaction WHERE id >= ?",
        [start_id],
    )


def _org(index: int) -> tuple[str, str]:
    name, domain = _ORGS[index % len(_ORGS)]
    if index < len(_ORGS):
        return name, domain
    suffix = index // len(_ORGS) + 1
    return f"{name} {suffix}", f"{suffix}.{domain}"


def _vocabulary(conn: sqlite3.Connection, table: str, names: tuple[str, ...]) -> list[int]:
    conn.executemany(
        f"INSERT OR IGNORE INTO {table} (name, key) VALUES (?, ?)",
        [(name, vocabulary_key(name)) for name in names],
    )
    keys = [vocabulary_key(name) for name in names]
    marks = ",".join("?" * len(keys))
    return [row[0] for row in conn.execute(f"SELECT id FROM {table} WHERE key IN ({marks})", keys)]


def _connections(
    rng: random.Random, by_org: dict[int, list[int]], first_id: int, count: int, now: str
) -> list[tuple[int, int, str, str]]:
    kinds = [k for k, _ in _CONNECTION_KINDS]
    weights = [w for _, w in _CONNECTION_KINDS]
    rows = []
    for members in by_org.values():
        for cid in members:
            for _ in range(rng.choice((0, 1, 1, 2))):
                if rng.random() < 0.85 and len(members) > 1:
                    other = rng.choice(members)
                else:
                    other = first_id + rng.randrange(count)
                if other != cid:
                    rows.append((cid, other, rng.choices(kinds, weights)[0], now))
    return rows

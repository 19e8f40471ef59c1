"""The terms of "who can help?": what a typed topic searches, and what each piece of
evidence is worth (``core.expertise`` says the formula in words)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import peewee as pw

from ally_desktop.core.records import Closeness
from ally_desktop.core.relative_time import parse_utc
from ally_desktop.core.text import clean_line
from ally_desktop.core.topics import TopicRef, related_topics, resolve_topic
from ally_desktop.store import search

# --- the formula ------------------------------------------------------------------------
EXPERTISE_POINTS = 10.0
POSITION_BONUS = 0.5  # per place before the fourth
BONUS_PLACES = 3
RELATED_POINTS = 5.0
INTERACTION_POINTS = 2.0  # × log2(1 + sum of freshness)
FRESHNESS_HALF_LIFE_DAYS = 365.0
CLOSENESS_FACTORS: dict[Closeness, float] = {
    Closeness.INNER_CIRCLE: 1.5,
    Closeness.ALLY: 1.25,
    Closeness.ACQUAINTANCE: 1.0,
    Closeness.OTHER: 0.8,
}
RECENCY_FLOOR = 0.8
RECENCY_SPAN = 0.4
RECENCY_HALF_LIFE_DAYS = 180.0
MAX_FACTOR = max(CLOSENESS_FACTORS.values()) * (RECENCY_FLOOR + RECENCY_SPAN)
FACTOR_OF_LEVEL = {int(level): factor for level, factor in CLOSENESS_FACTORS.items()}

PAGE = 50  # people a page of the ranking holds


class ReasonKind(Enum):
    EXPERTISE = "expertise"
    RELATED = "related_topic"
    JOB_TITLE = "job_title"
    TEAM = "team"
    NOTES = "notes"
    AMBITIONS = "ambitions"
    INTERACTIONS = "interactions"


# The person's own fields searched, with their points and the bit each sets in a mask.
TEXT_FIELDS: tuple[tuple[ReasonKind, str, float, str], ...] = (
    (ReasonKind.JOB_TITLE, "job_title", 4.0, "Job title"),
    (ReasonKind.TEAM, "team", 3.0, "Team"),
    (ReasonKind.NOTES, "notes", 4.0, "Notes"),
    (ReasonKind.AMBITIONS, "ambitions", 2.0, "Ambitions"),
)
INTERACTION_COLUMNS = "{title notes exchange_note}"


def listed_points(position: int) -> float:
    """Points for listing the topic at ``position`` (0: first) among their topics."""
    return EXPERTISE_POINTS + POSITION_BONUS * max(0, BONUS_PLACES - position)


FIELD_BITS = tuple((1 << i, spec) for i, spec in enumerate(TEXT_FIELDS))


def text_points(mask: int) -> float:
    """Points for the fields whose bits are set in ``mask`` (in TEXT_FIELDS order)."""
    return sum(points for bit, (_, _, points, _) in FIELD_BITS if mask & bit)


def days_since(moment: str, now: datetime) -> float:
    """Days from a stored timestamp to ``now`` (negative for one still to come)."""
    return (now - parse_utc(moment)).total_seconds() / 86400


def freshness_after(days: float) -> float:
    """How much an interaction ``days`` old counts: 1 today, halving every year (never more
    than 1)."""
    return float(0.5 ** (max(0.0, days) / FRESHNESS_HALF_LIFE_DAYS))


def freshness(occurred_at: str, now: datetime) -> float:
    return freshness_after(days_since(occurred_at, now))


def interaction_points(total_freshness: float) -> float:
    return INTERACTION_POINTS * math.log2(1 + total_freshness)


def closeness_factor(closeness: Closeness) -> float:
    return CLOSENESS_FACTORS[closeness]


def recency_after(days: float) -> float:
    """1.2 for someone seen today, 1.0 six months ago, towards 0.8."""
    return float(RECENCY_FLOOR + RECENCY_SPAN * 0.5 ** (max(0.0, days) / RECENCY_HALF_LIFE_DAYS))


def recency_factor(last_interaction_at: str | None, now: datetime) -> float:
    """``recency_after`` the last interaction; 0.8 (the floor) if there was none."""
    if not last_interaction_at:
        return RECENCY_FLOOR
    return recency_after(days_since(last_interaction_at, now))


# --- what is searched -------------------------------------------------------------------
@dataclass(frozen=True)
class TopicSearch:
    """What a typed topic searches for: the topic it names (if any), the phrases (its
    name and aliases, or the text as typed) and the topics that hold them."""

    text: str
    topic: TopicRef | None
    phrases: tuple[str, ...]
    related: tuple[TopicRef, ...]
    expression: str | None  # the full-text MATCH of the phrases, any column

    def matches(self, column_filter: str) -> str:
        """The MATCH expression restricted to some columns ("{notes}")."""
        assert self.expression is not None
        return f"{column_filter} : ({self.expression})"

    @property
    def label(self) -> str:
        return self.topic.name if self.topic else clean_line(self.text)


def phrase_expression(phrases: Sequence[str]) -> str | None:
    """``"pricing"* OR "price list"*``: each phrase a run of words, the last a prefix."""
    terms = []
    for phrase in phrases:
        words = search.query_words(phrase)
        if words:
            terms.append('"' + " ".join(words).replace('"', '""') + '"*')
    return " OR ".join(dict.fromkeys(terms)) or None


def topic_search(db: pw.SqliteDatabase, text: str) -> TopicSearch:
    topic = resolve_topic(db, text)
    phrases = topic.names if topic else (clean_line(text),)
    related = related_topics(db, phrases, exclude=topic.id if topic else None)
    return TopicSearch(text, topic, phrases, tuple(related), phrase_expression(phrases))

"""Who can help: the ranking is the documented formula, explained, and deterministic."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core import expertise as who
from ally_desktop.core import expertise_formula as formula
from ally_desktop.core import expertise_ranking as fast
from ally_desktop.core.contacts import create_contact, load_contact, trash_contacts, update_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.expertise import who_can_help
from ally_desktop.core.expertise_formula import (
    CLOSENESS_FACTORS,
    ReasonKind,
    interaction_points,
    listed_points,
    recency_factor,
    topic_search,
)
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.snippets import snippet
from ally_desktop.core.timeline import (
    InteractionData,
    create_interaction,
    set_interactions_trashed,
)
from ally_desktop.core.topics import merge_topics, resolve_topic
from ally_desktop.store.db import sqlite_connection

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    fields.setdefault("closeness", Closeness.ACQUAINTANCE)
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def _log(
    db: pw.SqliteDatabase, people: list[int], days_ago: float, title: str, **fields: Any
) -> int:
    when = NOW - timedelta(days=days_ago)
    data = InteractionData(
        kind=fields.pop("kind", "meeting"),
        participants=people,
        when=when,
        time_zone="UTC",
        title=title,
        **fields,
    )
    return create_interaction(db, data)


def _who(db: pw.SqliteDatabase, text: str, **kwargs: Any) -> list[who.Expert]:
    return who_can_help(db, text, now=NOW, **kwargs).experts


def _names(db: pw.SqliteDatabase, text: str, **kwargs: Any) -> list[str]:
    return [e.name for e in _who(db, text, **kwargs)]


# --- the order -------------------------------------------------------------------------
def test_expertise_beats_notes_beats_one_old_interaction(db: pw.SqliteDatabase) -> None:
    listed = _add(db, "Ana", "Lists", topics=["Pricing"])
    noted = _add(db, "Bo", "Notes", notes="Knows the history of every pricing decision.")
    met = _add(db, "Cy", "Met")
    _log(db, [met], 730, "Pricing review")
    _add(db, "Di", "Nothing", notes="Talks about budgets.")

    experts = _who(db, "pricing")

    assert [e.contact_id for e in experts] == [listed, noted, met]
    first, second, third = experts
    assert first.score == pytest.approx(listed_points(0) * 1.0 * 0.8)
    assert second.score == pytest.approx(4.0 * 1.0 * 0.8)
    freshness = 0.5 ** (730 / 365)
    assert third.score == pytest.approx(
        interaction_points(freshness) * recency_factor(third.last_interaction_at, NOW)
    )
    assert [r.text for r in first.reasons] == ["Lists Pricing as expertise"]
    assert [r.kind for r in second.reasons] == [ReasonKind.NOTES]
    assert second.reasons[0].text == "Notes: Knows the history of every pricing decision."
    [meeting] = third.reasons
    assert meeting.kind is ReasonKind.INTERACTIONS
    assert meeting.text == f"Pricing review, {_short(NOW - timedelta(days=730))} (meeting)"
    assert (meeting.count, meeting.interaction_title, meeting.interaction_kind) == (
        1,
        "Pricing review",
        "meeting",
    )


def _short(moment: datetime) -> str:
    return who.short_date(moment.date())


def test_closeness_outweighs_a_bare_listing_as_documented(db: pw.SqliteDatabase) -> None:
    """Inner circle, notes and a meeting today (6 × 1.5 × 1.2 = 10.8) pass someone in
    "other" who merely lists the topic (11.5 × 0.8 × 0.8 = 7.36)."""
    stranger = _add(db, "Ann", "Other", topics=["pricing"], closeness=Closeness.OTHER)
    friend = _add(
        db, "Zed", "Inner", notes="Ran the pricing review.", closeness=Closeness.INNER_CIRCLE
    )
    _log(db, [friend], 0, "Pricing review")

    experts = _who(db, "pricing")

    assert [e.contact_id for e in experts] == [friend, stranger]
    assert experts[0].score == pytest.approx((4.0 + 2.0) * 1.5 * 1.2)
    assert experts[1].score == pytest.approx(11.5 * 0.8 * 0.8)


def test_same_evidence_goes_by_closeness(db: pw.SqliteDatabase) -> None:
    ids = {
        level: _add(db, "Ana", level.label, topics=["pricing"], closeness=level)
        for level in Closeness
    }
    experts = _who(db, "pricing")
    assert [e.contact_id for e in experts] == [ids[level] for level in Closeness]
    for expert in experts:
        assert expert.score == pytest.approx(11.5 * CLOSENESS_FACTORS[expert.closeness] * 0.8)
        assert expert.closeness_factor == CLOSENESS_FACTORS[expert.closeness]


def test_recency_of_the_last_interaction_changes_the_order(db: pw.SqliteDatabase) -> None:
    year_ago = _add(db, "Ana", "Year", topics=["pricing"])
    yesterday = _add(db, "Zoe", "Yesterday", topics=["pricing"])
    _log(db, [year_ago], 365, "Lunch")  # not about pricing: only its date counts
    _log(db, [yesterday], 1, "Coffee")

    experts = _who(db, "pricing")

    assert [e.contact_id for e in experts] == [yesterday, year_ago]
    assert experts[0].recency_factor == pytest.approx(0.8 + 0.4 * 0.5 ** (1 / 180))
    assert experts[1].recency_factor == pytest.approx(0.8 + 0.4 * 0.5 ** (365 / 180))
    assert all(r.kind is ReasonKind.EXPERTISE for e in experts for r in e.reasons)


def test_newer_interactions_count_more_with_diminishing_returns(db: pw.SqliteDatabase) -> None:
    three_new = _add(db, "Ana", "Three")
    one_new = _add(db, "Bo", "One")
    three_old = _add(db, "Cy", "Old")
    for _ in range(3):
        _log(db, [three_new], 0, "Pricing review")
        _log(db, [three_old], 365, "Pricing review")
    _log(db, [one_new], 0, "Pricing review")
    _log(db, [three_old], 0, "Lunch")  # same last interaction as the others: today

    experts = {e.contact_id: e for e in _who(db, "pricing")}

    points = {cid: e.reasons[0].points for cid, e in experts.items()}
    assert points[three_new] == pytest.approx(2 * math.log2(4))  # 4, not 3 × 2
    assert points[one_new] == pytest.approx(2.0)
    assert points[three_old] == pytest.approx(2 * math.log2(1 + 3 * 0.5))
    assert points[one_new] < points[three_old] < points[three_new]
    reason = experts[three_new].reasons[0]
    assert reason.count == 3
    assert reason.text == f"Pricing review, {_short(NOW)} (meeting), and 2 more"


def test_the_latest_matching_interaction_is_the_one_shown(db: pw.SqliteDatabase) -> None:
    person = _add(db, "Ana")
    _log(db, [person], 40, "Pricing kickoff", kind="call")
    latest = _log(db, [person], 3, "", kind="coffee", notes="We argued about pricing tiers.")
    _log(db, [person], 1, "Lunch")  # newer, but not about pricing
    [expert] = _who(db, "pricing")
    [reason] = expert.reasons
    assert reason.interaction_id == latest
    assert reason.text == f"Coffee or meal, {_short(NOW - timedelta(days=3))}, and 1 more"
    assert reason.occurred_on == (NOW - timedelta(days=3)).date()


def test_ties_go_by_name_then_id(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo", topics=["GDPR"])
    ana_first = _add(db, "Ana", topics=["GDPR"])
    ana_second = _add(db, "Ana", topics=["GDPR"])
    experts = _who(db, "gdpr")
    assert len({e.score for e in experts}) == 1
    assert [e.contact_id for e in experts] == [ana_first, ana_second, bo]
    assert _who(db, "GDPR") == experts, "the same data and clock give the same answer"


def test_first_listed_topics_count_slightly_more(db: pw.SqliteDatabase) -> None:
    second = _add(db, "Ana", topics=["hiring", "pricing"])
    first = _add(db, "Zoe", topics=["pricing", "hiring"])
    fifth = _add(db, "Al", topics=["a", "b", "c", "d", "pricing"])
    experts = _who(db, "pricing")
    assert [e.contact_id for e in experts] == [first, second, fifth]
    assert [e.reasons[0].points for e in experts] == [11.5, 11.0, 10.0]


def test_own_fields_each_count_once(db: pw.SqliteDatabase) -> None:
    person = _add(
        db,
        "Ana",
        job_title="Head of Pricing",
        team="Pricing",
        notes="Pricing, pricing and more pricing.",
        ambitions="Wants to lead the pricing overhaul.",
    )
    [expert] = _who(db, "pricing")
    assert expert.contact_id == person
    assert [(r.kind, r.points) for r in expert.reasons] == [
        (ReasonKind.JOB_TITLE, 4.0),
        (ReasonKind.TEAM, 3.0),
        (ReasonKind.NOTES, 4.0),
        (ReasonKind.AMBITIONS, 2.0),
    ]
    assert [r.text for r in expert.reasons] == [
        "Job title: Head of Pricing",
        "Team: Pricing",
        "Notes: Pricing, pricing and more pricing.",
        "Ambitions: Wants to lead the pricing overhaul.",
    ]
    assert expert.evidence == pytest.approx(13.0)


def test_every_score_is_its_reasons_times_its_multipliers(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 150, seed=3, interactions=600)
    for expert in who_can_help(db, "pricing", now=NOW, limit=40).experts:
        assert expert.reasons
        assert expert.evidence == pytest.approx(sum(r.points for r in expert.reasons))
        assert expert.score == pytest.approx(
            expert.evidence * expert.closeness_factor * expert.recency_factor
        )


# --- what counts ------------------------------------------------------------------------
def test_trashed_interactions_are_not_evidence(db: pw.SqliteDatabase) -> None:
    person = _add(db, "Ana")
    other = _add(db, "Bo", notes="pricing")
    meeting = _log(db, [person], 2, "Pricing review")
    assert _names(db, "pricing") == ["Bo", "Ana"]
    set_interactions_trashed(db, [meeting], True)
    assert _names(db, "pricing") == ["Bo"]
    [expert] = _who(db, "pricing")
    assert expert.contact_id == other


def test_people_in_the_trash_never_appear_archived_only_when_asked(
    db: pw.SqliteDatabase,
) -> None:
    trashed = _add(db, "Tom", topics=["pricing"], closeness=Closeness.INNER_CIRCLE)
    archived = _add(db, "Arch", topics=["pricing"], closeness=Closeness.INNER_CIRCLE)
    _add(db, "Ana", notes="pricing")
    meeting = _log(db, [trashed, archived], 1, "Pricing review")
    trash_contacts(db, [trashed])
    data = load_contact(db, archived).data
    data.archived = True
    update_contact(db, archived, data)

    assert _names(db, "pricing") == ["Ana"]
    with_archived = _who(db, "pricing", include_archived=True)
    assert [e.name for e in with_archived] == ["Arch", "Ana"]
    assert with_archived[0].archived
    assert "archived" in with_archived[0].standing(NOW.date())
    assert meeting in [r.interaction_id for r in with_archived[0].reasons]


def test_a_merged_word_leads_to_its_topic(db: pw.SqliteDatabase) -> None:
    listed = _add(db, "Ana", topics=["price"])
    other = _add(db, "Bo", topics=["pricing"])
    noted = _add(db, "Cy", notes="Negotiated the price list with Contoso.")
    price = resolve_topic(db, "price")
    pricing = resolve_topic(db, "pricing")
    assert price is not None
    assert pricing is not None
    merge_topics(db, [price.id, pricing.id], pricing.id)

    found = topic_search(db, "Price")
    assert found.topic is not None
    assert found.topic.name == "pricing"
    assert found.phrases == ("pricing", "price")
    experts = _who(db, "price")
    assert [e.contact_id for e in experts] == [listed, other, noted]
    assert experts[0].reasons[0].text == "Lists pricing as expertise"
    assert experts[2].reasons[0].snippet == "Negotiated the price list with Contoso."


def test_related_topics_are_weaker_evidence(db: pw.SqliteDatabase) -> None:
    strategist = _add(db, "Ana", topics=["pricing strategy"])
    expert = _add(db, "Bo", topics=["pricing"])
    experts = _who(db, "pricing")
    assert [e.contact_id for e in experts] == [expert, strategist]
    [reason] = experts[1].reasons
    assert (reason.kind, reason.points) == (ReasonKind.RELATED, 5.0)
    assert reason.text == "Lists pricing strategy as expertise"
    both = _add(db, "Cy", topics=["pricing", "pricing strategy"])
    first = _who(db, "pricing")[0]
    assert first.contact_id == both
    assert [r.text for r in first.reasons] == [
        "Lists pricing as expertise",
        "Also lists pricing strategy",
    ]


def test_text_that_names_no_topic_is_searched_as_typed(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", notes="Rebuilt the billing system in 2019.")
    _add(db, "Bo", topics=["billing system history"])
    found = topic_search(db, "billing system")
    assert found.topic is None
    assert [ref.name for ref in found.related] == ["billing system history"]
    assert _names(db, "billing system") == ["Bo", "Ana"]


def test_a_phrase_matches_as_a_run_of_words(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", notes="Our contract lawyers say no.")
    _add(db, "Bo", notes="The law says the contract stands.")
    assert _names(db, "contract law") == ["Ana"]


def test_nothing_to_search(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", topics=["pricing"])
    for text in ("", "   ", "!!!", "🙂"):
        result = who_can_help(db, text, now=NOW)
        assert result.experts == []
        assert not result.more
    assert _names(db, "nothing-like-this") == []


def test_quotes_and_operators_are_plain_words(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", notes='Knows "NOT" OR AND from o\'brien')
    for text in ('"', "o'brien", "NOT", "AND OR", "a*", "col:umn"):
        who_can_help(db, text, now=NOW)  # never raises
    assert _names(db, "o'brien") == ["Ana"]


def test_standing_says_the_multipliers_in_words(db: pw.SqliteDatabase) -> None:
    person = _add(db, "Ana", topics=["pricing"], closeness=Closeness.INNER_CIRCLE)
    [never] = _who(db, "pricing")
    assert never.standing(NOW.date()) == "Inner circle · no interaction logged"
    _log(db, [person], 35, "Lunch")
    [seen] = _who(db, "pricing")
    assert seen.standing(NOW.date()) == "Inner circle · last in touch 5 weeks ago"


def test_as_dict_is_plain_data(db: pw.SqliteDatabase) -> None:
    person = _add(db, "Ana", topics=["pricing"])
    _log(db, [person], 1, "Pricing review")
    [expert] = _who(db, "pricing")
    data = expert.as_dict()
    assert data["name"] == "Ana"
    assert [r["kind"] for r in data["reasons"]] == ["expertise", "interactions"]
    assert data["reasons"][1]["latest"]["title"] == "Pricing review"
    assert data["reasons"][1]["latest"]["date"] == (NOW - timedelta(days=1)).date().isoformat()


# --- paging and the fast path against the plain formula -------------------------------
def _brute_force(
    db: pw.SqliteDatabase, text: str, include_archived: bool = False
) -> list[tuple[int, float]]:
    """Every eligible person's score computed the slow, obvious way."""
    conn = sqlite_connection(db)
    found = topic_search(db, text)
    assert found.expression is not None
    evidence: dict[int, float] = {}
    if found.topic:
        for cid, position in conn.execute(
            "SELECT contact_id, position FROM contact_topic WHERE topic_id = ?", [found.topic.id]
        ):
            evidence[cid] = evidence.get(cid, 0.0) + listed_points(position)
    related = {ref.id for ref in found.related}
    for cid in {
        cid
        for cid, tid in conn.execute("SELECT contact_id, topic_id FROM contact_topic")
        if tid in related
    }:
        evidence[cid] = evidence.get(cid, 0.0) + 5.0
    for _, column, points, _ in formula.TEXT_FIELDS:
        for (cid,) in conn.execute(
            "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?",
            [found.matches("{" + column + "}")],
        ):
            evidence[cid] = evidence.get(cid, 0.0) + points
    fresh: dict[int, float] = {}
    for cid, occurred_at in conn.execute(
        "SELECT p.contact_id, i.occurred_at FROM interaction_fts f"
        " JOIN interaction i ON i.id = f.rowid AND i.trashed_at IS NULL"
        " JOIN interaction_participant p ON p.interaction_id = i.id"
        " WHERE interaction_fts MATCH ?",
        [found.matches("{title notes exchange_note}")],
    ):
        fresh[cid] = fresh.get(cid, 0.0) + formula.freshness(occurred_at, NOW)
    scores = []
    for cid, closeness, last, archived, trashed, sort_name in conn.execute(
        "SELECT id, closeness, last_interaction_at, archived, trashed_at, sort_name FROM contact"
    ):
        if cid not in evidence and cid not in fresh:
            continue
        if trashed or (archived and not include_archived):
            continue
        points = evidence.get(cid, 0.0) + interaction_points(fresh.get(cid, 0.0))
        value = points * CLOSENESS_FACTORS[Closeness(closeness)] * recency_factor(last, NOW)
        scores.append((-value, sort_name, cid))
    scores.sort()
    return [(cid, -value) for value, _, cid in scores]


# The batch sizes as shipped suit 100,000 people; tiny ones take every branch on a few
# hundred (a group per batch, the index of counts for every group).
TUNINGS = {
    "as shipped": {},
    "tiny batches": {"_BATCH_LEAST": 1, "_BY_COUNT_LEAST": 1, "_OFFERED_FIRST": 4},
}


@pytest.mark.parametrize("tuning", TUNINGS)
@pytest.mark.parametrize("text", ["pricing", "procurement", "Kubernetes", "review", "billing"])
def test_the_fast_ranking_is_the_plain_formula(
    db: pw.SqliteDatabase, text: str, tuning: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TUNINGS[tuning].items():
        monkeypatch.setattr(fast, name, value)
    generate_demo(db, 400, seed=11, interactions=3000)
    trash_contacts(db, list(range(1, 400, 17)))
    conn = sqlite_connection(db)
    iids = [i for (i,) in conn.execute("SELECT id FROM interaction WHERE id % 13 = 0")]
    set_interactions_trashed(db, iids, True)
    expected = _brute_force(db, text)
    assert len(expected) > 20, "enough people to rank"
    for offset, limit in ((0, 50), (0, 10), (10, 25), (50, 40)):
        result = who_can_help(db, text, now=NOW, offset=offset, limit=limit)
        wanted = expected[offset : offset + limit]
        assert [e.contact_id for e in result.experts] == [cid for cid, _ in wanted]
        assert [e.score for e in result.experts] == pytest.approx([s for _, s in wanted])
        assert result.more == (offset + limit < len(expected))


def test_archived_people_in_the_fast_ranking(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 300, seed=5, interactions=1500)
    expected = _brute_force(db, "pricing", include_archived=True)
    result = who_can_help(db, "pricing", now=NOW, include_archived=True, limit=80)
    assert [e.contact_id for e in result.experts] == [cid for cid, _ in expected[:80]]


def test_a_merged_topic_in_the_fast_ranking(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 300, seed=9, interactions=1500)
    pricing = resolve_topic(db, "pricing")
    strategy = resolve_topic(db, "pricing strategy")
    assert pricing is not None
    assert strategy is not None
    merge_topics(db, [strategy.id, pricing.id], pricing.id)
    expected = _brute_force(db, "pricing strategy")
    result = who_can_help(db, "pricing strategy", now=NOW, limit=60)
    assert [e.contact_id for e in result.experts] == [cid for cid, _ in expected[:60]]


def _ranked(
    db: pw.SqliteDatabase, text: str, want: int, fully: bool, include_archived: bool = False
) -> tuple[list[tuple[int, float]], bool]:
    """The top ``want`` as (id, score), the usual way or (``fully``) by the full
    statement, and whether the usual way managed on its own."""
    conn = sqlite_connection(db)
    found = topic_search(db, text)
    with db.atomic():
        matching = fast._matching_interactions(conn, found)
        ranking = fast._Ranking(conn, found, want, include_archived, NOW, matching)
        if fully:
            fast._rank_fully(conn, found, ranking)
            alone = False
        else:
            alone = fast._rank_by_bounds(conn, found, ranking)
    ranked = sorted(ranking.scored, key=fast.Candidate.rank_key)[:want]
    return [(c.contact_id, c.score) for c in ranked], alone


@pytest.mark.parametrize("include_archived", [False, True])
def test_both_ways_give_the_same_top(db: pw.SqliteDatabase, include_archived: bool) -> None:
    """The usual way (bounds, reading as little as it can) and the full statement agree with
    the plain formula, page sizes from one person to the full statement's turn."""
    generate_demo(db, 300, seed=4, interactions=2500)
    trash_contacts(db, list(range(3, 300, 23)))
    for text in ("pricing", "procurement", "review"):
        for want in (1, 7, 30):
            expected = [cid for cid, _ in _brute_force(db, text, include_archived)[:want]]
            full, _ = _ranked(db, text, want, True, include_archived)
            assert [cid for cid, _ in full] == expected
            fast, alone = _ranked(db, text, want, False, include_archived)
            assert alone or want == 30, "the usual way manages small pages on its own"
            if alone:
                assert [cid for cid, _ in fast] == expected
                assert [s for _, s in fast] == pytest.approx([s for _, s in full])


def test_a_topic_only_in_interactions_takes_the_full_statement(db: pw.SqliteDatabase) -> None:
    """Nobody's own records mention it and the page is not full: everyone who met about it
    counts, so the usual way hands over to the full statement."""
    people = [_add(db, name) for name in ("Ana", "Bo", "Cy")]
    _add(db, "Di", notes="Plays the cello.")
    _log(db, people, 3, "Onboarding retro")
    _log(db, people[:2], 40, "Onboarding retro")
    _log(db, people[:1], 400, "", notes="The onboarding checklist again.")
    _, alone = _ranked(db, "onboarding", who.PAGE, False)
    assert not alone
    experts = _who(db, "onboarding")
    assert [e.contact_id for e in experts] == [cid for cid, _ in _brute_force(db, "onboarding")]
    assert [e.contact_id for e in experts] == people
    assert [r.count for e in experts for r in e.reasons] == [3, 2, 1]


def test_people_known_only_by_interactions_can_enter_a_full_page(db: pw.SqliteDatabase) -> None:
    """Three people list the topic and fill a page of three; someone close who met about it
    seven times today scores more, and is found through their number of interactions."""
    listers = [
        _add(db, name, topics=["GDPR"], closeness=Closeness.OTHER) for name in ("Al", "Bea", "Cal")
    ]
    met = _add(db, "Zed", closeness=Closeness.INNER_CIRCLE)
    for _ in range(7):
        _log(db, [met], 0, "GDPR audit")
    ranked, alone = _ranked(db, "gdpr", 3, False)
    assert alone, "found without the full statement"
    assert [cid for cid, _ in ranked] == [met, listers[0], listers[1]]
    assert ranked[0][1] == pytest.approx(interaction_points(7) * 1.5 * 1.2)
    result = who_can_help(db, "gdpr", now=NOW, limit=3)
    assert [e.contact_id for e in result.experts] == [met, *listers[:2]]
    assert result.more


def test_too_many_people_known_only_by_interactions_take_the_full_statement(
    db: pw.SqliteDatabase,
) -> None:
    listers = [_add(db, name, topics=["GDPR"], closeness=Closeness.OTHER) for name in ("Al", "Bea")]
    met = [_add(db, name, closeness=Closeness.INNER_CIRCLE) for name in ("Yan", "Zed")]
    for _ in range(5):
        _log(db, met, 0, "GDPR audit")
    conn = sqlite_connection(db)
    found = topic_search(db, "gdpr")
    for heavy, alone in ((2, True), (1, False)):
        with db.atomic():
            matching = fast._matching_interactions(conn, found)
            ranking = fast._Ranking(conn, found, 2, False, NOW, matching)
            assert fast._rank_by_bounds(conn, found, ranking, heavy) is alone
    result = who_can_help(db, "gdpr", now=NOW, limit=2)
    assert [e.contact_id for e in result.experts] == met
    expected = [cid for cid, _ in _brute_force(db, "gdpr")]
    assert expected == [*met, *listers]


def test_ties_at_the_edge_of_the_page_go_by_name_then_id(db: pw.SqliteDatabase) -> None:
    names = ["Eve", "Ada", "Ada", "Cy", "Bo", "Ada"]
    people = [_add(db, name, topics=["GDPR"]) for name in names]
    _log(db, people, 2, "GDPR audit")  # the same evidence and the same last interaction
    expected = [cid for cid, _ in _brute_force(db, "gdpr")]
    assert len({round(s, 9) for _, s in _brute_force(db, "gdpr")}) == 1
    for offset, limit in ((0, 2), (1, 3), (2, 2), (4, 5)):
        result = who_can_help(db, "gdpr", now=NOW, offset=offset, limit=limit)
        assert [e.contact_id for e in result.experts] == expected[offset : offset + limit]
        assert result.more == (offset + limit < len(expected))
    assert expected[:3] == [people[1], people[2], people[5]]


def test_a_trashed_interaction_is_not_evidence_on_a_full_page(db: pw.SqliteDatabase) -> None:
    """The map of matching interactions holds those in the trash too; reading their dates
    leaves them out."""
    ana = _add(db, "Ana", topics=["GDPR"], closeness=Closeness.INNER_CIRCLE)
    bo = _add(db, "Bo", topics=["GDPR"], closeness=Closeness.INNER_CIRCLE)
    meeting = _log(db, [bo], 0, "GDPR audit")
    set_interactions_trashed(db, [meeting], True)
    ranked, alone = _ranked(db, "gdpr", 1, False)
    assert alone
    assert ranked == [(ana, pytest.approx(11.5 * 1.5 * 0.8))]
    [first, second] = _who(db, "gdpr")
    assert (first.contact_id, second.contact_id) == (ana, bo)
    assert [r.kind for r in second.reasons] == [ReasonKind.EXPERTISE]


def test_interactions_after_the_last_match_are_not_taken_for_matches(
    db: pw.SqliteDatabase,
) -> None:
    """The map of matching interactions runs from the first match to the last: a later
    interaction must not wrap around onto it."""
    person = _add(db, "Ana", topics=["pricing"])
    _log(db, [person], 5, "Pricing review")
    _log(db, [person], 4, "Pricing call")
    _log(db, [person], 3, "Lunch")
    _log(db, [person], 2, "Coffee")
    [expert] = _who(db, "pricing")
    [_, meetings] = expert.reasons
    assert meetings.count == 2
    assert meetings.interaction_title == "Pricing call"


def test_a_folded_map_of_matching_interactions_reads_the_same(db: pw.SqliteDatabase) -> None:
    """Matches spread over many ids fold the map; the exact set then weeds out the other
    interactions that land on a match's byte."""
    person = _add(db, "Ana")
    other = _add(db, "Bo")
    ids = [
        _log(db, [person], 50 - i, "Pricing review" if i in (0, 39) else "Lunch") for i in range(40)
    ]
    _log(db, [other], 1, "Lunch")
    conn = sqlite_connection(db)
    matching = [ids[0], ids[39]]
    folded = fast._Matching.of(matching, longest=1)
    plain = fast._Matching.of(matching)
    assert folded.exact is not None
    assert len(folded.map) < ids[39] - ids[0] + 1
    assert plain.exact is None
    batch = [person, other]
    for found in (folded, plain):
        read = found.read(conn, batch, "?,?")
        assert {cid: sorted(hits) for cid, hits in read.items()} == {person: matching}


def test_people_counted_are_kept_only_with_enough_matching_interactions(
    db: pw.SqliteDatabase,
) -> None:
    """Step 3 keeps, in one statement, the people with at least the least number of
    interactions their group needs, and as many matching ones: many interactions that do
    not match are not enough, and a folded map's other interactions do not count."""
    many = _add(db, "Ana")  # 4 interactions, 1 matching
    some = _add(db, "Bo")  # 2 interactions, 2 matching
    few = _add(db, "Cy")  # 1 interaction, 1 matching
    other = _add(db, "Di")
    lunches = [_log(db, [many], 90 - i, "Lunch") for i in range(2)]
    for day in range(30):  # the matches far apart: the map folds
        _log(db, [other], 80 - day, "Lunch")
    first = _log(db, [many, some], 10, "Pricing review")
    second = _log(db, [some], 9, "Pricing call")
    for _ in range(30):
        _log(db, [other], 8, "Lunch")
    third = _log(db, [few], 2, "Pricing sync")
    _log(db, [many], 1, "Lunch")
    conn = sqlite_connection(db)
    matching = [first, second, third]
    folded = fast._Matching.of(matching, longest=1)
    assert folded.exact is not None
    for found in (folded, fast._Matching.of(matching)):
        read = found.read_counted(conn, {2: [many, some, few]})
        assert {cid: sorted(hits) for cid, hits in read.items()} == {some: [first, second]}
        read = found.read_counted(conn, {1: [many, few], 2: [some]})
        assert {cid: sorted(hits) for cid, hits in read.items()} == {
            many: [first],
            some: [first, second],
            few: [third],
        }
        assert found.read_counted(conn, {1: [other], 5: [many]}) == {}
    assert lunches  # Ana's lunches: interactions, but none matches


# --- words ------------------------------------------------------------------------------
def test_snippet_shows_the_words_around_the_match() -> None:
    text = (
        "Met at the offsite in Lisbon. Knows the history of every pricing decision since "
        "2015 and who made them, and why."
    )
    assert snippet(text, [["pricing"]]) == (
        "…the history of every pricing decision since 2015 and who made…"
    )
    assert snippet("Short note about pricing.", [["pricing"]]) == "Short note about pricing."
    assert snippet(text, [["nothing"]]).startswith("Met at the offsite")
    lines = "First line\nsecond line mentions Pricing tiers and many other things as well."
    assert "\n" not in snippet(lines, [["pricing"]])


def test_short_date() -> None:
    assert who.short_date(date(2026, 3, 3)) == "3 Mar 2026"

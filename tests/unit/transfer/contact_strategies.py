"""Hypothesis strategies for contacts with awkward text: what a round trip must survive."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ImportantDate,
    LabeledValue,
)

# Quotes, separators, escapes, formulas, emoji, right-to-left scripts and joiners.
AWKWARD = [
    '"',
    "'",
    ",",
    ";",
    "\\",
    "=",
    "+",
    "-",
    "@",
    "=SUM(A1)",
    "😀",
    "👩‍👩‍👧",
    "مرحبا",
    "שלום",
    "\u200f",
    "é",
    " ",
    ":::",
]
_line_text = st.lists(
    st.one_of(st.sampled_from(AWKWARD), st.text(min_size=1, max_size=6)), max_size=5
).map("".join)
_words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12
)
line = st.one_of(_line_text, _words)
multiline = st.lists(line, max_size=3).map("\n".join)
_local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._+-", min_size=1, max_size=10)
email = _local.filter(lambda s: s[0] not in ".-+" and s[-1] != "." and ".." not in s).map(
    lambda s: f"{s}@example.com"
)
labeled = st.builds(
    LabeledValue,
    label=st.sampled_from(["", "work", "home", "mobile", "a;b"]),
    value=line.filter(str.strip),
)
address = st.builds(
    Address,
    label=st.sampled_from(["", "work", "home"]),
    street=line,
    city=line,
    region=line,
    postal_code=line,
    country=line,
)


@st.composite
def important_dates(draw: st.DrawFn) -> ImportantDate:
    kind = draw(st.sampled_from(["birthday", "anniversary", "custom"]))
    year = draw(st.one_of(st.none(), st.integers(1900, 2030)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28 if month == 2 else 30))
    if month == 2 and draw(st.booleans()):
        day, year = 29, draw(st.sampled_from([None, 2000, 2024]))
    label = draw(line) if kind == "custom" else ""
    return ImportantDate(kind, month, day, year, label)


@st.composite
def contacts(draw: st.DrawFn, other_ids: tuple[int, ...] = ()) -> ContactData:
    """A contact with every field filled by awkward text (before validation)."""
    given = draw(line.filter(str.strip))
    return ContactData(
        given_name=given,
        family_name=draw(line),
        display_name=draw(st.one_of(st.just(""), line)),
        nickname=draw(line),
        pronouns=draw(line),
        job_title=draw(line),
        organization=draw(line),
        team=draw(line),
        photo=draw(st.one_of(st.none(), st.binary(min_size=1, max_size=300))),
        met_how=draw(line),
        met_on=draw(st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2030, 12, 31)))),
        closeness=draw(st.sampled_from(list(Closeness))),
        cadence_days=draw(st.one_of(st.none(), st.integers(1, 3660))),
        notes=draw(multiline),
        ambitions=draw(multiline),
        archived=draw(st.booleans()),
        emails=draw(
            st.lists(
                st.builds(LabeledValue, label=st.sampled_from(["", "work"]), value=email),
                max_size=3,
            )
        ),
        phones=draw(st.lists(labeled, max_size=3)),
        links=draw(st.lists(labeled, max_size=2)),
        addresses=draw(st.lists(address, max_size=2)),
        topics=draw(st.lists(line, max_size=3)),
        tags=draw(st.lists(line, max_size=3)),
        dates=draw(st.lists(important_dates(), max_size=3)),
        connections=[
            ConnectionLink(other, kind, True, label, note)
            for other, kind, label, note in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(other_ids) if other_ids else st.nothing(),
                        st.sampled_from(["works_with", "reports_to", "mentor_of", "custom"]),
                        line,
                        line,
                    ),
                    max_size=2 if other_ids else 0,
                )
            )
        ],
    )

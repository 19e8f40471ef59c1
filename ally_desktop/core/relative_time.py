"""How long ago something happened, in the words a person uses: "Yesterday", "5 weeks ago".

The store keeps instants in UTC ("2026-11-20T14:30:00Z"); people count days on their own
calendar, so an instant is first turned into the user's local date, then compared with
today. Pure functions, no Qt: the contact list calls them and caches what they return.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ally_desktop.core.records import MONTH_NAMES

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_utc(iso_utc: str) -> datetime:
    """The aware UTC instant of a stored timestamp ("2026-11-20T14:30:00Z")."""
    moment = datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_days_since(iso_utc: str, today: date, zone: tzinfo | None = None) -> int:
    """Calendar days from the local date of ``iso_utc`` to ``today`` (0: today, 1: yesterday,
    negative: a day still to come). ``zone``: the user's zone, this computer's by default."""
    local = parse_utc(iso_utc).astimezone(zone)
    return (today - local.date()).days


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _span(days: int) -> str:
    """A positive number of days, rounded down to the unit people would say."""
    if days < 14:
        return _count(days, "day")
    if days < 60:
        return _count(days // 7, "week")
    if days < 365:
        return _count(days // 30, "month")
    return _count(days // 365, "year")


def days_ago_text(days: int) -> str:
    """ "Today", "Yesterday", "3 days ago", "5 weeks ago", "4 months ago", "2 years ago";
    a negative count is in the future ("Tomorrow", "In 3 days")."""
    if days == 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days == -1:
        return "Tomorrow"
    if days < 0:
        return f"In {_span(-days)}"
    return f"{_span(days)} ago"


def local_moment_text(iso_utc: str, zone: tzinfo | None = None) -> str:
    """The full local date and time: "Friday 20 November 2026, 15:30"."""
    local = parse_utc(iso_utc).astimezone(zone)
    weekday = WEEKDAY_NAMES[local.weekday()]
    return (
        f"{weekday} {local.day} {MONTH_NAMES[local.month - 1]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d}"
    )


DAY_CHANGE_MARGIN_MS = 1000  # a second past midnight: the new date has surely begun


def ms_until_next_day(now: datetime) -> int:
    """Milliseconds from ``now`` (aware) to a second past the next local midnight: when
    "today", "yesterday", "3 days ago" and the day's health move on. Early by a clock
    change, a check then just finds the same date and waits again."""
    local = now.astimezone()
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 0)).astimezone()
    return max(0, int((midnight - local).total_seconds() * 1000)) + DAY_CHANGE_MARGIN_MS

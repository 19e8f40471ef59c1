"""Readable days and times for the timeline, in the user's locale.

Days are the ones the user meant (an interaction logged in Paris on Tuesday stays on
Tuesday after a flight to New York); times are shown on the clock of the place they were
logged, with that zone's abbreviation when it is not the computer's current zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, QTime

from ally_desktop.core.timeline import InteractionRow

_WEEK = 7


def day_heading(day: date, today: date) -> str:
    """ "Today", "Yesterday", "Tomorrow", a weekday within the past week, else the date."""
    days_ago = (today - day).days
    if days_ago == 0:
        return "Today"
    if days_ago == 1:
        return "Yesterday"
    if days_ago == -1:
        return "Tomorrow"
    locale = QLocale()
    if 1 < days_ago < _WEEK:
        return locale.dayName(day.isoweekday(), QLocale.FormatType.LongFormat)
    return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)


def is_relative(day: date, today: date) -> bool:
    """Whether ``day_heading`` names the day relatively (then the date is shown beside it)."""
    return -1 <= (today - day).days < _WEEK


def short_date(day: date) -> str:
    """The date in the locale's long form without the weekday ("24 November 2026")."""
    locale = QLocale()
    pattern = locale.dateFormat(QLocale.FormatType.LongFormat)
    without_weekday = re.sub(r"d{4}[,.\s]*|[,\s]*d{4}", "", pattern).strip(" ,.")
    return locale.toString(QDate(day.year, day.month, day.day), without_weekday or pattern)


def time_text(row: InteractionRow) -> str:
    """The time on the clock where it happened ("" for a day without a time)."""
    if row.all_day:
        return ""
    moment = row.wall_clock()
    text = QLocale().toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)
    here = moment.astimezone()  # the same instant on this computer's clock
    if here.utcoffset() != moment.utcoffset():
        text += f" {moment.tzname() or ''}".rstrip()
    return text


def date_time_text(moment: datetime, all_day: bool) -> str:
    locale = QLocale()
    day = QDate(moment.year, moment.month, moment.day)
    if all_day:
        return locale.toString(day, QLocale.FormatType.LongFormat)
    clock = QTime(moment.hour, moment.minute)
    return (
        f"{locale.toString(day, QLocale.FormatType.LongFormat)}, "
        f"{locale.toString(clock, QLocale.FormatType.ShortFormat)}"
    )

"""The detail pane: a person's whole profile, with links to the people they are connected to."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QEvent, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from ally_desktop.core.health import Health, explain
from ally_desktop.core.records import MONTH_NAMES, ContactRecord
from ally_desktop.core.timeline import Balance
from ally_desktop.ui.avatars import avatar_image
from ally_desktop.ui.contacts.model import HEALTH_TONES
from ally_desktop.ui.look import mix, muted_text, tone

CONTACT_SCHEME = "ally-contact"
REMINDER_SCHEME = "ally-reminder"
HEALTH_BAR = QUrl("health:bar")
HEALTH_BAR_SIZE = (120, 8)  # logical pixels


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _multiline(text: str) -> str:
    return "<br>".join(_e(line) for line in text.split("\n"))


class ContactDetail(QTextBrowser):
    """Read-only rich text of one contact; clicking a connection asks to show that person."""

    contactLinkActivated = Signal(int)  # noqa: N815 (Qt naming)
    reminderLinkActivated = Signal(int)  # noqa: N815 (a reminder to edit)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setObjectName("contactDetail")
        self.anchorClicked.connect(self._on_anchor)
        self.today: date | None = None  # fixed in tests; otherwise the computer's day
        # What is shown, to render it again in new colours when the palette changes.
        self._shown: tuple[
            ContactRecord, Balance | None, list[tuple[str, str, int | None]], Health | None
        ]
        self._shown_text: str | None = None
        self.show_placeholder("Select a person to see their profile.")

    def show_placeholder(self, text: str) -> None:
        self._shown_text = text
        self.setHtml(
            f"<p style='color:{self._muted()}; margin-top:24px' align='center'>{_e(text)}</p>"
        )

    def _muted(self) -> str:
        # Opaque: Qt's placeholder colour is half-transparent, which rich text draws solid.
        return muted_text(self.palette()).name()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """The colours are written into the HTML: a new palette (a switch to dark mode)
        renders the profile again, at the same scroll position."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            bar = self.verticalScrollBar()
            position = bar.value()
            if self._shown_text is not None:
                self.show_placeholder(self._shown_text)
            else:
                self.show_contact(*self._shown)
            bar.setValue(position)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == CONTACT_SCHEME:
            self.contactLinkActivated.emit(int(url.path()))
        elif url.scheme() == REMINDER_SCHEME:
            self.reminderLinkActivated.emit(int(url.path()))
        elif url.scheme() in ("mailto", "tel", "http", "https"):
            QDesktopServices.openUrl(url)

    def show_contact(
        self,
        record: ContactRecord,
        ledger: Balance | None = None,
        reminders: list[tuple[str, str, int | None]] | None = None,
        health: Health | None = None,
    ) -> None:
        """Show a person; ``health`` (core.health.health_of) adds their relationship health."""
        self._shown = (record, ledger, reminders or [], health)
        self._shown_text = None
        document = self.document()
        ratio = self.devicePixelRatioF()
        avatar = avatar_image(record.name, record.data.photo, 72, ratio)
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl("avatar:current"), avatar
        )
        colors: tuple[str, str] | None = None
        if health is not None:
            color = tone(HEALTH_TONES[health.level], self.palette())
            base = self.palette().color(QPalette.ColorRole.Base)
            track = mix(muted_text(self.palette()), base, 0.3)
            document.addResource(
                QTextDocument.ResourceType.ImageResource,
                HEALTH_BAR,
                health_bar(health.score, color, track, ratio),
            )
            colors = (color.name(), self._muted())
        self.setHtml(
            render_contact(
                record,
                self._muted(),
                self.palette().color(QPalette.ColorRole.Link).name(),
                self.palette().color(QPalette.ColorRole.AlternateBase).name(),
                ledger,
                self.today,
                reminders,
                health,
                colors,
            )
        )


def _section(title: str, body: str, muted: str) -> str:
    if not body:
        return ""
    return (
        f"<p style='margin:14px 0 2px 0; color:{muted}; font-size:small; font-weight:600;'>"
        f"{_e(title.upper())}</p><div>{body}</div>"
    )


def _chips(items: Iterable[str], background: str) -> str:
    return " ".join(
        f"<span style='background:{background};'>&nbsp;{_e(item)}&nbsp;</span>" for item in items
    )


def _days_ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 0:
        return f"in {-days} day{'s' if days < -1 else ''}"
    return f"{days:,} days ago"


def render_together(ledger: Balance, today: date) -> str:
    """Last interaction and the give/get balance, the first thing to know before a meeting."""
    lines = []
    if ledger.last_interaction is None:
        lines.append("No interaction logged yet.")
    else:
        local = ledger.last_interaction.astimezone()
        days = (today - local.date()).days
        lines.append(f"Last interaction <b>{_days_ago(days)}</b> · {_e(_long_date(local.date()))}")
    for label, count, latest in (
        ("You helped them", ledger.given, ledger.last_given),
        ("They helped you", ledger.received, ledger.last_received),
    ):
        if not count:
            continue
        times = "once" if count == 1 else f"{count:,} times"
        line = f"{label} {times}"
        if latest is not None:
            day, note = latest
            line += f" · latest {_e(_long_date(day))}" + (f": {_e(note)}" if note else "")
        lines.append(line)
    if not ledger.given and not ledger.received and ledger.last_interaction is not None:
        lines.append("No help given or received yet.")
    return "<br>".join(lines)


def health_bar(score: int, color: QColor, track: QColor, device_pixel_ratio: float) -> QImage:
    """A small rounded gauge: ``score`` percent of it in ``color`` over a ``track``."""
    width, height = HEALTH_BAR_SIZE
    image = QImage(
        max(1, round(width * device_pixel_ratio)),
        max(1, round(height * device_pixel_ratio)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(device_pixel_ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = height / 2
    painter.setBrush(track)
    painter.drawRoundedRect(QRectF(0, 0, width, height), radius, radius)
    filled = width * max(0, min(score, 100)) / 100
    if filled > 0:
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(0, 0, max(filled, height), height), radius, radius)
    painter.end()
    return image


def render_health(health: Health, color: str, muted: str) -> str:
    """The gauge, the score and its level in its colour, then the score in words."""
    width, height = HEALTH_BAR_SIZE
    return (
        f"<img src='{HEALTH_BAR.toString()}' width='{width}' height='{height}'"
        " style='vertical-align: middle;'>&nbsp;&nbsp;"
        f"<span style='color:{color}; font-weight:600;'>{health.score}</span>"
        f"<span style='color:{muted};'>/100 ·</span> "
        f"<span style='color:{color}; font-weight:600;'>{_e(health.level.word)}</span>"
        f"<br>{_e(explain(health))}"
    )


def _long_date(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def render_contact(
    record: ContactRecord,
    muted: str,
    link: str,
    chip: str,
    ledger: Balance | None = None,
    today: date | None = None,
    reminders: list[tuple[str, str, int | None]] | None = None,
    health: Health | None = None,
    health_colors: tuple[str, str] | None = None,
) -> str:
    """The profile as HTML; every piece of user text is escaped. ``reminders``: (what,
    when, id when it can be edited here) of the person's pending reminders. ``health``
    with ``health_colors`` (its level's colour, the muted text's) adds its section."""
    data = record.data
    work = " · ".join(_e(p) for p in (data.job_title, data.organization, data.team) if p)
    sub = [p for p in (_e(data.pronouns), work) if p]
    status = []
    if record.trashed_at:
        status.append("In the trash")
    if data.archived:
        status.append("Archived")
    head = (
        "<table cellspacing='0' cellpadding='0'><tr>"
        "<td width='84' valign='middle'><img src='avatar:current' width='72' height='72'></td>"
        "<td valign='middle'>"
        f"<div style='font-size:x-large; font-weight:600;'>{_e(record.name)}</div>"
        + (
            f"<div style='color:{muted};'>{_e(data.nickname)}</div>"
            if data.nickname and data.nickname not in record.name
            else ""
        )
        + "".join(f"<div>{line}</div>" for line in sub)
        + f"<div style='color:{muted};'>{_e(data.closeness.label)}"
        + (f" · keep in touch every {data.cadence_days} days" if data.cadence_days else "")
        + (" · " + " · ".join(status) if status else "")
        + "</div></td></tr></table>"
    )
    parts = [head]
    if health is not None:
        color, quiet = health_colors or (muted, muted)
        parts.append(_section("Relationship health", render_health(health, color, quiet), muted))
    if ledger is not None:
        parts.append(_section("Together", render_together(ledger, today or date.today()), muted))
    if reminders:
        lines = [
            (
                f"<a href='{REMINDER_SCHEME}:{rid}' style='color:{link}'>{_e(what)}</a>"
                if rid is not None
                else _e(what)
            )
            + f" <span style='color:{muted};'>· {_e(when)}</span>"
            for what, when, rid in reminders
        ]
        parts.append(_section("Reminders", "<br>".join(lines), muted))
    parts.append(_section("Knows about", _chips(data.topics, chip), muted))
    parts.append(_section("Wants", _multiline(data.ambitions), muted))
    parts.append(_section("Tags", _chips(data.tags, chip), muted))

    reach = []
    for item in data.emails:
        reach.append(
            f"{_label(item.label, muted)}<a href='mailto:{_e(item.value)}' "
            f"style='color:{link}'>{_e(item.value)}</a>"
        )
    for item in data.phones:
        tel = "".join(ch for ch in item.value if ch.isdigit() or ch == "+")
        reach.append(
            f"{_label(item.label, muted)}<a href='tel:{_e(tel)}' style='color:{link}'>"
            f"{_e(item.value)}</a>"
        )
    for item in data.links:
        url = item.value if "://" in item.value else f"https://{item.value}"
        reach.append(
            f"{_label(item.label, muted)}<a href='{_e(url)}' style='color:{link}'>"
            f"{_e(item.value)}</a>"
        )
    for address in data.addresses:
        reach.append(_label(address.label, muted) + ", ".join(_e(line) for line in address.lines()))
    parts.append(_section("Contact", "<br>".join(reach), muted))

    dates = []
    for day in data.dates:
        dates.append(f"{_label(day.title(), muted)}{_e(day.when())}")
    parts.append(_section("Dates", "<br>".join(dates), muted))

    met = _e(data.met_how)
    if data.met_on:
        met = (met + " · " if met else "") + data.met_on.strftime("%d %B %Y").lstrip("0")
    parts.append(_section("How you met", met, muted))

    links = [
        f"{_e(view.phrase)} <a href='{CONTACT_SCHEME}:{view.other_id}' style='color:{link}'>"
        f"{_e(view.other_name)}</a>"
        for view in record.connections
        if not view.other_trashed
    ]
    parts.append(_section("Connections", "<br>".join(links), muted))
    parts.append(_section("Notes", _multiline(data.notes), muted))
    parts.append(
        f"<p style='margin-top:18px; color:{muted}; font-size:small;'>Added "
        f"{_e(record.created_at[:10])} · updated {_e(record.updated_at[:10])}</p>"
    )
    return "".join(parts)


def _label(label: str, muted: str) -> str:
    return f"<span style='color:{muted};'>{_e(label)}</span>&nbsp; " if label else ""

"""The "Who can help?" results: people ranked for a topic, each with why.

    1  Ana Ruiz · Northwind Traders                                   Inner circle  31.2
       Lists pricing as expertise · Notes: …every pricing decision… · Pricing review, 3 Mar 2026

The ranking is ``core.expertise``'s; the model holds one page of it (50 people, their
reasons built) and asks for the next page when the view scrolls to the end. The input
(the panel's own, or the Contacts search field while it is in "Who can help?" mode)
completes topics as they are typed ("pric" → "pricing", "pricing strategy").
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import peewee as pw
from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.expertise import PAGE, Expert, TopicSearch, WhoResult, who_can_help
from ally_desktop.core.records import Closeness
from ally_desktop.core.topics import TopicSuggestion, suggest_topics
from ally_desktop.store.db import background_read
from ally_desktop.ui.look import Tone, tone

log = logging.getLogger(__name__)
ModelIndex = QModelIndex | QPersistentModelIndex

EXPERT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
RANK_ROLE = Qt.ItemDataRole.UserRole + 3
SEARCH_DELAY_MS = 250  # typing: rank once the user pauses, not at every key
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_CLOSENESS_TONES = {
    Closeness.INNER_CIRCLE: Tone.SUCCESS,
    Closeness.ALLY: Tone.INFO,
    Closeness.ACQUAINTANCE: Tone.NEUTRAL,
    Closeness.OTHER: Tone.NEUTRAL,
}


def reasons_line(expert: Expert) -> str:
    """The reasons on one line, strongest kind first, as the list shows them."""
    return " · ".join(reason.text for reason in expert.reasons)


def tooltip(expert: Expert, today: date | None = None) -> str:
    """Everything the score is made of, for the row's tooltip."""
    lines = [f"{expert.name}: score {expert.score:.1f}"]
    lines += [f"+{reason.points:.1f}  {reason.text}" for reason in expert.reasons]
    lines.append(
        f"× {expert.closeness_factor:g} ({expert.closeness.label.lower()}) "
        f"× {expert.recency_factor:.2f} (recency)"
    )
    lines.append(expert.standing(today))
    return "\n".join(lines)


# --- the model ------------------------------------------------------------------------------
class _Rank(QRunnable):
    """Ranks on Qt's thread pool, on that thread's own connection (Peewee keeps one per
    thread; WAL lets it read while the window writes): 100,000 people and a million
    interactions take a tenth of a second or more, too long for the GUI thread."""

    def __init__(self, model: WhoModel, ticket: int, offset: int, limit: int) -> None:
        super().__init__()
        self._model = model
        self._db = model.db
        self._ticket = ticket
        self._text = model.text
        self._offset = offset
        self._limit = limit
        self._include_archived = model.include_archived

    def run(self) -> None:
        result: WhoResult | None = None
        try:
            with background_read(self._db):
                result = who_can_help(
                    self._db,
                    self._text,
                    limit=self._limit,
                    offset=self._offset,
                    include_archived=self._include_archived,
                )
        except Exception:
            log.exception("Ranking who can help with %r failed", self._text)
        with contextlib.suppress(RuntimeError):  # the model is gone meanwhile
            self._model.ranked.emit(self._ticket, self._offset, result)


class WhoModel(QAbstractListModel):
    """The ranking of one topic, a page at a time (``fetchMore`` asks for the next).

    Ranking runs off the GUI thread: ``set_text`` and ``reload`` return at once, the rows
    come with ``searched``; an answer to a question replaced meanwhile is dropped."""

    searched = Signal()  # a new ranking's first page is in
    started = Signal()  # a ranking began (the rows shown are the previous ones)
    ranked = Signal(int, int, object)  # from the worker: ticket, offset, WhoResult | None

    def __init__(self, db: pw.SqliteDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._text = ""
        self.include_archived = False
        self._experts: list[Expert] = []
        self._more = False
        self._ticket = 0
        self._pending = 0  # rankings asked for and not yet answered
        self._fetching = False
        self.search: TopicSearch | None = None
        self.failed = False
        self.ranked.connect(self._on_ranked)

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        """Rank people for ``text`` (blank: nobody) and show the first page."""
        self._text = text
        self._start(PAGE)

    def reload(self) -> None:
        """Rank again (the data changed), as many rows as are shown."""
        self._start(max(PAGE, len(self._experts)))

    def busy(self) -> bool:
        """True while a ranking is under way."""
        return self._pending > 0

    def _start(self, limit: int) -> None:
        self._ticket += 1
        self._fetching = False
        if not self._text.strip():
            self._deliver(self._ticket, 0, None)
            return
        self._pending += 1
        self.started.emit()
        QThreadPool.globalInstance().start(_Rank(self, self._ticket, 0, limit))

    def _on_ranked(self, ticket: int, offset: int, result: WhoResult | None) -> None:
        self._pending = max(0, self._pending - 1)
        self._deliver(ticket, offset, result)

    def _deliver(self, ticket: int, offset: int, result: WhoResult | None) -> None:
        if ticket != self._ticket:
            return  # asked before the latest question
        if offset:
            self._append(result)
            return
        self.beginResetModel()
        self.failed = result is None and bool(self._text.strip())
        self.search = result.search if result else None
        self._experts = list(result.experts) if result else []
        self._more = result.more if result else False
        self.endResetModel()
        self.searched.emit()

    def _append(self, result: WhoResult | None) -> None:
        self._fetching = False
        if result is None:
            self._more = False
            return
        known = {e.contact_id for e in self._experts}
        fresh = [e for e in result.experts if e.contact_id not in known]
        self._more = result.more and bool(fresh)
        if fresh:
            first = len(self._experts)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._experts.extend(fresh)
            self.endInsertRows()

    def expert(self, row: int) -> Expert | None:
        return self._experts[row] if 0 <= row < len(self._experts) else None

    def contact_id(self, row: int) -> int | None:
        found = self.expert(row)
        return found.contact_id if found else None

    def has_more(self) -> bool:
        return self._more

    # --- Qt model interface -----------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._experts)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._experts):
            return None
        expert = self._experts[index.row()]
        if role == _DISPLAY:
            return expert.name
        if role == EXPERT_ROLE:
            return expert
        if role == ID_ROLE:
            return expert.contact_id
        if role == RANK_ROLE:
            return index.row() + 1
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(expert)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{expert.name}, {expert.organization}. {reasons_line(expert)}"
        return None

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        """Ask for the next page; the rows are added when it is ranked."""
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        self._pending += 1
        offset = len(self._experts)
        QThreadPool.globalInstance().start(_Rank(self, self._ticket, offset, PAGE))


# --- how a row looks ----------------------------------------------------------------------
MARGIN = 12
GAP = 8


@dataclass(frozen=True)
class _Fonts:
    base: QFont
    bold: QFont
    metrics: QFontMetrics
    bold_metrics: QFontMetrics

    @classmethod
    def of(cls, base: QFont) -> _Fonts:
        bold = QFont(base)
        bold.setBold(True)
        return cls(base, bold, QFontMetrics(base), QFontMetrics(bold))


class WhoDelegate(QStyledItemDelegate):
    """Two lines: rank, name and organization, closeness and score; then the reasons."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fonts: dict[str, _Fonts] = {}

    def fonts(self, base: QFont) -> _Fonts:
        found = self._fonts.get(base.key())
        if found is None:
            found = self._fonts[base.key()] = _Fonts.of(QFont(base))
        return found

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(400, QFontMetrics(option.font).height() * 2 + 16)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        expert = index.data(EXPERT_ROLE)
        if not isinstance(expert, Expert):
            return
        painter.save()
        try:
            self._paint(painter, option, expert, int(index.data(RANK_ROLE) or 0))
        finally:
            painter.restore()

    def _paint(
        self, painter: QPainter, option: QStyleOptionViewItem, expert: Expert, rank: int
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        fonts = self.fonts(option.font)
        metrics = fonts.metrics
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        elide = Qt.TextElideMode.ElideRight
        first = rect.top() + 6 + metrics.ascent()
        second = first + metrics.height() + 2
        rank_width = metrics.horizontalAdvance("000")
        left = rect.left() + MARGIN
        right = rect.right() - MARGIN

        painter.setFont(fonts.base)
        painter.setPen(muted)
        number = str(rank)
        painter.drawText(left + rank_width - metrics.horizontalAdvance(number), first, number)
        left += rank_width + GAP

        score = f"{expert.score:.1f}"
        painter.setFont(fonts.bold)
        painter.setPen(text)
        score_width = fonts.bold_metrics.horizontalAdvance(score)
        painter.drawText(right - score_width, first, score)
        closeness = expert.closeness.label + (" · archived" if expert.archived else "")
        painter.setFont(fonts.base)
        painter.setPen(text if selected else tone(_CLOSENESS_TONES[expert.closeness], palette))
        closeness_width = metrics.horizontalAdvance(closeness)
        closeness_x = right - score_width - GAP * 2 - closeness_width
        painter.drawText(closeness_x, first, closeness)

        room = max(0, closeness_x - GAP * 2 - left)
        painter.setFont(fonts.bold)
        painter.setPen(text)
        name = fonts.bold_metrics.elidedText(expert.name, elide, room)
        painter.drawText(left, first, name)
        used = fonts.bold_metrics.horizontalAdvance(name)
        if expert.organization and used < room:
            painter.setFont(fonts.base)
            painter.setPen(muted)
            rest = metrics.elidedText(f" · {expert.organization}", elide, room - used)
            painter.drawText(left + used, first, rest)

        painter.setFont(fonts.base)
        painter.setPen(text if selected else palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            left, second, metrics.elidedText(reasons_line(expert), elide, max(0, right - left))
        )


# --- topic completion ------------------------------------------------------------------------
class _SuggestionModel(QAbstractListModel):
    """Suggestions: the label to show ("pricing (merged from “price”)"), the name to insert."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.suggestions: list[TopicSuggestion] = []

    def set_suggestions(self, suggestions: list[TopicSuggestion]) -> None:
        self.beginResetModel()
        self.suggestions = suggestions
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.suggestions)

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.suggestions):
            return None
        suggestion = self.suggestions[index.row()]
        if role == _DISPLAY:
            return suggestion.label()
        if role == Qt.ItemDataRole.EditRole:
            return suggestion.name
        return None


class TopicCompleter(QCompleter):
    """Completes topics of the vocabulary in the line edits it watches: any word of a
    topic's name (or a word merged into it) by prefix; choosing one inserts its name."""

    def __init__(self, db: pw.SqliteDatabase, parent: QObject | None = None) -> None:
        self._suggestions = _SuggestionModel()
        super().__init__(self._suggestions, parent)
        self._suggestions.setParent(self)
        self._db = db
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompletionRole(Qt.ItemDataRole.EditRole)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(10)
        self._watched: QLineEdit | None = None

    def watch(self, line: QLineEdit) -> None:
        """Complete in ``line`` (one at a time: watching another stops the first)."""
        self.unwatch()
        self._watched = line
        line.setCompleter(self)
        line.textEdited.connect(self.refresh)

    def unwatch(self) -> None:
        line = self._watched
        if line is None:
            return
        line.textEdited.disconnect(self.refresh)
        if line.completer() is self:
            line.setCompleter(None)  # type: ignore[arg-type]
        self._watched = None
        self._hide_popup()

    def names(self) -> list[str]:
        """The names offered now (for tests and accessibility)."""
        return [s.name for s in self._suggestions.suggestions]

    def refresh(self, text: str) -> None:
        self._suggestions.set_suggestions(suggest_topics(self._db, text) if text.strip() else [])
        if self._suggestions.suggestions and self._watched is not None:
            if self._watched.hasFocus():
                self.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.popup()
        if popup is not None:
            popup.hide()

    def popup_visible(self) -> bool:
        popup = self.popup()
        return popup is not None and popup.isVisible()


# --- the panel ------------------------------------------------------------------------------
class _ResultsView(QListView):
    """The list; Enter or Return opens the current person."""

    opened = Signal(int)  # a contact id

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            contact_id = self.currentIndex().data(ID_ROLE)
            if isinstance(contact_id, int):
                self.opened.emit(contact_id)
                return
        super().keyPressEvent(event)


EMPTY_HINT = (
    "Type a topic to see who can help: who lists it as expertise, whose notes mention it, "
    "who you met about it. Closer and more recent allies come first."
)


class WhoPanel(QWidget):
    """The results for a topic; ``with_input`` gives it its own search field (otherwise
    the owner feeds it with ``set_query``, as the Contacts page does)."""

    personRequested = Signal(int)  # noqa: N815 (double-click or Enter on a person)
    currentPersonChanged = Signal(int)  # noqa: N815 (the selected person; -1 for none)
    resultsChanged = Signal()  # noqa: N815 (a new ranking is shown)
    manageTopicsRequested = Signal()  # noqa: N815 (the "Merge topics…" button)

    def __init__(
        self, db: pw.SqliteDatabase, parent: QWidget | None = None, *, with_input: bool = True
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.model = WhoModel(db, self)
        self.completer = TopicCompleter(db, self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_scheduled)
        self._scheduled = ""

        self.input: QLineEdit | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if with_input:
            self.input = QLineEdit()
            self.input.setObjectName("whoSearch")
            self.input.setPlaceholderText("Who can help with… (a topic: pricing, GDPR, hiring)")
            self.input.setClearButtonEnabled(True)
            self.input.textChanged.connect(self.schedule)
            self.input.installEventFilter(self)
            self.completer.watch(self.input)
            layout.addWidget(self.input)

        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 2)
        self.heading = QLabel()
        self.heading.setObjectName("whoHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.manage_button = QToolButton()
        self.manage_button.setText("Merge topics…")
        self.manage_button.setAutoRaise(True)
        self.manage_button.setToolTip("Merge topics that mean the same thing, or rename one")
        self.manage_button.clicked.connect(self.manageTopicsRequested)
        header.addWidget(self.heading, 1)
        header.addWidget(self.manage_button)
        layout.addLayout(header)

        self.list = _ResultsView()
        self.list.setObjectName("whoList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(WhoDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.doubleClicked.connect(self._double_clicked)
        self.list.opened.connect(self.personRequested)
        self.list.selectionModel().currentChanged.connect(self._current_changed)

        self.message = QLabel(EMPTY_HINT)
        self.message.setObjectName("whoMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(24)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self._focus_when_ranked = False
        self.model.searched.connect(self._show_results)
        self.model.started.connect(self._show_started)
        self._show_results()

    # --- the query -------------------------------------------------------------------
    def query(self) -> str:
        return self.model.text

    def set_query(self, text: str) -> None:
        """Rank people for ``text`` now."""
        self._timer.stop()
        if self.input is not None and self.input.text() != text:
            self.input.blockSignals(True)
            self.input.setText(text)
            self.input.blockSignals(False)
        self.model.set_text(text)

    def schedule(self, text: str) -> None:
        """Rank people for ``text`` once typing pauses."""
        self._scheduled = text
        self._timer.start()

    def _run_scheduled(self) -> None:
        if self._scheduled != self.model.text:
            self.model.set_text(self._scheduled)

    def pending(self) -> bool:
        """True while typed text waits to be ranked, or is being ranked."""
        return self._timer.isActive() or self.model.busy()

    def rank_now(self) -> None:
        """Rank what was typed without waiting for the pause."""
        if self._timer.isActive():
            self._timer.stop()
            self._run_scheduled()

    def set_include_archived(self, include: bool) -> None:
        if include != self.model.include_archived:
            self.model.include_archived = include
            if self.model.text.strip():
                self.model.reload()

    def refresh(self) -> None:
        """Rank again: what is known about people changed."""
        if self.model.text.strip():
            self.model.reload()

    # --- what is shown -----------------------------------------------------------------
    def summary(self) -> str:
        """ "12 people", "50+ people" (more to scroll to), "" with nothing asked."""
        if not self.model.text.strip():
            return ""
        shown = self.model.rowCount()
        plus = "+" if self.model.has_more() else ""
        return f"{shown:,}{plus} {'person' if shown == 1 and not plus else 'people'}"

    def _show_started(self) -> None:
        """A ranking began: say so where nothing is shown yet (the previous list, if any,
        stays until the new one comes, so the view does not blink at every word)."""
        if self.stack.currentWidget() is self.message:
            self.message.setText(f"Looking for who can help with “{self.model.text.strip()}”…")

    def _show_results(self) -> None:
        found = self.model.search
        text = self.model.text.strip()
        if self.model.failed:
            self.heading.setText("")
            self.message.setText("The ranking could not be made; the log says why.")
            self.stack.setCurrentWidget(self.message)
        elif not text:
            self.heading.setText("")
            self.message.setText(EMPTY_HINT)
            self.stack.setCurrentWidget(self.message)
        elif found is None or found.expression is None:
            self.heading.setText("")
            self.message.setText(f"“{text}” has no word to search for.")
            self.stack.setCurrentWidget(self.message)
        else:
            heading = f"People who can help with “{found.label}”"
            if found.topic is not None and found.topic.aliases:
                heading += " (also " + ", ".join(f"“{a}”" for a in found.topic.aliases) + ")"
            self.heading.setText(heading)
            if self.model.rowCount():
                self.stack.setCurrentWidget(self.list)
            else:
                self.message.setText(
                    f"Nobody yet for “{found.label}”. Add it to someone's topics, or log "
                    "who you talked to about it."
                )
                self.stack.setCurrentWidget(self.message)
        self.heading.setVisible(bool(self.heading.text()))
        self.resultsChanged.emit()
        if self._focus_when_ranked and not self.pending():
            self._focus_when_ranked = False
            self.focus_results()

    def current_contact_id(self) -> int | None:
        value = self.list.currentIndex().data(ID_ROLE)
        return value if isinstance(value, int) else None

    def focus_results(self) -> None:
        """Move the keyboard to the list, on its first person if none is current (once
        the ranking is in, when one is under way)."""
        if self.pending():
            self.rank_now()
            self._focus_when_ranked = True
            return
        if self.model.rowCount():
            if not self.list.currentIndex().isValid():
                self.list.setCurrentIndex(self.model.index(0, 0))
            self.list.setFocus()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(ID_ROLE)
        self.currentPersonChanged.emit(value if isinstance(value, int) else -1)

    def _double_clicked(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE)
        if isinstance(value, int):
            self.personRequested.emit(value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and not self.completer.popup_visible()
        ):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

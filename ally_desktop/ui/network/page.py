"""The network map page: allies and their connections, grouped, zoomable, searchable.

The page reads nothing until it is first shown. It then asks its worker for the map:
where the cache (``network_position``) knows everyone, the map appears at once; where
it does not, the grouped starting placement appears at once and settles when the
layout is done (a progress bar meanwhile). Changing the filters or leaving the page
cancels a layout under way. ``refresh()`` (the data changed) reloads when the page is
shown, keeping everyone the map already placed where they were.

A click on a person (or Enter on the focused one) asks the window to open them in
Contacts (``personRequested``). The search field completes names (accents and case
aside) and focuses the person chosen; Enter again opens them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import peewee as pw
from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QHideEvent,
    QKeySequence,
    QPixmapCache,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.network import MAX_PEOPLE, GroupBy, NetworkFilter
from ally_desktop.core.records import Closeness
from ally_desktop.core.text import sort_key
from ally_desktop.core.transfer.atomic_files import WriteFailedError
from ally_desktop.ui.icons import themed_icon
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.network import export
from ally_desktop.ui.network.items import map_colors
from ally_desktop.ui.network.legend import Legend
from ally_desktop.ui.network.scene import MapScene
from ally_desktop.ui.network.view import MapView
from ally_desktop.ui.network.worker import MapRequest, MapResult, MapWorker

log = logging.getLogger(__name__)

PICTURE_CACHE_KB = 32 * 1024
REFRESH_DELAY_MS = 400  # changes come in bursts (an import, an undo of many)
_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_MATCH_ROLE = Qt.ItemDataRole.UserRole + 2
_ROOT = QModelIndex()
CLOSENESS_CHOICES: tuple[tuple[str, Closeness | None], ...] = (
    ("Any closeness", None),
    ("Inner circle", Closeness.INNER_CIRCLE),
    ("Inner circle and allies", Closeness.ALLY),
    ("Up to acquaintances", Closeness.ACQUAINTANCE),
)


class NetworkPage(QWidget):
    """The Map view; the window connects ``personRequested`` and calls ``refresh()``."""

    personRequested = Signal(int)  # noqa: N815 (a contact id: show them in Contacts)
    mapShown = Signal()  # noqa: N815 (a final map is on screen: tests and benchmarks wait)

    def __init__(self, db: pw.SqliteDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkPage")
        self._db = db
        self._colors = map_colors(self.palette())
        # The links' picture (see items.PathsLayer) is as big as the view: 15 MB at twice
        # the pixel density. Qt's default room for such pictures (10 MB) would drop it
        # and draw the links again at every frame of a pan.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PICTURE_CACHE_KB))
        self.worker = MapWorker(db, self)
        self.worker.started.connect(self._on_started)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.choicesReady.connect(self._fill_choices)
        self.scene = MapScene(self._colors, self)
        self.view = MapView(self.scene)
        self.view.setBackgroundBrush(self._colors.background)
        self.view.guard = self.worker.gate.held
        self.view.personClicked.connect(self.personRequested)
        self.view.activated.connect(self.personRequested)
        self.limit = MAX_PEOPLE  # the most people the map shows at once
        self._stale = True  # the map on screen (if any) may be out of date
        self._choices_asked = False
        self._final = False
        self._request: MapRequest | None = None
        self._people_by_id: dict[int, str] = {}
        self._folded_by_id: dict[int, str] = {}
        self._refit = True
        self._just_completed = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._refresh_now)
        self._build()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("networkSearch")
        self.search.setPlaceholderText("Find a person on the map…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(140)
        self._names = _NamesModel(self)
        self.completer = _NameCompleter(self._names, self)
        self.completer.setCompletionRole(_MATCH_ROLE)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._completion_chosen
        )
        self.search.setCompleter(self.completer)
        self.search.returnPressed.connect(self._search_entered)

        self.group_by = QComboBox()
        self.group_by.setObjectName("networkGroupBy")
        self.group_by.setToolTip("Gather people by their organization or by their team")
        self.group_by.addItem("By organization", GroupBy.ORGANIZATION)
        self.group_by.addItem("By team", GroupBy.TEAM)
        self.group_by.currentIndexChanged.connect(self._controls_changed)

        self.part = QComboBox()
        self.part.setObjectName("networkPart")
        self.part.setToolTip("Show one organization or team only")
        self.part.addItem("Everyone", None)
        self.part.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.part.setMinimumContentsLength(14)
        self.part.currentIndexChanged.connect(self._controls_changed)

        self.closeness = QComboBox()
        self.closeness.setObjectName("networkCloseness")
        self.closeness.setToolTip("Show only people this close to you")
        for text, value in CLOSENESS_CHOICES:
            self.closeness.addItem(text, value)
        self.closeness.currentIndexChanged.connect(self._controls_changed)

        self.toolbar = QToolBar("Map")
        self.toolbar.setObjectName("networkToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fit_action = self._action("Fit", self.view.fit, "Ctrl+0", "See the whole map (Ctrl+0)")
        self.zoom_in_action = self._action(
            "Zoom in", self.view.zoom_in, QKeySequence.StandardKey.ZoomIn, "Zoom in (Ctrl+plus)"
        )
        self.zoom_in_action.setShortcuts(
            [*QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        )
        self.zoom_out_action = self._action(
            "Zoom out",
            self.view.zoom_out,
            QKeySequence.StandardKey.ZoomOut,
            "Zoom out (Ctrl+minus)",
        )
        self.rearrange_action = self._action(
            "Rearrange",
            lambda: self.reload(fresh=True),
            None,
            "Lay the map out afresh, forgetting where people were placed",
        )
        self.export_png_action = self._action(
            "PNG…", self.export_png, None, "Save the map as a PNG picture"
        )
        self.export_png_action.setIcon(themed_icon("export"))
        self.export_svg_action = self._action(
            "SVG…", self.export_svg, None, "Save the map as an SVG drawing"
        )
        for action in (self.zoom_out_action, self.zoom_in_action, self.fit_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.rearrange_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_png_action)
        self.toolbar.addAction(self.export_svg_action)

        self.status = QLabel()
        self.status.setObjectName("networkStatus")
        set_tone(self.status, Tone.NEUTRAL)
        self.progress = QProgressBar()
        self.progress.setObjectName("networkProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(10)
        # Its room is kept while hidden: showing it must not resize the map (a new size
        # refits it, and a refit repaints everything).
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.group_by)
        bar.addWidget(self.part, 2)
        bar.addWidget(self.closeness)
        bar.addWidget(self.toolbar)

        info = QHBoxLayout()
        info.addWidget(self.status, 1)
        info.addWidget(self.progress)

        self.empty = QLabel()
        self.empty.setObjectName("networkEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        set_tone(self.empty, Tone.NEUTRAL)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        self.legend = Legend(self._colors)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addLayout(info)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        tip: str,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # --- loading ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.reload()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        if self.worker.busy():  # the user left: no need to finish now
            self.worker.cancel()
            self.progress.hide()
            self._stale = True

    def refresh(self) -> None:
        """The data changed: reload the map (soon if shown, else when next shown)."""
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def _refresh_now(self) -> None:
        if self._stale and self.isVisible():
            self.reload()
            self._choices_asked = False
            self._ask_choices()

    def current_request(self, fresh: bool = False) -> MapRequest:
        part = self.part.currentData()
        organization = team = None
        if isinstance(part, str):  # "organization:Contoso" or "team:Pricing"
            kind, _, name = part.partition(":")
            if kind == GroupBy.ORGANIZATION.value:
                organization = name
            else:
                team = name
        flt = NetworkFilter(
            organization=organization, team=team, closest=self.closeness.currentData()
        )
        return MapRequest(
            filter=flt, group_by=self.group_by.currentData(), fresh=fresh, limit=self.limit
        )

    def reload(self, fresh: bool = False) -> None:
        """Ask for the map the controls describe (``fresh``: ignore remembered places)."""
        self._refresh_timer.stop()
        self._stale = False
        self._final = False
        request = self.current_request(fresh)
        refit = self._request is None or request.filter != self._request.filter or fresh
        if self._request is not None and request.group_by != self._request.group_by:
            refit = True
        self._refit = refit
        self._request = request
        self.progress.setValue(0)
        self.worker.request(request)
        QTimer.singleShot(300, self._show_busy)  # a map from the cache needs no bar

    def _show_busy(self) -> None:
        if self.worker.busy():
            self.progress.show()
            if not self.scene.people:
                self.status.setText("Reading your network…")

    def _ask_choices(self) -> None:
        if not self._choices_asked:
            self._choices_asked = True
            self.worker.request_choices()

    def _controls_changed(self) -> None:
        if self.isVisible() or self._request is not None:
            self.reload()

    def is_ready(self) -> bool:
        """True once the map asked for last is on screen, laid out."""
        return self._final and not self.worker.busy()

    # --- answers from the worker ----------------------------------------------------------
    def _on_started(self, result: MapResult) -> None:
        """The starting placement, while the layout goes on (see ``_show_in_two``)."""
        self._show_in_two(result, after=result.shown.set)

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))
        if not self.progress.isVisible():
            self.progress.show()

    def _on_finished(self, result: MapResult) -> None:
        self.progress.hide()
        if result.layout_s:
            log.info(
                "network map: %d people, %d links laid out in %.2f s (%d rounds)",
                len(result.data.people),
                len(result.data.links),
                result.layout_s,
                result.rounds,
            )
        shown = self.scene.result
        if (
            shown is not None
            and shown.final
            and shown.request == result.request
            and shown.data.people == result.data.people
            and shown.data.links == result.data.links
            and shown.positions == result.positions
        ):
            # Nothing the map shows has changed (a note was edited, a tag added): keep it.
            self.scene.result = result
            self.status.setText(self.status_text(result))
            self._shown_final()
            return
        self._show_in_two(result, after=self._shown_final)

    def _shown_final(self) -> None:
        self._final = True
        self._ask_choices()
        self.mapShown.emit()

    def _show_in_two(self, result: MapResult, after: Callable[[], object]) -> None:
        """Build the scene now and paint it in the next turn of the event loop: two
        waits of 15 and 25 ms for 2,000 people instead of one of 40. A starting
        placement's worker waits for both (``MapResult.shown``): Qt calls back into
        Python for each item while it indexes and paints them, and each call would
        otherwise wait for the interpreter lock."""
        viewport = self.view.viewport()
        viewport.setUpdatesEnabled(False)
        try:
            self._show(result)
        finally:
            # 1 ms, not 0: a real timer, so the loop's other timers and input go first.
            QTimer.singleShot(1, lambda: self._paint_shown(result, after))

    def _paint_shown(self, result: MapResult, after: Callable[[], object]) -> None:
        try:
            viewport = self.view.viewport()
            viewport.setUpdatesEnabled(True)
            if self.isVisible() and self.scene.result is result:
                viewport.repaint()
        finally:
            after()

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self._final = True
        self.status.setText(f"The map could not be drawn: {message}")

    def _show(self, result: MapResult) -> None:
        people = result.data.people
        if not people:
            self.scene.show_result(result)
            self.empty.setText(
                "Nobody matches these filters."
                if result.request.filter.narrowed
                else "Your network is empty for now.\n\nPeople you add in Contacts, and the "
                "connections between them, appear here."
            )
            self.stack.setCurrentWidget(self.empty)
            self.status.setText("")
            self._fill_names(result)
            return
        self.stack.setCurrentWidget(self.view)
        self.scene.show_result(result)
        if self._refit or not self.view.user_moved:
            self.view.fit()
            self._refit = False
        self.view.cull_labels()  # now: the first paint then draws the names it keeps
        self.status.setText(self.status_text(result))
        self._fill_names(result)

    @staticmethod
    def status_text(result: MapResult) -> str:
        data = result.data
        shown, total, links = len(data.people), data.total, len(data.links)
        flt = data.filter
        where = ""
        if flt.organization:
            where = f" at {data.people[0].organization if data.people else flt.organization}"
        elif flt.team:
            where = f" in {flt.team}"
        people = "person" if total == 1 else "people"
        if shown < total:
            text = f"Showing the {shown:,} closest of {total:,} {people}{where}"
        else:
            text = f"{shown:,} {people}{where}"
        text += f" · {links:,} connection{'' if links == 1 else 's'}"
        if shown < total:
            text += " · narrow the map to see the others"
        return text

    def _fill_choices(self, choices: object) -> None:
        if not isinstance(choices, dict):
            return
        chosen = self.part.currentData()
        self.part.blockSignals(True)
        self.part.clear()
        self.part.addItem("Everyone", None)
        for by in GroupBy:
            entries = choices.get(by, [])
            if not entries:
                continue
            self.part.insertSeparator(self.part.count())
            for name, count in entries:
                label = name if by is GroupBy.ORGANIZATION else f"Team: {name}"
                self.part.addItem(f"{label} ({count:,})", f"{by.value}:{name}")
        index = self.part.findData(chosen) if chosen is not None else 0
        self.part.setCurrentIndex(max(0, index))
        self.part.blockSignals(False)

    # --- search -------------------------------------------------------------------------
    def _fill_names(self, result: MapResult) -> None:
        names = result.prepared().names
        self._names.set_rows(names)
        self._people_by_id = {person: shown for shown, _folded, person in names}
        self._folded_by_id = {person: folded for _shown, folded, person in names}

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _completion_chosen(self, index: QModelIndex) -> None:
        person = index.data(_ID_ROLE)
        if person is None:
            return
        # The Enter that chose it reaches the field too: it must not open them at once.
        self._just_completed = True
        QTimer.singleShot(0, self._completion_done)
        self.focus_person(int(person))

    def _completion_done(self) -> None:
        self._just_completed = False

    def _search_entered(self) -> None:
        text = self.search.text().strip()
        if not text or self._just_completed:
            return
        focused = self.scene.focused
        if focused is not None and self._people_by_id.get(focused) == text:
            self.personRequested.emit(focused)  # Enter again: open them
            return
        person = self.find_person(text)
        if person is not None:
            self.search.setText(self._people_by_id[person])
            self.focus_person(person)

    def find_person(self, text: str) -> int | None:
        """The person shown whose name (and organization) best matches ``text``."""
        wanted = sort_key(text)
        if not wanted:
            return None
        best: tuple[int, str, int] | None = None
        for person, folded in self._folded_by_id.items():
            if folded == wanted:
                return person
            rank = 0 if folded.startswith(wanted) else 1 if wanted in folded else None
            if rank is not None and (best is None or (rank, folded, person) < best):
                best = (rank, folded, person)
        return best[2] if best is not None else None

    def focus_person(self, contact_id: int) -> None:
        """Centre the map on a person, ring them, highlight their links."""
        self.scene.set_focused(contact_id)
        self.view.centre_on_person(contact_id)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- export -------------------------------------------------------------------------
    def export_png(self) -> None:
        self._export("PNG image (*.png)", ".png")

    def export_svg(self) -> None:
        self._export("SVG drawing (*.svg)", ".svg")

    def _export(self, pattern: str, suffix: str) -> None:
        if not self.scene.people:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation
        ) or str(Path.home())
        start = str(Path(folder) / f"Ally network{suffix}")
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the map", start, pattern)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.export_to(path)

    def export_to(self, path: Path) -> bool:
        """Write the map to ``path`` (PNG, or SVG for a .svg name); False after telling
        the user why it could not be written."""
        try:
            export.export_map(self.scene, path, self._colors.background)
        except WriteFailedError as exc:
            QMessageBox.warning(self, "Save the map", str(exc))
            return False
        return True

    # --- appearance ---------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._colors = map_colors(self.palette())
            self.scene.colors = self._colors
            self.legend.set_colors(self._colors)
            self.view.setBackgroundBrush(self._colors.background)
            if self.scene.result is not None:
                self.scene.show_result(self.scene.result)
                self.view.cull_labels()


class _NameCompleter(QCompleter):
    """Matches "name — organization" with or without accents (the match role holds both
    spellings), and puts the name as shown in the field, not the match text."""

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class _NamesModel(QAbstractListModel):
    """The names shown, for completion: rows are answered when asked, not built ahead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, int]] = []

    def set_rows(self, rows: list[tuple[str, str, int]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        shown, folded, person = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return shown
        if role == _ID_ROLE:
            return person
        if role == _MATCH_ROLE:
            # Both spellings: "Chloé" is found by "chloe" as well as by "Chloé".
            return f"{shown}\n{folded}"
        return None

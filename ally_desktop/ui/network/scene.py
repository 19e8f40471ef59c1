"""The map's scene: people, links and groups of one layout, and what is highlighted.

Built from a ``MapResult`` whose geometry the worker prepared (``drawing``): a few
layers and a label per group, a few milliseconds for 2,000 people and 10,000 links.
Names appear with the zoom, closest people first (``LABEL_SCALES``), and are made only
when first needed. Hovering or focusing a person highlights their links, names their
neighbours and says how each is linked ("reports to"). Finding the person under the
mouse uses a grid of the places, with a tolerance in pixels, so even a small dot far
out of zoom is easy to point at.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QWidget

from ally_desktop.core.connections import describe
from ally_desktop.core.network import RADII, Link, Person, due_text, relations
from ally_desktop.core.records import Closeness
from ally_desktop.core.relative_time import days_ago_text
from ally_desktop.ui.network import drawing, items
from ally_desktop.ui.network.items import LabelItem, MapColors
from ally_desktop.ui.network.worker import MapResult

# The zoom from which each circle's names are shown (scale of the view: 1 = one scene
# unit per pixel). The inner circle is named first.
LABEL_SCALES = {
    Closeness.INNER_CIRCLE: 0.75,
    Closeness.ALLY: 1.5,
    Closeness.ACQUAINTANCE: 2.3,
    Closeness.OTHER: 3.0,
}
LINK_FINE_SCALE = 0.9  # links are drawn in their kind's style from this zoom on
MAX_NEIGHBOUR_LABELS = 40  # neighbours named with their link around a highlighted person
MAX_TOOLTIP_RELATIONS = 12


class MapScene(QGraphicsScene):
    """The people of one result; ``show_result`` replaces them."""

    highlightChanged = Signal()  # noqa: N815 (the names drawn should be chosen again)

    def __init__(self, colors: MapColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors = colors
        self.result: MapResult | None = None
        self.people: list[Person] = []
        self.ids: list[int] = []
        self.index: dict[int, int] = {}
        self.xy: list[tuple[float, float]] = []
        self.plan = drawing.plan([], [], [], {})
        self.links: list[Link] = []
        self.links_of: list[list[int]] = []  # link numbers by person index
        self.link_layer: items.PathsLayer | None = None
        self.group_labels: list[tuple[LabelItem, int]] = []  # (label, group size)
        self._labels: dict[int, LabelItem] = {}
        self._tiers: dict[Closeness, list[int]] = {}
        self._shown_tiers: set[Closeness] = set()
        self._suppressed: set[int] = set()  # names the highlight shows in its own words
        self._highlight_rects: list[QRectF] = []  # where they are, at the current zoom
        self._label_order: list[int] = []  # whose name goes first when names collide
        self._biggest = 10.0
        self._transient: list[QGraphicsItem] = []  # the highlight's own items
        self._ring = items.ring_item(colors.highlight)
        self.hovered: int | None = None  # contact ids
        self.focused: int | None = None
        self._scale = 1.0
        self._name_font = QFont()
        self._name_font.setPointSizeF(max(7.5, self._name_font.pointSizeF() - 1.0))
        self._group_font = QFont()
        self._group_font.setBold(True)
        self._bold_font = QFont(self._name_font)
        self._bold_font.setBold(True)

    # --- building ---------------------------------------------------------------------
    def show_result(self, result: MapResult) -> None:
        """Draw ``result``'s people where it placed them (the focus is kept if they are)."""
        focused = self.focused
        self.clear()
        self._labels = {}
        self._tiers = {}
        self._suppressed = set()
        self._transient = []
        self.group_labels = []
        self.link_layer = None
        self.result = result
        plan = result.prepared().drawing
        assert plan is not None
        self.plan = plan
        people = result.data.people
        self.people = people
        self.ids = [p.id for p in people]
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        self.xy = plan.xy
        self.links = result.data.links
        self.links_of = plan.links_of
        colors = self.colors

        hulls = []
        for number, hull in enumerate(plan.hulls):
            if hull.isEmpty():
                continue
            pen = QPen(colors.hull_line, 1.0)
            pen.setCosmetic(True)
            fill = QBrush(colors.hull_fills[number % len(colors.hull_fills)])
            hulls.append((hull, pen, fill))
            group = result.groups[number]
            label = LabelItem(
                f"{group.name} · {len(group.members):,}",
                self._group_font,
                colors.text,
                items.plate_color(colors, 0.7),
                below=-2.0,
            )
            label.setZValue(items.Z_GROUP_LABEL)
            label.setPos(drawing.group_anchor(hull))
            self.addItem(label)
            self.group_labels.append((label, len(group.members)))
        hull_layer = items.PathsLayer(hulls)
        hull_layer.setZValue(items.Z_HULL)
        self.addItem(hull_layer)

        keys = sorted(plan.link_paths, key=lambda key: (not key[1], key[0]))  # across first
        link_layer = items.PathsLayer(
            [
                (
                    plan.link_paths[key],
                    items.link_pen(colors.link_color(key[0], across=key[1]), key[0]),
                    None,
                )
                for key in keys
            ],
            coarse=[items.coarse_link_pen(colors, kind, across) for kind, across in keys],
            fine_from=LINK_FINE_SCALE,
            cached=True,
        )
        link_layer.setZValue(items.Z_LINK)
        self.addItem(link_layer)
        self.link_layer = link_layer

        fills = [colors.due[p.due] for p in people]
        self.addItem(items.NodesLayer(plan.xy, plan.radii, fills, colors.outline))
        for i, person in enumerate(people):
            self._tiers.setdefault(person.closeness, []).append(i)
        degree = [len(links) for links in plan.links_of]
        self._label_order = sorted(
            range(len(people)), key=lambda i: (people[i].closeness, -degree[i], i)
        )
        self._biggest = max(plan.radii, default=10.0)
        self._ring = items.ring_item(colors.highlight)
        self.addItem(self._ring)
        self.setSceneRect(plan.bounds)
        self._shown_tiers = set()
        self.set_scale(self._scale)
        self.hovered = None
        if focused in self.index:
            self.set_focused(focused)
        else:
            self.focused = None

    # --- level of detail --------------------------------------------------------------
    def set_scale(self, scale: float) -> None:
        """Which circles' names the zoom ``scale`` allows (closest people first); which
        of them are drawn is then up to ``cull_names``."""
        self._scale = scale
        wanted = {tier for tier, threshold in LABEL_SCALES.items() if scale >= threshold}
        for tier in self._shown_tiers - wanted:
            for i in self._tiers.get(tier, ()):
                label = self._labels.get(i)
                if label is not None:
                    label.hide()
        self._shown_tiers = wanted

    def cull_names(self, to_screen: Callable[[QPointF], QPointF], area: QRectF) -> None:
        """Show the names the zoom allows in ``area`` (screen pixels), the closest and
        best connected people first, leaving out any that would cover one already shown.
        Names outside ``area`` are left to the next call (the view calls it again after
        a pan), so a zoom into 2,000 people makes only the labels it shows."""
        cell = 64.0
        taken: dict[tuple[int, int], list[QRectF]] = {}
        origin = to_screen(QPointF(0.0, 0.0))
        for written in self._highlight_rects:  # the highlight's own names come first
            rect = written.translated(origin)
            for key in _cells(rect, cell):
                taken.setdefault(key, []).append(rect)
        busy = self._suppressed
        for i in self._label_order:
            if self.people[i].closeness not in self._shown_tiers or i in busy:
                continue
            x, y = self.xy[i]
            anchor = to_screen(QPointF(x, y + self.plan.radii[i]))
            if not area.contains(anchor):
                label = self._labels.get(i)
                if label is not None:
                    label.hide()
                continue
            label = self._label(i)
            rect = label.boundingRect().translated(anchor)
            keys = _cells(rect, cell)
            free = not any(rect.intersects(other) for key in keys for other in taken.get(key, ()))
            label.setVisible(free)
            if free:
                for key in keys:
                    taken.setdefault(key, []).append(rect)

    def cull_group_labels(self, to_screen: Callable[[QPointF], QPointF]) -> None:
        """Show each group's name unless a bigger group's name is already there on the
        screen (``to_screen`` maps a scene point to where it is drawn, in pixels)."""
        taken: list[QRectF] = []
        for label, _size in sorted(self.group_labels, key=lambda pair: -pair[1]):
            rect = label.boundingRect().translated(to_screen(label.pos())).adjusted(-3, -2, 3, 2)
            free = not any(rect.intersects(other) for other in taken)
            label.setVisible(free)
            if free:
                taken.append(rect)

    @contextlib.contextmanager
    def drawn_at(self, scale: float) -> Iterator[None]:
        """The scene as a picture at ``scale`` shows it: the names of that zoom that fit,
        the group names that fit, no highlight; as it was afterwards."""
        was_scale = self._scale
        hovered, focused = self.hovered, self.focused
        self.hovered = self.focused = None
        self._highlight(None)
        labels: list[QGraphicsItem] = [label for label, _ in self.group_labels]
        labels += [*self._labels.values(), self._ring]
        visible = {label: label.isVisible() for label in labels}
        self._ring.hide()
        self.set_scale(scale)

        def to_picture(point: QPointF) -> QPointF:
            return QPointF(point.x() * scale, point.y() * scale)

        rect = self.sceneRect()
        whole = QRectF(to_picture(rect.topLeft()), to_picture(rect.bottomRight()))
        self.cull_names(to_picture, whole)
        self.cull_group_labels(to_picture)
        try:
            yield
        finally:
            self.set_scale(was_scale)
            for name in self._labels.values():  # made for the picture: hidden again
                name.setVisible(visible.get(name, False))
            for item, shown in visible.items():
                item.setVisible(shown)
            self.hovered, self.focused = hovered, focused
            self._highlight(hovered if hovered is not None else focused)

    def names_shown(self) -> int:
        return sum(1 for label in self._labels.values() if label.isVisible())

    def _label(self, i: int) -> LabelItem:
        label = self._labels.get(i)
        if label is None:
            person = self.people[i]
            label = LabelItem(
                person.name, self._name_font, self.colors.text, items.plate_color(self.colors)
            )
            x, y = self.xy[i]
            label.setPos(x, y + _radius(person))
            label.hide()
            self.addItem(label)
            self._labels[i] = label
        return label

    # --- finding and highlighting -----------------------------------------------------
    def node_at(self, pos: QPointF, tolerance: float) -> int | None:
        """The contact id of the person drawn at ``pos`` (or within ``tolerance`` scene
        units of their dot), the nearest if several."""
        reach = tolerance + self._biggest
        x, y = pos.x(), pos.y()
        best: tuple[float, int] | None = None
        span = math.ceil(reach / drawing.GRID_CELL)
        cx, cy = drawing.cell(x, y)
        for gx in range(cx - span, cx + span + 1):
            for gy in range(cy - span, cy + span + 1):
                for i in self.plan.grid.get((gx, gy), ()):
                    px, py = self.xy[i]
                    gap = math.hypot(px - x, py - y) - self.plan.radii[i]
                    if gap <= tolerance and (best is None or gap < best[0]):
                        best = (gap, i)
        return self.ids[best[1]] if best is not None else None

    def position_of(self, contact_id: int) -> QPointF | None:
        i = self.index.get(contact_id)
        return None if i is None else QPointF(*self.xy[i])

    def set_hovered(self, contact_id: int | None) -> None:
        if contact_id == self.hovered:
            return
        self.hovered = contact_id
        self._highlight(contact_id if contact_id is not None else self.focused)

    def set_focused(self, contact_id: int | None) -> None:
        """Ring and highlight this person until another is focused (None: nobody)."""
        self.focused = contact_id if contact_id in self.index else None
        ring = self._ring
        if self.focused is None:
            ring.hide()
        else:
            i = self.index[self.focused]
            radius = _radius(self.people[i]) + 4.0
            ring.setRect(-radius, -radius, 2 * radius, 2 * radius)
            ring.setPos(*self.xy[i])
            ring.show()
        self._highlight(self.hovered if self.hovered is not None else self.focused)

    def _highlight(self, contact_id: int | None) -> None:
        """Draw this person's links over the others, and name them and each neighbour
        with how they are linked ("reports to Bo Chen"); None: no highlight."""
        for item in self._transient:
            self.removeItem(item)
        self._transient = []
        for i in self._suppressed:
            label = self._labels.get(i)
            if label is not None and self.people[i].closeness in self._shown_tiers:
                label.show()  # until the next cull decides
        self._suppressed = set()
        self._highlight_rects = []
        self.highlightChanged.emit()
        dim = contact_id is not None and contact_id in self.index
        if self.link_layer is not None:
            self.link_layer.setOpacity(0.35 if dim else 1.0)
        if not dim:
            return
        assert contact_id is not None
        i = self.index[contact_id]
        segments: dict[str, list[tuple[float, float, float, float]]] = {}
        verbs: dict[int, list[str]] = {}
        for number in self.links_of[i]:
            link = self.links[number]
            other = self.index[link.target if link.source == contact_id else link.source]
            segments.setdefault(link.kind, []).append((*self.xy[i], *self.xy[other]))
            phrase = describe(link.kind, link.label, link.source == contact_id)
            if phrase not in verbs.setdefault(other, []):
                verbs[other].append(phrase)
        highlight = items.PathsLayer(
            [
                (
                    items.segments_path(lines),
                    items.link_pen(QColor(self.colors.highlight), kind, scale=1.8),
                    None,
                )
                for kind, lines in segments.items()
            ]
        )
        highlight.setZValue(items.Z_LINK_HIGHLIGHT)
        self._add_transient(highlight)
        accent = self.colors.text if self.colors.dark else self.colors.highlight.darker(130)
        taken = self._highlight_rects  # at the current zoom (overlaps do not depend on panning)
        self._transient_label(i, self.people[i].name, self._bold_font, self.colors.text, taken)
        neighbours = sorted(verbs, key=lambda j: (self.people[j].closeness, j))
        for j in neighbours[:MAX_NEIGHBOUR_LABELS]:
            text = f"{', '.join(verbs[j])} {self.people[j].name}"
            self._transient_label(j, text, self._name_font, accent, taken)

    def _transient_label(
        self, i: int, text: str, font: QFont, color: QColor, taken: list[QRectF]
    ) -> None:
        """Name ``i`` in the highlight's words, unless that would cover a name already
        written (the tooltip lists every link)."""
        label = LabelItem(text, font, color, items.plate_color(self.colors, 0.92))
        x, y = self.xy[i]
        y += self.plan.radii[i]
        rect = label.boundingRect().translated(x * self._scale, y * self._scale)
        if any(rect.intersects(other) for other in taken):
            return
        taken.append(rect)
        label.setPos(x, y)
        label.setZValue(items.Z_LABEL + 0.5)
        self._add_transient(label)
        own = self._labels.get(i)
        if own is not None:
            own.hide()
        self._suppressed.add(i)

    def _add_transient(self, item: QGraphicsItem) -> None:
        self.addItem(item)
        self._transient.append(item)

    # --- words ----------------------------------------------------------------------------
    def summary(self, contact_id: int, now: datetime | None = None) -> str:
        """The tooltip of a person: who, where, how close, how overdue, linked to whom."""
        i = self.index.get(contact_id)
        if i is None:
            return ""
        now = now or datetime.now(UTC)
        person = self.people[i]
        lines = [person.name]
        where = " · ".join(p for p in (person.job_title, person.organization, person.team) if p)
        if where:
            lines.append(where)
        lines.append(f"{person.closeness.label} · {due_text(person, now)}")
        if person.last_interaction_at is not None:
            days = (now.astimezone().date() - person.last_interaction_at.astimezone().date()).days
            lines.append(f"Last contact: {days_ago_text(days).lower()}")
        else:
            lines.append("No interaction logged")
        names = {cid: self.people[j].name for cid, j in self.index.items()}
        phrases = relations(contact_id, (self.links[n] for n in self.links_of[i]), names)
        if phrases:
            shown = phrases[:MAX_TOOLTIP_RELATIONS]
            lines.extend(f"  {phrase}" for phrase in shown)
            if len(phrases) > len(shown):
                lines.append(f"  … and {len(phrases) - len(shown)} more")
        lines.append("Click to open in Contacts")
        return "\n".join(lines)


def _radius(person: Person) -> float:
    return RADII[person.closeness]


def _cells(rect: QRectF, cell: float) -> list[tuple[int, int]]:
    """The cells of a grid ``cell`` pixels wide that ``rect`` touches."""
    return [
        (gx, gy)
        for gx in range(math.floor(rect.left() / cell), math.floor(rect.right() / cell) + 1)
        for gy in range(math.floor(rect.top() / cell), math.floor(rect.bottom() / cell) + 1)
    ]

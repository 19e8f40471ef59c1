"""The geometry of a map, prepared off the GUI thread: paths of links and group outlines,
who is linked to whom, and a grid to find the person under the mouse.

Building 10,000 links into paths and 100 rounded group outlines takes tens of
milliseconds of Python and Qt: done in the worker, the GUI thread only wraps the
finished paths in a few items. ``QPainterPath`` and ``QPainterPathStroker`` are plain
values (no thread affinity), safe to make on any thread; fonts and items are not, and
stay on the GUI thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

from ally_desktop.core.network import RADII, Group, Link, Person

HULL_PADDING = 16.0  # scene units around a group's outermost people
GRID_CELL = 40.0
SCENE_MARGIN = 80.0


@dataclass(frozen=True)
class Drawing:
    """Everything the scene draws of one result, by person index (``people`` order)."""

    xy: list[tuple[float, float]]
    radii: list[float]
    # (kind, across groups) -> those links: links between groups are drawn fainter.
    link_paths: dict[tuple[str, bool], QPainterPath]
    links_of: list[list[int]]  # person index -> numbers of their links
    hulls: list[QPainterPath]  # by group number (empty path: no members)
    grid: dict[tuple[int, int], list[int]]
    bounds: QRectF


def cell(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / GRID_CELL), math.floor(y / GRID_CELL)


def plan(
    people: Sequence[Person],
    links: Sequence[Link],
    groups: Sequence[Group],
    positions: dict[int, tuple[float, float]],
    group_of: Sequence[int] = (),
    pause: Callable[[], object] | None = None,
) -> Drawing:
    ids = [p.id for p in people]
    index = {cid: i for i, cid in enumerate(ids)}
    xy = [positions.get(cid, (0.0, 0.0)) for cid in ids]
    radii = [RADII[p.closeness] for p in people]

    links_of: list[list[int]] = [[] for _ in ids]
    paths: dict[tuple[str, bool], QPainterPath] = {}
    drawn: set[tuple[int, int, str]] = set()
    for number, link in enumerate(links):
        if pause is not None and not number & 1023:
            pause()
        a = index.get(link.source)
        b = index.get(link.target)
        if a is None or b is None or a == b:
            continue
        links_of[a].append(number)
        links_of[b].append(number)
        key = (a, b, link.kind) if a < b else (b, a, link.kind)
        if key in drawn:
            continue
        drawn.add(key)
        across = bool(group_of) and group_of[a] != group_of[b]
        path = paths.get((link.kind, across))
        if path is None:
            path = paths[(link.kind, across)] = QPainterPath()
        path.moveTo(*xy[a])
        path.lineTo(*xy[b])

    hulls = [
        hull_path([xy[i] for i in group.members], HULL_PADDING) if group.members else QPainterPath()
        for group in groups
    ]
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(xy):
        grid.setdefault(cell(x, y), []).append(i)
    return Drawing(xy, radii, paths, links_of, hulls, grid, _bounds(xy, hulls))


def _bounds(xy: Sequence[tuple[float, float]], hulls: Sequence[QPainterPath]) -> QRectF:
    if not xy:
        return QRectF(-100, -100, 200, 200)
    xs = [p[0] for p in xy]
    ys = [p[1] for p in xy]
    rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    for hull in hulls:
        if not hull.isEmpty():
            rect = rect.united(hull.boundingRect())
    # Room above for the group names, which sit on the outlines' top edges.
    return rect.adjusted(-SCENE_MARGIN / 2, -SCENE_MARGIN, SCENE_MARGIN / 2, SCENE_MARGIN / 2)


def convex_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull, counter-clockwise (Andrew's monotone chain)."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def hull_path(points: Sequence[tuple[float, float]], padding: float) -> QPainterPath:
    """A soft outline around a group: its convex hull grown by ``padding``, with round
    corners drawn as arcs (a single person gets a circle, two a capsule)."""
    hull = convex_hull(points)
    path = QPainterPath()
    if not hull:
        return path
    if len(hull) == 1:
        path.addEllipse(QPointF(*hull[0]), padding, padding)
        return path
    count = len(hull)
    cx = sum(p[0] for p in hull) / count
    cy = sum(p[1] for p in hull) / count
    edges = []  # (direction, outward normal) of the edge leaving each vertex
    for i in range(count):
        (x1, y1), (x2, y2) = hull[i], hull[(i + 1) % count]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        dx, dy = (x2 - x1) / length, (y2 - y1) / length
        edges.append(((dx, dy), (dy, -dx)))
    if count > 2:  # turn the normals outwards (the hull may run either way round)
        (_d, (nx, ny)) = edges[0]
        if nx * (hull[0][0] - cx) + ny * (hull[0][1] - cy) < 0:
            edges = [(d, (-n[0], -n[1])) for d, n in edges]
    else:  # two people: the second edge runs back, its normal faces the other side
        edges[1] = (edges[1][0], (-edges[0][1][0], -edges[0][1][1]))

    def angle(vx: float, vy: float) -> float:  # QPainterPath's degrees: y points down
        return math.degrees(math.atan2(-vy, vx))

    box = QRectF(0, 0, 2 * padding, 2 * padding)
    for i in range(count):
        (x, y) = hull[i]
        (_din, (nx0, ny0)) = edges[i - 1]
        (_dout, (nx1, ny1)) = edges[i]
        start = angle(nx0, ny0)
        sweep = (angle(nx1, ny1) - start + 180.0) % 360.0 - 180.0
        if abs(abs(sweep) - 180.0) < 1e-6:  # a capsule's end: round the far side
            heading = angle(*edges[i - 1][0])
            middle = (start + 90.0 - heading + 180.0) % 360.0 - 180.0
            sweep = 180.0 if abs(middle) < 90.0 else -180.0
        box.moveCenter(QPointF(x, y))
        if i == 0:
            path.arcMoveTo(box, start)
        path.arcTo(box, start, sweep)
        path.lineTo(x + nx1 * padding, y + ny1 * padding)
    path.closeSubpath()
    return path


def group_anchor(hull: QPainterPath) -> QPointF:
    """Where a group's name goes: centred on the top edge of its outline."""
    rect = hull.boundingRect()
    return QPointF(rect.center().x(), rect.top())

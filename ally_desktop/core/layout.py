"""Where the network map puts each person: a grouped, force-directed layout in pure Python.

The map must read well with 2,000 people and 10,000 links, be computed in well under two
seconds on a modest laptop, and need nothing beyond the standard library (numpy would
grow the installer past its budget). It works in two stages:

1. A grouped placement that is already a fair picture. Each group (an organization or a
   team) gets a disc sized by its members; discs are placed largest first along a
   spiral from the centre, each at the first spot where it overlaps none placed before
   (the word-cloud method, with a coarse grid so each test looks at a few discs only).
   Inside its disc, members sit on a sunflower (phyllotaxis) spiral, closest people
   nearest the centre.
2. A force-directed refinement of that placement (Fruchterman-Reingold with its grid
   variant): repulsion only between people closer than a cut-off, found through a
   uniform grid (so no n² loop), springs along the links (weak between groups), a pull
   of each member towards its group's centre, which also keeps the size its members
   need and a limit no member passes, pushes between overlapping groups (by where their
   members are, so outlines never overlap), and a temperature that caps each move and
   cools at every round; a few last rounds only push apart people who still overlap. The number of
   rounds is fixed in advance from the size of the graph (so the result is the same
   for the same input and seed), and a time budget stops it early on a slow machine.

Incremental: people with a cached position start there and move less; new people start
next to their group's cached members (or their group is placed beside the picture);
the refinement then starts cool, so the map the user already knows stays where it was.

The loop checks the clock every few milliseconds, calls ``pause()`` then (the caller
passes ``time.sleep(0)`` from a worker thread, so the GUI thread gets the interpreter
lock back promptly) and ``cancelled()`` (a new filter, the page left).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
GAP = 7.0  # the least room between two people, in scene units (a person is 4-10 wide)
GROUP_MARGIN = 34.0  # between group discs: room for the hull's edge and the group's name
ASPECT = 1.4  # the spiral of groups is wider than tall, as screens are
INTER_GROUP_PULL = 0.25  # a link to another group pulls this much (times the ideal length)
SPRING_CAP = 2.0  # a link within a group pulls no harder than at this many ideal lengths
SPRING = 2.0  # the strength of a link within a group
SPRING_DAMPING = 0.75  # busy people's links are weakened by their number to this power
COLLISION = 30.0  # how hard two overlapping people push apart
GRAVITY = 0.15  # the pull towards the group's centre at its rim (times the ideal length)
BREATHING = 0.5  # how fast a group regains its size, per round
RIM_PULL = 0.5  # how much of the way back a member beyond the rim is pulled, per round
OUTER_LIMIT = 1.25  # no member goes farther from their group's centre (times its radius)
SEPARATION_ROUNDS = 8  # final rounds that only push overlapping people apart
CACHED_MOBILITY = 0.3  # people placed before move this much of what new people move


class LayoutCancelledError(Exception):
    """The caller asked to stop (a new filter, the page closed)."""


@dataclass(frozen=True)
class Graph:
    """What the layout needs, as plain lists indexed by node (0..n-1).

    ``groups``: each node's group number; ``radii``: how big each node is drawn;
    ``ranks``: order inside its group (lower sits nearer the centre: closeness);
    ``edges``: pairs of node indices (duplicates, reversed pairs and self-loops are
    ignored); ``start``: cached positions of some nodes, by node index; ``last_group``:
    a group placed after all others, at the edge of the picture, whatever its size.
    """

    groups: Sequence[int]
    radii: Sequence[float]
    ranks: Sequence[int]
    edges: Sequence[tuple[int, int]]
    start: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    last_group: int = -1  # placed after every other group, at the edge ("Other …")

    @property
    def size(self) -> int:
        return len(self.groups)


@dataclass(frozen=True)
class Settings:
    seed: int = 7
    max_rounds: int = 90  # from scratch; the work estimate may allow fewer
    incremental_rounds: int = 35  # when most people start from the cache
    work_per_layout: float = 6.0e6  # pair tests + links the rounds may cost in all
    time_budget_s: float = 1.6  # a safety net: stops the rounds on a slow machine
    pause_every_s: float = 0.002  # how often ``pause`` and ``cancelled`` are called


@dataclass(frozen=True)
class Layout:
    """The result: a position per node, and how it was reached."""

    xs: list[float]
    ys: list[float]
    rounds: int  # refinement rounds run
    planned_rounds: int
    seconds: float
    stopped_by_budget: bool

    def positions(self) -> list[tuple[float, float]]:
        return list(zip(self.xs, self.ys, strict=True))


Callback = Callable[[], object]
Progress = Callable[[float], object]


def _never() -> bool:
    return False


def _nothing() -> None:
    return None


# --- the grouped placement --------------------------------------------------------------
def _node_area(radius: float) -> float:
    """The room one person takes in a packed group: a square cell around the dot."""
    side = 2.0 * radius + GAP
    return side * side


def group_radii(graph: Graph, group_count: int) -> list[float]:
    """The radius of each group's disc: its members' room packed in a circle, plus the
    biggest dot so the outermost people stay inside."""
    area = [0.0] * group_count
    biggest = [0.0] * group_count
    for g, r in zip(graph.groups, graph.radii, strict=True):
        area[g] += _node_area(r)
        biggest[g] = max(biggest[g], r)
    return [
        math.sqrt(a / math.pi) * 1.1 + b if a else 0.0 for a, b in zip(area, biggest, strict=True)
    ]


class _DiscGrid:
    """Placed discs in a coarse grid: a new disc is tested against the nearby ones only."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.discs: list[tuple[float, float, float]] = []

    def _span(self, x: float, y: float, r: float) -> tuple[int, int, int, int]:
        c = self.cell
        return (
            math.floor((x - r) / c),
            math.floor((x + r) / c),
            math.floor((y - r) / c),
            math.floor((y + r) / c),
        )

    def add(self, x: float, y: float, r: float) -> None:
        index = len(self.discs)
        self.discs.append((x, y, r))
        x0, x1, y0, y1 = self._span(x, y, r)
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                self.cells.setdefault((cx, cy), []).append(index)

    def free(self, x: float, y: float, r: float) -> bool:
        x0, x1, y0, y1 = self._span(x, y, r)
        seen: set[int] = set()
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                for index in self.cells.get((cx, cy), ()):
                    if index in seen:
                        continue
                    seen.add(index)
                    ox, oy, orad = self.discs[index]
                    reach = r + orad
                    if (ox - x) ** 2 + (oy - y) ** 2 < reach * reach:
                        return False
        return True


def place_groups(
    radii: Sequence[float],
    fixed: Mapping[int, tuple[float, float]] | None = None,
    margin: float = GROUP_MARGIN,
    last: int = -1,
) -> list[tuple[float, float]]:
    """A centre for each group's disc: those in ``fixed`` stay; the others, largest
    first, go to the first free spot along a spiral from the middle (wider than tall);
    the group ``last``, whatever its size, goes after all of them (outermost)."""
    fixed = fixed or {}
    centres: list[tuple[float, float]] = [(0.0, 0.0)] * len(radii)
    present = [g for g, r in enumerate(radii) if r > 0]
    if not present:
        return centres
    padded = {g: radii[g] + margin / 2 for g in present}
    ordered = sorted(padded.values())
    grid = _DiscGrid(cell=max(2.0 * ordered[len(ordered) // 2], 20.0))
    for g in present:
        if g in fixed:
            centres[g] = fixed[g]
            grid.add(*fixed[g], padded[g])
    if fixed:
        ox = sum(fixed[g][0] for g in fixed) / len(fixed)
        oy = sum(fixed[g][1] for g in fixed) / len(fixed)
    else:
        ox = oy = 0.0
    # The spiral r = b·θ: one turn further out every ``turn`` units, walked in steps of
    # about a third of the disc being placed; each disc resumes where the last one
    # stopped (they come largest first, so the gaps behind are mostly too small).
    turn = max(min(padded.values()) * 2.0, 12.0)
    b = turn / (2.0 * math.pi)
    theta = 0.0
    first = not fixed
    order = sorted((g for g in present if g not in fixed), key=lambda g: (g == last, -radii[g], g))
    for g in order:
        r = padded[g]
        if first:
            centres[g] = (ox, oy)
            grid.add(ox, oy, r)
            first = False
            continue
        step = max(r / 3.0, 4.0)
        while True:
            rho = b * theta
            x = ox + rho * math.cos(theta) * ASPECT
            y = oy + rho * math.sin(theta) / ASPECT
            if grid.free(x, y, r):
                break
            theta += step / max(rho, step)
        centres[g] = (x, y)
        grid.add(x, y, r)
        # The next (smaller) disc may fit just behind this one: step back a little.
        theta = max(0.0, theta - r / max(b * theta, r))
    return centres


def _sunflower(
    members: Sequence[int], radii: Sequence[float], cx: float, cy: float
) -> list[tuple[int, float, float]]:
    """Members on a phyllotaxis spiral around (cx, cy), in the order given (the first in
    the middle), each ring as far out as the room of those inside needs."""
    placed = []
    inside = 0.0
    for j, node in enumerate(members):
        own = _node_area(radii[node])
        rho = math.sqrt((inside + own / 2.0) / math.pi)
        inside += own
        angle = j * GOLDEN_ANGLE
        placed.append((node, cx + rho * math.cos(angle), cy + rho * math.sin(angle)))
    return placed


def _degrees(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    degree = [0] * n
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    return degree


def _clean_edges(n: int, edges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each unordered pair once, no self-loops, indices in range."""
    seen: set[tuple[int, int]] = set()
    clean = []
    for a, b in edges:
        if a == b or not (0 <= a < n and 0 <= b < n):
            continue
        key = (a, b) if a < b else (b, a)
        if key not in seen:
            seen.add(key)
            clean.append(key)
    return clean


def initial_positions(graph: Graph) -> tuple[list[float], list[float], list[bool]]:
    """The grouped placement (stage 1): x, y, and which nodes kept a cached position.

    Cached people keep their place unless they sit far outside their group's cached
    members (they changed organization since): then they are placed as new.
    """
    n = graph.size
    xs = [0.0] * n
    ys = [0.0] * n
    kept = [False] * n
    if n == 0:
        return xs, ys, kept
    group_count = max(graph.groups) + 1
    radii = group_radii(graph, group_count)
    members: list[list[int]] = [[] for _ in range(group_count)]
    for node, g in enumerate(graph.groups):
        members[g].append(node)
    edges = _clean_edges(n, graph.edges)
    degree = _degrees(n, edges)

    # Where the cache puts each group: the median of its cached members (robust to a
    # few who moved in from elsewhere).
    fixed: dict[int, tuple[float, float]] = {}
    for g, nodes in enumerate(members):
        cached = [graph.start[node] for node in nodes if node in graph.start]
        if not cached:
            continue
        mx = sorted(p[0] for p in cached)[len(cached) // 2]
        my = sorted(p[1] for p in cached)[len(cached) // 2]
        fixed[g] = (mx, my)
        reach = (radii[g] * 1.6 + 40.0) ** 2
        for node in nodes:
            position = graph.start.get(node)
            if position is not None and (position[0] - mx) ** 2 + (position[1] - my) ** 2 < reach:
                xs[node], ys[node] = position
                kept[node] = True
    centres = place_groups(radii, fixed, last=graph.last_group)

    for g, nodes in enumerate(members):
        new = [node for node in nodes if not kept[node]]
        if not new:
            continue
        new.sort(key=lambda node: (graph.ranks[node], -degree[node], node))
        cx, cy = centres[g]
        if g in fixed:
            # Around the group's cached people: on the sunflower after them, so new
            # people ring the ones already placed instead of landing on top of them.
            old = len(nodes) - len(new)
            ring = _sunflower([*nodes[:old], *new], graph.radii, cx, cy)[old:]
            ring = [(node, x, y) for (_, x, y), node in zip(ring, new, strict=True)]
        else:
            ring = _sunflower(new, graph.radii, cx, cy)
        for node, x, y in ring:
            xs[node], ys[node] = x, y
    return xs, ys, kept


# --- the refinement ----------------------------------------------------------------------
def planned_rounds(graph: Graph, settings: Settings, incremental: bool) -> int:
    """How many rounds the refinement runs: fixed from the size of the graph, so the same
    input gives the same picture on any machine (the time budget is a safety net)."""
    most = settings.incremental_rounds if incremental else settings.max_rounds
    cost_per_round = 12.0 * graph.size + 1.5 * len(graph.edges) + 1.0
    return max(min(most, 12), min(most, int(settings.work_per_layout / cost_per_round)))


def layout(
    graph: Graph,
    settings: Settings | None = None,
    *,
    progress: Progress | None = None,
    pause: Callback = _nothing,
    cancelled: Callable[[], bool] = _never,
    start: tuple[list[float], list[float], list[bool]] | None = None,
) -> Layout:
    """Lay the graph out (both stages). Raises LayoutCancelledError when ``cancelled()``.

    ``start``: what ``initial_positions(graph)`` returned, when the caller has it already.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    n = graph.size
    xs, ys, kept = (
        initial_positions(graph) if start is None else (list(start[0]), list(start[1]), start[2])
    )
    if n <= 1:
        return Layout(xs, ys, 0, 0, time.perf_counter() - started, False)
    incremental = sum(kept) >= n * 0.5
    rounds = planned_rounds(graph, settings, incremental)
    done, by_budget = _refine(
        graph, xs, ys, kept, rounds, incremental, settings, started, progress, pause, cancelled
    )
    return Layout(xs, ys, done, rounds, time.perf_counter() - started, by_budget)


def _refine(
    graph: Graph,
    xs: list[float],
    ys: list[float],
    kept: list[bool],
    rounds: int,
    incremental: bool,
    settings: Settings,
    started: float,
    progress: Progress | None,
    pause: Callback,
    cancelled: Callable[[], bool],
) -> tuple[int, bool]:
    """Stage 2, in place on ``xs``/``ys``; returns the rounds run and whether the time
    budget stopped them."""
    n = graph.size
    sqrt = math.sqrt
    clock = time.perf_counter
    rng = random.Random(settings.seed)
    groups = list(graph.groups)
    group_count = max(groups) + 1
    radii = list(graph.radii)
    g_estimate = group_radii(graph, group_count)
    g_size = [0] * group_count
    for g in groups:
        g_size[g] += 1
    present = [g for g in range(group_count) if g_size[g]]

    mean_radius = sum(radii) / n
    max_radius = max(radii)
    k = 2.0 * mean_radius + GAP * 1.6  # the ideal distance between linked people
    k2 = k * k
    cut = 1.7 * k  # repulsion reaches this far (a few neighbours each)
    cut2 = cut * cut
    inv_cell = 1.0 / cut
    edges = _clean_edges(n, graph.edges)
    degree = _degrees(n, edges)
    # Links within a group pull as springs (FR: d²/k, capped); a link to another group
    # pulls with a small constant force, drawing the person to the side of their group
    # that faces the other one without dragging whole groups into each other. Busy
    # people's springs are weakened, or a dense group would collapse on itself.
    springs = []
    pulls = []
    for a, b in edges:
        weight = SPRING / max(degree[a], degree[b]) ** SPRING_DAMPING
        if groups[a] == groups[b]:
            springs.append((a, b, weight / k))
        else:
            pulls.append((a, b, weight * INTER_GROUP_PULL * k))
    spring_cap = SPRING_CAP * k
    spring_chunks = [springs[start : start + 1024] for start in range(0, len(springs), 1024)]
    mobility = [CACHED_MOBILITY if kept[i] else 1.0 for i in range(n)] if incremental else None
    temperature = k * (0.35 if incremental else 0.8)
    final_temperature = k * 0.03
    cooling = (final_temperature / temperature) ** (1.0 / max(rounds - 1, 1))
    neighbours = ((1, 0), (-1, 1), (0, 1), (1, 1))

    last_pause = [clock()]
    pause_every = settings.pause_every_s

    def breathe() -> None:
        """Every few milliseconds: let other threads run, and stop if asked."""
        pause()
        if cancelled():
            raise LayoutCancelledError
        last_pause[0] = clock()

    done = 0
    by_budget = False
    for round_index in range(rounds):
        dx = [0.0] * n
        dy = [0.0] * n

        # Repulsion between people closer than the cut-off, found through a grid whose
        # cells are as wide as the cut-off: each pair is looked at once, from the cell of
        # one of them and four of its neighbours.
        cells: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            key = (int(xs[i] * inv_cell // 1), int(ys[i] * inv_cell // 1))
            bucket = cells.get(key)
            if bucket is None:
                cells[key] = [i]
            else:
                bucket.append(i)
        for (cx, cy), bucket in cells.items():
            if clock() - last_pause[0] >= pause_every:
                breathe()
            rest: list[int] = []
            for nx, ny in neighbours:
                other = cells.get((cx + nx, cy + ny))
                if other is not None:
                    rest += other
            for p, i in enumerate(bucket):
                xi = xs[i]
                yi = ys[i]
                ri = radii[i] + GAP
                fx = 0.0
                fy = 0.0
                for j in bucket[p + 1 :] + rest:
                    ddx = xi - xs[j]
                    ddy = yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 >= cut2:
                        continue
                    if d2 < 1e-4:
                        ddx = rng.uniform(-0.5, 0.5)
                        ddy = rng.uniform(-0.5, 0.5)
                        d2 = ddx * ddx + ddy * ddy + 1e-4
                    f = k2 / d2
                    least = ri + radii[j]
                    if d2 < least * least:  # overlapping: push hard
                        f += COLLISION * (least / sqrt(d2) - 1.0)
                    ddx *= f
                    ddy *= f
                    fx += ddx
                    fy += ddy
                    dx[j] -= ddx
                    dy[j] -= ddy
                dx[i] += fx
                dy[i] += fy

        for chunk in spring_chunks:
            if clock() - last_pause[0] >= pause_every:
                breathe()
            for a, b, s in chunk:
                ddx = xs[a] - xs[b]
                ddy = ys[a] - ys[b]
                d = sqrt(ddx * ddx + ddy * ddy)
                f = (d if d < spring_cap else spring_cap * spring_cap / d) * s
                ddx *= f
                ddy *= f
                dx[a] -= ddx
                dy[a] -= ddy
                dx[b] += ddx
                dy[b] += ddy
        for a, b, s in pulls:
            ddx = xs[a] - xs[b]
            ddy = ys[a] - ys[b]
            f = s / (sqrt(ddx * ddx + ddy * ddy) + 1e-9)
            ddx *= f
            ddy *= f
            dx[a] -= ddx
            dy[a] -= ddy
            dx[b] += ddx
            dy[b] += ddy

        # Each group's centre and spread. A group keeps the size its members need: one
        # squeezed by its links is widened, one spread too far drawn in (so dense groups
        # do not collapse into a heap, nor loose ones drift apart); a member beyond the
        # rim is pulled back. Groups whose discs overlap push each other apart (the
        # bigger group gives way less).
        sx = [0.0] * group_count
        sy = [0.0] * group_count
        for i in range(n):
            g = groups[i]
            sx[g] += xs[i]
            sy[g] += ys[i]
        gx = [sx[g] / g_size[g] if g_size[g] else 0.0 for g in range(group_count)]
        gy = [sy[g] / g_size[g] if g_size[g] else 0.0 for g in range(group_count)]
        spread = [0.0] * group_count
        farthest = [0.0] * group_count
        for i in range(n):
            g = groups[i]
            ddx = xs[i] - gx[g]
            ddy = ys[i] - gy[g]
            d2 = ddx * ddx + ddy * ddy
            spread[g] += d2
            if d2 > farthest[g]:
                farthest[g] = d2
        actual = [
            sqrt(2.0 * spread[g] / g_size[g]) if g_size[g] else 0.0 for g in range(group_count)
        ]
        # Groups are kept apart by where their members really are (the outlines drawn
        # around them must not overlap), at least by the room they should need.
        g_radius = [
            max(sqrt(farthest[g]) + max_radius, 0.8 * g_estimate[g]) for g in range(group_count)
        ]
        grow = [
            (min(max(g_estimate[g] / actual[g], 0.85), 1.2) - 1.0) * BREATHING
            if actual[g] > 1.0 and g_size[g] > 2
            else 0.0
            for g in range(group_count)
        ]
        rim2 = [r * r for r in g_estimate]
        cap2 = [(r * OUTER_LIMIT) ** 2 for r in g_estimate]
        pull = [GRAVITY * k / r if r > 0 else 0.0 for r in g_estimate]
        shift_x = [0.0] * group_count
        shift_y = [0.0] * group_count
        for index, a in enumerate(present):
            ax = gx[a]
            ay = gy[a]
            ra = g_radius[a] + GROUP_MARGIN
            for b in present[index + 1 :]:
                ddx = ax - gx[b]
                ddy = ay - gy[b]
                reach = ra + g_radius[b]
                d2 = ddx * ddx + ddy * ddy
                if d2 >= reach * reach:
                    continue
                d = sqrt(d2)
                if d < 1e-6:
                    ddx, ddy, d = 1.0, 0.0, 1.0
                overlap = min((reach - d) / d, temperature / d) * 0.5
                share_a = g_size[b] / (g_size[a] + g_size[b])
                shift_x[a] += ddx * overlap * share_a
                shift_y[a] += ddy * overlap * share_a
                shift_x[b] -= ddx * overlap * (1.0 - share_a)
                shift_y[b] -= ddy * overlap * (1.0 - share_a)

        # Move, each by at most the temperature.
        t = temperature
        t2 = t * t
        for i in range(n):
            g = groups[i]
            ox = xs[i] - gx[g]
            oy = ys[i] - gy[g]
            mx = dx[i] - ox * pull[g]
            my = dy[i] - oy * pull[g]
            o2 = ox * ox + oy * oy
            if o2 > rim2[g]:  # beyond the rim: back towards the group
                back = (1.0 - sqrt(rim2[g] / o2)) * RIM_PULL
                mx -= ox * back
                my -= oy * back
            m2 = mx * mx + my * my
            if m2 > t2:
                scale = t / sqrt(m2)
                mx *= scale
                my *= scale
            if mobility is not None:
                mx *= mobility[i]
                my *= mobility[i]
            x = xs[i] + mx + ox * grow[g]
            y = ys[i] + my + oy * grow[g]
            ox = x - gx[g]
            oy = y - gy[g]
            o2 = ox * ox + oy * oy
            if o2 > cap2[g]:  # never farther out than this: back onto the edge
                back = sqrt(cap2[g] / o2)
                x = gx[g] + ox * back
                y = gy[g] + oy * back
            xs[i] = x + shift_x[g]
            ys[i] = y + shift_y[g]
        temperature *= cooling
        done = round_index + 1

        breathe()
        if progress is not None:
            progress(done / rounds)
        if clock() - started > settings.time_budget_s:
            by_budget = True
            break
    _separate(
        xs, ys, radii, SEPARATION_ROUNDS, breathe, lambda: clock() - last_pause[0] >= pause_every
    )
    return done, by_budget


def _separate(
    xs: list[float],
    ys: list[float],
    radii: Sequence[float],
    rounds: int,
    breathe: Callable[[], None],
    due: Callable[[], bool],
) -> None:
    """Push apart people who still overlap, half the overlap each, a few times over: the
    forces leave a few dots on top of one another in dense groups, which this removes
    without undoing the arrangement."""
    n = len(xs)
    if n < 2:
        return
    reach = 2.0 * max(radii) + GAP
    inv_cell = 1.0 / reach
    neighbours = ((0, 0), (1, 0), (-1, 1), (0, 1), (1, 1))
    for _ in range(rounds):
        cells: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            cells.setdefault((int(xs[i] * inv_cell // 1), int(ys[i] * inv_cell // 1)), []).append(i)
        moved = False
        for (cx, cy), bucket in cells.items():
            if due():
                breathe()
            for nx, ny in neighbours:
                others = bucket if nx == ny == 0 else cells.get((cx + nx, cy + ny))
                if others is None:
                    continue
                for p, i in enumerate(bucket):
                    ri = radii[i] + GAP * 0.6
                    for j in others[p + 1 :] if others is bucket else others:
                        ddx = xs[i] - xs[j]
                        ddy = ys[i] - ys[j]
                        least = ri + radii[j]
                        d2 = ddx * ddx + ddy * ddy
                        if d2 >= least * least:
                            continue
                        d = math.sqrt(d2)
                        if d < 1e-6:
                            ddx, ddy, d = 1.0, 0.0, 1.0
                        push = (least - d) / d * 0.5
                        xs[i] += ddx * push
                        ys[i] += ddy * push
                        xs[j] -= ddx * push
                        ys[j] -= ddy * push
                        moved = True
        if not moved:
            break

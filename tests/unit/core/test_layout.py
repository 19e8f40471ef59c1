"""The network map's layout: deterministic, finite, bounded, grouped, stable across runs."""

from __future__ import annotations

import dataclasses
import math
import random
import time

import pytest

from ally_desktop.core import layout
from ally_desktop.core.layout import Graph, LayoutCancelledError, Settings

# No time budget in tests: the rounds planned run, whatever the machine's load.
UNHURRIED = Settings(time_budget_s=600.0)


def graph(
    people: int = 300,
    groups: int = 12,
    links: int = 900,
    seed: int = 3,
    within: float = 0.8,
) -> Graph:
    """People in groups of uneven size (a few big, many small), linked mostly within."""
    rng = random.Random(seed)
    weights = [1 / (g + 1) for g in range(groups)]
    of = rng.choices(range(groups), weights=weights, k=people)
    used = {g: n for n, g in enumerate(sorted(set(of)))}
    of = [used[g] for g in of]
    members: dict[int, list[int]] = {}
    for node, g in enumerate(of):
        members.setdefault(g, []).append(node)
    ranks = rng.choices(range(4), weights=(5, 25, 55, 15), k=people)
    edges = set()
    while len(edges) < links:
        a = rng.randrange(people)
        mates = members[of[a]]
        b = rng.choice(mates) if rng.random() < within and len(mates) > 1 else rng.randrange(people)
        if a != b:
            edges.add((min(a, b), max(a, b)))
    radii = [(10.0, 7.5, 5.5, 4.5)[r] for r in ranks]
    return Graph(groups=of, radii=radii, ranks=ranks, edges=sorted(edges))


def distances(xs: list[float], ys: list[float], groups: list[int]) -> tuple[float, float]:
    """Mean distance between people of the same group, and of different groups."""
    inside = across = 0.0
    n_inside = n_across = 0
    for a in range(len(xs)):
        for b in range(a + 1, len(xs)):
            d = math.hypot(xs[a] - xs[b], ys[a] - ys[b])
            if groups[a] == groups[b]:
                inside += d
                n_inside += 1
            else:
                across += d
                n_across += 1
    return inside / n_inside, across / n_across


def test_same_input_and_seed_give_the_same_picture() -> None:
    g = graph()
    first = layout.layout(g, UNHURRIED)
    second = layout.layout(g, UNHURRIED)
    assert first.xs == second.xs
    assert first.ys == second.ys
    assert first.rounds == first.planned_rounds


def test_every_position_is_a_finite_number() -> None:
    g = graph(people=400, links=3000)
    # Also people stacked on one spot by a cache: the layout must pull them apart.
    stacked = dataclasses.replace(g, start=dict.fromkeys(range(0, 400, 7), (5.0, 5.0)))
    for case in (g, stacked):
        result = layout.layout(case, UNHURRIED)
        assert all(math.isfinite(v) for v in result.xs + result.ys)


def test_groups_are_gathered_and_kept_apart() -> None:
    g = graph()
    result = layout.layout(g, UNHURRIED)
    inside, across = distances(result.xs, result.ys, list(g.groups))
    assert inside < across / 2.5


def test_people_hardly_overlap() -> None:
    g = graph(people=400, links=2500)
    result = layout.layout(g, UNHURRIED)
    overlaps = 0
    for a in range(g.size):
        for b in range(a + 1, g.size):
            d = math.hypot(result.xs[a] - result.xs[b], result.ys[a] - result.ys[b])
            if d < g.radii[a] + g.radii[b]:
                overlaps += 1
    assert overlaps <= g.size // 100


def test_links_within_a_group_bring_people_together() -> None:
    """Teams inside organizations: the refinement gathers each team (the starting
    placement knows nothing of the links)."""
    rng = random.Random(5)
    of, edges = [], set()
    node = 0
    for group in range(6):
        teams = [list(range(node + t * 8, node + t * 8 + 8)) for t in range(5)]
        node += 40
        of += [group] * 40
        for team in teams:
            for a in team:
                for b in rng.sample(team, 3):
                    if a != b:
                        edges.add((min(a, b), max(a, b)))
    g = Graph(of, [5.5] * node, [2] * node, sorted(edges))
    xs, ys, _kept = layout.initial_positions(g)
    result = layout.layout(g, UNHURRIED)

    def mean_link(xs: list[float], ys: list[float]) -> float:
        return sum(math.hypot(xs[a] - xs[b], ys[a] - ys[b]) for a, b in edges) / len(edges)

    assert mean_link(result.xs, result.ys) < 0.75 * mean_link(xs, ys)


def test_the_closest_sit_nearest_their_group_centre_at_the_start() -> None:
    g = Graph([0] * 50, [5.0] * 50, [3] * 25 + [0] * 25, [])
    xs, ys, _kept = layout.initial_positions(g)
    centre = layout.place_groups(layout.group_radii(g, 1))[0]
    spread = [math.hypot(x - centre[0], y - centre[1]) for x, y in zip(xs, ys, strict=True)]
    assert max(spread[25:]) < min(spread[:25])


def test_the_time_budget_stops_the_rounds() -> None:
    g = graph(people=1500, links=6000)
    started = time.perf_counter()
    result = layout.layout(g, Settings(time_budget_s=0.05, max_rounds=10_000))
    elapsed = time.perf_counter() - started
    assert result.stopped_by_budget
    assert result.rounds < result.planned_rounds
    assert elapsed < 5.0  # the budget, the starting placement and one round at most


def test_the_rounds_planned_shrink_with_the_graph_but_stay_bounded() -> None:
    small = layout.planned_rounds(graph(people=50, links=100), Settings(), incremental=False)
    big = layout.planned_rounds(graph(people=2000, links=10_000), Settings(), incremental=False)
    assert small == Settings().max_rounds
    assert 12 <= big <= small


def test_cached_people_stay_near_their_places_and_new_ones_join_their_group() -> None:
    g = graph()
    first = layout.layout(g, UNHURRIED)
    rng = random.Random(1)
    known = {node for node in range(g.size) if rng.random() < 0.9}
    start = {node: (first.xs[node], first.ys[node]) for node in known}
    again = layout.layout(dataclasses.replace(g, start=start), UNHURRIED)
    moves = sorted(math.hypot(again.xs[n] - x, again.ys[n] - y) for n, (x, y) in start.items())
    spacing = 20.0  # about one person's room
    assert moves[len(moves) // 2] < spacing
    assert moves[int(len(moves) * 0.9)] < 2.5 * spacing
    # New people land among their group, not in a corner.
    for node in set(range(g.size)) - known:
        mates = [m for m in known if g.groups[m] == g.groups[node]]
        if len(mates) < 3:
            continue
        cx = sum(again.xs[m] for m in mates) / len(mates)
        cy = sum(again.ys[m] for m in mates) / len(mates)
        reach = max(math.hypot(again.xs[m] - cx, again.ys[m] - cy) for m in mates)
        assert math.hypot(again.xs[node] - cx, again.ys[node] - cy) < reach + 3 * spacing


def test_someone_far_from_their_cached_group_is_placed_again() -> None:
    """They changed organization since the map last placed them."""
    g = Graph([0] * 20 + [1] * 20, [5.0] * 40, [2] * 40, [])
    first = layout.layout(g, UNHURRIED)
    start = {n: (first.xs[n], first.ys[n]) for n in range(40)}
    start[0] = (first.xs[39], first.ys[39])  # in group 1's middle, but of group 0
    _xs, _ys, kept = layout.initial_positions(dataclasses.replace(g, start=start))
    assert not kept[0]
    assert all(kept[1:])


def test_cancelling_stops_the_layout() -> None:
    g = graph(people=800, links=3000)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(LayoutCancelledError):
        layout.layout(g, Settings(pause_every_s=0.0), cancelled=cancelled)


def test_pause_and_progress_are_called_while_it_works() -> None:
    g = graph()
    pauses: list[int] = []
    progress: list[float] = []
    layout.layout(
        g,
        Settings(pause_every_s=0.0, time_budget_s=600.0),
        pause=lambda: pauses.append(1),
        progress=progress.append,
    )
    assert len(pauses) > len(progress) > 10
    assert progress == sorted(progress)
    assert progress[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "case",
    [
        Graph([], [], [], []),
        Graph([0], [5.0], [1], []),
        Graph([0, 0], [5.0, 5.0], [1, 2], [(0, 1), (1, 0), (0, 0), (0, 7)]),
        Graph([0, 1, 2], [5.0, 5.0, 5.0], [0, 0, 0], [(0, 1), (1, 2)]),
    ],
    ids=["nobody", "one", "a pair with odd links", "three groups of one"],
)
def test_tiny_graphs(case: Graph) -> None:
    result = layout.layout(case, UNHURRIED)
    assert len(result.xs) == case.size
    assert all(math.isfinite(v) for v in result.xs + result.ys)


def test_group_discs_do_not_overlap_at_the_start() -> None:
    radii = [40.0, 30.0, 30.0, 12.0, 12.0, 12.0, 5.0, 5.0, 80.0]
    centres = layout.place_groups(radii)
    for a in range(len(radii)):
        for b in range(a + 1, len(radii)):
            d = math.hypot(centres[a][0] - centres[b][0], centres[a][1] - centres[b][1])
            assert d >= radii[a] + radii[b]


def test_the_group_of_leftovers_goes_at_the_edge_whatever_its_size() -> None:
    radii = [20.0, 15.0, 15.0, 12.0, 90.0]  # the last: "Other organizations"
    centres = layout.place_groups(radii, last=4)
    assert centres[0] == (0.0, 0.0)  # the biggest of the others in the middle
    distance = [math.hypot(x, y) for x, y in centres]
    assert distance[4] == max(distance)

"""Reading the network and laying it out off the GUI thread.

A job runs on the page's own one-thread pool with its own SQLite connection (Peewee keeps
one per thread; WAL lets it read while the window writes). It reads the people, links and
cached places (``core.network``), groups them, and:

* when every person has a cached place (still among their group), hands them over at
  once: nothing to compute;
* otherwise hands over the grouped starting placement (shown at once), runs the
  force-directed layout (``core.layout``), saves the places in one transaction, and
  hands over the result.

Each result comes with its geometry already prepared (``drawing``) and its names folded
for searching, so the GUI thread only wraps them in a few items.

The layout is pure Python: it holds the interpreter lock while it computes, and the GUI
thread needs that lock each time Qt calls back into Python (painting, indexing items,
timers). Measured with a 5 ms timer on the GUI thread (bench/network.py), four things
keep the event loop's longest wait under 50 ms:

* the layout sleeps for zero seconds every 2 ms (``time.sleep(0)`` lets a waiting
  thread in), and the interpreter is asked to hand its lock over within 0.5 ms instead
  of 5 while a layout runs (``sys.setswitchinterval``, put back afterwards);
* the cycle collector is paused while the layout runs (``core.collector``): its rounds
  would otherwise set off passes that hold the lock for 10 to 25 ms; the start-up's
  objects are set aside from full passes anyway (``ui.heap``);
* the worker waits while the starting placement is built and painted (``MapResult.shown``);
* the page holds a ``Gate`` while it paints: the worker's next pause then blocks until
  the paint is done, instead of contending with each of Qt's calls into Python.

A job is cancelled by a flag it checks at the same moments (a new filter, the page left,
the application quitting); a cancelled job reports nothing and saves nothing. Everything
crosses back to the GUI thread as plain data through queued signals.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import peewee as pw
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from ally_desktop.core import layout, network
from ally_desktop.core.collector import collector_paused
from ally_desktop.core.network import GroupBy, NetworkData, NetworkFilter
from ally_desktop.core.text import sort_key
from ally_desktop.store.db import background_read
from ally_desktop.ui.network import drawing
from ally_desktop.ui.network.drawing import Drawing

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.05
GATE_WAIT_S = 0.1  # the longest the worker waits for the GUI thread at one pause
START_WAIT_S = 0.5  # the longest the worker waits for the starting placement to be shown
SWITCH_INTERVAL_S = 0.0005  # how soon the interpreter hands its lock over, while laying out


class Gate:
    """Lets the GUI thread ask the worker to stand aside while it builds or paints.

    Sharing the interpreter lock, each of the GUI thread's many calls into Qt can wait a
    few milliseconds for the worker to let go: painting the map took 200 ms instead of
    25 while the layout ran. With the gate held (``with gate.held():``), the worker's
    next pause (2 ms at most away) blocks until the GUI thread is done, releasing the
    lock meanwhile. The wait is bounded, so a forgotten gate cannot stop the worker.
    """

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._depth = 0

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self._depth += 1
        self._open.clear()
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._open.set()

    def pause(self) -> None:
        """The worker's pause: let the GUI thread run, and wait while it holds the gate."""
        if self._open.is_set():
            time.sleep(0)
        else:
            self._open.wait(GATE_WAIT_S)


@dataclass(frozen=True)
class MapRequest:
    """What to show: which part of the network, grouped how; ``fresh`` ignores the cache
    (a new arrangement asked for by the user)."""

    filter: NetworkFilter = field(default_factory=NetworkFilter)
    group_by: GroupBy = GroupBy.ORGANIZATION
    fresh: bool = False
    seed: int = 7
    limit: int = network.MAX_PEOPLE


@dataclass
class MapResult:
    """The people and links of a request, their groups, and a place for each person."""

    request: MapRequest
    data: NetworkData
    groups: list[network.Group]
    group_of: list[int]
    positions: dict[int, tuple[float, float]]  # by contact id
    final: bool  # False: the starting placement, the layout is still running
    layout_s: float = 0.0  # how long the layout took (0 when taken from the cache)
    rounds: int = 0
    stats: dict[str, float] = field(default_factory=dict)
    drawing: Drawing | None = None  # the geometry to draw, prepared with the result
    # The names to search, sorted: (shown, folded for matching, contact id).
    names: list[tuple[str, str, int]] = field(default_factory=list)
    # A starting placement: set by the GUI thread once it is on screen (see compute).
    shown: threading.Event = field(default_factory=threading.Event)

    def prepared(
        self, pause: Callable[[], object] | None = None, names: MapResult | None = None
    ) -> MapResult:
        """With its drawing planned and its names folded and sorted (on the worker
        thread: tens of milliseconds for 2,000 people; ``pause`` is called now and then)."""
        if self.drawing is None:
            self.drawing = drawing.plan(
                self.data.people,
                self.data.links,
                self.groups,
                self.positions,
                self.group_of,
                pause=pause,
            )
            if names is not None and names.data.people is self.data.people:
                self.names = names.names  # the same people: the same names
                return self
            named = []
            for person in self.data.people:
                shown = person.name
                if person.organization:
                    shown = f"{person.name} — {person.organization}"
                named.append((sort_key(shown), shown, person.id))
            named.sort()
            self.names = [(shown, folded, cid) for folded, shown, cid in named]
        return self


def caches_positions(request: MapRequest) -> bool:
    """Only the arrangement by organization is remembered: the map by team is laid out
    afresh (its groups cut across organizations, so the two would undo each other)."""
    return request.group_by is GroupBy.ORGANIZATION


def compute(
    db: pw.SqliteDatabase,
    request: MapRequest,
    cancelled: threading.Event,
    *,
    on_start: Callable[[MapResult], object] | None = None,
    on_progress: Callable[[float], object] | None = None,
    settings: layout.Settings | None = None,
    gate: Gate | None = None,
) -> MapResult | None:
    """The whole job on the calling thread (the worker's body; tests call it directly).

    ``on_start(result)`` receives the starting placement when a layout follows;
    ``on_progress(fraction)`` its progress. Returns the final result, or None when
    cancelled. ``gate``: how the GUI thread asks for room (see ``Gate``).
    """
    pause = (gate or Gate()).pause
    # While this thread computes, the GUI thread's every return from Qt into Python waits
    # for the interpreter lock: ask the interpreter to hand it over within half a
    # millisecond instead of five (a few percent of the layout's speed).
    switching = sys.getswitchinterval()
    sys.setswitchinterval(min(switching, SWITCH_INTERVAL_S))
    try:
        return _compute(db, request, cancelled, on_start, on_progress, settings, pause)
    finally:
        sys.setswitchinterval(switching)


def _compute(
    db: pw.SqliteDatabase,
    request: MapRequest,
    cancelled: threading.Event,
    on_start: Callable[[MapResult], object] | None,
    on_progress: Callable[[float], object] | None,
    settings: layout.Settings | None,
    pause: Callable[[], None],
) -> MapResult | None:
    began = time.perf_counter()
    data = network.load_network(db, request.filter, limit=request.limit)
    if cancelled.is_set():
        return None
    groups, group_of = network.group_people(data.people, request.group_by)
    cached = caches_positions(request) and not request.fresh
    others = next((n for n, g in enumerate(groups) if g.key == network.OTHERS_KEY), -1)
    graph, ids = network.layout_graph(data, group_of, cached=cached, others=others)
    loaded_s = time.perf_counter() - began
    xs, ys, kept = layout.initial_positions(graph)
    if cached and len(graph.start) == graph.size and all(kept):
        # Everyone where the map last put them, and still among their group: nothing to
        # compute. (Someone who changed organization since is placed anew, below.)
        return MapResult(request, data, groups, group_of, dict(data.positions), True).prepared(
            pause
        )

    begin = None
    if on_start is not None:
        begin = MapResult(
            request,
            data,
            groups,
            group_of,
            {cid: (x, y) for cid, x, y in zip(ids, xs, ys, strict=True)},
            False,
        ).prepared(pause)
        on_start(begin)
        # Building and painting the starting placement takes the GUI thread a few tens
        # of milliseconds: let it have the interpreter to itself meanwhile.
        begin.shown.wait(START_WAIT_S)
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.perf_counter()
        if on_progress is not None and now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            on_progress(fraction)

    try:
        with collector_paused():
            result = layout.layout(
                graph,
                settings or layout.Settings(seed=request.seed),
                progress=progress,
                pause=pause,
                cancelled=cancelled.is_set,
                start=(xs, ys, kept),
            )
    except layout.LayoutCancelledError:
        return None
    positions = {cid: (x, y) for cid, x, y in zip(ids, result.xs, result.ys, strict=True)}
    saved_s = 0.0
    if caches_positions(request) and not cancelled.is_set():
        saving = time.perf_counter()
        network.save_positions(
            db, positions, replace_all=request.fresh and not request.filter.narrowed
        )
        saved_s = time.perf_counter() - saving
    return MapResult(
        request,
        data,
        groups,
        group_of,
        positions,
        True,
        layout_s=result.seconds,
        rounds=result.rounds,
        stats={"load_s": loaded_s, "save_s": saved_s, "planned": result.planned_rounds},
    ).prepared(pause, names=begin)


class _Signals(QObject):
    """Lives on the GUI thread; emitted from the worker, delivered queued."""

    started = Signal(int, object)  # ticket, MapResult (the starting placement)
    progressed = Signal(int, float)  # ticket, fraction
    finished = Signal(int, object)  # ticket, MapResult
    failed = Signal(int, str)  # ticket, message
    chosen = Signal(int, object)  # ticket, {GroupBy: [(name, count)]}


class _Job(QRunnable):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        signals: _Signals,
        ticket: int,
        request: MapRequest,
        cancelled: threading.Event,
        gate: Gate,
    ) -> None:
        super().__init__()
        self._db = db
        self._signals = signals
        self._ticket = ticket
        self._request = request
        self._cancelled = cancelled
        self._gate = gate

    def run(self) -> None:
        ticket = self._ticket
        emit = self._emit
        try:
            with background_read(self._db):
                result = compute(
                    self._db,
                    self._request,
                    self._cancelled,
                    on_start=lambda r: emit("started", ticket, r),
                    on_progress=lambda f: emit("progressed", ticket, f),
                    gate=self._gate,
                )
        except Exception as exc:
            log.exception("Laying out the network map failed")
            emit("failed", ticket, str(exc) or type(exc).__name__)
            return
        if result is not None and not self._cancelled.is_set():
            emit("finished", ticket, result)

    def _emit(self, name: str, *args: object) -> None:
        if self._cancelled.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the page was deleted meanwhile
            getattr(self._signals, name).emit(*args)


class _Choices(QRunnable):
    """The organizations and teams to offer in the filter (half a second at 100,000
    people: run after the map, on the same thread)."""

    def __init__(self, db: pw.SqliteDatabase, signals: _Signals, ticket: int) -> None:
        super().__init__()
        self._db = db
        self._signals = signals
        self._ticket = ticket

    def run(self) -> None:
        try:
            with background_read(self._db):
                choices = {by: network.group_choices(self._db, by) for by in GroupBy}
        except Exception:
            log.exception("Reading the organizations and teams failed")
            return
        with contextlib.suppress(RuntimeError):
            self._signals.chosen.emit(self._ticket, choices)


SIGNAL_STARTED = "2started(PyObject)"


class MapWorker(QObject):
    """Runs one map job at a time; a new request cancels the one before.

    Signals carry only the answers to the latest request.
    """

    # MapResult: the starting placement, a layout follows. The receiver sets its
    # ``shown`` once it is on screen (the worker waits for it, half a second at most).
    started = Signal(object)
    progressed = Signal(float)
    finished = Signal(object)  # MapResult: the final places
    failed = Signal(str)
    choicesReady = Signal(object)  # noqa: N815 ({GroupBy: [(name, count)]})

    def __init__(self, db: pw.SqliteDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one layout at a time: the machine has few cores
        self._signals = _Signals(self)
        self._signals.started.connect(self._on_started)
        self._signals.progressed.connect(self._on_progressed)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.chosen.connect(self._on_chosen)
        self._ticket = 0
        self._choices_ticket = 0
        self.gate = Gate()  # held by the page while it builds or paints the map
        app = QCoreApplication.instance()
        if app is not None:  # quitting must not wait for a layout to finish
            app.aboutToQuit.connect(self.cancel)
        self._cancel: threading.Event | None = None
        self._running = False

    def request(self, request: MapRequest) -> None:
        """Start laying out ``request`` (after the job before it stops)."""
        self.cancel()
        self._ticket += 1
        self._cancel = threading.Event()
        self._running = True
        self._pool.start(
            _Job(self._db, self._signals, self._ticket, request, self._cancel, self.gate)
        )

    def request_choices(self) -> None:
        """Read the organizations and teams for the filter (after any queued map job)."""
        self._choices_ticket += 1
        self._pool.start(_Choices(self._db, self._signals, self._choices_ticket))

    def cancel(self) -> None:
        """Stop the current job (its answers are dropped)."""
        if self._cancel is not None:
            self._cancel.set()
        self._running = False

    def busy(self) -> bool:
        """True while the latest request has not answered."""
        return self._running

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the thread to be idle (tests, closing)."""
        return bool(self._pool.waitForDone(msecs))

    def _current(self, ticket: int) -> bool:
        return ticket == self._ticket and self._running

    def _on_started(self, ticket: int, result: MapResult) -> None:
        if self._current(ticket) and self.receivers(SIGNAL_STARTED):
            self.started.emit(result)  # the receiver sets result.shown when it is
        else:
            result.shown.set()  # nobody will show it: the worker goes on

    def _on_progressed(self, ticket: int, fraction: float) -> None:
        if self._current(ticket):
            self.progressed.emit(fraction)

    def _on_finished(self, ticket: int, result: MapResult) -> None:
        if self._current(ticket):
            self._running = False
            self.finished.emit(result)

    def _on_failed(self, ticket: int, message: str) -> None:
        if self._current(ticket):
            self._running = False
            self.failed.emit(message)

    def _on_chosen(self, ticket: int, choices: object) -> None:
        if ticket == self._choices_ticket:
            self.choicesReady.emit(choices)

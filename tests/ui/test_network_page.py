"""The network map page, offscreen: loading, finding, opening, exporting, filtering."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from ally_desktop.core import network
from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import Closeness, ConnectionLink, ContactData
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.network.page import NetworkPage

ORGS = ("Contoso", "Globex", "Initech")


@pytest.fixture
def people(db: pw.SqliteDatabase) -> list[int]:
    """Thirty people in three organizations, each linked to the one added before."""
    ids: list[int] = []
    for n in range(30):
        links = [ConnectionLink(ids[-1], "works_with")] if ids else []
        if n % 7 == 3:
            links.append(ConnectionLink(ids[0], "reports_to"))
        given = "Chloé" if n == 12 else f"Person{n:02d}"
        ids.append(
            create_contact(
                db,
                ContactData(
                    given_name=given,
                    family_name="Dubois" if n == 12 else "Test",
                    organization=ORGS[n % 3],
                    team="Pricing" if n % 2 else "Legal",
                    closeness=Closeness(n % 4),
                    cadence_days=30 if n % 5 == 0 else None,
                    connections=links,
                ),
            )
        )
    return ids


@pytest.fixture
def make_page(qtbot: Any, db: pw.SqliteDatabase) -> Callable[[], NetworkPage]:
    def make() -> NetworkPage:
        page = NetworkPage(db)
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        qtbot.waitUntil(page.is_ready, timeout=20_000)
        return page

    return make


def viewport_point(page: NetworkPage, contact_id: int) -> QPoint:
    where = page.scene.position_of(contact_id)
    assert where is not None
    return page.view.mapFromScene(where)


def test_shows_everyone_and_remembers_where(
    db: pw.SqliteDatabase, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    assert {p.id for p in page.scene.people} == set(people)
    assert page.status.text() == "30 people · 33 connections"
    assert {g.name for g in page.scene.result.groups} == set(ORGS)  # type: ignore[union-attr]
    saved = network.load_positions(db, people)
    shown = page.scene.result.positions  # type: ignore[union-attr]
    assert set(saved) == set(people)
    for cid, (x, y) in saved.items():
        assert (x, y) == pytest.approx(shown[cid])


def test_opens_from_the_places_it_remembered(
    db: pw.SqliteDatabase, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    first = make_page()
    places = dict(first.scene.result.positions)  # type: ignore[union-attr]
    second = make_page()
    result = second.scene.result
    assert result is not None
    assert result.layout_s == 0.0  # nothing was computed
    assert result.positions == places


def test_says_when_more_people_exist_than_it_shows(
    qtbot: Any, db: pw.SqliteDatabase, people: list[int]
) -> None:
    page = NetworkPage(db)
    qtbot.addWidget(page)
    page.limit = 10
    page.show()
    qtbot.waitUntil(page.is_ready, timeout=20_000)
    assert len(page.scene.people) == 10
    assert page.status.text().startswith("Showing the 10 closest of 30 people")


def test_an_empty_network_says_how_to_fill_it(make_page: Callable[[], NetworkPage]) -> None:
    page = make_page()
    assert page.stack.currentWidget() is page.empty
    assert "empty" in page.empty.text()


def test_search_centres_and_focuses_then_enter_opens(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    target = people[12]
    page.search.setFocus()
    qtbot.keyClicks(page.search, "chloe dub")  # no accent typed
    page.completer.popup().hide()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.scene.focused == target
    assert page.search.text() == "Chloé Dubois — Contoso"
    centre = page.view.mapToScene(page.view.viewport().rect().center())
    where = page.scene.position_of(target)
    assert where is not None
    assert abs(centre.x() - where.x()) < 30
    assert abs(centre.y() - where.y()) < 30
    assert page.view.scale_now() >= 1.5
    with qtbot.waitSignal(page.personRequested) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert opened.args == [target]
    with qtbot.waitSignal(page.personRequested) as opened:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened.args == [target]


def test_completion_finds_names_without_their_accents(
    people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    page.completer.setCompletionPrefix("chloe")
    assert page.completer.completionCount() == 1
    assert page.completer.currentCompletion() == "Chloé Dubois — Contoso"
    page.completer.setCompletionPrefix("Chloé")
    assert page.completer.completionCount() == 1
    page.completer.setCompletionPrefix("globex")
    assert page.completer.completionCount() == 10


def test_a_click_on_a_person_opens_them_and_a_drag_does_not(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    target = people[0]
    point = viewport_point(page, target)
    viewport = page.view.viewport()
    with qtbot.waitSignal(page.personRequested) as opened:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    assert opened.args == [target]

    requested: list[int] = []
    page.personRequested.connect(requested.append)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseMove(viewport, point + QPoint(40, 25))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point + QPoint(40, 25))
    assert requested == []


def test_hovering_a_person_highlights_their_links_and_explains_them(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    boss = people[0]
    qtbot.mouseMove(page.view.viewport(), viewport_point(page, boss))
    assert page.scene.hovered == boss
    summary = page.scene.summary(boss)
    assert summary.splitlines()[0] == "Person00 Test"
    assert "manages Person03 Test" in summary
    assert "works with Person01 Test" in summary
    assert "Inner circle · Overdue by" in summary or "Inner circle · " in summary


def test_keyboard_zoom_and_fit(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    fitted = page.view.scale_now()
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert page.view.scale_now() == pytest.approx(fitted * 1.25)
    qtbot.keyClick(page.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert page.view.scale_now() < fitted
    qtbot.keyClick(page.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert page.view.scale_now() == pytest.approx(fitted)


def test_names_appear_as_the_map_zooms_in(
    people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    page.view.zoom_by(0.01)
    page.view.cull_labels()
    far = page.scene.names_shown()
    page.view.zoom_by(3.0)
    page.view.cull_labels()
    assert page.scene.names_shown() > far


def test_export_writes_a_png_and_an_svg(
    tmp_path: Path, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    png = pictures / "map.png"
    svg = pictures / "map.svg"
    assert page.export_to(png)
    assert page.export_to(svg)
    image = QImage(str(png))
    assert not image.isNull()
    rect = page.scene.sceneRect()
    assert image.width() == pytest.approx(rect.width() * 2, abs=2)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = "".join(root.itertext())
    assert "Contoso" in texts  # the group names are written as text
    assert sorted(p.name for p in pictures.iterdir()) == ["map.png", "map.svg"]  # no leftovers
    # Exporting leaves the page as it was.
    assert page.scene.focused is None


def test_an_export_that_cannot_be_written_says_why_and_leaves_nothing(
    tmp_path: Path,
    people: list[int],
    make_page: Callable[[], NetworkPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page()
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *_: told.append(text))
    )
    assert not page.export_to(tmp_path / "missing" / "map.png")
    assert told
    assert "does not exist" in told[0]
    folder = tmp_path / "a folder.png"
    folder.mkdir()
    assert not page.export_to(folder)
    assert "is a folder" in told[-1]


def test_narrowing_the_map_reloads_it(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    page.closeness.setCurrentIndex(page.closeness.findData(Closeness.INNER_CIRCLE))
    qtbot.waitUntil(page.is_ready, timeout=20_000)
    assert {p.closeness for p in page.scene.people} == {Closeness.INNER_CIRCLE}
    assert len(page.scene.people) == 8
    qtbot.waitUntil(lambda: page.part.count() > 1, timeout=20_000)  # the choices came
    index = page.part.findData("organization:Globex")
    assert index > 0
    page.closeness.setCurrentIndex(0)
    page.part.setCurrentIndex(index)
    qtbot.waitUntil(page.is_ready, timeout=20_000)
    assert {p.organization for p in page.scene.people} == {"Globex"}
    assert page.status.text().startswith("10 people at Globex")


def test_grouping_by_team(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    page.group_by.setCurrentIndex(page.group_by.findData(network.GroupBy.TEAM))
    qtbot.waitUntil(page.is_ready, timeout=20_000)
    assert page.scene.result is not None
    assert {g.name for g in page.scene.result.groups} == {"Pricing", "Legal"}


def test_a_change_in_the_data_reloads_and_keeps_everyone_in_place(
    qtbot: Any, db: pw.SqliteDatabase, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    before = dict(page.scene.result.positions)  # type: ignore[union-attr]
    newcomer = create_contact(
        db,
        ContactData(
            given_name="New",
            organization="Globex",
            connections=[ConnectionLink(people[1], "works_with")],
        ),
    )
    page.refresh()
    qtbot.waitUntil(lambda: page.is_ready() and newcomer in page.scene.index, timeout=20_000)
    after = page.scene.result.positions  # type: ignore[union-attr]
    moved = [
        ((after[c][0] - x) ** 2 + (after[c][1] - y) ** 2) ** 0.5 for c, (x, y) in before.items()
    ]
    assert sorted(moved)[len(moved) // 2] < 20.0


def test_leaving_the_page_cancels_the_layout_and_coming_back_finishes_it(
    qtbot: Any, db: pw.SqliteDatabase, people: list[int]
) -> None:
    page = NetworkPage(db)
    qtbot.addWidget(page)
    page.show()
    page.hide()
    assert not page.worker.busy()
    page.worker.wait(20_000)
    page.show()
    qtbot.waitUntil(page.is_ready, timeout=20_000)
    assert len(page.scene.people) == 30
    count = sqlite_connection(db).execute("SELECT count(*) FROM network_position").fetchone()[0]
    assert count == 30


def test_someone_who_changed_organization_moves_to_their_new_group(
    qtbot: Any, db: pw.SqliteDatabase, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    mover = people[0]  # Contoso
    sqlite_connection(db).execute(
        "UPDATE contact SET organization = 'Globex' WHERE id = ?", (mover,)
    )
    before = page.scene.result
    page.refresh()
    qtbot.waitUntil(lambda: page.is_ready() and page.scene.result is not before, timeout=20_000)
    result = page.scene.result
    assert result is not None
    positions = result.positions
    globex = [p.id for p in result.data.people if p.organization == "Globex" and p.id != mover]
    cx = sum(positions[c][0] for c in globex) / len(globex)
    cy = sum(positions[c][1] for c in globex) / len(globex)
    reach = max(((positions[c][0] - cx) ** 2 + (positions[c][1] - cy) ** 2) ** 0.5 for c in globex)
    x, y = positions[mover]
    assert ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 <= reach * 1.3


def test_a_change_the_map_does_not_show_leaves_it_as_it_is(
    qtbot: Any, db: pw.SqliteDatabase, people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    page = make_page()
    before = page.scene.result
    drawn = set(page.scene.items())
    sqlite_connection(db).execute(
        "UPDATE contact SET notes = 'Likes tea' WHERE id = ?", (people[3],)
    )
    page.refresh()
    qtbot.waitUntil(lambda: page.is_ready() and page.scene.result is not before, timeout=20_000)
    assert set(page.scene.items()) == drawn


def test_follows_a_switch_to_the_dark_palette(
    people: list[int], make_page: Callable[[], NetworkPage]
) -> None:
    from ally_desktop.ui.look import dark_palette

    page = make_page()
    assert not page.scene.colors.dark
    page.setPalette(dark_palette())
    assert page.scene.colors.dark
    assert page.legend.colors.dark
    assert page.view.backgroundBrush().color() == page.scene.colors.background
    assert len(page.scene.people) == 30
    assert not page.view.grab().isNull()


@pytest.mark.parametrize("width", [1600, 1280, 1000, 700, 380])
def test_the_key_keeps_every_entry_and_takes_more_lines_when_narrow(
    qtbot: Any, people: list[int], make_page: Callable[[], NetworkPage], width: int
) -> None:
    page = make_page()
    page.resize(width, 700)
    page.show()
    qtbot.waitExposed(page)
    legend = page.legend
    lines = legend.lines(legend.width())
    shown = [entry.text for line in lines for _, entry in line]
    assert shown[-6:] == ["works with", "reports to", "mentors", "introduced", "friends", "other"]
    assert len(shown) == 14  # four states, four closeness levels, six kinds of link
    assert legend.height() == round(len(lines) * legend.sizeHint().height())
    for line in lines:  # nothing runs past the edge
        x, last = line[-1]
        end = x + last.mark_width() + legend.fontMetrics().horizontalAdvance(last.text)
        assert end <= legend.width() or len(line) == 1
    if width >= 1600:
        assert len(lines) == 1


def test_a_cancelled_layout_saves_nothing(db: pw.SqliteDatabase, people: list[int]) -> None:
    from ally_desktop.ui.network.worker import MapRequest, compute

    cancelled = threading.Event()
    starts: list[object] = []

    def on_start(result: Any) -> None:
        starts.append(result)
        result.shown.set()
        cancelled.set()  # the user changed the filter as the map appeared

    assert compute(db, MapRequest(), cancelled, on_start=on_start) is None
    assert len(starts) == 1
    assert network.load_positions(db, people) == {}


def test_the_gate_holds_the_worker_back_while_the_window_works() -> None:
    from ally_desktop.ui.network.worker import Gate

    gate = Gate()
    passed = threading.Event()

    def worker() -> None:
        gate.pause()
        passed.set()

    with gate.held():
        thread = threading.Thread(target=worker)
        thread.start()
        assert not passed.wait(0.05)  # held back
    assert passed.wait(2.0)  # let go as soon as the gate opens
    thread.join()
    started = time.perf_counter()
    gate.pause()  # open: no wait
    assert time.perf_counter() - started < 0.05


def test_the_cycle_collector_waits_while_the_layout_runs(
    db: pw.SqliteDatabase, people: list[int]
) -> None:
    """Its passes would hold the interpreter lock on the worker's thread while the window
    waits; it runs again as before once the layout is done."""
    import gc

    from ally_desktop.ui.network.worker import MapRequest, compute

    during: list[bool] = []

    def on_start(result: Any) -> None:
        result.shown.set()

    was = gc.isenabled()
    result = compute(
        db,
        MapRequest(),
        threading.Event(),
        on_start=on_start,
        on_progress=lambda _fraction: during.append(gc.isenabled()),
    )
    assert result is not None
    assert result.final
    assert during
    assert not any(during)
    assert gc.isenabled() == was

"""Render the README's screenshots on demo data, offscreen, in light and dark:

    python docs/make_screenshot.py docs                 # all of them
    python docs/make_screenshot.py docs --scheme dark   # only the dark ones

writes, in the folder given (a ``.png`` path names its folder, as ``make screenshot``
once passed ``docs/screenshot.png``):

- ``screenshot-light.png`` and ``screenshot-dark.png``: the Contacts view, searching
  "pricing", a person with a full profile selected;
- ``timeline.png`` and ``reminders.png`` (light), ``timeline-dark.png`` and
  ``reminders-dark.png``: the Timeline and Reminders views;
- ``today.png`` and ``today-dark.png``: the home view;
- ``network-map.png`` and ``network-map-dark.png``: the Map, one person found.

The pictures are made from the real window and the real demo network, never drawn by
hand; the scheme is switched the way the system would switch it (``ui.look``). Run it
with ``QT_SCALE_FACTOR=2`` to see the window at 200 %, or under Xvfb with
``QT_QPA_PLATFORM=xcb`` to compare with a real X server.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from ally_desktop.core.demo import generate_demo
from ally_desktop.store.db import close_database, open_database
from ally_desktop.ui.look import Appearance, Scheme
from ally_desktop.ui.main_window import (
    NETWORK_VIEW,
    REMINDERS_VIEW,
    TIMELINE_VIEW,
    TODAY_VIEW,
    MainWindow,
)
from ally_desktop.ui.settings import UiSettings

SIZE = (1280, 800)


def settle(app: QApplication, seconds: float = 0.4) -> None:
    """Let layouts, deferred loads and fades (the search field's clear button fades in
    over 160 ms) finish before the picture is taken."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def render(folder: Path, scheme: Scheme, app: QApplication, appearance: Appearance) -> list[Path]:
    """The three views in ``scheme``; returns the files written."""
    appearance.apply(scheme)
    dark = scheme is Scheme.DARK
    names = (
        f"screenshot-{scheme.value}.png",
        "timeline-dark.png" if dark else "timeline.png",
        "reminders-dark.png" if dark else "reminders.png",
        "today-dark.png" if dark else "today.png",
        "network-map-dark.png" if dark else "network-map.png",
    )
    written = []
    with tempfile.TemporaryDirectory() as work:
        db = open_database(Path(work) / "ally.sqlite3")
        generate_demo(db, 400, seed=11)
        window = MainWindow(db, UiSettings(Path(work) / "settings.ini"))
        window.resize(*SIZE)
        window.show()
        page = window.contacts
        # A person with a full profile: known topics, ambitions, connections and notes.
        page.search.setText("pricing")
        settle(app)
        page.table.selectRow(2)
        settle(app)  # the profile's history lays out after the selection
        views = (None, TIMELINE_VIEW, REMINDERS_VIEW, TODAY_VIEW, NETWORK_VIEW)
        for view, name in zip(views, names, strict=True):
            if view is not None:
                window.navigation.setCurrentRow(view)
            if view == REMINDERS_VIEW:
                reminders = window.reminders_page()
                first = reminders.model.reminder_id(1)
                if first is not None:
                    reminders.select(first)
            if view == TODAY_VIEW:
                loaded: list[bool] = []
                today = window.today_page()
                today.loaded.connect(lambda done=loaded: done.append(True))
                today.refresh()
                deadline = time.monotonic() + 10
                while not loaded and time.monotonic() < deadline:
                    settle(app, 0.1)
            if view == NETWORK_VIEW:
                network = window.network_page()
                deadline = time.monotonic() + 30
                while not network.is_ready() and time.monotonic() < deadline:
                    settle(app, 0.1)
                settle(app, 0.5)
            settle(app)
            target = folder / name
            if not window.grab().save(str(target)):
                raise SystemExit(f"could not write {target}")
            written.append(target)
        window.close()
        close_database(db)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", type=Path)
    parser.add_argument("--scheme", choices=("light", "dark", "both"), default="both")
    args = parser.parse_args(argv)
    folder: Path = args.folder.parent if args.folder.suffix == ".png" else args.folder
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    appearance = Appearance(app)
    schemes = [Scheme.LIGHT, Scheme.DARK] if args.scheme == "both" else [Scheme(args.scheme)]
    for scheme in schemes:
        for path in render(folder, scheme, app, appearance):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Render the README's screenshots on demo data, offscreen: the Contacts view, and the
Timeline and Reminders views next to it (``timeline.png``, ``reminders.png``).

    python docs/make_screenshot.py docs/screenshot.png

The picture is made from the real window and the real demo network, never drawn by hand.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from ally_desktop.core.demo import generate_demo
from ally_desktop.store.db import close_database, open_database
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.settings import UiSettings


def render(target: Path, width: int = 1280, height: int = 800) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "ally.sqlite3")
        generate_demo(db, 400, seed=11)
        window = MainWindow(db, UiSettings(Path(folder) / "settings.ini"))
        window.resize(width, height)
        window.show()
        page = window.contacts
        # A person with a full profile: known topics, ambitions, connections and notes.
        page.search.setText("pricing")
        app.processEvents()
        page.table.selectRow(2)
        for _ in range(5):  # the profile's history lays out after the selection
            app.processEvents()
        window.grab().save(str(target))
        window.navigation.setCurrentRow(1)
        for _ in range(5):
            app.processEvents()
        timeline_target = target.with_name("timeline.png")
        window.grab().save(str(timeline_target))
        print(f"wrote {timeline_target}")
        window.navigation.setCurrentRow(2)
        page = window.reminders_page()
        first = page.model.reminder_id(1)
        if first is not None:
            page.select(first)
        for _ in range(5):
            app.processEvents()
        reminders_target = target.with_name("reminders.png")
        window.grab().save(str(reminders_target))
        print(f"wrote {reminders_target}")
        window.close()
        close_database(db)
    print(f"wrote {target}")


if __name__ == "__main__":
    render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"))

"""Render the export dialog and the import dialog's column mapping, offscreen, from the
real window on demo data (``export.png`` and ``import.png`` in the folder given).

    python docs/make_transfer_screenshots.py docs

Nothing is drawn by hand: the dialogs are the ones File → Export… and a dropped file open.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from ally_desktop.core.demo import generate_demo
from ally_desktop.core.formats.csv_generic import Target
from ally_desktop.store.db import close_database, open_database
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.settings import UiSettings
from ally_desktop.ui.transfer.export_dialog import ExportDialog
from ally_desktop.ui.transfer.import_dialog import ImportDialog

SHEET = (
    "Prénom;Nom;Courriel;Société;Ville;Remarque\n"
    "Ana;Lima;ana.lima@acme.example;Acme;Lyon;Rencontrée au salon VivaTech\n"
    "Bruno;Chevalier;bruno@initech.example;Initech;Villeurbanne;\n"
    "Camille;Durand;camille.durand@globex.example;Globex;Lyon;Parle de MLOps\n"
    "Déborah;Martin;d.martin@umbrella.example;Umbrella;Écully;\n"
    "Étienne;Roux;etienne.roux@acme.example;Acme;Lyon;Ami de Camille\n"
)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def render(folder: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as work:
        db = open_database(Path(work) / "ally.sqlite3")
        generate_demo(db, 250, seed=11)
        window = MainWindow(db, UiSettings(Path(work) / "settings.ini"))
        window.resize(1200, 760)
        window.show()
        window.contacts.search.setText("pricing")
        settle(app)
        window.contacts.table.selectRow(0)
        window.contacts.table.selectRow(1)
        window.contacts.table.selectionModel().select(
            window.contacts.model.index(0, 0),
            window.contacts.table.selectionModel().SelectionFlag.Select
            | window.contacts.table.selectionModel().SelectionFlag.Rows,
        )
        settle(app)
        window.show_export()
        (export,) = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
        export.set_path(Path("/home/ana/Documents/allies.csv"))
        settle(app)
        export.grab().save(str(folder / "export.png"))
        export.reject()

        sheet = Path(work) / "équipe-lyon.csv"
        sheet.write_text(SHEET, encoding="utf-8")
        window.show_import(sheet)
        (dialog,) = [d for d in window.findChildren(ImportDialog) if d.isVisible()]
        dialog.resize(1120, 440)
        dialog.file_page.map_column(4, Target.IGNORE)  # a column left out shows grey
        dialog.file_page.map_column(5, Target.NOTES)
        settle(app)
        dialog.grab().save(str(folder / "import.png"))
        dialog.reject()
        window.close()
        close_database(db)
    print(f"wrote {folder / 'export.png'} and {folder / 'import.png'}")


if __name__ == "__main__":
    render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))

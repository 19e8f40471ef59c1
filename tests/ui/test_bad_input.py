"""Whatever people type or paste: stored and shown as written, or refused with a clear message."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.contacts import load_contact
from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.contacts.editor_rows import DateRow
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import (
    detail_text,
    edit_selected,
    paste,
    quick_add,
    replace_text,
    save,
    select_rows,
    selected_names,
    shown_names,
    wait_active,
)


@pytest.fixture
def one(add_person: Callable[..., int], make_window: Callable[[], MainWindow]) -> MainWindow:
    """A window over one person, Ana Ruiz, selected."""
    add_person("Ana", "Ruiz")
    window = make_window()
    select_rows(window, 0)
    return window


def added(qtbot: Any, window: MainWindow, name: str, *, pasted: bool = False) -> str:
    """Quick-adds ``name`` and returns the name the list shows for the new person."""
    dialog = quick_add(qtbot, window, name, pasted=pasted)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)
    names = selected_names(window)
    assert len(names) == 1
    return names[0]


def refused(qtbot: Any, window: MainWindow, name: str, *, pasted: bool = False) -> str:
    """Quick-adds ``name``, expects a refusal, returns its message and closes the dialog."""
    dialog = quick_add(qtbot, window, name, pasted=pasted)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    message = dialog.error.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    return message


NAMES = {
    "emoji": "🦊 Fox",
    "emoji alone": "🦊",
    "emoji with joiners": "Ana 👩🏽‍💻 Ruiz",
    "Arabic": "محمد العلي",
    "Hebrew": "נועה לוי",
    "Arabic and Latin": "Layla حسن",
    "Chinese": "李娜",
    "Japanese": "山田 太郎",
    "Korean": "김 민준",
    "Devanagari": "प्रिया शर्मा",
    "Thai": "สมชาย ใจดี",
    "accents": "Zoë Ólafsdóttir",
    "apostrophe and hyphen": "Tomás O'Brien-Núñez",
    "markup": '<b>Bo</b> & "Al" <script>x</script>',
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_names_from_everywhere_are_stored_and_shown_exactly(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase, name: str
) -> None:
    shown = added(qtbot, one, name, pasted=True)
    assert shown == name
    assert name in detail_text(one)
    assert name in shown_names(one)
    assert load_contact(db, one.contacts.selected_ids()[0]).name == name


@pytest.mark.parametrize("name", ["Zoë Núñez", "Ólafur Þór", "Łukasz Żółć"])
def test_accented_names_can_be_typed(qtbot: Any, one: MainWindow, name: str) -> None:
    assert added(qtbot, one, name) == name
    assert name in detail_text(one)


def test_decomposed_accents_are_stored_composed(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Lefèvre")
    assert decomposed != "Zoë Lefèvre"
    assert added(qtbot, one, decomposed, pasted=True) == "Zoë Lefèvre"
    one.contacts.search.setFocus()
    paste(qtbot, one.contacts.search, unicodedata.normalize("NFD", "lefèvre"))
    qtbot.waitUntil(lambda: shown_names(one) == ["Zoë Lefèvre"])


@pytest.mark.parametrize(
    "text",
    ["李", "🦊", "محمد", "נועה", "o'brien", '"', "*", "NOT", "a OR", "(", "name:", "^", "🦊 Fox"],
)
def test_searching_any_text_never_fails(
    qtbot: Any,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
    text: str,
) -> None:
    for given, family in (("李", "娜"), ("🦊", "Fox"), ("محمد", "العلي"), ("נועה", "לוי")):
        add_person(given, family)
    add_person("Tomás", "O'Brien")
    window = make_window()
    window.contacts.search.setFocus()
    paste(qtbot, window.contacts.search, text)
    qtbot.waitUntil(lambda: window.contacts.model.query.text == text)
    assert window.contacts.count_label.text().endswith(("person", "people"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("李", "李 娜"),
        ("🦊", "🦊 Fox"),
        ("محمد", "محمد العلي"),
        ("נועה", "נועה לוי"),
        ("o'brien", "Tomás O'Brien"),
        ("tomas", "Tomás O'Brien"),
    ],
)
def test_searching_finds_names_in_any_script(
    qtbot: Any,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
    text: str,
    found: str,
) -> None:
    for given, family in (("李", "娜"), ("🦊", "Fox"), ("محمد", "العلي"), ("נועה", "לוי")):
        add_person(given, family)
    add_person("Tomás", "O'Brien")
    add_person("Ana", "Ruiz")
    window = make_window()
    window.contacts.search.setFocus()
    paste(qtbot, window.contacts.search, text)
    qtbot.waitUntil(lambda: shown_names(window) == [found])


def test_a_very_long_search_is_cut_not_fatal(qtbot: Any, one: MainWindow) -> None:
    one.contacts.search.setFocus()
    paste(qtbot, one.contacts.search, "ana " * 5000)
    qtbot.waitUntil(lambda: one.contacts.model.query.text.startswith("ana ana"))
    assert shown_names(one) == ["Ana Ruiz"]


def test_control_characters_in_a_pasted_name_are_dropped(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    shown = added(qtbot, one, "\x07Dana\x00\x1b Okafor\x7f\x08", pasted=True)
    assert shown == "Dana Okafor"
    data = load_contact(db, one.contacts.selected_ids()[0]).data
    assert (data.given_name, data.family_name) == ("Dana", "Okafor")
    assert "Dana Okafor" in detail_text(one)


def test_only_control_characters_are_no_name(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    message = refused(qtbot, one, "\x00\x01\x1b \t\x7f", pasted=True)
    assert message == "A name is needed: type at least a first name."
    assert count_contacts(db) == 1


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200d\u200c", "\u200f\u200e", "\u2060", "\u202e"],
    ids=["zero-width space", "joiners", "direction marks", "word joiner", "RLO"],
)
def test_only_invisible_characters_are_no_name(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase, invisible: str
) -> None:
    dialog = quick_add(qtbot, one, invisible, pasted=True)
    added_anyway = not dialog.isVisible()
    assert not added_anyway, f"stored a person named {shown_names(one)!r}"
    assert dialog.error.text() == "A name is needed: type at least a first name."
    assert count_contacts(db) == 1


def test_control_characters_in_notes_are_dropped_but_lines_kept(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    editor = edit_selected(qtbot, one)
    editor.tabs.setCurrentIndex(5)
    editor.notes.setFocus()
    paste(qtbot, editor.notes, "first\x00 line\r\nsecond\tline\x1b\r\n\x07third")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    notes = load_contact(db, one.contacts.selected_ids()[0]).data.notes
    assert notes == "first line\nsecond\tline\nthird"
    text = detail_text(one)
    assert "first line\nsecond" in text
    assert "\nthird" in text


def test_150000_characters_of_notes_are_refused_clearly(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    contact_id = one.contacts.selected_ids()[0]
    editor = edit_selected(qtbot, one)
    editor.tabs.setCurrentIndex(5)
    editor.notes.setFocus()
    paste(qtbot, editor.notes, "word " * 30_000)
    assert len(editor.notes.toPlainText()) == 150_000
    editor.tabs.setCurrentIndex(0)
    save(qtbot, editor)
    assert editor.isVisible()
    assert editor.error_banner.isVisible()
    message = editor.error_banner.text()
    assert "too long" in message
    assert "149,999 of 100,000 characters" in message, "counted after trimming the last space"
    assert editor.tabs.currentIndex() == 5, "the Notes tab is shown"
    assert editor.notes.hasFocus()
    assert load_contact(db, contact_id).data.notes == ""


def test_100000_characters_of_notes_are_kept_whole(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    notes = ("Ünïcødé 🦊 " * 10_000)[:99_999] + "!"
    assert len(notes) == 100_000
    editor = edit_selected(qtbot, one)
    editor.notes.setPlainText(notes)
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert load_contact(db, one.contacts.selected_ids()[0]).data.notes == notes
    assert notes[:2000] in detail_text(one)
    assert detail_text(one).count("🦊") == notes.count("🦊")


def test_a_first_name_over_200_characters_is_refused(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    message = refused(qtbot, one, "A" * 201, pasted=True)
    assert message == "The first name is too long (201 of 200 characters)."
    assert count_contacts(db) == 1


def test_a_last_name_over_200_characters_is_refused_in_the_editor(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    editor = edit_selected(qtbot, one)
    editor.family_name.setFocus()
    editor.family_name.selectAll()
    paste(qtbot, editor.family_name, "ñ" * 250)
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert "The last name is too long (250 of 200 characters)." in editor.error_banner.text()
    assert load_contact(db, one.contacts.selected_ids()[0]).name == "Ana Ruiz"


def test_names_of_200_characters_each_are_stored_and_shown(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    given, family = "G" * 199 + "é", "名" * 200
    shown = added(qtbot, one, f"{given} {family}", pasted=True)
    assert shown == f"{given} {family}"
    assert len(shown) == 401
    assert shown in detail_text(one)
    data = load_contact(db, one.contacts.selected_ids()[0]).data
    assert (data.given_name, data.family_name) == (given, family)
    row = one.contacts.model.row_of(one.contacts.selected_ids()[0])
    assert row is not None
    assert one.contacts.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == shown


def test_an_organization_over_1000_characters_is_refused(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    editor = edit_selected(qtbot, one)
    editor.organization.setFocus()
    paste(qtbot, editor.organization, "Org " * 300)
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert "The organization is too long (1,199 of 1,000 characters)." in (
        editor.error_banner.text()
    )
    assert load_contact(db, one.contacts.selected_ids()[0]).data.organization == ""


def test_an_international_email_address_is_accepted(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    editor = edit_selected(qtbot, one)
    editor.tabs.setCurrentIndex(2)
    row = editor.emails.add_row(None)
    row.setFocus()
    paste(qtbot, row.value_edit, "zoë@bücher.example")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    emails = load_contact(db, one.contacts.selected_ids()[0]).data.emails
    assert [e.value for e in emails] == ["zoë@bücher.example"]
    assert "zoë@bücher.example" in detail_text(one)


@pytest.mark.parametrize(
    "address", ["ana", "ana@", "@example.com", "ana@example", "ana @example.com", "a@b@c.com"]
)
def test_malformed_email_addresses_are_refused(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase, address: str
) -> None:
    editor = edit_selected(qtbot, one)
    row = editor.emails.add_row(None)
    row.value_edit.setText(address)
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert f"“{address}” is not a valid email" in editor.error_banner.text()
    assert load_contact(db, one.contacts.selected_ids()[0]).data.emails == []


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2023-02-30", "2023-02-30"),
        ("2023-13-01", "2023-13-01"),
        ("yesterday", "yesterday"),
        ("30/02/2023", "30/02/2023"),
        ("0000-01-01", "0000-01-01"),
    ],
)
def test_dates_that_do_not_exist_are_refused(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase, typed: str, problem: str
) -> None:
    editor = edit_selected(qtbot, one)
    replace_text(qtbot, editor.met_on, typed)
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert problem in editor.error_banner.text()
    assert load_contact(db, one.contacts.selected_ids()[0]).data.met_on is None


def test_a_pasted_multi_line_name_becomes_one_line(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    shown = added(qtbot, one, "Dana\nOkafor\r\n", pasted=True)
    assert "\n" not in shown
    assert "\r" not in shown
    assert shown.replace(" ", "") == "DanaOkafor"
    assert shown in detail_text(one)


def add_date(editor: Any, kind: str, day: int, month: int, year: str = "") -> DateRow:
    row = editor.dates.add_row(None)
    assert isinstance(row, DateRow)
    row.kind.setCurrentIndex(row.kind.findData(kind))
    row.day.setValue(day)
    row.month.setCurrentIndex(month - 1)
    row.year.setText(year)
    return row


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        (31, 4, "", "Birthday: April has no day 31."),
        (29, 2, "2023", "Birthday: February 2023 has no day 29."),
        (12, 5, "19x5", "“19x5” is not a year: leave it blank when unknown."),
        (12, 5, "0", "Birthday: The year 0 is out of range."),
    ],
)
def test_important_dates_that_do_not_exist_are_refused(
    qtbot: Any,
    one: MainWindow,
    db: pw.SqliteDatabase,
    day: int,
    month: int,
    year: str,
    message: str,
) -> None:
    editor = edit_selected(qtbot, one)
    add_date(editor, "birthday", day, month, year)
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert editor.error_banner.text() == f"• {message}"
    assert editor.tabs.currentIndex() == 3, "the Dates tab is shown"
    assert load_contact(db, one.contacts.selected_ids()[0]).data.dates == []


def test_a_birthday_on_29_february_without_a_year_is_kept(
    qtbot: Any, one: MainWindow, db: pw.SqliteDatabase
) -> None:
    editor = edit_selected(qtbot, one)
    add_date(editor, "birthday", 29, 2)
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    dates = load_contact(db, one.contacts.selected_ids()[0]).data.dates
    assert [(d.kind, d.month, d.day, d.year) for d in dates] == [("birthday", 2, 29, None)]
    assert "Birthday  29 February" in detail_text(one).replace("\xa0", " ")


@pytest.fixture
def choose_photo(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> Callable[[ContactEditor, Path], None]:
    """Clicks "Choose photo…" and picks ``path`` in the file dialog."""

    def choose(editor: ContactEditor, path: Path) -> None:
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), ""))
        )
        button = next(b for b in editor.findChildren(QPushButton) if b.text() == "Choose photo…")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return choose


def test_a_file_that_is_no_picture_is_refused_as_a_photo(
    qtbot: Any,
    one: MainWindow,
    tmp_path: Path,
    answer: Callable[..., list[str]],
    choose_photo: Callable[[ContactEditor, Path], None],
) -> None:
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("this is text, not a picture")
    asked = answer(QMessageBox.StandardButton.Ok)
    editor = edit_selected(qtbot, one)
    choose_photo(editor, not_a_picture)
    assert len(asked) == 1
    assert asked[0].startswith("That file is not a picture Ally can read")
    assert not editor.remove_photo.isEnabled()


def test_a_big_photo_is_shrunk_and_stored(
    qtbot: Any,
    one: MainWindow,
    db: pw.SqliteDatabase,
    tmp_path: Path,
    answer: Callable[..., list[str]],
    choose_photo: Callable[[ContactEditor, Path], None],
) -> None:
    picture = tmp_path / "big.png"
    image = QImage(2400, 1600, QImage.Format.Format_RGB32)
    image.fill(QColor("#26a69a"))
    assert image.save(str(picture))
    asked = answer(QMessageBox.StandardButton.Ok)
    editor = edit_selected(qtbot, one)
    choose_photo(editor, picture)
    assert asked == [], "no warning"
    assert editor.remove_photo.isEnabled()
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    photo = load_contact(db, one.contacts.selected_ids()[0]).data.photo
    assert photo is not None
    stored = QImage.fromData(photo)
    assert max(stored.width(), stored.height()) == 256
    assert abs(stored.width() / stored.height() - 1.5) < 0.02
    assert len(photo) < 256 * 1024

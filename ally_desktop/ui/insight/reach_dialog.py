"""How can I reach…? Choose a person, or type an organization, and see who can introduce
you: the best chains of connections from people you know, strongest links first.

Each chain is a row: "You → Ana Silva (inner circle) → Bo Chen (works with Ana) →
Carla Diaz (reports to Bo)", every name a link that opens the person
(``personRequested``). A row's button records the introduction once it happened (the
first person introduced you to the second: ``introductionRequested``), or, when you know
the person directly, logs an interaction with them (``logRequested``). The search runs
in core in well under a tenth of a second, so it runs as soon as the target is chosen;
with ``changes`` the rows follow every change (a recorded introduction makes someone
known directly).
"""

from __future__ import annotations

import html

import peewee as pw
from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import organization_names
from ally_desktop.core.contacts import ContactNotFoundError, load_contact
from ally_desktop.core.introductions import (
    DEFAULT_LIMIT,
    Chain,
    ReachResult,
    chain_text,
    find_chains,
)
from ally_desktop.core.text import clean_line
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.look import muted_text
from ally_desktop.ui.widgets.people import ChosenPerson, PeopleField

_PERSON_LINK = "person:"
_CHOOSE_TEXT = "Choose a person, or type an organization, to see who can introduce you."


def chain_html(chain: Chain, muted: str) -> str:
    """The chain as rich text: each name a link to the person, what is said of them muted."""
    parts = ["You"]
    for person, words in chain.steps():
        name = html.escape(person.name)
        parts.append(
            f'<a href="{_PERSON_LINK}{person.id}">{name}</a>'
            f' <span style="color:{muted}">({html.escape(words)})</span>'
        )
    return " → ".join(parts)


def chain_hint(chain: Chain) -> str:
    """What to do: whom to ask, or that no one needs to be asked."""
    if chain.direct:
        return f"You know {chain.target.name} directly: get in touch."
    steps = len(chain.links)
    count = "one introduction" if steps == 1 else f"{steps} introductions"
    return f"Ask {chain.first.name} to introduce you to {chain.people[1].name} · {count}"


class ChainRow(QFrame):
    """One chain: its rank, its people (links), what to do, and a button to do it."""

    personClicked = Signal(int)  # noqa: N815
    actionClicked = Signal()  # noqa: N815

    def __init__(self, rank: int, chain: Chain, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chain = chain
        self.setObjectName("chainRow")
        self.setAccessibleName(f"{rank}. {chain_text(chain)}")
        self.setStyleSheet(
            "QFrame#chainRow { border: none; border-bottom: 1px solid palette(midlight); }"
        )
        self.rank = QLabel(f"{rank}.")
        self.rank.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.rank.setMinimumWidth(self.rank.fontMetrics().horizontalAdvance("10."))
        muted = muted_text(self.palette()).name()
        self.text = QLabel(chain_html(chain, muted))
        self.text.setObjectName("chainText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.text.setToolTip("\n".join(chain.sentences()))
        self.text.linkActivated.connect(self._link)
        self.hint = QLabel(chain_hint(chain))
        self.hint.setObjectName("chainHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {muted};")
        small = self.hint.font()
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.92)
        self.hint.setFont(small)
        if chain.direct:
            self.button = QPushButton("Log interaction…")
            self.button.setToolTip(f"Log a meeting, call or coffee with {chain.target.name}")
        else:
            self.button = QPushButton("Record introduction…")
            self.button.setToolTip(
                f"When it happened: record that {chain.first.name} introduced you to "
                f"{chain.people[1].name}"
            )
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.actionClicked)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(2)
        text.addWidget(self.text)
        text.addWidget(self.hint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 8)
        layout.setSpacing(8)
        layout.addWidget(self.rank)
        layout.addLayout(text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

    def _link(self, href: str) -> None:
        if href.startswith(_PERSON_LINK):
            self.personClicked.emit(int(href.removeprefix(_PERSON_LINK)))


class ReachDialog(QDialog):
    """How can I reach…? ``person`` or ``organization`` starts it with a target."""

    personRequested = Signal(int)  # noqa: N815 (a contact id: open them)
    introductionRequested = Signal(int, int)  # noqa: N815 (who introduced, whom to)
    logRequested = Signal(list)  # noqa: N815 (contact ids: log an interaction with them)

    def __init__(
        self,
        db: pw.SqliteDatabase,
        parent: QWidget | None = None,
        *,
        person: int | None = None,
        organization: str | None = None,
        changes: ContactChanges | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._limit = limit
        self._result: ReachResult | None = None
        self.setWindowTitle("How can I reach…?")
        self.setMinimumSize(640, 420)

        intro = QLabel(
            "The shortest chains of connections from people you know, strongest links first."
        )
        intro.setWordWrap(True)
        self.person_choice = QRadioButton("A &person")
        self.organization_choice = QRadioButton("Anyone &at")
        self._choices = QButtonGroup(self)
        for button in (self.person_choice, self.organization_choice):
            self._choices.addButton(button)
        self.person_choice.setChecked(True)
        self.person = PeopleField(db, single=True)
        self.person.input.setPlaceholderText("Type a name, then Enter")
        self.person.changed.connect(self._person_changed)
        self.organization = QComboBox()
        self.organization.setObjectName("reachOrganization")
        self.organization.setEditable(True)
        self.organization.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        organizations = organization_names(db)
        self.organization.addItems(organizations)
        self.organization.setCurrentIndex(-1)
        line = self.organization.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type an organization, then Enter")
        completer = QCompleter(QStringListModel(organizations), self.organization)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.organization.setCompleter(completer)
        self.organization.activated.connect(lambda _index: self._organization_chosen())
        line.returnPressed.connect(self._organization_chosen)
        line.textEdited.connect(lambda _text: self.organization_choice.setChecked(True))
        self.person.input.textEdited.connect(lambda _text: self.person_choice.setChecked(True))
        self._choices.buttonClicked.connect(lambda _button: self.refresh())
        target = QGridLayout()
        target.setColumnStretch(1, 1)
        target.addWidget(self.person_choice, 0, 0, Qt.AlignmentFlag.AlignTop)
        target.addWidget(self.person, 0, 1)
        target.addWidget(self.organization_choice, 1, 0)
        target.addWidget(self.organization, 1, 1)

        self.summary = QLabel(_CHOOSE_TEXT)
        self.summary.setObjectName("reachSummary")
        self.summary.setWordWrap(True)
        self.rows = QWidget()
        self.rows.setObjectName("reachRows")
        self._rows_layout = QVBoxLayout(self.rows)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(0)
        self._rows_layout.addStretch(1)
        self.chains_area = QScrollArea()
        self.chains_area.setWidgetResizable(True)
        self.chains_area.setWidget(self.rows)
        self.chains_area.setFrameShape(QFrame.Shape.StyledPanel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(target)
        layout.addWidget(self.summary)
        layout.addWidget(self.chains_area, 1)
        layout.addWidget(buttons)

        if changes is not None:  # someone newly known, a link added: look again
            self._again = QTimer(self)
            self._again.setSingleShot(True)
            self._again.timeout.connect(self.refresh)
            changes.changed.connect(lambda _change: self._again.start(0))
            changes.interactionsChanged.connect(lambda _change: self._again.start(0))
        if organization is not None:
            self.set_organization(organization)
        elif person is not None:
            self.set_person(person)
        self.person.setFocus()

    # --- the target ---------------------------------------------------------------------
    def set_person(self, contact_id: int) -> None:
        try:
            name = load_contact(self._db, contact_id).name
        except ContactNotFoundError:
            return
        self.person_choice.setChecked(True)
        self.person.set_people([ChosenPerson(contact_id, name)])  # refreshes

    def set_organization(self, name: str) -> None:
        self.organization_choice.setChecked(True)
        self.organization.setEditText(name)
        self.refresh()

    def _person_changed(self) -> None:
        if self.person.ids():
            self.person_choice.setChecked(True)
        self.refresh()

    def _organization_chosen(self) -> None:
        self.organization_choice.setChecked(True)
        self.refresh()

    def reach_result(self) -> ReachResult | None:
        """What the rows show (None: no target chosen)."""
        return self._result

    def chain_rows(self) -> list[ChainRow]:
        rows = []
        for index in range(self._rows_layout.count()):
            item = self._rows_layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, ChainRow):
                rows.append(widget)
        return rows

    # --- searching ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Search again for the chosen target and show the chains."""
        result: ReachResult | None = None
        if self.person_choice.isChecked():
            ids = self.person.ids()
            if ids:
                try:
                    result = find_chains(self._db, person=ids[0], limit=self._limit)
                except LookupError:  # deleted for good meanwhile
                    self.person.set_people([])
                    return
        else:
            name = clean_line(self.organization.currentText())
            if name:
                result = find_chains(self._db, organization=name, limit=self._limit)
        self._result = result
        self._show(result)

    def _show(self, result: ReachResult | None) -> None:
        for row in self.chain_rows():
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        self.summary.setText(self._summary(result))
        if result is None:
            return
        for rank, chain in enumerate(result.chains, start=1):
            row = ChainRow(rank, chain)
            row.personClicked.connect(self.personRequested)
            row.actionClicked.connect(lambda chain=chain: self._act(chain))
            self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)

    @staticmethod
    def _summary(result: ReachResult | None) -> str:
        if result is None:
            return _CHOOSE_TEXT
        message = result.message()
        if not result.chains:
            return message
        if result.organization:
            people = "1 person" if result.targets == 1 else f"{result.targets:,} people"
            head = f"Ways to reach someone at {result.target_name} ({people}), best first."
        elif result.chains[0].direct:
            head = f"You know {result.target_name} directly. Others who know them:"
            if len(result.chains) == 1:
                head = f"You know {result.target_name} directly."
        else:
            head = f"Ways to reach {result.target_name}, best first."
        return f"{head} {message}".strip()

    def _act(self, chain: Chain) -> None:
        if chain.direct:
            self.logRequested.emit([chain.target.id])
        else:
            self.introductionRequested.emit(chain.first.id, chain.people[1].id)

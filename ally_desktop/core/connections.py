"""The kinds of connection between two contacts, and how each reads from either side.

A connection is stored once, from one contact to the other; each kind says how it reads
from the other end ("Ana reports to Bo" is "Bo manages Ana").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectionKind:
    key: str
    forward: str  # "<from> {forward} <to>"
    backward: str  # "<to> {backward} <from>"

    @property
    def symmetric(self) -> bool:
        return self.forward == self.backward


CUSTOM = "custom"
KINDS: dict[str, ConnectionKind] = {
    kind.key: kind
    for kind in (
        ConnectionKind("works_with", "works with", "works with"),
        ConnectionKind("reports_to", "reports to", "manages"),
        ConnectionKind("mentor_of", "is a mentor of", "is mentored by"),
        ConnectionKind("introduced", "introduced me to", "was introduced to me by"),
        ConnectionKind("friend_of", "is a friend of", "is a friend of"),
        ConnectionKind(CUSTOM, "is connected to", "is connected to"),
    )
}


def describe(kind: str, label: str, outgoing: bool) -> str:
    """How a connection reads from one side: the verb phrase before the other person's name."""
    if kind == CUSTOM and label:
        return label
    known = KINDS.get(kind, KINDS[CUSTOM])
    return known.forward if outgoing else known.backward

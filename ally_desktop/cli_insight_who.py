"""``ally who TOPIC``: who can help with a topic, ranked, each with why; without Qt.

ally who pricing
ally who "contract law" --limit 5
ally who gdpr --json
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from ally_desktop.cli_support import (
    EXIT_OK,
    CommandError,
    add_data_dir,
    open_store,
)

if TYPE_CHECKING:
    from ally_desktop.core.expertise import WhoResult

MAX_LIMIT = 1000


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``who`` command, on ``ally``'s subcommand parser."""
    who = commands.add_parser(
        "who",
        help="who can help with a topic, best first, with the reasons",
        description="Rank people by what you recorded about TOPIC: listed expertise, their "
        "notes, job title, team and ambitions, and interactions that mention it, weighted by "
        "closeness and how recently you were in touch. Each person comes with the reasons.",
    )
    add_data_dir(who, argparse.SUPPRESS)
    who.add_argument("topic", metavar="TOPIC", help="a topic, or any words")
    who.add_argument(
        "--limit", type=int, default=10, metavar="N", help="how many people (default 10)"
    )
    who.add_argument("--archived", action="store_true", help="include archived people")
    who.add_argument("--json", action="store_true", help="print JSON (for scripts)")


def cmd_who(args: argparse.Namespace) -> int:
    from ally_desktop.core.expertise import who_can_help
    from ally_desktop.store.db import close_database

    if not 1 <= args.limit <= MAX_LIMIT:
        raise CommandError(f"--limit must be between 1 and {MAX_LIMIT:,}.")
    if not args.topic.strip():
        raise CommandError("Say which topic: ally who TOPIC.")
    database = open_store(args)
    try:
        result = who_can_help(
            database, args.topic, limit=args.limit, include_archived=args.archived
        )
    finally:
        close_database(database)
    if result.search.expression is None:
        raise CommandError(f"“{args.topic}” has no word to search for.")
    if args.json:
        print(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
    else:
        print(_as_text(result, date.today()))
    return EXIT_OK


def _as_json(result: WhoResult) -> dict[str, object]:
    found = result.search
    return {
        "query": found.text,
        "topic": None if found.topic is None else {"id": found.topic.id, "name": found.topic.name},
        "searched": list(found.phrases),
        "related_topics": [ref.name for ref in found.related],
        "people": [
            {"rank": rank, **expert.as_dict()}
            for rank, expert in enumerate(result.experts, start=result.offset + 1)
        ],
        "more": result.more,
    }


def _as_text(result: WhoResult, today: date) -> str:
    found = result.search
    heading = f"Who can help with “{found.label}”"
    if found.topic is not None and found.topic.aliases:
        heading += f" (also: {', '.join(found.topic.aliases)})"
    if not result.experts:
        return f"{heading}: nobody yet. Add it to someone's topics, or log who you talked to."
    lines = [heading]
    width = len(str(result.offset + len(result.experts)))
    indent = " " * (width + 2)
    for rank, expert in enumerate(result.experts, start=result.offset + 1):
        who = expert.name + (f" · {expert.organization}" if expert.organization else "")
        lines.append(f"{rank:>{width}}. {who}  (score {expert.score:.1f})")
        lines.extend(f"{indent}{reason.text}" for reason in expert.reasons)
        lines.append(f"{indent}{expert.standing(today)}")
    if result.more:
        shown = len(result.experts)
        lines.append(f"More people know something about it: --limit {shown * 2} shows more.")
    return "\n".join(lines)

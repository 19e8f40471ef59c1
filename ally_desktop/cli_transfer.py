"""``ally export`` and ``ally import``: contacts to and from files, without Qt.

ally export allies.csv [--format native|google|outlook|vcard] [--tag T] [--search Q]
ally export allies.vcf --vcard-version 4.0
ally import contacts.csv [--format auto|native|google|outlook|linkedin|vcard|generic]
ally import contacts.csv --dry-run
ally import people.csv --map "Courriel=email" --duplicates skip

An import that finds rows it cannot read stores nothing unless --skip-bad-rows says to
import the rest; --dry-run reports exactly what would happen and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, open_store

if TYPE_CHECKING:
    from ally_desktop.core.transfer.importing import ImportPlan
    from ally_desktop.core.transfer.reading import SourceFile

_EXPORT_FORMATS = ("native", "google", "outlook", "vcard")
_IMPORT_FORMATS = ("auto", "native", "google", "outlook", "linkedin", "vcard", "generic")
_SHOWN_PROBLEMS = 20


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write contacts to a CSV or vCard file",
        description="Write contacts to PATH. The format follows the extension (.vcf: vCard, "
        "else Ally's CSV) unless --format says otherwise. The file appears only when "
        "complete; an existing file is replaced only then.",
    )
    add_data_dir(export, argparse.SUPPRESS)
    export.add_argument("path", metavar="PATH", type=Path)
    export.add_argument("--format", choices=_EXPORT_FORMATS, help="default: from PATH")
    export.add_argument(
        "--vcard-version", choices=("3.0", "4.0"), default="3.0", help="default 3.0"
    )
    export.add_argument("--tag", metavar="TAG", help="only people with this tag")
    export.add_argument("--search", metavar="TEXT", help="only people this search finds")
    export.add_argument(
        "--include-archived", action="store_true", help="archived people too (default: not)"
    )
    export.add_argument(
        "--bom",
        action="store_true",
        help="start with a byte-order mark (for spreadsheet programs that need one for UTF-8)",
    )
    export.add_argument(
        "--keep-formulas",
        action="store_true",
        help="write cells starting with = + - @ as they are (default: made inert with a quote)",
    )

    imp = commands.add_parser(
        "import",
        help="add contacts from a CSV or vCard file",
        description="Add the contacts in PATH, all in one go or not at all. The format is "
        "detected from the file unless --format says otherwise.",
    )
    add_data_dir(imp, argparse.SUPPRESS)
    imp.add_argument("path", metavar="PATH", type=Path)
    imp.add_argument("--format", choices=_IMPORT_FORMATS, default="auto")
    imp.add_argument("--encoding", metavar="NAME", help="the file's encoding (default: detected)")
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would be imported; write nothing"
    )
    imp.add_argument(
        "--duplicates",
        choices=("merge", "skip", "create"),
        default="merge",
        help="what to do with people already in Ally (same email, or same name and "
        "organization): merge (default), skip, or create a second person",
    )
    imp.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the readable rows when some cannot be read (default: import nothing)",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="for other CSVs: read COLUMN as FIELD (repeatable; FIELD 'ignore' skips it)",
    )


# -- export --------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from ally_desktop.core.contact_queries import ContactQuery, contact_ids, tag_names
    from ally_desktop.core.formats.common import Format
    from ally_desktop.core.transfer.exporting import (
        ExportOptions,
        export_contacts,
        format_for_path,
    )
    from ally_desktop.store.db import close_database, sqlite_connection

    path: Path = args.path.expanduser()
    fmt = Format(args.format) if args.format else format_for_path(path)
    options = ExportOptions(
        format=fmt,
        byte_order_mark=args.bom,
        neutralise=not args.keep_formulas,
        vcard_version=args.vcard_version,
    )
    database = open_store(args)
    try:
        if args.tag and args.tag.casefold() not in {t.casefold() for t in tag_names(database)}:
            raise CommandError(f"No one has the tag “{args.tag}”. Nothing was written.")
        query = ContactQuery(
            text=args.search or "", tag=args.tag, include_archived=args.include_archived
        )
        ids = contact_ids(database, query)
        if not ids:
            raise CommandError("No contacts match: nothing was written.")
        count = export_contacts(
            sqlite_connection(database), ids, path, options, progress=_progress("Exporting")
        )
    finally:
        close_database(database)
    _end_progress()
    shown = f"{fmt.label} {options.vcard_version}" if fmt is Format.VCARD else fmt.label
    print(f"Exported {count:,} {_people(count)} to {path} ({shown}).")
    return EXIT_OK


def _people(count: int) -> str:
    return "contact" if count == 1 else "contacts"


def _progress(verb: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{verb}… {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


# -- import --------------------------------------------------------------------------------


def _apply_map(source: SourceFile, pairs: list[str]) -> None:
    from ally_desktop.core.formats import csv_generic

    names = {t.value: t for t in csv_generic.Target}
    columns = {name.casefold(): i for i, name in enumerate(source.header)}
    for pair in pairs:
        column, _, field = pair.rpartition("=")
        index = columns.get(column.strip().casefold())
        if not column or index is None:
            raise CommandError(
                f"--map “{pair}”: the file has no column “{column}”. Its columns: "
                + ", ".join(source.header)
            )
        target = names.get(field.strip().lower())
        if target is None:
            raise CommandError(f"--map “{pair}”: FIELD is one of {', '.join(names)}.")
        source.mapping[index] = target


def _describe_mapping(source: SourceFile) -> str:
    from ally_desktop.core.formats import csv_generic

    pairs = [
        f"{column} → {target.value}"
        for column, target in zip(source.header, source.mapping, strict=True)
        if target is not csv_generic.Target.IGNORE
    ]
    return "Columns read: " + ("; ".join(pairs) if pairs else "none")


def _report_problems(plan: ImportPlan) -> None:
    for problem in plan.problems[:_SHOWN_PROBLEMS]:
        print(f"  line {problem.line}: {problem.reason}", file=sys.stderr)
    hidden = len(plan.problems) - _SHOWN_PROBLEMS
    if hidden > 0:
        print(f"  … and {hidden:,} more", file=sys.stderr)


def _back_up_before_import(database: Path) -> None:
    """A "pre-import" backup, just before anything is stored: an import can be taken back
    with Undo in the window, but only a backup brings back what a merge overwrote."""
    from ally_desktop.store.backups import BackupError, make_backup

    try:
        info = make_backup(database, database.parent, "pre-import")
    except BackupError as exc:
        raise CommandError(f"{exc} Nothing was imported.") from exc
    print(f"Backed up the data first: {info.path}")


def cmd_import(args: argparse.Namespace) -> int:
    from ally_desktop.core.formats.common import Format
    from ally_desktop.core.transfer.importing import (
        DuplicateAction,
        apply_import,
        plan_import,
    )
    from ally_desktop.core.transfer.reading import (
        NoTableError,
        NothingToImportError,
        UnreadableFileError,
        open_source,
        read_source,
    )
    from ally_desktop.store.db import close_database

    path: Path = args.path.expanduser()
    fmt = None if args.format == "auto" else Format(args.format)
    try:
        source = open_source(path, fmt, args.encoding)
        if args.map:
            if source.format is not Format.GENERIC:
                raise CommandError("--map goes with other CSVs (--format generic).")
            _apply_map(source, args.map)
        read = read_source(source, progress=_progress("Reading"))
    except (UnreadableFileError, NoTableError, NothingToImportError) as exc:
        raise CommandError(f"{exc} Nothing was imported.") from None
    finally:
        _end_progress()
    print(f"Read {path.name}: {source.format.label}, {source.decoded.encoding}.")
    if source.format is Format.GENERIC:
        print(_describe_mapping(source))

    database = open_store(args, create=True)
    try:
        plan = plan_import(database, read)
        print(f"{len(plan.contacts):,} {_people(len(plan.contacts))} can be imported.")
        if plan.problems:
            rows = "row cannot" if len(plan.problems) == 1 else "rows cannot"
            print(f"{len(plan.problems):,} {rows} be read:", file=sys.stderr)
            _report_problems(plan)
            if not args.skip_bad_rows:
                raise CommandError(
                    "Nothing was imported: fix those rows, or import the rest with --skip-bad-rows."
                )
        action = DuplicateAction(args.duplicates)
        if plan.duplicates:
            print(
                f"{len(plan.duplicates):,} match people already in Ally ({action.label.lower()}):"
            )
            for duplicate in plan.duplicates[:_SHOWN_PROBLEMS]:
                line = plan.contacts[duplicate.index].line
                print(f"  line {line}: {duplicate.existing_name} ({duplicate.reason})")
            if len(plan.duplicates) > _SHOWN_PROBLEMS:
                print(f"  … and {len(plan.duplicates) - _SHOWN_PROBLEMS:,} more")
        if not plan.contacts:
            raise CommandError("No contact in the file can be imported. Nothing was imported.")
        if args.dry_run:
            print("Dry run: nothing was written.")
            return EXIT_OK
        _back_up_before_import(Path(str(database.database)))
        outcome = apply_import(database, plan, default=action, progress=_progress("Importing"))
    finally:
        close_database(database)
        _end_progress()
    print(f"Imported: {outcome.summary()}.")
    if outcome.unresolved_links:
        print(
            f"{outcome.unresolved_links:,} connections name people not in the file and were"
            " left out."
        )
    return EXIT_OK

"""``begegnungsatlas regionen``: region sets kept in the database (Versorgungsgebiete, …)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from auth import cli_identity
from cli import COMMANDS
from cli.common import (
    AUTHOR_HELP,
    add_access_options,
    add_data_option,
    add_format_option,
    base_package,
    write_table,
    write_text,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command and its verbs."""
    parser = sub.add_parser(
        "regionen",
        help=COMMANDS["regionen"],
        description=(
            "Gebietsgliederungen (z. B. Versorgungsgebiete, Sozialregionen) in der Datenbank "
            "des Registers: jeder Stadtteil in genau einer Region; jede Änderung mit Name und "
            "Zeit. Die Seite Regionen zeigt dieselben Gliederungen."
        ),
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="AKTION")

    save = verbs.add_parser("speichern", help="Gliederung aus einer Tabelle speichern")
    save.add_argument(
        "file", type=Path, help="CSV/XLSX mit stadtteil_nr (oder stadtteil) und region"
    )
    save.add_argument("--name", required=True, help="Name der Gliederung, z. B. Versorgungsgebiete")
    save.add_argument("--author", help=AUTHOR_HELP)
    save.add_argument("--note", default="", help="Anmerkung (warum)")
    save.add_argument(
        "--version",
        type=int,
        default=None,
        help="nur speichern, wenn das die gespeicherte Version ist (0 = neu)",
    )
    add_data_option(save)
    save.set_defaults(run=run_save)

    listing = verbs.add_parser("liste", help="gespeicherte Gliederungen")
    add_format_option(listing)
    listing.set_defaults(run=run_list)

    show = verbs.add_parser("zeigen", help="Zuordnung einer Gliederung")
    show.add_argument("name")
    add_data_option(show)
    add_format_option(show)
    show.set_defaults(run=run_show)

    history = verbs.add_parser("historie", help="alle Versionen (wer, wann, warum)")
    history.add_argument("name", nargs="?", default=None)
    add_format_option(history)
    history.set_defaults(run=run_history)

    delete = verbs.add_parser("loeschen", help="Gliederung löschen (die Historie bleibt)")
    delete.add_argument("name")
    delete.add_argument("--author", help=AUTHOR_HELP)
    delete.add_argument("--note", default="")
    delete.set_defaults(run=run_delete)

    profile = verbs.add_parser(
        "steckbrief", help="Steckbrief je Region (Handlungsbedarf aus den Daten), JSON/CSV oder PDF"
    )
    profile.add_argument("name")
    profile.add_argument("--out", type=Path, default=None, help="PDF, eine Seite je Region")
    add_access_options(profile)
    add_data_option(profile)
    add_format_option(profile)
    profile.set_defaults(run=run_profile)

    export = verbs.add_parser("export", help="als CSV, XLSX oder GeoPackage (aufgelöste Polygone)")
    export.add_argument("name")
    export.add_argument("--format", choices=["csv", "xlsx", "gpkg"], required=True)
    export.add_argument("--output", "-o", type=Path, required=True)
    add_data_option(export)
    export.set_defaults(run=run_export)


def _store():
    from register.planning import PlanningStore

    return PlanningStore()


def run_save(args: argparse.Namespace) -> int:
    """Save a region set from a file."""
    from geo.io.region_sets import read_region_file
    from geo.io.uploads.limits import read_upload

    package = base_package(args)
    table = read_region_file(args.file.name, read_upload(args.file))
    stored = _store().save_region_set(
        cli_identity(args.author).author,
        args.name,
        table,
        package.stadtteile["stadtteil"],
        note=args.note,
        expected_version=args.version,
    )
    print(
        f"Gespeichert: {stored.name}, Version {stored.version}, "
        f"{len(stored.regions)} Regionen aus {len(stored.mapping)} Stadtteilen.",
        file=sys.stderr,
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the stored sets."""
    rows = [
        {
            "name": s.name,
            "version": s.version,
            "regionen": len(s.regions),
            "stadtteile": len(s.mapping),
            "geaendert_von": s.author,
            "geaendert": s.when,
        }
        for s in _store().region_sets()
    ]
    columns = ["name", "version", "regionen", "stadtteile", "geaendert_von", "geaendert"]
    write_table(pd.DataFrame(rows, columns=columns), args.format, args.output)
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one set's assignment."""
    from report.planning_exports import membership

    stored = _store().region_set(args.name)
    table = membership(base_package(args).stadtteile, stored.mapping)
    write_table(table, args.format, args.output)
    return 0


def run_history(args: argparse.Namespace) -> int:
    """Print every version."""
    rows = [
        {
            "name": s.name,
            "version": s.version,
            "aktion": "gelöscht" if s.deleted else "gespeichert",
            "regionen": len(s.regions),
            "von": s.author,
            "zeit": s.when,
            "anmerkung": s.note,
        }
        for s in _store().region_set_history(args.name)
    ]
    columns = ["name", "version", "aktion", "regionen", "von", "zeit", "anmerkung"]
    write_table(pd.DataFrame(rows, columns=columns), args.format, args.output)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    """Delete a set."""
    _store().delete_region_set(cli_identity(args.author).author, args.name, note=args.note)
    print(f"Gelöscht: {args.name} (die Historie bleibt).", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write a set as a file."""
    from report.planning_exports import region_set_file

    stored = _store().region_set(args.name)
    content = region_set_file(base_package(args).stadtteile, stored.mapping, args.format)
    args.output.write_bytes(content)
    return 0


def run_profile(args: argparse.Namespace) -> int:
    """Print (or write as PDF) the profile of every region of a set."""
    import json
    from datetime import date

    from cli.common import compute_for
    from scenarios.planning import profiles

    stored = _store().region_set(args.name)
    package, scenario, result = compute_for(args, draws=0)
    found = profiles(package, result, stored.mapping)
    if args.out is not None:
        from report.planning_pdf import profiles_pdf

        caption = (
            f"Stand 31.12.{result.year}, Zielgruppe {result.before.target.label}, Gehdistanz "
            f"{scenario.assumptions.params.max_walk_m:g} m."
        )
        args.out.write_bytes(profiles_pdf(stored.name, found, caption, date.today()))
        return 0
    records = [
        {
            "region": p.region,
            "stadtteile": p.stadtteile,
            "bevoelkerung": {k: None if pd.isna(v) else int(v) for k, v in p.ages.items()},
            "senioren_65plus_je_jahr": {str(k): int(v) for k, v in p.trend.items()},
            "einrichtungen": p.facilities.to_dict(orient="records"),
            "versorgung": {
                k: round(v, 1) if isinstance(v, float) else v for k, v in p.coverage.items()
            },
            "rang": p.rank,
            "datenluecken": p.gaps,
            "handlungsbedarf": p.needs,
        }
        for p in found
    ]
    if args.format == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2, default=_plain_json)
        write_text(text, args.output)
        return 0
    flat = pd.DataFrame(
        [
            {
                "region": r["region"],
                "stadtteile": ", ".join(r["stadtteile"]),
                **{f"alter_{k}": v for k, v in r["bevoelkerung"].items()},
                **{f"versorgung_{k}": v for k, v in r["versorgung"].items()},
                "rang": r["rang"]["rang"],
                "index": r["rang"]["index"],
                "handlungsbedarf": " | ".join(r["handlungsbedarf"]),
            }
            for r in records
        ]
    )
    write_table(flat, "csv", args.output)
    return 0


def _plain_json(value: object) -> object:
    """Plain Python numbers (NaN as null) for JSON."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value

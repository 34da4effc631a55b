"""``begegnungsatlas massnahmen``: the city's measures, checked against the data, and their status."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from auth import cli_identity
from cli import COMMANDS
from cli.common import (
    AUTHOR_HELP,
    add_access_options,
    add_data_option,
    add_format_option,
    base_package,
    compute_for,
    write_table,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command and its verbs."""
    from register.planning import STATUSES

    parser = sub.add_parser(
        "massnahmen",
        help=COMMANDS["massnahmen"],
        description=(
            "Die Maßnahmen der Stadt (massnahmen_senioren.csv) als Plan neben den Daten: "
            "Liste mit Status, Prüfung der genannten Stadtteile (Versorgung, Rang, bester "
            "Standort) und Einrichtungen; Status und eigene Maßnahmen in der Datenbank."
        ),
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="AKTION")
    listing = verbs.add_parser("liste", help="alle Maßnahmen mit aktuellem Status")
    add_data_option(listing)
    add_format_option(listing)
    listing.set_defaults(run=run_list)

    check = verbs.add_parser("pruefen", help="was die Daten zu den genannten Orten sagen")
    check.add_argument("--massnahme", default=None, help="nur diese Maßnahme, z. B. 2.2")
    check.add_argument("--ohne-standort", action="store_true", help="ohne Standortsuche")
    add_access_options(check)
    add_data_option(check)
    add_format_option(check)
    check.set_defaults(run=run_check)

    status = verbs.add_parser("status", help="Status einer Maßnahme setzen")
    status.add_argument("id", help="z. B. 2.2 oder E1")
    status.add_argument("status", choices=list(STATUSES))
    status.add_argument("--author", help=AUTHOR_HELP)
    status.add_argument("--note", default="")
    status.add_argument("--szenario", default="", help="Name eines gespeicherten Szenarios")
    add_data_option(status)
    status.set_defaults(run=run_status)

    history = verbs.add_parser("historie", help="alle Status-Einträge (wer, wann, was)")
    history.add_argument("id", nargs="?", default=None)
    add_format_option(history)
    history.set_defaults(run=run_history)

    new = verbs.add_parser("neu", help="eigene Maßnahme anlegen")
    new.add_argument("--text", required=True, help="die Maßnahme")
    new.add_argument("--stadtteile", default="", help="Nummern, z. B. 06,02")
    new.add_argument("--verantwortlich", default="")
    new.add_argument("--zeithorizont", default="")
    new.add_argument("--author", help=AUTHOR_HELP)
    add_data_option(new)
    new.set_defaults(run=run_new)


def _store():
    from register.planning import PlanningStore

    return PlanningStore()


def measures_of(package, store) -> pd.DataFrame:
    """The package's measures and the planners' own."""
    from geo.io.measures import read_measures, with_own

    measures = with_own(read_measures(package.root), store.own_measures())
    if measures.empty:
        raise ValueError(
            "Das Datenpaket enthält keine Maßnahmen (massnahmen_senioren.csv) und es sind keine "
            "eigenen gespeichert."
        )
    return measures


def run_list(args: argparse.Namespace) -> int:
    """Print the measures with their status."""
    store = _store()
    measures = measures_of(base_package(args), store)
    current = store.current_status()
    table = measures.assign(
        stadtteil_nr=[";".join(v) for v in measures["stadtteil_nr"]],
        einrichtungen=[";".join(v) for v in measures["einrichtungen"]],
        status=[current[i].status if i in current else "" for i in measures["id"]],
        status_von=[current[i].author if i in current else "" for i in measures["id"]],
        status_zeit=[current[i].when if i in current else "" for i in measures["id"]],
        status_notiz=[current[i].note if i in current else "" for i in measures["id"]],
        szenario=[current[i].scenario if i in current else "" for i in measures["id"]],
    )
    write_table(table, args.format, args.output)
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Print what the data says about each named Stadtteil."""
    from scenarios.measures import stadtteil_checks

    package, _, result = compute_for(args)  # rank intervals as in the app ("2–3")
    measures = measures_of(package, _store())
    if args.massnahme is not None:
        measures = measures[measures["id"] == args.massnahme]
        if measures.empty:
            raise ValueError(f"Maßnahme {args.massnahme!r} gibt es nicht.")
    checks = stadtteil_checks(package, result, measures, best_site=not args.ohne_standort)
    numeric = checks.select_dtypes("float").columns
    write_table(checks.round(dict.fromkeys(numeric, 1)), args.format, args.output)
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Record a status."""
    from geo.io.measures import read_measures

    known = read_measures(base_package(args).root)
    entry = _store().set_measure_status(
        cli_identity(args.author).author,
        args.id,
        args.status,
        note=args.note,
        scenario=args.szenario,
        known_ids=[] if known is None else list(known["id"]),
    )
    print(f"Gespeichert: Maßnahme {entry.measure_id} – {entry.status}.", file=sys.stderr)
    return 0


def run_history(args: argparse.Namespace) -> int:
    """Print the status history."""
    rows = [
        {
            "massnahme": e.measure_id,
            "status": e.status,
            "von": e.author,
            "zeit": e.when,
            "notiz": e.note,
            "szenario": e.scenario,
        }
        for e in _store().status_history(args.id)
    ]
    columns = ["massnahme", "status", "von", "zeit", "notiz", "szenario"]
    write_table(pd.DataFrame(rows, columns=columns), args.format, args.output)
    return 0


def run_new(args: argparse.Namespace) -> int:
    """Add an own measure."""
    from geo.io.measures import read_measures

    package = base_package(args)
    numbers = [p.strip().zfill(2) for p in args.stadtteile.split(",") if p.strip()]
    unknown = [n for n in numbers if n not in package.stadtteile.index]
    if unknown:
        raise ValueError(
            f"Stadtteil {', '.join(unknown)} ist unbekannt. Lösung: Nummern wie in "
            "stadtteile.geojson angeben (z. B. 06,02)."
        )
    known = read_measures(package.root)
    measure_id = _store().add_measure(
        cli_identity(args.author).author,
        {
            "massnahme": args.text,
            "stadtteil_nr": ";".join(numbers),
            "verantwortlich": args.verantwortlich,
            "zeithorizont": args.zeithorizont,
        },
        known_ids=[] if known is None else list(known["id"]),
    )
    print(measure_id)
    return 0

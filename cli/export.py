"""``begegnungsatlas export``: the downloads of the Daten page as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import COMMANDS
from cli.common import add_access_options, add_data_option, feed_for, package_from, scenario_from

FORMATS = {"gpkg": "GeoPackage für QGIS (mit Stilen)", "xlsx": "alle Tabellen als Excel"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "export",
        help=COMMANDS["export"],
        description=(
            "Dieselben Dateien wie auf der Seite Daten, mit denselben Annahmen: GeoPackage "
            "(Stadtteile mit allen Kennzahlen, Einrichtungen, Einrichtungen ohne Lage als "
            "Tabelle, 100-m-Zellen, Stadtgrenze; QGIS-Stile und Erläuterungen) oder XLSX. "
            "Bus & Bahn ist enthalten, wenn das Datenpaket einen Fahrplan hat."
        ),
    )
    parser.add_argument("--format", choices=list(FORMATS), required=True, help="Dateiformat")
    parser.add_argument("--output", type=Path, required=True, help="Zieldatei")
    add_access_options(parser)
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compute the status quo of the assumptions and write the file."""
    from report.exports import analysis_geopackage, result_tables, xlsx
    from scenarios.evaluation import compute

    package = package_from(args)
    scenario = scenario_from(args, package)
    # Like the Daten page: the Bus & Bahn figures whenever the package has a timetable.
    result = compute(package, scenario, feed_for(package, True))
    if args.format == "gpkg":
        data = analysis_geopackage(package, result)
    else:
        data = xlsx(result_tables(result, package.einrichtungen))
    args.output.write_bytes(data)
    print(f"{FORMATS[args.format]} geschrieben: {args.output}")
    return 0

"""``begegnungsatlas report``: the PDF report, optionally with a saved scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import access_from, add_access_options, add_data_option, package_from
from indicators.composite import parse_weights
from report.pdf import AUDIENCES, ReportRequest, build_report
from scenarios.store import ScenarioStore, store_dir


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "report",
        help="PDF-Bericht (Seniorenbeirat/Fachgespräch)",
        description="Deckblatt, Kennzahlen, Unterversorgung (Karte, Rangfolge), Versorgung, optional ein Szenario, Methode.",
    )
    add_access_options(parser)
    parser.add_argument("--scenario", default=None, help="Name eines gespeicherten Szenarios")
    parser.add_argument(
        "--scenario-dir",
        type=Path,
        default=None,
        help="Szenario-Ordner (Standard: $BEGEGNUNGSATLAS_SZENARIEN)",
    )
    parser.add_argument("--weights", default=None, help="Gewichte des Index, z. B. unversorgt=0.4")
    parser.add_argument(
        "--audience", choices=list(AUDIENCES), default="seniorenbeirat", help="Zielpublikum"
    )
    parser.add_argument("--out", type=Path, required=True, help="Ausgabedatei (.pdf)")
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the report."""
    package = package_from(args)
    year, target, params, selection = access_from(args, package)
    scenario = None
    if args.scenario:
        scenario = ScenarioStore(args.scenario_dir or store_dir()).load(args.scenario)
        # A saved scenario brings its own assumptions unless they were given explicitly.
        target, params, selection = scenario.target, scenario.params, scenario.selection
        year = scenario.year if scenario.year in package.years else year
    request = ReportRequest(
        year=year,
        target=target if isinstance(target, str) else target.id,
        params=params,
        selection=selection,
        weights=parse_weights(args.weights),
        scenario=scenario,
        audience=args.audience,
    )
    args.out.write_bytes(build_report(package, request))
    print(f"Bericht geschrieben: {args.out}")
    return 0

"""``begegnungsatlas report``: the PDF report, optionally with a saved scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import (
    access_from,
    add_access_options,
    add_data_option,
    add_scenario_options,
    package_from,
    scenario_from,
)
from indicators.composite import parse_weights
from report.pdf import AUDIENCES, ReportRequest, build_report


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "report",
        help="PDF-Bericht (Seniorenbeirat/Fachgespräch)",
        description="Deckblatt, Kennzahlen, Unterversorgung (Karte, Rangfolge), Versorgung, optional ein Szenario, Methode.",
    )
    add_access_options(parser)
    add_scenario_options(parser)
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
    scenario, year, target, params, selection = scenario_from(
        args, package, access_from(args, package)
    )
    request = ReportRequest(
        year=year,
        target=target.id,
        params=params,
        selection=selection,
        weights=parse_weights(args.weights),
        scenario=scenario,
        audience=args.audience,
    )
    args.out.write_bytes(build_report(package, request))
    print(f"Bericht geschrieben: {args.out}")
    return 0

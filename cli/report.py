"""``begegnungsatlas report``: the PDF report, optionally with a saved scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import COMMANDS
from cli.common import add_access_options, add_data_option, feed_for, package_from, scenario_from
from report.pdf import AUDIENCES, ReportRequest, build_report


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "report",
        help=COMMANDS["report"],
        description=(
            "Deckblatt, Kennzahlen, Unterversorgung (Karte, Rangfolge), Versorgung, optional ein "
            "Szenario, Methode – dasselbe PDF wie auf der Seite Bericht und Karten."
        ),
    )
    add_access_options(parser)
    parser.add_argument(
        "--audience", choices=list(AUDIENCES), default="seniorenbeirat", help="Zielpublikum"
    )
    parser.add_argument("--out", type=Path, required=True, help="Ausgabedatei (.pdf)")
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the report."""
    package = package_from(args)
    request = ReportRequest(scenario=scenario_from(args, package), audience=args.audience)
    args.out.write_bytes(build_report(package, request, feed_for(package, True)))
    print(f"Bericht geschrieben: {args.out}")
    return 0

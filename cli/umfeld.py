"""``begegnungsatlas umfeld``: the surroundings of every counted meeting place."""

from __future__ import annotations

import argparse

from cli import COMMANDS
from cli.common import add_access_options, add_data_option, add_format_option, write_table


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "umfeld",
        help=COMMANDS["umfeld"],
        description=(
            "Je gezähltem Treffpunkt mit Lage: Menschen je Altersgruppe in Gehweite "
            "(Zensus-Zelle × Altersanteile des Stadtteils), Zielgruppe in Gehweite, für wie "
            "viele er der nächste Treffpunkt ist, und welche anderen Treffpunkte dieselben "
            "Menschen erreichen (Überschneidung)."
        ),
    )
    add_access_options(parser)
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    from cli.common import compute_for
    from scenarios.planning import facility_surroundings

    package, _, result = compute_for(args, draws=0)
    write_table(facility_surroundings(package, result).reset_index(), args.format, args.output)
    return 0

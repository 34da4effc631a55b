"""``begegnungsatlas coverage``: walking coverage per Stadtteil."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from cli import COMMANDS
from cli.common import (
    add_access_options,
    add_data_option,
    add_format_option,
    compute_for,
    write_table,
)
from geo.analysis.access_adapter import CITY_ID, AccessResult
from geo.analysis.demand import TargetGroup


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "coverage",
        help=COMMANDS["coverage"],
        description=(
            "Je Stadtteil: Zielgruppe, davon im Gitter verortet, fußläufig versorgt (Luftlinie × "
            "Umwegfaktor ≤ Gehdistanz), nicht versorgt, Anteil, Spanne aus der Lageungenauigkeit, "
            "Median-Gehweg, Einrichtungen und E2SFCA-Angebot je 1.000."
        ),
    )
    add_access_options(parser)
    parser.add_argument("--total", action="store_true", help="Zeile für die ganze Stadt anhängen")
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def output_names(target: TargetGroup) -> dict[str, str]:
    """Public column names: the target group's prefix instead of generic names."""
    p = target.prefix
    return {
        "zielgruppe": target.count_name,
        "verortet": f"{p}_verortet",
        "versorgt": f"{p}_versorgt",
        "unversorgt": f"{p}_unversorgt",
        "versorgt_min": f"{p}_versorgt_min",
        "versorgt_max": f"{p}_versorgt_max",
        "je_einrichtung": f"{p}_je_einrichtung",
    }


def coverage_output(result: AccessResult, total: bool = False) -> pd.DataFrame:
    """The coverage table as printed: rounded, renamed, optionally with the city row."""
    table = result.coverage
    if total:
        city = result.city.to_frame().T
        city.index = [CITY_ID]
        city.insert(0, "stadtteil", "Magdeburg gesamt")
        table = pd.concat([table, city])
    out = table.reset_index(names="stadtteil_nr").rename(columns=output_names(result.target))
    return out.round(
        {c: 1 for c in out.columns if c not in ("anteil_versorgt", "e2sfca_je_1000")}
        | {"anteil_versorgt": 2, "e2sfca_je_1000": 4}
    )


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    _, _, result = compute_for(args, draws=0)
    if result.after.params.barrier is not None:  # name the method (stdout holds the table)
        print(f"Gehweg: {result.after.params.label}", file=sys.stderr)
    write_table(coverage_output(result.after, args.total), args.format, args.output)
    return 0

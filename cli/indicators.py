"""``begegnungsatlas indicators``: the indicator table per Stadtteil."""

from __future__ import annotations

import argparse

import pandas as pd

from cli import COMMANDS
from cli.common import (
    YEAR_HELP,
    add_data_option,
    add_format_option,
    mark_projection,
    package_from,
    write_table,
)
from indicators.registry import INDICATORS
from indicators.table import indicator_table


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "indicators",
        help=COMMANDS["indicators"],
        description="Eine Zeile je Stadtteil: stadtteil_nr, stadtteil und eine Spalte je Indikator.",
    )
    parser.add_argument("--year", type=int, default=None, help=YEAR_HELP)
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def table_for_output(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as integers, ratios rounded to 4 decimals, key columns first."""
    out = table.reset_index()[["stadtteil_nr", "stadtteil", *INDICATORS]].copy()
    for ind in INDICATORS.values():
        out[ind.id] = out[ind.id].round().astype("Int64") if ind.is_count else out[ind.id].round(4)
    return out


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    package = package_from(args)
    year = package.check_year(args.year if args.year is not None else max(package.years))
    table = indicator_table(package, year)
    write_table(mark_projection(table_for_output(table), package, year), args.format, args.output)
    return 0

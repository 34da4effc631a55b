"""``begegnungsatlas rank``: the under-served index per Stadtteil."""

from __future__ import annotations

import argparse

import pandas as pd

from cli.common import (
    access_from,
    add_access_options,
    add_data_option,
    add_format_option,
    package_from,
    write_table,
)
from cli.coverage import output_names
from geo.access_adapter import analyse
from geo.gtfs import read_feed
from geo.transit import TransitParams, transit_for, transit_table
from indicators.composite import (
    DEFAULT_WEIGHTS,
    MIN_PEOPLE,
    index_input,
    parse_weights,
    underserved,
)
from indicators.table import indicator_table


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "rank",
        help="Unterversorgungsindex und Rangfolge",
        description=(
            "Rang 1 = am stärksten unterversorgt. Komponenten und Standardgewichte: "
            + ", ".join(f"{k}={v:g}" for k, v in DEFAULT_WEIGHTS.items())
        ),
    )
    add_access_options(parser)
    parser.add_argument(
        "--weights", default=None, help="Gewichte, z. B. unversorgt=0.4,wohngeld=0 (relativ)"
    )
    parser.add_argument(
        "--min-people", type=float, default=MIN_PEOPLE, help="kleinere Stadtteile nicht ranken"
    )
    parser.add_argument("--draws", type=int, default=1000, help="Monte-Carlo-Ziehungen")
    parser.add_argument("--spread", type=float, default=0.5, help="Gewichtsstreuung ±")
    parser.add_argument("--seed", type=int, default=20251231, help="Zufallsstartwert")
    parser.add_argument(
        "--transit-minutes",
        type=float,
        default=20.0,
        help="Schwelle der Komponente oepnv (Minuten)",
    )
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def transit_shares(package, result, max_minutes: float) -> pd.DataFrame:
    """Transit coverage per Stadtteil (default window) for the optional index component."""
    if package.gtfs_path is None:
        raise ValueError("Gewicht oepnv > 0, aber das Datenpaket enthält keinen Fahrplan.")
    params = TransitParams(
        detour=result.params.detour, speed_mps=result.params.speed_mps, max_minutes=max_minutes
    )
    feed = read_feed(package.gtfs_path, package.stadtgrenze)
    return transit_table(result, transit_for(feed, result, params))


def rank_table(
    package,
    year,
    target,
    params,
    selection,
    weights,
    min_people,
    draws,
    spread,
    seed,
    transit_minutes=20.0,
) -> pd.DataFrame:
    """The rank table as printed (also used by tests)."""
    result = analyse(package, year, target, params, selection=selection)
    indicators = indicator_table(package, year)
    by_transit = (
        transit_shares(package, result, transit_minutes) if weights.get("oepnv", 0) > 0 else None
    )
    table = underserved(
        index_input(indicators, result.coverage, indicators["einwohner"], by_transit),
        weights,
        min_people=min_people,
        n_draws=draws,
        spread=spread,
        seed=seed,
    )
    coverage = result.coverage[["zielgruppe", "versorgt", "unversorgt", "anteil_versorgt"]]
    table = table.join(coverage.rename(columns=output_names(target)))
    first = [
        "stadtteil", "rang", "index", "klasse", "klasse_text",
        target.count_name, f"{target.prefix}_versorgt", f"{target.prefix}_unversorgt", "anteil_versorgt",
    ]  # fmt: skip
    rest = [c for c in table.columns if c not in first]
    out = table[first + rest].reset_index(names="stadtteil_nr")
    numeric = out.select_dtypes("float").columns
    return out.round(dict.fromkeys(numeric, 4)).round(
        {target.count_name: 1, f"{target.prefix}_versorgt": 1, f"{target.prefix}_unversorgt": 1}
    )


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    package = package_from(args)
    year, target, params, selection = access_from(args, package)
    weights = parse_weights(args.weights)
    table = rank_table(
        package,
        year,
        target,
        params,
        selection,
        weights,
        args.min_people,
        args.draws,
        args.spread,
        args.seed,
        args.transit_minutes,
    )
    write_table(table, args.format, args.output)
    return 0

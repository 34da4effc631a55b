"""``begegnungsatlas transit``: coverage within N minutes by walking plus Bus & Bahn."""

from __future__ import annotations

import argparse

import pandas as pd

from cli import COMMANDS
from cli.common import (
    add_access_options,
    add_data_option,
    add_format_option,
    compute_for,
    write_table,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "transit",
        help=COMMANDS["transit"],
        description=(
            "Median der Reisezeit (zu Fuß zur Haltestelle, warten, fahren, umsteigen, zu Fuß zur "
            "Einrichtung – oder ganz zu Fuß) über die Abfahrten im Zeitraum; Anteil der Zielgruppe "
            "innerhalb von --max-minutes."
        ),
    )
    add_access_options(parser)
    parser.add_argument("--total", action="store_true", help="Zeile für die ganze Stadt anhängen")
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def transit_output(result, total: bool = False) -> pd.DataFrame:
    """The table as printed; with a scenario also ``neu_oepnv`` (people newly within reach)."""
    from geo.analysis.access_adapter import CITY_ID

    target, travel = result.after.target, result.travel_after
    table = result.transit_after if total else result.transit_after.drop(index=CITY_ID)
    names = result.after.coverage["stadtteil"].reindex(table.index).fillna("Magdeburg gesamt")
    out = pd.DataFrame(
        {
            "stadtteil": names,
            target.count_name: table["zielgruppe"],
            f"{target.prefix}_oepnv": table["versorgt_oepnv"].round(1),
            "anteil_oepnv": table["anteil_oepnv"].round(2),
            "anteil_nur_fuss": table["anteil_fuss"].round(2),
            "median_min_oepnv": table["median_min_oepnv"].round(1),
        }
    )
    if not result.overlay.is_empty:
        before = result.transit_before.reindex(table.index)
        out["neu_oepnv"] = (table["versorgt_oepnv"] - before["versorgt_oepnv"]).round(1)
    out["tag"] = travel.day.isoformat()
    out["zeitraum"] = travel.params.label
    return out.reset_index(names="stadtteil_nr")


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    _, _, result = compute_for(args, transit=True, draws=0)
    write_table(transit_output(result, args.total), args.format, args.output)
    return 0

"""``begegnungsatlas rank``: the under-served index per Stadtteil."""

from __future__ import annotations

import argparse

import pandas as pd

from cli import COMMANDS
from cli.common import (
    add_access_options,
    add_data_option,
    add_format_option,
    compute_for,
    mark_projection,
    write_table,
)
from cli.coverage import output_names
from indicators.composite import DEFAULT_PRESET, PRESETS, shared_rank_text
from scenarios.gaps import result_gaps


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "rank",
        help=COMMANDS["rank"],
        description=(
            "Rang 1 = am stärksten unterversorgt; jede Komponente auf festen Eckwerten (README). "
            "Gewichtungen: "
            + "; ".join(
                f"{p.key} ({p.question} "
                + ", ".join(f"{k}={v:g}" for k, v in p.weights.items() if v)
                + ")"
                for p in PRESETS.values()
            )
            + f". Standard: {DEFAULT_PRESET}. Mit --scenario: die Rangfolge mit dem Szenario."
        ),
    )
    add_access_options(parser)
    parser.add_argument(
        "--draws", type=int, default=1000, help="Monte-Carlo-Ziehungen der Rangspanne (0 = keine)"
    )
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def rank_output(result, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rank table as printed (the scenario's situation; the status quo without one).

    ``gaps`` (:func:`scenarios.gaps.result_gaps`) adds ``datenluecke`` and
    ``datenluecke_grund``: Stadtteile whose supply figures rest on facilities without
    position or with a position radius above the walking threshold, and what each could
    change. ``rang_text`` is the rank as shown in the app and the PDF ("2–3" for a shared
    rank, see :func:`indicators.composite.shared_ranks`).
    """
    target = result.after.target
    table = result.ranking_after.copy()
    table.insert(
        table.columns.get_loc("rang") + 1,
        "rang_text",
        [shared_rank_text(a, b) for a, b in zip(table["rang_von"], table["rang_bis"], strict=True)],
    )
    coverage = result.after.coverage[["zielgruppe", "versorgt", "unversorgt", "anteil_versorgt"]]
    table = table.join(coverage.rename(columns=output_names(target)))
    if gaps is not None:
        table = table.join(gaps[["datenluecke", "datenluecke_grund"]])
    first = [
        "stadtteil", "rang", "rang_text", "rang_von", "rang_bis", "index", "klasse", "klasse_text",
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
    package, _, result = compute_for(args, draws=args.draws)
    table = rank_output(result, result_gaps(package, result))
    write_table(mark_projection(table, package, result.assumptions.year), args.format, args.output)
    return 0

"""``begegnungsatlas optimize``: propose where new meeting places should go."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from cli import COMMANDS
from cli.common import add_access_options, add_data_option, compute_for, write_table, write_text
from geo.analysis.siting import MAX_K
from scenarios.proposals import CANDIDATE_KINDS, OBJECTIVES, Proposal, propose


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "optimize",
        help=COMMANDS["optimize"],
        description=(
            "Wählt k neue Standorte, die möglichst viele zusätzliche Personen der Zielgruppe in "
            "Gehdistanz bringen (bestehende Einrichtungen bleiben); exakt als MILP (HiGHS). "
            "„warnungen“ nennt gezählte Einrichtungen ohne bekannte Lage im Stadtteil eines "
            "Vorschlags oder mit einem Lagebereich, in dem er liegt."
        ),
    )
    add_access_options(parser)
    parser.add_argument("--k", type=int, default=3, help=f"Zahl neuer Standorte (1–{MAX_K})")
    parser.add_argument(
        "--candidates", choices=list(CANDIDATE_KINDS), default="grid", help="Kandidaten"
    )
    parser.add_argument("--objective", choices=list(OBJECTIVES), default="abdeckung", help="Ziel")
    parser.add_argument(
        "--stadtteile", default=None, help="nur Kandidaten in diesen Stadtteilen, z. B. 06,02"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.05,
        help="Alternativen bis zu diesem Abstand vom Optimum",
    )
    parser.add_argument(
        "--future-year",
        type=int,
        default=None,
        help="zweites Jahr (z. B. 2035, Modellrechnung): Standorte, die in beiden Jahren tragen",
    )
    parser.add_argument(
        "--weight-today",
        type=float,
        default=None,
        help="mit --future-year: Gewicht des ersten Jahres 0–1 statt „schlechteres Jahr maximieren“",
    )
    add_data_option(parser)
    parser.add_argument("--format", choices=["json", "csv"], default="json", help="Ausgabeformat")
    parser.add_argument(
        "--output", "-o", type=Path, default=None, help="Datei statt Standardausgabe"
    )
    parser.set_defaults(run=run)


def report(proposal: Proposal, target_prefix: str) -> dict:
    """The JSON report of a proposal."""
    result = proposal.result
    sites = [
        {
            "lon": round(float(row.lon), 6),
            "lat": round(float(row.lat), 6),
            "stadtteil_nr": row.stadtteil_nr,
            "stadtteil": row.stadtteil,
            "ref": row.ref,
            "name": row.name,
            "zusaetzlich_versorgt": round(float(row.gewinn), 1),
            "warnungen": list(row.warnungen),
        }
        for row in proposal.sites.itertuples()
    ]
    return {
        "standorte": sites,
        f"{target_prefix}_versorgt_vorher": round(proposal.covered_before, 1),
        f"{target_prefix}_versorgt_nachher": round(proposal.covered_after, 1),
        "zusaetzlich_versorgt": round(proposal.covered_after - proposal.covered_before, 1),
        "ziel": proposal.objective,
        "zielwert": round(result.objective, 2),
        "kurve": [round(v, 2) for v in result.curve],
        "status": result.status,
        "optimalitaetsluecke": None if pd.isna(result.gap) else result.gap,
        "sekunden": round(result.seconds, 4),
        "verfahren": result.method,
        "alternativen": proposal.alternatives.round(6).to_dict(orient="records"),
        "warnungen": proposal.warnings,
    }


def run(args: argparse.Namespace) -> int:
    """Print the proposal."""
    if args.future_year is not None:
        return run_two_years(args)
    package, _, computed = compute_for(args, draws=0)
    result, target = computed.after, computed.after.target
    stadtteile = (
        [s.strip().zfill(2) for s in args.stadtteile.split(",")] if args.stadtteile else None
    )
    proposal = propose(
        package, result, args.k, args.candidates, stadtteile, args.objective, args.tolerance
    )
    if args.format == "csv":
        table = proposal.sites.drop(columns="geometry").rename(
            columns={"gewinn": "zusaetzlich_versorgt"}
        )
        table["warnungen"] = [" | ".join(w) for w in table["warnungen"]]
        write_table(
            pd.DataFrame(table),
            "csv",
            args.output,
        )
        return 0
    text = json.dumps(report(proposal, target.prefix), ensure_ascii=False, indent=2, default=float)
    write_text(text, args.output)
    return 0


def run_two_years(args: argparse.Namespace) -> int:
    """Plan for ``--year`` and ``--future-year`` together; print plans, gains and regrets."""
    from dataclasses import replace

    from geo.analysis.site_names import site_names
    from geo.analysis.siting import SitingProblem, plan_two_years
    from geo.crs import xy
    from scenarios.evaluation import compute
    from scenarios.proposals import _stop_arrays, candidate_pool, package_stops

    if args.weight_today is not None and not 0 <= args.weight_today <= 1:
        raise ValueError("--weight-today bitte zwischen 0 und 1 angeben.")
    package, scenario, today = compute_for(args, draws=0)
    future_year = package.check_year(args.future_year)
    if future_year == scenario.assumptions.year:
        raise ValueError("--future-year muss ein anderes Jahr als --year sein.")
    future_assumptions = replace(scenario.assumptions, year=future_year)
    future = compute(package, replace(scenario, assumptions=future_assumptions), None, draws=0)
    stadtteile = (
        [s.strip().zfill(2) for s in args.stadtteile.split(",")] if args.stadtteile else None
    )
    a, b = today.after, future.after
    stops = package_stops(package)
    pool = candidate_pool(package, a, args.candidates, stadtteile, stops)
    problems = [SitingProblem.from_geodataframe(r.cells, pool, r.params) for r in (a, b)]
    plans = plan_two_years(*problems, args.k, args.weight_today)
    years = (scenario.assumptions.year, future_year)

    def label(year: int) -> str:
        return f"{year} ({package.year_label(year)})" if package.year_label(year) else str(year)

    def describe(plan) -> dict:
        sites = pool.iloc[list(plan.chosen)]
        names = site_names(xy(sites), [str(v) for v in sites["stadtteil"]], *_stop_arrays(stops))
        return {
            "regel": plan.rule,
            "standorte": [
                {"stadtteil_nr": nr, "stadtteil": area, "name": name}
                for nr, area, name in zip(
                    sites["stadtteil_nr"], sites["stadtteil"], names, strict=True
                )
            ],
            **{
                f"zusaetzlich_versorgt_{y}": round(g, 1)
                for y, g in zip(years, plan.gains, strict=True)
            },
            **{f"bedauern_{y}": round(r, 1) for y, r in zip(years, plan.regrets, strict=True)},
            "schlechteres_jahr": round(plan.worse, 1),
            "status": plan.status,
        }

    marked = [label(y) for y in years if package.year_label(y)]
    out = {
        "jahre": [label(y) for y in years],
        "zwei_jahre": describe(plans[0]),
        f"nur_{years[0]}": describe(plans[1]),
        f"nur_{years[1]}": describe(plans[2]),
        "hinweis": "zusaetzlich_versorgt: Personen der Zielgruppe, die der Plan neu in Gehdistanz "
        "bringt; bedauern: was der beste Plan nur für dieses Jahr dort mehr versorgt"
        + (f"; Zahlen für {', '.join(marked)}" if marked else ""),
    }
    text = json.dumps(out, ensure_ascii=False, indent=2, default=float)
    write_text(text, args.output)
    return 0

"""The city's measures checked against the data: what the figures say about each named place.

For every measure that names Stadtteile: each one's coverage (with its range from the
facility positions), rank and index, and the best new site the optimiser finds when it may
only place within that Stadtteil (name and the people it would add). For every named
facility: where it is, how exact its position is and whether it operates. Nothing here
ranks the measures – they are the city's plan, and this is the data beside it.
"""

from __future__ import annotations

import pandas as pd

from geo.io.package import DataPackage
from indicators.composite import shared_rank_text
from indicators.format import format_number


def stadtteil_checks(
    package: DataPackage, result, measures: pd.DataFrame, *, best_site: bool = True
) -> pd.DataFrame:
    """One row per measure and named Stadtteil with what the data says now.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package (with the register applied).
    result : scenarios.evaluation.Result
        The status quo under the current assumptions.
    measures : pandas.DataFrame
        :func:`geo.io.measures.read_measures` (plus planners' own measures).
    best_site : bool
        Run the optimiser per Stadtteil (k = 1, candidates on the 100 m grid).

    Returns
    -------
    pandas.DataFrame
        ``massnahme``, ``stadtteil_nr``, ``stadtteil``, ``zielgruppe``, ``anteil_versorgt``
        (%), ``anteil_min``/``anteil_max`` (%), ``unversorgt``, ``rang_text``, ``index``,
        ``klasse_text``, ``bester_standort``, ``zusaetzlich_versorgt``, ``hinweis``.
    """
    from scenarios.proposals import propose

    coverage = result.before.coverage
    ranking = result.ranking_before
    rows = []
    best: dict[str, tuple[str, float, str]] = {}
    for measure in measures.itertuples():
        for nr in measure.stadtteil_nr:
            if nr not in coverage.index:
                rows.append(
                    {
                        "massnahme": measure.id,
                        "stadtteil_nr": nr,
                        "hinweis": "Stadtteil nicht im Datenpaket",
                    }
                )
                continue
            cov, rank = coverage.loc[nr], ranking.loc[nr]
            people = cov["zielgruppe"]
            row = {
                "massnahme": measure.id,
                "stadtteil_nr": nr,
                "stadtteil": cov["stadtteil"],
                "zielgruppe": people,
                "anteil_versorgt": cov["anteil_versorgt"],
                "anteil_min": 100 * cov["versorgt_min"] / people if people else float("nan"),
                "anteil_max": 100 * cov["versorgt_max"] / people if people else float("nan"),
                "unversorgt": cov["unversorgt"],
                "einrichtungen": int(cov["einrichtungen"]),
                "rang_text": shared_rank_text(rank["rang_von"], rank["rang_bis"])
                if rank["gerankt"]
                else "",
                "index": rank["index"] if rank["gerankt"] else float("nan"),
                "klasse_text": rank["klasse_text"] if rank["gerankt"] else "",
                "hinweis": "" if rank["gerankt"] else str(rank["grund"]),
            }
            if best_site:
                if nr not in best:
                    best[nr] = _best_site(package, result, nr, propose)
                row["bester_standort"], row["zusaetzlich_versorgt"], warning = best[nr]
                if warning:
                    row["hinweis"] = "; ".join(filter(None, [row["hinweis"], warning]))
            rows.append(row)
    return pd.DataFrame(rows)


UMFELD_COLUMNS = ["umfeld_zielgruppe", "naechster_treffpunkt_fuer", "ueberschneidung"]


def _best_site(package: DataPackage, result, nr: str, propose) -> tuple[str, float, str]:
    """Name, gain and warnings of the best single new site within one Stadtteil."""
    try:
        proposal = propose(package, result.before, 1, "grid", [nr])
    except ValueError as error:  # e.g. no candidate cell in the Stadtteil
        return "", float("nan"), str(error)
    if proposal.sites.empty:
        return "", float("nan"), "kein Kandidat im Stadtteil"
    site = proposal.sites.iloc[0]
    return str(site["name"]), float(site["gewinn"]), " ".join(site["warnungen"])


def facility_checks(
    package: DataPackage, measures: pd.DataFrame, surroundings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per measure and named facility: where it is and how exact (from the list).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package.
    measures : pandas.DataFrame
        The measures.
    surroundings : pandas.DataFrame, optional
        :func:`scenarios.planning.facility_surroundings` (its Umfeld columns are added for
        counted places with a position).

    Returns
    -------
    pandas.DataFrame
        ``massnahme``, ``id``, ``name``, ``typ``, ``stadtteil``, ``lage`` (text),
        ``in_betrieb`` and the Umfeld columns; a facility not in the list says so.
    """
    facilities = package.einrichtungen.set_index("id")
    names = package.stadtteile["stadtteil"]
    rows = []
    for measure in measures.itertuples():
        for fid in measure.einrichtungen:
            if fid not in facilities.index:
                rows.append(
                    {
                        "massnahme": measure.id,
                        "id": fid,
                        "name": "",
                        "hinweis": "nicht in der Einrichtungsliste",
                    }
                )
                continue
            f = facilities.loc[fid]
            radius = f.get("lage_genauigkeit_m")
            located = f.geometry is not None and not f.geometry.is_empty
            rows.append(
                {
                    "massnahme": measure.id,
                    "id": fid,
                    "name": f["name"],
                    "typ": f["typ"],
                    "stadtteil": names.get(f["stadtteil_nr"], ""),
                    "lage": (
                        f"Lage ± {format_number(radius)} m"
                        if located and pd.notna(radius)
                        else "Lage bekannt"
                        if located
                        else "ohne Lage"
                    ),
                    "in_betrieb": f["in_betrieb"],
                    "hinweis": "",
                }
            )
    out = pd.DataFrame(rows)
    if surroundings is not None and not out.empty and not surroundings.empty:
        out = out.join(surroundings[UMFELD_COLUMNS], on="id")
    return out

"""Downloads of a stored region set: CSV, XLSX and GeoPackage with dissolved polygons."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.regions import region_polygons
from report.exports import excel_csv, geopackage, xlsx

#: File formats of a region set export.
FORMATS = ("csv", "xlsx", "gpkg")


def membership(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """The assignment as a table: ``stadtteil_nr``, ``stadtteil``, ``region``."""
    out = mapping.copy()
    out.insert(1, "stadtteil", out["stadtteil_nr"].map(stadtteile["stadtteil"]))
    return out


def region_layer(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame) -> gpd.GeoDataFrame:
    """One polygon per region (dissolved from its Stadtteile) with member count and names."""
    polygons = region_polygons(stadtteile, mapping)
    counts = mapping.groupby("region").size()
    layer = gpd.GeoDataFrame(
        {
            "region": polygons.index,
            "anzahl_stadtteile": counts.reindex(polygons.index).to_numpy(),
            "stadtteile": polygons["stadtteile"].to_numpy(),
        },
        geometry=polygons.geometry.to_numpy(),
        crs=polygons.crs,
    )
    order = list(dict.fromkeys(mapping["region"]))
    return layer.set_index("region", drop=False).loc[order].reset_index(drop=True)


def region_set_file(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame, fmt: str) -> bytes:
    """The region set as a file.

    Parameters
    ----------
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons indexed by ``stadtteil_nr``.
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.
    fmt : {"csv", "xlsx", "gpkg"}
        CSV for German Excel (the assignment, re-importable), XLSX (assignment and regions),
        GeoPackage (layer ``regionen`` with dissolved polygons in EPSG:25832 and the table
        ``zuordnung``).

    Returns
    -------
    bytes
    """
    table = membership(stadtteile, mapping)
    if fmt == "csv":
        return excel_csv(table)
    layer = region_layer(stadtteile, mapping)
    if fmt == "xlsx":
        return xlsx({"Zuordnung": table, "Regionen": layer})
    if fmt == "gpkg":
        return geopackage({"regionen": layer, "zuordnung": table})
    raise ValueError(f"Format {fmt!r} ist nicht möglich; erlaubt: {', '.join(FORMATS)}.")


def allocation_display(allocation, rule) -> pd.DataFrame:
    """The allocation table as shown and printed: German headings and numbers.

    Parameters
    ----------
    allocation : indicators.allocation.Allocation
        Result of :func:`indicators.allocation.allocate`.
    rule : indicators.allocation.AllocationRule
        The rule (its unit sets the decimals).

    Returns
    -------
    pandas.DataFrame
        One row per region plus the sum; every cell a German text.
    """
    from indicators.allocation import ALLOCATION_INDICATORS, UNIT_DECIMALS
    from indicators.format import format_change, format_number

    places = UNIT_DECIMALS[rule.unit]
    table = allocation.table
    out = pd.DataFrame({"Region": [*table.index, "Summe"]})
    for key in allocation.weights:
        values = [*table[key], table[key].sum()]
        out[f"{ALLOCATION_INDICATORS[key]} (x)"] = [format_number(v) for v in values]
    out["Schlüssel s (%)"] = [format_number(v, 4) for v in [*table["schluessel"], 100.0]]
    unit = rule.unit
    for column, label in (("soll_genau", "Soll vor Rundung"), ("soll", "Soll")):
        values = [*table[column], table[column].sum()]
        decimals = 4 if column == "soll_genau" else places
        out[f"{label} ({unit})"] = [format_number(v, decimals) for v in values]
    if "ist" in table:
        out[f"Ist ({unit})"] = [
            format_number(v, places) for v in [*table["ist"], table["ist"].sum()]
        ]
        diff = [*table["differenz"], table["differenz"].sum()]
        out[f"Soll − Ist ({unit})"] = [format_change(v, places) for v in diff]
    for year in range(1, allocation.years + 1):
        column = table[f"jahr_{year}"]
        out[f"Jahr {year}"] = [format_number(v, places) for v in [*column, column.sum()]]
    return out


def stadtteil_check_display(checks: pd.DataFrame) -> pd.DataFrame:
    """What the data says per named Stadtteil, as shown and printed (German)."""
    from indicators.format import format_number

    if checks.empty:
        return pd.DataFrame()

    def share(row) -> str:
        text = format_number(row.get("anteil_versorgt"), 1)
        low, high = row.get("anteil_min"), row.get("anteil_max")
        if pd.notna(low) and pd.notna(high) and round(low, 1) != round(high, 1):
            text += f" ({format_number(low, 1)}–{format_number(high, 1)})"
        return text

    out = pd.DataFrame(
        {
            "Maßnahme": checks["massnahme"],
            "Stadtteil": checks.get("stadtteil", pd.Series("", index=checks.index)).fillna(""),
            "65+": [format_number(v) for v in checks.get("zielgruppe", pd.Series(dtype=float))],
            "in Gehweite (%)": [share(r) for r in checks.to_dict("records")],
            "Treffpunkte": [
                format_number(v) for v in checks.get("einrichtungen", pd.Series(dtype=float))
            ],
            "Rang": checks.get("rang_text", pd.Series("", index=checks.index))
            .fillna("")
            .replace("", "–"),
            "Index": [format_number(v, 1) for v in checks.get("index", pd.Series(dtype=float))],
            "Klasse": checks.get("klasse_text", pd.Series("", index=checks.index))
            .fillna("")
            .replace("", "–"),
        }
    )
    if "bester_standort" in checks:
        out["bester neuer Standort"] = checks["bester_standort"].fillna("").replace("", "–")
        out["zusätzlich in Gehweite"] = [format_number(v) for v in checks["zusaetzlich_versorgt"]]
    out["Hinweis"] = checks["hinweis"].fillna("").replace("", "–")
    return out


def facility_check_display(checks: pd.DataFrame) -> pd.DataFrame:
    """The facilities the measures name, as shown and printed (German)."""
    if checks.empty:
        return pd.DataFrame()
    from indicators.format import format_number

    words = {"ja": "ja", "nein": "nein", "unklar": "unklar"}
    out = pd.DataFrame(
        {
            "Maßnahme": checks["massnahme"],
            "Einrichtung": checks["name"].fillna(""),
            "Art": checks.get("typ", pd.Series("", index=checks.index)).fillna(""),
            "Stadtteil": checks.get("stadtteil", pd.Series("", index=checks.index)).fillna(""),
            "Lage": checks.get("lage", pd.Series("", index=checks.index)).fillna(""),
            "in Betrieb": checks.get("in_betrieb", pd.Series("", index=checks.index))
            .map(words)
            .fillna("–"),
            "Hinweis": checks["hinweis"].fillna("").replace("", "–"),
        }
    )
    if "umfeld_zielgruppe" in checks:
        out.insert(
            5, "Zielgruppe im Umfeld", [format_number(v) for v in checks["umfeld_zielgruppe"]]
        )
        out.insert(
            6,
            "nächster Treffpunkt für",
            [format_number(v) for v in checks["naechster_treffpunkt_fuer"]],
        )
        out.insert(7, "Überschneidung mit", checks["ueberschneidung"].fillna("").replace("", "–"))
    return out


def profile_tables(profile) -> dict[str, pd.DataFrame]:
    """The tables of a region profile as shown and printed (German text cells).

    Parameters
    ----------
    profile : indicators.region_profile.RegionProfile

    Returns
    -------
    dict of str to pandas.DataFrame
        ``Bevölkerung`` (age groups with share), ``Entwicklung 65+`` (per year with the change
        to the first year), ``Einrichtungen`` (open places by kind), ``Versorgung`` (key
        figures incl. range, index and rank).
    """
    return {
        "Versorgung": _coverage_table(profile.coverage, profile.rank),
        "Bevölkerung": _ages_table(profile.ages),
        "Entwicklung 65+": _trend_table(profile.trend),
        "Einrichtungen": _facilities_table(profile.facilities),
    }


def _ages_table(ages: pd.Series) -> pd.DataFrame:
    """People per age group with their share."""
    from indicators.format import format_number

    total = ages.sum(min_count=1)
    return pd.DataFrame(
        {
            "Altersgruppe": list(ages.index),
            "Personen": [format_number(v) for v in ages],
            "Anteil (%)": [format_number(100 * v / total, 1) if total else "–" for v in ages],
        }
    )


def _trend_table(trend: pd.Series) -> pd.DataFrame:
    """People 65+ per year with the change to the first year."""
    from indicators.format import format_change, format_number

    first = trend.iloc[0] if len(trend) else float("nan")
    return pd.DataFrame(
        {
            "Jahr": [str(y) for y in trend.index],
            "Personen 65+": [format_number(v) for v in trend],
            f"Veränderung seit {trend.index[0] if len(trend) else ''}": [
                format_change(v - first) for v in trend
            ],
        }
    )


def _facilities_table(places: pd.DataFrame) -> pd.DataFrame:
    """Open places by category and kind, with those without position."""
    from geo.facilities import CATEGORIES
    from indicators.format import format_number

    return pd.DataFrame(
        {
            "Kategorie": [CATEGORIES.get(c, c).split(" (")[0] for c in places["Kategorie"]],
            "Art": places["Art"],
            "Anzahl (in Betrieb oder unklar)": [format_number(v) for v in places["Anzahl"]],
            "davon ohne Lage": [format_number(v) for v in places["ohne Lage"]],
        }
    )


def _coverage_table(c: dict, r: dict) -> pd.DataFrame:
    """Key figures of coverage (with its range), index and rank."""
    from indicators.format import format_number

    share = format_number(c["anteil"], 1)
    if pd.notna(c["anteil_min"]) and round(c["anteil_min"], 1) != round(c["anteil_max"], 1):
        share += (
            f" (Spanne {format_number(c['anteil_min'], 1)}–{format_number(c['anteil_max'], 1)})"
        )
    return pd.DataFrame(
        {
            "Kennzahl": [
                "Zielgruppe (Personen)",
                "in Gehweite (Personen)",
                "außerhalb (Personen)",
                "in Gehweite (%)",
                "gezählte Treffpunkte",
                "Unterversorgungsindex (0–100)",
                "Rang",
            ],
            "Wert": [
                format_number(c["zielgruppe"]),
                format_number(c["versorgt"]),
                format_number(c["unversorgt"]),
                share,
                format_number(c["einrichtungen"]),
                format_number(r["index"], 1),
                f"{r['rang']} von {r['von']} ({r['klasse_text']})"
                if r["rang"]
                else "nicht gerankt",
            ],
        }
    )


def surroundings_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The Umfeld of the counted places as shown and exported (German headings and numbers)."""
    from indicators.format import format_number
    from indicators.profile import AGE_GROUPS

    out = pd.DataFrame(
        {
            "Treffpunkt": frame["name"],
            "Stadtteil": frame["stadtteil"],
            "Lage ± m": [format_number(v) for v in frame["lage_genauigkeit_m"]],
        }
    )
    for column, label in AGE_GROUPS.items():
        out[f"Umfeld {label}"] = [format_number(v) for v in frame[f"umfeld_{column}"]]
    out["Zielgruppe im Umfeld"] = [format_number(v) for v in frame["umfeld_zielgruppe"]]
    out["nächster Treffpunkt für"] = [format_number(v) for v in frame["naechster_treffpunkt_fuer"]]
    out["Überschneidung mit (Personen)"] = frame["ueberschneidung"].replace("", "–")
    return out.reset_index(drop=True)

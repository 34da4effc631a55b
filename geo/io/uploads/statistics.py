"""Validating uploaded Stadtteil statistics (long table or a KISS-MD export)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.projection import HORIZON, is_forecast
from geo.io.plausibility import AGE_GROUPS, BOUNDS, COUNT_COLUMNS, check_statistics, german
from geo.io.readers import STAT_COLUMNS
from geo.io.uploads.files import canonical, read_table, require_table
from geo.io.uploads.limits import capped
from geo.io.uploads.numbers import COUNT, YEAR, NumberKind, parse_column
from geo.io.uploads.report import Problem, StopReadingError, UploadResult
from geo.io.uploads.templates import template_hint
from indicators.format import plural

#: Codes the city uses for rows of the whole city in Stadtteil tables (AGS, "Gesamt").
CITY_TOTAL_CODES = {"15003", "15003000", "gesamt", "stadt", "magdeburg", "insgesamt"}
#: KISS-MD export tables (column codes ``<table>_varN``) → statistics columns.
KISS_TABLES: dict[str, dict[str, str]] = {
    "K3_T35": {"var3": "einwohner"},
    "K3_T33": {"var3": "flaeche_ha", "var4": "einwohner_wohnberechtigt", "var6": "einwohner"},
    "K3_T34": {
        "var3": "alter_0_6", "var4": "alter_7_17", "var5": "alter_18_44", "var6": "alter_45_64",
        "var7": "alter_65plus", "var8": "einwohner",
    },
    "K3_T36": {
        "var3": "einwohner", "var4": "frauen", "var5": "auslaender", "var6": "auslaender_pct",
        "var8": "jugendquote", "var9": "altenquote", "var10": "durchschnittsalter",
    },
    "K3_T35_1": {
        "var3": "haushalte", "var4": "haushaltsgroesse_mittel", "var5": "haushalte_1p",
        "var6": "haushalte_2p", "var7": "haushalte_3p", "var8": "haushalte_4plus",
    },
    "K6_T35": {"var3": "wohngeld_haushalte"},
}  # fmt: skip


def validate_statistics(
    name: str,
    content: bytes,
    stadtteile: gpd.GeoDataFrame,
    base: pd.DataFrame | None = None,
) -> UploadResult:
    """Validate uploaded Stadtteil statistics (long table or a KISS-MD export).

    Long table: ``jahr``, ``stadtteil_nr`` and any of the package's statistics columns.
    KISS-MD export: the city's columns ``<Tabelle>_var1`` (year), ``_var2`` (Stadtteil
    number) and the values, with ``.`` for suppressed values (see :data:`KISS_TABLES`).
    Values must pass :func:`geo.io.plausibility.check_statistics` together with the package's
    values they will be merged with (``base``): e.g. an uploaded 65+ count may not exceed the
    package's residents of that year and Stadtteil.

    Parameters
    ----------
    name : str
        File name (its suffix decides the format).
    content : bytes
        File content.
    stadtteile : geopandas.GeoDataFrame
        The package's Stadtteile (index = number).
    base : pandas.DataFrame, optional
        The package's statistics (long table).

    Returns
    -------
    UploadResult
        ``data``: long table (``jahr``, ``stadtteil_nr`` and the provided columns).
    """
    result = UploadResult("statistics")
    errors, warnings = result.errors, result.warnings
    try:
        frame = _read_statistics_table(name, content, errors, warnings)
    except StopReadingError:
        return result
    frame, nr = _stadtteil_numbers(frame, warnings)
    rows = frame.index.to_numpy(dtype=np.int64) + 2
    years = _parse_keys(frame, nr, rows, stadtteile, errors)
    out = pd.DataFrame({"jahr": years, "stadtteil_nr": nr})
    value_columns = _parse_values(frame, out, errors)
    out, rows = _merge_repeats(out, rows, errors, warnings)
    _forecast(out, rows, value_columns, base, stadtteile, errors)  # each checks only clean data
    _plausibility(out, rows, value_columns, base, errors, warnings)
    if errors:
        return result
    out["jahr"] = out["jahr"].astype(int)
    result.data = out.reset_index(drop=True)
    return result


def _read_statistics_table(
    name: str, content: bytes, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    """The file as a long table of text cells (a KISS-MD export converted).

    Raises :class:`StopReadingError` (with the problem in ``errors``) when it cannot be read.
    """
    require_table(name, "Statistik", errors)
    frame = read_table(name, content, errors, warnings)
    if _is_kiss_md(frame):
        return _from_kiss_md(frame, errors, warnings)
    return _long_table(frame, errors, warnings)


def _stadtteil_numbers(
    frame: pd.DataFrame, warnings: list[Problem]
) -> tuple[pd.DataFrame, pd.Series]:
    """The rows without the city totals (with a warning) and their Stadtteil numbers ("06")."""
    nr = frame["stadtteil_nr"].astype("string").str.strip().fillna("")
    totals = nr.str.casefold().isin(CITY_TOTAL_CODES).to_numpy(dtype=bool)
    if totals.any():
        warnings.append(
            Problem(
                f"{int(totals.sum())} Zeile(n) für die Gesamtstadt übersprungen.",
                "–",
                column="stadtteil_nr",
            )
        )
        # Keep the original index: reported row numbers must match the file.
        frame, nr = frame[~totals], nr[~totals]
    return frame, nr.where(~nr.str.fullmatch(r"\d").fillna(False), "0" + nr)  # "6" -> "06"


def _parse_keys(
    frame: pd.DataFrame,
    nr: pd.Series,
    rows: np.ndarray,
    stadtteile: gpd.GeoDataFrame,
    errors: list[Problem],
) -> pd.Series:
    """The years; unknown Stadtteil numbers and invalid or missing years go to ``errors``."""
    problems = [
        Problem(
            f"Unbekannte Stadtteilnummer {nr.iloc[pos][:20]!r}.",
            "Zweistellige Nummern wie in stadtteile.geojson (z. B. 06).",
            int(rows[pos]),
            "stadtteil_nr",
        )
        for pos in np.flatnonzero(~nr.isin(list(stadtteile.index)).to_numpy(dtype=bool))
    ]
    years = parse_column(frame["jahr"], "jahr", YEAR, errors)
    problems += [
        Problem(
            f"Ungültiges Jahr {german(years.iloc[pos])}.",
            "Vierstellige Jahreszahl (Stichtag 31.12.).",
            int(rows[pos]),
            "jahr",
        )
        for pos in np.flatnonzero(
            ((years < 1990) | (years > 2100) | (years % 1 != 0)).to_numpy(dtype=bool)
        )
    ]
    problems += [
        Problem("Jahr fehlt.", "Jahr eintragen.", int(rows[pos]), "jahr")
        for pos in np.flatnonzero(
            years.isna().to_numpy() & (frame["jahr"].str.strip() == "").to_numpy(dtype=bool)
        )
    ]
    capped(errors, problems)
    return years


def _parse_values(frame: pd.DataFrame, out: pd.DataFrame, errors: list[Problem]) -> list[str]:
    """Add the known statistics columns of ``frame`` to ``out`` as numbers; their names."""
    value_columns = [c for c in frame.columns if c in STAT_COLUMNS]
    for column in value_columns:
        out[column] = parse_column(frame[column], column, number_kind(column), errors)
    if not value_columns:
        errors.append(
            Problem(
                "Keine bekannte Statistikspalte gefunden.",
                f"Spalten wie {', '.join(STAT_COLUMNS[:6])} … verwenden. {template_hint()}",
            )
        )
    return value_columns


def _merge_repeats(
    out: pd.DataFrame, rows: np.ndarray, errors: list[Problem], warnings: list[Problem]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Merge exact repeats (with a warning); repeats with different values are errors.

    The city's exports list some rows twice, as "1" and "01".
    """
    same = (out.duplicated(keep="first") & out["jahr"].notna()).to_numpy(dtype=bool)
    if same.any():
        warnings.append(
            Problem(
                f"{int(same.sum())} doppelte Zeile(n) mit gleichen Werten zusammengefasst.", "–"
            )
        )
        out, rows = out[~same], rows[~same]
    dup = out.duplicated(["jahr", "stadtteil_nr"], keep=False) & out["jahr"].notna()
    capped(
        errors,
        [
            Problem(
                f"Widersprüchliche Zeilen für {out['jahr'].iloc[pos]:.0f}/{out['stadtteil_nr'].iloc[pos]}.",
                "Je Jahr und Stadtteil nur eine Zeile.",
                int(rows[pos]),
                "stadtteil_nr",
            )
            for pos in np.flatnonzero(dup.to_numpy(dtype=bool))
        ],
    )
    return out, rows


def number_kind(column: str) -> NumberKind:
    """How a statistics column reads ambiguous separators: counts as integers, the rest by range."""
    if column in COUNT_COLUMNS:
        return COUNT
    low, high, _unit = BOUNDS.get(column, (0.0, float("inf"), ""))
    return NumberKind(low=low, high=high)


def _is_kiss_md(frame: pd.DataFrame) -> bool:
    return any(re.fullmatch(r"K\d+_T[\d_]+_var\d+", str(c)) for c in frame.columns)


def _from_kiss_md(
    frame: pd.DataFrame, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    codes = {
        re.sub(r"_var\d+$", "", str(c))
        for c in frame.columns
        if re.fullmatch(r"K\d+_T[\d_]+_var\d+", str(c))
    }
    if len(codes) != 1:
        errors.append(
            Problem(
                f"Mehrere KISS-MD-Tabellen in einer Datei: {', '.join(sorted(codes))}.",
                "Je Tabelle eine Datei hochladen.",
            )
        )
        raise StopReadingError
    code = codes.pop()
    if code not in KISS_TABLES:
        errors.append(
            Problem(
                f"KISS-MD-Tabelle {code} enthält keine hier verwendeten Stadtteilwerte.",
                f"Eine dieser Tabellen exportieren: {', '.join(KISS_TABLES)}.",
            )
        )
        raise StopReadingError
    mapping = {f"{code}_var1": "jahr", f"{code}_var2": "stadtteil_nr"}
    mapping.update({f"{code}_{var}": column for var, column in KISS_TABLES[code].items()})
    missing = [c for c in mapping if c not in frame.columns]
    if missing:
        errors.append(
            Problem(
                f"Spalte(n) fehlen im KISS-MD-Export: {', '.join(missing)}.",
                "Den vollständigen Export hochladen.",
            )
        )
        raise StopReadingError
    warnings.append(Problem(f"KISS-MD-Export erkannt (Tabelle {code}).", "–"))
    out = frame[list(mapping)].rename(columns=mapping)
    return out.loc[:, ~out.columns.duplicated()]


#: Headings of a long table: the package's columns (compared by heading_key).
LONG_TABLE_COLUMNS = {c: c for c in ("jahr", "stadtteil_nr", "stadtteil", *STAT_COLUMNS)}


def _long_table(
    frame: pd.DataFrame, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    frame = canonical(frame, LONG_TABLE_COLUMNS, [], errors)
    missing = [c for c in ("jahr", "stadtteil_nr") if c not in frame.columns]
    if missing:
        errors.append(
            Problem(
                f"Spalte(n) fehlen: {', '.join(missing)}.",
                "Spalten jahr und stadtteil_nr ergänzen (wie statistik_stadtteile.csv).",
            )
        )
        raise StopReadingError
    ignored = [c for c in frame.columns if c not in LONG_TABLE_COLUMNS]
    if ignored:
        warnings.append(
            Problem(
                f"{plural(len(ignored), 'Unbekannte Spalte wird', 'Unbekannte Spalten werden')} "
                f"ignoriert: {', '.join(map(str, ignored[:10]))}.",
                template_hint(),
            )
        )
    return frame


def _plausibility(
    out: pd.DataFrame,
    rows: np.ndarray,
    columns: list[str],
    base: pd.DataFrame | None,
    errors: list[Problem],
    warnings: list[Problem],
) -> None:
    """Check the values as they will be after merging with the package (same rules).

    Nothing is checked after an earlier error.
    """
    if errors:
        return
    merged = out.copy()
    from_package: set[str] = set()
    if base is not None and len(base):
        keyed = base.set_index(["jahr", "stadtteil_nr"])
        keys = pd.MultiIndex.from_arrays([out["jahr"], out["stadtteil_nr"]])
        for column in STAT_COLUMNS:
            if column not in columns and column in keyed.columns:
                merged[column] = keyed[column].reindex(keys).to_numpy(dtype=float)
                from_package.add(column)
    problems, hints = [], []
    for finding in check_statistics(merged):
        # Compare only rules that involve at least one uploaded value.
        if not set(finding.columns) & set(columns):
            continue
        package = [c for c in finding.columns if c in from_package]
        note = f" ({', '.join(package)} aus dem Datenpaket)" if package else ""
        column = (
            finding.column
            if finding.column in columns
            else next(c for c in finding.columns if c in columns)
        )
        problem = Problem(
            finding.message[:-1] + note + ".", finding.fix, int(rows[finding.position]), column
        )
        # A sum over groups of which only some were uploaded may be off because the package's
        # other groups are older or from another source: a hint, not a rejection.
        (hints if package and len(finding.columns) > 2 else problems).append(problem)
    capped(errors, problems)
    capped(warnings, hints, "Hinweise")
    present = [c for c in AGE_GROUPS if c in columns]
    if len(present) == len(AGE_GROUPS) and "einwohner" in columns:
        complete = out[[*AGE_GROUPS, "einwohner"]].notna().all(axis=1).to_numpy(dtype=bool)
        short = (out["einwohner"] - out[AGE_GROUPS].sum(axis=1)).to_numpy(dtype=float) > 0.5
        capped(
            warnings,
            [
                Problem(
                    "Die Altersgruppen ergeben zusammen weniger als die Einwohnerzahl.",
                    "Werte prüfen.",
                    int(rows[pos]),
                    "einwohner",
                )
                for pos in np.flatnonzero(complete & short)
            ],
            "Hinweise",
        )


def _forecast(
    out: pd.DataFrame,
    rows: np.ndarray,
    columns: list[str],
    base: pd.DataFrame | None,
    stadtteile: gpd.GeoDataFrame,
    errors: list[Problem],
) -> None:
    """An official forecast (:func:`geo.analysis.projection.is_forecast`): future years.

    It replaces the Modellrechnung for its years, so it must be complete and consistent:
    only future years up to the horizon, residents and all five age groups adding up to
    them, every Stadtteil with residents. Nothing is checked after an earlier error.
    """
    if errors or base is None or not len(base) or base["alter_65plus"].notna().sum() == 0:
        return
    last = int(base.loc[base["alter_65plus"].notna(), "jahr"].max())
    years = out["jahr"].to_numpy(dtype=float)
    if not is_forecast(years, last):
        return
    problems = _forecast_years(years, rows, last)
    problems += _forecast_counts(out, rows, columns)
    problems += _forecast_coverage(out, years, base, last, stadtteile)
    capped(errors, problems)


def _forecast_years(years: np.ndarray, rows: np.ndarray, last: int) -> list[Problem]:
    """Years of a forecast that are not after the data or beyond the horizon."""
    fix = f"Eine Prognose enthält nur Jahre {last + 1}–{HORIZON}; Ist-Werte getrennt hochladen."
    problems = [
        Problem(
            f"Jahr {years[pos]:.0f} liegt nicht nach dem Datenstand {last} (Prognose-Datei).",
            fix,
            int(rows[pos]),
            "jahr",
        )
        for pos in np.flatnonzero(years <= last)
    ]
    problems += [
        Problem(
            f"Jahr {years[pos]:.0f} liegt jenseits des Prognosehorizonts {HORIZON}.",
            fix,
            int(rows[pos]),
            "jahr",
        )
        for pos in np.flatnonzero(years > HORIZON)
    ]
    return problems


def _forecast_counts(out: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> list[Problem]:
    """Counts of a forecast: all five age groups, whole numbers ≥ 0, adding up to residents."""
    problems: list[Problem] = []
    needed = ["einwohner", *AGE_GROUPS]
    missing = [c for c in needed if c not in columns]
    if missing:
        return [
            Problem(
                f"Der Prognose fehlen Spalten: {', '.join(missing)}.",
                "Einwohner und alle fünf Altersgruppen je Jahr und Stadtteil angeben.",
            )
        ]
    values = out[needed].to_numpy(dtype=float)
    for col, column in enumerate(needed):
        cells = values[:, col]
        problems += [
            Problem(
                f"{column} = {german(cells[pos])}: eine Personenzahl muss eine ganze Zahl "
                "≥ 0 sein.",
                "Ganze, nicht negative Zahlen angeben.",
                int(rows[pos]),
                column,
            )
            for pos in np.flatnonzero((cells < 0) | (np.abs(cells - np.round(cells)) > 1e-9))
        ]
    gap = values[:, 0] - values[:, 1:].sum(axis=1)
    problems += [
        Problem(
            f"Die Altersgruppen ergeben {german(values[pos, 1:].sum())}, die Einwohnerzahl "
            f"ist {german(values[pos, 0])}.",
            "Altersgruppen und Einwohner so angeben, dass die Summe stimmt.",
            int(rows[pos]),
            "einwohner",
        )
        for pos in np.flatnonzero(np.isfinite(gap) & (np.abs(gap) > 0.5))
    ]
    return problems


def _forecast_coverage(
    out: pd.DataFrame,
    years: np.ndarray,
    base: pd.DataFrame,
    last: int,
    stadtteile: gpd.GeoDataFrame,
) -> list[Problem]:
    """Every inhabited Stadtteil in every forecast year."""
    problems: list[Problem] = []
    latest = base[base["jahr"] == last].set_index("stadtteil_nr")["einwohner"]
    inhabited = [nr for nr in stadtteile.index if latest.get(nr, np.nan) != 0]
    for year in sorted({int(y) for y in years if last < y <= HORIZON}):
        present = set(out.loc[out["jahr"] == year, "stadtteil_nr"])
        absent = [nr for nr in inhabited if nr not in present]
        if absent:
            shown = ", ".join(f"{nr} {stadtteile.at[nr, 'stadtteil']}" for nr in absent[:5])
            more = f" und {len(absent) - 5} weitere" if len(absent) > 5 else ""
            problems.append(
                Problem(
                    f"Für {year} fehlen Stadtteile: {shown}{more}.",
                    "Eine Prognose muss jeden bewohnten Stadtteil enthalten.",
                    None,
                    "stadtteil_nr",
                )
            )
    return problems

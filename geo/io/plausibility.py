"""Plausibility rules for Stadtteil statistics, shared by the data package and uploads.

A value may be missing (suppressed or not published: NaN); a value that is present must be a
finite number within sane bounds, and a sub-group can never exceed its total (people 65+ ≤
residents, one-person households ≤ households, …). The rules hold exactly for the published
Magdeburg statistics 2009–2025; every violation is a data error, not a rounding effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns that count people or households.
COUNT_COLUMNS = [
    "einwohner", "alter_0_6", "alter_7_17", "alter_18_44", "alter_45_64", "alter_65plus",
    "haushalte", "haushalte_1p", "haushalte_2p", "haushalte_3p", "haushalte_4plus", "frauen",
    "auslaender", "einwohner_wohnberechtigt", "wohngeld_haushalte",
]  # fmt: skip
#: Largest plausible count for one Stadtteil (Magdeburg's largest has about 26,000 residents).
MAX_COUNT = 1_000_000
#: Allowed range per column (inclusive); counts use 0 … MAX_COUNT.
BOUNDS: dict[str, tuple[float, float, str]] = {
    **dict.fromkeys(COUNT_COLUMNS, (0.0, MAX_COUNT, "Personen bzw. Haushalte")),
    "flaeche_ha": (0.0, 100_000.0, "Hektar"),
    "auslaender_pct": (0.0, 100.0, "Prozent"),
    "durchschnittsalter": (0.0, 120.0, "Jahre"),
    "haushaltsgroesse_mittel": (0.0, 20.0, "Personen je Haushalt"),
    "jugendquote": (0.0, 1_000.0, "je 100 Personen 18–64"),
    "altenquote": (0.0, 1_000.0, "je 100 Personen 18–64"),
}
AGE_GROUPS = ["alter_0_6", "alter_7_17", "alter_18_44", "alter_45_64", "alter_65plus"]
HOUSEHOLD_TYPES = ["haushalte_1p", "haushalte_2p", "haushalte_3p", "haushalte_4plus"]
#: (part, total): a part can never be larger than its total.
SUBGROUPS: list[tuple[str, str]] = [
    *((age, "einwohner") for age in AGE_GROUPS),
    ("frauen", "einwohner"),
    ("auslaender", "einwohner"),
    ("einwohner", "einwohner_wohnberechtigt"),
    *((kind, "haushalte") for kind in HOUSEHOLD_TYPES),
    ("wohngeld_haushalte", "haushalte"),
]
#: (disjoint parts, total): the parts together can never exceed the total.
SUMS: list[tuple[list[str], str]] = [(AGE_GROUPS, "einwohner"), (HOUSEHOLD_TYPES, "haushalte")]


@dataclass(frozen=True)
class Finding:
    """One implausible value.

    Attributes
    ----------
    position : int
        Position of the row in the checked frame.
    column : str
        Column of the implausible value.
    message : str
        What is wrong, with the value(s) (German).
    fix : str
        How to fix it (German).
    columns : tuple of str
        All columns the rule compared (for messages about where values came from).
    """

    position: int
    column: str
    message: str
    fix: str
    columns: tuple[str, ...] = ()


def german(value: float) -> str:
    """A number as German text (``1.234,5``), enough digits to see the problem."""
    if not np.isfinite(value):
        return "unendlich" if value > 0 else ("−unendlich" if value < 0 else "keine Zahl")
    if abs(value) >= 1e15:
        return f"{value:.3g}".replace(".", ",")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def check_statistics(frame: pd.DataFrame) -> list[Finding]:
    """All implausible values of a statistics table (float columns, NaN = missing).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any of the statistics columns (others are ignored).

    Returns
    -------
    list of Finding
        Ordered by row, then by rule.
    """
    values = {c: frame[c].to_numpy(dtype=float) for c in frame.columns if c in BOUNDS}
    findings, bad = _bound_findings(values)
    findings += _subgroup_findings(values, bad)
    findings += _sum_findings(values, bad)
    # Pairs already reported individually make the sum rule redundant for that row.
    pairs = {(f.position, f.columns[-1]) for f in findings if len(f.columns) == 2}
    findings = [
        f for f in findings if not (len(f.columns) > 2 and (f.position, f.columns[-1]) in pairs)
    ]
    return sorted(findings, key=lambda f: f.position)


def _bound_findings(
    values: dict[str, np.ndarray],
) -> tuple[list[Finding], dict[str, np.ndarray]]:
    """Infinite, negative and too large values per column (:data:`BOUNDS`), and where."""
    findings: list[Finding] = []
    bad = {}
    for column, data in values.items():
        low, high, unit = BOUNDS[column]
        infinite = np.isinf(data)
        negative = np.isfinite(data) & (data < low)
        large = np.isfinite(data) & (data > high)
        for pos in np.flatnonzero(infinite):
            findings.append(
                Finding(
                    int(pos),
                    column,
                    f"{column}: unendlicher Wert.",
                    "Eine gewöhnliche Zahl eintragen; nicht veröffentlicht: leer lassen.",
                    (column,),
                )
            )
        for pos in np.flatnonzero(negative):
            findings.append(
                Finding(
                    int(pos),
                    column,
                    f"{column} = {german(data[pos])} ist negativ.",
                    "Anzahlen, Anteile und Flächen sind nie negativ; Wert korrigieren.",
                    (column,),
                )
            )
        for pos in np.flatnonzero(large):
            findings.append(
                Finding(
                    int(pos),
                    column,
                    f"{column} = {german(data[pos])} ist unplausibel groß (höchstens "
                    f"{german(high)} {unit}).",
                    "Wert und Einheit prüfen (Anteile in Prozent 0–100, Flächen in Hektar).",
                    (column,),
                )
            )
        bad[column] = infinite | negative | large
    return findings, bad


def _subgroup_findings(values: dict[str, np.ndarray], bad: dict[str, np.ndarray]) -> list[Finding]:
    """A part larger than its whole (:data:`SUBGROUPS`), where both values are sound."""
    findings = []
    for part, total in SUBGROUPS:
        if part not in values or total not in values:
            continue
        a, b = values[part], values[total]
        over = np.isfinite(a) & np.isfinite(b) & ~bad[part] & ~bad[total] & (a > b + 0.5)
        for pos in np.flatnonzero(over):
            findings.append(
                Finding(
                    int(pos),
                    part,
                    f"{part} = {german(a[pos])} ist größer als {total} = {german(b[pos])}.",
                    f"Werte prüfen: {part} ist eine Teilgruppe von {total} und kann nicht "
                    "größer sein (Spalten vertauscht?).",
                    (part, total),
                )
            )
    return findings


def _sum_findings(values: dict[str, np.ndarray], bad: dict[str, np.ndarray]) -> list[Finding]:
    """Disjoint groups adding up to more than their total (:data:`SUMS`)."""
    findings = []
    for parts, total in SUMS:
        present = [p for p in parts if p in values]
        if len(present) < 2 or total not in values:
            continue
        block = np.column_stack([values[p] for p in present])
        clean = ~np.any(np.column_stack([bad[p] for p in present]), axis=1) & ~bad[total]
        sums = np.nansum(np.where(np.isfinite(block), block, np.nan), axis=1)
        any_part = np.isfinite(block).any(axis=1)
        total_values = values[total]
        over = clean & any_part & np.isfinite(total_values) & (sums > total_values + 0.5)
        for pos in np.flatnonzero(over):
            named = [p for p, v in zip(present, block[pos], strict=True) if np.isfinite(v)]
            findings.append(
                Finding(
                    int(pos),
                    total,
                    f"Die Summe von {', '.join(named)} ({german(sums[pos])}) ist größer als "
                    f"{total} = {german(total_values[pos])}.",
                    "Werte prüfen: die Gruppen überschneiden sich nicht und ergeben zusammen "
                    f"höchstens {total}.",
                    (*named, total),
                )
            )
    return findings

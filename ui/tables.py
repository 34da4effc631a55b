"""Tables for planners: German headings and number format."""

from __future__ import annotations

import pandas as pd

from geo.access_kernel import WalkParams
from geo.demand import TargetGroup
from indicators.format import format_number


def labelled(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` of ``df`` in that order, renamed to their (German) labels."""
    return df[list(columns)].rename(columns=columns)


def german_table(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Copy of ``df`` with numeric columns formatted as German text (``1.234,5``)."""
    out = df.copy()
    for column, places in decimals.items():
        out[column] = [format_number(v, places, missing="–") for v in df[column]]
    return out


def coverage_tooltip(coverage: pd.DataFrame, walk: WalkParams) -> pd.DataFrame:
    """Tooltip rows of the coverage map."""
    return pd.DataFrame(
        {
            "Stadtteil": coverage["stadtteil"].astype(str),
            f"bis {format_number(walk.max_walk_m)} m": [
                f"{format_number(s, 1)} % (Spanne {format_number(lo)}–{format_number(hi)})"
                if pd.notna(s)
                else "keine Angabe"
                for s, lo, hi in zip(
                    coverage["anteil_versorgt"],
                    coverage["versorgt_min"],
                    coverage["versorgt_max"],
                    strict=True,
                )
            ],
            "nicht versorgt": [format_number(v, missing="–") for v in coverage["unversorgt"]],
            "Median Gehweg": [
                f"{format_number(v, missing='–')} m" if pd.notna(v) else "–"
                for v in coverage["median_gehweg_m"]
            ],
        },
        index=coverage.index,
    )


def coverage_table(coverage: pd.DataFrame, group: TargetGroup) -> pd.DataFrame:
    """The coverage table with German headings and number format."""
    table = german_table(
        coverage,
        {
            "zielgruppe": 0,
            "versorgt": 0,
            "unversorgt": 0,
            "anteil_versorgt": 1,
            "versorgt_min": 0,
            "versorgt_max": 0,
            "median_gehweg_m": 0,
            "median_gehzeit_min": 0,
            "einrichtungen": 0,
            "je_einrichtung": 0,
            "e2sfca_je_1000": 2,
        },
    )
    table["spanne"] = table["versorgt_min"] + " – " + table["versorgt_max"]
    return labelled(
        table.reset_index(names="Nr."),
        {
            "Nr.": "Nr.",
            "stadtteil": "Stadtteil",
            "zielgruppe": group.label,
            "versorgt": "versorgt",
            "anteil_versorgt": "Anteil versorgt (%)",
            "spanne": "Spanne versorgt",
            "unversorgt": "nicht versorgt",
            "median_gehweg_m": "Median Gehweg (m)",
            "median_gehzeit_min": "Median Gehzeit (min)",
            "einrichtungen": "Einrichtungen",
            "je_einrichtung": "je Einrichtung",
            "e2sfca_je_1000": "E2SFCA je 1.000",
        }
    )  # fmt: skip


def difference_table(table: pd.DataFrame, group: TargetGroup) -> pd.DataFrame:
    """Scenario effect per Stadtteil with German headings and numbers."""
    out = german_table(
        table,
        {"zielgruppe": 0, "versorgt_vorher": 0, "versorgt_nachher": 0, "neu_versorgt": 0,
         "anteil_vorher": 1, "anteil_nachher": 1},
    )  # fmt: skip
    for column in ["rang_vorher", "rang_nachher"]:
        out[column] = [str(v) if pd.notna(v) else "–" for v in table[column]]
    return out.reset_index(names="Nr.").rename(
        columns={
            "stadtteil": "Stadtteil",
            "zielgruppe": group.label,
            "versorgt_vorher": "versorgt vorher",
            "versorgt_nachher": "versorgt nachher",
            "neu_versorgt": "neu versorgt",
            "anteil_vorher": "Anteil vorher (%)",
            "anteil_nachher": "Anteil nachher (%)",
            "rang_vorher": "Rang vorher",
            "rang_nachher": "Rang nachher",
            "klasse_vorher": "Klasse vorher",
            "klasse_nachher": "Klasse nachher",
        }
    )


def comparison_table(diff: pd.DataFrame) -> pd.DataFrame:
    """Two scenarios per Stadtteil with German headings and numbers."""
    out = german_table(
        diff, {"versorgt_a": 0, "versorgt_b": 0, "differenz": 0, "anteil_a": 1, "anteil_b": 1}
    )
    for column in ["rang_a", "rang_b"]:
        out[column] = [str(v) if pd.notna(v) else "–" for v in diff[column]]
    return out.reset_index(names="Nr.").rename(
        columns={
            "stadtteil": "Stadtteil",
            "versorgt_a": "versorgt A",
            "versorgt_b": "versorgt B",
            "differenz": "B − A",
            "anteil_a": "Anteil A (%)",
            "anteil_b": "Anteil B (%)",
            "rang_a": "Rang A",
            "rang_b": "Rang B",
        }
    )

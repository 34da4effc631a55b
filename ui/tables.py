"""Tables for planners: German headings and number format."""

from __future__ import annotations

import pandas as pd

from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TargetGroup
from indicators.composite import shared_rank_text
from indicators.format import format_change, format_number
from indicators.registry import INDICATORS


def labelled(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` of ``df`` in that order, renamed to their (German) labels."""
    return df[list(columns)].rename(columns=columns)


def german_table(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Copy of ``df`` with numeric columns formatted as German text (``1.234,5``)."""
    out = df.copy()
    for column, places in decimals.items():
        out[column] = [format_number(v, places, missing="–") for v in df[column]]
    return out


#: The words that explain a share's range wherever a single coverage figure is shown.
RANGE_WORDS = "je nach Lage der erfassten Einrichtungen"


def percent(value: float) -> str:
    """``15,4`` – one decimal, without ``,0`` for whole numbers (``50``)."""
    text = format_number(value, 1, missing="–")
    return text[:-2] if text.endswith(",0") else text


def range_words(low: float, high: float) -> str:
    """``je nach Lage der erfassten Einrichtungen 2,6–50 %`` (empty without a range)."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{RANGE_WORDS} {percent(low)}–{percent(high)} %"


def rank_span(low: float, high: float) -> str:
    """``"3–12"`` (or ``"3"``) for a range of whole ranks; ``"–"`` when unknown."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    lo, hi = int(low), int(high)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def share_with_range(share: float, low: float, high: float) -> str:
    """``15,4 % (je nach Lage der erfassten Einrichtungen 2,6–50 %)``."""
    if pd.isna(share):
        return "–"
    words = range_words(low, high)
    return f"{percent(share)} %" + (f" ({words})" if words else "")


def share_cell(share: float, low: float, high: float) -> str:
    """``15,4 % (2,6–50 %)`` for a table whose heading names the range."""
    if pd.isna(share):
        return "–"
    if pd.isna(low) or pd.isna(high):
        return f"{percent(share)} %"
    return f"{percent(share)} % ({percent(low)}–{percent(high)} %)"


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


def _numbered(table: pd.DataFrame, area: str) -> pd.DataFrame:
    """``Nr.`` first: the Stadtteil number, or a running number for other areas (regions)."""
    if area == "Stadtteil":
        return table.reset_index(names="Nr.")
    out = table.reset_index(drop=True)
    out.insert(0, "Nr.", [str(i) for i in range(1, len(out) + 1)])
    return out


def indicator_overview(table: pd.DataFrame, area: str = "Stadtteil") -> pd.DataFrame:
    """Indicators per area with the registry's German headings and German numbers.

    Parameters
    ----------
    table : pandas.DataFrame
        Indicator table (index = Stadtteil number or region name, column ``stadtteil``).
    area : str
        Heading of the name column (``"Region"`` numbers the rows 1, 2, …).

    Returns
    -------
    pandas.DataFrame
        ``Nr.``, the name, then every indicator of the registry present in ``table``.
    """
    present = [i for i in INDICATORS.values() if i.id in table.columns]
    out = german_table(table, {i.id: i.decimals for i in present})
    return labelled(
        _numbered(out, area),
        {"Nr.": "Nr.", "stadtteil": area, **{i.id: i.label_with_unit for i in present}},
    )


def ranking_overview(ranking: pd.DataFrame, area: str = "Stadtteil") -> pd.DataFrame:
    """The under-served index by rank with German headings and numbers."""
    ordered = ranking.sort_values(["rang", "stadtteil"], na_position="last")
    out = german_table(ordered, {"index": 1, "rang_p05": 0, "rang_p95": 0})
    out["rang"] = [
        shared_rank_text(a, b) or "–"
        for a, b in zip(ordered["rang_von"], ordered["rang_bis"], strict=True)
    ]
    out["grund"] = ordered["grund"].fillna("").astype(str)
    out["klasse_text"] = ordered["klasse_text"].fillna("–").astype(str)
    return labelled(
        out.reset_index(drop=True),
        {"rang": "Rang", "stadtteil": area, "index": "Index (0–100)", "klasse_text": "Klasse",
         "rang_p05": "Rang von", "rang_p95": "Rang bis", "grund": "nicht gerankt, weil"},
    )  # fmt: skip


def coverage_table(
    coverage: pd.DataFrame, group: TargetGroup, area: str = "Stadtteil"
) -> pd.DataFrame:
    """The coverage table with German headings and number format (``area``: see :func:`_numbered`)."""
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
    placed = coverage["verortet"].where(coverage["verortet"] > 0)
    table["anteil_versorgt"] = [
        share_cell(v, lo, hi)
        for v, lo, hi in zip(
            coverage["anteil_versorgt"],
            coverage["versorgt_min"] / placed * 100,
            coverage["versorgt_max"] / placed * 100,
            strict=True,
        )
    ]
    return labelled(
        _numbered(table, area),
        {
            "Nr.": "Nr.",
            "stadtteil": area,
            "zielgruppe": group.label,
            "versorgt": "versorgt",
            "anteil_versorgt": f"Anteil versorgt ({RANGE_WORDS})",
            "spanne": f"versorgt ({RANGE_WORDS})",
            "unversorgt": "nicht versorgt",
            "median_gehweg_m": "Median Gehweg (m)",
            "median_gehzeit_min": "Median Gehzeit (min)",
            "einrichtungen": "Einrichtungen",
            "je_einrichtung": "je Einrichtung",
            "e2sfca_je_1000": "E2SFCA je 1.000",
        }
    )  # fmt: skip


def rank_interval(low: float, high: float) -> str:
    """The 5–95 % rank interval: ``"2–5"``, or ``"stets 1"`` when it is one rank."""
    lo, hi = format_number(low, missing="–"), format_number(high, missing="–")
    return f"stets {lo}" if lo == hi else f"{lo}–{hi}"


def unranked_reason(reason: str, residents: float | None) -> str:
    """Why a Stadtteil is not ranked: "keine Einwohner" where nobody lives there.

    Otherwise the index's reason (e.g. an unpublished number, too few people).
    """
    if residents is not None and not pd.isna(residents) and residents == 0:
        return "keine Einwohner"
    return str(reason)


def metric_delta(value: float | None, decimals: int = 0, unit: str = "") -> dict:
    """``st.metric`` arguments for a change: German text, arrow and colour from its sign.

    Streamlit reads the direction from a leading ASCII minus, which German text does not
    have (``−0,2``); so arrow and colour are set explicitly: up and green for a gain, down
    and red for a loss, none for no change.
    """
    text = format_change(value, decimals)
    direction = "up" if text.startswith("+") else "down" if text.startswith("−") else "off"
    colors = {"up": "green", "down": "red", "off": "gray"}
    return {
        "delta": f"{text} {unit}".strip(),
        "delta_arrow": direction,
        "delta_color": colors[direction],
    }


def _before_after(before: object, after: object) -> str:
    before, after = str(before), str(after)
    return before if before == after else f"{before} → {after}"


def difference_table(table: pd.DataFrame, group: TargetGroup) -> pd.DataFrame:
    """Scenario effect per Stadtteil: one column per figure, "vorher → nachher".

    Compact enough to show whole at 1280 pixels: the Stadtteil, the target group, the
    people within walking distance with the change (signed), the share with the range
    after the change, the index, rank and class (one value where nothing changed).
    """
    rank = (
        ["–" if pd.isna(v) else str(int(v)) for v in table["rang_vorher"]],
        ["–" if pd.isna(v) else str(int(v)) for v in table["rang_nachher"]],
    )
    out = pd.DataFrame(
        {
            "Nr.": table.index,
            "Stadtteil": table["stadtteil"].astype(str),
            group.label: [format_number(v, missing="–") for v in table["zielgruppe"]],
            "fußläufig versorgt": [
                _before_after(format_number(b, missing="–"), format_number(a, missing="–"))
                for b, a in zip(table["versorgt_vorher"], table["versorgt_nachher"], strict=True)
            ],
            "Veränderung": [format_change(v, missing="–") for v in table["neu_versorgt"]],
            "Anteil (%)": [
                _before_after(percent(b), percent(a))
                for b, a in zip(table["anteil_vorher"], table["anteil_nachher"], strict=True)
            ],
            "Spanne nachher (%)": [
                "–" if pd.isna(lo) or pd.isna(hi) else f"{percent(lo)}–{percent(hi)}"
                for lo, hi in zip(
                    table["anteil_nachher_min"], table["anteil_nachher_max"], strict=True
                )
            ],
            "Index": [
                _before_after(format_number(b, 1, missing="–"), format_number(a, 1, missing="–"))
                for b, a in zip(table["index_vorher"], table["index_nachher"], strict=True)
            ],
            "Rang": [_before_after(b, a) for b, a in zip(*rank, strict=True)],
            "Klasse": [
                _before_after(
                    b if isinstance(b, str) and b else "–", a if isinstance(a, str) and a else "–"
                )
                for b, a in zip(table["klasse_vorher"], table["klasse_nachher"], strict=True)
            ],
        }
    )
    return out.reset_index(drop=True)


#: Column widths of :func:`difference_table` (pixels): the Stadtteil is never cut.
DIFFERENCE_WIDTHS = {"Nr.": 48, "Stadtteil": 190, "Veränderung": 100, "Rang": 90}


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

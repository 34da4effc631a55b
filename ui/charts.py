"""Altair charts for the pages (German labels and number format)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from indicators.registry import Indicator
from maps.classify import Classes

#: German number format for axes and tooltips (``1.234,5``).
GERMAN = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " €"])
)


def german(chart: alt.Chart) -> alt.Chart:
    """Apply the German number locale to a top-level chart."""
    return chart.configure(locale=GERMAN)


def _fmt(decimals: int) -> str:
    return f",.{decimals}f"


def ranking_chart(
    table: pd.DataFrame, indicator: Indicator, classes: Classes, selected: str | None
) -> alt.Chart:
    """Horizontal bars of all Stadtteile, highest value on top, coloured by map class.

    Infinite and missing values are left out (the page lists them).
    """
    values = table[indicator.id]
    keep = np.isfinite(values)
    df = pd.DataFrame(
        {
            "Stadtteil": table.loc[keep, "stadtteil"].astype(str),
            "Wert": values[keep],
            "Farbe": classes.fill_colors()[keep],
            "Auswahl": table.index[keep] == selected,
        }
    )
    height = max(240, 18 * len(df))
    return german(
        alt.Chart(df, height=height)
        .mark_bar(stroke="#111")
        .encode(
            x=alt.X(
                "Wert:Q",
                title=indicator.label_with_unit,
                axis=alt.Axis(format=_fmt(indicator.decimals)),
            ),
            y=alt.Y(
                "Stadtteil:N",
                sort="-x",
                title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220),
            ),
            color=alt.Color("Farbe:N", scale=None),
            strokeWidth=alt.condition("datum.Auswahl", alt.value(2.5), alt.value(0)),
            tooltip=[
                alt.Tooltip("Stadtteil:N"),
                alt.Tooltip("Wert:Q", title=indicator.label, format=_fmt(indicator.decimals)),
            ],
        )
    )


def trend_chart(history: pd.DataFrame, indicator: Indicator, stadtteil_nr: str | None) -> alt.Chart:
    """Indicator over the years for the city and (if chosen) one Stadtteil."""
    keep = history["stadtteil_nr"].isin(["gesamt", stadtteil_nr])
    df = history[keep & np.isfinite(history["wert"])].rename(
        columns={"jahr": "Jahr", "stadtteil": "Gebiet", "wert": "Wert"}
    )
    return german(
        alt.Chart(df, height=260)
        .mark_line(point=True)
        .encode(
            x=alt.X("Jahr:O", title="Jahr (31.12.)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "Wert:Q",
                title=indicator.label_with_unit,
                axis=alt.Axis(format=_fmt(indicator.decimals)),
                scale=alt.Scale(zero=indicator.is_count),
            ),
            color=alt.Color("Gebiet:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("Gebiet:N"),
                alt.Tooltip("Jahr:O"),
                alt.Tooltip("Wert:Q", title=indicator.label, format=_fmt(indicator.decimals)),
            ],
        )
    )


def age_chart(ages: pd.DataFrame) -> alt.Chart:
    """Grouped bars: share of each age group, Stadtteil next to the city."""
    df = ages.rename(
        columns={"altersgruppe": "Altersgruppe", "gebiet": "Gebiet", "anteil": "Anteil"}
    )
    areas = list(dict.fromkeys(df["Gebiet"]))  # the Stadtteil first, then the city
    return german(
        alt.Chart(df, height=240)
        .mark_bar()
        .encode(
            x=alt.X(
                "Altersgruppe:N",
                sort=list(dict.fromkeys(df["Altersgruppe"])),
                title="Alter",
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("Gebiet:N", sort=areas),
            y=alt.Y(
                "Anteil:Q", title="Anteil an allen Einwohnern (%)", axis=alt.Axis(format=",.0f")
            ),
            color=alt.Color(
                "Gebiet:N",
                title=None,
                scale=alt.Scale(domain=areas, range=["#0072B2", "#bbbbbb"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("Gebiet:N"),
                alt.Tooltip("Altersgruppe:N"),
                alt.Tooltip("Anteil:Q", format=",.1f", title="Anteil (%)"),
                alt.Tooltip("anzahl:Q", format=",.0f", title="Anzahl"),
            ],
        )
    )


#: Under-served class colours (same as the map).
_CLASS_SCALE = alt.Scale(
    domain=["sehr hoch", "hoch", "mittel", "gering"],
    range=["#cb181d", "#fb6a4a", "#fcae91", "#fee5d9"],
)


def rank_interval_chart(ranking: pd.DataFrame, selected: str | None) -> alt.Chart:
    """Rank of every ranked Stadtteil with its 5–95 % interval under weight perturbations."""
    ranked = ranking[ranking["gerankt"]].copy()
    df = pd.DataFrame(
        {
            "Stadtteil": ranked["stadtteil"].astype(str),
            "Rang": ranked["rang"].astype(float),
            "von": ranked["rang_p05"],
            "bis": ranked["rang_p95"],
            "Index": ranked["index"],
            "Klasse": ranked["klasse_text"],
            "Auswahl": ranked.index == selected,
        }
    )
    order = df.sort_values("Rang")["Stadtteil"].tolist()
    base = alt.Chart(df)
    y = alt.Y(
        "Stadtteil:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)
    )
    rule = base.mark_rule(strokeWidth=2, color="#777").encode(
        y=y,
        x=alt.X(
            "von:Q",
            title="Rang (1 = am stärksten unterversorgt)",
            scale=alt.Scale(domain=[0, len(df) + 1]),
        ),
        x2="bis:Q",
    )
    points = base.mark_point(filled=True, size=110, stroke="#111").encode(
        y=y,
        x="Rang:Q",
        color=alt.Color(
            "Klasse:N",
            scale=_CLASS_SCALE,
            legend=alt.Legend(orient="bottom", title="Unterversorgung"),
        ),
        strokeWidth=alt.condition("datum.Auswahl", alt.value(2.5), alt.value(0.5)),
        tooltip=[
            alt.Tooltip("Stadtteil:N"),
            alt.Tooltip("Rang:Q", format=".0f"),
            alt.Tooltip("von:Q", title="Rang bei anderen Gewichten: von", format=".0f"),
            alt.Tooltip("bis:Q", title="bis", format=".0f"),
            alt.Tooltip("Index:Q", format=",.1f"),
        ],
    )
    return german(alt.layer(rule, points).properties(height=max(240, 21 * len(df))))


def contribution_chart(parts: pd.DataFrame) -> alt.Chart:
    """Points each component adds to one Stadtteil's index."""
    return german(
        alt.Chart(parts, height=36 * len(parts))
        .mark_bar()
        .encode(
            x=alt.X("Punkte:Q", title="Beitrag zum Index (Punkte)", axis=alt.Axis(format=",.0f")),
            y=alt.Y(
                "Komponente:N",
                sort=None,
                title=None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            color=alt.Color(
                "Gruppe:N",
                scale=alt.Scale(domain=["Bedarf", "Versorgung"], range=["#E69F00", "#0072B2"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("Komponente:N"),
                alt.Tooltip("Punkte:Q", format=",.1f"),
                alt.Tooltip("Wert:N", title="Wert im Stadtteil"),
            ],
        )
    )


def gain_curve(proposal) -> alt.Chart:
    """Objective for k = 1 … k: how much each further site adds (diminishing returns)."""
    curve = list(proposal.result.curve)
    coverage = proposal.objective == "abdeckung"
    df = pd.DataFrame(
        {
            "k": range(1, len(curve) + 1),
            "Wert": curve,
            "Zuwachs": [curve[0], *np.diff(curve)] if coverage else [np.nan] * len(curve),
        }
    )
    title = "zusätzlich versorgt (Personen)" if coverage else "mittlerer Gehweg (m)"
    line = (
        alt.Chart(df, height=220, title="Optimum je Zahl neuer Standorte")
        .mark_line(point=True)
        .encode(
            x=alt.X("k:O", title="Zahl neuer Standorte", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Wert:Q", title=title, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("k:O"),
                alt.Tooltip("Wert:Q", format=",.0f"),
                alt.Tooltip("Zuwachs:Q", format=",.0f", title="Zuwachs durch diesen Standort"),
            ],
        )
    )
    return german(line)

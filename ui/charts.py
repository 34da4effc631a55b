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

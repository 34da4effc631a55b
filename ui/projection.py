"""Projected years in the UI: the label, the method table and the map of change."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from geo.analysis.projection import (
    MODEL_LABEL,
    PRIOR_PERSONS,
    RATE_NAMES,
    WIDTHS,
    method_table,
    source_note,
)
from geo.io.package import DataPackage
from indicators.format import format_number
from indicators.registry import INDICATORS
from maps.builders import classify_indicator, indicator_map
from ui import data, map_widget, markup, presentation

_GROUP_NAMES = ("0–6", "7–17", "18–44", "45–64")


def year_text(pkg: DataPackage, year: int) -> str:
    """``2035 (Modellrechnung)`` for a projected year, ``2025`` for an observed one."""
    label = pkg.year_label(year)
    return f"{year} ({label})" if label else str(year)


def banner(pkg: DataPackage, year: int) -> None:
    """Say on top of every page that the figures of a projected year are no official count."""
    label = pkg.year_label(year)
    if label:
        st.warning(
            f"**{year}: {label}.** {source_note(label, pkg.years[-1])}; Einrichtungen wie "
            "heute. Methode und Raten auf der Seite Bevölkerung.",
            icon=":material/trending_up:",
        )


def method_text(pkg: DataPackage) -> str:
    """The model in words (page and README say the same)."""
    proj = pkg.projection
    shares = ", ".join(f"{g}: 1/{w}" for g, w in zip(_GROUP_NAMES, WIDTHS, strict=True))
    return (
        f"Kohorten-Fortschreibung der fünf Altersgruppen je Stadtteil, Jahr für Jahr ab "
        f"{proj.base_year}. **Altern:** jedes Jahr rückt der Anteil 1/Breite einer Gruppe in "
        f"die nächste ({shares} in 65+). **Netto-Raten** (Sterblichkeit und Wanderung "
        f"zusammen) je Gruppe und **Geburten und Zuzug 0–6** je Person 18–44 aus den "
        f"beobachteten Veränderungen {proj.first_year}–{proj.base_year} jedes Stadtteils, "
        f"bei kleinen Stadtteilen zur Stadt hin gezogen: Rate = w · eigene + (1 − w) · Stadt, "
        f"w = n / (n + {format_number(PRIOR_PERSONS)}), n = Personen der Gruppe im Mittel. "
        "Nicht veröffentlichte Werte bleiben leer. Die 100-m-Zellen folgen der Fortschreibung "
        "ihres Stadtteils (Anteil der Zielgruppe je Stadtteil auf die Zensus-Einwohner)."
    )


def method_section(pkg: DataPackage) -> None:
    """The method and every rate (per Stadtteil and for the city) in an expander."""
    if pkg.projection is None:
        return
    with st.expander("Modellrechnung: Methode und alle Raten", icon=":material/functions:"):
        st.markdown(method_text(pkg))
        sources = {y: s for y, s in pkg.projection.sources.items() if s != MODEL_LABEL}
        if sources:
            st.caption(
                "Durch eine hochgeladene amtliche Prognose ersetzt: "
                + ", ".join(map(str, sorted(sources)))
                + "."
            )
        table = method_table(pkg.projection)
        shown = pd.DataFrame(
            {
                "Nr.": table["stadtteil_nr"],
                "Stadtteil": table["stadtteil"],
                **{
                    f"{name} (% je Jahr)": [format_number(v * 100, 2) for v in table[name]]
                    for name in RATE_NAMES
                },
                "Gewicht eigene Daten (65+)": [
                    format_number(v * 100, 0) + " %" for v in table["gewicht_eigen"]
                ],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")


def change_section(pkg: DataPackage) -> None:
    """Map and figures of the change of the 65+ from the last observed to the last projected year."""
    if pkg.projection is None or not pkg.projected_years:
        return
    first, last = pkg.years[-1], pkg.projected_years[-1]
    label = pkg.year_label(last)
    st.subheader(f"Veränderung {first} → {last} ({label})")
    if not st.toggle(f"Karte der Veränderung {first} → {last} zeigen", key="veraenderung_karte"):
        return
    before = data.indicator_table(pkg, first)
    after = data.indicator_table(pkg, last)
    group = st.radio(
        "Größe",
        ["senioren_65plus", "anteil_65plus"],
        format_func=lambda i: INDICATORS[i].label_with_unit,
        horizontal=True,
        key="veraenderung_groesse",
    )
    base = INDICATORS[group]
    change = replace(
        base,
        id=f"veraenderung_{group}",
        label=f"Veränderung {base.label}",
        unit="Prozentpunkte" if base.unit == "%" else base.unit,
        definition=f"{base.label} {last} ({label}) minus {first}.",
        higher_means_need=None,
    )
    table = before[["stadtteil"]].copy()
    table[change.id] = after[group] - before[group]
    classes = classify_indicator(table[change.id], change, k=5, method="quantile")
    m = indicator_map(
        pkg.stadtteile,
        table,
        change,
        classes,
        **map_widget.map_options(),
        title=f"{change.label_with_unit} {first} → {last} ({label})",
    )
    map_widget.show_map(m, key="karte_veraenderung", clickable=False)
    if base.unit != "%":
        st.caption(
            f"Stadt gesamt: {format_number(before[group].sum())} → "
            f"{format_number(after[group].sum())} ({label}). Leer: nicht veröffentlicht."
        )
    missing = table.loc[table[change.id].isna(), "stadtteil"].tolist()
    if missing:
        st.caption(
            f"Ohne Wert (nicht veröffentlicht oder keine Einwohner): {markup.md(', '.join(missing))}."
        )


SECOND_YEAR = "sim_zweites_jahr"
_OFF = "aus"


def second_year(pkg: DataPackage, ev) -> None:
    """Before/after of the scenario in a second year (default: the last projected one).

    The same scenario (sites, closures, crossings, assumptions) is measured on the people of
    the other year; the table shows both years side by side, the projected one labelled.
    """
    from ui import analysis, tables

    year = ev.assumptions.year or max(pkg.years)
    others = [y for y in pkg.selectable_years if y != year]
    if not pkg.projected_years or not others:
        return
    default = pkg.projected_years[-1] if pkg.projected_years[-1] != year else max(pkg.years)
    st.session_state.setdefault(SECOND_YEAR, default)
    if st.session_state[SECOND_YEAR] not in (_OFF, *others):
        st.session_state[SECOND_YEAR] = default
    with presentation.editing("zweites_jahr"):
        st.selectbox(
            "Vorher → nachher auch für",
            [_OFF, *others],
            format_func=lambda y: "kein zweites Jahr" if y == _OFF else year_text(pkg, y),
            key=SECOND_YEAR,
        )
    other = st.session_state[SECOND_YEAR]
    if other == _OFF or ev.overlay.is_empty:  # nothing before the first change
        return
    a = replace(ev.assumptions, year=other)
    before = analysis.access(pkg, a).city
    after = analysis.access(pkg, a, ev.overlay).city
    rows = []
    for y, b, a in ((year, ev.before.city, ev.after.city), (other, before, after)):
        rows.append(
            {
                "Jahr": year_text(pkg, y),
                ev.after.target.label: format_number(b["zielgruppe"]),
                "versorgt vorher": format_number(b["versorgt"]),
                "versorgt nachher": format_number(a["versorgt"]),
                "Veränderung": format_number(a["versorgt"] - b["versorgt"]),
                "Anteil vorher → nachher": f"{tables.percent(b['anteil_versorgt'])} % → "
                f"{tables.percent(a['anteil_versorgt'])} %",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

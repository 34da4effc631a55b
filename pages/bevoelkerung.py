"""Bevölkerung: any indicator as classed map, ranking, trend and a Stadtteil profile."""

import numpy as np
import streamlit as st

from indicators.format import format_value
from indicators.profile import age_structure, profile_table
from indicators.registry import INDICATORS
from maps.builders import classify_indicator, indicator_map
from maps.classify import METHODS
from ui import (
    charts,
    data,
    map_widget,
    markup,
    pickers,
    presentation,
    projection,
    router,
    sources,
    state,
    tables,
)

router.ensure_routed()
pkg = data.package()
year = st.session_state[state.YEAR]
table = data.indicator_table(pkg, year)
city = data.city_indicators(pkg, year)

st.title("Bevölkerung und Indikatoren")

left, right = st.columns([3, 3])
left.selectbox(
    "Indikator",
    list(INDICATORS),
    **state.bind(state.INDICATOR),
    format_func=lambda i: f"{INDICATORS[i].group} · {INDICATORS[i].label_with_unit}",
)
with right, presentation.editing("klassen"):
    method_col, count_col = st.columns([2, 1])
    method_col.selectbox(
        "Klassenbildung", list(METHODS), **state.bind(state.CLASS_METHOD), format_func=METHODS.get
    )
    count_col.slider("Klassen", 3, 7, **state.bind(state.N_CLASSES))

indicator = INDICATORS[st.session_state[state.INDICATOR]]
st.caption(f"**{indicator.label}:** {indicator.definition}")
if indicator.id == "wohngeld_je_1000_haushalte" and table.attrs.get("wohngeld_jahr") != year:
    st.caption(
        f"Wohngelddaten liegen bis {table.attrs.get('wohngeld_jahr')} vor; dieses Jahr wird gezeigt."
    )
if indicator.id == "bevoelkerung_veraenderung":
    st.caption(f"Bezugsjahr: {table.attrs['basisjahr']}.")
if indicator.group.startswith("Versorgung"):
    st.caption("Einrichtungen: heutiger Stand des Datenpakets, unabhängig vom gewählten Jahr.")

classes = classify_indicator(
    table[indicator.id],
    indicator,
    k=st.session_state[state.N_CLASSES],
    method=st.session_state[state.CLASS_METHOD],
)
selected = st.session_state[state.STADTTEIL]

map_col, rank_col = st.columns([3, 2])
with map_col:
    m = indicator_map(
        pkg.stadtteile,
        table,
        indicator,
        classes,
        **map_widget.map_options(),
        highlight=[selected] if selected else (),
        title=f"{indicator.label_with_unit} {projection.year_text(pkg, year)}",
        note=f"Klassen: {METHODS[st.session_state[state.CLASS_METHOD]].split(' (')[0]}",
    )
    clicked = map_widget.show_map(m, key="karte_bevoelkerung", clickable=True)
    sources.attribution()
    st.caption("Stadtteil anklicken, um sein Profil zu öffnen.")
with rank_col:
    st.markdown(f"**Rangfolge {projection.year_text(pkg, year)}** (höchster Wert oben)")
    st.altair_chart(charts.ranking_chart(table, indicator, classes, selected), width="stretch")
    values = table[indicator.id]
    infinite = table.loc[np.isposinf(values), "stadtteil"].tolist()
    empty = values.isna() & (table["einwohner"] == 0)
    unpublished = table.loc[values.isna() & ~empty, "stadtteil"].tolist()
    if infinite:
        st.caption(f"Ohne Begegnungsstätte (∞): {markup.md(', '.join(infinite))}.")
    if empty.any():
        names = ", ".join(table.loc[empty, "stadtteil"])
        st.caption(f"Keine Einwohner, daher kein Wert: {markup.md(names)}.")
    if unpublished:
        st.caption(f"Nicht veröffentlicht (Datenschutz): {markup.md(', '.join(unpublished))}.")

projection.method_section(pkg)
projection.change_section(pkg)

st.divider()
nr = pickers.stadtteil_picker(pkg, "Stadtteilprofil", clicked)

if nr is None:
    st.altair_chart(
        charts.trend_chart(data.history(pkg, indicator.id), indicator, None), width="stretch"
    )
    st.info("Wählen Sie einen Stadtteil, um sein Profil zu sehen.", icon=":material/touch_app:")
    st.stop()

name = pkg.stadtteile.at[nr, "stadtteil"]
st.header(f"Profil: {markup.md(name)}", anchor="profil")
row = table.loc[nr]
for column, indicator_id in zip(
    st.columns(4),
    ["einwohner", "senioren_65plus", "anteil_65plus", "begegnungsstaetten"],
    strict=True,
):
    ind = INDICATORS[indicator_id]
    column.metric(ind.label, format_value(ind, row[indicator_id]), border=True)

profile_col, chart_col = st.columns([3, 2])
with profile_col:
    st.dataframe(profile_table(table, city, nr), hide_index=True, width="stretch")
    st.caption("Rang 1 = höchster Wert unter allen Stadtteilen mit Angabe.")
with chart_col:
    st.markdown(f"**{indicator.label}: Entwicklung**")
    st.altair_chart(
        charts.trend_chart(data.history(pkg, indicator.id), indicator, nr), width="stretch"
    )
    st.markdown(f"**Altersstruktur {year}**")
    st.altair_chart(charts.age_chart(age_structure(pkg.statistik, year, nr)), width="stretch")

facilities = pkg.einrichtungen[pkg.einrichtungen["stadtteil_nr"] == nr]
st.markdown(f"**Einrichtungen im Stadtteil ({len(facilities)})**")
if facilities.empty:
    st.caption("Im Datenpaket ist keine Einrichtung in diesem Stadtteil verzeichnet.")
else:
    st.dataframe(
        tables.labelled(
            facilities,
            {
                "name": "Name",
                "typ": "Art",
                "traeger": "Träger",
                "strasse_hausnr": "Adresse",
                "oeffentlich": "öffentlich",
                "in_betrieb": "in Betrieb",
            },
        ),
        hide_index=True,
        width="stretch",
    )

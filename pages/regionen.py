"""Regionen: indicators, coverage and ranking aggregated to uploaded regions."""

import streamlit as st

from indicators.registry import INDICATORS
from maps.access_maps import class_map
from maps.builders import classify_indicator, indicator_map
from scenarios.evaluation import region_figures
from ui import analysis, data, map_widget, projection, router, sources, state, tables

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
mapping = st.session_state[state.REGIONS]

st.title("Regionen")
if mapping is None:
    st.info(
        "Noch keine Zuordnung Stadtteil → Region geladen (z. B. Versorgungsgebiete oder "
        "Sozialregionen). Auf der Seite Daten als CSV/XLSX hochladen: Spalten stadtteil_nr und region.",
        icon=":material/hub:",
    )
    st.stop()

year = st.session_state[state.YEAR]
res = analysis.result(pkg)
regions = region_figures(pkg, res, mapping)
polygons, table, coverage = regions.polygons, regions.indicators, regions.coverage
result = res.before
st.caption(
    f"{len(polygons)} Regionen aus {len(mapping)} Stadtteilen. Zahlen sind Summen bzw. Quoten aus "
    "Summen der Stadtteile (nie Mittelwerte von Anteilen)."
)

indicator_tab, coverage_tab, rank_tab = st.tabs(["Indikatoren", "Versorgung", "Unterversorgung"])
with indicator_tab:
    indicator = INDICATORS[
        st.selectbox(
            "Indikator", list(INDICATORS), format_func=lambda i: INDICATORS[i].label_with_unit
        )
    ]
    classes = classify_indicator(
        table[indicator.id], indicator, k=min(5, max(3, len(polygons) - 1))
    )
    m = indicator_map(
        polygons,
        table,
        indicator,
        classes,
        title=f"{indicator.label_with_unit} {projection.year_text(pkg, year)}",
        **map_widget.map_options(),
    )
    map_widget.show_map(m, key="karte_regionen_indikator")
    st.dataframe(tables.indicator_overview(table, "Region"), hide_index=True, width="stretch")
with coverage_tab:
    st.dataframe(
        tables.coverage_table(coverage, result.target, "Region"), hide_index=True, width="stretch"
    )
with rank_tab:
    ranking = regions.ranking
    m = class_map(
        polygons, ranking, top=min(3, len(polygons)), sites=result.sites, **map_widget.map_options()
    )
    map_widget.show_map(m, key="karte_regionen_rang")
    st.dataframe(tables.ranking_overview(ranking, "Region"), hide_index=True, width="stretch")
sources.attribution()

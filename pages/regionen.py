"""Regionen: indicators, coverage and ranking aggregated to stored region sets (or an upload)."""

import streamlit as st

from indicators.registry import INDICATORS
from maps.access_maps import class_map
from maps.builders import classify_indicator, indicator_map
from scenarios.evaluation import region_figures
from ui import (
    analysis,
    data,
    map_widget,
    markup,
    planning,
    presentation,
    projection,
    router,
    sources,
    state,
    tables,
)

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()

st.title("Regionen")
try:
    store = planning.planning_store()
except ValueError as error:
    st.error(markup.md(str(error)))
    st.stop()
name, mapping = planning.choose_region_set(store)
if mapping is None:
    st.info(
        "Noch keine Gebietsgliederung gespeichert (z. B. die 18 Versorgungsgebiete oder die 5 "
        "Sozialregionen). Unten jeden Stadtteil einer Region zuordnen oder eine Tabelle "
        "(stadtteil_nr, region) laden und speichern – sie gilt dann für alle, auch im Bericht "
        "und auf der Kommandozeile.",
        icon=":material/hub:",
    )
    with presentation.editing("gliederung_neu"):
        planning.editor(pkg, store, None)
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

indicator_tab, coverage_tab, rank_tab, profile_tab, edit_tab = st.tabs(
    ["Indikatoren", "Versorgung", "Unterversorgung", "Steckbriefe", "Gliederung und Downloads"]
)
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
with profile_tab:
    planning.profile_panel(pkg, res, mapping, name)
with edit_tab:
    planning.history_and_downloads(pkg, store, name)
    with presentation.editing("gliederung"):
        planning.editor(pkg, store, name)
sources.attribution()

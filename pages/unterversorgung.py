"""Unterversorgung: weighted index of need and supply, ranking with intervals, Warum-card."""

import streamlit as st

from indicators.composite import COMPONENTS, explain
from indicators.format import format_short
from maps.access_maps import class_styling
from maps.layers import add_barrier, barrier_legend
from maps.scenario_maps import fill_data, layered_base, layers
from ui import (
    analysis,
    charts,
    data,
    map_widget,
    markup,
    pickers,
    presentation,
    projection,
    register,
    router,
    sources,
    state,
    tables,
)
from ui import ranking as ranking_parts

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
group = analysis.target()

st.title("Unterversorgung")
st.caption(
    f"Wo ist der Bedarf der Zielgruppe „{group.label}“ hoch und die fußläufige Versorgung schwach? "
    "Ein gewichteter Index aus Bedarf und Versorgung an festen Eckwerten: 0 = kein Bedarf, "
    "100 = höchster Bedarf."
)

ranking_parts.preset_picker()

with presentation.editing("gewichte"), st.expander("Gewichte der Komponenten", expanded=False):
    need_col, supply_col = st.columns(2)
    for comp in COMPONENTS:
        column = need_col if comp.group == "Bedarf" else supply_col
        column.select_slider(
            f"{comp.group}: {comp.label}",
            options=analysis.options_with(analysis.WEIGHT_STEPS, state.weight_key(comp.key)),
            format_func=format_short,
            **state.bind(state.weight_key(comp.key)),
        )
    left, right = st.columns([1, 2])
    left.button("Standardgewichte", on_click=state.reset_weights)
    right.number_input(
        "Mindestzahl der Zielgruppe für einen Rang",
        0,
        2000,
        step=50,
        **state.bind(state.MIN_PEOPLE),
    )
    st.caption(
        "Gewichte sind relativ: nur ihr Verhältnis zählt. Fehlt eine Komponente, werden die übrigen neu gewichtet. "
        "Die Komponente „Bus & Bahn“ (Standard 0) nutzt die Annahmen der Seite Bus & Bahn."
    )

try:
    res = analysis.result(pkg)
except ValueError as error:  # e.g. all weights 0
    st.info(str(error), icon=":material/tune:")
    st.stop()
result, ranking = res.before, res.ranking_before

ranked = ranking[ranking["gerankt"]]
if ranked.empty:
    st.info(
        "Kein Stadtteil erreicht die Mindestzahl. Bitte die Mindestzahl senken.",
        icon=":material/info:",
    )
    st.stop()

map_col, chart_col = st.columns([3, 2])
with map_col:
    # Drawn once, recoloured in place: a weight slider keeps the planner's zoom.
    style = class_styling(pkg.stadtteile, ranking, 5, st.session_state[state.STADTTEIL])
    style["legend"] = [*style["legend"], *barrier_legend(result.params.barrier)]
    if pkg.year_label(result.year):  # a projected year: the legend says so
        style["legend_title"] = f"{style['legend_title']} {projection.year_text(pkg, result.year)}"
    base_map = layered_base(map_widget.area_base(pkg), **map_widget.map_options())
    add_barrier(base_map, result.params.barrier)  # coverage counts walks via bridges only
    clicked = map_widget.show_layered_map(
        base_map,
        layers(fill_data(**style, facilities=result.sites)),
        key="karte_unterversorgung",
    )
    sources.attribution()
with chart_col:
    st.markdown(
        "**Rangfolge** – Linie: Spanne des Rangs bei zufällig um ±50 % veränderten Gewichten (5.–95. Perzentil, 1.000 Ziehungen)"
    )
    st.altair_chart(
        charts.rank_interval_chart(ranking, st.session_state[state.STADTTEIL]), width="stretch"
    )

gaps = analysis.gaps(pkg, res)  # supply figures resting on uncertain facility positions
register.gap_caption(ranking, gaps)

not_ranked = ranking[~ranking["gerankt"]]
if len(not_ranked):
    residents = data.indicator_table(pkg, res.year)["einwohner"]
    st.caption(
        "Nicht gerankt: "
        + "; ".join(
            f"{markup.md(r.stadtteil)} ({tables.unranked_reason(r.grund, residents.get(nr))})"
            for nr, r in zip(not_ranked.index, not_ranked.itertuples(), strict=True)
        )
        + "."
    )

st.divider()
nr = pickers.stadtteil_picker(pkg, "Warum? – Stadtteil erklären", clicked)
if nr is None or nr not in ranked.index:
    if nr is not None:
        residents = data.indicator_table(pkg, res.year)["einwohner"].get(nr)
        reason = tables.unranked_reason(ranking.at[nr, "grund"], residents)
        st.info(f"{markup.md(pkg.stadtteile.at[nr, 'stadtteil'])} ist nicht gerankt: {reason}.")
    st.stop()

row = ranking.loc[nr]
st.subheader(f"Warum? {markup.md(row['stadtteil'])}")
ranking_parts.why_figures(row, len(ranked), bool(gaps.at[nr, "datenluecke"]))
parts = explain(ranking, res.inputs_before, nr, res.assumptions.weight_map, group.id)
left, right = st.columns([2, 3])
with left:
    st.altair_chart(charts.contribution_chart(parts), width="stretch")
with right:
    st.dataframe(
        tables.german_table(parts, {"Score": 2, "Gewicht": 1, "Punkte": 1}).rename(
            columns={"Median": "Median aller gerankten", "Gewicht": "Gewicht (%)"}
        ),
        hide_index=True,
        width="stretch",
    )
register.gap_warning(row["stadtteil"], gaps.loc[nr])
if row["unvollstaendig"]:
    st.caption(
        "Hinweis: Für diesen Stadtteil fehlt mindestens eine Komponente; die übrigen wurden neu gewichtet."
    )

ranking_parts.method(group.id, res.assumptions.weight_map["oepnv"] > 0)

"""Erreichbarkeit: walking time on the 100 m grid, catchments, coverage per Stadtteil."""

import streamlit as st

from geo.analysis.barrier import ELBE_NOTE
from indicators.format import format_number, format_short
from maps.access_maps import walk_time_map
from maps.builders import area_map
from maps.classify import COVERAGE_EDGES, classify_fixed
from report.wording import data_notes
from scenarios.evaluation import share_range
from ui import (
    analysis,
    data,
    map_widget,
    markup,
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
result = analysis.result(pkg).before
walk, group, city = result.params, result.target, result.city

st.title("Erreichbarkeit")
st.caption(
    f"Wie weit ist es von jeder bewohnten 100-m-Zelle zur nächsten Einrichtung? Zielgruppe: "
    f"{group.label}, Stand 31.12.{projection.year_text(pkg, result.year)}. Gehweg = {walk.label} (Umwegfaktor "
    f"{format_short(walk.detour)}), Gehtempo {format_short(walk.speed_mps)} m/s – eine "
    "Näherung ohne Wegenetz."
)
if not len(result.sites):
    st.info(
        "Keine verortete Einrichtung entspricht der Auswahl. Bitte Einrichtungsarten in der Seitenleiste erweitern.",
        icon=":material/location_off:",
    )
    st.stop()

figure_area, map_area = presentation.figures_and_map()
cols = presentation.figure_columns(figure_area, 4)
cols[0].metric(group.label, format_number(city["zielgruppe"]), border=True)
with cols[1].container(border=True):
    st.metric(
        f"bis {format_number(walk.max_walk_m)} m Gehweg",
        f"{tables.percent(city['anteil_versorgt'])} %",
        help=f"Spanne je nach Lage der erfassten Einrichtungen: {format_number(city['versorgt_min'])} bis {format_number(city['versorgt_max'])} Personen; die Liste ist nicht vollständig",
    )
    st.caption(tables.range_words(*share_range(city)))
cols[2].metric("nicht fußläufig versorgt", format_number(city["unversorgt"]), border=True)
cols[3].metric("Median Gehzeit", f"{format_number(city['median_gehzeit_min'])} min", border=True)
for note in data_notes(result.notes, plain=False):
    figure_area.caption(f"Hinweis: {markup.md(note)}")

with map_area:
    grid_tab, coverage_tab = st.tabs(["Gehzeit im 100-m-Gitter", "Versorgung je Stadtteil"])
with grid_tab, presentation.editing("gehzeit_optionen"):
    left, right = st.columns(2)
    left.toggle("Einzugsbereiche als Kreise", **state.bind(state.SHOW_RINGS))
    right.toggle("Lagegenauigkeit der Einrichtungen", **state.bind(state.SHOW_PRECISION))
with grid_tab:
    m = walk_time_map(
        pkg.stadtteile,
        result.cells,
        analysis.squares(pkg),
        result.sites,
        walk,
        group.noun,
        **map_widget.map_options(),
        rings=st.session_state[state.SHOW_RINGS],
        show_precision=st.session_state[state.SHOW_PRECISION],
    )
    map_widget.show_map(m, key="karte_gehzeit", height=680)
    sources.attribution()

with coverage_tab:
    coverage = result.coverage
    share = coverage["anteil_versorgt"]
    classes = classify_fixed(share, COVERAGE_EDGES)
    tooltip = tables.coverage_tooltip(coverage, walk)
    m = area_map(
        pkg.stadtteile,
        classes.fill_colors(),
        tooltip,
        f"Anteil bis {format_number(walk.max_walk_m)} m Gehweg (%)"
        + (f" {projection.year_text(pkg, result.year)}" if pkg.year_label(result.year) else ""),
        classes.legend(),
        note=f"Gehweg = {walk.label}.",
        barrier=walk.barrier,
        facilities=result.sites,
        **map_widget.map_options(),
    )
    map_widget.show_map(m, key="karte_versorgung")
    sources.attribution()
    st.dataframe(tables.coverage_table(coverage, group), hide_index=True, width="stretch")
    st.caption(
        "Spanne: Versorgte, wenn alle erfassten Einrichtungen zugleich am ungünstigsten bzw. "
        "günstigsten Ort ihres Lageradius lägen, eine ohne Lage irgendwo in ihrem Stadtteil "
        "(ungünstig: nicht gezählt). Die Liste ist nicht vollständig: der wahre Wert kann auch "
        "darüber liegen. E2SFCA: Einrichtungen je 1.000 Personen der Zielgruppe im Einzugsbereich, "
        "mit Gauß-Gewichtung nach Entfernung und Konkurrenz der Nachfrage."
    )

with st.expander("Methode"):
    st.markdown(
        f"""
- **Nachfrage im Gitter:** Einwohner jeder bewohnten 100-m-Zelle (Zensus 2022) × Anteil der
  Zielgruppe im Stadtteil ({result.year}), so skaliert, dass die Zellen jedes Stadtteils genau
  die amtliche Zahl ergeben. Zellen gehören zum Stadtteil, in dem ihr Mittelpunkt liegt.
- **Gehweg:** Luftlinie vom Zellmittelpunkt zur nächsten Einrichtung × Umwegfaktor
  {format_short(walk.detour)}; Gehzeit bei {format_short(walk.speed_mps)} m/s.{ELBE_NOTE if walk.barrier else ""}
- **Versorgt:** Gehweg höchstens {format_number(walk.max_walk_m)} m.
- **E2SFCA:** Angebot je Einrichtung geteilt durch die entfernungsgewichtete Nachfrage in
  ihrem Einzugsbereich ({format_number(walk.catchment_m)} m Gehweg), dann je Zelle summiert;
  Gewichtung W(d) = (exp(−½·(d/d₀)²) − exp(−½)) / (1 − exp(−½)).
- **Ungenaue Lagen:** Jede Einrichtung liegt laut Datenpaket innerhalb eines Radius um ihren
  Punkt, eine ohne Lage irgendwo in ihrem Stadtteil. Die Spanne stellt alle Einrichtungen
  gemeinsam an ihren ungünstigsten bzw. günstigsten Ort (gemessen an den tatsächlich zu Fuß
  erreichten Menschen) – mit den erfassten Einrichtungen.
"""
    )

"""Bus & Bahn: door-to-door travel time by walking and tram/bus from the MVB timetable."""

import streamlit as st

from geo.analysis.access_adapter import CITY_ID
from geo.io.gtfs import WEEKDAYS
from indicators.format import format_number
from maps.access_maps import transit_time_map
from ui import analysis, data, map_widget, markup, presentation, router, sources, tables, transit

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
st.title("Bus & Bahn")
try:
    timetable = transit.feed(pkg)
except ValueError as error:
    st.error(f"Der Fahrplan kann nicht gelesen werden: {error}")
    st.stop()
if timetable is None:
    st.info(
        "Das Datenpaket enthält keinen Fahrplan (gtfs/mvb_gtfs.zip).",
        icon=":material/directions_bus:",
    )
    st.stop()
st.caption(
    "Reisezeit von jeder bewohnten 100-m-Zelle zur nächsten Einrichtung: zu Fuß zur Haltestelle, "
    "warten, fahren, umsteigen (mit Zuschlag), zu Fuß zur Einrichtung – oder ganz zu Fuß, wenn das "
    "schneller ist. Median über alle Abfahrten im Zeitraum (alle 5 Minuten). Fahrplan: MVB (NASA GmbH, CC BY 4.0)."
)
with presentation.editing("oepnv"):
    transit.controls()

try:
    res = analysis.result(pkg, with_transit=True)
except ValueError as error:
    st.error(f"Die Reisezeiten können nicht berechnet werden: {error}")
    st.stop()
result, travel = res.before, res.travel_before
limit = travel.params.max_minutes
city = res.transit_before.loc[CITY_ID]
table = res.transit_before.drop(CITY_ID)

figure_area, map_area = presentation.figures_and_map()
cols = presentation.figure_columns(figure_area, 3)
cols[0].metric(
    f"in {format_number(limit)} min mit Bus & Bahn",
    f"{format_number(city['anteil_oepnv'], 1)} %",
    border=True,
)
cols[1].metric(
    f"in {format_number(limit)} min nur zu Fuß",
    f"{format_number(city['anteil_fuss'], 1)} %",
    border=True,
)
cols[2].metric(
    "Median Reisezeit",
    f"{format_number(city['median_min_oepnv'])} min",
    help="Median über die Personen der Zielgruppe",
    border=True,
)
figure_area.caption(
    f"Ausgewertet: {travel.params.label} am {travel.day:%d.%m.%Y} – der "
    f"{WEEKDAYS[travel.params.weekday]} mit den meisten Fahrten in den ersten 12 Wochen des "
    f"Fahrplans ({timetable.start:%d.%m.%Y}–{timetable.end:%d.%m.%Y}), damit kein ausgedünnter "
    "Ferien- oder Feiertagsfahrplan zählt. "
    + " ".join(f"Hinweis: {markup.md(note)}" for note in timetable.notes)
)
if travel.params.wheelchair_only and not (timetable.stops["wheelchair"] == 1).any():
    figure_area.warning(
        "Keine Haltestelle ist im Fahrplan als barrierefrei gekennzeichnet; es zählt nur der Fußweg."
    )

note = (
    f"Fahrplan, Median der Abfahrten {travel.params.label}, {travel.day:%d.%m.%Y}; "
    f"Wege zu/von Haltestellen bis "
    f"{format_number(travel.params.max_access_m)} m ({travel.params.metric.label}); Umstieg + "
    f"{format_number(travel.params.transfer_penalty_min)} min. Einrichtungslagen ungefähr."
)
m = transit_time_map(
    pkg.stadtteile, result.cells, analysis.squares(pkg), travel.minutes, travel.walk_minutes,
    result.sites, timetable.stops, note, **map_widget.map_options(),
)  # fmt: skip
with map_area:
    map_widget.show_map(m, key="karte_oepnv", height=680)
    sources.attribution()

table.insert(0, "stadtteil", result.coverage["stadtteil"])
shown = tables.german_table(
    table,
    {
        "zielgruppe": 0,
        "versorgt_oepnv": 0,
        "anteil_oepnv": 1,
        "anteil_fuss": 1,
        "median_min_oepnv": 0,
    },
)
st.dataframe(
    tables.labelled(
        shown.reset_index(names="Nr."),
        {
            "Nr.": "Nr.",
            "stadtteil": "Stadtteil",
            "zielgruppe": result.target.label,
            "versorgt_oepnv": f"in {format_number(limit)} min",
            "anteil_oepnv": "Anteil mit Bus & Bahn (%)",
            "anteil_fuss": "Anteil nur zu Fuß (%)",
            "median_min_oepnv": "Median (min)",
        },
    ),
    hide_index=True,
    width="stretch",
)

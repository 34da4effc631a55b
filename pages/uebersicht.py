"""Übersicht: key figures, map of the share of seniors with the meeting places, Datenstand."""

import streamlit as st

from indicators.format import format_value
from indicators.registry import INDICATORS
from maps.builders import classify_indicator, indicator_map
from ui import data, map_widget, markup, presentation, projection, router, sources, state

router.ensure_routed()
pkg = data.package()
year = st.session_state[state.YEAR]
table = data.indicator_table(pkg, year)
city = data.city_indicators(pkg, year)

st.title("Begegnungsatlas Magdeburg")
st.markdown(
    "Wo leben ältere Menschen, wo sind Begegnungsstätten – und wo fehlen sie? "
    f"Die {len(pkg.stadtteile)} Stadtteile im Überblick, Stand 31.12.{projection.year_text(pkg, year)}."
)

figure_area, map_area = presentation.figures_and_map()
figures = ["einwohner", "senioren_65plus", "anteil_65plus", "begegnungsstaetten"]
columns = presentation.figure_columns(figure_area, len(figures))
for column, indicator_id in zip(columns, figures, strict=True):
    indicator = INDICATORS[indicator_id]
    column.metric(
        indicator.label,
        format_value(indicator, city[indicator_id]),
        help=indicator.definition,
        border=True,
    )

share = INDICATORS["anteil_65plus"]


def overview_map(**options):
    """The Übersicht's map (built once per package version, year and map options)."""
    classes = classify_indicator(table[share.id], share)
    return indicator_map(
        pkg.stadtteile,
        table,
        share,
        classes,
        facilities=data.meeting_places(pkg),
        **options,
        title=f"{share.label_with_unit} {projection.year_text(pkg, year)}",
        note="Punkte: offene Begegnungsstätten (Lage ungefähr). Klassen: Quantile.",
    )


with map_area:
    st.subheader(
        f"Anteil der Einwohner 65+ und offene Begegnungsstätten {projection.year_text(pkg, year)}"
    )
    map_widget.show_shared_map(overview_map, ("uebersicht", pkg.version, year), "karte_uebersicht")
    sources.attribution()

without = table[(table["begegnungsstaetten"] == 0) & (table["senioren_65plus"] > 0)]
top = without.sort_values("senioren_65plus", ascending=False).head(5)
if not top.empty:
    names = ", ".join(
        f"{markup.md(row.stadtteil)} ({format_value(INDICATORS['senioren_65plus'], row.senioren_65plus)})"
        for row in top.itertuples()
    )
    st.info(
        f"{len(without)} Stadtteile mit Einwohnern 65+ haben keine offene Begegnungsstätte. "
        f"Die meisten Älteren leben davon in: {names}.",
        icon=":material/info:",
    )

st.divider()
sources.datenstand(pkg)

"""Einrichtungen: facility map by category, table, and the facilities without a location."""

import pandas as pd
import streamlit as st

from geo.facilities import CATEGORIES, IN_BETRIEB, LAGE_METHODE, OEFFENTLICH, located
from indicators.format import format_number
from maps.builders import facility_map
from report.exports import excel_csv
from report.planning_exports import surroundings_display
from scenarios.planning import facility_surroundings
from ui import analysis, data, map_widget, presentation, register, router, sources, state

router.ensure_routed()
pkg = data.package()
facilities = pkg.einrichtungen
present = [c for c in CATEGORIES if c in set(facilities["kategorie"])]

st.title("Einrichtungen")
st.caption(
    "Begegnungsstätten, generationenübergreifende Treffs, Kinder- und Jugendeinrichtungen und "
    "Pflegeeinrichtungen laut Datenpaket. Alle Lagen sind ungefähr: Der Radius je Eintrag gibt "
    "an, in welchem Umkreis die Einrichtung nach den Belegen liegt (Lage ± r m). Die Liste ist "
    "laut Datenpaket nicht vollständig."
)
with presentation.editing("register_link"):
    st.page_link(
        "pages/einrichtungen_pflegen.py",
        label="Fehlende Einrichtungen ergänzen, Lagen setzen, Korrekturen (Einrichtungsregister)",
        icon=":material/edit_location_alt:",
    )

if st.session_state[state.FACILITY_CATEGORIES] is None:
    st.session_state[state.FACILITY_CATEGORIES] = present
filter_area, map_area = presentation.figures_and_map()  # filters beside the map on a projector
filter_col, option_col = presentation.figure_columns(filter_area, 2)
filter_col.multiselect(
    "Kategorien",
    present,
    select_all=False,  # Streamlit's "Select all" is English
    format_func=CATEGORIES.get,
    placeholder="Kategorien wählen …",
    **state.bind(state.FACILITY_CATEGORIES),
)
with option_col:
    st.toggle("Nur öffentlich zugängliche", **state.bind(state.ONLY_PUBLIC))
    st.toggle("Geschlossene ausblenden", **state.bind(state.HIDE_CLOSED))
    st.toggle("Lagegenauigkeit als Kreis zeigen", **state.bind(state.SHOW_PRECISION))

shown = facilities[facilities["kategorie"].isin(st.session_state[state.FACILITY_CATEGORIES])]
if st.session_state[state.ONLY_PUBLIC]:
    shown = shown[shown["oeffentlich"] == "ja"]
if st.session_state[state.HIDE_CLOSED]:
    shown = shown[shown["in_betrieb"] != "nein"]
if shown.empty:
    st.info(
        "Keine Einrichtung entspricht der Auswahl. Bitte Filter erweitern.",
        icon=":material/filter_alt_off:",
    )
    st.stop()

with_position = located(shown)
m = facility_map(
    pkg.stadtteile,
    with_position,
    **map_widget.map_options(),
    show_precision=st.session_state[state.SHOW_PRECISION],
)
with map_area:
    map_widget.show_map(m, key="karte_einrichtungen")
    sources.attribution()

names = pkg.stadtteile["stadtteil"]
table = pd.DataFrame(
    {
        "Name": shown["name"],
        "Art": shown["typ"],
        "Kategorie": shown["kategorie"].map(CATEGORIES),
        "Träger": shown["traeger"],
        "Adresse": shown["strasse_hausnr"],
        # The source's own name where the position gives no Stadtteil.
        "Stadtteil": shown["stadtteil_nr"].map(names).fillna(shown["stadtteil"]),
        "Zugang": shown["oeffentlich"].map(OEFFENTLICH),
        "Betrieb": shown["in_betrieb"].map(IN_BETRIEB),
        "Lage ± m": [
            f"{format_number(v)} m" if pd.notna(v) else "–" for v in shown["lage_genauigkeit_m"]
        ],
        "Lage ermittelt über": shown["lage_methode"].map(LAGE_METHODE),
        "Stand": shown.get("stand"),
        "Quelle": shown.get("quelle_url"),
    }
)
# No "None"/"<NA>" in the table: an empty field reads "–" (the link column stays empty).
table = table.astype(object).where(table.notna(), "–").assign(Quelle=table["Quelle"])
st.subheader(f"Liste ({len(table)} Einrichtungen, {len(with_position)} mit Lage)")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "Quelle": st.column_config.LinkColumn(display_text="Webseite"),
    },
)

unplaced = shown[shown.geometry.isna() | shown.geometry.is_empty]
st.subheader(f"Einrichtungen ohne bekannte Lage ({len(unplaced)})")
if unplaced.empty:
    st.caption("Alle ausgewählten Einrichtungen haben eine (ungefähre) Lage.")
else:
    st.warning(
        "Diese Einrichtungen fehlen auf der Karte und in allen Entfernungsrechnungen, weil ihre "
        "Lage nicht belegt ist. Die Stadtteilzählung nutzt den in der Quelle genannten Stadtteil.",
        icon=":material/location_off:",
    )
    st.dataframe(
        table.loc[unplaced.index, ["Name", "Art", "Adresse", "Stadtteil", "Betrieb"]],
        hide_index=True,
        width="stretch",
    )

with st.expander("Vollständigkeit der Liste"):
    try:
        register.completeness_panel(pkg, data.register_store(), editable=False)
    except Exception as error:  # any database failure: the page stays usable
        st.info(register.unreachable(error))

with st.expander("Umfeld der gezählten Treffpunkte"):
    res = analysis.result(pkg)
    umfeld = facility_surroundings(pkg, res)
    if umfeld.empty:
        st.caption("Keine gezählten Treffpunkte mit Lage.")
    else:
        shown_umfeld = surroundings_display(umfeld)
        st.dataframe(shown_umfeld, hide_index=True, width="stretch")
        st.caption(
            f"Umfeld = Gehweg bis {format_number(res.assumptions.params.max_walk_m)} m (Luftlinie × "
            "Umwegfaktor, über die Elbe nur an Querungen). Altersgruppen geschätzt: Einwohner "
            "der 100-m-Zelle (Zensus 2022) × Altersanteile des Stadtteils; Zielgruppe wie in der "
            "Versorgung. „Nächster Treffpunkt für“: Zielgruppe, für die dieser Ort der nächste "
            "gezählte ist (jede Entfernung). Überschneidung: andere Treffpunkte, die dieselben "
            "Menschen in Gehweite haben. Lage ± m: so ungenau sind auch diese Zahlen."
        )
        st.download_button(
            "Umfeld als CSV (Excel)",
            excel_csv(shown_umfeld),
            file_name="umfeld_treffpunkte.csv",
            mime="text/csv",
        )

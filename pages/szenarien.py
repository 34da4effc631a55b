"""Szenarien: saved scenarios – load, rename, delete, compare, share, export and import."""

import pandas as pd
import streamlit as st

from indicators.format import format_number
from scenarios.exchange import from_file, to_geojson, to_json
from scenarios.result import compare
from ui import analysis, data, presentation, router, simulation, tables

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
store = simulation.store()
current = simulation.current()

st.title("Szenarien")
st.caption(f"Gespeichert in `{store.path}`. Jedes Speichern ist eine einzelne Transaktion.")

saved = store.list()
if saved:
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [s.name for s in saved],
                "neue Standorte": [s.added for s in saved],
                "geschlossen": [s.removed for s in saved],
                "gespeichert": [s.updated.replace("T", " ")[:16] for s in saved],
                "Datenpaket": [
                    s.package_version
                    + ("" if s.package_version == pkg.version else " (anderer Stand)")
                    for s in saved
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info(
        "Noch keine Szenarien gespeichert. Ein Szenario entsteht auf der Seite Standortsimulation.",
        icon=":material/info:",
    )

names = [s.name for s in saved]
if names:
    with presentation.editing("verwalten"):
        chosen = st.selectbox("Szenario", names)
        load_col, rename_col, delete_col = st.columns(3)
        if load_col.button("Laden und anzeigen", type="primary"):
            simulation.apply(store.load(chosen), pkg.years)
            st.switch_page("pages/standortsimulation.py")
        new_name = rename_col.text_input("Neuer Name", key="neuer_name")
        if rename_col.button("Umbenennen"):
            try:
                store.rename(chosen, new_name)
                st.rerun()
            except ValueError as error:
                rename_col.error(str(error))
        sure = delete_col.checkbox("wirklich löschen")
        if delete_col.button("Löschen", disabled=not sure):
            store.delete(chosen)
            st.rerun()

st.subheader("Zwei Szenarien vergleichen")
options = ["(aktuelles Szenario)", *names]
a_col, b_col = st.columns(2)
a_name = a_col.selectbox("Szenario A", options, index=0)
b_name = b_col.selectbox("Szenario B", options, index=min(1, len(options) - 1))


def _evaluation(name):
    scenario = current if name == options[0] else store.load(name)
    return scenario, simulation.evaluation(pkg, scenario)


try:
    (sa, ea), (sb, eb) = _evaluation(a_name), _evaluation(b_name)
except ValueError as error:
    st.error(f"Vergleich nicht möglich: {error}")
    st.stop()
if sa.params != sb.params or sa.target != sb.target or sa.year != sb.year:
    st.warning(
        "Die Szenarien haben unterschiedliche Annahmen (Jahr, Zielgruppe oder Gehdistanz); die Unterschiede mischen Standorte und Annahmen."
    )
cols = st.columns(3)
cols[0].metric("A: neu versorgt", format_number(ea.newly_covered), border=True)
cols[1].metric("B: neu versorgt", format_number(eb.newly_covered), border=True)
cols[2].metric("B − A", format_number(eb.newly_covered - ea.newly_covered), border=True)
diff = compare(ea, eb)
st.dataframe(tables.comparison_table(diff), hide_index=True, width="stretch")

st.subheader("Teilen, exportieren, importieren")
with presentation.editing("austausch"):
    link_col, export_col, import_col = st.columns(3)
    if link_col.button("Link zum aktuellen Szenario", disabled=current.is_empty):
        link_col.code(simulation.share_link(current), language=None)
    file_name = (current.name or "szenario").replace(" ", "_")
    export_col.download_button(
        "GeoJSON (QGIS)",
        to_geojson(current),
        f"{file_name}.geojson",
        "application/geo+json",
        disabled=current.is_empty,
    )
    export_col.download_button(
        "JSON", to_json(current), f"{file_name}.json", "application/json", disabled=current.is_empty
    )
    upload = import_col.file_uploader(
        "Szenario importieren (.json, .geojson)", type=["json", "geojson"]
    )
    if upload is not None and import_col.button("Import übernehmen"):
        try:
            simulation.apply(from_file(upload.getvalue()), pkg.years)
            st.switch_page("pages/standortsimulation.py")
        except ValueError as error:
            import_col.error(f"Import nicht möglich: {error}")

"""Szenarien: saved scenarios – load, rename, delete, compare, share, export and import."""

import pandas as pd
import streamlit as st

from indicators.format import format_bytes, format_datetime, format_number
from scenarios.evaluation import compare
from scenarios.exchange import MAX_FILE_BYTES, file_stem, read_file, to_geojson, to_json
from scenarios.store import StoreError
from ui import (
    analysis,
    auth,
    data,
    presentation,
    router,
    scenario_links,
    simulation,
    state,
    tables,
    uploads,
)
from ui.markup import md

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
current = simulation.current()

st.title("Szenarien")
try:
    store = scenario_links.store()
    saved = store.list()
except StoreError as error:
    st.error(md(error), icon=":material/error:")
    st.stop()
st.caption(
    "Gespeichert im Szenario-Speicher dieser Installation (Ort: Seite Daten, „Über diese "
    "Installation“). Jedes Speichern ist eine einzelne "
    "Transaktion; wer ein inzwischen geändertes Szenario überschreiben will, bekommt einen Hinweis."
)
if store.notice:
    st.warning(md(store.notice), icon=":material/warning:")
if saved:
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [s.name for s in saved],
                "neue Standorte": [s.added for s in saved],
                "geschlossen": [s.removed for s in saved],
                "gespeichert": [format_datetime(s.updated) for s in saved],
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
versions = {s.name: s.version for s in saved}
if names:
    with presentation.editing("verwalten"):
        chosen = st.selectbox("Szenario", names)
        editable = auth.can_edit()  # the role; rename and delete check it again
        load_col, rename_col, delete_col = st.columns(3) if editable else (st, None, None)
        if load_col.button("Laden und anzeigen", type="primary"):
            try:
                loaded = store.load(chosen)
                simulation.admit(pkg, loaded.scenario, loaded)
                st.switch_page("pages/standortsimulation.py")
            except ValueError as error:
                load_col.error(md(error))
        if editable:
            new_name = rename_col.text_input("Neuer Name", key="neuer_name")
            if rename_col.button("Umbenennen"):
                try:
                    version = store.rename(chosen, new_name, expected_version=versions[chosen])
                    if (st.session_state[state.STORED_VERSION] or ("",))[0] == chosen:
                        st.session_state[state.STORED_VERSION] = (
                            " ".join(new_name.split()),
                            version,
                        )
                    st.rerun()
                except ValueError as error:
                    rename_col.error(md(error))
            sure = delete_col.checkbox("wirklich löschen")
            if delete_col.button("Löschen", disabled=not sure):
                try:
                    store.delete(chosen, expected_version=versions[chosen])
                    st.rerun()
                except ValueError as error:
                    delete_col.error(md(error))
        else:
            auth.read_only_notice("Umbenennen und Löschen")

st.subheader("Zwei Szenarien vergleichen")
options = ["(aktuelles Szenario)", *names]
a_col, b_col = st.columns(2)
a_name = a_col.selectbox("Szenario A", options, index=0)
b_name = b_col.selectbox("Szenario B", options, index=min(1, len(options) - 1))


def _evaluation(name):
    scenario = current if name == options[0] else store.load(name).scenario
    return scenario, simulation.evaluation(pkg, scenario)


try:
    (sa, ea), (sb, eb) = _evaluation(a_name), _evaluation(b_name)
except ValueError as error:
    st.error(md(f"Vergleich nicht möglich: {error}"))
    st.stop()
if (sa.assumptions.params, sa.assumptions.target, sa.assumptions.year) != (
    sb.assumptions.params,
    sb.assumptions.target,
    sb.assumptions.year,
):
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
    if link_col.button("Link zum aktuellen Szenario", disabled=current.overlay.is_empty):
        try:
            link_col.code(scenario_links.share_link(current), language=None, wrap_lines=True)
        except ValueError as error:  # too large for a link: the file buttons are next to it
            link_col.warning(md(error))
    file_name = file_stem(current.name)
    export_col.download_button(
        "GeoJSON (QGIS)",
        to_geojson(current),
        f"{file_name}.geojson",
        "application/geo+json",
        disabled=current.overlay.is_empty,
    )
    export_col.download_button(
        "JSON",
        to_json(current),
        f"{file_name}.json",
        "application/json",
        disabled=current.overlay.is_empty,
    )
    upload = import_col.file_uploader(
        "Szenario importieren (.json, .geojson)",
        type=["json", "geojson"],
        help=f"Eine exportierte Szenario-Datei, höchstens {format_bytes(MAX_FILE_BYTES)}.",
    )
    if upload is not None and import_col.button("Import übernehmen"):
        try:
            if refused := uploads.rate_limited(upload.getvalue()):
                raise ValueError(refused)
            simulation.admit(pkg, read_file(upload.getvalue(), upload.name))
            st.switch_page("pages/standortsimulation.py")
        except ValueError as error:
            import_col.error(md(f"Import nicht möglich: {error}"))

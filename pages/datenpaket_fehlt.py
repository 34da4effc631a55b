"""Shown instead of all pages when the data package is missing or invalid."""

import streamlit as st

from geo.config import DATA_ENV, DEFAULT_DATA_DIR, data_dir
from ui import router

router.ensure_routed()

error = st.session_state.get("_ladefehler")

st.title("Begegnungsatlas Magdeburg")
st.error("Das Datenpaket konnte nicht geladen werden.", icon=":material/error:")
if error is not None:
    st.markdown(f"**Datei:** `{error.file}`")
    st.markdown(f"**Problem:** {error.problem}")
    st.markdown(f"**Lösung:** {error.fix}")

st.subheader("Wo gesucht wurde")
st.code(str(data_dir()), language=None)
st.markdown(
    f"""
Die App liest das Datenpaket zur Laufzeit aus dem Verzeichnis in der Umgebungsvariable
`{DATA_ENV}`. Ohne diese Variable sucht sie in `{DEFAULT_DATA_DIR}` relativ zum
Projektordner.

So zeigen Sie auf ein anderes Verzeichnis:
"""
)
st.code(f"{DATA_ENV}=/pfad/zum/datenpaket/magdeburg make run", language="bash")
st.markdown(
    "Das Verzeichnis muss `stadtteile.geojson`, `stadtgrenze.geojson`, "
    "`statistik_stadtteile.csv`, `zensus2022_bevoelkerung_100m.geojson` und "
    "`einrichtungen.csv` enthalten. Nach dem Korrigieren die Seite neu laden."
)

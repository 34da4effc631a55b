"""Verteilung: a need-based allocation of an amount across the regions of a stored set."""

from datetime import date

import pandas as pd
import streamlit as st

from indicators.allocation import ALLOCATION_INDICATORS, allocate, formula_lines
from report.exports import excel_csv, xlsx
from report.planning_exports import allocation_display
from report.planning_pdf import allocation_pdf
from scenarios.planning import allocation_values, facility_counts
from ui import analysis, data, markup, planning, router

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()

st.title("Verteilungsschlüssel")
st.caption(
    "Verteilt einen Betrag (Euro, Personalstunden oder Plätze) nach Bedarf auf die Regionen "
    "einer Gebietsgliederung – nachvollziehbar: die Formel steht mit allen Zahlen unter dem "
    "Ergebnis, jede Region lässt sich von Hand nachrechnen."
)
try:
    store = planning.planning_store()
except ValueError as error:
    st.error(markup.md(str(error)))
    st.stop()
name, mapping = planning.choose_region_set(store)
if mapping is None or name == planning.UPLOADED:
    st.info(
        "Bitte zuerst auf der Seite Regionen eine Gebietsgliederung speichern (z. B. die 18 "
        "Versorgungsgebiete).",
        icon=":material/hub:",
    )
    st.stop()

res = analysis.result(pkg)
values, gaps = allocation_values(pkg, res, mapping)
rule = planning.allocation_rule(st.container(border=True))
if st.session_state.get("verteilung_betrag") is None:
    st.info("Bitte den zu verteilenden Betrag A eingeben.", icon=":material/payments:")
    st.stop()
ist, ist_source = planning.ist_values(
    store, name, list(values.index), facility_counts(res, mapping)
)
try:
    allocation = allocate(values, rule, ist)
except ValueError as error:
    st.error(markup.md(str(error)), icon=":material/error:")
    st.stop()

shown = allocation_display(allocation, rule)
st.subheader("Ergebnis je Region")
st.dataframe(shown, hide_index=True, width="stretch")
formula = formula_lines(rule, allocation, len(values))
st.subheader("So wird gerechnet")
for line in formula:
    st.markdown(markup.md(line))
notes = [
    f"{ALLOCATION_INDICATORS[key]}: nicht veröffentlicht für {', '.join(gaps[key])} – in der "
    "Summe der Region nicht enthalten (fehlende Werte bleiben fehlend, nie 0)."
    for key in allocation.weights
    if gaps.get(key)
]
if "senioren_unversorgt" in allocation.weights:
    notes.append(
        "Personen 65+ ohne Treffpunkt in Gehweite: geschätzt auf dem 100-m-Raster (Luftlinie × "
        f"Umwegfaktor, Schwelle {res.assumptions.params.max_walk_m:g} m), auf ganze Personen gerundet."
    )
if ist_source:
    notes.append(ist_source)
for note in notes:
    st.caption(markup.md(note))
slug = "".join(c if c.isalnum() else "_" for c in name.lower())
left, middle, right = st.columns(3)
left.download_button(
    "PDF mit Formel",
    allocation_pdf(name, rule, allocation, formula, notes, date.today()),
    file_name=f"verteilung_{slug}.pdf",
    mime="application/pdf",
)
middle.download_button(
    "CSV (Excel)", excel_csv(shown), file_name=f"verteilung_{slug}.csv", mime="text/csv"
)
right.download_button(
    "XLSX",
    xlsx({"Verteilung": shown, "Formel": pd.DataFrame({"Formel": formula})}),
    file_name=f"verteilung_{slug}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

"""Maßnahmen: the city's measures as a plan checked against the data, with their status."""

from datetime import date

import streamlit as st

from report.exports import xlsx
from report.planning_exports import facility_check_display, stadtteil_check_display
from report.planning_pdf import measures_pdf
from ui import analysis, data, downloads, markup, measures, planning, router

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()

st.title("Maßnahmen der Stadt")
st.caption(
    "Die Maßnahmen der Infrastrukturplanung für ältere Menschen (Tabelle im Datenpaket) sind "
    "der Plan der Stadt – sie werden hier nicht gereiht. Neben jeder Maßnahme, die Stadtteile "
    "oder Einrichtungen nennt, steht, was die Daten heute zeigen: Versorgung in Gehweite, Rang "
    "im Unterversorgungsindex und der beste neue Standort, den die Optimierung im Stadtteil findet."
)
try:
    store = planning.planning_store()
except ValueError as error:
    st.error(markup.md(str(error)))
    st.stop()
table = measures.measures(pkg, store)
if table.empty:
    st.info("Das Datenpaket enthält keine Maßnahmen; eigene lassen sich unten anlegen.")
known = list(table["id"])
status = store.current_status()
res = analysis.result(pkg)
by_stadtteil, by_facility = measures.checks(pkg, res, table)
st.dataframe(measures.overview(table, status), hide_index=True, width="stretch")

if known:
    chosen = st.selectbox(
        "Maßnahme",
        known,
        format_func=lambda i: f"{i} – {table.set_index('id').at[i, 'massnahme'][:90]}",
        key="massnahme_auswahl",
    )
    row = table.set_index("id").loc[chosen]
    st.markdown(f"**{markup.md(chosen)}** {markup.md(row['massnahme'])}")
    shown = stadtteil_check_display(by_stadtteil)
    if not shown.empty and chosen in set(shown["Maßnahme"]):
        st.markdown("**Genannte Stadtteile – was die Daten sagen**")
        st.dataframe(
            shown[shown["Maßnahme"] == chosen].drop(columns="Maßnahme"),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            f"{downloads.caption(res.assumptions, False, res.before.target.label)} In Klammern: die "
            "Spanne aus den ungenauen Lagen der Einrichtungen. Bester Standort: ein neuer "
            "Treffpunkt im Stadtteil (100-m-Raster, Luftlinie × Umwegfaktor)."
        )
    facilities = facility_check_display(by_facility)
    if not facilities.empty and chosen in set(facilities["Maßnahme"]):
        st.markdown("**Genannte Einrichtungen**")
        st.dataframe(
            facilities[facilities["Maßnahme"] == chosen].drop(columns="Maßnahme"),
            hide_index=True,
            width="stretch",
        )
    measures.history(store, chosen)
    measures.status_form(store, chosen, known, measures.scenario_names())
measures.add_own(store, pkg, known)

caption = downloads.caption(res.assumptions, False, res.before.target.label)
left, right = st.columns(2)
left.download_button(
    "Maßnahmenbericht (PDF)",
    measures_pdf(table, status, by_stadtteil, by_facility, caption, date.today()),
    file_name="massnahmen_bericht.pdf",
    mime="application/pdf",
)
right.download_button(
    "Maßnahmen mit Datenprüfung (XLSX)",
    xlsx(
        {
            "Maßnahmen": measures.overview(table, status),
            "Stadtteile": stadtteil_check_display(by_stadtteil),
            "Einrichtungen": facility_check_display(by_facility),
        }
    ),
    file_name="massnahmen.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

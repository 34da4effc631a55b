"""Bericht und Karten: the PDF report and print-ready single maps (PNG/PDF, A4/A3)."""

import streamlit as st

from report.pdf import AUDIENCES, build_report, request_for
from report.pdf import file_name as report_file_name
from ui import analysis, data, printing, router, scenario_links, simulation, state, transit

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
year = st.session_state[state.YEAR]

st.title("Bericht und Karten")
st.caption(
    "PDF-Bericht für den Seniorenbeirat oder ein Fachgespräch und druckfertige Einzelkarten mit "
    "Legende, Maßstab, Nordpfeil, Quellen- und Lizenzvermerk. Alles entsteht ohne Internet."
)

st.subheader("PDF-Bericht")
store = scenario_links.store()
current = simulation.current()
choices = {"": "ohne Szenario"}
if not current.overlay.is_empty:
    choices["(aktuell)"] = (
        f"aktuelles Szenario ({len(current.overlay.added)} neu, {len(current.overlay.removed)} geschlossen)"
    )
choices.update({s.name: f"gespeichert: {s.name}" for s in store.list()})
left, right = st.columns(2)
left.radio("Für", list(AUDIENCES), format_func=AUDIENCES.get, **state.bind(state.AUDIENCE))
if st.session_state[state.REPORT_SCENARIO] not in choices:
    st.session_state[state.REPORT_SCENARIO] = ""
right.selectbox(
    "Szenario im Bericht",
    list(choices),
    format_func=choices.get,
    **state.bind(state.REPORT_SCENARIO),
)

name = st.session_state[state.REPORT_SCENARIO]
if name and name != "(aktuell)":
    st.caption(
        "Ein gespeichertes Szenario bringt seine eigenen Annahmen mit (Jahr, Zielgruppe, Gehdistanz, "
        "Gewichte, Bus & Bahn); der Bericht rechnet mit diesen, nicht mit der Seitenleiste – wie "
        "`begegnungsatlas report --scenario`."
    )
request = request_for(
    name,
    st.session_state[state.AUDIENCE],
    assumptions=analysis.assumptions(),
    current=current,
    load=lambda saved: store.load(saved).scenario,
)
if st.button("Bericht erstellen", type="primary", icon=":material/picture_as_pdf:"):
    try:
        with st.spinner("Bericht wird erstellt …"):
            pdf = build_report(pkg, request, transit.feed(pkg))
            st.session_state["_bericht_pdf"] = (request, pkg.version, pdf)
    except ValueError as error:
        st.error(f"Der Bericht konnte nicht erstellt werden: {error}")
made = st.session_state.get("_bericht_pdf")
if made and made[:2] == (request, pkg.version):
    st.download_button(
        "Bericht herunterladen (PDF)",
        made[2],
        file_name=report_file_name(request),
        mime="application/pdf",
        icon=":material/download:",
    )
    st.caption(
        "Inhalt: Deckblatt, das Wichtigste in Kürze, Karte und vollständige Rangfolge der "
        "Unterversorgung, fußläufige Versorgung (Karte und Tabelle), Bus & Bahn, gegebenenfalls "
        "das Szenario mit Vorher/Nachher, Methode und Quellen; für das Fachgespräch zusätzlich "
        "ein technischer Anhang."
    )
elif made:
    st.caption("Die Einstellungen haben sich geändert – bitte den Bericht neu erstellen.")

st.divider()
st.subheader("Einzelkarte drucken")
kind_col, paper_col = st.columns([3, 1])
kind_col.selectbox(
    "Karte", list(printing.SHEETS), format_func=printing.SHEETS.get, **state.bind(state.SHEET_KIND)
)
paper_col.radio("Format", ["A4", "A3"], horizontal=True, **state.bind(state.PAPER))
sheet = printing.sheet(pkg, st.session_state[state.SHEET_KIND], st.session_state[state.PAPER])
if sheet is None:
    st.info(
        "Für diese Karte fehlt ein Szenario. Bitte zuerst auf der Seite Standortsimulation eines anlegen.",
        icon=":material/info:",
    )
    st.stop()
preview, png, pdf = sheet
st.image(preview, caption="Vorschau", width="stretch")
file_stem = (
    f"begegnungsatlas_{st.session_state[state.SHEET_KIND]}_{year}_{st.session_state[state.PAPER]}"
)
png_col, pdf_col = st.columns(2)
png_col.download_button(
    f"PNG herunterladen ({printing.PRINT_DPI} dpi)",
    png,
    f"{file_stem}.png",
    "image/png",
    icon=":material/image:",
)
pdf_col.download_button(
    "PDF herunterladen",
    pdf,
    f"{file_stem}.pdf",
    "application/pdf",
    icon=":material/picture_as_pdf:",
)

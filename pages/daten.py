"""Daten: sources and licences, downloads (GeoPackage, CSV for Excel, XLSX), uploads."""

import streamlit as st

from geo.errors import DataPackageError
from geo.io.sources import ATTRIBUTION
from geo.io.uploads import KINDS, MAX_BYTES, format_mb
from geo.io.uploads.limits import MAX_COLUMNS, MAX_ROWS, format_count
from geo.io.uploads.templates import file_name as template_file_name
from indicators.format import count_text, format_bytes, format_number
from ui import analysis, data, downloads, markup, presentation, router, sources, state, uploads

router.ensure_routed()
pkg = data.package()
base = data.base_package()

st.title("Daten")
sources.datenstand(pkg)
sources.about(pkg)
st.markdown(
    "**Lizenzen und Namensnennung** (bei jeder Veröffentlichung von Karten oder Zahlen anzugeben):  \n"
    + markup.md(ATTRIBUTION)
)

st.subheader("Herunterladen")
# With the timetable, the files carry the Bus & Bahn figures too (cheap once the feed is read).
try:
    res = analysis.result(pkg, with_transit=True)
except DataPackageError as error:  # a broken timetable must not cost the other downloads
    st.warning(f"Ohne Bus & Bahn: {markup.md(error)}", icon=":material/directions_bus:")
    res = analysis.result(pkg)
with_transit = res.transit_before is not None
st.caption(
    downloads.caption(
        res.assumptions, with_transit, res.before.target.label, pkg.year_label(res.assumptions.year)
    )
    + " Wie in der Seitenleiste der Analyseseiten eingestellt; jede Datei wird mit genau diesen "
    "Annahmen erstellt."
)
built = st.session_state.get("_gpkg")
gpkg_col, xlsx_col = st.columns(2)
if gpkg_col.button("GeoPackage für QGIS vorbereiten", icon=":material/layers:"):
    built = st.session_state["_gpkg"] = (downloads.key(pkg, res), downloads.gpkg(pkg, res))
if built and built[0] == downloads.key(pkg, res):
    gpkg_col.download_button(
        "begegnungsatlas.gpkg",
        built[1],
        f"begegnungsatlas_{res.year}.gpkg",
        "application/geopackage+sqlite3",
    )
elif built:
    gpkg_col.caption("Die Einstellungen haben sich geändert – bitte neu vorbereiten.")
xlsx_col.download_button(
    "Alle Tabellen als Excel (XLSX)",
    downloads.workbook(pkg, res),
    f"begegnungsatlas_{res.year}.xlsx",
    icon=":material/table:",
)
st.markdown("**Einzelne Tabellen als CSV für Excel** (Semikolon, Dezimalkomma, UTF-8)")
files = downloads.csv_files(pkg, res)
for column, (name, data_bytes) in zip(st.columns(len(files)), files.items(), strict=True):
    column.download_button(name, data_bytes, f"{name.lower()}_{res.year}.csv", "text/csv")

st.subheader("Eigene Dateien hochladen")
st.caption(
    f"Uploads gelten nur für diese Sitzung; das Datenpaket bleibt unverändert. Höchstens "
    f"{format_mb(MAX_BYTES)} je Datei (1 MB = 1.048.576 Byte), {format_count(MAX_ROWS)} Zeilen "
    f"und {MAX_COLUMNS} Spalten. Ungültige Dateien werden vollständig abgelehnt – nie teilweise "
    "übernommen."
)
with presentation.editing("uploads"):
    kind = st.radio("Art der Datei", list(KINDS), format_func=KINDS.get, horizontal=True)
    if kind == "facilities":
        st.radio(
            "Einrichtungen",
            ["ergaenzen", "ersetzen"],
            format_func={"ergaenzen": "ergänzen die Liste", "ersetzen": "ersetzen die Liste"}.get,
            horizontal=True,
            **state.bind(state.FACILITY_MODE),
        )
    hints = {
        "facilities": "CSV/XLSX mit name und lat/lon (WGS84) oder x/y (EPSG:25832); GeoJSON, GeoPackage oder ZIP mit Shapefile (Punkte).",
        "statistics": "CSV/XLSX mit jahr, stadtteil_nr und Spalten wie statistik_stadtteile.csv – oder ein KISS-MD-Export (Punkt = geheim).",
        "areas": "CSV/XLSX mit stadtteil_nr (oder stadtteil) und region, z. B. Versorgungsgebiete oder Sozialregionen.",
    }
    st.caption(hints[kind])
    csv_col, xlsx_col = st.columns(2)
    for column, fmt in ((csv_col, "csv"), (xlsx_col, "xlsx")):
        column.download_button(
            f"Vorlage herunterladen ({fmt.upper()})",
            uploads.template(base, kind, fmt),
            template_file_name(kind, fmt),
            key=f"vorlage_{kind}_{fmt}",
            icon=":material/download:",
            help="Die Spalten, die die Prüfung liest; im XLSX mit Erläuterungen je Spalte.",
        )
    upload = st.file_uploader(
        "Datei",
        type=["csv", "txt", "xlsx", "xls", "geojson", "json", "gpkg", "zip"],
        key=f"datei_{kind}",
        help=f"Höchstens {format_mb(MAX_BYTES)}.",
    )
    if upload is not None and (refused := uploads.rate_limited(upload.getvalue())):
        st.error(refused, icon=":material/hourglass_top:")
    elif upload is not None:
        content = upload.getvalue()
        replace = kind == "facilities" and st.session_state[state.FACILITY_MODE] == "ersetzen"
        # Always against the package as loaded: an applied upload must not conflict with itself.
        check = uploads.check(kind, upload.name, content, base, replace)
        if len(check.layers) > 1:
            layer = st.selectbox("Layer der GeoPackage-Datei", check.layers, key=f"layer_{kind}")
            check = uploads.check(kind, upload.name, content, base, replace, layer)
        tag = uploads.tag(content)
        applied = uploads.is_applied(kind, check, replace, tag)
        if applied:
            st.success(
                f"Übernommen: {upload.name} ({format_bytes(len(content))}, "
                f"{format_number(len(check.data))} Zeilen) ist in dieser Sitzung aktiv.",
                icon=":material/check_circle:",
            )
        elif check.ok:
            st.success(
                f"Gültig: {format_number(len(check.data))} Zeilen aus {upload.name} "
                f"({format_bytes(len(content))}). Hinweise: {len(check.warnings)}."
            )
        else:
            st.error(
                f"Die Datei hat {count_text(len(check.errors), 'Problem', 'Probleme')} und wird "
                "nicht übernommen. "
                "Bitte korrigieren und erneut hochladen."
            )
        if check.errors or check.warnings:
            st.dataframe(check.report(), hide_index=True, width="stretch")
        if check.ok and not applied and st.button("Übernehmen", type="primary"):
            if kind == "facilities":
                st.session_state[state.UPLOADED_FACILITIES] = (check.data, replace, tag)
            elif kind == "statistics":
                st.session_state[state.UPLOADED_STATISTICS] = (check.data, tag)
            else:
                st.session_state[state.REGIONS] = check.data
            st.rerun()

active = {
    "Einrichtungen": st.session_state[state.UPLOADED_FACILITIES],
    "Statistik": st.session_state[state.UPLOADED_STATISTICS],
    "Regionen": st.session_state[state.REGIONS],
}
in_use = [name for name, value in active.items() if value is not None]
if in_use:
    st.info(
        f"In dieser Sitzung aktiv: {', '.join(in_use)} aus Upload.", icon=":material/upload_file:"
    )
    if st.button("Uploads zurücksetzen"):
        for key in (state.UPLOADED_FACILITIES, state.UPLOADED_STATISTICS, state.REGIONS):
            st.session_state[key] = None
        st.rerun()

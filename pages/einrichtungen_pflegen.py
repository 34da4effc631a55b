"""Einrichtungen pflegen: the shared facility register – add, correct, place, close, import."""

import streamlit as st

from ui import auth, data, markup, presentation, register, router, state

router.ensure_routed()
base = data.base_package()
try:
    store = data.register_store()
except Exception:  # any database failure: app.py shows the named fault above the page
    st.title("Einrichtungen pflegen")
    st.info("Das Register kann erst nach der Behebung des oben genannten Fehlers gepflegt werden.")
    st.stop()
pkg = data.registered_package()

st.title("Einrichtungen pflegen")
st.caption(
    "Ergänzungen und Korrekturen der Einrichtungsliste werden als Änderungen über dem "
    "Datenpaket gespeichert – mit Autor/in, Zeit, Grund und Quelle – und gelten sofort für alle "
    "Seiten, den Bericht, die Downloads und die Kommandozeile. Wo das Register gespeichert ist, "
    "steht auf der Seite Daten unter „Über diese Installation“."
)
for note in store.notes:
    st.warning(markup.md(note))
message = st.session_state[state.REG_MESSAGE]
if message:
    st.success(markup.md(message), icon=":material/check_circle:")
    st.session_state[state.REG_MESSAGE] = None

editable = auth.can_edit()  # the role (and not presentation mode); every save checks it again
if not editable:
    auth.read_only_notice("Das Register ändern")
with presentation.editing("aufgaben"):  # a to-do list for the editors, not for a room
    register.tasks(pkg)
edit_tab, import_tab, complete_tab, export_tab = st.tabs(
    ["Bearbeiten", "Liste der Stadt abgleichen", "Vollständigkeit", "Export"]
)

with edit_tab:
    options = register.choices(pkg)
    if st.session_state[state.REG_FACILITY] not in options:
        st.session_state[state.REG_FACILITY] = options[1] if len(options) > 1 else None
    with presentation.editing("auswahl"):
        st.selectbox(
            "Einrichtung",
            options,
            format_func=register.label_for(pkg),
            **state.bind(state.REG_FACILITY),
            help="Einrichtungen ohne Lage stehen oben.",
        )
    fid = st.session_state[state.REG_FACILITY]
    current = store.versions().get(fid, 0) if fid else 0
    version = register.opened(fid, current)
    if editable:
        register.conflict_panel(store, base)
        register.reload_notice(fid, version, current)
    if fid:
        with presentation.editing("version"):
            st.caption(
                f"Version {version} · {markup.md(fid)} · Änderungen beruhen auf dieser Version; "
                "hat jemand anderes die Einrichtung inzwischen geändert, werden beide Fassungen "
                "gezeigt."
            )
    register.edit_map(pkg, fid, version, editable=editable)
    if editable:
        register.edit_form(pkg, base, store, fid, version)
    if fid:
        register.history_panel(store, base, fid, version, editable=editable)
    if fid and editable:
        with st.expander("Schließen oder löschen"):
            st.caption(
                "Schließen: bleibt in der Liste, zählt aber nicht mehr (Betrieb: nein). Löschen: "
                "nur für Dubletten oder Einträge, die es nie gab. Beides lässt sich rückgängig machen."
            )
            register.close_or_delete(store, base, fid, version)

with import_tab:
    st.markdown(
        "Die eigene Liste der Stadt (CSV oder XLSX) wird mit der wirksamen Liste abgeglichen: "
        "Vorschau **neu, geändert, geschlossen, unverändert**, jede Zeile einzeln annehmen oder "
        "ablehnen, dann alles in einem Schritt speichern – gelingt eine Zeile nicht, wird nichts "
        "gespeichert. Zuordnung über die id, sonst über den genauen Namen."
    )
    if editable:
        register.import_panel(pkg, base, store)
    else:
        auth.read_only_notice("Die Liste der Stadt übernehmen")

with complete_tab:
    st.markdown(
        "Wie vollständig ist die Liste? Die erwartete Anzahl je Art tragen die Planer:innen ein "
        "(z. B. 12 Offene Treffs laut Förderliste)."
    )
    register.completeness_panel(pkg, store, editable=editable)

with export_tab:
    register.export_panel(pkg, store)

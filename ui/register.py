"""Streamlit parts of the page "Einrichtungen pflegen": tasks, map, form, history, import.

The logic (checks, effective list, merge, exports) lives in :mod:`register`; these helpers
read the widgets, call it and show the German messages.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import replace

import folium
import pandas as pd
import streamlit as st

from auth import EDIT
from geo.facilities import CATEGORIES, IN_BETRIEB, LAGE_METHODE, OEFFENTLICH
from geo.io.package import DataPackage
from geo.io.uploads import MAX_BYTES, format_mb, validate
from indicators.composite import shared_rank_text
from indicators.format import count_text, format_coordinates, format_number
from maps.builders import facility_map
from register.changes import (
    CLICK_RADIUS_M,
    FIELDS,
    SET_BY_OFFICE,
    ConflictError,
    Edit,
    same,
)
from register.completeness import NO_POSITION_TASK, completeness, unplaced_by_stadtteil
from register.effective import records_of, undone_by
from register.merge import plan_import
from register.store import RegisterStore
from report import register_exports as exports
from ui import auth as access
from ui import map_widget, markup, state, uploads
from ui.inputs import german_number

LOGGER = logging.getLogger("begegnungsatlas")

#: Text fields of the form (field → help).
TEXT_FIELDS = ("name", "typ", "traeger", "strasse_hausnr", "plz", "oeffnungstage", "stand",
               "quelle_url", "hinweis", "in_betrieb_grund")  # fmt: skip
CODE_FIELDS = {"kategorie": CATEGORIES, "oeffentlich": OEFFENTLICH, "in_betrieb": IN_BETRIEB}


def key(fid: str | None, version: int, name: str) -> str:
    """Widget key of a form field (a fresh set per facility and version)."""
    return f"{state.REG_FORM}_{fid or 'neu'}_{version}_{name}"


def unreachable(error: Exception) -> str:
    """German notice for a register that cannot be read – without paths or library text.

    Our own messages (ValueError) are kept, with paths and database addresses cut out; the
    full error goes to the server log.
    """
    LOGGER.warning("Einrichtungsregister nicht erreichbar: %s", error)
    detail = str(error) if isinstance(error, ValueError) else ""
    detail = re.sub(r"[A-Za-z][\w+.-]*://\S+|(?<![\w.])/[^\s,;:]+", "…", detail).strip()
    return (
        "Das Einrichtungsregister ist nicht erreichbar"
        + (f": {markup.md(detail)}" if detail else ".")
        + " Ort und Zugang stehen auf der Seite Daten unter „Über diese Installation“; die "
        "Einzelheiten im Protokoll des Servers."
    )


def unplaced(pkg: DataPackage) -> pd.DataFrame:
    """Open facilities without position (the planners' first task)."""
    f = pkg.einrichtungen
    return f[(f.geometry.isna() | f.geometry.is_empty) & (f["in_betrieb"] != "nein")]


def tasks(pkg: DataPackage) -> None:
    """Facilities without position, listed first as tasks."""
    todo = unplaced(pkg)
    if todo.empty:
        st.success("Alle Einrichtungen in Betrieb haben eine Lage.", icon=":material/task_alt:")
        return
    names = pkg.stadtteile["stadtteil"]
    lines = [
        f"- **{markup.md(r['id'])}** {markup.md(r['name'])} ({markup.md(names.get(r['stadtteil_nr'], 'Stadtteil unbekannt'))}) – {NO_POSITION_TASK}"
        for _, r in todo.iterrows()
    ]
    st.warning(
        f"**Aufgaben: {count_text(len(todo), 'Einrichtung', 'Einrichtungen')} ohne Lage.** Sie "
        "fehlen in allen "
        "Entfernungsrechnungen; Lage auf der Karte setzen.\n\n" + "\n".join(lines),
        icon=":material/location_off:",
    )


def choices(pkg: DataPackage) -> list[str | None]:
    """Facility ids to edit: None (new), those without position (meeting places first), all."""
    f = pkg.einrichtungen
    order = {code: i for i, code in enumerate(CATEGORIES)}
    ordered = f.assign(
        _todo=~f["id"].isin(set(unplaced(pkg)["id"])),
        _cat=f["kategorie"].map(order),
    ).sort_values(["_todo", "_cat", "name"])
    return [None, *ordered["id"].astype(str)]


def label_for(pkg: DataPackage):
    """Labels of :func:`choices`."""
    names = dict(zip(pkg.einrichtungen["id"], pkg.einrichtungen["name"], strict=True))
    todo = set(unplaced(pkg)["id"])

    def label(fid: str | None) -> str:
        if fid is None:
            return "➕ Neue Einrichtung aufnehmen"
        return f"{fid} · {names.get(fid, '')}" + (" (ohne Lage)" if fid in todo else "")

    return label


def edit_map(pkg: DataPackage, fid: str | None, version: int, *, editable: bool = True) -> None:
    """Map of all facilities; a click sets the position of the edited facility (± 10 m)."""
    lat, lon = (
        st.session_state.get(key(fid, version, "lat")),
        st.session_state.get(key(fid, version, "lon")),
    )
    m = facility_map(pkg.stadtteile, pkg.einrichtungen, **map_widget.map_options())
    if lat is not None and lon is not None:
        folium.Marker(
            [lat, lon], tooltip="Lage der bearbeiteten Einrichtung", icon=folium.Icon(color="red")
        ).add_to(m)
    click = map_widget.new_click(
        map_widget.show_map(m, key="karte_register", clickable=editable, height=520)
    )
    if click is not None and editable:
        st.session_state[key(fid, version, "lon")] = round(click[0], 7)
        st.session_state[key(fid, version, "lat")] = round(click[1], 7)
        st.session_state[key(fid, version, "lage_genauigkeit_m")] = CLICK_RADIUS_M
        st.session_state[key(fid, version, "lage_methode")] = SET_BY_OFFICE
        st.rerun()  # the form below shows the clicked position


#: Defaults of a new facility's coded fields.
DEFAULTS = {"kategorie": "senioren_begegnung", "oeffentlich": "ja", "in_betrieb": "ja",
            "lage_methode": "keine"}  # fmt: skip
POSITION = ("lat", "lon", "lage_genauigkeit_m")


def _seed(fid: str | None, version: int, record: dict) -> None:
    for name in [*TEXT_FIELDS, *CODE_FIELDS, *POSITION, "lage_methode", "stadtteil"]:
        value = record.get(name)
        if name in POSITION:
            default = value
        elif name in DEFAULTS:
            default = value or DEFAULTS[name]
        else:
            default = "" if value is None else str(value)
        st.session_state.setdefault(key(fid, version, name), default)
    st.session_state.setdefault(
        key(fid, version, "autor"), st.session_state[state.REG_AUTHOR] or access.default_author()
    )


def edit_form(
    pkg: DataPackage, base: DataPackage, store: RegisterStore, fid: str | None, version: int
) -> None:
    """The form: package vocabulary, position, author, reason and source (all required)."""
    record = records_of(pkg.einrichtungen).get(fid, {}) if fid else {}
    _seed(fid, version, record)
    k = lambda name: key(fid, version, name)  # noqa: E731
    with st.form(k("form")):
        left, right = st.columns(2)
        left.text_input(FIELDS["name"], key=k("name"))
        right.text_input(FIELDS["typ"], key=k("typ"), help="z. B. Offener Treff, ASZ")
        for i, (name, vocab) in enumerate(CODE_FIELDS.items()):
            (left if i % 2 == 0 else right).selectbox(
                FIELDS[name], list(vocab), format_func=vocab.get, key=k(name)
            )
        right.text_input(FIELDS["traeger"], key=k("traeger"))
        left.text_input(FIELDS["strasse_hausnr"], key=k("strasse_hausnr"))
        names = ["", *pkg.stadtteile["stadtteil"]]
        if st.session_state[k("stadtteil")] not in names:  # free text of the source
            names.append(st.session_state[k("stadtteil")])
        right.selectbox(
            FIELDS["stadtteil"], names, key=k("stadtteil"),
            help="Zählt eine Einrichtung ohne Lage in diesem Stadtteil.",
        )  # fmt: skip
        left.text_input(FIELDS["oeffnungstage"], key=k("oeffnungstage"), help="z. B. Mo–Fr 9–16")
        right.text_input(FIELDS["in_betrieb_grund"], key=k("in_betrieb_grund"))
        _position_inputs(k)
        a, b = st.columns(2)
        a.text_input(FIELDS["stand"], key=k("stand"))
        b.text_input(FIELDS["quelle_url"], key=k("quelle_url"))
        st.text_input(FIELDS["hinweis"], key=k("hinweis"))
        st.markdown("**Nachvollziehbarkeit** (Pflicht)")
        a, b, c = st.columns(3)
        access.author_input(a, k("autor"))
        b.text_input("Grund der Änderung", key=k("grund"))
        c.text_input("Quelle (URL oder Dokument)", key=k("quelle"))
        submitted = st.form_submit_button("Speichern", type="primary")
    if not submitted:
        return
    values = _changed_values(fid, record, k)
    meta = {
        "author": st.session_state[k("autor")],
        "reason": st.session_state[k("grund")],
        "source": st.session_state[k("quelle")],
    }
    kind = "add" if fid is None else "update"
    submit(store, base, Edit(fid or "", kind, values, version, **meta))


def _position_inputs(k: Callable[[str], str]) -> None:
    """The position fields of the form: degrees, radius and how the position was found."""
    st.markdown("**Lage** – auf der Karte klicken (± 10 m, vom Amt gesetzt) oder eingeben")
    a, b, c, d = st.columns(4)
    german_number(
        a,
        "Breitengrad (WGS84)",
        k("lat"),
        6,
        min_value=-90,
        max_value=90,
        placeholder="z. B. 52,1294",
    )
    german_number(
        b,
        "Längengrad (WGS84)",
        k("lon"),
        6,
        min_value=-180,
        max_value=180,
        placeholder="z. B. 11,6291",
    )
    german_number(c, "Lage ± m", k("lage_genauigkeit_m"), 0, min_value=0)
    d.selectbox(
        FIELDS["lage_methode"], list(LAGE_METHODE), format_func=LAGE_METHODE.get,
        key=k("lage_methode"),
    )  # fmt: skip
    lat, lon = st.session_state.get(k("lat")), st.session_state.get(k("lon"))
    if lat is not None and lon is not None:
        st.caption(f"Lage: {format_coordinates(lat, lon)}")


def _changed_values(fid: str | None, record: dict, k: Callable[[str], str]) -> dict:
    """The form's values to store: for a correction only what changed (the position whole)."""
    names = [*TEXT_FIELDS, *CODE_FIELDS, "stadtteil", *POSITION, "lage_methode"]
    values = {name: st.session_state[k(name)] for name in names}
    if fid:  # only what really changed, so a conflict names just that
        values = {n: v for n, v in values.items() if not _same(n, record.get(n), v)}
        if {"lat", "lon"} & set(values):
            values.update({n: st.session_state[k(n)] for n in POSITION})
    if values.get("lat") is None and values.get("lon") is None and not record.get("lat"):
        values.pop("lage_genauigkeit_m", None)
    elif values.get("lat") is not None and values.get("lage_methode", "keine") == "keine":
        values["lage_methode"] = SET_BY_OFFICE  # a position entered here is the office's
    return values


def _same(name: str, old: object, new: object) -> bool:
    if name in ("lat", "lon"):
        return (old is None and new is None) or (
            old is not None and new is not None and abs(float(old) - float(new)) < 1e-6
        )
    return same(old, new)


def submit(store: RegisterStore, base: DataPackage, edit: Edit) -> None:
    """Store one edit; German error, conflict (edit kept) or success after a rerun.

    The role is checked here, at the point of writing; a signed-in person is the author
    whatever the form says.
    """
    try:
        identity = access.require(EDIT, "Änderung am Einrichtungsregister speichern")
        edit = replace(edit, author=access.author(identity, edit.author))
        change = store.submit(base, [edit])[0]
    except ConflictError as conflict:
        st.session_state[state.REG_CONFLICT] = (str(conflict), conflict.edit)
        st.rerun()
    except ValueError as error:
        st.error(markup.md(error), icon=":material/error:")
        return
    st.session_state[state.REG_AUTHOR] = change.author
    st.session_state[state.REG_FACILITY] = change.facility_id
    opened(change.facility_id, change.version, saved=True)
    st.session_state[state.REG_CONFLICT] = None
    st.session_state[state.REG_MESSAGE] = (
        f"Gespeichert: {change.facility_id} – {change.summary()} (Version {change.version})."
    )
    st.rerun()


def opened(fid: str | None, current: int, *, saved: bool = False) -> int:
    """The version of ``fid`` this planner opened (kept until saved or reloaded).

    Every form is keyed by this version, so a change stored meanwhile by someone else does
    not swap the form under the planner's hands: saving then meets the conflict check.
    """
    if fid is None:
        return 0
    if st.session_state[state.REG_OPENED] is None:
        st.session_state[state.REG_OPENED] = {}
    versions = st.session_state[state.REG_OPENED]
    if saved or fid not in versions or current < versions[fid]:  # (smaller: register reset)
        versions[fid] = current
    return versions[fid]


def reload_notice(fid: str | None, version: int, current: int) -> None:
    """Say when someone else changed the facility since it was opened."""
    if fid is None or current == version or st.session_state[state.REG_CONFLICT]:
        return
    left, right = st.columns([3, 1])
    left.info(
        f"{fid} wurde inzwischen geändert (jetzt Version {current}, geöffnet: Version {version}).",
        icon=":material/sync:",
    )
    if right.button("Neu laden"):
        st.session_state[state.REG_OPENED][fid] = current
        st.rerun()


def conflict_panel(store: RegisterStore, base: DataPackage) -> None:
    """A refused change: the message with both versions and a way to apply it again."""
    conflict = st.session_state[state.REG_CONFLICT]
    if not conflict:
        return
    message, edit = conflict
    st.error(markup.md(message), icon=":material/sync_problem:")
    current = store.versions().get(edit.facility_id, 0)
    left, right = st.columns(2)
    if left.button(f"Meine Änderung auf Version {current} anwenden", type="primary"):
        submit(store, base, replace(edit, base_version=current))
    if right.button("Meine Änderung verwerfen"):
        st.session_state[state.REG_CONFLICT] = None
        st.rerun()


def history_panel(
    store: RegisterStore, base: DataPackage, fid: str, version: int, *, editable: bool = True
) -> None:
    """History of one facility with undo (a new, traceable change)."""
    changes = store.history(fid)
    st.subheader(f"Verlauf ({count_text(len(changes), 'Änderung', 'Änderungen')})")
    if not changes:
        st.caption("Unverändert wie im Datenpaket (Version 0).")
        return
    table = exports.history_table(changes)
    st.dataframe(
        table[["nr", "version", "zeit", "autor", "aenderung", "grund", "quelle",
               "rueckgaengig_durch"]].rename(columns={"nr": "Nr.", "version": "Version",
               "zeit": "Zeit", "autor": "Autor/in", "aenderung": "Änderung", "grund": "Grund",
               "quelle": "Quelle", "rueckgaengig_durch": "rückgängig durch Nr."}),
        hide_index=True, width="stretch",
    )  # fmt: skip
    if not editable:
        return
    cancelled = undone_by(store.changes())
    undoable = [c.id for c in changes if c.id not in cancelled]
    with st.form(key(fid, version, "rueckgaengig")):
        a, b, c = st.columns([1, 2, 2])
        target = a.selectbox("Änderung Nr.", undoable)
        author = access.author_input(b, value=st.session_state[state.REG_AUTHOR])
        reason = c.text_input("Grund")
        if st.form_submit_button("Rückgängig machen"):
            submit(store, base, Edit(fid, "undo", {}, version, author, reason, "", target=target))


def close_or_delete(store: RegisterStore, base: DataPackage, fid: str, version: int) -> None:
    """Close (in operation: no) or delete (e.g. a duplicate), with reason and source."""
    with st.form(key(fid, version, "schliessen")):
        a, b, c, d = st.columns([1, 2, 2, 2])
        kind = a.radio("Aktion", ["close", "delete"], format_func={"close": "schließen",
                       "delete": "löschen (Dublette)"}.get)  # fmt: skip
        author = access.author_input(b, value=st.session_state[state.REG_AUTHOR])
        reason = c.text_input("Grund")
        source = d.text_input("Quelle")
        if st.form_submit_button("Ausführen"):
            fields = {"in_betrieb": "nein", "in_betrieb_grund": reason} if kind == "close" else {}
            submit(store, base, Edit(fid, kind, fields, version, author, reason, source))


def import_panel(pkg: DataPackage, base: DataPackage, store: RegisterStore) -> None:
    """The city's list as a reviewed merge: preview, per-row choice, one atomic change set."""
    upload = st.file_uploader(
        "Liste der Stadt (CSV oder XLSX)",
        type=["csv", "txt", "xlsx"],
        help=f"Höchstens {format_mb(MAX_BYTES)} je Datei.",
    )
    if upload is None:
        st.caption("Spalten wie beim Upload auf der Seite Daten: name, lat/lon oder x/y, "
                   "optional id, typ, kategorie, oeffentlich, in_betrieb, …")  # fmt: skip
        return
    content = upload.getvalue()
    refused = uploads.rate_limited(content)
    if refused:
        st.error(refused, icon=":material/hourglass_top:")
        return
    revision = store.revision()
    digest = hashlib.sha256(content).hexdigest()[:12]
    cached = st.session_state[state.REG_IMPORT]
    if not cached or cached[:2] != (digest, revision):
        check = validate("facilities", upload.name, content, pkg, True)
        if not check.ok:
            st.error(f"Die Datei hat {len(check.errors)} Problem(e); nichts wird übernommen.")
            st.dataframe(check.report(), hide_index=True, width="stretch")
            return
        plan = plan_import(check, pkg, store.versions(), upload.name)
        st.session_state[state.REG_IMPORT] = cached = (digest, revision, plan)
    plan = cached[2]
    st.info(f"Abgleich mit {markup.md(plan.source)}: {plan.summary()}.", icon=":material/compare:")
    for note in plan.notes:
        st.caption(f"Hinweis: {markup.md(note)}")
    table = plan.table()
    edited = st.data_editor(
        table, hide_index=True, width="stretch", disabled=[c for c in table if c != "übernehmen"],
        column_config={"übernehmen": st.column_config.CheckboxColumn("übernehmen")},
        key=f"import_{digest}_{revision}",
    )  # fmt: skip
    chosen = [int(r) for r in edited.loc[edited["übernehmen"], "Zeile"]]
    with st.form(f"import_form_{digest}"):
        a, b = st.columns(2)
        author = access.author_input(a, value=st.session_state[state.REG_AUTHOR])
        reason = b.text_input("Grund", value=f"Abgleich mit {plan.source}")
        go = st.form_submit_button(
            f"{count_text(len(chosen), 'Zeile', 'Zeilen')} übernehmen", type="primary"
        )
    if not go:
        return
    try:
        identity = access.require(EDIT, "Liste der Stadt übernehmen")
        author = access.author(identity, author)
        edits = plan.edits(chosen, author=author, reason=reason, source=plan.source)
        stored = store.submit(base, edits, batch=f"import:{plan.source}")
    except ValueError as error:  # conflicts included: nothing was stored
        st.error(f"Nichts übernommen: {markup.md(error)}", icon=":material/error:")
        return
    st.session_state[state.REG_AUTHOR] = author
    st.session_state[state.REG_MESSAGE] = (
        f"Import: {count_text(len(stored), 'Änderung', 'Änderungen')} in einem Schritt gespeichert."
    )
    st.rerun()


def completeness_panel(pkg: DataPackage, store: RegisterStore, *, editable: bool) -> None:
    """Known vs. expected per type, and facilities without position per Stadtteil."""
    expected = store.expected()
    table = completeness(pkg.einrichtungen, {t: e.anzahl for t, e in expected.items()})
    shown = pd.DataFrame(
        {
            "Art": table["typ"],
            "bekannt": table["bekannt"],
            "davon ohne Lage": table["ohne_lage"],
            "erwartet": [format_number(v, missing="–") for v in table["soll"]],
            "fehlen": [format_number(v, missing="–") for v in table["fehlen"]],
            "vollständig": [
                f"{format_number(v)} %" if pd.notna(v) else "–" for v in table["vollstaendig_pct"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    if expected:
        st.caption("Erwartete Anzahl laut Planung: " + "; ".join(
            f"{markup.md(t)} {e.anzahl} ({markup.md(e.author)}, {e.when}: {markup.md(e.reason)})"
            for t, e in expected.items()))  # fmt: skip
    gaps = unplaced_by_stadtteil(pkg.einrichtungen, pkg.stadtteile)
    if len(gaps):
        st.markdown(
            "**Einrichtungen ohne Lage je Stadtteil** – dort ist die Versorgung unterschätzt"
        )
        st.dataframe(gaps.rename(columns={"stadtteil": "Stadtteil", "anzahl": "Anzahl",
                     "einrichtungen": "Einrichtungen"}), hide_index=True, width="stretch")  # fmt: skip
    if not editable:
        return
    with st.form("soll_form"):
        a, b, c, d, e = st.columns([2, 1, 2, 2, 2])
        typ = a.selectbox("Art", sorted(set(table["typ"])))
        # A new type in a field of its own: Streamlit's "Add: …" of a free selectbox is English.
        new_type = a.text_input("oder neue Art", placeholder="z. B. Bürgerhaus")
        count = b.number_input("erwartet", 0, 10_000, step=1)
        author = access.author_input(c, value=st.session_state[state.REG_AUTHOR])
        reason = d.text_input("Grund", placeholder="z. B. Förderliste 2025")
        source = e.text_input("Quelle")
        if st.form_submit_button("Erwartete Anzahl speichern"):
            try:
                identity = access.require(EDIT, "Erwartete Anzahl speichern")
                author = access.author(identity, author)
                store.set_expected(
                    " ".join(new_type.split()) or typ or "",
                    int(count),
                    author=author,
                    reason=reason,
                    source=source,
                )
            except ValueError as error:
                st.error(markup.md(error))
            else:
                st.session_state[state.REG_MESSAGE] = f"Erwartete Anzahl für {typ}: {int(count)}."
                st.rerun()


def export_panel(pkg: DataPackage, store: RegisterStore) -> None:
    """Downloads of the effective list."""
    facilities, areas, changes = pkg.einrichtungen, pkg.stadtteile, store.changes()
    raw = exports.raw_facilities(pkg.root)
    a, b, c, d = st.columns(4)
    a.download_button("CSV für Excel", exports.csv_for_excel(facilities, areas, changes),
                      "einrichtungen.csv", "text/csv")  # fmt: skip
    b.download_button("XLSX", exports.xlsx_table(facilities, areas, changes, raw),
                      "einrichtungen.xlsx")  # fmt: skip
    c.download_button("GeoPackage (QGIS)", exports.geopackage_with_style(facilities, changes),
                      "einrichtungen.gpkg")  # fmt: skip
    d.download_button("einrichtungen.csv (Datenpaket)", exports.package_csv(facilities, areas, raw),
                      "einrichtungen_datenpaket.csv", "text/csv")  # fmt: skip
    st.caption("Die GeoPackage-Datei bringt einen QGIS-Stil mit (Farben nach Kategorie). "
               "„einrichtungen.csv (Datenpaket)“ hat die Spalten der Datei im Datenpaket.")  # fmt: skip


def gap_caption(ranking: pd.DataFrame, gaps: pd.DataFrame) -> None:
    """Under the ranking: the ranked Stadtteile flagged with a data gap, and why."""
    ranked = ranking[ranking["gerankt"]]
    flagged = gaps[gaps["datenluecke"] & gaps.index.isin(ranked.index)]
    if flagged.empty:
        return
    parts = [
        f"{markup.md(ranking.at[nr, 'stadtteil'])} (Rang "
        f"{shared_rank_text(ranking.at[nr, 'rang_von'], ranking.at[nr, 'rang_bis'])}: "
        f"{markup.md(reason)})"
        for nr, reason in flagged["datenluecke_grund"].items()
    ]
    st.caption(
        f"⚠ Datenlücke bei {count_text(len(flagged), 'Stadtteil', 'Stadtteilen')} – ihre "
        "Versorgungswerte beruhen auf Einrichtungen ohne Lage oder mit einer Lageunsicherheit "
        "über der Gehdistanz; in Klammern der Anteil fußläufig Versorgter, je nachdem wo die "
        "Einrichtung liegt (mit den erfassten Einrichtungen): "
        + "; ".join(parts)
        + ". Lagen auf der Seite „Einrichtungen pflegen“ ergänzen."
    )


def gap_warning(name: str, gap: pd.Series) -> None:
    """In the "Warum?" card: the Stadtteil's data gap, if any."""
    if not gap["datenluecke"]:
        return
    st.warning(
        f"Datenlücke: Die Versorgungswerte von {markup.md(name)} beruhen auf unsicheren "
        f"Einrichtungslagen – {markup.md(gap['datenluecke_grund'])} (Anteil fußläufig "
        "Versorgter, je nachdem wo die Einrichtung liegt). Der Rang kann dadurch zu hoch oder zu "
        "niedrig sein; siehe „Rang je nach Lage“.",
        icon=":material/warning:",
    )

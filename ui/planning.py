"""Planning by region on the pages: stored region sets, their editor, history and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.io.package import DataPackage
from geo.io.region_sets import read_ist_file, read_region_file
from indicators.allocation import ALLOCATION_INDICATORS, UNITS, AllocationRule
from indicators.format import count_text
from register.db import database_url
from register.planning import PlanningConflictError, PlanningStore, RegionSet
from report.planning_exports import membership, region_set_file
from ui import auth as access
from ui import markup, presentation, state
from ui.auth import PLANNING_WRITES, Guarded
from ui.inputs import german_number

#: Choice of the session's uploaded table in the set picker.
UPLOADED = "Upload dieser Sitzung"
NEW = "neue Gliederung"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> PlanningStore:
    return PlanningStore(url)


def planning_store() -> PlanningStore:
    """The planning store (same database as the register).

    Raises
    ------
    ValueError
        German message naming the database fault and the fix.
    """
    return Guarded(_store(database_url()), PLANNING_WRITES)  # writes check the role


def choose_region_set(store: PlanningStore) -> tuple[str | None, pd.DataFrame | None]:
    """A picker of the stored sets (and the session's upload); returns ``(name, mapping)``."""
    stored = {s.name: s for s in store.region_sets()}
    options = list(stored)
    if st.session_state[state.REGIONS] is not None:
        options.append(UPLOADED)
    if not options:
        return None, None
    if st.session_state[state.REGION_SET] not in options:
        st.session_state[state.REGION_SET] = options[0]
    name = st.selectbox("Gebietsgliederung", options, **state.bind(state.REGION_SET))
    if name == UPLOADED:
        return name, st.session_state[state.REGIONS]
    chosen = stored[name]
    st.caption(
        f"{markup.md(chosen.name)}: {count_text(len(chosen.regions), 'Region', 'Regionen')}, "
        f"Version {chosen.version}, gespeichert von {markup.md(chosen.author)} am {chosen.when}."
    )
    return name, chosen.mapping


def _author() -> str:
    """The signed-in identity, or (Einzelplatz) the name typed once for all changes."""
    return _author_field("gliederung_autor")


def editor(pkg: DataPackage, store: PlanningStore, current: str | None) -> None:
    """Create or change a region set: assign every Stadtteil in a list, or fill it from a file."""
    if not access.can_edit():  # the store checks the role again when it writes
        access.read_only_notice("Gebietsgliederungen anlegen und ändern")
        return
    sets = {s.name: s for s in store.region_sets()}
    choice = st.selectbox(
        "Gliederung bearbeiten",
        [NEW, *sets],
        index=[NEW, *sets].index(current) if current in sets else 0,
        key="gliederung_bearbeiten",
    )
    existing: RegionSet | None = sets.get(choice)
    names = pkg.stadtteile["stadtteil"]
    start = pd.DataFrame({"stadtteil_nr": names.index, "stadtteil": names.to_numpy(), "region": ""})
    if existing is not None:
        start["region"] = start["stadtteil_nr"].map(
            existing.mapping.set_index("stadtteil_nr")["region"]
        )
    upload = st.file_uploader(
        "Zuordnung aus Datei übernehmen (CSV/XLSX mit stadtteil_nr und region, höchstens 20 MB)",
        type=["csv", "xlsx"],
        key=f"gliederung_datei_{choice}",
    )
    if upload is not None:
        try:
            read = read_region_file(upload.name, upload.getvalue())
            by_name = {str(n).casefold(): nr for nr, n in names.items()}
            keys = [
                t.zfill(2) if t.isdigit() else by_name.get(t.casefold(), t)
                for t in read["stadtteil_nr"].astype(str).str.strip()
            ]
            by_nr = dict(zip(keys, read["region"], strict=True))
            start["region"] = start["stadtteil_nr"].map(by_nr).fillna(start["region"])
            st.caption("Die Datei füllt die Liste unten; gespeichert wird erst mit „Speichern“.")
        except ValueError as error:
            st.error(markup.md(str(error)))
    edited = st.data_editor(
        start,
        hide_index=True,
        disabled=["stadtteil_nr", "stadtteil"],
        column_config={
            "stadtteil_nr": st.column_config.TextColumn("Nr."),
            "stadtteil": st.column_config.TextColumn("Stadtteil"),
            "region": st.column_config.TextColumn("Region", help="Name der Region"),
        },
        key=f"gliederung_liste_{choice}_{existing.version if existing else 0}",
        width="stretch",
    )
    name = st.text_input(
        "Name der Gliederung",
        value=existing.name if existing else "",
        key=f"gliederung_name_{choice}",
    )
    note = st.text_input("Anmerkung (warum)", key=f"gliederung_notiz_{choice}")
    author = _author()
    if st.button("Speichern", type="primary", key="gliederung_speichern"):
        try:
            stored = store.save_region_set(
                author,
                name,
                edited[["stadtteil_nr", "region"]],
                names,
                note=note,
                expected_version=existing.version if existing and name == existing.name else None,
                first_row=1,
            )
        except PlanningConflictError as error:
            st.error(markup.md(str(error)))
        except ValueError as error:
            st.error(markup.md(str(error).replace("Zeile ", "Listenzeile ")))
        else:
            st.session_state[state.REGION_SET] = stored.name
            st.session_state[state.NOTICES] = (
                *st.session_state[state.NOTICES],
                ("success", f"Gespeichert: {stored.name}, Version {stored.version}."),
            )
            st.rerun()


def history_and_downloads(pkg: DataPackage, store: PlanningStore, name: str | None) -> None:
    """Versions of the chosen set (who, when, why) and its downloads."""
    if name is None or name == UPLOADED:
        return
    history = store.region_set_history(name)
    st.dataframe(
        pd.DataFrame(
            {
                "Version": [h.version for h in history],
                "Aktion": ["gelöscht" if h.deleted else "gespeichert" for h in history],
                "Regionen": [len(h.regions) for h in history],
                "von": [h.author for h in history],
                "Zeit": [h.when for h in history],
                "Anmerkung": [h.note or "–" for h in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    mapping = store.region_set(name).mapping
    st.caption(
        f"{markup.md(name)}: "
        + "; ".join(
            f"{markup.md(region)} ({', '.join(rows['stadtteil'])})"
            for region, rows in membership(pkg.stadtteile, mapping).groupby("region", sort=False)
        )
    )
    slug = "".join(c if c.isalnum() else "_" for c in name.lower())
    columns = st.columns(3)
    for column, (fmt, label, mime) in zip(
        columns,
        [
            ("csv", "CSV (Excel)", "text/csv"),
            ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("gpkg", "GeoPackage (QGIS)", "application/geopackage+sqlite3"),
        ],
        strict=True,
    ):
        column.download_button(
            label,
            region_set_file(pkg.stadtteile, mapping, fmt),
            file_name=f"gebietsgliederung_{slug}.{fmt}",
            mime=mime,
            key=f"gliederung_download_{fmt}",
        )
    if not access.can_edit():
        return
    with presentation.editing("gliederung_loeschen"), st.expander("Gliederung löschen"):
        author = _author_field("gliederung_loeschen_name")
        if st.button("Endgültig löschen (die Historie bleibt)", key="gliederung_loeschen"):
            try:
                store.delete_region_set(author, name)
            except ValueError as error:
                st.error(markup.md(str(error)))
            else:
                st.rerun()


def allocation_rule(container) -> AllocationRule:
    """The inputs of a Verteilungsschlüssel (German number fields; checked by the core)."""
    left, right = container.columns(2)
    unit = left.selectbox("Einheit", list(UNITS), key="verteilung_einheit")
    german_number(left, f"Betrag A ({unit})", "verteilung_betrag", 2)
    german_number(left, f"Sockel B je Region ({unit})", "verteilung_sockel", 2)
    german_number(
        left, f"Obergrenze C je Region ({unit})", "verteilung_obergrenze", 2, placeholder="keine"
    )
    german_number(
        left, f"höchste Änderung je Jahr ({unit})", "verteilung_aenderung", 2, placeholder="sofort"
    )
    chosen = right.multiselect(
        "Indikatoren",
        list(ALLOCATION_INDICATORS),
        default=["senioren_65plus", "senioren_unversorgt"],
        format_func=ALLOCATION_INDICATORS.get,
        key="verteilung_indikatoren",
    )
    weights = {}
    for key in chosen:
        st.session_state.setdefault(f"verteilung_gewicht_{key}", 1.0)
        weights[key] = german_number(
            right, f"Gewicht: {ALLOCATION_INDICATORS[key]}", f"verteilung_gewicht_{key}", 2
        )
    values = st.session_state
    return AllocationRule(
        amount=values.get("verteilung_betrag") or 0.0,
        weights={k: w or 0.0 for k, w in weights.items()},
        unit=unit,
        base=values.get("verteilung_sockel") or 0.0,
        cap=values.get("verteilung_obergrenze"),
        max_change=values.get("verteilung_aenderung"),
    )


#: Where the Ist of an allocation comes from.
IST_SOURCES = {
    "keine": "ohne Ist (nur Soll)",
    "eingeben": "eingeben oder aus Datei",
    "gespeichert": "gespeicherte Ist-Werte",
    "einrichtungen": "Anzahl gezählter Treffpunkte je Region",
}


def ist_values(
    store: PlanningStore, name: str, regions: list[str], facility_counts: dict[str, float]
) -> tuple[dict[str, float] | None, str]:
    """The Ist per region chosen by the planner; returns ``(amounts, source text)``."""
    source = st.radio(
        "Ist-Werte",
        list(IST_SOURCES),
        format_func=IST_SOURCES.get,
        horizontal=True,
        key="verteilung_ist_quelle",
    )
    if source == "einrichtungen":
        return facility_counts, "Ist = Anzahl der gezählten Treffpunkte je Region."
    if source == "gespeichert":
        labels = store.ist_labels(name)
        if not labels:
            st.info("Zu dieser Gliederung sind noch keine Ist-Werte gespeichert.")
            return None, ""
        label = st.selectbox("Gespeicherte Ist-Werte", labels, key="verteilung_ist_label")
        amounts, author, when = store.ist(name, label)
        return amounts, f"Ist-Werte „{label}“, gespeichert von {author} am {when}."
    if source == "keine":
        return None, ""
    upload = st.file_uploader(
        "Ist-Werte aus Datei (CSV/XLSX mit region und ist, höchstens 20 MB)",
        type=["csv", "xlsx"],
        key="verteilung_ist_datei",
    )
    start = pd.DataFrame({"region": regions, "ist": [0.0] * len(regions)})
    if upload is not None:
        try:
            read = read_ist_file(upload.name, upload.getvalue())
            start["ist"] = start["region"].map(read)
        except ValueError as error:
            st.error(markup.md(str(error)))
    edited = st.data_editor(
        start,
        hide_index=True,
        disabled=["region"],
        column_config={
            "region": st.column_config.TextColumn("Region"),
            "ist": st.column_config.NumberColumn("Ist", format="localized"),
        },
        key=f"verteilung_ist_liste_{name}_{upload.file_id if upload else ''}",
        width="stretch",
    )
    amounts = dict(zip(edited["region"], edited["ist"], strict=True))
    if not access.can_edit():
        return amounts, "Ist-Werte wie eingegeben."
    with presentation.editing("ist_speichern"), st.expander("Ist-Werte speichern"):
        label = st.text_input("Bezeichnung, z. B. „Förderung 2026“", key="verteilung_ist_name")
        author = _author_field("verteilung_ist_autor")
        if st.button("Ist-Werte speichern", key="verteilung_ist_speichern"):
            try:
                store.save_ist(author, name, label, amounts)
                st.success(f"Gespeichert: {markup.md(label)}.")
            except ValueError as error:
                st.error(markup.md(str(error)))
    return amounts, "Ist-Werte wie eingegeben."


def _author_field(key: str) -> str:
    st.session_state.setdefault(key, st.session_state[state.REG_AUTHOR] or access.default_author())
    return access.author_input(st, key=key)


@st.cache_data(max_entries=4, show_spinner="Steckbriefe werden erstellt …")
def _profiles(_pkg: DataPackage, _res, mapping: pd.DataFrame, key: tuple) -> list:
    from scenarios.planning import profiles

    return profiles(_pkg, _res, mapping)


def profile_panel(pkg: DataPackage, res, mapping: pd.DataFrame, name: str) -> None:
    """The Steckbrief of one region on the page and all of them as one PDF."""
    from datetime import date

    from report.planning_exports import profile_tables
    from report.planning_pdf import profiles_pdf
    from ui.downloads import caption

    profiles = _profiles(pkg, res, mapping, (pkg.version, res.assumptions, res.overlay))
    by_name = {p.region: p for p in profiles}
    region = st.selectbox("Region", list(by_name), key="steckbrief_region")
    profile = by_name[region]
    st.caption("Stadtteile: " + markup.md(", ".join(profile.stadtteile)))
    st.markdown("**Handlungsbedarf** (aus den Daten nach den Regeln im README)")
    st.markdown("\n".join(f"- {markup.md(n)}" for n in profile.needs))
    tables = profile_tables(profile)
    left, right = st.columns(2)
    for column, titles in (
        (left, ["Versorgung", "Bevölkerung"]),
        (right, ["Entwicklung 65+", "Einrichtungen"]),
    ):
        for title in titles:
            column.markdown(f"**{title}**")
            if tables[title].empty:
                column.caption("Keine veröffentlichten Werte.")
            else:
                column.dataframe(tables[title], hide_index=True, width="stretch")
    text = caption(res.assumptions, False, res.before.target.label)
    if profile.unpublished:
        text += " Altersgruppen nicht veröffentlicht: " + ", ".join(profile.unpublished) + "."
    st.caption(markup.md(text))
    slug = "".join(c if c.isalnum() else "_" for c in name.lower())
    st.download_button(
        "Steckbriefe aller Regionen (PDF, eine Seite je Region)",
        profiles_pdf(
            name, profiles, caption(res.assumptions, False, res.before.target.label), date.today()
        ),
        file_name=f"steckbriefe_{slug}.pdf",
        mime="application/pdf",
        key="steckbriefe_pdf",
    )

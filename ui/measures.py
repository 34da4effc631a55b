"""The city's measures on the page: the list, the data check (cached) and the status form."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.io.measures import KINDS, read_measures, with_own
from geo.io.package import DataPackage
from register.planning import STATUSES, PlanningStore
from scenarios.measures import facility_checks, stadtteil_checks
from ui import auth as access
from ui import markup, presentation, state


@st.cache_data(max_entries=4, show_spinner="Maßnahmen werden mit den Daten abgeglichen …")
def _checks(_pkg: DataPackage, _res, _measures: pd.DataFrame, key: tuple) -> tuple:
    from scenarios.planning import facility_surroundings

    return stadtteil_checks(_pkg, _res, _measures), facility_checks(
        _pkg, _measures, facility_surroundings(_pkg, _res)
    )


def checks(pkg: DataPackage, res, measures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per named Stadtteil and facility: what the data says now (cached per assumptions)."""
    named = tuple((m.id, m.stadtteil_nr, m.einrichtungen) for m in measures.itertuples())
    return _checks(pkg, res, measures, (pkg.version, res.assumptions, res.overlay, named))


def measures(pkg: DataPackage, store: PlanningStore) -> pd.DataFrame:
    """The package's measures and the planners' own."""
    return with_own(read_measures(pkg.root), store.own_measures())


def scenario_names() -> list[str]:
    """Names of the saved scenarios (none if the store cannot be read)."""
    from ui import simulation

    try:
        return [s.name for s in simulation.store().list()]
    except Exception:  # the status form stays usable without the scenario store
        return []


def overview(table: pd.DataFrame, status: dict) -> pd.DataFrame:
    """The list as shown: id, group, text, responsible, horizon, kind, named places, status."""
    return pd.DataFrame(
        {
            "Nr.": table["id"],
            "Maßnahme": table["massnahme"],
            "Art": table["art"].map(KINDS).fillna("–"),
            "Orte": [
                ", ".join(filter(None, [s, o])) or "–"
                for s, o in zip(
                    table["stadtteile"].str.replace(";", ", "), table["ort_hinweis"], strict=True
                )
            ],
            "Verantwortlich": table["verantwortlich"].replace("", "–"),
            "Zeithorizont": table["zeithorizont"].replace("", "–"),
            "Status": [status[i].status if i in status else "–" for i in table["id"]],
        }
    )


def status_form(store: PlanningStore, measure_id: str, known: list[str], scenarios: list[str]):
    """Record a new status of one measure (with author, note and a saved scenario)."""
    if not access.can_edit():  # the store checks the role again when it writes
        access.read_only_notice("Den Status einer Maßnahme erfassen")
        return
    with presentation.editing("massnahme_status"), st.form(f"status_{measure_id}"):
        st.markdown(f"**Status von {markup.md(measure_id)} erfassen**")
        left, right = st.columns(2)
        status = left.selectbox("Status", STATUSES)
        scenario = right.selectbox(
            "Verknüpftes Szenario", ["", *scenarios], format_func=lambda s: s or "keines"
        )
        note = st.text_input("Anmerkung (z. B. Beschluss, Termin)")
        st.session_state.setdefault(
            "massnahme_autor", st.session_state[state.REG_AUTHOR] or access.default_author()
        )
        author = access.author_input(st, key="massnahme_autor")
        if st.form_submit_button("Status speichern", type="primary"):
            try:
                store.set_measure_status(
                    author, measure_id, status, note=note, scenario=scenario, known_ids=known
                )
            except ValueError as error:
                st.error(markup.md(str(error)))
            else:
                st.rerun()


def history(store: PlanningStore, measure_id: str) -> None:
    """The status entries of one measure, newest first."""
    entries = store.status_history(measure_id)
    if not entries:
        st.caption("Noch kein Status erfasst.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Status": [e.status for e in entries],
                "von": [e.author for e in entries],
                "Zeit": [e.when for e in entries],
                "Anmerkung": [e.note or "–" for e in entries],
                "Szenario": [e.scenario or "–" for e in entries],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def add_own(store: PlanningStore, pkg: DataPackage, known: list[str]) -> None:
    """A form for a planner's own measure."""
    if not access.can_edit():
        return
    with (
        presentation.editing("massnahme_neu"),
        st.expander("Eigene Maßnahme anlegen"),
        st.form("massnahme_neu"),
    ):
        text = st.text_area("Maßnahme")
        names = pkg.stadtteile["stadtteil"]
        chosen = st.multiselect(
            "Betroffene Stadtteile", list(names.index), format_func=lambda nr: f"{nr} {names[nr]}"
        )
        left, right = st.columns(2)
        responsible = left.text_input("Verantwortlich")
        horizon = right.text_input("Zeithorizont")
        st.session_state.setdefault(
            "massnahme_neu_autor", st.session_state[state.REG_AUTHOR] or access.default_author()
        )
        author = access.author_input(st, key="massnahme_neu_autor")
        if st.form_submit_button("Anlegen"):
            try:
                new_id = store.add_measure(
                    author,
                    {
                        "massnahme": text,
                        "stadtteil_nr": ";".join(chosen),
                        "verantwortlich": responsible,
                        "zeithorizont": horizon,
                    },
                    known_ids=known,
                )
            except ValueError as error:
                st.error(markup.md(str(error)))
            else:
                st.success(f"Angelegt als {new_id}.")

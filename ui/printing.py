"""Single print maps for the Bericht page (cached PNG and PDF bytes)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.io.package import DataPackage
from indicators.registry import INDICATORS
from maps.builders import classify_indicator
from maps.sheets import (
    coverage_sheet,
    indicator_sheet,
    scenario_sheet,
    underserved_sheet,
    walk_time_sheet,
)
from maps.static import figure_bytes
from ui import analysis, data, simulation, state

#: Printable maps.
SHEETS = {
    "unterversorgung": "Unterversorgung (Klassen)",
    "versorgung": "Fußläufige Versorgung je Stadtteil",
    "gehzeit": "Gehzeit im 100-m-Gitter",
    "indikator": "Indikator der Seite Bevölkerung",
    "szenario": "Aktuelles Szenario (vorher/nachher)",
}


#: Resolution of the PNG download (print quality) and of the preview on the page.
PRINT_DPI = 300
PREVIEW_DPI = 110


@st.cache_data(max_entries=12, show_spinner="Karte wird gezeichnet …")
def _render(_package: DataPackage, key: tuple, _build) -> tuple[bytes, bytes, bytes]:
    figure = _build()
    return (
        figure_bytes(figure, "png", dpi=PREVIEW_DPI),
        figure_bytes(figure, "png", dpi=PRINT_DPI),
        figure_bytes(figure, "pdf"),
    )


def sheet(pkg: DataPackage, kind: str, paper: str) -> tuple[bytes, bytes, bytes] | None:
    """Preview PNG, print PNG (300 dpi) and PDF of a map sheet; None if it needs a scenario."""
    year = st.session_state[state.YEAR]
    res = analysis.result(pkg)
    result = res.before
    label = result.target.label
    scenario = simulation.current()
    # Keyed by everything a sheet can depend on: data, register and uploads (version) and all
    # assumptions of the result (year, target group, walking, facilities, weights, Bus & Bahn).
    key = (pkg.version, kind, paper, res.assumptions, res.overlay)
    if kind == "unterversorgung":
        ranking = res.ranking_before

        def build():
            return underserved_sheet(
                pkg,
                ranking,
                result.sites,
                label,
                year,
                weights=res.assumptions.weight_map,
                paper=paper,
            )
    elif kind == "versorgung":

        def build():
            return coverage_sheet(
                pkg, result.coverage, result.sites, result.params, label, year, paper=paper
            )
    elif kind == "gehzeit":

        def build():
            return walk_time_sheet(
                pkg, result.cells, result.sites, result.params, label, year, paper=paper
            )
    elif kind == "indikator":
        extra, build = _indicator_build(pkg, year, paper)
        key += extra
    elif kind == "szenario":
        if scenario.overlay.is_empty:
            return None
        key += (scenario,)
        build = _scenario_build(pkg, scenario, year, paper)
    else:
        raise ValueError(f"Unbekannte Karte {kind!r}.")
    return _render(pkg, key, build)


def _indicator_build(pkg: DataPackage, year: int, paper: str) -> tuple[tuple, Callable]:
    """Cache key part and builder of the sheet of the Bevölkerung page's indicator."""
    indicator = INDICATORS[st.session_state[state.INDICATOR]]
    table = data.indicator_table(pkg, year)
    classes = classify_indicator(
        table[indicator.id],
        indicator,
        st.session_state[state.N_CLASSES],
        st.session_state[state.CLASS_METHOD],
    )
    key = (
        indicator.id,
        st.session_state[state.N_CLASSES],
        st.session_state[state.CLASS_METHOD],
    )

    def build():
        return indicator_sheet(
            pkg,
            table,
            indicator,
            classes,
            year,
            sites=data.meeting_places(pkg),
            method=st.session_state[state.CLASS_METHOD],
            paper=paper,
        )

    return key, build


def _scenario_build(pkg: DataPackage, scenario, year: int, paper: str) -> Callable:
    """Builder of the sheet of the current scenario (vorher/nachher)."""
    ev = simulation.evaluation(pkg, scenario)
    removed = pkg.einrichtungen[pkg.einrichtungen["id"].isin(scenario.overlay.removed)]
    title = f"Szenario „{scenario.name}“" if scenario.name else "Szenario"

    def build():
        return scenario_sheet(
            pkg,
            ev.before.cells,
            ev.after.cells,
            ev.after.sites,
            removed,
            ev.after.params,
            title,
            year,
            paper=paper,
        )

    return build

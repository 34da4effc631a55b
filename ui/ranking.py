"""The Unterversorgung page's parts: preset choice, the "Warum?" figures, the method."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.composite import (
    DEFAULT_PRESET,
    DEFAULT_REASON,
    PRESETS,
    is_robust,
    method_lines,
    preset_label,
    shared_rank_text,
)
from indicators.format import format_number
from ui import markup, presentation, state, tables


def preset_picker() -> None:
    """The two named weightings (and "eigene"), with the default and why it is the default."""
    with presentation.editing("gewichtung"):
        st.session_state[state.PRESET_PICK] = state.preset()
        st.radio(
            "Gewichtung",
            [*PRESETS, state.OWN_WEIGHTS],
            format_func=lambda k: (
                f"{k} – {PRESETS[k].question}" if k in PRESETS else "eigene Gewichte"
            ),
            horizontal=True,
            key=state.PRESET_PICK,
            on_change=state.apply_preset,
        )
    st.caption(
        f"Gewichtung {markup.md(preset_label(state.weights()))}. Standard ist "
        f"„{DEFAULT_PRESET}“: {DEFAULT_REASON}"
    )


def why_figures(row: pd.Series, n_ranked: int, flagged: bool) -> None:
    """Rank (shared), index, class, rank across weights and across facility positions."""
    cols = st.columns(5)
    cols[0].metric(
        "Rang",
        f"{shared_rank_text(row['rang_von'], row['rang_bis'])} von {n_ranked}",
        help="Ein geteilter Rang (z. B. 2–3): Die Reihenfolge dieser Stadtteile hängt von der "
        "Gewichtung ab, nicht von den Daten.",
        border=True,
    )
    cols[1].metric("Index", format_number(row["index"], 1), border=True)
    cols[2].metric("Unterversorgung", row["klasse_text"], border=True)
    cols[3].metric(
        "Rang bei anderen Gewichten",
        tables.rank_interval(row["rang_p05"], row["rang_p95"]),
        help="5.–95. Perzentil bei zufällig veränderten Gewichten: eine schmale Spanne heißt, "
        "das Ergebnis ist stabil.",
        border=True,
    )
    cols[4].metric(
        "Rang je nach Lage",
        tables.rank_span(row["rang_luecke_von"], row["rang_luecke_bis"]),
        help="Bester und schlechtester Rang, wenn die Einrichtungen mit ungenauer oder "
        "unbekannter Lage am günstigsten bzw. ungünstigsten lägen (mit den erfassten "
        "Einrichtungen; die Liste ist nicht vollständig).",
        border=True,
    )
    if is_robust(row, flagged):
        st.caption(
            "Der Rang ist stabil: bei anderen Gewichten und jeder möglichen Lage der erfassten "
            f"Einrichtungen Rang {row['rang']}."
        )


def method(target: str, with_transit: bool) -> None:
    """The index method as an expander (the same sentences as the PDF annex)."""
    with st.expander("Methode des Index"):
        st.markdown(
            "\n".join(
                f"{i}. {line}" for i, line in enumerate(method_lines(target, with_transit), 1)
            )
        )

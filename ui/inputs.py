"""Number fields in German format (``52,17293``, ``10``) – Streamlit's own show ``52.172932``.

``st.number_input`` formats with a decimal point and trailing zeros ("10.00"). A German text
field shows the value through the one number format of the app and reads German input (a
decimal comma, a dot as thousands separator) as well as a decimal point.
"""

from __future__ import annotations

import math
import re

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators.format import format_number

_GROUPED = re.compile(r"^[+-−]?\d{1,3}(\.\d{3})+$")


def parse_german(text: str) -> float | None:
    """A number typed by a planner: ``52,17``, ``1.234,5``, ``1.234``, ``52.17``, ``−3``.

    Returns
    -------
    float or None
        None for an empty field.

    Raises
    ------
    ValueError
        If the text is not a number (German message).
    """
    cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("−", "-")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"„{text.strip()}“ ist keine Zahl (Beispiel: 52,1729).") from None
    if not math.isfinite(value):
        raise ValueError(f"„{text.strip()}“ ist keine endliche Zahl.")
    return value


def shown(value: float | None, decimals: int) -> str:
    """The field's text for a value: German, without trailing zeros beyond what is needed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = format_number(value, decimals).replace(".", "")  # no thousands dots in a field
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def german_number(
    container: DeltaGenerator,
    label: str,
    key: str,
    decimals: int,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    help: str | None = None,
    placeholder: str | None = None,
) -> float | None:
    """A German number field whose value lives in ``st.session_state[key]`` (float or None).

    The value may be set from elsewhere (e.g. a map click) before the field is drawn; the
    field then shows it. A text that is no number or lies outside the limits leaves the
    value as it was and says so under the field. Works inside ``st.form`` (the value is
    taken when the form is sent).

    Returns
    -------
    float or None
        The current value.
    """
    text_key, last_key = f"_zahl_{key}", f"_zahl_{key}_gezeigt"
    value = st.session_state.get(key)
    if st.session_state.get(last_key, object()) != value or text_key not in st.session_state:
        st.session_state[text_key] = shown(value, decimals)  # set from outside: show it
    st.session_state[last_key] = value
    container.text_input(label, key=text_key, help=help, placeholder=placeholder)
    try:
        typed = parse_german(st.session_state[text_key])
        if typed is not None and min_value is not None and typed < min_value:
            raise ValueError(f"Mindestens {shown(min_value, decimals)}.")
        if typed is not None and max_value is not None and typed > max_value:
            raise ValueError(f"Höchstens {shown(max_value, decimals)}.")
    except ValueError as error:
        container.caption(f":red[{error}]")
        return value
    st.session_state[key] = st.session_state[last_key] = typed
    return typed

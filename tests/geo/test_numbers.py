"""The one number parser of uploads and the register CLI (geo.io.uploads.numbers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.io.uploads.numbers import (
    COUNT,
    DECIMAL,
    EASTING,
    LATITUDE,
    LONGITUDE,
    RADIUS,
    parse_column,
    parse_count,
    parse_value,
)

NAN = math.nan


def parsed(values, kind, allow_negative=True):
    errors = []
    out = parse_column(pd.Series(values), "wert", kind, errors, allow_negative=allow_negative)
    return out.to_numpy(), [p.message for p in errors]


@pytest.mark.parametrize(
    ("values", "kind", "expected"),
    [
        # counts: a separator before exactly three digits groups thousands
        (["4.710", "12"], COUNT, [4710, 12]),
        (["3.014"], COUNT, [3014]),
        (["4,710"], COUNT, [4710]),
        (["1.234.567", "1,234,567"], COUNT, [1234567, 1234567]),
        (["1 234", "1\u00a0234", "1\u202f234"], COUNT, [1234, 1234, 1234]),
        # the column decides: German values elsewhere
        (["1.234,5", "2.000", "7"], DECIMAL, [1234.5, 2000, 7]),
        (["4,5", "4.710"], DECIMAL, [4.5, 4710]),
        # English values elsewhere
        (["1.5", "4.710"], DECIMAL, [1.5, 4.71]),
        (["1,234.5", "4,710"], DECIMAL, [1234.5, 4710]),
        # the range decides: 52.123 cannot be 52,123 degrees
        (["52.123", "52.130"], LATITUDE, [52.123, 52.13]),
        (["11.634"], LONGITUDE, [11.634]),
        (["681.234"], EASTING, [681234]),
        # unambiguous values read as written
        (["52,1234", "11,6"], LATITUDE, [52.1234, 11.6]),
        (["+5", "−3,5", "-2", ",5", "1,5e3", "1E2"], DECIMAL, [5, -3.5, -2, 0.5, 1500, 100]),
        (["", ".", "-", "–", "3"], COUNT, [NAN, NAN, NAN, NAN, 3]),
    ],
)
def test_column_reading(values, kind, expected):
    out, errors = parsed(values, kind)
    assert not errors
    np.testing.assert_allclose(out, expected)


@pytest.mark.parametrize(
    ("values", "kind", "message"),
    [
        (["1.500"], RADIUS, "Mehrdeutige Zahl '1.500': 1.500 (mit Tausenderpunkt) oder 1,5"),
        (["2,500"], DECIMAL, "Mehrdeutige Zahl '2,500': 2.500 (mit Tausenderkomma) oder 2,5"),
        (["1" * 400], DECIMAL, "hat 400 Zeichen – keine sinnvolle Angabe"),
        (["9" * 5000], LATITUDE, "hat 5000 Zeichen"),
        (["inf"], DECIMAL, "Keine endliche Zahl: 'inf'"),
        (["1e400"], DECIMAL, "Keine endliche Zahl: '1e400'"),
        (["20x5"], COUNT, "Keine Zahl: '20x5'"),
        (["²"], COUNT, "Keine Zahl: '²'"),
        (["\x1b[31m"], COUNT, "Keine Zahl: '\\x1b[31m'"),
    ],
)
def test_refused_values(values, kind, message):
    out, errors = parsed(values, kind)
    assert np.isnan(out).all()
    assert any(message in e for e in errors), errors


def test_ambiguity_is_refused_cell_by_cell_with_rows():
    errors = []
    parse_column(pd.Series(["1.500", "2.500"], index=[3, 7]), "flaeche_ha", DECIMAL, errors)
    assert [(p.row, p.column) for p in errors] == [(5, "flaeche_ha"), (9, "flaeche_ha")]
    assert all("Lösung" not in p.message and p.fix for p in errors)


def test_negative_values_are_refused_unless_allowed():
    _out, errors = parsed(["-3"], COUNT, allow_negative=False)
    assert errors == ["Negativer Wert -3."]


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_written_the_german_way_read_back(value):
    german = f"{value:,}".replace(",", ".")
    english = f"{value:,}"
    out, errors = parsed([german, english, str(value)], COUNT)
    assert not errors
    assert out.tolist() == [value] * 3


@given(st.floats(min_value=-90, max_value=90, allow_nan=False).map(lambda v: round(v, 6)))
def test_latitudes_read_back_in_both_conventions(value):
    text = f"{value:.6f}"
    out, errors = parsed([text, text.replace(".", ",")], LATITUDE)
    assert not errors
    np.testing.assert_allclose(out, [value, value])


def test_single_values_for_forms_and_the_cli():
    assert parse_value("52,15", LATITUDE, "--lat") == 52.15
    assert parse_value("52.150", LATITUDE, "--lat") == 52.15
    assert parse_value(" ", LATITUDE, "--lat") is None
    assert parse_value(12.5, RADIUS, "Lage ± m") == 12.5
    with pytest.raises(ValueError, match=r"^--genauigkeit: Mehrdeutige Zahl '1\.500'.*Lösung"):
        parse_value("1.500", RADIUS, "--genauigkeit")
    with pytest.raises(ValueError, match="Keine endliche Zahl"):
        parse_value(float("inf"), RADIUS, "Lage ± m")


@pytest.mark.parametrize(("text", "expected"), [("12", 12), ("1.200", 1200), ("0", 0), (" 7 ", 7)])
def test_counts_typed_by_a_planner(text, expected):
    assert parse_count(text, "Anzahl", 0, 10_000) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "Anzahl: 'x' ist keine ganze Zahl von 0 bis 10.000"),
        ("²", "Anzahl: '²' ist keine ganze Zahl"),
        ("2,5", "'2,5' ist keine ganze Zahl von 0 bis 10.000"),
        ("-1", "'-1' ist keine ganze Zahl von 0 bis 10.000"),
        ("99999", "'99999' ist keine ganze Zahl von 0 bis 10.000"),
        ("", "Es fehlt eine Zahl"),
    ],
)
def test_counts_typed_by_a_planner_refused(text, message):
    with pytest.raises(ValueError, match="Lösung") as info:
        parse_count(text, "Anzahl", 0, 10_000)
    assert message in str(info.value)

"""Plausibility rules for statistics: one module for the data package and for uploads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.io.plausibility import AGE_GROUPS, HOUSEHOLD_TYPES, check_statistics, german


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: [float(v)] for k, v in columns.items()})


@pytest.mark.parametrize(
    ("columns", "column", "text"),
    [
        ({"einwohner": math.inf}, "einwohner", "einwohner: unendlicher Wert"),
        ({"einwohner": -1}, "einwohner", "einwohner = -1 ist negativ"),
        ({"einwohner": 1e308}, "einwohner", "ist unplausibel groß (höchstens 1.000.000"),
        ({"auslaender_pct": 100.5}, "auslaender_pct", "höchstens 100 Prozent"),
        ({"durchschnittsalter": 121}, "durchschnittsalter", "höchstens 120 Jahre"),
        ({"flaeche_ha": 200_000}, "flaeche_ha", "höchstens 100.000 Hektar"),
        ({"einwohner": 10, "alter_65plus": 11}, "alter_65plus", "alter_65plus = 11 ist größer als einwohner = 10"),
        ({"haushalte": 5, "wohngeld_haushalte": 6}, "wohngeld_haushalte", "größer als haushalte = 5"),
        ({"einwohner": 10, "einwohner_wohnberechtigt": 9}, "einwohner", "größer als einwohner_wohnberechtigt"),
        ({"einwohner": 10, "alter_0_6": 6, "alter_65plus": 5}, "einwohner",
         "Die Summe von alter_0_6, alter_65plus (11) ist größer als einwohner = 10"),
        ({"haushalte": 10, "haushalte_1p": 6, "haushalte_2p": 5}, "haushalte",
         "Die Summe von haushalte_1p, haushalte_2p (11) ist größer als haushalte = 10"),
    ],
)  # fmt: skip
def test_each_rule_names_column_and_values(columns, column, text):
    findings = check_statistics(_frame(**columns))
    assert [f.column for f in findings] == [column]
    assert text in findings[0].message
    assert findings[0].fix


def test_missing_values_are_never_implausible():
    frame = pd.DataFrame(
        {"einwohner": [np.nan, 5.0], "alter_65plus": [7.0, np.nan], "haushalte": [np.nan] * 2}
    )
    assert check_statistics(frame) == []


def test_a_pair_violation_is_not_reported_again_as_a_sum():
    findings = check_statistics(_frame(einwohner=10, alter_65plus=20, alter_0_6=1))
    assert [f.message.split(" ")[0] for f in findings] == ["alter_65plus"]


def test_implausible_value_is_not_compared_again():
    findings = check_statistics(_frame(einwohner=math.inf, alter_65plus=5))
    assert len(findings) == 1


@pytest.mark.parametrize(("value", "text"), [(1234.5, "1.234,5"), (1000, "1.000"), (0.25, "0,25"), (-5, "-5"), (1e308, "1e+308"), (math.inf, "unendlich")])  # fmt: skip
def test_german_numbers(value, text):
    assert german(value) == text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 50_000), min_size=5, max_size=5),
    st.lists(st.integers(0, 20_000), min_size=4, max_size=4),
    st.integers(0, 5),
    st.integers(0, 100_000),
)
def test_consistent_counts_pass_and_any_excess_is_found(ages, households, extra, women):
    """Totals at least the sum of their groups pass; raising one group above them fails."""
    row = dict(zip(AGE_GROUPS, ages, strict=True)) | dict(
        zip(HOUSEHOLD_TYPES, households, strict=True)
    )
    row["einwohner"] = sum(ages) + extra
    row["haushalte"] = sum(households) + extra
    row["frauen"] = min(women, row["einwohner"])
    assert check_statistics(_frame(**row)) == []
    bigger = dict(row, alter_65plus=row["einwohner"] + 1)
    assert any(f.column == "alter_65plus" for f in check_statistics(_frame(**bigger)))


@pytest.mark.real_data
def test_real_package_passes_every_rule(real):
    assert check_statistics(real.statistik) == []


def test_uploads_are_checked_together_with_the_package(synthetic):
    from geo.io.uploads import validate

    # 65+ above the package's residents of that year and Stadtteil: impossible.
    over = validate(
        "statistics", "s.csv", b"jahr;stadtteil_nr;alter_65plus\n2025;01;5000\n", synthetic
    )
    assert not over.ok
    assert "(einwohner aus dem Datenpaket)" in over.errors[0].message
    # Groups that no longer add up with the package's other groups: a hint only.
    hint = validate(
        "statistics", "s.csv", b"jahr;stadtteil_nr;alter_65plus\n2025;01;260\n", synthetic
    )
    assert hint.ok
    assert any(
        "Die Summe von alter_0_6" in w.message and "aus dem Datenpaket" in w.message
        for w in hint.warnings
    )

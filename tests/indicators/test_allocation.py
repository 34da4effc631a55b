"""The Verteilungsschlüssel: hand-checked amounts, exact totals, and refused input."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.allocation import (
    AllocationRule,
    allocate,
    formula_lines,
    region_inputs,
)

# Three regions, two indicators; every figure below is recomputed by hand in the comments.
VALUES = pd.DataFrame(
    {"senioren_65plus": [100, 300, 600], "haushalte_1p": [50, 50, 100]},
    index=pd.Index(["Nord", "Mitte", "Süd"], name="region"),
)
RULE = AllocationRule(amount=10_000, weights={"senioren_65plus": 2, "haushalte_1p": 1}, base=1_000)


def test_one_region_by_hand_to_the_cent():
    # s_Nord = (2 · 100/1000 + 1 · 50/200) / 3 = (0,2 + 0,25) / 3 = 0,15
    # Soll_Nord = 1.000 + (10.000 − 3 · 1.000) · 0,15 = 2.050,00 EUR
    # s_Mitte = (0,6 + 0,25) / 3 = 0,28333…  → 2.983,333… ; s_Süd = 1,7/3 → 4.966,666…
    # Floors 2.050,00 + 2.983,33 + 4.966,66 = 9.999,99; the cent left goes to the largest
    # remainder (Süd, 0,666… cent) → 4.966,67.
    table = allocate(VALUES, RULE).table
    assert table["schluessel"].round(6).tolist() == [15.0, 28.333333, 56.666667]
    assert table["soll"].tolist() == [2050.00, 2983.33, 4966.67]
    assert round(table["soll"].sum(), 2) == 10_000


def test_cap_holds_a_region_and_shares_the_rest_by_the_same_key():
    # Süd would get 4.966,67 > C = 4.500: held at 4.500. R' = 10.000 − 3 · 1.000 − 1 · 3.500
    # = 3.500, S' = 0,15 + 0,28333… = 0,43333…; Nord = 1.000 + 3.500 · 0,15 / 0,43333…
    # = 2.211,538… ; Mitte = 3.288,461… ; floors sum to 9.999,99, the cent goes to Nord (,846).
    rule = AllocationRule(**{**RULE.__dict__, "cap": 4_500})
    allocation = allocate(VALUES, rule)
    assert allocation.table["soll"].tolist() == [2211.54, 3288.46, 4500.00]
    assert allocation.capped == ["Süd"]
    text = " ".join(formula_lines(rule, allocation, 3))
    assert "R' = A − n · B − k · (C − B) = 3.500,00 EUR" in text
    assert "betrifft: Süd" in text


def test_formula_prints_every_number_needed_to_recompute():
    allocation = allocate(VALUES, RULE)
    lines = formula_lines(RULE, allocation, 3)
    assert lines[0].startswith("Soll_r = B + (A − n · B) · s_r")
    assert "A = 10.000,00 EUR" in lines[1]
    assert "B = 1.000,00 EUR" in lines[1]
    assert "A − n · B = 7.000,00 EUR" in lines[1]
    assert "(2 · x(Einwohner 65+) / 1.000 + 1 · x(Einpersonenhaushalte) / 200) / 3" in lines[3]
    assert any("größten Reste" in line for line in lines)


def test_phasing_moves_at_most_the_yearly_change():
    rule = AllocationRule(**{**RULE.__dict__, "max_change": 500})
    allocation = allocate(VALUES, rule, ist={"Nord": 3_000, "Mitte": 3_000, "Süd": 4_000})
    table = allocation.table
    # Nord must fall by 950: 2.500 after one year, 2.050 after two.
    assert table.loc["Nord", ["ist", "differenz", "jahr_1", "jahr_2"]].tolist() == [
        3000.0, -950.0, 2500.0, 2050.0,
    ]  # fmt: skip
    assert allocation.years == 2
    assert table.loc["Süd", "jahr_2"] == 4966.67


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": -5}, "Betrag ist negativ"),
        ({"weights": {"senioren_65plus": 0, "haushalte_1p": 0}}, "Alle Gewichte sind 0"),
        ({"weights": {"senioren_65plus": -1}}, "Gewicht von senioren_65plus ist negativ"),
        ({"weights": {"kaffee": 1}}, "Unbekannter Indikator kaffee"),
        ({"cap": 500}, "Obergrenze 500 liegt unter dem Sockelbetrag 1.000"),
        ({"cap": 3_000}, "Obergrenze mindestens 3.333,34"),
        ({"base": 4_000}, "Sockelbetrag höchstens 3.333,33"),
        ({"amount": 10_000.005}, "kein Vielfaches von 0,01 EUR"),
        ({"max_change": 0}, "Änderung je Jahr muss größer als 0"),
        ({"unit": "Taler"}, "Einheit 'Taler' ist unbekannt"),
    ],
)
def test_bad_rules_are_refused_with_the_fix(changes, message):
    rule = AllocationRule(**{**RULE.__dict__, **changes})
    with pytest.raises(ValueError, match=message) as caught:
        allocate(VALUES, rule)
    assert "Lösung" in str(caught.value) or "Erlaubt" in str(caught.value)


def test_missing_values_and_ist_are_named_by_region():
    gap = VALUES.astype(float)
    gap.loc["Mitte", "haushalte_1p"] = float("nan")
    with pytest.raises(ValueError, match="Mitte: Einpersonenhaushalte ist nicht veröffentlicht"):
        allocate(gap, RULE)
    with pytest.raises(ValueError, match="Süd: Ist-Wert fehlt"):
        allocate(VALUES, RULE, ist={"Nord": 1, "Mitte": 2})
    with pytest.raises(ValueError, match="Nord: Ist-Wert ist negativ"):
        allocate(VALUES, RULE, ist={"Nord": -1, "Mitte": 2, "Süd": 3})


def test_region_inputs_sum_published_values_and_name_the_gaps():
    base = pd.DataFrame(
        {
            "stadtteil": ["A", "B", "C"],
            "einwohner": [10, 20, 30],
            "alter_65plus": [1, None, 3],
            "haushalte_1p": [4, 5, 6],
            "wohngeld_haushalte": [None, None, None],
        },
        index=pd.Index(["01", "02", "04"], name="stadtteil_nr"),
    )
    mapping = pd.DataFrame({"stadtteil_nr": ["01", "02", "04"], "region": ["X", "X", "Y"]})
    values, gaps = region_inputs(base, pd.Series({"01": 0.4, "02": 1.6, "04": 2.5}), mapping)
    assert values.loc["X", "senioren_65plus"] == 1
    assert values.loc["Y", "senioren_65plus"] == 3
    assert values.loc["X", "senioren_unversorgt"] == 2  # 0,4 + 1,6, whole persons
    assert pd.isna(values.loc["X", "wohngeld_haushalte"])  # nothing published stays missing
    assert gaps["senioren_65plus"] == ["B (02)"]


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 12))
    column = st.lists(st.integers(0, 50_000), min_size=n, max_size=n).filter(any)
    values = pd.DataFrame(
        {"senioren_65plus": draw(column), "senioren_unversorgt": draw(column)},
        index=[f"R{i}" for i in range(n)],
    )
    cents = draw(st.integers(0, 10**10))
    base = draw(st.integers(0, cents // n))
    cap = draw(st.one_of(st.none(), st.integers(max(base, -(-cents // n)), 10**10)))
    weights = draw(st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda w: any(w)))
    return values, cents, base, cap, weights


@settings(max_examples=150, deadline=None)
@given(_cases())
def test_amounts_sum_exactly_to_the_total(case):
    values, cents, base, cap, (w1, w2) = case
    rule = AllocationRule(
        amount=cents / 100,
        weights={"senioren_65plus": w1 / 10, "senioren_unversorgt": w2 / 10},
        base=base / 100,
        cap=None if cap is None else cap / 100,
    )
    table = allocate(values, rule).table
    paid = [round(Fraction(str(v)) * 100) for v in table["soll"]]
    assert sum(paid) == cents
    assert all(p >= base for p in paid)
    if cap is not None:
        assert all(p <= cap for p in paid)

"""The under-served index: fixed goalposts, presets, shared ranks, gap ranges, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.composite import (
    CLASS_FLOORS,
    COMPONENTS,
    DEFAULT_PRESET,
    DEFAULT_WEIGHTS,
    GOALPOSTS,
    KEYS,
    PRESETS,
    SHARED_RANK_SHARE,
    bound_inputs,
    classes_of,
    component_scores,
    explain,
    gap_ranks,
    goalpost_text,
    index_only,
    parse_weights,
    preset_of,
    preset_weights,
    rank_intervals,
    ranks_of,
    reason_line,
    shared_rank_text,
    shared_ranks,
    underserved,
    weighted_index,
)

#: Components that are always computed (the transit share is optional).
CORE = [c for c in COMPONENTS if c.key != "oepnv"]
#: Every component weighted equally (the tests of the method do not depend on a preset).
EQUAL = dict.fromkeys(KEYS, 1.0) | {"oepnv": 0.0}


def table(n: int = 5) -> pd.DataFrame:
    """Stadtteil i has i × 100 + 200 people and worse values the higher i is."""
    i = np.arange(1, n + 1, dtype=float)
    return pd.DataFrame(
        {
            "stadtteil": [f"S{k}" for k in range(1, n + 1)],
            "zielgruppe": i * 100 + 200,
            "anteil_zielgruppe": i * 5,
            "anteil_1p_haushalte": i * 10,
            "wohngeld_je_1000_haushalte": i,
            "unversorgt": i * 50,
            "anteil_versorgt": 100 - i * 10,
            "e2sfca_je_1000": (n + 1 - i) / 10,
        },
        index=[f"{k:02d}" for k in range(1, n + 1)],
    )


def test_scores_use_the_fixed_goalposts_of_the_target_group():
    # Goalposts of 65+: 0–5,000 people, 10–40 % share, 0–4,000 without a place, E2SFCA 1–0.
    t = pd.DataFrame(
        {
            "stadtteil": ["a", "b", "c"],
            "zielgruppe": [2500.0, 6000.0, 0.0],
            "anteil_zielgruppe": [25.0, 5.0, 40.0],
            "anteil_1p_haushalte": [45.0, 20.0, 90.0],
            "wohngeld_je_1000_haushalte": [35.0, 0.0, 70.0],
            "unversorgt": [1000.0, 4000.0, 0.0],
            "anteil_versorgt": [25.0, 100.0, 0.0],
            "e2sfca_je_1000": [0.5, 2.0, 0.0],
        }
    )
    scores = component_scores(t, np.ones(3, dtype=bool), "senioren")
    np.testing.assert_allclose(scores["zielgruppe"], [0.5, 1.0, 0.0])  # 6,000 capped at 1
    np.testing.assert_allclose(scores["anteil_zielgruppe"], [0.5, 0.0, 1.0])  # 5 % capped at 0
    np.testing.assert_allclose(scores["einpersonenhaushalte"], [0.5, 0.0, 1.0])
    np.testing.assert_allclose(scores["wohngeld"], [0.5, 0.0, 1.0])
    np.testing.assert_allclose(scores["unversorgt"], [0.25, 1.0, 0.0])
    np.testing.assert_allclose(scores["anteil_versorgt"], [0.75, 0.0, 1.0])  # inverted
    np.testing.assert_allclose(scores["e2sfca"], [0.5, 0.0, 1.0])  # inverted, capped


def test_goalposts_depend_on_the_target_group():
    t = table(1).assign(zielgruppe=[1000.0])
    assert component_scores(t, [True], "senioren").at["01", "zielgruppe"] == pytest.approx(0.2)
    assert component_scores(t, [True], "kinder").at["01", "zielgruppe"] == pytest.approx(0.5)
    assert set(GOALPOSTS) == {"senioren", "kinder", "jugendliche", "alle"}
    for posts in GOALPOSTS.values():
        assert set(posts) == set(KEYS)


def test_the_share_of_all_residents_does_not_apply_to_all_residents():
    t = table().assign(anteil_zielgruppe=100.0)
    result = underserved(t, EQUAL, n_draws=0, target="alle")
    assert result["score_anteil_zielgruppe"].isna().all()
    assert not result["unvollstaendig"].any()  # not applicable is not missing


def test_unknown_target_group_is_refused():
    with pytest.raises(ValueError, match="keine Eckwerte"):
        underserved(table(), n_draws=0, target="hunde")


def test_index_ranks_and_classes_by_hand():
    result = underserved(table(), EQUAL, n_draws=50)
    assert result.index.tolist() == ["05", "04", "03", "02", "01"]
    assert result["rang"].tolist() == [1, 2, 3, 4, 5]
    scores = component_scores(table(), np.ones(5, dtype=bool))
    expected = scores.loc["05", [k for k in KEYS if k != "oepnv"]].mean() * 100
    assert result.loc["05", "index"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("index", "label"),
    [(100.0, "sehr hoch"), (75.0, "sehr hoch"), (74.99, "hoch"), (60.0, "hoch"),
     (59.9, "mittel"), (45.0, "mittel"), (44.9, "gering"), (0.0, "gering")],
)  # fmt: skip
def test_classes_are_fixed_index_bands(index, label):
    assert CLASS_FLOORS == (75.0, 60.0, 45.0)
    klasse = classes_of(np.array([index]))[0]
    assert ("sehr hoch", "hoch", "mittel", "gering")[klasse - 1] == label


def test_contributions_add_up_to_the_index():
    result = underserved(table(), n_draws=20)
    parts = result[[f"beitrag_{k}" for k in KEYS]].sum(axis=1)
    np.testing.assert_allclose(parts, result["index"])


def test_missing_component_is_reweighted_and_flagged():
    t = table()
    t.loc["03", "wohngeld_je_1000_haushalte"] = np.nan
    result = underserved(t, EQUAL, n_draws=20)
    assert bool(result.loc["03", "unvollstaendig"])
    assert np.isnan(result.loc["03", "beitrag_wohngeld"])
    scores = component_scores(t, np.ones(5, dtype=bool)).loc["03"].drop(["wohngeld", "oepnv"])
    assert result.loc["03", "index"] == pytest.approx(scores.mean() * 100)


@pytest.mark.parametrize(
    ("people", "reason"), [(150.0, "weniger als 200"), (np.nan, "Zahl nicht veröffentlicht")]
)
def test_small_or_unknown_stadtteile_are_not_ranked(people, reason):
    t = table()
    t.loc["02", "zielgruppe"] = people
    result = underserved(t, n_draws=20)
    assert not result.loc["02", "gerankt"]
    assert result.loc["02", "grund"] == reason
    assert pd.isna(result.loc["02", "rang"])
    assert result.index[-1] == "02"
    assert result["rang"].dropna().tolist() == [1, 2, 3, 4]


rows = st.fixed_dictionaries(
    {
        "zielgruppe": st.floats(200, 8000),
        "anteil_zielgruppe": st.floats(0, 100),
        "anteil_1p_haushalte": st.floats(0, 100),
        "wohngeld_je_1000_haushalte": st.floats(0, 200),
        "unversorgt": st.floats(0, 8000),
        "anteil_versorgt": st.floats(0, 100),
        "e2sfca_je_1000": st.floats(0, 5),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(rows, min_size=2, max_size=10),
    other=rows,
    target=st.sampled_from(list(GOALPOSTS)),
)
def test_a_change_in_one_stadtteil_leaves_every_other_index_unchanged(data, other, target):
    # Why the golden figures changed (issue 18): min–max scaling over the current
    # Stadtteile moved Stadtteile whose own inputs did not change. On fixed goalposts an
    # index depends on its own row only.
    t = pd.DataFrame(data).assign(stadtteil="x")
    t.index = [f"{i:02d}" for i in range(len(t))]
    changed = t.copy()
    changed.iloc[0, : len(other)] = list(other.values())
    for preset in PRESETS.values():
        a = underserved(t, dict(preset.weights), n_draws=0, target=target)
        b = underserved(changed, dict(preset.weights), n_draws=0, target=target)
        rest = t.index[1:]
        np.testing.assert_allclose(a.loc[rest, "index"], b.loc[rest, "index"], rtol=0, atol=1e-9)
        assert a.loc[rest, "klasse"].tolist() == b.loc[rest, "klasse"].tolist()


def test_presets_answer_two_questions_and_anteilig_is_the_default():
    assert DEFAULT_PRESET == "anteilig"
    assert dict(PRESETS["anteilig"].weights) == DEFAULT_WEIGHTS
    relative, absolute = PRESETS["anteilig"].weights, PRESETS["absolut"].weights
    assert relative["zielgruppe"] == relative["unversorgt"] == 0  # no counts: shares only
    assert absolute["unversorgt"] == max(absolute.values())  # the people without a place
    assert preset_of(relative) == "anteilig"
    assert preset_of({k: v * 3 for k, v in absolute.items()}) == "absolut"  # only ratios count
    assert preset_of({**relative, "wohngeld": 0.5}) is None


def test_parse_weights():
    weights = parse_weights("unversorgt=0.5, wohngeld=0")
    assert weights["unversorgt"] == 0.5
    assert weights["wohngeld"] == 0
    assert weights["e2sfca"] == DEFAULT_WEIGHTS["e2sfca"]
    assert parse_weights(" e2sfca = 0.3 ")["e2sfca"] == 0.3
    assert parse_weights(None) == DEFAULT_WEIGHTS
    assert parse_weights(None, "absolut") == preset_weights("absolut")
    assert parse_weights("e2sfca=0.1", "absolut")["e2sfca"] == 0.1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo=1", "Ungültige Gewichtung 'foo=1'"),
        ("unversorgt", "Ungültige Gewichtung"),
        ("unversorgt=viel", "keine Zahl.*Erlaubt: 0 bis 100"),
        ("unversorgt=-1", "„unversorgt“ = -1.0 ist nicht möglich.*0 bis 100"),
        ("unversorgt=101", "„unversorgt“ = 101.0 ist nicht möglich.*0 bis 100"),
        ("unversorgt=nan", "ist nicht möglich"),
        (",".join(f"{k}=0" for k in KEYS), "größer als 0"),
    ],
)
def test_invalid_weights_name_the_value_and_the_range(text, message):
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_an_unknown_preset_names_the_value_and_the_choices():
    with pytest.raises(
        ValueError, match=r"Unbekannte Gewichtung „relativ“\. Erlaubt: anteilig, absolut"
    ):
        parse_weights(None, "relativ")


def test_rank_intervals_are_reproducible_and_collapse_without_spread():
    scores = component_scores(table(), pd.Series(True, index=table().index))
    a = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=200, seed=7)
    b = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=200, seed=7)
    pd.testing.assert_frame_equal(a, b)
    fixed = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=10, spread=0.0)
    ranks = ranks_of(weighted_index(scores, DEFAULT_WEIGHTS).to_numpy())
    np.testing.assert_array_equal(fixed["rang_p05"], ranks)
    np.testing.assert_array_equal(fixed["rang_p95"], ranks)


def test_shared_ranks_by_hand():
    # Central index 90 > 89 > 80 > 70; draws: B beats A in 2 of 4 draws, C beats B in 1 of
    # 4 (exactly the 25 % threshold), D never beats C, and C never beats A.
    rank = np.array([1.0, 2.0, 3.0, 4.0])
    index = np.array([90.0, 89.0, 80.0, 70.0])
    draws = np.array(
        [[90, 91, 80, 70], [90, 92, 80, 70], [90, 88, 89, 70], [95, 85, 80, 70]], dtype=float
    )
    assert SHARED_RANK_SHARE == 0.25
    first, last = shared_ranks(rank, index, draws)
    assert [shared_rank_text(a, b) for a, b in zip(first, last, strict=True)] == [
        "1–2",  # A shares with B only: its order with C is clear
        "1–3",  # B with A and C
        "2–3",  # C with B – not with A (no chain through B)
        "4",
    ]


def test_equal_index_shares_the_rank_even_without_draws():
    first, last = shared_ranks(np.array([1.0, 2.0, np.nan]), np.array([50.0, 50.0, np.nan]), None)
    assert shared_rank_text(first[0], last[0]) == shared_rank_text(first[1], last[1]) == "1–2"
    assert shared_rank_text(first[2], last[2]) == ""


def test_near_ties_share_a_rank_in_the_ranking():
    t = table(4)
    t.loc["03"] = t.loc["04"]  # 03 and 04 identical
    t.loc["03", "stadtteil"] = "S3"
    # A near tie: 1 point less of one-person households (score −0.02), 1.39 ‰ more Wohngeld
    # (+0.0199): the order depends on which of the two weights is drawn larger.
    t.loc["03", "anteil_1p_haushalte"] -= 1.0
    t.loc["03", "wohngeld_je_1000_haushalte"] += 1.39
    result = underserved(t, EQUAL, n_draws=200)
    assert result.loc["04", "rang"] == 1 and result.loc["03", "rang"] == 2  # noqa: PT018
    assert (result.loc["04", "rang_von"], result.loc["04", "rang_bis"]) == (1, 2)
    assert (result.loc["03", "rang_von"], result.loc["03", "rang_bis"]) == (1, 2)
    assert result.loc["01", "rang_von"] == result.loc["01", "rang_bis"] == 4


def test_gap_ranks_bound_the_rank_by_the_index_ranges():
    result = underserved(table(3), EQUAL, n_draws=0)  # ranks: 03, 02, 01
    low = pd.Series({"01": result.at["01", "index"], "02": 0.0, "03": result.at["03", "index"]})
    high = pd.Series({"01": 100.0, "02": result.at["02", "index"], "03": result.at["03", "index"]})
    ranks = gap_ranks(result, low, high)
    assert ranks.loc["03"].tolist() == [1, 2]  # 01 can overtake it
    assert ranks.loc["02"].tolist() == [2, 3]  # it can fall below 01
    assert ranks.loc["01"].tolist() == [1, 3]


def test_bound_inputs_replace_the_coverage_by_a_bound():
    coverage = pd.DataFrame(
        {"verortet": [1000.0], "versorgt_min": [100.0], "versorgt_max": [600.0]}, index=["01"]
    )
    inputs = table(1)
    low = bound_inputs(inputs, coverage, "min")
    high = bound_inputs(inputs, coverage, "max")
    assert (low.at["01", "unversorgt"], low.at["01", "anteil_versorgt"]) == (900.0, 10.0)
    assert (high.at["01", "unversorgt"], high.at["01", "anteil_versorgt"]) == (400.0, 60.0)
    assert index_only(low, DEFAULT_WEIGHTS)["01"] > index_only(high, DEFAULT_WEIGHTS)["01"]


def test_explain_lists_every_component_with_its_goalposts():
    result = underserved(table(), EQUAL, n_draws=20)
    parts = explain(result, table(), "05", EQUAL)
    assert parts["Komponente"].tolist() == [c.label for c in CORE]  # transit share not computed
    assert parts["Punkte"].sum() == pytest.approx(result.loc["05", "index"])
    assert parts["Gewicht"].sum() == pytest.approx(100)
    assert parts.loc[0, "Wert"] == "700 Personen"
    assert parts.loc[5, "Eckwerte"] == "0 bei 100 %, 1 bei 0 %"
    assert goalpost_text("e2sfca", "senioren") == "0 bei 1 je 1.000, 1 bei 0 je 1.000"
    assert goalpost_text("anteil_zielgruppe", "alle") == "entfällt"


def test_reason_line_names_the_largest_contributions():
    result = underserved(table(), DEFAULT_WEIGHTS, n_draws=0)
    line = reason_line(result.loc["05"], table().loc["05"])
    assert line.startswith("Anteil fußläufig versorgt 50,0 %")
    assert line.count(";") == 1


values = st.floats(0, 1e4, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.tuples(*[values] * 7), min_size=2, max_size=12),
    factor=st.floats(0.01, 100),
    raw=st.lists(st.floats(0, 1), min_size=8, max_size=8).filter(lambda w: sum(w[:7]) > 0.01),
)
def test_scaling_all_weights_leaves_the_ranking_unchanged(data, factor, raw):
    t = pd.DataFrame(data, columns=[c.column for c in CORE])
    t["zielgruppe"] += 200
    t["stadtteil"] = "x"
    t.index = [f"{i:02d}" for i in range(len(t))]
    weights = dict(zip(KEYS, raw, strict=True))
    scaled = {k: min(v * factor, 100.0) for k, v in weights.items()}
    if any(v * factor > 100 for v in weights.values()):
        return  # outside the allowed weights
    a = underserved(t, weights, n_draws=5)
    b = underserved(t, scaled, n_draws=5)
    np.testing.assert_allclose(a["index"], b["index"], rtol=1e-9, atol=1e-9)
    assert a["rang"].tolist() == b["rang"].tolist()


def test_optional_transit_component_counts_only_when_given():
    weights = {**DEFAULT_WEIGHTS, "oepnv": 1.0}
    without = underserved(table(), weights, n_draws=5)
    assert without["score_oepnv"].isna().all()
    with_transit = table().assign(anteil_oepnv=[90.0, 80.0, 70.0, 60.0, 10.0])
    result = underserved(with_transit, weights, n_draws=5)
    assert result.loc["05", "score_oepnv"] == pytest.approx(0.9)  # 10 % reachable: 0.9
    assert result.loc["05", "beitrag_oepnv"] > 0

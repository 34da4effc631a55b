"""The under-served index: hand-checked scores, invariants and robustness intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.composite import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    component_scores,
    explain,
    parse_weights,
    rank_intervals,
    ranks_of,
    underserved,
    weighted_index,
)

KEYS = [c.key for c in COMPONENTS]
#: Components that are always computed (the transit share is optional).
CORE = [c for c in COMPONENTS if c.key != "oepnv"]


def table(n: int = 5) -> pd.DataFrame:
    """Stadtteil i has i × 100 people and worse values the higher i is."""
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


def test_scores_are_min_max_and_oriented():
    scores = component_scores(table(), pd.Series(True, index=table().index))
    np.testing.assert_allclose(scores["zielgruppe"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(scores["anteil_versorgt"], [0, 0.25, 0.5, 0.75, 1])  # inverted
    assert scores["e2sfca"].iloc[0] == 0 and scores["e2sfca"].iloc[-1] == 1  # noqa: PT018


def test_index_ranks_and_classes_by_hand():
    result = underserved(table(), n_draws=50)
    assert result.index.tolist() == ["05", "04", "03", "02", "01"]
    assert result["rang"].tolist() == [1, 2, 3, 4, 5]
    assert result.loc["05", "index"] == pytest.approx(100)
    assert result.loc["01", "index"] == pytest.approx(0)
    assert result["klasse_text"].tolist() == ["sehr hoch", "hoch", "mittel", "gering", "gering"]


def test_contributions_add_up_to_the_index():
    result = underserved(table(), n_draws=20)
    parts = result[[f"beitrag_{k}" for k in KEYS]].sum(axis=1)
    np.testing.assert_allclose(parts, result["index"])


def test_missing_component_is_reweighted_and_flagged():
    t = table()
    t.loc["03", "wohngeld_je_1000_haushalte"] = np.nan
    result = underserved(t, n_draws=20)
    assert bool(result.loc["03", "unvollstaendig"])
    assert np.isnan(result.loc["03", "beitrag_wohngeld"])
    assert result.loc["03", "index"] == pytest.approx(50)  # all other scores are 0.5


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


def test_parse_weights():
    weights = parse_weights("unversorgt=0.5, wohngeld=0")
    assert weights["unversorgt"] == 0.5
    assert weights["wohngeld"] == 0
    assert weights["e2sfca"] == DEFAULT_WEIGHTS["e2sfca"]
    assert parse_weights(" e2sfca = 0.3 ")["e2sfca"] == 0.3
    assert parse_weights(None) == DEFAULT_WEIGHTS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo=1", "Ungültige Gewichtung 'foo=1'"),
        ("unversorgt", "Ungültige Gewichtung"),
        ("unversorgt=viel", "keine Zahl"),
        ("unversorgt=-1", "≥ 0"),
        (",".join(f"{k}=0" for k in KEYS), "größer als 0"),
    ],
)
def test_invalid_weights(text, message):
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_rank_intervals_are_reproducible_and_collapse_without_spread():
    scores = component_scores(table(), pd.Series(True, index=table().index))
    a = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=200, seed=7)
    b = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=200, seed=7)
    pd.testing.assert_frame_equal(a, b)
    fixed = rank_intervals(scores, DEFAULT_WEIGHTS, n_draws=10, spread=0.0)
    ranks = ranks_of(weighted_index(scores, DEFAULT_WEIGHTS).to_numpy())
    np.testing.assert_array_equal(fixed["rang_p05"], ranks)
    np.testing.assert_array_equal(fixed["rang_p95"], ranks)


def test_explain_lists_every_component():
    result = underserved(table(), n_draws=20)
    parts = explain(result, table(), "05", DEFAULT_WEIGHTS)
    assert parts["Komponente"].tolist() == [c.label for c in CORE]  # transit share not computed
    assert parts["Punkte"].sum() == pytest.approx(result.loc["05", "index"])
    assert parts["Gewicht"].sum() == pytest.approx(100)
    assert parts.loc[0, "Wert"] == "700"


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
    scaled = {k: v * factor for k, v in weights.items()}
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
    assert result.loc["05", "score_oepnv"] == 1  # lowest share reachable by transit
    assert result.loc["05", "beitrag_oepnv"] > 0

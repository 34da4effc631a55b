"""Class breaks for choropleth maps."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maps.classify import (
    INFINITE_COLOR,
    MISSING_COLOR,
    MISSING_LABEL,
    classify,
    classify_fixed,
    palette_colors,
)


def test_quantiles_on_ten_values():
    values = pd.Series(range(1, 11), dtype=float)
    classes = classify(values, k=5, method="quantile", decimals=0)
    assert classes.breaks == pytest.approx((1.0, 2.8, 4.6, 6.4, 8.2, 10.0))
    assert classes.codes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    # ColorBrewer YlOrRd, 5 classes (colorbrewer2.org).
    assert classes.colors == ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
    assert classes.labels[0] == "1 – 3"


def test_equal_intervals():
    classes = classify(pd.Series([0.0, 1, 2, 9, 10]), k=5, method="equal")
    assert classes.breaks == (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
    assert classes.codes.tolist() == [0, 0, 0, 4, 4]  # an upper bound belongs to its class


def test_jenks_finds_the_obvious_groups():
    values = pd.Series([1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2, 9.3])
    classes = classify(values, k=3, method="jenks")
    assert classes.codes.tolist() == [0, 0, 0, 1, 1, 2, 2, 2]


def test_missing_and_infinite_get_their_own_entries():
    values = pd.Series([1.0, 2, 3, 4, np.nan, np.inf], index=list("abcdef"))
    classes = classify(values, k=3)
    assert classes.codes["e"] == -1
    assert classes.codes["f"] == len(classes.colors)
    legend = classes.legend()
    assert legend[-2] == (INFINITE_COLOR, "∞")
    assert legend[-1] == (MISSING_COLOR, MISSING_LABEL)
    assert classes.fill_colors()["e"] == MISSING_COLOR


@pytest.mark.parametrize(
    ("values", "n_classes"),
    [([5.0, 5.0, 5.0], 1), ([0.0, 0, 0, 0, 1], 2), ([1.0, 2.0], 2)],
)
def test_ties_reduce_the_number_of_classes(values, n_classes):
    classes = classify(pd.Series(values), k=5)
    assert len(classes.colors) == n_classes
    assert (classes.codes >= 0).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "zufall"}, "Unbekannte Klassifizierung"),
        ({"palette": "rainbow"}, "Unbekannte Farbpalette"),
        ({"k": 9}, "zwischen 3 und 7"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify(pd.Series([1.0, 2.0, 3.0]), **kwargs)


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    k=st.integers(3, 7),
    method=st.sampled_from(["quantile", "equal", "jenks"]),
)
def test_codes_are_monotone_in_the_value(values, k, method):
    series = pd.Series(values)
    classes = classify(series, k=k, method=method)
    order = np.argsort(series.to_numpy(), kind="stable")
    codes = classes.codes.to_numpy()[order]
    assert (np.diff(codes) >= 0).all()
    assert codes.min() >= 0
    assert codes.max() < len(classes.colors)


CLASSIFIERS = {
    "quantile": mapclassify.Quantiles,
    "jenks": mapclassify.FisherJenks,
    "equal": mapclassify.EqualInterval,
}


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(-1000, 1000), min_size=3, max_size=40),
    k=st.integers(3, 7),
    method=st.sampled_from(list(CLASSIFIERS)),
)
def test_breaks_and_classes_are_mapclassifys(values, k, method):
    array = np.asarray(values, dtype=float)
    assume(len(np.unique(array)) >= k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        reference = CLASSIFIERS[method](array, k=k)
    classes = classify(pd.Series(array), k=k, method=method)
    assert classes.breaks[0] == array.min()
    assert classes.breaks[1:] == pytest.approx(tuple(sorted(set(reference.bins))))
    assert classes.codes.tolist() == reference.yb.tolist()


def test_single_value_classes_are_labelled_with_the_value():
    classes = classify(pd.Series([1.0, 2.0]), k=3, method="jenks", decimals=0)
    assert classes.labels == ("1", "1 – 2")


def test_fixed_classes_use_colorbrewer():
    classes = classify_fixed(pd.Series([0.0, 5.0, 100.0]), (0.0, 10.0, 50.0, 100.0))
    assert (
        classes.colors
        == palette_colors("YlGnBu", 4)
        == ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8")
    )
    assert classes.codes.tolist() == [0, 1, 3]

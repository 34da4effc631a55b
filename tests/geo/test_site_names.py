"""Names of new sites: Stadtteil plus the nearest named stop, never a grid code."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.analysis.site_names import MAX_STOP_M, NO_STADTTEIL, site_names, stop_labels

STOPS = np.array([[0.0, 0.0], [1000.0, 0.0]])
STOP_NAMES = ["Nicolaiplatz", "Zoo"]


def test_common_municipality_prefix_is_dropped_from_the_data():
    names = ["Magdeburg, Zoo", "Magdeburg, Neue Neustadt, Pettenkoferstr.", "Barleben, Mitte"]
    assert stop_labels(names) == ["Zoo", "Neue Neustadt, Pettenkoferstr.", "Barleben, Mitte"]


@pytest.mark.parametrize(
    "names",
    [
        ["Zoo", "Hasselbachplatz", "Magdeburg, Dom"],  # only a third share a prefix
        ["Magdeburg, Zoo", "Barleben, Mitte"],  # half is not a majority
        [],
    ],
)
def test_no_prefix_is_dropped_without_a_majority(names):
    assert stop_labels(names) == names


def test_site_is_named_after_stadtteil_and_nearest_stop():
    names = site_names(
        np.array([[900.0, 50.0], [100.0, 0.0]]),
        ["Neue Neustadt", "Alte Neustadt"],
        STOPS,
        STOP_NAMES,
    )
    assert names == [
        "Neue Neustadt, bei Haltestelle Zoo",
        "Alte Neustadt, bei Haltestelle Nicolaiplatz",
    ]


def test_a_far_stop_does_not_name_the_site():
    far = np.array([[0.0, MAX_STOP_M + 1], [0.0, MAX_STOP_M]])
    names = site_names(far, ["Werder", "Werder"], STOPS, STOP_NAMES, first_number=3)
    assert names == ["Werder, neuer Standort 3", "Werder, bei Haltestelle Nicolaiplatz"]


def test_without_timetable_sites_are_numbered_and_outside_is_said():
    names = site_names(np.zeros((2, 2)), ["Buckau", None], first_number=2)
    assert names == ["Buckau, neuer Standort 2", f"{NO_STADTTEIL}, neuer Standort 3"]


def test_names_are_distinct_from_each_other_and_from_taken_ones():
    # Issue 18: a repeated name first says where from the stop the site lies (recognisable,
    # e.g. for the optimiser's alternatives); only a repeat of that gets " (2)".
    points = np.array([[10.0, 0.0], [10.0, 300.0], [10.0, 10.0], [-200.0, 0.0]])
    taken = ["Buckau, bei Haltestelle Nicolaiplatz"]
    names = site_names(points, ["Buckau"] * 4, STOPS, STOP_NAMES, taken=taken)
    assert names == [
        "Buckau, bei Haltestelle Nicolaiplatz, direkt an der Haltestelle",
        "Buckau, bei Haltestelle Nicolaiplatz, 300 m nördlich",
        "Buckau, bei Haltestelle Nicolaiplatz, direkt an der Haltestelle (2)",
        "Buckau, bei Haltestelle Nicolaiplatz, 200 m westlich",
    ]
    pool = site_names(points, ["Buckau"] * 4, STOPS, STOP_NAMES, distinct=False)
    assert len(set(pool)) == 1  # a candidate pool keeps the plain name


def test_inputs_must_match():
    with pytest.raises(ValueError, match="Stadtteil"):
        site_names(np.zeros((2, 2)), ["Buckau"])
    with pytest.raises(ValueError, match="Haltestelle"):
        site_names(np.zeros((1, 2)), ["Buckau"], STOPS, ["nur einer"])


@given(
    st.lists(
        st.tuples(st.integers(-2000, 2000), st.integers(-2000, 2000)), min_size=1, max_size=12
    ),
    st.lists(
        st.sampled_from(["Buckau, bei Haltestelle Zoo", "Buckau, neuer Standort 1"]), max_size=3
    ),
)
def test_names_are_always_distinct_and_never_grid_codes(points, taken):
    xy = np.array(points, dtype=float)
    names = site_names(xy, ["Buckau"] * len(xy), STOPS, STOP_NAMES, taken=taken)
    assert len(set(names)) == len(names)
    assert not set(names) & set(taken)
    assert all(n.startswith("Buckau, ") and "Zelle" not in n for n in names)

"""Greedy label placement: candidates inside the polygon, no overlaps, numbers as fallback."""

from __future__ import annotations

import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maps.labels import candidates, overlaps, place_labels, two_lines


def _measure(text: str, x: float, y: float):
    """A fixed-size font: 10 units per character, 10 per line."""
    lines = text.split("\n")
    w, h = 10 * max(len(line) for line in lines), 10 * len(lines)
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


@settings(deadline=None)  # polylabel on slivers is slow under load; speed is not tested here
@given(
    st.lists(
        st.tuples(st.floats(0, 1000), st.floats(0, 1000)), min_size=3, max_size=12, unique=True
    )
)
def test_candidates_lie_inside_the_polygon(points):
    polygon = shapely.convex_hull(shapely.multipoints(points))
    assume(polygon.geom_type == "Polygon" and polygon.area >= 1)
    for x, y in candidates(polygon):
        assert polygon.contains(shapely.Point(x, y))


def test_labels_give_way_then_become_numbers():
    # Three tiny squares in a row; only one 11-character name fits across them.
    items = [
        (key, "Stadtteil-X", shapely.box(i * 30, 0, i * 30 + 30, 30))
        for i, key in enumerate(["a", "b", "c"])
    ]
    placed = place_labels(items, _measure, bounds=(-100, -100, 200, 200))
    by_key = {p.key: p for p in placed}
    assert by_key["a"].number is None  # first in priority order keeps its name
    assert by_key["a"].text == "Stadtteil-X"
    assert (by_key["b"].text, by_key["b"].number) == ("1", 1)  # numbers in priority order
    assert (by_key["c"].text, by_key["c"].number) == ("2", 2)
    for i, p in enumerate(placed):
        for q in placed[i + 1 :]:
            assert not overlaps(p.box, q.box), (p, q)


def test_obstacles_and_bounds_are_respected():
    square = shapely.box(0, 0, 100, 100)
    placed = place_labels(
        [("a", "Name", square)], _measure, bounds=(0, 0, 100, 100), obstacles=[(0, 40, 100, 60)]
    )
    (label,) = placed
    assert not overlaps(label.box, (0, 40, 100, 60))
    assert label.box[0] >= 0
    assert label.box[2] <= 100


def test_two_lines_breaks_at_the_middle():
    assert two_lines("Neue Neustadt") == "Neue\nNeustadt"
    assert two_lines("Beyendorf-Sohlen") == "Beyendorf-\nSohlen"
    assert two_lines("Werder") is None

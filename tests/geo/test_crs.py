"""The PROJ-free forward projection to EPSG:25832 used on every map click."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from geo.crs import lonlat_to_metric

TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(3.0, 15.0), st.floats(45.0, 58.0)), min_size=1, max_size=20))
def test_same_coordinates_as_proj_to_a_micrometre(points):
    lon, lat = np.array(points).T
    x, y = TO_METRIC.transform(lon, lat)
    np.testing.assert_allclose(lonlat_to_metric(lon, lat), np.column_stack([x, y]), atol=1e-6)


def test_known_point_and_scalar_input():
    # The central meridian of zone 32 at the equator: false easting, northing 0.
    np.testing.assert_allclose(lonlat_to_metric(9.0, 0.0), [[500_000.0, 0.0]], atol=1e-6)
    assert lonlat_to_metric(11.62, 52.13).shape == (1, 2)

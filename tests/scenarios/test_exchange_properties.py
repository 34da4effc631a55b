"""Property: every valid scenario (overlay, assumptions, weights, Bus & Bahn) survives the link
and the file round trip unchanged."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.access_adapter import SiteSelection
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from geo.analysis.transit import TransitParams
from geo.facilities import CATEGORIES
from indicators.composite import DEFAULT_WEIGHTS
from scenarios.exchange import (
    MAX_URL_CHARS,
    from_file,
    from_url_param,
    to_geojson,
    to_json,
    to_url_param,
)
from scenarios.model import (
    MAX_ADDED,
    MAX_ID,
    MAX_NAME,
    MAX_NOTE,
    SOURCES,
    Assumptions,
    NewSite,
    Overlay,
    Scenario,
    scenario_from_dict,
)

# Printable text: no control characters, no lone surrogates (both are rejected on import).
LINE = st.characters(blacklist_categories=("Cs", "Cc"))


def _text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(LINE, min_size=min_size, max_size=max_size)


def _range(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


SITES = st.builds(
    NewSite,
    name=_text(MAX_NAME, min_size=1),
    lon=_range(-180, 180),
    lat=_range(-90, 90),
    source=st.sampled_from(list(SOURCES)),
    ref=_text(MAX_ID),
)
WEIGHTS = st.fixed_dictionaries({key: _range(0, 100) for key in DEFAULT_WEIGHTS}).filter(
    lambda w: sum(w.values()) > 0
)
WINDOWS = st.tuples(st.integers(0, 1800), st.integers(0, 1800)).map(sorted)
TRANSIT = st.builds(
    lambda window, **kwargs: TransitParams(start_min=window[0], end_min=window[1], **kwargs),
    window=WINDOWS,
    weekday=st.integers(0, 6),
    step_min=st.integers(1, 60),
    max_access_m=_range(50, 2000),
    transfer_penalty_min=_range(0, 30),
    transfer_walk_m=_range(0, 2000),
    speed_mps=_range(0.2, 2.5),
    detour=_range(1, 3),
    max_minutes=_range(1, 120),
    horizon_min=st.integers(0, 600),
    wheelchair_only=st.booleans(),
    day=st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
OVERLAYS = st.builds(
    Overlay,
    added=st.lists(SITES, max_size=MAX_ADDED).map(tuple),
    removed=st.lists(_text(MAX_ID, min_size=1), max_size=40).map(tuple),
)
ASSUMPTIONS = st.builds(
    Assumptions,
    year=st.none() | st.integers(1900, 2100),
    target=st.sampled_from(list(TARGET_GROUPS)),
    params=st.builds(
        WalkParams,
        max_walk_m=_range(1, 10_000),
        detour=_range(1, 3),
        speed_mps=_range(0.2, 2.5),
        catchment_m=_range(1, 10_000),
    ),
    selection=st.builds(
        SiteSelection,
        categories=st.lists(st.sampled_from(list(CATEGORIES)), unique=True).map(tuple),
        include_restricted=st.booleans(),
        include_unclear=st.booleans(),
    ),
    weights=WEIGHTS.map(lambda w: tuple((key, w[key]) for key in DEFAULT_WEIGHTS)),
    min_people=_range(0, 100_000),
    transit=TRANSIT,
)
SCENARIOS = st.builds(
    Scenario,
    name=_text(MAX_NAME),
    assumptions=ASSUMPTIONS,
    overlay=OVERLAYS,
    package_version=_text(40),
    created=_text(40),
    note=st.text(LINE | st.sampled_from("\n\r\t"), max_size=MAX_NOTE),
)


@settings(max_examples=150, deadline=None)
@given(SCENARIOS)
def test_link_round_trip(scenario):
    assert scenario_from_dict(scenario.to_dict()) == scenario
    raw = json.dumps(scenario.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    length = len(base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"="))
    if length > MAX_URL_CHARS:
        # Only a scenario that really does not fit is refused, with the file alternative.
        with pytest.raises(ValueError, match="zu groß für einen Link"):
            to_url_param(scenario)
    else:
        text = to_url_param(scenario)
        assert len(text) == length
        assert from_url_param(text) == scenario


@settings(max_examples=150, deadline=None)
@given(SCENARIOS)
def test_file_round_trip(scenario):
    assert from_file(to_json(scenario).encode("utf-8")) == scenario
    assert from_file(to_geojson(scenario).encode("utf-8"), "x.geojson") == scenario

"""The sandbox worker's data-only reply: every kind comes back identical, anything else is refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal, assert_series_equal

from geo.io import reply
from geo.io.region_sets import parse_ist_file, parse_region_file
from geo.io.sandbox import Limits, SandboxError, run_limited, warm_up
from geo.io.uploads import _validate_in_worker
from geo.io.uploads.facilities import FacilityDraft
from geo.io.uploads.report import Problem, UploadResult
from scenarios.exchange import REPLY_TYPES, from_file, from_url_param, to_url_param
from scenarios.model import NewCrossing, NewSite, Overlay, Scenario
from tests.sandbox_targets import echo

UPLOAD_TYPES = (UploadResult, Problem, FacilityDraft)
FAST = Limits(memory_mb=200, cpu_seconds=2, wall_seconds=60.0, max_output_bytes=1_000_000)


def assert_same(a, b) -> None:
    """Equal value *and* the same types, dtypes, index kind, attrs and CRS, at any depth."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, gpd.GeoDataFrame):
        assert_geodataframe_equal(a, b, check_index_type=True)
        assert a.crs == b.crs
    elif isinstance(a, pd.DataFrame):
        assert_frame_equal(a, b, check_index_type=True, check_column_type=True)
    elif isinstance(a, pd.Series):
        assert_series_equal(a, b, check_index_type=True)
    if isinstance(a, pd.DataFrame | pd.Series):
        assert type(a.index) is type(b.index)
        assert a.attrs == b.attrs
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name))
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def round_trip(value, types=()):
    return reply.decode(reply.encode(value), types)


# ------------------------------------------------------------------------------ every kind


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**70),
        1.5,
        float("nan"),
        float("-inf"),
        "Größe – „ä“",
        [1, [2.0, None], "x"],
        (1, ("a",)),
        {"a": 1, 2: "b", (3, 4): [5], None: {"$": "kein Tag"}},
        {"$": "dataclass", "class": "Scenario", "fields": {}},  # a dict that looks like a tag
        {1, 2},
        frozenset({"x"}),
        b"\x00\xff" * 10,
        bytearray(b"ab"),
        dt.date(2026, 6, 9),
        dt.datetime(2026, 6, 9, 12, 30),
        np.float64(2.5),
        np.int64(-3),
        np.bool_(True),
        np.float32(0.1),
    ],
    ids=repr,
)
def test_plain_values_round_trip(value):
    out = round_trip(value)
    assert_same(out, value)
    if isinstance(value, np.generic):
        assert out.dtype == value.dtype


def _frames() -> list:
    frame = pd.DataFrame(
        {
            "id": pd.array(["a", None, "c"], dtype="string"),
            "name": pd.Series(["x", "y", None], dtype="str"),
            "wert": [1.5, np.nan, 3.0],
            "jahr": [2024, 2025, 2026],
            "ok": [True, False, True],
            "art": pd.Categorical(["a", "b", "a"]),
            "n": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    shifted = frame.set_index(pd.Index([5, 7, 9], name="zeile"))
    shifted.attrs = {"quelle": "Upload", "jahre": [2024, 2025]}
    cells = gpd.GeoDataFrame(
        {"id": ["z1", "z2"]},
        geometry=[shapely.Point(651000, 5780000), shapely.box(0, 0, 100, 100)],
        crs=25832,
    )
    return [
        frame,
        shifted,
        frame.drop(columns="art").iloc[:0],  # an empty categorical loses its categories
        pd.Series([True, False], index=[3, 4]),
        pd.Series([1.5, 2.5], name="x"),
        pd.Series(dtype=bool),
        pd.Series(["a"], dtype="string", name="s"),
        cells,
        cells.to_crs(4326).set_index("id"),
    ]


@pytest.mark.parametrize("value", _frames(), ids=lambda v: type(v).__name__)
def test_pandas_objects_round_trip(value):
    assert_same(round_trip(value), value)


def test_reply_is_data_not_pickle():
    data = reply.encode(_frames()[1])
    assert data.startswith(reply.MAGIC)
    assert b"\x80\x04\x95" not in data[: len(reply.MAGIC) + 8]  # no pickle protocol header
    with pytest.raises(reply.ReplyFormatError):
        reply.decode(pickle.dumps(_frames()[1]))


# ------------------------------------------------------------- the sandboxed functions' replies


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


FACILITIES = _csv(
    "id,name,kategorie,typ,traeger,lat,lon,in_betrieb,oeffentlich\n"
    "N1,Treff Nord,senioren_begegnung,begegnungsstaette,Stadt,52.15,11.63,ja,ja\n"
    "N2,Treff Süd,senioren_begegnung,begegnungsstaette,Stadt,52.10,11.62,ja,ja\n"
)


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("facilities", "liste.csv", FACILITIES),
        ("facilities", "liste.csv", _csv("id;name\n1;x\n")),
        ("facilities", "liste.xyz", b"egal"),
        ("statistics", "statistik.csv", _csv("stadtteil_nr,jahr,einwohner\n01,2030,100\n")),
        ("statistics", "statistik.csv", _csv("stadtteil_nr,jahr\nxx,zwei\n")),
        ("areas", "flaechen.csv", _csv("stadtteil_nr,flaeche_ha\n01,12.5\n")),
    ],
)
def test_upload_replies_are_identical(synthetic, kind, name, content):
    stadtteile = pd.DataFrame(synthetic.stadtteile.drop(columns="geometry"))
    answer = _validate_in_worker(
        kind, name, content, stadtteile, frozenset(), synthetic.statistik, None
    )
    assert isinstance(answer, UploadResult | FacilityDraft)
    assert_same(round_trip(answer, UPLOAD_TYPES), answer)


def test_a_facility_draft_with_a_table_round_trips(synthetic):
    stadtteile = pd.DataFrame(synthetic.stadtteile.drop(columns="geometry"))
    draft = _validate_in_worker(
        "facilities", "liste.csv", FACILITIES, stadtteile, frozenset(), synthetic.statistik, None
    )
    assert isinstance(draft, FacilityDraft)
    assert draft.table is not None
    assert len(draft.table) == 2
    assert draft.x is not None
    assert_same(round_trip(draft, UPLOAD_TYPES), draft)


def test_region_and_ist_replies_are_identical():
    regions = parse_region_file("regionen.csv", _csv("stadtteil_nr,region\n01,Nord\n02,Süd\n"))
    assert_same(round_trip(regions), regions)
    ist = parse_ist_file("ist.csv", _csv("region;ist\nNord;12,5\nSüd;3\n"))
    assert_same(round_trip(ist), ist)


def test_scenario_replies_are_identical():
    scenario = Scenario(
        name="Test",
        overlay=Overlay(
            added=(NewSite("Neu", 11.6, 52.1, "karte", ""),),
            removed=("E1",),
            crossings_added=(NewCrossing("Steg", 11.65, 52.12),),
            crossings_closed=("Brücke",),
        ),
    )
    linked = from_url_param(to_url_param(scenario))
    assert_same(round_trip(linked, REPLY_TYPES), linked)
    text = json.dumps(scenario.to_dict()).encode("utf-8")
    imported = from_file(text, "szenario.json")
    assert_same(round_trip(imported, REPLY_TYPES), imported)


# ------------------------------------------------------------------------------ refusals


def test_a_class_the_caller_did_not_name_is_not_built():
    problem = Problem("Spalte fehlt.", "Spalte ergänzen.")
    data = reply.encode(problem)
    assert reply.decode(data, (Problem,)) == problem
    with pytest.raises(reply.ReplyFormatError, match="Unerwarteter Typ 'Problem'"):
        reply.decode(data)
    forged = data.replace(b'"class":"Problem"', b'"class":"Problex"')
    with pytest.raises(reply.ReplyFormatError, match="Unerwarteter Typ"):
        reply.decode(forged, (Problem,))


def _with_document(document: dict, blocks: bytes = b"") -> bytes:
    raw = json.dumps(document).encode()
    return reply.MAGIC + len(raw).to_bytes(8, "little") + raw + blocks


@pytest.mark.parametrize(
    "data",
    [
        b"",
        pickle.dumps(("ok", 1)),
        reply.MAGIC,
        reply.MAGIC + (10**9).to_bytes(8, "little") + b"{}",
        reply.encode([1, 2]) + b"x",  # trailing bytes
        reply.encode(b"abc")[:-1],  # a block cut short
        _with_document({"value": {"$": "eval", "code": "1"}, "blocks": []}),
        _with_document({"value": {"$": "numpy", "dtype": "O", "value": 1}, "blocks": []}),
        _with_document({"value": {"$": "bytes", "block": 3}, "blocks": []}),
        _with_document(
            {"value": {"$": "DataFrame", "block": 0, "attrs": None}, "blocks": [5]}, b"kein!"
        ),
        _with_document({"value": 1, "blocks": [-1]}),
        _with_document({"value": 1}),
    ],
    ids=[
        "leer",
        "pickle",
        "nur-kopf",
        "zu-lang",
        "anhang",
        "abgeschnitten",
        "fremde-kennung",
        "objekt-dtype",
        "fehlender-block",
        "kein-arrow",
        "negative-laenge",
        "ohne-bloecke",
    ],
)
def test_anything_else_is_refused(data):
    with pytest.raises(reply.ReplyFormatError):
        reply.decode(data)


def test_a_worker_reply_not_in_the_format_is_a_sandbox_error(monkeypatch, caplog):
    """A reply that is not data-only is refused like a crash: German message, reference, log."""
    warm_up()  # the forkserver's own first run is not the one under test
    real = reply.decode
    monkeypatch.setattr(
        reply, "decode", lambda data, types=(): real(pickle.dumps(("ok", 1)), types)
    )
    with pytest.raises(
        SandboxError, match=r"Antwort in einem unerwarteten Format geschickt \(Kennung "
    ):
        run_limited(echo, 1, what="Datei x.csv", limits=FAST)
    assert "format" in "\n".join(r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "answer", [("ok",), ("vielleicht", 1), ("error", 3), ("limit", "alles"), [("ok", 1)]]
)
def test_a_reply_without_status_and_value_is_refused(monkeypatch, answer):
    warm_up()
    monkeypatch.setattr(reply, "decode", lambda data, types=(): answer)
    with pytest.raises(SandboxError, match="unerwarteten Format"):
        run_limited(echo, 1, limits=FAST)


def test_a_result_the_format_cannot_carry_is_a_program_error():
    with pytest.raises(SandboxError, match="Programmfehlers"):
        run_limited(echo, object(), limits=FAST)  # pickled to the worker, not back


def test_results_come_back_with_their_types_through_the_worker():
    value = {"frame": _frames()[1], "draft": (np.int64(3), dt.date(2026, 6, 9))}
    assert_same(run_limited(echo, value, limits=FAST), value)

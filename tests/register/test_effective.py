"""The effective list (pure) and how the analysis follows it, checked by hand on the
synthetic package (three 1 km squares, 100 m cells; see tests/synthetic.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from cli import main
from geo.analysis.access_adapter import SiteSelection
from geo.analysis.access_kernel import WalkParams
from register.changes import Change
from register.completeness import completeness, data_gaps, unplaced_by_stadtteil
from register.effective import active_changes, effective_facilities, effective_package, replay
from register.store import RegisterStore
from scenarios.evaluation import compute
from scenarios.model import Assumptions, NewSite, Overlay, Scenario
from tests.synthetic import X0, Y0, metric_point

NORD_XY = (X0 + 500, Y0 + 1500)
LON, LAT = metric_point(*NORD_XY)
PLACED = {"lat": LAT, "lon": LON, "lage_genauigkeit_m": 10.0, "lage_methode": "amt_gesetzt"}
T0 = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


def change(id_, facility, kind, fields=None, target=None, version=1) -> Change:
    return Change(
        id=id_, facility_id=facility, kind=kind, fields=fields or {}, version=version,
        author="A", reason="r", source="s", created=T0, target=target,
    )  # fmt: skip


NEW = {
    "name": "Neu",
    "typ": "OT",
    "kategorie": "senioren_begegnung",
    "oeffentlich": "ja",
    "in_betrieb": "ja",
    **PLACED,
}


def nord_cells_within(cells, x, y, walk=500.0, detour=1.3) -> float:
    """People of the target group in Nord within walking distance of (x, y), by hand."""
    straight = np.hypot(cells.geometry.x - x, cells.geometry.y - y)
    return float(
        cells.loc[(straight * detour <= walk) & (cells["stadtteil_nr"] == "02"), "nachfrage"].sum()
    )


# --------------------------------------------------------------------------- pure replay


def test_undo_chain_and_replay_by_hand():
    changes = [
        change(1, "A", "update", {"name": "eins"}),
        change(2, "A", "update", {"name": "zwei"}, version=2),
        change(3, "A", "undo", target=2, version=3),
        change(4, "A", "undo", target=3, version=4),  # redo of 2
        change(5, "A", "undo", target=1, version=5),
    ]
    active = {c.id for c in active_changes(changes)}
    assert active == {2, 4, 5}  # 3 is undone by 4, 1 by 5
    assert replay({"A": {"id": "A", "name": "null"}}, changes)["A"]["name"] == "zwei"
    assert replay({"A": {"id": "A", "name": "null"}}, changes[:3])["A"]["name"] == "eins"


def test_changes_of_a_deleted_or_undone_facility_have_no_effect():
    changes = [
        change(1, "N", "add", {"name": "neu"}),
        change(2, "N", "update", {"name": "neuer"}, version=2),
        change(3, "N", "undo", target=1, version=3),
        change(4, "A", "delete"),
    ]
    assert replay({"A": {"id": "A"}}, changes) == {}


def test_unchanged_rows_keep_their_geometry_exactly(synthetic):
    eff = effective_facilities(
        synthetic.einrichtungen, [change(1, "OT-2", "update", {"name": "X"})], synthetic.stadtteile
    )
    assert list(eff.columns) == list(synthetic.einrichtungen.columns)
    base = synthetic.einrichtungen.set_index("id").geometry
    for fid, geom in eff.set_index("id").geometry.items():
        assert geom == base[fid] or (geom is None and base[fid] is None)
    assert effective_package(synthetic, []) is synthetic


# --------------------------------------------------------------------------- the analysis


def test_adding_a_facility_covers_nord_like_a_new_site(synthetic):
    before = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)), draws=0)
    eff = effective_package(synthetic, [change(1, "R-0001", "add", NEW)], "reg1")
    after = compute(eff, Scenario(assumptions=Assumptions(year=2025)), draws=0)
    by_hand = nord_cells_within(after.before.cells, *NORD_XY)
    assert by_hand > 0
    assert after.before.coverage.at["02", "versorgt"] == pytest.approx(
        before.before.coverage.at["02", "versorgt"] + by_hand
    )
    assert after.before.coverage.at["01", "versorgt"] == pytest.approx(
        before.before.coverage.at["01", "versorgt"]
    )
    assert after.before.coverage.at["02", "einrichtungen"] == 2  # OT-2 (no position) + new
    # The same figure as the simulation's new site at the same point.
    simulated = compute(
        synthetic,
        Scenario(
            assumptions=Assumptions(year=2025), overlay=Overlay(added=(NewSite("x", LON, LAT),))
        ),
        draws=0,
    )
    assert after.before.city["versorgt"] == pytest.approx(simulated.after.city["versorgt"])
    assert eff.version == f"{synthetic.version}+reg1"


def test_placing_the_facility_without_position_adds_its_coverage(synthetic):
    before = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)), draws=0).before
    eff = effective_package(synthetic, [change(1, "OT-2", "update", PLACED)], "reg1")
    after = compute(eff, Scenario(assumptions=Assumptions(year=2025)), draws=0).before
    gained = after.coverage.at["02", "versorgt"] - before.coverage.at["02", "versorgt"]
    assert gained == pytest.approx(nord_cells_within(after.cells, *NORD_XY))
    assert (
        after.coverage.at["02", "einrichtungen"] == before.coverage.at["02", "einrichtungen"] == 1
    )
    row = eff.einrichtungen.set_index("id").loc["OT-2"]
    assert row.geometry.distance(shapely.Point(*NORD_XY)) < 0.01
    assert row["stadtteil_nr"] == "02"
    assert not any("OT-2" in note and "ohne bekannte Lage" in note for note in eff.notes)


def test_closing_the_only_open_place_of_mitte_removes_all_coverage(synthetic):
    closed = change(1, "ASZ-1", "close", {"in_betrieb": "nein", "in_betrieb_grund": "zu"})
    after = compute(
        effective_package(synthetic, [closed], "reg1"),
        Scenario(assumptions=Assumptions(year=2025)),
        draws=0,
    )
    assert after.before.city["versorgt"] == 0
    assert after.before.coverage.at["01", "einrichtungen"] == 0


def test_moving_a_facility_moves_its_coverage(synthetic):
    moved = change(1, "ASZ-1", "update", PLACED)  # from Mitte's centre to Nord's centre
    after = compute(
        effective_package(synthetic, [moved], "reg1"),
        Scenario(assumptions=Assumptions(year=2025)),
        draws=0,
    )
    assert after.before.coverage.at["01", "versorgt"] == 0
    assert after.before.coverage.at["02", "versorgt"] == pytest.approx(
        nord_cells_within(after.before.cells, *NORD_XY)
    )


# --------------------------------------------------------------------------- completeness


def test_data_gap_flags_by_hand(synthetic):
    selection, params = SiteSelection(), WalkParams(max_walk_m=500, detour=1.3)
    gaps = data_gaps(synthetic.einrichtungen, synthetic.stadtteile, selection, params)
    assert list(gaps.index[gaps["datenluecke"]]) == ["02"]  # OT-2 is counted in Nord, no position
    assert gaps.at["02", "datenluecke_grund"] == "Seniorentreff Kastanie ohne Lage"
    placed = effective_package(synthetic, [change(1, "OT-2", "update", PLACED)])
    gaps = data_gaps(placed.einrichtungen, synthetic.stadtteile, selection, params)
    assert not gaps["datenluecke"].any()
    # ASZ-1 at Mitte's centre ± 600 m > 500 m: it may serve every Stadtteil within
    # 600 + 500 / 1.3 m = 984.6 m of its point – Mitte (0 m), Nord and Ost (500 m each).
    vague = effective_package(
        synthetic, [change(1, "ASZ-1", "update", {"lage_genauigkeit_m": 600})]
    )
    gaps = data_gaps(vague.einrichtungen, synthetic.stadtteile, selection, params)
    assert list(gaps.index[gaps["datenluecke"]]) == ["01", "02", "04"]
    assert "Alten- und Service-Zentrum Am Markt Lage ± 600 m" in gaps.at["04", "datenluecke_grund"]
    wide = WalkParams(max_walk_m=800, detour=1.3)  # 600 m is below this threshold
    gaps = data_gaps(vague.einrichtungen, synthetic.stadtteile, selection, wide)
    assert list(gaps.index[gaps["datenluecke"]]) == ["02"]


def test_completeness_known_vs_expected(synthetic):
    table = completeness(synthetic.einrichtungen, {"OT": 3, "ASZ": 1}).set_index("typ")
    # OT-1 is closed, OT-2 open without position.
    assert table.loc["OT", ["bekannt", "mit_lage", "ohne_lage", "soll", "fehlen"]].tolist() == [
        1, 0, 1, 3, 2,
    ]  # fmt: skip
    assert table.at["OT", "vollstaendig_pct"] == pytest.approx(100 / 3)
    assert table.at["ASZ", "fehlen"] == 0
    assert np.isnan(table.at["MGH", "soll"])
    assert list(table.index[:2]) == ["OT", "ASZ"]
    unplaced = unplaced_by_stadtteil(synthetic.einrichtungen, synthetic.stadtteile)
    assert unplaced.to_dict("index") == {
        "02": {"stadtteil": "Nord", "anzahl": 1, "einrichtungen": "Seniorentreff Kastanie"}
    }


def test_cli_rank_and_coverage_use_the_register(synthetic, synthetic_dir, capsys):
    main(
        [
            "rank",
            "--data",
            str(synthetic_dir),
            "--format",
            "json",
            "--draws",
            "0",
            "--min-people",
            "0",
        ]
    )
    rows = {r["stadtteil_nr"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["02"]["datenluecke"] is True
    # The reason says what the place could change (issue 18): the share within walking
    # distance with the place left out and at its best spot in the Stadtteil.
    assert rows["02"]["datenluecke_grund"] == "Seniorentreff Kastanie ohne Lage: 0,0–49,0 %"
    assert rows["01"]["datenluecke"] is False
    RegisterStore().update(
        synthetic, "OT-2", PLACED, 0, author="A", reason="Tür gefunden", source="Begehung"
    )
    main(
        [
            "rank",
            "--data",
            str(synthetic_dir),
            "--format",
            "json",
            "--draws",
            "0",
            "--min-people",
            "0",
        ]
    )
    rows = {r["stadtteil_nr"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["02"]["datenluecke"] is False
    main(["coverage", "--data", str(synthetic_dir), "--format", "json"])
    coverage = {r["stadtteil_nr"]: r for r in json.loads(capsys.readouterr().out)}
    assert coverage["02"]["senioren_versorgt"] > 0


@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.sampled_from(["update", "delete"]),
            st.text(min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=8,
    ),
    pick=st.integers(min_value=0),
)
def test_undo_of_a_change_equals_never_having_made_it(edits, pick):
    base = {"A": {"id": "A", "name": "a"}, "B": {"id": "B", "name": "b"}}
    changes = [
        change(i + 1, fid, kind, {"name": name} if kind == "update" else {})
        for i, (fid, kind, name) in enumerate(edits)
    ]
    target = changes[pick % len(changes)]
    undone = [*changes, change(len(changes) + 1, target.facility_id, "undo", target=target.id)]
    without = [c for c in changes if c.id != target.id]
    assert replay(base, undone) == replay(base, without)

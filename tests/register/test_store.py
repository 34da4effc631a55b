"""The register store: the same suite on SQLite and on PostgreSQL + PostGIS."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from register.changes import ConflictError, Edit
from register.faults import DatabaseFaultError
from register.store import EFFECTIVE_COLUMNS, RegisterStore
from tests.synthetic import X0, Y0, metric_point

META = {"author": "Frau Berger", "reason": "fehlt in der Liste", "source": "Liste Sozialamt 2025"}
NORD = metric_point(X0 + 500, Y0 + 1500)  # (lon, lat) in Nord
NEW_TREFF = {
    "name": "Offener Treff Nord",
    "typ": "Offener Treff",
    "kategorie": "senioren_begegnung",
    "oeffentlich": "ja",
    "in_betrieb": "ja",
    "lon": NORD[0],
    "lat": NORD[1],
    "lage_genauigkeit_m": 10,
    "lage_methode": "amt_gesetzt",
}


def ids(package) -> list[str]:
    return list(package.einrichtungen["id"])


def test_empty_register_gives_the_package_unchanged(store, synthetic):
    assert store.changes() == []
    assert store.effective(synthetic) is synthetic
    assert store.schema_version() == 1


def test_add_update_close_delete_and_history(store, synthetic):
    added = store.add(synthetic, NEW_TREFF, **META)
    assert (added.facility_id, added.version, added.kind) == ("R-0001", 1, "add")
    store.update(synthetic, "OT-2", {"name": "Kranichhaus"}, 0, **META)
    store.close(synthetic, "BG-1", 0, **{**META, "reason": "schließt 2025"})
    store.delete(synthetic, "MGH-1", 0, **{**META, "reason": "Dublette"})

    eff = store.effective(synthetic)
    frame = eff.einrichtungen.set_index("id")
    assert ids(eff) == ["ASZ-1", "BG-1", "OT-1", "OT-2", "R-0001"]
    assert frame.at["OT-2", "name"] == "Kranichhaus"
    assert frame.at["BG-1", "in_betrieb"] == "nein"
    assert frame.at["BG-1", "in_betrieb_grund"] == "schließt 2025"
    assert frame.at["R-0001", "stadtteil_nr"] == "02"
    assert eff.version == f"{synthetic.version}+reg4"
    assert any("4 Änderung(en)" in note for note in eff.notes)

    history = store.history("OT-2")
    assert [c.kind for c in history] == ["update"]
    assert history[0].previous == {"name": "Seniorentreff Kastanie"}
    assert history[0].summary() == "Name: „Seniorentreff Kastanie“ → „Kranichhaus“"
    assert history[0].author == "Frau Berger"
    assert history[0].created.utcoffset().total_seconds() == 0  # stored in UTC
    assert store.versions() == {"R-0001": 1, "OT-2": 1, "BG-1": 1, "MGH-1": 1}


def test_effective_table_is_refreshed_with_every_change(store, synthetic):
    store.add(synthetic, NEW_TREFF, **META)
    rows = {row["id"]: row for row in store.effective_rows()}
    assert set(rows) == {"ASZ-1", "BG-1", "OT-1", "MGH-1", "OT-2", "R-0001"}
    new = rows["R-0001"]
    assert new["x"] == pytest.approx(X0 + 500, abs=0.01)
    assert new["y"] == pytest.approx(Y0 + 1500, abs=0.01)
    assert (new["version"], new["geaendert_von"], new["stadtteil_nr"]) == (1, "Frau Berger", "02")
    assert rows["OT-2"]["x"] is None
    assert rows["OT-2"]["version"] == 0
    store.delete(synthetic, "R-0001", 1, **META)
    assert "R-0001" not in {row["id"] for row in store.effective_rows()}
    assert set(EFFECTIVE_COLUMNS) <= set(new)


def test_undo_is_a_new_change_and_undo_of_undo_restores(store, synthetic):
    change = store.update(synthetic, "ASZ-1", {"name": "ASZ Mitte"}, 0, **META)
    undo = store.undo(synthetic, change.id, 1, author="Herr Kurz", reason="falscher Name")
    assert (undo.kind, undo.target, undo.version) == ("undo", change.id, 2)
    frame = store.effective(synthetic).einrichtungen.set_index("id")
    assert frame.at["ASZ-1", "name"] == "Alten- und Service-Zentrum Am Markt"
    assert [c.kind for c in store.history("ASZ-1")] == ["update", "undo"]
    with pytest.raises(ValueError, match="schon rückgängig gemacht"):
        store.undo(synthetic, change.id, 2, author="Herr Kurz", reason="nochmal")
    store.undo(synthetic, undo.id, 2, author="Herr Kurz", reason="doch richtig")
    frame = store.effective(synthetic).einrichtungen.set_index("id")
    assert frame.at["ASZ-1", "name"] == "ASZ Mitte"


def test_undoing_an_add_removes_the_facility_and_its_id_stays_taken(store, synthetic):
    added = store.add(synthetic, NEW_TREFF, **META, facility_id="OT-7")
    store.update(synthetic, "OT-7", {"name": "Treff 7"}, 1, **META)
    store.undo(synthetic, added.id, 2, author="A", reason="gibt es nicht")
    assert "OT-7" not in ids(store.effective(synthetic))
    with pytest.raises(ValueError, match="war schon vergeben"):
        store.add(synthetic, NEW_TREFF, **META, facility_id="OT-7")
    with pytest.raises(ValueError, match="schon vergeben"):
        store.add(synthetic, NEW_TREFF, **META, facility_id="ASZ-1")


def test_second_planner_gets_a_conflict_naming_both_versions(store_url, synthetic):
    first, second = RegisterStore(store_url), RegisterStore(store_url)
    seen = second.versions().get("OT-2", 0)  # both planners open version 0
    first.update(synthetic, "OT-2", {"name": "Kranichhaus"}, 0, **META)
    with pytest.raises(ConflictError) as caught:
        second.update(
            synthetic, "OT-2", {"name": "Treff Schrotebogen"}, seen, author="Herr Kurz",
            reason="Name laut Träger", source="Telefonat",
        )  # fmt: skip
    message = str(caught.value)
    assert "Version 0 bearbeitet" in message
    assert "inzwischen Version 1" in message
    assert "„Treff Schrotebogen“" in message  # what the second planner wanted
    assert "Frau Berger" in message
    assert "„Kranichhaus“" in message
    assert caught.value.edit.fields == {"name": "Treff Schrotebogen"}  # nothing is lost
    assert caught.value.stored_version == 1
    assert [c.author for c in first.changes()] == ["Frau Berger"]
    # Applied again on the current version, the second change goes through.
    second.update(synthetic, "OT-2", {"name": "Treff Schrotebogen"}, 1, **META)
    assert first.versions()["OT-2"] == 2


def _race(url, package, name, barrier, results):
    store = RegisterStore(url)
    barrier.wait()
    try:
        store.update(package, "ASZ-1", {"name": name}, 0, **META)
        results.put(("ok", name))
    except ConflictError as error:
        results.put(("konflikt", str(error)))


def test_concurrent_processes_one_wins_the_other_gets_a_conflict(store_url, synthetic):
    RegisterStore(store_url)  # migrate once before the race
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [
        ctx.Process(target=_race, args=(store_url, synthetic, f"Name {i}", barrier, results))
        for i in range(3)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["konflikt", "konflikt", "ok"]
    winner = next(name for kind, name in outcomes if kind == "ok")
    store = RegisterStore(store_url)
    assert [c.fields["name"] for c in store.changes()] == [winner]


def test_a_change_set_is_stored_completely_or_not_at_all(store, synthetic):
    edits = [
        Edit("", "add", NEW_TREFF, 0, **META),
        Edit("OT-2", "update", {"name": "Kranichhaus"}, 0, **META),
        Edit("ASZ-1", "update", {"kategorie": "gibt_es_nicht"}, 0, **META),
    ]
    with pytest.raises(ValueError, match="Kategorie: Unbekannter Wert"):
        store.submit(synthetic, edits)
    assert store.changes() == []
    assert store.effective_rows() == []
    stored = store.submit(synthetic, edits[:2], batch="import-1")
    assert [c.batch for c in stored] == ["import-1", "import-1"]
    assert len(store.effective_rows()) == 6


@pytest.mark.parametrize(
    ("fields", "meta", "message"),
    [
        ({"name": "X"}, {**META, "author": " "}, "Bitte angeben: Autor/in"),
        ({"name": "X"}, {**META, "source": ""}, "Quelle"),
        ({"name": ""}, META, "Name fehlt"),
        ({"name": "Alten- und Service-Zentrum Am Markt"}, META, "Keine Änderung"),
        ({"oeffentlich": "vielleicht"}, META, "Zugang: Unbekannter Wert"),
        ({"lat": 95.0}, META, "Breitengrad 95 liegt außerhalb ±90°"),
        ({"lat": 11.63, "lon": 52.11}, META, "vertauscht"),
        ({"lat": 52.5, "lon": 13.4}, META, "außerhalb der Stadt"),
        ({"lage_genauigkeit_m": 0}, META, "Radius"),
        ({"name": "a\x07b"}, META, "Steuerzeichen"),
        ({"farbe": "rot"}, META, "Unbekanntes Feld farbe"),
    ],
)
def test_invalid_changes_are_refused_in_german(store, synthetic, fields, meta, message):
    with pytest.raises(ValueError, match=message):
        store.update(synthetic, "ASZ-1", fields, 0, **meta)
    assert store.changes() == []


def test_new_facility_needs_name_vocabulary_and_a_stadtteil_without_position(store, synthetic):
    with pytest.raises(ValueError, match="Name fehlt"):
        store.add(synthetic, {**NEW_TREFF, "name": ""}, **META)
    without = {k: v for k, v in NEW_TREFF.items() if k not in ("lat", "lon")}
    with pytest.raises(ValueError, match="ohne Lage: bitte den Stadtteil"):
        store.add(synthetic, without, **META)
    change = store.add(synthetic, {**without, "stadtteil": "Nord"}, **META)
    frame = store.effective(synthetic).einrichtungen.set_index("id")
    assert frame.at[change.facility_id, "stadtteil_nr"] == "02"
    assert frame.geometry[change.facility_id] is None
    with pytest.raises(ValueError, match="Keine Einrichtung mit der id XY-9"):
        store.update(synthetic, "XY-9", {"name": "A"}, 0, **META)


def test_expected_counts_keep_every_entry(store):
    store.set_expected("Offener Treff", 12, **META)
    store.set_expected("ASZ", 5, **META)
    store.set_expected("Offener Treff", 13, **{**META, "reason": "neuer Treff 2026"})
    expected = store.expected()
    assert {k: v.anzahl for k, v in expected.items()} == {"Offener Treff": 13, "ASZ": 5}
    assert expected["Offener Treff"].reason == "neuer Treff 2026"
    store.set_expected("ASZ", None, **META)
    assert set(store.expected()) == {"Offener Treff"}
    with pytest.raises(ValueError, match="ganze Zahl"):
        store.set_expected("ASZ", -1, **META)


def test_reopening_keeps_the_data_and_the_schema(store_url, synthetic):
    RegisterStore(store_url).add(synthetic, NEW_TREFF, **META)
    again = RegisterStore(store_url)
    assert len(again.changes()) == 1
    assert again.schema_version() == 1


def test_refresh_rewrites_the_effective_table_for_another_package(store, synthetic):
    store.add(synthetic, NEW_TREFF, **META)
    assert store.refresh(synthetic) is False
    from dataclasses import replace

    assert store.refresh(replace(synthetic, version="neu")) is True


# --------------------------------------------------------------------------- one backend


def test_a_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    RegisterStore(url)
    with sqlite3.connect(tmp_path / "r.sqlite") as conn:
        conn.execute("UPDATE schema_version SET version = 99 WHERE component = 'register'")
    with pytest.raises(ValueError, match="Schema-Version 99"):
        RegisterStore(url)


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"kein SQLite" * 200, "keine SQLite-Datenbank (Dateikopf fehlt)"),
        (b"", "die Datei ist leer (0 Byte)"),
    ],
    ids=["garbage", "empty"],
)
def test_a_corrupt_sqlite_file_is_reported_and_never_replaced(tmp_path, content, detail):
    path = tmp_path / "r.sqlite"
    path.write_bytes(content)
    with pytest.raises(
        DatabaseFaultError, match="Lösung: Die IT die Datei aus der Sicherung"
    ) as info:
        RegisterStore(f"sqlite:///{path}")
    assert info.value.kind == "beschaedigt"
    assert f"(Datei „r.sqlite“ im Szenario-Ordner) ist beschädigt: {detail}" in str(info.value)
    assert path.read_bytes() == content  # left exactly as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.sqlite"]


def test_garbage_in_the_middle_is_reported_before_reads_and_writes(tmp_path, synthetic):
    path = tmp_path / "r.sqlite"
    store = RegisterStore(f"sqlite:///{path}")
    for i in range(30):
        store.add(synthetic, {**NEW_TREFF, "name": f"Treff {i}", "hinweis": "x" * 400}, **META)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 3000] = b"\xff" * 3000
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseFaultError, match="ist beschädigt") as info:
        RegisterStore(f"sqlite:///{path}")
    assert "--scenario-dir" not in str(info.value)
    with pytest.raises(DatabaseFaultError, match="ist beschädigt"):
        store.add(synthetic, NEW_TREFF, **META)  # an open handle: the write is refused too


def test_postgis_view_for_qgis(postgres_url, synthetic):
    import psycopg

    RegisterStore(postgres_url).add(synthetic, NEW_TREFF, **META)
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute(
            "SELECT name, ST_SRID(geom), ST_X(geom), ST_Y(geom), ST_X(geom_wgs84) "
            "FROM einrichtungen_effektiv WHERE id = 'R-0001'"
        ).fetchone()
        kinds = conn.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'einrichtungen_effektiv'"
            " AND f_table_schema = current_schema() ORDER BY srid DESC"
        ).fetchall()
        unplaced = conn.execute(
            "SELECT geom IS NULL FROM einrichtungen_effektiv WHERE id = 'OT-2'"
        ).fetchone()[0]
    assert row[0] == "Offener Treff Nord"
    assert row[1] == 25832
    assert row[2] == pytest.approx(X0 + 500, abs=0.01)
    assert row[3] == pytest.approx(Y0 + 1500, abs=0.01)
    assert row[4] == pytest.approx(NORD[0])
    assert kinds == [("POINT", 25832), ("POINT", 4326)]
    assert unplaced is True


def test_database_url_from_the_environment(tmp_path):
    from register.db import database_url

    assert database_url({"BEGEGNUNGSATLAS_SZENARIEN": str(tmp_path)}) == (
        f"sqlite:///{tmp_path.resolve() / 'begegnungsatlas.sqlite'}"
    )
    assert database_url({"BEGEGNUNGSATLAS_DB": "postgresql://a@b/c"}) == "postgresql://a@b/c"
    with pytest.raises(ValueError, match="wird nicht unterstützt"):
        database_url({"BEGEGNUNGSATLAS_DB": "mysql://x"})

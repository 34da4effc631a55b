"""``begegnungsatlas einrichtungen``, the reviewed import and the exports."""

from __future__ import annotations

import io
import json
import sqlite3
import xml.dom.minidom

import pandas as pd
import pyogrio
import pytest

from cli import main
from geo.io.uploads import validate
from register.merge import plan_import
from register.store import RegisterStore
from report import register_exports as exports
from tests.synthetic import X0, Y0, metric_point

LON, LAT = metric_point(X0 + 500, Y0 + 1500)
META = ["--author", "Frau Berger", "--reason", "Liste 2025", "--source", "Sozialamt"]


def cli(synthetic_dir, *args) -> int:
    return main(["einrichtungen", *args, "--data", str(synthetic_dir)])


def city_list(tmp_path, rows: str):
    path = tmp_path / "liste.csv"
    path.write_text("id;name;typ;kategorie;in_betrieb;lat;lon\n" + rows, encoding="utf-8")
    return path


def test_cli_add_update_close_history_and_list(synthetic_dir, capsys):
    assert cli(synthetic_dir, "add", "--name", "Treff Nord", "--typ", "OT", "--kategorie",
               "senioren_begegnung", "--oeffentlich", "ja", "--in-betrieb", "ja", "--lat",
               str(LAT), "--lon", str(LON), "--genauigkeit", "10", *META) == 0  # fmt: skip
    assert "Gespeichert: Änderung #1 – R-0001 neu aufgenommen" in capsys.readouterr().out
    assert cli(synthetic_dir, "update", "OT-2", "--x", str(X0 + 500), "--y", str(Y0 + 1500),
               "--genauigkeit", "10", *META) == 0  # fmt: skip
    assert cli(synthetic_dir, "close", "BG-1", *META) == 0
    capsys.readouterr()
    assert cli(synthetic_dir, "update", "OT-2", "--name", "X", "--version", "0", *META) == 1
    assert "Konflikt bei OT-2" in capsys.readouterr().err
    assert main(["einrichtungen", "history", "OT-2", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["art"] for h in history] == ["update"]
    assert history[0]["autor"].startswith("Frau Berger (Kommandozeile, --author;")
    assert cli(synthetic_dir, "list", "--format", "csv") == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str).set_index("id")
    assert listed.at["OT-2", "lage_methode"] == "amt_gesetzt"
    assert listed.at["OT-2", "lage_genauigkeit_m"] == "10"
    assert listed.at["BG-1", "in_betrieb"] == "nein"
    assert listed.at["R-0001", "version"] == "1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["update", "OT-2", "--lat", "52.1", "--lon", "11.6"], "wie genau"),
        (["update", "OT-2", "--kategorie", "kiosk"], "Kategorie: Unbekannter Wert"),
        (["close", "NIX-1"], "Keine Einrichtung mit der id NIX-1"),
        (["undo", "99"], "Keine Änderung #99"),
    ],
)
def test_cli_refuses_in_german(synthetic_dir, capsys, args, message):
    assert cli(synthetic_dir, *args, *META) == 1
    assert message in capsys.readouterr().err
    assert RegisterStore().changes() == []


def test_import_preview_changes_nothing_and_apply_stores_one_change_set(
    synthetic, synthetic_dir, tmp_path, capsys
):
    lon2, lat2 = metric_point(X0 + 1500, Y0 + 500)
    path = city_list(tmp_path, (
        f"ASZ-1;Alten- und Service-Zentrum Am Markt;ASZ;senioren_begegnung;ja;;\n"  # unchanged (no position given)
        f";Seniorentreff Kastanie;OT;senioren_begegnung;ja;{LAT};{LON}\n"  # matched by name, placed
        f"OT-1;Offener Treff Rosengarten;OT;senioren_begegnung;nein;;\n"  # already closed: unchanged
        f"MGH-1;Mehrgenerationenhaus Sonnenhof;MGH;generationen;nein;;\n"  # closes
        f"OT-9;Neuer Treff;OT;senioren_begegnung;ja;{lat2};{lon2}\n"  # new
    ))  # fmt: skip
    assert cli(synthetic_dir, "import", str(path), "--author", "A", "--reason", "Abgleich") == 0
    out = capsys.readouterr().out
    assert "1 neu, 1 geändert, 1 geschlossen, 2 unverändert" in out
    assert "Nichts gespeichert" in out
    assert RegisterStore().changes() == []
    assert cli(synthetic_dir, "import", str(path), "--apply", "--author", "A", "--reason",
               "Abgleich") == 0  # fmt: skip
    changes = RegisterStore().changes()
    assert sorted((c.facility_id, c.kind) for c in changes) == [
        ("MGH-1", "close"), ("OT-2", "update"), ("OT-9", "add"),
    ]  # fmt: skip
    assert {c.batch for c in changes} == {"import:liste.csv"}
    assert {c.source for c in changes} == {"liste.csv"}
    ot2 = next(c for c in changes if c.facility_id == "OT-2")
    assert ot2.fields["lage_genauigkeit_m"] == 50  # no radius in the file: ± 50 m, said so
    assert "± 50 m angenommen" in capsys.readouterr().out


def test_import_rows_can_be_rejected_and_a_failing_row_rolls_back_all(synthetic, tmp_path):
    lon2, lat2 = metric_point(X0 + 1500, Y0 + 500)
    path = city_list(tmp_path, (
        f"OT-9;Neuer Treff;OT;senioren_begegnung;ja;{lat2};{lon2}\n"
        "ASZ-1;ASZ Mitte;ASZ;senioren_begegnung;ja;;\n"
    ))  # fmt: skip
    store = RegisterStore()
    check = validate("facilities", path.name, path.read_bytes(), synthetic, True)
    plan = plan_import(check, synthetic, store.versions(), path.name)
    assert plan.table()["übernehmen"].tolist() == [True, True]
    # Only the second row accepted:
    store.submit(synthetic, plan.edits([3], author="A", reason="r", source="s"))
    assert [c.facility_id for c in store.changes()] == ["ASZ-1"]
    # The plan is now stale for ASZ-1 (version 0 → 1): applying both rows fails as a whole.
    with pytest.raises(ValueError, match="Konflikt bei ASZ-1"):
        store.submit(synthetic, plan.edits(None, author="A", reason="r", source="s"))
    assert [c.facility_id for c in store.changes()] == ["ASZ-1"]
    assert "OT-9" not in {row["id"] for row in store.effective_rows()}


def test_import_row_problems_are_shown_and_cannot_be_applied(synthetic, tmp_path):
    path = city_list(tmp_path, "NEU-1;Ohne Lage;OT;senioren_begegnung;ja;;\n")
    check = validate("facilities", path.name, path.read_bytes(), synthetic, True)
    plan = plan_import(check, synthetic, {}, path.name)
    assert plan.summary() == "0 neu, 0 geändert, 0 geschlossen, 0 unverändert, 1 mit Problem"
    assert "ohne Lage" in plan.rows[0].describe()
    assert plan.table()["übernehmen"].tolist() == [False]
    with pytest.raises(ValueError, match="Zeile 2 hat ein Problem"):
        plan.edits([2], author="A", reason="r", source="s")


def test_exports_of_the_effective_list(synthetic, synthetic_dir, tmp_path):
    store = RegisterStore()
    store.update(synthetic, "OT-2", {"lat": LAT, "lon": LON, "lage_genauigkeit_m": 10,
                 "lage_methode": "amt_gesetzt", "oeffnungstage": "Mo–Fr"}, 0, author="A",
                 reason="r", source="s")  # fmt: skip
    out = tmp_path / "export"
    out.mkdir()
    for fmt in ("csv", "xlsx", "gpkg", "paket"):
        assert (
            cli(synthetic_dir, "export", "--format", fmt, "--output", str(out / f"{fmt}.{fmt}"))
            == 0
        )
    excel = (out / "csv.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    row = table.set_index("id").loc["OT-2"]
    assert row["Lage ± m"] == 10
    assert row["Öffnungstage"] == "Mo–Fr"
    assert row["Zuletzt geändert"].endswith(", A")
    package = pd.read_csv(out / "paket.paket", dtype=str, keep_default_na=False)
    assert list(package.columns) == [*exports.PACKAGE_COLUMNS, "oeffnungstage"]
    assert package.set_index("id").at["OT-2", "stadtteil_polygon"] == "Nord"
    # The exported package CSV reads back as the effective list.
    from geo.io.readers import read_einrichtungen

    reread = read_einrichtungen(out / "paket.paket", synthetic.stadtteile, synthetic.stadtgrenze)
    assert reread.set_index("id").at["OT-2", "stadtteil_nr"] == "02"
    layer = pyogrio.read_dataframe(out / "gpkg.gpkg", layer="einrichtungen")
    assert layer.crs.to_epsg() == 25832
    assert len(layer) == 5
    with sqlite3.connect(out / "gpkg.gpkg") as conn:
        name, column, qml, default = conn.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles"
        ).fetchone()
    assert (name, column, default) == ("einrichtungen", "geom", 1)
    dom = xml.dom.minidom.parseString(qml.split("\n", 1)[1])
    values = [c.getAttribute("value") for c in dom.getElementsByTagName("category")]
    assert values == ["senioren_begegnung", "generationen", "kinder_jugend", "pflege"]
    assert pd.read_excel(out / "xlsx.xlsx", sheet_name=None).keys() == {
        "Einrichtungen", "einrichtungen.csv",
    }  # fmt: skip


def test_expected_count_from_the_cli(capsys):
    assert main(["einrichtungen", "soll", "Offener Treff", "12", *META]) == 0
    assert RegisterStore().expected()["Offener Treff"].anzahl == 12
    assert main(["einrichtungen", "soll", "Offener Treff", "zwölf", *META]) == 1
    assert "ganze Zahl" in capsys.readouterr().err

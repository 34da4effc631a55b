"""Issue 24 on the real package: the city's measures checked against the data, a region set
from the CLI, and an allocation that distributes exactly."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from cli import main
from geo.io.measures import read_measures
from scenarios.evaluation import compute
from scenarios.measures import stadtteil_checks
from scenarios.model import Scenario

pytestmark = pytest.mark.real_data


def test_measure_2_2_shows_coverage_rank_and_best_site_of_each_named_stadtteil(real):
    measures = read_measures(real.root)
    named = measures.set_index("id").at["2.2", "stadtteil_nr"]
    assert len(named) >= 3  # the package names several Stadtteile for 2.2
    result = compute(real, Scenario(), None, draws=0)
    checks = stadtteil_checks(real, result, measures[measures["id"] == "2.2"])
    assert checks["stadtteil_nr"].tolist() == list(named)
    for row in checks.to_dict("records"):
        nr = row["stadtteil_nr"]
        assert row["stadtteil"] == real.stadtteile.at[nr, "stadtteil"]
        assert row["anteil_versorgt"] == pytest.approx(
            result.before.coverage.at[nr, "anteil_versorgt"]
        )
        assert row["rang_text"], row  # every named Stadtteil is ranked
        assert row["bester_standort"].startswith(row["stadtteil"])
        assert row["zusaetzlich_versorgt"] > 0


def test_cli_region_set_and_allocation_on_the_real_package(real, tmp_path, capsys):
    numbers = sorted(real.stadtteile.index)
    table = tmp_path / "gebiete.csv"
    # Five test regions by number order (not the city's Versorgungsgebiete, which are not public).
    table.write_text(
        "stadtteil_nr;region\n"
        + "".join(f"{nr};Testgebiet {i % 5 + 1}\n" for i, nr in enumerate(numbers)),
        encoding="utf-8",
    )
    assert main(["regionen", "speichern", str(table), "--name", "Test", "--author", "CI"]) == 0
    capsys.readouterr()
    assert main([
        "verteilung", "--gliederung", "Test", "--betrag", "250000", "--sockel", "10000",
        "--obergrenze", "60000", "--gewichte",
        "senioren_65plus=2,senioren_unversorgt=1,haushalte_1p=1,wohngeld_haushalte=1",
        "--ist-einrichtungen", "--format", "json",
    ]) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert sum(Fraction(str(r["soll"])) for r in rows) == 250_000
    assert all(10_000 <= r["soll"] <= 60_000 for r in rows)

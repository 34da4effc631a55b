"""Exports of a projected year carry the label in every Stadtteil table."""

from __future__ import annotations

from geo.analysis.projection import HORIZON
from geo.io.package import with_projection
from report.exports import column_label, definition, result_tables
from scenarios.evaluation import compute
from scenarios.model import Assumptions, Scenario


def test_tables_of_a_projected_year_are_labelled(synthetic):
    pkg = with_projection(synthetic)
    res = compute(pkg, Scenario(assumptions=Assumptions(year=HORIZON)), None, draws=0)
    tables = result_tables(res, pkg.einrichtungen, label=pkg.year_label(HORIZON))
    heading = column_label("datengrundlage")
    for name in ("Indikatoren", "Versorgung", "Unterversorgung"):
        assert (tables[name][heading] == f"Modellrechnung {HORIZON}").all()
    assert "Modellrechnung" in definition("datengrundlage")
    observed = result_tables(
        compute(pkg, Scenario(assumptions=Assumptions(year=2025)), None, draws=0), pkg.einrichtungen
    )
    assert heading not in observed["Indikatoren"].columns

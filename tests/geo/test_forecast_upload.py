"""An uploaded official forecast (statistics with future years): checks naming the cell."""

from __future__ import annotations

import pytest

from geo.analysis.projection import HORIZON, UPLOAD_LABEL
from geo.io.package import with_projection, with_uploads
from geo.io.uploads import validate

HEADER = "jahr,stadtteil_nr,einwohner,alter_0_6,alter_7_17,alter_18_44,alter_45_64,alter_65plus"
GOOD = {
    "01": "1000,70,110,270,300,250",
    "02": "400,10,20,70,100,200",
    "04": "15,1,2,4,4,4",
}


def _csv(year: int = 2030, rows: dict | None = None, extra: str = "") -> bytes:
    lines = [HEADER, *(f"{year},{nr},{values}" for nr, values in (rows or GOOD).items())]
    return ("\n".join(lines) + extra + "\n").encode()


def test_valid_forecast_replaces_the_model_for_its_years(synthetic):
    projected = with_projection(synthetic)
    result = validate("statistics", "prognose.csv", _csv(), projected)
    assert result.ok, [p.text() for p in result.errors]
    updated = with_uploads(projected, statistics=result.data, tag="p")
    assert updated.year_label(2030) == UPLOAD_LABEL
    assert updated.year_label(2031) == "Modellrechnung"
    row = updated.statistik.query("jahr == 2030 and stadtteil_nr == '01'").iloc[0]
    assert row["alter_65plus"] == 250


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (
            _csv(extra="\n2020,01,1000,70,110,270,300,250"),
            r"Jahr 2020 liegt nicht nach dem Datenstand 2025",
        ),
        (_csv(year=HORIZON + 1), rf"jenseits des Prognosehorizonts {HORIZON}"),
        (_csv(rows={**GOOD, "01": "1000,70,110,270,300,200"}), r"Altersgruppen ergeben 950"),
        (
            _csv(rows={k: v for k, v in GOOD.items() if k != "02"}),
            r"Für 2030 fehlen Stadtteile: 02 Nord",
        ),
        (
            _csv(rows={**GOOD, "01": "1000,70,110,270,300,-250"}),
            r"Zeile 2, Spalte alter_65plus: Negativer Wert",
        ),
        (_csv(rows={**GOOD, "01": "1000,70,110,270,299.5,250.5"}), r"Zeile 2.*ganze Zahl"),
        (
            f"{HEADER.rsplit(',', 1)[0]}\n2030,01,1000,70,110,270,300\n".encode(),
            r"fehlen Spalten: alter_65plus",
        ),
    ],
)
def test_bad_forecast_is_refused_naming_the_cell(synthetic, content, match):
    result = validate("statistics", "prognose.csv", content, with_projection(synthetic))
    assert not result.ok
    assert any(__import__("re").search(match, p.text()) for p in result.errors), [
        p.text() for p in result.errors
    ]

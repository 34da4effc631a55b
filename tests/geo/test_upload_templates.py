"""Upload templates: the columns the checks read, as CSV and XLSX, named in the messages."""

from __future__ import annotations

import io

import openpyxl
import pytest

from geo.io.uploads import validate
from geo.io.uploads.templates import (
    TEMPLATE_COLUMNS,
    explanations,
    file_name,
    template_file,
    template_hint,
)
from report.register_exports import package_csv
from tests.synthetic import X0, Y0, metric_point


@pytest.mark.parametrize("kind", list(TEMPLATE_COLUMNS))
def test_templates_in_both_formats_carry_the_columns(synthetic, kind):
    names = synthetic.stadtteile["stadtteil"]
    csv = template_file(kind, "csv", names, 2025).decode("utf-8-sig").splitlines()
    assert csv[0].split(";") == TEMPLATE_COLUMNS[kind]
    book = openpyxl.load_workbook(io.BytesIO(template_file(kind, "xlsx", names, 2025)))
    assert book.sheetnames == ["Vorlage", "Erläuterungen"]
    header = next(book["Vorlage"].iter_rows(values_only=True))
    assert list(header) == TEMPLATE_COLUMNS[kind]
    notes = list(book["Erläuterungen"].iter_rows(min_row=2, values_only=True))
    assert [n[0] for n in notes] == TEMPLATE_COLUMNS[kind]
    assert all(n[1] in ("ja", "nein") and n[2] for n in notes)  # every column explained
    if kind != "facilities":  # one row per Stadtteil, ready to fill in
        assert len(csv) == 1 + len(names)
    assert file_name(kind, "xlsx").startswith("vorlage_")


def test_a_filled_facility_template_is_accepted_without_hints(synthetic):
    lon, lat = metric_point(X0 + 500, Y0 + 1500)
    header = template_file("facilities", "csv").decode("utf-8-sig").strip()
    row = dict.fromkeys(TEMPLATE_COLUMNS["facilities"], "")
    row.update(
        name="Treff am Markt", lat=f"{lat}".replace(".", ","), lon=f"{lon}".replace(".", ",")
    )
    content = f"{header}\r\n{';'.join(row.values())}\r\n".encode()
    result = validate("facilities", "vorlage.csv", content, synthetic)
    assert result.ok, [p.text() for p in result.errors]
    assert not [p for p in result.warnings if "Unbekannte Spalte" in p.message]


def test_the_package_list_itself_loads_without_unknown_columns(synthetic, tmp_path):
    content = package_csv(
        synthetic.einrichtungen[synthetic.einrichtungen.geometry.notna()], synthetic.stadtteile
    )
    result = validate("facilities", "einrichtungen.csv", content, synthetic, True)
    assert not [p for p in result.warnings if "Unbekannte Spalte" in p.message]


def test_unknown_columns_point_to_the_template(synthetic):
    lon, lat = metric_point(X0 + 500, Y0 + 1500)
    content = f"name;lat;lon;farbe\nA;{lat};{lon};rot\n".encode()
    result = validate("facilities", "liste.csv", content, synthetic)
    (hint,) = [p for p in result.warnings if "Unbekannte Spalte wird ignoriert: farbe" in p.message]
    assert hint.fix == template_hint()
    assert "Vorlage herunterladen" in hint.fix


def test_explanations_define_every_column():
    for kind, columns in TEMPLATE_COLUMNS.items():
        table = explanations(kind)
        assert table["Spalte"].tolist() == columns
        assert (table["Bedeutung"].str.len() > 5).all()

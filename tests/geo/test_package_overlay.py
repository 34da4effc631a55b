"""Session overlays with uploads and region aggregation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.analysis.access_adapter import analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from geo.io.package import with_uploads
from geo.io.uploads import validate
from geo.regions import region_coverage, region_polygons
from tests.synthetic import X0, Y0, metric_point


def test_uploaded_facilities_extend_or_replace(synthetic):
    lon, lat = metric_point(X0 + 500, Y0 + 1500)
    upload = validate(
        "facilities", "x.csv", f"name;lat;lon\nNord-Treff;{lat};{lon}\n".encode(), synthetic
    ).data
    extended = with_uploads(synthetic, facilities=upload, tag="t1")
    assert len(extended.einrichtungen) == len(synthetic.einrichtungen) + 1
    assert extended.version == f"{synthetic.version}+t1"
    replaced = with_uploads(synthetic, facilities=upload, replace_facilities=True, tag="t2")
    assert replaced.einrichtungen["name"].tolist() == ["Nord-Treff"]
    assert len(synthetic.einrichtungen) == 5  # the package itself is untouched
    covered = analyse(extended, 2025, TARGET_GROUPS["senioren"], WalkParams()).coverage
    assert covered.at["02", "versorgt"] > 0


def test_uploaded_statistics_replace_cells_and_add_years(synthetic):
    upload = validate(
        "statistics",
        "s.csv",
        b"jahr;stadtteil_nr;alter_65plus\n2025;01;260\n2026;02;.\n",
        synthetic,
    ).data
    merged = with_uploads(synthetic, statistics=upload, tag="s").statistik.set_index(
        ["jahr", "stadtteil_nr"]
    )
    assert merged.loc[(2025, "01"), "alter_65plus"] == 260
    assert merged.loc[(2025, "01"), "einwohner"] == 1000  # other cells kept
    assert math.isnan(merged.loc[(2026, "02"), "alter_65plus"])
    assert merged.loc[(2026, "02"), "stadtteil"] == "Nord"


def test_regions_dissolve_and_aggregate_coverage(synthetic):
    mapping = pd.DataFrame({"stadtteil_nr": ["01", "02", "04"], "region": ["West", "West", "Ost"]})
    polygons = region_polygons(synthetic.stadtteile, mapping)
    assert sorted(polygons.index) == ["Ost", "West"]
    assert polygons.loc["West"].geometry.area == pytest.approx(2_000_000, rel=0.001)
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], WalkParams())
    coverage = region_coverage(result, mapping)
    assert coverage.at["West", "versorgt"] == pytest.approx(
        result.coverage.loc[["01", "02"], "versorgt"].sum()
    )
    assert coverage.at["West", "zielgruppe"] == 450

"""Names from data never become markup in the app."""

from __future__ import annotations

from tests.synthetic import edit_csv, edit_geojson
from ui.markup import md


def test_md_escapes_markdown_links_and_html():
    assert (
        md("[x](javascript:alert(1)) **b** <i>")
        == r"\[x\]\(javascript\:alert\(1\)\) \*\*b\*\* \<i\>"
    )


def test_hostile_stadtteil_name_is_shown_as_text(app_for, synthetic_dir):
    evil = "[klick](javascript:alert(1)) <b>fett</b>"

    def rename_geo(data):
        data["features"][1]["properties"]["stadtteil"] = evil
        return data

    def rename_stats(df):
        df.loc[df["stadtteil_nr"] == "02", "stadtteil"] = evil
        return df

    edit_geojson(synthetic_dir / "stadtteile.geojson", rename_geo)
    edit_csv(synthetic_dir / "statistik_stadtteile.csv", rename_stats)
    at = app_for(synthetic_dir, "pages/bevoelkerung.py")
    at.selectbox(key="_w_stadtteil").set_value("02").run()
    assert not at.exception
    header = at.header[0].value
    assert "\\[klick\\]" in header
    assert "\\<b\\>" in header

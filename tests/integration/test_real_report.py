"""The PDF report on the real package: both audiences, no overlapping text, the full ranking."""

from __future__ import annotations

import re

import pytest

from geo.io.gtfs import read_feed
from indicators.composite import shared_rank_text
from report.pdf import AUDIENCES, ReportRequest, build_report
from scenarios.evaluation import compute
from scenarios.model import Scenario
from tests.report.pdftext import overlaps, page_text, pages, rows

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def feed(real):
    return read_feed(real.gtfs_path, real.stadtgrenze)


@pytest.fixture(scope="module")
def ranking(real):
    return compute(real, Scenario(), draws=1000).ranking_before


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_real_report_has_no_overlaps_and_every_ranked_stadtteil(real, feed, ranking, audience):
    pdf = build_report(real, ReportRequest(Scenario(), audience), feed)
    all_pages = pages(pdf)
    for number, lines in enumerate(all_pages, start=1):
        assert overlaps(lines) == [], f"Seite {number}"
        assert f"Seite {number} von {len(all_pages)}" in page_text(lines)
    table_rows = [row for lines in all_pages for row in rows(lines)]
    ranked = ranking[ranking["gerankt"]]
    assert len(ranked) >= 25
    for r in ranked.itertuples():
        shown = shared_rank_text(r.rang_von, r.rang_bis)  # "2–3" for a shared rank (issue 18)
        pattern = rf"^{re.escape(shown)} {re.escape(r.stadtteil)}( \*)? \d"
        assert any(re.match(pattern, row) for row in table_rows), r.stadtteil
    text = "\n".join(page_text(lines) for lines in all_pages)
    for r in ranking[~ranking["gerankt"]].itertuples():
        assert r.stadtteil in text
    assert "Mit Bus & Bahn" in text
    if audience == "seniorenbeirat":
        for token in ["OT-05", "CRS3035", "Hole lies", "shell[", real.version, "(en)"]:
            assert token not in text, token
        assert "Technischer Anhang" not in text
    else:
        assert "Technischer Anhang" in text
        assert "ein Loch liegt außerhalb der Außengrenze" in text

"""The PDF report: pages, size, text."""

from __future__ import annotations

import io

import pypdf
import pytest

from report.pdf import ReportRequest, build_report
from scenarios.model import NewSite, Scenario
from tests.synthetic import X0, Y0, metric_point


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_report_without_scenario(synthetic):
    pages = _pages(build_report(synthetic, ReportRequest(Scenario(year=2025))))
    assert len(pages) == 6  # cover, key figures, class map, ranking, coverage map, method
    assert "Bericht für den Seniorenbeirat" in pages[0]
    assert "Kennzahlen" in pages[1]
    assert "1.410" in pages[1]  # Einwohner, German format
    assert "Unterversorgung" in pages[2]
    assert "Rangfolge" in pages[3]
    assert "Nord" in pages[3]
    assert "Methode" in pages[-1]
    assert "Luftlinie × Umwegfaktor" in pages[-1]
    assert all("OpenStreetMap" in page for page in pages)


def test_report_with_scenario_adds_two_pages(synthetic):
    scenario = Scenario(
        name="Nord-Treff",
        year=2025,
        added=(NewSite("Treff <b>Nord</b>", *metric_point(X0 + 500, Y0 + 1500)),),
    )
    pdf = build_report(synthetic, ReportRequest(scenario, audience="fachgespraech"))
    pages = _pages(pdf)
    assert len(pages) == 8
    assert "Unterlage für das Fachgespräch" in pages[0]
    assert "Szenario: Nord-Treff" in pages[0]
    assert "Treff <b>Nord</b>" in pages[6]  # printed literally
    assert "Zusätzlich fußläufig versorgt" in pages[6]
    width = float(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    assert round(width) == 842  # A4 landscape


def test_unknown_year(synthetic):
    with pytest.raises(ValueError, match="Jahr 2030"):
        build_report(synthetic, ReportRequest(Scenario(year=2030)))

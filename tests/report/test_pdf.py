"""The PDF report: flow layout, audiences, Bus & Bahn, scenario, page path = CLI path."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pypdf
import pytest

from cli import main
from geo.io.gtfs import read_feed
from geo.io.package import load_package
from indicators.composite import shared_rank_text
from report.pdf import AUDIENCES, ReportRequest, build_report, file_name, request_for
from scenarios.evaluation import RANK_NOTE, compute
from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import ScenarioStore
from tests.report.pdftext import overlaps, page_text, pages, rows
from tests.synthetic import X0, Y0, metric_point, write_package

#: The A4 landscape media box in points.
A4_LANDSCAPE = (842, 595)


def _scenario() -> Scenario:
    return Scenario(
        name="Nord-Treff",
        assumptions=Assumptions(year=2025),
        overlay=Overlay(
            added=(NewSite("Treff <b>Nord</b>", *metric_point(X0 + 500, Y0 + 1500)),),
            removed=("ASZ-1",),
        ),
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """The synthetic package, read-only here (the reports are built once per module)."""
    return load_package(write_package(tmp_path_factory.mktemp("paket")))


@pytest.fixture(scope="module")
def report(package):
    """``report(audience, scenario=False, feed=True)`` -> PDF bytes (built once each)."""
    feed = read_feed(package.gtfs_path, package.stadtgrenze)
    built: dict[tuple, bytes] = {}

    def make(audience: str, scenario: bool = False, with_feed: bool = True) -> bytes:
        key = (audience, scenario, with_feed)
        if key not in built:
            request = ReportRequest(
                _scenario() if scenario else Scenario(assumptions=Assumptions(year=2025)), audience
            )
            built[key] = build_report(package, request, feed if with_feed else None)
        return built[key]

    return make


def _text(pdf: bytes) -> str:
    return "\n".join(page_text(p) for p in pages(pdf))


def _section(all_pages, heading: str, until: str | None = None):
    """Lines of the pages from the one with ``heading`` up to the one with ``until``."""
    start = next(i for i, p in enumerate(all_pages) if heading in page_text(p).splitlines())
    out = []
    for page in all_pages[start:]:
        if until and out and until in page_text(page).splitlines():
            break
        out.append(page)
    return out


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_no_two_text_boxes_overlap_and_page_is_a4_landscape(report, audience):
    pdf = report(audience, scenario=True)
    for number, lines in enumerate(pages(pdf), start=1):
        assert lines, f"Seite {number} ohne Text"
        assert overlaps(lines) == [], f"Seite {number}"
        assert f"Seite {number} von " in page_text(lines)
        assert "Fahrplandaten NASA GmbH/MVB (CC BY 4.0)" in page_text(lines).replace("\n", " ")
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_LANDSCAPE


def test_overlap_check_can_fail():
    line = ((0.0, 0.0, 100.0, 10.0), "a")
    assert overlaps([line, ((50.0, 5.0, 150.0, 15.0), "b")]) == [("a", "b")]
    assert overlaps([line, ((0.0, 10.0, 100.0, 20.0), "b")]) == []  # touching lines are fine


def test_every_ranked_stadtteil_in_the_ranking_and_unranked_with_reason(package, report):
    ranking = compute(package, Scenario(assumptions=Assumptions(year=2025))).ranking_before
    pdf = report("seniorenbeirat", with_feed=False)
    section = _section(
        pages(pdf), "Rangfolge der Unterversorgung", "Fußläufige Versorgung je Stadtteil"
    )
    table_rows = [row for page in section for row in rows(page)]
    ranked = ranking[ranking["gerankt"]]
    assert len(ranked) == 2  # Mitte and Nord; Ost's count is suppressed
    for r in ranked.itertuples():
        shown = shared_rank_text(r.rang_von, r.rang_bis)  # "1–2" for a shared rank
        pattern = rf"^{re.escape(shown)} {re.escape(r.stadtteil)}( \*)? "
        assert any(re.match(pattern, row) for row in table_rows), r.stadtteil
    assert any(re.match(r"^Ost Zahl nicht veröffentlicht", row) for row in table_rows)


def test_key_figures_in_german_with_the_range_in_words(package, report):
    result = compute(package, Scenario(assumptions=Assumptions(year=2025)))
    text = _text(report("seniorenbeirat", with_feed=False))
    assert "Das Wichtigste in Kürze" in text
    assert "1.410" in text  # Einwohner, German format
    city = result.before.city
    low = city["versorgt_min"] / city["verortet"] * 100
    high = city["versorgt_max"] / city["verortet"] * 100
    # Issue 18: the range is worded for the facilities in the list, not as "the true value".
    words = f"je nach ihrer genauen Lage {low:.1f} bis {high:.1f} %".replace(".", ",")
    assert words in text.replace("\n", " ")
    assert "wahre Wert" not in text
    for bad in ["nan", "inf", "None", "True", "False"]:
        assert not re.search(rf"\b{bad}\b", text), bad


def test_seniorenbeirat_shows_no_ids_but_the_fachgespraech_annex_does(package, report):
    plain = _text(report("seniorenbeirat", scenario=True))
    expert = _text(report("fachgespraech", scenario=True))
    ids = [
        "OT-2",  # facility without position (package note)
        "ASZ-1",  # the closed facility of the scenario
        "NEU-1",
        "score_",
        "beitrag_",
        "zielgruppe 0,15",
        "anteil_zielgruppe",
        "einpersonenhaushalte",
        "e2sfca_je_1000",
        "max_walk_m",
        "CRS3035",
        "Hole lies",
        package.version,
    ]
    for token in ids:
        assert token not in plain, token
    assert not re.search(r"\b0[124] (Mitte|Nord|Ost)\b", plain)  # no Stadtteil numbers
    assert "Technischer Anhang" not in plain
    # The same data do contain these ids: the Fachgespräch annex lists them.
    assert "Technischer Anhang" in expert
    assert "OT-2" in expert
    assert "ASZ-1" in expert
    assert package.version in expert
    for label in [
        "Zahl der Zielgruppe",
        "Anteil Einpersonenhaushalte",
        "Angebot je 1.000 (E2SFCA)",
    ]:
        assert label in expert  # German labels of the weights, as shares
    # Issue 18: the default preset "anteilig" puts 35 % on the share within walking distance;
    # the annex lists both presets and the goalposts.
    assert "35,0 %" in expert
    assert "„anteilig“" in expert and "„absolut“" in expert  # noqa: PT018
    assert "0 bei 100 %, 1 bei 0 %" in expert
    assert RANK_NOTE[:40] in expert.replace("\n", " ")


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_bus_und_bahn_section_iff_a_feed_is_given(report, audience):
    with_feed = _text(report(audience))
    without = _text(report(audience, with_feed=False))
    assert "Mit Bus & Bahn" in with_feed
    assert "In 20 Minuten mit Bus & Bahn" in with_feed
    assert "Mit Bus & Bahn" not in without
    assert "In 20 Minuten mit Bus & Bahn" not in without
    if audience == "fachgespraech":
        assert "für diesen Bericht lag kein Fahrplan vor" in without
        assert "für diesen Bericht lag kein Fahrplan vor" not in with_feed


def test_scenario_section_with_names_printed_literally(report):
    text = _text(report("seniorenbeirat", scenario=True))
    assert "Szenario: Nord-Treff" in text
    assert "Treff <b>Nord</b>" in text  # printed literally, not as markup
    assert "Alten- und Service-Zentrum Am Markt" in text  # the closed place by name
    assert "Szenario „Nord-Treff“: veränderte Stadtteile" in text
    assert RANK_NOTE[:40] in text.replace("\n", " ")
    assert "Szenario" not in _text(report("seniorenbeirat"))


def test_coverage_table_lists_every_stadtteil(package, report):
    # Pagination of long tables: tests/report/test_layout.py and the real package.
    section = _section(
        pages(report("seniorenbeirat", with_feed=False)),
        "Fußläufige Versorgung je Stadtteil",
        "Wie gerechnet wurde",
    )
    table_rows = [row for page in section for row in rows(page)]
    for name in package.stadtteile["stadtteil"]:
        assert any(row.startswith(f"{name} ") or row == name for row in table_rows), name


def test_unknown_year_and_audience(package):
    with pytest.raises(ValueError, match="Jahr 2030"):
        build_report(package, ReportRequest(Scenario(assumptions=Assumptions(year=2030))))
    with pytest.raises(ValueError, match="Zielpublikum"):
        build_report(package, ReportRequest(Scenario(assumptions=Assumptions(year=2025)), "presse"))


def test_saved_scenario_gives_the_same_pdf_on_the_page_and_in_the_cli(
    synthetic_dir, tmp_path, monkeypatch
):
    store = ScenarioStore(tmp_path / "szenarien")
    saved = Scenario(
        assumptions=Assumptions(year=2024, weights=(("unversorgt", 0.5), ("wohngeld", 0.0))),
        overlay=Overlay(added=(NewSite("Treff <b>Nord</b>", *metric_point(X0 + 500, Y0 + 1500)),)),
    )
    store.save(stamped(saved, "Plan Nord", "v1"))
    # Page path: the calls pages/bericht.py makes (sidebar assumptions differ on purpose).
    package = load_package(synthetic_dir)
    request = request_for(
        "Plan Nord",
        "fachgespraech",
        assumptions=Assumptions(year=2025, target="alle"),
        current=Scenario(),
        load=lambda name: store.load(name).scenario,
    )
    page_pdf = build_report(package, request, read_feed(package.gtfs_path, package.stadtgrenze))
    # CLI path.
    out = tmp_path / "bericht.pdf"
    args = ["report", "--scenario", "Plan Nord", "--scenario-dir", str(tmp_path / "szenarien")]
    args += ["--audience", "fachgespraech", "--data", str(synthetic_dir), "--out", str(out)]
    assert main(args) == 0
    page_text_all, cli_text_all = _text(page_pdf), _text(out.read_bytes())
    assert "Plan Nord" in page_text_all
    assert "31.12.2024" in page_text_all
    assert page_text_all == cli_text_all


def test_the_two_reports_and_scenarios_download_under_different_names():
    status_quo = Scenario(assumptions=Assumptions(year=2025))
    scenario = replace(
        status_quo, name="Neue Mitte", overlay=replace(status_quo.overlay, removed=("ASZ-1",))
    )
    names = {
        file_name(ReportRequest(s, audience))
        for s in (status_quo, scenario)
        for audience in AUDIENCES
    }
    assert names == {
        "begegnungsatlas_seniorenbeirat_ist-zustand_2025.pdf",
        "begegnungsatlas_fachgespraech_ist-zustand_2025.pdf",
        "begegnungsatlas_seniorenbeirat_szenario-neue-mitte_2025.pdf",
        "begegnungsatlas_fachgespraech_szenario-neue-mitte_2025.pdf",
    }


def test_the_pdf_names_the_elbe_rule_and_the_scenario_crossings(tmp_path):
    root = write_package(tmp_path / "fluss", river=True)
    package = load_package(root)
    scenario = Scenario(
        assumptions=Assumptions(year=2025), overlay=Overlay(crossings_closed=("Teststeg",))
    )
    expert = _text(build_report(package, ReportRequest(scenario, "fachgespraech"), None))
    flat = " ".join(expert.split())
    assert "Luftlinie × Umwegfaktor, Elbe nur über Brücken" in flat
    assert "Fähren zählen nur bei Bus & Bahn" in flat
    assert "Elbquerung im Szenario gesperrt" in flat


def test_report_for_a_projected_year_says_modellrechnung(package):
    from geo.analysis.projection import HORIZON
    from geo.io.package import with_projection

    projected = with_projection(package)
    pdf = build_report(
        projected,
        ReportRequest(Scenario(assumptions=Assumptions(year=HORIZON)), "fachgespraech"),
        None,
    )
    text = _text(pdf).replace("\n", " ")
    assert f"31.12.{HORIZON} – Modellrechnung" in text

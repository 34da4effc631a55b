"""The PDF report for the Seniorenbeirat or a Fachgespräch (A4 landscape, matplotlib only).

Pages: cover; key figures and findings; under-served map; ranking table; coverage map;
optionally a scenario (before/after map and numbers); method and data notes. All text is
printed literally (no markup), so names from data cannot inject anything.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geo.demand import TARGET_GROUPS
from geo.gtfs import Feed
from geo.package import DataPackage
from geo.sources import SOURCES
from indicators.format import format_number
from indicators.table import base_frame, city_row, meeting_place_counts
from maps.sheets import coverage_sheet, datenstand, scenario_sheet, underserved_sheet
from maps.static import PAPER, SOURCE_STAMP
from scenarios.model import Scenario
from scenarios.result import Result, compute

AUDIENCES = {
    "seniorenbeirat": "Bericht für den Seniorenbeirat",
    "fachgespraech": "Unterlage für das Fachgespräch",
}


@dataclass(frozen=True)
class ReportRequest:
    """What goes into the report.

    Attributes
    ----------
    scenario : Scenario
        Assumptions (year, target group, walking, facilities, weights, Bus & Bahn) and, if
        it changes anything, the scenario shown with before/after.
    audience : str
        Key of :data:`AUDIENCES`.
    """

    scenario: Scenario = field(default_factory=Scenario)
    audience: str = "seniorenbeirat"


def _page(title: str) -> Figure:
    fig = Figure(figsize=PAPER["A4"])
    fig.text(0.05, 0.93, title, fontsize=20, weight="bold", va="top")
    fig.text(0.05, 0.035, SOURCE_STAMP, fontsize=7, color="#333333")
    fig.text(0.95, 0.035, "Begegnungsatlas Magdeburg", fontsize=7, color="#333333", ha="right")
    return fig


def _paragraphs(
    fig: Figure, items: list[str], top: float = 0.84, size: float = 12, width: int = 110
) -> float:
    y = top
    for item in items:
        lines = textwrap.wrap(item, width) or [""]
        fig.text(0.05, y, "\n".join(lines), fontsize=size, va="top", linespacing=1.35)
        y -= 0.032 * len(lines) * size / 12 + 0.02
    return y


def _table(
    fig: Figure, frame: pd.DataFrame, top: float, bottom: float = 0.08, size: float = 9
) -> None:
    ax = fig.add_axes((0.05, bottom, 0.90, top - bottom))
    ax.set_axis_off()
    table = ax.table(
        cellText=frame.astype(str).to_numpy(),
        colLabels=list(frame.columns),
        loc="upper left",
        cellLoc="left",
        colLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    table.scale(1, 1.25)
    for (row, _col), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_facecolor("#e8eef5")
            cell.set_text_props(weight="bold")


def _cover(package: DataPackage, request: ReportRequest, res: Result, group_label: str) -> Figure:
    fig = Figure(figsize=PAPER["A4"])
    fig.text(0.08, 0.70, "Begegnungsatlas Magdeburg", fontsize=34, weight="bold")
    fig.text(0.08, 0.62, AUDIENCES.get(request.audience, AUDIENCES["seniorenbeirat"]), fontsize=20)
    lines = [
        f"Zielgruppe: {group_label}",
        f"Stand der Statistik: 31.12.{res.year}",
        f"Erstellt am {date.today().strftime('%d.%m.%Y')}",
        f"Datenstand: {datenstand(package, res.year)}",
    ]
    if not request.scenario.is_empty:
        lines.insert(1, f"Szenario: {request.scenario.name or 'ohne Namen'}")
    fig.text(0.08, 0.50, "\n".join(lines), fontsize=13, va="top", linespacing=1.6)
    fig.text(0.08, 0.08, SOURCE_STAMP, fontsize=8, color="#333333")
    return fig


def _key_figures(package: DataPackage, ev: Result, ranking: pd.DataFrame) -> Figure:
    city = city_row(base_frame(package.statistik, ev.year, meeting_place_counts(package))).iloc[0]
    cov = ev.before.city
    fig = _page("Kennzahlen und Befunde")
    figures = pd.DataFrame(
        {
            "Kennzahl": [
                "Einwohner",
                f"{ev.before.target.label}",
                "Anteil 65+ an allen Einwohnern",
                "Offene Begegnungsstätten (gezählt)",
                f"bis {format_number(ev.scenario.params.max_walk_m)} m Gehweg versorgt",
                "nicht fußläufig versorgt",
                "Median des Gehwegs zur nächsten Einrichtung",
            ],
            "Wert": [
                format_number(city["einwohner"]),
                format_number(cov["zielgruppe"]),
                f"{format_number(city['anteil_65plus'], 1)} %",
                format_number(cov["einrichtungen"]),
                f"{format_number(cov['anteil_versorgt'], 1)} % (Spanne {format_number(cov['versorgt_min'])}–{format_number(cov['versorgt_max'])} Personen)",
                format_number(cov["unversorgt"]),
                f"{format_number(cov['median_gehweg_m'])} m ({format_number(cov['median_gehzeit_min'])} min)",
            ],
        }
    )
    _table(fig, figures, top=0.86, bottom=0.52, size=11)
    without = ev.without_places().head(5)
    top = ranking[ranking["gerankt"]].sort_values("rang").head(5)
    findings = [
        "Stadtteile ohne offene Begegnungsstätte mit den meisten Personen der Zielgruppe: "
        + ", ".join(f"{r.stadtteil} ({format_number(r.zielgruppe)})" for r in without.itertuples())
        + ".",
        "Am stärksten unterversorgt (Rang, Spanne bei veränderten Gewichten): "
        + "; ".join(
            f"{int(r.rang)}. {r.stadtteil} ({format_number(r.rang_p05)}–{format_number(r.rang_p95)})"
            for r in top.itertuples()
        )
        + ".",
    ]
    _paragraphs(fig, findings, top=0.45, size=12)
    return fig


def _ranking_table(ranking: pd.DataFrame, coverage: pd.DataFrame, group_label: str) -> Figure:
    fig = _page("Rangfolge der Unterversorgung")
    ranked = ranking[ranking["gerankt"]].sort_values("rang")
    cov = coverage.reindex(ranked.index)
    frame = pd.DataFrame(
        {
            "Rang": ranked["rang"].astype(int),
            "Stadtteil": ranked["stadtteil"],
            "Index": [format_number(v, 1) for v in ranked["index"]],
            "Klasse": ranked["klasse_text"],
            "Rang-Spanne": [
                f"{format_number(a)}–{format_number(b)}"
                for a, b in zip(ranked["rang_p05"], ranked["rang_p95"], strict=True)
            ],
            group_label: [format_number(v) for v in cov["zielgruppe"]],
            "versorgt (%)": [format_number(v, 1) for v in cov["anteil_versorgt"]],
            "nicht versorgt": [format_number(v) for v in cov["unversorgt"]],
        }
    )
    _table(fig, frame, top=0.88, bottom=0.07, size=7.5 if len(frame) > 25 else 9)
    unranked = ranking[~ranking["gerankt"]]
    if len(unranked):
        fig.text(
            0.05,
            0.055,
            "Nicht gerankt: "
            + "; ".join(f"{r.stadtteil} ({r.grund})" for r in unranked.itertuples()),
            fontsize=7,
            color="#333333",
            wrap=True,
        )
    return fig


def _scenario_numbers(ev: Result, scenario: Scenario) -> Figure:
    fig = _page(f"Szenario „{scenario.name or 'ohne Namen'}“: Wirkung")
    lines = [
        f"Neue Standorte: {', '.join(s.name for s in scenario.added) or 'keine'}.",
        f"Geschlossen: {', '.join(scenario.removed) or 'keine'}.",
        f"Zusätzlich fußläufig versorgt: {format_number(ev.newly_covered)} Personen; Anteil "
        f"{format_number(ev.before.city['anteil_versorgt'], 1)} % → {format_number(ev.after.city['anteil_versorgt'], 1)} %.",
    ]
    y = _paragraphs(fig, lines, top=0.86, size=12)
    changed = ev.changed()
    frame = pd.DataFrame(
        {
            "Stadtteil": changed["stadtteil"],
            "versorgt vorher": [format_number(v) for v in changed["versorgt_vorher"]],
            "nachher": [format_number(v) for v in changed["versorgt_nachher"]],
            "neu": [format_number(v) for v in changed["neu_versorgt"]],
            "Rang vorher": [str(v) if pd.notna(v) else "–" for v in changed["rang_vorher"]],
            "nachher ": [str(v) if pd.notna(v) else "–" for v in changed["rang_nachher"]],
            "Klasse vorher": changed["klasse_vorher"],
            "Klasse nachher": changed["klasse_nachher"],
        }
    )
    if len(frame):
        _table(fig, frame.head(28), top=y - 0.02, size=8)
    return fig


def _method(scenario: Scenario, notes: tuple[str, ...]) -> Figure:
    fig = _page("Methode und Datengrundlage")
    p = scenario.params
    items = [
        "Nachfrage: Einwohner jeder bewohnten 100-m-Zelle (Zensus 2022) × Anteil der Zielgruppe im "
        "Stadtteil, so skaliert, dass jeder Stadtteil seine amtliche Zahl ergibt (Näherung: keine "
        "Altersangaben im Gitter).",
        f"Gehweg: Luftlinie × Umwegfaktor {format_number(p.detour, 2)} (kein Wegenetz); Gehtempo "
        f"{format_number(p.speed_mps, 2)} m/s; versorgt bis {format_number(p.max_walk_m)} m Gehweg.",
        "Einrichtungslagen sind ungefähr (Radius je Eintrag im Datenpaket); die Spanne der Versorgung "
        "rechnet mit dem ungünstigsten und günstigsten Fall. Einrichtungen ohne Lage zählen im "
        "Stadtteil, nicht in Entfernungen. Die Einrichtungsliste ist laut Datenpaket unvollständig.",
        f"E2SFCA: Angebot je 1.000 Personen im Einzugsbereich ({format_number(p.catchment_m)} m) mit "
        "Gauß-Gewichtung nach Entfernung.",
        "Unterversorgungsindex: Min-Max-normierte Komponenten, gewichteter Mittelwert × 100; Gewichte "
        + ", ".join(f"{k} {format_number(v, 2)}" for k, v in scenario.weight_map.items())
        + ". Robustheit: 1.000 zufällige Gewichtungen (±50 %).",
        "Nicht veröffentlichte (geheim gehaltene) Werte bleiben leer und werden nie als 0 gezählt.",
        *notes,
        "Quellen und Lizenzen: "
        + "; ".join(f"{data}: {source} ({licence})" for data, source, licence in SOURCES)
        + ".",
    ]
    _paragraphs(fig, items, top=0.86, size=10.5, width=130)
    return fig


def build_report(package: DataPackage, request: ReportRequest, feed: Feed | None = None) -> bytes:
    """Assemble the PDF report.

    Parameters
    ----------
    package : geo.package.DataPackage
        The data package (with the effective facility list).
    request : ReportRequest
        The scenario (its assumptions and, if any, its changes) and the audience.
    feed : geo.gtfs.Feed, optional
        The timetable; with it the report includes the Bus & Bahn figures.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ValueError
        If the year is not available or the scenario cannot be evaluated.
    """
    ev = compute(package, request.scenario, feed)
    scenario, year = ev.scenario, ev.year
    group = TARGET_GROUPS[scenario.target]
    ranking = ev.ranking_before
    buffer = io.BytesIO()
    with PdfPages(
        buffer,
        metadata={"Title": "Begegnungsatlas Magdeburg – Bericht", "Creator": "Begegnungsatlas"},
    ) as pdf:
        pages = [
            _cover(package, request, ev, group.label),
            _key_figures(package, ev, ranking),
            underserved_sheet(package, ranking, ev.before.sites, group.label, year),
            _ranking_table(ranking, ev.before.coverage, group.label),
            coverage_sheet(
                package, ev.before.coverage, ev.before.sites, scenario.params, group.label, year
            ),
        ]
        if not scenario.is_empty:
            removed = package.einrichtungen[package.einrichtungen["id"].isin(scenario.removed)]
            pages.append(
                scenario_sheet(
                    package,
                    ev.before.cells,
                    ev.after.cells,
                    ev.after.sites,
                    removed,
                    scenario.params,
                    f"Szenario „{scenario.name or 'ohne Namen'}“",
                    year,
                )
            )
            pages.append(_scenario_numbers(ev, scenario))
        pages.append(_method(scenario, ev.before.notes + package.notes))
        for page in pages:
            pdf.savefig(page)
    return buffer.getvalue()

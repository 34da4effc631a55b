"""The PDF report for the Seniorenbeirat or a Fachgespräch (A4 landscape, reportlab platypus).

Contents: cover; the most important figures and findings; map and full ranking of the
under-served index; walking coverage (map and table); Bus & Bahn (when a timetable is
given); the scenario (when it changes anything); method, data notes and sources. The
Fachgespräch version adds a technical annex (assumptions, weights, Bus & Bahn parameters,
data notes with ids, facilities without position, method details).

Every figure comes from one :class:`scenarios.evaluation.Result` (:func:`scenarios.evaluation.compute`),
every label from the code path actually taken (e.g. Bus & Bahn only when computed). Text flows
(:mod:`report.layout`): tables continue across pages with their header repeated, nothing is
cut off, and names from data print literally.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import pandas as pd
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from geo.analysis.access_adapter import CITY_ID
from geo.analysis.barrier import ELBE_NOTE
from geo.analysis.demand import TARGET_GROUPS
from geo.facilities import CATEGORIES, is_new
from geo.io.gtfs import WEEKDAYS, Feed
from geo.io.package import DataPackage
from geo.io.sources import ATTRIBUTION, SOURCES
from indicators.composite import (
    CLASS_NOTE,
    COMPONENTS,
    DEFAULT_PRESET,
    DEFAULT_REASON,
    PRESETS,
    SHARED_RANK_SHARE,
    goalpost_text,
    is_robust,
    method_lines,
    preset_label,
    preset_of,
    reason_line,
    shared_rank_text,
)
from indicators.format import format_short
from indicators.table import base_frame, city_row, meeting_place_counts
from maps.sheets import coverage_sheet, datenstand, scenario_sheet, underserved_sheet
from report.layout import ReportDocument, esc, map_image, styles, table
from report.wording import (
    SITE_SOURCES,
    data_notes,
    num,
    pct,
    rank_range,
    rank_span,
    share_range,
    signed,
    unranked_reason,
)
from scenarios.evaluation import CHANGE_TOLERANCE, DRAWS, RANK_NOTE, Result, compute
from scenarios.exchange import file_stem
from scenarios.gaps import new_site_warnings, result_gaps
from scenarios.model import Assumptions, Scenario

AUDIENCES = {
    "seniorenbeirat": "Bericht für den Seniorenbeirat",
    "fachgespraech": "Unterlage für das Fachgespräch",
}
#: The target group as subject of a sentence or after a number.
WHO = {
    "senioren": "ältere Menschen",
    "kinder": "Kinder",
    "jugendliche": "junge Menschen",
    "alle": "Einwohner",
}
#: Body text size per audience (larger type for the Seniorenbeirat).
BODY_SIZE = {"seniorenbeirat": 11.5, "fachgespraech": 10.0}


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


def request_for(
    choice: str,
    audience: str,
    *,
    assumptions: Assumptions,
    current: Scenario,
    load,
) -> ReportRequest:
    """The request the Bericht page builds from its choice (one function for page and tests).

    Parameters
    ----------
    choice : str
        ``""`` (status quo with the sidebar's assumptions), ``"(aktuell)"`` (the scenario of
        the simulation page) or the name of a saved scenario.
    audience : str
        Key of :data:`AUDIENCES`.
    assumptions : Assumptions
        The sidebar's assumptions.
    current : Scenario
        The current (unsaved) scenario.
    load : callable
        ``load(name) -> Scenario`` of the scenario store; a saved scenario brings its own
        assumptions (as ``begegnungsatlas report --scenario`` uses them).

    Returns
    -------
    ReportRequest
    """
    if not choice:
        scenario = Scenario(assumptions=assumptions)
    elif choice == "(aktuell)":
        scenario = current
    else:
        scenario = load(choice)
    return ReportRequest(scenario=scenario, audience=audience)


def file_name(request: ReportRequest) -> str:
    """Download name with audience, scenario and year: the two reports never share a name.

    E.g. ``begegnungsatlas_seniorenbeirat_szenario-neue-mitte_2025.pdf`` or
    ``begegnungsatlas_fachgespraech_ist-zustand_2025.pdf``.
    """
    scenario = request.scenario
    what = (
        "ist-zustand"
        if scenario.overlay.is_empty
        else f"szenario-{file_stem(scenario.name, 'aktuell')}"
    )
    year = f"_{scenario.assumptions.year}" if scenario.assumptions.year else ""
    return f"begegnungsatlas_{request.audience}_{what}{year}.pdf"


@dataclass
class _Context:
    """What every section needs: the package, the result and the audience's wording."""

    package: DataPackage
    request: ReportRequest
    result: Result
    st: dict
    width: float
    height: float

    @property
    def plain(self) -> bool:
        return self.request.audience != "fachgespraech"

    @property
    def scenario(self) -> Scenario:
        """The requested scenario with the assumptions it was computed with (year set)."""
        return replace(self.request.scenario, assumptions=self.result.assumptions)

    @property
    def group(self):
        return TARGET_GROUPS[self.scenario.assumptions.target]

    @property
    def noun(self) -> str:
        """The target group in sentences ("Älteren (65+)")."""
        return self.group.noun

    @property
    def who(self) -> str:
        """The target group as subject or after numbers ("ältere Menschen")."""
        return WHO.get(self.scenario.assumptions.target, "Personen")

    @property
    def place(self) -> tuple[str, str]:
        """Singular and plural of the counted places."""
        if self.scenario.assumptions.target == "senioren":
            return "Begegnungsstätte", "Begegnungsstätten"
        return "Einrichtung", "Einrichtungen"

    @property
    def walk(self) -> str:
        return num(self.scenario.assumptions.params.max_walk_m)

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of our own markup (data must already be escaped)."""
        return Paragraph(text, self.st[style])

    def bullets(self, items: list[str]) -> list[Paragraph]:
        return [Paragraph(item, self.st["bullet"], bulletText="•") for item in items]

    def map(self, figure) -> Flowable:
        """A map sheet filling the page (it carries its own title and legend)."""
        return map_image(figure, self.width, self.height - 1)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """Data gaps of the status quo (what each facility of unknown position could change)."""
        return result_gaps(self.package, self.result, after=False)

    @cached_property
    def gaps_after(self) -> pd.DataFrame:
        """Data gaps with the scenario."""
        return result_gaps(self.package, self.result, after=True)

    def when(self, after: bool = False) -> str:
        """The table label of a scenario report: " – Ist-Zustand" or " – mit Szenario"."""
        if self.scenario.overlay.is_empty:
            return ""
        return " – mit Szenario" if after else " – Ist-Zustand"

    def gap_text(self, nr: str, after: bool = False) -> str:
        """The Stadtteil's data gap in the audience's words ("" without a gap)."""
        gaps = self.gaps_after if after else self.gaps
        if nr not in gaps.index or not gaps.at[nr, "datenluecke"]:
            return ""
        return str(gaps.at[nr, "datenluecke_klartext" if self.plain else "datenluecke_grund"])


def _toc(toc: list[str], text: str) -> Spacer:
    """A contents entry for a page without heading (a map sheet has its own title)."""
    toc.append(text)
    return Spacer(1, 1)


def _h1(ctx: _Context, text: str, toc: list[str]) -> Paragraph:
    toc.append(text)
    return ctx.p(esc(text), "h1")


def _projection_note(package, year: int) -> str:
    """`` – Modellrechnung …`` for a projected year (every projected figure is labelled)."""
    label = package.year_label(year)
    if label is None:
        return ""
    from geo.analysis.projection import source_note

    return f" – {label}: {source_note(label, package.years[-1])}"


def _cover(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res, scenario = ctx.result, ctx.scenario
    stand = datenstand(ctx.package, res.year, version=not ctx.plain)
    facts = [
        f"<b>Zielgruppe:</b> {esc(ctx.group.label)}",
        f"<b>Stand der Statistik:</b> 31.12.{res.year}" + _projection_note(ctx.package, res.year),
        f"<b>Datenstand:</b> {esc(stand)}",
        f"<b>Einrichtungen:</b> {esc(_facility_state(ctx.package))}",
        f"<b>Erstellt am</b> {date.today().strftime('%d.%m.%Y')}",
    ]
    if not scenario.overlay.is_empty:
        name = scenario.name or "aktuelles, nicht gespeichertes Szenario"
        facts.insert(1, f"<b>Szenario:</b> {esc(name)}")
    intro = (
        f"Dieser Bericht zeigt, wo in Magdeburg {esc(ctx.who)} wohnen, wie weit sie zur nächsten "
        f"{ctx.place[0]} gehen und welche Stadtteile am stärksten unterversorgt sind."
    )
    return [
        ctx.p("Begegnungsatlas Magdeburg", "cover_title"),
        ctx.p(esc(AUDIENCES[ctx.request.audience]), "cover_sub"),
        *[ctx.p(fact, "line") for fact in facts],
        Spacer(1, ctx.st["body"].fontSize),
        ctx.p(intro),
    ]


def _facility_state(package: DataPackage) -> str:
    """Where the facility list comes from (package or upload), from the package notes."""
    notes = " ".join(package.notes)
    if "Einrichtungsliste durch Upload ersetzt" in notes:
        return "hochgeladene Liste (ersetzt die Liste des Datenpakets)"
    base = "Liste des Datenpakets, aus öffentlichen Webseiten zusammengestellt (nicht vollständig)"
    if "per Upload ergänzt" in notes:
        return f"{base}, ergänzt per Upload"
    return base


def _city(ctx: _Context) -> pd.Series:
    package, year = ctx.package, ctx.result.year
    return city_row(base_frame(package.statistik, year, meeting_place_counts(package))).iloc[0]


def _share_of_residents(ctx: _Context) -> float:
    """The target group per 100 residents, like the indicators.

    Summed over the Stadtteile where the group's count is published, so page and report
    show the same share.
    """
    stat = ctx.package.statistik
    stat = stat[stat["jahr"] == ctx.result.year]
    published = stat[ctx.group.column].notna() & stat["einwohner"].notna()
    residents = stat.loc[published, "einwohner"].sum()
    return (
        stat.loc[published, ctx.group.column].sum() / residents * 100 if residents else float("nan")
    )


def _unlocated_text(n: int) -> str:
    if not n:
        return ""
    return f"davon {'eine' if n == 1 else num(n)} ohne bekannte Lage (zählt im Stadtteil)"


def _key_figures(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res = ctx.result
    cov = res.before.city
    one, many = ctx.place
    residents = _city(ctx)["einwohner"]
    placed = cov["verortet"]
    low = cov["versorgt_min"] / placed * 100 if placed else float("nan")
    high = cov["versorgt_max"] / placed * 100 if placed else float("nan")
    without = res.without_places()
    n_unlocated = len(res.before.unlocated)
    rows = [
        [
            "Einwohner",
            num(residents),
            f"31.12.{res.year}" + _projection_note(ctx.package, res.year),
        ],
        [
            ctx.group.label,
            num(cov["zielgruppe"]),
            f"{pct(_share_of_residents(ctx))} der Einwohner" if residents else "",
        ],
        [f"Gezählte offene {many}", num(cov["einrichtungen"]), _unlocated_text(n_unlocated)],
        [
            f"Höchstens {ctx.walk} m Fußweg zur nächsten {one}",
            pct(cov["anteil_versorgt"]),
            f"{num(cov['versorgt'])} Personen; {share_range(low, high, n_unlocated)}",
        ],
        [f"Weiter als {ctx.walk} m entfernt", num(cov["unversorgt"]), "Personen"],
        [
            "Mittlerer Fußweg (Median)",
            f"{num(cov['median_gehweg_m'])} m",
            f"etwa {num(cov['median_gehzeit_min'])} Minuten; die Hälfte wohnt näher, die Hälfte "
            "weiter entfernt",
        ],
        [f"Stadtteile ohne gezählte {one}", num(len(without)), f"in denen {ctx.who} wohnen"],
    ]
    transit = res.transit_before
    if transit is not None:
        minutes = num(ctx.scenario.assumptions.transit.max_minutes)
        rows.append(
            [
                f"In {minutes} Minuten mit Bus & Bahn",
                pct(transit.at[CITY_ID, "anteil_oepnv"]),
                f"zu Fuß allein in {minutes} Minuten: {pct(transit.at[CITY_ID, 'anteil_fuss'])}",
            ]
        )
    flow: list[Flowable] = [
        PageBreak(),
        _h1(ctx, "Das Wichtigste in Kürze" + ctx.when(), toc),
        table(["Kennzahl", "Wert", "Erläuterung"], rows, [3.2, 1.2, 5.6], ctx.st, right=[1]),
    ]
    if len(without):
        others = _other_places(ctx, without.index)
        listing = [
            f"{esc(r.stadtteil)} ({num(r.zielgruppe)}{others.get(nr, '')})"
            for nr, r in zip(without.index[:5], without.head(5).itertuples(), strict=True)
        ]
        listed = ", ".join(listing[:-1]) + " und " + listing[-1] if len(listing) > 1 else listing[0]
        flow += [
            ctx.p(f"Stadtteile ohne gezählte {esc(one)}", "h2"),
            ctx.p(
                f"In {num(len(without))} Stadtteilen, in denen {esc(ctx.who)} wohnen, gibt es keine "
                f"gezählte {esc(one)}. Die meisten Betroffenen leben in {listed}. Die Liste der "
                "Einrichtungen ist nicht vollständig: Treffs von Vereinen fehlen zum Teil."
            ),
        ]
    flow += _top_five(ctx)
    return flow


def _top_five(ctx: _Context) -> list[Flowable]:
    """The five most under-served Stadtteile with their main reasons and data gaps."""
    res = ctx.result
    ranked = res.ranking_before[res.ranking_before["gerankt"]].sort_values("rang").head(5)
    inputs = res.inputs_before
    items = []
    for nr, r in zip(ranked.index, ranked.itertuples(), strict=True):
        gap = ctx.gap_text(nr)
        robust = is_robust(ranked.loc[nr], bool(gap))
        text = (
            f"<b>{esc(shared_rank_text(r.rang_von, r.rang_bis))}. {esc(r.stadtteil)}</b> – "
            f"vor allem: {esc(reason_line(ranked.loc[nr], inputs.loc[nr], plain=ctx.plain))}. "
            f"{_sentence(esc(rank_range(r, robust)))}."
        )
        if gap:
            text += f" <i>Datenlücke:</i> {esc(gap)}."
        items.append(text)
    return [
        ctx.p("Am stärksten unterversorgt", "h2"),
        ctx.p(
            "Der Unterversorgungsindex verbindet den Bedarf mit der Versorgung (0 bis 100; höher "
            "heißt stärker unterversorgt). Jede Größe wird an festen Eckwerten gemessen, nicht "
            f"am Vergleich der Stadtteile. Gewichtung {esc(preset_label(ctx.scenario.assumptions.weight_map))}: "
            f"{esc(_question(ctx))} Die fünf Stadtteile mit dem höchsten Index, mit den "
            "Bestandteilen, die am meisten beitragen:"
        ),
        *ctx.bullets(items),
    ]


def _sentence(text: str) -> str:
    """``text`` with a capital first letter (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def _question(ctx: _Context) -> str:
    """The question the weighting answers, and why the default is the default."""
    key = preset_of(ctx.scenario.assumptions.weight_map)
    asked = PRESETS[key].question if key else "eigene Gewichte der Bestandteile."
    return f"{asked} Standard ist „{DEFAULT_PRESET}“: {DEFAULT_REASON}"


def _other_places(ctx: _Context, numbers: pd.Index) -> dict[str, str]:
    """Open places of other kinds in Stadtteile without a counted one ("; dort: …")."""
    facilities = ctx.package.einrichtungen
    counted = set(ctx.result.before.sites["id"].astype(str)) | set(
        ctx.result.before.unlocated["id"].astype(str)
    )
    others = facilities[
        facilities["stadtteil_nr"].isin(numbers)
        & (facilities["in_betrieb"] != "nein")
        & (facilities["oeffentlich"] != "nein")
        & ~facilities["id"].astype(str).isin(counted)
        & facilities["kategorie"].isin(("senioren_begegnung", "generationen"))
    ]
    out = {}
    for nr, group in others.groupby("stadtteil_nr"):
        names = ", ".join(f"„{esc(n)}“" for n in group["name"].astype(str))
        out[str(nr)] = f"; dort gibt es {names}, hier nicht als {esc(ctx.place[0])} gezählt"
    return out


def _ranking(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res = ctx.result
    ranking = res.ranking_before
    flow: list[Flowable] = [
        PageBreak(),
        _toc(toc, "Karte der Unterversorgung" + ctx.when()),
        ctx.map(
            underserved_sheet(
                ctx.package,
                ranking,
                res.before.sites,
                ctx.group.label,
                res.year,
                weights=ctx.scenario.assumptions.weight_map,
                version=not ctx.plain,
            )
        ),
        PageBreak(),
        _h1(ctx, "Rangfolge der Unterversorgung" + ctx.when(), toc),
        ctx.p(
            "Rang 1 ist der am stärksten unterversorgte Stadtteil. Ein Rang wie „2–3“ heißt: "
            "Die Reihenfolge dieser Stadtteile hängt von der Gewichtung ab, nicht von den Daten. "
            f"{esc(CLASS_NOTE)}. Die Spalte „bei anderen Gewichten“ zeigt, welche Ränge ein "
            "Stadtteil erreicht, wenn die Gewichte der Bestandteile zufällig um bis zu die Hälfte "
            "verändert werden (in 90 von 100 Fällen); „je nach Lage“ zeigt den besten und den "
            "schlechtesten Rang, wenn die Einrichtungen mit ungenauer oder unbekannter Lage am "
            "ungünstigsten bzw. günstigsten lägen."
        ),
    ]
    ranked = ranking[ranking["gerankt"]].sort_values("rang")
    cov = res.before.coverage.reindex(ranked.index)
    incomplete = ranked["unvollstaendig"].astype(bool)
    rows = [
        [
            shared_rank_text(r.rang_von, r.rang_bis),
            r.stadtteil + (" *" if incomplete[nr] else ""),
            num(r.index, 1),
            r.klasse_text,
            rank_span(r.rang_p05, r.rang_p95),
            rank_span(r.rang_luecke_von, r.rang_luecke_bis),
            pct(cov.at[nr, "anteil_versorgt"]),
            ctx.gap_text(nr) or "–",
        ]
        for nr, r in zip(ranked.index, ranked.itertuples(), strict=True)
    ]
    header = [
        "Rang",
        "Stadtteil",
        "Index (0–100)",
        "Klasse",
        "bei anderen Gewichten",
        "je nach Lage",
        f"bis {ctx.walk} m versorgt",
        "Datenlücke",
    ]
    flow.append(table(header, rows, [0.8, 2.2, 1.0, 1.0, 1.2, 1.0, 1.1, 3.6], ctx.st, right=[2, 6]))
    if incomplete.any():
        flow.append(
            ctx.p(
                "* Für diesen Stadtteil fehlt ein Bestandteil des Index (nicht veröffentlicht); "
                "der Index rechnet ohne ihn.",
                "small",
            )
        )
    unranked = ranking[~ranking["gerankt"]]
    if len(unranked):
        flow += [
            ctx.p("Nicht in der Rangfolge", "h2"),
            table(
                ["Stadtteil", "Grund"],
                [[r.stadtteil, unranked_reason(r.grund, ctx.who)] for r in unranked.itertuples()],
                [3, 7],
                ctx.st,
            ),
        ]
    return flow


def _coverage(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res = ctx.result
    one, many = ctx.place
    cov = res.before.coverage.sort_values("stadtteil", key=lambda s: s.str.lower())
    rows = []
    for _nr, r in cov.iterrows():
        placed = r["verortet"]
        low = r["versorgt_min"] / placed * 100 if placed and placed > 0 else None
        high = r["versorgt_max"] / placed * 100 if placed and placed > 0 else None
        rows.append(
            [
                r["stadtteil"],
                num(r["zielgruppe"]),
                num(r["versorgt"]),
                pct(r["anteil_versorgt"]),
                f"{num(low, 1)} bis {num(high, 1)} %"
                if low is not None and high is not None
                else "",
                num(r["median_gehweg_m"]),
                num(r["einrichtungen"]),
            ]
        )
    header = [
        "Stadtteil",
        ctx.group.label,
        f"bis {ctx.walk} m versorgt",
        "Anteil",
        "Spanne je nach Lage der erfassten Einrichtungen",
        "mittlerer Fußweg (m)",
        f"gezählte {many}",
    ]
    return [
        PageBreak(),
        _toc(toc, "Karte der fußläufigen Versorgung" + ctx.when()),
        ctx.map(
            coverage_sheet(
                ctx.package,
                res.before.coverage,
                res.before.sites,
                res.before.params,
                ctx.group.label,
                res.year,
                version=not ctx.plain,
            )
        ),
        PageBreak(),
        _h1(ctx, "Fußläufige Versorgung je Stadtteil" + ctx.when(), toc),
        ctx.p(
            f"Versorgt heißt: höchstens {ctx.walk} m Fußweg bis zur nächsten {esc(one)}. Die "
            "Lage mancher Einrichtungen ist nur ungefähr oder gar nicht bekannt; die Spanne "
            "zeigt den Anteil, wenn alle erfassten Einrichtungen zugleich am ungünstigsten bzw. "
            "günstigsten lägen. Die Liste ist nicht vollständig: mit weiteren Einrichtungen läge "
            "der Anteil höher. Leere Felder: Zahl nicht veröffentlicht oder niemand gemeldet."
        ),
        table(header, rows, [2.6, 1.5, 1.4, 1.0, 1.8, 1.3, 1.2], ctx.st, right=[1, 2, 3, 4, 5, 6]),
    ]


def _day_text(ctx: _Context) -> str:
    travel = ctx.result.travel_before
    params = ctx.scenario.assumptions.transit
    day = travel.day if travel is not None else None

    def hhmm(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    when = f"{WEEKDAYS[day.weekday()]}, {day.strftime('%d.%m.%Y')}" if day else params.label
    return f"{when}, Abfahrt zwischen {hhmm(params.start_min)} und {hhmm(params.end_min)} Uhr"


def _transit(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res = ctx.result
    transit = res.transit_before
    if transit is None:
        return []
    one, _many = ctx.place
    minutes = num(ctx.scenario.assumptions.transit.max_minutes)
    city = transit.loc[CITY_ID]
    by_area = transit.drop(index=CITY_ID).join(res.before.coverage["stadtteil"])
    by_area = by_area.sort_values("stadtteil", key=lambda s: s.str.lower())
    rows = [
        [
            r["stadtteil"],
            num(r["zielgruppe"]),
            pct(r["anteil_oepnv"]),
            pct(r["anteil_fuss"]),
            num(r["median_min_oepnv"]),
        ]
        for _nr, r in by_area.iterrows()
    ]
    text = [
        f"Wie viele {esc(ctx.who)} erreichen die nächste {esc(one)} in höchstens {minutes} "
        "Minuten – mit Bus &amp; Bahn (einschließlich der Fußwege zur und von der Haltestelle) "
        "oder zu Fuß allein? Gerechnet nach dem Fahrplan für "
        f"{esc(_day_text(ctx))}; gezeigt ist der mittlere Wert über alle Abfahrten.",
        f"<b>Ganze Stadt:</b> mit Bus &amp; Bahn {pct(city['anteil_oepnv'])}, zu Fuß allein "
        f"{pct(city['anteil_fuss'])}.",
    ]
    if ctx.scenario.assumptions.transit.wheelchair_only:
        text.append(
            "Gerechnet nur mit Haltestellen, die im Fahrplan als barrierefrei markiert sind."
        )
    header = [
        "Stadtteil",
        ctx.group.label,
        f"in {minutes} min mit Bus & Bahn",
        f"in {minutes} min zu Fuß",
        "mittlere Reisezeit (min)",
    ]
    return [
        PageBreak(),
        _h1(ctx, "Mit Bus & Bahn" + ctx.when(), toc),
        *[ctx.p(t) for t in text],
        table(header, rows, [3, 1.6, 1.8, 1.6, 1.6], ctx.st, right=[1, 2, 3, 4]),
        ctx.p(
            "Leere Felder: Zahl nicht veröffentlicht oder keine Verbindung im Zeitfenster.", "small"
        ),
    ]


#: How many new places the report's proposal names.
PROPOSED_SITES = 3


def _proposals(ctx: _Context, toc: list[str]) -> list[Flowable]:
    """Where new places would reach the most people: the optimiser's proposal (k = 3)."""
    from scenarios.proposals import propose  # the solver is imported when a report needs it

    res = ctx.result
    many = ctx.place[1]
    try:
        proposal = propose(ctx.package, res.after, PROPOSED_SITES)
    except ValueError:  # e.g. no candidate left: the section is left out
        return []
    rows = []
    for i, r in enumerate(proposal.sites.itertuples(), start=1):
        notes = [w.split(" Lage klären")[0] if ctx.plain else w for w in r.warnungen]
        rows.append([num(i), r.name, r.stadtteil, num(r.gewinn), " ".join(notes) or "–"])
    flow: list[Flowable] = [
        PageBreak(),
        _h1(ctx, f"Vorschläge für neue {many}" + ctx.when(after=True), toc),
        ctx.p(
            f"Wo brächten {num(PROPOSED_SITES)} neue {esc(many)} die meisten {esc(ctx.noun)} in "
            f"höchstens {ctx.walk} m Fußweg? Die Standortsuche prüft alle bewohnten "
            "100-m-Zellen; die bestehenden Einrichtungen bleiben. Zusammen kämen "
            f"<b>{num(proposal.covered_after - proposal.covered_before)}</b> {esc(ctx.who)} "
            "hinzu. Ein Hinweis steht dort, wo eine gezählte Einrichtung ohne genaue Lage schon "
            "in der Nähe sein könnte."
        ),
        table(
            ["Nr.", "Ort", "Stadtteil", "zusätzlich versorgt", "Hinweis"],
            rows,
            [0.6, 3.2, 1.8, 1.3, 5.0],
            ctx.st,
            right=[0, 3],
        ),
    ]
    alts = proposal.alternatives
    if not ctx.plain and len(alts):
        flow += [
            ctx.p("Gleichwertige Alternativen (mindestens 95 % des Optimums)", "h2"),
            table(
                [
                    "statt",
                    "Alternative",
                    "Stadtteil",
                    "zusammen zusätzlich versorgt",
                    "Abstand (m)",
                ],
                [
                    [r.ersetzt, r.alternative, r.stadtteil, num(r.versorgt), num(r.abstand_m)]
                    for r in alts.itertuples()
                ],
                [3, 3.4, 1.8, 1.4, 1.2],
                ctx.st,
                right=[3, 4],
            ),
            ctx.p(
                f"Verfahren: {esc(proposal.result.method)}; Gehweg = {esc(proposal.walk_label)}.",
                "small",
            ),
        ]
    return flow


def _new_site_areas(res: Result) -> list[str]:
    """Stadtteil of each new site, in the order of ``overlay.added`` (column ``neu``)."""
    new = res.after.sites[is_new(res.after.sites)]["stadtteil"].astype(str).tolist()
    return [new[i] if i < len(new) else "" for i in range(len(res.overlay.added))]


def _scenario(ctx: _Context, toc: list[str]) -> list[Flowable]:
    """The scenario: what it changes, its effect, its map and the Stadtteile it changes."""
    if ctx.scenario.overlay.is_empty:
        return []
    name = ctx.scenario.name or "aktuelles Szenario"
    return [
        PageBreak(),
        _h1(ctx, f"Szenario „{name}“", toc),
        *_scenario_changes(ctx),
        ctx.p("<b>Wirkung:</b>"),
        *ctx.bullets(_scenario_effect(ctx)),
        PageBreak(),
        _toc(toc, f"Szenario „{name}“: Karte"),
        ctx.map(_scenario_map(ctx, name)),
        PageBreak(),
        _h1(ctx, f"Szenario „{name}“: veränderte Stadtteile (Ist-Zustand und mit Szenario)", toc),
        *_changed_stadtteile(ctx),
        ctx.p(esc(RANK_NOTE)),
    ]


def _scenario_changes(ctx: _Context) -> list[Flowable]:
    """The scenario's note, new sites (with warnings), closed places and crossings."""
    res, scenario = ctx.result, ctx.scenario
    areas = _new_site_areas(res)
    warnings = new_site_warnings(res)
    added = [
        f"{esc(site.name)} ({esc(areas[i])}; {SITE_SOURCES.get(site.source, 'neu')})"
        + "".join(f"<br/><i>Achtung:</i> {esc(w)}" for w in warnings[i])
        for i, site in enumerate(scenario.overlay.added)
    ]
    names = ctx.package.einrichtungen.set_index("id")["name"].astype(str)
    closed = [
        esc(names.get(i, "eine Einrichtung, die im Datenpaket nicht mehr steht"))
        for i in scenario.overlay.removed
    ]
    crossings = [f"neue Elbquerung: {esc(c.name)}" for c in scenario.overlay.crossings_added]
    crossings += [f"für Fußwege gesperrt: {esc(c)}" for c in scenario.overlay.crossings_closed]
    flow: list[Flowable] = []
    if scenario.note:
        flow.append(ctx.p(f"<i>Notiz:</i> {esc(scenario.note)}"))
    if added:
        flow += [ctx.p("<b>Neue Standorte:</b>"), *ctx.bullets(added)]
    if closed:
        flow += [ctx.p("<b>Gedanklich geschlossen:</b>"), *ctx.bullets(closed)]
    if crossings:
        flow += [ctx.p("<b>Elbquerungen:</b>"), *ctx.bullets(crossings)]
    return flow


def _scenario_effect(ctx: _Context) -> list[str]:
    """The scenario's effect in sentences: gained, lost, net, share, and by Bus & Bahn."""
    res = ctx.result
    one, _many = ctx.place
    before, after = res.before.city, res.after.city
    change = res.table["neu_versorgt"]
    gained, lost = change[change > 0].sum(), -change[change < 0].sum()
    numbers = []
    if gained > CHANGE_TOLERANCE:
        numbers.append(
            f"Neu höchstens {ctx.walk} m von einer {esc(one)} entfernt: <b>{num(gained)}</b> "
            f"{esc(ctx.who)}."
        )
    if lost > CHANGE_TOLERANCE:
        numbers.append(
            f"Nicht mehr höchstens {ctx.walk} m entfernt: <b>{num(lost)}</b> {esc(ctx.who)}."
        )
    numbers += [
        f"Zusammen: {signed(res.newly_covered)} {esc(ctx.who)} mit höchstens {ctx.walk} m Fußweg; "
        f"Anteil im Ist-Zustand {pct(before['anteil_versorgt'])}, mit Szenario "
        f"{pct(after['anteil_versorgt'])}.",
    ]
    if res.newly_by_transit is not None:
        numbers.append(
            f"In {num(ctx.scenario.assumptions.transit.max_minutes)} Minuten mit Bus &amp; Bahn erreichbar: "
            f"{signed(res.newly_by_transit)} {esc(ctx.who)}."
        )
    return numbers


def _scenario_map(ctx: _Context, name: str):
    """The map sheet of the scenario (coverage before and after, new and closed sites)."""
    res, package = ctx.result, ctx.package
    removed = package.einrichtungen[package.einrichtungen["id"].isin(ctx.scenario.overlay.removed)]
    return scenario_sheet(
        package,
        res.before.cells,
        res.after.cells,
        res.after.sites,
        removed,
        res.after.params,
        f"Szenario „{name}“",
        res.year,
        version=not ctx.plain,
    )


def _changed_stadtteile(ctx: _Context) -> list[Flowable]:
    """Every Stadtteil whose coverage, index or class the scenario changes, before and after."""
    changed = ctx.result.changed()
    if changed.empty:
        return [
            ctx.p(
                "Das Szenario verändert in keinem Stadtteil die fußläufige Versorgung, den Index "
                "oder die Klasse der Unterversorgung."
            )
        ]
    rows = [
        [
            r.stadtteil,
            num(r.versorgt_vorher),
            num(r.versorgt_nachher),
            num(r.neu_versorgt),
            num(r.index_vorher, 1),
            num(r.index_nachher, 1),
            num(r.rang_vorher),
            num(r.rang_nachher),
            r.klasse_vorher or "",
            r.klasse_nachher or "",
        ]
        for r in changed.itertuples()
    ]
    header = [
        "Stadtteil",
        "versorgt Ist-Zustand",
        "versorgt mit Szenario",
        "zusätzlich versorgt",
        "Index Ist-Zustand",
        "Index mit Szenario",
        "Rang Ist-Zustand",
        "Rang mit Szenario",
        "Klasse Ist-Zustand",
        "Klasse mit Szenario",
    ]
    return [
        ctx.p(
            "Alle Stadtteile, deren Versorgung, Index oder Klasse sich mit dem Szenario "
            "ändert – auch ohne neu Versorgte, wenn ein neuer Standort das Angebot im "
            "weiteren Umkreis (E2SFCA) verändert."
        ),
        table(
            header,
            rows,
            [2.0, 1.3, 1.3, 1.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3],
            ctx.st,
            right=[1, 2, 3, 4, 5, 6, 7],
        ),
    ]


def _groups_in_words(weights: dict[str, float], plain: bool = False) -> str:
    groups: dict[str, list[str]] = {}
    for comp in COMPONENTS:
        if weights[comp.key] > 0:
            label = comp.label
            if plain:  # no method abbreviations for the Seniorenbeirat
                label = label.replace(" (E2SFCA)", " im Einzugsbereich")
            groups.setdefault(comp.group, []).append(label)
    return "; ".join(f"{group}: {', '.join(labels)}" for group, labels in groups.items())


def _method(ctx: _Context, toc: list[str]) -> list[Flowable]:
    res, scenario = ctx.result, ctx.scenario
    p, sel = scenario.assumptions.params, scenario.assumptions.selection
    many = ctx.place[1]
    minutes_walk = p.max_walk_m / p.speed_mps / 60
    counted = "; ".join(CATEGORIES.get(c, c) for c in sel.categories)
    restricted = (
        "auch Häuser, die vor allem für ihre Bewohner da sind"
        if sel.include_restricted
        else "ohne Häuser, die vor allem für ihre Bewohner da sind"
    )
    unclear = (
        "auch solche, deren Betrieb nicht aktuell bestätigt ist"
        if sel.include_unclear
        else "nur solche mit aktuell bestätigtem Betrieb"
    )
    items = [
        f"<b>Wo die {esc(ctx.noun)} wohnen:</b> Einwohner jeder bewohnten 100-m-Zelle des Zensus "
        "2022, aufgeteilt nach dem Anteil der Zielgruppe im Stadtteil (das Gitter kennt kein "
        "Alter); jeder Stadtteil ergibt so seine amtliche Zahl.",
        f"<b>Wege:</b> {esc(res.after.params.label)} (Umwegfaktor {format_short(p.detour)}) – es gibt "
        f"kein Wegenetz.{esc(ELBE_NOTE) if res.after.params.barrier else ''} "
        f"Gehtempo {format_short(p.speed_mps)} m pro Sekunde. Versorgt heißt: höchstens {ctx.walk} m "
        f"Fußweg (etwa {num(minutes_walk)} Minuten).",
        f"<b>Gezählt werden</b> offene {esc(many)} der Art „{esc(counted)}“ – {restricted}, "
        f"{unclear}.",
        "<b>Lage der Einrichtungen:</b> oft nur ungefähr, bei manchen gar nicht bekannt. Darum "
        "werden alle Einrichtungen zugleich an den ungünstigsten und an den günstigsten Ort "
        "gestellt, an dem sie liegen können (eine ohne Lage: irgendwo in ihrem Stadtteil); "
        "daraus ergibt sich die Spanne. Sie gilt für die erfassten Einrichtungen – die Liste ist "
        "nicht vollständig.",
        "<b>Unterversorgungsindex:</b> verbindet "
        f"{esc(_groups_in_words(scenario.assumptions.weight_map, ctx.plain))}. Jede Größe wird an festen Eckwerten "
        "gemessen (0 = kein Bedarf, 1 = voller Bedarf), nicht am Vergleich der Stadtteile; so "
        "ändert sich der Index eines Stadtteils nur, wenn sich seine eigenen Werte ändern. Der "
        "Index ist ihr gewichteter Mittelwert mal 100. Gewichtung "
        f"{esc(preset_label(scenario.assumptions.weight_map))}: {esc(_question(ctx))}",
        f"Stadtteile mit weniger als {num(scenario.assumptions.min_people)} {esc(ctx.who)} werden nicht "
        "verglichen. Nicht veröffentlichte Zahlen bleiben leer und zählen nie als 0.",
    ]
    if res.transit_before is not None:
        t = scenario.assumptions.transit
        items.append(
            "<b>Bus &amp; Bahn:</b> Fahrplan der MVB; Fußweg zur und von der Haltestelle "
            f"höchstens {num(t.max_access_m)} m, jedes Umsteigen kostet {num(t.transfer_penalty_min)} "
            "Minuten zusätzlich."
        )
    if not scenario.overlay.is_empty:
        items.append(f"<b>Szenario:</b> {esc(RANK_NOTE)}")
    notes = data_notes(ctx.package.notes + res.before.notes, plain=True)
    flow: list[Flowable] = [
        PageBreak(),
        _h1(ctx, "Wie gerechnet wurde", toc),
        *ctx.bullets(items),
    ]
    if notes:
        flow += [ctx.p("Hinweise zu den Daten", "h2"), *ctx.bullets([esc(n) for n in notes])]
    flow += [
        ctx.p("Quellen und Lizenzen", "h2"),
        table(["Daten", "Quelle", "Lizenz"], [list(s) for s in SOURCES], [3, 5, 2], ctx.st),
        Spacer(1, ctx.st["body"].fontSize * 0.6),
        ctx.p(f"Bei Veröffentlichung bitte angeben: {esc(ATTRIBUTION)}."),
    ]
    return flow


def _crossing_rows(scenario: Scenario) -> list[list[str]]:
    """Annex rows for the Elbe crossings a scenario adds or closes (none: no rows)."""
    rows = []
    if scenario.overlay.crossings_added:
        rows.append(
            [
                "Elbquerung im Szenario neu",
                "; ".join(c.name for c in scenario.overlay.crossings_added),
            ]
        )
    if scenario.overlay.crossings_closed:
        rows.append(
            ["Elbquerung im Szenario gesperrt", "; ".join(scenario.overlay.crossings_closed)]
        )
    return rows


def _yes(flag: bool) -> str:
    return "ja" if flag else "nein"


def _annex(ctx: _Context, toc: list[str]) -> list[Flowable]:
    """Technical annex of the Fachgespräch version."""
    return [
        PageBreak(),
        _h1(ctx, "Technischer Anhang", toc),
        ctx.p("Annahmen", "h2"),
        table(["Annahme", "Wert"], _assumption_rows(ctx), [5, 5], ctx.st),
        *_weights_section(ctx),
        *_transit_assumptions(ctx),
        *_method_details(ctx),
        *_data_notes_section(ctx),
        *_unlocated_section(ctx),
        *_scenario_sites_section(ctx),
    ]


def _assumption_rows(ctx: _Context) -> list[list[str]]:
    """The report's assumptions: year, group, counted places, walking, ranking, package."""
    res, scenario = ctx.result, ctx.scenario
    p, sel = scenario.assumptions.params, scenario.assumptions.selection
    return [
        ["Jahr der Statistik", str(res.year)],
        ["Zielgruppe", ctx.group.label],
        ["Gezählte Kategorien", "; ".join(CATEGORIES.get(c, c) for c in sel.categories)],
        ["Eingeschränkt zugängliche Einrichtungen mitgezählt", _yes(sel.include_restricted)],
        ["Einrichtungen mit unklarem Betrieb mitgezählt", _yes(sel.include_unclear)],
        ["Schwelle fußläufig (Gehweg)", f"{num(p.max_walk_m)} m"],
        ["Gehweg", res.after.params.label],
        ["Umwegfaktor (Gehweg = Luftlinie × Faktor)", format_short(p.detour)],
        *_crossing_rows(scenario),
        ["Gehtempo", f"{format_short(p.speed_mps)} m/s"],
        ["Einzugsbereich E2SFCA (Gauß-Gewichtung)", f"{num(p.catchment_m)} m"],
        ["Mindestgröße für die Rangfolge", f"{num(scenario.assumptions.min_people)} Personen"],
        [
            "Robustheit der Ränge",
            f"{num(DRAWS)} Ziehungen, jedes Gewicht × 0,5 bis 1,5; geteilter Rang, wenn sich die "
            f"Reihenfolge in mindestens {num(SHARED_RANK_SHARE * 100)} % der Ziehungen umkehrt",
        ],
        ["Datenpaket (Version)", ctx.package.version],
    ]


def _weights_section(ctx: _Context) -> list[Flowable]:
    """Goalposts and weights of the index: every preset and the one of this report."""
    scenario = ctx.scenario
    weights = scenario.assumptions.weight_map
    total = sum(weights.values())
    weight_rows = [
        [
            comp.label,
            comp.group,
            goalpost_text(comp.key, scenario.assumptions.target),
            *[
                pct(p.weights[comp.key] * 100) if p.weights[comp.key] else "–"
                for p in PRESETS.values()
            ],
            pct(weights[comp.key] / total * 100) if weights[comp.key] > 0 else "nicht einbezogen",
        ]
        for comp in COMPONENTS
    ]
    return [
        ctx.p("Eckwerte und Gewichte des Unterversorgungsindex", "h2"),
        ctx.p(
            f"Gewichtung in diesem Bericht: {esc(preset_label(weights))}. {esc(_question(ctx))} "
            f"Eckwerte für „{esc(ctx.group.label)}“: Score 0 beim ersten, 1 beim zweiten Wert, "
            "dazwischen linear, darüber hinaus gekappt."
        ),
        table(
            [
                "Bestandteil",
                "Gruppe",
                "Eckwerte",
                *[f"„{k}“" for k in PRESETS],
                "in diesem Bericht",
            ],
            weight_rows,
            [3.2, 1.4, 2.6, 1.1, 1.1, 1.4],
            ctx.st,
            right=[3, 4, 5],
        ),
    ]


def _transit_assumptions(ctx: _Context) -> list[Flowable]:
    """The Bus & Bahn settings, or that no timetable was there."""
    res, scenario = ctx.result, ctx.scenario
    heading = ctx.p("Bus &amp; Bahn", "h2")
    if res.transit_before is None:
        return [heading, ctx.p("Nicht berechnet: für diesen Bericht lag kein Fahrplan vor.")]
    t, p = scenario.assumptions.transit, scenario.assumptions.params
    travel = res.travel_before
    transit_rows = [
        ["Tag und Zeitfenster", _day_text(ctx)],
        ["Abfahrten im Fenster", f"alle {num(t.step_min)} Minuten; Median über alle"],
        ["Schwelle", f"{num(t.max_minutes)} Minuten"],
        ["Fußweg zur und von der Haltestelle höchstens", f"{num(t.max_access_m)} m Gehweg"],
        ["Umsteigezuschlag", f"{num(t.transfer_penalty_min)} Minuten"],
        ["Umsteigen zu Fuß höchstens", f"{num(t.transfer_walk_m)} m"],
        ["Ankunft nach dem Fenster höchstens", f"{num(t.horizon_min)} Minuten"],
        ["Nur barrierefreie Haltestellen", _yes(t.wheelchair_only)],
        [
            "Gehtempo und Umwegfaktor",
            f"wie zu Fuß ({format_short(p.speed_mps)} m/s; {format_short(p.detour)})",
        ],
    ]
    if travel is not None:
        transit_rows.append(["Ausgewertete Fahrten-Abschnitte", num(travel.n_connections)])
    return [heading, table(["Annahme", "Wert"], transit_rows, [5, 5], ctx.st)]


def _method_details(ctx: _Context) -> list[Flowable]:
    """Demand, range, E2SFCA and index in detail."""
    with_transit = ctx.scenario.assumptions.weight_map["oepnv"] > 0
    return [
        ctx.p("Methode im Detail", "h2"),
        *ctx.bullets(
            [
                "Nachfrage je Zelle = Einwohner der Zelle × Anteil der Zielgruppe im Stadtteil, "
                "je Stadtteil auf die amtliche Zahl skaliert; Zellen gehören zum Stadtteil ihres "
                "Mittelpunkts.",
                "Spanne: jede Einrichtung liegt innerhalb ihres Lage-Radius (und in der Stadt), "
                "eine ohne Lage irgendwo in ihrem Stadtteil (Gitter von Orten im Stadtteil und "
                "seine bewohnten Zellen). Alle Einrichtungen werden gemeinsam gesetzt: je "
                "Stadtteil und für die Stadt die Lage aller Einrichtungen, bei der am wenigsten "
                "bzw. am meisten Menschen tatsächlich zu Fuß versorgt sind (eine nach der anderen "
                "an ihren besten bzw. schlechtesten Ort, bis sich nichts mehr verbessert). "
                "Günstigster Fall: Einrichtung nahe an den Menschen (Radius vom Weg abgezogen); "
                "ungünstigster: Radius zum Weg addiert, eine Einrichtung ohne Lage nicht gezählt. "
                "Die Spanne gilt für die erfassten Einrichtungen; die Liste ist nicht vollständig.",
                "E2SFCA: Schritt 1 teilt jede Einrichtung durch die gewichtete Nachfrage im "
                "Einzugsbereich, Schritt 2 summiert diese Verhältnisse um jede Zelle; Gewicht "
                "W(d) = (exp(−½(d/d₀)²) − exp(−½)) / (1 − exp(−½)); je 1.000 Personen, als "
                "nachfragegewichteter Mittelwert der Zellen eines Stadtteils.",
                *[
                    f"Index: {esc(line)}"
                    for line in method_lines(ctx.scenario.assumptions.target, with_transit)
                ],
                f"Szenario: {esc(RANK_NOTE)}",
            ]
        ),
    ]


def _data_notes_section(ctx: _Context) -> list[Flowable]:
    """Notes on the data of the package and the analysis (none: nothing)."""
    notes = data_notes(ctx.package.notes + ctx.result.before.notes, plain=False)
    if not notes:
        return []
    return [ctx.p("Hinweise zu den Daten", "h2"), *ctx.bullets([esc(n) for n in notes])]


def _unlocated_section(ctx: _Context) -> list[Flowable]:
    """The facilities without known position, and whether this report counts them."""
    einr = ctx.package.einrichtungen
    no_position = einr[einr.geometry.isna() | einr.geometry.is_empty]
    if not len(no_position):
        return []
    counted = set(ctx.result.before.unlocated["id"].astype(str))
    rows = [
        [
            str(r["id"]),
            str(r["name"]),
            str(r.get("stadtteil", "") or ""),
            CATEGORIES.get(str(r["kategorie"]), str(r["kategorie"])),
            _yes(str(r["id"]) in counted),
        ]
        for _i, r in no_position.iterrows()
    ]
    return [
        ctx.p("Einrichtungen ohne bekannte Lage", "h2"),
        table(
            ["Kennung", "Name", "Stadtteil laut Quelle", "Kategorie", "in diesem Bericht gezählt"],
            rows,
            [1.2, 3.4, 2, 3.4, 1.4],
            ctx.st,
        ),
    ]


def _scenario_sites_section(ctx: _Context) -> list[Flowable]:
    """The scenario's new sites (area, origin, position) and closed places."""
    scenario = ctx.scenario
    if not (scenario.overlay.added or scenario.overlay.removed):
        return []
    areas = _new_site_areas(ctx.result)
    rows = [
        [
            s.name,
            areas[i],
            SITE_SOURCES.get(s.source, s.source),
            f"{num(s.lat, 5)} / {num(s.lon, 5)}",
        ]
        for i, s in enumerate(scenario.overlay.added)
    ]
    names = ctx.package.einrichtungen.set_index("id")["name"].astype(str)
    rows += [[names.get(i, ""), "", f"geschlossen ({i})", ""] for i in scenario.overlay.removed]
    return [
        ctx.p("Szenario: Standorte", "h2"),
        table(
            ["Name", "Stadtteil", "Herkunft", "Breite / Länge (WGS84)"],
            rows,
            [3.4, 2, 3.4, 2],
            ctx.st,
        ),
    ]


def _contents(ctx: _Context, titles: list[str]) -> list[Flowable]:
    return [
        ctx.p("Inhalt", "h2"),
        *[Paragraph(esc(t), ctx.st["toc"], bulletText="•") for t in titles],
    ]


def build_report(package: DataPackage, request: ReportRequest, feed: Feed | None = None) -> bytes:
    """Assemble the PDF report.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package (with the effective facility list).
    request : ReportRequest
        The scenario (its assumptions and, if any, its changes) and the audience.
    feed : geo.io.gtfs.Feed, optional
        The timetable; with it the report includes the Bus & Bahn figures.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ValueError
        If the audience is unknown, the year is not available or the scenario cannot be
        evaluated.
    """
    if request.audience not in AUDIENCES:
        raise ValueError(
            f"Unbekanntes Zielpublikum {request.audience!r}. Erlaubt: {', '.join(AUDIENCES)}."
        )
    result = compute(package, request.scenario, feed)
    title = AUDIENCES[request.audience]
    document = ReportDocument(f"Begegnungsatlas Magdeburg · {title}", date.today())
    ctx = _Context(
        package,
        request,
        result,
        styles(BODY_SIZE[request.audience]),
        document.frame_width,
        document.frame_height,
    )
    toc: list[str] = []
    body: list[Flowable] = []
    for section in (_key_figures, _ranking, _coverage, _transit, _proposals, _scenario, _method):
        body += section(ctx, toc)
    if not ctx.plain:
        body += _annex(ctx, toc)
    story = [*_cover(ctx, toc), *_contents(ctx, toc), *body]
    return document.build(story, f"Begegnungsatlas Magdeburg – {title}")

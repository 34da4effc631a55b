"""Plain German wording for the report: numbers, ranges in words, data notes without jargon.

The loader and the analysis write their notes for planners (with Stadtteil numbers, facility
ids, grid ids and sometimes a GEOS message). :func:`data_notes` turns the known ones into
German sentences: for the Fachgespräch with ids, for the Seniorenbeirat without.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from indicators.composite import whole_rank
from indicators.format import format_number

#: GEOS validity reasons (``shapely.is_valid_reason``) in German.
GEOS_REASONS = {
    "Hole lies outside shell": "ein Loch liegt außerhalb der Außengrenze",
    "Holes are nested": "Löcher liegen ineinander",
    "Interior is disconnected": "die Fläche zerfällt in getrennte Teile",
    "Self-intersection": "die Grenze schneidet sich selbst",
    "Ring Self-intersection": "ein Grenzring schneidet sich selbst",
    "Nested shells": "Außengrenzen liegen ineinander",
    "Duplicate Rings": "ein Grenzring ist doppelt",
    "Too few points in geometry component": "zu wenige Punkte",
    "Invalid Coordinate": "ungültige Koordinate",
    "Ring is not closed": "ein Grenzring ist nicht geschlossen",
}
#: Reasons for not ranking a Stadtteil (``indicators.composite.underserved`` ``grund``).
UNRANKED_REASONS = {
    "Zahl nicht veröffentlicht": "Zahl nicht veröffentlicht (Datenschutz) oder niemand gemeldet",
    "keine Erreichbarkeitswerte": "keine Werte zur Erreichbarkeit (niemand im Gitter verortet)",
}
#: How a new site of a scenario was placed (``scenarios.model.NewSite.source``).
SITE_SOURCES = {
    "karte": "per Klick in die Karte gesetzt",
    "kandidat": "aus der Liste bestehender Häuser anderer Träger",
    "vorschlag": "aus dem Vorschlag der Standortsuche",
    "import": "aus einem importierten Szenario",
    "stadtteilmitte": "in der bevölkerungsgewichteten Mitte des Stadtteils",
    "koordinate": "nach Koordinaten gesetzt",
}


def num(value: float | None, decimals: int = 0) -> str:
    """German number; empty for missing or infinite values."""
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(number):
        return ""
    return format_number(number, decimals)


def signed(value: float | None, decimals: int = 0) -> str:
    """German number with its sign (``"+1.115"``, ``"−140"``, ``"0"``)."""
    text = num(value, decimals)
    if text and value is not None and float(value) > 0 and text.strip("0,.") != "":
        return f"+{text}"
    return text


def pct(value: float | None, decimals: int = 1) -> str:
    """German percentage (``"15,4 %"``); empty for missing values."""
    text = num(value, decimals)
    return f"{text} %" if text else ""


def count_noun(n: int, singular: str, plural: str) -> str:
    """``"1 Einrichtung"``, ``"3 Einrichtungen"``."""
    return f"{format_number(n)} {singular if n == 1 else plural}"


def share_range(low: float, high: float, unlocated: int = 0) -> str:
    """The coverage range from the facility positions in words – without claiming the truth.

    The range holds for the facilities in the list (:mod:`geo.analysis.position_bounds`); the list is
    known to be incomplete, so the true share can lie above it.
    """
    missing = (
        ""
        if not unlocated
        else f"; {'eine' if unlocated == 1 else num(unlocated)} ohne bekannte Lage"
    )
    return (
        f"mit den erfassten Einrichtungen je nach ihrer genauen Lage {num(low, 1)} bis "
        f"{num(high, 1)} %{missing}; die Liste ist nicht vollständig, mit weiteren Einrichtungen "
        "läge der Wert höher"
    )


def rank_bounds(low: float, high: float) -> tuple[int, int]:
    """The 5–95 % rank interval rounded to whole ranks (halves up)."""
    return whole_rank(low), whole_rank(high)


def rank_span(low: float, high: float) -> str:
    """``"2 bis 5"`` or ``"1"`` for the table."""
    lo, hi = rank_bounds(low, high)
    return str(lo) if lo == hi else f"{lo} bis {hi}"


def rank_range(row, robust: bool) -> str:
    """How firm a rank is, in words – "stable" only when it holds across weights *and* gaps.

    Parameters
    ----------
    row : pandas.Series or namedtuple
        A ranking row (``rang_p05``, ``rang_p95``, ``rang_luecke_von``, ``rang_luecke_bis``).
    robust : bool
        :func:`indicators.composite.is_robust` for the row.

    Returns
    -------
    str
        E.g. ``"je nach Gewichtung Rang 1 bis 3, je nach Lage der Einrichtungen Rang 1 bis 28"``.
    """
    lo, hi = rank_bounds(row.rang_p05, row.rang_p95)
    if robust:
        return (
            f"bei anderen Gewichtungen und jeder Lage der erfassten Einrichtungen stets Rang {lo}"
        )
    parts = [
        f"je nach Gewichtung Rang {lo} bis {hi}"
        if lo != hi
        else f"bei anderen Gewichtungen Rang {lo}"
    ]
    gap_lo, gap_hi = row.rang_luecke_von, row.rang_luecke_bis
    if not (_missing(gap_lo) or _missing(gap_hi)) and int(gap_lo) != int(gap_hi):
        parts.append(f"je nach Lage der Einrichtungen Rang {int(gap_lo)} bis {int(gap_hi)}")
    return ", ".join(parts)


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def unranked_reason(reason: str, noun: str) -> str:
    """Why a Stadtteil is not ranked, in words."""
    match = re.fullmatch(r"weniger als (\d+)", reason)
    if match:
        return f"weniger als {format_number(int(match.group(1)))} {noun} – zu wenige für einen Vergleich"
    return UNRANKED_REASONS.get(reason, reason)


def _names(listing: str, plain: bool) -> str:
    """``"16 Großer Silberberg, 62 Kreuzhorst"`` -> names (plain) or as given."""
    parts = [p.strip() for p in listing.split(",") if p.strip()]
    if plain:
        parts = [re.sub(r"^\d+\s+", "", p) for p in parts]
    return " und ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def _geos(reason: str) -> str:
    for key, text in GEOS_REASONS.items():
        if reason.startswith(key):
            return text
    return "ungültige Geometrie"


def _unlocated_counted(m: re.Match) -> str:
    verb = "zählt" if m[1] == "1" else "zählen"
    return (
        f"In diesem Bericht {verb} {count_noun(int(m[1]), 'Einrichtung', 'Einrichtungen')} ohne "
        f"bekannte Lage nur in ihrem Stadtteil, nicht bei den Wegen: {m[2]}."
    )


# (pattern, Fachgespräch sentence, Seniorenbeirat sentence); None = leave out for that audience.
_Rule = tuple[re.Pattern, Callable[[re.Match], str], Callable[[re.Match], str | None]]
_RULES: list[_Rule] = [
    (
        re.compile(r"Polygon (\S+) (.+?) war ungültig \((.*)\) und wurde beim Laden repariert\."),
        lambda m: (
            f"Die Grenze des Stadtteils {m[1]} {m[2]} war geometrisch fehlerhaft ({_geos(m[3])}) "
            "und wurde beim Laden repariert."
        ),
        lambda m: f"Die Grenze von {m[2]} war in den Geodaten fehlerhaft und wurde repariert.",
    ),
    (
        re.compile(
            r"Einwohnerzahl 0 abgeleitet \(leer, aber 0 Einwohner inkl\. Nebenwohnsitz\): (.+)\."
        ),
        lambda m: (
            f"Für {_names(m[1], False)} ist keine Einwohnerzahl veröffentlicht; weil dort auch mit "
            "Nebenwohnsitz niemand gemeldet ist, wird 0 angenommen."
        ),
        lambda m: (
            f"In {_names(m[1], True)} ist niemand gemeldet; dort wird mit 0 Einwohnern gerechnet."
        ),
    ),
    (
        re.compile(
            r"(\d+) Einrichtung\(en\) ohne bekannte Lage \((.*)\); sie werden aufgelistet, aber "
            r"nicht in Entfernungsrechnungen berücksichtigt\."
        ),
        lambda m: (
            f"{count_noun(int(m[1]), 'Einrichtung', 'Einrichtungen')} des Datenpakets ohne bekannte "
            f"Lage ({m[2]}): sie zählen in ihrem Stadtteil, gehen aber nicht in Entfernungen ein."
        ),
        lambda m: (
            f"Von {count_noun(int(m[1]), 'Einrichtung', 'Einrichtungen')} der Einrichtungsliste ist "
            f"die Lage nicht bekannt; {'sie zählt' if m[1] == '1' else 'sie zählen'} in ihrem "
            "Stadtteil mit, aber nicht bei den Wegen."
        ),
    ),
    (
        re.compile(
            r"Zensus-Zelle (\S+) \((\d+) Einw\.\) liegt mit ihrem Mittelpunkt knapp außerhalb aller "
            r"Stadtteilpolygone und wurde dem nächstgelegenen Stadtteil (\S+) (.+) zugeordnet\."
        ),
        lambda m: (
            f"Eine bewohnte 100-m-Zelle des Zensus ({m[1]}, {m[2]} Einwohner) liegt knapp außerhalb "
            f"aller Stadtteilgrenzen und wurde dem nächstgelegenen Stadtteil {m[3]} {m[4]} zugeordnet."
        ),
        lambda m: (
            f"{m[2]} Einwohner am Stadtrand liegen knapp außerhalb der Stadtteilgrenzen und werden "
            f"{m[4]} zugerechnet."
        ),
    ),
    (
        re.compile(
            r"(\d+) gezählte Einrichtung\(en\) ohne bekannte Lage gehen nicht in die Entfernungen "
            r"ein: (.+)\."
        ),
        _unlocated_counted,
        _unlocated_counted,
    ),
    (
        re.compile(
            r"In (einem Stadtteil|\d+ Stadtteilen) \((.+)\) ist die Zahl der (.+) nicht "
            r"veröffentlicht; ihre ([\d.]+) Einwohner im Gitter bleiben unberücksichtigt\."
        ),
        lambda m: (
            f"In {m[1]} ({m[2]}) ist die Zahl der {m[3]} nicht veröffentlicht; die {m[4]} "
            "Einwohner dort im Gitter bleiben unberücksichtigt."
        ),
        lambda m: (
            f"In {m[1]} ({m[2]}) ist die Zahl der {m[3]} nicht veröffentlicht (Datenschutz); "
            f"die {m[4]} Einwohner dort bleiben unberücksichtigt."
        ),
    ),
    (
        re.compile(
            r"Die Summe der Stadtteile \(([\d.]+) (.+?)\) enthält die Stadtteile mit nicht "
            r"veröffentlichter Zahl nicht; die Zahl der ganzen Stadt liegt um höchstens ([\d.]+) "
            r"darüber\."
        ),
        lambda m: (
            f"Die Summe der Stadtteile ({m[1]} {m[2]}) enthält diese Stadtteile nicht; die "
            f"amtliche Zahl der ganzen Stadt liegt um höchstens {m[3]} darüber (Obergrenze aus "
            "Einwohnern minus veröffentlichter Altersgruppen)."
        ),
        lambda m: (
            f"Deshalb liegt die Zahl der {m[2]} der ganzen Stadt um bis zu {m[3]} über der "
            f"Summe der Stadtteile ({m[1]})."
        ),
    ),
    (
        re.compile(r"Einrichtungsliste durch Upload ersetzt \((\d+) Einträge\)\."),
        lambda m: (
            f"Die Einrichtungsliste stammt aus einem Upload ({m[1]} Einträge); sie ersetzt die "
            "Liste des Datenpakets."
        ),
        lambda m: (
            f"Die Einrichtungen stammen aus einer eigens hochgeladenen Liste ({m[1]} Einträge), "
            "nicht aus dem Datenpaket."
        ),
    ),
    (
        re.compile(r"(\d+) Einrichtung\(en\) per Upload ergänzt\."),
        lambda m: f"{count_noun(int(m[1]), 'Einrichtung', 'Einrichtungen')} per Upload ergänzt.",
        lambda m: (
            f"{count_noun(int(m[1]), 'Einrichtung wurde', 'Einrichtungen wurden')} zusätzlich "
            "hochgeladen."
        ),
    ),
    (
        re.compile(r"Statistik per Upload aktualisiert \((\d+) Zeilen\)\."),
        lambda m: f"Die Stadtteilstatistik wurde per Upload aktualisiert ({m[1]} Zeilen).",
        lambda m: "Die Stadtteilstatistik wurde mit einer hochgeladenen Tabelle aktualisiert.",
    ),
]
#: Looks like an id (facility id, grid id, column name, coordinate list).
_ID_LIKE = re.compile(r"\b[A-Z]{1,4}-\d+\b|CRS\d|\[|\b[a-z]+_[a-z_]+\b")


def data_notes(notes: Iterable[str], plain: bool) -> list[str]:
    """The notes of the package and the analysis as German sentences for one audience.

    Parameters
    ----------
    notes : iterable of str
        ``package.notes`` and the analysis notes.
    plain : bool
        Seniorenbeirat (no ids, no technical messages) instead of Fachgespräch.

    Returns
    -------
    list of str
        Known notes rewritten; unknown ones as they are (Fachgespräch) or, if they look
        technical, summarised in one closing sentence (Seniorenbeirat).
    """
    out: list[str] = []
    technical = False
    for note in dict.fromkeys(notes):  # once each, order kept
        for pattern, fach, simple in _RULES:
            match = pattern.fullmatch(note.strip())
            if match:
                text = simple(match) if plain else fach(match)
                if text:
                    out.append(text)
                break
        else:
            if plain and _ID_LIKE.search(note):
                technical = True
            else:
                out.append(note)
    if technical:
        out.append(
            "Weitere technische Hinweise zu den Daten enthält die Unterlage für das Fachgespräch."
        )
    return out

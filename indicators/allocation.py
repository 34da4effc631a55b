"""Need-based allocation ("Verteilungsschlüssel") of an amount across the regions of a set.

The formula is simple enough to be recomputed by hand from the printed table:

* every region gets the base amount ``B``;
* the rest ``A − n·B`` is shared by the key ``s_r = Σ_i g_i · x_ri / X_i`` – for each chosen
  indicator ``i`` the region's part ``x_ri`` of the city total ``X_i``, weighted by
  ``g_i = w_i / Σ w`` (the weights normalised to 1);
* with a cap ``C`` a region whose amount would exceed it gets exactly ``C`` and the rest is
  shared among the other regions by the same key (repeated until none exceeds the cap);
* the exact amounts are rounded to the unit (a cent for EUR) by the largest-remainder
  method (Hare–Niemeyer): everyone gets the amount rounded down, the units left over go one
  each to the largest remainders – so the amounts add up exactly to the total.

The computation uses exact fractions (inputs are whole counts and decimal weights), so the
same inputs give the same cents on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from indicators.registry import INDICATORS

#: Indicators a key can use: summable counts per region (id -> German label). The first four
#: are counts of the indicator registry (``senioren_65plus``, ``einwohner``) or the counts
#: behind its ratios (one-person households, Wohngeld households); the last is the coverage
#: figure of the walking analysis.
ALLOCATION_INDICATORS: dict[str, str] = {
    "senioren_65plus": INDICATORS["senioren_65plus"].label,
    "senioren_unversorgt": "Personen 65+ ohne Treffpunkt in Gehweite",
    "haushalte_1p": "Einpersonenhaushalte",
    "wohngeld_haushalte": "Haushalte mit Wohngeld",
    "einwohner": INDICATORS["einwohner"].label,
}
#: Base-frame column behind each statistical allocation indicator.
BASE_COLUMNS = {
    "senioren_65plus": "alter_65plus",
    "haushalte_1p": "haushalte_1p",
    "wohngeld_haushalte": "wohngeld_haushalte",
    "einwohner": "einwohner",
}
#: Units of an amount and the step amounts are rounded to.
UNITS: dict[str, Fraction] = {
    "EUR": Fraction(1, 100),
    "Stunden": Fraction(1, 10),
    "Plätze": Fraction(1),
}
#: Decimals an amount of each unit is shown with.
UNIT_DECIMALS = {"EUR": 2, "Stunden": 1, "Plätze": 0}
#: Most years a phased path is shown for.
MAX_YEARS = 30


@dataclass(frozen=True)
class AllocationRule:
    """What to distribute and how.

    Attributes
    ----------
    amount : float
        Total ``A`` (in ``unit``), ≥ 0.
    weights : mapping of str to float
        Weight ``w_i`` ≥ 0 per indicator id of :data:`ALLOCATION_INDICATORS` (not all 0).
    unit : str
        One of :data:`UNITS`; amounts are rounded to its step (EUR: 0,01).
    base : float
        Base amount ``B`` per region (≥ 0).
    cap : float, optional
        Cap ``C`` per region (≥ base).
    max_change : float, optional
        Largest change per region and year when phasing in from the Ist (> 0).
    """

    amount: float
    weights: Mapping[str, float]
    unit: str = "EUR"
    base: float = 0.0
    cap: float | None = None
    max_change: float | None = None

    @property
    def step(self) -> Fraction:
        """The rounding step of the unit."""
        return UNITS[self.unit]

    @property
    def used(self) -> dict[str, Fraction]:
        """Normalised weights ``g_i`` of the indicators with a weight above 0."""
        weights = {k: _fraction(v) for k, v in self.weights.items() if _fraction(v) > 0}
        total = sum(weights.values())
        return {k: w / total for k, w in weights.items()}


@dataclass(frozen=True)
class Allocation:
    """The result of :func:`allocate`.

    Attributes
    ----------
    table : pandas.DataFrame
        Index region; the indicator values ``x_ri``, ``schluessel`` (``s_r`` in %),
        ``soll_genau`` (before rounding), ``soll``, ``ist``, ``differenz`` (Soll − Ist) and
        ``jahr_1`` … (the phased path) when Ist values are given.
    totals : dict
        City total ``X_i`` per used indicator.
    weights : dict
        Normalised weights ``g_i`` per used indicator.
    given : dict
        The weights ``w_i`` as entered (above 0), for the printed formula.
    capped : list of str
        Regions held at the cap.
    years : int
        Years until every region reaches its Soll (0 without phasing).
    """

    table: pd.DataFrame
    totals: dict[str, float]
    weights: dict[str, float]
    given: dict[str, float]
    capped: list[str]
    years: int


def _fraction(value: float | int | str | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))  # 0.1 as written, not its binary neighbour
    return Fraction(value)


def check_rule(rule: AllocationRule, regions: int) -> None:
    """Validate a rule for ``regions`` regions.

    Raises
    ------
    ValueError
        German message naming the input and the fix: negative amount, weights all zero or
        negative, unknown indicator, base too large, cap below base, cap too small for the
        amount, a non-positive yearly change, an amount not a multiple of the unit.
    """
    from indicators.format import format_short

    def _n(value: float | Fraction) -> str:
        return format_short(float(value), 6)

    problems = []
    if rule.unit not in UNITS:
        problems.append(f"Einheit {rule.unit!r} ist unbekannt. Erlaubt: {', '.join(UNITS)}.")
    numbers = {"Betrag": rule.amount, "Sockelbetrag": rule.base}
    if rule.cap is not None:
        numbers["Obergrenze"] = rule.cap
    if rule.max_change is not None:
        numbers["Änderung je Jahr"] = rule.max_change
    for label, value in numbers.items():
        if value is None or not math.isfinite(float(value)):
            problems.append(f"{label}: keine Zahl. Lösung: eine Zahl eintragen.")
        elif float(value) < 0:
            problems.append(f"{label} ist negativ ({_n(value)}). Lösung: einen Wert ≥ 0 eintragen.")
    if problems:
        raise ValueError(" ".join(problems))
    step = rule.step
    for label, value in numbers.items():
        if label != "Änderung je Jahr" and _fraction(value) % step:
            problems.append(
                f"{label} {_n(value)} ist kein Vielfaches von {_n(float(step))} {rule.unit}. Lösung: "
                f"auf {_n(float(step))} {rule.unit} runden."
            )
    unknown = [k for k in rule.weights if k not in ALLOCATION_INDICATORS]
    if unknown:
        problems.append(
            f"Unbekannter Indikator {', '.join(unknown)}. Erlaubt: "
            f"{', '.join(ALLOCATION_INDICATORS)}."
        )
    negative = [k for k, w in rule.weights.items() if _fraction(w) < 0]
    if negative:
        problems.append(
            f"Gewicht von {', '.join(negative)} ist negativ. Lösung: Gewichte ≥ 0 eintragen."
        )
    if not rule.used:
        problems.append(
            "Alle Gewichte sind 0. Lösung: mindestens einem Indikator ein Gewicht über 0 geben."
        )
    amount, base = _fraction(rule.amount), _fraction(rule.base)
    if base * regions > amount:
        problems.append(
            f"Der Sockelbetrag {_n(rule.base)} × {regions} Regionen ist größer als der Betrag "
            f"{_n(rule.amount)}. Lösung: Sockelbetrag höchstens {_n(math.floor(amount / regions / step) * step)}."
        )
    if rule.cap is not None:
        cap = _fraction(rule.cap)
        if cap < base:
            problems.append(
                f"Die Obergrenze {_n(rule.cap)} liegt unter dem Sockelbetrag {_n(rule.base)}. "
                "Lösung: Obergrenze ≥ Sockelbetrag setzen oder leer lassen."
            )
        elif cap * regions < amount:
            problems.append(
                f"Mit der Obergrenze {_n(rule.cap)} × {regions} Regionen lässt sich der Betrag "
                f"{_n(rule.amount)} nicht verteilen. Lösung: Obergrenze mindestens "
                f"{_n(math.ceil(amount / regions / step) * step)}."
            )
    if rule.max_change is not None and float(rule.max_change) <= 0:
        problems.append(
            "Die Änderung je Jahr muss größer als 0 sein. Lösung: leer lassen (sofort) oder "
            "einen Wert über 0 eintragen."
        )
    if problems:
        raise ValueError(" ".join(problems))


def allocate(
    values: pd.DataFrame,
    rule: AllocationRule,
    ist: Mapping[str, float] | pd.Series | None = None,
) -> Allocation:
    """Distribute ``rule.amount`` across the regions (index of ``values``).

    Parameters
    ----------
    values : pandas.DataFrame
        Index region; one column per indicator id (whole counts ``x_ri``).
    rule : AllocationRule
        Amount, weights, base, cap, phasing.
    ist : mapping or pandas.Series, optional
        Current amount per region (every region, ≥ 0); adds Ist, difference and the path.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On a bad rule (:func:`check_rule`), a missing or negative indicator value (region
        named), an indicator whose city total is 0, or missing/negative Ist values.
    """
    regions = list(values.index)
    if not regions:
        raise ValueError("Die Gebietsgliederung hat keine Regionen.")
    check_rule(rule, len(regions))
    weights = rule.used
    _check_indicator_values(values, weights)
    x = {k: [_fraction(round(float(v))) for v in values[k]] for k in weights}
    totals = {k: sum(x[k]) for k in weights}
    empty = [ALLOCATION_INDICATORS[k] for k, t in totals.items() if t == 0]
    if empty:
        raise ValueError(
            f"{', '.join(empty)}: in allen Regionen 0 – daraus lässt sich kein Anteil bilden. "
            "Lösung: Gewicht auf 0 setzen."
        )
    share = [sum(g * x[k][r] / totals[k] for k, g in weights.items()) for r in range(len(regions))]
    amount, base = _fraction(rule.amount), _fraction(rule.base)
    cap = None if rule.cap is None else _fraction(rule.cap)
    exact, capped = _exact(share, amount, base, cap)
    units = _largest_remainder([e / rule.step for e in exact], int(amount / rule.step))
    soll = [u * rule.step for u in units]

    table = pd.DataFrame(index=pd.Index(regions, name="region"))
    for key in weights:
        table[key] = [int(v) for v in x[key]]
    table["schluessel"] = [float(s * 100) for s in share]
    table["soll_genau"] = [float(e) for e in exact]
    table["soll"] = [float(s) for s in soll]
    years = 0
    if ist is not None:
        current = _ist(ist, regions)
        table["ist"] = [float(v) for v in current]
        table["differenz"] = [float(s - i) for s, i in zip(soll, current, strict=True)]
        if rule.max_change is not None:
            years = _add_path(table, soll, current, _fraction(rule.max_change))
    return Allocation(
        table=table,
        totals={k: float(v) for k, v in totals.items()},
        weights={k: float(g) for k, g in weights.items()},
        given={k: float(rule.weights[k]) for k in weights},
        capped=[regions[r] for r in capped],
        years=years,
    )


def _check_indicator_values(values: pd.DataFrame, weights: Mapping[str, Fraction]) -> None:
    """Raise one ``ValueError`` naming every weighted indicator missing, unpublished or < 0."""
    problems = []
    for key in weights:
        if key not in values:
            problems.append(f"Für {ALLOCATION_INDICATORS[key]} liegen keine Werte vor.")
            continue
        for region, value in values[key].items():
            if pd.isna(value):
                problems.append(
                    f"{region}: {ALLOCATION_INDICATORS[key]} ist nicht veröffentlicht. Lösung: "
                    "Gewicht dieses Indikators auf 0 setzen."
                )
            elif value < 0:
                problems.append(f"{region}: {ALLOCATION_INDICATORS[key]} ist negativ.")
    if problems:
        raise ValueError(" ".join(problems))


def _add_path(
    table: pd.DataFrame, soll: list[Fraction], current: list[Fraction], step: Fraction
) -> int:
    """Add the columns ``jahr_1`` … from Ist towards Soll by at most ``step`` a year.

    Returns the number of years (at most :data:`MAX_YEARS`).
    """
    largest = max(abs(s - i) for s, i in zip(soll, current, strict=True))
    years = min(MAX_YEARS, math.ceil(largest / step)) if largest else 0
    for year in range(1, years + 1):
        limit = step * year
        table[f"jahr_{year}"] = [
            float(i + max(-limit, min(limit, s - i))) for s, i in zip(soll, current, strict=True)
        ]
    return years


def _exact(
    share: Sequence[Fraction], amount: Fraction, base: Fraction, cap: Fraction | None
) -> tuple[list[Fraction], list[int]]:
    """Exact amounts: base plus the key's share of the rest, regions above the cap held at it."""
    n = len(share)
    capped: list[int] = []
    while True:
        free = [r for r in range(n) if r not in capped]
        rest = (
            amount - base * n - (cap - base) * len(capped) if cap is not None else amount - base * n
        )
        weight = sum(share[r] for r in free)
        out = [cap if r in capped else base for r in range(n)]  # type: ignore[misc]
        for r in free:
            # All remaining regions at share 0 (possible only after capping): equal parts.
            out[r] = base + (rest * share[r] / weight if weight else rest / len(free))
        over = [r for r in free if cap is not None and out[r] > cap]
        if not over:
            return out, capped
        capped.extend(over)


def _largest_remainder(exact_units: Sequence[Fraction], total_units: int) -> list[int]:
    """Whole units summing to ``total_units``: floors, then +1 for the largest remainders.

    Ties go to the earlier region (the order of the set), so the result is reproducible.
    """
    floors = [math.floor(e) for e in exact_units]
    left = total_units - sum(floors)
    order = sorted(range(len(floors)), key=lambda r: (-(exact_units[r] - floors[r]), r))
    for r in order[:left]:
        floors[r] += 1
    return floors


def _ist(ist: Mapping[str, float] | pd.Series, regions: list[str]) -> list[Fraction]:
    series = pd.Series(ist, dtype="float64")
    problems = []
    out = []
    for region in regions:
        value = series.get(region, np.nan)
        if pd.isna(value):
            problems.append(f"{region}: Ist-Wert fehlt. Lösung: 0 eintragen, wenn nichts.")
        elif value < 0:
            problems.append(f"{region}: Ist-Wert ist negativ. Lösung: einen Wert ≥ 0 eintragen.")
        out.append(_fraction(float(value)) if not pd.isna(value) else Fraction(0))
    extra = [r for r in series.index if r not in regions]
    if extra:
        problems.append(
            f"Ist-Werte für unbekannte Regionen: {', '.join(map(str, extra))}. Lösung: "
            "Regionsnamen wie in der Gebietsgliederung schreiben."
        )
    if problems:
        raise ValueError("Ist-Werte: " + " ".join(problems))
    return out


def region_inputs(
    base: pd.DataFrame, uncovered: pd.Series | None, mapping: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The allocation indicators per region from Stadtteil figures.

    Parameters
    ----------
    base : pandas.DataFrame
        Base frame per ``stadtteil_nr`` (:func:`indicators.table.base_frame`), with
        ``stadtteil``.
    uncovered : pandas.Series, optional
        Target-group people beyond the walking threshold per ``stadtteil_nr``.
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.

    Returns
    -------
    tuple
        ``(values, gaps)``: whole counts per region (sums of the published Stadtteil values;
        a region with none published is missing) and, per indicator id, the Stadtteile
        whose value is not published ("Sülzegrund (14)").
    """
    groups = mapping.set_index("stadtteil_nr")["region"]
    order = list(dict.fromkeys(mapping["region"]))
    frame = pd.DataFrame(index=base.index)
    for key, column in BASE_COLUMNS.items():
        frame[key] = base.get(column, np.nan)
    if uncovered is not None:
        frame["senioren_unversorgt"] = uncovered.reindex(base.index)
    frame = frame.join(groups.rename("_region"), how="inner")
    sums = frame.groupby("_region").sum(min_count=1).reindex(order).round(0)
    gaps = {
        key: [
            f"{base.at[nr, 'stadtteil']} ({nr})"
            for nr in frame.index[frame[key].isna()]
            if nr in base.index
        ]
        for key in frame.columns
        if key != "_region"
    }
    sums.index.name = "region"
    return sums, gaps


def formula_lines(rule: AllocationRule, allocation: Allocation, regions: int) -> list[str]:
    """The formula in words and symbols with the numbers of this allocation (German).

    Parameters
    ----------
    rule : AllocationRule
        The rule used.
    allocation : Allocation
        Its result (totals and normalised weights are printed).
    regions : int
        Number of regions ``n``.

    Returns
    -------
    list of str
        Lines for the page and the PDF.
    """
    from indicators.format import format_number, format_short

    unit = rule.unit
    places = UNIT_DECIMALS[unit]
    total_weight = sum(allocation.given.values())
    parts = " + ".join(
        f"{format_short(w, 6)} · x({ALLOCATION_INDICATORS[k]}) / {format_number(allocation.totals[k])}"
        for k, w in allocation.given.items()
    )
    rest = _fraction(rule.amount) - _fraction(rule.base) * regions
    lines = [
        "Soll_r = B + (A − n · B) · s_r   mit   s_r = Σ_i g_i · x_ri / X_i",
        (
            f"A = {format_number(rule.amount, places)} {unit} (Betrag), n = {regions} Regionen, "
            f"B = {format_number(rule.base, places)} {unit} (Sockel je Region), "
            f"A − n · B = {format_number(float(rest), places)} {unit}."
        ),
        (
            "x_ri = Wert des Indikators i in Region r, X_i = Summe über alle Regionen, "
            f"g_i = w_i / W mit der Summe der Gewichte W = {format_short(total_weight, 6)}:"
        ),
        f"s_r = ({parts}) / {format_short(total_weight, 6)}",
        (
            "In Worten: Jede Region erhält den Sockel; der Rest wird nach ihrem gewichteten "
            "Anteil an den gewählten Indikatoren verteilt."
        ),
    ]
    if rule.cap is not None:
        text = (
            f"Obergrenze C = {format_number(rule.cap, places)} {unit}: Regionen darüber erhalten C, "
            "der Rest wird unter den übrigen nach demselben Schlüssel verteilt"
        )
        if allocation.capped:
            free = allocation.table.drop(index=allocation.capped)["schluessel"].sum()
            rest_free = float(rest) - (float(rule.cap) - float(rule.base)) * len(allocation.capped)
            text += (
                f" (betrifft: {', '.join(allocation.capped)}). Für die übrigen Regionen: "
                f"Soll_r = B + R' · s_r / S' mit R' = A − n · B − k · (C − B) = "
                f"{format_number(rest_free, places)} {unit} (k = {len(allocation.capped)} Regionen an "
                f"der Obergrenze) und S' = Summe ihrer s_r = {format_number(free, 6)} %."
            )
        else:
            text += " (betrifft keine)."
        lines.append(text)
    lines.append(
        f"Gerundet auf {format_number(float(rule.step), places)} {unit} nach dem Verfahren der "
        "größten Reste (Hare-Niemeyer): alle Beträge abgerundet, die übrigen Einheiten je eine "
        "an die größten Nachkommareste – die Summe ist genau A."
    )
    if rule.max_change is not None:
        lines.append(
            f"Stufenweise: je Jahr ändert sich der Betrag einer Region um höchstens "
            f"{format_number(rule.max_change, places)} {unit}, bis das Soll erreicht ist "
            f"({allocation.years} Jahre). Weicht die Summe der Ist-Werte vom Betrag ab, weicht "
            "auch die Summe eines Übergangsjahres davon ab (Zeile Summe)."
        )
    return lines

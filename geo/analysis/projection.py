"""Projection of the five age groups per Stadtteil ("Modellrechnung").

A cohort-shift model on the five published age groups, one step per year:

* **Ageing.** Within a group the ages are taken as evenly spread, so each year the share
  ``1 / width`` of a group moves into the next group (0–6: 1/7, 7–17: 1/11, 18–44: 1/27,
  45–64: 1/20 into 65+); 65+ is open.
* **Net change per group** (survival and migration together; stock data cannot separate
  them): after ageing, group ``g`` of a Stadtteil changes by the rate ``r_g`` estimated as
  the ratio of the observed counts to the aged counts over all observed year pairs.
* **Children 0–6** enter by births and moves: ``β`` children per resident aged 18–44
  (never negative), estimated the same way.
* **Small Stadtteile** borrow from the city: every rate is
  ``w · own + (1 − w) · city`` with ``w = n / (n + K)``, ``n`` the Stadtteil's mean
  exposure of that group (persons) and ``K`` = :data:`PRIOR_PERSONS`.

Suppressed (missing) counts stay missing: a group whose own or feeding count is missing in
the base year is missing in every projected year, and so is the total. The kernels work on
arrays; :func:`project_statistics` is the thin adapter on the long statistics table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "AGE_GROUPS",
    "HORIZON",
    "MODEL_LABEL",
    "PRIOR_PERSONS",
    "UPLOAD_LABEL",
    "Projection",
    "estimate_rates",
    "method_table",
    "project_counts",
    "project_statistics",
]

#: The five published age groups, youngest first.
AGE_GROUPS = ("alter_0_6", "alter_7_17", "alter_18_44", "alter_45_64", "alter_65plus")
#: Years per group; the share 1/width ages into the next group each year (65+ is open).
WIDTHS = (7, 11, 27, 20)
#: Last year that can be projected.
HORIZON = 2035
#: Persons of exposure at which a Stadtteil's own rate and the city's rate weigh equally.
PRIOR_PERSONS = 2000.0
#: Label of every projected figure of the model.
MODEL_LABEL = "Modellrechnung"
#: Label of years for which an uploaded official forecast replaces the model.
UPLOAD_LABEL = "amtliche Prognose (Upload)"
#: German names of the rates (method table), in kernel order.
RATE_NAMES = (
    "Geburten und Zuzug 0–6 je Person 18–44",
    "Netto-Rate 7–17",
    "Netto-Rate 18–44",
    "Netto-Rate 45–64",
    "Netto-Rate 65+",
)

_SHARE = 1.0 / np.asarray(WIDTHS, dtype=float)


def source_note(label: str, base_year: int) -> str:
    """What the figures of a labelled year are, in German (page, PDF and CLI say the same).

    Parameters
    ----------
    label : str
        :data:`MODEL_LABEL` or :data:`UPLOAD_LABEL`.
    base_year : int
        Last published year.

    Returns
    -------
    str
    """
    if label == UPLOAD_LABEL:
        return (
            "Einwohner und Altersgruppen aus einer hochgeladenen amtlichen Prognose, keine Zählung"
        )
    return f"Einwohner und Altersgruppen ab {base_year} fortgeschrieben, keine amtliche Zahl"


def is_forecast(years, last_observed: int) -> bool:
    """Whether uploaded statistics are a forecast: some year lies two or more years ahead.

    A table with just the next year is taken as newly published figures (a statistics
    update); one reaching further ahead cannot be observed yet and is an official forecast
    that replaces the Modellrechnung for its years.
    """
    return any(int(y) > last_observed + 1 for y in years if y == y)


def _aged(counts: np.ndarray) -> np.ndarray:
    """Counts of groups 1..4 after one year of ageing, before net change (..., 4)."""
    stay = counts[..., 1:4] * (1.0 - _SHARE[1:4])
    stay = np.concatenate([stay, counts[..., 4:5]], axis=-1)
    return stay + counts[..., 0:4] * _SHARE


def project_counts(base: np.ndarray, rates: np.ndarray, steps: int) -> np.ndarray:
    """Project age-group counts year by year.

    Parameters
    ----------
    base : numpy.ndarray
        Counts of the base year, shape ``(n, 5)`` in :data:`AGE_GROUPS` order; NaN = missing.
    rates : numpy.ndarray
        Shape ``(n, 5)``: column 0 is ``β`` (children 0–6 per resident 18–44, ≥ 0),
        columns 1–4 the net rates ``r_g`` (≥ −1) of the groups 7–17 … 65+.
    steps : int
        Number of years to project (≥ 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(steps, n, 5)``: the counts after 1, 2, … ``steps`` years.

    Raises
    ------
    ValueError
        If the shapes differ, ``steps`` is negative or a rate would make counts negative.
    """
    base = np.asarray(base, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if base.ndim != 2 or base.shape[1] != 5 or rates.shape != base.shape:
        raise ValueError(
            f"base and rates must both have shape (n, 5), got {base.shape}, {rates.shape}"
        )
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if np.any(rates[:, 0] < 0) or np.any(rates[:, 1:] < -1):
        raise ValueError("rates out of range: beta must be >= 0 and net rates >= -1")
    out = np.empty((steps, *base.shape))
    current = base
    for step in range(steps):
        nxt = np.empty_like(current)
        nxt[:, 0] = current[:, 0] * (1.0 - _SHARE[0]) + rates[:, 0] * current[:, 2]
        nxt[:, 1:] = _aged(current) * (1.0 + rates[:, 1:])
        out[step] = current = nxt
    return out


@dataclass(frozen=True)
class Rates:
    """Estimated rates per Stadtteil, shape ``(n, 5)`` each (see :func:`estimate_rates`)."""

    own: np.ndarray  # NaN where the Stadtteil has no usable year pair
    city: np.ndarray  # shape (5,)
    weight: np.ndarray  # w = n / (n + K), 0 without own data
    used: np.ndarray  # the rates the projection uses


def estimate_rates(panel: np.ndarray, prior_persons: float = PRIOR_PERSONS) -> Rates:
    """Estimate ``β`` and the net rates from consecutive observed years.

    Parameters
    ----------
    panel : numpy.ndarray
        Observed counts, shape ``(T, n, 5)`` for consecutive years (T ≥ 2); NaN = missing.
        A year pair enters a group's rate only where all counts it needs are published.
    prior_persons : float
        ``K`` of the shrinkage toward the city's rate (> 0).

    Returns
    -------
    Rates

    Raises
    ------
    ValueError
        With fewer than two years, or when the city has no usable year pair.
    """
    panel = np.asarray(panel, dtype=float)
    if panel.ndim != 3 or panel.shape[2] != 5:
        raise ValueError(f"panel must have shape (T, n, 5), got {panel.shape}")
    if panel.shape[0] < 2:
        raise ValueError(
            "Für eine Modellrechnung braucht es mindestens zwei Jahre mit Altersgruppen."
        )
    if prior_persons <= 0:
        raise ValueError(f"prior_persons must be > 0, got {prior_persons}")
    before, after = panel[:-1], panel[1:]
    # Exposure (what the count would be without net change) and observed outcome per group.
    exposure = np.empty_like(before)
    outcome = np.empty_like(before)
    exposure[..., 0] = before[..., 2]
    outcome[..., 0] = after[..., 0] - before[..., 0] * (1.0 - _SHARE[0])
    exposure[..., 1:] = _aged(before)
    outcome[..., 1:] = after[..., 1:]
    valid = np.isfinite(exposure) & np.isfinite(outcome)
    exp_sum = np.where(valid, exposure, 0.0).sum(axis=0)
    out_sum = np.where(valid, outcome, 0.0).sum(axis=0)
    pairs = valid.sum(axis=0)
    city_exp, city_out = exp_sum.sum(axis=0), out_sum.sum(axis=0)
    if np.any(city_exp <= 0):
        raise ValueError("Die Statistik enthält keine verwertbaren Jahrespaare der Altersgruppen.")
    city = city_out / city_exp
    city[1:] -= 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(exp_sum > 0, out_sum / exp_sum, np.nan)
    own[:, 1:] -= 1.0
    mean_exposure = np.where(pairs > 0, exp_sum / np.maximum(pairs, 1), 0.0)
    weight = np.where(np.isfinite(own), mean_exposure / (mean_exposure + prior_persons), 0.0)
    used = weight * np.nan_to_num(own) + (1.0 - weight) * city
    used[:, 0] = np.maximum(used[:, 0], 0.0)
    used[:, 1:] = np.maximum(used[:, 1:], -1.0)
    return Rates(own=own, city=city, weight=weight, used=used)


@dataclass(frozen=True)
class Projection:
    """A projection of the age groups per Stadtteil with its method and sources.

    Attributes
    ----------
    table : pandas.DataFrame
        Long table like the statistics: ``jahr``, ``stadtteil_nr``, ``stadtteil``,
        ``einwohner`` (sum of the groups) and :data:`AGE_GROUPS`, for every projected year.
    base_year : int
        Last observed year (the projection starts from it).
    first_year : int
        First observed year used to estimate the rates.
    rates : pandas.DataFrame
        Per Stadtteil (index ``stadtteil_nr``): ``stadtteil``, the used rates
        (:data:`RATE_NAMES`) and ``gewicht_eigen`` (w of the 65+ rate).
    city_rates : dict
        The city's rates by :data:`RATE_NAMES`.
    sources : dict
        Label per projected year: :data:`MODEL_LABEL` or :data:`UPLOAD_LABEL`.
    """

    table: pd.DataFrame
    base_year: int
    first_year: int
    rates: pd.DataFrame
    city_rates: dict[str, float]
    sources: dict[int, str] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Projected (or forecast) years, ascending."""
        return sorted(self.sources)

    def label(self, year: int) -> str | None:
        """The label of a year's figures, None for an observed year."""
        return self.sources.get(int(year))


def project_statistics(
    statistik: pd.DataFrame,
    *,
    until: int = HORIZON,
    first_year: int | None = None,
    base_year: int | None = None,
    prior_persons: float = PRIOR_PERSONS,
) -> Projection:
    """Project the age groups of the long statistics table to every year up to ``until``.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Observed long table (``jahr``, ``stadtteil_nr``, ``stadtteil``, :data:`AGE_GROUPS`).
    until : int
        Last projected year (≤ :data:`HORIZON` in the app; benchmarks may use any).
    first_year, base_year : int, optional
        Window of observed years used (default: every year with age groups). The rates are
        estimated from ``first_year`` … ``base_year``; the projection starts at ``base_year``.
    prior_persons : float
        ``K`` of the shrinkage toward the city's rates.

    Returns
    -------
    Projection
        Every projected year labelled :data:`MODEL_LABEL`.

    Raises
    ------
    ValueError
        If the window has fewer than two years with age groups or ``until`` is not after it.
    """
    has_age = statistik.groupby("jahr")["alter_65plus"].apply(lambda s: s.notna().any())
    years = sorted(int(y) for y in has_age[has_age].index)
    if base_year is not None:
        years = [y for y in years if y <= base_year]
    if first_year is not None:
        years = [y for y in years if y >= first_year]
    if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
        raise ValueError(
            "Für eine Modellrechnung braucht es mindestens zwei aufeinanderfolgende Jahre mit "
            f"Altersgruppen (vorhanden: {', '.join(map(str, years)) or 'keine'})."
        )
    if until <= years[-1]:
        raise ValueError(f"Das Zieljahr {until} liegt nicht nach dem Basisjahr {years[-1]}.")
    keyed = statistik.set_index(["jahr", "stadtteil_nr"])
    numbers = sorted(set(statistik.loc[statistik["jahr"] == years[-1], "stadtteil_nr"]))
    names = keyed.loc[years[-1], "stadtteil"].reindex(numbers)
    panel = np.stack(
        [keyed.loc[y, list(AGE_GROUPS)].reindex(numbers).to_numpy(dtype=float) for y in years]
    )
    rates = estimate_rates(panel, prior_persons)
    steps = until - years[-1]
    projected = project_counts(panel[-1], rates.used, steps)
    frames = []
    for step in range(steps):
        frame = pd.DataFrame(projected[step], columns=list(AGE_GROUPS))
        frame.insert(0, "einwohner", frame.sum(axis=1, skipna=False))
        frame.insert(0, "stadtteil", names.to_numpy())
        frame.insert(0, "stadtteil_nr", numbers)
        frame.insert(0, "jahr", years[-1] + 1 + step)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    rate_frame = pd.DataFrame(
        rates.used, index=pd.Index(numbers, name="stadtteil_nr"), columns=RATE_NAMES
    )
    rate_frame.insert(0, "stadtteil", names.to_numpy())
    rate_frame["gewicht_eigen"] = rates.weight[:, 4]
    return Projection(
        table=table,
        base_year=years[-1],
        first_year=years[0],
        rates=rate_frame,
        city_rates=dict(zip(RATE_NAMES, map(float, rates.city), strict=True)),
        sources={years[-1] + 1 + step: MODEL_LABEL for step in range(steps)},
    )


def method_table(projection: Projection) -> pd.DataFrame:
    """Every rate of the model: one row per Stadtteil plus the city, as fractions per year.

    Parameters
    ----------
    projection : Projection

    Returns
    -------
    pandas.DataFrame
        Columns ``stadtteil_nr``, ``stadtteil``, :data:`RATE_NAMES` and ``gewicht_eigen``
        (share of the Stadtteil's own 65+ rate; the rest is the city's). The last row is the
        city (``stadtteil_nr`` empty, weight 1).
    """
    table = projection.rates.reset_index()
    city = {"stadtteil_nr": "", "stadtteil": "Magdeburg gesamt", **projection.city_rates}
    city["gewicht_eigen"] = 1.0
    return pd.concat([table, pd.DataFrame([city])], ignore_index=True)

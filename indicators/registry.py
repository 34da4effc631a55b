"""Registry of Stadtteil indicators.

Each indicator is a ratio of sums of *base-frame* columns: one row per area holding
summable raw counts for one year (see :mod:`indicators.table`). The same definitions serve
Stadtteile, regions and the city, and every figure can be traced back to published counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Indicator:
    """One indicator, defined as ``sum(numerator) / sum(denominator) × factor + offset``.

    A declarative definition keeps every figure explainable and lets aggregates (regions,
    the city) be computed from sums instead of averaging ratios.

    Attributes
    ----------
    id : str
        Stable snake_case identifier (CLI column, URL parameter).
    label : str
        German label for the UI.
    unit : str
        Unit shown after values ("" for plain counts).
    definition : str
        Short German definition (tooltips, README, reports).
    higher_means_need : bool or None
        True if a higher value signals more need for meeting places, False if less,
        None if the indicator is descriptive only.
    decimals : int
        Decimals to display.
    group : str
        German group heading for pickers.
    numerator : tuple of str
        Base-frame columns added up for the numerator.
    denominator : tuple of str
        Base-frame columns added up for the denominator; empty for counts.
    factor, offset : float
        Scale (100 for percent) and shift (−100 for a change in percent).
    zero_means_infinite : bool
        A zero denominator with a positive numerator gives ``inf`` (e.g. seniors per
        meeting place where there is none) instead of NaN.
    """

    id: str
    label: str
    unit: str
    definition: str
    higher_means_need: bool | None
    decimals: int
    group: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    factor: float = 1.0
    offset: float = 0.0
    zero_means_infinite: bool = False

    @property
    def is_count(self) -> bool:
        """A plain (summable) count rather than a ratio."""
        return not self.denominator

    @property
    def inputs(self) -> tuple[str, ...]:
        """All base-frame columns the indicator reads."""
        return self.numerator + self.denominator

    @property
    def label_with_unit(self) -> str:
        """Label followed by the unit in brackets (if any)."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def compute(self, base: pd.DataFrame) -> pd.Series:
        """Evaluate on a base frame; missing inputs give NaN.

        Parameters
        ----------
        base : pandas.DataFrame
            One row per area with the :attr:`inputs` columns.

        Returns
        -------
        pandas.Series
            float64 values per area.
        """
        num = _column_sum(base, self.numerator)
        if self.is_count:
            return num * self.factor + self.offset
        den = _column_sum(base, self.denominator)
        out = num / den.where(den > 0) * self.factor + self.offset
        if self.zero_means_infinite:
            out[(den == 0) & (num > 0)] = np.inf
        return out


def _column_sum(base: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    # Plain addition: a missing part makes the sum missing (never silently 0).
    total = base[columns[0]].astype("float64")
    for column in columns[1:]:
        total = total + base[column].astype("float64")
    return total


_B = "Bevölkerung"
_H = "Haushalte und Soziales"
_V = "Versorgung mit Begegnungsstätten"
_WORKING_AGE = ("alter_18_44", "alter_45_64")

_INDICATOR_LIST = [
    Indicator(
        id="einwohner",
        label="Einwohner",
        unit="",
        definition="Einwohner mit Hauptwohnsitz am 31.12.",
        higher_means_need=None,
        decimals=0,
        group=_B,
        numerator=("einwohner",),
    ),
    Indicator(
        id="senioren_65plus",
        label="Einwohner 65+",
        unit="",
        definition="Einwohner mit Hauptwohnsitz im Alter von 65 Jahren und älter.",
        higher_means_need=True,
        decimals=0,
        group=_B,
        numerator=("alter_65plus",),
    ),
    Indicator(
        id="anteil_65plus",
        label="Anteil 65+",
        unit="%",
        definition="Einwohner 65+ je 100 Einwohner.",
        higher_means_need=True,
        decimals=1,
        group=_B,
        numerator=("alter_65plus",),
        denominator=("einwohner",),
        factor=100,
    ),
    Indicator(
        id="altenquote",
        label="Altenquote",
        unit="je 100",
        definition="Einwohner 65+ je 100 Einwohner im Alter von 18 bis 64 Jahren.",
        higher_means_need=True,
        decimals=1,
        group=_B,
        numerator=("alter_65plus",),
        denominator=_WORKING_AGE,
        factor=100,
    ),
    Indicator(
        id="jugendquote",
        label="Jugendquote",
        unit="je 100",
        definition="Einwohner unter 18 Jahren je 100 Einwohner im Alter von 18 bis 64 Jahren.",
        higher_means_need=None,
        decimals=1,
        group=_B,
        numerator=("alter_0_6", "alter_7_17"),
        denominator=_WORKING_AGE,
        factor=100,
    ),
    Indicator(
        id="durchschnittsalter",
        label="Durchschnittsalter",
        unit="Jahre",
        definition="Mittleres Alter der Einwohner (für Regionen nach Einwohnern gewichtet).",
        higher_means_need=True,
        decimals=1,
        group=_B,
        numerator=("alter_summe",),
        denominator=("einwohner_mit_alter",),
    ),
    Indicator(
        id="einwohnerdichte",
        label="Einwohnerdichte",
        unit="Einw./km²",
        definition="Einwohner je Quadratkilometer amtlicher Stadtteilfläche.",
        higher_means_need=None,
        decimals=0,
        group=_B,
        numerator=("einwohner",),
        denominator=("flaeche_ha",),
        factor=100,
    ),
    Indicator(
        id="bevoelkerung_veraenderung",
        label="Bevölkerungsveränderung",
        unit="%",
        definition="Veränderung der Einwohnerzahl seit dem frühesten Jahr im Datenpaket.",
        higher_means_need=None,
        decimals=1,
        group=_B,
        numerator=("einwohner",),
        denominator=("einwohner_basisjahr",),
        factor=100,
        offset=-100,
    ),
    Indicator(
        id="haushalte",
        label="Haushalte",
        unit="",
        definition="Anzahl der Haushalte.",
        higher_means_need=None,
        decimals=0,
        group=_H,
        numerator=("haushalte",),
    ),
    Indicator(
        id="anteil_1p_haushalte",
        label="Anteil Einpersonenhaushalte",
        unit="%",
        definition="Einpersonenhaushalte je 100 Haushalte – Hinweis auf Alleinlebende.",
        higher_means_need=True,
        decimals=1,
        group=_H,
        numerator=("haushalte_1p",),
        denominator=("haushalte",),
        factor=100,
    ),
    Indicator(
        id="wohngeld_je_1000_haushalte",
        label="Wohngeld je 1.000 Haushalte",
        unit="‰",
        definition=(
            "Haushalte mit Wohngeld je 1.000 Haushalte im jüngsten Jahr mit Wohngelddaten "
            "(höchstens das gewählte Jahr)."
        ),
        higher_means_need=True,
        decimals=1,
        group=_H,
        numerator=("wohngeld_haushalte",),
        denominator=("haushalte_wohngeldjahr",),
        factor=1000,
    ),
    Indicator(
        id="begegnungsstaetten",
        label="Offene Begegnungsstätten",
        unit="",
        definition=(
            "Offene Seniorenbegegnungsstätten im Stadtteil (ASZ, Offene Treffs, öffentliche "
            "Begegnungsstätten, Bürgerhäuser mit Seniorenangebot; nicht geschlossen)."
        ),
        higher_means_need=False,
        decimals=0,
        group=_V,
        numerator=("begegnungsstaetten",),
    ),
    Indicator(
        id="senioren_je_begegnungsstaette",
        label="Einwohner 65+ je Begegnungsstätte",
        unit="",
        definition=(
            "Einwohner 65+ geteilt durch die Zahl der offenen Begegnungsstätten im Stadtteil; "
            "ohne Begegnungsstätte unendlich (∞)."
        ),
        higher_means_need=True,
        decimals=0,
        group=_V,
        numerator=("alter_65plus",),
        denominator=("begegnungsstaetten",),
        zero_means_infinite=True,
    ),
]

#: All indicators by id, in display order.
INDICATORS: dict[str, Indicator] = {ind.id: ind for ind in _INDICATOR_LIST}


def get_indicator(indicator_id: str) -> Indicator:
    """Look up an indicator by id.

    Parameters
    ----------
    indicator_id : str
        Registry id.

    Returns
    -------
    Indicator

    Raises
    ------
    ValueError
        If the id is unknown (the message lists the valid ids).
    """
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise ValueError(
            f"Unbekannter Indikator {indicator_id!r}. Gültig sind: {', '.join(INDICATORS)}."
        ) from None

"""Class breaks (mapclassify) and colour-blind-safe ColorBrewer palettes (branca) for choropleth maps."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from indicators.format import format_number

#: ColorBrewer sequential palettes (colour-blind safe), as branca ships them.
PALETTES = ("YlOrRd", "YlGnBu")
#: Fill for areas without a value.
MISSING_COLOR = "#d9d9d9"
MISSING_LABEL = "keine Angabe"
#: Fill for infinite values (e.g. seniors but no meeting place).
INFINITE_COLOR = "#54278f"
#: Classification methods with their German names.
METHODS = {
    "quantile": "Quantile (gleich viele Stadtteile je Klasse)",
    "jenks": "Natürliche Brüche (Fisher-Jenks)",
    "equal": "Gleiche Intervalle",
}


@dataclass(frozen=True)
class Classes:
    """Result of :func:`classify`.

    Attributes
    ----------
    breaks : tuple of float
        Class edges, ``len(colors) + 1`` values, ascending.
    colors : tuple of str
        Fill colour per class.
    labels : tuple of str
        German legend label per class (``"12,3 – 15,0"``).
    codes : pandas.Series
        Class index per area; -1 for missing, ``len(colors)`` for infinite values.
    infinite_label : str
        Legend label for infinite values.
    """

    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    codes: pd.Series
    infinite_label: str = "∞"

    def color_of(self, code: int) -> str:
        """Fill colour for a class code (missing and infinite included)."""
        if code < 0:
            return MISSING_COLOR
        if code >= len(self.colors):
            return INFINITE_COLOR
        return self.colors[code]

    def fill_colors(self) -> pd.Series:
        """Fill colour per area (same index as :attr:`codes`)."""
        return self.codes.map(self.color_of)

    def legend(self) -> list[tuple[str, str]]:
        """``(colour, label)`` entries, including missing/infinite only if present."""
        entries = list(zip(self.colors, self.labels, strict=True))
        if (self.codes >= len(self.colors)).any():
            entries.append((INFINITE_COLOR, self.infinite_label))
        if (self.codes < 0).any():
            entries.append((MISSING_COLOR, MISSING_LABEL))
        return entries


def palette_colors(palette: str, n: int) -> tuple[str, ...]:
    """The ColorBrewer palette ``palette`` with ``n`` classes (3–9), lightest first.

    Parameters
    ----------
    palette : str
        One of :data:`PALETTES`.
    n : int
        Number of classes.

    Returns
    -------
    tuple of str
        Hex colours.
    """
    if palette not in PALETTES:
        raise ValueError(f"Unbekannte Farbpalette {palette!r}. Erlaubt: {', '.join(PALETTES)}.")
    return tuple(color_brewer(palette, n))


def _quantile_bins(values: np.ndarray, k: int) -> np.ndarray:
    """The ``Quantiles`` bins of mapclassify, with its arithmetic (scipy's "fraction" percentiles).

    Importing mapclassify costs about 0.7 s (it loads scipy.stats and matplotlib), which the
    app's first page (quantile classes) would pay on every server start.
    """
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    if percents[-1] > 100.0:
        percents[-1] = 100.0
    ordered = np.sort(values)
    scores = []
    for percent in percents:
        idx = percent / 100.0 * (len(ordered) - 1)
        i = int(idx)
        if i == idx:
            scores.append(ordered[i])
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            scores.append(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())
    return np.unique(np.array(scores))


def _equal_bins(values: np.ndarray, k: int) -> np.ndarray:
    """The ``EqualInterval`` bins of mapclassify (same arithmetic, without importing it)."""
    low, high = values.min(), values.max()
    width = (high - low) * 1.0 / k
    cuts = np.arange(low + width, high + width, width)
    if len(cuts) > k:  # floating point may overshoot by one
        cuts = cuts[:k]
    cuts[-1] = high
    return cuts


def _jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    import mapclassify  # only natural breaks need it (≈ 0.7 s to import)

    return mapclassify.FisherJenks(values, k=k).bins


#: Upper class bounds per method (mapclassify's classifiers; the same figures).
_CLASSIFIERS = {"quantile": _quantile_bins, "jenks": _jenks_bins, "equal": _equal_bins}


def _breaks(values: np.ndarray, k: int, method: str) -> list[float]:
    """Class edges (lowest value, then mapclassify's upper bounds)."""
    if method not in _CLASSIFIERS:
        raise ValueError(f"Unbekannte Klassifizierung {method!r}. Erlaubt: {', '.join(METHODS)}.")
    if values.min() == values.max():  # mapclassify refuses a single value
        return [float(values.min())]
    with warnings.catch_warnings():
        # Ties make mapclassify use fewer classes and say so; the legend shows the real count.
        warnings.simplefilter("ignore", UserWarning)
        bins = _CLASSIFIERS[method](values, k)
    # The lowest value opens the first class; a class may hold just that value (ties).
    return [float(values.min()), *sorted(set(map(float, bins)))]


def classify(
    values: pd.Series,
    k: int = 5,
    method: str = "quantile",
    palette: str = "YlOrRd",
    decimals: int = 1,
    infinite_label: str = "∞",
) -> Classes:
    """Put values into ``k`` classes for a choropleth map.

    Parameters
    ----------
    values : pandas.Series
        One value per area; NaN is "missing", +inf gets its own top class.
    k : int
        Number of classes (3–7). Fewer are used when there are fewer distinct values.
    method : {"quantile", "jenks", "equal"}
        How the breaks are chosen.
    palette : str
        One of :data:`PALETTES`.
    decimals : int
        Decimals in the legend labels.
    infinite_label : str
        Legend label for +inf values.

    Returns
    -------
    Classes
        Breaks, colours, labels and a class code per area.

    Raises
    ------
    ValueError
        On an unknown method or palette, or ``k`` outside 3–7.
    """
    if palette not in PALETTES:
        raise ValueError(f"Unbekannte Farbpalette {palette!r}. Erlaubt: {', '.join(PALETTES)}.")
    if not 3 <= k <= 7:
        raise ValueError(f"Die Klassenzahl muss zwischen 3 und 7 liegen (nicht {k}).")
    vals = values.astype("float64")
    finite = vals[np.isfinite(vals)].to_numpy()
    codes = pd.Series(-1, index=values.index, dtype=int)
    codes[np.isposinf(vals)] = 99  # replaced below once the class count is known
    if len(finite) == 0:
        return Classes((), (), (), codes.where(codes < 0, 0), infinite_label)
    edges = _breaks(finite, min(k, len(np.unique(finite))), method)
    if len(edges) == 1:  # all values equal: one class
        edges = [edges[0], edges[0]]
    n_classes = len(edges) - 1
    colors = palette_colors(palette, max(3, n_classes))[-n_classes:]
    inner = np.asarray(edges[1:-1])
    mask = np.isfinite(vals)
    # As mapclassify: a value equal to an upper bound belongs to that class.
    codes[mask] = np.searchsorted(inner, vals[mask].to_numpy(), side="left")
    codes[np.isposinf(vals)] = n_classes
    labels = tuple(
        format_number(lo, decimals)
        if lo == hi
        else f"{format_number(lo, decimals)} – {format_number(hi, decimals)}"
        for lo, hi in itertools.pairwise(edges)
    )
    return Classes(tuple(edges), tuple(colors), labels, codes, infinite_label)


#: Fixed classes for shares of people within walking distance (percent).
COVERAGE_EDGES = (0.0, 10.0, 25.0, 50.0, 75.0, 100.0)


def classify_fixed(
    values: pd.Series, edges: tuple[float, ...], palette: str = "YlGnBu", unit: str = "%"
) -> Classes:
    """Classes with fixed, meaningful breaks (e.g. coverage shares), the same for every map.

    The first class holds exactly the lowest edge (e.g. "0 %": nobody covered); the others
    are half-open intervals ``(lo, hi]``.

    Parameters
    ----------
    values : pandas.Series
        Values per area (NaN = missing).
    edges : tuple of float
        Ascending class edges, 4 to 8 values.
    palette : str
        One of :data:`PALETTES`.
    unit : str
        Appended to the legend labels.

    Returns
    -------
    Classes
    """
    if not 4 <= len(edges) <= 8 or list(edges) != sorted(edges):
        raise ValueError("Feste Klassengrenzen: 4 bis 8 aufsteigende Werte.")
    vals = values.astype("float64")
    n = len(edges)  # classes: the lowest edge itself, then n - 1 intervals
    codes = pd.Series(-1, index=values.index, dtype=int)
    finite = vals.notna()
    codes[finite] = np.searchsorted(np.asarray(edges[1:]), vals[finite].to_numpy(), side="left") + 1
    codes[finite & (vals <= edges[0])] = 0
    codes = codes.clip(upper=n - 1).where(finite, -1)
    first = f"{format_number(edges[0])} {unit}".strip()
    labels = (
        first,
        *(
            f"über {format_number(lo)} bis {format_number(hi)} {unit}".strip()
            for lo, hi in itertools.pairwise(edges)
        ),
    )
    return Classes(tuple(edges), palette_colors(palette, n), labels, codes)

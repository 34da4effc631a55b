"""The under-served index (Unterversorgungsindex): a transparent composite of need and supply.

Method (also shown in the UI and README):

1. Seven components per Stadtteil, each oriented so that a higher value means more need:
   need – size of the target group, its share of residents, share of one-person households,
   Wohngeld rate; supply – people beyond walking distance, share within walking distance
   (inverted), E2SFCA supply ratio (inverted).
2. Each component is min–max normalised over the ranked Stadtteile to a score from 0
   (most favourable) to 1 (least favourable).
3. The index is the weighted mean of the available scores × 100. Weights are relative
   (only their proportions matter); a missing component is left out and the remaining
   weights are rescaled, and the Stadtteil is flagged.
4. Rank 1 = most under-served; four classes by quartiles of the rank.
   A changed situation (a scenario) is scored on the *scale of the status quo*
   (:class:`IndexScale`): the same min–max ranges and the same index value at each class
   boundary. So a Stadtteil whose own figures do not change keeps its index and its class;
   only its rank can move, because ranks are relative.
5. Stadtteile with fewer than ``min_people`` members of the target group (default 200) or
   without a coverage value are not ranked.

Robustness: every weight is multiplied by an independent random factor (uniform in
``1 ± spread``, seeded) many times; the 5th–95th percentile of the resulting ranks shows how
stable a Stadtteil's position is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.format import format_number


@dataclass(frozen=True)
class Component:
    """One component of the index.

    Attributes
    ----------
    key : str
        Weight key (CLI ``--weights key=value``).
    label : str
        German label.
    column : str
        Column of the input table.
    higher_means_need : bool
        Orientation of the raw value.
    group : str
        "Bedarf" or "Versorgung".
    weight : float
        Default weight.
    unit : str
        Unit of the raw value.
    decimals : int
        Decimals of the raw value.
    """

    key: str
    label: str
    column: str
    higher_means_need: bool
    group: str
    weight: float
    unit: str = ""
    decimals: int = 0


COMPONENTS: tuple[Component, ...] = (
    Component("zielgruppe", "Zahl der Zielgruppe", "zielgruppe", True, "Bedarf", 0.15),
    Component("anteil_zielgruppe", "Anteil an allen Einwohnern", "anteil_zielgruppe", True, "Bedarf", 0.15, "%", 1),
    Component("einpersonenhaushalte", "Anteil Einpersonenhaushalte", "anteil_1p_haushalte", True, "Bedarf", 0.10, "%", 1),
    Component("wohngeld", "Wohngeld je 1.000 Haushalte", "wohngeld_je_1000_haushalte", True, "Bedarf", 0.10, "‰", 1),
    Component("unversorgt", "Nicht fußläufig versorgt (Personen)", "unversorgt", True, "Versorgung", 0.25),
    Component("anteil_versorgt", "Anteil fußläufig versorgt", "anteil_versorgt", False, "Versorgung", 0.15, "%", 1),
    Component("e2sfca", "Angebot je 1.000 (E2SFCA)", "e2sfca_je_1000", False, "Versorgung", 0.10, "", 2),
    # Optional (weight 0 by default): share reaching a place within N minutes by Bus & Bahn.
    Component("oepnv", "Anteil mit Bus & Bahn erreichbar", "anteil_oepnv", False, "Versorgung", 0.0, "%", 1),
)  # fmt: skip
DEFAULT_WEIGHTS: dict[str, float] = {c.key: c.weight for c in COMPONENTS}
CLASS_LABELS = ("sehr hoch", "hoch", "mittel", "gering")
MIN_PEOPLE = 200


def parse_weights(text: str | None) -> dict[str, float]:
    """Weights from ``"key=value,key=value"``; unnamed keys keep their default.

    Parameters
    ----------
    text : str or None
        E.g. ``"unversorgt=0.4,wohngeld=0"``.

    Returns
    -------
    dict
        All weights.

    Raises
    ------
    ValueError
        On unknown keys, non-numbers, negative weights or all weights zero.
    """
    weights = dict(DEFAULT_WEIGHTS)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in weights:
            raise ValueError(
                f"Ungültige Gewichtung {part!r}. Form: schluessel=zahl; Schlüssel: "
                f"{', '.join(DEFAULT_WEIGHTS)}."
            )
        try:
            weights[key] = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(f"Gewicht {key!r} ist keine Zahl: {value!r}.") from None
    return check_weights(weights)


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """Validate weights (non-negative, known keys, not all zero) and fill defaults.

    Parameters
    ----------
    weights : dict
        Weight per component key.

    Returns
    -------
    dict
        All weights.
    """
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"Unbekannte Komponente(n): {', '.join(sorted(unknown))}.")
    full = {**DEFAULT_WEIGHTS, **weights}
    if any(not np.isfinite(w) or w < 0 for w in full.values()):
        raise ValueError("Gewichte müssen Zahlen ≥ 0 sein.")
    if sum(full.values()) <= 0:
        raise ValueError("Mindestens ein Gewicht muss größer als 0 sein.")
    return full


@dataclass(frozen=True)
class IndexScale:
    """The yardstick of a ranking: min–max range per component and the class boundaries.

    Computed from the status quo and reused for a changed situation, so index values and
    classes stay comparable (see the module docstring).

    Attributes
    ----------
    ranges : tuple of (str, float, float)
        ``(key, lo, hi)`` per component, on the need-oriented raw scale.
    class_floor : tuple of float
        Lowest index of classes 1, 2 and 3 in the status quo; an index at or above
        ``class_floor[k]`` belongs to class ``k + 1`` (or higher need).
    """

    ranges: tuple[tuple[str, float, float], ...]
    class_floor: tuple[float, ...]

    def range_of(self, key: str) -> tuple[float, float]:
        """``(lo, hi)`` of a component (NaN if it was not computed)."""
        for k, lo, hi in self.ranges:
            if k == key:
                return lo, hi
        return np.nan, np.nan


def _oriented(table: pd.DataFrame, comp: Component, ranked: pd.Series) -> pd.Series:
    raw = table[comp.column].astype(float).where(ranked)
    return raw if comp.higher_means_need else -raw


def component_ranges(table: pd.DataFrame, ranked: pd.Series) -> tuple:
    """``(key, lo, hi)`` of every component over the ranked Stadtteile (need-oriented).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per Stadtteil with the component columns.
    ranked : pandas.Series
        Boolean: which rows are ranked.

    Returns
    -------
    tuple of (str, float, float)
    """
    out = []
    for comp in COMPONENTS:
        if comp.column not in table:
            out.append((comp.key, np.nan, np.nan))
            continue
        raw = _oriented(table, comp, ranked)
        out.append((comp.key, float(raw.min()), float(raw.max())))
    return tuple(out)


def component_scores(
    table: pd.DataFrame, ranked: pd.Series, scale: IndexScale | None = None
) -> pd.DataFrame:
    """Min–max scores (0 = most favourable, 1 = least) over the ranked Stadtteile.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per Stadtteil with every component column.
    ranked : pandas.Series
        Boolean: which rows are ranked (the others get NaN scores).
    scale : IndexScale, optional
        Ranges of the status quo; values beyond them are clipped to 0 or 1. Default: the
        ranges of ``table`` itself.

    Returns
    -------
    pandas.DataFrame
        One column per component key.
    """
    ranges = {k: (lo, hi) for k, lo, hi in (scale or IndexScale((), ())).ranges}
    own = {k: (lo, hi) for k, lo, hi in component_ranges(table, ranked)}
    scores = pd.DataFrame(index=table.index)
    for comp in COMPONENTS:
        if comp.column not in table:  # optional component not computed: left out
            scores[comp.key] = np.nan
            continue
        raw = _oriented(table, comp, ranked)
        lo, hi = ranges.get(comp.key, own[comp.key]) if scale else own[comp.key]
        span = hi - lo
        # All equal: the component does not differentiate; score 0 for everyone.
        scores[comp.key] = ((raw - lo) / span).clip(0.0, 1.0) if span > 0 else raw * 0.0
    return scores


def weighted_index(scores: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted mean of the available scores × 100.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`component_scores`.
    weights : dict
        Weight per component key.

    Returns
    -------
    pandas.Series
        Index 0–100 (NaN where no weighted component is available).
    """
    return contributions(scores, weights).sum(axis=1, min_count=1)


def contributions(scores: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Points each component adds to the index (they sum to the index).

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`component_scores`.
    weights : dict
        Weight per component key.

    Returns
    -------
    pandas.DataFrame
        One column per component key (NaN where the score is missing).
    """
    keys = [c.key for c in COMPONENTS]
    w = pd.Series({k: weights[k] for k in keys})
    available = scores[keys].notna()
    total = available.mul(w, axis=1).sum(axis=1)
    return scores[keys].mul(w, axis=1).div(total.where(total > 0), axis=0) * 100


def ranks_of(index: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value along the last axis; NaN stays NaN.

    Parameters
    ----------
    index : numpy.ndarray
        ``(..., n)`` index values.

    Returns
    -------
    numpy.ndarray
        Float ranks (ties broken by position).
    """
    values = np.where(np.isnan(index), -np.inf, index)
    order = np.argsort(-values, axis=-1, kind="stable")
    ranks = np.empty_like(order, dtype=float)
    np.put_along_axis(ranks, order, np.arange(1, index.shape[-1] + 1, dtype=float), axis=-1)
    return np.where(np.isnan(index), np.nan, ranks)


def rank_intervals(
    scores: pd.DataFrame,
    weights: dict[str, float],
    n_draws: int = 1000,
    spread: float = 0.5,
    seed: int = 20251231,
) -> pd.DataFrame:
    """Rank range under random weight perturbations (Monte Carlo).

    Parameters
    ----------
    scores : pandas.DataFrame
        Scores of the ranked Stadtteile (rows with NaN index are ignored).
    weights : dict
        Central weights.
    n_draws : int
        Number of random weight sets (0 skips the analysis: all NaN).
    spread : float
        Each weight is multiplied by a factor uniform in ``[1 − spread, 1 + spread]``.
    seed : int
        Random seed (results are reproducible).

    Returns
    -------
    pandas.DataFrame
        ``rang_p05``, ``rang_median``, ``rang_p95`` per Stadtteil.
    """
    if not 0 <= spread < 1:
        raise ValueError("Die Streuung der Gewichte muss zwischen 0 und 1 liegen.")
    columns = ["rang_p05", "rang_median", "rang_p95"]
    if n_draws <= 0:
        return pd.DataFrame(np.nan, index=scores.index, columns=columns)
    keys = [c.key for c in COMPONENTS]
    w = np.array([weights[k] for k in keys])
    rng = np.random.default_rng(seed)
    draws = w * rng.uniform(1 - spread, 1 + spread, size=(n_draws, len(keys)))
    s = scores[keys].to_numpy()
    available = ~np.isnan(s)
    numer = np.nan_to_num(s) @ draws.T  # (stadtteile, draws)
    denom = available.astype(float) @ draws.T
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(denom > 0, numer / denom, np.nan).T  # (draws, stadtteile)
    valid = ~np.isnan(index[0])
    out = pd.DataFrame(np.nan, index=scores.index, columns=columns)
    if valid.any():
        ranks = ranks_of(index[:, valid])
        out.loc[valid, "rang_p05"] = np.percentile(ranks, 5, axis=0)
        out.loc[valid, "rang_median"] = np.median(ranks, axis=0)
        out.loc[valid, "rang_p95"] = np.percentile(ranks, 95, axis=0)
    return out


def class_floors(index: pd.Series, klasse: pd.Series) -> tuple[float, ...]:
    """Lowest index of classes 1–3 (the boundaries a later situation is classed by).

    Parameters
    ----------
    index, klasse : pandas.Series
        Index and class (1–4) of the ranked Stadtteile.

    Returns
    -------
    tuple of float
        Three values; NaN where a class is empty.
    """
    return tuple(
        float(index[klasse == k].min()) if (klasse == k).any() else np.nan for k in (1, 2, 3)
    )


def _classes_by_floor(index: pd.Series, floors: tuple[float, ...]) -> pd.Series:
    klasse = pd.Series(4, index=index.index, dtype="Int64")
    for k in (3, 2, 1):
        floor = floors[k - 1]
        if not np.isnan(floor):
            klasse[index >= floor - 1e-9] = k
    return klasse.where(index.notna())


def underserved(
    table: pd.DataFrame,
    weights: dict[str, float] | None = None,
    min_people: float = MIN_PEOPLE,
    n_draws: int = 1000,
    spread: float = 0.5,
    seed: int = 20251231,
    scale: IndexScale | None = None,
) -> pd.DataFrame:
    """Index, rank, class, scores, contributions and rank intervals per Stadtteil.

    Parameters
    ----------
    table : pandas.DataFrame
        Per Stadtteil: ``stadtteil`` and every component column (see :data:`COMPONENTS`).
    weights : dict, optional
        Weight per component key (default :data:`DEFAULT_WEIGHTS`).
    min_people : float
        Stadtteile with fewer people of the target group are not ranked.
    n_draws, spread, seed
        Monte Carlo settings of :func:`rank_intervals`.
    scale : IndexScale, optional
        The status quo's yardstick (:func:`index_scale`): scores use its ranges and classes
        its boundaries. Default: this table is the status quo (classes by rank quartiles).

    Returns
    -------
    pandas.DataFrame
        ``stadtteil``, ``gerankt`` (bool), ``grund`` (why not ranked), ``index``, ``rang``,
        ``klasse`` (1 = sehr hoch … 4 = gering), ``klasse_text``, ``unvollstaendig``,
        ``score_<key>``, ``beitrag_<key>``, ``rang_p05``, ``rang_median``, ``rang_p95``;
        sorted by rank, unranked last.
    """
    weights = check_weights(weights or {})
    # Plain arrays and one DataFrame at the end (the simulation ranks on every click); the
    # arithmetic is that of component_scores, contributions and weighted_index.
    n = len(table)
    people = table["zielgruppe"].to_numpy(dtype=float, na_value=np.nan)
    share = table["anteil_versorgt"].to_numpy(dtype=float, na_value=np.nan)
    reason = np.full(n, "", dtype=object)
    reason[np.isnan(people)] = "Zahl nicht veröffentlicht"
    with np.errstate(invalid="ignore"):
        reason[~np.isnan(people) & (people < min_people)] = f"weniger als {min_people:.0f}"
    reason[(reason == "") & np.isnan(share)] = "keine Erreichbarkeitswerte"
    ranked = reason == ""

    keys = [c.key for c in COMPONENTS]
    scores = _score_matrix(table, ranked, scale)
    w = np.array([weights[k] for k in keys])
    available = ~np.isnan(scores)
    total = (available * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = scores * w / np.where(total > 0, total, np.nan)[:, None] * 100
    # pandas' row sum, as weighted_index: the same summation order to the last bit.
    index = pd.DataFrame(contrib).sum(axis=1, min_count=1).to_numpy()
    rank = np.full(n, np.nan)
    rank[ranked] = ranks_of(index[ranked])
    m = int(ranked.sum())
    if scale is None:
        # Quartiles of the rank: class 1 = the quarter with the highest index.
        with np.errstate(invalid="ignore"):
            klasse = (
                pd.array(np.clip(np.ceil(rank / m * 4), 1, 4), dtype="Int64")
                if m
                else pd.array([pd.NA] * n, dtype=object)
            )
    else:
        floors = _classes_by_floor(pd.Series(np.where(ranked, index, np.nan)), scale.class_floor)
        klasse = floors.array
    labels = ["" if pd.isna(k) else CLASS_LABELS[k - 1] for k in klasse]
    weighted = np.array([weights[k] > 0 for k in keys])
    columns = {
        "stadtteil": table["stadtteil"].array,
        "gerankt": ranked,
        "grund": list(reason),
        "index": index,
        "rang": pd.array(np.where(ranked, rank, np.nan), dtype="Int64"),
        "klasse": klasse,
        "klasse_text": labels,
        "unvollstaendig": ranked & np.isnan(scores[:, weighted]).any(axis=1),
    }
    columns.update({f"score_{key}": scores[:, j] for j, key in enumerate(keys)})
    columns.update({f"beitrag_{key}": contrib[:, j] for j, key in enumerate(keys)})
    out = pd.DataFrame(columns, index=table.index)
    frame = pd.DataFrame(np.where(ranked[:, None], scores, np.nan), index=table.index, columns=keys)
    intervals = rank_intervals(frame, weights, n_draws, spread, seed)
    out = out.join(intervals)
    return out.sort_values(["gerankt", "rang"], ascending=[False, True], na_position="last")


def _score_matrix(table: pd.DataFrame, ranked: np.ndarray, scale: IndexScale | None) -> np.ndarray:
    """:func:`component_scores` as an ``(n, components)`` array."""
    ranges = {k: (lo, hi) for k, lo, hi in scale.ranges} if scale else {}
    out = np.full((len(table), len(COMPONENTS)), np.nan)
    for j, comp in enumerate(COMPONENTS):
        if comp.column not in table:  # optional component not computed: left out
            continue
        raw = table[comp.column].to_numpy(dtype=float, na_value=np.nan)
        raw = np.where(ranked, raw, np.nan)
        raw = raw if comp.higher_means_need else -raw
        if comp.key in ranges:
            lo, hi = ranges[comp.key]
        else:
            values = raw[~np.isnan(raw)]
            lo, hi = (values.min(), values.max()) if len(values) else (np.nan, np.nan)
        span = hi - lo
        with np.errstate(invalid="ignore"):
            # All equal: the component does not differentiate; score 0 for everyone.
            out[:, j] = np.clip((raw - lo) / span, 0.0, 1.0) if span > 0 else raw * 0.0
    return out


def index_scale(table: pd.DataFrame, ranking: pd.DataFrame) -> IndexScale:
    """The yardstick of a status-quo ranking (to score changed situations on).

    Parameters
    ----------
    table : pandas.DataFrame
        The input table the ranking was computed from.
    ranking : pandas.DataFrame
        Output of :func:`underserved` without ``scale``.

    Returns
    -------
    IndexScale
    """
    ranked = ranking["gerankt"].reindex(table.index).fillna(False).astype(bool)
    classes = ranking.loc[ranking["gerankt"], "klasse"]
    return IndexScale(
        component_ranges(table, ranked),
        class_floors(ranking.loc[classes.index, "index"], classes),
    )


def index_input(
    indicators: pd.DataFrame,
    coverage: pd.DataFrame,
    residents: pd.Series,
    transit: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The input table of :func:`underserved` from indicator and coverage tables.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Indicator table per Stadtteil (``anteil_1p_haushalte``,
        ``wohngeld_je_1000_haushalte``).
    coverage : pandas.DataFrame
        Coverage table per Stadtteil (:func:`geo.access_adapter.analyse`).
    residents : pandas.Series
        Residents per Stadtteil (denominator of the target group's share).
    transit : pandas.DataFrame, optional
        Transit coverage per Stadtteil (``anteil_oepnv``) for the optional component.

    Returns
    -------
    pandas.DataFrame
        ``stadtteil`` and every component column.
    """
    out = coverage[
        ["stadtteil", "zielgruppe", "unversorgt", "anteil_versorgt", "e2sfca_je_1000"]
    ].copy()
    res = residents.reindex(out.index).astype(float)
    out["anteil_zielgruppe"] = (out["zielgruppe"] / res.where(res > 0) * 100).astype(float)
    out["anteil_1p_haushalte"] = indicators["anteil_1p_haushalte"].reindex(out.index)
    out["wohngeld_je_1000_haushalte"] = indicators["wohngeld_je_1000_haushalte"].reindex(out.index)
    if transit is not None:
        out["anteil_oepnv"] = transit["anteil_oepnv"].reindex(out.index)
    return out


def explain(
    ranking: pd.DataFrame, inputs: pd.DataFrame, stadtteil_nr: str, weights: dict[str, float]
) -> pd.DataFrame:
    """Why a Stadtteil has its index: one row per component.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`underserved`.
    inputs : pandas.DataFrame
        The input table of :func:`underserved` (raw component values).
    stadtteil_nr : str
        The Stadtteil.
    weights : dict
        The weights used.

    Returns
    -------
    pandas.DataFrame
        ``Komponente``, ``Gruppe``, ``Wert`` (raw, German format), ``Median`` (of the ranked
        Stadtteile), ``Score`` (0–1), ``Gewicht`` (share of all weights in %), ``Punkte``
        (contribution to the index).
    """
    row = ranking.loc[stadtteil_nr]
    ranked = inputs.loc[ranking.index[ranking["gerankt"]]]
    total = sum(weights.values())
    rows = []
    for comp in COMPONENTS:
        if comp.column not in inputs:  # optional component not computed
            continue
        unit = f" {comp.unit}" if comp.unit else ""
        rows.append(
            {
                "Komponente": comp.label,
                "Gruppe": comp.group,
                "Wert": format_number(inputs.at[stadtteil_nr, comp.column], comp.decimals) + unit,
                "Median": format_number(ranked[comp.column].median(), comp.decimals) + unit,
                "Score": row[f"score_{comp.key}"],
                "Gewicht": weights[comp.key] / total * 100,
                "Punkte": row[f"beitrag_{comp.key}"],
            }
        )
    return pd.DataFrame(rows)

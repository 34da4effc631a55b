"""The under-served index (Unterversorgungsindex): a transparent composite of need and supply.

Method (also shown in the UI, the README and the PDF annex):

1. Seven components per Stadtteil, each oriented so that a higher value means more need:
   need – size of the target group, its share of residents, share of one-person households,
   Wohngeld rate; supply – people beyond walking distance, share within walking distance
   (inverted), E2SFCA supply ratio (inverted). An eighth, the share within N minutes by
   Bus & Bahn (inverted), enters only when it has a weight.
2. Each component is scored on **fixed goalposts** (:data:`GOALPOSTS`, per target group):
   the value that means no need scores 0, the value that means full need scores 1, values
   in between linearly, values beyond are capped. The goalposts never depend on the other
   Stadtteile, so a Stadtteil's index changes only when its own inputs change (a new place
   far away moves nobody's index, only ranks).
3. The index is the weighted mean of the available scores × 100. Weights are relative
   (only their proportions matter); a missing component is left out and the remaining
   weights are rescaled, and the Stadtteil is flagged. Two named weightings answer the two
   questions planners ask (:data:`PRESETS`): "anteilig" (where is the share lacking most –
   the default) and "absolut" (where do most people without a place live).
4. Rank 1 = most under-served. Four classes by fixed index bands (:data:`CLASS_FLOORS`),
   so a class, like the index, only changes where a Stadtteil's own inputs change.
5. Stadtteile with fewer than ``min_people`` members of the target group (default 200) or
   without a coverage value are not ranked.

Robustness: every weight is multiplied by an independent random factor (uniform in
``1 ± spread``, seeded) many times; the 5th–95th percentile of the resulting ranks shows how
stable a Stadtteil's position is. Two Stadtteile **share ranks** ("2–3") when the one ranked
lower is at least as high in :data:`SHARED_RANK_SHARE` or more of the draws – their order
then depends on the weighting, not on the data (:func:`shared_ranks`).
"""

from __future__ import annotations

from collections.abc import Mapping
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
    unit: str = ""
    decimals: int = 0


COMPONENTS: tuple[Component, ...] = (
    Component("zielgruppe", "Zahl der Zielgruppe", "zielgruppe", True, "Bedarf", "Personen"),
    Component("anteil_zielgruppe", "Anteil an allen Einwohnern", "anteil_zielgruppe", True, "Bedarf", "%", 1),
    Component("einpersonenhaushalte", "Anteil Einpersonenhaushalte", "anteil_1p_haushalte", True, "Bedarf", "%", 1),
    Component("wohngeld", "Wohngeld je 1.000 Haushalte", "wohngeld_je_1000_haushalte", True, "Bedarf", "‰", 1),
    Component("unversorgt", "Nicht fußläufig versorgt (Personen)", "unversorgt", True, "Versorgung", "Personen"),
    Component("anteil_versorgt", "Anteil fußläufig versorgt", "anteil_versorgt", False, "Versorgung", "%", 1),
    Component("e2sfca", "Angebot je 1.000 (E2SFCA)", "e2sfca_je_1000", False, "Versorgung", "je 1.000", 2),
    # Optional (weight 0 in both presets): share reaching a place within N minutes by Bus & Bahn.
    Component("oepnv", "Anteil mit Bus & Bahn erreichbar", "anteil_oepnv", False, "Versorgung", "%", 1),
)  # fmt: skip
KEYS: tuple[str, ...] = tuple(c.key for c in COMPONENTS)


@dataclass(frozen=True)
class Goalpost:
    """Fixed scale of one component: the raw value scoring 0 and the one scoring 1.

    Attributes
    ----------
    none : float
        Raw value that means no need (score 0), e.g. 100 % within walking distance.
    full : float
        Raw value that means full need (score 1), e.g. 0 % within walking distance.
    """

    none: float
    full: float

    def score(self, raw: np.ndarray) -> np.ndarray:
        """Linear score between the goalposts, capped to 0–1 (NaN stays NaN)."""
        with np.errstate(invalid="ignore"):
            return np.clip(
                (np.asarray(raw, dtype=float) - self.none) / (self.full - self.none), 0, 1
            )


# The goalposts are fixed, documented choices (README, PDF annex), never derived from the
# current Stadtteile: 0 = no need or full supply; 1 = about the least favourable value a
# Magdeburg Stadtteil had in 2021–2025, rounded. Counts are people of the target group.
_SHARED = {
    "einpersonenhaushalte": Goalpost(20.0, 70.0),  # % of households
    "wohngeld": Goalpost(0.0, 70.0),  # ‰ of households
    "anteil_versorgt": Goalpost(100.0, 0.0),  # % within walking distance
    "oepnv": Goalpost(100.0, 0.0),  # % within N minutes by Bus & Bahn
}
#: Target group -> component key -> goalposts (None: the component does not apply, e.g. the
#: share of "all residents" among all residents is 100 % everywhere).
GOALPOSTS: dict[str, dict[str, Goalpost | None]] = {
    "senioren": {
        "zielgruppe": Goalpost(0.0, 5000.0),
        "anteil_zielgruppe": Goalpost(10.0, 40.0),
        "unversorgt": Goalpost(0.0, 4000.0),
        "e2sfca": Goalpost(1.0, 0.0),  # one place per 1,000 people of 65+ = no need
        **_SHARED,
    },
    "kinder": {
        "zielgruppe": Goalpost(0.0, 2000.0),
        "anteil_zielgruppe": Goalpost(2.0, 10.0),
        "unversorgt": Goalpost(0.0, 1500.0),
        "e2sfca": Goalpost(3.0, 0.0),
        **_SHARED,
    },
    "jugendliche": {
        "zielgruppe": Goalpost(0.0, 2500.0),
        "anteil_zielgruppe": Goalpost(4.0, 16.0),
        "unversorgt": Goalpost(0.0, 2000.0),
        "e2sfca": Goalpost(1.5, 0.0),
        **_SHARED,
    },
    "alle": {
        "zielgruppe": Goalpost(0.0, 25000.0),
        "anteil_zielgruppe": None,
        "unversorgt": Goalpost(0.0, 20000.0),
        "e2sfca": Goalpost(0.5, 0.0),
        **_SHARED,
    },
}


def goalposts_for(target: str) -> dict[str, Goalpost | None]:
    """The goalposts of a target group (German ValueError for an unknown one)."""
    if target not in GOALPOSTS:
        raise ValueError(
            f"Für die Zielgruppe {target!r} gibt es keine Eckwerte des Index; erlaubt: "
            f"{', '.join(GOALPOSTS)}."
        )
    return GOALPOSTS[target]


@dataclass(frozen=True)
class Preset:
    """A named weighting: the question it answers and its weights.

    Attributes
    ----------
    key : str
        ``anteilig`` or ``absolut`` (CLI ``--preset``).
    label : str
        German name in the UI.
    question : str
        The planner's question it answers.
    weights : dict
        Weight per component key.
    """

    key: str
    label: str
    question: str
    weights: Mapping[str, float]


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "anteilig",
            "anteilig",
            "Wo fehlt es anteilig am meisten?",
            {"zielgruppe": 0.0, "anteil_zielgruppe": 0.20, "einpersonenhaushalte": 0.15,
             "wohngeld": 0.15, "unversorgt": 0.0, "anteil_versorgt": 0.35, "e2sfca": 0.15,
             "oepnv": 0.0},
        ),
        Preset(
            "absolut",
            "absolut",
            "Wo leben die meisten Unversorgten?",
            {"zielgruppe": 0.20, "anteil_zielgruppe": 0.10, "einpersonenhaushalte": 0.10,
             "wohngeld": 0.10, "unversorgt": 0.50, "anteil_versorgt": 0.0, "e2sfca": 0.0,
             "oepnv": 0.0},
        ),
    )
}  # fmt: skip
DEFAULT_PRESET = "anteilig"
#: Why the default is "anteilig" (shown on the page and in the PDF).
DEFAULT_REASON = (
    "Eine Begegnungsstätte ist ein Angebot in Gehweite. Ob ein Stadtteil unterversorgt ist, "
    "zeigt darum der Anteil seiner Zielgruppe ohne Angebot in der Nähe – ein kleiner "
    "Stadtteil ohne jede Begegnungsstätte ist es ebenso wie ein großer. Wie viele Menschen "
    "insgesamt betroffen sind, zeigt die Gewichtung „absolut“."
)
DEFAULT_WEIGHTS: dict[str, float] = dict(PRESETS[DEFAULT_PRESET].weights)
#: Highest weight a component can get (CLI, imported scenarios).
MAX_WEIGHT = 100.0
CLASS_LABELS = ("sehr hoch", "hoch", "mittel", "gering")
#: Lowest index of classes 1–3 (fixed bands: ≥ 75 sehr hoch, ≥ 60 hoch, ≥ 45 mittel).
CLASS_FLOORS = (75.0, 60.0, 45.0)
#: The class bands in words (legends, notes, PDF).
CLASS_NOTE = "Klassen: feste Indexstufen – sehr hoch ab 75, hoch ab 60, mittel ab 45 Punkten"
MIN_PEOPLE = 200
#: Two Stadtteile share ranks when their order flips in at least this share of the weight
#: draws (see :func:`shared_ranks`).
SHARED_RANK_SHARE = 0.25


def preset_weights(name: str) -> dict[str, float]:
    """The weights of a preset.

    Raises
    ------
    ValueError
        German message naming the value and the allowed presets.
    """
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise ValueError(
            f"Unbekannte Gewichtung „{name}“. Erlaubt: {', '.join(PRESETS)} "
            f"(Standard: {DEFAULT_PRESET})."
        )
    return dict(PRESETS[key].weights)


def preset_of(weights: Mapping[str, float]) -> str | None:
    """The preset whose weights are proportional to ``weights`` (None: own weighting)."""
    try:
        full = check_weights(dict(weights))
    except ValueError:  # e.g. all weights 0: no preset
        return None
    total = sum(full.values())
    for key, preset in PRESETS.items():
        ref = sum(preset.weights.values())
        if all(abs(full[k] / total - preset.weights[k] / ref) < 1e-9 for k in KEYS):
            return key
    return None


def parse_weights(text: str | None, preset: str | None = None) -> dict[str, float]:
    """Weights from a preset and ``"key=value,key=value"`` (unnamed keys keep the preset's).

    Parameters
    ----------
    text : str or None
        E.g. ``"unversorgt=0.4,wohngeld=0"``.
    preset : str, optional
        Start from this preset (default :data:`DEFAULT_PRESET`).

    Returns
    -------
    dict
        All weights.

    Raises
    ------
    ValueError
        German message naming the value and the allowed range: unknown keys or presets,
        non-numbers, weights outside 0–:data:`MAX_WEIGHT`, all weights zero.
    """
    weights = preset_weights(preset or DEFAULT_PRESET)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in weights:
            raise ValueError(
                f"Ungültige Gewichtung {part!r}. Form: schluessel=zahl; Schlüssel: "
                f"{', '.join(KEYS)}."
            )
        try:
            weights[key] = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(
                f"Gewicht {key!r} ist keine Zahl: {value!r}. Erlaubt: 0 bis "
                f"{format_number(MAX_WEIGHT)}."
            ) from None
    return check_weights(weights)


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """Validate weights (known keys, 0–:data:`MAX_WEIGHT`, not all zero) and fill defaults.

    Parameters
    ----------
    weights : dict
        Weight per component key.

    Returns
    -------
    dict
        All weights.

    Raises
    ------
    ValueError
        German message naming the value and the allowed range.
    """
    unknown = set(weights) - set(KEYS)
    if unknown:
        raise ValueError(
            f"Unbekannte Komponente(n): {', '.join(sorted(unknown))}. Erlaubt: {', '.join(KEYS)}."
        )
    full = {**DEFAULT_WEIGHTS, **weights}
    for key, w in full.items():
        if not (isinstance(w, int | float) and np.isfinite(w) and 0 <= w <= MAX_WEIGHT):
            raise ValueError(
                f"Gewicht „{key}“ = {w!r} ist nicht möglich: Gewichte müssen Zahlen von 0 bis "
                f"{format_number(MAX_WEIGHT)} sein (≥ 0)."
            )
    if sum(full.values()) <= 0:
        raise ValueError("Mindestens ein Gewicht muss größer als 0 sein.")
    return full


def _score_matrix(table: pd.DataFrame, ranked: np.ndarray, target: str) -> np.ndarray:
    """``(n, components)`` scores on the fixed goalposts; NaN where not ranked or missing."""
    posts = goalposts_for(target)
    out = np.full((len(table), len(COMPONENTS)), np.nan)
    for j, comp in enumerate(COMPONENTS):
        post = posts.get(comp.key)
        if post is None or comp.column not in table:  # not applicable or not computed
            continue
        raw = table[comp.column].to_numpy(dtype=float, na_value=np.nan)
        out[:, j] = np.where(ranked, post.score(raw), np.nan)
    return out


def component_scores(
    table: pd.DataFrame, ranked: pd.Series | np.ndarray, target: str = "senioren"
) -> pd.DataFrame:
    """Scores (0 = no need, 1 = full need) on the fixed goalposts of ``target``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per Stadtteil with the component columns.
    ranked : pandas.Series or numpy.ndarray
        Boolean: which rows are ranked (the others get NaN scores).
    target : str
        Target group (selects :data:`GOALPOSTS`).

    Returns
    -------
    pandas.DataFrame
        One column per component key (NaN where a component does not apply or is missing).
    """
    scores = _score_matrix(table, np.asarray(ranked, dtype=bool), target)
    return pd.DataFrame(scores, index=table.index, columns=list(KEYS))


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
    w = pd.Series({k: weights[k] for k in KEYS})
    available = scores[list(KEYS)].notna()
    total = available.mul(w, axis=1).sum(axis=1)
    return scores[list(KEYS)].mul(w, axis=1).div(total.where(total > 0), axis=0) * 100


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


def index_draws(
    scores: pd.DataFrame,
    weights: dict[str, float],
    n_draws: int = 1000,
    spread: float = 0.5,
    seed: int = 20251231,
) -> np.ndarray:
    """The index under random weight perturbations: ``(n_draws, Stadtteile)``.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scores (rows with NaN everywhere give NaN).
    weights : dict
        Central weights.
    n_draws : int
        Number of random weight sets.
    spread : float
        Each weight is multiplied by a factor uniform in ``[1 − spread, 1 + spread]``.
    seed : int
        Random seed (results are reproducible).

    Returns
    -------
    numpy.ndarray
    """
    if not 0 <= spread < 1:
        raise ValueError("Die Streuung der Gewichte muss zwischen 0 und 1 liegen.")
    w = np.array([weights[k] for k in KEYS])
    rng = np.random.default_rng(seed)
    draws = w * rng.uniform(1 - spread, 1 + spread, size=(max(n_draws, 0), len(KEYS)))
    s = scores[list(KEYS)].to_numpy()
    available = ~np.isnan(s)
    numer = np.nan_to_num(s) @ draws.T  # (stadtteile, draws)
    denom = available.astype(float) @ draws.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, numer / denom, np.nan).T * 100


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
    if n_draws <= 0:
        if not 0 <= spread < 1:
            raise ValueError("Die Streuung der Gewichte muss zwischen 0 und 1 liegen.")
        return _rank_percentiles(None, scores.index)
    return _rank_percentiles(index_draws(scores, weights, n_draws, spread, seed), scores.index)


def _rank_percentiles(draws: np.ndarray | None, index: pd.Index) -> pd.DataFrame:
    """5th percentile, median and 95th percentile of the ranks over the draws."""
    out = pd.DataFrame(np.nan, index=index, columns=["rang_p05", "rang_median", "rang_p95"])
    if draws is None or not len(draws):
        return out
    valid = ~np.isnan(draws[0])
    if valid.any():
        ranks = ranks_of(draws[:, valid])
        out.loc[valid, "rang_p05"] = np.percentile(ranks, 5, axis=0)
        out.loc[valid, "rang_median"] = np.median(ranks, axis=0)
        out.loc[valid, "rang_p95"] = np.percentile(ranks, 95, axis=0)
    return out


def shared_ranks(
    rank: np.ndarray, index: np.ndarray, draws: np.ndarray | None, share: float = SHARED_RANK_SHARE
) -> tuple[np.ndarray, np.ndarray]:
    """The ranks a Stadtteil shares with others whose order depends on the weighting ("2–3").

    Two ranked Stadtteile *overlap strongly* when the one ranked lower has an index at
    least as high as the other's in ``share`` or more of the weight draws (or when their
    central index is equal): their order then rests on the weighting, not on the data. A
    Stadtteil is shown with the range from the best to the worst rank among itself and all
    Stadtteile it overlaps strongly with. The relation is symmetric – if A shares with B,
    B shares with A – but not transitive, so near ties never chain a long list together.

    Parameters
    ----------
    rank : numpy.ndarray
        ``(n,)`` central ranks (NaN: not ranked).
    index : numpy.ndarray
        ``(n,)`` central index.
    draws : numpy.ndarray or None
        ``(n_draws, n)`` index per weight draw (:func:`index_draws`); None or empty: only
        equal indices share.
    share : float
        Share of draws in which the order must flip (0–1).

    Returns
    -------
    tuple of numpy.ndarray
        ``(first, last)`` rank per Stadtteil (NaN where not ranked).
    """
    first = np.full(len(rank), np.nan)
    last = np.full(len(rank), np.nan)
    ranked = np.flatnonzero(~np.isnan(rank))
    if not len(ranked):
        return first, last
    r = rank[ranked]
    equal = index[ranked][:, None] == index[ranked][None, :]
    if draws is not None and len(draws) > 0:
        d = draws[:, ranked]
        # ahead[a, b]: share of draws in which b's index is at least a's.
        ahead = (d[:, None, :] >= d[:, :, None]).mean(axis=0)
        below = r[None, :] > r[:, None]  # b ranked below a
        flips = below & (ahead >= share)
        strong = flips | flips.T | equal
    else:
        strong = equal
    first[ranked] = np.where(strong, r[None, :], np.inf).min(axis=1)
    last[ranked] = np.where(strong, r[None, :], -np.inf).max(axis=1)
    return first, last


def shared_rank_text(first: float, last: float) -> str:
    """``"2–3"`` for a shared rank, ``"2"`` otherwise, ``""`` when not ranked."""
    if pd.isna(first) or pd.isna(last):
        return ""
    lo, hi = int(first), int(last)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def classes_of(index: np.ndarray) -> pd.array:
    """Class 1–4 by the fixed bands :data:`CLASS_FLOORS` (NA where the index is missing)."""
    klasse = np.full(len(index), 4.0)
    with np.errstate(invalid="ignore"):
        for k, floor in zip((3, 2, 1), CLASS_FLOORS[::-1], strict=True):
            klasse[index >= floor] = k
    return pd.array(np.where(np.isnan(index), np.nan, klasse), dtype="Int64")


def underserved(
    table: pd.DataFrame,
    weights: dict[str, float] | None = None,
    min_people: float = MIN_PEOPLE,
    n_draws: int = 1000,
    spread: float = 0.5,
    seed: int = 20251231,
    target: str = "senioren",
) -> pd.DataFrame:
    """Index, rank, shared rank, class, scores, contributions and rank intervals per Stadtteil.

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
    target : str
        Target group (selects the goalposts, :data:`GOALPOSTS`).

    Returns
    -------
    pandas.DataFrame
        ``stadtteil``, ``gerankt`` (bool), ``grund`` (why not ranked), ``index``, ``rang``,
        ``rang_von``/``rang_bis`` (the group of shared ranks, :func:`shared_ranks`),
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
    reason = _not_ranked_reasons(people, share, min_people)
    ranked = reason == ""

    scores = _score_matrix(table, ranked, target)
    w = np.array([weights[k] for k in KEYS])
    available = ~np.isnan(scores)
    total = (available * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = scores * w / np.where(total > 0, total, np.nan)[:, None] * 100
    # pandas' row sum, as weighted_index: the same summation order to the last bit.
    index = pd.DataFrame(contrib).sum(axis=1, min_count=1).to_numpy()
    rank = np.full(n, np.nan)
    rank[ranked] = ranks_of(index[ranked])
    klasse = classes_of(np.where(ranked, index, np.nan))
    labels = ["" if pd.isna(k) else CLASS_LABELS[k - 1] for k in klasse]
    applies = np.array([goalposts_for(target).get(k) is not None for k in KEYS])
    weighted = (w > 0) & applies
    frame = pd.DataFrame(
        np.where(ranked[:, None], scores, np.nan), index=table.index, columns=list(KEYS)
    )
    draws = index_draws(frame, weights, n_draws, spread, seed) if n_draws > 0 else None
    first, last = shared_ranks(rank, index, draws)
    columns = {
        "stadtteil": table["stadtteil"].array,
        "gerankt": ranked,
        "grund": list(reason),
        "index": index,
        "rang": pd.array(np.where(ranked, rank, np.nan), dtype="Int64"),
        "rang_von": pd.array(first, dtype="Int64"),
        "rang_bis": pd.array(last, dtype="Int64"),
        "klasse": klasse,
        "klasse_text": labels,
        "unvollstaendig": ranked & np.isnan(scores[:, weighted]).any(axis=1),
    }
    columns.update({f"score_{key}": scores[:, j] for j, key in enumerate(KEYS)})
    columns.update({f"beitrag_{key}": contrib[:, j] for j, key in enumerate(KEYS)})
    out = pd.DataFrame(columns, index=table.index).join(_rank_percentiles(draws, table.index))
    return out.sort_values(["gerankt", "rang"], ascending=[False, True], na_position="last")


def _not_ranked_reasons(people: np.ndarray, share: np.ndarray, min_people: float) -> np.ndarray:
    """Why each Stadtteil is not ranked ("" for a ranked one)."""
    reason = np.full(len(people), "", dtype=object)
    reason[np.isnan(people)] = "Zahl nicht veröffentlicht"
    with np.errstate(invalid="ignore"):
        reason[~np.isnan(people) & (people < min_people)] = f"weniger als {min_people:.0f}"
    reason[(reason == "") & np.isnan(share)] = "keine Erreichbarkeitswerte"
    return reason


def preset_label(weights: Mapping[str, float]) -> str:
    """``„anteilig“ (Standard)``, ``„absolut“`` or ``eigene Gewichtung`` for these weights."""
    key = preset_of(weights)
    if key is None:
        return "eigene Gewichtung"
    return f"„{key}“" + (" (Standard)" if key == DEFAULT_PRESET else "")


def whole_rank(value: float) -> int:
    """A rank percentile rounded to a whole rank (halves up)."""
    return int(np.floor(float(value) + 0.5))


def is_robust(row: pd.Series, flagged: bool) -> bool:
    """Whether a Stadtteil's rank holds across weights *and* data gaps.

    True only when its rank is not shared, the 5th and 95th percentile of the weight draws
    both round to it, its rank range from the facility positions is that rank alone, and it
    has no data-gap flag. Only then may a report call the rank stable.

    Parameters
    ----------
    row : pandas.Series
        The Stadtteil's row of the ranking (with ``rang_luecke_von``/``_bis``).
    flagged : bool
        Its data-gap flag (:func:`register.completeness.data_gaps`).
    """
    values = [row.get(k) for k in ("rang", "rang_von", "rang_bis", "rang_p05", "rang_p95")]
    gap = [row.get("rang_luecke_von"), row.get("rang_luecke_bis")]
    if flagged or any(pd.isna(v) for v in values + gap):
        return False
    rank = int(values[0])
    return (
        int(values[1]) == int(values[2]) == rank
        and whole_rank(values[3]) == whole_rank(values[4]) == rank
        and int(gap[0]) == int(gap[1]) == rank
    )


def index_only(
    table: pd.DataFrame, weights: dict[str, float], target: str = "senioren"
) -> pd.Series:
    """The index of every row of ``table`` (no ranking, no draws).

    Used for the index a Stadtteil would have with other inputs (e.g. its coverage at the
    bounds of the facility positions): with fixed goalposts a row's index depends on that
    row alone. The arithmetic of :func:`weighted_index` on plain arrays.
    """
    weights = check_weights(weights)
    scores = _score_matrix(table, np.ones(len(table), dtype=bool), target)
    w = np.array([weights[k] for k in KEYS])
    total = (~np.isnan(scores) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.nansum(scores * w, axis=1) / np.where(total > 0, total, np.nan) * 100
    return pd.Series(index, index=table.index)


def gap_ranks(ranking: pd.DataFrame, index_low: pd.Series, index_high: pd.Series) -> pd.DataFrame:
    """Best and worst rank a Stadtteil can have given data gaps (index bounds per Stadtteil).

    A Stadtteil's rank is at best (lowest number) when its own index is at its highest and
    every other at its lowest, and at worst the other way round. The bounds are per
    Stadtteil, so they may combine situations that cannot occur together: the range is
    rather too wide than too narrow.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`underserved`.
    index_low, index_high : pandas.Series
        Lowest and highest index per Stadtteil (e.g. with the most and the least favourable
        facility positions).

    Returns
    -------
    pandas.DataFrame
        ``rang_luecke_von`` and ``rang_luecke_bis`` (Int64, NA where not ranked).
    """
    ranked = ranking["gerankt"].to_numpy(dtype=bool)
    centre = ranking["index"].to_numpy(dtype=float)[ranked]
    low = np.fmin(index_low.reindex(ranking.index).to_numpy(dtype=float)[ranked], centre)
    high = np.fmax(index_high.reindex(ranking.index).to_numpy(dtype=float)[ranked], centre)
    ahead_at_best = low[None, :] > high[:, None]  # [a, b]: b ahead of a even at a's best
    ahead_at_worst = high[None, :] > low[:, None]
    np.fill_diagonal(ahead_at_worst, False)
    rank = ranking["rang"].to_numpy(dtype=float, na_value=np.nan)[ranked]
    best = np.full(len(ranking), np.nan)
    worst = np.full(len(ranking), np.nan)
    best[ranked] = np.minimum(1 + ahead_at_best.sum(axis=1), rank)
    worst[ranked] = np.maximum(1 + ahead_at_worst.sum(axis=1), rank)
    return pd.DataFrame(
        {
            "rang_luecke_von": pd.array(best, dtype="Int64"),
            "rang_luecke_bis": pd.array(worst, dtype="Int64"),
        },
        index=ranking.index,
    )


def method_lines(target: str, with_transit: bool = False) -> list[str]:
    """The index method in German sentences (the page's expander and the PDF annex).

    Parameters
    ----------
    target : str
        Target group (its goalposts are listed).
    with_transit : bool
        Also list the optional Bus & Bahn component.

    Returns
    -------
    list of str
        Plain text, one item per step.
    """
    posts = "; ".join(
        f"{comp.label}: {goalpost_text(comp.key, target)}"
        for comp in COMPONENTS
        if (comp.key != "oepnv" or with_transit) and goalposts_for(target).get(comp.key)
    )
    presets = "; ".join(
        f"„{p.key}“ ({p.question}) – "
        + ", ".join(
            f"{c.label} {format_number(p.weights[c.key] * 100)} %"
            for c in COMPONENTS
            if p.weights[c.key] > 0
        )
        for p in PRESETS.values()
    )
    return [
        "Komponenten je Stadtteil, so ausgerichtet, dass ein höherer Wert mehr Bedarf bedeutet: "
        "Bedarf – Zahl und Anteil der Zielgruppe, Anteil Einpersonenhaushalte, Wohngeldquote; "
        "Versorgung – nicht fußläufig Versorgte, Anteil fußläufig Versorgter und Angebot je "
        "1.000 (E2SFCA), beide umgekehrt.",
        "Feste Eckwerte je Komponente (Score 0 = kein Bedarf, 1 = voller Bedarf, dazwischen "
        "linear, darüber hinaus gekappt), unabhängig von den anderen Stadtteilen – der Index "
        f"eines Stadtteils ändert sich nur, wenn sich seine eigenen Werte ändern: {posts}.",
        "Index: gewichteter Mittelwert der vorhandenen Scores × 100; fehlt eine Komponente, "
        f"rechnet der Index ohne sie (markiert). Gewichtungen: {presets}. Standard ist "
        f"„{DEFAULT_PRESET}“: {DEFAULT_REASON}",
        f"Rang 1 = am stärksten unterversorgt. {CLASS_NOTE}.",
        "Robustheit: 1.000 zufällige Gewichtungen (jedes Gewicht × Faktor zwischen 0,5 und "
        "1,5, fester Startwert); gezeigt wird der Bereich, in dem der Rang in 90 % der Fälle "
        "liegt. Zwei Stadtteile teilen sich einen Rang (z. B. „2–3“), wenn sich ihre "
        f"Reihenfolge in mindestens {format_number(SHARED_RANK_SHARE * 100)} % der "
        "Gewichtungen umkehrt.",
        "Datenlücken: Eine Einrichtung mit ungenauer Lage liegt irgendwo in ihrem Lage-Radius, "
        "eine ohne Lage irgendwo in ihrem Stadtteil. Die Spanne der Versorgung und der Rang je "
        "nach Lage rechnen alle Einrichtungen gemeinsam am ungünstigsten bzw. günstigsten Ort "
        "– mit den erfassten Einrichtungen; die Liste ist nicht vollständig, der wahre Wert kann "
        "auch darüber liegen. Stabil heißt ein Rang nur, wenn er bei anderen Gewichten und jeder "
        "möglichen Lage gleich bleibt.",
    ]


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
        Coverage table per Stadtteil (:func:`geo.analysis.access_adapter.analyse`).
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


def bound_inputs(inputs: pd.DataFrame, coverage: pd.DataFrame, bound: str) -> pd.DataFrame:
    """``inputs`` with the coverage at a bound of the facility positions.

    Parameters
    ----------
    inputs : pandas.DataFrame
        Output of :func:`index_input`.
    coverage : pandas.DataFrame
        Coverage with ``verortet`` and ``versorgt_min``/``versorgt_max``.
    bound : {"min", "max"}
        Which bound of the people within walking distance.

    Returns
    -------
    pandas.DataFrame
        A copy with ``unversorgt`` and ``anteil_versorgt`` at the bound.
    """
    placed = coverage["verortet"].reindex(inputs.index).to_numpy(dtype=float)
    covered = coverage[f"versorgt_{bound}"].reindex(inputs.index).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(placed > 0, covered / placed * 100, np.nan)
    return inputs.assign(unversorgt=placed - covered, anteil_versorgt=share)


def goalpost_text(key: str, target: str) -> str:
    """The goalposts of one component in words (``"0 bei 100 %, 1 bei 0 %"``)."""
    post = goalposts_for(target).get(key)
    if post is None:
        return "entfällt"
    comp = next(c for c in COMPONENTS if c.key == key)
    unit = f" {comp.unit}" if comp.unit else ""
    decimals = 1 if comp.decimals and (post.none % 1 or post.full % 1) else 0
    return (
        f"0 bei {format_number(post.none, decimals)}{unit}, "
        f"1 bei {format_number(post.full, decimals)}{unit}"
    )


def explain(
    ranking: pd.DataFrame,
    inputs: pd.DataFrame,
    stadtteil_nr: str,
    weights: dict[str, float],
    target: str = "senioren",
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
    target : str
        Target group (its goalposts are listed).

    Returns
    -------
    pandas.DataFrame
        ``Komponente``, ``Gruppe``, ``Wert`` (raw, German format), ``Eckwerte`` (the fixed
        scale), ``Median`` (of the ranked Stadtteile), ``Score`` (0–1), ``Gewicht`` (share
        of all weights in %), ``Punkte`` (contribution to the index).
    """
    row = ranking.loc[stadtteil_nr]
    ranked = inputs.loc[ranking.index[ranking["gerankt"]]]
    total = sum(weights.values())
    posts = goalposts_for(target)
    rows = []
    for comp in COMPONENTS:
        if comp.column not in inputs or posts.get(comp.key) is None:  # not computed / n. a.
            continue
        unit = f" {comp.unit}" if comp.unit else ""
        rows.append(
            {
                "Komponente": comp.label,
                "Gruppe": comp.group,
                "Wert": format_number(inputs.at[stadtteil_nr, comp.column], comp.decimals) + unit,
                "Eckwerte": goalpost_text(comp.key, target),
                "Median": format_number(ranked[comp.column].median(), comp.decimals) + unit,
                "Score": row[f"score_{comp.key}"],
                "Gewicht": weights[comp.key] / total * 100,
                "Punkte": row[f"beitrag_{comp.key}"],
            }
        )
    return pd.DataFrame(rows)


#: Component labels in plain words (Seniorenbeirat report, "Warum?" lines).
PLAIN_LABELS = {
    "zielgruppe": "Zahl der Zielgruppe",
    "anteil_zielgruppe": "Anteil der Zielgruppe an allen Einwohnern",
    "einpersonenhaushalte": "Anteil Alleinlebender (Einpersonenhaushalte)",
    "wohngeld": "Haushalte mit Wohngeld je 1.000",
    "unversorgt": "ohne Begegnungsort in Gehweite",
    "anteil_versorgt": "Anteil mit kurzem Fußweg",
    "e2sfca": "Angebot in der weiteren Umgebung je 1.000",
    "oepnv": "Anteil mit Bus & Bahn erreichbar",
}


def reason_line(row: pd.Series, inputs: pd.Series, top: int = 2, plain: bool = False) -> str:
    """One line on why a Stadtteil ranks where it does: its largest contributions in words.

    Parameters
    ----------
    row : pandas.Series
        The Stadtteil's row of :func:`underserved` (``beitrag_<key>``).
    inputs : pandas.Series
        Its row of the input table (raw values).
    top : int
        How many components to name.
    plain : bool
        Plain labels (:data:`PLAIN_LABELS`) instead of the technical ones.

    Returns
    -------
    str
        E.g. ``"Anteil fußläufig versorgt 0,0 %; Anteil Einpersonenhaushalte 60,9 %"``.
    """
    parts = []
    points = {c.key: row.get(f"beitrag_{c.key}") for c in COMPONENTS}
    ordered = sorted(
        (c for c in COMPONENTS if pd.notna(points[c.key]) and points[c.key] > 0),
        key=lambda c: -float(points[c.key]),
    )
    for comp in ordered[:top]:
        unit = f" {comp.unit}" if comp.unit and comp.unit != "je 1.000" else ""
        value = format_number(inputs.get(comp.column), comp.decimals)
        label = PLAIN_LABELS[comp.key] if plain else comp.label
        parts.append(f"{label} {value}{unit}")
    return "; ".join(parts)

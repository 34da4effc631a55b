"""Door-to-door travel time by walking and tram/bus to the nearest meeting place.

For every populated cell and every departure in a window (default Tuesday 09:00–12:00) the
earliest arrival at any meeting place is found: walk to a stop (at most ``max_access_m``),
wait, ride, change trips (a transfer penalty is added to every change and footpaths connect
nearby stops), alight and walk to the place – or simply walk all the way if that is faster.
The result per cell is the median over the departures. Every walking leg (to and from stops,
transfers, the walk-only comparison) uses the walking metric of the analysis: with a river
barrier a walk across the Elbe goes via a bridge (ferries are in the timetable).

Algorithm: one backward *profile Connection Scan* (Dibbelt et al., a timetable-based
earliest-arrival algorithm like RAPTOR) from the meeting places gives, for every stop, the
earliest arrival for every possible departure. Origins then only look up their access stops,
so all 4,500 cells and all departures cost one scan plus vectorised look-ups.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis.access_adapter import CITY_ID, AccessResult
from geo.analysis.access_kernel import grouped_weighted_median
from geo.analysis.barrier import Barrier
from geo.analysis.metric import WalkMetric
from geo.crs import xy
from geo.io.gtfs import WEEKDAYS, Feed

INF = float("inf")
#: Departure windows (connections, footpaths) and results (minutes per cell and departure)
#: kept per process, newest last. A result holds ``cells × departures`` floats (4,500 × 37
#: in Magdeburg: 1,3 MB), hence only a few.
KEPT_WINDOWS, KEPT_RESULTS = 4, 4


@dataclass(frozen=True)
class TransitParams:
    """Assumptions of the transit analysis.

    Attributes
    ----------
    weekday : int
        0 = Monday … 6 = Sunday (default Tuesday).
    start_min, end_min : int
        Departure window in minutes after midnight (default 09:00–12:00).
    step_min : int
        Departures sampled every ``step_min`` minutes.
    max_access_m : float
        Longest walk (metres, along the street: straight line × detour) to and from stops.
    transfer_penalty_min : float
        Added to every change of vehicle (on top of walking between stops).
    transfer_walk_m : float
        Stops at most this far apart (walking) count as a transfer.
    speed_mps : float
        Walking pace.
    detour : float
        Walking distance = straight line × detour.
    max_minutes : float
        Threshold for coverage "in N Minuten mit Bus & Bahn".
    horizon_min : int
        How long after the window journeys may still arrive.
    wheelchair_only : bool
        Board and alight only at stops marked wheelchair-accessible.
    day : datetime.date or None
        A specific day of travel instead of the feed's typical ``weekday``.
    barrier : geo.analysis.barrier.Barrier, optional
        River barrier of the walking legs (set from the walking analysis by
        :func:`transit_for`, never stored in a scenario).
    """

    weekday: int = 1
    start_min: int = 9 * 60
    end_min: int = 12 * 60
    step_min: int = 5
    max_access_m: float = 400.0
    transfer_penalty_min: float = 5.0
    transfer_walk_m: float = 200.0
    speed_mps: float = 1.0
    detour: float = 1.3
    max_minutes: float = 20.0
    horizon_min: int = 120
    wheelchair_only: bool = False
    day: date | None = None
    barrier: Barrier | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        checks = [
            (0 <= self.weekday <= 6, "Der Wochentag muss 0 (Montag) bis 6 (Sonntag) sein."),
            (
                0 <= self.start_min <= self.end_min <= 30 * 60,
                "Der Beginn des Zeitfensters darf nicht nach dem Ende liegen (0–30 Uhr).",
            ),
            (1 <= self.step_min <= 60, "Der Abstand der Abfahrten muss 1 bis 60 Minuten betragen."),
            (
                50 <= self.max_access_m <= 2000,
                "Der Weg zur Haltestelle muss 50 bis 2.000 m betragen.",
            ),
            (
                0 <= self.transfer_penalty_min <= 30,
                "Der Umstiegszuschlag muss 0 bis 30 Minuten betragen.",
            ),
            (0.2 <= self.speed_mps <= 2.5, "Das Gehtempo muss zwischen 0,2 und 2,5 m/s liegen."),
            (1.0 <= self.detour <= 3.0, "Der Umwegfaktor muss zwischen 1,0 und 3,0 liegen."),
            (
                1 <= self.max_minutes <= 120,
                "Die Reisezeit-Schwelle muss 1 bis 120 Minuten betragen.",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def departures(self) -> np.ndarray:
        """Sampled departure times in seconds after midnight."""
        return np.arange(self.start_min, self.end_min + 1, self.step_min) * 60.0

    @property
    def metric(self) -> WalkMetric:
        """Walking metric of the legs (detour and barrier)."""
        return WalkMetric(self.detour, self.barrier)

    def walk_seconds(self, straight_m: np.ndarray) -> np.ndarray:
        """Walking time for straight-line distances."""
        return self.metric.walk(np.asarray(straight_m, dtype=float)) / self.speed_mps

    @property
    def label(self) -> str:
        """German description of the window."""

        def hhmm(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        return f"{WEEKDAYS[self.weekday]} {hhmm(self.start_min)}–{hhmm(self.end_min)} Uhr"


@dataclass(frozen=True)
class Connections:
    """Elementary connections (one vehicle from one stop to the next), newest departure first.

    Attributes
    ----------
    dep_stop, arr_stop, trip : numpy.ndarray
        Integer stop and trip numbers.
    dep, arr : numpy.ndarray
        Seconds after midnight of the analysed day.
    board, alight : numpy.ndarray
        Whether boarding at ``dep_stop`` / alighting at ``arr_stop`` is allowed.
    """

    dep_stop: np.ndarray
    arr_stop: np.ndarray
    dep: np.ndarray
    arr: np.ndarray
    trip: np.ndarray
    board: np.ndarray
    alight: np.ndarray

    def __len__(self) -> int:
        return len(self.dep)


def connections(feed: Feed, day: date, start_s: float, end_s: float) -> Connections:
    """Connections of ``day`` departing between ``start_s`` and ``end_s``.

    Trips of the previous service day that run past midnight (times ≥ 24:00) are included
    (shifted by −24 h); trips in ``frequencies.txt`` are expanded to every departure.

    Parameters
    ----------
    feed : Feed
        The timetable.
    day : datetime.date
        Day of travel.
    start_s, end_s : float
        Departure window of the connections (seconds after midnight of ``day``).

    Returns
    -------
    Connections
    """
    st = feed.stop_times
    same_trip = st["trip"].to_numpy()[:-1] == st["trip"].to_numpy()[1:]
    first, second = np.flatnonzero(same_trip), np.flatnonzero(same_trip) + 1
    base = pd.DataFrame(
        {
            "dep_stop": st["stop"].to_numpy()[first],
            "arr_stop": st["stop"].to_numpy()[second],
            "dep": st["dep"].to_numpy()[first],
            "arr": st["arr"].to_numpy()[second],
            "trip": st["trip"].to_numpy()[first],
            "board": st["pickup"].to_numpy()[first],
            "alight": st["dropoff"].to_numpy()[second],
        }
    )
    base = _expand_frequencies(base, feed)
    template = base["trip"].to_numpy() % len(feed.trips)  # frequency copies -> their template
    parts = []
    for day_flag, service_day in enumerate((day, date.fromordinal(day.toordinal() - 1))):
        part = base[feed.trips_on(service_day)[template]].copy()
        part["dep"] -= 86400.0 * day_flag  # yesterday's trips after midnight
        part["arr"] -= 86400.0 * day_flag
        # Yesterday's run of a trip is a different vehicle run than today's: own number.
        part["trip"] = part["trip"] * 2 + day_flag
        parts.append(part)
    conns = pd.concat(parts, ignore_index=True)
    conns = conns[
        (conns["dep"] >= start_s) & (conns["dep"] <= end_s) & (conns["arr"] >= conns["dep"])
    ]
    conns = conns.sort_values(["dep", "arr"], ascending=False, kind="stable")
    return Connections(
        *(
            conns[c].to_numpy()
            for c in ("dep_stop", "arr_stop", "dep", "arr", "trip", "board", "alight")
        )
    )


def _expand_frequencies(base: pd.DataFrame, feed: Feed) -> pd.DataFrame:
    """Replace frequency-based trips by one copy per departure (new trip numbers)."""
    if feed.frequencies.empty:
        return base
    n_trips = len(feed.trips)
    templated = set(feed.frequencies["trip"])
    keep = base[~base["trip"].isin(templated)]
    copies, counter = [], 1
    for row in feed.frequencies.itertuples():
        template = base[base["trip"] == row.trip]
        if template.empty:
            continue
        first = template["dep"].min()
        for start in np.arange(row.start, row.end, row.headway):
            copy = template.copy()
            shift = start - first
            copy["dep"] += shift
            copy["arr"] += shift
            # Copies keep the template's service (trip % n_trips) but get their own identity.
            copy["trip"] = row.trip + n_trips * counter
            counter += 1
            copies.append(copy)
    return pd.concat([keep, *copies], ignore_index=True)


def footpaths(feed: Feed, params: TransitParams) -> list[list[tuple[int, float]]]:
    """Walking links between nearby stops (and transfers.txt), per stop: ``[(other, seconds)]``."""
    from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

    pts = xy(feed.stops)
    links: list[dict[int, float]] = [{} for _ in range(len(pts))]
    tree = cKDTree(pts)
    for a, neighbours in enumerate(
        tree.query_ball_point(pts, params.metric.straight_radius(params.transfer_walk_m))
    ):
        for b in neighbours:
            if a != b:
                links[a][b] = float(params.walk_seconds(np.hypot(*(pts[a] - pts[b]))))
    if params.barrier is not None:
        _reroute_links(links, pts, params)
    for row in feed.transfers.itertuples():
        if row.from_stop != row.to_stop:
            walk = links[row.from_stop].get(row.to_stop, INF)
            links[row.from_stop][row.to_stop] = (
                max(float(row.seconds), 0.0) if walk == INF else max(walk, float(row.seconds))
            )
    return [sorted(d.items()) for d in links]


def _routes(
    params: TransitParams,
    a_xy: np.ndarray,
    b_xy: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    limit_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs found by straight radius, re-measured via the bridges and cut at ``limit_m``."""
    straight = np.hypot(*(a_xy[rows] - b_xy[cols]).T) if len(rows) else np.zeros(0)
    return params.metric.routes(a_xy, b_xy, rows, cols, straight, limit_m)


def _reroute_links(links: list[dict[int, float]], pts: np.ndarray, params: TransitParams) -> None:
    """Footpaths across the river: via a bridge if still short enough, else dropped."""
    rows = np.fromiter((a for a, d in enumerate(links) for _ in d), dtype=int)
    cols = np.fromiter((b for d in links for b in d), dtype=int, count=len(rows))
    kept, kept_cols, length = _routes(params, pts, pts, rows, cols, params.transfer_walk_m)
    for d in links:
        d.clear()
    for a, b, seconds in zip(kept, kept_cols, params.walk_seconds(length), strict=True):
        links[a][b] = float(seconds)


@dataclass(frozen=True)
class Profiles:
    """Earliest arrival at a destination for every departure from every stop.

    For stop ``s`` the entries are sorted by departure (ascending); both arrays increase, so
    the earliest arrival when leaving at ``t`` or later is the first entry with ``dep ≥ t``.
    """

    deps: list[np.ndarray]
    arrs: list[np.ndarray]

    def earliest(self, stop: int, t: np.ndarray) -> np.ndarray:
        """Earliest arrival leaving ``stop`` at times ``t`` (``inf`` if there is none)."""
        deps, arrs = self.deps[stop], self.arrs[stop]
        if len(deps) == 0:
            return np.full(np.shape(t), INF)
        idx = np.searchsorted(deps, t, side="left")
        out = np.full(np.shape(t), INF)
        ok = idx < len(deps)
        out[ok] = arrs[idx[ok]]
        return out


def profile_scan(
    conns: Connections,
    egress: np.ndarray,
    paths: list[list[tuple[int, float]]],
    transfer_s: float,
    usable: np.ndarray | None = None,
) -> Profiles:
    """Backward profile Connection Scan to a set of destinations.

    Parameters
    ----------
    conns : Connections
        Newest departure first.
    egress : numpy.ndarray
        Seconds from each stop to the nearest destination on foot (``inf`` if too far).
    paths : list
        Footpaths per stop (see :func:`footpaths`).
    transfer_s : float
        Penalty added to every change of vehicle.
    usable : numpy.ndarray, optional
        Per stop: boarding and alighting allowed (e.g. wheelchair-accessible only).

    Returns
    -------
    Profiles
    """
    n = len(egress)
    usable_list = [True] * n if usable is None else list(map(bool, usable))
    egress_list = list(map(float, egress))
    neg_deps: list[list[float]] = [[] for _ in range(n)]  # per stop: −departure, increasing
    arrs: list[list[float]] = [[] for _ in range(n)]  # per stop: arrival, decreasing
    trip_best: dict[int, float] = {}

    def lookup(stop: int, t: float) -> float:
        # Earliest arrival leaving ``stop`` at ``t`` or later: the last entry with dep ≥ t.
        i = bisect.bisect_right(neg_deps[stop], -t) - 1
        return arrs[stop][i] if i >= 0 else INF

    columns = zip(
        conns.dep_stop.tolist(), conns.arr_stop.tolist(), conns.dep.tolist(), conns.arr.tolist(),
        conns.trip.tolist(), conns.board.tolist(), conns.alight.tolist(), strict=True,
    )  # fmt: skip
    for dep_stop, arr_stop, dep, arr, trip, board, alight in columns:
        best = trip_best.get(trip, INF)  # stay seated
        if alight and usable_list[arr_stop]:
            best = min(best, arr + egress_list[arr_stop])  # get off and walk to the place
            changed = arr + transfer_s
            best = min(best, lookup(arr_stop, changed))  # change at the same stop
            for other, walk in paths[arr_stop]:
                if usable_list[other]:
                    best = min(best, lookup(other, changed + walk))  # change via a footpath
        if best < trip_best.get(trip, INF):
            trip_best[trip] = best
        if (
            board
            and usable_list[dep_stop]
            and best < (arrs[dep_stop][-1] if arrs[dep_stop] else INF)
        ):
            if neg_deps[dep_stop] and neg_deps[dep_stop][-1] == -dep:
                arrs[dep_stop][-1] = best  # same departure time: keep the better arrival
            else:
                neg_deps[dep_stop].append(-dep)
                arrs[dep_stop].append(best)
    return Profiles(
        deps=[-np.asarray(d[::-1]) for d in neg_deps],
        arrs=[np.asarray(a[::-1]) for a in arrs],
    )


def egress_times(stops_xy: np.ndarray, places_xy: np.ndarray, params: TransitParams) -> np.ndarray:
    """Seconds from each stop to the nearest place on foot, ``inf`` beyond ``max_access_m``."""
    if len(places_xy) == 0:
        return np.full(len(stops_xy), INF)
    walk_m, _ = params.metric.nearest(stops_xy, places_xy)
    return np.where(walk_m <= params.max_access_m, walk_m / params.speed_mps, INF)


def door_to_door(
    cells_xy: np.ndarray,
    places_xy: np.ndarray,
    stops_xy: np.ndarray,
    profiles: Profiles,
    params: TransitParams,
    usable: np.ndarray | None = None,
) -> np.ndarray:
    """Travel minutes from every cell for every sampled departure (walk only, or with transit).

    Parameters
    ----------
    cells_xy, places_xy, stops_xy : numpy.ndarray
        Positions in metres.
    profiles : Profiles
        From :func:`profile_scan` with these places as destinations.
    params : TransitParams
        Assumptions.
    usable : numpy.ndarray, optional
        Stops where boarding is allowed.

    Returns
    -------
    numpy.ndarray
        ``(cells, departures)`` minutes; ``inf`` when nothing is reachable.
    """
    from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

    t0 = params.departures
    n = len(cells_xy)
    if len(places_xy):
        walk_only = params.metric.nearest(cells_xy, places_xy)[0] / params.speed_mps
    else:
        walk_only = np.full(n, INF)
    best = np.repeat(walk_only[:, None], len(t0), axis=1)  # seconds of travel
    pairs = cKDTree(cells_xy).query_ball_tree(
        cKDTree(stops_xy), params.metric.straight_radius(params.max_access_m)
    )
    cell_idx = np.repeat(np.arange(n), [len(p) for p in pairs])
    stop_idx = np.fromiter((s for p in pairs for s in p), dtype=int, count=len(cell_idx))
    if usable is not None and len(stop_idx):
        keep = np.asarray(usable, dtype=bool)[stop_idx]
        cell_idx, stop_idx = cell_idx[keep], stop_idx[keep]
    cell_idx, stop_idx, length = _routes(
        params, cells_xy, stops_xy, cell_idx, stop_idx, params.max_access_m
    )
    if len(stop_idx):
        access = params.walk_seconds(length)
        order = np.argsort(stop_idx, kind="stable")
        cell_idx, stop_idx, access = cell_idx[order], stop_idx[order], access[order]
        bounds = np.flatnonzero(np.diff(stop_idx)) + 1
        for cells, stops, walks in zip(
            np.split(cell_idx, bounds),
            np.split(stop_idx, bounds),
            np.split(access, bounds),
            strict=True,
        ):
            at_stop = walks[:, None] + t0[None, :]
            total = profiles.earliest(int(stops[0]), at_stop) - t0[None, :]
            np.minimum.at(best, cells, total)
    return best / 60.0


@dataclass(frozen=True)
class TransitResult:
    """Transit accessibility of the cells.

    Attributes
    ----------
    minutes : numpy.ndarray
        Median door-to-door minutes per cell (``inf`` = unreachable).
    walk_minutes : numpy.ndarray
        Walking only, for comparison.
    day : datetime.date
        The analysed day.
    params : TransitParams
        Assumptions.
    n_connections : int
        Connections scanned.
    """

    minutes: np.ndarray
    walk_minutes: np.ndarray
    day: date
    params: TransitParams
    n_connections: int


@dataclass(frozen=True)
class Window:
    """What a departure window costs once, whatever the places: connections and footpaths.

    Attributes
    ----------
    day : datetime.date
        The analysed day.
    conns : Connections
        Connections of the window (and its horizon).
    paths : list
        Footpaths per stop (:func:`footpaths`).
    stops_xy : numpy.ndarray
        Stop positions.
    usable : numpy.ndarray or None
        Stops where boarding and alighting is allowed (wheelchair-accessible only).
    """

    day: date
    conns: Connections
    paths: list
    stops_xy: np.ndarray
    usable: np.ndarray | None


@dataclass(frozen=True)
class _Known:
    """A computed result: minutes per cell and departure for these places."""

    cells: bytes
    places: np.ndarray
    by_departure: np.ndarray
    minutes: np.ndarray
    walk_minutes: np.ndarray


_LOCK = threading.Lock()
_WINDOWS: OrderedDict = OrderedDict()  # (id(feed), params, day) -> (weakref to feed, Window)
_RESULTS: OrderedDict = OrderedDict()  # (id(feed), params, day) -> list of _Known


def window(
    feed: Feed,
    params: TransitParams,
    day: date | None = None,
    paths: list[list[tuple[int, float]]] | None = None,
) -> Window:
    """The connections and footpaths of a departure window, computed once per process.

    Parameters
    ----------
    feed : Feed
        Validated timetable.
    params : TransitParams
        Assumptions (window, walking legs, barrier).
    day : datetime.date, optional
        Day of travel (default: ``params.day`` or the feed's typical day).
    paths : list, optional
        Precomputed footpaths (then nothing is kept).

    Returns
    -------
    Window

    Raises
    ------
    ValueError
        If the day lies outside the feed's validity.
    """
    key = (id(feed), params, day)  # the day as asked: finding the typical day costs too
    with _LOCK:
        hit = _WINDOWS.get(key)
        if paths is None and hit is not None and hit[0]() is feed:
            _WINDOWS.move_to_end(key)
            return hit[1]
    day = day or params.day or feed.typical_day(params.weekday)
    if not feed.start <= day <= feed.end:
        raise ValueError(
            f"Der {day:%d.%m.%Y} liegt außerhalb der Fahrplangültigkeit ({feed.start:%d.%m.%Y}–{feed.end:%d.%m.%Y})."
        )
    found = Window(
        day,
        connections(
            feed, day, params.start_min * 60.0, (params.end_min + params.horizon_min) * 60.0
        ),
        paths if paths is not None else footpaths(feed, params),
        xy(feed.stops),
        (feed.stops["wheelchair"] == 1).to_numpy() if params.wheelchair_only else None,
    )
    if paths is None:
        with _LOCK:
            _WINDOWS[key] = (weakref.ref(feed), found)
            _RESULTS.pop(key, None)  # results of a feed that is gone
            while len(_WINDOWS) > KEPT_WINDOWS:
                _RESULTS.pop(_WINDOWS.popitem(last=False)[0], None)
    return found


def _minutes(
    win: Window, cells_xy: np.ndarray, places_xy: np.ndarray, params: TransitParams
) -> tuple[np.ndarray, np.ndarray]:
    """Door-to-door minutes per cell and departure, and walking minutes, to these places."""
    profiles = profile_scan(
        win.conns,
        egress_times(win.stops_xy, places_xy, params),
        win.paths,
        params.transfer_penalty_min * 60.0,
        win.usable,
    )
    minutes = door_to_door(cells_xy, places_xy, win.stops_xy, profiles, params, win.usable)
    walk = (
        params.metric.nearest(cells_xy, places_xy)[0] / params.speed_mps / 60.0
        if len(places_xy)
        else np.full(len(cells_xy), INF)
    )
    return minutes, walk


def _known_prefix(key: tuple, cells: bytes, places_xy: np.ndarray) -> _Known | None:
    """The kept result for these cells whose places are the first of ``places_xy`` (most first)."""
    with _LOCK:
        candidates = list(_RESULTS.get(key, ()))
    best = None
    for known in candidates:
        m = len(known.places)
        if (
            known.cells == cells
            and m <= len(places_xy)
            and np.array_equal(known.places, places_xy[:m])
            and (best is None or m > len(best.places))
        ):
            best = known
    return best


def transit_access(
    feed: Feed,
    cells_xy: np.ndarray,
    places_xy: np.ndarray,
    params: TransitParams,
    day: date | None = None,
    paths: list[list[tuple[int, float]]] | None = None,
) -> TransitResult:
    """Median door-to-door travel time from every cell to the nearest place.

    The window's connections and footpaths are computed once per process
    (:func:`window`). Results are kept too: the same places again cost nothing, and places
    appended to kept ones (a scenario's new sites) add only their own legs – the earliest
    arrival at any place is the earlier of the arrivals at the old and at the new places,
    for every cell and departure, so the figures equal the full computation.

    Parameters
    ----------
    feed : Feed
        Validated timetable.
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres (EPSG:25832).
    places_xy : numpy.ndarray
        ``(m, 2)`` meeting places.
    params : TransitParams
        Assumptions.
    day : datetime.date, optional
        Day of travel (default: the feed's typical day for ``params.weekday``).
    paths : list, optional
        Precomputed footpaths (then nothing is kept or reused).

    Returns
    -------
    TransitResult
    """
    win = window(feed, params, day, paths)
    cells_xy = np.asarray(cells_xy, dtype=float).reshape(-1, 2)
    places_xy = np.asarray(places_xy, dtype=float).reshape(-1, 2)
    key = (id(feed), params, day)
    cells = hashlib.blake2b(cells_xy.tobytes(), digest_size=16).digest()
    known = None if paths is not None else _known_prefix(key, cells, places_xy)
    if known is None or len(known.places) < len(places_xy):
        start = 0 if known is None else len(known.places)
        by_departure, walk = _minutes(win, cells_xy, places_xy[start:], params)
        if known is not None:
            by_departure = np.minimum(known.by_departure, by_departure)
            walk = np.minimum(known.walk_minutes, walk)
        known = _Known(cells, places_xy.copy(), by_departure, np.median(by_departure, axis=1), walk)
        if paths is None:
            with _LOCK:
                if key in _WINDOWS:
                    kept = _RESULTS.setdefault(key, [])
                    kept.append(known)
                    del kept[:-KEPT_RESULTS]
    return TransitResult(
        known.minutes.copy(), known.walk_minutes.copy(), win.day, params, len(win.conns)
    )


def transit_coverage(
    areas: np.ndarray,
    people: np.ndarray,
    minutes: np.ndarray,
    official: pd.Series,
    max_minutes: float,
) -> pd.DataFrame:
    """People reaching a place within ``max_minutes`` (median door-to-door) per area.

    Parameters
    ----------
    areas : numpy.ndarray
        Area id per cell.
    people : numpy.ndarray
        Target group per cell (NaN = not published).
    minutes : numpy.ndarray
        Median minutes per cell.
    official : pandas.Series
        Official count per area (index = areas to report).
    max_minutes : float
        Threshold.

    Returns
    -------
    pandas.DataFrame
        ``zielgruppe``, ``verortet``, ``versorgt_oepnv``, ``anteil_oepnv`` (%),
        ``median_min_oepnv`` per area.
    """
    index = official.index
    codes = index.get_indexer(areas)
    inside = codes >= 0
    codes, w, m = (
        codes[inside],
        np.nan_to_num(np.asarray(people, float)[inside]),
        np.asarray(minutes, float)[inside],
    )
    n = len(index)
    placed = np.bincount(codes, weights=w, minlength=n)
    reached = np.bincount(codes, weights=w * (m <= max_minutes), minlength=n)
    out = pd.DataFrame(index=index)
    out["zielgruppe"] = official.astype(float).to_numpy()
    published = out["zielgruppe"].notna()
    out["verortet"] = pd.Series(placed, index=index).where(published)
    out["versorgt_oepnv"] = pd.Series(reached, index=index).where(published)
    has = out["verortet"] > 0
    out["anteil_oepnv"] = (out["versorgt_oepnv"] / out["verortet"] * 100).where(has)
    medians = grouped_weighted_median(codes, np.where(np.isfinite(m), m, 1e9), w, n)
    out["median_min_oepnv"] = pd.Series(
        np.where(medians >= 1e9, np.inf, medians), index=index
    ).where(has)
    return out


def transit_for(
    feed: Feed,
    result: AccessResult,
    params: TransitParams,
    day: date | None = None,
    paths: list[list[tuple[int, float]]] | None = None,
) -> TransitResult:
    """:func:`transit_access` for the cells and places of a walking analysis.

    Parameters
    ----------
    feed : Feed
        Validated timetable.
    result : AccessResult
        Walking analysis (its cells and sites, in EPSG:25832).
    params : TransitParams
        Assumptions.
    day : datetime.date, optional
        Day of travel (default: the feed's typical day).
    paths : list, optional
        Precomputed footpaths.

    Returns
    -------
    TransitResult
        Walking legs use the river barrier of ``result`` (its ``params.barrier``).
    """
    params = replace(params, barrier=result.params.barrier)
    return transit_access(feed, xy(result.cells), xy(result.sites), params, day=day, paths=paths)


def transit_table(result: AccessResult, travel: TransitResult, total: bool = False) -> pd.DataFrame:
    """Coverage by Bus & Bahn and, for comparison, on foot alone, per Stadtteil.

    Parameters
    ----------
    result : AccessResult
        Walking analysis the travel times were computed for.
    travel : TransitResult
        From :func:`transit_for`.
    total : bool
        Append a row :data:`geo.analysis.access_adapter.CITY_ID` for the whole city.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`transit_coverage` plus ``anteil_fuss`` (% within the same
        minutes on foot).
    """
    cells, official = result.cells, result.coverage["zielgruppe"]
    people, limit = cells["nachfrage"].to_numpy(), travel.params.max_minutes
    groups = [(cells["stadtteil_nr"].to_numpy(), official)]
    if total:
        groups.append(
            (np.full(len(cells), CITY_ID), pd.Series({CITY_ID: official.sum(min_count=1)}))
        )
    parts = []
    for areas, counts in groups:
        part = transit_coverage(areas, people, travel.minutes, counts, limit)
        foot = transit_coverage(areas, people, travel.walk_minutes, counts, limit)
        parts.append(part.assign(anteil_fuss=foot["anteil_oepnv"]))
    return pd.concat(parts)

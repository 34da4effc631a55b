"""Reference for the transit algorithm: Dijkstra on a time-expanded graph (scipy.sparse.csgraph).

Every departure and arrival of a connection is a node; arcs ride the vehicle, stay seated,
wait at a stop, change (same stop or footpath, plus the transfer penalty) and alight to a
super sink at the destinations. One Dijkstra from the sink over the reversed graph gives,
for every "leave stop s at time t" node, the earliest arrival. It answers the same question
as :func:`geo.analysis.transit.profile_scan` with a generic shortest-path solver; tests use it as an
oracle and the benchmark as the speed reference.
"""

from __future__ import annotations

import bisect

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from geo.analysis.transit import INF, Connections, Profiles


class TimeExpandedReference:
    """Earliest arrival at a destination set via a time-expanded graph.

    Parameters
    ----------
    conns : Connections
        The connections (any order).
    egress : numpy.ndarray
        Seconds from each stop to a destination on foot (``inf`` if too far).
    paths : list
        Footpaths per stop ``[(other, seconds)]``.
    transfer_s : float
        Penalty per change of vehicle.
    """

    def __init__(self, conns: Connections, egress: np.ndarray, paths, transfer_s: float) -> None:
        n_stops = len(egress)
        order = np.lexsort((conns.dep, conns.trip))  # by trip, then time
        dep_stop, arr_stop = conns.dep_stop[order], conns.arr_stop[order]
        dep, arr, trip = conns.dep[order], conns.arr[order], conns.trip[order]
        board, alight = conns.board[order], conns.alight[order]
        m = len(dep)
        # Node ids: departure events 0..m-1, arrival events m..2m-1, waiting nodes, sink.
        self.wait_times: list[list[float]] = [[] for _ in range(n_stops)]
        for s, t, ok in zip(dep_stop.tolist(), dep.tolist(), board.tolist(), strict=True):
            if ok:
                self.wait_times[s].append(t)
        self.wait_times = [sorted(set(ts)) for ts in self.wait_times]
        self.wait_base = np.cumsum([0, *map(len, self.wait_times)])[:-1] + 2 * m
        sink = 2 * m + sum(map(len, self.wait_times))
        rows, cols, weights = [], [], []

        def arc(a: int, b: int, w: float) -> None:
            rows.append(a)
            cols.append(b)
            weights.append(max(w, 0.0) + 1e-9)  # csgraph drops explicit zeros

        for i in range(m):
            arc(i, m + i, arr[i] - dep[i])  # ride
            if i + 1 < m and trip[i + 1] == trip[i]:
                arc(m + i, i + 1, dep[i + 1] - arr[i])  # stay seated
            if alight[i]:
                a = int(arr_stop[i])
                if np.isfinite(egress[a]):
                    arc(m + i, sink, egress[a])
                for other, walk in [(a, 0.0), *paths[a]]:
                    node = self._wait_node(other, arr[i] + walk + transfer_s)
                    if node is not None:
                        arc(m + i, node[0], node[1] - arr[i])
        for s, times in enumerate(self.wait_times):
            for k in range(len(times) - 1):
                arc(self.wait_base[s] + k, self.wait_base[s] + k + 1, times[k + 1] - times[k])
        for i in range(m):
            if board[i]:
                k = bisect.bisect_left(self.wait_times[dep_stop[i]], dep[i])
                arc(self.wait_base[dep_stop[i]] + k, i, 0.0)
        graph = sp.csr_matrix((weights, (rows, cols)), shape=(sink + 1, sink + 1))
        self.distance = dijkstra(graph.T, indices=sink)  # reversed: from the sink backwards

    def _wait_node(self, stop: int, t: float) -> tuple[int, float] | None:
        times = self.wait_times[stop]
        k = bisect.bisect_left(times, t - 1e-6)
        return (int(self.wait_base[stop] + k), times[k]) if k < len(times) else None

    def earliest(self, stop: int, t: float) -> float:
        """Earliest arrival when leaving ``stop`` at ``t`` or later by a vehicle."""
        node = self._wait_node(stop, t)
        if node is None:
            return INF
        d = self.distance[node[0]]
        return node[1] + d if np.isfinite(d) else INF

    def profiles(self) -> Profiles:
        """All answers as :class:`geo.analysis.transit.Profiles` (for :func:`geo.analysis.transit.door_to_door`)."""
        deps, arrs = [], []
        for s, times in enumerate(self.wait_times):
            d = self.distance[self.wait_base[s] : self.wait_base[s] + len(times)]
            deps.append(np.asarray(times, dtype=float))
            arrs.append(np.where(np.isfinite(d), np.asarray(times) + d, INF))
        return Profiles(deps=deps, arrs=arrs)

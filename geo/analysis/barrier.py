"""The river barrier's topology: banks as regions, crossings joining them, routes via bridges.

The walking metric itself (straight line × detour, :class:`~geo.analysis.metric.WalkMetric`) lives in
:mod:`geo.analysis.metric`; this module only knows which bank a point is on and how long the route
between two banks is, in straight metres.

Without a barrier, walking distance is the straight line times a detour factor
("Luftlinie × Umwegfaktor"). With one (``elbe_barriere.geojson`` + ``elbe_querungen.csv``):

* **Banks are regions.** The barrier lines cut the planning area (the city boundary buffered
  by :data:`AREA_BUFFER_M`) into regions (e.g. two banks and an island between two arms). A line
  end that stops short is joined to the other line it nearly touches or, if it lies on the city
  boundary, straight out to the edge of the area. Two points in the same region walk
  ``straight × detour`` – also across a river bend, so no pair on the same bank is penalised.
* **Crossings join regions.** Each bridge lies on a line; points a few metres to either side
  tell which two regions it joins. Ferries (``faehre``) do not count for walking.
* **Across** a pair walks via one or more crossings, each leg straight × detour:
  ``d(p, q) = min over i, j of |p cᵢ| + SP(i, j) + |cⱼ q|`` (times detour), with ``cᵢ``
  touching p's region, ``cⱼ`` touching q's, and ``SP`` the shortest path between crossings
  (Floyd–Warshall; a leg joins two crossings that share a region). No crossing → ``inf``.

Because every leg carries the same detour factor, route lengths are computed in straight
metres and multiplied by the detour at the end. Everything is in EPSG:25832 and vectorised
(numpy, shapely 2, cKDTree); loops run over regions or crossings only, never over points.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo.analysis.metric import as_xy, straight_lengths
from geo.crs import METRIC_CRS, WGS84
from geo.errors import DataPackageError

#: Package files (both or neither).
LINES_FILE = "elbe_barriere.geojson"
CROSSINGS_FILE = "elbe_querungen.csv"
#: One sentence on the rule (method texts of pages and PDF).
ELBE_NOTE = (
    " Über die Elbe (Stromelbe, Alte Elbe) führt ein Gehweg über die nächste Brücke: Luftlinie "
    "bis zur Brücke, darüber und weiter zum Ziel, jeder Abschnitt × Umwegfaktor. Fähren zählen "
    "nur bei Bus & Bahn (sie fahren nach Fahrplan)."
)
#: Kinds of crossing (``art``) and whether one may walk across.
CROSSING_KINDS = {"bruecke": True, "fussgaengerbruecke": True, "faehre": False}
#: The planning area reaches this far beyond the city boundary (facilities may lie up to
#: 100 m outside it; points beyond the area belong to the nearest region).
AREA_BUFFER_M = 500.0
#: A crossing or line end this close to a line counts as lying on it (data accuracy ±50 m).
SNAP_M = 100.0
#: Distance of the two sample points either side of a crossing.
SIDE_M = 5.0
#: Bounded reads.
MAX_LINES_BYTES = 5_000_000
MAX_CROSSINGS_BYTES = 1_000_000
MAX_FEATURES = 50
MAX_CROSSING_ROWS = 500


@dataclass(frozen=True)
class Crossing:
    """A place where one may cross a barrier line (or not: ferries).

    Attributes
    ----------
    name : str
        Unique name.
    gewaesser : str
        The barrier line it crosses.
    art : str
        ``bruecke``, ``fussgaengerbruecke`` or ``faehre`` (not walkable).
    x, y : float
        Position on the line in EPSG:25832.
    beleg : str
        Evidence (free text).
    """

    name: str
    gewaesser: str
    art: str
    x: float
    y: float
    beleg: str = ""

    def __post_init__(self) -> None:
        if self.art not in CROSSING_KINDS:
            raise ValueError(
                f"Unbekannte Art der Querung {self.art!r}. Erlaubt: {', '.join(CROSSING_KINDS)}."
            )

    @property
    def walkable(self) -> bool:
        """Whether walking may use it (bridges yes, ferries no)."""
        return CROSSING_KINDS[self.art]


@dataclass(frozen=True, eq=False)
class Barrier:
    """Barrier lines, the regions (banks) they cut the area into, and the crossings.

    Build it with :func:`build_barrier` or :func:`read_barrier`; derive scenario variants
    with :meth:`with_changes`. Equal and hashable by :attr:`key` (for caches).

    Attributes
    ----------
    lines : dict of str to shapely.LineString
        Barrier lines by name (``gewaesser``), EPSG:25832.
    regions : tuple of shapely.Polygon
        The banks, largest first.
    crossings : tuple of Crossing
        All crossings (ferries included, they are just not walked).
    """

    lines: dict[str, shapely.LineString]
    regions: tuple[shapely.Polygon, ...]
    crossings: tuple[Crossing, ...]
    # Derived in __post_init__: walkable crossings, their regions and shortest paths.
    xy: np.ndarray = field(init=False, repr=False)
    sides: np.ndarray = field(init=False, repr=False)
    paths: np.ndarray = field(init=False, repr=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.crossings]
        if len(set(names)) != len(names):
            raise ValueError("Jede Querung braucht einen eigenen Namen.")
        walk = [c for c in self.crossings if c.walkable]
        xy = np.array([[c.x, c.y] for c in walk], dtype=float).reshape(-1, 2)
        sides = np.array([self._sides_of(c) for c in walk], dtype=int).reshape(-1, 2)
        # Legs between crossings that share a region; Floyd–Warshall on the tiny graph.
        share = (sides[:, None, :, None] == sides[None, :, None, :]).any(axis=(2, 3))
        paths = np.where(share, straight_lengths(xy, xy), np.inf)
        for m in range(len(walk)):
            paths = np.minimum(paths, paths[:, m, None] + paths[None, m, :])
        digest = hashlib.sha256()
        for region in self.regions:
            digest.update(shapely.to_wkb(region))
        digest.update(
            repr(sorted((c.name, c.gewaesser, round(c.x, 2), round(c.y, 2)) for c in walk)).encode()
        )
        for name, value in [("xy", xy), ("sides", sides), ("paths", paths)]:
            object.__setattr__(self, name, value)
        object.__setattr__(self, "key", digest.hexdigest()[:16])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Barrier) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def _sides_of(self, crossing: Crossing) -> tuple[int, int]:
        """The two regions a crossing joins: sample points SIDE_M either side of its line."""
        line = self.lines[crossing.gewaesser]
        s = line.project(shapely.Point(crossing.x, crossing.y))
        ahead, back = (np.asarray(line.interpolate(v).coords[0]) for v in (s + 1.0, s - 1.0))
        tangent = (ahead - back) / np.hypot(*(ahead - back))
        normal = np.array([-tangent[1], tangent[0]]) * SIDE_M
        at = np.array([crossing.x, crossing.y])
        left, right = self.region_of(np.vstack([at + normal, at - normal]))
        if left == right:
            raise ValueError(
                f"Die Querung {crossing.name!r} verbindet keine zwei Ufer (beide Seiten liegen "
                "im selben Bereich)."
            )
        return int(left), int(right)

    def region_of(self, points_xy: np.ndarray) -> np.ndarray:
        """Region (bank) number of every point.

        Parameters
        ----------
        points_xy : numpy.ndarray
            ``(n, 2)`` points in EPSG:25832.

        Returns
        -------
        numpy.ndarray
            ``(n,)`` index into :attr:`regions`; a point outside the area (or exactly on a
            line) gets the nearest region.
        """
        pts = as_xy(points_xy)
        shapely.prepare(self.regions)  # no-op once prepared (also after unpickling)
        labels = np.full(len(pts), -1)
        for number, region in enumerate(self.regions):
            labels[shapely.contains_xy(region, pts[:, 0], pts[:, 1])] = number
        rest = np.flatnonzero(labels < 0)
        if len(rest):
            tree = shapely.STRtree(self.regions)
            found = tree.query_nearest(shapely.points(pts[rest]), all_matches=False)
            labels[rest[found[0]]] = found[1]
        return labels

    def _touches(self, labels: np.ndarray) -> np.ndarray:
        """``(n, k)`` whether walkable crossing ``k`` has point ``n``'s region on one side."""
        return (self.sides[None, :, 0] == labels[:, None]) | (
            self.sides[None, :, 1] == labels[:, None]
        )

    def to_crossings(self, points_xy: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Shortest route length from each point to each walkable crossing.

        ``h[p, j] = min_i |p cᵢ| + SP(i, j)`` over the crossings ``i`` of p's region.

        Parameters
        ----------
        points_xy : numpy.ndarray
            ``(n, 2)`` points.
        labels : numpy.ndarray
            ``(n,)`` their regions (:meth:`region_of`).

        Returns
        -------
        numpy.ndarray
            ``(n, k)`` straight metres; ``inf`` where unreachable.
        """
        first = np.where(self._touches(labels), straight_lengths(points_xy, self.xy), np.inf)
        best = np.full(first.shape, np.inf)
        for i in range(len(self.xy)):
            best = np.minimum(best, first[:, i, None] + self.paths[i][None, :])
        return best

    def from_crossings(self, points_xy: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Last leg: straight metres from each walkable crossing of a point's region to it.

        Parameters
        ----------
        points_xy : numpy.ndarray
            ``(n, 2)`` points.
        labels : numpy.ndarray
            ``(n,)`` their regions.

        Returns
        -------
        numpy.ndarray
            ``(n, k)``; ``inf`` for crossings that do not touch the point's region.
        """
        return np.where(self._touches(labels), straight_lengths(points_xy, self.xy), np.inf)

    def lengths(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """``(n, m)`` route lengths in straight metres (straight on the same bank).

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            ``(n, 2)`` and ``(m, 2)`` points.

        Returns
        -------
        numpy.ndarray
            ``inf`` where no crossing joins the two banks.
        """
        a, b = as_xy(a_xy), as_xy(b_xy)
        la, lb = self.region_of(a), self.region_of(b)
        straight = straight_lengths(a, b)
        same = la[:, None] == lb[None, :]
        if same.all():
            return straight
        h, g = self.to_crossings(a, la), self.from_crossings(b, lb)
        across = np.full(straight.shape, np.inf)
        for j in range(len(self.xy)):
            across = np.minimum(across, h[:, j, None] + g[None, :, j])
        return np.where(same, straight, across)

    def pair_lengths(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        rows: np.ndarray,
        cols: np.ndarray,
        straight: np.ndarray,
    ) -> np.ndarray:
        """Route lengths (straight metres) of selected pairs ``(a[rows], b[cols])``.

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            Points.
        rows, cols : numpy.ndarray
            ``(p,)`` pair indices into ``a_xy`` and ``b_xy``.
        straight : numpy.ndarray
            ``(p,)`` straight distances of the pairs (kept on the same bank).

        Returns
        -------
        numpy.ndarray
            ``(p,)``; ``inf`` where no crossing joins the banks.
        """
        a, b = as_xy(a_xy), as_xy(b_xy)
        la, lb = self.region_of(a), self.region_of(b)
        out = np.asarray(straight, dtype=float).copy()
        other = np.flatnonzero(la[rows] != lb[cols])
        if len(other) == 0:
            return out
        if len(self.xy) == 0:
            out[other] = np.inf
            return out
        h = self.to_crossings(a, la)[rows[other]]
        g = self.from_crossings(b, lb)[cols[other]]
        out[other] = (h + g).min(axis=1)
        return out

    def crossing_at(
        self, name: str, lon: float, lat: float, art: str = "fussgaengerbruecke"
    ) -> Crossing:
        """A new crossing at a WGS84 position, snapped to the nearest barrier line.

        Parameters
        ----------
        name : str
            Name (must differ from the existing crossings).
        lon, lat : float
            Position in WGS84 degrees.
        art : str
            ``bruecke`` or ``fussgaengerbruecke`` (a ferry does not change walking).

        Returns
        -------
        Crossing

        Raises
        ------
        ValueError
            If the point lies more than :data:`SNAP_M` from every line, or ``art`` is unknown.
        """
        point = gpd.GeoSeries(shapely.points([lon], [lat]), crs=WGS84).to_crs(METRIC_CRS).iloc[0]
        names = list(self.lines)
        dist = shapely.distance(point, list(self.lines.values()))
        nearest = int(np.argmin(dist))
        if not dist[nearest] <= SNAP_M:
            raise ValueError(
                f"Die Querung {name!r} liegt {dist[nearest]:.0f} m von der nächsten Barrierelinie "
                f"entfernt. Den Punkt auf die Elbe setzen (höchstens {SNAP_M:.0f} m daneben)."
            )
        x, y = _snap(point, self.lines[names[nearest]])
        return Crossing(name.strip(), names[nearest], art, x, y, "Szenario")

    def with_changes(self, added: Iterable[Crossing] = (), closed: Iterable[str] = ()) -> Barrier:
        """A variant with crossings added (see :meth:`crossing_at`) or closed by name.

        Parameters
        ----------
        added : iterable of Crossing
            New crossings (their names must be new).
        closed : iterable of str
            Names of existing crossings that may no longer be used.

        Returns
        -------
        Barrier
            Same lines and regions, changed crossing graph.

        Raises
        ------
        ValueError
            On unknown names to close or duplicate names.
        """
        closed = set(closed)
        known = {c.name for c in self.crossings}
        unknown = sorted(closed - known)
        if unknown:
            raise ValueError(
                f"Unbekannte Querung(en): {', '.join(unknown)}. Vorhanden: {', '.join(sorted(known))}."
            )
        kept = tuple(c for c in self.crossings if c.name not in closed)
        return replace(self, crossings=kept + tuple(added))


def closed_crossings(base: Barrier | None, variant: Barrier | None) -> list[Crossing]:
    """The crossings of ``base`` that ``variant`` no longer has (closed in a scenario).

    Parameters
    ----------
    base : Barrier or None
        The package's barrier.
    variant : Barrier or None
        The barrier walks use (e.g. ``base.with_changes(...)`` of a scenario).

    Returns
    -------
    list of Crossing
        In the order of ``base``; empty without a barrier.
    """
    if base is None or variant is None:
        return []
    kept = {c.name for c in variant.crossings}
    return [c for c in base.crossings if c.name not in kept]


# --------------------------------------------------------------------------- building


def build_barrier(
    lines: dict[str, shapely.LineString], crossings: Iterable[Crossing], city: BaseGeometry
) -> Barrier:
    """Cut the planning area into banks and connect them by the crossings.

    The area is the city buffered by :data:`AREA_BUFFER_M`, so places just outside the
    boundary still get a bank. A line end on the city boundary is joined to the nearest point
    of the area's edge rather than extended in its own direction: the Stromelbe leaves the
    city along the boundary, and extending it would cut a strip off the city.

    Parameters
    ----------
    lines : dict of str to shapely.LineString
        Barrier lines by name, EPSG:25832. Each end must touch (within :data:`SNAP_M`)
        another line or the city boundary, or lie outside the city.
    crossings : iterable of Crossing
        Crossings on those lines.
    city : shapely geometry
        City area; buffered by :data:`AREA_BUFFER_M` to the planning area.

    Returns
    -------
    Barrier

    Raises
    ------
    DataPackageError
        If a line ends inside the city without touching anything, or the lines do not
        split the area.
    """
    area = shapely.make_valid(city).buffer(AREA_BUFFER_M)
    edge = area.boundary
    joins = []
    for name, line in lines.items():
        others = [g for n, g in lines.items() if n != name]
        for end in (shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])):
            near = min(others, key=end.distance, default=None)
            if near is not None and end.distance(near) <= SNAP_M:
                joins.append(_join(end, near))  # meets the other line (Alte Elbe → Stromelbe)
            elif not area.contains(end):
                continue  # already beyond the area
            elif city.contains(end) and city.boundary.distance(end) > SNAP_M:
                raise DataPackageError(
                    LINES_FILE,
                    f"Die Linie {name!r} endet {city.boundary.distance(end):.0f} m innerhalb "
                    "der Stadtgrenze, ohne eine andere Linie zu berühren; so trennt sie "
                    "keine Ufer.",
                    "Die Linie bis zur Stadtgrenze oder bis zur anderen Linie verlängern.",
                )
            else:
                joins.append(_join(end, edge))  # on the city boundary: across the buffer ring
    # Snap-rounding to 1 cm nodes ends that touch a line only up to rounding.
    noded = shapely.union_all([edge, *lines.values(), *joins], grid_size=0.01)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = [f for f in faces if area.contains(f.representative_point())]
    if len(faces) < 2:
        raise DataPackageError(
            LINES_FILE,
            "Die Linien teilen das Stadtgebiet nicht in Ufer.",
            "Jede Linie muss von Stadtgrenze zu Stadtgrenze oder bis zu einer anderen Linie reichen.",
        )
    regions = tuple(sorted(faces, key=lambda f: -f.area))
    return Barrier(dict(lines), regions, tuple(crossings))


def _join(end: shapely.Point, target: BaseGeometry) -> shapely.LineString:
    """Segment from a line end to the nearest point of ``target``, 1 m beyond so it nodes."""
    start = np.asarray(end.coords[0])
    stop = np.asarray(shapely.shortest_line(end, target).coords[1])
    gap = np.hypot(*(stop - start))
    if gap < 0.01:
        return shapely.LineString()
    return shapely.LineString([start, stop + (stop - start) / gap])


def _snap(point: shapely.Point, line: shapely.LineString) -> tuple[float, float]:
    x, y = line.interpolate(line.project(point)).coords[0]
    return float(x), float(y)


# --------------------------------------------------------------------------- reading


def read_barrier(root: Path | str, city: BaseGeometry) -> Barrier | None:
    """Read ``elbe_barriere.geojson`` and ``elbe_querungen.csv`` if the package has them.

    Parameters
    ----------
    root : pathlib.Path or str
        Package directory.
    city : shapely geometry
        City area in EPSG:25832 (``DataPackage.stadtgrenze``).

    Returns
    -------
    Barrier or None
        None when neither file exists (walking is then straight line × detour).

    Raises
    ------
    DataPackageError
        Naming the file, the problem and the fix.
    """
    root = Path(root)
    present = [(root / name).is_file() for name in (LINES_FILE, CROSSINGS_FILE)]
    if not any(present):
        return None
    if not all(present):
        missing, other = (
            (CROSSINGS_FILE, LINES_FILE) if present[0] else (LINES_FILE, CROSSINGS_FILE)
        )
        raise DataPackageError(
            missing,
            f"Die Datei fehlt, obwohl {other} vorhanden ist.",
            "Beide Dateien bereitstellen (oder beide entfernen: dann gilt Luftlinie × Umwegfaktor).",
        )
    lines = read_lines(root / LINES_FILE, city)
    crossings = read_crossings(root / CROSSINGS_FILE, lines)
    try:
        return build_barrier(lines, crossings, city)
    except DataPackageError:
        raise
    except ValueError as exc:
        raise DataPackageError(
            CROSSINGS_FILE, str(exc), "Lage (lat, lon) und gewaesser der Querung prüfen."
        ) from exc


def _check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise DataPackageError(
            path.name,
            f"Die Datei ist zu groß ({size / 1e6:.1f} MB, erlaubt {limit / 1e6:.0f} MB).",
            "Nur die Barrierelinien bzw. Querungen der Stadt liefern.",
        )


def read_lines(path: Path, city: BaseGeometry) -> dict[str, shapely.LineString]:
    """Read the barrier lines (GeoJSON driver only) into EPSG:25832.

    Parameters
    ----------
    path : pathlib.Path
        ``elbe_barriere.geojson`` with a ``gewaesser`` name per line.
    city : shapely geometry
        City area in EPSG:25832; every line must reach into it.

    Returns
    -------
    dict of str to shapely.LineString
    """
    name = path.name
    _check_size(path, MAX_LINES_BYTES)
    try:
        # The "GeoJSON:" prefix makes GDAL use this driver only (no content sniffing).
        gdf = pyogrio.read_dataframe(f"GeoJSON:{path}", max_features=MAX_FEATURES + 1)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataPackageError(
            name,
            f"Die Datei ist kein lesbares GeoJSON ({exc}).",
            "Eine gültige GeoJSON-Datei liefern.",
        ) from exc
    if not 0 < len(gdf) <= MAX_FEATURES:
        raise DataPackageError(
            name,
            "Die Datei enthält keine oder zu viele Linien.",
            f"1 bis {MAX_FEATURES} Linien liefern.",
        )
    if "gewaesser" not in gdf.columns:
        raise DataPackageError(name, "Spalte gewaesser fehlt.", "Jeder Linie einen Namen geben.")
    if gdf.crs is None:
        raise DataPackageError(name, "Kein Koordinatenreferenzsystem.", "CRS84 angeben.")
    names = gdf["gewaesser"].astype("string").str.strip()
    if names.isna().any() or (names == "").any() or names.duplicated().any():
        raise DataPackageError(
            name,
            "Die Spalte gewaesser ist leer oder doppelt belegt.",
            "Jeder Linie einen eigenen Namen geben.",
        )
    merged = shapely.line_merge(gdf.to_crs(METRIC_CRS).geometry.to_numpy())
    bad = [
        n for n, g in zip(names, merged, strict=True) if g is None or g.geom_type != "LineString"
    ]
    if bad:
        raise DataPackageError(
            name,
            f"Keine zusammenhängende Linie: {', '.join(bad)}.",
            "Jede Barriere als eine durchgehende LineString-Geometrie liefern.",
        )
    outside = [n for n, g in zip(names, merged, strict=True) if g.distance(city) > AREA_BUFFER_M]
    if outside:
        raise DataPackageError(
            name,
            f"Linie(n) liegen nicht im Stadtgebiet: {', '.join(outside)}.",
            "Koordinaten prüfen (CRS84: Längengrad, Breitengrad).",
        )
    return dict(zip(names, merged, strict=True))


def read_crossings(path: Path, lines: dict[str, shapely.LineString]) -> list[Crossing]:
    """Read the crossings, check them and snap each onto its line.

    Parameters
    ----------
    path : pathlib.Path
        ``elbe_querungen.csv``: ``name``, ``gewaesser``, ``art``, ``lat``, ``lon``
        (WGS84), optional ``beleg``.
    lines : dict of str to shapely.LineString
        Output of :func:`read_lines`.

    Returns
    -------
    list of Crossing
    """
    name = path.name
    _check_size(path, MAX_CROSSINGS_BYTES)
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            nrows=MAX_CROSSING_ROWS + 1,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataPackageError(
            name, f"Die CSV-Datei kann nicht gelesen werden ({exc}).", "Als UTF-8-CSV speichern."
        ) from exc
    missing = [c for c in ("name", "gewaesser", "art", "lat", "lon") if c not in raw.columns]
    if missing:
        raise DataPackageError(
            name, f"Spalte(n) fehlen: {', '.join(missing)}.", "Spalten wie im README benennen."
        )
    if len(raw) > MAX_CROSSING_ROWS:
        raise DataPackageError(
            name, "Zu viele Zeilen.", f"Höchstens {MAX_CROSSING_ROWS} Querungen."
        )
    raw = raw.apply(lambda col: col.str.strip())

    def fail(mask: pd.Series, problem: str, fix: str) -> None:
        if mask.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(mask.to_numpy())[:5])
            raise DataPackageError(name, f"{problem} (Zeile {rows}).", fix)

    fail(raw["name"] == "", "Querung ohne Namen", "Jeder Querung einen Namen geben.")
    fail(raw["name"].duplicated(), "Name doppelt", "Jede Querung nur einmal aufführen.")
    fail(
        ~raw["art"].isin(list(CROSSING_KINDS)),
        f"Unbekannte art; erlaubt: {', '.join(CROSSING_KINDS)}",
        "art korrigieren.",
    )
    fail(
        ~raw["gewaesser"].isin(list(lines)),
        f"gewaesser nicht in {LINES_FILE} ({', '.join(lines)})",
        "Den Namen einer Barrierelinie eintragen.",
    )
    lat = pd.to_numeric(raw["lat"].str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(raw["lon"].str.replace(",", "."), errors="coerce")
    fail(
        lat.isna() | lon.isna() | (lat.abs() > 90) | (lon.abs() > 180),
        "lat/lon fehlen oder sind keine WGS84-Grad",
        "lat und lon in Grad angeben (z. B. 52,13 und 11,64).",
    )
    points = gpd.GeoSeries(shapely.points(lon, lat), crs=WGS84).to_crs(METRIC_CRS).to_numpy()
    own = [lines[g] for g in raw["gewaesser"]]
    dist = pd.Series(shapely.distance(points, own), index=raw.index)
    fail(
        dist > SNAP_M,
        f"Querung liegt mehr als {SNAP_M:.0f} m neben ihrer Linie",
        "Lage oder gewaesser prüfen (lat = Breitengrad, lon = Längengrad).",
    )
    beleg = raw["beleg"] if "beleg" in raw.columns else pd.Series("", index=raw.index)
    return [
        Crossing(row["name"], row["gewaesser"], row["art"], *_snap(pt, line), beleg[i])
        for (i, row), pt, line in zip(raw.iterrows(), points, own, strict=True)
    ]

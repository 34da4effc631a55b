"""A tiny GTFS feed with journeys whose times are known by hand (see tests/geo/test_transit.py).

Stops (EPSG:25832 around the synthetic city, see tests/synthetic.py)::

    E (0.1, 1.9 km)
                                          D (1.1, 0.2)
    A (0.1, 0.1) ------- B (1.1, 0.1) -------------- C (1.9, 0.1)        Z: 100 km away

Service ``WK`` runs Monday–Friday in June 2026 except Tuesday 16 June; ``EXTRA`` runs only on
16 June; ``MO`` only on Monday 8 June.

=====  =======  ===========================================
trip   service  stops and times
=====  =======  ===========================================
T1     WK       A 09:10 → B 09:20
T2     WK       B 09:30 → C 09:40
T3     WK       D 09:26 → C 09:33 (D is 100 m from B)
T5     WK       E 09:00 → C 09:12, every 10 min 09:00–09:40 (frequencies.txt)
T6     MO       A 24:30 → C 24:45 (after midnight of Monday, i.e. Tuesday 00:30)
T7     EXTRA    A 09:10 → C 09:50
=====  =======  ===========================================
"""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import shapely

from tests.synthetic import X0, Y0

STOP_XY = {
    "A": (X0 + 100, Y0 + 100),
    "B": (X0 + 1100, Y0 + 100),
    "D": (X0 + 1100, Y0 + 200),
    "C": (X0 + 1900, Y0 + 100),
    "E": (X0 + 100, Y0 + 1900),
    "Z": (X0 + 100_000, Y0),
}
TRIPS = {
    "T1": ("R1", "WK", [("A", "09:10:00"), ("B", "09:20:00")]),
    "T2": ("R2", "WK", [("B", "09:30:00"), ("C", "09:40:00")]),
    "T3": ("R3", "WK", [("D", "09:26:00"), ("C", "09:33:00")]),
    "T5": ("R4", "WK", [("E", "09:00:00"), ("C", "09:12:00")]),
    "T6": ("R1", "MO", [("A", "24:30:00"), ("C", "24:45:00")]),
    "T7": ("R1", "EXTRA", [("A", "09:10:00"), ("C", "09:50:00")]),
}


def lonlat(name: str) -> tuple[float, float]:
    """WGS84 position of a stop."""
    point = gpd.GeoSeries([shapely.Point(*STOP_XY[name])], crs=25832).to_crs(4326).iloc[0]
    return point.x, point.y


def files(overrides: dict[str, str | None] | None = None) -> dict[str, str]:
    """The feed's text files (``overrides``: replace a file, or drop it with None)."""
    stops = ["stop_id,stop_name,stop_lat,stop_lon,wheelchair_boarding"]
    for name in STOP_XY:
        lon, lat = lonlat(name)
        stops.append(f"{name},Halt {name},{lat:.7f},{lon:.7f},0")
    stop_times = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    for trip, (_, _, calls) in TRIPS.items():
        stop_times += [f"{trip},{t},{t},{stop},{i}" for i, (stop, t) in enumerate(calls)]
    out = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n1,Test,https://example.org,Europe/Berlin\n",
        "stops.txt": "\n".join(stops) + "\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,1,1,0\nR2,1,2,0\nR3,1,3,3\nR4,1,4,3\n",
        "trips.txt": "route_id,service_id,trip_id\n"
        + "".join(f"{route},{service},{trip}\n" for trip, (route, service, _) in TRIPS.items()),
        "stop_times.txt": "\n".join(stop_times) + "\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20260601,20260630\n",
        "calendar_dates.txt": "service_id,date,exception_type\nWK,20260616,2\nEXTRA,20260616,1\nMO,20260608,1\n",
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT5,09:00:00,09:40:00,600\n",
    }
    for name, content in (overrides or {}).items():
        if content is None:
            out.pop(name, None)
        else:
            out[name] = content
    return out


def feed_zip(overrides: dict[str, str | None] | None = None) -> bytes:
    """The feed as a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files(overrides).items():
            archive.writestr(name, content)
    return buffer.getvalue()

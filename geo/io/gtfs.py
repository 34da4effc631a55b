"""Read and validate a GTFS timetable (``gtfs/mvb_gtfs.zip`` of the data package).

Checks where the data enters: required files and columns, times, service calendar dates and
stop coordinates inside the region. Stops outside the region are left out (and reported);
anything else that is wrong raises :class:`geo.errors.DataPackageError` with the file, the
problem and the fix.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import METRIC_CRS, WGS84
from geo.errors import DataPackageError
from geo.io.readers import decode_utf8, read_csv_text
from indicators.format import count_text, format_number

REQUIRED = {
    "stops.txt": ["stop_id", "stop_name", "stop_lat", "stop_lon"],
    "routes.txt": ["route_id", "route_type"],
    "trips.txt": ["route_id", "service_id", "trip_id"],
    "stop_times.txt": ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
}
CALENDAR = ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "start_date", "end_date"]  # fmt: skip
CALENDAR_DATES = ["service_id", "date", "exception_type"]
FREQUENCIES = ["trip_id", "start_time", "end_time", "headway_secs"]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
#: Stops farther than this from the region (the city) are left out.
REGION_BUFFER_M = 15_000.0
MAX_BYTES = 200 * 1024 * 1024
MAX_STOPS_BYTES = 20 * 1024 * 1024
#: Largest unpacked member (the MVB stop_times.txt has 8 MB).
MAX_MEMBER_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Feed:
    """A validated timetable.

    Attributes
    ----------
    stops : geopandas.GeoDataFrame
        One row per stop (positional index = stop number used everywhere else): ``stop_id``,
        ``name``, ``wheelchair`` (1 accessible, 2 not, 0 unknown), points in EPSG:25832.
    trips : pandas.DataFrame
        ``trip_id``, ``route_id``, ``service_id``, ``route_type`` (positional index = trip
        number).
    stop_times : pandas.DataFrame
        ``trip`` (number), ``stop`` (number), ``seq``, ``arr`` and ``dep`` (seconds after
        midnight of the service day, may exceed 24 h), ``pickup`` and ``dropoff`` (bool).
    calendar : pandas.DataFrame
        ``calendar.txt`` (may be empty).
    calendar_dates : pandas.DataFrame
        ``calendar_dates.txt`` (may be empty).
    frequencies : pandas.DataFrame
        ``frequencies.txt`` rows with ``trip`` number, ``start``, ``end``, ``headway`` (s).
    transfers : pandas.DataFrame
        Stop-to-stop minimum transfer times (``from_stop``, ``to_stop``, ``seconds``).
    start, end : datetime.date
        Validity of the service calendar.
    notes : tuple of str
        German notes (stops left out, missing information).
    """

    stops: gpd.GeoDataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    frequencies: pd.DataFrame
    transfers: pd.DataFrame
    start: date
    end: date
    notes: tuple[str, ...] = field(default_factory=tuple)

    def services_on(self, day: date) -> set[str]:
        """Service ids running on ``day`` (calendar plus exceptions)."""
        key = int(day.strftime("%Y%m%d"))
        active: set[str] = set()
        if len(self.calendar):
            cal = self.calendar
            weekday = CALENDAR[1 + day.weekday()]
            running = (cal["start_date"] <= key) & (cal["end_date"] >= key) & (cal[weekday] == 1)
            active |= set(cal.loc[running, "service_id"])
        if len(self.calendar_dates):
            today = self.calendar_dates[self.calendar_dates["date"] == key]
            active |= set(today.loc[today["exception_type"] == 1, "service_id"])
            active -= set(today.loc[today["exception_type"] == 2, "service_id"])
        return active

    def trips_on(self, day: date) -> np.ndarray:
        """Boolean per trip: runs on ``day``."""
        return self.trips["service_id"].isin(self.services_on(day)).to_numpy()

    def typical_day(self, weekday: int, weeks: int = 12) -> date:
        """The date with that weekday and the most trips in the first ``weeks`` weeks of validity.

        A holiday or a thinned-out holiday timetable then never stands in for a normal day.

        Parameters
        ----------
        weekday : int
            0 = Monday … 6 = Sunday.
        weeks : int
            How many weeks from the start of the validity to consider.

        Returns
        -------
        datetime.date

        Raises
        ------
        ValueError
            If the validity contains no such weekday.
        """
        first = self.start + timedelta(days=(weekday - self.start.weekday()) % 7)
        days = [
            first + timedelta(weeks=i)
            for i in range(weeks)
            if first + timedelta(weeks=i) <= self.end
        ]
        if not days:
            raise ValueError(
                f"Der Fahrplan gilt an keinem {WEEKDAYS[weekday]} ({self.start} bis {self.end})."
            )
        return max(days, key=lambda d: (int(self.trips_on(d).sum()), -d.toordinal()))


def parse_time(values: pd.Series, file: str, column: str) -> np.ndarray:
    """GTFS ``H:MM:SS`` (hours may exceed 23) to seconds after the service day's noon − 12 h.

    Raises
    ------
    DataPackageError
        Naming the first row that is not a time.
    """
    parts = values.astype("string").str.strip().str.extract(r"^(\d{1,3}):(\d{2}):(\d{2})$")
    bad = parts[0].isna() & values.astype("string").str.strip().ne("")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DataPackageError(
            f"gtfs: {file}",
            f"Spalte {column}: keine Uhrzeit in Zeile {row} ({values.iloc[row - 2]!r}).",
            "Zeiten als H:MM:SS angeben (nach Mitternacht z. B. 24:30:00).",
        )
    seconds = parts[0].astype(float) * 3600 + parts[1].astype(float) * 60 + parts[2].astype(float)
    return seconds.to_numpy()


def _read(
    archive: zipfile.ZipFile, name: str, required: list[str], optional: bool = False
) -> pd.DataFrame:
    members = {Path(m.filename).name: m for m in archive.infolist()}
    file = f"gtfs: {name}"
    if name not in members:
        if optional:
            return pd.DataFrame(columns=required)
        raise DataPackageError(
            file, "Datei fehlt im GTFS-Archiv.", "Einen vollständigen GTFS-Export verwenden."
        )
    member = members[name]
    if member.file_size > MAX_MEMBER_BYTES:
        raise DataPackageError(
            file,
            f"Die Datei ist entpackt zu groß ({member.file_size // 2**20} MB, erlaubt "
            f"{MAX_MEMBER_BYTES // 2**20} MB).",
            "Einen auf die Region zugeschnittenen Export verwenden.",
        )
    try:
        content = archive.read(member)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
            NotImplementedError) as exc:  # fmt: skip
        raise DataPackageError(
            file,
            f"Die Datei im GTFS-Archiv ist beschädigt oder nicht lesbar ({type(exc).__name__}).",
            "Den Fahrplan-Export neu herunterladen.",
        ) from exc
    if not content.strip():
        if optional:
            return pd.DataFrame(columns=required)
        raise DataPackageError(
            file, "Die Datei ist leer.", "Den Fahrplan-Export neu herunterladen."
        )
    frame = read_csv_text(decode_utf8(content, file), file, allow_empty=True)
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataPackageError(
            f"gtfs: {name}",
            f"Spalte(n) fehlen: {', '.join(missing)}.",
            "GTFS-Spezifikation beachten.",
        )
    return frame


def read_feed(source: Path | bytes, region: gpd.GeoDataFrame | None = None) -> Feed:
    """Read and validate a GTFS zip.

    Parameters
    ----------
    source : pathlib.Path or bytes
        The zip archive.
    region : geopandas.GeoDataFrame, optional
        Region polygon (e.g. the city boundary); stops farther than
        :data:`REGION_BUFFER_M` from it are left out.

    Returns
    -------
    Feed

    Raises
    ------
    DataPackageError
        On a missing or invalid file, column, time, date or coordinate; also for damage
        nobody foresaw (never a bare pandas, zip or Unicode exception).
    """
    try:
        return _read_feed(source, region)
    except DataPackageError:
        raise
    except Exception as exc:
        raise DataPackageError(
            "gtfs",
            f"Der Fahrplan kann nicht verarbeitet werden (unerwarteter Fehler: "
            f"{type(exc).__name__}).",
            "Den Fahrplan-Export prüfen oder neu herunterladen.",
        ) from exc


def _read_feed(source: Path | bytes, region: gpd.GeoDataFrame | None) -> Feed:
    archive = _open_archive(source)
    notes: list[str] = []
    frames = {name: _read(archive, name, cols) for name, cols in REQUIRED.items()}
    calendar = _read(archive, "calendar.txt", CALENDAR, optional=True)
    calendar_dates = _read(archive, "calendar_dates.txt", CALENDAR_DATES, optional=True)
    if calendar.empty and calendar_dates.empty:
        raise DataPackageError(
            "gtfs: calendar.txt",
            "Weder calendar.txt noch calendar_dates.txt enthalten Verkehrstage.",
            "Betriebskalender mitliefern.",
        )
    frequencies = _read(archive, "frequencies.txt", FREQUENCIES, optional=True)
    transfers = _read(archive, "transfers.txt", ["from_stop_id", "to_stop_id"], optional=True)

    stops = _stops(frames["stops.txt"], region, notes)
    stop_index = pd.Series(np.arange(len(stops)), index=stops["stop_id"])
    trips = _trips(frames["trips.txt"], frames["routes.txt"])
    trip_index = pd.Series(np.arange(len(trips)), index=trips["trip_id"])
    times = _stop_times(frames["stop_times.txt"], trip_index, stop_index, notes)

    calendar = _calendar(calendar)
    calendar_dates = _calendar_dates(calendar_dates)
    start, end = _validity(calendar, calendar_dates)
    frequencies = _frequencies(frequencies, trip_index)
    transfer_table = _transfers(transfers, stop_index)
    if (stops["wheelchair"] == 0).all():
        notes.append(
            "Der Fahrplan gibt für keine Haltestelle Barrierefreiheit an; mit „nur "
            "barrierefreie Haltestellen“ zählt deshalb nur der Fußweg."
        )
    return Feed(
        stops,
        trips,
        times,
        calendar,
        calendar_dates,
        frequencies,
        transfer_table,
        start,
        end,
        tuple(notes),
    )


def _too_large() -> DataPackageError:
    return DataPackageError(
        "gtfs",
        "Das GTFS-Archiv ist zu groß.",
        "Auf das Stadtgebiet zugeschnittenen Export verwenden.",
    )


def _open_archive(source: Path | bytes) -> zipfile.ZipFile:
    """The zip archive of a path or of bytes, after checking its size (bounded read)."""
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_BYTES:
                raise _too_large()
            raw = source.read_bytes()
        except OSError as exc:
            raise DataPackageError(
                "gtfs", "Das GTFS-Archiv kann nicht gelesen werden.", "Dateirechte prüfen."
            ) from exc
    else:
        raw = source
    if len(raw) > MAX_BYTES:
        raise _too_large()
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataPackageError(
            "gtfs", "Das GTFS-Archiv ist kein gültiges ZIP.", "Den Export neu herunterladen."
        ) from exc


def _trips(trips: pd.DataFrame, routes: pd.DataFrame) -> pd.DataFrame:
    """Trips with the type of their route; every route known, every trip id unique."""
    trips = trips.merge(routes[["route_id", "route_type"]], on="route_id", how="left")
    if trips["route_type"].isna().any():
        bad = trips.loc[trips["route_type"].isna(), "route_id"].iloc[0]
        raise DataPackageError(
            "gtfs: trips.txt",
            f"Linie {bad!r} fehlt in routes.txt.",
            "routes.txt und trips.txt abgleichen.",
        )
    if trips["trip_id"].duplicated().any():
        raise DataPackageError(
            "gtfs: trips.txt", "trip_id ist nicht eindeutig.", "Eindeutige trip_id vergeben."
        )
    return trips[["trip_id", "route_id", "service_id", "route_type"]].reset_index(drop=True)


def _stop_times(
    st: pd.DataFrame, trip_index: pd.Series, stop_index: pd.Series, notes: list[str]
) -> pd.DataFrame:
    """Stop times by trip and stop position, gaps between timepoints interpolated.

    Halts at stops outside the region are dropped (with a note).
    """
    times = pd.DataFrame(
        {
            "trip": st["trip_id"].map(trip_index),
            "stop": st["stop_id"].map(stop_index),
            "seq": pd.to_numeric(st["stop_sequence"], errors="coerce"),
            "arr": parse_time(st["arrival_time"], "stop_times.txt", "arrival_time"),
            "dep": parse_time(st["departure_time"], "stop_times.txt", "departure_time"),
            "pickup": st.get("pickup_type", pd.Series("0", index=st.index)).replace("", "0") != "1",
            "dropoff": st.get("drop_off_type", pd.Series("0", index=st.index)).replace("", "0")
            != "1",
        }
    )
    if times["trip"].isna().any():
        raise DataPackageError(
            "gtfs: stop_times.txt",
            "Fahrten ohne Eintrag in trips.txt.",
            "trips.txt vervollständigen.",
        )
    if times["seq"].isna().any():
        raise DataPackageError(
            "gtfs: stop_times.txt", "stop_sequence ist keine Zahl.", "Ganze Zahlen verwenden."
        )
    outside = times["stop"].isna()
    if outside.any():
        notes.append(
            f"{format_number(int(outside.sum()))} planmäßige Halte an Haltestellen außerhalb der "
            "Region bleiben unberücksichtigt."
        )
    # Times may be given only at timepoints: fill the gaps within each trip linearly.
    times = times.sort_values(["trip", "seq"]).reset_index(drop=True)
    times[["arr", "dep"]] = times[["arr", "dep"]].fillna(
        times[["dep", "arr"]].rename(columns={"dep": "arr", "arr": "dep"})
    )
    times[["arr", "dep"]] = times.groupby("trip")[["arr", "dep"]].transform(
        lambda s: s.interpolate(limit_area="inside")
    )
    if times[["arr", "dep"]].isna().any().any():
        raise DataPackageError(
            "gtfs: stop_times.txt",
            "Erste oder letzte Zeit einer Fahrt fehlt.",
            "Zeiten für Anfang und Ende jeder Fahrt angeben.",
        )
    return times[~times["stop"].isna()].astype({"trip": int, "stop": int})


def read_stops(source: Path, region: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Only the stops of a GTFS zip (names and positions), without reading the timetable.

    For naming places after the nearest stop: reads ``stops.txt`` alone (a few
    milliseconds instead of the full validation of :func:`read_feed`).

    Parameters
    ----------
    source : pathlib.Path
        The zip archive.
    region : geopandas.GeoDataFrame, optional
        Region polygon; stops farther than :data:`REGION_BUFFER_M` from it are left out.

    Returns
    -------
    geopandas.GeoDataFrame
        ``stop_id``, ``name``, ``wheelchair`` and points in EPSG:25832 (as :attr:`Feed.stops`).

    Raises
    ------
    DataPackageError
        If the archive or ``stops.txt`` is missing, too large or invalid.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            info = next(
                (i for i in archive.infolist() if Path(i.filename).name == "stops.txt"), None
            )
            if info is not None and info.file_size > MAX_STOPS_BYTES:
                raise DataPackageError(
                    "gtfs: stops.txt",
                    "Die Haltestellenliste ist zu groß.",
                    "Auf das Stadtgebiet zugeschnittenen Export verwenden.",
                )
            frame = _read(archive, "stops.txt", REQUIRED["stops.txt"])
    except (OSError, zipfile.BadZipFile) as exc:
        raise DataPackageError(
            "gtfs", "Das GTFS-Archiv ist kein gültiges ZIP.", "Den Export neu herunterladen."
        ) from exc
    return _stops(frame, region, [])


def _stops(
    frame: pd.DataFrame, region: gpd.GeoDataFrame | None, notes: list[str]
) -> gpd.GeoDataFrame:
    if frame["stop_id"].duplicated().any():
        raise DataPackageError(
            "gtfs: stops.txt", "stop_id ist nicht eindeutig.", "Eindeutige stop_id vergeben."
        )
    location = pd.to_numeric(
        frame.get("location_type", pd.Series("0", index=frame.index)).replace("", "0"),
        errors="coerce",
    )
    frame = frame[location.fillna(0) == 0]  # only places where vehicles stop
    lat = pd.to_numeric(frame["stop_lat"], errors="coerce")
    lon = pd.to_numeric(frame["stop_lon"], errors="coerce")
    bad = lat.isna() | lon.isna() | (lat.abs() > 90) | (lon.abs() > 180)
    if bad.any():
        row = frame.loc[bad, "stop_id"].iloc[0]
        raise DataPackageError(
            "gtfs: stops.txt",
            f"Haltestelle {row!r} hat keine gültigen Koordinaten.",
            "stop_lat/stop_lon in WGS84 angeben.",
        )
    points = gpd.GeoSeries.from_xy(lon, lat, crs=WGS84).to_crs(METRIC_CRS)
    wheelchair = pd.to_numeric(
        frame.get("wheelchair_boarding", pd.Series("0", index=frame.index)).replace("", "0"),
        errors="coerce",
    )
    stops = gpd.GeoDataFrame(
        {
            "stop_id": frame["stop_id"].to_numpy(),
            "name": frame["stop_name"].to_numpy(),
            "wheelchair": wheelchair.fillna(0).astype(int).to_numpy(),
        },
        geometry=points.to_numpy(),
        crs=METRIC_CRS,
    )
    if region is not None:
        area = region.to_crs(METRIC_CRS).geometry.union_all()
        far = stops.distance(area) > REGION_BUFFER_M
        if far.any():
            names = ", ".join(stops.loc[far, "name"].astype(str).head(5))
            notes.append(
                f"{count_text(int(far.sum()), 'Haltestelle', 'Haltestellen')} außerhalb der Region "
                f"ausgelassen (z. B. {names})."
            )
            stops = stops[~far]
    return stops.reset_index(drop=True)


def _int_column(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 2
        raise DataPackageError(
            f"gtfs: {file}",
            f"Spalte {column}: keine Zahl in Zeile {row}.",
            "Ganze Zahlen (Datum als JJJJMMTT) angeben.",
        )
    return values.astype(int)


def _calendar(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[CALENDAR].copy()
    for column in CALENDAR[1:]:
        out[column] = _int_column(out, column, "calendar.txt")
    return out


def _calendar_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[CALENDAR_DATES].copy()
    out["date"] = _int_column(out, "date", "calendar_dates.txt")
    out["exception_type"] = _int_column(out, "exception_type", "calendar_dates.txt")
    if not out["exception_type"].isin([1, 2]).all():
        raise DataPackageError(
            "gtfs: calendar_dates.txt",
            "exception_type muss 1 oder 2 sein.",
            "1 = Verkehrstag hinzufügen, 2 = entfallen.",
        )
    return out


def _to_date(value: int, file: str) -> date:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError as exc:
        raise DataPackageError(
            f"gtfs: {file}", f"Ungültiges Datum {value}.", "Datum als JJJJMMTT angeben."
        ) from exc


def _validity(calendar: pd.DataFrame, calendar_dates: pd.DataFrame) -> tuple[date, date]:
    starts, ends = [], []
    if len(calendar):
        starts.append(_to_date(int(calendar["start_date"].min()), "calendar.txt"))
        ends.append(_to_date(int(calendar["end_date"].max()), "calendar.txt"))
    if len(calendar_dates):
        added = calendar_dates[calendar_dates["exception_type"] == 1]["date"]
        if len(added):
            starts.append(_to_date(int(added.min()), "calendar_dates.txt"))
            ends.append(_to_date(int(added.max()), "calendar_dates.txt"))
    if not starts:
        raise DataPackageError(
            "gtfs: calendar.txt",
            "Der Kalender enthält keinen Verkehrstag.",
            "Betriebskalender prüfen.",
        )
    start, end = min(starts), max(ends)
    if end < start:
        raise DataPackageError(
            "gtfs: calendar.txt",
            "Ende der Gültigkeit liegt vor dem Beginn.",
            "start_date/end_date prüfen.",
        )
    return start, end


def _frequencies(frame: pd.DataFrame, trip_index: pd.Series) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["trip", "start", "end", "headway"])
    trips = frame["trip_id"].map(trip_index)
    if trips.isna().any():
        raise DataPackageError(
            "gtfs: frequencies.txt", "Fahrt fehlt in trips.txt.", "trips.txt vervollständigen."
        )
    headway = _int_column(frame, "headway_secs", "frequencies.txt")
    if (headway <= 0).any():
        raise DataPackageError(
            "gtfs: frequencies.txt",
            "headway_secs muss größer als 0 sein.",
            "Takt in Sekunden angeben.",
        )
    return pd.DataFrame(
        {
            "trip": trips.astype(int),
            "start": parse_time(frame["start_time"], "frequencies.txt", "start_time"),
            "end": parse_time(frame["end_time"], "frequencies.txt", "end_time"),
            "headway": headway,
        }
    )


def _transfers(frame: pd.DataFrame, stop_index: pd.Series) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["from_stop", "to_stop", "seconds"])
    seconds = pd.to_numeric(
        frame.get("min_transfer_time", pd.Series("", index=frame.index)), errors="coerce"
    )
    transfer_type = pd.to_numeric(
        frame.get("transfer_type", pd.Series("0", index=frame.index)), errors="coerce"
    )
    out = pd.DataFrame(
        {
            "from_stop": frame["from_stop_id"].map(stop_index),
            "to_stop": frame["to_stop_id"].map(stop_index),
            "seconds": seconds.fillna(0),
        }
    )
    keep = (
        out["from_stop"].notna() & out["to_stop"].notna() & (transfer_type != 3)
    )  # 3 = impossible
    return out[keep].astype({"from_stop": int, "to_stop": int}).reset_index(drop=True)

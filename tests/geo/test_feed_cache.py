"""The on-disk cache of the parsed timetable: equal feed, rebuilt on any change, never an error."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

import geo.io.package_cache as package_cache
from geo.errors import DataPackageError
from geo.io.gtfs import Feed, read_feed
from geo.io.package_cache import CACHE_ENV, read_feed_cached
from tests.geo.cache_damage import damaged_entries
from tests.synthetic_gtfs import feed_zip, files


def _assert_same(a: Feed, b: Feed) -> None:
    assert_geodataframe_equal(a.stops, b.stops)
    for table in ("trips", "stop_times", "calendar", "calendar_dates", "frequencies", "transfers"):
        assert_frame_equal(getattr(a, table), getattr(b, table))
    assert (a.start, a.end, a.notes) == (b.start, b.end, b.notes)


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Records every real parse of a timetable (a cache miss)."""
    calls: list[Path] = []

    def counting(path, region=None):
        calls.append(Path(path))
        return read_feed(path, region)

    monkeypatch.setattr(package_cache, "read_feed", counting)
    return calls


@pytest.fixture
def gtfs(synthetic_dir) -> Path:
    return synthetic_dir / "gtfs" / "mvb_gtfs.zip"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("fahrplan-*.pickle"))


def test_hit_returns_an_equal_feed_without_parsing(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    first = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    second = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert reads == [gtfs]
    _assert_same(first, read_feed(gtfs, synthetic.stadtgrenze))
    _assert_same(second, first)
    assert second.notes  # the stop 100 km away was left out, and that is said again
    assert len(_entries(folder)) == 1
    assert (_entries(folder)[0].stat().st_mode & 0o777) == 0o600


def test_changed_timetable_rebuilds(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    before = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    trips = files()["stop_times.txt"].replace("09:20:00", "09:21:00")
    gtfs.write_bytes(feed_zip({"stop_times.txt": trips}))
    after = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert len(reads) == 2
    assert after.stop_times["arr"].max() == before.stop_times["arr"].max()  # T6 after midnight
    assert (after.stop_times["arr"] == 9 * 3600 + 21 * 60).any()
    assert not (before.stop_times["arr"] == 9 * 3600 + 21 * 60).any()
    assert len(_entries(folder)) == 1  # replaced, not added


def test_touched_timetable_rebuilds(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    info = gtfs.stat()
    os.utime(gtfs, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert len(reads) == 2


def test_another_region_is_another_key(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    with_region = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    without = read_feed_cached(gtfs, None, folder)
    moved = synthetic.stadtgrenze.translate(xoff=50_000)
    read_feed_cached(gtfs, moved, folder)
    assert len(reads) == 3
    assert len(without.stops) == len(with_region.stops) + 1  # the far stop Z is kept


@damaged_entries({"kein": "Fahrplan"})
def test_corrupt_or_foreign_entry_is_rebuilt(gtfs, synthetic, tmp_path, reads, damage):
    folder = tmp_path / "cache"
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    (entry,) = _entries(folder)
    damage(entry)
    feed = read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert len(reads) == 2
    _assert_same(feed, read_feed(gtfs, synthetic.stadtgrenze))
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)  # the rebuilt entry is used again
    assert len(reads) == 2


def test_a_package_entry_is_not_taken_for_a_feed(gtfs, synthetic, synthetic_dir, tmp_path, reads):
    folder = tmp_path / "cache"
    package_cache.load_package_cached(synthetic_dir, folder)
    (package_entry,) = folder.glob("paket-*.pickle")
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    (entry,) = _entries(folder)
    entry.write_bytes(package_entry.read_bytes())  # a valid entry of ours, of another kind
    _assert_same(
        read_feed_cached(gtfs, synthetic.stadtgrenze, folder),
        read_feed(gtfs, synthetic.stadtgrenze),
    )
    assert len(reads) == 2


def test_entry_open_to_others_is_not_read(gtfs, synthetic, tmp_path, reads, monkeypatch):
    folder = tmp_path / "cache"
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    (entry,) = _entries(folder)
    entry.chmod(0o644)
    opened = []
    real_load = pickle.load
    monkeypatch.setattr(package_cache.pickle, "load", lambda h: opened.append(h) or real_load(h))
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert not opened
    assert len(reads) == 2


def test_a_symlink_planted_as_entry_is_never_followed(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    name = package_cache._entry_name(gtfs.resolve(), "fahrplan")
    victim = tmp_path / "eigene-datei.bin"
    victim.write_bytes(b"wichtig")
    (folder / name).symlink_to(victim)
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert victim.read_bytes() == b"wichtig"
    assert not (folder / name).is_symlink()
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert len(reads) == 1


def test_a_cache_folder_open_to_others_is_refused(gtfs, synthetic, tmp_path, reads):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o755)
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert len(reads) == 2
    assert not _entries(folder)


def test_errors_are_not_cached(gtfs, synthetic, tmp_path):
    folder = tmp_path / "cache"
    gtfs.write_bytes(feed_zip({"stops.txt": None}))
    for _ in range(2):
        with pytest.raises(DataPackageError, match=r"stops\.txt"):
            read_feed_cached(gtfs, synthetic.stadtgrenze, folder)
    assert not _entries(folder)
    with pytest.raises(DataPackageError, match="nicht gelesen"):
        read_feed_cached(tmp_path / "fehlt.zip", None, folder)


def test_switched_off_parses_every_time(gtfs, synthetic, monkeypatch, reads):
    monkeypatch.setenv(CACHE_ENV, "aus")
    read_feed_cached(gtfs, synthetic.stadtgrenze)
    read_feed_cached(gtfs, synthetic.stadtgrenze)
    assert len(reads) == 2

"""The on-disk cache of the parsed package: equal result, rebuilt on any change, never an error."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

import geo.io.package_cache as package_cache
from geo.io.package import DataPackage, DataPackageError, load_package
from geo.io.package_cache import CACHE_ENV, cache_dir, load_package_cached
from tests.geo.cache_damage import damaged_entries
from tests.synthetic import edit_csv


def _assert_same(a: DataPackage, b: DataPackage) -> None:
    assert a.root == b.root
    assert a.version == b.version
    assert a.notes == b.notes
    for layer in ("stadtteile", "stadtgrenze", "statistik", "einrichtungen", "zensus"):
        assert_frame_equal(getattr(a, layer), getattr(b, layer))


@pytest.fixture
def loads(monkeypatch) -> list[Path]:
    """Records every real parse of a package (a cache miss)."""
    calls: list[Path] = []

    def counting(root):
        calls.append(Path(root))
        return load_package(root)

    monkeypatch.setattr(package_cache, "load_package", counting)
    return calls


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("paket-*.pickle"))


def test_hit_returns_an_equal_package_without_parsing(synthetic_dir, tmp_path, loads):
    folder = tmp_path / "cache"
    first = load_package_cached(synthetic_dir, folder)
    second = load_package_cached(synthetic_dir, folder)
    assert len(loads) == 1
    _assert_same(second, load_package(synthetic_dir))
    _assert_same(first, second)
    assert len(_entries(folder)) == 1
    assert (folder.stat().st_mode & 0o777) == 0o700


def test_changed_file_rebuilds(synthetic_dir, tmp_path, loads):
    folder = tmp_path / "cache"
    before = load_package_cached(synthetic_dir, folder)
    edit_csv(
        synthetic_dir / "einrichtungen.csv",
        lambda df: df.assign(name=df["name"].where(df.index != 0, "Neuer Name")),
    )
    after = load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2
    assert after.version != before.version
    assert after.einrichtungen["name"].iloc[0] == "Neuer Name"
    assert len(_entries(folder)) == 1  # replaced, not added


@pytest.mark.parametrize("name", ["stadtteile.geojson", "gtfs/mvb_gtfs.zip", "neu.txt"])
def test_touching_any_file_rebuilds(synthetic_dir, tmp_path, loads, name):
    folder = tmp_path / "cache"
    load_package_cached(synthetic_dir, folder)
    path = synthetic_dir / name
    if path.exists():
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    else:
        path.write_text("ein neues Paketfile", encoding="utf-8")
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2


def test_changed_code_rebuilds(synthetic_dir, tmp_path, loads, monkeypatch):
    folder = tmp_path / "cache"
    load_package_cached(synthetic_dir, folder)
    code = tmp_path / "geo"
    shutil.copytree(Path(package_cache.__file__).parent, code)
    (code / "readers.py").write_text("# geändert\n", encoding="utf-8")
    monkeypatch.setattr(package_cache, "_CODE_DIR", code)
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2


@damaged_entries({"kein": "Paket"})
def test_corrupt_entry_is_rebuilt(synthetic_dir, tmp_path, loads, damage):
    folder = tmp_path / "cache"
    load_package_cached(synthetic_dir, folder)
    (entry,) = _entries(folder)
    damage(entry)
    package = load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2
    _assert_same(package, load_package(synthetic_dir))
    load_package_cached(synthetic_dir, folder)  # the rebuilt entry is used again
    assert len(loads) == 2


def test_entry_writable_by_others_is_not_read(synthetic_dir, tmp_path, loads):
    folder = tmp_path / "cache"
    load_package_cached(synthetic_dir, folder)
    (entry,) = _entries(folder)
    entry.chmod(0o666)
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2


def test_two_package_folders_do_not_collide(synthetic_dir, tmp_path, loads):
    folder = tmp_path / "cache"
    other = tmp_path / "anderes-paket"
    shutil.copytree(synthetic_dir, other)
    edit_csv(other / "einrichtungen.csv", lambda df: df.iloc[:-1])
    a = load_package_cached(synthetic_dir, folder)
    b = load_package_cached(other, folder)
    assert len(_entries(folder)) == 2
    assert (a.root, b.root) == (synthetic_dir, other)
    assert len(b.einrichtungen) == len(a.einrichtungen) - 1
    _assert_same(load_package_cached(synthetic_dir, folder), a)
    _assert_same(load_package_cached(other, folder), b)
    assert len(loads) == 2


def test_unwritable_cache_is_no_error(synthetic_dir, tmp_path, loads):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner", encoding="utf-8")
    package = load_package_cached(synthetic_dir, blocker / "cache")
    _assert_same(package, load_package(synthetic_dir))


def test_a_folder_too_large_for_a_package_is_not_hashed(
    synthetic_dir, tmp_path, loads, monkeypatch
):
    monkeypatch.setattr(package_cache, "MAX_FILES", 3)
    folder = tmp_path / "cache"
    package = load_package_cached(synthetic_dir, folder)
    _assert_same(package, load_package(synthetic_dir))
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2
    assert not _entries(folder)


def test_errors_are_not_cached(synthetic_dir, tmp_path):
    folder = tmp_path / "cache"
    (synthetic_dir / "stadtteile.geojson").write_text("{kaputt", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataPackageError, match=r"stadtteile\.geojson"):
            load_package_cached(synthetic_dir, folder)
    assert not _entries(folder)
    with pytest.raises(DataPackageError, match="nicht gefunden"):
        load_package_cached(tmp_path / "fehlt", folder)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({CACHE_ENV: "/srv/cache"}, Path("/srv/cache")),
        ({CACHE_ENV: "aus"}, None),
        ({"XDG_CACHE_HOME": "/var/c"}, Path("/var/c/begegnungsatlas")),
        ({}, Path.home() / ".cache" / "begegnungsatlas"),
    ],
)
def test_cache_folder(environ, expected):
    assert cache_dir(environ) == expected


def test_switched_off_parses_every_time(synthetic_dir, monkeypatch, loads):
    monkeypatch.setenv(CACHE_ENV, "aus")
    load_package_cached(synthetic_dir)
    load_package_cached(synthetic_dir)
    assert len(loads) == 2


# --------------------------------------------------------------------------- planted files


def test_a_symlink_planted_as_entry_is_never_followed(synthetic_dir, tmp_path, loads, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    name = package_cache._entry_name(synthetic_dir.resolve())
    victim = tmp_path / "eigene-datei.bin"
    victim.write_bytes(b"wichtig")
    (folder / name).symlink_to(victim)
    opened = []
    real_load = pickle.load
    monkeypatch.setattr(package_cache.pickle, "load", lambda h: opened.append(h) or real_load(h))
    package_cache.NOTICES.clear()
    package = load_package_cached(synthetic_dir, folder)
    _assert_same(package, load_package(synthetic_dir))
    assert not opened  # nothing was unpickled
    assert victim.read_bytes() == b"wichtig"  # the victim's file is untouched
    assert not (folder / name).is_symlink()  # the link was replaced by a real entry
    assert any("etwas anderes als eine Datei" in n for n in package_cache.NOTICES)


def test_a_symlinked_cache_folder_is_refused(synthetic_dir, tmp_path, loads):
    target = tmp_path / "woanders"
    target.mkdir(mode=0o700)
    folder = tmp_path / "cache"
    folder.symlink_to(target, target_is_directory=True)
    package_cache.NOTICES.clear()
    load_package_cached(synthetic_dir, folder)
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2  # parsed each time, never cached through the link
    assert not list(target.iterdir())
    assert package_cache.NOTICES == [
        "Der Paket-Cache wird nicht benutzt: sein Ordner ist ein symbolischer Verweis "
        "(möglicherweise untergeschoben). Lösung: BEGEGNUNGSATLAS_CACHE auf einen eigenen "
        "Ordner setzen (nur für Sie lesbar, Rechte 700) oder mit BEGEGNUNGSATLAS_CACHE=aus "
        "abschalten."
    ]


@pytest.mark.parametrize("mode", [0o755, 0o777, 0o1777, 0o710])
def test_a_cache_folder_open_to_others_is_refused(synthetic_dir, tmp_path, loads, mode):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(mode)
    package_cache.NOTICES.clear()
    load_package_cached(synthetic_dir, folder)
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 2
    assert not _entries(folder)
    assert f"(Rechte {mode & 0o777:o} statt 700)" in package_cache.NOTICES[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="changing the owner needs root")
def test_files_of_another_user_are_never_unpickled(synthetic_dir, tmp_path, loads, monkeypatch):
    folder = tmp_path / "cache"
    load_package_cached(synthetic_dir, folder)
    (entry,) = _entries(folder)
    os.chown(entry, 65534, 65534)  # planted by someone else, content ours or not
    opened = []
    real_load = pickle.load
    monkeypatch.setattr(package_cache.pickle, "load", lambda h: opened.append(h) or real_load(h))
    load_package_cached(synthetic_dir, folder)
    assert not opened
    assert len(loads) == 2
    os.chown(folder, 65534, 65534)  # and a folder of someone else is not used at all
    package_cache.NOTICES.clear()
    load_package_cached(synthetic_dir, folder)
    assert len(loads) == 3
    assert "gehört einer anderen Benutzerkennung" in package_cache.NOTICES[0]

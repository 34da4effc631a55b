"""The parsed data package, kept on disk so a new process need not parse it again.

Reading and validating the package takes about a second; the CLI and a freshly started app
pay it on every start. :func:`load_package_cached` stores the validated
:class:`~geo.io.package.DataPackage` as a pickle in the cache folder and reuses it while
nothing it depends on has changed:

* the key covers every file of the package folder (path, size, modification time and a
  SHA-256 of the content), the code that parses it (the source of ``geo/``) and the versions
  of Python and the libraries whose objects are pickled; any change rebuilds the entry;
* a folder that cannot be a package (required files missing, more than 500 files or 1 GB)
  is not hashed: the loader runs and reports the problem;
* one entry per package folder (named by a hash of its resolved path), so two packages
  never collide and the folder does not grow;
* written atomically (temporary file + rename); a file that cannot be read, is damaged or
  has another key is ignored and rebuilt – the cache never turns into an error for the user,
  and loading falls back to :func:`~geo.io.package.load_package`;
* only our own objects from our own private folder are unpickled. The folder is created
  with mode 700 and opened with ``O_NOFOLLOW`` (a symbolic link planted in its place is
  refused); it must belong to the user and give nobody else any right (mode 700). An entry is
  opened relative to that folder, again with ``O_NOFOLLOW``, and read only if it is a regular
  file of the user that nobody else may read or write (mode 600). Otherwise the cache is not
  used for that call – the package is parsed – and :data:`NOTICES` says why in German (the
  command line prints it), so a shared or planted cache folder can never make this program
  unpickle a file the user does not own.

The validated timetable (:class:`~geo.io.gtfs.Feed`, 2–4 s to parse) is kept the same way
by :func:`read_feed_cached`, in its own entry per GTFS file: its key covers that file (size,
modification time, SHA-256), the region polygon that selects the stops, our code and the
library versions, and it follows the same rules for the folder and the entry.

Folder: ``$BEGEGNUNGSATLAS_CACHE``, else ``$XDG_CACHE_HOME/begegnungsatlas``, else
``~/.cache/begegnungsatlas``; ``BEGEGNUNGSATLAS_CACHE=aus`` switches the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from geo.io.gtfs import MAX_BYTES as MAX_FEED_BYTES
from geo.io.gtfs import Feed, read_feed
from geo.io.package import FILES, DataPackage, load_package

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CACHE_ENV",
    "NOTICES",
    "cache_dir",
    "cache_key",
    "feed_cache_key",
    "load_package_cached",
    "read_feed_cached",
]
_T = TypeVar("_T")

#: Environment variable with the cache folder (``aus``/``off``/``0``: no cache).
CACHE_ENV = "BEGEGNUNGSATLAS_CACHE"
_OFF = {"aus", "off", "0", "nein", "false"}
#: Changes when the layout of an entry changes.
_FORMAT = "begegnungsatlas-package-cache-1"
_CODE_DIR = Path(__file__).resolve().parents[1]  # all of geo/, not only geo/io/
LOGGER = logging.getLogger("begegnungsatlas")
#: Why the cache was refused in this process (German, each once); the CLI prints them.
NOTICES: list[str] = []
_FIX = (
    "Lösung: BEGEGNUNGSATLAS_CACHE auf einen eigenen Ordner setzen (nur für Sie lesbar, "
    "Rechte 700) oder mit BEGEGNUNGSATLAS_CACHE=aus abschalten."
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder, or None if the cache is switched off.

    Parameters
    ----------
    environ : mapping, optional
        Environment (default ``os.environ``).

    Returns
    -------
    pathlib.Path or None
    """
    env = os.environ if environ is None else environ
    value = env.get(CACHE_ENV, "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "begegnungsatlas"


#: A folder beyond these is not a data package (e.g. a wrongly set BEGEGNUNGSATLAS_DATA):
#: it is not hashed, the loader reports what is missing.
MAX_FILES = 500
MAX_BYTES = 1 << 30


def _digest_files(root: Path, digest: hashlib._Hash) -> None:
    paths = []
    for path in root.rglob("*"):
        if path.is_file():
            paths.append(path)
            if len(paths) > MAX_FILES:
                raise OSError(f"mehr als {MAX_FILES} Dateien in {root}")
    if sum(path.stat().st_size for path in paths) > MAX_BYTES:
        raise OSError(f"mehr als {MAX_BYTES} Bytes in {root}")
    for path in sorted(paths):
        info = path.stat()
        digest.update(f"{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
        with path.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)


def _code_digest(kind: str) -> hashlib._Hash:
    """A digest of the entry kind, the Python and library versions and the code in ``geo/``."""
    import geopandas
    import numpy
    import pandas
    import pyproj
    import shapely

    digest = hashlib.sha256(f"{_FORMAT}\0{kind}".encode())
    versions = [sys.version, *(m.__version__ for m in (numpy, pandas, geopandas, shapely, pyproj))]
    digest.update("\0".join(versions).encode())
    for source in sorted(_CODE_DIR.rglob("*.py")):
        digest.update(source.relative_to(_CODE_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    return digest


def cache_key(root: Path) -> str:
    """The key of the package in ``root``: its files, our parsing code, the library versions.

    Parameters
    ----------
    root : pathlib.Path
        Package directory.

    Returns
    -------
    str
        Hex digest; changes whenever a package file, the code in ``geo/`` or a library
        version changes.

    Raises
    ------
    OSError
        If a file cannot be read.
    """
    digest = _code_digest("paket")
    _digest_files(root, digest)
    return digest.hexdigest()


def feed_cache_key(path: Path, region: gpd.GeoDataFrame | None) -> str:
    """The key of a parsed timetable: its file, the region, our code, the library versions.

    Parameters
    ----------
    path : pathlib.Path
        The GTFS zip.
    region : geopandas.GeoDataFrame or None
        The region polygon handed to :func:`~geo.io.gtfs.read_feed` (it decides which stops
        are left out).

    Returns
    -------
    str
        Hex digest; changes whenever the file (size, modification time or content), the
        region (geometry or CRS), the code in ``geo/`` or a library version changes.

    Raises
    ------
    OSError
        If the file cannot be read or is larger than :func:`~geo.io.gtfs.read_feed` accepts.
    """
    import shapely

    digest = _code_digest("fahrplan")
    info = path.stat()
    if info.st_size > MAX_FEED_BYTES:
        raise OSError(f"{path} ist größer als {MAX_FEED_BYTES} Bytes")
    digest.update(f"{info.st_size}\0{info.st_mtime_ns}\0".encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if region is None:
        digest.update(b"\0ohne Region")
    else:
        digest.update(f"\0{region.crs.to_wkt() if region.crs else ''}\0".encode())
        for blob in shapely.to_wkb(region.geometry.to_numpy(), hex=False):
            digest.update(len(blob).to_bytes(8, "little") + blob)
    return digest.hexdigest()


def _entry_name(root: Path, prefix: str = "paket") -> str:
    return f"{prefix}-{hashlib.sha256(str(root).encode()).hexdigest()[:24]}.pickle"


def _refuse(reason: str) -> None:
    notice = f"Der Paket-Cache wird nicht benutzt: {reason}. {_FIX}"
    LOGGER.warning(notice)
    if notice not in NOTICES:
        NOTICES.append(notice)


class _RefusedError(Exception):
    """Internal: the cache folder or entry must not be used (already said in NOTICES)."""


@contextlib.contextmanager
def _private_folder(folder: Path) -> Iterator[int]:
    """A descriptor of the cache folder after checking it is the user's private folder."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as error:
        if folder.is_symlink():
            _refuse("sein Ordner ist ein symbolischer Verweis (möglicherweise untergeschoben)")
        else:
            LOGGER.info("Paket-Cache %s nicht nutzbar (%s).", folder, error)
        raise _RefusedError from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            _refuse("sein Ordner gehört einer anderen Benutzerkennung")
            raise _RefusedError
        if info.st_mode & 0o077:
            _refuse(
                f"sein Ordner ist auch für andere zugänglich (Rechte {info.st_mode & 0o777:o} "
                "statt 700)"
            )
            raise _RefusedError
        yield fd
    finally:
        os.close(fd)


def _read(folder: int, name: str, key: str, kind: type[_T]) -> _T | None:
    """The cached object, or None if the entry is missing, foreign, stale or damaged."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as error:  # e.g. ELOOP: a symbolic link in place of the entry
        _refuse(f"an Stelle eines Eintrags liegt etwas anderes als eine Datei ({error.errno})")
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            _refuse("ein Eintrag ist keine eigene Datei")
            return None  # never unpickle what the user does not own
        if info.st_mode & 0o077:
            _refuse("ein Eintrag ist auch für andere zugänglich")
            return None
        try:
            header = handle.readline()
            if header != f"{_FORMAT} {key}\n".encode():
                return None
            value = pickle.load(handle)
        except Exception as error:  # a damaged entry is rebuilt, never shown to the user
            LOGGER.info("Paket-Cache-Eintrag %s nicht lesbar (%s); wird neu erstellt.", name, error)
            return None
    return value if isinstance(value, kind) else None


def _write(folder: int, name: str, key: str, value: object) -> None:
    """Store atomically inside the checked folder; a cache that cannot be written is skipped."""
    temp = f".paket-{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(
            temp,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
            0o600,
            dir_fd=folder,
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(f"{_FORMAT} {key}\n".encode())
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder)
            raise
    except Exception as error:
        LOGGER.info("Paket-Cache-Eintrag %s nicht schreibbar (%s).", name, error)


def load_package_cached(root: Path | str, folder: Path | None = None) -> DataPackage:
    """:func:`geo.io.package.load_package`, served from the on-disk cache when it is current.

    Parameters
    ----------
    root : pathlib.Path or str
        Package directory.
    folder : pathlib.Path, optional
        Cache folder (default :func:`cache_dir`; None there: no cache).

    Returns
    -------
    DataPackage
        Equal to what :func:`~geo.io.package.load_package` returns for the same files.

    Raises
    ------
    DataPackageError
        As :func:`~geo.io.package.load_package` (errors are never cached).
    """
    root = Path(root)
    folder = folder if folder is not None else cache_dir()
    if folder is None or not root.is_dir():
        return load_package(root)
    if not all((root / name).is_file() for name in FILES.values()):
        return load_package(root)  # names what is missing
    try:
        key = cache_key(root)
    except OSError:  # unreadable file or not a package folder: no cache
        return load_package(root)
    package = _cached(folder, _entry_name(root.resolve()), key, DataPackage, load_package, root)
    return replace(package, root=root)  # the same folder, named as the caller named it


def _cached(
    folder: Path, name: str, key: str, kind: type[_T], build: Callable[..., _T], *args: Any
) -> _T:
    """The entry ``name`` of ``folder`` if it holds a ``kind`` under ``key``, else ``build(*args)``.

    A freshly built value is stored; a refused folder means no cache for this call.
    """
    try:
        with _private_folder(folder) as fd:
            value = _read(fd, name, key, kind)
            if value is None:
                value = build(*args)
                _write(fd, name, key, value)
            return value
    except _RefusedError:
        return build(*args)


def read_feed_cached(
    path: Path, region: gpd.GeoDataFrame | None = None, folder: Path | None = None
) -> Feed:
    """:func:`geo.io.gtfs.read_feed`, served from the on-disk cache when it is current.

    Parameters
    ----------
    path : pathlib.Path
        The GTFS zip (e.g. :attr:`DataPackage.gtfs_path`).
    region : geopandas.GeoDataFrame, optional
        Region polygon, as for :func:`~geo.io.gtfs.read_feed`.
    folder : pathlib.Path, optional
        Cache folder (default :func:`cache_dir`; None there: no cache).

    Returns
    -------
    Feed
        Equal to what :func:`~geo.io.gtfs.read_feed` returns for the same file and region.

    Raises
    ------
    DataPackageError
        As :func:`~geo.io.gtfs.read_feed` (errors are never cached).
    """
    path = Path(path)
    folder = folder if folder is not None else cache_dir()
    if folder is None or not path.is_file():
        return read_feed(path, region)
    try:
        key = feed_cache_key(path, region)
    except OSError:  # unreadable or too large: the reader says what is wrong
        return read_feed(path, region)
    name = _entry_name(path.resolve(), "fahrplan")
    return _cached(folder, name, key, Feed, read_feed, path, region)

"""The parsed data package, kept on disk so a new process need not parse it again.

Reading and validating the package takes about a second; the CLI and a freshly started app
pay it on every start. :func:`load_package_cached` stores the validated
:class:`~geo.package.DataPackage` as a pickle in the cache folder and reuses it while
nothing it depends on has changed:

* the key covers every file of the package folder (path, size, modification time and a
  SHA-256 of the content), the code that parses it (the source of ``geo/``) and the versions
  of Python and the libraries whose objects are pickled; any change rebuilds the entry;
* a folder that cannot be a package (required files missing, more than 500 files or 1 GB)
  is not hashed: the loader runs and reports the problem;
* one entry per package folder (named by a hash of its resolved path), so two packages
  never collide and the folder does not grow;
* written atomically (temporary file + rename); a file that cannot be read, is damaged, has
  another key or does not belong to this user is ignored and rebuilt – the cache never turns
  into an error for the user, and loading falls back to :func:`~geo.package.load_package`;
* only our own objects from our own folder are unpickled: the folder is created private
  (mode 700) and entries writable by others are not read.

Folder: ``$BEGEGNUNGSATLAS_CACHE``, else ``$XDG_CACHE_HOME/begegnungsatlas``, else
``~/.cache/begegnungsatlas``; ``BEGEGNUNGSATLAS_CACHE=aus`` switches the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from geo.package import FILES, DataPackage, load_package

__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "load_package_cached"]

#: Environment variable with the cache folder (``aus``/``off``/``0``: no cache).
CACHE_ENV = "BEGEGNUNGSATLAS_CACHE"
_OFF = {"aus", "off", "0", "nein", "false"}
#: Changes when the layout of an entry changes.
_FORMAT = "begegnungsatlas-package-cache-1"
_CODE_DIR = Path(__file__).resolve().parent
LOGGER = logging.getLogger("begegnungsatlas")


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
    import geopandas
    import numpy
    import pandas
    import pyproj
    import shapely

    digest = hashlib.sha256(_FORMAT.encode())
    versions = [sys.version, *(m.__version__ for m in (numpy, pandas, geopandas, shapely, pyproj))]
    digest.update("\0".join(versions).encode())
    for source in sorted(_CODE_DIR.rglob("*.py")):
        digest.update(source.relative_to(_CODE_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    _digest_files(root, digest)
    return digest.hexdigest()


def _entry(folder: Path, root: Path) -> Path:
    name = hashlib.sha256(str(root).encode()).hexdigest()[:24]
    return folder / f"paket-{name}.pickle"


def _read(entry: Path, key: str, root: Path) -> DataPackage | None:
    """The cached package, or None if the entry is missing, foreign, stale or damaged."""
    try:
        with entry.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None  # not written by us: never unpickle it
            header = handle.readline()
            if header != f"{_FORMAT} {key}\n".encode():
                return None
            package = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged entry is rebuilt, never shown to the user
        LOGGER.info("Paket-Cache %s nicht lesbar (%s); wird neu erstellt.", entry, error)
        return None
    if not isinstance(package, DataPackage):
        return None
    return replace(package, root=root)  # the same folder, named as the caller named it


def _write(entry: Path, key: str, package: DataPackage) -> None:
    """Store atomically; a cache that cannot be written is skipped silently."""
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".paket-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(f"{_FORMAT} {key}\n".encode())
                pickle.dump(package, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, entry)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except Exception as error:
        LOGGER.info("Paket-Cache %s nicht schreibbar (%s).", entry, error)


def load_package_cached(root: Path | str, folder: Path | None = None) -> DataPackage:
    """:func:`geo.package.load_package`, served from the on-disk cache when it is current.

    Parameters
    ----------
    root : pathlib.Path or str
        Package directory.
    folder : pathlib.Path, optional
        Cache folder (default :func:`cache_dir`; None there: no cache).

    Returns
    -------
    DataPackage
        Equal to what :func:`~geo.package.load_package` returns for the same files.

    Raises
    ------
    DataPackageError
        As :func:`~geo.package.load_package` (errors are never cached).
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
    entry = _entry(folder, root.resolve())
    package = _read(entry, key, root)
    if package is None:
        package = load_package(root)
        _write(entry, key, package)
    return package

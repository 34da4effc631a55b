"""Where the data package lives."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the app at a data package directory.
DATA_ENV = "BEGEGNUNGSATLAS_DATA"
#: Project root (the folder holding ``app.py``).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: Default location, relative to the project root.
DEFAULT_DATA_DIR = Path("..") / "shared" / "data" / "magdeburg"


def data_dir(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """Resolve the data package directory.

    ``BEGEGNUNGSATLAS_DATA`` wins; a relative value is taken relative to the current
    working directory. Without it the default ``../shared/data/magdeburg`` is taken
    relative to the project root, so the app finds the package wherever it is started.

    Parameters
    ----------
    environ : mapping, optional
        Environment to read (defaults to :data:`os.environ`).

    Returns
    -------
    pathlib.Path
        Absolute path (it may not exist; :func:`geo.io.package.load_package` checks).
    """
    env = os.environ if environ is None else environ
    value = env.get(DATA_ENV, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    return (PROJECT_ROOT / DEFAULT_DATA_DIR).resolve()

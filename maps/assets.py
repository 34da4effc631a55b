"""Locally served Leaflet assets, so maps work without internet.

The setup step installs the npm packages listed in ``package.json`` and runs
``python -m maps.assets install``, which copies the files below from ``node_modules`` to
``static/vendor`` (Streamlit serves ``static/`` at ``/app/static``; nothing is committed).
:class:`maps.base.LocalMap` loads them from those URLs instead of folium's CDNs.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

from geo.config import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
NODE_MODULES = PROJECT_ROOT / "node_modules"
URL_PREFIX = "/app/static/vendor"

#: target (below static/vendor) -> source (below node_modules); directories are copied whole.
FILES: dict[str, str] = {
    "jquery/jquery.min.js": "jquery/dist/jquery.min.js",
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images": "leaflet/dist/images",
    "fontawesome/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "fontawesome/webfonts": "@fortawesome/fontawesome-free/webfonts",
}
#: What every map loads, in order.
JS = [
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),  # folium's popups are built with $(...)
]
CSS = [
    ("leaflet_css", "leaflet/leaflet.css"),
    ("fontawesome_css", "fontawesome/css/all.min.css"),  # marker icons
]
#: Where Leaflet looks for its default marker images.
LEAFLET_IMAGES_URL = f"{URL_PREFIX}/leaflet/images/"


#: Our own map helpers (labels, legends, the simulation's grid layer); committed, not
#: installed. The content hash in the URL makes browsers fetch a changed file at once.
OWN_JS_FILE = PROJECT_ROOT / "static" / "begegnungsatlas" / "karte.js"
OWN_JS_URL = "/app/static/begegnungsatlas/karte.js"


def _own_js() -> list[tuple[str, str]]:
    try:
        digest = hashlib.sha256(OWN_JS_FILE.read_bytes()).hexdigest()[:10]
    except OSError:  # reported by missing()
        digest = "0"
    return [("begegnungsatlas", f"{OWN_JS_URL}?v={digest}")]


#: Script and style URLs of :class:`maps.base.LocalMap` (Bootstrap and glyphicons, which
#: folium loads by default, are dropped: the maps here use neither).
LOCAL_JS = [(name, f"{URL_PREFIX}/{path}") for name, path in JS] + _own_js()
LOCAL_CSS = [(name, f"{URL_PREFIX}/{path}") for name, path in CSS]


def missing(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendored files that are not installed.

    Parameters
    ----------
    vendor_dir : pathlib.Path
        Target directory.

    Returns
    -------
    list of str
        Relative paths that do not exist (empty when everything is in place).
    """
    gaps = [target for target in FILES if not (vendor_dir / target).exists()]
    if not OWN_JS_FILE.is_file():
        gaps.append(str(OWN_JS_FILE.relative_to(PROJECT_ROOT)))
    return gaps


def install(node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the asset files from ``node_modules`` to ``vendor_dir``.

    Parameters
    ----------
    node_modules : pathlib.Path
        Where ``npm ci`` installed the packages.
    vendor_dir : pathlib.Path
        Target directory (served by Streamlit).

    Returns
    -------
    list of pathlib.Path
        Copied targets.

    Raises
    ------
    FileNotFoundError
        If a source is missing (run ``npm ci`` first).
    """
    copied = []
    for target, source in FILES.items():
        src = node_modules / source
        dst = vendor_dir / target
        if not src.exists():
            raise FileNotFoundError(f"{src} fehlt – zuerst 'npm ci' im Projektordner ausführen.")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
        copied.append(dst)
    return copied


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m maps.assets install|check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["install", "check"])
    args = parser.parse_args(argv)
    if args.action == "install":
        for path in install():
            print(f"kopiert: {path.relative_to(PROJECT_ROOT)}")
        return 0
    gaps = missing()
    for gap in gaps:
        print(f"fehlt: static/vendor/{gap}", file=sys.stderr)
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())

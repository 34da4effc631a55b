"""Uploads in the app: the parsing sandbox started early and results cached per file.

Validation runs in a worker process (:func:`geo.io.uploads.validate`); the page only waits on
it, so other sessions keep being served. Results are cached by file content, so reruns of the
Daten page do not read the file again.
"""

from __future__ import annotations

import hashlib
import logging
import time

import streamlit as st

from geo.io.package import DataPackage
from geo.io.uploads import Problem, UploadResult, validate
from geo.io.uploads.templates import template_file
from ui import state

_LOG = logging.getLogger(__name__)


class _NotCached(Exception):  # noqa: N818 - control flow: results that must not be cached
    def __init__(self, result: UploadResult) -> None:
        self.result = result


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Datei wird geprüft …")
def _check(
    kind: str,
    name: str,
    content: bytes,
    version: str,
    replace: bool,
    layer: str | None,
    _package: DataPackage,
) -> UploadResult:
    result = validate(kind, name, content, _package, replace, layer)
    if any(p.message.startswith(_TRANSIENT) for p in result.errors):
        raise _NotCached(result)  # a limit may have been hit only because the server was busy
    return result


_TRANSIENT = ("Das Lesen dauert zu lange", "Die Datei konnte nicht verarbeitet werden")


#: Files a session may have checked within :data:`UPLOAD_WINDOW_S` (every kind together).
MAX_UPLOADS = 20
UPLOAD_WINDOW_S = 10 * 60


def rate_limited(content: bytes) -> str | None:
    """Count a new file of this session; a German message when the session is over the limit.

    Every upload is parsed in a worker with seconds of CPU: one session must not keep the
    server's two cores busy for everyone. A file already counted (a rerun, the same file
    again) is not counted twice.

    Returns
    -------
    str or None
        The message (nothing is read then), or None when the file may be checked.
    """
    now = time.monotonic()
    digest = hashlib.sha256(content).hexdigest()
    recent = tuple(
        (t, d) for t, d in st.session_state.get(state.UPLOAD_TIMES, ()) if now - t < UPLOAD_WINDOW_S
    )
    if any(d == digest for _, d in recent):
        return None
    if len(recent) >= MAX_UPLOADS:
        wait = max(1, round((UPLOAD_WINDOW_S - (now - recent[0][0])) / 60))
        st.session_state[state.UPLOAD_TIMES] = recent
        return (
            f"Zu viele Dateien in kurzer Zeit: höchstens {MAX_UPLOADS} Dateien in "
            f"{UPLOAD_WINDOW_S // 60} Minuten je Sitzung. Bitte in {wait} "
            f"{'Minute' if wait == 1 else 'Minuten'} erneut hochladen."
        )
    st.session_state[state.UPLOAD_TIMES] = (*recent, (now, digest))
    return None


def check(
    kind: str,
    name: str,
    content: bytes,
    package: DataPackage,
    replace: bool = False,
    layer: str | None = None,
) -> UploadResult:
    """Validate an upload (cached by content); never raises.

    Parameters
    ----------
    kind, name, content
        As for :func:`geo.io.uploads.validate`.
    package : DataPackage
        The package as loaded from disk (uploads are always checked against it, so an applied
        upload never conflicts with itself).
    replace : bool
        Facilities replace the package's list.
    layer : str, optional
        GeoPackage layer.

    Returns
    -------
    UploadResult
    """
    try:
        return _check(kind, name, content, package.version, replace, layer, package)
    except _NotCached as stop:
        return stop.result
    except Exception:  # a bug must not end the page with a traceback
        _LOG.exception("Upload-Prüfung fehlgeschlagen")
        result = UploadResult(kind)
        result.errors.append(
            Problem(
                "Die Datei konnte wegen eines internen Fehlers nicht geprüft werden.",
                "Erneut versuchen; bleibt der Fehler, die Datei als CSV speichern und melden.",
            )
        )
        return result


@st.cache_data(max_entries=12, show_spinner=False)
def _template(_package: DataPackage, version: str, kind: str, fmt: str) -> bytes:
    return template_file(kind, fmt, _package.stadtteile["stadtteil"], max(_package.years))


def template(package: DataPackage, kind: str, fmt: str) -> bytes:
    """The upload template of ``kind`` as CSV or XLSX (rows per Stadtteil where needed)."""
    return _template(package, package.version, kind, fmt)


def is_applied(kind: str, result: UploadResult, replace: bool, content_tag: str) -> bool:
    """True if this file (same content and mode) is the upload active in this session."""
    if kind == "facilities":
        active = st.session_state[state.UPLOADED_FACILITIES]
        return active is not None and tuple(active[1:]) == (replace, content_tag)
    if kind == "statistics":
        active = st.session_state[state.UPLOADED_STATISTICS]
        return active is not None and active[1] == content_tag
    regions = st.session_state[state.REGIONS]
    return result.ok and regions is not None and result.data.equals(regions)


def tag(content: bytes) -> str:
    """Short content hash of an upload (keys caches and marks what is applied)."""
    return hashlib.sha256(content).hexdigest()[:8]


#: Streamlit's file uploader speaks English ("Upload", "20MB per file", "112.0B"); these rules
#: hide those texts and label the button in German. Limits and sizes are shown by the pages in
#: German (indicators.format).
_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileChipName"] + div { display: none !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p::after {
  content: "Datei auswählen"; font-size: 0.875rem;
}
</style>
"""


def german_uploader() -> None:
    """Apply :data:`_UPLOADER_CSS` (once per page run, from app.py)."""
    st.html(_UPLOADER_CSS)

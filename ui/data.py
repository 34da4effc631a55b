"""Cached access to the data package and derived tables for the pages.

Cached functions take the package version (and the parameters) as their hash key; the
package itself is passed as ``_package`` so Streamlit does not hash the GeoDataFrames.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.config import data_dir
from geo.facilities import located, select_meeting_places
from geo.io.package import DataPackage, package_signature, with_projection, with_uploads
from geo.io.package_cache import load_package_cached
from indicators import table as tables
from indicators.table import city_row, compute_indicators, indicator_history
from indicators.table import meeting_place_counts as _meeting_place_counts
from register.db import database_url
from register.store import RegisterStore
from ui import state
from ui.auth import REGISTER_WRITES, Guarded

LOGGER = logging.getLogger("begegnungsatlas")


# One shared, read-only package (cache_resource): unpickling it on every run cost more than
# the rest of a click in the Standortsimulation. A new server reads it from the disk cache.
@st.cache_resource(show_spinner="Datenpaket wird geladen und geprüft …", max_entries=4)
def _load(path: str, signature: str) -> DataPackage:  # signature: cache key only
    return with_projection(load_package_cached(path))


def base_package() -> DataPackage:
    """The validated data package as loaded from disk (once per file version).

    Raises
    ------
    geo.io.package.DataPackageError
        If the package is missing or invalid.
    """
    path = data_dir()
    return _load(str(path), package_signature(path))


@st.cache_resource(show_spinner=False)
def _register(url: str) -> RegisterStore:
    return RegisterStore(url)


def register_store() -> RegisterStore:
    """The facility register shared by all sessions (``BEGEGNUNGSATLAS_DB`` or SQLite).

    Its writing methods check the role (:class:`ui.auth.Guarded`).

    Raises
    ------
    ValueError
        German message if the database cannot be reached or is too new.
    """
    return Guarded(_register(database_url()), REGISTER_WRITES)  # type: ignore[return-value]


# Shared read-only like the base package (issue 22): a copy per call (cache_data) meant
# unpickling the whole package several times in every run of every session.
@st.cache_resource(max_entries=8, show_spinner=False)
def _registered(_base: DataPackage, base_version: str, url: str, revision: str) -> DataPackage:
    store = register_store()
    store.refresh(_base)  # the table QGIS reads follows this package
    return store.effective(_base)


def register_fault() -> str | None:
    """Why the shared register cannot be used (German, naming file or server and fix), or None.

    Every page shows it on top (``app.py``): the pages then compute on the package's list
    alone, and a planner must see that before reading a figure.
    """
    try:
        register_store()
    except ValueError as error:  # a named database fault (register.faults) or a German message
        return str(error)
    except Exception:  # not ours: a German line here, the details in the server log
        LOGGER.exception("Einrichtungsregister nicht nutzbar")
        return "Das Einrichtungsregister kann wegen eines internen Fehlers nicht gelesen werden."
    return None


def registered_package() -> DataPackage:
    """The package with the register's changes: the list every page computes on.

    If the register cannot be read, the package alone – with a note saying so (and the
    message of :func:`register_fault` on top of every page).
    """
    base = base_package()
    try:
        store = register_store()
        return _registered(base, base.version, store.url, store.revision())
    except Exception as error:  # any database failure: the analysis must stay usable
        reason = str(error) if isinstance(error, ValueError) else "interner Fehler"
        return replace(base, notes=(*base.notes, f"Einrichtungsregister nicht lesbar: {reason}"))


@st.cache_data(max_entries=8, show_spinner=False)
def _overlay(
    _base: DataPackage, base_version: str, tag: str, _facilities, replace: bool, _statistics
) -> DataPackage:
    return with_uploads(
        _base, facilities=_facilities, replace_facilities=replace, statistics=_statistics, tag=tag
    )


def package() -> DataPackage:
    """The package this session works with: package + register + validated uploads (if any)."""
    base = registered_package()
    facilities = st.session_state.get(state.UPLOADED_FACILITIES)
    statistics = st.session_state.get(state.UPLOADED_STATISTICS)
    if facilities is None and statistics is None:
        return base
    f_data, replace, f_tag = facilities or (None, False, "")
    s_data, s_tag = statistics or (None, "")
    tag = "-".join(t for t in (f_tag, s_tag) if t)
    return _overlay(base, base.version, tag, f_data, replace, s_data)


@st.cache_data(max_entries=16)
def _base(_package: DataPackage, version: str, year: int) -> pd.DataFrame:
    return tables.base_frame(_package.statistik, year, _meeting_place_counts(_package))


def base_frame(pkg: DataPackage, year: int) -> pd.DataFrame:
    """Summable raw counts per Stadtteil for ``year`` (for regional aggregation)."""
    return _base(pkg, pkg.version, year)


@st.cache_data(max_entries=16, show_spinner=False)
def _indicators(_package: DataPackage, version: str, year: int) -> pd.DataFrame:
    return compute_indicators(_base(_package, version, year))


@st.cache_data(max_entries=16, show_spinner=False)
def _city(_package: DataPackage, version: str, year: int) -> pd.Series:
    return city_row(_base(_package, version, year)).iloc[0]


def indicator_table(pkg: DataPackage, year: int) -> pd.DataFrame:
    """All indicators per Stadtteil for ``year`` (computed once per package version)."""
    return _indicators(pkg, pkg.version, year)


def city_indicators(pkg: DataPackage, year: int) -> pd.Series:
    """All indicators for the whole city for ``year`` (computed once per package version)."""
    return _city(pkg, pkg.version, year)


@st.cache_data(max_entries=32)
def _history(_package: DataPackage, version: str, indicator_id: str) -> pd.DataFrame:
    return indicator_history(_package, indicator_id)


def history(pkg: DataPackage, indicator_id: str) -> pd.DataFrame:
    """One indicator over all selectable years (Stadtteile and city)."""
    return _history(pkg, pkg.version, indicator_id)


def meeting_places(pkg: DataPackage) -> gpd.GeoDataFrame:
    """Open senior meeting places with a known position."""
    return located(select_meeting_places(pkg.einrichtungen))

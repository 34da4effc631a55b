"""Cached access to the data package and derived tables for the pages.

Cached functions take the package version (and the parameters) as their hash key; the
package itself is passed as ``_package`` so Streamlit does not hash the GeoDataFrames.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.config import data_dir
from geo.facilities import located, select_meeting_places
from geo.package import DataPackage, load_package, package_signature
from indicators.table import base_frame, city_row, compute_indicators, indicator_history
from indicators.table import meeting_place_counts as _meeting_place_counts


@st.cache_data(show_spinner="Datenpaket wird geladen und geprüft …", max_entries=4)
def _load(path: str, signature: str) -> DataPackage:  # signature: cache key only
    return load_package(path)


def package() -> DataPackage:
    """The validated data package (loaded once per file version).

    Raises
    ------
    geo.package.DataPackageError
        If the package is missing or invalid.
    """
    path = data_dir()
    return _load(str(path), package_signature(path))


@st.cache_data(max_entries=16)
def _base(_package: DataPackage, version: str, year: int) -> pd.DataFrame:
    return base_frame(_package.statistik, year, _meeting_place_counts(_package))


def indicator_table(pkg: DataPackage, year: int) -> pd.DataFrame:
    """All indicators per Stadtteil for ``year``."""
    return compute_indicators(_base(pkg, pkg.version, year))


def city_indicators(pkg: DataPackage, year: int) -> pd.Series:
    """All indicators for the whole city for ``year``."""
    return city_row(_base(pkg, pkg.version, year)).iloc[0]


@st.cache_data(max_entries=32)
def _history(_package: DataPackage, version: str, indicator_id: str) -> pd.DataFrame:
    return indicator_history(_package, indicator_id)


def history(pkg: DataPackage, indicator_id: str) -> pd.DataFrame:
    """One indicator over all selectable years (Stadtteile and city)."""
    return _history(pkg, pkg.version, indicator_id)


def meeting_places(pkg: DataPackage) -> gpd.GeoDataFrame:
    """Open senior meeting places with a known position."""
    return located(select_meeting_places(pkg.einrichtungen))

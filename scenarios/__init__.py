"""Saving, sharing and exchanging scenarios (SQLite store, URL, GeoJSON/JSON files).

Pure Python: nothing in this package imports streamlit.
"""

"""Stadtteil indicators: registry, tables, formatting.

Pure Python: nothing in this package imports streamlit.
"""

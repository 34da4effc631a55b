"""Spatial core of the Begegnungsatlas: data package I/O and validation, CRS handling.

Pure Python: nothing in this package imports streamlit.
"""

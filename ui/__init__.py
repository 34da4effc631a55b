"""Streamlit glue shared by app.py and the pages: state keys, cached data, widgets."""

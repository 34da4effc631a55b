"""Map builders: pure functions that return ``folium.Map`` objects.

Pure Python: nothing in this package imports streamlit. Leaflet and its plugins are served
locally (see :mod:`maps.assets`), so maps draw without internet.
"""

"""Spatial core of the Begegnungsatlas (pure Python: nothing here imports streamlit).

* :mod:`geo.io` – what enters: the data package, uploads, the sandbox for untrusted input;
* :mod:`geo.analysis` – the kernels: walking metric, access, coverage, barrier, transit, siting;
* shared vocabulary at the top: :mod:`~geo.config` (where the package lives),
  :mod:`~geo.crs`, :mod:`~geo.errors`, :mod:`~geo.facilities` (categories),
  :mod:`~geo.areas` (which Stadtteil a point lies in), :mod:`~geo.regions` (areas made of
  Stadtteile).
"""

"""The first page imports no more than it draws: no KD-trees, PDF, charts or optimiser."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from geo.config import DATA_ENV, PROJECT_ROOT

PROBE = """
import json, os, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
assert not at.exception, [e.message for e in at.exception]
assert at.title[0].value == "Begegnungsatlas Magdeburg"
print(json.dumps(sorted(sys.modules)))
sys.stdout.flush()
os._exit(0)  # do not wait for the background workers
"""


def test_first_page_imports_no_pdf_chart_or_optimiser(synthetic_dir):
    env = {**os.environ, DATA_ENV: str(synthetic_dir)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(PROJECT_ROOT / "app.py")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    modules = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "folium" in modules  # the probe really drew the page
    assert not {"scipy.spatial", "scipy.optimize", "matplotlib", "reportlab", "openpyxl"} & modules

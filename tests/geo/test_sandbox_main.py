"""Workers never run the parent's ``__main__`` again (Streamlit runs app.py as __main__)."""

from __future__ import annotations

import sys
import types

from geo.io.sandbox import Limits, run_limited
from tests.sandbox_targets import echo


def test_worker_does_not_execute_the_main_script(tmp_path, monkeypatch):
    marker = tmp_path / "ausgefuehrt.txt"
    script = tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('app.py lief im Worker')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)  # like Streamlit's script module: a file, no __spec__
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    limits = Limits(memory_mb=200, cpu_seconds=5, wall_seconds=60.0)
    assert run_limited(echo, "ok", limits=limits) == "ok"
    assert not marker.exists()

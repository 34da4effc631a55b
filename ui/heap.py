"""Keep the garbage collector's full pass off the objects that live as long as the server.

After every script run Streamlit collects garbage over the whole process
(``runner.postScriptGC``): it walks every tracked object – the imported libraries, the data
package, the shared maps and tables – to free the run's cyclic garbage. Here that walk was
about half of a new session's server CPU (≈ 70 of 150 ms) and the same share of every
click. ``gc.freeze`` moves the objects alive at that moment out of the collector's reach;
the pass then walks only what runs created since.

Frozen objects are still freed by reference counting, but cyclic garbage among them waits
for the next freeze. So every freeze first thaws and collects everything: at most what was
alive at the last freeze (the sessions open then) is kept longer than needed, never more.
A freeze runs once per package version and page, after that page's first run, when the
page's modules and caches have been loaded.
"""

from __future__ import annotations

import gc

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=256)
def freeze_long_lived(version: str, page: str) -> bool:
    """Collect everything once, then exempt the survivors from later collections.

    Parameters
    ----------
    version : str
        The registered package's version (the register's changes make a new one).
    page : str
        The page that has just run for the first time with this version.

    Returns
    -------
    bool
        True (the cache remembers that this pair has been frozen).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True

"""Standortsimulation: server time and bytes per planner action on the real package.

Replays what the server does for one action of a planner on the Standortsimulation page
(``pages/standortsimulation.py`` run by Streamlit's AppTest with app.py, the sidebar and
every element of the page):

* **Klick** – a site placed by a map click (the click handler's validation and naming plus
  one page run),
* **Entfernen** – one of two new sites removed,
* **Gewicht** – an index weight changed (Unterversorgung), with two new sites,
* **Gehdistanz** – the walking threshold changed 500 → 800 m, with two new sites,
* **Vorschlag** – "Vorschlag berechnen" (k = 3, grid), the proposal shown on the map.

*Server time* is the wall time of the page run (median of several repetitions; caches
warm as in a running app, except what the action itself changes). *Bytes* are the
serialised Streamlit messages the run sends to the browser, with Streamlit's message cache
(an unchanged element of ≥ 10 KB is sent as a reference). A second table splits a click
into its parts: compute, map layers, the map component's payload.

The "vorher" figures were measured with the same replay on the code before issue 12
(commit 22ece14: a click = the run that received the click, then ``st.rerun()`` and a
second run; the whole folium map rebuilt and sent on every run). They are kept here because
that code path no longer exists:

======================  ==========  ===========
action                  vorher ms   vorher KB
======================  ==========  ===========
Klick (2 Läufe)         VORHER_CLICK_MS  VORHER_CLICK_KB
======================  ==========  ===========

Run: .venv/bin/python benchmarks/bench_simulation.py [--repeat N]
"""

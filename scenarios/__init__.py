"""Scenarios: an overlay on the base data, its evaluation, proposals, and saving/sharing.

* :mod:`~scenarios.model` – the :class:`~scenarios.model.Scenario` (sites added/closed,
  crossings, and the assumptions it was made with);
* :mod:`~scenarios.evaluation` – the one computation every figure goes through
  (:func:`~scenarios.evaluation.compute` → :class:`~scenarios.evaluation.Result`);
* :mod:`~scenarios.placement`, :mod:`~scenarios.proposals` – placing a site, the optimiser;
* :mod:`~scenarios.store`, :mod:`~scenarios.exchange` – saving (database), links and files.

Pure Python: nothing in this package imports streamlit.
"""

"""The facility register: the planners' persistent, shared changes over the data package.

The data package stays read-only. Additions, corrections, closures and deletions are stored
as :class:`~register.changes.Change` records (author, time, reason, source) in a database
beside it (:mod:`register.store`: SQLite by default, PostgreSQL + PostGIS when
``BEGEGNUNGSATLAS_DB`` is set). The effective facility list is the package plus the active
changes (:func:`register.effective.effective_package`, a pure function); every page, the
PDF, the downloads and the CLI compute on it.
"""

"""Everything that enters the core from outside, validated where it enters.

* the data package: :mod:`~geo.io.readers` (one reader per file), :mod:`~geo.io.package`
  (load and keep together), :mod:`~geo.io.package_cache` (parsed package on disk),
  :mod:`~geo.io.sources` (sources and licences), :mod:`~geo.io.gtfs` (the timetable),
  :mod:`~geo.io.plausibility` (rules for Stadtteil statistics);
* planners' uploads: :mod:`geo.io.uploads` (facilities, statistics, region tables);
* untrusted input: :mod:`~geo.io.sandbox` (parse in a limited worker process),
  :mod:`~geo.io.untrusted_json` (bounded JSON), :mod:`~geo.io.safe_text` (text made safe
  to show).

Nothing here computes access, coverage or sites; that is :mod:`geo.analysis`.
"""

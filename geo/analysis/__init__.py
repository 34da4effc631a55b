"""The analysis kernels: walking metric, access, coverage, river barrier, transit, siting.

* :mod:`~geo.analysis.metric` – walking metres (straight line × detour, via bridges);
* :mod:`~geo.analysis.barrier` – the river's topology (banks, crossings);
* :mod:`~geo.analysis.demand` – target groups and the demand grid;
* :mod:`~geo.analysis.access_kernel`, :mod:`~geo.analysis.coverage_kernel` – array kernels,
  and :mod:`~geo.analysis.access_adapter`, which builds their arrays from the data package;
* :mod:`~geo.analysis.position_bounds` – what approximate facility positions could change;
* :mod:`~geo.analysis.transit` – door-to-door by tram/bus (profile Connection Scan);
* :mod:`~geo.analysis.siting` – MCLP and p-median; :mod:`~geo.analysis.site_names` – names
  for new sites.

Kernels take arrays; adapters take the loaded :class:`~geo.io.package.DataPackage`.
Nothing here reads a file except :func:`~geo.analysis.barrier.read_barrier` (the two river
files of the package, validated as they enter).
"""

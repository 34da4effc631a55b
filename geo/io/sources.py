"""Sources, licences and the attribution line – defined once for maps, pages, PDF and exports.

The data package's README prescribes the attribution; every published map or figure shows
:data:`ATTRIBUTION` (and the stamp of print maps is built from it).
"""

from __future__ import annotations

#: The attribution to show wherever maps or figures are published.
ATTRIBUTION = (
    "© OpenStreetMap-Mitwirkende (ODbL); Zensus 2022 © Statistisches Bundesamt; "
    "Landeshauptstadt Magdeburg, Amt für Statistik (KISS-MD); Fahrplandaten NASA GmbH/MVB "
    "(CC BY 4.0)"
)

#: ``(data, source, licence)`` for the sources tables of the Daten page, PDF and XLSX.
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("Stadtteilgrenzen, Stadtgrenze, Elbe", "© OpenStreetMap-Mitwirkende", "ODbL"),
    ("Bevölkerung im 100-m-Gitter", "Zensus 2022 © Statistisches Bundesamt (Destatis)", "dl-de/by-2-0"),
    ("Stadtteilstatistik", "Landeshauptstadt Magdeburg, Amt für Statistik (KISS-MD)", "amtliche Statistik"),
    ("Einrichtungen", "öffentliche Webseiten der Träger (Quelle je Eintrag); Lagen ungefähr", "–"),
    ("Fahrplan Bus & Bahn", "MVB-Fahrplan (GTFS), NASA GmbH/MVB", "CC BY 4.0"),
)  # fmt: skip

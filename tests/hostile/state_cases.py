"""Hostile and messy scenario files and share links (kinds scenario-json, scenario-geojson, link).

Every case is built in code. :func:`parse_case` is the entry point the corpus test calls (the
same sandboxed readers the app uses); it is registered for ``benchmarks/bench_hostile.py`` too.
"""

from __future__ import annotations

import base64
import json
import random
import zlib

from geo.analysis.access_kernel import WalkParams
from scenarios.exchange import MAX_URL_CHARS, read_file, read_link, to_geojson, to_json
from scenarios.exchange import to_url_param as _to_url_param
from scenarios.model import MAX_ADDED, Assumptions, NewSite, Overlay, Scenario
from tests.hostile.cases import Case
from tests.hostile.entries import Outcome, entry

KINDS = ("scenario-json", "scenario-geojson", "link")

VALID = Scenario(
    name="Plan Nord",
    note="Zeile 1\nZeile 2",
    assumptions=Assumptions(year=2025, params=WalkParams(max_walk_m=800, detour=1.4)),
    overlay=Overlay(
        added=(NewSite("Neuer Treff", 11.62, 52.16, "karte"), NewSite("Haus B", 11.60, 52.10)),
        removed=("ASZ-01",),
    ),
)
MARKUP = Scenario(
    name="<script>alert(1)</script>",
    overlay=Overlay(
        added=(
            NewSite("[klick](javascript:alert(1))", 11.62, 52.16),
            NewSite("<img src=x onerror=alert(1)> **fett** $x$", 11.60, 52.10),
        )
    ),
)
SITE = {"lon": 11.6, "lat": 52.1}


def parse_case(kind: str, content: bytes | str, filename: str = "") -> Scenario:
    """Read one case through the entry point of its kind (sandboxed, as in the app).

    Parameters
    ----------
    kind : str
        ``"scenario-json"``, ``"scenario-geojson"`` or ``"link"``.
    content : bytes or str
        File content (bytes) or the ``?szenario=`` value (str).
    filename : str
        Name the file claims (default by kind).

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        German message naming the file or link, the problem and the fix.
    """
    if kind == "link":
        return read_link(content if isinstance(content, str) else content.decode("ascii"))
    if kind in ("scenario-json", "scenario-geojson"):
        default = "szenario.json" if kind == "scenario-json" else "szenario.geojson"
        data = content.encode("utf-8") if isinstance(content, str) else content
        return read_file(data, filename or default)
    raise ValueError(f"Unbekannte Art {kind!r}.")


def _state_entry(case: Case, content: bytes | str, context: object) -> Outcome:
    try:
        parse_case(case.kind, content, case.filename)
    except ValueError as error:
        return Outcome(False, [str(error)])
    return Outcome(True)


for _kind in KINDS:
    entry(_kind)(_state_entry)


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _pack(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def _pack_truncated_stream(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)[:-6]).decode("ascii").rstrip("=")


def _garbled() -> str:
    rng = random.Random(9)
    return base64.urlsafe_b64encode(rng.randbytes(300)).decode("ascii").rstrip("=")


def _collection(features: object, **extra: object) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}


def _point(lon: object, lat: object, name: object = "Punkt") -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": name},
    }


#: One wrong JSON type per field of the schema: (case id, data, expected text).
WRONG_TYPES = [
    ("name-number", {"name": 5}, "name muss ein Text sein (gefunden: Zahl 5)"),
    ("added-site-string", {"added": ["Haus"]}, "added[0] (neuer Standort 1) muss ein Objekt"),
    ("lon-text", {"added": [{"lon": "11,6", "lat": 52.1}]}, ".lon muss eine Zahl zwischen"),
    ("lat-bool", {"added": [{"lon": 11.6, "lat": True}]}, "gefunden: Wahrheitswert true"),
    ("source-list", {"added": [{**SITE, "source": ["karte"]}]}, ".source muss ein Text sein"),
    ("removed-numbers", {"removed": [1, 2]}, "removed[0] muss ein Text sein (gefunden: Zahl 1)"),
    ("year-text", {"year": "2025"}, "year muss eine ganze Zahl zwischen 1900 und 2100"),
    ("year-float", {"year": 2025.5}, "year muss eine ganze Zahl"),
    ("target-list", {"target": ["senioren"]}, "target muss ein Text sein"),
    ("detour-text", {"params": {"detour": "1,3"}}, "params.detour muss eine Zahl zwischen 1 und 3"),
    ("walk-null", {"params": {"max_walk_m": None}}, "params.max_walk_m muss eine Zahl"),
    ("categories-text", {"selection": {"categories": "pflege"}}, "selection.categories muss eine Liste"),
    ("unclear-text", {"selection": {"include_unclear": "ja"}}, "include_unclear muss true oder false"),
    ("version-number", {"package_version": 3}, "package_version muss ein Text sein"),
    ("created-list", {"created": []}, "created muss ein Text sein"),
    ("note-object", {"note": {"a": 1}}, "note muss ein Text sein (gefunden: Objekt)"),
]  # fmt: skip


def _json_cases() -> list[Case]:
    def case(name, make, accepted=False, message="", filename="szenario.json"):
        return Case(f"json-{name}", "scenario-json", filename, make, accepted, message)

    out = [
        case("valid-export", lambda: to_json(VALID).encode("utf-8"), accepted=True),
        case("valid-with-bom", lambda: b"\xef\xbb\xbf" + to_json(VALID).encode(), accepted=True),
        case("markup-names", lambda: to_json(MARKUP).encode("utf-8"), accepted=True),
        case("params-string", lambda: _json({"params": "x"}), message="params muss ein Objekt"),
        case("selection-list", lambda: _json({"selection": [1, 2]}), message="selection muss ein"),
        case("added-object", lambda: _json({"added": {"a": 1}}), message="added muss eine Liste"),
        case(
            "nested-100k",
            lambda: b"[" * 100_000 + b"]" * 100_000,
            message="zu tief verschachtelt",
        ),
        case(
            "nested-in-note",
            lambda: b'{"note": ' + b"[" * 40 + b"]" * 40 + b"}",
            message="zu tief verschachtelt",
        ),
        case("nan", lambda: b'{"params": {"detour": NaN}}', message="NaN ist keine gültige"),
        case(
            "infinity",
            lambda: b'{"params": {"max_walk_m": Infinity}}',
            message="Infinity ist keine gültige Zahl",
        ),
        case("number-1e400", lambda: b'{"year": 1e400}', message="Die Zahl 1e400 ist zu groß"),
        case(
            "number-5000-digits",
            lambda: b'{"year": 1' + b"0" * 5000 + b"}",
            message="Eine Zahl hat 5001 Ziffern",
        ),
        case("number-too-large", lambda: _json({"params": {"detour": 1e300}}), message="zwischen"),
        case(
            "unknown-schema",
            lambda: _json({"schema": "begegnungsatlas-szenario/99"}),
            message="unbekanntes Szenarioformat",
        ),
        case("unknown-field", lambda: _json({"admin": True}), message="unbekannte Felder (admin)"),
        case(
            "too-many-sites",
            lambda: _json({"added": [SITE] * (MAX_ADDED + 1)}),
            message=f"added hat {MAX_ADDED + 1} Einträge, höchstens {MAX_ADDED}",
        ),
        case(
            "too-many-removed",
            lambda: _json({"removed": [f"X-{i}" for i in range(501)]}),
            message="removed hat 501 Einträge, höchstens 500",
        ),
        case(
            "control-characters",
            lambda: _json({"name": "Plan\u0000\u001b[31m"}),
            message="name enthält Steuerzeichen",
        ),
        case(
            "lone-surrogate",
            lambda: b'{"added": [{"lon": 11.6, "lat": 52.1, "name": "\\ud800"}]}',
            message="ungültige Unicode-Zeichen",
        ),
        case(
            "duplicate-key",
            lambda: b'{"name": "A", "name": "B"}',
            message="Das Feld „name“ kommt in einem Objekt zweimal vor",
        ),
        case(
            "oversized",
            lambda: _json({"note": "x" * 600_000}),
            message="Die Datei ist zu groß",
        ),
        case("not-utf8", lambda: '{"name": "Büro"}'.encode("latin-1"), message="nicht UTF-8"),
        case("top-level-array", lambda: b"[1, 2]", message="muss ein JSON-Objekt"),
        case("garbage", lambda: random.Random(4).randbytes(2000), message="nicht UTF-8"),
        case("not-json", lambda: b"name = Plan", message="Kein gültiges JSON (Zeile 1"),
        case("empty", lambda: b"", message="Kein gültiges JSON"),
    ]
    for name, data, message in WRONG_TYPES:
        out.append(case(f"type-{name}", lambda data=data: _json(data), message=message))
    return out


def _geojson_cases() -> list[Case]:
    def case(name, make, accepted=False, message=""):
        return Case(
            f"geojson-{name}", "scenario-geojson", "szenario.geojson", make, accepted, message
        )

    return [
        case("valid-export", lambda: to_geojson(VALID).encode("utf-8"), accepted=True),
        case(
            "qgis-points",
            lambda: _json(_collection([_point(11.62, 52.16, "A"), _point(11.6, 52.1, 7)])),
            accepted=True,
        ),
        case(
            "polygon",
            lambda: _json(_collection([{"type": "Feature", "geometry": {"type": "Polygon"}}])),
            message="nur Punkte (Point)",
        ),
        case(
            "utm-coordinates",
            lambda: _json(_collection([_point(651_000, 5_776_000)])),
            message="nicht in WGS84",
        ),
        case(
            "coordinates-text",
            lambda: _json(_collection([_point("11,6", "52,1")])),
            message=".lon muss eine Zahl",
        ),
        case(
            "szenario-string",
            lambda: _json(_collection([], szenario="x")),
            message="szenario muss ein Objekt",
        ),
        case(
            "szenario-params-string",
            lambda: _json(_collection([], szenario={"params": "x"})),
            message="params muss ein Objekt",
        ),
        case("feature", lambda: _json(_point(11.6, 52.1)), message="Typ „Feature“"),
        case(
            "too-many-features",
            lambda: _json(_collection([_point(11.6, 52.1)] * (MAX_ADDED + 1))),
            message=f"höchstens {MAX_ADDED} Standorte",
        ),
        case("features-object", lambda: _json(_collection({})), message="keine Liste „features“"),
        case(
            "properties-list",
            lambda: _json(
                _collection(
                    [
                        {
                            "geometry": {"type": "Point", "coordinates": [11.6, 52.1]},
                            "properties": [1],
                        }
                    ]
                )
            ),
            message="properties muss ein Objekt",
        ),
        case(
            "vrt-content",
            lambda: (
                b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
                b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
            ),
            message="Kein gültiges JSON",
        ),
        case(
            "nested-coordinates",
            lambda: (
                b'{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", '
                b'"coordinates": ' + b"[" * 5000 + b"]" * 5000 + b"}}]}"
            ),
            message="zu tief verschachtelt",
        ),
    ]


def _link_cases() -> list[Case]:
    def case(name, make, accepted=False, message=""):
        return Case(f"link-{name}", "link", "?szenario=", make, accepted, message)

    return [
        case("valid", lambda: _to_url_param(VALID), accepted=True),
        case("markup-names", lambda: _to_url_param(MARKUP), accepted=True),
        case("params-string", lambda: _pack(b'{"params": "x"}'), message="params muss ein Objekt"),
        case(
            "selection-list",
            lambda: _pack(b'{"selection": [1, 2]}'),
            message="selection muss ein Objekt",
        ),
        case("added-object", lambda: _pack(b'{"added": {"a": 1}}'), message="added muss eine"),
        case(
            "nested-100k",
            lambda: _pack(b"[" * 100_000 + b"]" * 100_000),
            message="zu tief verschachtelt",
        ),
        case("nan", lambda: _pack(b'{"params": {"speed_mps": NaN}}'), message="NaN ist keine"),
        case(
            "zip-bomb",
            lambda: _pack(b'{"note": "' + b"A" * 3_000_000 + b'"}'),
            message="entpackt sich zu mehr als 512 kB",
        ),
        case(
            "truncated-base64",
            lambda: _to_url_param(VALID)[:-3],
            message="beschädigt",
        ),
        case(
            "truncated-stream",
            lambda: _pack_truncated_stream(_json(VALID.to_dict())),
            message="abgeschnitten",
        ),
        case("garbled", _garbled, message="kann nicht entpackt werden"),
        case("invalid-characters", lambda: "kaputt!!<script>", message="Zeichen, die in einem"),
        case(
            "over-our-limit",
            lambda: "A" * (MAX_URL_CHARS + 1),
            message=f"Der Link ist zu lang ({MAX_URL_CHARS + 1:,} Zeichen".replace(",", "."),
        ),
        case("100k-characters", lambda: "A" * 100_000, message="Der Link ist zu lang"),
        case("not-utf8", lambda: _pack(b'{"name": "\xff"}'), message="kein UTF-8"),
        case("empty-json", lambda: _pack(b""), message="Kein gültiges JSON"),
        case(
            "too-many-sites",
            lambda: _pack(_json({"added": [SITE] * 200})),
            message="added hat 200 Einträge",
        ),
    ]


CASES: list[Case] = [*_json_cases(), *_geojson_cases(), *_link_cases()]

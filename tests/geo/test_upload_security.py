"""No upload can make the server read one of its own files (GDAL VRT, /vsi paths, links)."""

from __future__ import annotations

import io
import os
import pickle
import re
import zipfile
from pathlib import Path

import pytest

from geo.config import PROJECT_ROOT
from geo.io.uploads import validate
from tests.hostile.builders import (
    LAT,
    LON,
    SECRET,
    facility_points,
    gpkg_with_virtual_table,
    shapefile_zip,
    vrt_xml,
    zip_bytes,
)


@pytest.fixture
def secret_file(tmp_path) -> Path:
    """A file of the "server" that GDAL could read as a facility layer."""
    path = tmp_path / "server_geheim.csv"
    path.write_text(f"name,lat,lon\n{SECRET},{LAT},{LON}\n", encoding="utf-8")
    return path


def test_gdal_would_read_the_file_through_a_vrt(secret_file, tmp_path):
    """The control: the threat is real here – GDAL opens the VRT behind any suffix."""
    pyogrio = pytest.importorskip("pyogrio")
    disguised = tmp_path / "einrichtungen.geojson"
    disguised.write_bytes(vrt_xml(str(secret_file)))
    frame = pyogrio.read_dataframe(disguised)
    assert SECRET in frame["name"].tolist()


def _disguises(secret: str) -> list[tuple[str, bytes]]:
    vrt = vrt_xml(secret)
    return [
        ("einrichtungen.geojson", vrt),
        ("einrichtungen.json", vrt),
        ("einrichtungen.csv", vrt),
        ("einrichtungen.txt", vrt),
        ("einrichtungen.gpkg", vrt),
        ("einrichtungen.xlsx", vrt),
        ("treffs.zip", shapefile_zip(shp=vrt)),
        ("treffs.zip", zip_bytes({"treffs.vrt": vrt, "treffs.shp": vrt, "treffs.shx": b"",
                                  "treffs.dbf": b"", "treffs.prj": b""})),
        ("virtuell.gpkg", gpkg_with_virtual_table(secret)),
        (f"/vsizip/{secret}.geojson", vrt),
        (f"CSV:{secret}", vrt),
        ("einrichtungen.geojson",
         b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"'
         + f"/vsicurl/file://{secret}".encode()
         + b'"},"geometry":{"type":"Point","coordinates":[' + f"{LON},{LAT}".encode() + b"]}}]}"),
    ]  # fmt: skip


@pytest.mark.parametrize("position", range(12))
def test_no_upload_reads_a_server_file(synthetic, secret_file, position):
    name, content = _disguises(str(secret_file))[position]
    for kind in ("facilities", "statistics", "areas"):
        result = validate(kind, name, content, synthetic)
        # Nothing of the file's content anywhere: data, problems, hints.
        assert SECRET.encode() not in pickle.dumps(result), (name, kind)
        if result.ok:  # only the plain text of a name can be valid – it is not a path
            assert result.data["name"].iloc[0].startswith("/vsicurl/")


def test_upload_readers_never_use_gdal_or_the_file_system():
    sources = "\n".join(p.read_text() for p in (PROJECT_ROOT / "geo" / "uploads").glob("*.py"))
    for forbidden in ("pyogrio", "read_file", "fiona", "osgeo", "tempfile", "/vsi"):
        assert forbidden not in sources, forbidden
    assert not re.search(r"(?<![\w.])open\(", sources)  # only archive members are opened


def test_xlsx_external_relationship_is_not_followed(synthetic, secret_file):
    from tests.hostile.file_cases import CASES

    case = next(c for c in CASES if c.name == "xlsx-external-sheet")
    content = case.make()
    assert b'TargetMode="External"' in zipfile.ZipFile(io.BytesIO(content)).read(
        "xl/_rels/workbook.xml.rels"
    )
    result = validate("facilities", "extern.xlsx", content, synthetic)
    assert not result.ok
    assert SECRET.encode() not in pickle.dumps(result)


def test_geojson_crs_is_an_epsg_code_only(synthetic, secret_file):
    from tests.hostile.builders import geojson_bytes, point_feature

    for crs in (f"+init={secret_file}:x", str(secret_file), 'PROJCS["x"]', "EPSG:25832 +x"):
        content = geojson_bytes([point_feature(LON, LAT, name="A")], crs=crs)
        result = validate("facilities", "a.geojson", content, synthetic)
        assert "Unbekanntes Koordinatenreferenzsystem" in result.errors[0].message
    metric = facility_points(1, crs=25832).geometry.iloc[0]
    content = geojson_bytes(
        [point_feature(metric.x, metric.y, name="A")], crs="urn:ogc:def:crs:EPSG::25832"
    )
    assert validate("facilities", "a.geojson", content, synthetic).ok


# --------------------------------------------------------------------------- PROJ


def _facility_file_cases():
    from tests.hostile import file_cases, round2_cases

    return [
        c
        for c in [*file_cases.CASES, *round2_cases.CASES]
        if c.kind == "facilities" and c.filename.endswith((".zip", ".gpkg", ".geojson", ".json"))
    ]


def test_the_worker_side_never_calls_proj(monkeypatch):
    """read_facilities (the worker's part) parses every GIS upload without PROJ at all."""
    import pyproj

    from geo.io.uploads.facilities import read_facilities

    contents = [(c.filename, c.make()) for c in _facility_file_cases()]

    def forbidden(*args, **kwargs):
        raise AssertionError("PROJ im Prüfprozess aufgerufen")

    monkeypatch.setattr(pyproj.CRS, "__init__", forbidden)
    monkeypatch.setattr(pyproj.Transformer, "from_crs", forbidden)
    for name, content in contents:
        read_facilities(name, content)  # any call into PROJ would raise


@pytest.mark.parametrize(
    ("definition", "word"),
    [
        ('GEOGCS["x",EXTENSION["PROJ4","+proj=longlat +nadgrids=/dev/zero"]]', "EXTENSION"),
        ('GEOGCS["x",DATUM["d",SPHEROID["s",1,1]],UNIT["m",1],"+geoidgrids=/a"]', "grids"),
        ("+init=epsg:4326", "init"),
        ('PROJCRS["x",BASEGEOGCRS["y"],CONVERSION["c",PARAMETERFILE["f","/a"]]]', "PARAMETERFILE"),
        ('BOUNDCRS[SOURCECRS[GEOGCRS["x"]]]', "BOUNDCRS"),
        ("proj=pipeline step", "proj"),
        ('GEOGCS["x@/tmp/f"]', "@"),
    ],
)
def test_definitions_that_name_files_are_refused_before_proj(definition, word, monkeypatch):
    import pyproj

    from geo.io.uploads.crs import CRSRefusedError, from_definition

    monkeypatch.setattr(pyproj.CRS, "from_wkt", lambda *a: pytest.fail("PROJ saw the text"))
    with pytest.raises(CRSRefusedError, match=f"enthält „{re.escape(word)}“"):
        from_definition(definition, "der .prj-Datei")


def _strace_works() -> bool:
    import shutil
    import subprocess

    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-o", "/dev/null", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _strace_works(), reason="strace is not available or not permitted")
def test_strace_shows_no_file_opened_by_proj_for_any_upload(synthetic_dir, tmp_path):
    """The real command: no worker opens a file through PROJ, nobody opens a named grid."""
    import subprocess
    import sys

    grid = tmp_path / "gitter.gsb"
    grid.write_bytes(b"kein Gitter")
    names = (
        "r2-prj-extension-nadgrids", "r2-gpkg-srs-nadgrids", "r2-prj-proj-string",
        "r2-shp-utm32-esri-prj", "r2-gpkg-srs-esri-utm", "zip-valid", "geojson-metric-crs",
    )  # fmt: skip
    cases = [c for c in _facility_file_cases() if c.name in names]
    assert len(cases) == len(names)
    for case in cases:
        path = tmp_path / case.filename
        path.write_bytes(case.make().replace(b"/tmp/begegnungsatlas-grid", str(grid).encode()))
        trace = tmp_path / f"{case.name}.strace"
        subprocess.run(
            ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2,clone,clone3,vfork,execve",
             "-o", str(trace), sys.executable, "-m", "cli", "validate", str(path),
             "--kind", "facilities", "--data", str(synthetic_dir)],
            cwd=PROJECT_ROOT, capture_output=True, check=False,
            env={**os.environ, "BEGEGNUNGSATLAS_CACHE": "aus"},
        )  # fmt: skip
        lines = trace.read_text().splitlines()
        assert not [line for line in lines if str(grid) in line], case.name
        server = next(
            line.split()[0] for line in lines if "execve(" in line and "forkserver" in line
        )
        # Under load strace splits a call into "clone(… <unfinished …>" and
        # "<… clone resumed> …) = PID"; the child's pid is on whichever line ends the call.
        forked = re.compile(rf"^{server}\s+(?:<\.\.\. )?(?:clone3?|vfork)\b.*=\s*(\d+)\s*$")
        workers = {m.group(1) for m in map(forked.match, lines) if m}
        assert workers, case.name
        opened = [
            line
            for line in lines
            if line.split()[0] in workers
            and re.search(r"open(at2?)?\(", line)
            and not re.search(
                r"/proc/self/status|__pycache__|/dev/null|worker-.*\.log|ENOENT", line
            )
        ]
        assert opened == [], (case.name, opened)

"""Every page at 1280×720 and 1920×1080, normal and presentation mode, in real Chromium.

What a room notices first, checked on every map the page draws (tabs included):
* no legend or control box (zoom, layer switch, scale, attribution, notes) overlaps the
  screen box of any Stadtteil polygon in the first view,
* every ranked Stadtteil of the under-served index has its name on the map, no name
  overlaps another name, a pin or a box,
* in presentation mode the map, its legend and the key figures above it are on screen,
* no forbidden text (paths, library messages, English UI words, raw codes) is visible on
  the page or in its maps (:mod:`tests.forbidden_text`).

One browser context per screen size and mode, reused by its pages; one server for all.
Screenshots of each page (the screen, and every map) go to ``test-artifacts/e2e/layout/``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from geo.config import data_dir
from geo.io.package import load_package
from scenarios.evaluation import compute
from scenarios.model import Scenario
from tests.e2e.conftest import ARTIFACTS, MAP_FRAME, WAIT_MS, wait_idle
from tests.forbidden_text import problems

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package

SHOTS = ARTIFACTS / "layout"
VIEWS = [(1280, 720, False), (1280, 720, True), (1920, 1080, False), (1920, 1080, True)]
#: Page path → maps it draws when opened (tabs are clicked through, see TABS).
PAGES = {
    "uebersicht": 1,
    "bevoelkerung": 1,
    "einrichtungen": 1,
    "einrichtungen_pflegen": 1,
    "erreichbarkeit": 1,
    "oepnv": 1,
    "unterversorgung": 1,
    "standortsimulation": 1,
    "szenarien": 0,
    "massnahmen": 0,
    "verteilung": 0,
    "regionen": 1,
    "bericht": 0,
    "daten": 0,
}
#: Tabs whose maps are checked after the first view.
TABS = {"erreichbarkeit": ["Versorgung je Stadtteil"], "regionen": ["Unterversorgung"]}

# Boxes of controls, Stadtteile (polygon screen boxes), visible names and pins, in the
# map's container pixels.
_MAP_REPORT = """() => {
    const c = map.getContainer(), cb = c.getBoundingClientRect();
    const rel = r => ({left: r.left - cb.left, top: r.top - cb.top,
                       right: r.right - cb.left, bottom: r.bottom - cb.top});
    const controls = [...c.querySelectorAll('.leaflet-control-container .leaflet-control')]
        .filter(e => e.offsetWidth > 0 && e.offsetHeight > 0)
        .map(e => ({name: e.className, box: rel(e.getBoundingClientRect())}));
    const areas = {};
    for (const p of c.querySelectorAll('path.ba-stadtteil')) {
        const id = [...p.classList].find(k => k.startsWith('ba-area-'));
        if (id) { areas[id.slice(8)] = rel(p.getBoundingClientRect()); }
    }
    const labels = {};
    for (const l of c.querySelectorAll('.ba-label')) {
        if (l.style.display === 'none' || l.style.visibility === 'hidden') { continue; }
        labels[l.dataset.area] = {text: l.textContent, box: rel(l.getBoundingClientRect())};
    }
    const pins = [...c.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon, '
        + 'path.ba-bruecke, path.ba-faehre, path.ba-kandidat')]
        .map(e => rel(e.getBoundingClientRect()))
        .filter(b => b.right > 0 && b.bottom > 0 && b.left < cb.width && b.top < cb.height);
    const legend = c.querySelector('.ba-legend');
    return {width: cb.width, height: cb.height, controls, areas, labels, pins,
            legend: legend ? rel(legend.getBoundingClientRect()) : null};
}"""

# The text a person sees: text nodes of rendered, unclipped elements, without icon
# ligatures (Material icons are written as words) and without the administration's
# expander „Über diese Installation“ (paths and variables belong there).
VISIBLE_TEXT = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || !node.textContent.trim()) { continue; }
        if (el.closest('script, style, noscript, [data-testid="stIconMaterial"], '
            + '.st-key-installation')) { continue; }
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden' || parseFloat(cs.fontSize) < 1
            || cs.fontFamily.includes('Material')) { continue; }
        const r = el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0) { continue; }
        out.push(node.textContent.trim());
    }
    return out.join('\\n');
}"""


def _overlap(a: dict, b: dict, tolerance: float = 0.5) -> bool:
    return (
        a["left"] < b["right"] - tolerance
        and b["left"] < a["right"] - tolerance
        and a["top"] < b["bottom"] - tolerance
        and b["top"] < a["bottom"] - tolerance
    )


@pytest.fixture(scope="module")
def ranked() -> set[str]:
    """Stadtteile ranked by the index with the app's default assumptions."""
    ranking = compute(load_package(data_dir()), Scenario(), draws=0).ranking_before
    return set(ranking.index[ranking["gerankt"]])


@pytest.fixture(scope="module", params=VIEWS, ids=lambda v: f"{v[0]}x{v[1]}-{'p' if v[2] else 'n'}")
def view(request, browser, server):
    """One tab per screen size and mode (offline), reused by every page."""
    width, height, presenting = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server) else route.abort(),
    )
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page_errors = errors
    yield tab, width, height, presenting
    context.close()


def _visible_maps(tab) -> list:
    return [f for f in tab.locator(MAP_FRAME).all() if (f.bounding_box() or {}).get("height")]


def _settled(tab, expected: int) -> list:
    """The visible map frames once their layout (fit, corners, names) has settled."""
    handles = []
    for _ in range(60):  # a fragment's rerun may replace a map frame just as it is found
        wait_idle(tab)
        handles = _visible_maps(tab)
        if len(handles) >= expected:
            break
        tab.wait_for_timeout(1000)
    frames = []
    for handle in handles:
        frame = handle.element_handle().content_frame()
        frame.wait_for_function(
            "() => window.map && map._baLaidOut && !map._baPending"
            " && document.querySelectorAll('path.ba-stadtteil').length > 0"
            " && Date.now() - map._baLaidOut > 800",
            polling=200,
        )
        frames.append((handle, frame))
    # The page may still move the map (figures, charts, the frame's height): read the
    # layout until two reads a second apart agree.
    reports = None
    for _ in range(20):
        current = [frame.evaluate(_MAP_REPORT) for _, frame in frames]
        if current == reports:
            break
        reports = current
        tab.wait_for_timeout(1000)
    return frames


def _check_map(name: str, handle, frame, ranked: set[str], names: bool) -> list[str]:
    report = frame.evaluate(_MAP_REPORT)
    failures = []
    for control in report["controls"]:
        for area_id, box in report["areas"].items():
            if _overlap(control["box"], box):
                failures.append(f"{name}: {control['name']} überdeckt Stadtteil {area_id}")
    labels = report["labels"]
    if names:
        missing = sorted(ranked - set(labels))
        if missing:
            failures.append(f"{name}: ohne Namen: {missing}")
    boxes = list(labels.items())
    for i, (area_id, label) in enumerate(boxes):
        box = label["box"]
        inside = box["left"] >= -0.5 and box["top"] >= -0.5
        inside &= box["right"] <= report["width"] + 0.5 and box["bottom"] <= report["height"] + 0.5
        if not inside:
            failures.append(f"{name}: Name {label['text']} ragt aus der Karte")
        for other_id, other in boxes[i + 1 :]:
            if _overlap(box, other["box"]):
                failures.append(f"{name}: Namen {area_id}/{other_id} überdecken sich")
        for pin in report["pins"]:
            if _overlap(box, pin, 1.0):
                failures.append(f"{name}: Name {label['text']} überdeckt einen Punkt")
                break
        for control in report["controls"]:
            if _overlap(box, control["box"]):
                failures.append(f"{name}: Name {label['text']} unter {control['name']}")
    return failures


def _check_screen(tab, handle, frame, height: int) -> list[str]:
    """Presentation: the map, its legend and the key figures above it are on screen."""
    failures = []
    box = handle.bounding_box()
    if box["y"] < 0 or box["y"] + box["height"] > height + 1:
        failures.append(
            f"Karte nicht ganz auf dem Bildschirm: y={box['y']:.0f}, h={box['height']:.0f}"
        )
    legend = frame.locator(".ba-legend")
    if legend.count():
        lbox = legend.first.bounding_box()
        if lbox["y"] < 0 or lbox["y"] + lbox["height"] > height + 1:
            failures.append("Legende nicht auf dem Bildschirm")
    for figure in tab.locator('[data-testid="stMetric"]').all():
        fbox = figure.bounding_box()
        if fbox and fbox["y"] < box["y"] and fbox["y"] + fbox["height"] > height + 1:
            failures.append("Kennzahl über der Karte nicht auf dem Bildschirm")
    return failures


def _upload_regions(tab, server: str, presenting: bool) -> None:
    """Regionen needs a Stadtteil → region table: upload one, then open the page in-session."""
    numbers = sorted(load_package(data_dir()).stadtteile.index)
    rows = "".join(f"{nr};Region {nr[0]}\n" for nr in numbers)
    tab.goto(f"{server}/daten")
    tab.get_by_text("Stadtteil → Region").click()
    tab.get_by_text("und region, z. B. Versorgungsgebiete").wait_for()
    wait_idle(tab)
    content = f"stadtteil_nr;region\n{rows}".encode()
    # The radio's rerun may replace the uploader just as the file is set: set it again
    # until the check answers (the first upload of a server also starts the workers).
    uploader = tab.locator('[data-testid="stFileUploader"] input[type="file"]')
    for _ in range(6):
        wait_idle(tab)
        expect(uploader).to_have_count(1)  # the uploader of the kind before is gone
        uploader.set_input_files(
            {"name": "regionen.csv", "mimeType": "text/csv", "buffer": content}
        )
        try:
            tab.get_by_text("Gültig: 40 Zeilen").wait_for(timeout=30_000)
            break
        except Exception:
            continue
    tab.get_by_role("button", name="Übernehmen").click()
    tab.get_by_text("In dieser Sitzung aktiv: Regionen").wait_for()
    if presenting:
        tab.locator('[data-testid="stSidebar"]').get_by_text("Präsentationsmodus").click()
        tab.get_by_role("button", name="Präsentation beenden").wait_for()
        tab.get_by_role("button", name="Ausgabe und Daten").click()
        tab.get_by_text("Regionen", exact=True).first.click()
    else:
        tab.locator('[data-testid="stSidebar"]').get_by_text("Regionen", exact=True).click()
    tab.wait_for_url("**/regionen*")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_layout(view, server, ranked, name):
    tab, width, height, presenting = view
    try:
        _check_page(tab, server, ranked, name, width, height, presenting)
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"FEHLER-layout-{name}-{width}-{presenting}.png"))
        raise


def _check_page(tab, server, ranked, name, width, height, presenting) -> None:
    tag = f"{name}-{width}x{height}-{'praesentation' if presenting else 'normal'}"
    if name == "regionen":
        _upload_regions(tab, server, presenting)
    else:
        path = "" if name == "uebersicht" else name
        tab.goto(f"{server}/{path}{'?praesentation=1' if presenting else ''}")
    tab.get_by_role("heading", level=1).first.wait_for()
    if presenting:
        tab.get_by_role("button", name="Präsentation beenden").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    text = []
    views = [("", PAGES[name]), *((t, 1) for t in TABS.get(name, []))]
    for tab_name, expected in views:
        if tab_name:
            tab.get_by_role("tab", name=tab_name).click()
        frames = _settled(tab, expected)
        assert len(frames) >= expected, f"{name}: {expected} Karte(n) erwartet"
        text.append(tab.evaluate(VISIBLE_TEXT))
        tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
        for i, (handle, frame) in enumerate(frames):
            where = f"{name}{'/' + tab_name if tab_name else ''} Karte {i + 1}"
            failures += _check_map(where, handle, frame, ranked, names=name != "regionen")
            if presenting:
                failures += _check_screen(tab, handle, frame, height)
            text.append(frame.evaluate(VISIBLE_TEXT))
            handle.screenshot(
                path=str(SHOTS / f"{tag}-karte{tab_name and '-' + tab_name}-{i + 1}.png")
            )
        tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
        tab.screenshot(path=str(SHOTS / f"{tag}{tab_name and '-' + tab_name}.png"))
    failures += [f"Text: {p}" for p in problems("\n".join(text))]
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert not tab.page_errors, tab.page_errors
    assert not failures, "\n".join(failures)


def test_presentation_survives_navigation_and_reload(page, server):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/?praesentation=1")
    page.get_by_role("button", name="Präsentation beenden").wait_for()
    for group, target, path in [
        ("Analyse", "Unterversorgung", "unterversorgung"),
        ("Planung", "Szenarien", "szenarien"),
        ("Überblick", "Einrichtungen", "einrichtungen"),
    ]:
        page.get_by_role("button", name=group).click()
        page.get_by_text(target, exact=True).first.click()
        page.wait_for_url(f"**/{path}?praesentation=1", timeout=WAIT_MS)
        page.reload()
        page.get_by_role("button", name="Präsentation beenden").wait_for()
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    # Ending the mode drops the parameter: a reload stays out of it.
    page.get_by_role("button", name="Präsentation beenden").click()
    page.wait_for_url(f"{server}/einrichtungen", timeout=WAIT_MS)
    page.reload()
    page.locator('[data-testid="stSidebar"]').wait_for()
    assert page.get_by_role("button", name="Präsentation beenden").count() == 0

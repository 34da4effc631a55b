"""Issue 24 in the browser: a region set saved by the CLI appears on the Regionen page (new
process, same database); the Maßnahmen page shows 2.2 beside the data; the allocation draws."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from geo.config import DATA_ENV, PROJECT_ROOT
from geo.io.package import load_package
from scenarios.store import STORE_ENV
from tests.conftest import real_data_dir
from tests.e2e.conftest import STORE_DIR, screenshot, wait_for_stadtteile, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package


@pytest.fixture(scope="module")
def region_set(server) -> str:
    """Five test regions saved through the CLI into the server's database."""
    numbers = sorted(load_package(real_data_dir()).stadtteile.index)
    path = STORE_DIR.parent / "testgebiete.csv"
    path.write_text(
        "stadtteil_nr;region\n"
        + "".join(f"{nr};Testgebiet {i % 5 + 1}\n" for i, nr in enumerate(numbers)),
        encoding="utf-8",
    )
    env = {**os.environ, DATA_ENV: str(real_data_dir()), STORE_ENV: str(STORE_DIR)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "regionen",
            "speichern",
            str(path),
            "--name",
            "Testgebiete",
            "--author",
            "Browsertest",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return "Testgebiete"


def test_cli_region_set_appears_on_the_regionen_page(page, server, region_set):
    page.goto(f"{server}/regionen")
    page.get_by_text("gespeichert von Browsertest").wait_for()
    wait_for_stadtteile(page, expected=5)
    page.get_by_role("tab", name="Steckbriefe").click()
    page.get_by_text("Handlungsbedarf").first.wait_for()
    screenshot(page, "planung-regionen-steckbrief")
    assert not page.page_errors


def test_massnahmen_2_2_shows_the_named_stadtteile(page, server):
    page.goto(f"{server}/massnahmen")
    page.get_by_role("heading", name="Maßnahmen der Stadt").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Maßnahme").first.click()
    page.get_by_role("option", name="2.2 –", exact=False).click()
    page.get_by_text("Genannte Stadtteile – was die Daten sagen").wait_for()
    screenshot(page, "planung-massnahmen-2-2")
    assert not page.page_errors


def test_verteilung_draws_the_formula(page, server, region_set):
    page.goto(f"{server}/verteilung")
    page.get_by_label("Betrag A (EUR)").fill("250000")
    page.get_by_label("Betrag A (EUR)").press("Enter")
    expect(page.get_by_text("So wird gerechnet")).to_be_visible()
    expect(page.get_by_text("Soll_r = B + (A − n · B) · s_r", exact=False)).to_be_visible()
    screenshot(page, "planung-verteilung")
    assert not page.page_errors

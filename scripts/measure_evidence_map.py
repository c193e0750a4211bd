"""Measure the evidence map's weight and render time at the shipped size and at scale.

For the shipped data and for synthetic data of the benchmark's shape (200 countries, 600 cases,
1,200 arms, 60 outcomes, 8 domains; `synergies.synthetic`) with the given numbers of findings,
writes `html/evidence-map.html`, then opens it in headless Chromium (Selenium + chromedriver)
and reports: page bytes, seconds to write it, milliseconds from navigation start until the
matrix is drawn (`document.body.dataset.ready`), and milliseconds to redraw as arms × outcomes
(a page of 50 arms × 60 outcomes) and to list the findings of one cell.

    .venv/bin/python scripts/measure_evidence_map.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synergies import evidence_map
from synergies.config import DATA_DIR
from synergies.load import load_evidence
from synergies.synthetic import write_synthetic

SCALE_SHAPE = {"n_countries": 200, "cases_per_country": 3, "n_outcomes": 60, "n_domains": 8}
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

REDRAW = """
const t0 = performance.now();
document.getElementById('rows').value = 'arm';
document.getElementById('rows').dispatchEvent(new Event('change'));
document.getElementById('columns').value = 'outcome';
document.getElementById('columns').dispatchEvent(new Event('change'));
const t1 = performance.now();
const cell = document.querySelector('button.cell:not(.empty)') || document.querySelector('button.cell');
cell.click();
const t2 = performance.now();
return [t1 - t0, t2 - t1, document.querySelectorAll('button.cell').length,
        document.querySelectorAll('#detail-table tbody tr').length];
"""


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1200"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def measure(driver, data_dir: Path, out: Path, label: str) -> str:
    """One line of the report for one data directory."""
    from selenium.webdriver.support.ui import WebDriverWait

    evidence = load_evidence(data_dir)
    started = time.perf_counter()
    page = evidence_map.write_evidence_map(evidence, out, "en")
    write_seconds = time.perf_counter() - started
    driver.get(page.as_uri())
    WebDriverWait(driver, 300).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    ready = driver.execute_script("return performance.now();")
    default = driver.execute_script(
        "return [document.getElementById('rows').value, document.getElementById('columns').value,"
        " document.querySelectorAll('button.cell').length];"
    )
    redraw, listing, cells, listed = driver.execute_script(REDRAW)
    megabytes = page.stat().st_size / 1e6
    return (
        f"| {label} | {len(evidence.findings):,} | {megabytes:.2f} MB | {write_seconds:.1f} s "
        f"| {ready:.0f} ms ({default[0]} × {default[1]}, {default[2]:,} cells) "
        f"| {redraw:.0f} ms ({cells:,} cells) | {listing:.0f} ms ({listed} rows) |"
    )


def main() -> None:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    driver = _driver()
    print("| data | findings | page | write | drawn after load | arms × outcomes | list a cell |")
    print("|---|---|---|---|---|---|---|")
    try:
        with tempfile.TemporaryDirectory() as work:
            print(measure(driver, DATA_DIR, Path(work) / "shipped", "shipped"))
            for n in args.sizes:
                data = write_synthetic(Path(work) / f"synthetic-{n}", n_findings=n, **SCALE_SHAPE)
                print(measure(driver, data, Path(work) / f"out-{n}", "synthetic"), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

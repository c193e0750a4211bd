"""The evidence map: the data it embeds, its bytes, and how it behaves in a real browser.

The browser tests drive Debian's headless Chromium through Selenium and chromedriver; they are
skipped, saying why, where either is missing (`.ci/run` installs both). Expected findings are
computed here from the CSV files with pandas, never from the page's own code.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from synergies import evidence_map
from synergies.config import DATA_DIR
from synergies.load import Evidence, load_evidence
from synergies.synthetic import write_synthetic
from synergies.text import numbers

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EFFECTS = list(evidence_map.EFFECTS)


def _embedded(html: str) -> dict:
    """The JSON the page carries in #map-data."""
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert match, "no #map-data block"
    return json.loads(match.group(1))


def _expected_cells(ev: Evidence) -> dict[tuple[str, str], list[int]]:
    """(intervention, outcome) → counts by effect, straight from the findings table."""
    cells: dict[tuple[str, str], list[int]] = {}
    for row in ev.findings.itertuples():
        counts = cells.setdefault((row.intervention, row.outcome), [0, 0, 0, 0])
        counts[EFFECTS.index(row.effect)] += 1
    return cells


# --------------------------------------------------------------------------- embedded data


def test_every_finding_is_embedded_once_with_its_arm_outcome_and_effect(evidence: Evidence) -> None:
    data = evidence_map.map_data(evidence, "en")
    f = data["findings"]
    assert sorted(f["id"]) == sorted(evidence.findings["finding_id"])
    got: dict[tuple[str, str], list[int]] = {}
    for i in range(len(f["id"])):
        key = (data["arms"][f["arm"][i]]["name"], data["outcomes"][f["outcome"][i]]["key"])
        got.setdefault(key, [0, 0, 0, 0])[f["effect"][i]] += 1
    assert got == _expected_cells(evidence)
    by_id = evidence.findings.set_index("finding_id")
    for i, fid in enumerate(f["id"]):
        assert evidence_map.DIRECTIONS[f["direction"][i]] == by_id.loc[fid, "direction"]
        assert data["texts"][f["locator"][i]] == by_id.loc[fid, "locator"]
        assert data["sources"][f["source"][i]]["id"] == by_id.loc[fid, "source_id"]


def test_shipped_data_show_mexico_as_a_case_without_reported_results(evidence: Evidence) -> None:
    data = evidence_map.map_data(evidence, "es")
    gaps = {data["countries"][c["country"]]: (c["name"], c["gap"]) for c in data["cases"] if c["gap"]}
    assert gaps == {"México": ("PROINPRO + PDPs", "gap_no_results")}
    assert data["words"]["gap_no_results"] == "sin resultados de impacto reportados"
    # Five arms, twenty outcomes: the page opens on arms × outcomes, like the static heatmap.
    assert data["defaults"] == {"rows": "arm", "columns": "outcome"}
    assert len(data["arms"]) == 5 and len(data["outcomes"]) == len(evidence.outcomes)


def test_filters_the_data_do_not_carry_are_hidden(evidence: Evidence) -> None:
    data = evidence_map.map_data(evidence, "en")
    assert data["optional"]["significance"] is False  # the brief gives directions only
    rated = "risk_of_bias" in evidence.cases.columns and bool((evidence.cases["risk_of_bias"] != "").any())
    assert data["optional"]["rob"] is rated


def test_optional_columns_are_picked_up_when_present(tmp_path: Path) -> None:
    directory = write_synthetic(tmp_path / "d", n_findings=40)
    cases = pd.read_csv(directory / "cases.csv", dtype=str, keep_default_na=False)
    cases["risk_of_bias"] = ["low", "high"] * (len(cases) // 2) + ["unknown"] * (len(cases) % 2)
    cases["rob_tool"] = ["RoB 2", "ROBINS-I"] * (len(cases) // 2) + [""] * (len(cases) % 2)
    cases.to_csv(directory / "cases.csv", index=False)
    findings = pd.read_csv(directory / "findings.csv", dtype=str, keep_default_na=False)
    findings["significant"] = ["true", "false", ""] * (len(findings) // 3) + [""] * (len(findings) % 3)
    findings["p_value"] = ["0.0004", "0.125", ""] * (len(findings) // 3) + [""] * (len(findings) % 3)
    findings["estimate"] = ["0.25", "-1.5", ""] * (len(findings) // 3) + [""] * (len(findings) % 3)
    findings["subgroup"] = ["women", "", ""] * (len(findings) // 3) + [""] * (len(findings) % 3)
    given = findings["estimate"] != ""  # an estimate names its measure and agrees with the direction
    findings["effect_measure"] = given.map({True: "smd", False: ""})
    findings.loc[given, "direction"] = findings.loc[given, "estimate"].map(
        lambda e: "decrease" if e.startswith("-") else "increase"
    )
    findings.to_csv(directory / "findings.csv", index=False)
    ev = load_evidence(directory)
    data = evidence_map.map_data(ev, "es")
    assert data["optional"]["rob"] and data["optional"]["significance"] and data["optional"]["subgroup"]
    f = data["findings"]
    assert f["significant"][:3] == [1, 0, None]
    assert f["p"][:3] == ["p < 0,001", "p = 0,125", None]
    assert f["estimate"][:3] == ["0,25", "-1,5", None]
    assert data["texts"][f["subgroup"][0]] == "women"
    ratings = {c["name"]: (c["rob"], c["rob_tool"]) for c in data["cases"]}
    assert ratings[cases["case"][0]] == ("low", "RoB 2")


def test_an_arms_table_gives_components_and_comparators(data_copy: Path) -> None:
    ev = load_evidence(data_copy)
    ev.arms = pd.DataFrame(  # type: ignore[attr-defined]  (an arms table another issue may add)
        {
            "country": ["Peru"],
            "case": ["Haku Wiñay + Juntos"],
            "intervention": ["Haku Wiñay + Soft Skills"],
            "components": ["Haku Wiñay;Soft Skills"],
            "comparator": ["Haku Wiñay"],
        }
    )
    data = evidence_map.map_data(ev, "en")
    assert data["optional"]["comparator"]
    arms = {a["name"]: a for a in data["arms"]}
    assert arms["Haku Wiñay + Soft Skills"]["components"] == "Haku Wiñay; Soft Skills"
    f = data["findings"]
    compared = {f["id"][i]: data["texts"][f["comparator"][i]] for i in range(len(f["id"]))}
    shipped = ev.findings.set_index("finding_id")["intervention"]
    assert {k for k, v in compared.items() if v} == set(shipped[shipped == "Haku Wiñay + Soft Skills"].index)


def test_data_with_only_the_required_files_embed(minimal_dir: Path) -> None:
    ev = load_evidence(minimal_dir)
    data = evidence_map.map_data(ev, "en")
    assert len(data["findings"]["id"]) == len(ev.findings)
    assert data["sources"] == [] and all(s == -1 for s in data["findings"]["source"])
    assert not any(c["gap"] for c in data["cases"])


def test_counts_are_grouped_as_text_numbers_writes_them() -> None:
    for lang in ("en", "es"):
        rule = evidence_map.number_format(lang)

        def grouped(n: int, rule: dict = rule) -> str:
            digits = str(n)
            if n < rule["from"]:
                return digits
            return re.sub(r"\B(?=(\d{3})+(?!\d))", rule["group"], digits)

        for n in (7, 999, 1234, 9999, 12345, 1234567):
            assert grouped(n) == numbers.integer(lang, n), (lang, n)


def test_embedded_json_cannot_close_the_script_element() -> None:
    text = evidence_map.embed_json({"note": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"note": "</script><script>alert(1)</script> & <!--"}


def test_a_note_with_markup_stays_data(data_copy: Path, tmp_path: Path) -> None:
    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    findings.loc[0, "note"] = "Ends </script><script>window.pwned=1</script> here"
    findings.to_csv(data_copy / "findings.csv", index=False)
    html = evidence_map.render_page(load_evidence(data_copy), "en")
    assert html.lower().count("</script>") == 3  # the JSON block, the DataTables module, the view
    assert _embedded(html)["texts"][_embedded(html)["findings"]["note"][0]].startswith("Ends </script>")


# --------------------------------------------------------------------------- the page as bytes


def test_same_data_give_the_same_bytes_anywhere(tmp_path: Path, evidence: Evidence) -> None:
    copy = tmp_path / "elsewhere" / "data"
    shutil.copytree(DATA_DIR, copy)
    first = evidence_map.write_evidence_map(evidence, tmp_path / "a", "en").read_bytes()
    second = evidence_map.write_evidence_map(load_evidence(copy), tmp_path / "b", "en").read_bytes()
    assert first == second
    assert not list((tmp_path / "a" / "html").glob("*.part"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_notebook_links_the_page_from_where_its_html_is_rendered(
    tmp_path: Path, evidence: Evidence, lang: str
) -> None:
    """Notebook 09 shows a link relative to its rendered HTML (<output_dir>/html/), not a bare path.

    The link in the rendered notebook itself is checked in a real run (tests/test_pipeline.py).
    """
    page = evidence_map.write_evidence_map(evidence, tmp_path / "out", lang)
    link = evidence_map.page_link(page, tmp_path / "out", lang)
    words = {"en": "Open the evidence map", "es": "Abrir el mapa de la evidencia"}[lang]
    assert link.startswith(f"[{words}](evidence-map.html) (`html/evidence-map.html` ")


def test_page_is_self_contained_in_the_run_language(evidence: Evidence) -> None:
    html = evidence_map.render_page(evidence, "es")
    assert html.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert "<title>Mapa de la evidencia" in html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I), "a script loaded from a file or URL"
    assert not re.search(r"<link[^>]*\bhref\s*=", html, re.I), "a stylesheet loaded from a file or URL"
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", html, re.I)
    assert "@DATA@" not in html and "@APP@" not in html


def test_datatables_bundle_exports_become_a_global() -> None:
    script = evidence_map.datatables_script()
    assert "window.synergiesDataTables={" in script
    assert '"default":' in script and '"jQuery":' in script
    assert not re.search(r"\bexport\s*\{", script)


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Selenium; skipped, with the reason, where it cannot start."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"browser test needs {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium, chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1200"):
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except Exception as error:  # a driver that cannot start is an environment problem, not a failure
        pytest.skip(f"headless Chromium did not start: {str(error).splitlines()[0]}")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("map")
    return evidence_map.write_evidence_map(load_evidence(DATA_DIR), out, "en")


def _open(driver, path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.body.dataset.ready"))


def _listed_ids(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#detail-table tbody tr')]"
        ".map(tr => tr.cells[0]).filter(td => td && !td.classList.contains('dt-empty'))"
        ".map(td => td.textContent.trim());"
    )


def _shipped() -> pd.DataFrame:
    findings = pd.read_csv(DATA_DIR / "findings.csv", dtype=str, keep_default_na=False)
    outcomes = pd.read_csv(DATA_DIR / "outcomes.csv", dtype=str, keep_default_na=False)
    return findings.merge(outcomes[["outcome", "domain"]], on="outcome", how="left")


def test_filter_then_select_a_cell_lists_its_findings(browser, page: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, page)
    Select(browser.find_element(By.ID, "rows")).select_by_value("country")
    Select(browser.find_element(By.ID, "columns")).select_by_value("domain")
    Select(browser.find_element(By.ID, "arm-type")).select_by_value("single")
    Select(browser.find_element(By.ID, "country")).select_by_visible_text("Colombia")
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#map-grid thead th')].map(th => th.textContent);"
    )
    data = _embedded(page.read_text(encoding="utf-8"))
    assert labels == data["domains"]  # all five domains, as columns
    column = data["domains"].index("Food security and education")
    browser.find_element(By.CSS_SELECTOR, f'button.cell[data-r="0"][data-c="{column}"]').click()
    shipped = _shipped()
    expected = shipped[
        (shipped["country"] == "Colombia")
        & (shipped["arm"] == "single")
        & (shipped["domain"] == "food_security_education")
    ]["finding_id"]
    assert sorted(_listed_ids(browser)) == sorted(expected) and len(expected) > 0
    heading = browser.find_element(By.ID, "detail-heading").text
    assert heading.startswith("Colombia × Food security and education: ")
    table = browser.find_element(By.ID, "detail-table").text
    assert "Rural Synergies Project" in table  # the citation of sources.csv, not only its id


def test_keyboard_reaches_and_selects_a_cell(browser, page: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(browser, page)
    for _ in range(30):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script("return document.activeElement.classList.contains('cell');"):
            break
    else:
        pytest.fail("30 presses of Tab never reached a cell of the matrix")
    keys = ActionChains(browser)
    for key in (Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ENTER):
        keys.send_keys(key)
    keys.perform()
    active = browser.execute_script("const e = document.activeElement; return [e.dataset.r, e.dataset.c];")
    assert active == ["2", "2"]
    assert browser.execute_script("return document.getElementById('map-detail').dataset.cell;") == "2,2"
    # Rows: FEST, FEST + UNIDOS, PPP, ...; columns: the codebook's outcomes in domain order.
    data = _embedded(page.read_text(encoding="utf-8"))
    outcome = data["outcomes"][2]["key"]
    shipped = _shipped()
    expected = shipped[(shipped["intervention"] == "PPP") & (shipped["outcome"] == outcome)]["finding_id"]
    assert sorted(_listed_ids(browser)) == sorted(expected) and len(expected) > 0


def test_no_network_request_is_made(browser, page: Path) -> None:
    _open(browser, page)
    browser.execute_script("document.querySelector('button.cell').click();")
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat(performance.getEntriesByType('navigation').map(e => e.name));"
    )
    assert urls and all(u.startswith(("file:", "data:")) for u in urls), urls


def test_spanish_page_speaks_spanish(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = evidence_map.write_evidence_map(load_evidence(DATA_DIR), tmp_path, "es")
    _open(browser, path)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    assert browser.find_element(By.ID, "map-status").text == "25 hallazgos"
    assert "sin resultados de impacto reportados" in browser.find_element(By.ID, "map-grid").text


def test_search_finds_programmes_whatever_the_accents(browser, page: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, page)
    browser.find_element(By.ID, "search").send_keys("winay")
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#map-grid tbody .row-label')].map(e => e.textContent);"
    )
    assert rows == ["Haku Wiñay", "Haku Wiñay + Soft Skills"]


def test_significance_and_risk_of_bias_filter_where_the_data_carry_them(
    browser, data_copy: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    findings["significant"] = ["true" if i % 2 else "false" for i in range(len(findings))]
    findings.loc[0, "significant"] = ""
    findings.to_csv(data_copy / "findings.csv", index=False)
    cases = pd.read_csv(data_copy / "cases.csv", dtype=str, keep_default_na=False)
    cases["risk_of_bias"] = ["low", "high", "", "some_concerns"]
    cases["rob_tool"] = ["RoB 2", "ROBINS-I", "", "ROBINS-I"]
    cases.to_csv(data_copy / "cases.csv", index=False)
    path = evidence_map.write_evidence_map(load_evidence(data_copy), tmp_path / "out", "en")
    _open(browser, path)
    assert browser.find_element(By.ID, "map-notes").text == ""  # no filter hidden
    Select(browser.find_element(By.ID, "rows")).select_by_value("country")
    Select(browser.find_element(By.ID, "columns")).select_by_value("domain")
    Select(browser.find_element(By.ID, "significance")).select_by_value("yes")
    Select(browser.find_element(By.ID, "rob")).select_by_value("high")
    data = _embedded(path.read_text(encoding="utf-8"))
    column = data["domains"].index("Psychological and social")
    browser.find_element(By.CSS_SELECTOR, f'button.cell[data-r="0"][data-c="{column}"]').click()
    shipped = findings.merge(
        pd.read_csv(DATA_DIR / "outcomes.csv", dtype=str)[["outcome", "domain"]], on="outcome"
    )
    high = set(cases.loc[cases["risk_of_bias"] == "high", "case"])
    expected = shipped[
        shipped["case"].isin(high)
        & (shipped["significant"] == "true")
        & (shipped["domain"] == "psychosocial")
    ]["finding_id"]
    assert sorted(_listed_ids(browser)) == sorted(expected) and len(expected) > 0


def test_index_entry_names_the_page_in_each_language(evidence: Evidence, tmp_path: Path) -> None:
    page = evidence_map.write_evidence_map(evidence, tmp_path, "es")
    entry = evidence_map.index_entry("es")
    assert (page.parent / entry["href"]) == page
    assert f"<title>{entry['title']}</title>" in page.read_text(encoding="utf-8")
    assert evidence_map.index_entry("en")["summary"].startswith("Interactive map")
    assert entry["summary"].startswith("Mapa interactivo")


def test_only_web_addresses_become_links_and_contested_directions_show(
    browser, data_copy: Path, tmp_path: Path
) -> None:
    sources = pd.read_csv(data_copy / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["source_id"] == "RS-BRIEF", "url"] = "javascript:alert(3)"
    sources.to_csv(data_copy / "sources.csv", index=False)
    # A second source disagrees on F01's direction (the columns of the contested-direction issue).
    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    findings["direction_alt"] = ["decrease"] + [""] * (len(findings) - 1)
    findings["alt_source_id"] = ["RS-CO1"] + [""] * (len(findings) - 1)
    findings["alt_locator"] = ["Results section"] + [""] * (len(findings) - 1)
    findings.to_csv(data_copy / "findings.csv", index=False)
    path = evidence_map.write_evidence_map(load_evidence(data_copy), tmp_path / "out", "en")
    _open(browser, path)
    first = browser.execute_script(
        "return document.querySelector('button.cell:not(.empty)').getAttribute('aria-label');"
    )
    assert first.endswith("; † another source reports a different direction for a finding here")
    browser.execute_script("document.querySelector('button.cell:not(.empty)').click();")
    links = browser.execute_script(
        "return [...document.querySelectorAll('#detail-table a')].map(a => a.href);"
    )
    assert _listed_ids(browser) and not any(link.startswith("javascript:") for link in links)
    listed = browser.execute_script("return document.getElementById('detail-table').textContent;")
    assert "Rural Synergies Project" in listed
    assert _listed_ids(browser) == ["F01"]
    assert "another source reports: decrease (RS-CO1, Results section)" in listed

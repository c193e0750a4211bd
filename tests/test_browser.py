"""The report site as a browser shows it: an English and a Spanish build, opened from disk.

Headless Chromium (Debian's `chromium` and `chromium-driver`) loads every page of both builds
and the test reads the DOM: the page language, links and images that resolve to files of the
site, no English heading or table header in the Spanish build, nothing wider than a 1280 px
window, alt text on every image, the long tables searchable without network. Skipped, with
the reason, where Chromium or its driver is missing (`.ci/run` installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from synergies import config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WIDTH = 1280
LANGS = ("en", "es")
# Words that mark an English heading, column header or navigation label; none is Spanish.
ENGLISH_WORDS = frozenset(
    """the and of with what which by describe plot summarise compare map write findings finding
    outcome outcomes country countries domain domains effect effects verdict verdicts case cases
    arm arms single combined previous next search show rows narrative chapters sources data
    evidence gaps optional files polarity decisions sign tests institutions enablers barriers
    factors shared moved households found overview across caveats trace references beneficial
    adverse unclear change count note level assessment statement""".split()  # noqa: SIM905
)

FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|html|md|png|svg)\b")

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason=f"headless Chromium needs {CHROMIUM} and {CHROMEDRIVER} "
    "(Debian: apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One English and one Spanish build of the shipped data, run side by side once per session."""
    base = tmp_path_factory.mktemp("sites")
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src")}
    runs = {}
    for lang in LANGS:
        command = [
            sys.executable,
            str(config.ROOT / "scripts" / "run_pipeline.py"),
            "--output-dir",
            str(base / lang),
            "--lang",
            lang,
            "--jobs",
            "1",
        ]
        runs[lang] = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    for run in runs.values():
        output, _ = run.communicate(timeout=900)
        assert run.returncode == 0, output
    return {lang: base / lang for lang in LANGS}


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={WIDTH},1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# What each page holds, read in one go (JavaScript run in the page).
READ_PAGE = """
const clipped = el => {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && p !== document.body
        && p !== document.documentElement) return true;
  }
  return false;
};
const vw = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')].filter(el => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && (r.right > vw + 1 || r.left < -1) && !clipped(el);
}).map(el => el.tagName + '.' + el.className + ': ' + Math.round(el.getBoundingClientRect().right));
return {
  lang: document.documentElement.lang,
  title: document.title,
  scrollWidth: document.documentElement.scrollWidth,
  viewport: vw,
  wide: wide.slice(0, 5),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  images: [...document.querySelectorAll('img')]
          .map(i => [i.getAttribute('src').slice(0, 200), i.getAttribute('alt'), i.naturalWidth]),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  labels: [...document.querySelectorAll('h1, h2, h3, h4, th, caption, nav a, header a, label, .dt-info, dt')]
          .map(e => e.innerText.trim()).filter(t => t),
  remote: [...document.querySelectorAll('script[src], link[href]')].map(e => e.src || e.href)
          .filter(u => /^https?:/.test(u)),
  datatables: document.querySelectorAll('.dt-container').length,
  pending: document.querySelectorAll('table.synergies-datatable:not(.dataTable)').length,
};
"""


def _pages(site: Path) -> list[Path]:
    return sorted((site / "html").glob("*.html"))


@pytest.fixture(scope="module")
def read(sites: dict[str, Path], browser) -> dict[str, dict[str, dict]]:
    """lang -> page name -> what the browser found on the page."""
    from selenium.webdriver.support.ui import WebDriverWait

    found: dict[str, dict[str, dict]] = {}
    for lang, site in sites.items():
        found[lang] = {}
        for page in _pages(site):
            browser.get(page.as_uri())
            WebDriverWait(browser, 30).until(
                lambda d: (
                    d.execute_script(
                        "return document.querySelectorAll('table.synergies-datatable:not(.dataTable)').length"
                    )
                    == 0
                )
            )
            found[lang][page.name] = browser.execute_script(READ_PAGE)
    return found


def test_both_builds_have_every_page(sites: dict[str, Path]) -> None:
    names = {lang: [p.name for p in _pages(site)] for lang, site in sites.items()}
    assert names["en"] == names["es"]
    assert {"index.html", "narrative.html", "findings.html"} <= set(names["en"])
    assert sum(bool(re.match(r"\d\d-", n)) for n in names["en"]) == len(
        list(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    )


@pytest.mark.parametrize("lang", LANGS)
def test_pages_declare_their_language(read: dict, lang: str) -> None:
    for name, page in read[lang].items():
        assert page["lang"] == lang, name
        assert page["title"], name


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_and_image_resolves(read: dict, sites: dict[str, Path], lang: str) -> None:
    html_dir = sites[lang] / "html"
    for name, page in read[lang].items():
        for href in page["links"]:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # a source's address, for the reader to follow; nothing is loaded from it
            assert not parts.scheme, f"{name}: link {href}"
            target = (html_dir / unquote(parts.path)).resolve() if parts.path else html_dir / name
            assert target.is_file(), f"{name}: {href} points at no file"
            if parts.fragment:
                ids = read[lang][target.name]["ids"]  # a browser tries the fragment as written, then decoded
                assert parts.fragment in ids or unquote(parts.fragment) in ids, (
                    f"{name}: {href} has no target"
                )
        for src, alt, natural_width in page["images"]:
            assert natural_width > 0, f"{name}: image {src[:80]} does not load"
            assert alt and alt.strip(), f"{name}: image {src[:80]} has no alt text"


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_is_loaded_from_the_network(read: dict, lang: str) -> None:
    for name, page in read[lang].items():
        assert not page["remote"], f"{name} loads {page['remote']}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_element_is_wider_than_the_window(read: dict, lang: str) -> None:
    for name, page in read[lang].items():
        assert page["scrollWidth"] <= page["viewport"], f"{name}: page scrolls sideways ({page['wide']})"
        assert not page["wide"], f"{name}: {page['wide']}"


def test_spanish_build_has_no_english_heading_or_table_header(read: dict) -> None:
    english = {}
    for name, page in read["es"].items():
        for label in page["labels"]:
            label = FILE_NAME.sub("", label)  # data file names are the contract's, in any language
            words = {w.lower() for w in re.findall(r"[^\W\d_]+", label)}
            if words & ENGLISH_WORDS:
                english.setdefault(name, []).append(label)
    assert not english, f"English left in the Spanish build: {english}"


def test_english_build_passes_the_word_check_it_is_built_on(read: dict) -> None:
    """The word list does catch English: the English build's headings contain its words."""
    labels = " ".join(label for page in read["en"].values() for label in page["labels"]).lower()
    assert sum(word in re.findall(r"[a-z]+", labels) for word in ENGLISH_WORDS) > 10


def test_long_tables_are_searchable_offline(read: dict) -> None:
    for lang in LANGS:
        assert any(page["datatables"] for page in read[lang].values()), lang
        assert all(page["pending"] == 0 for page in read[lang].values()), lang

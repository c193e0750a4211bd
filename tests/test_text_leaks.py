"""No fixed user-facing phrase bypasses the catalogues: a source scan and a Spanish rendering check.

1. In the sentence builders (narrative, describe, i18n), every string literal that holds words
   ("two words" or more) is either a catalogue lookup's argument, a docstring, or itself a
   msgid / msgctxt of the catalogue. A sentence written straight into Python fails here.
2. Every narrative sentence and every notebook sentence and alt text of `describe`, rendered in
   Spanish on the shipped data and on synthetic data of several shapes, holds no English word
   from a word list once the data's own text (names, labels, ids, file names) is taken out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.pofile import read_po

from synergies import aggregate, describe, narrative, plots
from synergies.config import DATA_DIR
from synergies.load import Evidence, load_evidence
from synergies.synthetic import write_synthetic
from synergies.text import catalogue, names

PACKAGE = Path(narrative.__file__).parents[1]
# Every module of the narrative builds sentences, except the checker, the row index and the slot
# renderer, which hold no wording (their errors are for developers).
NOT_BUILDERS = ("verify.py", "refs.py", "slots.py")
NARRATIVE_MODULES = tuple(
    f"narrative/{p.name}" for p in sorted((PACKAGE / "narrative").glob("*.py")) if p.name not in NOT_BUILDERS
)
BUILDERS = (*NARRATIVE_MODULES, "describe.py", "i18n.py")
# Figure modules: every title, label, legend, note, page label and count they draw.
FIGURES = tuple(sorted(str(p.relative_to(PACKAGE)) for p in (PACKAGE / "plots").glob("*.py")))
# Strings with words that matplotlib reads and never draws.
TECHNICAL = {"DejaVu Sans", "upper left"}
LOOKUPS = {"t", "tn", "tp", "N_", "NP_", "NN_", "NNP_", "gettext", "ngettext", "pgettext", "npgettext"}
LOOKUPS |= {"msg", "msgn", "msgp", "msgnp"}  # the narrative's typed-slot messages
HAS_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")

# English words that never occur in Spanish prose (so a hit is a leak, not a false alarm).
ENGLISH = {
    "the", "and", "of", "with", "which", "has", "have", "are", "is", "from", "this", "that",
    "there", "their", "its", "both", "only", "every", "more", "than", "under", "between",
    "findings", "finding", "cases", "arm", "arms", "outcome", "outcomes", "domain", "domains",
    "countries", "country", "evidence", "effects", "effect", "beneficial", "adverse", "unclear",
    "conflicting", "change", "changes", "not", "reported", "measured", "single", "combined",
    "rows", "cells", "page", "votes", "test", "tests", "what", "would", "when", "where", "none",
}  # fmt: skip


def _catalogue_keys() -> set[str]:
    with catalogue.po_path("es").open("rb") as handle:
        po = read_po(handle)
    keys: set[str] = set()
    for message in po:
        keys.update(message.id if isinstance(message.id, tuple) else (message.id,))
        if message.context:
            keys.add(message.context)
    return keys


@pytest.mark.parametrize("module", BUILDERS + FIGURES)
def test_sentence_builders_write_no_phrase_outside_the_catalogue(module: str) -> None:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in LOOKUPS:
                allowed.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            allowed.add(id(body[0].value))  # docstrings
    keys = _catalogue_keys()
    leaks = [
        f"{module}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in allowed
        and HAS_WORDS.search(node.value)
        and node.value not in keys
        and node.value not in TECHNICAL
    ]
    assert not leaks, "phrases written outside the catalogue (use synergies.text):\n" + "\n".join(leaks)


@pytest.mark.parametrize("module", BUILDERS + FIGURES)
def test_no_lookup_hides_inside_an_f_string(module: str) -> None:
    """pybabel cannot read calls inside f-strings, so a phrase there never reaches the catalogue."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    hidden = [
        f"{module}:{sub.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for sub in ast.walk(node)
        if isinstance(sub, ast.Call) and getattr(sub.func, "id", getattr(sub.func, "attr", "")) in LOOKUPS
    ]
    assert not hidden, f"move these lookups out of their f-strings: {hidden}"


FILE_STEM = re.compile(r"^[\w/.-]*$")  # the literal text of a key, column, path or file-name stem
WORDED = re.compile(r"[A-Za-z:;,.()—–…+=]")  # letters, or punctuation whose use differs by language
# Expressions a figure module may keep: not drawn text, or text that is the data's own.
NOT_DRAWN = {
    "measure.py": {"str(text)"},  # wrap() accepts any label value
    "sign_tests.py": {"str(table['unit'].iloc[0])"},  # a key: 'arm' or 'case'
    "magnitude.py": {
        "f'{d:g}'",  # counts the decimals a contour label needs
        "phrase[:1].upper()",  # `_sentence_start`: the first letter only, the rest as written
    },
}


def _assembly(module: str) -> list[str]:
    """Figure text put together in Python instead of a catalogue template, or numbers and labels
    written without `synergies.text`: an f-string with words or punctuation ('n = {n}:',
    '{title} — {page}'), a format spec ('{x:.0%}'), `str(number)`, or a change of case
    (`.capitalize()` lower-cases every letter after the first: 'Recovered from the drought in Sofala'
    would lose its capital S)."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    allowed = NOT_DRAWN.get(Path(module).name, set())
    spec_nodes = {
        id(v.format_spec) for v in ast.walk(tree) if isinstance(v, ast.FormattedValue) and v.format_spec
    }
    found = []
    for node in ast.walk(tree):
        source = ast.unparse(node) if isinstance(node, ast.JoinedStr | ast.Call) else ""
        if id(node) in spec_nodes or source in allowed:
            continue
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            specs = [v for v in node.values if isinstance(v, ast.FormattedValue) and v.format_spec]
            stem = FILE_STEM.match(literal)  # a key, path or file name: never drawn
            worded = bool(WORDED.search(literal))  # glyphs and spaces alone say the same in any language
            if (worded and not stem) or (specs and "-" not in literal):  # 'forest-{n:02d}-…' is a stem
                found.append(f"{module}:{node.lineno}: {source}")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in {"capitalize", "title", "upper", "lower", "swapcase", "str"} or (
                name == "format" and isinstance(node.func, ast.Attribute)
            ):
                found.append(f"{module}:{node.lineno}: {source}")
    return found


@pytest.mark.parametrize("module", FIGURES)
def test_figure_text_is_never_assembled_or_case_changed_in_python(module: str) -> None:
    found = _assembly(module)
    assert not found, "figure text built outside synergies.text (t/tn, numbers, names):\n" + "\n".join(found)


def test_the_figure_scan_catches_what_it_is_meant_to(tmp_path: Path) -> None:
    """The scan is no stub: each kind of leak in a throwaway module is reported."""
    bad = tmp_path / "plots_bad.py"
    bad.write_text(
        "def f(title, page, label, n, share):\n"
        "    a = f'{title} — page {page}'\n"
        "    b = label.capitalize()\n"
        "    c = str(n)\n"
        "    d = f'{share:.0%}'\n"
        "    e = f'forest-{n:02d}-{title}'\n"
        "    return a, b, c, d, e\n",
        encoding="utf-8",
    )
    found = _assembly(str(bad))
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "5"], found


def _data_strings(ev: Evidence) -> list[str]:
    """Every data-derived string the text may contain, escaped and lower-cased, longest first."""
    found: set[str] = set()
    frames = [v for v in vars(ev).values() if isinstance(v, pd.DataFrame)]
    for frame in frames:
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]):
                continue
            for value in frame[column].astype(str).unique():
                for part in [value, *value.split(";")]:
                    part = part.strip()
                    for text in (part, names.country("es", part)):
                        found.add(text.casefold())
                        found.add(narrative.escape(text).casefold())
    return sorted((s for s in found if s), key=len, reverse=True)


def _spanish_texts(ev: Evidence) -> list[tuple[str, str]]:
    """(where, text) of every Spanish sentence the narrative and the notebooks' describe calls write."""
    lang = "es"
    story = narrative.build(ev)
    # The reference list is the data's own citation text (sources.csv), in whatever language it has.
    sections = [s for s in story.sections if s.key != "references"]
    out = [
        (f"narrative {s.en[:40]!r}", s.text(lang))
        for section in sections
        for paragraph in section.paragraphs
        for s in paragraph.sentences
    ]
    out += [("narrative title", story.title[lang])] + [(s.key, s.title[lang]) for s in story.sections]
    by_domain = aggregate.effects_by_domain(ev)
    by_case = aggregate.case_domain_verdicts(ev)
    signs_arm = aggregate.sign_tests(by_domain, ev, unit="arm")
    signs_case = aggregate.sign_tests(by_case, ev, unit="case")
    comparison = aggregate.single_vs_combined(ev)
    overlap = aggregate.single_combined_domains(comparison, ev)
    countries = aggregate.country_domain(ev)
    cells = aggregate.arm_outcome_cells(ev)
    out += [
        ("overview", describe.overview(ev, lang)),
        ("effects_summary", describe.effects_summary(ev, lang)),
        ("polarity", describe.polarity(ev, lang)),
        ("gaps", describe.gaps(ev, lang)),
        ("missing_files", describe.missing_files(ev, lang)),
        ("verdict_summary", describe.verdict_summary(by_domain, lang)),
        ("sign_test_caution", describe.sign_test_caution(signs_arm, signs_case, ev, lang)),
        ("alt_sign_tests", describe.alt_sign_tests(signs_arm, ev, lang)),
        ("alt_country_domain", describe.alt_country_domain(countries, ev, lang)),
        ("single_combined", describe.single_combined(comparison, overlap, ev, lang)),
    ]
    for page in plots.heatmap_pages(ev):
        out.append(("alt_effect_directions", describe.alt_effect_directions(ev, cells, page, lang)))
    for page in plots.arm_pages(ev, "verdicts"):
        out.append(("alt_verdicts", describe.alt_verdicts(by_domain, page, ev, lang)))
    if not comparison.empty:
        for page in plots.single_combined_pages(comparison):
            out.append(("alt_single_combined", describe.alt_single_combined(comparison, page, lang)))
        for page in plots.single_combined_domain_pages(overlap):
            out.append(
                ("alt_single_combined_domains", describe.alt_single_combined_domains(overlap, page, lang))
            )
    if ev.institutional is not None:
        out.append(("institutional", describe.institutional(aggregate.factor_summary(ev), ev, lang)))
        matrix = aggregate.institutional_matrix(ev)
        for page in plots.institutional_pages(ev, matrix):
            out.append(("alt_institutional", describe.alt_institutional(matrix, page, lang)))
    return out


def _leaks(ev: Evidence) -> list[str]:
    data = _data_strings(ev)
    problems = []
    for where, text in _spanish_texts(ev):
        plain = re.sub(r"\[[^\]]*\]", " ", text)  # citations: row keys as the data wrote them
        plain = re.sub(r"`[^`]*`", " ", plain).casefold()  # file and column names
        plain = re.sub(r"\b[\w.-]+\.csv\b", " ", plain)
        for name in data:
            plain = plain.replace(name, " ")
        words = set(re.findall(r"[a-z]+", plain)) & ENGLISH
        if words:
            problems.append(f"{where}: {sorted(words)} in {text!r}")
    return problems


@pytest.fixture(scope="module")
def synthetic_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("leaks")
    return {
        "default": write_synthetic(root / "default"),
        "required_only": write_synthetic(root / "required", only_required=True),
        "one_country": write_synthetic(root / "one", n_countries=1, cases_per_country=1, n_findings=5),
        "many": write_synthetic(root / "many", n_countries=14, n_findings=400, n_outcomes=20, n_domains=6),
    }


def test_no_english_in_spanish_text_of_the_shipped_data() -> None:
    problems = _leaks(load_evidence(DATA_DIR))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("shape", ["default", "required_only", "one_country", "many"])
def test_no_english_in_spanish_text_of_synthetic_data(shape: str, synthetic_dirs: dict[str, Path]) -> None:
    problems = _leaks(load_evidence(synthetic_dirs[shape]))
    assert not problems, "\n".join(problems)

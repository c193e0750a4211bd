"""The country-comparison narrative: prose in English and Spanish, generated from the evidence.

`build(ev)` turns the aggregate tables into a `Narrative` (sections → paragraphs →
sentences). Each sentence holds its text in both languages, the rows it rests on (`Ref`)
and every number it states (`Count`, with the query that reproduces it); `build` checks them:
`narrative.verify` recomputes every stated number from the table its `Count` names and raises
`verify.CountMismatch`, naming the sentence, when they differ. `render_markdown` prints one
language with compact citations; `write` saves both. The wording helpers (plurals, number words with gender,
lists joined with y/e and o/u) and `escape` (data text rendered as text in Markdown and
HTML) are public so they can be tested on their own.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from synergies import aggregate, claims, contract, i18n, text, vocabulary
from synergies.load import Evidence
from synergies.narrative import verify
from synergies.text import N_, NN_, NNP_, names, numbers, t, tn, tp
from synergies.text.grammar import (  # noqa: F401 (re-exported: the narrative's public wording helpers)
    NOUNS,
    capitalise,
    conjunction,
    count_noun,
    digits,
    gender,
    join_list,
    noun,
    number_word,
    pick,
)

ALPHA = vocabulary.ALPHA  # the significance level the power caution refers to
MAX_LISTED = 8  # longest list of individual outcomes or changes spelled out before counting instead
MAX_CASES_LISTED = 8  # longest list of per-case finding counts spelled out in the caveats
NARRATIVE_DIR = "narrative"
FILE_STEM = "country_comparison"

# The order citations are printed in, and how each file's rows are keyed.
REF_FILES = ("findings.csv", "cases.csv", "programmes.csv", "institutional.csv", "domains.csv", "sources.csv")


def _by_lang(msgids: dict[str, str]) -> dict[str, dict[str, str]]:
    """key → {lang: the catalogue's phrase}: a table of fixed phrases looked up once, at import."""
    return {key: {lang: text.gettext(lang, msgid) for lang in i18n.LANGS} for key, msgid in msgids.items()}


def _pairs_by_lang(context: str, pairs: dict[str, tuple[str, str]]) -> dict[str, dict[str, tuple[str, str]]]:
    """key → {lang: (singular, plural)} of `NNP_`-marked pairs, looked up once, at import."""
    return {
        key: {
            lang: (text.npgettext(lang, context, *pair, 1), text.npgettext(lang, context, *pair, 2))
            for lang in i18n.LANGS
        }
        for key, pair in pairs.items()
    }


# Adjectives describing findings by effect (Spanish agrees with the masculine "hallazgo").
EFFECT_ADJECTIVES = _pairs_by_lang(
    "describing findings by effect",
    {
        "beneficial": NNP_("describing findings by effect", "beneficial", "beneficial"),
        "adverse": NNP_("describing findings by effect", "adverse", "adverse"),
        "no_change": NNP_("describing findings by effect", "with no change", "with no change"),
        "unclear": NNP_("describing findings by effect", "unclear", "unclear"),
        "conflicting": NNP_("describing findings by effect", "conflicting", "conflicting"),
    },
)

# What a unit with a given verdict does: (singular subject, plural subject).
VERDICT_VERBS = _pairs_by_lang(
    "what a unit with this verdict does",
    {
        "beneficial": NNP_(
            "what a unit with this verdict does",
            "points to beneficial effects",
            "point to beneficial effects",
        ),
        "adverse": NNP_(
            "what a unit with this verdict does", "points to adverse effects", "point to adverse effects"
        ),
        "no_change": NNP_("what a unit with this verdict does", "shows no change", "show no change"),
        "unclear": NNP_(
            "what a unit with this verdict does",
            "shows only changes of ambiguous desirability",
            "show only changes of ambiguous desirability",
        ),
        "conflicting": NNP_(
            "what a unit with this verdict does", "gives conflicting findings", "give conflicting findings"
        ),
    },
)

TITLES = _by_lang(
    {
        "document": N_("Country comparison of evaluated effects"),
        "generated": N_("Generated from the data by `synergies.narrative`; edit the data, not this file."),
        "overview": N_("Overview"),
        "comparison": N_("Across countries"),
        "magnitudes": N_("Sizes of effects where reported"),
        "caveats": N_("Caveats"),
        "tracing": N_("How to trace a sentence"),
        "claims": N_("What the brief concludes, and what its evidence shows"),
        "references": N_("References"),
    }
)

# What a reader loses when an optional file is not given.
MISSING_CONSEQUENCES = _by_lang(
    {
        "domains.csv": N_(
            "domains appear in the order they first occur in `outcomes.csv` and are named by their keys."
        ),
        "cases.csv": N_(
            "cases are taken from `findings.csv`, so a case without findings (an evidence "
            "gap) cannot be shown and the programmes of each case are not named."
        ),
        "institutional.csv": N_(
            "there is no institutional analysis, so enablers of and barriers to coordination "
            "are not discussed."
        ),
        "factors.csv": N_("institutional factors, if any, are named by their keys."),
        "programmes.csv": N_(
            "the sector of each programme (social protection or productive development) is not stated."
        ),
        "sources.csv": N_(
            "there is no reference list, and source keys cannot be resolved to full citations."
        ),
        "arms.csv": N_(
            "what each arm receives and what its results are measured against are not coded, so every "
            "comparator is unknown and single and combined arms are paired by their labels only."
        ),
        "claims.csv": N_("no conclusion of a source is coded, so none is checked against the evidence."),
    }
)


# =========================================================================== structure


@dataclass(frozen=True)
class Ref:
    """One data row a sentence rests on: the contract file and the row's key in it."""

    file: str
    key: tuple[str, ...]

    def label(self) -> str:
        """How the row is written in a citation (unescaped)."""
        if self.file in ("cases.csv", "programmes.csv"):
            return f"{self.key[0]}/{self.key[1]}"
        if self.file == "institutional.csv":
            return f"{self.key[0]}/{self.key[1]}: {self.key[2]}"
        return self.key[0]


@dataclass(frozen=True)
class Count:
    """A number a sentence states, with the query over a named table that reproduces it.

    `unit` is "rows", "distinct:col[,col]", "value:col" (the value in the one matching row),
    "below:col" (the shown value is an upper bound of it), "max:col", or "min_size:cols" /
    "max_size:cols" (smallest / largest group). `where` filters rows (column, allowed values).
    Table "constant" holds method constants named by `unit`.
    """

    value: float
    table: str
    unit: str = "rows"
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence in both languages (Markdown, data already escaped), its rows and its numbers."""

    en: str
    es: str
    refs: tuple[Ref, ...] = ()
    counts: tuple[Count, ...] = ()

    def text(self, lang: str) -> str:
        """The sentence in `lang`, without its citation."""
        return self.en if i18n.check_lang(lang) == "en" else self.es


@dataclass(frozen=True)
class Paragraph:
    """Sentences read together; `as_list` prints each as a bullet."""

    sentences: tuple[Sentence, ...]
    as_list: bool = False


@dataclass(frozen=True)
class Section:
    """A headed part of the narrative; `key` is a country name or a fixed section key."""

    key: str
    title: dict[str, str]
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Narrative:
    """The whole text, language-independent in structure."""

    title: dict[str, str]
    sections: tuple[Section, ...]

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence, in reading order."""
        for section in self.sections:
            for paragraph in section.paragraphs:
                yield from paragraph.sentences

    def section(self, key: str) -> Section:
        """The section with this key (a country name, or overview, comparison, caveats ...)."""
        return next(s for s in self.sections if s.key == key)


def _count(value: float, table: str, unit: str = "rows", **where: object) -> Count:
    """A Count with its filters normalised to sorted (column, values-as-strings) pairs."""
    pairs = []
    for column, allowed in sorted(where.items()):
        values = allowed if isinstance(allowed, list | tuple | set | frozenset) else (allowed,)
        pairs.append((column, tuple(sorted(str(v) for v in values))))
    return Count(value, table, unit, tuple(pairs))


def _say(en: str, es: str, refs: Iterable[Ref] = (), counts: Iterable[Count] = ()) -> Sentence:
    """A sentence with its refs de-duplicated and sorted, so the same data give the same text."""
    unique = sorted(set(refs), key=lambda r: (REF_FILES.index(r.file), [natural_key(k) for k in r.key]))
    return Sentence(en, es, tuple(unique), tuple(counts))


# The context of each later item of a negative list, by the preposition the sentence puts before the
# list: Spanish repeats it before every later item ("sobre A ni sobre B"), English does not.
_NOR_ITEM = {
    "on": lambda lang, item: tp(lang, "a later item of a negative list after 'on'", "{item}", item=item),
    "in": lambda lang, item: tp(lang, "a later item of a negative list after 'in'", "{item}", item=item),
    "concerns": lambda lang, item: tp(
        lang, "a later item of a negative list after 'concerns'", "{item}", item=item
    ),
}


def _nor_list(lang: str, items: Sequence[str], after: str) -> str:
    """A negative list ("no findings on A or B" / "sobre A ni sobre B") after the preposition `after`."""
    later = [_NOR_ITEM[after](lang, item) for item in items[1:]]
    return join_list([*items[:1], *later], lang, "nor")


def _said(text_of: Callable[[str], str], refs: Iterable[Ref] = (), counts: Iterable[Count] = ()) -> Sentence:
    """A sentence whose text in each language is `text_of(lang)` (a catalogue lookup)."""
    return _say(text_of("en"), text_of("es"), refs, counts)


# =========================================================================== wording helpers


_DIGIT_RUNS = re.compile(r"(\d+)")


@functools.cache  # ids are sorted again in every sentence citing them; see `build`
def natural_key(text: str) -> tuple:
    """Sort key that orders embedded numbers by value: F2 before F10."""
    parts = _DIGIT_RUNS.split(str(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~#])")
# An underscore inside a word never starts emphasis (CommonMark), so only edge underscores are escaped.
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: object) -> str:
    """Data text made safe to print: HTML special characters and Markdown punctuation escaped.

    Line breaks become spaces, so a value cannot start a heading, list or table of its own.
    """
    value = " ".join(str(text).split())
    value = html.escape(value, quote=False)
    value = _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)
    # `&` is backslash-escaped (CommonMark), so the Markdown source reads "A \& B", never "A &amp; B"
    value = value.replace("&amp;", "\\&")
    value = _EDGE_UNDERSCORE.sub(r"\\_", value)
    value = re.sub(r"^([+\-=>])", r"\\\1", value)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", value)


_TRAILING_NUMBER = re.compile(r"(.*?)(\d+)")


def compact_ids(ids: Iterable[str]) -> list[str]:
    """Finding ids in natural order, with runs of three or more consecutive numbers written A–B."""
    return [_item_text(item) for item in _id_items(ids)]


def _item_text(item: list[str]) -> str:
    """One item of `_id_items` as printed: "F03–F09" for a range, else the id."""
    return f"{item[0]}–{item[-1]}" if len(item) > 1 else item[0]


def _id_items(ids: Iterable[str]) -> list[list[str]]:
    """The items `compact_ids` prints, each with the ids it stands for (a range, or one id)."""
    unique = sorted(set(ids), key=natural_key)
    parsed = [_TRAILING_NUMBER.fullmatch(i) for i in unique]
    out: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        """Close the current run: one item when it is long enough to print as a range, else one per id."""
        out.extend([list(run)] if len(run) >= 3 else [[i] for i in run])
        run.clear()

    previous = None
    for ident, match in zip(unique, parsed, strict=True):
        current = (match.group(1), len(match.group(2)), int(match.group(2))) if match else None
        follows = (
            current is not None
            and previous is not None
            and current[:2] == previous[:2]
            and current[2] == previous[2] + 1
        )
        if not follows:
            flush()
        run.append(ident)
        previous = current
    flush()
    return out


# Longest run of finding ids (or ranges) a citation prints; beyond it the rest are counted. A sentence
# resting on thousands of findings stays readable, and `Sentence.refs` keeps every one of them.
MAX_CITED_IDS = 12


def citation(refs: Sequence[Ref], lang: str = "en") -> str:
    """Refs as printed: " [F01–F03, F07; Colombia/PPP; Peru/Haku Wiñay + Juntos: factor_a, factor_b]"."""
    if not refs:
        return ""
    groups: list[str] = []
    findings = [r.key[0] for r in refs if r.file == "findings.csv"]
    if findings:
        groups.append(_cited_findings(findings, lang))
    seen: set[str] = set()
    for file in REF_FILES[1:]:
        of_file = [r for r in refs if r.file == file]
        if file == "institutional.csv":
            by_case: dict[tuple[str, str], list[str]] = {}
            for r in of_file:
                by_case.setdefault((r.key[0], r.key[1]), []).append(r.key[2])
            for (country, case), factors in by_case.items():
                shown = ", ".join(escape(f) for f in sorted(set(factors), key=natural_key))
                groups.append(f"{escape(country)}/{escape(case)}: {shown}")
            continue
        for r in of_file:
            label = r.label()
            if label not in seen:
                seen.add(label)
                groups.append(escape(label))
    return " [" + "; ".join(groups) + "]"


def _cited_findings(ids: Sequence[str], lang: str) -> str:
    """Finding ids as printed, compacted into ranges; past MAX_CITED_IDS items the others are counted."""
    items = _id_items(ids)
    shown = ", ".join(escape(_item_text(item)) for item in items[:MAX_CITED_IDS])
    if len(items) <= MAX_CITED_IDS:
        return shown
    rest = sum(len(item) for item in items[MAX_CITED_IDS:])
    more = number_word(rest, lang, gender("finding"))
    findings = noun(rest, "finding", lang)
    return shown + (t(lang, ", … and {more} more {findings}", more=more, findings=findings))


def _with_citation(text: str, refs: Sequence[Ref], lang: str = "en") -> str:
    """Put the citation before the sentence's final punctuation mark."""
    cite = citation(refs, lang)
    if cite and text and text[-1] in ".:":
        return text[:-1] + cite + text[-1]
    return text + cite


def _percent(value: float, lang: str) -> str:
    """A percentage as each language writes it: "70%" / "70 %"."""
    return numbers.percent(lang, value, 0 if float(value).is_integer() else 1)


def _p_value(p: float, column: str, table: str, lang: str = "en", **where: object) -> tuple[str, Count]:
    """ "p = 0.125" / "p = 0,125" (or "p < 0.001") by `text.numbers`, and the Count that checks it."""
    relation, shown = numbers.p_shown(p)
    kind = "below" if relation == "<" else "value"
    return numbers.p_value(lang, p), _count(float(shown), table, f"{kind}:{column}", **where)


# =========================================================================== facts


@dataclass
class _Facts:
    """The evidence plus every aggregate table and label the sentences draw on, computed once."""

    ev: Evidence
    arms: pd.DataFrame
    arm_verdicts: pd.DataFrame
    case_verdicts: pd.DataFrame
    country_verdicts: pd.DataFrame
    tests_arm: pd.DataFrame
    tests_case: pd.DataFrame
    gaps: pd.DataFrame
    comparison: pd.DataFrame
    factors: pd.DataFrame | None
    contrasts: pd.DataFrame | None
    labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    _groups: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, ev: Evidence) -> _Facts:
        """Compute every table once from the evidence."""
        arm_verdicts = aggregate.effects_by_domain(ev)
        case_verdicts = aggregate.case_domain_verdicts(ev)
        facts = cls(
            ev=ev,
            arms=aggregate.arms(ev),
            arm_verdicts=arm_verdicts,
            case_verdicts=case_verdicts,
            country_verdicts=aggregate.country_domain_verdicts(ev),
            tests_arm=aggregate.sign_tests(arm_verdicts, ev, unit="arm"),
            tests_case=aggregate.sign_tests(case_verdicts, ev, unit="case"),
            gaps=aggregate.evidence_gaps(ev),
            comparison=aggregate.single_vs_combined(ev),
            factors=aggregate.factor_summary(ev),
            contrasts=aggregate.national_barrier_local_enabler_rows(ev),
        )
        for lang in i18n.LANGS:
            facts.labels[lang] = {
                "domain": i18n.labels(ev.domains, "domain", lang),
                "outcome": i18n.labels(ev.outcomes, "outcome", lang),
                "factor": i18n.labels(ev.factors, "factor", lang) if ev.factors is not None else {},
            }
        return facts

    def tables(self) -> dict[str, pd.DataFrame | None]:
        """The tables already computed here, by the names counts use (see `verify.Tables`)."""
        return {
            "effects_by_domain": self.arm_verdicts,
            "case_domain_verdicts": self.case_verdicts,
            "country_domain_verdicts": self.country_verdicts,
            "sign_tests_arm": self.tests_arm,
            "sign_tests_case": self.tests_case,
            "evidence_gaps": self.gaps,
            "single_vs_combined": self.comparison,
            "factor_summary": self.factors,
            "national_barrier_local_enabler_rows": self.contrasts,
        }

    @property
    def findings(self) -> pd.DataFrame:
        """All findings of the evidence."""
        return self.ev.findings

    @property
    def countries(self) -> list[str]:
        """Every country of the findings or the cases, alphabetically."""
        names = set(self.findings["country"]) | set(self.ev.cases["country"])
        return sorted(names, key=str.casefold)

    def domain(self, key: str, lang: str) -> str:
        """A domain's label, escaped and in italics (labels are names of categories)."""
        return f"*{escape(self.labels[lang]['domain'].get(key, key))}*"

    def outcome(self, key: str, lang: str) -> str:
        """An outcome's label, escaped and in italics, never case-changed.

        A label may be a noun phrase ("Food crop products") or a clause ("Recovered from the
        2016/17 drought", "A household member has a job"), and may start with an acronym: every
        template names it as a name ("the outcome *...*", or after a colon), so any label reads
        right in every language.
        """
        return f"*{escape(self.labels[lang]['outcome'].get(key, key))}*"

    def outcomes(self, keys: Sequence[str], lang: str) -> str:
        """ "the outcome *A*" / "the outcomes *A* and *B*": labels named as outcomes, for running text."""
        return tn(
            lang,
            "the outcome {outcomes}",
            "the outcomes {outcomes}",
            len(keys),
            outcomes=join_list([self.outcome(k, lang) for k in keys], lang),
        )

    def factor(self, key: str, lang: str) -> str:
        """An institutional factor's label, escaped and in italics."""
        return f"*{escape(self.labels[lang]['factor'].get(key, key))}*"

    def domain_rank(self, domains: Iterable[str]) -> list[str]:
        """Domains in display order."""
        order = {d: i for i, d in enumerate(self.ev.domain_order)}
        return sorted(set(domains), key=lambda d: (order.get(d, len(order)), d))

    def country_findings(self, country: str) -> pd.DataFrame:
        """The findings of one country (grouped once, so large data stay fast)."""
        if "country" not in self._groups:
            self._groups["country"] = dict(list(self.findings.groupby("country", sort=False)))
        return self._groups["country"].get(country, self.findings.iloc[0:0])

    def case_findings(self, country: str, case: str) -> pd.DataFrame:
        """The findings of one case."""
        if "case" not in self._groups:
            self._groups["case"] = dict(list(self.findings.groupby(["country", "case"], sort=False)))
        return self._groups["case"].get((country, case), self.findings.iloc[0:0])

    def evaluated_cases(self, country: str) -> list[str]:
        """Cases of a country that have findings, alphabetically."""
        arms = self.arms
        rows = arms[(arms["country"] == country) & (arms["n_findings"] > 0)]
        return list(dict.fromkeys(rows["case"]))

    def gap_cases(self, country: str) -> list[str]:
        """Cases of a country without findings (evidence gaps), alphabetically."""
        gaps = self.gaps
        if gaps.empty:
            return []
        rows = gaps[(gaps["kind"] == "case_without_findings") & (gaps["country"] == country)]
        return list(rows["case"])


def country_name(country: str, lang: str) -> str:
    """A country's name in `lang`, escaped."""
    return escape(names.country(lang, country))


def _case_in_country(case: str, country: str, lang: str) -> str:
    """ "Case (Country)", escaped."""
    return f"{escape(case)} ({country_name(country, lang)})"


def _finding_refs(frame: pd.DataFrame) -> list[Ref]:
    """Refs to the findings in `frame`."""
    return [Ref("findings.csv", (i,)) for i in frame["finding_id"].tolist()]


def _case_ref(country: str, case: str) -> Ref:
    """Ref to a case row of cases.csv."""
    return Ref("cases.csv", (country, case))


def _institutional_refs(frame: pd.DataFrame) -> list[Ref]:
    """Refs to the institutional rows in `frame`."""
    return [Ref("institutional.csv", (r.country, r.case, r.factor)) for r in frame.itertuples()]


# =========================================================================== overview


def _overview(f: _Facts) -> Section:
    """What the data hold, the evidence gaps in one line, and how effects are counted."""
    findings = f.findings
    n = len(findings)
    n_outcomes = findings["outcome"].nunique()
    n_domains = findings["domain"].nunique()
    with_findings = f.arms[f.arms["n_findings"] > 0]
    n_cases = with_findings[["country", "case"]].drop_duplicates().shape[0]
    countries = sorted(set(findings["country"]), key=str.casefold)
    counts = [
        _count(n, "findings"),
        _count(n_outcomes, "findings", "distinct:outcome"),
        _count(n_domains, "findings", "distinct:domain"),
        _count(n_cases, "findings", "distinct:country,case"),
        _count(len(countries), "findings", "distinct:country"),
    ]
    sentences = []
    for_lang = {}
    for lang in i18n.LANGS:
        names = join_list([country_name(c, lang) for c in countries], lang)
        place = f"{count_noun(len(countries), 'country', lang)}: {names}"
        for_lang[lang] = t(
            lang,
            "The data hold {findings} on {outcomes} in {domains}, from {cases} in {place}.",
            findings=count_noun(n, "finding", lang),
            outcomes=count_noun(n_outcomes, "outcome", lang),
            domains=count_noun(n_domains, "domain", lang),
            cases=count_noun(n_cases, "evaluated_case", lang),
            place=place,
        )
    sentences.append(_say(for_lang["en"], for_lang["es"], _finding_refs(findings), counts))
    gap_sentence = _overview_gaps(f)
    if gap_sentence:
        sentences.append(gap_sentence)
    sentences.append(_method_sentence())
    return Section("overview", TITLES["overview"], (Paragraph(tuple(sentences)),))


def _overview_gaps(f: _Facts) -> Sentence | None:
    """Cases without impact findings, counted and placed by country."""
    gaps = f.gaps[f.gaps["kind"] == "case_without_findings"] if not f.gaps.empty else f.gaps
    if gaps.empty:
        return None
    k = len(gaps)
    countries = sorted(set(gaps["country"]), key=str.casefold)
    refs = [_case_ref(r.country, r.case) for r in gaps.itertuples()]
    count = _count(k, "evidence_gaps", kind="case_without_findings")
    texts = {
        lang: capitalise(
            tn(
                lang,
                "{number} more case, in {where}, has no reported impact results and is treated as an "
                "evidence gap.",
                "{number} more cases, in {where}, have no reported impact results and are treated as "
                "evidence gaps.",
                k,
                number=number_word(k, lang),
                where=join_list([country_name(c, lang) for c in countries], lang),
            )
        )
        for lang in i18n.LANGS
    }
    return _say(texts["en"], texts["es"], refs, [count])


def _method_sentence() -> Sentence:
    """How effects are counted: direction only, and the within-group agreement rule."""
    share = round(aggregate.VERDICT_THRESHOLD * 100)
    count = _count(share, "constant", "verdict_threshold_percent")
    said = {
        lang: t(
            lang,
            "Effects are counted by direction, not by size or statistical significance: a "
            "change is beneficial or adverse according to the desirable direction the "
            "codebook gives its outcome, and a group of findings points to an effect when "
            "at least {share} of those with a direction agree.",
            share=_percent(share, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], counts=[count])


# =========================================================================== one country


def _country_section(f: _Facts, country: str) -> Section:
    """A country's cases, what their findings show, single versus combined, and institutions."""
    paragraphs = [Paragraph(tuple(_case_sentences(f, country)))]
    if f.evaluated_cases(country):
        paragraphs.append(Paragraph(tuple(_findings_sentences(f, country))))
        paragraphs.append(Paragraph(tuple(_arm_comparison_sentences(f, country))))
    institutional = _institutional_country_sentences(f, country)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    title = {lang: country_name(country, lang) for lang in i18n.LANGS}
    return Section(country, title, tuple(paragraphs))


def _programme_items(f: _Facts, country: str, case: str, lang: str) -> tuple[list[str], list[Ref]]:
    """The programmes of a case as "Name (sector)" items, with the programme rows they rest on."""
    cases = f.ev.cases
    if "programmes" not in cases.columns:
        return [], []
    if "programmes" not in f._groups:
        keys = zip(cases["country"], cases["case"], strict=True)
        f._groups["programmes"] = dict(zip(keys, cases["programmes"], strict=True))
        progs = f.ev.programmes
        pairs = (
            zip(progs["country"], progs["programme"], progs["sector"], strict=True)
            if progs is not None
            else ()
        )
        f._groups["sectors"] = {(c, p): sector for c, p, sector in pairs}
    listed = f._groups["programmes"].get((country, case), "")
    names = [p.strip() for p in str(listed).split(";") if p.strip()]
    sectors = f._groups["sectors"]
    items, refs = [], []
    for name in names:
        if (country, name) in sectors:
            items.append(f"{escape(name)} ({i18n.word(sectors[(country, name)], lang)})")
            refs.append(Ref("programmes.csv", (country, name)))
        else:
            items.append(escape(name))
    return items, refs


def _case_phrase(f: _Facts, country: str, case: str, lang: str) -> tuple[str, list[Ref]]:
    """A case's name and, when known, the programmes it brings together."""
    items, refs = _programme_items(f, country, case, lang)
    name = escape(case)
    if len(items) >= 2:
        joined = join_list(items, lang)
        return (t(lang, "{name}, which brings together {joined}", name=name, joined=joined)), refs
    if len(items) == 1:
        return (t(lang, "{name}, built on {programme}", name=name, programme=items[0])), refs
    return name, refs


def _case_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Which cases a country has, their programmes and sectors, and which lack impact results."""
    evaluated, gaps = f.evaluated_cases(country), f.gap_cases(country)
    sentences = []
    if evaluated:
        k = len(evaluated)
        texts = {}
        refs: list[Ref] = [_case_ref(country, c) for c in evaluated]
        for lang in i18n.LANGS:
            phrases = []
            for case in evaluated:
                phrase, prog_refs = _case_phrase(f, country, case, lang)
                phrases.append(phrase)
                refs += prog_refs
            what = count_noun(k, "evaluated_case", lang)
            verb = t(lang, "has")
            lead = ", " if k == 1 else ": "
            texts[lang] = f"{country_name(country, lang)} {verb} {what}{lead}{join_list(phrases, lang)}."
        count = _count(k, "findings", "distinct:case", country=country)
        sentences.append(_say(texts["en"], texts["es"], refs, [count]))
    if gaps:
        sentences.append(_gap_case_sentence(f, country, gaps, also=bool(evaluated)))
    return sentences


def _gap_case_sentence(f: _Facts, country: str, gaps: list[str], also: bool) -> Sentence:
    """Cases of a country with no impact results: named as evidence gaps."""
    g = len(gaps)
    refs: list[Ref] = [_case_ref(country, c) for c in gaps]
    texts = {}
    for lang in i18n.LANGS:
        phrases = []
        for case in gaps:
            phrase, prog_refs = _case_phrase(f, country, case, lang)
            phrases.append(phrase)
            refs += prog_refs
        joined = join_list(phrases, lang)
        name = country_name(country, lang)
        what = count_noun(g, "case", lang)
        if also:
            texts[lang] = tn(
                lang,
                "It also has {what} with no reported impact results, {joined}: an evidence gap.",
                "It also has {what} with no reported impact results, {joined}: evidence gaps.",
                g,
                what=what,
                joined=joined,
            )
        else:
            texts[lang] = tn(
                lang,
                "{name} has {what}, {joined}, but no impact results are reported for it, so it is an "
                "evidence gap.",
                "{name} has {what}, {joined}, but no impact results are reported for them, so they are "
                "evidence gaps.",
                g,
                name=name,
                what=what,
                joined=joined,
            )
    count = _count(g, "evidence_gaps", kind="case_without_findings", country=country)
    return _say(texts["en"], texts["es"], refs, [count])


def _findings_sentences(f: _Facts, country: str) -> list[Sentence]:
    """How many findings in which domains, what they point to, and the adverse and unclear ones."""
    sentences = [_findings_count_sentence(f, country)]
    sentences += _domain_verdict_sentences(f, country)
    for effect in ("adverse", "unclear", "no_change"):
        sentence = _effect_detail_sentence(f, country, effect)
        if sentence:
            sentences.append(sentence)
    return sentences


def _findings_count_sentence(f: _Facts, country: str) -> Sentence:
    """ "Its evaluation reports N findings in K domains: A (n); ...; none on X or Y." """
    rows = f.country_findings(country)
    domains = f.domain_rank(rows["domain"])
    n, k = len(rows), len(domains)
    unmeasured = (
        []
        if f.gaps.empty
        else list(
            f.gaps[(f.gaps["kind"] == "domain_not_measured") & (f.gaps["country"] == country)]["domain"]
        )
    )
    several = len(f.evaluated_cases(country)) > 1
    counts = [
        _count(n, "findings", country=country),
        _count(k, "findings", "distinct:domain", country=country),
    ]
    per_domain = {d: int((rows["domain"] == d).sum()) for d in domains}
    if k > 1:
        counts += [_count(v, "findings", country=country, domain=d) for d, v in per_domain.items()]
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list(
            [
                f"{f.domain(d, lang)} ({number_word(v, lang, 'm', before_noun=False)})"
                for d, v in per_domain.items()
            ],
            lang,
        )
        where = f": {listed}" if k > 1 else f", {f.domain(domains[0], lang)}"
        slots = {"findings": count_noun(n, "finding", lang), "domains": count_noun(k, "domain", lang)}
        if several:
            text = t(lang, "Their evaluations report {findings} in {domains}{where}", where=where, **slots)
        else:
            text = t(lang, "Its evaluation reports {findings} in {domains}{where}", where=where, **slots)
        if unmeasured:
            listed = _nor_list(lang, [f.domain(d, lang) for d in unmeasured], "on")
            text += t(lang, "; there are no findings on {domains}", domains=listed)
        texts[lang] = text + "."
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _effect_breakdown(tally: dict[str, int], lang: str, where: dict[str, str]) -> tuple[str, list[Count]]:
    """ "two beneficial and one adverse" from findings counted by effect, with the counts it states."""
    parts, counts = [], []
    for effect in vocabulary.EFFECTS:
        n = int(tally.get(effect, 0))
        if n:
            adjective = EFFECT_ADJECTIVES[effect][lang][0 if n == 1 else 1]
            parts.append(f"{number_word(n, lang, 'm', before_noun=False)} {adjective}")
            counts.append(_count(n, "findings", effect=effect, **where))
    return join_list(parts, lang), counts


def _domain_verdict_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Domains where the country's cases agree on a verdict, then domains where they do not."""
    table = f.country_verdicts[f.country_verdicts["country"] == country]
    rows = f.country_findings(country)
    k = len(table)
    sentences = []
    for verdict in vocabulary.DISCERNIBLE:
        domains = list(table.loc[table["verdict"] == verdict, "domain"])
        if not domains:
            continue
        refs = _finding_refs(rows[rows["domain"].isin(domains) & (rows["effect"] == verdict)])
        counts = []
        texts = {}
        for lang in i18n.LANGS:
            if len(domains) == k and k > 1:
                where = t(lang, "all {number} domains", number=number_word(k, lang))
            else:
                where = join_list([f.domain(d, lang) for d in domains], lang)
            one = len(rows) == 1
            verb = VERDICT_VERBS[verdict][lang][0 if one else 1]
            texts[lang] = tn(
                lang,
                "Its only finding {verb} in {where}.",
                "The findings {verb} in {where}.",
                len(rows),
                verb=verb,
                where=where,
            )
        if len(domains) == k and k > 1:
            counts.append(_count(k, "country_domain_verdicts", country=country))
        sentences.append(_say(texts["en"], texts["es"], refs, counts))
    unclear = list(table.loc[table["verdict"] == "unclear", "domain"])
    if unclear:
        texts = {
            lang: t(
                lang,
                "In {domains}, every change concerns an outcome of ambiguous desirability, so the "
                "direction of the effect cannot be judged.",
                domains=join_list([f.domain(d, lang) for d in unclear], lang),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows[rows["domain"].isin(unclear)])))
    for domain in table.loc[table["verdict"].isin(["conflicting", "mixed"]), "domain"]:
        sentences.append(_split_domain_sentence(f, country, domain))
    return sentences


def _arm_subject(arm: str, case: str, lang: str) -> str:
    """The arm whose result a clause reports, never its case: 'PPP', or 'FEST (an arm of FEST + UNIDOS)'."""
    if arm == case:
        return escape(arm)
    return t(lang, "{arm} (an arm of {case})", arm=escape(arm), case=escape(case))


def _split_domain_sentence(f: _Facts, country: str, domain: str) -> Sentence:
    """A domain where findings conflict or the country's cases disagree: what each arm shows.

    Each clause names the arm whose findings it reports: a case's name would attribute one arm's
    result to the case, or to its other arms.
    """
    arms = f.arm_verdicts[(f.arm_verdicts["country"] == country) & (f.arm_verdicts["domain"] == domain)]
    rows = f.country_findings(country)
    rows = rows[rows["domain"] == domain]
    counts: list[Count] = []
    texts = {}
    for lang in i18n.LANGS:
        clauses = []
        for r in arms.itertuples():
            clause = f"{_arm_subject(r.intervention, r.case, lang)} {VERDICT_VERBS[r.verdict][lang][0]}"
            if r.verdict == "conflicting":
                tally = {e: getattr(r, e) for e in vocabulary.EFFECTS}
                breakdown, found = _effect_breakdown(
                    tally,
                    lang,
                    {"country": country, "case": r.case, "intervention": r.intervention, "domain": domain},
                )
                clause += f" ({breakdown})"
                if lang == i18n.LANGS[0]:  # the counts are the same in every language: keep one set
                    counts += found
            clauses.append(clause)
        prefix = t(lang, "In")
        texts[lang] = f"{prefix} {f.domain(domain, lang)}, {join_list(clauses, lang)}."
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _change_items(f: _Facts, rows: pd.DataFrame, lang: str) -> list[str]:
    """ "an increase in X under A and B" for each outcome and direction among `rows`."""
    items = []
    order = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    groups = rows.groupby(["outcome", "direction"], sort=False)["intervention"]
    disputed = set(rows.loc[rows["contested"].astype(bool), "outcome"]) if "contested" in rows else set()
    for (outcome, direction), interventions in sorted(groups, key=lambda g: (order.get(g[0][0], 0), g[0][1])):
        names = [escape(a) for a in sorted(set(interventions), key=str.casefold)]
        mark = " " + t(lang, "(its direction is contested by another source)") if outcome in disputed else ""
        if len(names) == 2:
            arms = t(lang, "both {first} and {second}", first=names[0], second=names[1])
        else:
            arms = tp(lang, "the interventions a change came under", "{arms}", arms=join_list(names, lang))
        change = {"increase": t(lang, "an increase"), "decrease": t(lang, "a decrease")}.get(
            direction, tp(lang, "the change in an outcome", "no change")
        )
        items.append(
            t(
                lang,
                "{change} in the outcome {outcome} under {arms}",
                change=change,
                outcome=f.outcome(outcome, lang),
                arms=arms,
            )
            + mark
        )
    return items


def _domain_counts(f: _Facts, rows: pd.DataFrame, lang: str) -> str:
    """ "A (three) and B (one)": findings per domain among `rows`."""
    domains = f.domain_rank(rows["domain"])
    if len(domains) == 1:
        return f.domain(domains[0], lang)
    return join_list(
        [
            f"{f.domain(d, lang)} ({number_word(int((rows['domain'] == d).sum()), lang, before_noun=False)})"
            for d in domains
        ],
        lang,
    )


def _effect_detail_sentence(f: _Facts, country: str, effect: str) -> Sentence | None:
    """The adverse, unclear or no-change findings of a country, spelled out when few, else counted."""
    rows = f.country_findings(country)
    rows = rows[rows["effect"] == effect]
    n = len(rows)
    if not n:
        return None
    counts = [_count(n, "findings", country=country, effect=effect)]
    detailed = effect != "no_change" and rows.groupby(["outcome", "direction"]).ngroups <= MAX_LISTED
    if not detailed and rows["domain"].nunique() > 1:
        counts += [
            _count(int((rows["domain"] == d).sum()), "findings", country=country, effect=effect, domain=d)
            for d in f.domain_rank(rows["domain"])
        ]
    texts = {}
    for lang in i18n.LANGS:
        number = capitalise(number_word(n, lang, "m"))
        detail = join_list(_change_items(f, rows, lang), lang) if detailed else _domain_counts(f, rows, lang)
        texts[lang] = _effect_detail_text(effect, n, number, detail, detailed, lang)
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _effect_detail_text(effect: str, n: int, number: str, detail: str, detailed: bool, lang: str) -> str:
    """The wording of one effect-detail sentence."""
    where = ": " + detail if detailed else t(lang, ", in {place}", place=detail)
    if effect == "adverse":
        return tn(
            lang,
            "{number} finding is adverse{where}.",
            "{number} findings are adverse{where}.",
            n,
            number=number,
            where=where,
        )
    if effect == "unclear":
        return tn(
            lang,
            "{number} change cannot be judged, because the codebook marks the desirable direction of its "
            "outcome as ambiguous{where}.",
            "{number} changes cannot be judged, because the codebook marks the desirable direction of their "
            "outcomes as ambiguous{where}.",
            n,
            number=number,
            where=where,
        )
    return tn(
        lang,
        "{number} finding shows no change{where}.",
        "{number} findings show no change{where}.",
        n,
        number=number,
        where=where,
    )


# --------------------------------------------------------------------------- single versus combined


def _arm_comparison_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per evaluated case: the single-versus-combined comparison, or why there is none."""
    sentences: list[Sentence] = []
    comparison = f.comparison
    for case in f.evaluated_cases(country):
        pairs = (
            comparison[(comparison["country"] == country) & (comparison["case"] == case)]
            if not comparison.empty
            else comparison
        )
        if pairs.empty:
            sentences.append(_one_kind_of_arm_sentence(f, country, case))
            continue
        for (single, combined), rows in pairs.groupby(["single_arm", "combined_arm"], sort=False):
            if "comparison" in rows and rows["comparison"].eq("not_nested").all():
                sentences.append(_not_nested_sentence(f, country, case, single, combined, rows))
            elif "comparison_basis" in rows and rows["comparison_basis"].eq("direct_contrast").any():
                sentences.append(_direct_contrast_sentence(f, case, single, combined, rows))
            else:
                sentences += _arm_pair_sentences(f, country, case, single, combined, rows)
    return sentences


def _pair_refs(rows: pd.DataFrame) -> list[Ref]:
    """The findings of both arms of a pair's rows."""
    ids = [
        i for col in ("single_findings", "combined_findings") for v in rows[col] for i in v.split(";") if i
    ]
    return [Ref("findings.csv", (i,)) for i in ids]


def _not_nested_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> Sentence:
    """A single and a combined arm that arms.csv shows not nested: no comparison, and why."""
    return _said(
        lambda lang: t(
            lang,
            "In {case}, {combined} does not receive every programme of {single} (arms.csv), so the two "
            "arms are not compared as single against combined.",
            case=escape(case),
            combined=escape(combined),
            single=escape(single),
        ),
        _pair_refs(rows),
    )


def _direct_contrast_sentence(
    f: _Facts, case: str, single: str, combined: str, rows: pd.DataFrame
) -> Sentence:
    """A combined arm measured against the single arm itself: what adding its programmes did, by outcome."""
    direct = rows[rows["comparison_basis"] == "direct_contrast"]
    groups = {
        kind: list(direct.loc[direct["comparison"] == kind, "outcome"])
        for kind in ("combined_better", "same", "combined_worse", "cannot_tell")
    }
    phrases = {
        "combined_better": N_("better on {outcomes}"),
        "same": N_("no differently on {outcomes}"),
        "combined_worse": N_("worse on {outcomes}"),
        "cannot_tell": N_("in a way that cannot be judged on {outcomes}"),
    }
    refs = [Ref("findings.csv", (i,)) for v in direct["combined_findings"] for i in v.split(";") if i]
    refs += [Ref("findings.csv", (i,)) for v in direct["single_findings"] for i in v.split(";") if i]
    texts = {}
    for lang in i18n.LANGS:
        parts = [
            t(lang, phrases[kind], outcomes=_outcome_list(f, outcomes, lang))
            for kind, outcomes in groups.items()
            if outcomes
        ]
        first = direct.iloc[0]
        base = [c.strip() for c in first["single_components"].split(";") if c.strip()]
        added = [
            c.strip() for c in first["combined_components"].split(";") if c.strip() and c.strip() not in base
        ]
        if added:
            with_added = t(lang, "with {added} added", added=join_list([escape(a) for a in added], lang))
        else:
            with_added = t(lang, "with the programmes it adds")
        texts[lang] = t(
            lang,
            "In {case}, {combined} was measured against {single} itself, a direct contrast between the arms: "
            "{with_added}, households fared {items}.",
            case=escape(case),
            combined=escape(combined),
            single=escape(single),
            with_added=with_added,
            items=join_list(parts, lang),
        )
    return _say(texts["en"], texts["es"], refs)


def _one_kind_of_arm_sentence(f: _Facts, country: str, case: str) -> Sentence:
    """A case whose findings all concern single arms, or all combined ones."""
    rows = f.case_findings(country, case)
    kind = rows["arm"].iloc[0]
    arms = sorted(set(rows["intervention"]), key=str.casefold)
    k = len(arms)
    texts = {}
    for lang in i18n.LANGS:
        names = join_list([escape(a) for a in arms], lang)
        if kind == "single":
            texts[lang] = tn(
                lang,
                "All findings of {case} concern its single arm, {names}; no combined arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                "All findings of {case} concern its single arms, {names}; no combined arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                k,
                case=escape(case),
                names=names,
            )
        else:
            texts[lang] = tn(
                lang,
                "All findings of {case} concern its combined arm, {names}; no single arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                "All findings of {case} concern its combined arms, {names}; no single arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                k,
                case=escape(case),
                names=names,
            )
    return _say(texts["en"], texts["es"], _finding_refs(rows))


def _arm_pair_sentences(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> list[Sentence]:
    """Compare one single arm with one combined arm of the same case, outcome by outcome and by domain."""
    comparable = rows[rows["comparable"]]
    ids = [
        i for col in ("single_findings", "combined_findings") for v in rows[col] for i in v.split(";") if i
    ]
    refs = [Ref("findings.csv", (i,)) for i in ids]
    if comparable.empty:
        return [
            _not_comparable_sentence(f, case, single, combined, rows, refs),
            _domain_overlap_sentence(f, country, case, single, combined),
        ]
    return [_comparable_sentence(f, country, case, single, combined, rows, refs)]


def _outcome_list(f: _Facts, outcomes: list[str], lang: str) -> str:
    """Outcome labels as a list, or their number when the list would be too long to read."""
    if len(outcomes) > MAX_LISTED:
        return count_noun(len(outcomes), "outcome", lang)
    return f.outcomes(outcomes, lang)


def _not_comparable_sentence(
    f: _Facts, case: str, single: str, combined: str, rows: pd.DataFrame, refs: list[Ref]
) -> Sentence:
    """Both arms exist but share no outcome: say so and what each measured."""
    single_outcomes = list(rows.loc[rows["single_effect"] != "", "outcome"])
    combined_outcomes = list(rows.loc[rows["combined_effect"] != "", "outcome"])
    counts = []
    for outcomes, arm in ((single_outcomes, single), (combined_outcomes, combined)):
        if len(outcomes) > MAX_LISTED:
            counts.append(_count(len(outcomes), "findings", "distinct:outcome", case=case, intervention=arm))
    s, c = escape(single), escape(combined)
    said = {
        lang: t(
            lang,
            "The evaluation of {case} covers a single arm, {s}, and a combined arm, {c}, "
            "but measures them on different outcomes, so they cannot be compared outcome "
            "by outcome: {s} was measured on {single_outcomes}; {c} on {combined_outcomes}.",
            case=escape(case),
            s=s,
            c=c,
            single_outcomes=_outcome_list(f, single_outcomes, lang),
            combined_outcomes=_outcome_list(f, combined_outcomes, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], refs, counts)


def _domain_overlap_sentence(f: _Facts, country: str, case: str, single: str, combined: str) -> Sentence:
    """Where two arms share no outcome: do they at least share a domain, and what does each show there?"""
    verdicts = f.arm_verdicts[(f.arm_verdicts["country"] == country) & (f.arm_verdicts["case"] == case)]
    by_arm = {
        arm: dict(zip(g["domain"], g["verdict"], strict=True)) for arm, g in verdicts.groupby("intervention")
    }
    shared = f.domain_rank(set(by_arm.get(single, {})) & set(by_arm.get(combined, {})))
    of_arms = f.case_findings(country, case)
    of_arms = of_arms[of_arms["intervention"].isin([single, combined])]
    rows = of_arms[of_arms["domain"].isin(shared)]
    if not shared:
        return _said(
            lambda lang: t(
                lang, "Nor do the arms share a domain, so not even a domain-level comparison is possible."
            ),
            _finding_refs(of_arms),
        )
    texts = {}
    for lang in i18n.LANGS:
        clauses = []
        for d in shared:
            a, b = by_arm[single][d], by_arm[combined][d]
            if a == b:
                both = t(lang, "both")
                clauses.append((d, f"{both} {VERDICT_VERBS[a][lang][1]}"))
            else:
                clauses.append(
                    (
                        d,
                        t(
                            lang,
                            "the single arm {single_verdict} and the combined arm {combined_verdict}",
                            single_verdict=VERDICT_VERBS[a][lang][0],
                            combined_verdict=VERDICT_VERBS[b][lang][0],
                        ),
                    )
                )
        if len(shared) == 1:
            d, clause = clauses[0]
            texts[lang] = t(
                lang,
                "At domain level they overlap only in {domain}, where {clause}.",
                domain=f.domain(d, lang),
                clause=clause,
            )
        else:
            listed = join_list(
                [t(lang, "in {domain}, {clause}", domain=f.domain(d, lang), clause=c) for d, c in clauses],
                lang,
            )
            texts[lang] = t(
                lang,
                "At domain level they overlap in {domains}: {listed}.",
                domains=count_noun(len(shared), "domain", lang),
                listed=listed,
            )
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    counts = [] if len(shared) == 1 else [_count(len(shared), "arm_pair_shared_domains", **where)]
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _rank(effect: str) -> int | None:
    """Order of desirability of an effect; None when it cannot be ranked (unclear, conflicting)."""
    return {"beneficial": 2, "no_change": 1, "adverse": 0}.get(effect)


def _comparable_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame, refs: list[Ref]
) -> Sentence:
    """Arms that share outcomes: on how many they agree, and which does better where they differ."""
    comparable = rows[rows["comparable"]]
    tally = {"same": 0, "combined": 0, "single": 0, "unranked": 0}
    kind = {"same": "same", "combined_better": "combined", "combined_worse": "single"}
    for comparison in comparable["comparison"]:  # two unclear effects are never "the same"
        tally[kind.get(comparison, "unranked")] += 1
    c, other = len(comparable), len(rows) - len(comparable)
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    counts = [_count(c, "single_vs_combined", comparable="True", **where)]
    counts += [_count(v, "arm_pair_tally", k, **where) for k, v in tally.items() if v]
    if other > 1:
        counts.append(_count(other, "single_vs_combined", comparable="False", **where))
    phrases = {
        "same": NN_("the effect is the same on {n}", "the effect is the same on {n}"),
        "combined": NN_("the combined arm does better on {n}", "the combined arm does better on {n}"),
        "single": NN_("the single arm does better on {n}", "the single arm does better on {n}"),
        "unranked": NN_(
            "{n} cannot be ranked (ambiguous or conflicting)",
            "{n} cannot be ranked (ambiguous or conflicting)",
        ),
    }
    texts = {}
    for lang in i18n.LANGS:
        parts = [
            tn(lang, *phrases[k], v, n=number_word(v, lang, before_noun=False)) for k, v in tally.items() if v
        ]
        s, cb = escape(single), escape(combined)
        text = t(
            lang,
            "In {case}, the single arm {s} and the combined arm {cb} were both measured "
            "on {outcomes}: {items}.",
            case=escape(case),
            s=s,
            cb=cb,
            outcomes=count_noun(c, "outcome", lang),
            items=join_list(parts, lang),
        )
        if other:
            text += (
                tn(
                    lang,
                    " The other {outcomes} has no counterpart in the other arm.",
                    " The other {outcomes} have no counterpart in the other arm.",
                    other,
                    outcomes=count_noun(other, "outcome", lang),
                )
                if other > 1
                else t(lang, " The remaining outcome has no counterpart in the other arm.")
            )
        texts[lang] = text
    return _say(texts["en"], texts["es"], refs, counts)


# --------------------------------------------------------------------------- institutions of a country


def _roles(f: _Facts, rows: pd.DataFrame, lang: str) -> tuple[list[str], list[Count]]:
    """ "two enablers, A (national) and B (local)" per assessment, for a case's institutional rows."""
    parts, counts = [], []
    records = list(rows[["country", "case", "factor", "level", "assessment"]].itertuples(index=False))
    for assessment in vocabulary.ASSESSMENTS:
        mine = [r for r in records if r.assessment == assessment]
        if not mine:
            continue
        n = len(mine)
        factors = [f"{f.factor(r.factor, lang)} ({i18n.word(r.level, lang)})" for r in mine]
        parts.append(f"{count_noun(n, assessment, lang)}, {join_list(factors, lang)}")
        counts.append(
            _count(n, "institutional", country=mine[0].country, case=mine[0].case, assessment=assessment)
        )
    return parts, counts


def _sorted_institutional(f: _Facts, rows: pd.DataFrame) -> pd.DataFrame:
    """Institutional rows in factor-vocabulary order, then by level and factor key."""
    order = list(f.ev.factors["factor"]) if f.ev.factors is not None else []
    rank = {k: i for i, k in enumerate(order)}
    work = rows.assign(
        _rank=rows["factor"].map(rank).fillna(len(rank)),
        _level=rows["level"].map({"national": 0, "local": 1}),
        _name=rows["factor"].str.casefold(),
    )
    work = work.sort_values(["_rank", "_level", "_name"], kind="stable")
    return work.drop(columns=["_rank", "_level", "_name"])


def _institutional_country_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per case: the enablers, barriers and mixed factors its institutional analysis names."""
    inst = f.ev.institutional
    if inst is None:
        return []
    mine = _sorted_institutional(f, inst[inst["country"] == country])
    by_case = dict(list(mine.groupby("case", sort=False)))
    sentences = []
    for case in sorted(by_case, key=str.casefold):
        rows = by_case[case]
        texts, counts = {}, []
        for lang in i18n.LANGS:
            parts, found = _roles(f, rows, lang)
            counts = found
            verb = t(lang, "names")
            head = t(lang, "The institutional analysis of")
            texts[lang] = f"{head} {escape(case)} {verb} {join_list(parts, lang)}."
        sentences.append(_say(texts["en"], texts["es"], _institutional_refs(rows), counts))
    return sentences


# =========================================================================== across countries


def _comparison_section(f: _Facts) -> Section:
    """Recurrence of beneficial effects, sign tests with their power caution, gaps and institutions."""
    recurrence = _recurrence_sentences(f)
    paragraphs = [Paragraph(tuple(recurrence))] if recurrence else []
    tests = _sign_test_items(f)
    if tests:
        paragraphs.append(Paragraph((_sign_test_intro(),)))
        paragraphs.append(Paragraph(tuple(tests), as_list=True))
        power = _power_sentence(f)
        if power:
            paragraphs.append(Paragraph((power,)))
    robust = _robustness_sentences(f)
    if robust:
        paragraphs.append(Paragraph((_robustness_intro(),)))
        paragraphs.append(Paragraph(tuple(robust), as_list=True))
    gaps = _country_gap_sentences(f)
    if gaps:
        paragraphs.append(Paragraph(tuple(gaps)))
    institutional = _institutional_comparison_sentences(f)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    return Section("comparison", TITLES["comparison"], tuple(paragraphs))


def _countries_by_domain(f: _Facts, verdict: str) -> dict[str, tuple[str, ...]]:
    """Per domain, the countries where at least one case's findings point to `verdict`."""
    table = f.country_verdicts
    hits = table[table[f"n_{verdict}"] > 0]
    out: dict[str, tuple[str, ...]] = {}
    for domain in f.domain_rank(hits["domain"]):
        out[domain] = tuple(sorted(set(hits.loc[hits["domain"] == domain, "country"]), key=str.casefold))
    return out


def _verdict_refs(f: _Facts, domains: Iterable[str], countries: Iterable[str], verdict: str) -> list[Ref]:
    """The findings behind a verdict: those with that effect in cases whose domain verdict it is."""
    cv = f.case_verdicts
    keep = cv[
        cv["domain"].isin(list(domains)) & cv["country"].isin(list(countries)) & (cv["verdict"] == verdict)
    ]
    columns = ["country", "case", "domain"]
    rows = f.findings
    in_kept = pd.MultiIndex.from_frame(rows[columns]).isin(pd.MultiIndex.from_frame(keep[columns]))
    return _finding_refs(rows[in_kept & (rows["effect"] == verdict).to_numpy()])


def _recurrence_sentences(f: _Facts) -> list[Sentence]:
    """Domains where beneficial (or adverse) effects recur across countries, occur in one, or in none."""
    sentences: list[Sentence] = []
    beneficial = _countries_by_domain(f, "beneficial")
    measured = {d: set(f.findings.loc[f.findings["domain"] == d, "country"]) for d in f.ev.domain_order}
    groups: dict[tuple[str, ...], list[str]] = {}
    for domain, countries in beneficial.items():
        if len(countries) >= 2:
            groups.setdefault(countries, []).append(domain)
    for countries, domains in groups.items():
        sentences.append(_recurs_sentence(f, countries, domains))
    alone: dict[str, list[str]] = {}
    for domain, countries in beneficial.items():
        if len(countries) == 1:
            alone.setdefault(countries[0], []).append(domain)
    for country in sorted(alone, key=str.casefold):
        sentences.append(_alone_sentence(f, country, alone[country], measured))
    nowhere = [d for d in f.ev.domain_order if measured[d] and d not in beneficial]
    if nowhere:
        rows = f.findings[f.findings["domain"].isin(nowhere)]
        texts = {
            lang: t(
                lang,
                "No country's findings point to beneficial effects in {domains}.",
                domains=_nor_list(lang, [f.domain(d, lang) for d in nowhere], "in"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows)))
    adverse = _countries_by_domain(f, "adverse")
    for domain, countries in adverse.items():
        n = len(countries)
        said = {
            lang: t(
                lang,
                "Adverse effects predominate in {domain} in cases from {countries}: {items}.",
                domain=f.domain(domain, lang),
                countries=count_noun(n, "country", lang),
                items=join_list([country_name(c, lang) for c in countries], lang),
            )
            for lang in i18n.LANGS
        }
        count = _count(n, "case_domain_verdicts", "distinct:country", domain=domain, verdict="adverse")
        sentences.append(
            _say(said["en"], said["es"], _verdict_refs(f, [domain], countries, "adverse"), [count])
        )
    unmeasured = [d for d in f.ev.domain_order if not measured[d]]
    if unmeasured:
        texts = {
            lang: t(
                lang,
                "No finding concerns {domains}.",
                domains=_nor_list(lang, [f.domain(d, lang) for d in unmeasured], "concerns"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], [Ref("domains.csv", (d,)) for d in unmeasured]))
    return sentences


def _recurs_sentence(f: _Facts, countries: tuple[str, ...], domains: list[str]) -> Sentence:
    """Beneficial effects found in the same two or more countries across these domains."""
    n, k = len(countries), len(domains)
    counts = [_count(n, "case_domain_verdicts", "distinct:country", domain=domains, verdict="beneficial")]
    if k > 1:
        counts.append(_count(k, "recurring_domains", countries=countries))
    texts = {}
    for lang in i18n.LANGS:
        names = join_list([country_name(c, lang) for c in countries], lang)
        listed = join_list([f.domain(d, lang) for d in domains], lang)
        where = f"{count_noun(k, 'domain', lang)}: {listed}" if k > 1 else listed
        texts[lang] = t(
            lang,
            "Beneficial effects recur in {countries} ({names}) in {where}.",
            countries=count_noun(n, "country", lang),
            names=names,
            where=where,
        )
    return _say(texts["en"], texts["es"], _verdict_refs(f, domains, countries, "beneficial"), counts)


def _alone_sentence(f: _Facts, country: str, domains: list[str], measured: dict[str, set[str]]) -> Sentence:
    """Domains where beneficial effects come from one country only, and whether others measured them."""
    others = {d: sorted(measured[d] - {country}, key=str.casefold) for d in domains}
    nobody_else = not any(others.values())
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list([f.domain(d, lang) for d in domains], lang)
        name = country_name(country, lang)
        text = t(lang, "Beneficial effects in {domains} come from {name} alone", domains=listed, name=name)
        if nobody_else:
            text += tn(
                lang,
                "; no other country has findings in that domain",
                "; no other country has findings in these domains",
                len(domains),
            )
        else:
            also = [
                tn(
                    lang,
                    "{countries} measured {domain} without a beneficial verdict",
                    "{countries} measured {domain} without a beneficial verdict",
                    len(others[d]),
                    countries=join_list([country_name(c, lang) for c in others[d]], lang),
                    domain=f.domain(d, lang),
                )
                for d in domains
                if others[d]
            ]
            text += "; " + join_list(also, lang)
        texts[lang] = text + "."
    refs = _verdict_refs(f, domains, [country], "beneficial")
    refs += _finding_refs(f.findings[f.findings["domain"].isin(domains) & (f.findings["country"] != country)])
    return _say(texts["en"], texts["es"], refs)


# --------------------------------------------------------------------------- sign tests


def _sign_test_intro() -> Sentence:
    """What the sign test counts and which arms cannot vote."""
    share = round(aggregate.VERDICT_THRESHOLD * 100)
    count = _count(share, "constant", "verdict_threshold_percent")
    said = {
        lang: t(
            lang,
            "A sign test per domain counts the intervention arms whose findings point the "
            "same way (at least {share} of those with a direction agreeing) and asks "
            "whether beneficial arms outnumber adverse ones by more than chance would; "
            "arms with conflicting findings, no change or only outcomes of ambiguous "
            "desirability are reported but do not count.",
            share=_percent(share, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], counts=[count])


def _unit_counts(row: pd.Series, lang: str, unit_noun: str) -> tuple[str, list[Count]]:
    """ "two arms beneficial, none adverse and one conflicting" for one sign-test row."""
    table = "sign_tests_" + row["unit"]
    where = {"domain": row["domain"]}
    n_ben = int(row["n_beneficial"])
    counts = []
    if n_ben:
        adjective = EFFECT_ADJECTIVES["beneficial"][lang][0 if n_ben == 1 else 1]
        first = f"{count_noun(n_ben, unit_noun, lang)} {adjective}"
        counts.append(_count(n_ben, table, "value:n_beneficial", **where))
    else:
        first = t(lang, "no {unit} beneficial", unit=noun(1, unit_noun, lang))
    parts = [first]
    for column, effect in (
        ("n_adverse", "adverse"),
        ("n_conflicting", "conflicting"),
        ("n_no_change", "no_change"),
        ("n_unclear", "unclear"),
    ):
        n = int(row[column])
        adjective = EFFECT_ADJECTIVES[effect][lang][0 if n == 1 else 1]
        if n:
            parts.append(f"{number_word(n, lang, 'm', before_noun=False)} {adjective}")
            counts.append(_count(n, table, f"value:{column}", **where))
        elif effect == "adverse":
            singular = EFFECT_ADJECTIVES[effect][lang][0]
            parts.append(t(lang, "none {singular}", singular=singular))
    return join_list(parts, lang), counts


def _sign_test_items(f: _Facts) -> list[Sentence]:
    """One list item per measured domain: arm verdicts, the p-value, and the case-level version if needed."""
    items = []
    for row, case_row in zip(
        (r for _, r in f.tests_arm.iterrows()), (r for _, r in f.tests_case.iterrows()), strict=True
    ):
        if row["n_units"] == 0:
            continue
        domain = row["domain"]
        rows = f.findings[f.findings["domain"] == domain]
        texts, counts = {}, []
        voting = int(row["n_beneficial"] + row["n_adverse"])
        for lang in i18n.LANGS:
            described, found = _unit_counts(row, lang, "arm")
            if voting:
                p_text, p_count = _p_value(row["p_value"], "p_value", "sign_tests_arm", lang, domain=domain)
                text = f"{f.domain(domain, lang)}: {described} ({p_text})."
                found.append(p_count)
            else:
                text = t(
                    lang,
                    "{domain}: {described}; no arm points the same way clearly, so there is no test.",
                    domain=f.domain(domain, lang),
                    described=described,
                )
            if voting and int(row["n_evaluations"]) < voting:
                extra, extra_counts = _case_level_text(f, domain, case_row, lang)
                text += " " + extra
                found += extra_counts
            texts[lang] = text
            if lang == i18n.LANGS[0]:  # the counts are the same in every language: keep one set
                counts = found
        items.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return items


def _case_level_text(f: _Facts, domain: str, case_row: pd.Series, lang: str) -> tuple[str, list[Count]]:
    """Arms of one evaluation counted separately: which, and the test counting each evaluation once."""
    av = f.arm_verdicts
    voters = av[(av["domain"] == domain) & av["verdict"].isin(vocabulary.VOTING)]
    per_case = voters.groupby(["country", "case"], sort=False)["intervention"].nunique()
    repeated = per_case[per_case > 1]
    counts = []
    pieces = []
    for (country, case), n in repeated.items():
        where = {"domain": domain, "country": country, "case": case, "verdict": ["beneficial", "adverse"]}
        counts.append(_count(int(n), "effects_by_domain", "distinct:intervention", **where))
        arms = count_noun(int(n), "arm", lang)
        pieces.append(t(lang, "{arms} of {case}", arms=arms, case=_case_in_country(case, country, lang)))
    described, found = _unit_counts(case_row, lang, "case")
    counts += found
    k = int(sum(repeated))
    if case_row["n_beneficial"] + case_row["n_adverse"] > 0:
        p_text, p_count = _p_value(case_row["p_value"], "p_value", "sign_tests_case", lang, domain=domain)
        counts.append(p_count)
        result = f"{described} ({p_text})"
    else:
        result = t(lang, "{described}, and no test is possible", described=described)
    text = tn(
        lang,
        "Here {items} was counted separately; counting each evaluation once gives {result}.",
        "Here {items} were counted separately; counting each evaluation once gives {result}.",
        k,
        items=join_list(pieces, lang),
        result=result,
    )
    return text, counts


def _smallest_testable() -> int:
    """The fewest unanimous units with which a two-sided sign test can fall below ALPHA."""
    n = 1
    while aggregate.sign_test(n, 0)[0] >= ALPHA:
        n += 1
    return n


def _power_sentence(f: _Facts) -> Sentence | None:
    """The caution about power: how many arms a sign test needs, and which domains have fewer."""
    limit = _smallest_testable() - 1
    tested = f.tests_arm[(f.tests_arm["n_beneficial"] + f.tests_arm["n_adverse"]) > 0]
    if tested.empty:
        return None
    weak = list(tested.loc[(tested["n_beneficial"] + tested["n_adverse"]) <= limit, "domain"])
    counts = [_count(limit, "constant", "max_units_without_significance"), _count(ALPHA, "constant", "alpha")]
    if not weak:
        return _said(
            lambda lang: t(
                lang,
                "Every domain tested has more than {number} arms pointing the same way, so the "
                "test could detect a consistent direction; it still says nothing about the "
                "size of the effects.",
                number=number_word(limit, lang),
            ),
            counts=[counts[0]],
        )
    all_weak = len(weak) == len(tested)
    texts = {}
    for lang in i18n.LANGS:
        where = (
            (t(lang, "every domain tested here"))
            if all_weak
            else join_list([f.domain(d, lang) for d in weak], lang)
        )
        texts[lang] = t(
            lang,
            "With {number} or fewer arms pointing the same way, a sign test cannot reach p "
            "< {alpha} even when all of them agree. That is the case in {where}, so these "
            "tests have almost no power: a p-value above {alpha} does not show that the "
            "programmes have no effect, and the counts describe the evidence rather than "
            "prove an effect.",
            number=number_word(limit, lang),
            alpha=numbers.decimal(lang, ALPHA, 2),
            where=where,
        )
    return _say(texts["en"], texts["es"], counts=[*counts, _count(ALPHA, "constant", "alpha")])


# --------------------------------------------------------------------------- evidence gaps across countries


def _country_gap_sentences(f: _Facts) -> list[Sentence]:
    """Countries with no impact evaluation at all: named as evidence gaps and left out of the comparison."""
    sentences = []
    for country in f.countries:
        gaps = f.gap_cases(country)
        if f.evaluated_cases(country) or not gaps:
            continue
        inst = f.ev.institutional
        rows = inst[inst["country"] == country] if inst is not None else None
        has_institutional = rows is not None and not rows.empty
        refs = [_case_ref(country, c) for c in gaps]
        if has_institutional:
            refs += _institutional_refs(rows)
        g = len(gaps)
        texts = {}
        for lang in i18n.LANGS:
            slots = {"name": country_name(country, lang), "cases": join_list([escape(c) for c in gaps], lang)}
            if has_institutional:
                texts[lang] = tn(
                    lang,
                    "{name} has no reported impact results in these data: its case {cases} has an "
                    "institutional analysis but no reported effects, so {name} is an evidence gap and "
                    "does not enter the comparisons above.",
                    "{name} has no reported impact results in these data: its cases {cases} have an "
                    "institutional analysis but no reported effects, so {name} is an evidence gap and "
                    "does not enter the comparisons above.",
                    g,
                    **slots,
                )
            else:
                texts[lang] = tn(
                    lang,
                    "{name} has no reported impact results in these data: its case {cases} reports no "
                    "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                    "{name} has no reported impact results in these data: its cases {cases} report no "
                    "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                    g,
                    **slots,
                )
        sentences.append(_say(texts["en"], texts["es"], refs))
    return sentences


# --------------------------------------------------------------------------- institutions across countries


def _role_phrase(assessment: str, level: str, lang: str, article: bool = True) -> str:
    """ "a national enabler" / "facilitador nacional" / "a mixed factor at local level"."""
    lvl = i18n.word(level, lang)
    if assessment == "unstated":
        if article:
            return t(lang, "a factor reported without direction at {level} level", level=lvl)
        return t(lang, "factor reported without direction at {level} level", level=lvl)
    if assessment == "mixed":
        if article:
            return t(lang, "a mixed factor at {level} level", level=lvl)
        return t(lang, "mixed factor at {level} level", level=lvl)
    role = i18n.word(assessment, lang)
    if article:
        return tp(lang, "an institutional role with an article", "a {level} {role}", level=lvl, role=role)
    return tp(lang, "an institutional role without an article", "{level} {role}", level=lvl, role=role)


def _institutional_comparison_sentences(f: _Facts) -> list[Sentence]:
    """Recurring factors, the national-barrier/local-enabler pattern, and factors of one case."""
    if f.ev.institutional is None or f.factors is None or f.factors.empty:
        return []
    sentences = [_recurring_factor_sentence(f, r) for r in f.factors.itertuples() if r.n_cases >= 2]
    named = {r.factor for r in f.factors.itertuples() if r.n_cases >= 2}
    contrast = _contrast_sentence(f)
    if contrast:
        sentences.append(contrast)
        named |= {r.key[2] for r in contrast.refs if r.file == "institutional.csv"}
    single = [r.factor for r in f.factors.itertuples() if r.n_cases == 1 and r.factor not in named]
    if single:
        sentences.append(_single_case_factors_sentence(f, single))
    return sentences


def _recurring_factor_sentence(f: _Facts, summary: object) -> Sentence:
    """A factor named in two or more cases: where, and whether it helped or hindered each time."""
    inst = f.ev.institutional
    rows = aggregate.sort_display(inst[inst["factor"] == summary.factor], f.ev)
    rank = {**{a: i for i, a in enumerate(contract.ASSESSMENTS)}, "national": 0, "local": 1}
    roles = sorted(
        set(zip(rows["assessment"], rows["level"], strict=True)), key=lambda r: (rank[r[0]], rank[r[1]])
    )
    n_cases, n_countries = int(summary.n_cases), int(summary.n_countries)
    counts = [
        _count(n_cases, "institutional", "distinct:country,case", factor=summary.factor),
        _count(n_countries, "institutional", "distinct:country", factor=summary.factor),
    ]
    texts = {}
    for lang in i18n.LANGS:
        where = t(
            lang,
            "{cases} in {countries}",
            cases=count_noun(n_cases, "case", lang),
            countries=count_noun(n_countries, "country", lang),
        )
        name = f.factor(summary.factor, lang)
        if len(roles) == 1:
            cases = join_list([_case_in_country(r.case, r.country, lang) for r in rows.itertuples()], lang)
            role = _role_phrase(*roles[0], lang)
            texts[lang] = t(
                lang,
                "{name} recurs in {where}, always as {role}: {cases}.",
                name=name,
                where=where,
                role=role,
                cases=cases,
            )
        else:
            pieces = []
            for assessment, level in roles:
                mine = rows[(rows["assessment"] == assessment) & (rows["level"] == level)]
                cases = join_list(
                    [_case_in_country(r.case, r.country, lang) for r in mine.itertuples()], lang
                )
                pieces.append(
                    t(lang, "{role} in {cases}", role=_role_phrase(assessment, level, lang), cases=cases)
                )
            texts[lang] = t(
                lang,
                "{name} recurs in {where}, with different assessments: {items}.",
                name=name,
                where=where,
                items=join_list(pieces, lang),
            )
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)


def _contrast_sentence(f: _Facts) -> Sentence | None:
    """Cases where national barriers sit beside local enablers, saying when the levels are inferred.

    Only with factors.csv's `aspect` can the text say that coordination itself finds support
    locally where national arrangements hinder it; the factors involved must then be about
    coordination. Without `aspect` the pattern is stated without that reading.
    """
    ev = f.ev
    aspects = ev.factors is not None and bool((ev.factors["aspect"] != "").any())
    table = "coordination_contrast_rows" if aspects else "national_barrier_local_enabler_rows"
    rows = aggregate.national_barrier_local_enabler_rows(ev, "coordination") if aspects else f.contrasts
    if rows is None or rows.empty:
        return None
    cases = rows[["country", "case"]].drop_duplicates()
    n, c = len(cases), int(cases["country"].nunique())
    national = _sorted_institutional(f, rows[rows["level"] == "national"])["factor"].drop_duplicates()
    local = _sorted_institutional(f, rows[rows["level"] == "local"])["factor"].drop_duplicates()
    inferred = int((rows["level_basis"] == "inferred").sum())
    counts = [_count(n, table, "distinct:country,case"), _count(c, table, "distinct:country")]
    if inferred:
        counts += [_count(inferred, table, level_basis="inferred"), _count(len(rows), table)]
    texts = {}
    for lang in i18n.LANGS:
        slots = {
            "cases": count_noun(n, "case", lang),
            "countries": count_noun(c, "country", lang),
            "barriers": join_list([f.factor(k, lang) for k in national], lang),
            "enablers": join_list([f.factor(k, lang) for k in local], lang),
            "listed": join_list(
                [_case_in_country(r.case, r.country, lang) for r in cases.itertuples()], lang
            ),
        }
        if aspects:
            text = t(
                lang,
                "In {cases} in {countries}, coordination itself meets barriers at national level "
                "({barriers}) and enablers at local level ({enablers}): {listed}. In these cases "
                "coordination finds support locally even where national arrangements hinder it.",
                **slots,
            )
        else:
            text = t(
                lang,
                "In {cases} in {countries}, barriers at national level ({barriers}) sit beside enablers at "
                "local level ({enablers}): {listed}.",
                **slots,
            )
        if inferred:
            text += " " + t(
                lang,
                "The level of {inferred} of these {total} statements is the coders' inference, not stated "
                "in the source, so the pattern rests partly on inference.",
                inferred=number_word(inferred, lang, gender("row", lang)),
                total=number_word(len(rows), lang, gender("row", lang)),
            )
        texts[lang] = text
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)


def _single_case_factors_sentence(f: _Facts, factors: list[str]) -> Sentence:
    """Factors named in one case only, each with its role and case."""
    inst = f.ev.institutional
    rows = inst[inst["factor"].isin(factors)]
    counts = [_count(1, "factor_summary", "max:n_cases", factor=factors)]
    texts = {}
    for lang in i18n.LANGS:
        items = []
        for factor in factors:
            mine = rows[rows["factor"] == factor]
            case, country = mine["case"].iloc[0], mine["country"].iloc[0]
            roles = join_list(
                [
                    _role_phrase(r.assessment, r.level, lang)
                    for r in _sorted_institutional(f, mine).itertuples()
                ],
                lang,
            )
            where = _case_in_country(case, country, lang)
            items.append(
                t(
                    lang,
                    "{factor}, {roles} in {where}",
                    factor=f.factor(factor, lang),
                    roles=roles,
                    where=where,
                )
            )
        listed = (
            "; ".join(items[:-1])
            + (f"; {conjunction('and', lang, items[-1])} " if len(items) > 1 else "")
            + items[-1]
        )
        texts[lang] = tn(
            lang,
            "Another factor appears in one case only: {listed}.",
            "Other factors appear in one case each: {listed}.",
            len(factors),
            listed=listed,
        )
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)


# =========================================================================== caveats


def _caveats_section(f: _Facts) -> Section:
    """Direction only; findings per evaluation; sources; ambiguous outcomes; optional files not given."""
    sentences = [
        _said(
            lambda lang: t(
                lang,
                "The synthesis counts the direction of each effect only, not its size or "
                "statistical significance: a domain with many beneficial findings is not "
                "necessarily a domain with large effects.",
            )
        ),
    ]
    no_sizes = _no_magnitude_sentence(f)
    if no_sizes:
        sentences.append(no_sizes)
    per_case = _per_case_sentence(f)
    if per_case:
        sentences.append(per_case)
    source = _source_sentence(f)
    if source:
        sentences.append(source)
    ambiguous = _ambiguous_sentence(f)
    if ambiguous:
        sentences.append(ambiguous)
    sentences += _reporting_bias_sentences(f)
    sentences += [s for s in (_subgroup_sentence(f), _contested_sentence(f)) if s]
    paragraphs = [Paragraph(tuple(sentences))]
    missing = f.ev.missing_optional
    if missing:
        k = len(missing)
        count = _count(k, "missing_optional")
        lead = _said(
            lambda lang: capitalise(
                tn(
                    lang,
                    "{files} of the data contract was not given, and this text lacks what it would provide:",
                    "{files} of the data contract were not given, and this text lacks what they would "
                    "provide:",
                    k,
                    files=count_noun(k, "optional_file", lang),
                )
            ),
            counts=[count],
        )
        items = tuple(
            _said(
                lambda lang, name=name: t(
                    lang, "`{name}`: {consequence}", name=name, consequence=MISSING_CONSEQUENCES[name][lang]
                )
            )
            for name in missing
        )
        paragraphs += [Paragraph((lead,)), Paragraph(items, as_list=True)]
    return Section("caveats", TITLES["caveats"], tuple(paragraphs))


def _magnitude_section(f: _Facts) -> Section | None:
    """Pooled sizes of effects (`synergies.magnitude`), a paragraph per domain, only when the data carry them.

    Each sentence cites the findings pooled; its numbers (estimate, interval, k, I², tau²) are
    those of `pooled_estimates.csv` as notebook 04 writes it. statsmodels is imported only when at
    least two evaluations share a domain and measure.
    """
    from synergies import magnitude, magnitude_text

    if not magnitude.has_measures(f.ev):
        return None
    aligned = magnitude.aligned_estimates(f.ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    summary = _said(lambda lang: magnitude_text.summary(f.ev, aligned, pooled, lang))
    paragraphs = [Paragraph((summary,))]
    for domain in f.ev.domain_order:
        rows = pooled[pooled["domain"] == domain]
        sentences = tuple(
            _said(
                lambda lang, r=r: magnitude_text.pooled_sentence(f.ev, r, lang, cited=False),
                refs=[Ref("findings.csv", (i,)) for i in r.finding_ids.split(";")],
                counts=[
                    _count(
                        int(r.k),
                        "pooled_estimates",
                        "value:k",
                        domain=domain,
                        effect_measure=r.effect_measure,
                    )
                ],
            )
            for r in rows.itertuples(index=False)
        )
        if sentences:
            paragraphs.append(Paragraph(sentences))
    paragraphs.append(Paragraph((_said(magnitude_text.method_note),)))
    return Section("magnitudes", TITLES["magnitudes"], tuple(paragraphs))


def _no_magnitude_sentence(f: _Facts) -> Sentence | None:
    """The one sentence that says why no size is given, when no finding has an estimate with a measure."""
    from synergies import magnitude, magnitude_text

    if magnitude.has_measures(f.ev):
        return None
    return _said(lambda lang: magnitude_text.no_estimates(f.ev, lang))


def _subgroup_sentence(f: _Facts) -> Sentence | None:
    """Findings reported for a subgroup only (findings.csv, subgroup): not the arm's average effect."""
    rows = f.findings[f.findings["subgroup"] != ""]
    if rows.empty:
        return None
    n = len(rows)
    counts = [_count(n, "findings", subgroup=sorted(set(rows["subgroup"])))]
    texts = {}
    for lang in i18n.LANGS:
        items = [
            t(
                lang,
                "the outcome {outcome} under {arm} ({subgroup})",
                outcome=f.outcome(r.outcome, lang),
                arm=escape(r.intervention),
                subgroup=escape(r.subgroup),
            )
            for r in rows.itertuples()
        ]
        texts[lang] = tn(
            lang,
            "{number} finding is reported for a subgroup only, not for its arm's whole sample: {items}.",
            "{number} findings are reported for a subgroup only, not for their arms' whole samples: {items}.",
            n,
            number=capitalise(number_word(n, lang, gender("finding", lang))),
            items=join_list(items, lang),
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _contested_sentence(f: _Facts) -> Sentence | None:
    """Findings whose direction two sources report differently (direction_alt): shown as contested."""
    rows = f.findings[f.findings["contested"].astype(bool)]
    if rows.empty:
        return None
    n = len(rows)
    counts = [_count(n, "findings", contested=True)]
    texts = {}
    for lang in i18n.LANGS:
        items = [
            t(
                lang,
                "the outcome {outcome} under {arm} ({source}: {direction}; {alt_source}: {alt_direction})",
                outcome=f.outcome(r.outcome, lang),
                arm=escape(r.intervention),
                source=escape(r.source_id or "?"),
                direction=i18n.word(r.direction, lang),
                alt_source=escape(r.alt_source_id),
                alt_direction=i18n.word(r.direction_alt, lang),
            )
            for r in rows.itertuples()
        ]
        texts[lang] = tn(
            lang,
            "The sources disagree on the direction of {number} finding: {items}. The counts use the first "
            "source's reading; the finding is marked as contested (†) in the heatmap and in the check of "
            "the claims.",
            "The sources disagree on the direction of {number} findings: {items}. The counts use the first "
            "source's reading; the findings are marked as contested (†) in the heatmap and in the check of "
            "the claims.",
            n,
            number=number_word(n, lang, gender("finding", lang)),
            items=join_list(items, lang),
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _claims_section(f: _Facts) -> Section | None:
    """Each coded conclusion of the source (claims.csv) with its verdict, reason and rows (`claims`)."""
    if f.ev.claims is None:
        return None
    tables = {lang: claims.check_claims(f.ev, lang) for lang in i18n.LANGS}
    counts = claims.verdict_counts(tables["en"])
    intro = {}
    for lang in i18n.LANGS:
        parts = join_list(
            [f"{claims.word_verdict(v, lang)} ({digits(k, lang)})" for v, k in counts.items() if k], lang
        )
        intro[lang] = tn(
            lang,
            "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
            "against the findings and the institutional analysis above ({n} claim): {parts}. A claim is "
            "supported only where every part of the evidence it names bears it out.",
            "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
            "against the findings and the institutional analysis above ({n} claims): {parts}. A claim is "
            "supported only where every part of the evidence it names bears it out.",
            len(tables["en"]),
            parts=parts,
        )
    items = []
    for en, es in zip(tables["en"].itertuples(), tables["es"].itertuples(), strict=True):
        texts = {}
        for lang, row in (("en", en), ("es", es)):
            where = f" ({escape(row.locator)})" if row.locator else ""
            texts[lang] = (
                f"**{escape(row.claim_id)}**{where}: {escape(row.text)} "
                f"*{claims.word_verdict(row.verdict, lang)}*: {escape(row.reason)}"
            )
        items.append(_say(texts["en"], texts["es"], _claim_refs(en.rows)))
    paragraphs = (Paragraph((_say(intro["en"], intro["es"]),)), Paragraph(tuple(items), as_list=True))
    return Section("claims", TITLES["claims"], paragraphs)


def _claim_refs(cell: str) -> list[Ref]:
    """The rows of a claim's verdict (tables/claims.csv, rows) as citations."""
    refs = []
    for item in filter(None, cell.split(claims.ROW_SEPARATOR)):
        where, sep, factor = item.partition(": ")
        country, slash, case = where.partition(contract.CASE_SEPARATOR)
        if sep and slash:
            refs.append(Ref("institutional.csv", (country, case, factor)))
        elif slash:
            refs.append(Ref("cases.csv", (country, case)))
        else:
            refs.append(Ref("findings.csv", (item,)))
    return refs


def _per_case_sentence(f: _Facts) -> Sentence | None:
    """Findings are grouped by evaluation: how many each case contributes."""
    evaluated = f.arms[f.arms["n_findings"] > 0]
    per_case = evaluated.groupby(["country", "case"], sort=False)["n_findings"].sum()
    refs = [_case_ref(c, k) for c, k in per_case.index]
    if len(f.findings) == 1:
        return None
    if len(per_case) == 1:
        country, case = per_case.index[0]
        where = {"en": _case_in_country(case, country, "en"), "es": _case_in_country(case, country, "es")}
        return _said(
            lambda lang: t(
                lang,
                "All findings come from the evaluation of a single case, {case}, so they are "
                "not independent of one another.",
                case=where[lang],
            ),
            refs,
        )
    if len(per_case) <= MAX_CASES_LISTED:
        counts = [_count(int(v), "findings", country=c, case=k) for (c, k), v in per_case.items()]
        texts = {}
        for lang in i18n.LANGS:
            listed = join_list(
                [
                    t(
                        lang,
                        "{number} from {case}",
                        number=number_word(int(v), lang, before_noun=False),
                        case=_case_in_country(k, c, lang),
                    )
                    for (c, k), v in per_case.items()
                ],
                lang,
            )
            texts[lang] = listed
        said = {
            lang: t(
                lang,
                "Findings are not independent, because each case's findings come from the "
                "evaluation of that case: {per_case}. A case with many findings weighs more in "
                "counts by finding than in counts by case.",
                per_case=texts[lang],
            )
            for lang in i18n.LANGS
        }
        return _say(said["en"], said["es"], refs, counts)
    low, high = int(per_case.min()), int(per_case.max())
    counts = [
        _count(len(per_case), "findings", "distinct:country,case"),
        _count(low, "findings", "min_size:country,case"),
        _count(high, "findings", "max_size:country,case"),
    ]
    said = {
        lang: t(
            lang,
            "Findings are not independent, because each case's findings come from the "
            "evaluation of that case, and the {cases} evaluated cases contribute between "
            "{low} and {high} findings each. A case with many findings weighs more in "
            "counts by finding than in counts by case.",
            cases=number_word(len(per_case), lang),
            low=number_word(low, lang, before_noun=False),
            high=number_word(high, lang, before_noun=False),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], refs, counts)


def _source_sentence(f: _Facts) -> Sentence | None:
    """Which sources the findings cite, and how much of the evidence rests on each."""
    findings = f.findings
    named = findings[findings["source_id"] != ""]
    n, unnamed = len(findings), len(findings) - len(named)
    if named.empty:
        return _said(
            lambda lang: t(
                lang, "No finding names its source, so the evidence cannot be traced beyond `findings.csv`."
            ),
            _finding_refs(findings),
        )
    per_source = named.groupby("source_id").size()
    order = sorted(per_source.index, key=natural_key)
    refs = [Ref("sources.csv", (s,)) for s in order] if f.ev.sources is not None else _finding_refs(named)
    counts = [_count(int(per_source[s]), "findings", source_id=s) for s in order]
    if len(order) == 1 and not unnamed and n == 1:
        s = escape(order[0])
        return _said(
            lambda lang: t(
                lang,
                "The only finding cites source {s}, so the whole synthesis rests on how that "
                "source reports it.",
                s=s,
            ),
            refs,
            counts,
        )
    if len(order) == 1 and not unnamed:
        s = escape(order[0])
        said = {
            lang: t(
                lang,
                "All {findings} cite a single source, {s}, so the whole synthesis rests "
                "on how that source reports the evaluations.",
                s=s,
                findings=count_noun(n, "finding", lang),
            )
            for lang in i18n.LANGS
        }
        return _say(said["en"], said["es"], refs, counts)
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list(
            [f"{escape(s)} ({count_noun(int(per_source[s]), 'finding', lang)})" for s in order], lang
        )
        k = len(order)
        text = t(
            lang,
            "The findings cite {sources}: {listed}.",
            sources=count_noun(k, "source", lang),
            listed=listed,
        )
        if unnamed:
            lacking = capitalise(count_noun(unnamed, "finding", lang))
            text += tn(
                lang, " {lacking} names no source.", " {lacking} name no source.", unnamed, lacking=lacking
            )
        texts[lang] = text
    counts.append(_count(len(order), "findings", "distinct:source_id", source_id=order))
    if unnamed:
        counts.append(_count(unnamed, "findings", source_id=""))
    return _say(texts["en"], texts["es"], refs, counts)


def _ambiguous_sentence(f: _Facts) -> Sentence | None:
    """Measured outcomes whose desirable direction the codebook marks as ambiguous, named."""
    rows = f.findings[f.findings["better"] == "ambiguous"]
    if rows.empty:
        return None
    order = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    outcomes = sorted(set(rows["outcome"]), key=lambda o: order.get(o, 0))
    k = len(outcomes)
    count = _count(k, "findings", "distinct:outcome", better="ambiguous")
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list([f.outcome(o, lang) for o in outcomes], lang)
        texts[lang] = tn(
            lang,
            "{outcomes} has a desirable direction the codebook marks as ambiguous, so changes "
            "in it are reported as unclear rather than beneficial or adverse: {listed}.",
            "{outcomes} have a desirable direction the codebook marks as ambiguous, so "
            "changes in them are reported as unclear rather than beneficial or adverse: "
            "{listed}.",
            k,
            outcomes=capitalise(count_noun(k, "outcome", lang)),
            listed=listed,
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), [count])


# =========================================================================== tracing and references


def _tracing_section(f: _Facts) -> Section:
    """How a reader gets from a sentence to the rows it rests on."""
    given = f.ev.given
    example = escape(sorted(f.findings["finding_id"], key=natural_key)[0])
    items = [
        _said(
            lambda lang: t(
                lang,
                "An identifier such as {example} is a `finding_id` in `findings.csv`; a range "
                "written with a dash covers every identifier from the first to the last.",
                example=example,
            )
        ),
        _said(
            lambda lang: (
                t(
                    lang,
                    "Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`; in a "
                    "sentence about programmes, Country/Programme is a row of `programmes.csv`.",
                )
                if "programmes.csv" in given
                else t(lang, "Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`.")
            )
        ),
    ]
    if f.ev.institutional is not None:
        items.append(
            _said(
                lambda lang: t(
                    lang, "Country/Case: factor are the rows of `institutional.csv` for that case and factor."
                )
            )
        )
    items.append(
        _said(
            lambda lang: (
                t(
                    lang,
                    "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
                    "`outcomes.csv` when `domains.csv` is not given); a source key is a row of "
                    "`sources.csv`, listed under References.",
                )
                if f.ev.sources is not None
                else t(
                    lang,
                    "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
                    "`outcomes.csv` when `domains.csv` is not given).",
                )
            )
        )
    )
    lead = _said(
        lambda lang: t(
            lang,
            "Every sentence that states a fact from the data ends with the keys of the "
            "rows it rests on, in square brackets (country and case names as written in "
            "the data). To check a sentence, filter the file named below on those keys and "
            "compare:",
        )
    )
    return Section("tracing", TITLES["tracing"], (Paragraph((lead,)), Paragraph(tuple(items), as_list=True)))


def _references_section(f: _Facts) -> Section | None:
    """The bibliography from sources.csv, in natural order of its keys."""
    sources = f.ev.sources
    if sources is None or sources.empty:
        return None
    items = []
    for r in sorted(sources.itertuples(), key=lambda r: natural_key(r.source_id)):
        text = f"**{escape(r.source_id)}**: {escape(r.citation) if r.citation else ''}"
        if r.url:
            text += f" {escape(r.url)}"
        items.append(_say(text.rstrip(), text.rstrip(), [Ref("sources.csv", (r.source_id,))]))
    return Section("references", TITLES["references"], (Paragraph(tuple(items), as_list=True),))


# =========================================================================== public API


def build(ev: Evidence) -> Narrative:
    """The country-comparison narrative of `ev` in both languages, each sentence with its rows and numbers."""
    f = _Facts.of(ev)
    try:
        sections = [_overview(f)]
        sections += [_country_section(f, country) for country in f.countries]
        sections.append(_comparison_section(f))
        magnitudes = _magnitude_section(f)
        if magnitudes:
            sections.append(magnitudes)
        checked = _claims_section(f)
        if checked:
            sections.append(checked)
        sections += [_caveats_section(f), _tracing_section(f)]
        references = _references_section(f)
        if references:
            sections.append(references)
    finally:
        natural_key.cache_clear()  # one entry per finding id: keep it for one narrative only
    built = Narrative(TITLES["document"], tuple(sections))
    verify.check(built, ev, f.tables())  # every stated number against its table, or CountMismatch
    return built


def render_markdown(narrative: Narrative, lang: str) -> str:
    """The narrative in `lang` as Markdown: headings, paragraphs, lists, citations in brackets."""
    i18n.check_lang(lang)
    lines = [f"# {narrative.title[lang]}", "", f"*{TITLES['generated'][lang]}*", ""]
    try:
        for section in narrative.sections:
            lines += [f"## {section.title[lang]}", ""]
            for paragraph in section.paragraphs:
                bare = section.key == "references"
                texts = [_render_sentence(s, lang, bare=bare) for s in paragraph.sentences]
                lines += [f"- {t}" for t in texts] if paragraph.as_list else [" ".join(texts)]
                lines.append("")
    finally:
        natural_key.cache_clear()
    return "\n".join(lines).rstrip("\n") + "\n"


def _render_sentence(sentence: Sentence, lang: str, bare: bool = False) -> str:
    """A sentence with its citation; reference entries are their own citation."""
    text = sentence.text(lang)
    return text if bare else _with_citation(text, sentence.refs, lang)


def output_paths(output_dir: str | Path) -> dict[str, Path]:
    """Where `write` puts each language's text."""
    folder = Path(output_dir) / NARRATIVE_DIR
    return {lang: folder / f"{FILE_STEM}.{lang}.md" for lang in i18n.LANGS}


def write(ev: Evidence, output_dir: str | Path) -> list[Path]:
    """Write the narrative in English and Spanish under `output_dir`/narrative and return the paths."""
    narrative = build(ev)
    paths = output_paths(output_dir)
    written = []
    for lang, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_markdown(narrative, lang), encoding="utf-8", newline="\n")
        written.append(path)
    return written


# =========================================================================== robustness and reporting bias


def _robustness_intro() -> Sentence:
    """What the robustness grid is, before its per-domain items."""
    return _said(
        lambda lang: t(
            lang,
            "Each domain's verdict was recomputed under documented alternative choices, each differing "
            "from the baseline in a single choice: the clear-majority threshold, what counts as a unit, "
            "whether unclear findings dilute a majority, the codebook's alternative readings, and leaving "
            "out evaluations at high risk of bias or small samples (tables/robustness.csv).",
        )
    )


def _robustness_sentences(f: _Facts) -> list[Sentence]:
    """Per domain with findings: robust across K of N scenarios, or which choices change its verdict."""
    from synergies import robustness

    grid = robustness.robustness_grid(f.ev)
    summary = robustness.domain_robustness(grid)
    sentences = []
    for r in summary.itertuples(index=False):
        rows = f.findings[f.findings["domain"] == r.domain]
        if rows.empty:
            continue
        counted = {"domain": r.domain, "counts_for_robustness": True, "runnable": True}
        counts = [_count(int(r.n_scenarios), "robustness", **counted)]
        if r.changes:  # "all N scenarios" states N once; "K of N" states both
            counts.append(_count(int(r.n_same), "robustness", **counted, same_as_baseline=True))
        counts += _scenario_label_counts(grid, r.domain, [k for k, _ in r.changes])
        texts = {}
        for lang in i18n.LANGS:
            name = f.domain(r.domain, lang)
            base = i18n.word(r.baseline_verdict, lang)
            if not r.changes:
                texts[lang] = t(
                    lang,
                    "{domain}: {verdict} at baseline, and the same in all {n} scenarios that could run.",
                    domain=name,
                    verdict=base,
                    n=int(r.n_scenarios),
                )
            else:
                changes = [
                    f"{escape(robustness.scenario_label(f.ev, k, lang))} ({i18n.word(v, lang)})"
                    for k, v in r.changes
                ]
                texts[lang] = t(
                    lang,
                    "{domain}: {verdict} at baseline, the same in {same} of {n} scenarios; it changes "
                    "under {changes}.",
                    domain=name,
                    verdict=base,
                    same=int(r.n_same),
                    n=int(r.n_scenarios),
                    changes=join_list(changes, lang),
                )
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return sentences


def _reporting_bias_sentences(f: _Facts) -> list[Sentence]:
    """For each source whose findings hold no null result: it likely reports selected results."""
    from synergies import robustness

    sentences = []
    for source, n in zip(
        *(robustness.sources_without_nulls(f.ev)[c] for c in ("source_id", "n_findings")), strict=True
    ):
        rows = f.findings[f.findings["source_id"].fillna("") == source]
        counts = [_count(int(n), "findings", source_id=source)]  # "none ... is a null" states no number
        texts = {
            lang: tn(
                lang,
                "The {findings} from {source} is not a null (no-change) result, so the source may report "
                "selected results, and a count by direction inherits that selection (the Cochrane Handbook's "
                "chapter on synthesis without meta-analysis); Boon and Thomson advise against the sign "
                "test when publication bias is "
                "suspected.",
                "None of the {findings} from {source} is a null (no-change) result, so the source likely "
                "reports selected results, and a count by direction inherits that selection (the Cochrane "
                "Handbook's chapter on synthesis without meta-analysis); Boon and Thomson advise against "
                "the sign test when publication bias is "
                "suspected.",
                int(n),
                findings=count_noun(int(n), "finding", lang),
                source=escape(source) if source else t(lang, "findings without a source_id"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return sentences


def _scenario_label_counts(grid: pd.DataFrame, domain: str, changed: list[str]) -> list[Count]:
    """The numbers the labels of the scenarios that change a verdict state: thresholds and the n cut-off."""
    from synergies import robustness

    counts = []
    for scenario in changed:
        row = grid[(grid["domain"] == domain) & (grid["scenario"] == scenario)].iloc[0]
        if row["scenario_group"] == "threshold":
            value = int(row["threshold_percent"])
            counts.append(
                _count(value, "robustness", "value:threshold_percent", domain=domain, scenario=scenario)
            )
        elif row["scenario_group"] == "sample_size":
            counts.append(_count(robustness.SMALL_SAMPLE, "constant", "small_sample"))
    return counts

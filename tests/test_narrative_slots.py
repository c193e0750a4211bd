"""The typed-slot sentence model: each slot renders by its language's rules, a number slot is its
Count, bodies are data, and row sets keep citations ordered, unique and cheap."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from synergies.config import DATA_DIR
from synergies.load import load_evidence
from synergies.narrative import Ref, Sentence, slots, verify
from synergies.narrative.model import Count, citation, nor_items, p_num, percent_num
from synergies.narrative.refs import RefSet, RowIndex
from synergies.narrative.slots import Cap, Country, Data, Items, Label, Num, Seq, msg, msgn


def n_of(value: int, **kw: object) -> Num:
    """A number slot over a findings count (the count's query does not matter for rendering)."""
    return Num(Count(value, "findings"), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("slot", "en", "es"),
    [
        (n_of(3, style="word", noun="finding"), "three findings", "tres hallazgos"),
        (n_of(1, style="word", noun="evaluation"), "one evaluation", "una evaluación"),
        (n_of(1, style="word", alone=True), "one", "uno"),
        (n_of(12345, noun="finding"), "12,345 findings", "12\u00a0345 hallazgos"),
        (n_of(1234), "1,234", "1234"),
        (Num(Count(70, "constant", "verdict_threshold_percent"), "percent"), "70%", "70\u00a0%"),
        (p_num(0.125, "p", "sign_tests_arm"), "p = 0.125", "p = 0,125"),
        (p_num(0.00001, "p", "sign_tests_arm"), "p < 0.001", "p < 0,001"),
        (Items((Data("Ana"), Data("Inés"))), "Ana and Inés", "Ana e Inés"),
        (Items((Data("uno"), Data("otro")), "or"), "uno or otro", "uno u otro"),
        (nor_items([Data("A"), Data("B")], "on"), "A or B", "A ni sobre B"),
        (Cap(Data("both")), "Both", "Both"),
        (Data("a*b_"), "a\\*b\\_", "a\\*b\\_"),
        (Country("Mexico"), "Mexico", "México"),
        (Seq((Data("x"), Data("y"))), "xy", "xy"),
    ],
)
def test_each_slot_renders_by_its_languages_rules(slot: slots.Slot, en: str, es: str) -> None:
    assert slots.render(slot, "en") == en
    assert slots.render(slot, "es") == es


def test_a_plural_message_takes_its_form_from_its_number_slot() -> None:
    one, two = (
        msgn("the outcome {outcomes}", "the outcomes {outcomes}", len(x), outcomes=Items(x))
        for x in ((Data("A"),), (Data("A"), Data("B")))
    )
    assert slots.render(one, "en") == "the outcome A"
    assert slots.render(two, "en") == "the outcomes A and B"
    picked = msgn(
        "{n} cannot be ranked (ambiguous or conflicting)",
        "{n} cannot be ranked (ambiguous or conflicting)",
        "n",
        n=n_of(2, style="word", alone=True),
    )
    assert slots.render(picked, "en") == "two cannot be ranked (ambiguous or conflicting)"


def test_a_label_slot_names_its_key_in_the_readers_language() -> None:
    names = {"en": {"domain": {"inc": "Income"}}, "es": {"domain": {"inc": "Ingreso"}}}
    assert slots.render(Label("domain", "inc", names), "es") == "*Ingreso*"
    assert slots.render(Label("domain", "other", names), "en") == "*other*"  # an unlabelled key as itself


def test_the_counts_of_a_body_are_its_number_slots_in_order() -> None:
    first, second = n_of(2, style="word", noun="finding"), percent_num(50.0, "constant", "x")
    body = msg("{a} and {b}", a=first, b=Items((Cap(second),)))
    assert slots.counts(body) == (first.count, second.count)
    sentence = Sentence(body)
    assert sentence.counts == (first.count, second.count)
    assert sentence.text("en") == sentence.en  # rendered once per language, then kept


def test_a_missing_slot_or_an_unknown_style_fails_loudly() -> None:
    with pytest.raises(KeyError, match="missing"):
        slots.render(msg("{a} and {b}", a=Data("x")), "en")
    with pytest.raises(ValueError, match="unknown number style"):
        Num(Count(1, "findings"), "roman")
    with pytest.raises(TypeError, match="not a narrative slot"):
        slots.render("bare text", "en")  # type: ignore[arg-type]


def test_changing_a_number_slot_changes_text_and_count_together() -> None:
    """The number printed is the number verified: no way to state one and check another."""
    ev = load_evidence(DATA_DIR)
    count = Count(len(ev.findings), "findings")
    body = msg("{n}", n=Num(count))
    tables = verify.Tables(ev)
    assert verify.mismatches([Sentence(body)], tables) == []
    wrong = msg("{n}", n=Num(dataclasses.replace(count, value=count.value + 1)))
    assert slots.render(wrong, "en") == str(len(ev.findings) + 1)
    assert verify.mismatches([Sentence(wrong)], tables)


# --------------------------------------------------------------------------- row sets


@pytest.fixture(scope="module")
def index() -> RowIndex:
    return RowIndex(load_evidence(DATA_DIR))


def test_a_row_set_is_unique_and_in_citation_order(index: RowIndex) -> None:
    ids = index.file("findings.csv").keys
    picked = [ids[5][0], ids[1][0], ids[5][0], ids[0][0]]
    refs = index.findings(picked)
    assert len(refs) == 3
    assert [r.key[0] for r in refs] == [ids[0][0], ids[1][0], ids[5][0]]
    assert refs == index.findings(reversed(picked))  # same rows, same set, whatever the order given
    assert hash(refs) == hash(index.findings(reversed(picked)))


def test_row_sets_merge_across_files_in_the_files_citation_order(index: RowIndex) -> None:
    case = index.file("cases.csv").keys[0]
    finding = index.file("findings.csv").keys[0]
    merged = index.of([Ref("cases.csv", case)]) | index.findings([finding[0]])
    assert merged.files() == ["findings.csv", "cases.csv"]
    assert list(merged) == [Ref("findings.csv", finding), Ref("cases.csv", case)]
    assert citation(merged) == citation(list(merged))


def test_a_row_set_stores_one_array_per_file_not_an_object_per_row(index: RowIndex) -> None:
    ids = [k[0] for k in index.file("findings.csv").keys]
    refs = index.findings(ids)
    assert isinstance(refs._rows["findings.csv"], np.ndarray)
    assert refs.count("findings.csv") == len(ids)
    assert RefSet.empty() == RefSet.empty() and not RefSet.empty()


def test_citing_a_row_that_does_not_exist_is_an_error(index: RowIndex) -> None:
    with pytest.raises(ValueError, match="no row of it"):
        index.findings(["NO-SUCH-FINDING"])
    with pytest.raises(ValueError, match="unknown file"):
        index.of([Ref("elsewhere.csv", ("x",))])


def test_every_sentence_is_a_template_with_slots_not_finished_text(synthetic_dir) -> None:
    """No sentence holds finished text in one language: a claim's reason too is a typed body.

    Markup is language-neutral (punctuation, Markdown marks, code spans of file names); in the claims
    section, where reasons are built, it holds no letter at all, so every word is a catalogue message,
    a vocabulary word, a label, a country or data text, and a new language needs only a catalogue.
    """
    from synergies import narrative

    assert not hasattr(slots, "Written")
    kinds = set(slots.Slot.__args__)  # type: ignore[attr-defined]
    for ev in (load_evidence(DATA_DIR), load_evidence(synthetic_dir)):
        built = narrative.build(ev)
        for section in built.sections:
            for paragraph in section.paragraphs:
                for sentence in paragraph.sentences:
                    for s in slots.walk(sentence.body):
                        assert type(s) in kinds, (section.key, sentence.en)
                        if section.key == "claims" and type(s) is slots.Markup:
                            assert not any(c.isalpha() for c in s.text), (s.text, sentence.en)


def test_an_uncounted_whole_number_renders_by_the_language_rule_and_states_no_count() -> None:
    """`Int` (a claim's tally) prints like a digits Num but carries no Count for verify to check."""
    body = msgn("{n} finding", "{n} findings", "n", n=slots.Int(12345))
    assert slots.render(slots.Int(12345, "finding"), "en") == "12,345 findings"
    assert slots.render(slots.Int(12345, "finding"), "es") == "12\u00a0345 hallazgos"
    assert slots.render(slots.Int(1, "case"), "es") == "1 caso"
    assert slots.counts(body) == ()


def test_plain_data_and_countries_print_unescaped_inside_a_body_escaped_as_a_whole() -> None:
    body = Seq(
        (Data("A*B", plain=True), slots.Markup(" ("), Country("Mexico", plain=True), slots.Markup(")"))
    )
    assert slots.render(body, "es") == "A*B (México)"
    assert slots.render(slots.Escaped(body), "es") == slots.render(
        Seq((Data("A*B"), slots.Markup(" (México)"))), "es"
    )


def test_a_row_set_cites_exactly_as_a_list_of_refs_does(synthetic_dir) -> None:
    """Runs, ranges and the counted rest found on row numbers match the id-by-id compaction."""
    index = RowIndex(load_evidence(synthetic_dir))
    ids = [k[0] for k in index.file("findings.csv").keys]
    rng = np.random.default_rng(5)
    for size in (1, 2, 3, 5, 13, 40, len(ids)):
        picked = list(rng.choice(ids, size=min(size, len(ids)), replace=False))
        refs = index.findings(picked)
        for lang in ("en", "es"):
            assert citation(refs, lang) == citation([Ref("findings.csv", (i,)) for i in picked], lang)

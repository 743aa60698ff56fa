"""The stable template samples: a cover that says every alternative, seeded draws, per-template sentences."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.content.intents import load_intents
from assistant.content.loader import Content
from assistant.content.spoken import ranked_form, spoken_sentences
from assistant.understanding.normalise import Normaliser
from assistant.understanding.template_sampling import cover, draws
from assistant.understanding.templates import SlotRef, expand, parse


def texts(expansions: Sequence[Sequence[object]]) -> list[str]:
    return [" ".join(t.name if isinstance(t, SlotRef) else str(t) for t in e) for e in expansions]


def test_cover_says_every_alternative_with_as_few_sentences_as_the_widest_group() -> None:
    rules = {"cramp": parse("(cramp|spasm|knot)")}
    template = "(my|the) [left] (calf|foot|toes|thigh) has a <cramp> [tonight]"
    covered = texts(cover(template, rules))
    assert len(covered) == 4
    words = {w for t in covered for w in t.split()}
    assert words == {
        "my",
        "the",
        "left",
        "calf",
        "foot",
        "toes",
        "thigh",
        "has",
        "a",
        "cramp",
        "spasm",
        "knot",
        "tonight",
    }
    every = set(texts(expand(template, rules)))
    assert set(covered) <= every


def test_cover_puts_every_permutation_item_first_and_keeps_lists_as_slots() -> None:
    covered = cover("(stretch;{body_part}) now", {})
    assert [e[0] for e in covered] == ["stretch", SlotRef("body_part")]
    assert all(e[-1] == "now" for e in covered)


def test_draws_are_seeded_distinct_and_bounded_by_the_expansions() -> None:
    template = " ".join("(a|b|c|d)" for _ in range(6))
    first = draws(template, {}, 30, "seed")
    assert len(first) == len(set(first)) == 30
    assert first == draws(template, {}, 30, "seed")
    assert first != draws(template, {}, 30, "another seed")
    assert set(texts(first)) <= set(texts(expand(template, {}, limit=5000)))
    assert sorted(texts(draws("(yes|yeah) [please]", {}, 30, "x"))) == [
        "yeah",
        "yeah please",
        "yes",
        "yes please",
    ]


def _intents(sentences: dict[str, list[str]]) -> dict[str, object]:
    return {
        "lists": {"body_part": {"calf": ["calf", "calves"], "foot": ["foot", "sole of my foot"]}},
        "slots": {"names": ["body_part"]},
        "rules": {"cramp": "(cramp|cramps|spasm)"},
        "intents": {name: {"groups": {"default": {"sentences": s}}} for name, s in sentences.items()},
        "out_of_scope": {"sentences": ["my (stomach|tummy) <cramp> [again]"]},
    }


def _sentences(data: dict[str, object], directory: Path) -> dict[str, list[tuple[str, dict[str, str]]]]:
    lists, slot_names, _, _, _, heard = load_intents(
        directory / "intents.toml", data, Normaliser.from_dict({})
    )
    by_intent: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for sentence in spoken_sentences(heard, lists, slot_names):
        by_intent.setdefault(sentence.intent, []).append((sentence.text, sentence.slots))
    return by_intent


def test_an_unrelated_template_leaves_the_other_sentences_as_they_were(tmp_path: Path) -> None:
    relief = ["(my|the) {body_part} (is|keeps) <cramp> [again|tonight]", "what (do|should) i do [now]"]
    causes = ["(what|why) (causes|gives me) [leg|foot|night] <cramp> [in my {body_part}]"]
    before = _sentences(_intents({"relief": relief, "causes": causes}), tmp_path)
    after = _sentences(
        _intents({"relief": ["my {body_part} (hurts|aches)", *relief], "causes": causes}), tmp_path
    )
    assert after["causes"] == before["causes"] and after["unknown"] == before["unknown"]
    added = [s for s in after["relief"] if s not in before["relief"]]
    assert after["relief"] == added + before["relief"]
    assert {text.split()[-1] for text, _ in added} == {"hurts", "aches"}


def test_every_value_is_said_in_each_sentence_and_forms_follow_their_rank(tmp_path: Path) -> None:
    data = _intents({"causes": ["(what|why) (causes|gives me) [bad|night] <cramp> in my {body_part} [now]"]})
    found = _sentences(data, tmp_path)
    said = [s["body_part"] for _, s in found["causes"]]
    assert said.count("calf") == said.count("foot") == len(said) // 2
    heads = {text.partition(" in my ")[0] for text, _ in found["causes"]}
    for head in heads:
        tails = {s["body_part"] for text, s in found["causes"] if text.startswith(head + " in my ")}
        assert tails == {"calf", "foot"}
    forms = [text.partition(" in my ")[2].removesuffix(" now") for text, _ in found["causes"]]
    assert forms.count("calf") > forms.count("calves") > 0 and forms.count("foot") > forms.count(
        "sole of my foot"
    )
    bare = {text for text, _ in found["unknown"]}
    assert {"calf", "calves", "foot", "sole of my foot"} <= bare


def test_a_form_of_rank_r_is_said_about_as_often_as_one_in_r() -> None:
    forms = ("cramp", "cramps", "spasm", "knot")
    said = [ranked_form(forms, turn) for turn in range(100)]
    harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4
    for rank, form in enumerate(forms, start=1):
        assert abs(said.count(form) / len(said) - 1 / rank / harmonic) < 0.02


def test_the_recognisers_vocabulary_holds_every_word_the_templates_and_lists_can_produce(
    content: Content,
) -> None:
    vocabulary = content.vocabulary()
    placeholders = {w for m in content.masked for w in m.spoken.split() if w.startswith("slot")}
    router_words = {w for m in content.masked for w in m.spoken.split()} - placeholders
    assert router_words <= vocabulary
    forms = {
        w
        for name in ("body_part", "side", "exercise")
        for f in content.lists[name].values()
        for w in " ".join(f).split()
    }
    assert forms <= vocabulary

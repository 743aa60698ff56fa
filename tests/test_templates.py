"""The template sampler (hassil): optional words, alternatives, permutations, lists and rules."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hassil import Intents, parse_sentence, recognize, sample_intents

from assistant.understanding.templates import SlotRef, TemplateError, check_rules, expand, parse

INTENTS_TOML = Path(__file__).resolve().parent.parent / "content" / "intents.toml"


def words(expansions: Sequence[Sequence[object]]) -> set[str]:
    return {" ".join(t.name if isinstance(t, SlotRef) else str(t) for t in e) for e in expansions}


def test_optional_and_alternatives() -> None:
    assert words(expand("my [left] (calf|foot) hurts", {})) == {
        "my left calf hurts",
        "my calf hurts",
        "my left foot hurts",
        "my foot hurts",
    }


def test_lists_stay_slot_references_and_rules_expand() -> None:
    rules = {"cramp": parse("(cramp|spasm)")}
    result = expand("a <cramp> in my {body_part}", rules)
    assert words(result) == {"a cramp in my body_part", "a spasm in my body_part"}
    assert all(isinstance(e[-1], SlotRef) for e in result)


def test_nested_groups() -> None:
    assert words(expand("(stop [the (timer|stretch)]|cancel)", {})) == {
        "stop",
        "stop the timer",
        "stop the stretch",
        "cancel",
    }


@pytest.mark.parametrize(
    "template", ["my (calf", "my calf)", "a [b", "{body_part", "<>", "x <missing> y", "a {} b", "", "a } b"]
)
def test_bad_templates_raise(template: str) -> None:
    with pytest.raises(TemplateError):
        expand(template, {})


def test_expansion_is_bounded_and_deterministic() -> None:
    template = " ".join("(a|b|c|d)" for _ in range(8))
    first = expand(template, {}, limit=50)
    assert len(first) == 50
    assert first == expand(template, {}, limit=50)


def test_hassil_syntax_word_internal_optionals_permutations_and_escapes() -> None:
    assert words(expand("turn on the light[s]", {})) == {"turn on the light", "turn on the lights"}
    assert words(expand("(stretch;now) please", {})) == {"stretch now please", "now stretch please"}
    assert words(expand("a \\[b\\]", {})) == {"a [b]"}
    assert words(expand("at {side:where} side", {})) == {"at side side"}
    assert expand("a {side}ward", {}) == [("a", SlotRef("side"), "ward")]


def test_top_level_alternatives_are_hassil_syntax() -> None:
    assert words(expand("a | b", {})) == {"a", "b"}


def test_rules_that_refer_to_themselves_or_to_nothing_are_refused() -> None:
    with pytest.raises(TemplateError, match="itself"):
        check_rules({"a": parse("x <b>"), "b": parse("(y|<a>)")})
    with pytest.raises(TemplateError, match="unknown rule <c>"):
        check_rules({"a": parse("x <c>")})
    check_rules({"a": parse("x <b>"), "b": parse("y")})


def _hassil_intents(data: dict[str, Any]) -> Intents:
    """content/intents.toml read the way Home Assistant reads its own sentence files."""
    intents: dict[str, Any] = {}
    for name, body in data["intents"].items():
        intents[name] = {"data": [{"sentences": g["sentences"]} for g in body["groups"].values()]}
    intents["out_of_scope"] = {"data": [{"sentences": data["out_of_scope"]["sentences"]}]}
    lists = {
        name: {"values": [{"in": form, "out": value} for value, forms in values.items() for form in forms]}
        for name, values in data["lists"].items()
    }
    return Intents.from_dict(
        {"language": "en", "intents": intents, "lists": lists, "expansion_rules": data["rules"]}
    )


def test_every_template_in_intents_toml_parses_with_hassil() -> None:
    data = tomllib.loads(INTENTS_TOML.read_text(encoding="utf-8"))
    templates = [
        t for body in data["intents"].values() for g in body["groups"].values() for t in g["sentences"]
    ]
    templates += data["out_of_scope"]["sentences"]
    assert len(templates) > 200
    for template in templates:
        assert parse_sentence(template).expression is not None, template
    intents = _hassil_intents(data)
    sampled = {name for name, _ in sample_intents(intents, max_sentences_per_intent=1)}
    assert sampled == set(intents.intents)
    result = recognize("i have got a cramp in my left calf", intents)
    assert result is not None
    assert result.intent.name == "relief"
    assert {name: slot.value for name, slot in result.entities.items()} == {
        "cramp": "cramp",
        "side": "left",
        "body_part": "calf",
    }

"""The template sampler: optional words, alternatives, lists and rules."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.understanding.templates import SlotRef, TemplateError, expand, parse


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
    "template", ["my (calf", "my calf)", "a [b", "{body_part", "a | b", "<>", "x <missing> y"]
)
def test_bad_templates_raise(template: str) -> None:
    with pytest.raises(TemplateError):
        expand(template, {})


def test_expansion_is_bounded_and_deterministic() -> None:
    template = " ".join("(a|b|c|d)" for _ in range(8))
    first = expand(template, {}, limit=50)
    assert len(first) == 50
    assert first == expand(template, {}, limit=50)

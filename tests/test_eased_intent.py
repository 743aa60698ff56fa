"""The `eased` intent: "it's eased" routes to it (the cramp log notes the relief time); a cramp that has not
eased never does, and keeps the route it had (urgent after "it hasn't eased", extend during a hold)."""

from __future__ import annotations

import pytest

from assistant.content.loader import Content
from assistant.understanding.router import Router


@pytest.mark.parametrize(
    "text",
    [
        "it's eased",
        "the cramp has gone",
        "that's better now",
        "it's stopped hurting",
        "phew, it's eased off",
        "my calf has relaxed",
        "the pain has gone away",
        "it doesn't hurt any more",
    ],
)
def test_it_has_eased(router: Router, text: str) -> None:
    assert router.route(text).intent == "eased"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("it hasn't eased", "urgent"),
        ("the cramp won't go away", "urgent"),
        ("a bit longer, it's not eased yet", "extend"),
        ("it still hurts", "relief"),
        ("it's getting worse", "relief"),
        ("it's gone again", "relief"),
        ("my calf's gone", "relief"),  # British English for a calf gone into cramp
        ("it hasn't stopped hurting", "relief"),
        ("no thanks", "no"),
    ],
)
def test_not_eased(router: Router, text: str, intent: str) -> None:
    assert router.route(text).intent == intent


def test_eased_has_a_short_kind_answer_with_a_source(content: Content) -> None:
    response = content.response("eased")
    assert response.sources and all(len(text.split()) <= 20 for text in response.first)
    assert response.offer is None

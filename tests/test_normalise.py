"""Normalisation of typed or heard text before routing."""

from __future__ import annotations

import pytest

from assistant.content.loader import Content


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("My CALF is cramping!!", "my calf is cramping"),
        ("I've got a Charley Horse", "i have got a cramp"),
        ("um, what's, uh, the cause?", "what is the cause"),
        ("give me 10 more seconds", "give me ten more seconds"),
        ("it\u2019s my left foot", "it is my left foot"),
        ("I'm having a cramp right now", "i am having a cramp now"),
        ("Héllo\x00\x07 world", "hello world"),
        ("", ""),
        ("   \t  ", ""),
    ],
)
def test_normalise(content: Content, raw: str, expected: str) -> None:
    assert content.normaliser(raw) == expected


def test_very_long_input_is_cut(content: Content) -> None:
    assert len(content.normaliser("cramp " * 200_000)) <= 600

"""The exercise slot from what people say about stretching: the muscle, the movement, the time of day.

A verb phrase that ends in a body part ("stretch my quads", "rotating my ankles") names an exercise: an
exercise intent reports the exercise, any other intent the body part. A name ("the calf stretch") is an
exercise whatever the intent, and its body part is never reported on its own.
"""

from __future__ import annotations

import pytest

from assistant.content.loader import Content
from assistant.dialog.dialog import Dialog
from assistant.understanding.slots import Found, SlotMasker, exercise_for_muscle, reported_slots

LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "body_part": {"thigh": ("quads", "thigh"), "leg": ("ankles",), "calf": ("calf",)},
    "exercise": {
        "quad_stretch": ("stretch my quads",),
        "calf_stretch": ("calf stretch",),
        "routine": ("stretching before bed",),
    },
    "side": {"left": ("left",)},
}


@pytest.fixture
def masker() -> SlotMasker:
    return SlotMasker(LISTS, free=("side",), slots=("body_part", "exercise", "side"))


def test_a_verb_and_its_object_keep_the_object_in_the_text(masker: SlotMasker) -> None:
    text, found = masker.mask("how do i stretch my left quads")
    assert text == "how do i stretch my slotbodypart"
    assert [(f.list, f.value) for f in found] == [("side", "left"), ("exercise", "quad_stretch")]
    assert found[1].inner == (Found("body_part", "thigh", "quads"),)


def test_a_name_is_masked_whole_and_holds_no_body_part(masker: SlotMasker) -> None:
    text, found = masker.mask("start the calf stretch")
    assert text == "start the slotexercise"
    assert found == [Found("exercise", "calf_stretch", "calf stretch")]


def test_an_exercise_intent_reports_the_exercise_and_any_other_the_body_part(masker: SlotMasker) -> None:
    _, found = masker.mask("should i stretch my left quads")
    names = ("body_part", "exercise", "side")
    assert reported_slots(found, names) == {"side": "left", "exercise": "quad_stretch"}
    assert reported_slots(found, names, muscles={"quad_stretch": "thigh"}) == {
        "side": "left",
        "exercise": "quad_stretch",
        "body_part": "thigh",
    }
    assert reported_slots(found, names, muscles={"quad_stretch": "calf"}) == {
        "side": "left",
        "exercise": "quad_stretch",
    }
    assert reported_slots(found, names, withheld=("exercise",)) == {"side": "left", "body_part": "thigh"}
    _, named = masker.mask("does the calf stretch help")
    assert reported_slots(named, names, withheld=("exercise",)) == {}


def test_without_slot_lists_nothing_is_an_object() -> None:
    text, found = SlotMasker(LISTS).mask("stretch my quads")
    assert (text, found[0].inner) == ("slotexercise", ())


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        # The issue's misses.
        ("how do i stretch my quads", "stretch", {"exercise": "quad_stretch", "body_part": "thigh"}),
        ("guide me through rotating my ankles", "stretch", {"exercise": "ankle_circles"}),
        ("coach me through stretching before bed", "stretch", {"exercise": "routine"}),
        ("is there anything that relieves cramps fast", "relief", {}),
        # The same ideas in other words.
        (
            "could you help me stretch out my left calf",
            "stretch",
            {"exercise": "calf_stretch", "side": "left", "body_part": "calf"},
        ),
        ("teach me how to circle my ankles", "stretch", {"exercise": "ankle_circles"}),
        ("do the calf stretch with me", "stretch", {"exercise": "calf_stretch"}),
        ("hold my ankle behind me for the stretch", "stretch", {"exercise": "quad_stretch"}),
        ("let's do my stretches before I go to sleep", "stretch", {"exercise": "routine"}),
        ("time me on the wall stretch", "stretch", {"exercise": "calf_stretch"}),
        ("what stretch is good for my hamstrings", "stretch", {"body_part": "hamstring"}),
        # Not a request for an exercise: the body part is what counts.
        ("can I stretch my right calf to ease the cramp", "relief", {"body_part": "calf", "side": "right"}),
        ("will stretching every night before bed stop my cramps", "prevention", {}),
        ("pause the ankle circles", "pause", {}),
        ("how do I stretch my budget", "unknown", {}),
        ("pause the podcast", "unknown", {}),
    ],
)
def test_routing(dialog: Dialog, text: str, intent: str, slots: dict[str, str]) -> None:
    match, _ = dialog.respond_text(text)
    assert (match.intent, match.slots) == (intent, slots), match


def test_exercise_phrases_in_the_content_hold_their_body_part(content: Content) -> None:
    # A body part misspelt in an exercise phrase would mask the whole phrase, and lose the body part.
    _, found = content.masker.mask("stretch my quads and rotate my ankles and stretch my calves")
    assert [(f.value, [i.value for i in f.inner]) for f in found] == [
        ("quad_stretch", ["thigh"]),
        ("ankle_circles", ["leg"]),
        ("calf_stretch", ["calf"]),
    ]


def test_a_body_part_one_exercise_stretches_names_that_exercise() -> None:
    muscles = {"calf_stretch": "calf", "quad_stretch": "thigh", "toe_stretch": "toes"}
    assert exercise_for_muscle({"body_part": "calf", "side": "left"}, muscles) == {
        "body_part": "calf",
        "side": "left",
        "exercise": "calf_stretch",
    }
    assert exercise_for_muscle({"body_part": "hamstring"}, muscles) == {"body_part": "hamstring"}
    said = {"body_part": "calf", "exercise": "ankle_circles"}
    assert exercise_for_muscle(said, muscles) == said
    assert exercise_for_muscle({"body_part": "calf"}, {"a": "calf", "b": "calf"}) == {"body_part": "calf"}


def test_the_router_fills_the_exercise_for_a_stretch_of_one_muscle(dialog: Dialog) -> None:
    match = dialog.understanding.router.route("could you give me a stretch for my tight calves")
    assert (match.intent, match.slots) == ("stretch", {"body_part": "calf", "exercise": "calf_stretch"})
    assert dialog.understanding.router.route("my calves keep cramping, why").slots == {"body_part": "calf"}

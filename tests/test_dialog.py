"""The dialog: context follow-ups, offers, controls in and out of a routine, and replies built for the ear."""

from __future__ import annotations

import random

import pytest

from assistant.content.loader import Content
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Moment
from assistant.messages import Transcript
from assistant.settings import DialogSettings
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding


def words(text: str) -> int:
    return len(text.split())


def test_relief_leads_with_the_action_and_offers_a_stretch(dialog: Dialog) -> None:
    match, reply = dialog.respond_text("my calf is cramping, what do I do?")
    assert match.intent == "relief"
    assert reply.text.startswith(("Straighten", "Gently stretch"))
    assert "calf stretch" in reply.text
    assert words(reply.text) <= 40
    _, reply = dialog.respond_text("yes")
    assert reply.routine == "calf_stretch"


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("my foot is cramping", ("Gently pull your toes", "Stretch it gently")),
        ("my toes are cramping", ("Gently pull your toes", "Ease your toes")),
        ("my thigh is cramping", ("Stand holding", "Hold something steady")),
        ("the back of my thigh is cramping", ("Sit with your", "Keep your")),
    ],
)
def test_relief_is_specific_to_the_body_part(dialog: Dialog, text: str, starts: tuple[str, ...]) -> None:
    _, reply = dialog.respond_text(text)
    assert reply.text.startswith(starts)


def test_first_answers_are_short(content: Content, router: Router) -> None:
    for seed in range(4):
        for text, limit in [
            ("my calf is cramping", 40),
            ("my left foot is cramping", 40),
            ("my right thigh is cramping", 40),
            ("my hamstring is cramping", 40),
            ("I have a cramp", 40),
            ("my calf is swollen and hot", 40),
            ("I have chest pain", 40),
            ("my cramp has lasted more than ten minutes", 40),
            ("what causes cramps", 70),
            ("how can I prevent cramps", 70),
            ("what can diabetes do", 70),
            ("when should I see a doctor", 70),
            ("can statins cause cramps", 70),
            ("what should I eat", 70),
            ("heat or ice", 70),
            ("what can you do", 70),
        ]:
            dialog = Dialog(content, understanding=Understanding(router), rng=random.Random(seed))
            _, reply = dialog.respond_text(text)
            assert words(reply.text) <= limit, (text, reply.text)


def test_side_is_spoken_and_the_other_leg_flips_it(dialog: Dialog) -> None:
    match, reply = dialog.respond_text("charley horse in my left calf")
    assert match.slots == {"body_part": "calf", "side": "left"} and "left leg" in reply.text
    match, reply = dialog.respond_text("and the other leg")
    assert match.intent == "relief" and match.slots == {"body_part": "calf", "side": "right"}
    assert "right leg" in reply.text


def test_follow_up_body_part_reanswers(dialog: Dialog) -> None:
    dialog.respond_text("I've got a cramp")
    match, reply = dialog.respond_text("it's in my foot")
    assert (match.intent, match.slots) == ("relief", {"body_part": "foot"})
    assert "foot" in reply.text
    match, reply = dialog.respond_text("what about my toes")
    assert (match.intent, match.slots["body_part"]) == ("relief", "toes")


def test_tell_me_more_then_nothing_more(dialog: Dialog) -> None:
    dialog.respond_text("what causes leg cramps")
    _, more = dialog.respond_text("tell me more")
    assert "peripheral artery disease" in more.text
    _, again = dialog.respond_text("tell me more")
    assert again.text != more.text and again.intent == "next"


def test_repeat_says_the_last_answer_again(dialog: Dialog) -> None:
    _, first = dialog.respond_text("what should I eat to prevent cramps")
    _, repeated = dialog.respond_text("say that again")
    assert repeated.text == first.text


def test_no_declines_the_offer(dialog: Dialog) -> None:
    dialog.respond_text("my calf is cramping")
    _, reply = dialog.respond_text("no thanks")
    assert reply.routine is None
    _, reply = dialog.respond_text("yes")
    assert reply.routine is None


def test_controls_outside_a_routine_get_a_sensible_answer(dialog: Dialog) -> None:
    for text in ("pause", "resume", "how long left", "ten more seconds"):
        _, reply = dialog.respond_text(text)
        assert "no stretch running" in reply.text.lower()
    _, reply = dialog.respond_text("stop")
    assert reply.text


def test_controls_inside_a_routine_go_to_the_routine(dialog: Dialog) -> None:
    expected = {
        "pause": "pause",
        "carry on": "resume",
        "stop": "stop",
        "skip this one": "next",
        "repeat that": "repeat",
        "how long left": "time_left",
        "ten more seconds": "extend",
        "now the other leg": "other_side",
    }
    for text, control in expected.items():
        turn = dialog.take_turn(Transcript(text), Moment(routine=True))
        assert turn.control == control and turn.verdict.action == "control", text
        assert turn.reply is None


def test_stretch_requests(dialog: Dialog) -> None:
    _, reply = dialog.respond_text("walk me through the towel exercise")
    assert reply.routine == "towel_scrunch"
    _, reply = dialog.respond_text("what stretch helps my thigh")  # one exercise stretches the thigh
    assert reply.routine == "quad_stretch"
    _, reply = dialog.respond_text("what stretch helps my hamstring")  # none: one is offered
    assert reply.routine is None and "toe stretch" in reply.text
    _, reply = dialog.respond_text("yes")
    assert reply.routine == "toe_stretch"
    _, reply = dialog.respond_text("guide me through a stretch")
    assert reply.routine is None and "Which would you like" in reply.text
    _, reply = dialog.respond_text("all of them")  # a fragment: it answers the offer
    assert reply.routine == "routine"


def test_red_flags_use_the_emergency_number_setting(content: Content, router: Router) -> None:
    dialog = Dialog(content, DialogSettings(emergency_number="911"), understanding=Understanding(router))
    match, reply = dialog.respond_text("my leg is swollen and I can't breathe")
    assert match.intent == "urgent" and reply.urgent
    assert reply.text.startswith("Call 911 now.")
    match, reply = dialog.respond_text("my calf is red, hot and swollen")
    assert reply.urgent and "blood clot" in reply.text and "Call" in reply.text


def test_out_of_scope_points_to_what_it_can_do(dialog: Dialog) -> None:
    match, reply = dialog.respond_text("what's the weather like tomorrow")
    assert match.intent == "unknown"
    assert "leg and foot cramps" in reply.text


def test_transcripts_judged_out_of_domain_are_not_answered(dialog: Dialog) -> None:
    doubted = Transcript("the worst knot in milk sodium in", 0.2, "pocketsphinx", out_of_domain=True)
    match, reply = dialog.respond(doubted)
    assert match.intent == "unknown" and reply.routine is None
    assert "catch" in reply.text or "say that again" in reply.text


def test_a_doubted_transcript_that_matches_a_sentence_word_for_word_is_answered(dialog: Dialog) -> None:
    match, _ = dialog.respond(Transcript("my calf is cramping", 0.2, "pocketsphinx", out_of_domain=True))
    assert match.intent == "relief"


def test_speech_needs_a_surer_router_than_typing_and_more_when_it_is_word_salad(dialog: Dialog) -> None:
    salad = "the worst knot in milk sodium in"
    assert dialog.understanding.router.route(salad).intent == "diet"  # typed, the router takes it
    assert dialog.respond(Transcript(salad, 0.9, "pocketsphinx", fluency=0.9))[0].intent == "diet"
    assert dialog.respond(Transcript(salad, 0.9, "pocketsphinx", fluency=0.4))[0].intent == "unknown"


def test_replies_vary_between_repeats(dialog: Dialog) -> None:
    texts = {dialog.respond_text("my calf is cramping")[1].text for _ in range(4)}
    assert len(texts) > 1


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "\ufffd\ufffd", "a" * 1_000_000, "🦵🦵"])
def test_bad_input_is_answered_not_raised(dialog: Dialog, text: str) -> None:
    match, reply = dialog.respond_text(text)
    assert match.intent == "unknown" and reply.text


@pytest.mark.parametrize(
    ("text", "paused", "action", "control"),
    [
        ("okay", True, "control", "resume"),  # after "Say resume when you're ready"
        ("yes go ahead", True, "control", "resume"),
        ("okay", False, "ignore", None),  # a running routine takes no "okay"
        ("stop", True, "control", "stop"),
    ],
)
def test_while_a_routine_is_paused_an_okay_resumes_it(
    dialog: Dialog, text: str, paused: bool, action: str, control: str | None
) -> None:
    moment = Moment(1.0, routine=True, paused=paused)
    assert ("yes" in dialog.expectation(moment).controls) == paused
    turn = dialog.take_turn(Transcript(text), moment)
    assert (turn.verdict.action, turn.control) == (action, control)

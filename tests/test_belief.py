"""The belief rule's result: believed or not, and why; and what the dialog keeps of a rejected guess."""

from __future__ import annotations

from assistant.dialog.dialog import Dialog
from assistant.messages import UNKNOWN_WORD, IntentMatch, Transcript
from assistant.understanding.belief import believed

RELIEF = IntentMatch("relief", {"body_part": "calf"}, 0.95, "my calf is cramping", probability=0.9)


def test_fluent_speech_needs_the_spoken_probability() -> None:
    heard = Transcript("my calf is cramping", 0.9, "pocketsphinx")
    belief = believed(heard, RELIEF)
    assert belief.believed and "0.90 >= 0.8" in belief.reason
    unsure = believed(heard, IntentMatch("relief", {}, 0.95, probability=0.7))
    assert not unsure.believed and "0.70 < 0.8" in unsure.reason


def test_halting_speech_needs_more() -> None:
    heard = Transcript("my calf is cramping", 0.9, "pocketsphinx", fluency=0.4)
    belief = believed(heard, RELIEF)
    assert not belief.believed and "0.90 < 0.95" in belief.reason and "order" in belief.reason


def test_doubted_speech_needs_a_strong_match_without_unrecognised_sound() -> None:
    doubted = Transcript("my calf is cramping", 0.2, "pocketsphinx", out_of_domain=True)
    assert believed(doubted, RELIEF).believed
    weak = believed(doubted, IntentMatch("relief", {}, 0.85, probability=1.0))
    assert not weak.believed and "0.85 < 0.9" in weak.reason
    garbled = Transcript("my calf is cramping", 0.2, "pocketsphinx", True, ("my", UNKNOWN_WORD, "calf"))
    noisy = believed(garbled, RELIEF)
    assert not noisy.believed and "unrecognised" in noisy.reason


def test_nothing_heard_or_no_intent_is_not_believed() -> None:
    assert not believed(Transcript("  ", 0.9, "pocketsphinx"), RELIEF).believed
    rejected = believed(Transcript("the radio", 0.9, "pocketsphinx"), IntentMatch("unknown"))
    assert not rejected.believed and rejected.reason
    assert bool(believed(Transcript("my calf", 0.9, "pocketsphinx"), RELIEF))  # reads as a bool too


def test_a_rejected_guess_is_kept_with_its_reason(dialog: Dialog) -> None:
    salad = Transcript("the worst knot in milk sodium in", 0.9, "pocketsphinx", fluency=0.4)
    match, reply, heard = dialog.respond_heard(salad)
    assert (match.intent, heard.guess) == ("unknown", "diet")
    assert "order" in heard.reason and not heard.belief.believed
    assert reply.text in dialog.content.phrases["not_heard"]
    believed_ = dialog.understanding.understand(
        Transcript("the worst knot in milk sodium in", 0.9, "pocketsphinx")
    )
    assert (believed_.match.intent, believed_.guess, believed_.belief.believed) == ("diet", "diet", True)


def test_a_guess_the_router_refused_is_unknown_and_the_reason_names_it(dialog: Dialog) -> None:
    heard = dialog.understanding.understand(Transcript("set an alarm for seven", 0.9, "pocketsphinx"))
    assert (heard.match.intent, heard.guess) == ("unknown", "unknown")
    assert heard.reason.startswith("router: ")
    silent = dialog.understanding.understand(Transcript("", 0.0, "pocketsphinx"))
    assert (silent.guess, silent.reason) == ("unknown", "nothing recognised")


def test_long_word_salad_is_not_believed_however_sure_the_router_is() -> None:
    salad = (
        "heat on sodium of questions it is been locked matter with my feet to get teeth feet was twitching"
    )
    heard = Transcript(salad, 0.9, "pocketsphinx", words=tuple(salad.split()))
    belief = believed(heard, IntentMatch("relief", {}, 0.6, probability=0.97))
    assert not belief.believed and "19 words" in belief.reason
    long_question = "i have had a cramp in my left calf for a while now and it will not go away"
    close = Transcript(long_question, 0.9, "pocketsphinx", words=tuple(long_question.split()))
    assert believed(close, IntentMatch("relief", {}, 0.92, probability=0.97)).believed

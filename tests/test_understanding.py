"""One Understanding: each hypothesis routed once, the conversation's expectation weighing the engines, the
intents checked against the handlers, and content loaded only where the program is put together."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.audio.source import read_wav_pcm16k
from assistant.content.loader import Content
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.dialog.handlers import HANDLERS
from assistant.dialog.turn import Moment
from assistant.errors import ContentError
from assistant.hearing.endpointer import speech_span
from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer
from assistant.messages import IDLE, Expectation, Transcript, WhisperSignals
from assistant.routines.controls import CONTROLS
from assistant.understanding.router import Router, RouterResult
from assistant.understanding.understanding import Understanding

AUDIO = Path(__file__).parent / "audio"
PACKAGE = Path(__file__).parent.parent / "assistant"
ROUTINE = Expectation(CONTROLS)
SURE = WhisperSignals(avg_logprob=-0.1, no_speech_prob=0.01, compression_ratio=1.0)


class Engine:
    """A recogniser that always hears `text` and counts how often it is asked."""

    def __init__(self, name: str, text: str, confidence: float = 0.3, whisper: bool = False) -> None:
        self.name = name
        self.text = text
        self.confidence = confidence
        self.whisper = whisper
        self.calls = 0

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        self.calls += 1
        signals = SURE if self.whisper else None
        words = tuple(self.text.split())
        unsure = self.confidence < 0.1  # as pocketsphinx marks a low posterior
        return Transcript(self.text, self.confidence, self.name, unsure, words, whisper=signals)


class Counted:
    """Counts the router's calls by text (the understanding's router, looked at through a window)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, router: Router) -> None:
        self.calls: list[str] = []
        examine = router.examine

        def counting(text: str) -> RouterResult:
            self.calls.append(text)
            return examine(text)

        monkeypatch.setattr(router, "examine", counting)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, router: Router) -> Counted:
    return Counted(monkeypatch, router)


def _loop_turn(content: Content, router: Router, first: Engine, second: Engine, moment: Moment) -> Dialog:
    understanding = Understanding(router)
    dialog = Dialog(content, understanding=understanding, attention=Attention())
    recognizer = SecondOpinionRecognizer(first, second, understanding.doubts)
    transcript = recognizer.transcribe(b"\0" * 3200, dialog.expectation(moment))
    dialog.take_turn(transcript, moment)
    return dialog


def test_each_hypothesis_is_routed_once(content: Content, router: Router, counted: Counted) -> None:
    first = Engine("pocketsphinx", "what causes the leg cramps then", confidence=0.05)
    second = Engine("whisper", "what causes leg cramps at night", whisper=True)
    _loop_turn(content, router, first, second, Moment(1.0))
    assert second.calls == 1  # doubted: both engines heard it
    assert sorted(counted.calls) == ["what causes leg cramps at night", "what causes the leg cramps then"]


def test_a_clear_control_during_a_routine_is_routed_once_and_whisper_is_not_asked(
    content: Content, router: Router, counted: Counted
) -> None:
    first = Engine("pocketsphinx", "pause", confidence=0.13)  # a low posterior, as for flite's "pause"
    second = Engine("whisper", "plus", whisper=True)
    _loop_turn(content, router, first, second, Moment(1.0, routine=True))
    assert (second.calls, counted.calls) == (0, ["pause"])


@pytest.mark.parametrize("text", ["pause", "stop", "carry on", "how long left", "now the other leg"])
def test_during_a_routine_a_clear_control_is_not_doubted_and_is_believed(router: Router, text: str) -> None:
    understanding = Understanding(router)
    heard = Transcript(text, 0.05, "pocketsphinx", out_of_domain=True, words=tuple(text.split()), fluency=0.5)
    assert not understanding.doubts(heard, ROUTINE)
    verdict = understanding.understand(heard, ROUTINE)
    assert verdict.belief.believed and verdict.match.intent in CONTROLS
    assert understanding.doubts(heard, IDLE)  # outside a routine the same unsure hearing goes to Whisper


def test_during_a_routine_a_question_needs_both_engines(router: Router) -> None:
    understanding = Understanding(router)
    clear = Transcript("my calf is cramping", 0.95, "pocketsphinx", words=("my", "calf", "is", "cramping"))
    assert understanding.understand(clear, IDLE).belief.believed  # alone, outside a routine: believed
    assert understanding.doubts(clear, ROUTINE)  # during one: Whisper hears it too
    assert not understanding.understand(clear, ROUTINE).belief.believed
    agreed = replace(clear, second=Transcript("My calf is cramping.", 0.9, "whisper", whisper=SURE))
    assert understanding.understand(agreed, ROUTINE).match.intent == "relief"
    other = replace(clear, second=Transcript("Is it raining?", 0.9, "whisper", whisper=SURE))
    assert not understanding.understand(other, ROUTINE).belief.believed


def test_long_or_unclear_words_during_a_routine_go_to_whisper_too(router: Router) -> None:
    understanding = Understanding(router)
    echo = "hold for thirty seconds starting now and breathe slowly pause"
    long = Transcript(echo, 0.6, "pocketsphinx", words=tuple(echo.split()))
    assert understanding.doubts(long, ROUTINE)
    cue = Transcript("Hold for 30 seconds, starting now, and breathe slowly.", 0.9, "whisper", whisper=SURE)
    assert not understanding.understand(replace(long, second=cue), ROUTINE).belief.believed
    garbled = Transcript("pause", 0.6, "pocketsphinx", words=("[unk]", "pause"))
    assert understanding.doubts(garbled, ROUTINE)


def test_a_clear_pause_on_real_audio_is_taken_without_whisper(router: Router, tmp_path: Path) -> None:
    pytest.importorskip("pocketsphinx")
    from assistant.content.loader import load_content
    from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer

    fast = PocketsphinxRecognizer([s.text for s in load_content().sentences], tmp_path)
    second = Engine("whisper", "plus", whisper=True)
    understanding = Understanding(router)
    recognizer = SecondOpinionRecognizer(fast, second, understanding.doubts)
    for name, control in (("q_pause.wav", "pause"), ("q_stop.wav", "stop"), ("q_resume.wav", "resume")):
        heard = recognizer.transcribe(speech_span(read_wav_pcm16k(AUDIO / name)), ROUTINE)
        assert understanding.understand(heard, ROUTINE).match.intent == control, heard
    assert second.calls == 0


def test_an_intent_without_a_handler_is_an_error_at_start_up(content: Content, router: Router) -> None:
    assert set(content.intents) - set(HANDLERS) == {"followup"}  # completed from context, then handled
    missing = replace(content, masked=(*content.masked, replace(content.masked[0], intent="snooze")))
    with pytest.raises(ContentError, match="no handler for snooze"):
        Dialog(missing, understanding=Understanding(router))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_hearing_and_understanding_import_neither_the_dialog_nor_argparse() -> None:
    for folder in ("hearing", "understanding"):
        for path in (PACKAGE / folder).glob("*.py"):
            bad = {
                name for name in _imports(path) if name == "argparse" or name.startswith("assistant.dialog")
            }
            assert not bad, f"{path.name} imports {bad}"


def test_content_is_loaded_only_where_the_program_is_put_together() -> None:
    roots = {"loop/setup.py", "wyoming/server.py", "content/loader.py"}
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        if name in roots or name.startswith("cli/"):
            continue
        assert "assistant.content.loader.load_content" not in _imports(path), name


def test_during_a_routine_a_control_both_engines_heard_is_believed(router: Router) -> None:
    # Six words is too long to be taken from one engine at once, and Whisper was guessing at its words:
    # alone, or outside a routine, not believed; both engines on the same control during one: taken.
    guessing = WhisperSignals(avg_logprob=-1.3, no_speech_prob=0.2, compression_ratio=1.0)
    first = "can we pause it for a little bit"
    second = Transcript("can you pause it for a bit", 0.3, "whisper", whisper=guessing)
    heard = Transcript(first, 0.3, "pocketsphinx", words=tuple(first.split()), second=second)
    understanding = Understanding(router)
    verdict = understanding.understand(heard, ROUTINE)
    assert verdict.belief.believed and verdict.match.intent == "pause"
    assert "both engines" in verdict.belief.reason
    assert not understanding.understand(heard, IDLE).belief.believed


def test_a_control_sentence_heard_word_for_word_may_be_longer(router: Router) -> None:
    text = "let us do the other side"  # six words, one of the control's sentences exactly
    heard = Transcript(text, 0.2, "pocketsphinx", words=tuple(text.split()))
    understanding = Understanding(router)
    assert not understanding.doubts(heard, ROUTINE)
    assert understanding.understand(heard, ROUTINE).match.intent == "other_side"
    near = "let us do the other side then"  # not word for word: Whisper hears it too
    assert understanding.doubts(Transcript(near, 0.2, "pocketsphinx", words=tuple(near.split())), ROUTINE)


INTRO = "Let's do your bedtime stretches: 5 gentle exercises. Say pause, stop or next at any time."


def test_the_assistant_s_phrases_name_the_controls_they_say(router: Router) -> None:
    understanding = Understanding(router)
    assert {"pause", "stop", "next"} <= understanding.named(INTRO)
    assert "resume" in understanding.named("Paused. Say resume when you're ready.")
    assert not understanding.named("Start with your left leg.") & set(CONTROLS)
    assert understanding.named(INTRO) is understanding.named(INTRO)  # worked out once per phrase


HOLD = "Hold for 30 seconds, starting now."


@pytest.mark.parametrize(("text", "whisper", "said", "reason"), [
    ("next", None, (), None),  # the assistant quiet: taken at once
    ("next", None, (INTRO,), "the assistant was saying it"),
    ("swap legs", "Swap, end.", (HOLD,), None),  # pocketsphinx clear, Whisper's words not the cue's
    ("swap legs", None, (HOLD,), None),  # no second engine here (pocketsphinx alone)
    ("pause", "Stand facing a wall.", ("Stand facing a wall, with your hands pressed against it.",),
     "over its own voice, Whisper did not hear it"),  # its voice's remains, heard as a control by one engine
    ("hang fire", "and press against.", ("Stand facing a wall, with your hands pressed against it.",),
     "over its own voice, Whisper did not hear it"),  # a close part of the phrase, not its words
    ("next", "Next.", (INTRO,), "the assistant was saying it"),  # the intro's own word
    ("next", "Next one, please.", (INTRO,), "the assistant was saying it"),  # "one please" asks nothing
    ("next", "Skip this one.", (INTRO,), None),  # the person's own words for it
    ("pause", "Take, pause.", (INTRO,), "the assistant was saying it"),
    ("next", "Next.", ("Start with your left leg.",), None),  # a phrase that does not say it
    ("pause", "Pause.", (HOLD,), None),
])  # fmt: skip
def test_a_control_over_its_own_voice_needs_both_engines_and_not_its_own_words(
    router: Router, text: str, whisper: str | None, said: tuple[str, ...], reason: str | None
) -> None:
    second = None if whisper is None else Transcript(whisper, 0.9, "whisper", whisper=SURE)
    heard = Transcript(text, 0.9, "pocketsphinx", words=tuple(text.split()), second=second)
    understanding = Understanding(router)
    assert understanding.doubts(heard, Expectation(CONTROLS, said=said)) is bool(said)
    verdict = understanding.understand(heard, Expectation(CONTROLS, said=said))
    assert verdict.belief.believed is (reason is None)
    if reason is not None:
        assert verdict.belief.reason == reason


def test_a_control_named_while_said_is_the_person_s_when_whisper_hears_their_words(router: Router) -> None:
    understanding = Understanding(router)
    expect = Expectation(CONTROLS, said=("20 seconds.",))
    text = "how many seconds left"
    first = Transcript(text, 0.9, "pocketsphinx", words=tuple(text.split()))
    assert understanding.doubts(first, expect)  # over its voice: Whisper hears it too
    assert not understanding.doubts(first, ROUTINE)
    for whisper, believed in (("How many seconds left?", True), ("20 seconds.", False), ("Pause.", False)):
        heard = replace(first, second=Transcript(whisper, 0.9, "whisper", whisper=SURE))
        assert understanding.understand(heard, expect).belief.believed is believed, whisper

"""One belief across engines: pocketsphinx's and Whisper's own signals, their agreement and the router's
probability; urgent answers only from speech an engine is sure of; the second opinion only when doubted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.audio.source import read_wav_pcm16k
from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer
from assistant.messages import IDLE, Expectation, IntentMatch, Transcript, WhisperSignals
from assistant.understanding.belief import Belief, believed
from assistant.understanding.router import Router, RouterResult
from assistant.understanding.second_opinion import judge, needs_second_opinion
from assistant.understanding.understanding import Understanding

AUDIO = Path(__file__).parent / "audio"
SURE = WhisperSignals(avg_logprob=-0.2, no_speech_prob=0.02, compression_ratio=0.8)
GUESSING = WhisperSignals(avg_logprob=-1.4, no_speech_prob=0.1, compression_ratio=0.9)
SILENT = WhisperSignals(avg_logprob=-0.5, no_speech_prob=0.9, compression_ratio=0.6)


def _judge(heard: Transcript, router: Router) -> tuple[Transcript, RouterResult, Belief]:
    return judge(heard, router.examine)


def _ps(text: str, confidence: float = 0.9, fluency: float = 1.0, ood: bool = False) -> Transcript:
    return Transcript(text, confidence, "pocketsphinx", ood, tuple(text.split()), fluency)


def _whisper(text: str, signals: WhisperSignals = SURE) -> Transcript:
    return Transcript(text, 0.8, "whisper", words=tuple(text.split()), whisper=signals)


def test_a_clear_command_needs_no_second_opinion(router: Router) -> None:
    heard = _ps("stop")
    assert not needs_second_opinion(heard, router.route(heard.text))
    assert _judge(heard, router)[2].believed


def test_urgent_words_always_ask_for_a_second_opinion(router: Router) -> None:
    heard = _ps("my calf is swollen and hot")
    assert needs_second_opinion(heard, router.route(heard.text))


def test_urgent_word_salad_from_pocketsphinx_alone_is_not_believed(router: Router) -> None:
    salad = _ps("swollen cold calf milk the", confidence=0.35, fluency=0.4)
    _, routed, belief = _judge(salad, router)
    assert routed.match.intent == "urgent"  # the router's guess is kept for the logs...
    assert not belief.believed and "not sure" in belief.reason  # ...but words alone raise no urgent answer


def test_whisper_hearing_the_audiobook_overrules_pocketsphinx_salad(router: Router) -> None:
    salad = _ps("my calf is swollen and cold", confidence=0.3, ood=True)
    heard = Transcript(**{**salad.__dict__, "second": _whisper("her cheeks were cold and the wind was up")})
    transcript, _, belief = _judge(heard, router)
    assert transcript.engine == "whisper"
    assert not belief.believed


def test_whisper_sure_of_an_urgent_question_is_believed(router: Router) -> None:
    assert _judge(_whisper("my calf is swollen and red."), router)[2].believed
    assert "no speech" in _judge(_whisper("my calf is swollen and red.", SILENT), router)[2].reason
    assert "guessing" in _judge(_whisper("my calf is swollen and red.", GUESSING), router)[2].reason


def test_agreement_believes_what_each_engine_alone_doubted(router: Router) -> None:
    doubted = _ps("what can i do for a cramp in my foot", confidence=0.15, ood=True)
    unsure = WhisperSignals(avg_logprob=-0.9, no_speech_prob=0.1, compression_ratio=1.0)
    heard = Transcript(
        **{**doubted.__dict__, "second": _whisper("what can i do for a cramp in my foot?", unsure)}
    )
    _, routed, belief = _judge(heard, router)
    assert belief.believed and belief.reason.startswith("engines agree")
    assert (routed.match.intent, routed.match.slots) == ("relief", {"body_part": "foot"})


def test_radio_talk_is_not_believed_from_either_engine(router: Router) -> None:
    radio = _whisper("their midfielder was carried off with cramp in the last ten minutes")
    assert not _judge(radio, router)[2].believed


class Counting:
    """A second engine that counts how often it is asked."""

    name = "counting"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0
        self.heard = b""

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        self.calls += 1
        self.heard = audio
        return _whisper(self.text)


@pytest.fixture(scope="module")
def pocketsphinx(tmp_path_factory: pytest.TempPathFactory) -> object:
    from assistant.content.loader import load_content
    from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer

    sentences = [s.text for s in load_content().sentences]
    return PocketsphinxRecognizer(sentences, tmp_path_factory.mktemp("models"))


def test_the_fast_path_does_not_wait_for_the_second_engine(pocketsphinx: object, router: Router) -> None:
    second = Counting("stop")
    recognizer = SecondOpinionRecognizer(pocketsphinx, second, Understanding(router).doubts)  # type: ignore[arg-type]
    stream = recognizer.start()
    stream.accept(read_wav_pcm16k(AUDIO / "q_stop.wav"))
    stream.prepare()
    heard = stream.finish()
    assert (router.route(heard.text).intent, heard.second, second.calls) == ("stop", None, 0)


def test_doubted_speech_is_heard_again_by_the_second_engine(pocketsphinx: object, router: Router) -> None:
    second = Counting("their midfielder was carried off with cramp")
    recognizer = SecondOpinionRecognizer(pocketsphinx, second, Understanding(router).doubts)  # type: ignore[arg-type]
    heard = recognizer.transcribe(read_wav_pcm16k(AUDIO / "radio_cramp.wav"))
    assert second.calls == 1 and heard.second is not None
    assert not _judge(heard, router)[2].believed


def test_an_unsure_second_opinion_that_disagrees_leaves_nothing_believed(router: Router) -> None:
    first = _ps("what causes leg cramps", confidence=0.5, fluency=0.5)
    unsure = WhisperSignals(avg_logprob=-0.7, no_speech_prob=0.05, compression_ratio=0.9)
    # Whisper, unsure, heard another question (relief): the doubted first hearing is not borne out.
    heard = Transcript(**{**first.__dict__, "second": _whisper("work for in leg cramp.", unsure)})
    transcript, _, belief = _judge(heard, router)
    assert transcript.engine == "whisper" and not belief.believed


def test_a_sure_second_opinion_of_other_talk_overrules_the_first(router: Router) -> None:
    first = _ps("what causes leg cramps", confidence=0.5, fluency=0.5)
    radio = _whisper("what a game, and the legs went in the last ten minutes")
    transcript, _, belief = _judge(Transcript(**{**first.__dict__, "second": radio}), router)
    assert transcript.engine == "whisper" and not belief.believed


def test_in_heavy_noise_a_believed_first_hearing_stands_against_whisper(router: Router) -> None:
    first = _ps("would better shoes stop my cramps", confidence=0.7)
    lost = _whisper("with better juice, hot mike, grams.")
    for snr, engine, believed_ in (
        (10.0, "pocketsphinx", True),
        (18.0, "whisper", False),
        (None, "whisper", False),
    ):
        heard = Transcript(**{**first.__dict__, "second": lost, "snr_db": snr})
        transcript, routed, belief = _judge(heard, router)
        assert (transcript.engine, belief.believed) == (engine, believed_), snr
    assert routed.match.intent == "prevention" or not believed_
    # Never an urgent answer, nor a first hearing pocketsphinx itself doubted or was unsure of.
    for doubted in (
        _ps("my calf is swollen and red", confidence=0.9),
        _ps("would better shoes stop my cramps", confidence=0.2),
        _ps("would better shoes stop my cramps", ood=True),
    ):
        heard = Transcript(**{**doubted.__dict__, "second": lost, "snr_db": 10.0})
        assert not _judge(heard, router)[2].believed, doubted


def test_the_second_opinion_carries_the_audio_signal_to_noise_estimate(router: Router) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    noise = rng.normal(0, 300, 16000)
    tone = 3000 * np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000) * (np.arange(16000) > 8000)
    audio = np.clip(noise + tone, -32768, 32767).astype(np.int16).tobytes()
    first = Counting("zzz qqq")
    heard = SecondOpinionRecognizer(first, Counting("what"), Understanding(router).doubts).transcribe(audio)
    assert heard.second is not None and heard.snr_db is not None and 15 < heard.snr_db < 25


def test_the_second_engine_hears_the_audio_the_suppressor_did_not_touch(
    pocketsphinx: object, router: Router
) -> None:
    from assistant.hearing.suppressed import SuppressedRecognizer

    cleaned: list[bytes] = []

    def suppress(audio: bytes) -> bytes:
        cleaned.append(audio)
        return audio[: len(audio) // 4 * 2] + bytes(len(audio) - len(audio) // 4 * 2)  # half of it silenced

    audio = read_wav_pcm16k(AUDIO / "radio_cramp.wav")
    second = Counting("their midfielder was carried off with cramp")
    first = SuppressedRecognizer(pocketsphinx, suppress)  # type: ignore[arg-type]
    stream = SecondOpinionRecognizer(first, second, Understanding(router).doubts).start()
    for start in range(0, len(audio), 3200):
        stream.accept(audio[start : start + 3200])
    stream.prepare()
    heard = stream.finish()
    assert cleaned and cleaned[-1] == audio  # pocketsphinx heard the suppressor's output
    assert heard.second is not None and second.heard == audio  # Whisper heard the audio as it came


def test_word_salad_the_router_is_sure_of_still_gets_the_second_opinion() -> None:
    salad = _ps("would it be overuse now the old toes this feet for this knot")
    sure_but_far = IntentMatch("relief", {}, score=0.6, probability=0.95)
    sure_and_close = IntentMatch("relief", {}, score=0.9, probability=0.95)
    assert needs_second_opinion(salad, sure_but_far)
    assert not needs_second_opinion(salad, sure_and_close)


def test_whisper_alone_is_not_believed_far_from_every_domain_sentence() -> None:
    heard = _whisper("what do you like cats if you wear me")
    far = IntentMatch("help", {}, score=0.47, probability=0.95)
    assert not believed(heard, far)
    assert "closeness" in believed(heard, far).reason
    assert believed(heard, far, agreed=True)  # two engines routed to the same intent are evidence enough
    assert believed(heard, IntentMatch("help", {}, score=0.7, probability=0.95))


def test_long_talk_far_from_the_domain_is_rejected_without_asking_whisper(router: Router) -> None:
    salad = _ps("and the toes of this night were a cramp in the milk of a foot for the doctor i heat")
    far = IntentMatch("relief", {}, score=0.6, probability=0.95)
    assert len(salad.words) > 16
    assert not needs_second_opinion(salad, far)
    assert not believed(salad, far)  # so nothing Whisper could hear would change the answer for it
    question = _ps("my calf is cramping what do i do", confidence=0.4)
    assert needs_second_opinion(question, IntentMatch("relief", {}, score=0.6, probability=0.95))


def test_agreeing_engines_keep_the_exercise_only_pocketsphinx_heard(router: Router) -> None:
    """pocketsphinx's domain words kept "before bed" where Whisper heard "before meds": the routine."""
    first = _ps("some stretches before bed please", confidence=0.6, fluency=0.8)
    heard = Transcript(**{**first.__dict__, "second": _whisper("some stretches before meds please.")})
    transcript, routed, belief = _judge(heard, router)
    assert transcript.engine == "whisper" and belief.believed
    assert (routed.match.intent, routed.match.slots) == ("stretch", {"exercise": "routine"})


def test_agreeing_engines_take_the_body_part_as_whisper_heard_it(router: Router) -> None:
    """A lone body-part word is pocketsphinx's commonest invention: only the exercise is filled in."""
    first = _ps("what do i do for the cramp in my toes", confidence=0.6, fluency=0.8)
    heard = Transcript(**{**first.__dict__, "second": _whisper("what do i do for the cramp?")})
    _, routed, belief = _judge(heard, router)
    assert belief.believed
    assert (routed.match.intent, routed.match.slots) == ("relief", {})


def test_whisper_sure_of_its_words_needs_only_the_agreed_probability(router: Router) -> None:
    """A question that reads two ways (relief at 0.55, under Whisper's 0.6) heard by a sure Whisper.

    The router's probability is pinned, so the rule is tested whatever the content makes of the sentence."""
    text = "can i do something so my legs stop cramping"

    def examine(heard: str) -> RouterResult:
        return replace(router.examine(heard), probability=0.55)

    assert examine(text).match.intent == "relief"
    sure = judge(_whisper(text), examine)[2]
    assert sure.believed and sure.reason.startswith("whisper sure of its words")
    unsure = WhisperSignals(avg_logprob=-0.5, no_speech_prob=0.02, compression_ratio=0.8)
    assert not judge(_whisper(text, unsure), examine)[2].believed

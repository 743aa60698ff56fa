"""The pocketsphinx engine on real committed audio: no mocks. The decoder is loaded once per module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.audio.source import read_wav_pcm16k
from assistant.content.loader import Content
from assistant.dialog.dialog import Dialog
from assistant.hearing.endpointer import speech_span
from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer, PocketsphinxTuning

AUDIO = Path(__file__).parent / "audio"


def _manifest() -> dict[str, tuple[str, str, dict[str, str]]]:
    rows = {}
    with (AUDIO / "MANIFEST.tsv").open(encoding="utf-8") as lines:
        for row in csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t"):
            slots = dict(item.split("=", 1) for item in row[3].split(",")) if row[3] != "-" else {}
            rows[row[0]] = (row[1], row[2], slots)
    return rows


MANIFEST = _manifest()
RECOGNISED = [
    "q_calf_cramping.wav",
    "q_calf_cramping_brown12.wav",
    "q_left_foot.wav",
    "q_left_foot_brown12.wav",
    "q_causes.wav",
    "q_calf_stretch.wav",
    "q_doctor.wav",
    "q_swollen.wav",
    "q_prevent.wav",
    "q_yes.wav",
]
"""Fixtures the default engine gets right. The one-word commands (next, pause, resume, stop) are not yet
recognised reliably by it, so they are not asserted here."""
HUMAN = ["human_goforward.wav", "human_audiobook_0880.wav", "human_audiobook_0930.wav"]


@pytest.fixture(scope="module")
def recognizer(content: Content, tmp_path_factory: pytest.TempPathFactory) -> PocketsphinxRecognizer:
    models = tmp_path_factory.mktemp("models")
    return PocketsphinxRecognizer([s.text for s in content.sentences], models)


def _speech(name: str) -> bytes:
    return speech_span(read_wav_pcm16k(AUDIO / name))


@pytest.mark.parametrize("name", RECOGNISED)
def test_spoken_questions_reach_the_right_intent_and_slots(
    recognizer: PocketsphinxRecognizer, dialog: Dialog, name: str
) -> None:
    _, intent, slots = MANIFEST[name]
    transcript = recognizer.transcribe(_speech(name))
    match, reply = dialog.respond(transcript)
    assert transcript.engine == "pocketsphinx"
    assert (match.intent, match.slots) == (intent, slots), transcript
    assert reply.text


def test_a_clean_question_is_heard_word_for_word(recognizer: PocketsphinxRecognizer) -> None:
    transcript = recognizer.transcribe(_speech("q_left_foot.wav"))
    assert transcript.text == "my left foot is cramping"
    assert not transcript.out_of_domain
    assert 0.3 < transcript.confidence <= 1.0


@pytest.mark.parametrize("name", HUMAN)
def test_real_speech_not_for_the_assistant_is_rejected(
    recognizer: PocketsphinxRecognizer, dialog: Dialog, name: str
) -> None:
    transcript = recognizer.transcribe(_speech(name))
    match, _ = dialog.respond(transcript)
    assert match.intent == "unknown", transcript


@pytest.mark.parametrize(
    "name",
    [
        "fmt_u8_11k.wav",
        "fmt_s24_16k.wav",
        "fmt_f32_22k.wav",
        "fmt_stereo_44k.wav",
    ],
)
def test_every_sample_format_is_recognised(
    recognizer: PocketsphinxRecognizer, dialog: Dialog, name: str
) -> None:
    match, _ = dialog.respond(recognizer.transcribe(_speech(name)))
    assert (match.intent, match.slots) == ("causes", {"body_part": "leg"})


def test_silence_and_empty_audio_give_no_words(recognizer: PocketsphinxRecognizer) -> None:
    assert recognizer.transcribe(b"").text == ""
    assert recognizer.transcribe(b"\x00").text == ""
    silence = recognizer.transcribe(b"\x00\x00" * 16000)
    assert silence.text == "" or silence.out_of_domain


def test_garbage_words_come_out_as_unk_and_never_in_the_text(recognizer: PocketsphinxRecognizer) -> None:
    for name in HUMAN:
        transcript = recognizer.transcribe(_speech(name))
        assert "+g+" not in " ".join(transcript.words)
        assert "[unk]" not in transcript.text


def test_the_domain_model_is_cached_and_reused(content: Content, tmp_path: Path) -> None:
    sentences = [s.text for s in content.sentences[:200]]
    first = PocketsphinxRecognizer(sentences, tmp_path)
    assert first.lm_path.parent == tmp_path
    assert first.lm_path.name.startswith("pocketsphinx-domain-")
    built = first.lm_path.stat().st_mtime_ns
    second = PocketsphinxRecognizer(list(reversed(sentences)), tmp_path)
    assert second.lm_path == first.lm_path
    assert second.lm_path.stat().st_mtime_ns == built
    third = PocketsphinxRecognizer([*sentences, "stop"], tmp_path)
    assert third.lm_path != first.lm_path
    assert len(list(tmp_path.glob("pocketsphinx-domain-*.lm"))) == 2


def test_the_flat_pass_is_a_setting_and_the_tree_pass_alone_still_hears_a_clear_question(
    content: Content, recognizer: PocketsphinxRecognizer
) -> None:
    # The benchmark compares decoder settings (bench/ps_settings.py); the default keeps the flat pass.
    assert recognizer.decoder.config["fwdflat"] is True
    tree_only = PocketsphinxRecognizer(
        [s.text for s in content.sentences], recognizer.lm_path.parent, PocketsphinxTuning(fwdflat=False)
    )
    assert tree_only.decoder.config["fwdflat"] is False
    assert tree_only.transcribe(_speech("q_left_foot.wav")).text == "my left foot is cramping"

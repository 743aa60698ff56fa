"""The Vosk engine against a fake `vosk` module: grammar, vocabulary check, results, [unk] rejection."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from fake_vosk import FakeVosk, make_model_tree

from assistant.errors import ModelError
from assistant.hearing.vosk_engine import VoskRecognizer

SENTENCES = [
    "How do I stretch my calf?",
    "What causes leg cramps",
    "My foot is cramping!",
    "What's good for a charley horse",
    "stop",
    "pause",
    "how do i stretch my CALF",
]
MODEL_VOCABULARY = sorted(
    {"how", "do", "i", "stretch", "my", "calf", "what", "causes", "leg", "cramps", "foot", "is"}
    | {"cramping", "what's", "good", "for", "a", "horse", "stop", "pause", "the", "milk", "buy", "did"}
    | {"you", "remember", "to"}
)
ONE_SECOND = b"\x00\x01" * 16000


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeVosk:
    fake = FakeVosk(vocabulary=list(MODEL_VOCABULARY))
    fake.install(monkeypatch)
    return fake


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return make_model_tree(tmp_path / "vosk-model-small-en-us-0.15")


def test_grammar_holds_each_template_phrase_once_plus_unk(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    assert fake.grammars == [
        [
            "how do i stretch my calf",
            "what causes leg cramps",
            "my foot is cramping",
            "what's good for a horse",
            "stop",
            "pause",
            "[unk]",
        ]
    ]
    assert json.loads(recognizer.grammar.to_json()) == fake.grammars[0]
    assert fake.grammar_words_unknown_to_model == set()


def test_model_is_loaded_from_its_path_quietly(fake: FakeVosk, model_dir: Path) -> None:
    VoskRecognizer(model_dir, SENTENCES)
    assert fake.log_levels == [-1]
    assert fake.model_paths == [str(model_dir)]
    assert fake.words_enabled


def test_words_unknown_to_the_model_are_dropped_and_logged(
    fake: FakeVosk, model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        recognizer = VoskRecognizer(model_dir, SENTENCES)
    assert recognizer.grammar.unknown_words == {"charley"}
    assert "charley" not in recognizer.grammar.words
    assert any("charley" in record.getMessage() for record in caplog.records)
    assert fake.find_word_calls > 0


def test_words_txt_is_the_vocabulary_when_the_model_has_one(fake: FakeVosk, tmp_path: Path) -> None:
    words = [w for w in MODEL_VOCABULARY if w != "cramping"] + ["charley"]
    model_dir = make_model_tree(tmp_path / "vosk-model-en", words=words)
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    assert recognizer.grammar.unknown_words == {"cramping"}
    assert "what's good for a charley horse" in recognizer.grammar.phrases
    assert "my foot is" in recognizer.grammar.phrases
    assert fake.find_word_calls == 0


def test_in_domain_speech_is_transcribed_with_mean_confidence(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.spoken = [("how", 1.0), ("do", 0.8), ("i", 0.9), ("stretch", 0.7), ("my", 1.0), ("calf", 0.6)]
    transcript = recognizer.transcribe(ONE_SECOND)
    assert transcript.text == "how do i stretch my calf"
    assert transcript.confidence == pytest.approx(0.8333, abs=1e-3)
    assert transcript.engine == "vosk" == recognizer.name
    assert not transcript.out_of_domain
    assert transcript.words == ("how", "do", "i", "stretch", "my", "calf")


def test_out_of_domain_speech_is_mostly_unk_and_rejected(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("did you remember to buy the milk for my mother")
    transcript = recognizer.transcribe(ONE_SECOND)
    assert transcript.out_of_domain
    assert "[unk]" in transcript.words
    assert "[unk]" not in transcript.text
    assert transcript.text == "for my"


def test_an_unknown_word_inside_a_question_is_not_a_rejection(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("how do i stretch my calf please")
    transcript = recognizer.transcribe(ONE_SECOND)
    assert transcript.text == "how do i stretch my calf"
    assert transcript.words[-1] == "[unk]"
    assert not transcript.out_of_domain


def test_silence_gives_an_empty_out_of_domain_transcript(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("")
    transcript = recognizer.transcribe(ONE_SECOND)
    assert (transcript.text, transcript.confidence, transcript.out_of_domain) == ("", 0.0, True)


def test_no_audio_is_not_decoded(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("stop")
    assert recognizer.transcribe(b"\x01").out_of_domain
    assert fake.fed_bytes == []


def test_audio_is_fed_in_blocks_of_whole_samples(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("pause")
    assert recognizer.transcribe(ONE_SECOND + b"\x07").text == "pause"
    assert sum(fake.fed_bytes) == len(ONE_SECOND)
    assert len(fake.fed_bytes) > 1


def test_results_before_an_engine_endpoint_are_kept(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.segment_after_bytes = len(ONE_SECOND) // 2
    fake.say("what causes leg cramps")
    assert recognizer.transcribe(ONE_SECOND).text == "what causes leg cramps"


def test_one_recogniser_serves_many_utterances(fake: FakeVosk, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.say("stop")
    first = recognizer.transcribe(ONE_SECOND)
    fake.say("my foot is cramping")
    second = recognizer.transcribe(ONE_SECOND)
    assert (first.text, second.text) == ("stop", "my foot is cramping")
    assert len(fake.grammars) == 1


def test_a_decoding_failure_is_a_model_error_and_the_recogniser_recovers(
    fake: FakeVosk, model_dir: Path
) -> None:
    recognizer = VoskRecognizer(model_dir, SENTENCES)
    fake.fail_decode = True
    with pytest.raises(ModelError, match=r"failed to decode"):
        recognizer.transcribe(ONE_SECOND)
    assert fake.resets == 1
    fake.fail_decode = False
    fake.say("stop")
    assert recognizer.transcribe(ONE_SECOND).text == "stop"


def test_a_broken_model_dir_names_what_is_missing(fake: FakeVosk, model_dir: Path) -> None:
    (model_dir / "am/final.mdl").unlink()
    (model_dir / "conf/model.conf").write_bytes(b"")
    with pytest.raises(ModelError, match=r"missing am/final\.mdl; missing conf/model\.conf") as caught:
        VoskRecognizer(model_dir, SENTENCES)
    assert "\n" not in str(caught.value)
    assert fake.model_paths == []


def test_a_missing_model_dir_is_a_model_error(fake: FakeVosk, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"does not exist"):
        VoskRecognizer(tmp_path / "nowhere", SENTENCES)


def test_a_model_vosk_cannot_load_is_a_model_error(fake: FakeVosk, model_dir: Path) -> None:
    fake.fail_model = True
    with pytest.raises(ModelError, match=r"cannot load the Vosk model"):
        VoskRecognizer(model_dir, SENTENCES)


def test_a_model_knowing_none_of_the_words_is_a_model_error(fake: FakeVosk, model_dir: Path) -> None:
    fake.vocabulary = ["zebra"]
    with pytest.raises(ModelError, match=r"knows none"):
        VoskRecognizer(model_dir, SENTENCES)


def test_a_static_graph_model_is_used_with_a_warning(
    fake: FakeVosk, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model_dir = make_model_tree(tmp_path / "vosk-model-big", runtime_graph=False)
    with caplog.at_level(logging.WARNING):
        VoskRecognizer(model_dir, SENTENCES)
    assert any("static graph" in record.getMessage() for record in caplog.records)


def test_vosk_not_installed_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> None:
    monkeypatch.setitem(sys.modules, "vosk", None)
    with pytest.raises(ModelError, match=r"pip install vosk"):
        VoskRecognizer(model_dir, SENTENCES)

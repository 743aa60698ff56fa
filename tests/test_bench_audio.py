"""The benchmark's audio makers: coloured noise, SNR over active speech, synthesis and the corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from audio_signals import syllables

from assistant.audio.pcm import pcm16_to_float
from assistant.audio.source import read_wav_pcm16k
from bench import speech_corpus
from bench.noise import active_power, coloured_noise, measured_snr, mix_at_snr, pad
from bench.synth import Voice, synthesize, trim

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _slope_db_per_octave(noise: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), 1 / 16000)
    low = spectrum[(freqs > 250) & (freqs < 500)].mean()
    high = spectrum[(freqs > 2000) & (freqs < 4000)].mean()
    return float(10 * np.log10(high / low) / 3)  # three octaves apart


@pytest.mark.parametrize(("kind", "slope"), [("white", 0.0), ("pink", -3.0), ("brown", -6.0)])
def test_noise_colours_have_their_spectral_slope(kind: str, slope: float) -> None:
    noise = coloured_noise(kind, 16000 * 5, np.random.default_rng(0))
    assert np.sqrt(np.mean(noise**2)) == pytest.approx(1.0, rel=1e-3)
    assert _slope_db_per_octave(noise) == pytest.approx(slope, abs=0.5)
    with pytest.raises(ValueError):
        coloured_noise("purple", 100, np.random.default_rng(0))


def test_active_power_ignores_padding_silence() -> None:
    speech = syllables(1.0)
    assert active_power(pad(speech, 2.0)) == pytest.approx(active_power(speech), rel=0.05)


@pytest.mark.parametrize("snr", [12.0, 6.0])
def test_mix_has_the_requested_snr_over_active_speech(snr: float) -> None:
    speech = syllables(1.5, amplitude=0.05)
    mixed = mix_at_snr(speech, "brown", snr, np.random.default_rng(1), padding=0.5)
    assert len(mixed) == len(speech) + 16000
    noise = mixed - pad(speech, 0.5)
    assert measured_snr(speech, noise) == pytest.approx(snr, abs=0.01)
    assert np.sqrt(np.mean(noise[:8000] ** 2)) > 0  # room noise before the speech


def test_trim_cuts_silence_but_keeps_a_margin() -> None:
    speech = syllables(0.5)
    trimmed = trim(pad(speech, 1.0))
    assert 0.5 * 16000 <= len(trimmed) <= 0.5 * 16000 + 400


def test_voice_labels() -> None:
    assert Voice("espeak-ng", "en+f3", 175).label == "espeak-en_f3-175"
    assert Voice("flite", "slt").label == "flite-slt"
    assert Voice("festival").label == "festival"


@needs_espeak
def test_espeak_speech_comes_back_at_16k() -> None:
    fast = synthesize(Voice("espeak-ng", "en-us", 200), "my calf is cramping")
    slow = synthesize(Voice("espeak-ng", "en-us", 120), "my calf is cramping")
    assert 0.5 < len(fast) / 16000 < len(slow) / 16000 < 4.0
    assert np.max(np.abs(fast)) > 0.1


def test_the_sentence_tsv_is_parsed(tmp_path: Path) -> None:
    tsv = tmp_path / "s.tsv"
    tsv.write_text("# comment\n\nmy left calf hurts\trelief\tbody_part=calf,side=left\nstop\tstop\t-\n")
    sentences = speech_corpus.read_sentences(tsv)
    assert [(s.text, s.intent, s.slots) for s in sentences] == [
        ("my left calf hurts", "relief", {"body_part": "calf", "side": "left"}),
        ("stop", "stop", {}),
    ]
    tsv.write_text("just text without an intent\n")
    with pytest.raises(ValueError, match=r"s\.tsv:1"):
        speech_corpus.read_sentences(tsv)


def test_radio_text_has_many_turns() -> None:
    paragraphs = speech_corpus.radio_paragraphs()
    assert len(paragraphs) > 15
    assert sum(len(p.split()) for p in paragraphs) > 500


@needs_espeak
def test_a_small_corpus_is_made_once_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tsv = tmp_path / "s.tsv"
    tsv.write_text("my calf is cramping\trelief\tbody_part=calf\n")
    voice = Voice("espeak-ng", "en-us", 175)
    entries = speech_corpus.build_corpus(
        tsv, tmp_path / "out", voices=(voice,), noises=(("pink", 6.0),), human=False, radio=False
    )
    assert [(e.voice, e.noise, e.snr, e.intent, e.slots) for e in entries] == [
        ("espeak-en-us-175", "clean", None, "relief", {"body_part": "calf"}),
        ("espeak-en-us-175", "pink", 6.0, "relief", {"body_part": "calf"}),
    ]
    clean = pcm16_to_float(read_wav_pcm16k(entries[0].path))
    noisy = pcm16_to_float(read_wav_pcm16k(entries[1].path))
    assert len(clean) == len(noisy)
    assert np.all(clean[:7900] == 0) and np.all(clean[-7900:] == 0)
    speech = clean[8000:-8000]
    assert measured_snr(speech, noisy - clean) == pytest.approx(6.0, abs=0.3)  # 16-bit rounding
    stamp = entries[1].path.stat().st_mtime_ns
    monkeypatch.setattr(speech_corpus, "synthesize", lambda *args: pytest.fail("should be cached"))
    again = speech_corpus.build_corpus(
        tsv, tmp_path / "out", voices=(voice,), noises=(("pink", 6.0),), human=False, radio=False
    )
    assert again == entries and entries[1].path.stat().st_mtime_ns == stamp


@pytest.mark.skipif(not speech_corpus.TESTDATA.exists(), reason="pocketsphinx-testdata is not installed")
def test_human_recordings_come_with_their_transcripts() -> None:
    recordings = dict((path.name, text) for path, text in speech_corpus._human_recordings())
    assert (
        recordings["sense_and_sensibility_01_austen_64kb-0880.wav"] == "he was not an ill disposed young man"
    )
    assert recordings["goforward.raw"] == "go forward ten meters"
    assert len(recordings) >= 10

"""Parsing Vosk's JSON results into typed words and a Transcript."""

from __future__ import annotations

import json

import pytest

from assistant.errors import ModelError
from assistant.hearing.vosk_grammar import build_grammar, sentence_words
from assistant.hearing.vosk_result import VoskWord, parse_result, transcript_from_words


def test_words_with_confidences_and_times_are_parsed() -> None:
    raw = json.dumps(
        {
            "result": [
                {"conf": 0.5, "end": 0.9, "start": 0.4, "word": "Stop"},
                {"conf": 1, "end": 1.5, "start": 1.0, "word": "[unk]"},
            ],
            "text": "stop [unk]",
        }
    )
    assert parse_result(raw) == [VoskWord("stop", 0.5, 0.4, 0.9), VoskWord("[unk]", 1.0, 1.0, 1.5)]


def test_a_text_only_result_gives_words_of_unknown_confidence() -> None:
    assert parse_result('{"text" : "pause now"}') == [VoskWord("pause", 1.0), VoskWord("now", 1.0)]


def test_an_empty_result_has_no_words() -> None:
    assert parse_result('{\n  "text" : ""\n}') == []
    assert parse_result('{"partial": "x"}') == []


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"result": '])
def test_an_unreadable_result_is_a_model_error(raw: str) -> None:
    with pytest.raises(ModelError, match=r"unreadable result"):
        parse_result(raw)


def test_malformed_word_fields_fall_back_to_defaults() -> None:
    raw = json.dumps({"result": [{"word": "calf", "conf": "high", "start": None}, {"conf": 0.3}]})
    assert parse_result(raw) == [VoskWord("calf", 1.0, 0.0, 0.0)]


def test_half_unknown_is_still_in_domain_more_is_not() -> None:
    half = transcript_from_words([VoskWord("[unk]", 0.9), VoskWord("cramp", 0.6)])
    assert (half.text, half.confidence, half.out_of_domain) == ("cramp", 0.6, False)
    most = transcript_from_words([VoskWord("[unk]", 0.9), VoskWord("[unk]", 0.9), VoskWord("cramp", 0.6)])
    assert most.out_of_domain
    assert most.words == ("[unk]", "[unk]", "cramp")


def test_only_unknown_words_give_empty_text_and_zero_confidence() -> None:
    transcript = transcript_from_words([VoskWord("[unk]", 0.9)])
    assert (transcript.text, transcript.confidence, transcript.out_of_domain) == ("", 0.0, True)


def test_sentence_words_lowercase_and_keep_apostrophes() -> None:
    assert sentence_words("What\u2019s good for a Charley-horse? (left side)") == [
        "what's",
        "good",
        "for",
        "a",
        "charley",
        "horse",
        "left",
        "side",
    ]


def test_each_word_is_looked_up_once() -> None:
    asked: list[str] = []

    def is_known(word: str) -> bool:
        asked.append(word)
        return word != "zzz"

    grammar = build_grammar(["stop now", "stop zzz now", "zzz", "stop now"], is_known)
    assert sorted(asked) == ["now", "stop", "zzz"]
    assert grammar.phrases == ("stop now",)
    assert grammar.unknown_words == {"zzz"}

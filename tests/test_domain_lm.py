"""The domain language model builder: tokens, ARPA structure and probabilities, dictionary, cache key."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.hearing.domain_lm import (
    GARBAGE_PREFIX,
    arpa_trigram,
    build_domain_model,
    is_garbage,
    sentences_hash,
    words_of,
)

SENTENCES = ["my calf is cramping", "my foot is cramping", "what causes cramps", "stop"]
PRONUNCIATIONS = {
    "my": ["M AY"],
    "calf": ["K AE F"],
    "is": ["IH Z"],
    "cramping": ["K R AE M P IH NG"],
    "foot": ["F UH T"],
    "what": ["W AH T", "HH W AH T"],
    "causes": ["K AA Z AH Z", "K AO Z AH Z"],
    "cramps": ["K R AE M P S"],
    "stop": ["S T AA P"],
}


def _sections(arpa: str) -> dict[int, dict[tuple[str, ...], tuple[float, float | None]]]:
    grams: dict[int, dict[tuple[str, ...], tuple[float, float | None]]] = defaultdict(dict)
    order = 0
    for line in arpa.splitlines():
        if line.startswith("\\") and line.endswith("-grams:"):
            order = int(line[1])
        elif order and line.strip() and not line.startswith("\\"):
            fields = line.split()
            has_backoff = len(fields) == order + 2
            words = tuple(fields[1 : 1 + order])
            grams[order][words] = (float(fields[0]), float(fields[-1]) if has_backoff else None)
    return grams


def test_words_keep_apostrophes_and_drop_punctuation() -> None:
    assert words_of("What's good for a Charley-horse?") == ["what's", "good", "for", "a", "charley", "horse"]


def test_header_counts_match_the_sections() -> None:
    arpa = arpa_trigram([s.split() for s in SENTENCES])
    grams = _sections(arpa)
    for order in (1, 2, 3):
        assert f"ngram {order}={len(grams[order])}" in arpa


def test_every_history_distributes_probability_one() -> None:
    """Seen bigrams plus backed-off unseen words sum to 1 for each history (the model is proper)."""
    arpa = arpa_trigram([s.split() for s in SENTENCES])
    grams = _sections(arpa)
    unigram = {w[0]: 10**p for w, (p, _) in grams[1].items() if w[0] != "<s>"}
    for (history,), (_, backoff) in grams[1].items():
        if history == "</s>":
            continue
        seen = {w[1]: 10**p for w, (p, _) in grams[2].items() if w[0] == history}
        unseen = sum(p for w, p in unigram.items() if w not in seen)
        total = sum(seen.values()) + 10 ** (backoff or 0.0) * unseen
        assert math.isclose(total, 1.0, rel_tol=1e-3), history


def test_garbage_words_share_their_mass_and_get_one_phone_each() -> None:
    model = build_domain_model(SENTENCES, PRONUNCIATIONS, ("AA", "K"), garbage_mass=0.4)
    grams = _sections(model.arpa)
    garbage = {w[0]: 10**p for w, (p, _) in grams[1].items() if is_garbage(w[0])}
    assert garbage.keys() == {f"{GARBAGE_PREFIX}aa", f"{GARBAGE_PREFIX}k"}
    assert math.isclose(sum(garbage.values()), 0.4, rel_tol=1e-3)
    assert f"{GARBAGE_PREFIX}k K" in model.dictionary.splitlines()
    assert not any(is_garbage(w) for g in grams[2] for w in g)


def test_dictionary_holds_only_domain_words_with_alternates() -> None:
    model = build_domain_model(SENTENCES, PRONUNCIATIONS)
    lines = model.dictionary.splitlines()
    assert "what W AH T" in lines
    assert "what(2) HH W AH T" in lines
    assert {line.split()[0].split("(")[0] for line in lines} == model.vocabulary


def test_words_without_pronunciation_drop_their_sentences() -> None:
    model = build_domain_model([*SENTENCES, "my zorbly calf"], PRONUNCIATIONS)
    assert model.dropped == {"zorbly"}
    assert "zorbly" not in model.arpa
    assert "zorbly" not in model.vocabulary
    assert model.vocabulary == build_domain_model(SENTENCES, PRONUNCIATIONS).vocabulary


def test_no_usable_sentence_is_an_error() -> None:
    with pytest.raises(ValueError, match="no sentence"):
        build_domain_model(["zorbly"], PRONUNCIATIONS)


def test_hash_ignores_order_case_and_duplicates_but_not_content() -> None:
    key = sentences_hash(SENTENCES)
    assert sentences_hash([s.upper() for s in reversed(SENTENCES)] + [SENTENCES[0]]) == key
    assert sentences_hash([*SENTENCES, "pause"]) != key
    assert sentences_hash(SENTENCES, "g0.5") != key


def test_content_pronunciations_fill_cmudict_gaps(tmp_path: Path) -> None:
    from assistant.hearing.pocketsphinx_engine import PocketsphinxTuning, domain_model_files
    from assistant.hearing.pocketsphinx_engine import _import_pocketsphinx as load

    cmudict = Path(load().get_model_path()) / "en-us" / "cmudict-en-us.dict"
    sentences = ["walk me through towel scrunches", "can sciatica cause cramps", "should i see a gp"]
    _, dictionary = domain_model_files(sentences, tmp_path, cmudict, PocketsphinxTuning())
    words = {line.split()[0] for line in dictionary.read_text().splitlines()}
    assert {"scrunches", "sciatica", "gp", "towel", "walk"} <= words

"""Checks for content/examples.tsv, the router's training examples.

The examples must be well-formed, use only known labels, cover every label, hold no duplicates or near
copies of each other, and stay independent of the held-out evaluation sets in tests/data: a near copy there
would make the reported accuracy meaningless. Failures name only lines of examples.tsv.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from labelled_cases import DATA_DIR, normalise, read_cases
from rapidfuzz import fuzz, process

EXAMPLES = Path(__file__).parent.parent / "content" / "examples.tsv"
NEAR_COPY_RATIO = 92
MAX_WORDS = 25

MINIMUM_PER_LABEL = {
    "relief": 90,
    "causes": 35,
    "stretch": 40,
    "prevention": 30,
    "doctor": 30,
    "conditions": 30,
    "diet": 30,
    "heat_cold": 25,
    "help": 25,
    "medications": 10,
    "medications.painkillers": 8,
    "medications.stopping": 8,
    "urgent.emergency": 8,
    "urgent.clot": 10,
    "urgent.prolonged": 8,
    "urgent.infection": 6,
    "urgent.toxic": 6,
    "out_of_scope": 150,
} | {
    control: 12
    for control in (
        "next",
        "repeat",
        "pause",
        "resume",
        "stop",
        "yes",
        "no",
        "time_left",
        "extend",
        "other_side",
    )
}
ALLOWED_LABELS = frozenset(MINIMUM_PER_LABEL)
FAMILY_MINIMUM = {"medications": 35, "urgent": 50}


@dataclass(frozen=True)
class Example:
    """One training line of examples.tsv."""

    text: str
    label: str
    line: int


def read_examples(path: Path = EXAMPLES) -> list[Example]:
    """Parse examples.tsv; a malformed line fails the test naming its line number."""
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 2:
            pytest.fail(f"examples.tsv:{number}: expected text<TAB>label, got {len(fields)} fields")
        text, label = fields
        if not text or text != text.strip() or label != label.strip():
            pytest.fail(f"examples.tsv:{number}: empty field or stray whitespace")
        examples.append(Example(text, label, number))
    return examples


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return read_examples()


def test_file_starts_with_a_comment_header() -> None:
    first = EXAMPLES.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")


def test_labels_are_allowed(examples: list[Example]) -> None:
    bad = [f"{e.line}: {e.label}" for e in examples if e.label not in ALLOWED_LABELS]
    assert not bad, f"unknown labels on examples.tsv lines: {bad}"


def test_every_label_has_its_minimum(examples: list[Example]) -> None:
    counts = Counter(e.label for e in examples)
    short = {label: counts[label] for label, least in MINIMUM_PER_LABEL.items() if counts[label] < least}
    assert not short, f"labels below their minimum: {short}"
    families = Counter(e.label.split(".")[0] for e in examples)
    thin = {name: families[name] for name, least in FAMILY_MINIMUM.items() if families[name] < least}
    assert not thin, f"label families below their minimum: {thin}"


def test_lines_are_short(examples: list[Example]) -> None:
    long = [e.line for e in examples if len(e.text.split()) >= MAX_WORDS]
    assert not long, f"examples.tsv lines with {MAX_WORDS} words or more: {long}"


def test_no_duplicates(examples: list[Example]) -> None:
    seen: dict[str, int] = {}
    repeats = []
    for example in examples:
        key = normalise(example.text)
        if key in seen:
            repeats.append((seen[key], example.line))
        seen.setdefault(key, example.line)
    assert not repeats, f"duplicate examples.tsv lines (first, again): {repeats}"


def test_no_near_copies_within_the_file(examples: list[Example]) -> None:
    texts = [normalise(e.text) for e in examples]
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_COPY_RATIO)
    pairs = [
        (examples[i].line, examples[j].line)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if scores[i][j]
    ]
    assert not pairs, f"near-copy pairs of examples.tsv lines: {pairs}"


def test_no_near_copies_of_evaluation_data(examples: list[Example]) -> None:
    held = [normalise(case.text) for path in sorted(DATA_DIR.glob("*.tsv")) for case in read_cases(path)]
    assert held, "expected evaluation sets in tests/data"
    ours = [normalise(e.text) for e in examples]
    scores = process.cdist(ours, held, scorer=fuzz.ratio, score_cutoff=NEAR_COPY_RATIO)
    # Only our own line numbers are reported, so the evaluation text never leaks into this file.
    copies = [examples[i].line for i in range(len(ours)) if scores[i].max() > 0]
    assert not copies, f"examples.tsv lines too close to evaluation data, rewrite them: {copies}"


def test_normalised_text_is_never_empty(examples: list[Example]) -> None:
    empty = [e.line for e in examples if not normalise(e.text)]
    assert not empty, f"examples.tsv lines with no words: {empty}"

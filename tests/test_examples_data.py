"""Checks for content/examples*.tsv, the router's training examples.

Every examples file must be well-formed, use only known labels, give each label its minimum, and hold no
duplicates or near copies, neither within the file nor across the files. All of them must stay independent of
the held-out evaluation sets in tests/data: a near copy there would make the reported accuracy meaningless.
Failures name only lines of the examples files (``file:line``), never evaluation text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from labelled_cases import DATA_DIR, normalise, read_cases
from rapidfuzz import fuzz, process

CONTENT = Path(__file__).parent.parent / "content"
NEAR_COPY_RATIO = 92
MAX_WORDS = 25
CONTROLS = ("next", "repeat", "pause", "resume", "stop", "yes", "no", "time_left", "extend", "other_side")
STATEMENTS = ("eased",)
"""What a person says about their cramp rather than asks: "it's eased" (the log notes the relief time)."""
MEDICATIONS = ("medications", "medications.painkillers", "medications.stopping")
URGENT = ("urgent.emergency", "urgent.clot", "urgent.prolonged", "urgent.infection", "urgent.toxic")


@dataclass(frozen=True)
class Quota:
    """What one examples file must hold: a minimum per label and per label family (the part before '.')."""

    per_label: dict[str, int]
    per_family: dict[str, int]


QUOTAS = {
    "examples.tsv": Quota(
        per_label={
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
        }
        | dict.fromkeys(CONTROLS, 12)
        | dict.fromkeys(STATEMENTS, 12),
        per_family={"medications": 35, "urgent": 50},
    ),
    "examples_more.tsv": Quota(
        per_label={
            "relief": 80,
            "causes": 30,
            "stretch": 35,
            "prevention": 25,
            "doctor": 25,
            "conditions": 25,
            "diet": 25,
            "heat_cold": 20,
            "help": 25,
            "out_of_scope": 160,
        }
        | dict.fromkeys(MEDICATIONS, 6)
        | dict.fromkeys(URGENT, 5)
        | dict.fromkeys(CONTROLS, 12)
        | dict.fromkeys(STATEMENTS, 12),
        per_family={"medications": 30, "urgent": 40},
    ),
}
ALLOWED_LABELS = frozenset(label for quota in QUOTAS.values() for label in quota.per_label)


@dataclass(frozen=True)
class Example:
    """One training line of an examples file."""

    text: str
    label: str
    where: str
    """``file:line``, the only way a failure names an example."""


def read_examples(path: Path) -> list[Example]:
    """Parse one examples file; a malformed line fails the test naming its file and line number."""
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 2:
            pytest.fail(f"{where}: expected text<TAB>label, got {len(fields)} fields")
        text, label = fields
        if not text or text != text.strip() or label != label.strip():
            pytest.fail(f"{where}: empty field or stray whitespace")
        examples.append(Example(text, label, where))
    return examples


@pytest.fixture(scope="module", params=sorted(QUOTAS))
def named_file(request: pytest.FixtureRequest) -> tuple[str, list[Example]]:
    name: str = request.param
    return name, read_examples(CONTENT / name)


@pytest.fixture(scope="module")
def every_example() -> list[Example]:
    return [example for name in sorted(QUOTAS) for example in read_examples(CONTENT / name)]


def test_every_examples_file_is_checked() -> None:
    # The router loads every content/examples*.tsv, so a new file must get a quota here.
    assert sorted(path.name for path in CONTENT.glob("examples*.tsv")) == sorted(QUOTAS)


def test_file_starts_with_a_comment_header(named_file: tuple[str, list[Example]]) -> None:
    name, _ = named_file
    first = (CONTENT / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")


def test_labels_are_allowed(named_file: tuple[str, list[Example]]) -> None:
    _, examples = named_file
    bad = [f"{e.where}: {e.label}" for e in examples if e.label not in ALLOWED_LABELS]
    assert not bad, f"unknown labels: {bad}"


def test_every_label_has_its_minimum(named_file: tuple[str, list[Example]]) -> None:
    name, examples = named_file
    quota = QUOTAS[name]
    counts = Counter(e.label for e in examples)
    short = {label: counts[label] for label, least in quota.per_label.items() if counts[label] < least}
    assert not short, f"{name}: labels below their minimum: {short}"
    families = Counter(e.label.split(".")[0] for e in examples)
    thin = {fam: families[fam] for fam, least in quota.per_family.items() if families[fam] < least}
    assert not thin, f"{name}: label families below their minimum: {thin}"


def test_lines_are_short(named_file: tuple[str, list[Example]]) -> None:
    _, examples = named_file
    long = [e.where for e in examples if len(e.text.split()) >= MAX_WORDS]
    assert not long, f"lines with {MAX_WORDS} words or more: {long}"


def test_normalised_text_is_never_empty(named_file: tuple[str, list[Example]]) -> None:
    _, examples = named_file
    empty = [e.where for e in examples if not normalise(e.text)]
    assert not empty, f"lines with no words: {empty}"


def test_no_duplicates_across_all_files(every_example: list[Example]) -> None:
    seen: dict[str, str] = {}
    repeats = []
    for example in every_example:
        key = normalise(example.text)
        if key in seen:
            repeats.append((seen[key], example.where))
        seen.setdefault(key, example.where)
    assert not repeats, f"duplicate lines (first, again): {repeats}"


def test_no_near_copies_across_all_files(every_example: list[Example]) -> None:
    texts = [normalise(e.text) for e in every_example]
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_COPY_RATIO)
    pairs = [
        (every_example[i].where, every_example[j].where)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if scores[i][j]
    ]
    assert not pairs, f"near-copy pairs: {pairs}"


def test_no_near_copies_of_evaluation_data(named_file: tuple[str, list[Example]]) -> None:
    _, examples = named_file
    held = [normalise(case.text) for path in sorted(DATA_DIR.glob("*.tsv")) for case in read_cases(path)]
    assert held, "expected evaluation sets in tests/data"
    ours = [normalise(e.text) for e in examples]
    scores = process.cdist(ours, held, scorer=fuzz.ratio, score_cutoff=NEAR_COPY_RATIO)
    # Only our own file and line numbers are reported, so the evaluation text never leaks into the examples.
    copies = [examples[i].where for i in range(len(ours)) if scores[i].max() > 0]
    assert not copies, f"lines too close to evaluation data, rewrite them: {copies}"

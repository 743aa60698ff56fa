"""Content loads, covers every intent, cites sources, and broken files fail with file and key named."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.content.loader import CONTENT_ENV, Content, content_dir, load_content
from assistant.errors import ContentError

INTENTS = {
    "relief", "causes", "stretch", "prevention", "doctor", "medications", "conditions", "diet", "heat_cold",
    "urgent", "help", "next", "repeat", "pause", "resume", "stop", "yes", "no",
}  # fmt: skip


def test_every_contract_intent_has_sentences(content: Content) -> None:
    assert set(content.intents) >= INTENTS


def test_slot_lists_match_the_contract(content: Content) -> None:
    assert set(content.lists["body_part"]) == {"calf", "foot", "toes", "thigh", "hamstring", "leg"}
    assert set(content.lists["side"]) == {"left", "right"}
    assert set(content.lists["exercise"]) == {
        "calf_stretch", "toe_stretch", "towel_scrunch", "ankle_circles", "quad_stretch", "routine",
    }  # fmt: skip


def test_every_response_names_known_sources(content: Content) -> None:
    for (intent, topic), response in content.responses.items():
        assert response.sources, f"{intent}.{topic} has no source"
        assert set(response.sources) <= set(content.sources)


def test_relief_has_an_answer_for_every_body_part(content: Content) -> None:
    for part in content.lists["body_part"]:
        assert content.has_response("relief", part)


def test_sentences_fill_every_slot_value(content: Content) -> None:
    seen = {(name, value) for s in content.sentences for name, value in s.slots.items()}
    for name in content.slot_names:
        for value in content.lists[name]:
            assert (name, value) in seen, f"no sentence says {name}={value}"
    assert all("slot" not in s.text for s in content.sentences)
    assert {"calf", "cramp", "stretch", "doctor"} <= content.vocabulary()


def test_no_doses_in_anything_said(content: Content) -> None:
    texts = [t for r in content.responses.values() for t in (*r.first, r.more)]
    for text in texts:
        assert " mg" not in text and "milligram" not in text.lower()


def test_a_new_template_leaves_the_other_sentences_as_they_were(content: Content, tmp_path: Path) -> None:
    """The recognisers' sentences (and so pocketsphinx's language model) of every other template stay the
    same when a template is added before them: each fills its slots from its own expansions only."""
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    first = "[intents.relief.groups.default]\nsentences = [\n"
    _edit(target / "intents.toml", first, first + '  "my {body_part} feels odd tonight",\n')
    added = load_content(target, cache=False)
    before = {(s.text, s.intent) for s in content.sentences}
    after = {(s.text, s.intent) for s in added.sentences}
    assert before <= after
    new_texts = {text for text, _ in after - before}
    assert new_texts == {f"my {form} feels odd tonight" for form in _forms(content)}


def _forms(content: Content) -> set[str]:
    return {form for forms in content.lists["body_part"].values() for form in forms}


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        (
            "responses.toml",
            'sources = ["nhs_dvt"]',
            'sources = ["somewhere"]',
            "responses.urgent.emergency.sources",
        ),
        (
            "responses.toml",
            "Call {emergency_number} now.",
            "Call {ambulance} now.",
            "responses.urgent.emergency",
        ),
        ("responses.toml", 'offer = "calf_stretch"', 'offer = "yoga"', "responses.relief.calf.offer"),
        (
            "intents.toml",
            '"what can you do",',
            '"what can (you do",',
            "intents.help.groups.default.sentences[0]",
        ),
        (
            "intents.toml",
            '"what can you do",',
            '"what can {nobody} do",',
            "intents.help.groups.default.sentences[0]",
        ),
        ("intents.toml", 'names = ["body_part", "side", "exercise"]', 'names = ["limb"]', "slots.names"),
        ("sources.toml", 'title = "NHS: Leg cramps"', "title = 3", "sources.nhs_leg_cramps.title"),
        ("responses.toml", "[exercise_names]", "[exercise_names]\nx = 1\n[unused]", "exercise_names"),
        ("intents.toml", 'about = ["body_part", "cramp"]', 'about = ["limb"]', "red_flags.about"),
        ("intents.toml", 'anywhere = ["emergency"]', 'anywhere = ["panic"]', "red_flags.anywhere"),
        (
            "intents.toml",
            'conversational = ["all of them"]',
            'conversational = ["those"]',
            "slots.conversational",
        ),
        ("intents.toml", 'speaker = ["i", "me",', 'speaker = ["his", "i", "me",', "red_flags.speaker"),
        ("intents.toml", 'others = ["he", "she",', 'others = ["he said", "she",', "red_flags.others"),
        ("intents.toml", 'others = ["he", "she",', 'others = [3, "she",', "red_flags.others"),
        (
            "intents.toml",
            'quad_stretch = "thigh"',
            'quad_stretch = "elbow"',
            "router.exercise_muscles.quad_stretch",
        ),
        (
            "intents.toml",
            "exercise_muscles = {",
            'exercise_muscles = "calf"\nx = {',
            "router.exercise_muscles",
        ),
    ],
)
def test_broken_content_names_file_and_key(broken: Path, file: str, old: str, new: str, key: str) -> None:
    _edit(broken / file, old, new)
    with pytest.raises(ContentError) as caught:
        load_content(broken)
    assert caught.value.path.endswith(file)
    assert caught.value.key == key
    assert file in str(caught.value) and key in str(caught.value)


def test_not_toml_and_missing_file(broken: Path) -> None:
    original = (broken / "intents.toml").read_text()
    (broken / "intents.toml").write_text("[lists\nnot toml")
    with pytest.raises(ContentError, match=r"intents.toml: -: not valid TOML"):
        load_content(broken)
    (broken / "intents.toml").write_text(original)
    (broken / "responses.toml").unlink()
    with pytest.raises(ContentError, match=r"responses\.toml: -: file is missing"):
        load_content(broken)


def test_cli_reports_broken_content_in_one_line(broken: Path) -> None:
    _edit(broken / "responses.toml", 'sources = ["nhs_dvt"]', 'sources = ["somewhere"]')
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", "ask", "what causes cramps"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", CONTENT_ENV: str(broken), "HOME": str(broken)},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "responses.toml" in lines[0] and "responses.urgent.emergency.sources" in lines[0]
    assert "Traceback" not in result.stderr

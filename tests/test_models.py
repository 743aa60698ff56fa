"""Finding and checking Vosk model folders."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fake_vosk import make_model_tree

from assistant.errors import ModelError
from assistant.models.finding import (
    VOSK_MODEL_NAME,
    check_vosk_model,
    ensure_vosk_model,
    find_vosk_model,
    list_vosk_models,
    require_vosk_model,
)
from assistant.settings import RecognizerSettings


def test_a_complete_model_has_no_problems(tmp_path: Path) -> None:
    assert check_vosk_model(make_model_tree(tmp_path / "m")) == []
    assert check_vosk_model(make_model_tree(tmp_path / "static", runtime_graph=False)) == []


def test_each_missing_or_empty_part_is_named(tmp_path: Path) -> None:
    model = make_model_tree(tmp_path / "m")
    (model / "am/final.mdl").unlink()
    (model / "conf/mfcc.conf").write_bytes(b"")
    (model / "graph/Gr.fst").unlink()
    assert check_vosk_model(model) == [
        "missing am/final.mdl",
        "missing conf/mfcc.conf",
        "missing graph/HCLG.fst or graph/HCLr.fst + graph/Gr.fst",
    ]


def test_a_file_or_nothing_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert check_vosk_model(tmp_path / "file") == [f"{tmp_path / 'file'} is not a folder"]
    assert check_vosk_model(tmp_path / "none") == [f"{tmp_path / 'none'} does not exist"]
    with pytest.raises(ModelError, match=r"is not a usable Vosk model: .* does not exist"):
        ensure_vosk_model(tmp_path / "none")


def test_the_preferred_model_comes_first(tmp_path: Path) -> None:
    make_model_tree(tmp_path / "vosk-model-a")
    make_model_tree(tmp_path / VOSK_MODEL_NAME)
    make_model_tree(tmp_path / "other-model")
    (tmp_path / "vosk-model-z.zip.part").write_bytes(b"partial")
    names = [model.path.name for model in list_vosk_models(tmp_path)]
    assert names == [VOSK_MODEL_NAME, "vosk-model-a"]
    assert find_vosk_model(RecognizerSettings(models_dir=tmp_path)) == tmp_path / VOSK_MODEL_NAME


def test_any_vosk_model_folder_is_found(tmp_path: Path) -> None:
    make_model_tree(tmp_path / "vosk-model-en-us-0.22-lgraph")
    found = find_vosk_model(RecognizerSettings(models_dir=tmp_path))
    assert found == tmp_path / "vosk-model-en-us-0.22-lgraph"


def test_broken_candidates_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = make_model_tree(tmp_path / VOSK_MODEL_NAME)
    (broken / "am/final.mdl").unlink()
    make_model_tree(tmp_path / "vosk-model-b")
    with caplog.at_level(logging.WARNING):
        found = find_vosk_model(RecognizerSettings(models_dir=tmp_path))
    assert found == tmp_path / "vosk-model-b"
    assert any("missing am/final.mdl" in record.getMessage() for record in caplog.records)


def test_no_models_folder_means_no_model(tmp_path: Path) -> None:
    assert find_vosk_model(RecognizerSettings(models_dir=tmp_path / "absent")) is None
    with pytest.raises(ModelError, match=r"no Vosk model in .*models download"):
        require_vosk_model(RecognizerSettings(models_dir=tmp_path / "absent"))


def test_require_names_the_broken_model(tmp_path: Path) -> None:
    broken = make_model_tree(tmp_path / VOSK_MODEL_NAME)
    (broken / "conf/model.conf").unlink()
    assert find_vosk_model(RecognizerSettings(models_dir=tmp_path)) is None
    with pytest.raises(ModelError, match=r"missing conf/model\.conf \(remove it"):
        require_vosk_model(RecognizerSettings(models_dir=tmp_path))


def test_an_explicit_model_must_exist_and_be_usable(tmp_path: Path) -> None:
    good = make_model_tree(tmp_path / "my-model")
    assert find_vosk_model(RecognizerSettings(model=good, models_dir=tmp_path / "x")) == good
    with pytest.raises(ModelError, match=r"does not exist"):
        find_vosk_model(RecognizerSettings(model=tmp_path / "missing"))
    (good / "am/final.mdl").unlink()
    with pytest.raises(ModelError, match=r"missing am/final.mdl"):
        find_vosk_model(RecognizerSettings(model=good))

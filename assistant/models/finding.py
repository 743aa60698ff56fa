"""Finding and checking Vosk models on disk (no vosk import here: only the file layout is inspected)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.settings import RecognizerSettings

_LOGGER = logging.getLogger(__name__)

VOSK_MODEL_NAME = "vosk-model-small-en-us-0.15"
"""The model `models download` fetches and `find_vosk_model` prefers."""
VOSK_MODEL_PREFIX = "vosk-model"
"""Any folder in models/ whose name starts with this is a candidate Vosk model."""

_REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf")
_GRAPH_CHOICES = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))


@dataclass(frozen=True)
class InstalledModel:
    """One candidate Vosk model folder and what is wrong with it (nothing when usable)."""

    path: Path
    """The model folder."""
    problems: tuple[str, ...]
    """Each problem found by `check_vosk_model`, empty for a usable model."""

    @property
    def usable(self) -> bool:
        return not self.problems


def check_vosk_model(path: Path) -> list[str]:
    """Every problem with a Vosk model folder's layout, one short phrase each; empty when it looks usable.

    A usable model has am/final.mdl, conf/model.conf, conf/mfcc.conf and a decoding graph: either a static
    graph/HCLG.fst or the pair graph/HCLr.fst + graph/Gr.fst (the small models, which accept a grammar).
    Empty files count as missing (a truncated unpacking).
    """
    if not path.exists():
        return [f"{path} does not exist"]
    if not path.is_dir():
        return [f"{path} is not a folder"]
    problems = [f"missing {name}" for name in _REQUIRED_FILES if not _is_nonempty_file(path / name)]
    if not any(all(_is_nonempty_file(path / name) for name in choice) for choice in _GRAPH_CHOICES):
        problems.append("missing graph/HCLG.fst or graph/HCLr.fst + graph/Gr.fst")
    return problems


def has_runtime_graph(path: Path) -> bool:
    """True when the model can take a grammar (graph/HCLr.fst + graph/Gr.fst rather than a static HCLG)."""
    return (path / "graph/HCLr.fst").is_file() and (path / "graph/Gr.fst").is_file()


def ensure_vosk_model(path: Path) -> Path:
    """`path` if it is a usable Vosk model, else a ModelError naming every problem on one line."""
    problems = check_vosk_model(path)
    if problems:
        raise ModelError(f"{path} is not a usable Vosk model: {'; '.join(problems)}")
    return path


def list_vosk_models(models_dir: Path) -> list[InstalledModel]:
    """Every `vosk-model*` folder in models_dir, the preferred model first, then by name."""
    if not models_dir.is_dir():
        return []
    folders = [p for p in models_dir.iterdir() if p.is_dir() and p.name.startswith(VOSK_MODEL_PREFIX)]
    folders.sort(key=lambda p: (p.name != VOSK_MODEL_NAME, p.name))
    return [InstalledModel(folder, tuple(check_vosk_model(folder))) for folder in folders]


def find_vosk_model(settings: RecognizerSettings) -> Path | None:
    """The Vosk model to use, or None when there is none.

    An explicit `settings.model` must exist and be usable (ModelError otherwise: the user asked for it).
    Otherwise the first usable `vosk-model*` folder in `settings.models_dir`, preferring
    vosk-model-small-en-us-0.15; broken candidates are skipped with a warning.
    """
    if settings.model is not None:
        return ensure_vosk_model(settings.model)
    for model in list_vosk_models(settings.models_dir):
        if model.usable:
            return model.path
        _LOGGER.warning("skipping broken Vosk model %s: %s", model.path, "; ".join(model.problems))
    return None


def require_vosk_model(settings: RecognizerSettings) -> Path:
    """Like `find_vosk_model`, but a ModelError saying what to do when no usable model is found."""
    found = find_vosk_model(settings)
    if found is not None:
        return found
    broken = list_vosk_models(settings.models_dir)
    if broken:
        first = broken[0]
        raise ModelError(
            f"{first.path} is not a usable Vosk model: {'; '.join(first.problems)} "
            "(remove it and run `cramp-assistant models download`)"
        )
    raise ModelError(
        f"no Vosk model in {settings.models_dir}: run `cramp-assistant models download` or pass --model PATH"
    )


def _is_nonempty_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0

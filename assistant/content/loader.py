"""Everything in content/, loaded, validated and cached: `load_content()` returns a `Content`.

Problems raise `ContentError(file, key, problem)`; the file readers live in `content/files.py` and
`content/intents.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import random
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from assistant.content.files import load_red_flags, load_responses, load_sources, read_toml, strings, table
from assistant.content.intents import example_files, load_intents
from assistant.content.records import OUT_OF_SCOPE, MaskedSentence, RedFlags, Response, Sentence, Source
from assistant.errors import ContentError
from assistant.settings import CONTENT_ENV, content_dir
from assistant.understanding.intent_model import LinearModel, train
from assistant.understanding.normalise import Normaliser
from assistant.understanding.slots import SlotMasker, slot_placeholder

__all__ = [
    "CONTENT_ENV",
    "OUT_OF_SCOPE",
    "Content",
    "MaskedSentence",
    "Response",
    "Sentence",
    "Source",
    "content_dir",
    "load_content",
]

_LOGGER = logging.getLogger(__name__)

SENTENCES_PER_TEMPLATE = 60
"""How many expansions of each template go into `Content.sentences` (the recognisers' domain)."""
TRAINING_PER_TEMPLATE = 40
"""How many expansions of each template the intent model is trained on (each template weighs the same)."""


@dataclass(frozen=True)
class Content:
    """Everything the assistant knows and says."""

    directory: Path
    normaliser: Normaliser
    lists: dict[str, dict[str, tuple[str, ...]]]
    """list name -> value -> normalised spoken forms."""
    slot_names: tuple[str, ...]
    """The lists reported as slots (the others only help matching)."""
    out_of_scope_lists: tuple[str, ...]
    """Lists whose words (another body part) make a sentence out of scope."""
    slotless: frozenset[str]
    """Intents that never carry slots."""
    exercise_intents: frozenset[str]
    """Intents that may carry the exercise slot."""
    red_flags: RedFlags
    """When a red-flag phrase makes a sentence urgent."""
    conversational: frozenset[str]
    """Normalised spoken forms that point back at an offer ("all of them"): a fragment of a conversation."""
    exercise_muscles: dict[str, str]
    """exercise -> the body part it stretches: "stretch my quads" names the thigh as well (slots.py)."""
    masker: SlotMasker
    masked: tuple[MaskedSentence, ...]
    responses: dict[tuple[str, str], Response]
    phrases: dict[str, tuple[str, ...]]
    exercise_names: dict[str, str]
    body_part_exercise: dict[str, str]
    sources: dict[str, Source]
    intent_model: LinearModel
    """P(intent | masked words), trained on the masked sentences; the router weighs it with fuzzy matching."""

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.intent for m in self.masked if m.intent != OUT_OF_SCOPE))

    def response(self, intent: str, topic: str = "default") -> Response:
        return self.responses.get((intent, topic)) or self.responses[(intent, "default")]

    def has_response(self, intent: str, topic: str) -> bool:
        return (intent, topic) in self.responses

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """Sentences a person might say, for a recogniser's language model or grammar.

        A bounded share of each template's expansions, with slot values filled in; the first expansion of
        each template is filled with every spoken form, so every form appears in some sentence. The form that
        fills an expansion depends only on its template's first expansion and its place among that template's
        expansions, so adding or editing a template leaves every other template's sentences (and so the
        language model) as they were: with a global count, one new template re-filled all that followed it.
        """
        out: dict[tuple[str, str], Sentence] = {}
        per_template: dict[int, int] = {}
        offset: dict[int, int] = {}
        for masked in self.masked:
            seen = per_template.get(masked.template, 0)
            if seen >= SENTENCES_PER_TEMPLATE:
                continue
            per_template[masked.template] = seen + 1
            if masked.template not in offset:
                offset[masked.template] = zlib.crc32(masked.spoken.encode())
            start = offset[masked.template]
            intent = "unknown" if masked.intent == OUT_OF_SCOPE else masked.intent
            forms = [
                [(value, form) for value, spoken in self.lists[name].items() for form in spoken]
                for name in masked.slots
            ]
            count = max((len(f) for f in forms), default=1) if seen == 0 else 1
            for k in range(count):
                words = masked.spoken
                slots: dict[str, str] = {}
                for name, options in zip(masked.slots, forms, strict=True):
                    value, form = options[(start + seen + k) % len(options)]
                    words = words.replace(slot_placeholder(name), form, 1)
                    if name in self.slot_names:
                        slots[name] = value
                out.setdefault((words, intent), Sentence(words, intent, slots))
        return tuple(out.values())

    def vocabulary(self) -> set[str]:
        return {word for sentence in self.sentences for word in sentence.text.split()}


_LOADED: dict[tuple[str, str], Content] = {}
_LOADER_MODULES = (
    "content/loader.py",
    "content/files.py",
    "content/intents.py",
    "content/records.py",
    "understanding/templates.py",
    "understanding/normalise.py",
    "understanding/slots.py",
    "understanding/intent_model.py",
)


def load_content(directory: Path | None = None, cache: bool = True) -> Content:
    """Load and validate content/ (or another folder with the same files).

    Expanding the templates takes a second or two, so the result is kept in memory and in a cache file
    (`~/.cache/cramp-assistant/`), keyed by a digest of the content files and of the loader's code.
    """
    directory = directory or content_dir()
    digest = _digest(directory)
    key = (str(directory.resolve()), digest)
    if cache and key in _LOADED:
        return _LOADED[key]
    loaded = (_read_cache(digest) if cache else None) or _load_content(directory)
    if cache:
        _LOADED[key] = loaded
        _write_cache(digest, loaded)
    return loaded


def _digest(directory: Path) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent  # the assistant package
    files = [*sorted(directory.glob("*.toml")), *example_files(directory)]
    for path in [*files, *(here / name for name in _LOADER_MODULES)]:
        digest.update(path.name.encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    digest.update(f"hassil {importlib.metadata.version('hassil')}".encode())  # it expands the templates
    return digest.hexdigest()[:24]


def _cache_path(digest: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cramp-assistant" / f"content-{digest}.pickle"


def _read_cache(digest: str) -> Content | None:
    try:
        with _cache_path(digest).open("rb") as handle:
            loaded = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return loaded if isinstance(loaded, Content) else None


def _write_cache(digest: str, content: Content) -> None:
    path = _cache_path(digest)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(content, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError as err:
        _LOGGER.debug("content cache not written: %s", err)


def _load_content(directory: Path) -> Content:
    intents_path = directory / "intents.toml"
    intents_data = read_toml(intents_path)
    normaliser = Normaliser.from_dict(read_toml(directory / "normalise.toml"))
    sources = load_sources(directory / "sources.toml")
    lists, slot_names, oos_lists, masker, masked = load_intents(intents_path, intents_data, normaliser)
    router_table = table(intents_data, "router", "", intents_path)
    slotless = strings(router_table.get("slotless"), "router.slotless", intents_path)
    ex_intents = strings(router_table.get("exercise_intents"), "router.exercise_intents", intents_path)
    muscles = router_table.get("exercise_muscles", {})
    if not isinstance(muscles, dict):
        raise ContentError(str(intents_path), "router.exercise_muscles", "must be a table")
    for exercise, muscle in muscles.items():
        if exercise not in lists.get("exercise", {}) or muscle not in lists.get("body_part", {}):
            raise ContentError(
                str(intents_path), f"router.exercise_muscles.{exercise}", "needs an exercise and a body part"
            )
    red_flags = load_red_flags(intents_path, intents_data, normaliser, lists)
    slots_table = table(intents_data, "slots", "", intents_path)
    conversational = strings(
        slots_table.get("conversational", []), "slots.conversational", intents_path, allow_empty=True
    )
    every_form = {form for values in lists.values() for forms in values.values() for form in forms}
    for form in conversational:
        if normaliser(form) not in every_form:
            raise ContentError(
                str(intents_path), "slots.conversational", f"not a spoken form of a list: {form!r}"
            )
    responses, phrases, names, body_ex = load_responses(
        directory / "responses.toml", sources, lists, red_flags.topics()
    )
    answered = {intent for intent, _ in responses}
    # Controls are answered by the dialog's phrases and fragments are resolved to another intent.
    for intent in {m.intent for m in masked} - set(slotless) - {OUT_OF_SCOPE, "followup"} - answered:
        raise ContentError(str(directory / "responses.toml"), f"responses.{intent}", "missing")
    return Content(
        directory,
        normaliser,
        lists,
        slot_names,
        oos_lists,
        frozenset(slotless),
        frozenset(ex_intents),
        red_flags,
        frozenset(normaliser(form) for form in conversational),
        dict(muscles),
        masker,
        masked,
        responses,
        phrases,
        names,
        body_ex,
        sources,
        train([(m.text, m.intent, m.template) for m in matching_subset(masked, TRAINING_PER_TEMPLATE)]),
    )


def matching_subset(masked: Sequence[MaskedSentence], per_template: int) -> list[MaskedSentence]:
    """A bounded, deterministic share of each template's expansions (the shortest half, then a spread)."""
    by_template: dict[int, list[MaskedSentence]] = defaultdict(list)
    for sentence in masked:
        by_template[sentence.template].append(sentence)
    chosen: list[MaskedSentence] = []
    for template, sentences in by_template.items():
        if len(sentences) <= per_template:
            chosen.extend(sentences)
            continue
        ordered = sorted(sentences, key=lambda m: (len(m.text), m.text))
        half = per_template // 2
        rest = ordered[half:]
        chosen.extend(ordered[:half] + random.Random(template).sample(rest, per_template - half))
    return chosen

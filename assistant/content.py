"""Loading and validating everything in content/: templates, lists, responses, phrases, sources.

Each loader is a `from_dict` on a frozen dataclass; problems raise `ContentError(file, key, problem)`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.errors import ContentError
from assistant.normalise import Normaliser
from assistant.settings import project_root
from assistant.slots import SlotMasker, slot_placeholder
from assistant.templates import SlotRef, TemplateError, expand, parse

_LOGGER = logging.getLogger(__name__)

SENTENCES_PER_TEMPLATE = 60
"""How many expansions of each template go into `Content.sentences` (the recognisers' domain)."""

OUT_OF_SCOPE = "_out_of_scope"
"""The internal intent of templates that describe talk the assistant must not answer."""
PLACEHOLDER_FIELDS = frozenset({"side", "emergency_number", "urgent_care", "exercise_name"})
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")


CONTENT_ENV = "CRAMP_ASSISTANT_CONTENT"
"""Environment variable naming another content folder (for testing edited content)."""


def content_dir() -> Path:
    override = os.environ.get(CONTENT_ENV)
    return Path(override) if override else project_root() / "content"


@dataclass(frozen=True)
class Sentence:
    """One sentence expanded from the templates, with the intent and slots it stands for."""

    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MaskedSentence:
    """A normalised template expansion where slot values are placeholders (what the router matches)."""

    text: str
    intent: str
    group: str
    slots: tuple[str, ...]
    """The lists whose placeholders stand in `spoken`, in order."""
    spoken: str
    """The same sentence with free slots (sides) kept as placeholders: what a person would say."""
    template: int = 0
    """Which template (counted over the whole file) it was expanded from."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str


@dataclass(frozen=True)
class Response:
    """The answers for one intent and topic."""

    first: tuple[str, ...]
    more: str
    sources: tuple[str, ...]
    offer: str | None = None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(str(path), "-", "file is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ContentError(str(path), "-", f"not valid TOML ({err})") from None


def _table(data: Mapping[str, Any], key: str, where: str, path: Path) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ContentError(str(path), f"{where}{key}", "must be a table")
    return value


def _strings(value: Any, key: str, path: Path, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(str(path), key, "must be a list of non-empty strings")
    if not value and not allow_empty:
        raise ContentError(str(path), key, "must not be empty")
    return tuple(value)


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
    anchors: frozenset[str]
    """Domain words (besides list words) that let the router's word model decide."""
    slotless: frozenset[str]
    """Intents that never carry slots."""
    exercise_intents: frozenset[str]
    """Intents that may carry the exercise slot."""
    red_flags: tuple[tuple[str, tuple[str, ...]], ...]
    """(urgent topic, normalised phrases), in the order they are checked."""
    red_flags_anywhere: frozenset[str]
    """Red-flag topics that count even in a sentence that names no leg, foot or cramp."""
    masker: SlotMasker
    masked: tuple[MaskedSentence, ...]
    responses: dict[tuple[str, str], Response]
    phrases: dict[str, tuple[str, ...]]
    exercise_names: dict[str, str]
    body_part_exercise: dict[str, str]
    sources: dict[str, Source]

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
        each template is filled with every spoken form, so every form appears in some sentence.
        """
        out: dict[tuple[str, str], Sentence] = {}
        per_template: dict[int, int] = {}
        for index, masked in enumerate(self.masked):
            seen = per_template.get(masked.template, 0)
            if seen >= SENTENCES_PER_TEMPLATE:
                continue
            per_template[masked.template] = seen + 1
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
                    value, form = options[(index + k) % len(options)]
                    words = words.replace(slot_placeholder(name), form, 1)
                    if name in self.slot_names:
                        slots[name] = value
                out.setdefault((words, intent), Sentence(words, intent, slots))
        return tuple(out.values())

    def vocabulary(self) -> set[str]:
        return {word for sentence in self.sentences for word in sentence.text.split()}


_LOADED: dict[tuple[str, str], Content] = {}
_LOADER_MODULES = ("content.py", "templates.py", "normalise.py", "slots.py")


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
    here = Path(__file__).parent
    for path in [*sorted(directory.glob("*.toml")), *(here / name for name in _LOADER_MODULES)]:
        digest.update(path.name.encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
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
    normaliser = Normaliser.from_dict(_read_toml(directory / "normalise.toml"))
    sources = _load_sources(directory / "sources.toml")
    lists, slot_names, oos_lists, masker, masked = _load_intents(directory / "intents.toml", normaliser)
    router_table = _table(_read_toml(directory / "intents.toml"), "router", "", directory / "intents.toml")
    anchors = _strings(router_table.get("anchors"), "router.anchors", directory / "intents.toml")
    slotless = _strings(router_table.get("slotless"), "router.slotless", directory / "intents.toml")
    ex_intents = _strings(
        router_table.get("exercise_intents"), "router.exercise_intents", directory / "intents.toml"
    )
    red_flags = _load_red_flags(directory / "intents.toml", normaliser)
    anywhere = _table(_read_toml(directory / "intents.toml"), "red_flags", "", directory / "intents.toml")
    flags_anywhere = _strings(anywhere.get("anywhere", []), "red_flags.anywhere", directory, allow_empty=True)
    responses, phrases, names, body_ex = _load_responses(
        directory / "responses.toml", sources, lists, {topic for topic, _ in red_flags}
    )
    intents = {m.intent for m in masked}
    for intent in intents - {
        OUT_OF_SCOPE,
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
        "relief",
        "followup",
    }:
        if (intent, "default") not in responses and not any(k[0] == intent for k in responses):
            raise ContentError(str(directory / "responses.toml"), f"responses.{intent}", "missing")
    return Content(
        directory,
        normaliser,
        lists,
        slot_names,
        oos_lists,
        frozenset(anchors),
        frozenset(slotless),
        frozenset(ex_intents),
        red_flags,
        frozenset(flags_anywhere),
        masker,
        masked,
        responses,
        phrases,
        names,
        body_ex,
        sources,
    )


def _load_red_flags(path: Path, normalise: Normaliser) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = _table(_read_toml(path), "red_flags", "", path)
    order = _strings(table.get("order"), "red_flags.order", path)
    flags = []
    for topic in order:
        phrases = _strings(table.get(topic), f"red_flags.{topic}", path)
        flags.append((topic, tuple(normalise(p) for p in phrases)))
    return tuple(flags)


def _load_sources(path: Path) -> dict[str, Source]:
    data = _table(_read_toml(path), "sources", "", path)
    out = {}
    for key, item in data.items():
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise ContentError(str(path), f"sources.{key}.title", "must be a string")
        out[key] = Source(key, item["title"], str(item.get("kind", "article")))
    return out


def _load_intents(
    path: Path, normalise: Normaliser
) -> tuple[
    dict[str, dict[str, tuple[str, ...]]],
    tuple[str, ...],
    tuple[str, ...],
    SlotMasker,
    tuple[MaskedSentence, ...],
]:
    data = _read_toml(path)
    lists: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, values in _table(data, "lists", "", path).items():
        if not isinstance(values, dict) or not values:
            raise ContentError(str(path), f"lists.{name}", "must be a table of value = [spoken forms]")
        lists[name] = {
            value: tuple(normalise(f) for f in _strings(forms, f"lists.{name}.{value}", path))
            for value, forms in values.items()
        }
    slots_table = _table(data, "slots", "", path)
    slot_names = _strings(slots_table.get("names"), "slots.names", path)
    free = _strings(slots_table.get("free", []), "slots.free", path, allow_empty=True)
    oos = _table(data, "out_of_scope", "", path)
    oos_lists = _strings(oos.get("lists", []), "out_of_scope.lists", path, allow_empty=True)
    for key, names in (("slots.names", slot_names), ("slots.free", free), ("out_of_scope.lists", oos_lists)):
        for name in names:
            if name not in lists:
                raise ContentError(str(path), key, f"no list named {name!r}")
    masker = SlotMasker(lists, free)
    full_masker = SlotMasker(lists)
    free_words = {slot_placeholder(name) for name in free}
    placeholders = {slot_placeholder(name): name for name in lists}
    rules = {}
    for name, text in _table(data, "rules", "", path).items():
        try:
            rules[name] = parse(str(text))
        except TemplateError as err:
            raise ContentError(str(path), f"rules.{name}", str(err)) from None
    groups: list[tuple[str, str, str, tuple[str, ...]]] = []
    for intent, body in _table(data, "intents", "", path).items():
        for group, spec in _table(body, "groups", f"intents.{intent}.", path).items():
            key = f"intents.{intent}.groups.{group}.sentences"
            groups.append((intent, group, key, _strings(spec.get("sentences"), key, path)))
    oos_key = "out_of_scope.sentences"
    groups.append((OUT_OF_SCOPE, "default", oos_key, _strings(oos.get("sentences"), oos_key, path)))
    masked: dict[tuple[str, str], MaskedSentence] = {}
    counter = 0
    for intent, group, key, templates in groups:
        for index, template in enumerate(templates):
            counter += 1
            try:
                expansions = expand(template, rules)
            except TemplateError as err:
                raise ContentError(str(path), f"{key}[{index}]", str(err)) from None
            for expansion in expansions:
                refs = [tok.name for tok in expansion if isinstance(tok, SlotRef)]
                for slot in refs:
                    if slot not in lists:
                        raise ContentError(str(path), f"{key}[{index}]", f"unknown list {{{slot}}}")
                words = " ".join(slot_placeholder(t.name) if isinstance(t, SlotRef) else t for t in expansion)
                spoken, _ = full_masker.mask(normalise(words))
                text = " ".join(w for w in spoken.split() if w not in free_words)
                if text and (text, intent) not in masked:
                    order = _slot_order(spoken, placeholders)
                    masked[(text, intent)] = MaskedSentence(text, intent, group, order, spoken, counter)
    return lists, slot_names, oos_lists, masker, tuple(masked.values())


def _slot_order(masked_text: str, placeholders: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(placeholders[w] for w in masked_text.split() if w in placeholders)


def _load_responses(
    path: Path,
    sources: Mapping[str, Source],
    lists: Mapping[str, Mapping[str, tuple[str, ...]]],
    red_flag_topics: set[str],
) -> tuple[dict[tuple[str, str], Response], dict[str, tuple[str, ...]], dict[str, str], dict[str, str]]:
    data = _read_toml(path)
    exercises = set(lists.get("exercise", {}))
    responses: dict[tuple[str, str], Response] = {}
    for intent, topics in _table(data, "responses", "", path).items():
        for topic, item in dict(topics).items():
            key = f"responses.{intent}.{topic}"
            if not isinstance(item, dict):
                raise ContentError(str(path), key, "must be a table")
            first = _strings(item.get("first"), f"{key}.first", path)
            more = item.get("more", "")
            if not isinstance(more, str):
                raise ContentError(str(path), f"{key}.more", "must be a string")
            cited = _strings(item.get("sources"), f"{key}.sources", path)
            for source in cited:
                if source not in sources:
                    raise ContentError(str(path), f"{key}.sources", f"unknown source {source!r}")
            offer = item.get("offer")
            if intent == "urgent" and topic not in red_flag_topics:
                raise ContentError(str(path), key, "not a topic in red_flags.order")
            if offer is not None and offer not in exercises:
                raise ContentError(str(path), f"{key}.offer", f"unknown exercise {offer!r}")
            for text in (*first, more):
                _check_placeholders(text, f"{key}", path)
            responses[(intent, topic)] = Response(first, more, cited, offer)
    phrases = {k: _strings(v, f"phrases.{k}", path) for k, v in _table(data, "phrases", "", path).items()}
    for key, texts in phrases.items():
        for text in texts:
            _check_placeholders(text, f"phrases.{key}", path)
    names = {str(k): str(v) for k, v in _table(data, "exercise_names", "", path).items()}
    if missing := exercises - set(names):
        raise ContentError(str(path), "exercise_names", f"missing {sorted(missing)}")
    body_ex = {str(k): str(v) for k, v in _table(data, "body_part_exercise", "", path).items()}
    for part, exercise in body_ex.items():
        if exercise not in exercises:
            raise ContentError(str(path), f"body_part_exercise.{part}", f"unknown exercise {exercise!r}")
    return responses, phrases, names, body_ex


def _check_placeholders(text: str, key: str, path: Path) -> None:
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDER_FIELDS:
            raise ContentError(str(path), key, f"unknown placeholder {{{name}}}")

"""The assistant's small error hierarchy; every message is one clear line for a person."""


class AssistantError(Exception):
    """Base class: anything the command line reports as one line with exit status 2."""


class ContentError(AssistantError):
    """A file in content/ is missing, unreadable or invalid; the message names the file and key."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}")
        self.path = path
        self.key = key
        self.problem = problem


class AudioError(AssistantError):
    """Audio could not be read or captured (a bad WAV file, a missing device)."""


class ModelError(AssistantError):
    """A speech model is missing, broken or incompatible."""


class SettingsError(AssistantError):
    """The settings file or a command-line setting is invalid; the message names the key."""

"""The opt-in local cramp log (`log`): what it keeps (`entries`), its SQLite schema (`schema`) and the
counts `cramp-assistant log` words (`summary`)."""

from assistant.cramp_log.entries import CrampEntry, ExerciseEntry, LogRecords, RedFlagEntry
from assistant.cramp_log.log import CrampLog, CrampLogError, local_now
from assistant.cramp_log.schema import SCHEMA_VERSION
from assistant.cramp_log.summary import BAND_HOURS, BandCount, CrampSummary, PlaceCount, summarise

__all__ = [
    "BAND_HOURS",
    "SCHEMA_VERSION",
    "BandCount",
    "CrampEntry",
    "CrampLog",
    "CrampLogError",
    "CrampSummary",
    "ExerciseEntry",
    "LogRecords",
    "PlaceCount",
    "RedFlagEntry",
    "local_now",
    "summarise",
]

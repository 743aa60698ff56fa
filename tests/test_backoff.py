"""The one back-off: doubling waits after consecutive failures, a ceiling, and a reset."""

from __future__ import annotations

from assistant.backoff import Backoff


def test_waits_double_up_to_the_ceiling_and_reset_starts_again() -> None:
    backoff = Backoff(first=1.0, most=30.0)
    assert [backoff.fail() for _ in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff.failures == 7
    backoff.reset()
    assert backoff.failures == 0
    assert backoff.fail() == 1.0

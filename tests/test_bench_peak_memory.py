"""bench/peak_memory: a child's own peak memory, not the benchmark parent's carried across exec."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from bench.peak_memory import measured_command, peak_rss_mb, read_peak_mb


def test_a_small_child_of_a_large_parent_reports_its_own_peak(tmp_path: Path) -> None:
    held = np.ones(300 * 1024 * 1024 // 8)  # this process now holds 300 MB more
    peak_file = tmp_path / "peak"
    command, env = measured_command(["--version"], peak_file)
    subprocess.run(command, env=env, check=True, capture_output=True)
    peak = read_peak_mb(peak_file)
    assert 5 < peak < 200, peak  # `--version` imports little; the parent's 300 MB are not in it
    assert held.sum() > 0


def test_peak_rss_mb_reports_the_exit_status(tmp_path: Path) -> None:
    peak, status = peak_rss_mb(["ask", "--wav", str(tmp_path / "missing.wav")])
    assert status == 2
    assert peak > 5


def test_no_peak_file_reads_as_zero(tmp_path: Path) -> None:
    assert read_peak_mb(tmp_path / "never-written") == 0.0

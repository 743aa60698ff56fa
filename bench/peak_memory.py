"""The peak resident memory of a fresh `cramp-assistant` process, measured as the process itself sees it.

`os.wait4`'s `ru_maxrss` is no good from a large benchmark process: Linux carries a process's peak across
`exec`, so a child forked from a parent holding 450 MB reports at least 450 MB whatever it runs. The child
here writes its own high-water mark (`VmHWM` in /proc/self/status, kept per address space, so it starts
afresh at `exec`) when it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = (
    "import atexit, os, runpy, sys\n"
    "def _peak():\n"
    "    with open('/proc/self/status') as status, open(os.environ['CRAMP_PEAK_FILE'], 'w') as out:\n"
    "        out.write(next(line for line in status if line.startswith('VmHWM:')).split()[1])\n"
    "atexit.register(_peak)\n"
    "sys.argv = ['cramp-assistant', *sys.argv[1:]]\n"
    "runpy.run_module('assistant.cli.main', run_name='__main__')\n"
)


def measured_command(args: list[str], peak_file: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run `cramp-assistant ARGS` and leave its peak (KiB) in `peak_file`."""
    return [sys.executable, "-c", _RUN, *args], {**os.environ, "CRAMP_PEAK_FILE": str(peak_file)}


def read_peak_mb(peak_file: Path) -> float:
    """The peak resident MB a `measured_command` child wrote (0 when it did not exit normally)."""
    return int(peak_file.read_text()) / 1024 if peak_file.is_file() else 0.0


def peak_rss_mb(args: list[str]) -> tuple[float, int]:
    """(peak resident MB, exit status) of `cramp-assistant ARGS` run to its end."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        command, env = measured_command(args, peak_file)
        quiet = subprocess.DEVNULL
        status = subprocess.run(command, env=env, check=False, stdout=quiet, stderr=quiet).returncode
        return read_peak_mb(peak_file), status

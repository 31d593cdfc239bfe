"""What every benchmark prints about the machine it ran on, so figures from two runs can be compared."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def load_average(when: str) -> str:
    """The load averages over 1, 5 and 15 minutes: a busy machine explains slow figures."""
    return f"load average {when}: {' '.join(f'{load:.2f}' for load in os.getloadavg())}"

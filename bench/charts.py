"""What a chart costs: drawing the personal and the team chart (p50/p95/max ms), their PNG sizes, uploading
one to the fake Slack on loopback (three HTTP calls), and the memory (RSS) a process gains from importing
matplotlib and drawing once.

    python bench/charts.py [--samples 200]

The memory is measured in fresh child processes (RSS from /proc/self/statm), so what this process has
imported does not count: after importing what the app loads anyway (Bolt, slack_sdk, SQLAlchemy, pydantic,
Alembic), after `import bot.charts` (matplotlib, numpy and Pillow), after drawing each chart once. Times are wall clock, one thread, after one warm-up drawing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHILD = r"""
import json, os, time
def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
figures = {"bare": rss_mb()}
import slack_bolt, slack_sdk, sqlalchemy.orm, pydantic_settings, alembic.command  # what the app has loaded
figures["start"] = rss_mb()
started = time.perf_counter()
import bot.charts
from bench.charts import personal_sample, team_sample
figures["import_s"] = time.perf_counter() - started
figures["imported"] = rss_mb()
started = time.perf_counter()
bot.charts.render_personal_chart(personal_sample())
figures["first_render_s"] = time.perf_counter() - started
figures["personal_drawn"] = rss_mb()
bot.charts.render_team_chart(team_sample())
figures["team_drawn"] = rss_mb()
print(json.dumps(figures))
"""


def personal_sample() -> object:
    from bot.charts import PersonalChart, RingValue, WeekBar

    return PersonalChart(
        rings=(
            RingValue("Consistency", 2 / 3, False, "2 of 3 days"),
            RingValue("Time", 1.0, True, "1h 15m of 1h"),
            RingValue("Mix", 2 / 3, False, "2 of 3 sources"),
        ),
        weeks=tuple(WeekBar(f"{day} Nov", day * 11, day % 5, day % 3 == 0) for day in range(1, 9)),
        minutes_target=60,
    )


def team_sample() -> object:
    from bot.charts import MixShare, TeamChart, TeamWeek

    return TeamChart(
        weeks=tuple(TeamWeek(f"{day} Oct", day * 95, day % 9) for day in range(1, 13)),
        mix=(
            MixShare("On the job", 0.55, 0.7),
            MixShare("From people", 0.3, 0.2),
            MixShare("Formal", 0.15, 0.1),
        ),
    )


def timed(draw: Callable[[], bytes], samples: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds per drawing (CPU time is steadier on a shared machine)."""
    size = len(draw())  # warm-up: fonts and caches
    wall, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        draw()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu, size


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def memory(runs: int) -> list[dict[str, float]]:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    return [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", CHILD], env=env, capture_output=True, check=True, text=True, cwd=root
            ).stdout
        )
        for _ in range(runs)
    ]


def upload_times(samples: int) -> list[float]:
    from bot.charts import render_personal_chart
    from bot.gateway import SlackGateway
    from bot.localslack import FakeSlack
    from bot.slack_client import make_web_client

    png = render_personal_chart(personal_sample())  # type: ignore[arg-type]
    times = []
    with FakeSlack() as fake:
        gateway = SlackGateway(make_web_client(fake.base_url, "xoxb-bench"))
        for _ in range(samples):
            started = time.perf_counter()
            assert gateway.upload_image(png, filename="bench.png", title="bench", alt_text="bench")
            times.append((time.perf_counter() - started) * 1000)
    return times


def row(name: str, times: list[float], extra: str = "") -> str:
    return f"| {name} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} | {max(times):.1f} | {extra} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--memory-runs", type=int, default=3)
    args = parser.parse_args()

    from bot.charts import render_personal_chart, render_team_chart

    personal, personal_cpu, personal_size = timed(
        lambda: render_personal_chart(personal_sample()),  # type: ignore[arg-type]
        args.samples,
    )
    team, team_cpu, team_size = timed(lambda: render_team_chart(team_sample()), args.samples)  # type: ignore[arg-type]
    uploads = upload_times(min(args.samples, 100))
    print(f"{args.samples} drawings each, one thread; load average {os.getloadavg()[0]:.1f}\n")
    print("| ms | p50 | p95 | max | PNG |")
    print("| --- | --- | --- | --- | --- |")
    print(row("personal chart (1000x400), wall", personal, f"{personal_size / 1024:.0f} KiB"))
    print(row("personal chart, CPU", personal_cpu))
    print(row("team chart (1000x400), wall", team, f"{team_size / 1024:.0f} KiB"))
    print(row("team chart, CPU", team_cpu))
    print(row("upload to the fake Slack (3 HTTP calls)", uploads))

    runs = memory(args.memory_runs)
    print(f"\nmemory, median of {len(runs)} fresh processes (RSS, MiB)\n")
    print(
        "| bare Python | the app's libraries | + import bot.charts | + one drawing | + both charts | import s | first drawing s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(
        f"| {median('bare'):.1f} | {median('start'):.1f} | {median('imported'):.1f} (+{median('imported') - median('start'):.1f}) "
        f"| {median('personal_drawn'):.1f} (+{median('personal_drawn') - median('start'):.1f}) "
        f"| {median('team_drawn'):.1f} (+{median('team_drawn') - median('start'):.1f}) "
        f"| {median('import_s'):.2f} | {median('first_render_s'):.2f} |"
    )


if __name__ == "__main__":
    main()

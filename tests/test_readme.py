"""The README's Quick start tells a newcomer what the test run needs: the browser test's Debian chromium."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quick_start() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Quick start") : text.index("\n## ", text.index("## Quick start") + 1)]


def test_quick_start_says_the_browser_test_needs_debians_chromium_and_is_skipped_without_it():
    section = quick_start()
    assert "`apt-get install chromium`" in section and "`.ci/run` installs it" in section
    assert "skipped when it is not there" in section
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in ci and "chromium" in ci  # what the README says .ci/run does, it does

"""manifest.yml as the tests read it: what a workspace grants the app when it is installed from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MANIFEST_PATH = Path(__file__).parents[2] / "manifest.yml"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST_PATH.read_text())
    return loaded


def manifest_bot_scopes() -> list[str]:
    return list(manifest()["oauth_config"]["scopes"]["bot"])

"""The environment of a Learnfit process a test or a benchmark starts."""

from __future__ import annotations

import os

from bot.settings import Settings

# Whatever the host sets for these would change which app starts (OAuth mode, another database).
APP_VARIABLES = frozenset(field.alias for field in Settings.model_fields.values() if field.alias)


def app_environment(**variables: str) -> dict[str, str]:
    """The host's environment without Learnfit's own settings, then `variables`."""
    env = {name: value for name, value in os.environ.items() if name not in APP_VARIABLES}
    return {**env, **variables}

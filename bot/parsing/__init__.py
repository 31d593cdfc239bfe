"""Turning slash-command text into typed requests, one module per command (forms read modals: bot/forms).

Errors carry the words the person sees. (STYLE.md names a single parsing.py; one module per command
mirrors bot/listeners/commands/ and keeps each grammar short enough to read at once.)
"""

from bot.parsing.errors import CommandError
from bot.parsing.learn import (
    LEARN_EXAMPLE,
    SEARCH_EXAMPLE,
    LearnRequest,
    LogLearning,
    OpenLogModal,
    SearchLearning,
    ShowHelp,
    parse_learn,
)

__all__ = [
    "LEARN_EXAMPLE",
    "SEARCH_EXAMPLE",
    "CommandError",
    "LearnRequest",
    "LogLearning",
    "OpenLogModal",
    "SearchLearning",
    "ShowHelp",
    "parse_learn",
]

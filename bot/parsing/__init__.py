"""Turning slash-command text and modal state into typed requests, one module per command.

Errors carry the words the person sees. (STYLE.md names a single parsing.py; one module per command
mirrors bot/listeners/commands/ and keeps each grammar short enough to read at once.)
"""

from bot.parsing.learn import (
    LEARN_EXAMPLE,
    CommandError,
    FormErrors,
    LearnRequest,
    LogLearning,
    OpenLogModal,
    ShowHelp,
    parse_learn,
    parse_learning_form,
    parse_minutes,
)

__all__ = [
    "LEARN_EXAMPLE",
    "CommandError",
    "FormErrors",
    "LearnRequest",
    "LogLearning",
    "OpenLogModal",
    "ShowHelp",
    "parse_learn",
    "parse_learning_form",
    "parse_minutes",
]

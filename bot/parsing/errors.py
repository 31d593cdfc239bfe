"""The one error a parser raises: what a person typed could not be read, and what to type instead."""

from __future__ import annotations


class CommandError(ValueError):
    """Text we could not understand; `message` says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

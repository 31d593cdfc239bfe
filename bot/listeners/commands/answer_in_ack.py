"""What every slash command does first: read its text, and answer a mistake or a call for help in the ack
itself (parsing is pure and fast, well inside the three seconds Slack waits for the ack)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from slack_bolt import Ack

from bot.parsing import CommandError
from bot.views.format import escape

if TYPE_CHECKING:  # only the type checker reads it (annotations are strings at run time)
    from typing_extensions import TypeIs

Request = TypeVar("Request")
Help = TypeVar("Help")
Message = Callable[[], dict[str, Any]]


def parse_text(parse: Callable[[str], Request], command: dict[str, Any]) -> Request | CommandError:
    """The command's request, or the mistake in its text."""
    try:
        return parse(command.get("text", ""))
    except CommandError as exc:
        return exc


def answered_in_ack(
    request: object,
    ack: Ack,
    help_request: type[Help],
    help_message: Message,
    error_message: Callable[[str], dict[str, Any]],
) -> TypeIs[Help | CommandError]:
    """Ack the command: with the answer (and True) when `request` is a mistake or a call for help, else
    plainly (and False) for the work that follows."""
    if mistake_or_help_answered(request, ack, help_request, help_message, error_message):
        return True
    ack()
    return False


def mistake_or_help_answered(
    request: object,
    ack: Ack,
    help_request: type[Help],
    help_message: Message,
    error_message: Callable[[str], dict[str, Any]],
) -> TypeIs[Help | CommandError]:
    """Ack with the answer (and True) when `request` is a mistake or a call for help; else leave the ack to
    the work that follows (False), which stores first and then acks with its confirmation."""
    if isinstance(request, CommandError):
        # A mistake's message quotes what was typed: made inert here, where it becomes a message.
        ack(**error_message(escape(request.message)))
        return True
    if isinstance(request, help_request):
        ack(**help_message())
        return True
    return False

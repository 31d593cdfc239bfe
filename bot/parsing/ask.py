"""/ask: a question in one line, the form, or help; and `/team help-channel #channel`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.errors import CommandError
from bot.services.drafts import DraftError
from bot.services.help import QuestionDraft
from models import Urgency

ASK_EXAMPLE = "/ask How do I read a Postgres query plan? #postgres #performance"
HELP_CHANNEL_EXAMPLE = "/team help-channel #help"
HELP_WORDS = {"help", "?", "-h", "--help"}
URGENCY_OPTION = re.compile(r"^(?:urgency|u):(?P<value>[a-z]+)$", re.IGNORECASE)
URGENCY_WORDS = {"low": Urgency.LOW, "normal": Urgency.NORMAL, "high": Urgency.HIGH, "urgent": Urgency.HIGH}
# A tag counts as a skill only with a letter in it: "bug #42" stays part of the question.
SKILL_TAG = re.compile(r"^#[^\s#]*[^\W\d_][^\s#]*$")
# Slack escapes slash-command text (the manifest sets should_escape for /ask and /team): mentions, channels
# and links arrive as <...>, and a literal <, > or & as an HTML entity.
SLACK_MARKUP = re.compile(r"<(?P<body>[^<>]*)>")
CHANNEL_REFERENCE = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class ShowAskHelp:
    pass


@dataclass(frozen=True)
class OpenAskModal:
    pass


@dataclass(frozen=True)
class AskNow:
    draft: QuestionDraft


AskRequest = ShowAskHelp | OpenAskModal | AskNow


@dataclass(frozen=True)
class ShowHelpChannel:
    pass


@dataclass(frozen=True)
class SetHelpChannel:
    channel_id: str | None  # None: questions go where /ask is typed


HelpChannelRequest = ShowHelpChannel | SetHelpChannel


def _plain_markup(match: re.Match[str]) -> str:
    """One piece of Slack markup as the words it stands for: a question never pings or links anyone."""
    target, _, label = match["body"].partition("|")
    if target.startswith("@"):
        return f"@{label}" if label else target  # a person, by the name Slack gave
    if target.startswith("#"):
        return f"#{label}" if label else target  # #name reads as a skill, like any tag
    if target.startswith("!"):
        return label or "@" + target[1:].split("^")[0]  # @here and friends, never a broadcast
    return target  # a link: the URL itself


def from_slack_text(text: str) -> str:
    """Slash-command text as the person typed it (Slack's escaping undone)."""
    text = SLACK_MARKUP.sub(_plain_markup, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _urgency(word: str) -> Urgency | None:
    match = URGENCY_OPTION.match(word)
    if not match:
        return None
    value = match["value"].lower()
    if value not in URGENCY_WORDS:
        raise CommandError(
            f"`{word}` is not an urgency. Use `urgency:low`, `urgency:normal` or `urgency:high`."
        )
    return URGENCY_WORDS[value]


def _is_skill(word: str) -> bool:
    return bool(SKILL_TAG.match(word.rstrip(".,;:!?)")))


def parse_ask(text: str) -> AskRequest:
    """`/ask` text: #skills and `urgency:` at either end, the question in between."""
    text = from_slack_text(text).strip()
    if not text:
        return OpenAskModal()
    if text.lower() in HELP_WORDS:
        return ShowAskHelp()
    words = text.split()
    leading: list[str] = []
    trailing: list[str] = []
    urgency = Urgency.NORMAL
    for from_end, skills in ((False, leading), (True, trailing)):
        while words:
            word = words[-1] if from_end else words[0]
            if _is_skill(word):
                skills.append(word)
            elif (found := _urgency(word)) is not None:
                urgency = found
            else:
                break
            words = words[:-1] if from_end else words[1:]
    skills = leading + trailing[::-1]
    question = " ".join(words)
    if not question:
        raise CommandError(
            f"What is your question? Type it after `/ask`, with any #skills at the end: `{ASK_EXAMPLE}`. "
            "Nothing was posted."
        )
    skills += [word for word in words if _is_skill(word)]
    try:
        draft = QuestionDraft.build(text=question, skills=skills, urgency=urgency)
    except DraftError as exc:
        raise CommandError(f"{exc.message} Nothing was posted; try `{ASK_EXAMPLE}`.") from None
    return AskNow(draft)


def parse_help_channel(text: str) -> HelpChannelRequest:
    """The words after `/team help-channel`: a #channel Slack linked, `off`, or nothing (show it)."""
    words = text.strip()
    if not words:
        return ShowHelpChannel()
    if words.lower() in ("off", "none", "clear"):
        return SetHelpChannel(None)
    match = CHANNEL_REFERENCE.match(words)
    if match:
        return SetHelpChannel(match["id"])
    raise CommandError(
        f"Pick the channel with # so Slack links it: `{HELP_CHANNEL_EXAMPLE}` (or `off` to post questions "
        "where /ask is typed)."
    )

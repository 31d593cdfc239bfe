"""/learn: one line of text into an entry draft, the form, or help."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.parsing.errors import CommandError
from bot.parsing.numbers import parse_duration
from bot.services.drafts import DraftError
from bot.services.learning import MAX_MINUTES, EntryDraft
from bot.services.search import QueryError, SearchQuery
from models import EntryKind, Visibility

LEARN_EXAMPLE = "/learn 45m #python #asyncio Paired with Ana on task cancellation"
SEARCH_EXAMPLE = "/learn search state locking #terraform"
SEARCH_WORDS = {"search", "find"}
MINUTES_REFUSAL = (
    f"Log between 1 minute and {MAX_MINUTES // 60} hours in one entry "
    "(split longer learning into several entries)."
)

# "90 min" and "1 h 30 m" arrive as several words: try joining up to three.
_MAX_DURATION_WORDS = 4
OPTION = re.compile(r"^(?P<key>[a-z]+):(?P<value>[A-Za-z-]+)$")
OPTION_LIKE = re.compile(r"^(?:--?[a-z][\w-]*|[a-z]+:[A-Za-z-]+)$")
SLACK_LINK = re.compile(r"<(?P<url>https?://[^|>]+)(?:\|[^>]*)?>")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)

KIND_WORDS: dict[str, EntryKind] = {
    "job": EntryKind.JOB,
    "work": EntryKind.JOB,
    "people": EntryKind.PEOPLE,
    "peer": EntryKind.PEOPLE,
    "peers": EntryKind.PEOPLE,
    "formal": EntryKind.FORMAL,
    "course": EntryKind.FORMAL,
}
VISIBILITY_WORDS: dict[str, Visibility] = {
    "private": Visibility.PRIVATE,
    "me": Visibility.PRIVATE,
    "team": Visibility.TEAM,
    "shared": Visibility.TEAM,
}
OPTION_KEYS = {"kind": "kind", "k": "kind", "vis": "visibility", "visibility": "visibility"}
HELP_WORDS = {"help", "?", "-h", "--help"}


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class OpenLogModal:
    pass


@dataclass(frozen=True)
class LogLearning:
    draft: EntryDraft


@dataclass(frozen=True)
class SearchLearning:
    query: SearchQuery


LearnRequest = ShowHelp | OpenLogModal | LogLearning | SearchLearning


def parse_search(words: str) -> SearchLearning:
    """The words after `/learn search`: what to look for, or a CommandError saying what to type."""
    if not words.strip():
        raise CommandError(
            f"What should I look for? Type words or #skills after `/learn search`, e.g. `{SEARCH_EXAMPLE}`."
        )
    try:
        return SearchLearning(SearchQuery.build(words))
    except QueryError as exc:
        raise CommandError(f"{exc} Search with a few words or #skills, e.g. `{SEARCH_EXAMPLE}`.") from None


def _take_duration(words: list[str], *, from_end: bool) -> tuple[int, int] | None:
    """Find a duration of 1 to 4 words at one end; return (minutes, how many words it used)."""
    for size in range(min(_MAX_DURATION_WORDS, len(words)), 0, -1):
        chunk = words[-size:] if from_end else words[:size]
        minutes = parse_duration(" ".join(chunk), low=1, high=MAX_MINUTES, refusal=MINUTES_REFUSAL)
        if minutes is not None:
            return minutes, size
    return None


@dataclass
class _Options:
    minutes: int | None = None
    kind: EntryKind | None = None
    visibility: Visibility | None = None
    link: str | None = None
    skills: list[str] = field(default_factory=list)

    def take(self, words: list[str], *, from_end: bool) -> list[str]:
        """Consume option words at one end of the text; return what is left."""
        while words:
            if self.minutes is None and (found := _take_duration(words, from_end=from_end)):
                self.minutes, used = found
                words = words[:-used] if from_end else words[used:]
                continue
            word = words[-1] if from_end else words[0]
            if not self._take_word(word):
                break
            words = words[:-1] if from_end else words[1:]
        return words

    def _take_word(self, word: str) -> bool:
        if word.startswith("#") and len(word) > 1:
            self.skills.append(word)
            return True
        if URL.match(word) and self.link is None:
            self.link = word
            return True
        option = OPTION.match(word)
        if option and option["key"] in OPTION_KEYS:
            self._set_option(OPTION_KEYS[option["key"]], option["value"].lower())
            return True
        if OPTION_LIKE.match(word):
            raise CommandError(
                f"I don't know the option `{word}`. Options are `kind:job`, `kind:people`, `kind:formal` "
                f"and `vis:private`. Try `{LEARN_EXAMPLE}`."
            )
        return False

    def _set_option(self, key: str, value: str) -> None:
        if key == "kind":
            if value not in KIND_WORDS:
                raise CommandError(
                    f"`kind:{value}` is not a kind. Use `kind:job` (learning by doing), "
                    "`kind:people` (from colleagues) or `kind:formal` (a course, book or talk)."
                )
            self.kind = KIND_WORDS[value]
        elif value in VISIBILITY_WORDS:
            self.visibility = VISIBILITY_WORDS[value]
        else:
            raise CommandError(
                f"`vis:{value}` is not a visibility. Use `vis:private` (only you) or `vis:team` (your team)."
            )


def parse_learn(text: str) -> LearnRequest:
    """Parse `/learn` text: options (duration, #skills, kind:, vis:, a link) at either end, words between."""
    text = SLACK_LINK.sub(lambda match: match["url"], text).strip()
    if not text:
        return OpenLogModal()
    if text.lower() in HELP_WORDS:
        return ShowHelp()
    first, *rest = text.split(maxsplit=1)
    if first.lower() in SEARCH_WORDS:
        return parse_search(rest[0] if rest else "")

    options = _Options()
    words = options.take(text.split(), from_end=False)
    words = options.take(words, from_end=True)
    # Tags inside the sentence count as skills too, and stay in the text as written.
    options.skills += [word for word in words if re.match(r"^#[^\s#]", word)]
    what = " ".join(words).strip()

    if options.minutes is None:
        example = f"/learn 30m {what}" if what else LEARN_EXAMPLE
        raise CommandError(
            f"How long did you spend? Start with a duration like `30m` or `1h30m`: `{example}`"
        )
    if not what:
        raise CommandError(f"What did you learn? Add a few words after the time, e.g. `{LEARN_EXAMPLE}`")
    try:
        draft = EntryDraft.build(
            what=what,
            minutes=options.minutes,
            kind=options.kind or EntryKind.JOB,
            skills=options.skills,
            link=options.link,
            visibility=options.visibility or Visibility.TEAM,
        )
    except DraftError as exc:
        raise CommandError(f"{exc.message} Nothing was saved; try `{LEARN_EXAMPLE}`.") from None
    return LogLearning(draft)

"""The playground's Slack side: a demo workspace on FakeSlack, and people's clicks turned into signed requests.

Everything a person does on the page goes to the real Bolt app exactly as Slack would send it (signed form
bodies and JSON events, dispatched in-process); whatever the app then does through the Web API lands in
FakeSlack, which the page reads back.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import App
from sqlalchemy import Engine

from bot import db
from bot.app import BOT_SCOPES, build_app
from bot.bolt_request import bolt_request
from bot.deps import Deps
from bot.localslack import FakeSlack
from bot.localslack.payloads import SlackPayloads, interactive_body, signed_headers
from bot.settings import Settings
from bot.views.format import escape
from scheduler import build_runner

logger = logging.getLogger(__name__)

BOT_TOKEN = "xoxb-playground-token"
COMMANDS = ("/learn", "/fitness", "/ask", "/goal", "/team")
SAVE_AS_LEARNING = "save_as_learning"
# The manifest's should_escape: Slack turns typed @names and #channels into <@U…> and <#C…|name> for these.
JUMP_TICK = timedelta(hours=1)  # well inside the shortest send window (nudges: 3 hours)
MAX_JUMP_DAYS = 31
ESCAPED_COMMANDS = frozenset({"/ask", "/team"})


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    tz: str
    is_admin: bool = False


PEOPLE = (
    Person("U0ANA", "ana", "Ana Lima", "Europe/London"),
    Person("U0BO", "bo", "Bo Chen", "America/New_York"),
    Person("U0KEN", "ken", "Ken Sato", "Asia/Tokyo"),
    Person("U0LEA", "lea", "Lea Braun", "Europe/Berlin", is_admin=True),
)
CHANNELS = (("C0GENERAL", "general"), ("C0HELP", "help"))
DEMO_TEAM = SlackPayloads(
    team_id="T0PLAY",
    team_domain="learnfit-playground",
    user_names={person.id: person.name for person in PEOPLE},
    channel_names=dict(CHANNELS),
)


class PlaygroundError(Exception):
    """Something the person asked for that the playground cannot do (shown on the page)."""


class PlaygroundClock:
    """Wall-clock time plus an offset the page moves forward ("jump a day")."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump(self, delta: timedelta) -> None:
        self.offset += delta


def demo_fake_slack(clock: PlaygroundClock) -> FakeSlack:
    """FakeSlack holding the demo workspace: four people in four timezones, #general and #help."""
    fake = FakeSlack(
        team_id=DEMO_TEAM.team_id,
        team_domain=DEMO_TEAM.team_domain,
        bot_user_id=DEMO_TEAM.bot_user_id,
        app_id=DEMO_TEAM.api_app_id,
        scopes=",".join(BOT_SCOPES),
        time_source=lambda: clock().timestamp(),
    )
    for person in PEOPLE:
        fake.add_user(
            person.id, person.name, tz=person.tz, real_name=person.real_name, is_admin=person.is_admin
        )
    for channel_id, name in CHANNELS:
        fake.add_channel(channel_id, name)
    return fake


def playground_settings(database_url: str, api_url: str, signing_secret: str) -> Settings:
    # Explicit Nones: a developer's own Slack variables in the environment must not leak in.
    return Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=signing_secret,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        SLACK_CLIENT_ID=None,
        SLACK_CLIENT_SECRET=None,
        SLACK_APP_TOKEN=None,
    )


class Playground:
    """The demo workspace, the real app wired to it, the clock, and each person's open modals."""

    def __init__(self, database_url: str, api_url: str) -> None:
        self.clock = PlaygroundClock()
        self.fake = demo_fake_slack(self.clock).start()
        self.signing_secret = secrets.token_hex(16)
        self.settings = playground_settings(database_url, api_url, self.signing_secret)
        if database_url.startswith("sqlite"):
            db.upgrade(database_url)
        self.engine: Engine = db.make_engine(database_url)
        deps = Deps(sessions=db.make_sessionmaker(self.engine), clock=self.clock)
        # Listeners run to the end before dispatch returns, so the next poll sees every effect.
        self.app: App = build_app(
            self.settings, deps, engine=self.engine, process_before_response=True, token_verification=False
        )
        self.runner = build_runner(self.settings, self.engine, clock=self.clock, sleep=lambda _s: None)
        self._lock = threading.Lock()
        self._modals: dict[str, list[str]] = {}  # user id -> stack of open view ids
        self._errors: dict[str, dict[str, str]] = {}  # view id -> block_id -> error

    def close(self) -> None:
        self.fake.stop()
        self.engine.dispose()

    # ------------------------------------------------------------------ reading

    def person(self, user_id: str) -> Person:
        for person in PEOPLE:
            if person.id == user_id:
                return person
        raise PlaygroundError(f"no such person: {user_id}")

    def _channels(self, person: Person) -> list[dict[str, str]]:
        channels = [{"id": cid, "name": f"#{name}"} for cid, name in CHANNELS]
        channels.append({"id": f"D{person.id}", "name": "Learnfit (DM)"})
        return channels

    def _messages(self, person: Person) -> list[dict[str, Any]]:
        """What this person's Slack shows: messages in conversations they are in, and their ephemerals."""
        visible = {c["id"] for c in self._channels(person)}
        messages = [m for m in self.fake.messages() if m["channel"] in visible]
        ephemerals = [dict(e, ephemeral=True) for e in self.fake.ephemerals(person.id)]
        return sorted(messages + ephemerals, key=lambda m: m["ts"])

    def _modal(self, person: Person) -> dict[str, Any] | None:
        stack = self._modals.get(person.id, [])
        return self.fake.view(stack[-1]) if stack else None

    def state(self, user_id: str) -> dict[str, Any]:
        person = self.person(user_id)
        modal = self._modal(person)
        return {
            "me": person.id,
            "people": [vars(p) for p in PEOPLE],
            "channels": self._channels(person),
            "messages": self._messages(person),
            "home": self.fake.home_view(person.id),
            "modal": modal,
            "modal_errors": self._errors.get(modal["id"], {}) if modal else {},
            "now": self.clock().isoformat(),
            "offset_days": self.clock.offset / timedelta(days=1),
        }

    def file(self, user_id: str, file_id: str) -> tuple[dict[str, Any], bytes]:
        """An uploaded file's object and bytes, for a person who can see it: shared into one of their
        conversations, or shown by an image block on something they see (a message, their Home, their modal)."""
        person = self.person(user_id)
        surfaces: list[Any] = [*self._messages(person), self.fake.home_view(person.id), self._modal(person)]
        found = self.fake.file(file_id)
        if found is None or file_id not in _file_ids(surfaces):
            raise PlaygroundError("no such file here")
        return found

    # ------------------------------------------------------------------ sending to the app

    def _dispatch(self, body: bytes, content_type: str) -> tuple[int, str]:
        # BoltRequest's headers may hold several values each; a copy of ours is typed to match.
        headers: dict[str, str | Sequence[str]] = {
            **signed_headers(body, self.signing_secret, content_type=content_type)
        }
        response = self.app.dispatch(bolt_request(body.decode(), headers=headers))
        if response.status >= 400:
            logger.warning("the app answered %s: %s", response.status, response.body)
        return response.status, response.body

    def _interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return self._dispatch(interactive_body(payload), "application/x-www-form-urlencoded")

    def _event(self, event: dict[str, Any]) -> None:
        self._dispatch(json.dumps(DEMO_TEAM.event_envelope(event)).encode(), "application/json")

    def _track_modal(self, user_id: str, trigger: str) -> None:
        view = self.fake.view_for_trigger(trigger)
        if view is not None:
            stack = self._modals.setdefault(user_id, [])
            if view["id"] not in stack:
                stack.append(view["id"])

    def command(self, user_id: str, channel_id: str, text: str) -> None:
        """A slash command typed in the composer, e.g. ``/learn 30m #python x``."""
        person = self.person(user_id)
        name, _, rest = text.strip().partition(" ")
        if name not in COMMANDS:
            raise PlaygroundError(f"{name} is not a Learnfit command (try {', '.join(COMMANDS)})")
        trigger = DEMO_TEAM.new_trigger_id()
        response_url = self.fake.response_url(channel=channel_id, user=person.id)
        body = DEMO_TEAM.command_body(
            name,
            _escape_mentions(rest.strip()) if name in ESCAPED_COMMANDS else rest.strip(),
            user_id=person.id,
            channel_id=channel_id,
            response_url=response_url,
            trigger_id=trigger,
        )
        with self._lock:
            status, reply = self._dispatch(body, "application/x-www-form-urlencoded")
            self._show_ack(status, reply, response_url)
            self._track_modal(person.id, trigger)

    def _show_ack(self, status: int, reply: str, response_url: str) -> None:
        """An ack with a body is Slack's cue to show it, as if posted to the response URL."""
        if status == 200 and reply.startswith("{"):
            message = json.loads(reply)
            if message.get("text") or message.get("blocks"):
                request = urllib.request.Request(
                    response_url, data=reply.encode(), headers={"Content-Type": "application/json"}
                )
                urllib.request.urlopen(request, timeout=10).close()

    def say(self, user_id: str, channel_id: str, text: str, thread_ts: str | None = None) -> None:
        """A person writes a message (or a thread reply); the app hears it as a `message` event."""
        person = self.person(user_id)
        # Slack's client sends what was typed escaped (`&`, `<`, `>`), with @names and #channels as links.
        text = _escape_mentions(escape(text))
        with self._lock:
            message = self.fake.post_as_user(person.id, channel_id, text, thread_ts=thread_ts)
            self._event(
                DEMO_TEAM.message_event(
                    user_id=person.id, channel_id=channel_id, ts=message["ts"], text=text, thread_ts=thread_ts
                )
            )

    def react(self, user_id: str, channel_id: str, ts: str, name: str) -> None:
        person = self.person(user_id)
        with self._lock:
            message = next((m for m in self.fake.messages(channel_id) if m["ts"] == ts), None)
            if message is None or not self.fake.react_as_user(person.id, channel_id, ts, name):
                return
            self._event(
                DEMO_TEAM.reaction_added_event(
                    user_id=person.id,
                    reaction=name,
                    channel_id=channel_id,
                    message_ts=ts,
                    item_user=message["user"],
                )
            )

    def open_home(self, user_id: str) -> None:
        with self._lock:
            self._dispatch(
                json.dumps(DEMO_TEAM.app_home_opened(self.person(user_id).id)).encode(), "application/json"
            )

    def action(self, user_id: str, request: dict[str, Any]) -> None:
        """A button, select or picker used on a message, an ephemeral, the Home tab or a modal."""
        person = self.person(user_id)
        action = request["action"]
        surface = request.get("surface")
        trigger = DEMO_TEAM.new_trigger_id()
        with self._lock:
            if surface in ("home", "modal"):
                view = self.fake.view(request["view_id"])
                if view is None:
                    raise PlaygroundError("that view is gone")
                view["state"] = {"values": request.get("values") or {}}
                payload = DEMO_TEAM.block_actions(action, user_id=person.id, trigger_id=trigger, view=view)
            else:
                channel_id, ts = request["channel"], request["ts"]
                ephemeral = surface == "ephemeral"
                found = self.fake.ephemerals(person.id) if ephemeral else self.fake.messages(channel_id)
                message = next((m for m in found if m["ts"] == ts), None)
                if message is None:
                    raise PlaygroundError("that message is gone")
                payload = DEMO_TEAM.block_actions(
                    action,
                    user_id=person.id,
                    trigger_id=trigger,
                    channel_id=channel_id,
                    message_ts=ts,
                    ephemeral=ephemeral,
                    message=_public(message),
                    response_url=self.fake.response_url(channel=channel_id, user=person.id, message_ts=ts),
                )
            self._interact(payload)
            self._track_modal(person.id, trigger)

    def shortcut(self, user_id: str, channel_id: str, ts: str) -> None:
        """The message shortcut "Save as learning" on a message."""
        person = self.person(user_id)
        message = next((m for m in self.fake.messages(channel_id) if m["ts"] == ts), None)
        if message is None:
            raise PlaygroundError("that message is gone")
        trigger = DEMO_TEAM.new_trigger_id()
        with self._lock:
            self._interact(
                DEMO_TEAM.message_action(
                    SAVE_AS_LEARNING,
                    _public(message),
                    user_id=person.id,
                    channel_id=channel_id,
                    response_url=self.fake.response_url(channel=channel_id, user=person.id),
                    trigger_id=trigger,
                )
            )
            self._track_modal(person.id, trigger)

    def submit(self, user_id: str, view_id: str, values: dict[str, Any]) -> dict[str, str]:
        """Submit the open modal; returns the app's validation errors by block_id (empty when it closed)."""
        person = self.person(user_id)
        with self._lock:
            stack = self._modals.get(person.id, [])
            view = self.fake.view(view_id)
            if view is None or view_id not in stack:
                raise PlaygroundError("that modal is not open")
            _status, reply = self._interact(DEMO_TEAM.view_submission(view, values, user_id=person.id))
            answer = json.loads(reply) if reply.startswith("{") else {}
            kind = answer.get("response_action")
            if kind == "errors":
                self._errors[view_id] = answer.get("errors", {})
                return self._errors[view_id]
            self._errors.pop(view_id, None)
            if kind == "update":
                self.fake.put_view(answer["view"], replacing=view_id)
            elif kind == "push":
                stack.append(self.fake.put_view(answer["view"])["id"])
            elif kind == "clear":
                stack.clear()
            elif view_id in stack:
                stack.remove(view_id)
            return {}

    def close_modal(self, user_id: str, view_id: str) -> None:
        person = self.person(user_id)
        with self._lock:
            stack = self._modals.get(person.id, [])
            view = self.fake.view(view_id)
            if view_id in stack:
                stack.remove(view_id)
            if view is not None and view.get("notify_on_close"):
                self._interact(DEMO_TEAM.view_closed(view, user_id=person.id))

    # ------------------------------------------------------------------ time

    def jump(self, days: int) -> str:
        """Move the clock on, ticking the scheduler hourly on the way, as its process would have.

        A single tick at the end would find every nudge and digest of the skipped days past its send
        window (hours, not days) and skip them all.
        """
        from scheduler import run_once

        if not 0 < days <= MAX_JUMP_DAYS:
            raise PlaygroundError(f"jump 1 to {MAX_JUMP_DAYS} days")
        totals: Counter[str] = Counter()
        with self._lock:
            target = self.clock.offset + timedelta(days=days)
            while self.clock.offset < target:
                self.clock.offset = min(self.clock.offset + JUMP_TICK, target)
                totals.update(_report_counts(str(run_once(self.runner, self.clock()))))
        return ", ".join(f"{name}={count}" for name, count in sorted(totals.items())) or "nothing due"

    def run_scheduler(self) -> str:
        from scheduler import run_once

        with self._lock:
            return str(run_once(self.runner, self.clock()))


def _report_counts(report: str) -> Counter[str]:
    """ "digest_sent=1, nudge_skipped=2" as counts ("nothing due" has none)."""
    counts: Counter[str] = Counter()
    for part in report.split(","):
        name, sep, count = part.strip().partition("=")
        if sep and count.isdigit():
            counts[name] += int(count)
    return counts


def _escape_mentions(text: str) -> str:
    """`@ana` and `#general` as Slack sends them to a command with should_escape."""
    people = {person.name: person.id for person in PEOPLE}
    channels = {name: channel_id for channel_id, name in CHANNELS}

    def escape(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        if sigil == "@" and name.lower() in people:
            return f"<@{people[name.lower()]}|{name.lower()}>"
        if sigil == "#" and name.lower() in channels:
            return f"<#{channels[name.lower()]}|{name.lower()}>"
        return match.group(0)

    return re.sub(r"(?<![<\w])([@#])([\w.-]+)", escape, text)


def _file_ids(found: Any) -> set[str]:
    """Ids of the files in messages' `files` and image blocks' `slack_file`, anywhere in ``found``."""
    ids: set[str] = set()
    if isinstance(found, dict):
        for key, value in found.items():
            if key == "files" and isinstance(value, list):
                ids.update(str(item.get("id")) for item in value if isinstance(item, dict))
            elif key == "slack_file" and isinstance(value, dict) and value.get("id"):
                ids.add(str(value["id"]))
            else:
                ids |= _file_ids(value)
    elif isinstance(found, list):
        for item in found:
            ids |= _file_ids(item)
    return ids


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as Slack puts it in a payload."""
    keep = ("ts", "text", "blocks", "user", "bot_id", "app_id", "thread_ts", "team")
    return {"type": "message", **{k: message[k] for k in keep if message.get(k) not in (None, [])}}

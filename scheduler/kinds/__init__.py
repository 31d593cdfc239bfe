"""The kinds of scheduled delivery, one object each, registered by the ledger's `DeliveryKind`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from sqlalchemy import ColumnElement

from bot.gateway import Posted
from models import DeliveryKind
from scheduler.kinds.digests import Digests
from scheduler.kinds.follow_ups import FollowUps
from scheduler.kinds.kudos import KudosSummaries
from scheduler.kinds.nudges import Nudges
from scheduler.kinds.team_posts import TeamPosts
from scheduler.ledger import Claim
from scheduler.tick import Tick


class Kind(Protocol):
    """One kind of delivery: what is due and how to claim it (under its ledger key), how its schedule is
    kept, and how to build and send one claimed send. Taking, pacing, Slack's errors and settling are the
    Tick's."""

    @property
    def kind(self) -> DeliveryKind: ...

    def due(self, now: datetime) -> ColumnElement[bool]:
        """SQL that is true when anything of this kind may be due at `now`: one cheap EXISTS, asked every
        tick together with every other kind's."""
        ...

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Claim a batch of what is due, settling skips in the ledger and moving the schedule on in the
        same transaction; None once nothing is due."""
        ...

    def schedule_missing(self, tick: Tick) -> int:
        """Give a next time to whatever of this kind should have one and has none; how many got one."""
        ...

    def send(self, tick: Tick, claim: Claim) -> Posted:
        """Build and send one claimed delivery through `tick.slack`; raise Settle or Release to end it
        any other way."""
        ...


_ALL: tuple[Kind, ...] = (  # in the order a tick runs them
    Nudges(),
    Digests(),
    FollowUps(),
    KudosSummaries(),
    TeamPosts(),
)
KINDS: Mapping[DeliveryKind, Kind] = MappingProxyType({kind.kind: kind for kind in _ALL})

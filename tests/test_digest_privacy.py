"""A lead cannot read one member's private learning off a digest: totals include private entries only when at
least three people learned in the week (and in the week it is compared with); otherwise they are of shared
entries only, and the digest says why. Tried on teams of one, two and three, with some or all active, in a
preview and in the scheduled digest (one build serves both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.conftest import ANA, BO, KEN
from tests.helpers import last_response, text_of
from tests.test_scheduler import FakeTimer, make_runner
from tests.test_teams import ADMIN

WEEK_BEFORE = datetime(2026, 11, 17, 12, tzinfo=UTC)  # a Tuesday
THIS_WEEK = datetime(2026, 11, 24, 12, tzinfo=UTC)
MONDAY_DIGEST = datetime(2026, 11, 30, 9, tzinfo=UTC)
SHARED_ONLY = "These totals count shared entries only"

# Shared learning is on the job; private learning is formal, so a private entry in the mix would show.
ANA_SHARED = (ANA, "20m #sql Indexes")
ANA_PRIVATE = (ANA, "40m vis:private kind:formal #secret Interview prep")
BO_SHARED = (BO, "10m #go Channels")
BO_PRIVATE = (BO, "15m vis:private kind:formal #secret Salary talk")
KEN_PRIVATE = (KEN, "30m vis:private kind:formal #secret Therapy reading")
PRIVATE_WORDS = ("secret", "Interview", "Salary", "Therapy")


@dataclass(frozen=True)
class Week:
    members: tuple[str, ...]
    learned: tuple[tuple[str, str], ...]  # (who, /learn text) in the digest's week
    shown: str  # the headline, or the quiet line
    private_counted: bool
    learned_before: tuple[tuple[str, str], ...] = ()  # in the week it is compared with


WEEKS = {
    "team of 1": Week(
        (ANA,), (ANA_SHARED, ANA_PRIVATE), "*1 of 1 person* learned, *20m* over *1 session*", False
    ),
    "team of 1, private only": Week((ANA,), (ANA_PRIVATE,), "nothing shared from", False),
    "team of 2": Week(
        (ANA, BO),
        (ANA_SHARED, ANA_PRIVATE, BO_SHARED),
        "*2 of 2 people* learned, *30m* over *2 sessions*",
        False,
    ),
    "team of 3, 1 active": Week(
        (ANA, BO, KEN), (ANA_SHARED, ANA_PRIVATE), "*1 of 3 people* learned, *20m* over *1 session*", False
    ),
    "team of 3, 2 active": Week(
        (ANA, BO, KEN),
        (ANA_SHARED, ANA_PRIVATE, BO_PRIVATE),
        "*1 of 3 people* learned, *20m* over *1 session*",
        False,
    ),
    "team of 3, 3 active": Week(
        (ANA, BO, KEN),
        (ANA_SHARED, ANA_PRIVATE, BO_SHARED, KEN_PRIVATE),
        "*3 of 3 people* learned, *1h 40m* over *4 sessions*",
        True,
    ),
    "team of 3, private only": Week(
        (ANA, BO, KEN),
        (ANA_PRIVATE, BO_PRIVATE, KEN_PRIVATE),
        "*3 of 3 people* learned, *1h 25m* over *3 sessions*",
        True,
    ),
    # The change on the week before would give away what one person learned privately then.
    "3 active, the week before 1 privately": Week(
        (ANA, BO, KEN),
        (ANA_SHARED, BO_SHARED, KEN_PRIVATE),
        "*2 of 3 people* learned, *30m* over *2 sessions* (+30m and +2 sessions",
        False,
        learned_before=(ANA_PRIVATE,),
    ),
    "3 active, the week before 3": Week(
        (ANA, BO, KEN),
        (ANA_SHARED, BO_SHARED, KEN_PRIVATE),
        "*3 of 3 people* learned, *1h* over *3 sessions* (\u221220m and same sessions",
        True,
        learned_before=(ANA_PRIVATE, BO_SHARED, KEN_PRIVATE),
    ),
}


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


def team_of(slack, clock, members: tuple[str, ...]) -> None:
    """A team of exactly these people, made by an admin who then leaves it (an admin still manages it);
    its digest goes to #general."""
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", "add " + " ".join(f"<@{user}|x>" for user in members), user=ADMIN)
    slack.command("/team", f"remove <@{ADMIN}|ada>", user=ADMIN)
    slack.command("/team", "digest channel <#C0GENERAL|general>", user=ADMIN)


def learn_all(slack, clock, when: datetime, learned: tuple[tuple[str, str], ...]) -> None:
    clock.set(when)
    for user, text in learned:
        slack.command("/learn", text, user=user)


def preview_and_scheduled(slack, fake_slack, clock, runner) -> list[str]:
    """The digest as the lead previews it on Monday morning, and as the scheduler posts it that Monday."""
    runner.run_due(now=MONDAY_DIGEST)
    [scheduled] = [
        call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == "C0GENERAL"
    ]
    clock.set(MONDAY_DIGEST.replace(hour=10))
    slack.command("/team", "digest Platform preview", user=ADMIN)
    return [text_of(last_response(fake_slack)), text_of(scheduled)]


@pytest.mark.parametrize("week", WEEKS.values(), ids=WEEKS.keys())
def test_private_learning_counts_in_totals_only_where_no_one_persons_can_be_read_off(
    slack, fake_slack, clock, settings, engine, sleeps, week
):
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    team_of(slack, clock, week.members)
    learn_all(slack, clock, WEEK_BEFORE, week.learned_before)
    learn_all(slack, clock, THIS_WEEK, week.learned)

    for shown in preview_and_scheduled(slack, fake_slack, clock, runner):
        assert week.shown in shown
        for word in PRIVATE_WORDS:
            assert word not in shown
        if "quiet week" in shown:
            continue
        # Said calmly, and whether or not there was anything private: the note itself gives nothing away.
        assert (SHARED_ONLY in shown) is not week.private_counted
        assert ("Formal 0%" in shown) is not week.private_counted


@pytest.mark.parametrize(("members", "reached_shown"), [((ANA,), False), ((ANA, BO, KEN), True)])
def test_goals_reached_private_to_their_owner_are_counted_only_in_a_large_enough_group(
    slack, fake_slack, clock, settings, engine, sleeps, members, reached_shown
):
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    team_of(slack, clock, members)
    clock.set(THIS_WEEK)
    slack.command("/goal", "Practise SQL #sql 20m", user=ANA)
    learn_all(slack, clock, THIS_WEEK, ((ANA, "20m #sql Window functions"), BO_PRIVATE, KEN_PRIVATE))

    for shown in preview_and_scheduled(slack, fake_slack, clock, runner):
        assert ("1 goal reached" in shown) is reached_shown

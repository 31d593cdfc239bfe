"""The scheduler: nudges at each person's local time across DST, exactly once, through 429s, dead accounts,
uninstalls and crashes; digests on time; two schedulers sharing the work on PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from bot import db
from bot.services.nudges import nudge_key
from models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    HelpQuestion,
    Person,
    QuestionStatus,
    SlackWorkspace,
)
from scheduler import Runner, build_runner, ledger
from scheduler.kinds import KINDS
from scheduler.kinds.follow_ups import follow_up_key
from scheduler.pacing import Pacer
from scheduler.workspaces import WorkspaceClients
from tests.conftest import ANA, BO, KEN
from tests.support.payloads import TEAM_ID


class FakeTimer:
    """The pacer's clock: waits are recorded and move it on, never spent."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def timer() -> FakeTimer:
    return FakeTimer()


def make_runner(settings, engine, sleeps, timer, *, worker="scheduler-1", rates="default", **kwargs):
    pacer = (
        Pacer(monotonic=timer.monotonic, sleep=timer.sleep)
        if rates == "default"
        else Pacer(monotonic=timer.monotonic, sleep=timer.sleep, rates=rates)
    )
    return build_runner(settings, engine, sleep=sleeps.append, pacer=pacer, worker=worker, **kwargs)


@pytest.fixture
def runner(settings, engine, sleeps, timer):
    return make_runner(settings, engine, sleeps, timer)


def ledger_rows(session, kind=DeliveryKind.NUDGE):
    """(key, status, error) of every delivery of a kind, in key order."""
    session.expire_all()
    return [
        (row.key, row.status, row.error)
        for row in session.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.key))
    ]


def dm_posts(fake_slack):
    """The DMs Learnfit posted successfully, as (user id, text), in order."""
    return [message["channel"][1:] for message in fake_slack.messages() if message["channel"].startswith("D")]


def key(user_id, day: str) -> str:
    return nudge_key(TEAM_ID, user_id, date.fromisoformat(day))


def claim_anas_nudge(session, ana_id, due, *, worker):
    """Ana's Tuesday nudge, claimed the way a scheduler's tick claims it."""
    planned = ledger.PlannedSend(
        key=key(ANA, "2026-11-24"),
        kind=DeliveryKind.NUDGE,
        team_id=TEAM_ID,
        enterprise_id=None,
        person_id=ana_id,
        window_ends_at=due + timedelta(hours=3),
    )
    return ledger.claim(session, planned, worker=worker, now=due)


def start_using(slack, clock, user, when):
    clock.set(when)
    slack.command("/fitness", "nudges on", user=user)


# ---------------------------------------------------------------------- a fortnight of ticks across DST


def test_a_fortnight_of_ticks_sends_each_nudge_once_at_local_16_across_both_dst_changes(
    slack, fake_slack, clock, runner, session
):
    # Europe/London leaves summer time on Sun 25 Oct 2026, America/New_York on Sun 1 Nov; Tokyo never.
    for user in (ANA, BO, KEN):
        start_using(slack, clock, user, datetime(2026, 10, 21, 12, tzinfo=UTC))
    sent_at: dict[tuple[str, str], datetime] = {}
    tick = datetime(2026, 10, 22, tzinfo=UTC)
    while tick < datetime(2026, 11, 6, tzinfo=UTC):
        if tick == datetime(2026, 11, 3, 10, tzinfo=UTC):
            clock.set(tick)  # Ana learns on Tuesday morning, before her nudge
            slack.command("/learn", "20m #sql Read about index-only scans", user=ANA)
        posted = len(fake_slack.calls_to("chat.postMessage"))
        runner.run_due(now=tick)
        for call in fake_slack.calls_to("chat.postMessage")[posted:]:
            sent_at[(call.args["channel"], tick.strftime("%a %d %b"))] = tick
        tick += timedelta(minutes=15)

    def utc(day, hour):
        return datetime(2026, 10 if day > 20 else 11, day, hour, tzinfo=UTC)

    assert sent_at == {
        # London: 16:00 BST is 15:00 UTC before the change, 16:00 GMT after it.
        (ANA, "Thu 22 Oct"): utc(22, 15),
        (ANA, "Tue 27 Oct"): utc(27, 16),
        (ANA, "Thu 29 Oct"): utc(29, 16),
        (ANA, "Thu 05 Nov"): utc(5, 16),
        # New York: 16:00 EDT is 20:00 UTC until 1 Nov, 16:00 EST is 21:00 UTC after it.
        (BO, "Thu 22 Oct"): utc(22, 20),
        (BO, "Tue 27 Oct"): utc(27, 20),
        (BO, "Thu 29 Oct"): utc(29, 20),
        (BO, "Thu 05 Nov"): utc(5, 21),
        # Tokyo: 16:00 JST is 07:00 UTC all along.
        (KEN, "Thu 22 Oct"): utc(22, 7),
        (KEN, "Tue 27 Oct"): utc(27, 7),
        (KEN, "Thu 29 Oct"): utc(29, 7),
        (KEN, "Thu 05 Nov"): utc(5, 7),
    }
    skipped = {row[0]: row[2] for row in ledger_rows(session) if row[1] is DeliveryStatus.SKIPPED}
    assert skipped == {
        key(ANA, "2026-11-03"): "already_learned",
        # Three nudges ignored in a row: at most one a week until they log again.
        key(BO, "2026-11-03"): "backing_off",
        key(KEN, "2026-11-03"): "backing_off",
    }
    assert sorted(dm_posts(fake_slack)) == sorted([ANA, BO, KEN] * 4)
    assert all(row[1] is not DeliveryStatus.CLAIMED for row in ledger_rows(session))


# ---------------------------------------------------------------------- skips


def test_snoozed_and_away_people_are_skipped_with_a_reason_and_nudges_off_means_no_nudge(
    slack, fake_slack, clock, runner, session
):
    fake_slack.add_user("U0BEACH", "beach", tz="Europe/London", status_emoji=":palm_tree:")
    fake_slack.add_user("U0OOO", "ooo", tz="Europe/London", status_text="OOO until Monday")
    fake_slack.add_user("U0SICK", "sick", tz="Europe/London", status_text="Off sick", status_emoji=":x:")
    monday = datetime(2026, 11, 23, 12, tzinfo=UTC)
    for user in (ANA, BO, "U0BEACH", "U0OOO", "U0SICK"):
        start_using(slack, clock, user, monday)
    slack.command("/fitness", "nudges snooze 7d", user=ANA)
    slack.command("/fitness", "nudges off", user=BO)

    runner.run_due(now=datetime(2026, 11, 24, 16, 0, tzinfo=UTC))

    assert ledger_rows(session) == [
        (key(ANA, "2026-11-24"), DeliveryStatus.SKIPPED, "snoozed"),
        (key("U0BEACH", "2026-11-24"), DeliveryStatus.SKIPPED, "away"),
        (key("U0OOO", "2026-11-24"), DeliveryStatus.SKIPPED, "away"),
        (key("U0SICK", "2026-11-24"), DeliveryStatus.SKIPPED, "away"),
    ]
    assert fake_slack.calls_to("chat.postMessage") == []
    assert session.scalar(select(Person.next_nudge_at).where(Person.user_id == BO)) is None


def test_a_nudge_the_scheduler_could_not_send_in_time_is_skipped_as_missed(
    slack, fake_slack, clock, runner, session
):
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC))

    runner.run_due(now=datetime(2026, 11, 24, 21, 30, tzinfo=UTC))  # the scheduler was down since 16:00

    assert ledger_rows(session) == [(key(ANA, "2026-11-24"), DeliveryStatus.SKIPPED, "missed_window")]
    assert fake_slack.calls_to("chat.postMessage") == []
    session.expire_all()
    assert session.scalar(select(Person.next_nudge_at).where(Person.user_id == ANA)) == datetime(
        2026, 11, 26, 16, tzinfo=UTC
    )


# ---------------------------------------------------------------------- Slack says no


def test_a_short_429_is_waited_out_through_retry_after_and_the_nudge_goes_once(
    slack, fake_slack, clock, runner, session, sleeps
):
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC))
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=2)

    runner.run_due(now=datetime(2026, 11, 24, 16, tzinfo=UTC))

    assert 2 in sleeps
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 and dm_posts(fake_slack) == [ANA]
    assert ledger_rows(session) == [(key(ANA, "2026-11-24"), DeliveryStatus.SENT, None)]


def test_a_long_429_hands_the_workspace_back_and_a_later_tick_sends_every_nudge_once(
    slack, fake_slack, clock, settings, engine, session, sleeps, timer
):
    runner = make_runner(settings, engine, sleeps, timer, batch_size=2)
    for user in (ANA, KEN, BO):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    # Tokyo's nudge time is the earliest; make everyone due in one tick.
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 16, tzinfo=UTC)))
    session.commit()
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=120)

    runner.run_due(now=datetime(2026, 11, 24, 16, tzinfo=UTC))

    # One refused call; the other two never hammered Slack while it said to wait. Nothing was lost.
    assert len(fake_slack.calls_to("chat.postMessage")) == 1 and dm_posts(fake_slack) == []
    assert 120 not in sleeps
    assert {row[1] for row in ledger_rows(session)} == {DeliveryStatus.CLAIMED}

    # A tick while Slack still says wait: the claims are handed back again, once each, and kept.
    runner.run_due(now=datetime(2026, 11, 24, 16, 2, tzinfo=UTC))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert {row[1] for row in ledger_rows(session)} == {DeliveryStatus.CLAIMED}

    timer.now += 120  # Retry-After has passed
    runner.run_due(now=datetime(2026, 11, 24, 16, 3, tzinfo=UTC))

    assert sorted(dm_posts(fake_slack)) == sorted([ANA, KEN, BO])
    assert {row[1] for row in ledger_rows(session)} == {DeliveryStatus.SENT}


def test_one_persons_dead_account_fails_only_their_nudge_and_they_are_not_nudged_again(
    slack, fake_slack, clock, runner, session
):
    for user in (ANA, BO):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()
    # Slack answers the first post account_inactive while the app's own token still works.
    fake_slack.fail_next("chat.postMessage", error="account_inactive")

    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))

    rows = ledger_rows(session)
    assert sorted(row[1] for row in rows) == [DeliveryStatus.FAILED, DeliveryStatus.SENT]
    failed_key = next(row[0] for row in rows if row[1] is DeliveryStatus.FAILED)
    gone = ANA if ANA in failed_key else BO
    assert dm_posts(fake_slack) == [BO if gone == ANA else ANA]
    person = session.scalar(select(Person).where(Person.user_id == gone))
    assert person.deactivated_at is not None and person.next_nudge_at is None

    runner.run_due(now=datetime(2026, 11, 26, 21, tzinfo=UTC))
    assert dm_posts(fake_slack).count(gone) == 0


def test_user_not_found_and_not_allowed_token_type_never_stop_the_batch(
    slack, fake_slack, clock, runner, session
):
    for user in (ANA, BO, KEN):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()
    fake_slack.fail_next("users.info", error="user_not_found")
    fake_slack.fail_next("chat.postMessage", error="not_allowed_token_type")

    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))

    assert sorted(row[2] or "sent" for row in ledger_rows(session)) == [
        "not_allowed_token_type",
        "sent",
        "user_not_found",
    ]
    assert len(dm_posts(fake_slack)) == 1
    assert session.scalar(select(Person).where(Person.deactivated_at.is_not(None))) is not None


def test_an_uninstalled_workspace_gets_nothing_more_and_is_marked(slack, fake_slack, clock, runner, session):
    for user in (ANA, BO):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()
    fake_slack.uninstall()

    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))

    assert {row[1] for row in ledger_rows(session)} == {DeliveryStatus.FAILED}
    assert {row[2] for row in ledger_rows(session)} <= {"account_inactive", "workspace_uninstalled"}
    workspace = session.scalar(select(SlackWorkspace).where(SlackWorkspace.team_id == TEAM_ID))
    assert workspace.uninstalled_at is not None
    assert session.scalars(select(Person.next_nudge_at)).all() == [None, None]
    calls = len(fake_slack.calls)
    runner.run_due(now=datetime(2026, 11, 26, 16, tzinfo=UTC))
    runner.schedule_missing(datetime(2026, 11, 26, 16, 1, tzinfo=UTC))
    assert fake_slack.calls[calls:] == [] or {call.method for call in fake_slack.calls[calls:]} == {
        "auth.test"
    }


def test_a_reinstalled_workspace_is_back_on_the_schedule(slack, fake_slack, clock, runner, session):
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    slack.command("/learn", "20m Reading", user=ANA)
    session.add(
        SlackWorkspace(team_id=TEAM_ID, uninstalled_at=clock.now, created_at=clock.now),
    )
    session.execute(update(Person).values(next_nudge_at=None))
    session.commit()

    runner.schedule_missing(datetime(2026, 11, 23, 13, tzinfo=UTC))  # auth.test works again

    session.expire_all()
    assert session.scalar(select(SlackWorkspace.uninstalled_at)) is None
    assert session.scalar(select(Person.next_nudge_at)) == datetime(2026, 11, 24, 16, tzinfo=UTC)


# ---------------------------------------------------------------------- crashes, leases, two schedulers


def test_a_claim_whose_process_died_is_sent_after_the_lease_and_never_twice(
    slack, fake_slack, clock, runner, engine, session
):
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC))
    due = datetime(2026, 11, 24, 16, tzinfo=UTC)
    # A scheduler claims Ana's nudge and moves her schedule on, then dies before sending.
    with db.make_sessionmaker(engine)() as crashed, crashed.begin():
        ana = crashed.scalar(select(Person).where(Person.user_id == ANA))
        assert claim_anas_nudge(crashed, ana.id, due, worker="crashed")
        ana.next_nudge_at = datetime(2026, 11, 26, 16, tzinfo=UTC)

    runner.run_due(now=due + timedelta(minutes=2))  # the lease still holds: not ours to send
    assert dm_posts(fake_slack) == []

    report = runner.run_due(now=due + timedelta(minutes=6))
    runner.run_due(now=due + timedelta(minutes=7))

    assert report.recovered == 1 and dm_posts(fake_slack) == [ANA]
    [row] = session.scalars(select(Delivery)).all()
    assert (row.status, row.claimed_by, row.attempts) == (DeliveryStatus.SENT, "scheduler-1", 1)
    # The dead process cannot settle what it no longer holds.
    with db.make_sessionmaker(engine)() as late, late.begin():
        assert not ledger.settle(late, row.id, DeliveryStatus.FAILED, worker="crashed", now=due)


def test_a_claim_left_past_its_window_is_settled_as_failed_not_sent(
    slack, fake_slack, clock, runner, engine, session
):
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC))
    due = datetime(2026, 11, 24, 16, tzinfo=UTC)
    with db.make_sessionmaker(engine)() as crashed, crashed.begin():
        ana_id = crashed.scalar(select(Person.id).where(Person.user_id == ANA))
        claim_anas_nudge(crashed, ana_id, due, worker="crashed")

    runner.run_due(now=due + timedelta(hours=4))

    assert ledger_rows(session) == [(key(ANA, "2026-11-24"), DeliveryStatus.FAILED, "window_passed")]
    assert dm_posts(fake_slack) == []


def test_running_the_same_tick_twice_sends_nothing_twice(
    slack, fake_slack, clock, runner, settings, engine, sleeps, timer, session
):
    for user in (ANA, BO, KEN):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()
    now = datetime(2026, 11, 24, 21, tzinfo=UTC)

    runner.run_due(now=now)
    # A restarted process with a new name, and the schedule put back as if the batch never committed.
    session.execute(update(Person).values(next_nudge_at=now))
    session.commit()
    make_runner(settings, engine, sleeps, timer, worker="restarted").run_due(now=now)

    assert sorted(dm_posts(fake_slack)) == sorted([ANA, BO, KEN])


@pytest.mark.skipif(
    not __import__("os").environ.get("LEARNFIT_TEST_DATABASE_URL"),
    reason="row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; SQLite serialises writers instead",
)
def test_two_schedulers_at_once_share_the_work_and_send_every_nudge_exactly_once(
    fake_slack, settings, database_url, engine, session
):
    users = [f"U0MANY{number:03d}" for number in range(24)]
    due = datetime(2026, 11, 24, 16, tzinfo=UTC)
    for user in users:
        fake_slack.add_user(user, user.lower(), tz="Europe/London")
        session.add(
            Person(team_id=TEAM_ID, user_id=user, tz="Europe/London", created_at=due, next_nudge_at=due)
        )
    session.commit()
    engines = [db.make_engine(database_url) for _ in range(2)]
    runners = [
        build_runner(
            settings,
            own_engine,
            sleep=lambda _seconds: None,
            pacer=Pacer(rates=None),
            worker=f"scheduler-{number}",
            batch_size=3,
        )
        for number, own_engine in enumerate(engines)
    ]
    errors: list[BaseException] = []
    gate = threading.Barrier(2)

    def run(runner):
        try:
            gate.wait()
            runner.run_due(now=due)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(runner,)) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for own_engine in engines:
        own_engine.dispose()

    assert not errors
    assert sorted(dm_posts(fake_slack)) == users  # every one once: no duplicates, no losses
    rows = session.scalars(select(Delivery)).all()
    assert len(rows) == len(users) and {row.status for row in rows} == {DeliveryStatus.SENT}
    by_worker = {runner.worker: sum(row.claimed_by == runner.worker for row in rows) for runner in runners}
    assert all(count > 0 for count in by_worker.values()), by_worker


# ---------------------------------------------------------------------- pacing


def test_sends_are_paced_per_workspace_and_per_channel(timer):
    pacer = Pacer(monotonic=timer.monotonic, sleep=timer.sleep, rates={"chat.postMessage": 4.0})

    for user in ("U1", "U2", "U3"):
        assert pacer.acquire("T1", "chat.postMessage", user)
    assert pacer.acquire("T2", "chat.postMessage", "U9")  # another workspace does not wait
    assert pacer.acquire("T1", "chat.postMessage", "U1")  # the same DM again: a second apart

    assert timer.waits == [0.25, 0.25, 0.5]
    pacer.hold("T1", 45)
    assert not pacer.acquire("T1", "chat.postMessage", "U4")  # too long to wait: handed back
    assert pacer.acquire("T2", "chat.postMessage", "U8")


def test_the_scheduler_paces_a_batch_of_nudges(slack, fake_slack, clock, runner, session, timer):
    for user in (ANA, BO, KEN):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()

    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))

    assert len(dm_posts(fake_slack)) == 3
    # users.info and chat.postMessage each at most 5 a second in a workspace: 0.2 s apart.
    assert timer.waits == pytest.approx([0.2, 0.2])


def test_sigterm_mid_batch_finishes_the_send_in_hand_and_hands_the_rest_back(
    slack, fake_slack, clock, settings, engine, sleeps, session
):
    for user in (ANA, BO, KEN):
        start_using(slack, clock, user, datetime(2026, 11, 23, 12, tzinfo=UTC))
    session.execute(update(Person).values(next_nudge_at=datetime(2026, 11, 24, 21, tzinfo=UTC)))
    session.commit()
    signalled = threading.Event()

    class SignalWhileWaiting(FakeTimer):
        """SIGTERM arrives while the tick waits its turn to send the second nudge."""

        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            signalled.set()

    runner = make_runner(settings, engine, sleeps, SignalWhileWaiting(), stopping=signalled)

    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))

    assert len(dm_posts(fake_slack)) == 2  # the first, and the one in hand when the signal came
    rows = ledger_rows(session)
    assert [status for _key, status, _error in rows].count(DeliveryStatus.SENT) == 2
    [handed_back] = [row for row in rows if row[1] is DeliveryStatus.CLAIMED]
    assert handed_back[2] == "scheduler stopped"
    assert session.scalars(select(Delivery.claimed_by).where(Delivery.key == handed_back[0])).one() is None

    # The next scheduler sends it at once: nothing waited out a lease, nothing was sent twice.
    make_runner(settings, engine, sleeps, FakeTimer(), worker="scheduler-2").run_due(
        now=datetime(2026, 11, 24, 21, 1, tzinfo=UTC)
    )
    assert sorted(dm_posts(fake_slack)) == sorted([ANA, BO, KEN])


# ---------------------------------------------------------------------- peer help follow-ups


def ask_a_question_nobody_answers(slack, clock, session) -> int:
    """Ana asks on Monday 09:30; by Thursday it has had no replies for well over a working day."""
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 9, tzinfo=UTC))
    asked = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    ana_id = session.scalar(select(Person.id).where(Person.user_id == ANA))
    session.execute(update(Person).values(next_nudge_at=None))
    question = HelpQuestion(
        team_id=TEAM_ID,
        asker_id=ana_id,
        text="How do I read a query plan?",
        status=QuestionStatus.OPEN,
        channel_id="C0HELP",
        message_ts="1795000000.000100",
        created_at=asked,
        updated_at=asked,
        posted_at=asked,
    )
    session.add(question)
    session.commit()
    return question.id


FOLLOW_UP_DUE = datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_an_unanswered_question_gets_one_follow_up_through_the_ledger(
    slack, fake_slack, clock, runner, session
):
    question_id = ask_a_question_nobody_answers(slack, clock, session)

    runner.run_due(now=FOLLOW_UP_DUE)
    runner.run_due(now=FOLLOW_UP_DUE + timedelta(minutes=1))

    [row] = session.scalars(select(Delivery)).all()
    assert (row.kind, row.status, row.help_question_id) == (
        DeliveryKind.FOLLOW_UP,
        DeliveryStatus.SENT,
        question_id,
    )
    assert dm_posts(fake_slack) == [ANA]
    assert row.message_ts == fake_slack.messages(row.channel_id)[0]["ts"]
    assert session.get(HelpQuestion, question_id).followed_up_at == FOLLOW_UP_DUE


def test_a_follow_up_slack_says_wait_for_is_handed_back_and_sent_once_later(
    slack, fake_slack, clock, runner, session, timer
):
    ask_a_question_nobody_answers(slack, clock, session)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=120)

    runner.run_due(now=FOLLOW_UP_DUE)

    assert dm_posts(fake_slack) == []
    assert ledger_rows(session, DeliveryKind.FOLLOW_UP)[0][1:] == (DeliveryStatus.CLAIMED, "ratelimited")
    timer.now += 120  # Retry-After has passed
    runner.run_due(now=FOLLOW_UP_DUE + timedelta(minutes=1))
    runner.run_due(now=FOLLOW_UP_DUE + timedelta(minutes=2))

    assert dm_posts(fake_slack) == [ANA]
    assert ledger_rows(session, DeliveryKind.FOLLOW_UP)[0][1:] == (DeliveryStatus.SENT, None)


def test_a_follow_up_to_an_asker_who_left_slack_fails_and_they_get_nothing_more(
    slack, fake_slack, clock, runner, session
):
    ask_a_question_nobody_answers(slack, clock, session)
    fake_slack.fail_next("chat.postMessage", error="user_not_found")

    runner.run_due(now=FOLLOW_UP_DUE)

    assert ledger_rows(session, DeliveryKind.FOLLOW_UP)[0][1:] == (DeliveryStatus.FAILED, "user_not_found")
    assert session.scalar(select(Person.deactivated_at).where(Person.user_id == ANA)) == FOLLOW_UP_DUE


def test_a_follow_up_for_a_question_closed_since_it_was_claimed_is_skipped(
    slack, fake_slack, clock, runner, engine, session
):
    question_id = ask_a_question_nobody_answers(slack, clock, session)
    # A scheduler claimed the follow-up, then died; Ana closed the question before its lease ran out.
    with db.make_sessionmaker(engine)() as crashed, crashed.begin():
        question = crashed.get(HelpQuestion, question_id)
        planned = ledger.PlannedSend(
            key=follow_up_key(question),
            kind=DeliveryKind.FOLLOW_UP,
            team_id=TEAM_ID,
            enterprise_id=None,
            person_id=question.asker_id,
            help_question_id=question.id,
            window_ends_at=FOLLOW_UP_DUE + timedelta(days=2),
        )
        assert ledger.claim(crashed, planned, worker="crashed", now=FOLLOW_UP_DUE)
        question.followed_up_at = FOLLOW_UP_DUE
        question.status = QuestionStatus.WITHDRAWN

    report = runner.run_due(now=FOLLOW_UP_DUE + timedelta(minutes=6))

    assert report.recovered == 1 and dm_posts(fake_slack) == []
    assert ledger_rows(session, DeliveryKind.FOLLOW_UP)[0][1:] == (DeliveryStatus.SKIPPED, "question_closed")


# ---------------------------------------------------------------------- a kind no object can send


def test_a_claim_of_a_kind_the_enum_lacks_is_logged_and_settled_as_failed_never_sent(
    fake_slack, runner, session, caplog
):
    due = datetime(2026, 11, 24, 16, tzinfo=UTC)
    # Written by a newer version that knows a kind this one does not, which then died holding it.
    session.execute(
        insert(Delivery).values(
            key="streak:T0LEARN:U0ANA:2026-W48",
            kind="streak",
            status=DeliveryStatus.CLAIMED,
            team_id=TEAM_ID,
            claimed_by="newer-version",
            claimed_at=due,
            window_ends_at=due + timedelta(hours=3),
            attempts=0,
        )
    )
    session.commit()

    runner.run_due(now=due + timedelta(minutes=2))  # its lease still holds: not ours to judge
    assert session.scalar(select(Delivery.status)) is DeliveryStatus.CLAIMED
    with caplog.at_level(logging.ERROR, logger="scheduler"):
        report = runner.run_due(now=due + timedelta(minutes=6))

    session.expire_all()
    assert session.execute(select(Delivery.status, Delivery.error)).one() == (
        DeliveryStatus.FAILED,
        "unknown_kind",
    )
    assert report.outcomes == {"streak_failed": 1}
    assert [record.levelno for record in caplog.records if "streak:T0LEARN" in record.getMessage()] == [
        logging.ERROR
    ]
    assert fake_slack.calls == []


def test_a_claim_of_a_kind_the_registry_lacks_is_settled_as_failed_not_sent_as_anything_else(
    slack, fake_slack, clock, settings, engine, session, sleeps, timer
):
    start_using(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC))
    due = datetime(2026, 11, 24, 16, tzinfo=UTC)
    with db.make_sessionmaker(engine)() as crashed, crashed.begin():
        ana_id = crashed.scalar(select(Person.id).where(Person.user_id == ANA))
        claim_anas_nudge(crashed, ana_id, due, worker="crashed")
    runner = Runner(
        db.make_sessionmaker(engine),
        WorkspaceClients(settings, engine, sleep=sleeps.append),
        pacer=Pacer(monotonic=timer.monotonic, sleep=timer.sleep),
        kinds={kind: sender for kind, sender in KINDS.items() if kind is not DeliveryKind.NUDGE},
    )

    report = runner.run_due(now=due + timedelta(minutes=6))

    assert ledger_rows(session) == [(key(ANA, "2026-11-24"), DeliveryStatus.FAILED, "unknown_kind")]
    assert report.outcomes == {"nudge_failed": 1} and report.recovered == 0
    assert fake_slack.calls_to("chat.postMessage") == []

"""The team feed on App Home and in `/team feed`, its "Nice one" kudos, and the author's daily summary of
them: teammates see each other's shared learning, private entries and outsiders never, a double click
counts once, and the author hears of kudos once a day at a daytime hour, through the scheduler's ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bot.services.feed import load_feed
from bot.views.feed import FEED_MORE, GIVE_KUDOS, FeedPage, KudosValue
from models import Delivery, DeliveryKind, DeliveryStatus, Kudos, LearningEntry, Person
from tests.conftest import ANA, BO, KEN
from tests.helpers import last_response, text_of
from tests.support.payloads import TEST_TEAM, button
from tests.test_requests_from_slack import OTHER_TEAM
from tests.test_scheduler import FakeTimer, make_runner
from tests.test_teams import ADMIN

HOSTILE = (
    "<!channel> ping <@U0KEN> & <https://evil.example|click me> café ﬁ *bold* "
    "99999999999999999999 🧪 `code` <#C0HELP>"
)


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True, real_name="Ada Admin")


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def platform_with(slack, *users: str) -> None:
    """Ada (an admin) creates Platform and adds these people to it."""
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", "add " + " ".join(f"<@{user}|x>" for user in users), user=ADMIN)


def entry_id(session: Session, what: str) -> int:
    session.expire_all()
    found = session.scalar(select(LearningEntry.id).where(LearningEntry.what == what))
    assert found is not None, what
    return found


def give_kudos(slack, session, what: str, *, user: str, team=TEST_TEAM) -> None:
    """`user` clicks "Nice one" on the entry with these words, in a `/team feed` reply."""
    value = KudosValue(offset=0, entry_id=entry_id(session, what)).dump()
    assert slack.click(GIVE_KUDOS, user=user, value=value, team=team).status == 200


def kudos_between(session) -> list[tuple[str, str]]:
    """(giver's user id, entry's words) of every stored kudos, sorted."""
    session.expire_all()
    rows = session.execute(
        select(Person.user_id, LearningEntry.what)
        .join(Kudos, Kudos.giver_id == Person.id)
        .join(LearningEntry, LearningEntry.id == Kudos.entry_id)
    )
    return sorted((user, what) for user, what in rows)


def open_home(slack, user: str) -> dict:
    assert slack.event(TEST_TEAM.app_home_opened(user)).status == 200
    return slack.fake.home_view(user)


def feed_of(slack, user: str, text: str = "feed") -> dict:
    """What `/team feed` answers, in its ack."""
    reply = slack.command("/team", text, user=user)
    assert reply.status == 200 and reply.body, "answered in the ack"
    assert reply.json.get("response_type", "ephemeral") == "ephemeral"
    return reply.json


def summaries_to(fake_slack, user: str) -> list[str]:
    return [
        text_of(call.args)
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == user and "found your note" in text_of(call.args)
    ]


# ---------------------------------------------------------------------- who sees what


def test_two_teammates_see_each_others_shared_learning_on_home_and_in_team_feed(slack, fake_slack, clock):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m #terraform #aws Terraform state locking https://example.com/tf", user=ANA)
    clock.advance(timedelta(hours=1))
    slack.command("/learn", "45m #postgres Read a query plan with Ana", user=BO)

    anas_home = text_of(open_home(slack, ANA))
    bos_feed = text_of(feed_of(slack, BO))

    # Ana sees Bo's, not her own; Bo sees Ana's, not his own.
    assert "Your teams are learning" in anas_home
    assert f"<@{BO}> · Read a query plan with Ana · `#postgres`" in anas_home
    assert "Terraform state locking" not in anas_home.split("Your teams are learning")[1]
    assert f"<@{ANA}> · Terraform state locking · `#aws` `#terraform`" in bos_feed
    assert "<https://example.com/tf|link>" in bos_feed
    assert "Read a query plan" not in bos_feed
    # When, in the viewer's own time: 10:00 UTC is 05:00 in New York for Bo; 11:00 UTC is 11:00 in London.
    assert "Tue 24 Nov 05:00" in bos_feed
    assert "Tue 24 Nov 11:00" in anas_home
    # Nothing in the feed counts minutes.
    assert "30 min" not in bos_feed and "45 min" not in anas_home.split("Your teams are learning")[1]


def test_a_private_entry_never_appears_in_the_feed_nor_takes_kudos(slack, fake_slack, session):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "20m vis:private #interview Interview prep for a new job", user=ANA)
    slack.command("/learn", "20m #sql Shared note on indexes", user=ANA)

    home, feed = text_of(open_home(slack, BO)), text_of(feed_of(slack, BO))
    give_kudos(slack, session, "Interview prep for a new job", user=BO)  # a forged value: its id

    for shown in (home, feed):
        assert "Shared note on indexes" in shown
        assert "Interview prep" not in shown and "#interview" not in shown
    assert kudos_between(session) == []
    assert "isn't in your team feed" in text_of(last_response(fake_slack))
    session.expire_all()
    assert session.scalar(select(Person.next_kudos_at).where(Person.user_id == ANA)) is None


def test_someone_in_no_team_with_the_author_sees_nothing_of_theirs_and_cannot_give_kudos(
    slack, fake_slack, session
):
    platform_with(slack, ANA, BO)
    slack.command("/team", "create Mobile", user=ADMIN)
    slack.command("/team", f"add Mobile <@{KEN}|ken>", user=ADMIN)
    slack.command("/learn", "30m #sql Shared with Platform only", user=ANA)

    kens_home = text_of(open_home(slack, KEN))
    kens_feed = text_of(feed_of(slack, KEN))
    give_kudos(slack, session, "Shared with Platform only", user=KEN)
    give_kudos(slack, session, "Shared with Platform only", user=ANA)  # her own
    give_kudos(slack, session, "Shared with Platform only", user=BO, team=OTHER_TEAM)  # another workspace

    assert "Shared with Platform only" not in kens_home and "Shared with Platform only" not in kens_feed
    assert "Nothing shared by your teammates" in kens_feed
    assert kudos_between(session) == []
    # Someone in no team has no feed on Home at all.
    assert "Your teams are learning" in kens_home
    assert "Your teams are learning" not in text_of(open_home(slack, "U0NOBODY"))


def test_team_feed_names_one_team_and_refuses_a_team_one_is_not_in(slack, fake_slack):
    platform_with(slack, ANA, BO)
    slack.command("/team", "create Mobile", user=ADMIN)
    slack.command("/team", f"add Mobile <@{KEN}|ken> <@{ANA}|ana>", user=ADMIN)
    slack.command("/learn", "30m From Bo on Platform", user=BO)
    slack.command("/learn", "30m From Ken on Mobile", user=KEN)

    both = text_of(feed_of(slack, ANA))
    mobile = text_of(feed_of(slack, ANA, "feed mobile"))
    refused = text_of(feed_of(slack, BO, "feed Mobile"))

    assert "From Bo on Platform" in both and "From Ken on Mobile" in both
    assert "From Ken on Mobile" in mobile and "From Bo on Platform" not in mobile
    assert "You aren't in a team called *Mobile*" in refused
    assert "aren't in a learning team yet" in text_of(feed_of(slack, "U0NOBODY"))


def test_hostile_entry_text_in_the_feed_is_escaped(slack, fake_slack):
    platform_with(slack, ANA, BO)
    slack.command("/learn", f"20m #sec {HOSTILE}", user=ANA)

    for payload in (open_home(slack, BO), feed_of(slack, BO)):
        shown = text_of(payload)
        assert "&lt;!channel&gt; ping &lt;@U0KEN&gt; &amp; https://evil.example café ﬁ *bold*" in shown
        assert "&lt;#C0HELP&gt;" in shown
        assert "<!channel>" not in shown and "<@U0KEN>" not in shown and "<#C0HELP>" not in shown


# ---------------------------------------------------------------------- paging


def test_five_at_a_time_with_more_and_newest_on_home_and_in_team_feed(slack, fake_slack, clock):
    platform_with(slack, ANA, BO)
    for number in range(1, 13):
        clock.advance(timedelta(minutes=5))
        slack.command("/learn", f"10m Note number {number:02d}", user=ANA)

    home = open_home(slack, BO)
    first = text_of(home)
    assert [f"Note number {n:02d}" in first for n in (12, 8, 7)] == [True, True, False]

    more = FeedPage(offset=5).dump()
    slack.interact(TEST_TEAM.block_actions(button(FEED_MORE, more), user_id=BO, view=home))
    second = text_of(fake_slack.home_view(BO))
    assert "Note number 07" in second and "Note number 03" in second
    assert "Note number 08" not in second and "Note number 02" not in second
    assert "Newest" in second and "More" in second

    # The same in a `/team feed` reply: the click replaces it with the next page.
    feed_of(slack, BO)
    slack.click(FEED_MORE, user=BO, value=FeedPage(offset=10).dump())
    reply = last_response(fake_slack)
    assert reply["replace_original"] is True
    assert "Note number 02" in text_of(reply) and "Note number 03" not in text_of(reply)


def test_building_a_page_takes_the_same_few_statements_however_many_entries(slack, engine, deps, clock):
    platform_with(slack, ANA, BO, KEN)
    slack.command("/learn", "10m #a One", user=ANA)

    def statements() -> int:
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731 - the statement's text
        event.listen(engine, "before_cursor_execute", listen)
        try:
            with deps.sessions() as session:
                bo = session.scalar(select(Person).where(Person.user_id == BO))
                feed = load_feed(session, bo, now=clock.now)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert feed.items
        queries = [statement for statement in seen if statement.lstrip().upper().startswith("SELECT")]
        return len(queries) - 1  # reading Bo's row is the test's

    few = statements()
    for number in range(30):
        who = ANA if number % 2 else KEN
        slack.command("/learn", f"10m #s{number} #t{number} Entry {number}", user=who)
    assert statements() == few <= 4


# ---------------------------------------------------------------------- kudos


def test_a_double_click_stores_one_kudos(slack, fake_slack, session):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m #terraform Terraform state locking", user=ANA)

    give_kudos(slack, session, "Terraform state locking", user=BO)
    give_kudos(slack, session, "Terraform state locking", user=BO)

    assert kudos_between(session) == [(BO, "Terraform state locking")]
    assert "✓ Nice one sent" in text_of(last_response(fake_slack))


def test_kudos_from_home_redraw_home_with_the_button_marked(slack, fake_slack, session):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m Pairing on the deploy script", user=ANA)
    home = open_home(slack, BO)
    value = KudosValue(offset=0, entry_id=entry_id(session, "Pairing on the deploy script")).dump()

    slack.interact(TEST_TEAM.block_actions(button(GIVE_KUDOS, value), user_id=BO, view=home))

    assert "✓ Nice one sent" in text_of(fake_slack.home_view(BO))
    assert kudos_between(session) == [(BO, "Pairing on the deploy script")]


def test_kudos_reach_the_author_once_in_a_days_summary_at_a_daytime_hour(
    slack, fake_slack, session, clock, runner
):
    platform_with(slack, ANA, BO, KEN)
    slack.command("/learn", "30m #terraform Terraform state locking", user=ANA)
    slack.command("/learn", "20m #go Reading the scheduler", user=ANA)
    give_kudos(slack, session, "Terraform state locking", user=BO)
    give_kudos(slack, session, "Terraform state locking", user=KEN)
    give_kudos(slack, session, "Terraform state locking", user=ADMIN)
    give_kudos(slack, session, "Reading the scheduler", user=BO)

    runner.run_due(now=datetime(2026, 11, 24, 15, 59, tzinfo=UTC))
    assert summaries_to(fake_slack, ANA) == []  # not before her nudge time, 16:00 in London
    runner.run_due(now=datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    runner.run_due(now=datetime(2026, 11, 24, 16, 1, tzinfo=UTC))  # a second tick sends nothing more

    [summary] = summaries_to(fake_slack, ANA)
    assert "*3 people* found your note on _Terraform state locking_ useful" in summary
    assert "*1 person* found your note on _Reading the scheduler_ useful" in summary
    for giver in (BO, KEN, ADMIN):
        assert giver not in summary  # givers are not named
    session.expire_all()
    [row] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.KUDOS)).all()
    assert (row.key, row.status) == ("kudos:T0LEARN:U0ANA:2026-11-24", DeliveryStatus.SENT)

    # A kudos later that day waits for the next day's summary, at the same daytime hour.
    clock.set(datetime(2026, 11, 24, 17, tzinfo=UTC))
    slack.command("/learn", "15m #k8s Probes", user=ANA)
    give_kudos(slack, session, "Probes", user=KEN)
    runner.run_due(now=datetime(2026, 11, 24, 21, tzinfo=UTC))
    assert len(summaries_to(fake_slack, ANA)) == 1
    runner.run_due(now=datetime(2026, 11, 25, 16, tzinfo=UTC))
    later = summaries_to(fake_slack, ANA)
    assert len(later) == 2 and "*1 person* found your note on _Probes_ useful" in later[1]
    assert "Terraform" not in later[1]


def test_a_snoozed_author_hears_after_the_snooze_and_a_missed_window_never_sends_at_night(
    slack, fake_slack, session, clock, runner
):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m #terraform Terraform state locking", user=ANA)
    slack.command("/fitness", "nudges snooze 2d", user=ANA)  # until Thursday 00:00 London
    give_kudos(slack, session, "Terraform state locking", user=BO)

    runner.run_due(now=datetime(2026, 11, 24, 16, tzinfo=UTC))
    assert summaries_to(fake_slack, ANA) == []
    # Wednesday the scheduler was down all afternoon; at 22:00 it is back, and keeps quiet.
    runner.run_due(now=datetime(2026, 11, 26, 22, tzinfo=UTC))
    assert summaries_to(fake_slack, ANA) == []
    runner.run_due(now=datetime(2026, 11, 27, 16, tzinfo=UTC))
    assert len(summaries_to(fake_slack, ANA)) == 1


def test_a_kudos_summary_waits_while_the_author_is_away(slack, fake_slack, session, runner):
    fake_slack.add_user(ANA, "ana", tz="Europe/London", status_text="On holiday", status_emoji=":palm_tree:")
    try:
        platform_with(slack, ANA, BO)
        slack.command("/learn", "30m Terraform state locking", user=ANA)
        give_kudos(slack, session, "Terraform state locking", user=BO)

        runner.run_due(now=datetime(2026, 11, 24, 16, tzinfo=UTC))
        assert summaries_to(fake_slack, ANA) == []
    finally:
        fake_slack.add_user(ANA, "ana", tz="Europe/London", real_name="Ana Lima")
    runner.run_due(now=datetime(2026, 11, 24, 16, 5, tzinfo=UTC))
    assert summaries_to(fake_slack, ANA) == []  # put off to the next day, not retried at once
    runner.run_due(now=datetime(2026, 11, 25, 16, tzinfo=UTC))
    assert len(summaries_to(fake_slack, ANA)) == 1


# ---------------------------------------------------------------------- joining a team


def test_someone_added_to_a_team_is_told_what_teammates_and_leads_see_and_how_to_leave(slack, fake_slack):
    platform_with(slack, ANA)

    [told] = [
        text_of(call.args) for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA
    ]
    assert f"<@{ADMIN}> added you to *Platform*, a learning team led by <@{ADMIN}>." in told
    assert "*What your teammates see:* entries you share with your team appear in its feed" in told
    assert "never minutes" in told
    assert "*What its leads see:* Its leads get a weekly digest" in told
    assert "Private entries are never shown by name, skill or text, not in the feed" in told
    assert "add `vis:private` to `/learn`" in told and "`/team leave Platform`" in told


def test_leaving_the_team_takes_ones_entries_out_of_its_feed(slack, fake_slack, session):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m Something Ana shared", user=ANA)
    assert "Something Ana shared" in text_of(feed_of(slack, BO))

    slack.command("/team", "leave", user=ANA)

    assert "Something Ana shared" not in text_of(feed_of(slack, BO))
    give_kudos(slack, session, "Something Ana shared", user=BO)
    assert session.scalar(select(func.count()).select_from(Kudos)) == 0


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "1",
        '{"e": 0, "o": 0}',
        '{"e": 99999999999999999999, "o": 0}',
        '{"e": "1", "o": 0}',
        '{"e": 1, "o": -5}',
        '{"e": 1, "o": 0, "u": "U0ANA"}',
        '{"e": 1, "o": 0}' + " " * 3000,
    ],
)
def test_a_kudos_value_the_app_did_not_write_stores_nothing(slack, fake_slack, session, forged):
    platform_with(slack, ANA, BO)
    slack.command("/learn", "30m Something Ana shared", user=ANA)

    assert slack.click(GIVE_KUDOS, user=BO, value=forged).status == 200
    assert slack.click(FEED_MORE, user=BO, value=forged).status == 200

    assert session.scalar(select(func.count()).select_from(Kudos)) == 0

"""Charts in Slack: `/fitness`, App Home and the lead's digest show a PNG beside the text, uploaded once as
a private file and reused; every image says its numbers in its alt_text; a picture never costs the message;
the team's chart holds aggregates only, and a person's weeks are their own timezone's."""

from __future__ import annotations

import dataclasses
import re
import struct
from datetime import UTC, date, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.charts import PERSONAL_SIZE, TEAM_SIZE, MixShare, PersonalChart, TeamChart, TeamWeek
from bot.flows.charts import team_draft
from bot.localslack import FakeSlack
from bot.localslack.blockkit import block_kit_problems
from bot.services.digests import PRIVATE_TOTALS_MIN_PEOPLE, build_digest, team_trend
from bot.services.home_visits import HOME_REDRAW_GAP
from bot.views.format import KIND_LABELS
from models import ChartImage, LearningTeam
from tests.conftest import ANA, BO, KEN
from tests.helpers import last_response, text_of
from tests.support.payloads import TEST_TEAM
from tests.test_digests import MONDAY_DIGEST, digests_sent, learn, make_team
from tests.test_scheduler import FakeTimer, make_runner
from tests.test_teams import ADMIN

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def png_dimensions(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, read here by hand (not with the app's own helper)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert (length, chunk) == (13, b"IHDR")
    return struct.unpack(">II", data[16:24])


def images(payload: dict) -> list[dict]:
    return [block for block in payload.get("blocks", []) if block.get("type") == "image"]


def uploads(fake_slack: FakeSlack) -> list[dict]:
    return fake_slack.uploads()


def charts(session) -> list[ChartImage]:
    session.expire_all()
    return list(session.scalars(select(ChartImage).order_by(ChartImage.id)))


def fitness(slack, fake_slack, user: str = ANA) -> dict:
    slack.command("/fitness", "", user=user)
    return last_response(fake_slack)


# ---------------------------------------------------------------------- /fitness


def test_fitness_card_carries_a_private_png_of_the_rings_and_weeks_with_its_numbers_in_words(
    slack, fake_slack, clock, session
):
    for day, text in [(16, "30m Indexes"), (17, "25m Plans"), (18, "20m kind:people Pairing")]:
        learn(slack, clock, ANA, datetime(2026, 11, day, 12, tzinfo=UTC), text)
    learn(slack, clock, ANA, datetime(2026, 11, 23, 12, tzinfo=UTC), "45m kind:formal Course chapter")

    reply = fitness(slack, fake_slack)

    [upload] = uploads(fake_slack)
    assert png_dimensions(upload["content"]) == (PERSONAL_SIZE.width, PERSONAL_SIZE.height)
    assert upload["completed"] and upload["channel_id"] is None  # private: shared into no channel
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert not complete.args.get("channel_id") and not complete.args.get("channels")
    [image] = images(reply)
    assert image["slack_file"] == {"id": upload["id"]}
    assert block_kit_problems(reply, "message") == []
    assert reply["blocks"].index(image) == 0  # its own block, above the card's text
    alt = image["alt_text"]
    assert "Consistency 1 of 3 days" in alt and "Time 45m of 1h" in alt and "Mix 3 of 3 sources" in alt
    assert "16 Nov: 1h 15m, 3 days, met" in alt and "23 Nov (this week): 45m, 1 day" in alt
    assert "Targets met in 1 of 8 weeks" in alt
    # The text is all still there beside it.
    assert "1 of 3 days" in text_of(reply)  # the text stays beside the picture
    [row] = charts(session)
    assert (row.file_id, row.day, row.learning_team_id) == (upload["id"], date(2026, 11, 23), None)


def test_a_second_view_of_the_same_numbers_uploads_nothing_and_new_numbers_draw_anew(
    slack, fake_slack, clock, session
):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")

    first = images(fitness(slack, fake_slack))
    second = images(fitness(slack, fake_slack))

    assert first == second and len(uploads(fake_slack)) == 1
    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 1

    learn(slack, clock, ANA, datetime(2026, 11, 24, 10, tzinfo=UTC), "15m More reading")
    [third] = images(fitness(slack, fake_slack))
    assert len(uploads(fake_slack)) == 2 and third["slack_file"]["id"] == uploads(fake_slack)[1]["id"]
    assert "45m" in third["alt_text"]
    # The next day, the old day's image is forgotten.
    clock.set(datetime(2026, 11, 25, 9, tzinfo=UTC))
    fitness(slack, fake_slack)
    assert [row.day for row in charts(session)] == [date(2026, 11, 25)]


@pytest.mark.parametrize(
    "method, failure",
    [
        ("files.getUploadURLExternal", {"error": "not_allowed_token_type"}),
        ("file_upload", {"status": 500}),  # the upload URL itself refuses the bytes
        ("files.completeUploadExternal", {"error": "file_not_found"}),
        ("files.getUploadURLExternal", {"status": 429, "retry_after": 30}),
    ],
)
def test_a_failed_upload_still_delivers_the_card_as_text(slack, fake_slack, clock, session, method, failure):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    fake_slack.fail_next(method, **failure, times=3)  # the client's own retry of a 429 fails too

    reply = fitness(slack, fake_slack)

    assert images(reply) == []
    assert reply["text"] == "Learning fitness: 1/3 days, 30m of 1h this week"
    assert "*Consistency*" in text_of(reply)
    assert charts(session) == []  # nothing cached: the next view tries again
    fake_slack.reset()
    assert len(images(fitness(slack, fake_slack))) == 1


def test_when_slack_refuses_the_picture_the_card_is_sent_again_without_it(slack, fake_slack, clock):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    fake_slack.reset()
    fake_slack.fail_next("response_url", error="invalid_blocks", status=400)

    slack.command("/fitness", "", user=ANA)

    with_picture, text_only = [call.args for call in fake_slack.calls_to("response_url")]
    assert len(images(with_picture)) == 1 and images(text_only) == []
    assert text_only["text"] == with_picture["text"]


def test_weeks_are_the_persons_own_a_week_boundary_in_tokyo_is_not_yet_one_in_utc(
    slack, fake_slack, clock, session
):
    learn(slack, clock, KEN, datetime(2026, 11, 25, 3, tzinfo=UTC), "30m Reading")
    learn(slack, clock, ANA, datetime(2026, 11, 25, 12, tzinfo=UTC), "30m Reading")
    # Sunday 23:30 in London (UTC in November) is already Monday 08:30 in Tokyo.
    clock.set(datetime(2026, 11, 29, 23, 30, tzinfo=UTC))

    [ken] = images(fitness(slack, fake_slack, user=KEN))
    [ana] = images(fitness(slack, fake_slack, user=ANA))

    assert "30 Nov (this week): 0m, 0 days" in ken["alt_text"]
    assert "23 Nov: 30m, 1 day" in ken["alt_text"]
    assert "23 Nov (this week): 30m, 1 day" in ana["alt_text"] and "30 Nov" not in ana["alt_text"]
    assert "Consistency 0 of 3 days" in ken["alt_text"] and "Consistency 1 of 3 days" in ana["alt_text"]
    assert sorted(row.day for row in charts(session)) == [date(2026, 11, 29), date(2026, 11, 30)]


# ---------------------------------------------------------------------- App Home


def test_home_is_published_once_with_its_chart_and_a_second_visit_reuses_it(slack, fake_slack, clock):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    fake_slack.reset()

    slack.event(TEST_TEAM.app_home_opened(ANA))

    [with_chart] = [call.args["view"] for call in fake_slack.calls_to("views.publish")]
    [upload] = uploads(fake_slack)
    assert images(with_chart)[0]["slack_file"]["id"] == upload["id"]
    assert "Time 30m of 1h" in images(with_chart)[0]["alt_text"]
    assert block_kit_problems(with_chart, "home") == []

    clock.advance(HOME_REDRAW_GAP)
    slack.event(TEST_TEAM.app_home_opened(ANA))

    [again] = [call.args["view"] for call in fake_slack.calls_to("views.publish")][1:]
    assert images(again) == images(with_chart)
    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 1


def test_a_cached_image_slack_no_longer_has_is_forgotten_and_drawn_again(slack, fake_slack, clock, session):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    slack.event(TEST_TEAM.app_home_opened(ANA))
    [old] = charts(session)
    old_file_id = old.file_id
    fake_slack.reset()
    fake_slack.delete_files()  # deleted in Slack: the cached id now points at nothing

    clock.advance(HOME_REDRAW_GAP)
    slack.event(TEST_TEAM.app_home_opened(ANA))

    refused, text_only = [call.args["view"] for call in fake_slack.calls_to("views.publish")]
    assert images(refused)[0]["slack_file"]["id"] == old_file_id
    assert images(text_only) == [] and "Your learning fitness" in text_of(text_only)
    assert charts(session) == []  # forgotten: the next visit draws it anew

    clock.advance(HOME_REDRAW_GAP)
    slack.event(TEST_TEAM.app_home_opened(ANA))

    [redrawn] = [call.args["view"] for call in fake_slack.calls_to("views.publish")][2:]
    [upload] = uploads(fake_slack)
    assert images(redrawn)[0]["slack_file"]["id"] == upload["id"] != old_file_id
    assert [row.file_id for row in charts(session)] == [upload["id"]]
    assert fake_slack.home_view(ANA)["blocks"] == redrawn["blocks"]
    assert [violation.method for violation in fake_slack.violations] == ["views.publish"]
    fake_slack.reset()  # the one refusal was the point of this test


def test_home_redrawn_after_a_change_uses_only_a_chart_already_drawn(slack, fake_slack, clock):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    fitness(slack, fake_slack)  # draws today's chart for these numbers
    slack.open_home(ANA)  # Ana looks at Home, so a change redraws it
    clock.advance(HOME_REDRAW_GAP)
    fake_slack.reset()

    slack.command("/fitness", "target 3 days 60m", user=ANA)  # unchanged targets: the same numbers

    [home] = [call.args["view"] for call in fake_slack.calls_to("views.publish")]
    assert len(images(home)) == 1 and fake_slack.calls_to("files.getUploadURLExternal") == []

    fake_slack.reset()
    clock.advance(HOME_REDRAW_GAP)
    slack.command("/learn", "15m More", user=ANA)  # new numbers

    [home] = [call.args["view"] for call in fake_slack.calls_to("views.publish")]
    assert images(home) == [] and fake_slack.calls_to("files.getUploadURLExternal") == []


def test_home_stays_text_when_the_upload_fails(slack, fake_slack, clock):
    learn(slack, clock, ANA, datetime(2026, 11, 24, 9, tzinfo=UTC), "30m Reading")
    fake_slack.reset()
    fake_slack.fail_next("files.completeUploadExternal", error="internal_error")

    slack.event(TEST_TEAM.app_home_opened(ANA))

    [home] = [call.args["view"] for call in fake_slack.calls_to("views.publish")]
    assert images(home) == [] and "Your learning fitness" in text_of(home)


# ---------------------------------------------------------------------- the lead's digest


def team_of_three(slack, clock):
    make_team(slack, clock, ANA, BO, KEN)
    learn(slack, clock, ANA, datetime(2026, 11, 10, 12, tzinfo=UTC), "20m #sql Early reading")
    learn(slack, clock, ANA, datetime(2026, 11, 17, 12, tzinfo=UTC), "30m #sql Indexes")
    learn(slack, clock, ANA, datetime(2026, 11, 24, 12, tzinfo=UTC), "45m #sql Query plans")
    learn(slack, clock, BO, datetime(2026, 11, 26, 15, tzinfo=UTC), "1h kind:formal #k8s Course, part 2")
    learn(slack, clock, BO, datetime(2026, 11, 27, 15, tzinfo=UTC), "15m vis:private #secret Interview prep")
    learn(
        slack, clock, KEN, datetime(2026, 11, 28, 3, tzinfo=UTC), "30m vis:private kind:people #hidden Group"
    )


def test_the_digest_carries_one_chart_of_twelve_weeks_and_the_mix_naming_no_one(
    slack, fake_slack, clock, runner, session
):
    team_of_three(slack, clock)
    fake_slack.reset()

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = digests_sent(fake_slack)
    [image] = images(digest)
    [upload] = uploads(fake_slack)
    assert image["slack_file"] == {"id": upload["id"]} and upload["channel_id"] is None
    assert png_dimensions(upload["content"]) == (TEAM_SIZE.width, TEAM_SIZE.height)
    assert digest["blocks"].index(image) == 1
    alt = image["alt_text"]
    # Three people learned this week, so private entries count (as in the digest's own totals).
    assert "23 Nov (this week): 2h 30m, 3 people learning" in alt
    assert "16 Nov: 30m, 1 person learning" in alt and "9 Nov: 20m, 1 person learning" in alt
    assert alt.count("Sep") + alt.count("Oct") + alt.count("Nov") == 12
    assert "This week's mix: On the job 40%, From people 20%, Formal 40% (the aim is 70%, 20%, 10%)" in alt
    assert "*3 of 4 people* learned, *2h 30m*" in text_of(digest)
    for never in ("Ana", "Bo", "Ken", ANA, BO, KEN, ADMIN, "Platform", "sql", "secret", "Interview", "Group"):
        assert never not in alt
    [row] = charts(session)
    assert (row.subject, row.day, row.person_id) == (f"team:{row.learning_team_id}", date(2026, 11, 30), None)


def test_every_recipient_shares_one_upload(slack, fake_slack, clock, runner):
    team_of_three(slack, clock)
    slack.command("/team", f"lead <@{BO}|bo>", user=ADMIN)
    fake_slack.reset()

    runner.run_due(now=MONDAY_DIGEST)

    sent = digests_sent(fake_slack)
    assert len(sent) == 2 and len(uploads(fake_slack)) == 1
    assert images(sent[0]) == images(sent[1])


def test_only_aggregates_reach_the_team_renderer(slack, clock, session):
    team_of_three(slack, clock)
    team = session.scalars(select(LearningTeam)).one()
    end_day = date(2026, 11, 30)

    digest = build_digest(session, team, end_day=end_day, tz="Europe/London")
    draft = team_draft(team, digest, team_trend(session, team, end_day=end_day), day=end_day)

    chart = draft.render.args[0]  # what the renderer is handed
    assert isinstance(chart, TeamChart)
    week_label = re.compile(r"\d{1,2} [A-Z][a-z]{2}")
    for week in chart.weeks:
        assert [field.name for field in dataclasses.fields(TeamWeek)] == ["label", "minutes", "people"]
        assert (
            week_label.fullmatch(week.label)
            and isinstance(week.minutes, int)
            and isinstance(week.people, int)
        )
    assert [share.name for share in chart.mix] == list(KIND_LABELS.values())
    assert all(isinstance(share, MixShare) for share in chart.mix)
    assert len(chart.weeks) == 12 and chart.weeks[-1].minutes == digest.minutes == 150


def test_a_week_too_few_people_learned_in_counts_shared_entries_only(slack, clock, session):
    make_team(slack, clock, ANA, BO)
    learn(slack, clock, ANA, datetime(2026, 11, 24, 12, tzinfo=UTC), "45m Shared")
    learn(slack, clock, BO, datetime(2026, 11, 25, 12, tzinfo=UTC), "20m vis:private Secret")
    team = session.scalars(select(LearningTeam)).one()

    trend = team_trend(session, team, end_day=date(2026, 11, 30))
    digest = build_digest(session, team, end_day=date(2026, 11, 30), tz="Europe/London")

    assert PRIVATE_TOTALS_MIN_PEOPLE > 2
    assert (trend[-1].minutes, trend[-1].people, trend[-1].private_counted) == (45, 1, False)
    assert (digest.minutes, digest.active) == (45, 1)


def test_a_quiet_week_has_no_chart(slack, fake_slack, clock, runner):
    make_team(slack, clock, ANA)
    fake_slack.reset()

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = digests_sent(fake_slack)
    assert images(digest) == [] and uploads(fake_slack) == []


def test_a_digest_whose_upload_fails_goes_as_text(slack, fake_slack, clock, runner):
    team_of_three(slack, clock)
    fake_slack.reset()
    fake_slack.fail_next("files.getUploadURLExternal", error="ratelimited", status=429, times=3)

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = digests_sent(fake_slack)
    assert images(digest) == [] and "*3 of 4 people* learned" in text_of(digest)


def test_a_digest_whose_picture_slack_refuses_goes_as_text(slack, fake_slack, clock, runner):
    team_of_three(slack, clock)
    fake_slack.reset()
    fake_slack.fail_next("chat.postMessage", error="invalid_blocks")

    runner.run_due(now=MONDAY_DIGEST)

    refused, sent = digests_sent(fake_slack)
    assert len(images(refused)) == 1 and images(sent) == []
    assert "*3 of 4 people* learned" in text_of(sent)
    [delivered] = [message for message in fake_slack.messages() if message["text"] == sent["text"]]
    assert images(delivered) == []


# ---------------------------------------------------------------------- the fake's Block Kit checks


def test_image_blocks_need_exactly_one_source():
    def problems(image: dict) -> list[str]:
        return block_kit_problems(
            {"text": "x", "blocks": [{"type": "image", "alt_text": "a", **image}]}, "message"
        )

    assert problems({"slack_file": {"id": "F1"}}) == []
    assert problems({"image_url": "https://example.com/a.png"}) == []
    assert problems({}) and problems({"image_url": "https://example.com/a.png", "slack_file": {"id": "F1"}})
    assert problems({"slack_file": {}}) and problems({"slack_file": {"id": "F1", "url": "https://x"}})


def test_the_fake_refuses_an_image_of_a_file_never_uploaded():
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        image = {"type": "image", "slack_file": {"id": "F0NOPE"}, "alt_text": "a chart"}
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C0GENERAL", text="x", blocks=[image])
        assert refused.value.response["error"] == "invalid_blocks"

        fake.add_channel("C0GENERAL", "general")
        uploaded = client.files_upload_v2(content=b"png", filename="a.png")
        image["slack_file"] = {"id": uploaded["files"][0]["id"]}
        assert client.chat_postMessage(channel="C0GENERAL", text="x", blocks=[image])["ok"]


def test_personal_chart_renders_any_week_count_and_empty_history():
    from bot.charts import RingValue, WeekBar, render_personal_chart

    chart = PersonalChart(
        rings=(RingValue("Consistency", 0.0, False, "0 of 3 days"),) * 3,
        weeks=(WeekBar("1 Jan", 0, 0, False),),
        minutes_target=60,
    )
    assert png_dimensions(render_personal_chart(chart)) == (PERSONAL_SIZE.width, PERSONAL_SIZE.height)


def test_hostile_team_names_and_the_most_minutes_stay_out_of_the_picture_and_fit(
    slack, fake_slack, clock, runner
):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    odd_name = "Ops & *bold* _x_ \u202eevil \U0001f600 " + "ü" * 40
    slack.command("/team", f"create {odd_name}", user=ADMIN)
    slack.command("/team", f"add <@{ANA}|ana> <@{BO}|bo> <@{KEN}|ken>", user=ADMIN)
    for user in (ANA, BO, KEN):
        for day in range(23, 30):
            learn(slack, clock, user, datetime(2026, 11, day, 6, tzinfo=UTC), "16h kind:formal Marathon")
    fake_slack.reset()

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = digests_sent(fake_slack)
    [image] = images(digest)
    assert "23 Nov (this week): 336h, 3 people learning" in image["alt_text"]
    assert "Formal 100%" in image["alt_text"]
    for piece in ("Ops", "bold", "evil", "\u202e", "\U0001f600", "ü"):
        assert piece not in image["alt_text"]
    assert block_kit_problems(digest, "message") == []
    [upload] = uploads(fake_slack)
    assert png_dimensions(upload["content"]) == (TEAM_SIZE.width, TEAM_SIZE.height)

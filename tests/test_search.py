"""Find it again: `/learn search` over your own entries and teammates' shared ones, questions answered before
offered ahead of posting a new one, and experts found by the words of what they shared and answered.

Privacy first: another person's private entry is never found, and a question in a channel the asker cannot
see is never offered. The full-text index (SQLite FTS5, PostgreSQL tsvector) follows every edit, delete and
forget-me, checked through the app and on the index itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from bot.services.search import MAX_QUERY_LENGTH, SearchQuery, terms_of
from bot.views.fitness import FORGET_ME
from bot.views.learning import EDIT_ENTRY, UNDO_ENTRY
from bot.views.search import POST_ANYWAY
from models import HelpQuestion, LearningEntry, Person, QuestionStatus
from tests.conftest import ANA, BO, KEN
from tests.helpers import button_value, entries, last_opened_view, last_response, text_of
from tests.support.payloads import CHANNEL_ID, TEST_TEAM, learning_form

ADMIN = "U0ADMIN"
LIA = "U0LIA"
DEV = "U0DEV"
HELP = "C0HELP"
SECRET = "G0SECRET"  # a private channel only Bo is in
# Wednesday 02:00 UTC: Wednesday in London, still Tuesday evening in New York.
LATE = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _people(fake_slack) -> None:
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)
    fake_slack.add_user(LIA, "lia", tz="Europe/Berlin")
    fake_slack.add_user(DEV, "dev", tz="Europe/Berlin")
    fake_slack.add_channel(SECRET, "secret", is_private=True, members=[BO])


def team_of(slack, *people: str) -> None:
    """An admin makes a learning team of `people`."""
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", "add " + " ".join(f"<@{person}>" for person in people), user=ADMIN)


def log(slack, text: str, *, user: str) -> dict:
    """/learn in one line; its confirmation, which is the ack."""
    reply = slack.command("/learn", text, user=user)
    assert reply.status == 200
    return reply.json


def search(slack, words: str, *, user: str) -> dict:
    """`/learn search`: the answer comes in the ack, only for the searcher."""
    reply = slack.command("/learn", f"search {words}", user=user)
    assert reply.status == 200 and reply.json.get("response_type", "ephemeral") == "ephemeral"
    return reply.json


def found(slack, words: str, *, user: str) -> str:
    return text_of(search(slack, words, user=user))


def indexed_entry_ids(session: Session, word: str) -> set[int]:
    """What the full-text index itself finds for one word, whoever logged it (no app code involved)."""
    if session.get_bind().dialect.name == "sqlite":
        query = "SELECT rowid FROM learning_entries_fts WHERE learning_entries_fts MATCH :word"
        return set(session.scalars(text(query), {"word": f'"{word}"'}))
    query = (
        "SELECT id FROM learning_entries"
        " WHERE search_document @@ plainto_tsquery('english'::regconfig, :word)"
    )
    return set(session.scalars(text(query), {"word": word}))


def full_text_index_is_consistent(session: Session) -> bool:
    """SQLite checks that an FTS5 table says exactly what its content table holds; PostgreSQL's generated
    column cannot disagree with its row."""
    if session.get_bind().dialect.name == "sqlite":
        for table in ("learning_entries_fts", "help_questions_fts"):
            session.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
    return True


# ---------------------------------------------------------------------- search: who finds what


def test_search_finds_your_entries_and_teammates_shared_ones_best_first_never_someone_elses_private(
    slack, fake_slack, clock
):
    clock.set(LATE)
    team_of(slack, ANA, BO)
    log(slack, "30m state locking with DynamoDB #terraform", user=ANA)
    log(slack, "20m vis:private terraform state notes for my review", user=ANA)
    log(slack, "45m #terraform Moved our state to a new backend https://example.com/tf", user=BO)
    log(slack, "2h vis:private terraform state salary worries", user=BO)
    log(slack, "1h #terraform state drift at Ken's team", user=KEN)  # shared, but not Ana's teammate

    shown = found(slack, "terraform state", user=ANA)
    assert "state locking with DynamoDB" in shown and "notes for my review" in shown  # her own, private too
    assert "Moved our state to a new backend" in shown and "<@U0BO>" in shown
    assert "salary worries" not in shown and "Ken's team" not in shown
    assert "Moved our state to a new backend · `#terraform` · <https://example.com/tf|link>" in shown
    # Days are each person's own: Wednesday in London, still Tuesday in New York.
    assert "*You* · Wed 25 Nov" in shown and "*<@U0BO>* · Tue 24 Nov" in shown

    bo_sees = found(slack, "terraform state", user=BO)
    assert "salary worries" in bo_sees and "state locking with DynamoDB" in bo_sees
    assert "notes for my review" not in bo_sees and "Ken's team" not in bo_sees
    ken_sees = found(slack, "terraform state", user=KEN)
    assert "Ken's team" in ken_sees and "DynamoDB" not in ken_sees and "salary" not in ken_sees
    assert "Nothing found for “salary worries”" in found(slack, "salary worries", user=ANA)
    assert "Nothing found" in found(slack, "salary worries", user=LIA)  # never used Learnfit, in no team

    # Best match first: the entry with every word asked for comes before those with one.
    ranked = found(slack, "dynamodb locking state", user=BO)
    assert ranked.index("DynamoDB") < ranked.index("salary worries") < ranked.index("new backend")
    by_skill = found(slack, "#terraform", user=ANA)
    assert "DynamoDB" in by_skill and "new backend" in by_skill and "notes for my review" not in by_skill


def test_search_answers_in_the_ack_with_a_fixed_number_of_statements(slack, fake_slack, engine):
    team_of(slack, ANA, BO)
    for number in range(12):
        log(slack, f"{10 + number}m #kafka consumer groups part {number}", user=BO if number % 2 else ANA)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    responses_before = len(fake_slack.calls_to("response_url"))
    event.listen(engine, "before_cursor_execute", count)
    try:
        shown = found(slack, "kafka consumer", user=ANA)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert shown.count("consumer groups part") == 10  # the ten best, of twelve
    assert len(fake_slack.calls_to("response_url")) == responses_before  # nothing after the ack
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # the person, the search, the found entries' skills


# ---------------------------------------------------------------------- search: the index keeps in step


def test_edits_deletes_and_forget_me_keep_the_index_in_step(slack, fake_slack, session):
    team_of(slack, ANA, BO)
    logged = log(slack, "30m #sql Query plans with window functions", user=ANA)
    entry_id = button_value(logged, EDIT_ENTRY)
    assert "Query plans" in found(slack, "window functions", user=BO)

    # Edited: the old words are gone from the index, the new ones found.
    slack.click(EDIT_ENTRY, user=ANA, value=entry_id)
    slack.submit(
        last_opened_view(fake_slack),
        learning_form(what="Partition pruning in Postgres", visibility="team", skills="#sql"),
        user=ANA,
        view_id="V0EDIT",
    )
    assert "Nothing found" in found(slack, "window functions", user=BO)
    assert "Partition pruning" in found(slack, "pruning", user=BO)
    assert indexed_entry_ids(session, "window") == set() and indexed_entry_ids(session, "pruning") == {
        int(entry_id)
    }

    # Made private by an edit: teammates no longer find it, Ana still does.
    slack.click(EDIT_ENTRY, user=ANA, value=entry_id)
    slack.submit(
        last_opened_view(fake_slack),
        learning_form(what="Partition pruning in Postgres", visibility="private", skills="#sql"),
        user=ANA,
        view_id="V0EDIT2",
    )
    assert "Nothing found" in found(slack, "pruning", user=BO)
    assert "Partition pruning" in found(slack, "pruning", user=ANA)

    # Undone: gone from the index.
    slack.click(UNDO_ENTRY, user=ANA, value=entry_id)
    assert entries(session) == []
    assert "Nothing found" in found(slack, "pruning", user=ANA)
    assert indexed_entry_ids(session, "pruning") == set()

    # Forget-me: every entry of hers leaves the index; Bo's stays.
    log(slack, "20m #sql Covering indexes explained", user=ANA)
    log(slack, "25m #sql Covering indexes in practice", user=BO)
    ana_entry = session.scalar(
        select(LearningEntry.id)
        .join(Person)
        .where(Person.user_id == ANA, LearningEntry.what.contains("indexes"))
    )
    assert indexed_entry_ids(session, "covering") == {ana_entry, entries(session, BO)[0].id}
    slack.command("/fitness", "forget-me", user=ANA)
    slack.click(FORGET_ME, user=ANA, value="confirm")
    session.expire_all()
    assert indexed_entry_ids(session, "covering") == {entries(session, BO)[0].id}
    assert "explained" not in found(slack, "covering indexes", user=BO)
    assert full_text_index_is_consistent(session)


# ---------------------------------------------------------------------- search: hostile queries


FINDS, NOTHING, ADVICE = "finds the entry", "nothing found", "says what to type"


@pytest.mark.parametrize(
    ("words", "outcome"),
    [
        ('"terraform', FINDS),
        ('terraform"', FINDS),
        ('"terraform" "', FINDS),
        ("terraform*", FINDS),
        ("*", ADVICE),
        ("NEAR(terraform state)", FINDS),
        ("NEAR", FINDS),  # a word like any other: the entry says "near"
        ("terraform OR", FINDS),
        ("OR AND NOT", ADVICE),  # common words only
        ("-terraform", FINDS),
        ("^terraform", FINDS),
        ("what:terraform", FINDS),
        ("{what}: terraform", FINDS),
        ("terraform + - ( ) : ^ ~ \\ ' ;--", FINDS),
        ("<!channel> terraform <@U0BO>", FINDS),
        ("'; DROP TABLE learning_entries; --", NOTHING),
        ("\U0001f9d1\u200d\U0001f4bb terraform \U0001d54f", FINDS),
        ("ｔｅｒｒａｆｏｒｍ", FINDS),  # full-width letters read as plain ones
        ("Terraforming", FINDS),  # both engines stem
        ("9" * 150, ADVICE),  # longer than any word
    ],
)
def test_query_syntax_is_only_words(slack, fake_slack, session, words, outcome):
    log(slack, "30m terraform near misses and state", user=ANA)

    shown = found(slack, words, user=ANA)

    assert ("terraform near misses" in shown) is (outcome == FINDS)
    assert ("Nothing found" in shown) is (outcome == NOTHING)
    assert ("Search with a few words or #skills" in shown) is (outcome == ADVICE)
    assert "<!channel>" not in shown and "<@U0BO>" not in shown
    assert len(entries(session)) == 1


@pytest.mark.parametrize(
    ("words", "advice"),
    [
        ("", "What should I look for?"),
        ("   ", "What should I look for?"),
        ("x" * 10_000, f"at most {MAX_QUERY_LENGTH} characters"),
        ("terraform\x00state", "control characters"),
        ("terraform\x1b[31m", "control characters"),
        ("\U0001f600\U0001f680", "I found no words to look for"),
        ("how do I", "I found no words to look for"),
        ('" * ^ - ()', "I found no words to look for"),
    ],
)
def test_empty_too_long_and_wordless_searches_say_what_to_type(slack, words, advice):
    reply = slack.command("/learn", f"search {words}".rstrip() if words.strip() else "search", user=ANA)
    shown = text_of(reply.json)
    assert advice in shown and "/learn search" in shown


def test_search_query_keeps_words_and_skills_apart():
    query = SearchQuery.build("How do I lock #Terraform state? state, LOCK")
    assert query.terms == ("lock", "state") and query.skills == ("terraform",)
    assert terms_of("one two three four five six seven eight nine ten") == (
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
    )


def test_help_mentions_search(slack):
    assert "/learn search" in text_of(slack.command("/learn", "help", user=ANA).json)


# ---------------------------------------------------------------------- answered before


def ask(slack, words: str, *, user: str, channel: str = CHANNEL_ID, trigger: str | None = None):
    return slack.command("/ask", words, user=user, channel_id=channel, trigger=trigger)


def question_by(session: Session, words: str) -> HelpQuestion:
    session.expire_all()
    return session.scalars(select(HelpQuestion).where(HelpQuestion.text == words)).one()


def resolve_by_reaction(slack, question: HelpQuestion, asker: str) -> None:
    event = TEST_TEAM.reaction_added_event(
        user_id=asker,
        reaction="white_check_mark",
        channel_id=question.channel_id,
        message_ts=question.message_ts,
    )
    slack.event(TEST_TEAM.event_envelope(event))


def posts_in(fake_slack, channel: str) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == channel and not call.args.get("thread_ts")
    ]


FIRST = "How do I lock Terraform state in CI?"
SECOND = "Terraform state lock stuck, how to release it?"


def test_a_similar_question_is_offered_the_first_ones_thread_and_post_anyway_posts_it_once(
    slack, fake_slack, session
):
    ask(slack, f"{FIRST} #terraform", user=BO, channel=HELP, trigger="1.T0ASK.first")
    first = question_by(session, FIRST)
    resolve_by_reaction(slack, first, BO)
    assert question_by(session, FIRST).status is QuestionStatus.RESOLVED
    posted_before = len(posts_in(fake_slack, HELP))

    ask(slack, SECOND, user=ANA, channel=HELP, trigger="1.T0ASK.second")

    offer = last_response(fake_slack)
    shown = text_of(offer)
    assert "Answered before" in shown and FIRST in shown
    permalink = (
        f"https://{fake_slack.team_domain}.slack.com/archives/{HELP}/p{first.message_ts.replace('.', '')}"
    )
    assert f"{FIRST} · in <#{HELP}> · resolved Tue 24 Nov · <{permalink}|link>" in shown
    assert len(posts_in(fake_slack, HELP)) == posted_before  # not posted yet
    second = question_by(session, SECOND)
    assert second.status is QuestionStatus.UNPOSTED and second.held_at is not None

    # Someone else's click (a forged value) posts nothing.
    value = button_value(offer, POST_ANYWAY)
    slack.click(POST_ANYWAY, user=KEN, value=value)
    assert (
        "no longer exists" in text_of(last_response(fake_slack)).lower()
        or "gone" in text_of(last_response(fake_slack)).lower()
    )
    assert len(posts_in(fake_slack, HELP)) == posted_before

    # A double click posts once.
    slack.click(POST_ANYWAY, user=ANA, value=value)
    confirmation = last_response(fake_slack)
    slack.click(POST_ANYWAY, user=ANA, value=value)
    assert len(posts_in(fake_slack, HELP)) == posted_before + 1
    assert "posted in" in text_of(confirmation) and confirmation["replace_original"] is True
    assert "posted already" in text_of(last_response(fake_slack))
    second = question_by(session, SECOND)
    assert second.status is QuestionStatus.OPEN and second.held_at is None


def test_an_unlike_question_is_posted_as_before(slack, fake_slack, session):
    ask(slack, FIRST, user=BO, channel=HELP, trigger="1.T0ASK.first")
    resolve_by_reaction(slack, question_by(session, FIRST), BO)

    ask(slack, "Which Kafka partitioner keeps order per key?", user=ANA, channel=HELP, trigger="1.T0ASK.2")
    assert "posted in" in text_of(last_response(fake_slack))
    # One word in common is not alike: two are needed (or the only one a question has).
    ask(slack, "Pinning Terraform provider versions?", user=ANA, channel=HELP, trigger="1.T0ASK.3")
    assert "posted in" in text_of(last_response(fake_slack))
    ask(slack, "Terraform?", user=KEN, channel=HELP, trigger="1.T0ASK.4")
    assert "Answered before" in text_of(last_response(fake_slack))

    assert len(posts_in(fake_slack, HELP)) == 3


def test_a_question_from_a_private_channel_is_offered_only_to_people_in_it(slack, fake_slack, session):
    ask(slack, FIRST, user=BO, channel=SECRET, trigger="1.T0ASK.secret")
    secret = question_by(session, FIRST)
    assert secret.channel_id == SECRET and not secret.in_public_channel
    resolve_by_reaction(slack, secret, BO)
    ask(slack, "Open Terraform state lock question", user=DEV, channel=HELP, trigger="1.T0ASK.open")
    open_question = question_by(session, "Open Terraform state lock question")
    assert open_question.status is QuestionStatus.OPEN  # not resolved: never offered

    # Ana is not in #secret: her question is posted at once, and nothing of #secret reaches her.
    ask(slack, SECOND, user=ANA, channel=HELP, trigger="1.T0ASK.ana")
    shown = text_of(last_response(fake_slack))
    assert FIRST not in shown and "Answered before" not in shown and "posted in" in shown

    # Bo is: he is offered it.
    ask(slack, "Terraform state lock again, how to release?", user=BO, channel=HELP, trigger="1.T0ASK.bo")
    shown = text_of(last_response(fake_slack))
    assert "Answered before" in shown and FIRST in shown


def test_the_ask_form_offers_questions_answered_before_privately(slack, fake_slack, session):
    ask(slack, FIRST, user=BO, channel=HELP, trigger="1.T0ASK.first")
    resolve_by_reaction(slack, question_by(session, FIRST), BO)
    slack.command("/ask", "", user=ANA, channel_id=HELP, trigger="1.T0ASK.form")
    from tests.support.payloads import form_values, radio_value, text_value

    slack.submit(
        last_opened_view(fake_slack),
        form_values(
            question=text_value(SECOND),
            details=text_value(None),
            skills=text_value(None),
            urgency=radio_value("normal"),
        ),
        user=ANA,
        view_id="V0ASKFORM",
    )
    [offer] = [call.args for call in fake_slack.calls_to("chat.postEphemeral") if call.args["user"] == ANA]
    assert "Answered before" in text_of(offer) and FIRST in text_of(offer)
    assert len(posts_in(fake_slack, HELP)) == 1
    assert question_by(session, SECOND).held_at is not None


# ---------------------------------------------------------------------- experts by their words


def test_experts_are_found_by_the_words_of_shared_entries_and_answers_never_private_ones(
    slack, fake_slack, session
):
    log(slack, "30m state locking with DynamoDB #aws", user=BO)  # shared, no #terraform tag
    log(slack, "5h vis:private terraform state locking deep dive", user=KEN)  # private: never counts
    # Dev answered a question like it, and was credited.
    ask(slack, "Terraform state locking fails in CI", user=LIA, channel=HELP, trigger="1.T0ASK.lia")
    earlier = question_by(session, "Terraform state locking fails in CI")
    slack.event(
        TEST_TEAM.event_envelope(
            TEST_TEAM.message_event(
                user_id=DEV,
                channel_id=HELP,
                ts="1800000001.000100",
                text="Use a lock table",
                thread_ts=earlier.message_ts,
            )
        )
    )
    from bot.views.help import RESOLVE_QUESTION

    slack.click(RESOLVE_QUESTION, user=LIA, value=str(earlier.id), channel_id=HELP, ephemeral=False)
    slack.submit(
        last_opened_view(fake_slack),
        {"helpers": {"value": {"type": "multi_users_select", "selected_users": [DEV]}}},
        user=LIA,
        view_id="V0CREDIT",
    )

    ask(slack, "How do I lock Terraform state?", user=ANA, channel=HELP, trigger="1.T0ASK.ana")
    offer = last_response(fake_slack)
    assert "Answered before" in text_of(offer)
    slack.click(POST_ANYWAY, user=ANA, value=button_value(offer, POST_ANYWAY))

    shown = text_of(last_response(fake_slack))
    assert "Peers who may know" in shown
    assert f"<@{BO}>" in shown and f"<@{DEV}>" in shown
    assert f"<@{KEN}>" not in shown and f"<@{ANA}>" not in shown


def test_forget_me_takes_a_persons_questions_out_of_answered_before(slack, fake_slack, session):
    ask(slack, FIRST, user=BO, channel=HELP, trigger="1.T0ASK.first")
    resolve_by_reaction(slack, question_by(session, FIRST), BO)
    slack.command("/fitness", "forget-me", user=BO)
    slack.click(FORGET_ME, user=BO, value="confirm")

    ask(slack, SECOND, user=ANA, channel=HELP, trigger="1.T0ASK.second")

    assert "posted in" in text_of(last_response(fake_slack))
    if session.get_bind().dialect.name == "sqlite":
        query = "SELECT count(*) FROM help_questions_fts WHERE help_questions_fts MATCH '\"ci\"'"
    else:
        query = (
            "SELECT count(*) FROM help_questions WHERE search_document @@ plainto_tsquery('english', 'ci')"
        )
    assert session.scalar(text(query)) == 0  # only Bo's question said "CI": gone from the index
    assert full_text_index_is_consistent(session)

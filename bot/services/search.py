"""Finding learning again: full-text matches on entries' words and questions' text, with each database's own
engine (SQLite FTS5 tables, PostgreSQL `tsvector` GIN indexes, both made by migration 0012), and who may
find what.

What a person types never reaches the engine as query syntax: it is cut into words here (letters and digits
only), common words dropped, and each word handed over as a quoted FTS5 string or a `plainto_tsquery`
parameter, so `"`, `*`, `NEAR`, `OR`, `-` and `^` are just characters that separate words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import combinations

from sqlalchemy import (
    ColumnElement,
    Float,
    FromClause,
    Integer,
    String,
    Subquery,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from bot.services.drafts import has_control_characters, normalise_skill
from models import (
    EntryKind,
    HelpQuestion,
    LearningEntry,
    Person,
    QuestionStatus,
    Skill,
    TeamMember,
    Visibility,
    entry_skills,
)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8  # words of a query or a question that count; the rest are ignored
MAX_TERM_LENGTH = 50
MAX_RESULTS = 10
# How many resolved questions to look at before the asker's view of their channels narrows them down.
MAX_SIMILAR_CANDIDATES = 10
# A skill named in the search weighs like a strong word match (bm25 and ts_rank give a few units at most).
SKILL_WEIGHT = 5.0
WORD = re.compile(r"[^\W_]+")
# PostgreSQL's English stop words (tsearch_data/english.stop): dropped on both databases, so SQLite and
# PostgreSQL match the same words, and "How do I ..." alone never makes two questions alike.
_STOP_WORDS_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these those
    am is are was were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after above below to
    from up down in out on off over under again further then once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very s t can will just don
    should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
ENGLISH: ColumnElement[str] = literal_column("'english'::regconfig")
SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")
# ts_rank's weights for D, C, B, A: words are D; an entry's owner lexeme is A and must not count.
WORDS_ONLY: ColumnElement[str] = literal_column("'{0.1, 0.2, 0.4, 0}'::float4[]")
SEARCH_DOCUMENT = "search_document"  # PostgreSQL: each searched table's stored tsvector (migration 0012)


class QueryError(ValueError):
    """A search that cannot be run as typed; the message says what to type instead."""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for: plain words (lowercased, common words dropped) and #skills."""

    terms: tuple[str, ...]
    skills: tuple[str, ...]

    @classmethod
    def build(cls, typed: str) -> SearchQuery:
        """Read a search as typed, or raise QueryError (empty, too long, control characters, no words)."""
        typed = typed.strip()
        if len(typed) > MAX_QUERY_LENGTH:
            raise QueryError(f"That search is too long: at most {MAX_QUERY_LENGTH} characters.")
        if has_control_characters(typed):
            raise QueryError("Remove the invisible control characters (often pasted from a terminal).")
        skills: list[str] = []
        words: list[str] = []
        for word in typed.split():
            if word.startswith("#") and (skill := _skill(word)):
                skills.append(skill)
            else:
                words.append(word)
        query = cls(terms=terms_of(" ".join(words)), skills=tuple(dict.fromkeys(skills))[:MAX_TERMS])
        if not query.terms and not query.skills:
            raise QueryError("I found no words to look for in that.")
        return query


def _skill(word: str) -> str | None:
    try:
        return normalise_skill(word)
    except ValueError:
        return None


def terms_of(words: str) -> tuple[str, ...]:
    """The words that say what a text is about: letters and digits only, lowercased, no stop words, once
    each, at most MAX_TERMS."""
    normal = unicodedata.normalize("NFKC", words).casefold()
    kept = [term for term in WORD.findall(normal) if term not in STOP_WORDS and len(term) <= MAX_TERM_LENGTH]
    return tuple(dict.fromkeys(kept))[:MAX_TERMS]


# ---------------------------------------------------------------------- matching, per database


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _fts5_string(term: str) -> str:
    """A word as an FTS5 string: inside double quotes nothing is syntax (a quote is doubled)."""
    return '"' + term.replace('"', '""') + '"'


def _fts5_any(terms: Sequence[str]) -> str:
    return " OR ".join(_fts5_string(term) for term in terms)


def _fts5_two_of(terms: Sequence[str]) -> str:
    """Rows with at least two of the words (or the one word, when there is one)."""
    if len(terms) < 2:
        return _fts5_any(terms)
    return " OR ".join(f"({_fts5_string(a)} AND {_fts5_string(b)})" for a, b in combinations(terms, 2))


def _fts5_matches(table: str, match: str) -> Subquery:
    """(id, score) of the rows of an FTS5 table that `match` finds; a higher score is a better match."""
    parameter = f"{table}_match"  # one name per table, so one statement can ask both tables
    # bm25 weighs only the words (an entry's owner token is not a word).
    return (
        text(
            f"SELECT rowid AS id, -bm25({table}, 1.0, 0.0) AS score FROM {table} WHERE {table} MATCH :{parameter}"
        )
        .bindparams(bindparam(parameter, match))
        .columns(id=Integer, score=Float)
        .subquery()
    )


# The entries a person may find, as FTS5 owner tokens built in the same statement from ids alone: their
# own (shared `s<id>` or private `x<id>`) and their teammates' shared ones.
_FTS5_VISIBLE_TO = """'(' || :entries_match || ') AND owner:("s' || :entries_person || '" OR "x' || :entries_person
|| '"' || coalesce((SELECT group_concat(' OR "s' || person_id || '"', '') FROM (SELECT DISTINCT
mate.person_id FROM team_members AS mine JOIN team_members AS mate ON mate.learning_team_id =
mine.learning_team_id WHERE mine.person_id = :entries_person AND mate.person_id != :entries_person)), '')
|| ')'"""


def _fts5_entries_visible_to(person_id: int, match: str) -> Subquery:
    """(id, score) of the entries `match` finds among those the person may see (narrowed inside the
    index; visibility is still checked in SQL by the caller)."""
    return (
        text(
            "SELECT rowid AS id, -bm25(learning_entries_fts, 1.0, 0.0) AS score FROM learning_entries_fts "
            f"WHERE learning_entries_fts MATCH {_FTS5_VISIBLE_TO}"
        )
        .bindparams(bindparam("entries_match", match), bindparam("entries_person", person_id))
        .columns(id=Integer, score=Float)
        .subquery()
    )


def _tsquery_any(terms: Sequence[str]) -> ColumnElement[str]:
    queries = [func.plainto_tsquery(ENGLISH, literal(term)) for term in terms]
    combined: ColumnElement[str] = queries[0]
    for query in queries[1:]:
        combined = combined.op("||")(query)
    return combined


def _matching_at_least_two(document: ColumnElement[str], terms: Sequence[str]) -> ColumnElement[bool]:
    """The document holds two of the words (or the one word, when there is one): counted word by word,
    which PostgreSQL evaluates faster than an OR of every pair."""
    if len(terms) < 2:
        return true()
    matched = [
        cast(document.op("@@")(func.plainto_tsquery(ENGLISH, literal(term))), Integer) for term in terms
    ]
    return sum(matched[1:], matched[0]) >= 2


def _text_matches(
    session: Session,
    source: type[LearningEntry] | type[HelpQuestion],
    terms: Sequence[str],
    *,
    team_id: str,
    two_of: bool,
    visible_to: Person | None = None,
) -> Subquery:
    """(id, score) of the entries or questions whose words match `terms`: any of them, or with `two_of`
    at least two (a question "like" another shares two of its words, or its only one). `visible_to`
    narrows entries to those the person may see as early as the engine allows (the caller checks again)."""
    if _dialect(session) == "sqlite":
        match = _fts5_two_of(terms) if two_of else _fts5_any(terms)
        if source is LearningEntry and visible_to is not None:
            return _fts5_entries_visible_to(visible_to.id, match)
        table = "learning_entries_fts" if source is LearningEntry else "help_questions_fts"
        return _fts5_matches(table, match)
    # The stored tsvector column migration 0012 adds and indexes (not in the models).
    document: ColumnElement[str] = literal_column(f"{source.__tablename__}.{SEARCH_DOCUMENT}")
    query = _tsquery_any(terms)
    alike = _matching_at_least_two(document, terms) if two_of else true()
    found = query if visible_to is None else query.op("&&")(_owner_tsquery(visible_to))
    return (
        select(source.id.label("id"), func.ts_rank(WORDS_ONLY, document, query).label("score"))
        .where(document.op("@@")(found), alike, source.team_id == team_id)
        .subquery()
    )


def _owner_tsquery(person: Person) -> ColumnElement[str]:
    """PostgreSQL: the owner lexemes (weight A) of the entries `person` may find, built from ids alone in
    the same statement: their own (`s<id>`, `x<id>`) and their teammates' shared ones (`s<id>`)."""
    mine, mate = aliased(TeamMember), aliased(TeamMember)
    teammates = (
        select(mate.person_id)
        .distinct()
        .join(mine, mine.learning_team_id == mate.learning_team_id)
        .where(mine.person_id == person.id, mate.person_id != person.id)
        .subquery()
    )
    listed = select(
        func.string_agg(literal(" | s") + cast(teammates.c.person_id, String) + literal(":A"), literal(""))
    ).scalar_subquery()
    own = literal(f"s{int(person.id)}:A | x{int(person.id)}:A")
    return func.to_tsquery(SIMPLE, own + func.coalesce(listed, literal("")))


# ---------------------------------------------------------------------- who may find what


def visible_entries_of(person: Person) -> ColumnElement[bool]:
    """Entries `person` may find: all of their own, and teammates' shared ones (people in any learning team
    with them). Another person's private entry, never."""
    their_teams = select(TeamMember.learning_team_id).where(TeamMember.person_id == person.id)
    teammates = select(TeamMember.person_id).where(TeamMember.learning_team_id.in_(their_teams))
    # Written as "whose entries" first, so that the database reads them by the person index.
    return and_(
        LearningEntry.team_id == person.team_id,
        LearningEntry.person_id.in_(union(select(literal(person.id, Integer)), teammates)),
        or_(LearningEntry.person_id == person.id, LearningEntry.visibility == Visibility.TEAM),
    )


# ---------------------------------------------------------------------- searching entries


@dataclass(frozen=True)
class FoundEntry:
    """An entry a search found, read inside the session so the view gets plain data."""

    id: int
    user_id: str  # who logged it
    mine: bool
    what: str
    minutes: int
    kind: EntryKind
    skills: tuple[str, ...]
    link: str | None
    local_day: date  # the day it was learned, in the timezone of the person who logged it
    visibility: Visibility


def _entry_scores(session: Session, person: Person, query: SearchQuery) -> FromClause:
    """(id, score) of the entries that match a word or carry a skill asked for (from the person's and their
    teammates' where the engine narrows the search early; the caller checks visibility)."""
    team_id = person.team_id
    parts = []
    if query.terms:
        matched = _text_matches(
            session, LearningEntry, query.terms, team_id=team_id, two_of=False, visible_to=person
        )
        parts.append(select(matched.c.id, matched.c.score))
    # A plain word that names a skill (`terraform`) finds entries tagged with it too.
    skill_names = (*query.skills, *query.terms)
    parts.append(
        select(entry_skills.c.entry_id.label("id"), literal(SKILL_WEIGHT, Float).label("score"))
        .join(Skill, Skill.id == entry_skills.c.skill_id)
        .where(Skill.team_id == team_id, Skill.name.in_(skill_names))
    )
    scores = union_all(*parts).subquery()
    return (
        select(scores.c.id, func.sum(scores.c.score).label("score")).group_by(scores.c.id).subquery("scores")
    )


def search_entries(
    session: Session, person: Person | None, query: SearchQuery, *, limit: int = MAX_RESULTS
) -> list[FoundEntry]:
    """The entries `person` may see that match, best first (then the most recent). Two statements: the
    search, and the found entries' skills."""
    if person is None:  # someone Learnfit has never met has logged nothing and is in no team
        return []
    scores = _entry_scores(session, person, query)
    rows = session.execute(
        select(LearningEntry, Person.user_id)
        .join(scores, scores.c.id == LearningEntry.id)
        .join(Person, Person.id == LearningEntry.person_id)
        .where(visible_entries_of(person))
        .order_by(scores.c.score.desc(), LearningEntry.local_day.desc(), LearningEntry.id.desc())
        .limit(limit)
    ).all()
    return [
        FoundEntry(
            id=entry.id,
            user_id=user_id,
            mine=entry.person_id == person.id,
            what=entry.what,
            minutes=entry.minutes,
            kind=entry.kind,
            skills=tuple(skill.name for skill in entry.skills),
            link=entry.link,
            local_day=entry.local_day,
            visibility=entry.visibility,
        )
        for entry, user_id in rows
    ]


# ---------------------------------------------------------------------- questions answered before


@dataclass(frozen=True)
class SimilarQuestion:
    """A resolved question like a new one. Only a candidate: whether the asker may see it depends on its
    channel (`in_public_channel`, else Slack's members), which the caller asks Slack about."""

    id: int
    text: str
    channel_id: str
    message_ts: str
    in_public_channel: bool
    resolved_at: datetime | None


def matching_entries(session: Session, team_id: str, words: str) -> Subquery | None:
    """(id, score) of the workspace's entries like `words` (two of its words in common), or None when
    `words` has nothing to match on. Visibility is the caller's rule."""
    terms = terms_of(words)
    if not terms:
        return None
    return _text_matches(session, LearningEntry, terms, team_id=team_id, two_of=True)


def resolved_questions_like(session: Session, team_id: str, words: str) -> Subquery | None:
    """(id, score) of the workspace's resolved, posted questions like `words`, or None when `words` has
    nothing to match on. Who may see them is the caller's rule."""
    terms = terms_of(words)
    if not terms:
        return None
    matched = _text_matches(session, HelpQuestion, terms, team_id=team_id, two_of=True)
    return (
        select(matched.c.id, matched.c.score)
        .join(HelpQuestion, HelpQuestion.id == matched.c.id)
        .where(
            HelpQuestion.team_id == team_id,
            HelpQuestion.status == QuestionStatus.RESOLVED,
            HelpQuestion.channel_id.is_not(None),
            HelpQuestion.message_ts.is_not(None),
        )
        .subquery()
    )


def answered_before(
    session: Session, question: HelpQuestion, *, limit: int = MAX_SIMILAR_CANDIDATES
) -> list[SimilarQuestion]:
    """Resolved questions of the same workspace like `question`, best match first, in one statement."""
    matched = resolved_questions_like(session, question.team_id, question.text)
    if matched is None:
        return []
    rows = session.execute(
        select(
            HelpQuestion.id,
            HelpQuestion.text,
            HelpQuestion.channel_id,
            HelpQuestion.message_ts,
            HelpQuestion.in_public_channel,
            HelpQuestion.resolved_at,
        )
        .join(matched, matched.c.id == HelpQuestion.id)
        .where(HelpQuestion.id != question.id, HelpQuestion.team_id == question.team_id)
        .order_by(matched.c.score.desc(), HelpQuestion.resolved_at.desc(), HelpQuestion.id.desc())
        .limit(limit)
    ).all()
    return [
        SimilarQuestion(id, text, str(channel_id), str(message_ts), bool(public), resolved_at)
        for id, text, channel_id, message_ts, public, resolved_at in rows
    ]


@dataclass(frozen=True)
class AnsweredBefore:
    """A resolved question the asker may see, with the link to its thread (None when Slack gave none)."""

    question: SimilarQuestion
    permalink: str | None

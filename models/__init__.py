"""Learnfit's database models: one metadata, every row keyed by the Slack workspace it belongs to."""

from models.base import Base, UTCDateTime
from models.goals import Goal, GoalStatus, GoalTarget, RestWeek, goal_skills
from models.learning import EntryKind, EntrySource, LearningEntry, Skill, Visibility, entry_skills
from models.people import Person
from models.slack_stores import slack_bots, slack_installations, slack_oauth_states

__all__ = [
    "Base",
    "EntryKind",
    "EntrySource",
    "Goal",
    "GoalStatus",
    "GoalTarget",
    "LearningEntry",
    "Person",
    "RestWeek",
    "Skill",
    "UTCDateTime",
    "Visibility",
    "entry_skills",
    "goal_skills",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
